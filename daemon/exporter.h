/*
 * exporter.h - the table of UDP exporters and their IPFIX sessions.
 *
 * A UDP exporter is its source address and port (RFC 7011 template scope).
 * The table maps each to an ipfix_session. It holds at most max sessions:
 * when full, a new exporter evicts the least recently seen one (counted).
 * Sessions idle for longer than the idle timeout are expired by
 * exporter_expire(), called from the daemon's periodic timer.
 *
 * TCP connections own their sessions directly (see listen.c).
 */
#ifndef NVMWATCHD_EXPORTER_H
#define NVMWATCHD_EXPORTER_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct ipfix_collector;
struct ipfix_session;
struct exporter_table;

/* Called with a session, live or about to be freed; see exporter_foreach(). */
typedef void	exporter_session_fn(const struct ipfix_session *, void *arg);

struct exporter_counters {
	uint64_t	live;		/* sessions in the table now */
	uint64_t	created;
	uint64_t	evicted;	/* the table was full */
	uint64_t	expired;	/* idle for longer than the timeout */
	uint64_t	failed;		/* out of memory: datagram dropped */
};

/*
 * collector is borrowed and must outlive the table. max: 0 means 1.
 * NULL on allocation failure.
 */
struct exporter_table	*exporter_table_new(struct ipfix_collector *,
			    unsigned max, double idle_timeout);
/* Frees every session and the table. NULL: no-op. */
void			 exporter_table_free(struct exporter_table *);
/*
 * The session of the exporter at sa (AF_INET or AF_INET6), created when
 * new; the exporter is marked seen at now. Borrowed: valid until the next
 * call into the table. NULL on allocation failure or another family.
 */
struct ipfix_session	*exporter_session(struct exporter_table *,
			    const struct sockaddr *sa, double now);
/* Frees the sessions not seen since now - idle_timeout. */
void			 exporter_expire(struct exporter_table *, double now);
/*
 * Calls fn for every session in the table, least recently seen first. fn
 * must not call into the table.
 */
void			 exporter_foreach(const struct exporter_table *,
			    exporter_session_fn *fn, void *arg);
/*
 * fn is called for each session just before it is freed (idle expiry,
 * eviction, exporter_table_free()) so that its counters can be logged.
 * NULL: none (the default). fn must not call into the table.
 */
void			 exporter_set_free_hook(struct exporter_table *,
			    exporter_session_fn *fn, void *arg);
const struct exporter_counters *exporter_counters(
			    const struct exporter_table *);

/* "192.0.2.1:50123" or "[2001:db8::1]:50123" into dst (size bytes). */
void			 exporter_name(const struct sockaddr *sa, char *dst,
			    size_t size);

#endif
