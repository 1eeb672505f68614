/*
 * listen.c - UDP and TCP listeners for IPFIX and syslog; see listen.h.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "cidr.h"
#include "config.h"
#include "ipfix.h"
#include "exporter.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "syslog_in.h"
#include "listen.h"

#define UDP_DATAGRAM_MAX	65535	/* bytes per receive buffer */
#define UDP_ROUNDS		8	/* batches per read event, for fairness */
#define UDP_CMSG_SPACE		CMSG_SPACE(sizeof(uint32_t))
#define TCP_BACKLOG		128
#define TCP_HEADER		16	/* RFC 7011 message header */
#define TCP_INPUT_MAX		(2 * 65536)	/* read high-water mark */
#define ACCEPT_PAUSE		1	/* seconds, when out of descriptors */
#define DEFAULT_PORT		"2055"
#define DEFAULT_SYSLOG_PORT	"514"
#define UNIT_FDNAME		"nvmwatchd.socket"	/* systemd's default */

/*
 * The counter of that name for the format's traffic: struct
 * syslog_counters for syslog, else struct listen_counters. An lvalue.
 */
#define COUNTER(l, format, field)	(*((format) == CONFIG_FORMAT_SYSLOG ? \
	    &syslog_in_counters((l)->syslog)->field : &(l)->counters.field))

struct listener {
	TAILQ_ENTRY(listener)	 entry;
	struct listen		*l;
	enum config_proto	 proto;
	enum config_format	 format;
	int			 fd;
	struct event		*ev;
	struct event		*ev_pause;	/* TCP: re-arms accept */
	uint32_t		 drops;		/* last SO_RXQ_OVFL value */
	char			 name[96];	/* "udp 127.0.0.1:2055",
						   "syslog tcp [::1]:514" */

	/* A socket bound here: what it was bound for (proto, format,
	 * address and port as bound), to keep it across a reload. */
	char			 key[128];
	int			 fresh;		/* opened by listen_update() */

	/* A socket systemd passed (passed is 1); else unused. */
	int			 passed;
	int			 served;	/* a configured listener's */
	int			 v6only;	/* IPV6_V6ONLY */
	struct sockaddr_storage	 addr;		/* bound to */
	char			 fdname[64];
};

TAILQ_HEAD(listener_list, listener);

#ifndef TAILQ_FOREACH_SAFE	/* glibc's sys/queue.h has none */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct tcp_conn {
	TAILQ_ENTRY(tcp_conn)	 entry;
	struct listen		*l;
	struct listener		*ls;		/* accepted it; only compared,
						   in listen_update() */
	struct sockaddr_storage	 peer;		/* for a new allow-list */
	struct bufferevent	*bev;
	enum config_format	 format;	/* of its listener */
	struct ipfix_session	*session;	/* IPFIX, or */
	struct syslog_stream	*stream;	/* syslog */
};

struct listen {
	struct event_base		*base;
	const struct cidr_set		*allow;		/* NULL: allow all */
	struct ipfix_collector		*collector;
	struct syslog_in		*syslog;
	struct exporter_table		*exporters;
	struct output			*output;
	size_t				 rcvbuf;
	unsigned			 batch;
	unsigned			 tcp_max;
	struct timeval			 tcp_idle;
	TAILQ_HEAD(, listener)		 listeners;
	TAILQ_HEAD(, tcp_conn)		 conns;

	/* UDP receive buffers, shared by every UDP listener. */
	struct mmsghdr			*msgs;
	struct iovec			*iovs;
	struct sockaddr_storage		*addrs;
	uint8_t				*data;
	uint8_t				*cmsgs;

	/* In listen_update(): the listeners it may keep, and whether a new
	 * address collides with one of them under another key. */
	struct listener_list		*keep;
	int				 collides;

	struct listen_counters		 counters;
	struct log_limit		 limit;
	exporter_session_fn		*free_fn;
	void				*free_arg;
};

static int	passed_check(struct listen_passed *, int, const char *);
static int	passed_format(const char *, enum config_format *);
static int	passed_socket(struct listen_passed *);
static int	listen_adopt(struct listen *, const struct listen_passed *);
static int	listen_adopt_socket(struct listen *, struct listener *);
static int	listen_served(struct listen *, const struct config_listener *,
		    const struct sockaddr *, const char *);
static int	listen_covers(const struct listener *,
		    const struct sockaddr *);
static void	listen_unserved(struct listen *);
static int	listen_config(struct listen *, const struct config_listener *);
static int	listen_bind(struct listen *, const struct config_listener *,
		    const char *, const char *);
static void	listen_name(char *, size_t, enum config_format,
		    enum config_proto, int, const char *, const char *);
static int	listen_socket(struct listen *, struct listener *,
		    const struct addrinfo *);
static int	listen_event(struct listen *, struct listener *);
static int	listen_udp_buffers(struct listen *);
static void	listen_udp_buffers_free(struct listen *);
static void	listen_rcvbuf(struct listen *, struct listener *);
static void	listener_free(struct listener *);
static int	listen_keep(struct listen *, const char *,
		    const struct addrinfo *);
static int	listen_overlaps(const struct listener *,
		    const struct sockaddr *);
static void	listen_idle(struct listen *, const struct config *);
static int	listen_batch(struct listen *, unsigned);
static void	listen_close_conns(struct listen *, const struct listener *,
		    const struct cidr_set *);

static void	udp_read(evutil_socket_t, short, void *);
static void	udp_prepare(struct listen *);
static int	udp_admit(struct listener *, const struct mmsghdr *, double);
static void	udp_datagram(struct listener *, struct mmsghdr *, double);
static void	udp_syslog(struct listener *, struct mmsghdr *, double);
static void	udp_drops(struct listener *, struct mmsghdr *, int);

static void	tcp_accept(evutil_socket_t, short, void *);
static void	tcp_accept_resume(evutil_socket_t, short, void *);
static void	tcp_conn_new(struct listener *, int, const struct sockaddr *);
static int	tcp_conn_decoder(struct listener *, struct tcp_conn *,
		    const char *);
static void	tcp_conn_free(struct tcp_conn *);
static const char *tcp_conn_name(const struct tcp_conn *);
static void	tcp_read(struct bufferevent *, void *);
static int	tcp_syslog(struct tcp_conn *, struct evbuffer *, double);
static int	tcp_message(struct tcp_conn *, struct evbuffer *, double);
static void	tcp_event(struct bufferevent *, short, void *);
static void	tcp_syslog_end(struct tcp_conn *, int);

int
listen_fds_from_systemd(struct listen_fds *out)
{
	char	**names = NULL;
	int	  i, n, rv = 0;

	memset(out, 0, sizeof(*out));
	if ((n = sd_listen_fds_with_names(1, &names)) < 0) {
		log_warnx("LISTEN_FDS: %s", strerror(-n));
		return -1;
	}
	if (n > 0 && (out->fds = calloc(n, sizeof(*out->fds))) == NULL) {
		log_warn("passed sockets");
		rv = -1;
	}
	/* Every socket is checked, so that one run names every bad one. */
	for (i = 0; i < n; i++) {
		if (out->fds != NULL && passed_check(&out->fds[out->n++],
		    SD_LISTEN_FDS_START + i, names[i]) == -1)
			rv = -1;
		free(names[i]);
	}
	free(names);
	if (rv == -1) {
		/* None is used: close them all, the unexamined ones too. */
		for (i = 0; i < n; i++)
			close(SD_LISTEN_FDS_START + i);
		free(out->fds);
		memset(out, 0, sizeof(*out));
	}
	return rv;
}

void
listen_fds_close(struct listen_fds *passed)
{
	size_t	i;

	for (i = 0; i < passed->n; i++)
		close(passed->fds[i].fd);
	free(passed->fds);
	memset(passed, 0, sizeof(*passed));
}

/* One passed socket: its name, then what kind of socket it is. */
static int
passed_check(struct listen_passed *p, int fd, const char *name)
{
	p->fd = fd;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (passed_format(name, &p->format) == -1) {
		log_warnx("fd %d passed by systemd as \"%s\": unknown name "
		    "(FileDescriptorName= ipfix or syslog)", fd, name);
		return -1;
	}
	return passed_socket(p);
}

/*
 * "ipfix" and "syslog" say the format. systemd names a socket after its
 * unit when FileDescriptorName= is not set: nvmwatchd.socket, whose
 * default port is IPFIX's. Anything else would be a guess.
 */
static int
passed_format(const char *name, enum config_format *format)
{
	if (strcmp(name, "ipfix") == 0 || strcmp(name, UNIT_FDNAME) == 0)
		*format = CONFIG_FORMAT_IPFIX;
	else if (strcmp(name, "syslog") == 0)
		*format = CONFIG_FORMAT_SYSLOG;
	else
		return -1;
	return 0;
}

/*
 * A UDP or TCP socket of IPv4 or IPv6 (nothing else carries IPFIX or
 * syslog here); made close-on-exec and non-blocking.
 */
static int
passed_socket(struct listen_passed *p)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 type, proto, flags;
	socklen_t		 olen = sizeof(type);

	if (getsockopt(p->fd, SOL_SOCKET, SO_TYPE, &type, &olen) == -1 ||
	    getsockname(p->fd, (struct sockaddr *)&ss, &len) == -1) {
		log_warn("fd %d passed by systemd as \"%s\"", p->fd, p->name);
		return -1;
	}
	olen = sizeof(proto);
	if ((ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    getsockopt(p->fd, SOL_SOCKET, SO_PROTOCOL, &proto, &olen) == -1 ||
	    !((type == SOCK_DGRAM && proto == IPPROTO_UDP) ||
	    (type == SOCK_STREAM && proto == IPPROTO_TCP))) {
		log_warnx("fd %d passed by systemd as \"%s\": not a UDP or TCP "
		    "socket of IPv4 or IPv6", p->fd, p->name);
		return -1;
	}
	/* Unbound, listen(2) would pick a port at random. */
	if ((ss.ss_family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port) == 0) {
		log_warnx("fd %d passed by systemd as \"%s\": not bound",
		    p->fd, p->name);
		return -1;
	}
	p->proto = type == SOCK_DGRAM ? CONFIG_IPFIX_UDP : CONFIG_IPFIX_TCP;
	if ((flags = fcntl(p->fd, F_GETFL)) == -1 ||
	    fcntl(p->fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(p->fd, F_SETFD, FD_CLOEXEC) == -1) {
		log_warn("fd %d passed by systemd as \"%s\"", p->fd, p->name);
		return -1;
	}
	return 0;
}

struct listen *
listen_new(struct event_base *base, const struct config *conf,
    struct ipfix_collector *collector, struct syslog_in *syslog,
    struct exporter_table *exporters, struct output *output)
{
	return listen_new_fds(base, conf, collector, syslog, exporters,
	    output, NULL);
}

struct listen *
listen_new_fds(struct event_base *base, const struct config *conf,
    struct ipfix_collector *collector, struct syslog_in *syslog,
    struct exporter_table *exporters, struct output *output,
    const struct listen_fds *passed)
{
	struct listen	*l;
	size_t		 i;

	if ((l = calloc(1, sizeof(*l))) == NULL) {
		log_warn("listen");
		return NULL;
	}
	l->base = base;
	l->allow = conf->allow;
	l->collector = collector;
	l->syslog = syslog;
	l->exporters = exporters;
	l->output = output;
	l->rcvbuf = conf->udp_rcvbuf;
	l->batch = conf->udp_batch ? conf->udp_batch : 1;
	l->tcp_max = conf->tcp_max_connections;
	listen_idle(l, conf);
	l->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(10);
	TAILQ_INIT(&l->listeners);
	TAILQ_INIT(&l->conns);
	/* Passed first: the configured listeners are checked against them. */
	for (i = 0; passed != NULL && i < passed->n; i++)
		if (listen_adopt(l, &passed->fds[i]) == -1)
			goto fail;
	for (i = 0; i < conf->nlisteners; i++)
		if (listen_config(l, &conf->listeners[i]) == -1)
			goto fail;
	listen_unserved(l);
	return l;
fail:
	listen_free(l);
	return NULL;
}

/*
 * A reload whose listeners changed: the sockets of entries that are still
 * configured stay open (their TCP connections too), the new ones are bound
 * first, and only then are the ones no longer configured closed. On any
 * failure everything is as it was.
 */
int
listen_update(struct listen *l, const struct config *conf,
    struct listen_change *out)
{
	struct listener_list	 keep;
	struct listener		*ls, *next;
	struct tcp_conn		*c;
	size_t			 i;
	int			 rv = 0;

	memset(out, 0, sizeof(*out));
	/* Passed sockets stay; bound ones are kept when named again. */
	TAILQ_INIT(&keep);
	TAILQ_FOREACH_SAFE(ls, &l->listeners, entry, next) {
		ls->served = 0;
		if (ls->passed)
			continue;
		TAILQ_REMOVE(&l->listeners, ls, entry);
		TAILQ_INSERT_TAIL(&keep, ls, entry);
	}
	l->keep = &keep;
	l->collides = 0;
	for (i = 0; i < conf->nlisteners && rv == 0; i++)
		rv = listen_config(l, &conf->listeners[i]);
	l->keep = NULL;
	TAILQ_FOREACH_SAFE(ls, &l->listeners, entry, next) {
		if (rv == -1 && ls->fresh) {
			/* Undone: the new ones go, the kept ones stay. */
			TAILQ_REMOVE(&l->listeners, ls, entry);
			listener_free(ls);
			continue;
		}
		if (ls->fresh)
			out->opened++;
		else if (!ls->passed)
			out->kept++;
		ls->fresh = 0;
	}
	if (rv == -1) {
		TAILQ_CONCAT(&l->listeners, &keep, entry);
		return l->collides ? 1 : -1;
	}
	while ((ls = TAILQ_FIRST(&keep)) != NULL) {
		TAILQ_REMOVE(&keep, ls, entry);
		log_info("no longer listening on %s", ls->name);
		listen_close_conns(l, ls, NULL);
		listener_free(ls);
		out->closed++;
	}
	l->allow = conf->allow;
	l->tcp_max = conf->tcp_max_connections;
	listen_idle(l, conf);
	if (listen_batch(l, conf->udp_batch ? conf->udp_batch : 1) == -1)
		log_warnx("udp.batch %u: out of memory; still %u", conf->udp_batch,
		    l->batch);
	/* The new allow-list and idle timeout for open connections too. */
	if (l->allow != NULL)
		listen_close_conns(l, NULL, l->allow);
	TAILQ_FOREACH(c, &l->conns, entry)
		bufferevent_set_timeouts(c->bev, l->tcp_idle.tv_sec > 0 ||
		    l->tcp_idle.tv_usec > 0 ? &l->tcp_idle : NULL, NULL);
	if (l->rcvbuf != conf->udp_rcvbuf) {
		l->rcvbuf = conf->udp_rcvbuf;
		TAILQ_FOREACH(ls, &l->listeners, entry)
			if (ls->proto == CONFIG_IPFIX_UDP)
				listen_rcvbuf(l, ls);
	}
	listen_unserved(l);
	return 0;
}

/*
 * In listen_update(): a listener bound for key is kept (moved back to
 * l->listeners; 1). One bound for another key on an address that takes
 * in sa (the same port) would make the bind fail: -1, quietly, so that
 * the caller reopens everything. 0: bind a new one.
 */
static int
listen_keep(struct listen *l, const char *key, const struct addrinfo *ai)
{
	struct listener_list	*keep = l->keep;
	struct listener		*ls;

	TAILQ_FOREACH(ls, keep, entry)
		if (strcmp(ls->key, key) == 0) {
			TAILQ_REMOVE(keep, ls, entry);
			TAILQ_INSERT_TAIL(&l->listeners, ls, entry);
			return 1;
		}
	TAILQ_FOREACH(ls, keep, entry)
		if (ls->proto == (ai->ai_socktype == SOCK_DGRAM ?
		    CONFIG_IPFIX_UDP : CONFIG_IPFIX_TCP) &&
		    listen_overlaps(ls, ai->ai_addr)) {
			l->collides = 1;
			return -1;
		}
	return 0;
}

/*
 * Closes the connections accepted by ls (a listener no longer
 * configured), or, with allow, those whose peer it does not allow (counted
 * denied as well as closed).
 */
static void
listen_close_conns(struct listen *l, const struct listener *ls,
    const struct cidr_set *allow)
{
	struct tcp_conn	*c, *next;
	unsigned	 n = 0;

	TAILQ_FOREACH_SAFE(c, &l->conns, entry, next) {
		if (ls != NULL && c->ls != ls)
			continue;
		if (allow != NULL && cidr_set_match_sa(allow,
		    (const struct sockaddr *)&c->peer))
			continue;
		if (allow != NULL)
			COUNTER(l, c->format, tcp_denied)++;
		tcp_conn_free(c);
		n++;
	}
	if (n > 0)
		log_info("closed %u connection%s %s", n, n == 1 ? "" : "s",
		    ls != NULL ? "of a listener no longer configured" :
		    "that the allow-list no longer allows");
}

/*
 * Same family and port, and the same address or a wildcard on a side:
 * what ls takes in (listen_covers()), or sa a wildcard over ls.
 */
static int
listen_overlaps(const struct listener *ls, const struct sockaddr *sa)
{
	const struct sockaddr_in	*a4 = (const void *)&ls->addr;
	const struct sockaddr_in6	*a6 = (const void *)&ls->addr;
	const struct sockaddr_in	*b4 = (const void *)sa;
	const struct sockaddr_in6	*b6 = (const void *)sa;

	if (listen_covers(ls, sa))
		return 1;
	if (ls->addr.ss_family != sa->sa_family)
		return 0;
	if (sa->sa_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    b4->sin_addr.s_addr == htonl(INADDR_ANY);
	return a6->sin6_port == b6->sin6_port &&
	    IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr);
}

/*
 * udp.batch: the receive buffers again, when there are any (they are used
 * only inside udp_read(), never across calls). -1 when out of memory,
 * with the old ones kept.
 */
static int
listen_batch(struct listen *l, unsigned batch)
{
	struct listen	 tmp;

	if (batch == l->batch)
		return 0;
	if (l->msgs == NULL) {
		l->batch = batch;
		return 0;
	}
	memset(&tmp, 0, sizeof(tmp));
	tmp.batch = batch;
	if (listen_udp_buffers(&tmp) == -1) {
		listen_udp_buffers_free(&tmp);
		return -1;
	}
	listen_udp_buffers_free(l);
	l->msgs = tmp.msgs;
	l->iovs = tmp.iovs;
	l->addrs = tmp.addrs;
	l->data = tmp.data;
	l->cmsgs = tmp.cmsgs;
	l->batch = batch;
	return 0;
}

/* tcp.idle_timeout. */
static void
listen_idle(struct listen *l, const struct config *conf)
{
	l->tcp_idle.tv_sec = (time_t)conf->tcp_idle_timeout;
	l->tcp_idle.tv_usec = (suseconds_t)((conf->tcp_idle_timeout -
	    (double)l->tcp_idle.tv_sec) * 1e6);
}

void
listen_add_counters(struct listen *l, const struct listen_counters *c)
{
	stats_add(&stats_listen, &l->counters, c);
}

void
listen_set_output(struct listen *l, struct output *output)
{
	if (l != NULL)
		l->output = output;
}

void
listen_shutdown(struct listen *l)
{
	struct listener	*ls;
	struct tcp_conn	*c;

	while ((ls = TAILQ_FIRST(&l->listeners)) != NULL) {
		TAILQ_REMOVE(&l->listeners, ls, entry);
		listener_free(ls);
	}
	while ((c = TAILQ_FIRST(&l->conns)) != NULL)
		tcp_conn_free(c);
}

void
listen_free(struct listen *l)
{
	if (l == NULL)
		return;
	listen_shutdown(l);
	listen_udp_buffers_free(l);
	free(l);
}

const struct listen_counters *
listen_counters(const struct listen *l)
{
	return &l->counters;
}

void
listen_foreach(const struct listen *l, exporter_session_fn *fn, void *arg)
{
	struct tcp_conn	*c;

	TAILQ_FOREACH(c, &l->conns, entry)
		if (c->session != NULL)
			fn(c->session, arg);
}

void
listen_set_free_hook(struct listen *l, exporter_session_fn *fn, void *arg)
{
	l->free_fn = fn;
	l->free_arg = arg;
}

static void
listener_free(struct listener *ls)
{
	if (ls->ev != NULL)
		event_free(ls->ev);
	if (ls->ev_pause != NULL)
		event_free(ls->ev_pause);
	if (ls->fd != -1)
		close(ls->fd);
	free(ls);
}

/*
 * A listener on a duplicate of a passed socket: the caller keeps the
 * original, to build listeners from it again.
 */
static int
listen_adopt(struct listen *l, const struct listen_passed *p)
{
	struct listener	*ls;

	if (p->format == CONFIG_FORMAT_SYSLOG && l->syslog == NULL) {
		log_warnx("fd %d passed by systemd as \"%s\": a syslog socket "
		    "without syslog input", p->fd, p->name);
		return -1;
	}
	if (p->proto == CONFIG_IPFIX_UDP && l->msgs == NULL &&
	    listen_udp_buffers(l) == -1)
		return -1;
	if ((ls = calloc(1, sizeof(*ls))) == NULL) {
		log_warn("listen");
		return -1;
	}
	ls->l = l;
	ls->proto = p->proto;
	ls->format = p->format;
	ls->passed = 1;
	memcpy(ls->fdname, p->name, sizeof(ls->fdname));
	snprintf(ls->name, sizeof(ls->name), "fd %d", p->fd);
	TAILQ_INSERT_TAIL(&l->listeners, ls, entry);
	if ((ls->fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("fd %d passed by systemd as \"%s\": dup", p->fd,
		    p->name);
		return -1;
	}
	return listen_adopt_socket(l, ls);
}

/*
 * Names the listener after the socket's address, treats it as a bound
 * one (receive buffer, drop counting; TCP listening) and registers it.
 */
static int
listen_adopt_socket(struct listen *l, struct listener *ls)
{
	char		 host[64], serv[8];	/* numeric; "%scope" too */
	socklen_t	 len = sizeof(ls->addr);
	int		 on = 1, acc = 0, error;

	if (getsockname(ls->fd, (struct sockaddr *)&ls->addr, &len) == -1) {
		log_warn("%s: getsockname", ls->name);
		return -1;
	}
	if ((error = getnameinfo((struct sockaddr *)&ls->addr, len, host,
	    sizeof(host), serv, sizeof(serv), NI_NUMERICHOST |
	    NI_NUMERICSERV)) != 0) {
		log_warnx("%s: %s", ls->name, gai_strerror(error));
		return -1;
	}
	listen_name(ls->name, sizeof(ls->name), ls->format, ls->proto,
	    ls->addr.ss_family, host, serv);
	len = sizeof(ls->v6only);
	if (ls->addr.ss_family == AF_INET6 && getsockopt(ls->fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &ls->v6only, &len) == -1)
		log_warn("%s: IPV6_V6ONLY", ls->name);
	if (ls->proto == CONFIG_IPFIX_UDP) {
		listen_rcvbuf(l, ls);
		if (setsockopt(ls->fd, SOL_SOCKET, SO_RXQ_OVFL, &on,
		    sizeof(on)) == -1)
			log_warn("%s: SO_RXQ_OVFL", ls->name);
	}
	len = sizeof(acc);
	if (ls->proto == CONFIG_IPFIX_TCP && (getsockopt(ls->fd, SOL_SOCKET,
	    SO_ACCEPTCONN, &acc, &len) == -1 || !acc) &&
	    listen(ls->fd, TCP_BACKLOG) == -1) {
		log_warn("listen %s", ls->name);
		return -1;
	}
	return listen_event(l, ls);
}

/*
 * Whether a passed socket serves a configured address (sa): then it is
 * not bound. Returns 1 when one does (logged), 0 when none does, -1 when
 * the passed socket that holds it is of the other format (logged).
 */
static int
listen_served(struct listen *l, const struct config_listener *cl,
    const struct sockaddr *sa, const char *name)
{
	struct listener	*ls;

	TAILQ_FOREACH(ls, &l->listeners, entry) {
		if (!ls->passed || ls->proto != cl->proto ||
		    !listen_covers(ls, sa))
			continue;
		if (ls->format != cl->format) {
			log_warnx("line %d: %s: held by %s, passed by systemd "
			    "as \"%s\"", cl->line, name, ls->name, ls->fdname);
			return -1;
		}
		ls->served = 1;
		log_info("line %d: %s: not bound, served by %s (passed by "
		    "systemd as \"%s\")", cl->line, name, ls->name,
		    ls->fdname);
		return 1;
	}
	return 0;
}

/*
 * The passed socket takes in sa: the same port, and the same address or
 * a wildcard of its family; an IPv6 wildcard that is not IPv6-only takes
 * IPv4 too (binding sa would then fail with EADDRINUSE).
 */
static int
listen_covers(const struct listener *ls, const struct sockaddr *sa)
{
	const struct sockaddr_in	*p4 = (const void *)&ls->addr;
	const struct sockaddr_in6	*p6 = (const void *)&ls->addr;
	const struct sockaddr_in	*s4 = (const void *)sa;
	const struct sockaddr_in6	*s6 = (const void *)sa;
	int				 any6;

	if (ls->addr.ss_family == AF_INET)
		return sa->sa_family == AF_INET &&
		    p4->sin_port == s4->sin_port &&
		    (p4->sin_addr.s_addr == htonl(INADDR_ANY) ||
		    p4->sin_addr.s_addr == s4->sin_addr.s_addr);
	any6 = IN6_IS_ADDR_UNSPECIFIED(&p6->sin6_addr);
	if (sa->sa_family == AF_INET)
		return any6 && !ls->v6only && p6->sin6_port == s4->sin_port;
	return sa->sa_family == AF_INET6 && p6->sin6_port == s6->sin6_port &&
	    (any6 || IN6_ARE_ADDR_EQUAL(&p6->sin6_addr, &s6->sin6_addr));
}

/* Passed sockets that no configured listener names: used, and said so. */
static void
listen_unserved(struct listen *l)
{
	struct listener	*ls;

	TAILQ_FOREACH(ls, &l->listeners, entry)
		if (ls->passed && !ls->served)
			log_info("%s: passed by systemd as \"%s\", not in the "
			    "configuration", ls->name, ls->fdname);
}

/* One configured listener: "*" is both 0.0.0.0 and ::. */
static int
listen_config(struct listen *l, const struct config_listener *cl)
{
	const char	*port = cl->port ? cl->port :
	    cl->format == CONFIG_FORMAT_SYSLOG ? DEFAULT_SYSLOG_PORT :
	    DEFAULT_PORT;
	const char	*addr = cl->address ? cl->address : "*";

	if (cl->format == CONFIG_FORMAT_SYSLOG && l->syslog == NULL) {
		log_warnx("line %d: a syslog listener without syslog input",
		    cl->line);
		return -1;
	}
	if (cl->proto == CONFIG_IPFIX_UDP && l->msgs == NULL &&
	    listen_udp_buffers(l) == -1)
		return -1;
	if (strcmp(addr, "*") == 0)
		return listen_bind(l, cl, "0.0.0.0", port) == -1 ||
		    listen_bind(l, cl, "::", port) == -1 ? -1 : 0;
	return listen_bind(l, cl, addr, port);
}

static int
listen_bind(struct listen *l, const struct config_listener *cl,
    const char *addr, const char *port)
{
	struct addrinfo		 hints, *res;
	struct listener		*ls;
	enum config_proto	 proto = cl->proto;
	const char		*pname = proto == CONFIG_IPFIX_UDP ? "udp" : "tcp";
	char			 name[96], key[128];
	int			 error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = proto == CONFIG_IPFIX_UDP ? SOCK_DGRAM :
	    SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	if ((error = getaddrinfo(addr, port, &hints, &res)) != 0) {
		log_warnx("listen %s %s:%s: %s", pname, addr, port,
		    gai_strerror(error));
		return -1;
	}
	listen_name(name, sizeof(name), cl->format, proto, res->ai_family,
	    addr, port);
	if ((error = listen_served(l, cl, res->ai_addr, name)) != 0) {
		freeaddrinfo(res);
		return error == 1 ? 0 : -1;
	}
	snprintf(key, sizeof(key), "%d %d %s %s", (int)proto,
	    (int)cl->format, addr, port);
	if (l->keep != NULL && (error = listen_keep(l, key, res)) != 0) {
		freeaddrinfo(res);
		return error == 1 ? 0 : -1;
	}
	if ((ls = calloc(1, sizeof(*ls))) == NULL) {
		log_warn("listen");
		freeaddrinfo(res);
		return -1;
	}
	ls->l = l;
	ls->proto = proto;
	ls->format = cl->format;
	ls->fd = -1;
	ls->fresh = l->keep != NULL;
	memcpy(ls->name, name, sizeof(ls->name));
	memcpy(ls->key, key, sizeof(ls->key));
	memcpy(&ls->addr, res->ai_addr, res->ai_addrlen);
	TAILQ_INSERT_TAIL(&l->listeners, ls, entry);
	error = listen_socket(l, ls, res);
	freeaddrinfo(res);
	return error;
}

/* "udp 127.0.0.1:2055", "syslog tcp [::1]:514". */
static void
listen_name(char *name, size_t size, enum config_format format,
    enum config_proto proto, int family, const char *addr, const char *port)
{
	snprintf(name, size, "%s%s %s%s%s:%s",
	    format == CONFIG_FORMAT_SYSLOG ? "syslog " : "",
	    proto == CONFIG_IPFIX_UDP ? "udp" : "tcp",
	    family == AF_INET6 ? "[" : "", addr,
	    family == AF_INET6 ? "]" : "", port);
}

/* Creates, configures and binds the socket of ls; registers its event. */
static int
listen_socket(struct listen *l, struct listener *ls, const struct addrinfo *ai)
{
	int	on = 1;

	ls->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (ls->fd == -1) {
		log_warn("socket %s", ls->name);
		return -1;
	}
	if (ai->ai_family == AF_INET6) {
		if (setsockopt(ls->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on)) == -1)
			log_warn("%s: IPV6_V6ONLY", ls->name);
		else
			ls->v6only = 1;
	}
	if (ls->proto == CONFIG_IPFIX_TCP && setsockopt(ls->fd, SOL_SOCKET,
	    SO_REUSEADDR, &on, sizeof(on)) == -1)
		log_warn("%s: SO_REUSEADDR", ls->name);
	if (ls->proto == CONFIG_IPFIX_UDP) {
		listen_rcvbuf(l, ls);
		if (setsockopt(ls->fd, SOL_SOCKET, SO_RXQ_OVFL, &on,
		    sizeof(on)) == -1)
			log_warn("%s: SO_RXQ_OVFL", ls->name);
	}
	if (bind(ls->fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		log_warn("bind %s", ls->name);
		return -1;
	}
	if (ls->proto == CONFIG_IPFIX_TCP && listen(ls->fd, TCP_BACKLOG) == -1) {
		log_warn("listen %s", ls->name);
		return -1;
	}
	return listen_event(l, ls);
}

/* Registers the read (UDP) or accept (TCP) event of a ready socket. */
static int
listen_event(struct listen *l, struct listener *ls)
{
	ls->ev = event_new(l->base, ls->fd, EV_READ | EV_PERSIST,
	    ls->proto == CONFIG_IPFIX_UDP ? udp_read : tcp_accept, ls);
	if (ls->proto == CONFIG_IPFIX_TCP)
		ls->ev_pause = evtimer_new(l->base, tcp_accept_resume, ls);
	if (ls->ev == NULL || (ls->proto == CONFIG_IPFIX_TCP &&
	    ls->ev_pause == NULL) || event_add(ls->ev, NULL) == -1) {
		log_warnx("%s: cannot register the event", ls->name);
		return -1;
	}
	if (ls->passed)
		log_info("listening on %s (passed by systemd as \"%s\")",
		    ls->name, ls->fdname);
	else
		log_info("listening on %s", ls->name);
	return 0;
}

/*
 * SO_RCVBUF as configured; SO_RCVBUFFORCE first, which root may use. A
 * passed socket keeps a larger buffer: systemd may have set one
 * (ReceiveBuffer=) that the service, without privileges, could not set
 * again. A socket of our own has the kernel's default, no choice.
 */
static void
listen_rcvbuf(struct listen *l, struct listener *ls)
{
	int		 want, have;
	socklen_t	 len = sizeof(have);

	if (l->rcvbuf == 0)
		return;
	want = l->rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : (int)l->rcvbuf;
	if (ls->passed && getsockopt(ls->fd, SOL_SOCKET, SO_RCVBUF, &have,
	    &len) == 0 && have / 2 >= want) {
		log_debug("%s: receive buffer %d bytes", ls->name, have);
		return;
	}
	len = sizeof(have);
	if ((geteuid() != 0 || setsockopt(ls->fd, SOL_SOCKET, SO_RCVBUFFORCE,
	    &want, sizeof(want)) == -1) && setsockopt(ls->fd, SOL_SOCKET,
	    SO_RCVBUF, &want, sizeof(want)) == -1)
		log_warn("%s: SO_RCVBUF %d", ls->name, want);
	if (getsockopt(ls->fd, SOL_SOCKET, SO_RCVBUF, &have, &len) == -1) {
		log_warn("%s: SO_RCVBUF", ls->name);
		return;
	}
	/* Linux reports twice the size asked for (bookkeeping overhead). */
	if (have < want)
		log_info("%s: receive buffer is %d bytes, not %d "
		    "(the kernel's limit is net.core.rmem_max)", ls->name,
		    have / 2, want);
	else
		log_debug("%s: receive buffer %d bytes", ls->name, have);
}

static void
listen_udp_buffers_free(struct listen *l)
{
	free(l->msgs);
	free(l->iovs);
	free(l->addrs);
	free(l->data);
	free(l->cmsgs);
}

static int
listen_udp_buffers(struct listen *l)
{
	l->msgs = calloc(l->batch, sizeof(*l->msgs));
	l->iovs = calloc(l->batch, sizeof(*l->iovs));
	l->addrs = calloc(l->batch, sizeof(*l->addrs));
	l->data = calloc(l->batch, UDP_DATAGRAM_MAX);
	l->cmsgs = calloc(l->batch, UDP_CMSG_SPACE);
	if (l->msgs == NULL || l->iovs == NULL || l->addrs == NULL ||
	    l->data == NULL || l->cmsgs == NULL) {
		log_warn("udp buffers for a batch of %u", l->batch);
		return -1;
	}
	return 0;
}

double
loop_now(struct event_base *base)
{
	struct timeval	tv;

	if (event_base_gettimeofday_cached(base, &tv) == -1)
		gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
udp_read(evutil_socket_t fd, short what, void *arg)
{
	struct listener	*ls = arg;
	struct listen	*l = ls->l;
	double		 now = loop_now(l->base);
	int		 i, n, round;

	for (round = 0; round < UDP_ROUNDS; round++) {
		udp_prepare(l);
		n = recvmmsg(fd, l->msgs, l->batch, MSG_DONTWAIT, NULL);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				l->counters.udp_errors++;
				if (log_limit(&l->limit, (time_t)now))
					log_warn("recvmmsg %s", ls->name);
			}
			break;
		}
		for (i = 0; i < n; i++) {
			if (udp_admit(ls, &l->msgs[i], now) == -1)
				continue;
			if (ls->format == CONFIG_FORMAT_SYSLOG)
				udp_syslog(ls, &l->msgs[i], now);
			else
				udp_datagram(ls, &l->msgs[i], now);
		}
		udp_drops(ls, l->msgs, n);
		if ((unsigned)n < l->batch)
			break;
	}
	output_flush(l->output);
}

/* Resets what recvmmsg(2) changes in each header. */
static void
udp_prepare(struct listen *l)
{
	struct msghdr	*h;
	unsigned	 i;

	for (i = 0; i < l->batch; i++) {
		h = &l->msgs[i].msg_hdr;
		l->iovs[i].iov_base = l->data + (size_t)i * UDP_DATAGRAM_MAX;
		l->iovs[i].iov_len = UDP_DATAGRAM_MAX;
		h->msg_name = &l->addrs[i];
		h->msg_namelen = sizeof(l->addrs[i]);
		h->msg_iov = &l->iovs[i];
		h->msg_iovlen = 1;
		h->msg_control = l->cmsgs + (size_t)i * UDP_CMSG_SPACE;
		h->msg_controllen = UDP_CMSG_SPACE;
		h->msg_flags = 0;
		l->msgs[i].msg_len = 0;
	}
}

/*
 * Every datagram, either format: counted, then checked against the
 * allow-list and for truncation. Returns 0 when it is to be decoded.
 */
static int
udp_admit(struct listener *ls, const struct mmsghdr *m, double now)
{
	struct listen		*l = ls->l;
	const struct sockaddr	*sa = m->msg_hdr.msg_name;
	char			 name[80];

	COUNTER(l, ls->format, udp_datagrams)++;
	COUNTER(l, ls->format, udp_bytes) += m->msg_len;
	if (l->allow != NULL && !cidr_set_match_sa(l->allow, sa)) {
		COUNTER(l, ls->format, udp_denied)++;
		return -1;
	}
	if (m->msg_hdr.msg_flags & MSG_TRUNC) {
		COUNTER(l, ls->format, udp_truncated)++;
		if (log_limit(&l->limit, (time_t)now)) {
			exporter_name(sa, name, sizeof(name));
			log_warnx("%s: datagram from %s truncated", ls->name,
			    name);
		}
		return -1;
	}
	return 0;
}

/* An IPFIX datagram: a message for its exporter's session. */
static void
udp_datagram(struct listener *ls, struct mmsghdr *m, double now)
{
	struct ipfix_session	*s;

	s = exporter_session(ls->l->exporters, m->msg_hdr.msg_name, now);
	if (s == NULL)
		return;
	/* A malformed message is counted by the collector. */
	(void)ipfix_session_message(s, m->msg_hdr.msg_iov->iov_base,
	    m->msg_len, now);
}

/* A syslog datagram: its lines, parsed and handed on by syslog_in. */
static void
udp_syslog(struct listener *ls, struct mmsghdr *m, double now)
{
	char	name[80];

	exporter_name(m->msg_hdr.msg_name, name, sizeof(name));
	syslog_in_datagram(ls->l->syslog, name, m->msg_hdr.msg_iov->iov_base,
	    m->msg_len, now);
}

/*
 * SO_RXQ_OVFL carries the socket's cumulative drop count, on datagrams
 * queued after a drop only; the difference to the last value seen is new.
 */
static void
udp_drops(struct listener *ls, struct mmsghdr *msgs, int n)
{
	struct cmsghdr	*cm;
	uint32_t	 v, last = ls->drops;
	int		 i;

	for (i = 0; i < n; i++) {
		for (cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr); cm != NULL;
		    cm = CMSG_NXTHDR(&msgs[i].msg_hdr, cm)) {
			if (cm->cmsg_level != SOL_SOCKET ||
			    cm->cmsg_type != SO_RXQ_OVFL)
				continue;
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			if (v - last < UINT32_MAX / 2)
				last = v;
		}
	}
	if (last != ls->drops) {
		ls->l->counters.udp_kernel_drops += last - ls->drops;
		if (log_limit(&ls->l->limit, time(NULL)))
			log_warnx("%s: the kernel dropped %u datagrams "
			    "(receive buffer full)", ls->name,
			    last - ls->drops);
		ls->drops = last;
	}
}

static void
tcp_accept(evutil_socket_t fd, short what, void *arg)
{
	struct listener		*ls = arg;
	struct listen		*l = ls->l;
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct timeval		 pause = { ACCEPT_PAUSE, 0 };
	int			 c;

	for (;;) {
		len = sizeof(ss);
		c = accept4(fd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c != -1) {
			tcp_conn_new(ls, c, (struct sockaddr *)&ss);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		COUNTER(l, ls->format, tcp_errors)++;
		if (log_limit(&l->limit, time(NULL)))
			log_warn("accept %s", ls->name);
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Out of descriptors: accept again a little later. */
			event_del(ls->ev);
			evtimer_add(ls->ev_pause, &pause);
		}
		break;
	}
}

static void
tcp_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct listener	*ls = arg;

	event_add(ls->ev, NULL);
}

static void
tcp_conn_new(struct listener *ls, int fd, const struct sockaddr *sa)
{
	struct listen	*l = ls->l;
	struct tcp_conn	*c;
	char		 name[80];

	exporter_name(sa, name, sizeof(name));
	if (l->allow != NULL && !cidr_set_match_sa(l->allow, sa)) {
		COUNTER(l, ls->format, tcp_denied)++;
		log_debug("%s: %s denied", ls->name, name);
		close(fd);
		return;
	}
	/* The cap is shared: IPFIX and syslog connections count alike. */
	if (l->counters.tcp_live >= l->tcp_max) {
		COUNTER(l, ls->format, tcp_refused)++;
		if (log_limit(&l->limit, time(NULL)))
			log_warnx("%s: %s refused: %u connections open",
			    ls->name, name, l->tcp_max);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    tcp_conn_decoder(ls, c, name) == -1 ||
	    (c->bev = bufferevent_socket_new(l->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		COUNTER(l, ls->format, tcp_errors)++;
		log_warn("%s: %s", ls->name, name);
		if (c != NULL) {
			ipfix_session_free(c->session);
			syslog_stream_free(c->stream);
		}
		free(c);
		close(fd);
		return;
	}
	c->l = l;
	c->ls = ls;
	memcpy(&c->peer, sa, sa->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	c->format = ls->format;
	TAILQ_INSERT_TAIL(&l->conns, c, entry);
	COUNTER(l, c->format, tcp_accepted)++;
	l->counters.tcp_live++;
	bufferevent_setcb(c->bev, tcp_read, NULL, tcp_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, TCP_INPUT_MAX);
	if (l->tcp_idle.tv_sec > 0 || l->tcp_idle.tv_usec > 0)
		bufferevent_set_timeouts(c->bev, &l->tcp_idle, NULL);
	bufferevent_enable(c->bev, EV_READ);
	log_debug("%s: connection from %s", ls->name, name);
}

/* An IPFIX session or a syslog stream, as the listener's format says. */
static int
tcp_conn_decoder(struct listener *ls, struct tcp_conn *c, const char *name)
{
	if (ls->format == CONFIG_FORMAT_SYSLOG)
		c->stream = syslog_stream_new(ls->l->syslog, name);
	else
		c->session = ipfix_session_new(ls->l->collector, name);
	return c->stream == NULL && c->session == NULL ? -1 : 0;
}

static void
tcp_conn_free(struct tcp_conn *c)
{
	struct listen	*l = c->l;

	TAILQ_REMOVE(&l->conns, c, entry);
	COUNTER(l, c->format, tcp_closed)++;
	l->counters.tcp_live--;
	bufferevent_free(c->bev);
	if (l->free_fn != NULL && c->session != NULL)
		l->free_fn(c->session, l->free_arg);
	ipfix_session_free(c->session);
	syslog_stream_free(c->stream);
	free(c);
}

static const char *
tcp_conn_name(const struct tcp_conn *c)
{
	return c->stream != NULL ? syslog_stream_name(c->stream) :
	    ipfix_session_name(c->session);
}

static void
tcp_read(struct bufferevent *bev, void *arg)
{
	struct tcp_conn	*c = arg;
	struct listen	*l = c->l;
	struct evbuffer	*in = bufferevent_get_input(bev);
	double		 now = loop_now(l->base);
	int		 rv;

	if (c->stream != NULL) {
		/* Framing errors are counted and logged by syslog_in. */
		if (tcp_syslog(c, in, now) == -1)
			tcp_conn_free(c);
		output_flush(l->output);
		return;
	}
	while ((rv = tcp_message(c, in, now)) == 1)
		;
	if (rv == -1) {
		l->counters.tcp_bad_framing++;
		if (log_limit(&l->limit, (time_t)now))
			log_warnx("tcp %s: not an IPFIX message header, "
			    "closing", ipfix_session_name(c->session));
		tcp_conn_free(c);
	}
	output_flush(l->output);
}

/*
 * Hands everything buffered to the syslog stream, which keeps what it
 * needs of a partial line. Returns -1 when the framing is broken.
 */
static int
tcp_syslog(struct tcp_conn *c, struct evbuffer *in, double now)
{
	struct evbuffer_iovec	v;
	int			rv = 0;

	while (rv == 0 && evbuffer_peek(in, -1, NULL, &v, 1) > 0 &&
	    v.iov_len > 0) {
		rv = syslog_stream_feed(c->stream, v.iov_base, v.iov_len, now);
		evbuffer_drain(in, v.iov_len);
	}
	return rv;
}

/*
 * Decodes one message from in. Returns 1 when one was decoded, 0 when a
 * whole message is not buffered yet, -1 when the header is not IPFIX.
 */
static int
tcp_message(struct tcp_conn *c, struct evbuffer *in, double now)
{
	uint8_t		 hdr[4];
	unsigned	 version, len;
	uint8_t		*msg;

	if (evbuffer_get_length(in) < TCP_HEADER)
		return 0;
	if (evbuffer_copyout(in, hdr, sizeof(hdr)) != sizeof(hdr))
		return 0;
	version = (unsigned)hdr[0] << 8 | hdr[1];
	len = (unsigned)hdr[2] << 8 | hdr[3];
	if (version != 10 || len < TCP_HEADER)
		return -1;
	if (evbuffer_get_length(in) < len)
		return 0;
	if ((msg = evbuffer_pullup(in, len)) == NULL)
		return 0;
	c->l->counters.tcp_messages++;
	c->l->counters.tcp_bytes += len;
	(void)ipfix_session_message(c->session, msg, len, now);
	evbuffer_drain(in, len);
	return 1;
}

static void
tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn	*c = arg;
	struct listen	*l = c->l;

	if (what & BEV_EVENT_TIMEOUT) {
		COUNTER(l, c->format, tcp_idle_closed)++;
		log_debug("tcp %s: idle, closing", tcp_conn_name(c));
	} else if (what & BEV_EVENT_ERROR) {
		COUNTER(l, c->format, tcp_errors)++;
		log_debug("tcp %s: %s", tcp_conn_name(c),
		    strerror(EVUTIL_SOCKET_ERROR()));
	}
	if (c->stream != NULL)
		tcp_syslog_end(c, (what & BEV_EVENT_EOF) != 0);
	else if (evbuffer_get_length(bufferevent_get_input(bev)) > 0) {
		l->counters.tcp_truncated++;
		if (log_limit(&l->limit, time(NULL)))
			log_warnx("tcp %s: closed inside a message",
			    tcp_conn_name(c));
	}
	tcp_conn_free(c);
}

/*
 * A syslog connection ends: only a clean end of stream (clean is 1) lets
 * an unterminated line count; after a timeout or an error the partial
 * frame is dropped (counted in syslog_tcp_truncated by syslog_in).
 */
static void
tcp_syslog_end(struct tcp_conn *c, int clean)
{
	struct listen	*l = c->l;

	if (syslog_stream_end(c->stream, clean, loop_now(l->base)) == 1 &&
	    log_limit(&l->limit, time(NULL)))
		log_warnx("syslog tcp %s: %s inside a message, dropped",
		    tcp_conn_name(c), clean ? "closed" : "cut off");
	output_flush(l->output);
}
