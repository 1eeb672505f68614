/*
 * control.c - the control socket: accepts `nvmwatch` clients on a Unix
 * socket, reads one request line each, runs it through the daemon's
 * handler and writes the reply. See control.h and nvmwatchd(8).
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "buf.h"
#include "config.h"
#include "control.h"
#include "ctlproto.h"
#include "log.h"

#define ACCEPT_PAUSE	1	/* seconds without accept() after EMFILE */
#define REFUSED_REPLY	"ERR too many clients\n"

struct control_conn {
	TAILQ_ENTRY(control_conn)	 entry;
	struct control			*ctl;
	struct bufferevent		*bev;
	int				 replied;	/* closing when drained */
};

struct control {
	struct event_base		*base;
	char				*path;
	int				 fd;
	int				 bound;		/* path is ours */
	dev_t				 dev;		/* of the socket file */
	ino_t				 ino;
	struct event			*ev;
	struct event			*ev_pause;
	control_fn			*fn;
	void				*arg;
	unsigned			 max_clients;
	unsigned			 live;
	double				 timeout_secs;
	struct timeval			 timeout;
	struct control_counters		 counters;
	struct log_limit		 limit;
	TAILQ_HEAD(, control_conn)	 conns;
};

static int	control_path_free(const char *);
static int	control_in_use(const char *);
static int	control_socket(struct control *, const struct config *);
static int	control_mkdir(const char *);
static int	control_owner(struct control *, const struct config *);
static int	control_gid(const char *, gid_t *);
static void	control_accept(evutil_socket_t, short, void *);
static void	control_accept_resume(evutil_socket_t, short, void *);
static void	control_refuse(struct control *, int);
static void	conn_new(struct control *, int);
static void	conn_free(struct control_conn *);
static void	conn_read(struct bufferevent *, void *);
static void	conn_request(struct control_conn *, const char *, size_t);
static void	conn_reply(struct control_conn *, int, const struct buf *);
static void	conn_error(struct control_conn *, const char *);
static void	conn_say(struct control_conn *, const char *);
static void	conn_write(struct bufferevent *, void *);
static void	conn_event(struct bufferevent *, short, void *);

struct control *
control_new(struct event_base *base, const struct config *conf,
    control_fn *fn, void *arg)
{
	struct control	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->path = strdup(conf->control_path)) == NULL) {
		log_warn("control socket");
		free(c);
		return NULL;
	}
	c->base = base;
	c->fd = -1;
	c->fn = fn;
	c->arg = arg;
	c->max_clients = conf->control_max_clients;
	c->timeout_secs = conf->control_timeout;
	c->timeout.tv_sec = (time_t)conf->control_timeout;
	c->timeout.tv_usec = (suseconds_t)((conf->control_timeout -
	    (double)c->timeout.tv_sec) * 1e6);
	c->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(10);
	TAILQ_INIT(&c->conns);
	if (control_path_free(c->path) == -1 ||
	    control_socket(c, conf) == -1)
		goto fail;
	c->ev = event_new(base, c->fd, EV_READ | EV_PERSIST, control_accept,
	    c);
	c->ev_pause = evtimer_new(base, control_accept_resume, c);
	if (c->ev == NULL || c->ev_pause == NULL ||
	    event_add(c->ev, NULL) == -1) {
		log_warnx("control socket %s: cannot register it", c->path);
		goto fail;
	}
	log_info("control socket %s", c->path);
	return c;
fail:
	control_free(c);
	return NULL;
}

void
control_shutdown(struct control *c)
{
	struct control_conn	*conn;
	struct stat		 st;

	while ((conn = TAILQ_FIRST(&c->conns)) != NULL)
		conn_free(conn);
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->ev_pause != NULL)
		event_free(c->ev_pause);
	c->ev = c->ev_pause = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	/* Someone may have put another file there since: leave it. */
	if (c->bound && lstat(c->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == c->dev && st.st_ino == c->ino &&
	    unlink(c->path) == -1)
		log_warn("unlink %s", c->path);
	c->bound = 0;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	control_shutdown(c);
	free(c->path);
	free(c);
}

const struct control_counters *
control_counters(const struct control *c)
{
	return &c->counters;
}

/*
 * What is at path may go: nothing, or a socket nobody accepts on (left by
 * a daemon that was killed). A live socket means another daemon; any
 * other file is not ours to remove. 0, or -1 (logged).
 */
static int
control_path_free(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("control socket %s", path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("control socket %s: the file exists and is not a "
		    "socket; not removed", path);
		return -1;
	}
	switch (control_in_use(path)) {
	case 1:
		log_warnx("another nvmwatchd is running on %s", path);
		return -1;
	case -1:
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("control socket %s: cannot remove the stale socket",
		    path);
		return -1;
	}
	log_info("control socket %s: removed a stale socket", path);
	return 0;
}

/*
 * 1 when something accepts connections on the socket at path, 0 when not
 * (stale), -1 when that cannot be told (logged). Non-blocking, so that a
 * full backlog (EAGAIN: a live daemon, busy) cannot block start-up.
 */
static int
control_in_use(const char *path)
{
	struct sockaddr_un	sun;
	int			fd, rv;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("control socket %s: socket", path);
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS)
		rv = 1;
	else if (errno == ECONNREFUSED)
		rv = 0;
	else {
		log_warn("control socket %s: connect", path);
		rv = -1;
	}
	close(fd);
	return rv;
}

/*
 * Binds and listens. The socket file is made under umask 0177 (owner
 * only), then given its group, then its mode: it is never open to more
 * than control.mode and control.group allow, not even for a moment.
 */
static int
control_socket(struct control *c, const struct config *conf)
{
	struct sockaddr_un	sun;
	struct stat		st;
	mode_t			old;
	int			rv;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", c->path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("control socket %s: socket", c->path);
		return -1;
	}
	old = umask(0177);
	rv = bind(c->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rv == -1 && errno == ENOENT && control_mkdir(c->path) == 0) {
		old = umask(0177);
		rv = bind(c->fd, (struct sockaddr *)&sun, sizeof(sun));
		umask(old);
	}
	if (rv == -1) {
		log_warn("control socket %s: bind", c->path);
		if (errno == ENOENT || errno == EACCES)
			log_warnx("control socket %s: set control.path to a "
			    "directory the daemon can write, or to ~ for "
			    "none", c->path);
		return -1;
	}
	if (lstat(c->path, &st) == -1) {
		log_warn("control socket %s", c->path);
		return -1;
	}
	c->bound = 1;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (control_owner(c, conf) == -1)
		return -1;
	if (listen(c->fd, SOMAXCONN) == -1) {
		log_warn("control socket %s: listen", c->path);
		return -1;
	}
	return 0;
}

/*
 * The socket's directory, when it is missing: /run/nvmwatch outside
 * systemd (whose RuntimeDirectory= makes it), for a daemon started by
 * hand as root. One level only, owner and group only. 0, or -1 (errno
 * set, logged when mkdir itself failed).
 */
static int
control_mkdir(const char *path)
{
	char	 dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char	*slash;
	int	 saved;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir) {
		errno = ENOENT;
		return -1;
	}
	*slash = '\0';
	if (mkdir(dir, 0750) == -1) {
		saved = errno;
		log_warn("control socket %s: mkdir %s", path, dir);
		errno = saved;
		return -1;
	}
	log_info("control socket %s: made the directory %s", path, dir);
	return 0;
}

/* control.group (a name, or a number), then control.mode. */
static int
control_owner(struct control *c, const struct config *conf)
{
	const char	*g = conf->control_group;
	gid_t		 gid;
	mode_t		 mode;

	if (g != NULL) {
		if (control_gid(g, &gid) == -1) {
			log_warnx("control socket %s: unknown group \"%s\"",
			    c->path, g);
			return -1;
		}
		if (lchown(c->path, (uid_t)-1, gid) == -1) {
			log_warn("control socket %s: chown to group %s",
			    c->path, g);
			return -1;
		}
	}
	/* config.c checked it: three or four octal digits. */
	mode = (mode_t)strtoul(conf->control_mode, NULL, 8);
	if (chmod(c->path, mode & 0777) == -1) {
		log_warn("control socket %s: chmod %s", c->path,
		    conf->control_mode);
		return -1;
	}
	return 0;
}

/* A group name from the group database, else a number. 0 or -1. */
static int
control_gid(const char *g, gid_t *gid)
{
	struct group	*gr;
	char		*end;
	unsigned long	 n;

	if ((gr = getgrnam(g)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	if (g[0] < '0' || g[0] > '9')
		return -1;
	errno = 0;
	n = strtoul(g, &end, 10);
	if (*end != '\0' || errno != 0 || n >= (gid_t)-1)
		return -1;
	*gid = (gid_t)n;
	return 0;
}

static void
control_accept(evutil_socket_t fd, short what, void *arg)
{
	struct control	*c = arg;
	struct timeval	 pause = { ACCEPT_PAUSE, 0 };
	int		 s;

	for (;;) {
		s = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s != -1) {
			c->counters.connections++;
			if (c->live >= c->max_clients)
				control_refuse(c, s);
			else
				conn_new(c, s);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		c->counters.errors++;
		if (log_limit(&c->limit, time(NULL)))
			log_warn("control socket %s: accept", c->path);
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: accept again a little later. */
			event_del(c->ev);
			evtimer_add(c->ev_pause, &pause);
		}
		break;
	}
}

static void
control_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct control	*c = arg;

	event_add(c->ev, NULL);
}

/* Over max_clients: told so at once (the line fits any socket buffer,
 * so a non-blocking write does it) and closed. */
static void
control_refuse(struct control *c, int s)
{
	c->counters.refused++;
	if (log_limit(&c->limit, time(NULL)))
		log_warnx("control socket %s: client refused: %u connections "
		    "open", c->path, c->max_clients);
	if (send(s, REFUSED_REPLY, sizeof(REFUSED_REPLY) - 1,
	    MSG_NOSIGNAL) == -1)
		log_debug("control socket %s: refusal: %s", c->path,
		    strerror(errno));
	close(s);
}

static void
conn_new(struct control *c, int s)
{
	struct control_conn	*conn;

	if ((conn = calloc(1, sizeof(*conn))) == NULL ||
	    (conn->bev = bufferevent_socket_new(c->base, s,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		c->counters.errors++;
		log_warn("control socket %s: new client", c->path);
		free(conn);
		close(s);
		return;
	}
	conn->ctl = c;
	TAILQ_INSERT_TAIL(&c->conns, conn, entry);
	c->live++;
	bufferevent_setcb(conn->bev, conn_read, conn_write, conn_event, conn);
	/* No more than one request's worth is read: a longer line is
	 * known to be too long when the buffer is full without an LF. */
	bufferevent_setwatermark(conn->bev, EV_READ, 0, CONTROL_REQUEST_MAX);
	bufferevent_set_timeouts(conn->bev, &c->timeout, &c->timeout);
	bufferevent_enable(conn->bev, EV_READ);
}

static void
conn_free(struct control_conn *conn)
{
	struct control	*c = conn->ctl;

	TAILQ_REMOVE(&c->conns, conn, entry);
	c->live--;
	bufferevent_free(conn->bev);
	free(conn);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct control_conn	*conn = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	char			 msg[64];
	size_t			 len = evbuffer_get_length(in);

	if (conn->replied)
		return;
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (eol.pos != -1) {
		conn_request(conn, (const char *)evbuffer_pullup(in,
		    eol.pos + 1), (size_t)eol.pos);
		return;
	}
	if (len >= CONTROL_REQUEST_MAX) {
		snprintf(msg, sizeof(msg), "request longer than %d bytes",
		    CONTROL_REQUEST_MAX);
		conn_error(conn, msg);
	}
}

/* One request line (without its LF): parsed, handled, answered. */
static void
conn_request(struct control_conn *conn, const char *line, size_t len)
{
	struct control		*c = conn->ctl;
	struct control_request	 req;
	struct buf		 out;
	char			 msg[256];
	int			 rv;

	if (line == NULL) {
		conn_error(conn, "out of memory");
		return;
	}
	if (control_parse(line, len, &req, msg, sizeof(msg)) == -1) {
		conn_error(conn, msg);
		return;
	}
	c->counters.requests++;
	log_debug("control socket %s: %s%s", c->path,
	    control_command_name(req.command), req.json ? " json" : "");
	memset(&out, 0, sizeof(out));
	rv = c->fn(c->arg, &req, &out);
	if (out.failed) {
		buf_reset(&out);
		buf_puts(&out, "out of memory");
		rv = -1;
	}
	conn_reply(conn, rv == 0, &out);
	buf_free(&out);
}

/* A bad request: counted, logged and answered. */
static void
conn_error(struct control_conn *conn, const char *msg)
{
	struct control	*c = conn->ctl;

	c->counters.errors++;
	if (log_limit(&c->limit, time(NULL)))
		log_warnx("control socket %s: %s", c->path, msg);
	conn_say(conn, msg);
}

/* Answers "ERR msg". */
static void
conn_say(struct control_conn *conn, const char *msg)
{
	struct buf	b;

	memset(&b, 0, sizeof(b));
	buf_puts(&b, msg);
	conn_reply(conn, 0, &b);
	buf_free(&b);
}

/*
 * Queues the status line and, when ok, the body; reading stops, and
 * conn_write() closes the connection once it has all gone out.
 */
static void
conn_reply(struct control_conn *conn, int ok, const struct buf *out)
{
	struct buf	head;

	memset(&head, 0, sizeof(head));
	control_reply_head(&head, ok, out->data, out->len);
	conn->replied = 1;
	bufferevent_disable(conn->bev, EV_READ);
	if (head.failed || bufferevent_write(conn->bev, head.data,
	    head.len) == -1 || (ok && out->len > 0 &&
	    bufferevent_write(conn->bev, out->data, out->len) == -1)) {
		conn->ctl->counters.errors++;
		log_warnx("control socket %s: out of memory for a reply",
		    conn->ctl->path);
		conn_free(conn);
	}
	buf_free(&head);
}

static void
conn_write(struct bufferevent *bev, void *arg)
{
	struct control_conn	*conn = arg;

	if (conn->replied &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(conn);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct control_conn	*conn = arg;
	struct control		*c = conn->ctl;
	char			 msg[64];

	if (what & BEV_EVENT_TIMEOUT) {
		c->counters.timeouts++;
		if (conn->replied || !(what & BEV_EVENT_READING)) {
			conn_free(conn);
			return;
		}
		snprintf(msg, sizeof(msg), "no request within %g s",
		    c->timeout_secs);
		if (log_limit(&c->limit, time(NULL)))
			log_warnx("control socket %s: %s", c->path, msg);
		conn_say(conn, msg);
		return;
	}
	if ((what & BEV_EVENT_EOF) && !conn->replied &&
	    evbuffer_get_length(bufferevent_get_input(bev)) > 0) {
		/* Half-closed after a line without LF: still answered. */
		conn_error(conn, "request not terminated by a newline");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		c->counters.errors++;
		log_debug("control socket %s: client: %s", c->path,
		    strerror(errno));
	}
	conn_free(conn);
}
