/*
 * ctl.c - nvmwatch stats, rules and reload: one request to the daemon's
 * control socket, its answer to stdout (OK) or stderr (ERR).
 *
 * Exit status: 0 OK, 1 the daemon answered ERR, 2 no answer: a usage or
 * configuration error, the socket cannot be reached, the time (-t) ran
 * out, or the reply is malformed.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "ctlproto.h"
#include "tool.h"

/* Where the socket is when no configuration says. */
#define CTL_SOCKET		"/run/nvmwatch/nvmwatchd.sock"
#define CTL_TIMEOUT		10	/* seconds, stats and rules */
#define CTL_TIMEOUT_RELOAD	30	/* a reload loads every rule */
#define CTL_EXIT_ERR		1
#define CTL_EXIT_FAIL		2
#define CTL_READ		65536

struct ctl {
	const char	*cmd;		/* "stats", ... for messages */
	const char	*path;		/* the socket */
	double		 deadline;	/* CLOCK_MONOTONIC seconds */
	double		 timeout;
	int		 fd;
};

static int	ctl_main(int, char **, enum control_command);
static int	ctl_socket_path(struct ctl *, const char *, char **);
static int	ctl_wait(struct ctl *, short);
static int	ctl_connect(struct ctl *);
static int	ctl_send(struct ctl *, const char *, size_t);
static int	ctl_recv(struct ctl *, struct buf *);
static int	ctl_err_line(const struct buf *);
static int	ctl_answer(struct ctl *, const struct buf *);

int
stats_main(int argc, char **argv)
{
	return ctl_main(argc, argv, CONTROL_STATS);
}

int
rules_main(int argc, char **argv)
{
	return ctl_main(argc, argv, CONTROL_RULES);
}

int
reload_main(int argc, char **argv)
{
	return ctl_main(argc, argv, CONTROL_RELOAD);
}

/* The three subcommands: options, the socket, one exchange. */
static int
ctl_main(int argc, char **argv, enum control_command command)
{
	struct control_request	 req;
	struct ctl		 ctl;
	struct buf		 reply;
	const char		*cfgpath = NULL, *sockpath = NULL;
	const char		*opts = command == CONTROL_RELOAD ? "c:s:t:" :
				    "c:js:t:";
	char			 line[CONTROL_REQUEST_MAX], *end, *owned = NULL;
	int			 ch, rv = CTL_EXIT_FAIL;

	memset(&req, 0, sizeof(req));
	memset(&ctl, 0, sizeof(ctl));
	memset(&reply, 0, sizeof(reply));
	req.command = command;
	ctl.cmd = control_command_name(command);
	ctl.timeout = command == CONTROL_RELOAD ? CTL_TIMEOUT_RELOAD :
	    CTL_TIMEOUT;
	ctl.fd = -1;
	while ((ch = getopt(argc, argv, opts)) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'j':
			req.json = 1;
			break;
		case 's':
			sockpath = optarg;
			break;
		case 't':
			ctl.timeout = strtod(optarg, &end);
			if (end == optarg || *end != '\0' ||
			    !(ctl.timeout > 0 && ctl.timeout <= 86400)) {
				tool_warnx("%s: -t %s: not a number of seconds "
				    "(0 to 86400)", ctl.cmd, optarg);
				return CTL_EXIT_FAIL;
			}
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc || (cfgpath != NULL && sockpath != NULL))
		goto usage;
	if (sockpath == NULL &&
	    ctl_socket_path(&ctl, cfgpath, &owned) == -1)
		return CTL_EXIT_FAIL;
	if (sockpath != NULL)
		ctl.path = sockpath;
	ctl.deadline = tool_monotonic() + ctl.timeout;
	if (ctl_connect(&ctl) == 0 &&
	    ctl_send(&ctl, line, control_request_line(&req, line,
	    sizeof(line))) == 0 && ctl_recv(&ctl, &reply) == 0)
		rv = ctl_answer(&ctl, &reply);
	if (ctl.fd != -1)
		close(ctl.fd);
	buf_free(&reply);
	free(owned);
	return rv;
usage:
	if (command == CONTROL_RELOAD)
		tool_warnx("usage: nvmwatch reload [-s SOCKET | -c CONFIG] "
		    "[-t SECONDS]");
	else
		tool_warnx("usage: nvmwatch %s [-j] [-s SOCKET | -c CONFIG] "
		    "[-t SECONDS]", ctl.cmd);
	return CTL_EXIT_FAIL;
}

/*
 * control.path of cfgpath, else of TOOL_CONFIG when it is readable, else
 * CTL_SOCKET, also when the configuration does not load (after its
 * error). A configuration without control.path is an error: that
 * daemon has no socket. *owned gets what to free.
 */
static int
ctl_socket_path(struct ctl *ctl, const char *cfgpath, char **owned)
{
	struct config		*conf;
	struct config_error	 err;

	if (cfgpath == NULL && access(TOOL_CONFIG, R_OK) == 0)
		cfgpath = TOOL_CONFIG;
	if (cfgpath == NULL) {
		ctl->path = CTL_SOCKET;
		return 0;
	}
	memset(&err, 0, sizeof(err));
	if ((conf = config_load(cfgpath, &err)) == NULL) {
		/*
		 * A bad edit: the daemon is still running the file it
		 * loaded, and its socket is where the default puts it
		 * unless control.path moved it. Ask there, so that a
		 * refused reload is logged and counted by the daemon too.
		 */
		if (err.line > 0)
			fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line,
			    err.column, err.msg);
		else
			fprintf(stderr, "%s: %s\n", err.file, err.msg);
		tool_warnx("%s: %s does not load; asking the daemon at %s",
		    ctl->cmd, cfgpath, CTL_SOCKET);
		ctl->path = CTL_SOCKET;
		return 0;
	}
	if (conf->control_path == NULL) {
		tool_warnx("%s: %s: control.path is not set: the daemon has "
		    "no control socket", ctl->cmd, cfgpath);
		config_free(conf);
		return -1;
	}
	*owned = conf->control_path;
	conf->control_path = NULL;
	ctl->path = *owned;
	config_free(conf);
	return 0;
}

/* Until fd is ready for events or the deadline passes (reported): 0 or
 * -1. */
static int
ctl_wait(struct ctl *ctl, short events)
{
	struct pollfd	pfd;
	double		left;
	int		n;

	for (;;) {
		if ((left = ctl->deadline - tool_monotonic()) <= 0) {
			tool_warnx("%s: %s: no answer within %g s", ctl->cmd,
			    ctl->path, ctl->timeout);
			return -1;
		}
		pfd.fd = ctl->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR) {
			tool_warn("%s: poll", ctl->cmd);
			return -1;
		}
	}
}

/*
 * Non-blocking, so that the deadline holds: a Unix socket whose backlog
 * is full says EAGAIN, and is tried again every 10 ms until then.
 */
static int
ctl_connect(struct ctl *ctl)
{
	struct sockaddr_un	sun;
	struct timespec		ts = { 0, 10 * 1000 * 1000 };
	socklen_t		len = sizeof(int);
	int			err = 0;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(ctl->path) >= sizeof(sun.sun_path)) {
		tool_warnx("%s: %s: socket path too long", ctl->cmd,
		    ctl->path);
		return -1;
	}
	memcpy(sun.sun_path, ctl->path, strlen(ctl->path));
	if ((ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		tool_warn("%s: socket", ctl->cmd);
		return -1;
	}
	while (connect(ctl->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		if (errno == EINTR)
			continue;
		if (errno == EINPROGRESS) {
			if (ctl_wait(ctl, POLLOUT) == -1)
				return -1;
			if (getsockopt(ctl->fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == 0 && err == 0)
				return 0;
			errno = err;
		} else if (errno == EAGAIN && tool_monotonic() < ctl->deadline) {
			nanosleep(&ts, NULL);
			continue;
		}
		tool_warn("%s: cannot connect to %s", ctl->cmd, ctl->path);
		return -1;
	}
	return 0;
}

static int
ctl_send(struct ctl *ctl, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if (ctl_wait(ctl, POLLOUT) == -1)
			return -1;
		if ((n = send(ctl->fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/* Refused before it read us: its answer may be
			 * waiting all the same. */
			if (errno == EPIPE || errno == ECONNRESET)
				return 0;
			tool_warn("%s: %s: send", ctl->cmd, ctl->path);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The whole reply, to the daemon's close; at most one byte past
 * CONTROL_REPLY_MAX is kept, which control_reply_parse() refuses. */
static int
ctl_recv(struct ctl *ctl, struct buf *reply)
{
	char	chunk[CTL_READ];
	size_t	room;
	ssize_t	n;

	for (;;) {
		if (ctl_wait(ctl, POLLIN) == -1)
			return -1;
		room = (size_t)CONTROL_REPLY_MAX + 1 - reply->len;
		n = recv(ctl->fd, chunk, room < sizeof(chunk) ? room :
		    sizeof(chunk), 0);
		if (n == 0 || room == 0)
			break;
		if (n == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			/*
			 * The daemon closes after its reply; when it left
			 * input unread (a request too long, a client
			 * refused), the kernel turns that close into a
			 * reset after the reply. Those replies are ERR
			 * lines: one read whole ends the reply, anything
			 * else cut by a reset is an error.
			 */
			if (errno == ECONNRESET && ctl_err_line(reply))
				break;
			tool_warn("%s: %s: recv", ctl->cmd, ctl->path);
			return -1;
		}
		buf_append(reply, chunk, (size_t)n);
		if (reply->failed) {
			tool_warnx("%s: out of memory", ctl->cmd);
			return -1;
		}
	}
	return 0;
}

/* 1 when reply holds an ERR status line, LF included. */
static int
ctl_err_line(const struct buf *reply)
{
	return reply->len > 4 && memcmp(reply->data, "ERR ", 4) == 0 &&
	    memchr(reply->data, '\n', reply->len) != NULL;
}

/* OK: the body to stdout, 0. ERR: the message to stderr, 1. */
static int
ctl_answer(struct ctl *ctl, const struct buf *reply)
{
	struct control_reply	rep;
	char			msg[256];

	if (control_reply_parse(reply->data, reply->len, &rep, msg,
	    sizeof(msg)) == -1) {
		tool_warnx("%s: %s: %s", ctl->cmd, ctl->path, msg);
		return CTL_EXIT_FAIL;
	}
	if (!rep.ok) {
		tool_warnx("%s: %.*s", ctl->cmd, (int)rep.message_len,
		    rep.message);
		return CTL_EXIT_ERR;
	}
	if (fwrite(rep.body, 1, rep.body_len, stdout) != rep.body_len ||
	    fflush(stdout) == EOF) {
		tool_warn("%s: standard output", ctl->cmd);
		return CTL_EXIT_FAIL;
	}
	return 0;
}
