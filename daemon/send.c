/*
 * send.c - nvmwatch send: synthetic nvzFlow records over UDP, TCP or to a
 * file, at a given rate, with an optional truth file of what was sent.
 *
 * The generator (lib/nvmgen.c) makes the records, the exporter
 * (lib/ipfix_export.c) makes the messages; this file owns the transport,
 * the clock and the pacing. Every loop is bounded by the record count.
 *
 * With --format kv or json, each record goes out as the NVM collector's
 * syslog line (lib/collector.c) behind an RFC 3164 header: one UDP
 * datagram per line, LF-terminated lines over TCP (or RFC 6587 octet
 * counting with --octet-counting), one line per record in a file.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "buf.h"
#include "collector.h"
#include "field.h"
#include "ipfix_export.h"
#include "nvmgen.h"
#include "record.h"
#include "tool.h"

#define DEFAULT_UDP	"127.0.0.1:2055"
#define PACE_SLACK	0.010	/* sleep only when this far ahead (s) */
#define SYSLOG_PRI	134	/* local0.info */
#define SYSLOG_HOST	"nvmgen"
#define SYSLOG_TAG	"nvzflow"

enum out_kind { OUT_UDP, OUT_TCP, OUT_FILE };
enum out_format { FORMAT_IPFIX, FORMAT_KV, FORMAT_JSON };

struct send_opts {
	enum out_kind		 kind;
	enum out_format		 format;
	int			 octet_counting;
	const char		*dest;
	const char		*truth;
	double			 rate;
	int			 verbose;
	struct nvmgen_opts	 gen;
	struct ipfix_export_opts exp;
};

struct sender {
	struct send_opts	*o;
	int			 fd;
	FILE			*fp;
	FILE			*truth;
	uint64_t		 send_errors;
	uint64_t		 lines;		/* --format kv|json */
	uint64_t		 skipped;	/* records no line can carry */
	uint64_t		 bytes;
	int			 failed;
};

enum {
	OPT_TRIGGER = 256, OPT_IPV6, OPT_PMIX, OPT_DMIX, OPT_TRUTH,
	OPT_START, OPT_DURATION, OPT_MTU, OPT_INTERVAL, OPT_FORMAT,
	OPT_OCTET
};

static const struct option longopts[] = {
	{ "udp", required_argument, NULL, 'u' },
	{ "tcp", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "endpoints", required_argument, NULL, 'e' },
	{ "seed", required_argument, NULL, 's' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "trigger-share", required_argument, NULL, OPT_TRIGGER },
	{ "ipv6-share", required_argument, NULL, OPT_IPV6 },
	{ "process-mix", required_argument, NULL, OPT_PMIX },
	{ "dest-mix", required_argument, NULL, OPT_DMIX },
	{ "truth", required_argument, NULL, OPT_TRUTH },
	{ "start", required_argument, NULL, OPT_START },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "template-interval", required_argument, NULL, OPT_INTERVAL },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "octet-counting", no_argument, NULL, OPT_OCTET },
	{ NULL, 0, NULL, 0 }
};

static int	 parse_opts(int, char **, struct send_opts *);
static int	 parse_u64(const char *, const char *, uint64_t, uint64_t *);
static int	 parse_double(const char *, const char *, double, double *);
static int	 parse_format(const char *, enum out_format *);
static int	 out_open(struct sender *);
static int	 net_open(struct sender *, int);
static int	 split_hostport(const char *, char *, size_t, char *, size_t);
static int	 out_message(const uint8_t *, size_t, void *);
static void	 pace(struct ipfix_exporter *, double, double, uint64_t);
static int	 run(struct sender *, struct nvmgen *, struct ipfix_exporter *,
		    struct record *);
static int	 run_lines(struct sender *, struct nvmgen *, struct record *);
static void	 line_header(const struct record *, struct buf *);
static void	 truth_write(struct sender *, const struct record *,
		    struct buf *);
static void	 summary(const struct sender *, const struct nvmgen *,
		    const struct ipfix_exporter *, double);
static void	 summary_lines(const struct sender *, const struct nvmgen *,
		    double);

static int
parse_u64(const char *what, const char *s, uint64_t max, uint64_t *v)
{
	char			*end;
	unsigned long long	 x;

	errno = 0;
	x = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0 || x > max) {
		tool_warnx("%s: bad value \"%s\"", what, s);
		return -1;
	}
	*v = x;
	return 0;
}

static int
parse_double(const char *what, const char *s, double max, double *v)
{
	char	*end;

	errno = 0;
	*v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !(*v >= 0) ||
	    *v > max) {
		tool_warnx("%s: bad value \"%s\"", what, s);
		return -1;
	}
	return 0;
}

static int
parse_format(const char *s, enum out_format *f)
{
	if (strcmp(s, "ipfix") == 0)
		*f = FORMAT_IPFIX;
	else if (strcmp(s, "kv") == 0)
		*f = FORMAT_KV;
	else if (strcmp(s, "json") == 0)
		*f = FORMAT_JSON;
	else {
		tool_warnx("format: \"%s\" is not ipfix, kv or json", s);
		return -1;
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, struct send_opts *o)
{
	uint64_t	v = 0;
	int		ch, rc = 0;

	nvmgen_opts_default(&o->gen);
	o->gen.base_time = (uint64_t)time(NULL);
	o->kind = OUT_UDP;
	o->dest = DEFAULT_UDP;
	while (rc == 0 && (ch = getopt_long(argc, argv, "e:n:o:r:s:t:u:v",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
		case 't':
		case 'o':
			o->kind = ch == 'u' ? OUT_UDP : ch == 't' ? OUT_TCP :
			    OUT_FILE;
			o->dest = optarg;
			break;
		case 'n':
			rc = parse_u64("count", optarg, UINT64_MAX / 2,
			    &o->gen.flows);
			break;
		case 'r':
			rc = parse_double("rate", optarg, 1e9, &o->rate);
			break;
		case 'e':
			rc = parse_u64("endpoints", optarg, 65535, &v);
			o->gen.endpoints = (unsigned)v;
			if (rc == 0 && v == 0) {
				tool_warnx("endpoints: at least 1");
				rc = -1;
			}
			break;
		case 's':
			rc = parse_u64("seed", optarg, UINT64_MAX, &o->gen.seed);
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_TRIGGER:
			rc = parse_double("trigger-share", optarg, 1,
			    &o->gen.trigger_share);
			break;
		case OPT_IPV6:
			rc = parse_double("ipv6-share", optarg, 1,
			    &o->gen.ipv6_share);
			break;
		case OPT_PMIX:
			o->gen.process_mix = optarg;
			break;
		case OPT_DMIX:
			o->gen.dest_mix = optarg;
			break;
		case OPT_TRUTH:
			o->truth = optarg;
			break;
		case OPT_START:
			rc = parse_u64("start", optarg, UINT32_MAX,
			    &o->gen.base_time);
			break;
		case OPT_DURATION:
			rc = parse_u64("duration", optarg, UINT32_MAX, &v);
			o->gen.duration = (uint32_t)v;
			break;
		case OPT_MTU:
			rc = parse_u64("mtu", optarg, 65535, &v);
			o->exp.mtu = (size_t)v;
			break;
		case OPT_INTERVAL:
			rc = parse_u64("template-interval", optarg, 1000000,
			    &v);
			o->exp.template_interval = (unsigned)v;
			break;
		case OPT_FORMAT:
			rc = parse_format(optarg, &o->format);
			break;
		case OPT_OCTET:
			o->octet_counting = 1;
			break;
		default:
			rc = -1;
		}
	}
	if (rc == 0 && o->octet_counting && (o->kind != OUT_TCP ||
	    o->format == FORMAT_IPFIX)) {
		tool_warnx("send: --octet-counting is for --format kv|json "
		    "over TCP");
		rc = -1;
	}
	if (rc == 0 && optind != argc) {
		tool_warnx("send: unexpected argument \"%s\"", argv[optind]);
		rc = -1;
	}
	if (rc == -1)
		tool_warnx("see nvmwatch --help");
	return rc;
}

/* "host:port" or "[v6]:port" into host and port. */
static int
split_hostport(const char *s, char *host, size_t hsize, char *port,
    size_t psize)
{
	const char	*colon, *close;

	if (*s == '[') {
		if ((close = strchr(s, ']')) == NULL || close[1] != ':')
			return -1;
		colon = close + 1;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		close = colon;
	}
	if ((size_t)(close - s) >= hsize || strlen(colon + 1) >= psize ||
	    close == s || colon[1] == '\0')
		return -1;
	memcpy(host, s, (size_t)(close - s));
	host[close - s] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static int
net_open(struct sender *sd, int socktype)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], port[32];
	int		 e;

	if (split_hostport(sd->o->dest, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		tool_warnx("bad destination \"%s\" (want HOST:PORT)",
		    sd->o->dest);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		tool_warnx("%s: %s", sd->o->dest, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((sd->fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1)
			continue;
		if (connect(sd->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(sd->fd);
		sd->fd = -1;
	}
	freeaddrinfo(res);
	if (sd->fd == -1) {
		tool_warn("connect %s", sd->o->dest);
		return -1;
	}
	return 0;
}

static int
out_open(struct sender *sd)
{
	sd->fd = -1;
	if (sd->o->truth != NULL &&
	    (sd->truth = fopen(sd->o->truth, "w")) == NULL) {
		tool_warn("%s", sd->o->truth);
		return -1;
	}
	switch (sd->o->kind) {
	case OUT_UDP:
		return net_open(sd, SOCK_DGRAM);
	case OUT_TCP:
		return net_open(sd, SOCK_STREAM);
	case OUT_FILE:
		if (strcmp(sd->o->dest, "-") == 0)
			sd->fp = stdout;
		else if ((sd->fp = fopen(sd->o->dest, "wb")) == NULL) {
			tool_warn("%s", sd->o->dest);
			return -1;
		}
		return 0;
	}
	return -1;
}

/*
 * The exporter's message callback. UDP errors (no listener yet) are
 * counted and the run goes on; TCP and file errors end it.
 */
static int
out_message(const uint8_t *msg, size_t len, void *arg)
{
	struct sender	*sd = arg;
	size_t		 off = 0;
	ssize_t		 n;

	if (sd->o->kind == OUT_FILE) {
		if (fwrite(msg, 1, len, sd->fp) == len)
			return 0;
		tool_warn("write %s", sd->o->dest);
		return -1;
	}
	if (sd->o->kind == OUT_UDP) {
		if (send(sd->fd, msg, len, 0) == -1 && sd->send_errors++ == 0)
			tool_warn("send %s (counting further errors)",
			    sd->o->dest);
		return 0;
	}
	while (off < len) {
		if ((n = write(sd->fd, msg + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			tool_warn("write %s", sd->o->dest);
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* Sleeps until record n is due at rate; what is built goes out first. */
static void
pace(struct ipfix_exporter *x, double start, double rate, uint64_t n)
{
	struct timespec	ts;
	double		ahead;

	if (rate <= 0)
		return;
	ahead = start + (double)n / rate - tool_monotonic();
	if (ahead < PACE_SLACK)
		return;
	if (x != NULL)
		ipfix_exporter_flush(x);
	ts.tv_sec = (time_t)ahead;
	ts.tv_nsec = (long)((ahead - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

static int
run(struct sender *sd, struct nvmgen *g, struct ipfix_exporter *x,
    struct record *rec)
{
	struct buf	b = { 0 };
	double		start = tool_monotonic();
	uint64_t	n = 0;
	int		rc;

	while ((rc = nvmgen_next(g, rec)) == 1) {
		if (ipfix_exporter_add(x, rec, 0, (uint32_t)time(NULL)) == -1) {
			tool_warnx("record %" PRIu64 ": %s", n,
			    ipfix_exporter_error(x));
			if (sd->o->kind != OUT_UDP || ipfix_exporter_stats(
			    x)->records == 0)
				break;
		} else
			truth_write(sd, rec, &b);
		pace(x, start, sd->o->rate, ++n);
	}
	buf_free(&b);
	if (rc == -1)
		tool_warnx("record %" PRIu64 ": record too large", n);
	if (ipfix_exporter_flush(x) == -1 || rc == -1 ||
	    ipfix_exporter_stats(x)->refused > 0)
		return -1;
	return 0;
}

static void
truth_write(struct sender *sd, const struct record *rec, struct buf *b)
{
	if (sd->truth == NULL)
		return;
	buf_reset(b);
	record_json(rec, b, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	buf_putc(b, '\n');
	fwrite(b->data, 1, b->len, sd->truth);
}

/*
 * --format kv|json: one collector line per record, through out_message()
 * (one datagram, or bytes on the stream or in the file).
 */
static int
run_lines(struct sender *sd, struct nvmgen *g, struct record *rec)
{
	struct buf	 b = { 0 }, msg = { 0 }, t = { 0 };
	double		 start = tool_monotonic();
	uint64_t	 n = 0;
	int		 rc;

	while ((rc = nvmgen_next(g, rec)) == 1) {
		buf_reset(&b);
		line_header(rec, &b);
		/* A record the line form cannot carry is not written. */
		if (collector_format(rec, sd->o->format == FORMAT_JSON ?
		    COLLECTOR_JSON : COLLECTOR_KV, &b) == -1) {
			sd->skipped++;
			continue;
		}
		buf_reset(&msg);
		if (sd->o->octet_counting)
			buf_printf(&msg, "%zu ", b.len);
		buf_append(&msg, b.data, b.len);
		if (sd->o->kind != OUT_UDP && !sd->o->octet_counting)
			buf_putc(&msg, '\n');
		if (b.failed || msg.failed) {
			tool_warnx("record %" PRIu64 ": out of memory", n);
			break;
		}
		if (out_message((const uint8_t *)msg.data, msg.len, sd) == -1)
			break;
		sd->lines++;
		sd->bytes += msg.len;
		truth_write(sd, rec, &t);
		pace(NULL, start, sd->o->rate, ++n);
	}
	buf_free(&b);
	buf_free(&msg);
	buf_free(&t);
	if (rc == -1)
		tool_warnx("record %" PRIu64 ": record too large", n);
	return rc == 0 ? 0 : -1;
}

/*
 * "<134>Dec  4 21:00:00 nvmgen nvzflow: ", the time the record's flow
 * start (UTC), or now for records without one.
 */
static void
line_header(const struct record *rec, struct buf *b)
{
	const char	*fss = record_get1(rec, F_FLOW_START);
	char		 stamp[32];
	struct tm	 tm;
	time_t		 t = fss != NULL ? (time_t)strtoll(fss, NULL, 10) :
			    time(NULL);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	buf_printf(b, "<%d>%s %s %s: ", SYSLOG_PRI, stamp, SYSLOG_HOST,
	    SYSLOG_TAG);
}

static void
summary(const struct sender *sd, const struct nvmgen *g,
    const struct ipfix_exporter *x, double elapsed)
{
	const struct ipfix_export_stats	*st = ipfix_exporter_stats(x);

	fprintf(stderr, "nvmwatch: sent %" PRIu64 " messages (%" PRIu64
	    " with templates), %" PRIu64 " records (%" PRIu64 " triggering), %"
	    PRIu64 " bytes in %.3f s, %.0f records/s", st->messages,
	    st->template_messages, st->records, nvmgen_trigger_total(g),
	    st->bytes, elapsed, elapsed > 0 ? (double)st->records / elapsed :
	    0.0);
	if (st->refused > 0 || sd->send_errors > 0)
		fprintf(stderr, "; %" PRIu64 " refused, %" PRIu64
		    " send errors", st->refused, sd->send_errors);
	fputc('\n', stderr);
}

static void
summary_lines(const struct sender *sd, const struct nvmgen *g,
    double elapsed)
{
	fprintf(stderr, "nvmwatch: sent %" PRIu64 " %s lines (%" PRIu64
	    " triggering), %" PRIu64 " bytes in %.3f s, %.0f records/s",
	    sd->lines, sd->o->format == FORMAT_JSON ? "json" : "kv",
	    nvmgen_trigger_total(g), sd->bytes, elapsed,
	    elapsed > 0 ? (double)sd->lines / elapsed : 0.0);
	if (sd->send_errors > 0)
		fprintf(stderr, "; %" PRIu64 " send errors", sd->send_errors);
	if (sd->skipped > 0)
		fprintf(stderr, "; %" PRIu64 " records not sent (a value the "
		    "line form cannot carry)", sd->skipped);
	fputc('\n', stderr);
}

int
send_main(int argc, char **argv)
{
	struct send_opts	 o;
	struct sender		 sd;
	struct nvmgen_error	 gerr;
	struct field_dict	*dict = NULL;
	struct nvmgen		*g = NULL;
	struct ipfix_exporter	*x = NULL;
	struct record		*rec = NULL;
	char			 err[256];
	double			 start;
	int			 rc = 1;

	memset(&o, 0, sizeof(o));
	memset(&sd, 0, sizeof(sd));
	sd.o = &o;
	sd.fd = -1;
	if (parse_opts(argc, argv, &o) == -1)
		return 1;
	if ((g = nvmgen_new(&o.gen, &gerr)) == NULL) {
		tool_warnx("%s", gerr.msg);
		return 1;
	}
	if ((dict = field_dict_new()) == NULL ||
	    (rec = record_new(dict, 0)) == NULL) {
		tool_warnx("out of memory");
		goto fail;
	}
	if ((x = ipfix_exporter_new(dict, &o.exp, out_message, &sd, err,
	    sizeof(err))) == NULL) {
		tool_warnx("%s", err);
		goto fail;
	}
	if (out_open(&sd) == -1)
		goto fail;
	if (o.verbose)
		tool_warnx("sending %" PRIu64 " records to %s", nvmgen_total(g),
		    o.dest);
	start = tool_monotonic();
	if (o.format != FORMAT_IPFIX) {
		rc = run_lines(&sd, g, rec) == -1 ? 1 : 0;
		summary_lines(&sd, g, tool_monotonic() - start);
	} else {
		rc = run(&sd, g, x, rec) == -1 ? 1 : 0;
		summary(&sd, g, x, tool_monotonic() - start);
	}
fail:
	if (sd.truth != NULL && fclose(sd.truth) == EOF) {
		tool_warn("%s", o.truth);
		rc = 1;
	}
	if (sd.fp != NULL && sd.fp != stdout && fclose(sd.fp) == EOF) {
		tool_warn("%s", o.dest);
		rc = 1;
	}
	if (sd.fd != -1)
		close(sd.fd);
	ipfix_exporter_free(x);
	record_free(rec);
	field_dict_free(dict);
	nvmgen_free(g);
	return rc;
}
