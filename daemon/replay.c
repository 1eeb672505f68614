/*
 * replay.c - nvmwatch replay: run the rules over saved IPFIX files and NVM
 * collector logs.
 *
 * The records go through the daemon's pipeline (decode, enrich, engine)
 * with one difference: the clock. The daemon passes its loop time; replay
 * passes the latest flow start time seen, so windows close as the data's own
 * time moves on, exactly as they would have live with no delay. At the
 * end the clock is moved past every open window's end plus its lateness:
 * the data is complete, so the last windows close normally (not partial).
 * Alerts go to stdout as JSON lines.
 *
 * A file's kind is read from its content, never its name: zlib inflates a
 * gzip file (magic 1f 8b) and passes any other through; what comes out is
 * IPFIX when it starts with version 10 (00 0a), otherwise lines of the
 * collector's output (key="value" or JSON, with or without syslog headers).
 * Both are streamed through one bounded buffer, a message or a line at a
 * time, so a file of any size costs INPUT_BUF bytes. A file's records are
 * taken in the file's order: a file that is not sorted by time gives late
 * records, as the same data sent live would.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "collector.h"
#include "config.h"
#include "engine.h"
#include "enrich.h"
#include "field.h"
#include "ipfix.h"
#include "record.h"
#include "row_cmd.h"
#include "rule.h"
#include "ruleset.h"
#include "tool.h"

#define REPLAY_USAGE	"usage: nvmwatch replay [-c CONFIG] [-r RULES_DIR] " \
			    "[-m MACROS_DIR] FILE..."

#define IPFIX_HEADER	16
/* Holds the largest IPFIX message and the longest line, with room to read. */
#define INPUT_BUF	(4 * (size_t)COLLECTOR_LINE_MAX)
/* A line may end in \r\n; collector_parse() drops the \r. */
#define LINE_CAP	((size_t)COLLECTOR_LINE_MAX + 1)
#define BAD_SHOWN	10		/* bad lines reported per file */
#define PROGRESS_EVERY	1024		/* records between looks at the clock */

struct replay {
	struct engine	*engine;
	struct enrich	*enrich;
	struct record	*rec;		/* a collector line's record */
	double		 now;		/* latest flow start time */
	double		 latest;	/* latest _time of any record */
	struct buf	 out;
	uint64_t	 records;
	uint64_t	 alerts;
	uint64_t	 enrich_failed;
	int		 write_failed;
	int		 progress;	/* stderr is a terminal */
	double		 started;	/* monotonic seconds */
	double		 shown;		/* when the progress line was drawn */
	int		 shown_len;	/* its width on the screen, 0: none */
};

/* One input file, plain or gzip, behind a buffer. */
struct input {
	const char	*path;
	gzFile		 gz;
	char		*buf;		/* INPUT_BUF bytes */
	size_t		 start;		/* unread bytes: buf[start..end) */
	size_t		 end;
	int		 eof;
};

/*
 * A collector log's tally, for its summary line: lines read (blank and
 * over-long ones too) and refused, and what collector_parse() counted.
 */
struct lines_stat {
	uint64_t			lines;
	uint64_t			bad;
	struct collector_counters	c;
};

static void	replay_record(struct record *, void *);
static void	replay_alert(void *, const struct rule *, const struct row *,
		    double);
static int	replay_file(struct replay *, struct ipfix_collector *,
		    const char *);
static int	replay_ipfix(struct replay *, struct ipfix_collector *,
		    struct input *);
static int	replay_lines(struct replay *, struct input *);
static void	replay_line(struct replay *, struct input *, const char *,
		    size_t, struct lines_stat *);
static void	replay_bad(struct replay *, struct input *, uint64_t,
		    uint64_t, const char *, size_t);
static double	replay_horizon(const struct engine *);
static void	progress_show(struct replay *, int);
static void	progress_clear(struct replay *);
static int	input_open(struct input *, const char *);
static void	input_close(struct input *);
static int	input_more(struct input *);
static int	input_need(struct input *, size_t);
static int	input_line(struct input *, const char **, size_t *);

int
replay_main(int argc, char **argv)
{
	struct replay		 r;
	struct config		*conf = NULL;
	struct field_dict	*dict = NULL;
	struct ipfix_collector	*col = NULL;
	const char		*cfgpath = NULL, *rules = NULL, *macros = NULL;
	size_t			 nfailed = 0;
	int			 ch, i, rc = 1;

	memset(&r, 0, sizeof(r));
	while ((ch = getopt(argc, argv, "c:m:r:")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'm':
			macros = optarg;
			break;
		case 'r':
			rules = optarg;
			break;
		default:
			tool_warnx(REPLAY_USAGE);
			return 1;
		}
	}
	if (optind == argc) {
		tool_warnx(REPLAY_USAGE);
		return 1;
	}
	if (tool_config(cfgpath, rules, macros, &conf, &dict) == -1)
		return 1;
	if ((r.engine = ruleset_load(conf, dict, replay_alert, &r,
	    ruleset_report_stderr, NULL, &nfailed)) == NULL)
		goto done;
	if (nfailed > 0) {
		tool_warnx("%zu rule%s failed to load", nfailed,
		    nfailed == 1 ? "" : "s");
		goto done;
	}
	if (engine_nrules(r.engine) == 0)
		tool_warnx("no rules loaded (see -r and the config's rules:)");
	if ((r.enrich = enrich_new(&conf->enrich)) == NULL ||
	    (r.rec = record_new(dict, conf->ipfix.record_bytes)) == NULL ||
	    (col = ipfix_collector_new(dict, &conf->ipfix, replay_record,
	    &r)) == NULL) {
		tool_warnx("out of memory");
		goto done;
	}
	r.progress = isatty(STDERR_FILENO);
	r.started = r.shown = tool_monotonic();
	rc = 0;
	for (i = optind; i < argc; i++)
		if (replay_file(&r, col, argv[i]) == -1)
			rc = 1;
	/*
	 * The end of the data closes every window: the clock moves past the
	 * latest flow time plus the largest window and lateness, then, for
	 * windows of non-flow records (whose _time is an export time), past
	 * the latest _time of any record.
	 */
	engine_tick(r.engine, r.now + replay_horizon(r.engine));
	if (r.latest > r.now)
		engine_tick(r.engine, r.latest + replay_horizon(r.engine));
	progress_clear(&r);
	if (fflush(stdout) == EOF || r.write_failed) {
		tool_warn("stdout");
		rc = 1;
	}
done:
	ipfix_collector_free(col);
	record_free(r.rec);
	enrich_free(r.enrich);
	engine_free(r.engine);
	buf_free(&r.out);
	field_dict_free(dict);
	config_free(conf);
	return rc;
}

/* One file: IPFIX or collector lines, by its first two bytes. */
static int
replay_file(struct replay *r, struct ipfix_collector *col, const char *path)
{
	struct input	in;
	int		rc;

	if (input_open(&in, path) == -1) {
		progress_clear(r);
		tool_warn("%s", path);
		return -1;
	}
	if ((rc = input_need(&in, 2)) != -1) {
		if (in.end - in.start >= 2 && in.buf[in.start] == 0 &&
		    in.buf[in.start + 1] == 10)
			rc = replay_ipfix(r, col, &in);
		else
			rc = replay_lines(r, &in);
	}
	input_close(&in);
	if (rc == -1)
		progress_clear(r);
	return rc;
}

/*
 * One file, one exporter session: templates do not leak between files.
 * Each message's export time stands in for its receive time. A tail that
 * is no complete message ends the file with the byte offset where it
 * starts (of the inflated data, for a gzip file).
 */
static int
replay_ipfix(struct replay *r, struct ipfix_collector *col, struct input *in)
{
	struct ipfix_session	*s;
	const uint8_t		*p;
	uint64_t		 off = 0;
	size_t			 have, mlen;
	int			 rc = 0;

	if ((s = ipfix_session_new(col, in->path)) == NULL) {
		tool_warnx("out of memory");
		return -1;
	}
	for (;;) {
		if (input_need(in, IPFIX_HEADER) == -1 ||
		    (have = in->end - in->start) == 0)
			break;
		p = (const uint8_t *)in->buf + in->start;
		mlen = have < IPFIX_HEADER ? 0 : (size_t)p[2] << 8 | p[3];
		if (have < IPFIX_HEADER || p[0] != 0 || p[1] != 10 ||
		    mlen < IPFIX_HEADER) {
			progress_clear(r);
			tool_warnx("%s: %s at byte offset %" PRIu64, in->path,
			    have < IPFIX_HEADER ? "truncated IPFIX message "
			    "header" : p[0] != 0 || p[1] != 10 ? "not an IPFIX "
			    "message (version is not 10)" : "malformed IPFIX "
			    "message", off);
			rc = -1;
			break;
		}
		if (input_need(in, mlen) == -1)
			break;
		if (in->end - in->start < mlen) {
			progress_clear(r);
			tool_warnx("%s: truncated IPFIX message at byte offset "
			    "%" PRIu64, in->path, off);
			rc = -1;
			break;
		}
		p = (const uint8_t *)in->buf + in->start;
		if (ipfix_session_message(s, p, mlen, (double)((uint32_t)p[4] <<
		    24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7])) ==
		    -1) {
			progress_clear(r);
			tool_warnx("%s: malformed IPFIX message at byte offset "
			    "%" PRIu64, in->path, off);
			rc = -1;
		}
		in->start += mlen;
		off += mlen;
	}
	ipfix_session_free(s);
	return in->eof || rc == -1 ? rc : -1;
}

/*
 * A collector log, line by line. A line that does not parse is counted and
 * reported (the first BAD_SHOWN of the file), and the file goes on; the
 * summary line says how many there were.
 */
static int
replay_lines(struct replay *r, struct input *in)
{
	struct lines_stat	 st;
	const char		*line;
	size_t			 len;
	int			 n;

	memset(&st, 0, sizeof(st));
	while ((n = input_line(in, &line, &len)) > 0) {
		st.lines++;
		if (line == NULL) {
			st.bad++;
			replay_bad(r, in, st.lines, st.bad, NULL, len);
		} else
			replay_line(r, in, line, len, &st);
	}
	progress_clear(r);
	if (st.bad > BAD_SHOWN)
		tool_warnx("%s: %" PRIu64 " more bad lines not shown", in->path,
		    st.bad - BAD_SHOWN);
	tool_warnx("%s: %" PRIu64 " lines, %" PRIu64 " records, %" PRIu64
	    " bad, %" PRIu64 " unknown keys, %" PRIu64 " bad values, %" PRIu64
	    " collector keys", in->path, st.lines, st.c.records, st.bad,
	    st.c.unknown_keys, st.c.bad_values, st.c.collector_keys);
	return n;
}

static void
replay_line(struct replay *r, struct input *in, const char *line,
    size_t len, struct lines_stat *st)
{
	struct collector_error	err;
	size_t			i;

	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' ||
	    line[i] == '\r'); i++)
		;
	if (i == len)
		return;			/* blank lines are no events */
	if (collector_parse(line, len, r->rec, r->now, &st->c, &err) == -1) {
		st->bad++;
		replay_bad(r, in, st->lines, st->bad, err.msg, err.offset + 1);
		return;
	}
	replay_record(r->rec, r);
}

/*
 * Reports the nth bad line of the file, if it is among the first few: why
 * it was refused and the column, or, when why is NULL, that its col bytes
 * were too many.
 */
static void
replay_bad(struct replay *r, struct input *in, uint64_t lineno, uint64_t n,
    const char *why, size_t col)
{
	if (n > BAD_SHOWN)
		return;
	progress_clear(r);
	if (why == NULL)
		tool_warnx("%s:%" PRIu64 ": line too long (%zu bytes, at most "
		    "%d), skipped", in->path, lineno, col, COLLECTOR_LINE_MAX);
	else
		tool_warnx("%s:%" PRIu64 ":%zu: %s", in->path, lineno, col, why);
}

static void
replay_record(struct record *rec, void *arg)
{
	struct replay	*r = arg;
	double		 t = record_time(rec);

	/*
	 * Only a flow's time is event time: endpoint and interface records
	 * carry none, and their _time is the export time of the message.
	 */
	if ((record_has(rec, F_FLOW_START_MS) ||
	    record_has(rec, F_FLOW_START)) && t > r->now)
		r->now = t;
	if (t > r->latest)
		r->latest = t;
	r->records++;
	if (enrich_apply(r->enrich, rec, r->now) == -1)
		r->enrich_failed++;
	engine_record(r->engine, rec, r->now);
	if (r->progress && r->records % PROGRESS_EVERY == 0)
		progress_show(r, 0);
}

static void
replay_alert(void *arg, const struct rule *rule, const struct row *row,
    double now)
{
	struct replay	*r = arg;

	r->alerts++;
	buf_reset(&r->out);
	alert_json(rule, row, now, &r->out);
	buf_putc(&r->out, '\n');
	if (r->out.failed ||
	    fwrite(r->out.data, 1, r->out.len, stdout) != r->out.len)
		r->write_failed = 1;
}

/* How far past the last event the clock must go to close every window. */
static double
replay_horizon(const struct engine *e)
{
	const struct window_limits	*l;
	double				 h = 0;
	size_t				 i;

	for (i = 0; i < engine_nrules(e); i++) {
		l = &engine_rule(e, i)->stream.limits;
		if (l->window + l->lateness > h)
			h = l->window + l->lateness;
	}
	return h;
}

/* Redraws the progress line, at most once a second unless forced. */
static void
progress_show(struct replay *r, int force)
{
	double	t = tool_monotonic();
	int	n;

	if (!r->progress || (!force && t - r->shown < 1.0))
		return;
	r->shown = t;
	n = fprintf(stderr, "\r%" PRIu64 " records, %.0f/s, %" PRIu64
	    " alerts", r->records, t > r->started ? (double)r->records /
	    (t - r->started) : 0.0, r->alerts);
	if (n - 1 < r->shown_len)
		fprintf(stderr, "%*s", r->shown_len - (n - 1), "");
	r->shown_len = n > 1 ? n - 1 : 0;
	fflush(stderr);
}

/* Wipes the progress line, so that a message starts at column 0. */
static void
progress_clear(struct replay *r)
{
	if (r->shown_len == 0)
		return;
	fprintf(stderr, "\r%*s\r", r->shown_len, "");
	fflush(stderr);
	r->shown_len = 0;
}

/* Opens path ("-": standard input); zlib sees whether it is gzip. */
static int
input_open(struct input *in, const char *path)
{
	int	fd;

	memset(in, 0, sizeof(*in));
	in->path = path;
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	if ((in->gz = gzdopen(fd, "rb")) == NULL ||
	    (in->buf = malloc(INPUT_BUF)) == NULL) {
		if (in->gz != NULL)
			gzclose(in->gz);
		else
			close(fd);
		in->gz = NULL;
		errno = ENOMEM;
		return -1;
	}
	(void)gzbuffer(in->gz, 128 * 1024);
	return 0;
}

/* Read errors were reported by input_more(); closing adds none. */
static void
input_close(struct input *in)
{
	if (in->gz != NULL)
		(void)gzclose(in->gz);
	free(in->buf);
	in->gz = NULL;
	in->buf = NULL;
}

/*
 * Reads more of the file after the unread bytes, moved to the front.
 * Returns 0 (in->eof set at the end), or -1 (reported) on a read error or
 * a gzip stream that is corrupt or cut short.
 */
static int
input_more(struct input *in)
{
	const char	*msg;
	int		 n, zerr;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	n = gzread(in->gz, in->buf + in->end, (unsigned)(INPUT_BUF - in->end));
	if (n > 0) {
		in->end += (size_t)n;
		return 0;
	}
	msg = gzerror(in->gz, &zerr);
	if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": ") != NULL)
		msg = strstr(msg, ": ") + 2;	/* zlib's name for the file */
	if (n == 0 && zerr == Z_OK) {
		in->eof = 1;
		return 0;
	}
	if (zerr == Z_ERRNO)
		tool_warn("read %s", in->path);
	else
		tool_warnx("%s: %s%s", in->path, zerr == Z_BUF_ERROR ?
		    "gzip data cut short: " : "", msg);
	return -1;
}

/* Makes n bytes readable, or all that is left. -1 on a read error. */
static int
input_need(struct input *in, size_t n)
{
	while (in->end - in->start < n && !in->eof)
		if (input_more(in) == -1)
			return -1;
	return 0;
}

/*
 * The next line, without its newline: 1 with *line and *len set, 0 at the
 * end of the file, -1 on a read error. A line longer than LINE_CAP is read
 * through and skipped: 1 with *line NULL and *len its length.
 */
static int
input_line(struct input *in, const char **line, size_t *len)
{
	const char	*nl;
	size_t		 have, skipped = 0;

	for (;;) {
		have = in->end - in->start;
		nl = memchr(in->buf + in->start, '\n', have);
		if (skipped > 0 || (nl == NULL && have > LINE_CAP)) {
			/* Inside a line too long to keep: count it away. */
			skipped += nl != NULL ? (size_t)(nl - (in->buf +
			    in->start)) : have;
			in->start = nl != NULL ? in->start + (size_t)(nl -
			    (in->buf + in->start)) + 1 : in->end;
			if (nl != NULL || in->eof) {
				*line = NULL;
				*len = skipped;
				return 1;
			}
		} else if (nl != NULL || (in->eof && have > 0)) {
			*line = in->buf + in->start;
			*len = nl != NULL ? (size_t)(nl - *line) : have;
			in->start += *len + (nl != NULL);
			if (*len > LINE_CAP)
				*line = NULL;
			return 1;
		} else if (in->eof)
			return 0;
		if (input_more(in) == -1)
			return -1;
	}
}
