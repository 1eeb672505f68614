/*
 * log.h - nvmwatchd's logging: stderr in the foreground, syslog(3) otherwise.
 *
 * Priorities are syslog(3)'s. log_warn() appends strerror(errno),
 * log_warnx() does not. fatal() and fatalx() log and exit 1; they are for
 * start-up and broken invariants only.
 */
#ifndef NVMWATCHD_LOG_H
#define NVMWATCHD_LOG_H

#include <stdarg.h>
#include <syslog.h>
#include <time.h>

/*
 * A rate limit for warnings driven by input (malformed messages, write
 * errors): at most burst messages per window of LOG_LIMIT_WINDOW seconds;
 * the next window starts with one line saying how many were suppressed.
 */
#define LOG_LIMIT_WINDOW	10

struct log_limit {
	time_t		 start;		/* the current window */
	unsigned	 count;		/* messages logged in it */
	unsigned	 burst;		/* messages allowed per window */
	unsigned long	 suppressed;	/* messages dropped in this window */
};

#define LOG_LIMIT_INITIALIZER(b)	{ 0, 0, (b), 0 }

/* foreground: log to stderr; else syslog(3). level: the lowest priority shown. */
void	log_init(int foreground, int level);
void	log_setlevel(int level);
int	log_getlevel(void);

void	vlog(int prio, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_warn(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * 1 when a message may be logged at time now (seconds), 0 when it is to be
 * suppressed (and counted). Opening a new window logs the count of the old.
 */
int	log_limit(struct log_limit *, time_t now);

#endif
