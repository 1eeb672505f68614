/*
 * log.c - logging to stderr or syslog(3); see log.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static void	log_emit(int, const char *);

static int	log_foreground = 1;
static int	log_level = LOG_INFO;

void
log_init(int foreground, int level)
{
	log_foreground = foreground;
	log_level = level;
	if (!foreground)
		openlog("nvmwatchd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

static void
log_emit(int prio, const char *msg)
{
	if (log_foreground) {
		fprintf(stderr, "%s\n", msg);
		fflush(stderr);
	} else
		syslog(prio, "%s", msg);
}

void
vlog(int prio, const char *fmt, va_list ap)
{
	char	msg[1024];

	if (prio > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	log_emit(prio, msg);
}

void
log_msg(int prio, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(prio, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_WARNING, "%s: %s", msg, strerror(saved));
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_CRIT, "fatal: %s: %s", msg, strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char	msg[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(LOG_CRIT, "fatal: %s", msg);
	exit(1);
}

int
log_limit(struct log_limit *l, time_t now)
{
	if (now - l->start >= LOG_LIMIT_WINDOW) {
		if (l->suppressed > 0)
			log_msg(LOG_WARNING, "%lu similar messages suppressed",
			    l->suppressed);
		l->start = now;
		l->count = 0;
		l->suppressed = 0;
	}
	if (l->count < l->burst) {
		l->count++;
		return 1;
	}
	l->suppressed++;
	return 0;
}
