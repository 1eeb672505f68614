/*
 * fuzz_syslog.c - libFuzzer target: the daemon's syslog framing
 * (daemon/syslog_in.c) over arbitrary bytes. The first byte picks the
 * chunk size the input is fed in (so a message split anywhere is tried);
 * the bytes go once through a TCP stream (octet counting or LF framing,
 * decided by the first byte as on a real connection) and once as a UDP
 * datagram. Every record handed out must be a finished record, and a
 * stream never buffers more than a line's cap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <syslog.h>

#include "field.h"
#include "log.h"
#include "record.h"
#include "syslog_in.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t	nrecords;

static void
got_record(struct record *rec, void *arg)
{
	(void)arg;
	if (record_kind(rec) == RECORD_UNKNOWN && record_time(rec) < 0)
		abort();
	nrecords++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct field_dict	*dict;
	struct syslog_in		*in;
	struct syslog_stream		*s;
	struct syslog_counters		*c;
	size_t				 chunk, off, n;

	if (dict == NULL) {
		log_init(1, LOG_EMERG);	/* samples of bad lines: quiet */
		if ((dict = field_dict_new()) == NULL)
			abort();
	}
	if (len == 0)
		return 0;
	chunk = 1 + data[0] % 64;
	data++;
	len--;
	if ((in = syslog_in_new(dict, 0, got_record, NULL)) == NULL ||
	    (s = syslog_stream_new(in, "fuzz")) == NULL)
		abort();
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (syslog_stream_feed(s, data + off, n, 1767225600) == -1)
			break;
	}
	(void)syslog_stream_end(s, 1767225600);
	syslog_stream_free(s);
	syslog_in_datagram(in, "fuzz", data, len, 1767225600);
	c = syslog_in_counters(in);
	if (c->parse.records > c->parse.lines)
		abort();
	syslog_in_free(in);
	return 0;
}
