/*
 * sink.h - where alerts go: one sink per entry of the config's sinks:,
 * each with its own payload format and a bounded queue.
 *
 * journal and syslog sinks, and file sinks with policy block, write when
 * the alert arrives (one sd_journal_send, syslog(3), write(2)); their
 * queue never holds anything, so queue and policy have no effect. A file
 * sink with drop_oldest or drop_newest queues the line and writes it from
 * the loop at once, so intake never waits for the disk; a failed write
 * (counted in write_errors) keeps it queued and is tried again with the
 * reconnect backoff below (counted in retries), the policy dropping at
 * the cap meanwhile. Remote sinks render the whole syslog message (RFC 5424 or 3164,
 * framed for TCP) at once and queue it: over UDP a connected socket sends
 * it now, one datagram per message (a send error is counted, not retried);
 * over TCP the queue drains into a bufferevent while connected, and waits
 * while not: a full queue drops its oldest (drop_oldest) or the new
 * message (drop_newest), counted in dropped. The queue, and its cap,
 * hold a TCP message until the bufferevent has handed it to the kernel:
 * only then is it counted sent (a UDP one when send(2) takes it). When
 * the connection is lost, the messages written to it but not yet handed
 * on are written again, in order, after the reconnect and counted in
 * retries: the peer may get such a message twice (at least once), and
 * only those. Bytes in the kernel when the peer goes away are still lost
 * without a count. At all times enqueued = sent + dropped + queue_depth.
 *
 * TLS (RFC 5425) is TCP with an OpenSSL bufferevent: TLS 1.2 or later,
 * the server's certificate verified against tls_ca_file and checked for
 * tls_peer_name (default: the address), the client certificate if one
 * is given. A connection counts as made once the handshake is done. A
 * failed handshake or certificate is logged with OpenSSL's reason,
 * counted in tls_failures and retried like a failed connect. At exit a
 * connected TLS sink sends close_notify before closing.
 *
 * The TCP connection, or a queued file's write, is retried with
 * exponential backoff, 1 s doubling to reconnect_max.
 */
#ifndef NVMWATCHD_SINK_H
#define NVMWATCHD_SINK_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct event_base;
struct row;
struct rule;
struct sink_set;

struct sink_counters {
	uint64_t	enqueued;	/* alerts given to the sink */
	uint64_t	sent;		/* handed to the kernel (see above) */
	uint64_t	dropped;	/* queue full, render failure, or left
					   in the queue at shutdown */
	uint64_t	retries;	/* TCP connection attempts after the
					   first, and file writes after a
					   failed one (each backoff timer);
					   messages written again after a
					   lost connection */
	uint64_t	reconnects;	/* TCP connections made after a loss
					   or a failed attempt */
	uint64_t	queue_depth;	/* alerts queued now, written or not */
	uint64_t	truncated;	/* messages cut at max_message */
	uint64_t	write_errors;	/* failed write, send, journal call */
	uint64_t	tls_failures;	/* TLS handshakes that failed (the
					   server's certificate, the
					   protocol) */
};

/*
 * The sinks of conf (borrowed; must outlive the set): files opened,
 * remote addresses resolved (once, now), TLS files loaded, TCP
 * connections started on base. NULL (logged, naming the file) when a
 * file cannot be opened or loaded, an address not resolved or memory
 * runs out. With old (a reload), the sinks old has with the same name
 * and settings are not opened: sink_set_adopt() moves them over.
 */
struct sink_set	*sink_set_new(struct event_base *base,
		    const struct config *conf, const struct sink_set *old);
/*
 * A reload: every sink of set that old has with the same name and the
 * same settings (left unopened by sink_set_new(set's conf, old)) moves
 * from old into set, with its queue, connection and counters. Returns
 * how many moved; old keeps the others, to retire.
 */
size_t		 sink_set_adopt(struct sink_set *set, struct sink_set *old);
/* Closes everything; queued alerts are dropped. NULL: no-op. */
void		 sink_set_free(struct sink_set *);
/*
 * The alert for row of rule (both borrowed, rendered at once) to every
 * sink, or to the sinks named in rule->stream.sinks. now: alert time.
 */
void		 sink_set_alert(struct sink_set *, const struct rule *rule,
		    const struct row *row, double now);
/*
 * SIGUSR1: file sinks reopen their path (after logrotate); a queued one
 * writes to the new file at once, its backoff reset.
 */
void		 sink_reopen_all(struct sink_set *);
/*
 * At shutdown: runs the event loop until every queue is empty or the
 * largest drain_timeout passes (or limit seconds, when limit >= 0 is
 * less); what is left is counted in dropped and
 * logged ("sink NAME: N alerts not sent").
 */
void		 sink_set_drain(struct sink_set *, double limit);
/* What sink_set_drain() does when time is up: every alert still queued
 * is counted dropped and logged. The loop need not run. */
void		 sink_set_abandon(struct sink_set *);
/* Alerts queued in all sinks (a reload retires a set when it is 0). */
size_t		 sink_set_pending(const struct sink_set *);
/* The largest drain_timeout of the set's sinks, seconds. */
double		 sink_set_drain_timeout(const struct sink_set *);
/* The index of the sink called name, or -1. */
int		 sink_set_find(const struct sink_set *, const char *name);
/* Adds the totals of src's sinks to dst's of the same name (the set a
 * reload retired, once it is done); queue_depth is dst's own. */
void		 sink_set_fold(struct sink_set *dst, const struct sink_set *src);
size_t		 sink_set_count(const struct sink_set *);
const char	*sink_name(const struct sink_set *, size_t i);
const struct sink_counters *sink_counters(const struct sink_set *, size_t i);
/*
 * 0 when every sink rule->stream.sinks names is in conf; otherwise -1
 * with msg ("RULE_FILE: unknown sink NAME").
 */
int		 sink_check_rule(const struct config *conf,
		    const struct rule *rule, char *msg, size_t size);

#endif
