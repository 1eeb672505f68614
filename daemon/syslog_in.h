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
 *  - TCP: the framing is decided anew for every frame (like rsyslog,
 *    with a stricter test), so one connection may mix both. At a frame start CR, LF and NUL are
 *    skipped; then 1 to 9 digits, the first not 0, followed by a space
 *    open an RFC 6587 octet-counted frame ("LEN SP MSG"); anything else
 *    (a letter, a '<', "2024-01-01T...", ten digits, "0 ") opens a line
 *    terminated by LF, CR LF or NUL. Deciding looks at most 10 bytes
 *    ahead; the digits seen so far are kept across feeds.
 *
 * Nothing is buffered beyond COLLECTOR_LINE_MAX + 1 bytes per connection
 * (syslog_stream_buffered()): a longer line is discarded up to its
 * terminator and counted (too_long); an octet-counted message longer than
 * COLLECTOR_LINE_MAX is skipped unbuffered and counted (too_long) when its
 * length is at most SYSLOG_SKIP_MAX. A larger length is the one framing
 * error: the connection is to be closed (bad_framing). Empty lines are
 * ignored. A line that does not parse is counted and a sample logged,
 * rate-limited.
 *
 * When a connection ends inside a frame, the partial frame is dropped and
 * counted (tcp_truncated), with one exception: an unterminated line at a
 * clean end of stream (the peer closed) is parsed, as the last line.
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
	uint64_t	udp_truncated;	/* datagram larger than the buffer */
	uint64_t	tcp_accepted;
	uint64_t	tcp_refused;	/* over tcp.max_connections (shared) */
	uint64_t	tcp_denied;	/* sender not in the allow-list */
	uint64_t	tcp_closed;	/* every close, for any reason */
	uint64_t	tcp_idle_closed; /* idle past tcp.idle_timeout */
	uint64_t	tcp_errors;	/* accept or read errors */
	uint64_t	tcp_bytes;
	uint64_t	tcp_octet_counting; /* connections that sent at least
					   one octet-counted frame */
	uint64_t	tcp_truncated;	/* ended inside a frame, dropped */
	uint64_t	too_long;	/* lines over COLLECTOR_LINE_MAX */
	uint64_t	bad_framing;	/* closed for a count over
					   SYSLOG_SKIP_MAX */
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
 * Consumes all of data[0..len). Returns 0, or -1 when an octet count is
 * over SYSLOG_SKIP_MAX and the connection is to be closed (counted in
 * bad_framing; the stream may then only be freed).
 */
int			 syslog_stream_feed(struct syslog_stream *,
			    const uint8_t *data, size_t len, double now);
/*
 * The connection ended; clean is 1 when the peer closed it (end of
 * stream), 0 on an idle timeout or a read error. An unterminated line is
 * parsed when clean; otherwise, and for a partial octet-counted frame in
 * any case, the frame is dropped. Returns 1 when a frame was dropped
 * (counted in tcp_truncated), else 0.
 */
int			 syslog_stream_end(struct syslog_stream *, int clean,
			    double now);
/*
 * The bytes s holds now of the frame being read: at most
 * COLLECTOR_LINE_MAX + 1, whatever was fed. For tests.
 */
size_t			 syslog_stream_buffered(const struct syslog_stream *);

#endif
