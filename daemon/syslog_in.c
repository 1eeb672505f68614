/*
 * syslog_in.c - syslog lines into records, with UDP and TCP framing; see
 * syslog_in.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "collector.h"
#include "log.h"
#include "record.h"
#include "syslog_in.h"

#define SAMPLE_BYTES	80	/* of a refused line, in the log */
#define LEN_DIGITS_MAX	9	/* of an octet count */
#define LINE_INITIAL	1024	/* a stream's line buffer, grown to the cap */

enum framing { FRAMING_UNKNOWN, FRAMING_LF, FRAMING_OCTET };
enum octet_state { OCTET_LEN, OCTET_MSG, OCTET_SKIP };

struct syslog_in {
	struct record		*rec;
	syslog_record_fn	*fn;
	void			*arg;
	struct syslog_counters	 counters;
	struct log_limit	 limit;
};

struct syslog_stream {
	struct syslog_in	*in;
	enum framing		 framing;
	char			*line;		/* the message being read */
	size_t			 len;
	size_t			 size;
	int			 discarding;	/* LF: past the cap */
	enum octet_state	 state;		/* octet counting */
	size_t			 want;		/* the count being read */
	unsigned		 ndigits;
	char			 name[80];
};

static void	line_done(struct syslog_in *, const char *, const char *,
		    size_t, double);
static void	line_sample(struct syslog_in *, const char *, const char *,
		    size_t, const char *, const char *, size_t, double);
static int	is_end(uint8_t);
static int	line_append(struct syslog_stream *, const uint8_t *, size_t);
static void	too_long(struct syslog_stream *, const uint8_t *, size_t,
		    double);
static size_t	feed_lf(struct syslog_stream *, const uint8_t *, size_t,
		    double);
static int	feed_octet(struct syslog_stream *, const uint8_t *, size_t,
		    size_t *, double);
static int	octet_len(struct syslog_stream *, uint8_t, double);
static int	bad_framing(struct syslog_stream *, const char *, uint8_t,
		    double);

struct syslog_in *
syslog_in_new(const struct field_dict *dict, size_t record_bytes,
    syslog_record_fn *fn, void *arg)
{
	struct syslog_in	*in;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return NULL;
	if ((in->rec = record_new(dict, record_bytes)) == NULL) {
		free(in);
		return NULL;
	}
	in->fn = fn;
	in->arg = arg;
	in->limit = (struct log_limit)LOG_LIMIT_INITIALIZER(10);
	return in;
}

void
syslog_in_free(struct syslog_in *in)
{
	if (in == NULL)
		return;
	record_free(in->rec);
	free(in);
}

struct syslog_counters *
syslog_in_counters(struct syslog_in *in)
{
	return &in->counters;
}

void
syslog_in_datagram(struct syslog_in *in, const char *peer,
    const uint8_t *data, size_t len, double now)
{
	size_t	start = 0, i;

	for (i = 0; i <= len; i++)
		if (i == len || is_end(data[i])) {
			line_done(in, peer, (const char *)data + start,
			    i - start, now);
			start = i + 1;
		}
}

static int
is_end(uint8_t c)
{
	return c == '\n' || c == '\0';
}

/*
 * A whole line (no terminator; a trailing CR is dropped): empty ones are
 * ignored, others parsed and handed on, or counted and sampled.
 */
static void
line_done(struct syslog_in *in, const char *peer, const char *line,
    size_t len, double now)
{
	struct collector_error	err;
	char			reason[64];

	while (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	if (len > COLLECTOR_LINE_MAX) {
		in->counters.too_long++;
		snprintf(reason, sizeof(reason), "line too long (more than "
		    "%d bytes)", COLLECTOR_LINE_MAX);
		line_sample(in, peer, reason, COLLECTOR_LINE_MAX, "", line,
		    len, now);
		return;
	}
	memset(&err, 0, sizeof(err));
	if (collector_parse(line, len, in->rec, now, &in->counters.parse,
	    &err) == 0) {
		in->fn(in->rec, in->arg);
		return;
	}
	line_sample(in, peer, err.msg, err.offset, "", line, len, now);
}

/*
 * "syslog from PEER: REASON at byte N: FIRST 80 BYTES", unprintable bytes
 * as \xHH; rate-limited. head (may be "") is shown before line.
 */
static void
line_sample(struct syslog_in *in, const char *peer, const char *reason,
    size_t off, const char *head, const char *line, size_t len, double now)
{
	struct buf	b;
	size_t		i, hlen = strlen(head);
	unsigned char	c;

	if (LOG_WARNING > log_getlevel() || !log_limit(&in->limit,
	    (time_t)now))
		return;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < SAMPLE_BYTES && i < hlen + len; i++) {
		c = (unsigned char)(i < hlen ? head[i] : line[i - hlen]);
		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf_putc(&b, (char)c);
		else
			buf_printf(&b, "\\x%02x", c);
	}
	if (hlen + len > SAMPLE_BYTES)
		buf_puts(&b, "...");
	if (!b.failed)
		log_warnx("syslog from %s: %s at byte %zu: %s", peer, reason,
		    off, b.data != NULL ? b.data : "");
	buf_free(&b);
}

struct syslog_stream *
syslog_stream_new(struct syslog_in *in, const char *peer)
{
	struct syslog_stream	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->in = in;
	snprintf(s->name, sizeof(s->name), "%s", peer);
	return s;
}

void
syslog_stream_free(struct syslog_stream *s)
{
	if (s == NULL)
		return;
	free(s->line);
	free(s);
}

const char *
syslog_stream_name(const struct syslog_stream *s)
{
	return s->name;
}

int
syslog_stream_feed(struct syslog_stream *s, const uint8_t *data, size_t len,
    double now)
{
	size_t	i = 0;

	s->in->counters.tcp_bytes += len;
	if (len > 0 && s->framing == FRAMING_UNKNOWN) {
		if (data[0] >= '0' && data[0] <= '9') {
			s->framing = FRAMING_OCTET;
			s->in->counters.tcp_octet_counting++;
		} else
			s->framing = FRAMING_LF;
	}
	if (s->framing == FRAMING_LF) {
		while (i < len)
			i += feed_lf(s, data + i, len - i, now);
		return 0;
	}
	while (i < len)
		if (feed_octet(s, data, len, &i, now) == -1)
			return -1;
	return 0;
}

/*
 * LF framing: consumes up to and including the next terminator, or all
 * of data when there is none. Returns the bytes consumed.
 */
static size_t
feed_lf(struct syslog_stream *s, const uint8_t *data, size_t len, double now)
{
	size_t	end;

	for (end = 0; end < len && !is_end(data[end]); end++)
		;
	/* One byte more than the cap, for a CR before the LF. */
	if (!s->discarding && s->len + end > COLLECTOR_LINE_MAX + 1) {
		too_long(s, data, end, now);
		s->discarding = 1;
		s->len = 0;
	}
	if (!s->discarding && line_append(s, data, end) == -1) {
		s->in->counters.parse.bad_lines++;
		s->discarding = 1;
		s->len = 0;
	}
	if (end == len)
		return len;
	if (!s->discarding)
		line_done(s->in, s->name, s->line, s->len, now);
	s->discarding = 0;
	s->len = 0;
	return end + 1;
}

/* Appends to the line buffer, which the callers keep within the cap. */
static int
line_append(struct syslog_stream *s, const uint8_t *data, size_t len)
{
	size_t	size;
	char	*p;

	if (s->len + len > s->size) {
		size = s->size ? s->size : LINE_INITIAL;
		while (size < s->len + len)
			size *= 2;
		if ((p = realloc(s->line, size)) == NULL) {
			log_warn("syslog from %s: %zu bytes", s->name, size);
			return -1;
		}
		s->line = p;
		s->size = size;
	}
	memcpy(s->line + s->len, data, len);
	s->len += len;
	return 0;
}

/* Counts a line over the cap and logs its start (buffered, then data). */
static void
too_long(struct syslog_stream *s, const uint8_t *data, size_t len, double now)
{
	char	reason[64];
	char	head[SAMPLE_BYTES + 1];
	size_t	hlen = s->len < SAMPLE_BYTES ? s->len : SAMPLE_BYTES;

	s->in->counters.too_long++;
	memcpy(head, s->line != NULL ? s->line : "", hlen);
	head[hlen] = '\0';
	snprintf(reason, sizeof(reason), "line too long (more than %d bytes)",
	    COLLECTOR_LINE_MAX);
	/* A NUL in the buffered part cannot be, it ends a line. */
	line_sample(s->in, s->name, reason, COLLECTOR_LINE_MAX, head,
	    (const char *)data, len, now);
}

/*
 * Octet counting: consumes from data[*i] what the current state wants.
 * Returns -1 on broken framing.
 */
static int
feed_octet(struct syslog_stream *s, const uint8_t *data, size_t len,
    size_t *i, double now)
{
	size_t	n;

	switch (s->state) {
	case OCTET_LEN:
		return octet_len(s, data[(*i)++], now);
	case OCTET_MSG:
		n = s->want - s->len < len - *i ? s->want - s->len : len - *i;
		if (line_append(s, data + *i, n) == -1)
			return bad_framing(s, "out of memory", 0, now);
		*i += n;
		if (s->len == s->want) {
			line_done(s->in, s->name, s->line, s->len, now);
			s->len = 0;
			s->want = 0;
			s->state = OCTET_LEN;
		}
		return 0;
	case OCTET_SKIP:
		n = s->want < len - *i ? s->want : len - *i;
		*i += n;
		if ((s->want -= n) == 0)
			s->state = OCTET_LEN;
		return 0;
	}
	return -1;
}

/* One byte of "LEN SP". */
static int
octet_len(struct syslog_stream *s, uint8_t c, double now)
{
	char	reason[64];

	if (c >= '0' && c <= '9') {
		if (++s->ndigits > LEN_DIGITS_MAX)
			return bad_framing(s, "octet count too long", c, now);
		s->want = s->want * 10 + (size_t)(c - '0');
		return 0;
	}
	if (c != ' ' || s->ndigits == 0)
		return bad_framing(s, "expected an octet count", c, now);
	if (s->want == 0 || s->want > SYSLOG_SKIP_MAX)
		return bad_framing(s, "octet count out of range", c, now);
	s->ndigits = 0;
	s->len = 0;
	if (s->want <= COLLECTOR_LINE_MAX) {
		s->state = OCTET_MSG;
		return 0;
	}
	s->in->counters.too_long++;
	snprintf(reason, sizeof(reason), "message of %zu bytes (more than "
	    "%d)", s->want, COLLECTOR_LINE_MAX);
	line_sample(s->in, s->name, reason, 0, "", "", 0, now);
	s->state = OCTET_SKIP;
	return 0;
}

static int
bad_framing(struct syslog_stream *s, const char *why, uint8_t c, double now)
{
	char	reason[128];

	s->in->counters.bad_framing++;
	snprintf(reason, sizeof(reason), "%s (octet counting), closing", why);
	line_sample(s->in, s->name, reason, 0, "", (const char *)&c, 1, now);
	return -1;
}

int
syslog_stream_end(struct syslog_stream *s, double now)
{
	if (s->framing == FRAMING_LF) {
		if (!s->discarding && s->len > 0)
			line_done(s->in, s->name, s->line, s->len, now);
		s->len = 0;
		return 0;
	}
	if (s->framing == FRAMING_OCTET && (s->state != OCTET_LEN ||
	    s->ndigits > 0)) {
		s->in->counters.tcp_truncated++;
		return 1;
	}
	return 0;
}
