/*
 * fuzz_syslog.c - libFuzzer target: the daemon's syslog framing
 * (daemon/syslog_in.c) over arbitrary bytes. The first byte picks a
 * chunk size; the rest goes through three TCP streams, fed whole, in
 * 1-byte chunks and in chunks of that size. The framing is decided per
 * frame with a lookahead kept across feeds, so where the input is cut
 * must not matter: each stream must give the same records, bad lines,
 * over-long lines, truncations and framing errors, and none may ever
 * buffer more than a line's cap. The bytes then go once through a UDP
 * datagram.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "field.h"
#include "log.h"
#include "record.h"
#include "syslog_in.h"

#define NOW		1767225600
#define BUFFERED_MAX	((size_t)COLLECTOR_LINE_MAX + 1)

/* What one stream gave. */
struct outcome {
	uint64_t	records;	/* handed to the callback */
	uint64_t	parsed;		/* counted as records */
	uint64_t	bad_lines;
	uint64_t	too_long;
	uint64_t	truncated;
	uint64_t	bad_framing;
	int		closed;		/* feed returned -1 */
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	got_record(struct record *, void *);
static void	feed_stream(struct syslog_in *, const uint8_t *, size_t,
		    size_t, struct outcome *);
static int	outcome_same(const struct outcome *, const struct outcome *);

static uint64_t	nrecords;

static void
got_record(struct record *rec, void *arg)
{
	(void)rec;
	(void)arg;
	nrecords++;
}

/* data[0..len) through a new stream, chunk bytes per feed, then a clean end. */
static void
feed_stream(struct syslog_in *in, const uint8_t *data, size_t len,
    size_t chunk, struct outcome *o)
{
	struct syslog_counters	 before = *syslog_in_counters(in);
	struct syslog_counters	*c = syslog_in_counters(in);
	struct syslog_stream	*s;
	uint64_t		 nbefore = nrecords;
	size_t			 off, n;

	if ((s = syslog_stream_new(in, "fuzz")) == NULL)
		abort();
	memset(o, 0, sizeof(*o));
	for (off = 0; off < len && !o->closed; off += n) {
		n = len - off < chunk ? len - off : chunk;
		o->closed = syslog_stream_feed(s, data + off, n, NOW) == -1;
		if (syslog_stream_buffered(s) > BUFFERED_MAX)
			abort();
	}
	if (!o->closed)
		(void)syslog_stream_end(s, 1, NOW);
	syslog_stream_free(s);
	o->records = nrecords - nbefore;
	o->parsed = c->parse.records - before.parse.records;
	o->bad_lines = c->parse.bad_lines - before.parse.bad_lines;
	o->too_long = c->too_long - before.too_long;
	o->truncated = c->tcp_truncated - before.tcp_truncated;
	o->bad_framing = c->bad_framing - before.bad_framing;
}

static int
outcome_same(const struct outcome *a, const struct outcome *b)
{
	return a->records == b->records && a->parsed == b->parsed &&
	    a->bad_lines == b->bad_lines && a->too_long == b->too_long &&
	    a->truncated == b->truncated &&
	    a->bad_framing == b->bad_framing && a->closed == b->closed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct field_dict	*dict;
	struct syslog_in		*in;
	struct outcome			 whole, bytes, chunks;
	size_t				 chunk;

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
	if ((in = syslog_in_new(dict, 0, got_record, NULL)) == NULL)
		abort();
	feed_stream(in, data, len, len > 0 ? len : 1, &whole);
	feed_stream(in, data, len, 1, &bytes);
	feed_stream(in, data, len, chunk, &chunks);
	if (whole.records != whole.parsed || !outcome_same(&whole, &bytes) ||
	    !outcome_same(&whole, &chunks))
		abort();
	syslog_in_datagram(in, "fuzz", data, len, NOW);
	syslog_in_free(in);
	return 0;
}
