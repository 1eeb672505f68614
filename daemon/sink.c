/*
 * sink.c - alert sinks: file, journal, syslog(3), remote syslog; see
 * sink.h.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <systemd/sd-journal.h>

#include "alert_fmt.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "row.h"
#include "rule.h"
#include "sink.h"
#include "stats.h"

#define SINK_HIGH_WATER		(256 * 1024)	/* bytes in a bufferevent
						   before writing waits */
#define SINK_BACKOFF_MIN	1.0		/* seconds */
#define SINK_DRAIN_POLL		0.05		/* seconds */
#define SINK_JOURNAL_FIELDS	64		/* row fields sent, at most */
#define SINK_FILE_BATCH		256		/* alerts written per callback */

struct sink_msg {
	char	*data;
	size_t	 len;
	int	 resend;	/* written to a connection that was lost */
};

struct sink {
	const struct config_sink *conf;		/* borrowed */
	struct sink_set		*set;
	struct sink_counters	 c;
	/* file */
	int			 fd;
	int			 queued;	/* drop_oldest, drop_newest:
						   written from ev_retry */
	/* remote */
	char			 hostname[256];
	size_t			 max_message;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	int			 udp;		/* connected UDP socket; -1 */
	struct bufferevent	*bev;		/* TCP; NULL: not connected */
	SSL_CTX			*tls;		/* transport tls; else NULL */
	int			 connected;
	int			 lost;		/* a connection failed or ended */
	double			 backoff;	/* seconds before the next try */
	struct event		*ev_retry;	/* TCP: reconnect; a queued
						   file: write (now or after
						   the backoff) */
	struct sink_msg		*q;		/* ring of conf->queue */
	size_t			 qhead, qlen;
	size_t			 qwritten;	/* the first qwritten of the
						   queue are in the bufferevent,
						   not yet confirmed */
	struct log_limit	 limit;
};

struct sink_set {
	struct event_base	*base;
	const struct config	*conf;
	struct sink		**s;		/* a sink each; NULL: kept
						   from the set a reload
						   replaces, until
						   sink_set_adopt() */
	size_t			 n;
	struct event		*ev_drain;
	struct event		*ev_deadline;	/* the drain's timeout */
};

static int	sink_open(struct sink_set *, struct sink *,
		    const struct config_sink *);
static struct sink *sink_same(const struct sink_set *,
		    const struct config_sink *);
static int	sink_file_open(struct sink *);
static int	sink_remote_open(struct sink *);
static void	sink_close(struct sink *);
static int	sink_routed(const struct rule *, const char *);
static void	sink_alert(struct sink *, const struct rule *,
		    const struct row *, double);
static void	sink_file_write(struct sink *, const struct rule *,
		    const struct row *, double);
static void	sink_file_queue(struct sink *, const struct rule *,
		    const struct row *, double);
static int	sink_file_render(struct sink *, const struct rule *,
		    const struct row *, double, struct buf *);
static void	sink_file_flush(evutil_socket_t, short, void *);
static int	sink_file_put(struct sink *, struct sink_msg *);
static void	sink_file_failed(struct sink *);
static void	sink_file_schedule(struct sink *);
static void	sink_journal_send(struct sink *, const struct rule *,
		    const struct row *, double);
static void	sink_syslog_send(struct sink *, const struct rule *,
		    const struct row *, double);
static void	sink_remote_send(struct sink *, const struct rule *,
		    const struct row *, double);
static void	sink_render_remote(struct sink *, const struct rule *,
		    const struct row *, double, struct buf *);
static void	sink_enqueue(struct sink *, const char *, size_t);
static void	sink_msg_free(struct sink_msg *);
static void	sink_queue_pop(struct sink *, size_t);
static int	sink_tls_init(struct sink *);
static const char *sink_tls_error(char *, size_t);
static struct bufferevent *sink_tls_bev(struct sink *);
static int	sink_tls_failed(struct sink *, char *, size_t);
static void	sink_tls_shutdown(struct sink *);
static void	sink_tcp_connect(struct sink *);
static void	sink_tcp_lost(struct sink *, const char *);
static void	sink_tcp_drain(struct sink *);
static size_t	sink_tcp_fill(struct sink *);
static void	sink_tcp_flush(struct sink *);
static void	sink_tcp_sent(struct sink *);
static void	sink_tcp_unwrite(struct sink *);
static void	sink_tcp_read(struct bufferevent *, void *);
static void	sink_tcp_write(struct bufferevent *, void *);
static void	sink_tcp_event(struct bufferevent *, short, void *);
static void	sink_tcp_retry(evutil_socket_t, short, void *);
static void	sink_backoff_next(struct sink *, struct timeval *);
static size_t	sink_pending(const struct sink *);
static void	sink_drain_poll(evutil_socket_t, short, void *);
static void	sink_drain_deadline(evutil_socket_t, short, void *);
static int	sink_truncated(const struct buf *);

struct sink_set *
sink_set_new(struct event_base *base, const struct config *conf,
    const struct sink_set *old)
{
	struct sink_set	*set;
	size_t		 i;

	if ((set = calloc(1, sizeof(*set))) == NULL ||
	    (set->s = calloc(conf->nsinks ? conf->nsinks : 1,
	    sizeof(*set->s))) == NULL) {
		log_warn("sinks");
		free(set);
		return NULL;
	}
	set->base = base;
	set->conf = conf;
	for (i = 0; i < conf->nsinks; i++) {
		set->n++;
		/* The same sink, the same settings: left for adoption. */
		if (sink_same(old, &conf->sinks[i]) != NULL)
			continue;
		if ((set->s[i] = calloc(1, sizeof(*set->s[i]))) == NULL) {
			log_warn("sink %s", conf->sinks[i].name);
			goto fail;
		}
		if (sink_open(set, set->s[i], &conf->sinks[i]) == -1)
			goto fail;
	}
	return set;
fail:
	sink_set_free(set);
	return NULL;
}

/* old's sink of cs's name when its settings are cs's, else NULL. */
static struct sink *
sink_same(const struct sink_set *old, const struct config_sink *cs)
{
	int	j;

	if ((j = sink_set_find(old, cs->name)) == -1 ||
	    !config_sink_same(old->s[j]->conf, cs))
		return NULL;
	return old->s[j];
}

size_t
sink_set_adopt(struct sink_set *set, struct sink_set *old)
{
	struct sink	*s;
	size_t		 i, j, kept = 0;

	for (i = 0; i < set->n; i++) {
		if (set->s[i] != NULL ||
		    (s = sink_same(old, &set->conf->sinks[i])) == NULL)
			continue;
		/* Its events and connection go with it: they point at s. */
		s->set = set;
		s->conf = &set->conf->sinks[i];
		set->s[i] = s;
		for (j = 0; j < old->n; j++)
			if (old->s[j] == s) {
				memmove(&old->s[j], &old->s[j + 1],
				    (old->n - j - 1) * sizeof(*old->s));
				old->n--;
				break;
			}
		kept++;
	}
	return kept;
}

void
sink_set_free(struct sink_set *set)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		if (set->s[i] != NULL)
			sink_close(set->s[i]);
	if (set->ev_drain != NULL)
		event_free(set->ev_drain);
	if (set->ev_deadline != NULL)
		event_free(set->ev_deadline);
	free(set->s);
	free(set);
}

static int
sink_open(struct sink_set *set, struct sink *s, const struct config_sink *cs)
{
	s->conf = cs;
	s->set = set;
	s->fd = -1;
	s->udp = -1;
	s->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(5);
	if ((s->q = calloc(cs->queue ? cs->queue : 1, sizeof(*s->q))) == NULL) {
		log_warn("sink %s", cs->name);
		return -1;
	}
	switch (cs->type) {
	case CONFIG_SINK_FILE:
		return sink_file_open(s);
	case CONFIG_SINK_REMOTE:
		return sink_remote_open(s);
	default:
		return 0;
	}
}

static int
sink_file_open(struct sink *s)
{
	s->fd = open(s->conf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640);
	if (s->fd == -1) {
		log_warn("sink %s: open %s", s->conf->name, s->conf->path);
		return -1;
	}
	if (s->conf->policy == CONFIG_POLICY_BLOCK)
		return 0;
	s->queued = 1;
	s->backoff = SINK_BACKOFF_MIN;
	s->ev_retry = evtimer_new(s->set->base, sink_file_flush, s);
	if (s->ev_retry == NULL) {
		log_warnx("sink %s: evtimer_new failed", s->conf->name);
		return -1;
	}
	return 0;
}

/* Resolves the address once; UDP connects now, TCP starts connecting. */
static int
sink_remote_open(struct sink *s)
{
	const struct config_sink	*cs = s->conf;
	struct addrinfo			 hints, *res;
	int				 tcp = cs->transport == CONFIG_IPFIX_TCP;
	int				 r;

	if (cs->hostname != NULL)
		snprintf(s->hostname, sizeof(s->hostname), "%s", cs->hostname);
	else if (gethostname(s->hostname, sizeof(s->hostname) - 1) == -1)
		s->hostname[0] = '\0';
	/* RFC 3164 (4.1) caps a message at 1024 bytes whatever the transport. */
	s->max_message = cs->max_message ? cs->max_message :
	    cs->rfc3164 ? ALERT_SYSLOG_3164_MAX : tcp ? 65536 : 2048;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	r = getaddrinfo(cs->address, cs->port ? cs->port : "514", &hints, &res);
	if (r != 0) {
		log_warnx("sink %s: %s port %s: %s", cs->name, cs->address,
		    cs->port ? cs->port : "514", gai_strerror(r));
		return -1;
	}
	memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
	s->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	if (cs->tls && sink_tls_init(s) == -1)
		return -1;
	if (tcp) {
		s->backoff = SINK_BACKOFF_MIN;
		s->ev_retry = evtimer_new(s->set->base, sink_tcp_retry, s);
		if (s->ev_retry == NULL) {
			log_warnx("sink %s: evtimer_new failed", cs->name);
			return -1;
		}
		sink_tcp_connect(s);
		return 0;
	}
	s->udp = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (s->udp == -1 || connect(s->udp, (struct sockaddr *)&s->addr,
	    s->addrlen) == -1) {
		log_warn("sink %s: udp %s port %s", cs->name, cs->address,
		    cs->port ? cs->port : "514");
		return -1;
	}
	return 0;
}

static void
sink_close(struct sink *s)
{
	if (s->fd != -1)
		close(s->fd);
	if (s->udp != -1)
		close(s->udp);
	if (s->bev != NULL) {
		sink_tls_shutdown(s);
		bufferevent_free(s->bev);
	}
	if (s->tls != NULL)
		SSL_CTX_free(s->tls);
	if (s->ev_retry != NULL)
		event_free(s->ev_retry);
	if (s->q != NULL)
		sink_queue_pop(s, s->qlen);
	free(s->q);
	free(s);
}

void
sink_set_alert(struct sink_set *set, const struct rule *rule,
    const struct row *row, double now)
{
	size_t	i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		if (sink_routed(rule, set->s[i]->conf->name))
			sink_alert(set->s[i], rule, row, now);
}

static int
sink_routed(const struct rule *rule, const char *name)
{
	size_t	i;

	if (rule->stream.sinks == NULL)
		return 1;
	for (i = 0; i < rule->stream.nsinks; i++)
		if (strcmp(rule->stream.sinks[i], name) == 0)
			return 1;
	return 0;
}

static void
sink_alert(struct sink *s, const struct rule *rule, const struct row *row,
    double now)
{
	s->c.enqueued++;
	switch (s->conf->type) {
	case CONFIG_SINK_FILE:
		if (s->queued)
			sink_file_queue(s, rule, row, now);
		else
			sink_file_write(s, rule, row, now);
		break;
	case CONFIG_SINK_JOURNAL:
		sink_journal_send(s, rule, row, now);
		break;
	case CONFIG_SINK_SYSLOG:
		sink_syslog_send(s, rule, row, now);
		break;
	case CONFIG_SINK_REMOTE:
		sink_remote_send(s, rule, row, now);
		break;
	}
}

/* The line and its newline in b; -1 (counted dropped) if out of memory. */
static int
sink_file_render(struct sink *s, const struct rule *rule,
    const struct row *row, double now, struct buf *b)
{
	memset(b, 0, sizeof(*b));
	alert_format(rule, row, now, (enum alert_format)s->conf->format, b);
	buf_putc(b, '\n');
	if (!b->failed)
		return 0;
	s->c.dropped++;
	buf_free(b);
	return -1;
}

/* policy block: one write(2) per alert, now; intake waits for the disk. */
static void
sink_file_write(struct sink *s, const struct rule *rule,
    const struct row *row, double now)
{
	struct buf	b;
	ssize_t		n;

	if (sink_file_render(s, rule, row, now, &b) == -1)
		return;
	n = write(s->fd, b.data, b.len);
	if (n != (ssize_t)b.len) {
		s->c.write_errors++;
		s->c.dropped++;
		if (log_limit(&s->limit, (time_t)now))
			log_warn("sink %s: write %s", s->conf->name,
			    s->conf->path);
	} else {
		s->c.sent++;
		if (s->conf->fsync && fsync(s->fd) == -1)
			s->c.write_errors++;
	}
	buf_free(&b);
}

/*
 * drop_oldest, drop_newest: the line joins the queue (the policy decides
 * at the cap) and is written from the loop, so intake never waits for
 * the disk.
 */
static void
sink_file_queue(struct sink *s, const struct rule *rule,
    const struct row *row, double now)
{
	struct buf	b;

	if (sink_file_render(s, rule, row, now, &b) == -1)
		return;
	sink_enqueue(s, b.data, b.len);
	buf_free(&b);
	sink_file_schedule(s);
}

/* A write soon, unless one (or the backoff after an error) is pending. */
static void
sink_file_schedule(struct sink *s)
{
	struct timeval	tv = { 0, 0 };

	if (s->qlen > 0 && !evtimer_pending(s->ev_retry, NULL))
		evtimer_add(s->ev_retry, &tv);
}

/*
 * Writes the queue in order, a batch at a time. A failed write keeps
 * the alert queued and tries again after the backoff, 1 s doubling to
 * reconnect_max (counted in retries).
 */
static void
sink_file_flush(evutil_socket_t fd, short what, void *arg)
{
	struct sink	*s = arg;
	size_t		 n;

	if (s->lost)
		s->c.retries++;
	for (n = 0; s->qlen > 0 && n < SINK_FILE_BATCH; n++) {
		if (sink_file_put(s, &s->q[s->qhead]) == -1) {
			sink_file_failed(s);
			return;
		}
		sink_queue_pop(s, 1);
		s->c.sent++;
	}
	s->lost = 0;
	s->backoff = SINK_BACKOFF_MIN;
	sink_file_schedule(s);
}

/*
 * One message, one write(2), then fsync(2) if asked. What a short write
 * took is cut from the message, so that the retry writes only the rest.
 */
static int
sink_file_put(struct sink *s, struct sink_msg *m)
{
	ssize_t	n;

	if ((n = write(s->fd, m->data, m->len)) == (ssize_t)m->len) {
		if (s->conf->fsync && fsync(s->fd) == -1)
			s->c.write_errors++;
		return 0;
	}
	if (n >= 0) {
		memmove(m->data, m->data + n, m->len - (size_t)n);
		m->len -= (size_t)n;
		errno = ENOSPC;	/* what a short write to a file means */
	}
	return -1;
}

static void
sink_file_failed(struct sink *s)
{
	struct timeval	tv, now;
	int		saved = errno;

	s->c.write_errors++;
	s->lost = 1;
	sink_backoff_next(s, &tv);
	if (event_base_gettimeofday_cached(s->set->base, &now) == -1)
		now.tv_sec = 0;
	errno = saved;
	if (log_limit(&s->limit, now.tv_sec))
		log_warn("sink %s: write %s (%zu queued; retrying in %lld s)",
		    s->conf->name, s->conf->path, s->qlen,
		    (long long)tv.tv_sec);
	evtimer_add(s->ev_retry, &tv);
}

/* NVMWATCH_ and the name in [A-Z0-9_]. */
static void
journal_name(struct buf *b, const char *name)
{
	buf_puts(b, "NVMWATCH_");
	for (; *name != '\0'; name++)
		buf_putc(b, isalnum((unsigned char)*name) ?
		    (char)toupper((unsigned char)*name) : '_');
	buf_putc(b, '=');
}

/*
 * MESSAGE= is the payload; the rule and each row field (values joined
 * with ',') are fields of their own. Every string is in one buf, each
 * NUL-terminated; the iovecs are made once the buf stops moving.
 */
static void
sink_journal_send(struct sink *s, const struct rule *rule,
    const struct row *row, double now)
{
	struct iovec	 iov[SINK_JOURNAL_FIELDS + 5];
	size_t		 off[SINK_JOURNAL_FIELDS + 5];
	struct buf	 b;
	size_t		 i, k, n = 0;
	int		 r;

	memset(&b, 0, sizeof(b));
	off[n++] = b.len;
	buf_puts(&b, "MESSAGE=");
	alert_format(rule, row, now, (enum alert_format)s->conf->format, &b);
	buf_putc(&b, '\0');
	off[n++] = b.len;
	buf_printf(&b, "PRIORITY=%u%c", s->conf->severity & 7, '\0');
	off[n++] = b.len;
	buf_printf(&b, "SYSLOG_IDENTIFIER=nvmwatch%c", '\0');
	off[n++] = b.len;
	buf_printf(&b, "NVMWATCH_RULE=%s%c", rule->short_name, '\0');
	if (rule->id != NULL) {
		off[n++] = b.len;
		buf_printf(&b, "NVMWATCH_RULE_ID=%s%c", rule->id, '\0');
	}
	for (i = 0; i < row->n && i < SINK_JOURNAL_FIELDS; i++) {
		if (row->f[i].nvals == 0)
			continue;
		off[n++] = b.len;
		journal_name(&b, row->f[i].name);
		for (k = 0; k < row->f[i].nvals; k++) {
			if (k > 0)
				buf_putc(&b, ',');
			buf_append(&b, row->f[i].vals[k].ptr,
			    row->f[i].vals[k].len);
		}
		buf_putc(&b, '\0');
	}
	if (b.failed) {
		s->c.dropped++;
		buf_free(&b);
		return;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = b.data + off[i];
		iov[i].iov_len = strlen(b.data + off[i]);
	}
	if ((r = sd_journal_sendv(iov, (int)n)) < 0) {
		s->c.write_errors++;
		s->c.dropped++;
		if (log_limit(&s->limit, (time_t)now))
			log_warnx("sink %s: journal: %s", s->conf->name,
			    strerror(-r));
	} else
		s->c.sent++;
	buf_free(&b);
}

static void
sink_syslog_send(struct sink *s, const struct rule *rule,
    const struct row *row, double now)
{
	struct buf	b;

	memset(&b, 0, sizeof(b));
	alert_format(rule, row, now, (enum alert_format)s->conf->format, &b);
	buf_putc(&b, '\0');
	if (b.failed) {
		s->c.dropped++;
		buf_free(&b);
		return;
	}
	syslog((int)(((s->conf->facility % 24) << 3) | (s->conf->severity & 7)),
	    "%s", b.data);
	s->c.sent++;
	buf_free(&b);
}

/* The message, framed for TCP. */
static void
sink_render_remote(struct sink *s, const struct rule *rule,
    const struct row *row, double now, struct buf *b)
{
	const struct config_sink	*cs = s->conf;
	struct buf			 m;

	memset(&m, 0, sizeof(m));
	if (cs->rfc3164)
		alert_syslog_3164(rule, row, now, (enum alert_format)cs->format,
		    s->hostname, (int)cs->facility, (int)cs->severity,
		    s->max_message, &m);
	else
		alert_syslog_5424(rule, row, now, (enum alert_format)cs->format,
		    s->hostname, (int)cs->facility, (int)cs->severity,
		    cs->enterprise, s->max_message, &m);
	if (sink_truncated(&m))
		s->c.truncated++;
	if (cs->transport == CONFIG_IPFIX_TCP && cs->octet_counting)
		buf_printf(b, "%zu ", m.len);
	buf_append(b, m.data, m.len);
	if (cs->transport == CONFIG_IPFIX_TCP && !cs->octet_counting)
		buf_putc(b, '\n');
	if (m.failed)
		b->failed = 1;
	buf_free(&m);
}

static int
sink_truncated(const struct buf *b)
{
	size_t	n = strlen(ALERT_TRUNC_MARKER);

	return !b->failed && b->len >= n &&
	    memcmp(b->data + b->len - n, ALERT_TRUNC_MARKER, n) == 0;
}

static void
sink_remote_send(struct sink *s, const struct rule *rule,
    const struct row *row, double now)
{
	struct buf	b;

	memset(&b, 0, sizeof(b));
	sink_render_remote(s, rule, row, now, &b);
	if (b.failed) {
		s->c.dropped++;
	} else if (s->udp != -1) {
		if (send(s->udp, b.data, b.len, 0) == -1) {
			s->c.write_errors++;
			s->c.dropped++;
			if (log_limit(&s->limit, (time_t)now))
				log_warn("sink %s: send", s->conf->name);
		} else
			s->c.sent++;
	} else {
		sink_enqueue(s, b.data, b.len);
		sink_tcp_drain(s);
	}
	buf_free(&b);
}

/* Copies the message into the ring; the policy decides at the cap. */
static void
sink_enqueue(struct sink *s, const char *data, size_t len)
{
	size_t		 cap = s->conf->queue ? s->conf->queue : 1;
	struct sink_msg	*m;

	if (s->qlen == cap) {
		s->c.dropped++;
		if (s->conf->policy == CONFIG_POLICY_DROP_NEWEST)
			return;
		/* Written or not: a written one may still arrive. */
		sink_queue_pop(s, 1);
	}
	m = &s->q[(s->qhead + s->qlen) % cap];
	if ((m->data = malloc(len)) == NULL) {
		s->c.dropped++;
		return;
	}
	memcpy(m->data, data, len);
	m->len = len;
	m->resend = 0;
	s->qlen++;
	s->c.queue_depth = s->qlen;
}

static void
sink_msg_free(struct sink_msg *m)
{
	free(m->data);
	m->data = NULL;
	m->len = 0;
	m->resend = 0;
}

/* Frees the first n queued messages, written or not; the caller counts. */
static void
sink_queue_pop(struct sink *s, size_t n)
{
	size_t	cap = s->conf->queue ? s->conf->queue : 1;

	for (; n > 0 && s->qlen > 0; n--) {
		sink_msg_free(&s->q[s->qhead]);
		s->qhead = (s->qhead + 1) % cap;
		s->qlen--;
		if (s->qwritten > 0)
			s->qwritten--;
	}
	s->c.queue_depth = s->qlen;
}

/*
 * The sink's TLS context: TLS 1.2 at least, the server verified against
 * tls_ca_file, the client certificate if given. A file that does not
 * load is a start-up error.
 */
static int
sink_tls_init(struct sink *s)
{
	const struct config_sink	*cs = s->conf;
	const char			*file = cs->tls_ca_file;
	char				 why[256];

	if ((s->tls = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(s->tls, TLS1_2_VERSION) != 1) {
		log_warnx("sink %s: tls: %s", cs->name,
		    sink_tls_error(why, sizeof(why)));
		return -1;
	}
	SSL_CTX_set_verify(s->tls, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_load_verify_locations(s->tls, file, NULL) != 1)
		goto fail;
	if (cs->tls_cert_file == NULL)
		return 0;
	file = cs->tls_cert_file;
	if (SSL_CTX_use_certificate_chain_file(s->tls, file) != 1)
		goto fail;
	file = cs->tls_key_file;
	if (SSL_CTX_use_PrivateKey_file(s->tls, file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(s->tls) != 1)
		goto fail;
	return 0;
fail:
	log_warnx("sink %s: %s: %s", cs->name, file,
	    sink_tls_error(why, sizeof(why)));
	return -1;
}

/* The oldest error in OpenSSL's queue, which is then emptied. */
static const char *
sink_tls_error(char *buf, size_t size)
{
	unsigned long	e = ERR_get_error();

	if (e == 0)
		snprintf(buf, size, "unknown TLS error");
	else
		ERR_error_string_n(e, buf, size);
	ERR_clear_error();
	return buf;
}

/*
 * A TLS bufferevent, not yet connected, that checks the server
 * certificate for tls_peer_name (or the address): a DNS name (also sent
 * as SNI) or an IP address.
 */
static struct bufferevent *
sink_tls_bev(struct sink *s)
{
	const struct config_sink	*cs = s->conf;
	const char			*peer;
	struct bufferevent		*bev;
	unsigned char			 ip[16];
	SSL				*ssl;
	int				 ok;

	peer = cs->tls_peer_name ? cs->tls_peer_name : cs->address;
	if ((ssl = SSL_new(s->tls)) == NULL)
		return NULL;
	if (inet_pton(AF_INET, peer, ip) == 1 ||
	    inet_pton(AF_INET6, peer, ip) == 1)
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), peer);
	else
		ok = SSL_set1_host(ssl, peer) == 1 &&
		    SSL_set_tlsext_host_name(ssl, peer) == 1;
	if (!ok || (bev = bufferevent_openssl_socket_new(s->set->base, -1,
	    ssl, BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		SSL_free(ssl);
		return NULL;
	}
	/* A receiver that closes without close_notify has still had
	   everything we sent: its EOF is not an error. */
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/*
 * After an error event on a TLS connection: 1 with why filled when TLS
 * failed (the handshake, the server's certificate), 0 for a socket error.
 */
static int
sink_tls_failed(struct sink *s, char *why, size_t size)
{
	SSL		*ssl = bufferevent_openssl_get_ssl(s->bev);
	unsigned long	 e, first = 0;
	long		 v;

	while ((e = bufferevent_get_openssl_error(s->bev)) != 0)
		if (first == 0)
			first = e;
	v = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;
	if (v != X509_V_OK) {
		snprintf(why, size, "TLS: server certificate: %s",
		    X509_verify_cert_error_string(v));
		return 1;
	}
	if (first == 0)
		return 0;
	memcpy(why, "TLS: ", 5);
	ERR_error_string_n(first, why + 5, size - 5);
	return 1;
}

/*
 * A connected TLS sink says goodbye (close_notify) before its
 * bufferevent is freed; the peer's reply is not waited for.
 */
static void
sink_tls_shutdown(struct sink *s)
{
	SSL	*ssl;

	if (s->tls == NULL || !s->connected ||
	    (ssl = bufferevent_openssl_get_ssl(s->bev)) == NULL)
		return;
	if (SSL_shutdown(ssl) < 0)
		ERR_clear_error();
}

static void
sink_tcp_connect(struct sink *s)
{
	if (s->tls != NULL)
		s->bev = sink_tls_bev(s);
	else
		s->bev = bufferevent_socket_new(s->set->base, -1,
		    BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		ERR_clear_error();
		sink_tcp_lost(s, "cannot make a bufferevent");
		return;
	}
	bufferevent_setcb(s->bev, sink_tcp_read, sink_tcp_write,
	    sink_tcp_event, s);
	/* The write callback runs when the output is empty: all written. */
	bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
	if (bufferevent_enable(s->bev, EV_READ | EV_WRITE) == -1 ||
	    bufferevent_socket_connect(s->bev, (struct sockaddr *)&s->addr,
	    (int)s->addrlen) == -1)
		sink_tcp_lost(s, "connect failed");
}

/* Frees the connection and tries again after the backoff. */
static void
sink_tcp_lost(struct sink *s, const char *why)
{
	struct timeval	tv;

	sink_tcp_unwrite(s);
	if (s->bev != NULL) {
		bufferevent_free(s->bev);
		s->bev = NULL;
	}
	if (s->connected || !s->lost)
		log_warnx("sink %s: %s port %s: %s; retrying in %.0f s",
		    s->conf->name, s->conf->address,
		    s->conf->port ? s->conf->port : "514", why, s->backoff);
	s->connected = 0;
	s->lost = 1;
	sink_backoff_next(s, &tv);
	evtimer_add(s->ev_retry, &tv);
}

/* The wait before the next try in tv; the one after doubles, to the cap. */
static void
sink_backoff_next(struct sink *s, struct timeval *tv)
{
	tv->tv_sec = (time_t)s->backoff;
	tv->tv_usec = (suseconds_t)((s->backoff - (double)tv->tv_sec) * 1e6);
	s->backoff *= 2;
	if (s->backoff > s->conf->reconnect_max)
		s->backoff = s->conf->reconnect_max > SINK_BACKOFF_MIN ?
		    s->conf->reconnect_max : SINK_BACKOFF_MIN;
}

static void
sink_tcp_retry(evutil_socket_t fd, short what, void *arg)
{
	struct sink	*s = arg;

	s->c.retries++;
	sink_tcp_connect(s);
}

/*
 * Queue to connection, in order. A message stays queued until the
 * bufferevent has handed it to the kernel (sink_tcp_sent); one written
 * before a lost connection is written again, and counted in retries.
 */
static void
sink_tcp_drain(struct sink *s)
{
	while (s->connected && sink_tcp_fill(s) > 0) {
		sink_tcp_flush(s);
		if (evbuffer_get_length(bufferevent_get_output(s->bev)) > 0)
			break;
		sink_tcp_sent(s);
	}
}

/* Writes the unwritten messages while the output is below the mark. */
static size_t
sink_tcp_fill(struct sink *s)
{
	size_t		 cap = s->conf->queue ? s->conf->queue : 1;
	size_t		 n = 0;
	struct sink_msg	*m;

	while (s->qwritten < s->qlen && evbuffer_get_length(
	    bufferevent_get_output(s->bev)) < SINK_HIGH_WATER) {
		m = &s->q[(s->qhead + s->qwritten) % cap];
		if (bufferevent_write(s->bev, m->data, m->len) == -1) {
			s->c.write_errors++;
			break;
		}
		if (m->resend)
			s->c.retries++;
		m->resend = 0;
		s->qwritten++;
		n++;
	}
	return n;
}

/*
 * Plain TCP hands the output to the kernel now, so that a burst does not
 * fill the queue with messages already on their way; what the kernel
 * does not take, and any error, the bufferevent's own write sees to.
 * (The bufferevent keeps its output's front frozen but for its writes.)
 */
static void
sink_tcp_flush(struct sink *s)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);

	if (s->tls != NULL || evbuffer_get_length(out) == 0)
		return;
	evbuffer_unfreeze(out, 1);
	(void)evbuffer_write(out, bufferevent_getfd(s->bev));
	evbuffer_freeze(out, 1);
}

/* The output is empty: every written message has left. */
static void
sink_tcp_sent(struct sink *s)
{
	size_t	n = s->qwritten;

	sink_queue_pop(s, n);
	s->c.sent += n;
}

/*
 * The connection is going: what it had not yet sent on is written
 * again after the reconnect, in order. The peer may have had some of
 * it already (at least once).
 */
static void
sink_tcp_unwrite(struct sink *s)
{
	size_t	cap = s->conf->queue ? s->conf->queue : 1;
	size_t	i;

	for (i = 0; i < s->qwritten; i++)
		s->q[(s->qhead + i) % cap].resend = 1;
	s->qwritten = 0;
}

/* The receiver says nothing we need: what it sends is discarded. */
static void
sink_tcp_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer	*in = bufferevent_get_input(bev);

	evbuffer_drain(in, evbuffer_get_length(in));
}

/* The output is empty (low watermark 0): what was written has left. */
static void
sink_tcp_write(struct bufferevent *bev, void *arg)
{
	sink_tcp_sent(arg);
	sink_tcp_drain(arg);
}

static void
sink_tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct sink	*s = arg;
	char		 why[128];

	if (what & BEV_EVENT_CONNECTED) {
		if (s->lost)
			s->c.reconnects++;
		log_info("sink %s: connected to %s port %s", s->conf->name,
		    s->conf->address, s->conf->port ? s->conf->port : "514");
		s->connected = 1;
		s->backoff = SINK_BACKOFF_MIN;
		sink_tcp_drain(s);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "connection closed by the peer");
	else if (s->tls != NULL && sink_tls_failed(s, why, sizeof(why)))
		s->c.tls_failures++;
	else
		snprintf(why, sizeof(why), "%s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	sink_tcp_lost(s, why);
}

void
sink_reopen_all(struct sink_set *set)
{
	struct sink	*s;
	size_t		 i;
	int		 fd;

	for (i = 0; set != NULL && i < set->n; i++) {
		s = set->s[i];
		if (s->conf->type != CONFIG_SINK_FILE)
			continue;
		fd = open(s->conf->path, O_WRONLY | O_APPEND | O_CREAT |
		    O_CLOEXEC, 0640);
		if (fd == -1) {
			log_warn("sink %s: reopen %s (still writing to the old "
			    "file)", s->conf->name, s->conf->path);
			continue;
		}
		close(s->fd);
		s->fd = fd;
		/* A new file may take what the old one would not: now. */
		if (s->queued && s->qlen > 0) {
			evtimer_del(s->ev_retry);
			s->backoff = SINK_BACKOFF_MIN;
			sink_file_schedule(s);
		}
	}
}

/* Queued alerts, those written but not yet handed to the kernel too. */
static size_t
sink_pending(const struct sink *s)
{
	return s->qlen;
}

static void
sink_drain_poll(evutil_socket_t fd, short what, void *arg)
{
	struct sink_set	*set = arg;
	size_t		 i;

	for (i = 0; i < set->n; i++)
		if (sink_pending(set->s[i]) > 0)
			return;
	event_base_loopbreak(set->base);
}

static void
sink_drain_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct sink_set	*set = arg;

	event_base_loopbreak(set->base);
}

void
sink_set_drain(struct sink_set *set, double limit)
{
	struct timeval	 tv;
	double		 timeout = 0;
	size_t		 i, left = 0;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		if (sink_pending(set->s[i]) > 0) {
			left++;
			if (set->s[i]->conf->drain_timeout > timeout)
				timeout = set->s[i]->conf->drain_timeout;
		}
	if (limit >= 0 && limit < timeout)
		timeout = limit;
	if (left > 0 && timeout > 0) {
		tv.tv_sec = 0;
		tv.tv_usec = (suseconds_t)(SINK_DRAIN_POLL * 1e6);
		/*
		 * A timer of our own for the deadline, not loopexit: one
		 * left pending after an early end would cut the next
		 * drain (a reload's retired sinks) short.
		 */
		set->ev_drain = event_new(set->base, -1, EV_PERSIST,
		    sink_drain_poll, set);
		set->ev_deadline = evtimer_new(set->base, sink_drain_deadline,
		    set);
		if (set->ev_drain != NULL && set->ev_deadline != NULL &&
		    event_add(set->ev_drain, &tv) == 0) {
			tv.tv_sec = (time_t)timeout;
			tv.tv_usec = (suseconds_t)((timeout -
			    (double)tv.tv_sec) * 1e6);
			if (evtimer_add(set->ev_deadline, &tv) == 0)
				event_base_dispatch(set->base);
			event_del(set->ev_drain);
			event_del(set->ev_deadline);
		}
	}
	sink_set_abandon(set);
}

void
sink_set_abandon(struct sink_set *set)
{
	size_t	i;

	for (i = 0; set != NULL && i < set->n; i++) {
		if (set->s[i]->qlen == 0)
			continue;
		log_warnx("sink %s: %zu alerts not sent", set->s[i]->conf->name,
		    set->s[i]->qlen);
		set->s[i]->c.dropped += set->s[i]->qlen;
		sink_queue_pop(set->s[i], set->s[i]->qlen);
	}
}

size_t
sink_set_pending(const struct sink_set *set)
{
	size_t	i, n = 0;

	for (i = 0; set != NULL && i < set->n; i++)
		n += sink_pending(set->s[i]);
	return n;
}

double
sink_set_drain_timeout(const struct sink_set *set)
{
	double	t = 0;
	size_t	i;

	for (i = 0; set != NULL && i < set->n; i++)
		if (set->s[i]->conf->drain_timeout > t)
			t = set->s[i]->conf->drain_timeout;
	return t;
}

int
sink_set_find(const struct sink_set *set, const char *name)
{
	size_t	i;

	for (i = 0; set != NULL && i < set->n; i++)
		if (strcmp(set->s[i]->conf->name, name) == 0)
			return (int)i;
	return -1;
}

void
sink_set_fold(struct sink_set *dst, const struct sink_set *src)
{
	size_t	i;
	int	j;

	for (i = 0; dst != NULL && src != NULL && i < src->n; i++)
		if ((j = sink_set_find(dst, src->s[i]->conf->name)) != -1)
			stats_add(&stats_sink, &dst->s[j]->c, &src->s[i]->c);
}

size_t
sink_set_count(const struct sink_set *set)
{
	return set == NULL ? 0 : set->n;
}

const char *
sink_name(const struct sink_set *set, size_t i)
{
	return set->s[i]->conf->name;
}

/* Every alert is sent, dropped or queued; a mismatch is a bug, logged. */
const struct sink_counters *
sink_counters(const struct sink_set *set, size_t i)
{
	const struct sink_counters	*c = &set->s[i]->c;

	if (c->enqueued != c->sent + c->dropped + c->queue_depth)
		log_warnx("sink %s: counters do not add up: enqueued %llu, "
		    "sent %llu + dropped %llu + queue_depth %llu",
		    set->s[i]->conf->name, (unsigned long long)c->enqueued,
		    (unsigned long long)c->sent,
		    (unsigned long long)c->dropped,
		    (unsigned long long)c->queue_depth);
	return c;
}

int
sink_check_rule(const struct config *conf, const struct rule *rule,
    char *msg, size_t size)
{
	size_t	i, k;

	for (i = 0; rule->stream.sinks != NULL && i < rule->stream.nsinks;
	    i++) {
		for (k = 0; k < conf->nsinks; k++)
			if (strcmp(conf->sinks[k].name,
			    rule->stream.sinks[i]) == 0)
				break;
		if (k == conf->nsinks) {
			snprintf(msg, size, "%s: unknown sink %s", rule->path,
			    rule->stream.sinks[i]);
			return -1;
		}
	}
	return 0;
}
