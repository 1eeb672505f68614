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
/* A line may be one byte over the cap: a CR before its LF. */
#define LINE_CAP	((size_t)COLLECTOR_LINE_MAX + 1)

enum frame_state {
	FRAME_START,	/* separators, then the digits of a count */
	FRAME_LF,	/* in a line up to LF or NUL */
	FRAME_OCTET,	/* in an octet-counted message */
	FRAME_SKIP,	/* in an octet-counted message over the cap */
};

struct syslog_in {
	struct record		*rec;
	syslog_record_fn	*fn;
	void			*arg;
	struct syslog_counters	 counters;
	struct log_limit	 limit;
};

struct syslog_stream {
	struct syslog_in	*in;
	enum frame_state	 state;
	char			 digits[LEN_DIGITS_MAX]; /* at a frame start */
	unsigned		 ndigits;
	char			*line;		/* the frame being read */
	size_t			 len;
	size_t			 size;		/* at most LINE_CAP */
	int			 discarding;	/* LF: past the cap */
	size_t			 want;		/* octet: bytes in the frame,
						   or left to skip */
	int			 octet_seen;	/* counted in tcp_octet_counting */
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
static int	frame_start(struct syslog_stream *, uint8_t, double);
static void	lf_start(struct syslog_stream *, double);
static int	octet_start(struct syslog_stream *, double);
static size_t	feed_lf(struct syslog_stream *, const uint8_t *, size_t,
		    double);
static size_t	feed_octet(struct syslog_stream *, const uint8_t *, size_t,
		    double);
static void	frame_reset(struct syslog_stream *);

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
	int	rv;

	s->in->counters.tcp_bytes += len;
	while (i < len) {
		switch (s->state) {
		case FRAME_START:
			if ((rv = frame_start(s, data[i], now)) == -1)
				return -1;
			i += (size_t)rv;
			break;
		case FRAME_LF:
			i += feed_lf(s, data + i, len - i, now);
			break;
		case FRAME_OCTET:
		case FRAME_SKIP:
			i += feed_octet(s, data + i, len - i, now);
			break;
		}
	}
	return 0;
}

/*
 * One byte at a frame start: separators are skipped and up to
 * LEN_DIGITS_MAX digits (the first not 0) kept; the byte after them
 * decides. Returns 1 when c was consumed, 0 when it belongs to the line
 * it opened, -1 on a count over SYSLOG_SKIP_MAX.
 */
static int
frame_start(struct syslog_stream *s, uint8_t c, double now)
{
	if (s->ndigits == 0 && (c == '\r' || is_end(c)))
		return 1;
	if (c >= '0' && c <= '9' && s->ndigits < LEN_DIGITS_MAX &&
	    (s->ndigits > 0 || c != '0')) {
		s->digits[s->ndigits++] = (char)c;
		return 1;
	}
	if (c == ' ' && s->ndigits > 0)
		return octet_start(s, now) == -1 ? -1 : 1;
	lf_start(s, now);
	return 0;
}

/* The frame is a line: the digits kept are its start. */
static void
lf_start(struct syslog_stream *s, double now)
{
	s->state = FRAME_LF;
	(void)feed_lf(s, (const uint8_t *)s->digits, s->ndigits, now);
	s->ndigits = 0;
}

/* The frame is octet-counted: "LEN SP" is read. */
static int
octet_start(struct syslog_stream *s, double now)
{
	char		reason[64];
	unsigned	i;

	s->want = 0;
	for (i = 0; i < s->ndigits; i++)
		s->want = s->want * 10 + (size_t)(s->digits[i] - '0');
	s->ndigits = 0;
	if (!s->octet_seen) {
		s->octet_seen = 1;
		s->in->counters.tcp_octet_counting++;
	}
	if (s->want > SYSLOG_SKIP_MAX) {
		s->in->counters.bad_framing++;
		snprintf(reason, sizeof(reason), "octet count %zu (more than "
		    "%d), closing", s->want, SYSLOG_SKIP_MAX);
		line_sample(s->in, s->name, reason, 0, "", "", 0, now);
		frame_reset(s);
		return -1;
	}
	if (s->want <= COLLECTOR_LINE_MAX) {
		s->state = FRAME_OCTET;
		return 0;
	}
	s->in->counters.too_long++;
	snprintf(reason, sizeof(reason), "message of %zu bytes (more than "
	    "%d)", s->want, COLLECTOR_LINE_MAX);
	line_sample(s->in, s->name, reason, 0, "", "", 0, now);
	s->state = FRAME_SKIP;
	return 0;
}

/*
 * In a line: consumes up to and including the next terminator, or all of
 * data when there is none. Returns the bytes consumed.
 */
static size_t
feed_lf(struct syslog_stream *s, const uint8_t *data, size_t len, double now)
{
	size_t	end;

	for (end = 0; end < len && !is_end(data[end]); end++)
		;
	if (!s->discarding && s->len + end > LINE_CAP) {
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
	frame_reset(s);
	return end + 1;
}

/* Appends to the line buffer; the callers keep it within LINE_CAP. */
static int
line_append(struct syslog_stream *s, const uint8_t *data, size_t len)
{
	size_t	size;
	char	*p;

	if (len == 0)
		return 0;
	if (s->len + len > s->size) {
		size = s->size ? s->size : LINE_INITIAL;
		while (size < s->len + len)
			size *= 2;
		if (size > LINE_CAP)
			size = LINE_CAP;
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
 * In an octet-counted message: consumes what is left of it, or all of
 * data. Returns the bytes consumed.
 */
static size_t
feed_octet(struct syslog_stream *s, const uint8_t *data, size_t len,
    double now)
{
	size_t	n;

	if (s->state == FRAME_SKIP) {
		n = s->want < len ? s->want : len;
		if ((s->want -= n) == 0)
			frame_reset(s);
		return n;
	}
	n = s->want - s->len < len ? s->want - s->len : len;
	if (line_append(s, data, n) == -1) {
		/* Out of memory: the rest of the message is skipped. */
		s->in->counters.parse.bad_lines++;
		s->want -= s->len;
		s->len = 0;
		s->state = FRAME_SKIP;
		return 0;
	}
	if (s->len == s->want) {
		line_done(s->in, s->name, s->line, s->len, now);
		frame_reset(s);
	}
	return n;
}

/* Back to a frame start, nothing buffered. */
static void
frame_reset(struct syslog_stream *s)
{
	s->state = FRAME_START;
	s->ndigits = 0;
	s->len = 0;
	s->want = 0;
	s->discarding = 0;
}

int
syslog_stream_end(struct syslog_stream *s, int clean, double now)
{
	if (s->state == FRAME_START && s->ndigits == 0)
		return 0;
	/* Digits without a space: the start of a line. */
	if (s->state == FRAME_START)
		lf_start(s, now);
	if (s->state == FRAME_LF && clean) {
		if (!s->discarding)
			line_done(s->in, s->name, s->line, s->len, now);
		frame_reset(s);
		return 0;
	}
	frame_reset(s);
	s->in->counters.tcp_truncated++;
	return 1;
}

size_t
syslog_stream_buffered(const struct syslog_stream *s)
{
	return s->len + s->ndigits;
}
