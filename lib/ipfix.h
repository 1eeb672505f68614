/*
 * ipfix.h - nvzFlow IPFIX decoding with libfixbuf, in connection-less mode.
 *
 * The daemon owns the sockets and hands each complete IPFIX message to the
 * session of the exporter that sent it. Templates are decoded by element:
 * every field of every template is looked up in the field dictionary, so any
 * template that carries known elements, in any order, yields records.
 *
 * Template scope follows RFC 7011: one session per exporter (a UDP source
 * address and port, or one TCP connection) and, inside it, per observation
 * domain. libfixbuf and GLib are used here and nowhere else.
 *
 * Time: every function that needs the time takes `now` (seconds since the
 * epoch, fractional) from its caller; nothing here reads the clock.
 */
#ifndef NVMWATCH_IPFIX_H
#define NVMWATCH_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct ipfix_collector;
struct ipfix_session;

/* ipfix_session_domains() reports the overflow bucket under this odid. */
#define IPFIX_DOMAIN_OVERFLOW	UINT32_MAX

/*
 * Counters, kept per session and observation domain and summed per session
 * and per collector. Exact meanings:
 *  messages		messages handed to ipfix_session_message().
 *  malformed		messages with a structural fault, counted once each:
 *			bad header (length < 16, version != 10, length field
 *			!= buffer length; these name no domain and are counted
 *			in the session and collector totals only), a set
 *			header or set length past the message, trailing
 *			bytes, a reserved set id (1, 4-255), a template or
 *			data record running past its set, or a libfixbuf
 *			error. Sets before the fault are still decoded.
 *  records		records delivered to the callback (after
 *			record_finish()); records_kind splits them by kind.
 *  no_template		data records whose template was never seen, was
 *			withdrawn or refused. For a withdrawn template the
 *			records are counted by its last layout; otherwise a
 *			set counts as one.
 *  bad_records		records dropped: a variable length past its set, a
 *			list item past its list, a value that does not fit
 *			its field (unsigned/time: 1 to 8 octets and no longer
 *			than the element's own size; address: 4 or 16), or
 *			the record arena full.
 *  seq_gaps		records lost in transit (RFC 7011 §3.1), per domain:
 *			sequence number minus the expected one when it is
 *			ahead by less than 2^31; a number behind that is an
 *			exporter restart or reordering: not counted, the
 *			count restarts from it. Not tracked in the overflow
 *			bucket, nor after a set whose record count is unknown.
 *  templates		template records accepted (re-sent ones included).
 *  template_withdrawals	withdrawal records (withdraw-all counts one).
 *  bad_templates	template records refused: id below 256, records of
 *			length 0 (no fields, or only zero-length ones),
 *			options scope count 0 or past the field count, more
 *			than max_unknown_elements, 4096 templates per session.
 *  unknown_elements	fields of accepted template records whose element
 *			is not in the field dictionary (skipped in data).
 */
struct ipfix_counters {
	uint64_t	messages;
	uint64_t	malformed;
	uint64_t	records;
	uint64_t	records_kind[RECORD_KIND_COUNT];
	uint64_t	no_template;
	uint64_t	bad_records;
	uint64_t	seq_gaps;
	uint64_t	templates;
	uint64_t	template_withdrawals;
	uint64_t	bad_templates;
	uint64_t	unknown_elements;
};

struct ipfix_limits {
	size_t		record_bytes;		/* arena cap per record; 0: 1 MiB */
	unsigned	max_domains;		/* observation domains per session; 0: 64.
						 * Further domains share one overflow
						 * bucket of counters (templates stay
						 * scoped by domain). */
	unsigned	max_unknown_elements;	/* distinct unknown elements added to
						 * libfixbuf's info model per collector;
						 * 0: 4096. Past it, templates with new
						 * unknown elements are refused.
						 * Elements the field dictionary maps
						 * never count. */
};

/*
 * Called once for every decoded record after record_finish(). The record is
 * borrowed: valid only until the callback returns.
 */
typedef void	ipfix_record_fn(struct record *, void *arg);

/*
 * Log hook for messages about malformed input (and libfixbuf's own GLib
 * log output, which is routed here). prio is a syslog(3) priority.
 */
typedef void	ipfix_log_fn(int prio, const char *msg, void *arg);

/*
 * A collector: the libfixbuf info model and what every session shares.
 * One collector and its sessions are used from one thread at a time.
 * libfixbuf's GLib log output is routed by a process-wide GLib handler
 * installed by the first collector and removed by the last; create and
 * free collectors from one thread. Log output is rate-limited to 20
 * messages per second of message time, then counted and reported as
 * suppressed.
 * dict is borrowed and must outlive the collector. limits may be NULL for
 * the defaults; it is copied. Returns NULL on allocation failure.
 */
struct ipfix_collector	*ipfix_collector_new(const struct field_dict *dict,
			    const struct ipfix_limits *limits,
			    ipfix_record_fn *fn, void *arg);
/* Frees the collector; every session must have been freed. NULL: no-op. */
void			 ipfix_collector_free(struct ipfix_collector *);
/* Sets the log hook for this collector (default: none). */
void			 ipfix_collector_set_log(struct ipfix_collector *,
			    ipfix_log_fn *fn, void *arg);
/* Sum over all sessions, live and freed. Borrowed. */
const struct ipfix_counters *ipfix_collector_totals(
			    const struct ipfix_collector *);

/*
 * A session for one exporter; name (copied) identifies it in logs, e.g.
 * "192.0.2.1:50123". NULL on allocation failure. About 65 KB each.
 */
struct ipfix_session	*ipfix_session_new(struct ipfix_collector *,
			    const char *name);
void			 ipfix_session_free(struct ipfix_session *);
const char		*ipfix_session_name(const struct ipfix_session *);

/*
 * Decodes one complete IPFIX message (version 10; its length field must
 * equal len). Calls the record callback for every record it yields, then
 * returns 0, or -1 when the message was malformed in whole or in part
 * (counted; records before the fault were still delivered). now is the
 * receive time, used for _time when a record carries no flow start.
 */
int			 ipfix_session_message(struct ipfix_session *,
			    const uint8_t *msg, size_t len, double now);

/*
 * Calls fn for each observation domain this session has seen, in order of
 * first sight, then for the overflow bucket (odid IPFIX_DOMAIN_OVERFLOW)
 * when any domain went there.
 */
void			 ipfix_session_domains(const struct ipfix_session *,
			    void (*fn)(uint32_t odid,
			    const struct ipfix_counters *, void *), void *arg);
/*
 * The session's counters summed over its domains, plus messages rejected
 * before naming a domain. Borrowed.
 */
const struct ipfix_counters *ipfix_session_totals(
			    const struct ipfix_session *);

#endif
