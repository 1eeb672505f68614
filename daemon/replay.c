/*
 * replay.c - nvmwatch replay: run the rules over saved IPFIX files.
 *
 * The records go through the daemon's pipeline (decode, enrich, engine)
 * with one difference: the clock. The daemon passes its loop time; replay
 * passes the latest flow start time seen, so windows close as the data's own
 * time moves on, exactly as they would have live with no delay. At the
 * end the clock is moved past every open window's end plus its lateness:
 * the data is complete, so the last windows close normally (not partial).
 * Alerts go to stdout as JSON lines.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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

struct replay {
	struct engine	*engine;
	struct enrich	*enrich;
	double		 now;		/* latest flow start time */
	double		 latest;	/* latest _time of any record */
	struct buf	 out;
	uint64_t	 records;
	uint64_t	 enrich_failed;
	int		 write_failed;
};

static void	replay_record(struct record *, void *);
static void	replay_alert(void *, const struct rule *, const struct row *,
		    double);
static int	replay_file(struct replay *, struct ipfix_collector *,
		    const char *);
static double	replay_horizon(const struct engine *);

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
	    (col = ipfix_collector_new(dict, &conf->ipfix, replay_record,
	    &r)) == NULL) {
		tool_warnx("out of memory");
		goto done;
	}
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
	if (fflush(stdout) == EOF || r.write_failed) {
		tool_warn("stdout");
		rc = 1;
	}
done:
	ipfix_collector_free(col);
	enrich_free(r.enrich);
	engine_free(r.engine);
	buf_free(&r.out);
	field_dict_free(dict);
	config_free(conf);
	return rc;
}

/* One file, one exporter session: templates do not leak between files. */
static int
replay_file(struct replay *r, struct ipfix_collector *col, const char *path)
{
	struct ipfix_session	*s;
	uint8_t			*data;
	size_t			 len;
	int			 rc;

	if (tool_read_file(path, &data, &len) == -1)
		return -1;
	if ((s = ipfix_session_new(col, path)) == NULL) {
		tool_warnx("out of memory");
		free(data);
		return -1;
	}
	rc = tool_ipfix_messages(path, s, data, len);
	ipfix_session_free(s);
	free(data);
	return rc;
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
}

static void
replay_alert(void *arg, const struct rule *rule, const struct row *row,
    double now)
{
	struct replay	*r = arg;

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
