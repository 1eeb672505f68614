/*
 * syslog_in.h - the NVM collector's syslog lines as daemon input.
 *
 * (Not "syslog.h": log.h includes the system's <syslog.h>.)
 *
 * A syslog_in turns lines into records (collector.h) and hands each to the
 * same callback as the IPFIX decoder. It frames what the listeners
 * (listen.c) receive:
 *
 *  - UDP: one datagram is one message; relays may put several lines in
 *    one datagram, so it is split at LF (and NUL) and each line is parsed.
 *  - TCP: per connection, the first byte decides the framing for the
 *    whole connection: a digit means RFC 6587 octet counting ("LEN SP
 *    MSG"), anything else LF-terminated lines (CRLF and NUL terminators
 *    are accepted too).
 *
 * Nothing is buffered beyond COLLECTOR_LINE_MAX bytes per connection: a
 * longer LF-framed line is discarded up to its terminator and counted
 * (too_long); an octet-counted message longer than that is skipped
 * unbuffered when its length is at most SYSLOG_SKIP_MAX, and the
 * connection is closed (bad_framing) when the length is larger, zero, not
 * a number or not followed by a space. Empty lines are ignored. A line
 * that does not parse is counted and a sample logged, rate-limited.
 */
#ifndef NVMWATCHD_SYSLOG_IN_H
#define NVMWATCHD_SYSLOG_IN_H

#include <stddef.h>
#include <stdint.h>

#include "collector.h"

/* Octet-counted lengths above this close the connection. */
#define SYSLOG_SKIP_MAX		(16 * COLLECTOR_LINE_MAX)

struct field_dict;
struct record;
struct syslog_in;
struct syslog_stream;

struct syslog_counters {
	uint64_t	udp_datagrams;
	uint64_t	udp_bytes;
	uint64_t	udp_denied;	/* sender not in the allow-list */
	uint64_t	tcp_accepted;
	uint64_t	tcp_denied;	/* sender not in the allow-list */
	uint64_t	tcp_closed;	/* every close, for any reason */
	uint64_t	tcp_bytes;
	uint64_t	tcp_octet_counting;	/* connections in that framing */
	uint64_t	tcp_truncated;	/* closed inside a message */
	uint64_t	too_long;	/* lines over COLLECTOR_LINE_MAX */
	uint64_t	bad_framing;	/* connections closed for framing */
	struct collector_counters parse; /* lines, records, bad_lines, ... */
};

typedef void	syslog_record_fn(struct record *, void *);

/*
 * A syslog input for dict (borrowed, must outlive it); records hold at most
 * record_bytes (0: 1 MiB). fn(rec, arg) gets each record, borrowed for
 * the call. NULL on allocation failure.
 */
struct syslog_in	*syslog_in_new(const struct field_dict *dict,
			    size_t record_bytes, syslog_record_fn *fn,
			    void *arg);
/* NULL: no-op. Every stream must have been freed. */
void			 syslog_in_free(struct syslog_in *);
/* Counters, read and written by the listeners too. Borrowed. */
struct syslog_counters	*syslog_in_counters(struct syslog_in *);

/*
 * One UDP datagram data[0..len) from peer (a name for logs, borrowed),
 * received at now.
 */
void			 syslog_in_datagram(struct syslog_in *,
			    const char *peer, const uint8_t *data, size_t len,
			    double now);

/* The framing state of one TCP connection; peer is copied. */
struct syslog_stream	*syslog_stream_new(struct syslog_in *,
			    const char *peer);
/* NULL: no-op. */
void			 syslog_stream_free(struct syslog_stream *);
const char		*syslog_stream_name(const struct syslog_stream *);
/*
 * Consumes all of data[0..len). Returns 0, or -1 when the framing is
 * broken and the connection is to be closed (counted in bad_framing).
 */
int			 syslog_stream_feed(struct syslog_stream *,
			    const uint8_t *data, size_t len, double now);
/*
 * The peer closed: an unterminated LF-framed line is parsed. Returns 1
 * when a message was cut off (counted in tcp_truncated), else 0.
 */
int			 syslog_stream_end(struct syslog_stream *, double now);

#endif
