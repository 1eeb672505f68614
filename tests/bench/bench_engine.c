/*
 * bench_engine.c - records per second through the detection engine with
 * the seed rule, and bytes per live group.
 *
 * Loads the shipped seed rule and macros (conf/), generates a stream with
 * nvmgen (endpoint and interface records, then flows of which a share
 * triggers the rule: public destinations, the rule's process names, all
 * ten by-fields) and feeds it to the engine several rounds inside one
 * window. Round 1 opens the groups (about -g of them); later rounds, the
 * same stream again, update live groups.
 *
 * Each record is generated into one record, hot in the cache, as a
 * decoded record is in the daemon (keeping the whole stream in memory
 * instead would measure cache misses). Only the engine_record() calls are
 * timed, each between two clock readings; the cost of a reading pair,
 * measured alone, is subtracted. Printed: the engine's time per record,
 * and the bytes the window table holds.
 *
 * usage: bench_engine [-g GROUPS] [-t SHARE] [-r ROUNDS] [-s SEED] [CONF_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "field.h"
#include "nvmgen.h"
#include "record.h"
#include "rule.h"

#define BASE_TIME	1767225600ULL	/* 2026-01-01T00:00:00Z, an hour */

static uint64_t	alerts;

static void
count_alert(void *arg, const struct rule *rule, const struct row *row,
    double now)
{
	(void)arg;
	(void)rule;
	(void)row;
	(void)now;
	alerts++;
}

static double
mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct engine *
load(const char *conf, const struct field_dict *dict)
{
	struct macro_set	*macros;
	struct rule_error	 err;
	struct rule		*rule;
	struct engine		*eng;
	char			 path[4096];

	memset(&err, 0, sizeof(err));
	if ((macros = macro_set_new()) == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/macros", conf);
	if (macro_set_load_dir(macros, path, &err) == -1) {
		fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line,
		    err.column, err.msg);
		macro_set_free(macros);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/rules/"
	    "cisco_nvm___non_network_binary_making_network_connection.yml",
	    conf);
	rule = rule_load(path, dict, macros, NULL, &err);
	macro_set_free(macros);
	if (rule == NULL) {
		fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line,
		    err.column, err.msg);
		return NULL;
	}
	if ((eng = engine_new(count_alert, NULL)) == NULL ||
	    engine_add_rule(eng, rule) == -1) {
		engine_free(eng);
		return NULL;
	}
	return eng;
}

/* The cost of one mono() pair with nothing between, in seconds. */
static double
overhead(void)
{
	double	t0, t1, sum = 0;
	int	i;

	for (i = 0; i < 1000000; i++) {
		t0 = mono();
		t1 = mono();
		sum += t1 - t0;
	}
	return sum / 1000000;
}

/* Seconds spent in engine_record() for the whole stream. */
static double
run(const struct nvmgen_opts *o, struct record *rec, struct engine *eng,
    double pair)
{
	struct nvmgen_error	 err;
	struct nvmgen		*gen;
	double			 t0, t1, sum = 0;
	int			 rc;

	if ((gen = nvmgen_new(o, &err)) == NULL) {
		fprintf(stderr, "bench_engine: %s\n", err.msg);
		exit(1);
	}
	while ((rc = nvmgen_next(gen, rec)) == 1) {
		if (record_finish(rec, (double)BASE_TIME) == -1)
			break;
		t0 = mono();
		engine_record(eng, rec, (double)BASE_TIME + 1800);
		t1 = mono();
		sum += t1 - t0 - pair;
	}
	nvmgen_free(gen);
	if (rc != 0) {
		fprintf(stderr, "bench_engine: generator failed\n");
		exit(1);
	}
	return sum;
}

int
main(int argc, char **argv)
{
	struct nvmgen_opts		 o;
	struct nvmgen_error		 gerr;
	struct nvmgen			*gen;
	struct field_dict		*dict;
	struct engine			*eng;
	struct engine_rule_stats	 st;
	struct record			*rec;
	const char			*conf = NVMWATCH_CONF_DIR;
	double				 share = 0.2, base, t, first = 0, rest = 0;
	uint64_t			 groups = 10000, n, matched0 = 0;
	unsigned			 rounds = 5, r;
	int				 ch;

	nvmgen_opts_default(&o);
	while ((ch = getopt(argc, argv, "g:r:s:t:")) != -1) {
		switch (ch) {
		case 'g':
			groups = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rounds = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 10);
			break;
		case 't':
			share = strtod(optarg, NULL);
			break;
		default:
			fprintf(stderr, "usage: bench_engine [-g GROUPS] "
			    "[-t SHARE] [-r ROUNDS] [-s SEED] [CONF_DIR]\n");
			return 1;
		}
	}
	if (optind < argc)
		conf = argv[optind];
	if (groups == 0 || share <= 0 || share > 1 || rounds < 2) {
		fprintf(stderr, "bench_engine: -g > 0, 0 < -t <= 1, -r >= 2\n");
		return 1;
	}
	o.endpoints = 1000;
	o.flows = (uint64_t)((double)groups / share + 0.5);
	o.trigger_share = share;
	o.base_time = BASE_TIME;
	o.duration = 1800;		/* inside one 1h window */
	if ((dict = field_dict_new()) == NULL ||
	    (gen = nvmgen_new(&o, &gerr)) == NULL) {
		fprintf(stderr, "bench_engine: %s\n", dict ? gerr.msg :
		    "out of memory");
		return 1;
	}
	if ((eng = load(conf, dict)) == NULL)
		return 1;
	n = nvmgen_total(gen);
	nvmgen_free(gen);
	if ((rec = record_new(dict, 0)) == NULL)
		return 1;
	base = overhead();
	for (r = 0; r < rounds; r++) {
		t = run(&o, rec, eng, base);
		if (r == 0) {
			first = t;
			engine_rule_stats(eng, 0, &st);
			matched0 = st.matched;
		} else
			rest += t;
	}
	engine_rule_stats(eng, 0, &st);
	printf("records per round      %llu (%llu match the rule, share %.2f)\n",
	    (unsigned long long)n, (unsigned long long)matched0, share);
	printf("live groups            %llu\n",
	    (unsigned long long)st.window.groups_live);
	printf("clock reading pair     %.0f ns (subtracted per record)\n",
	    base * 1e9);
	printf("round 1 (opens groups) %.0f records/s (%.0f ns/record)\n",
	    (double)n / first, first * 1e9 / (double)n);
	printf("rounds 2-%u (updates)   %.0f records/s (%.0f ns/record)\n",
	    rounds, (double)n * (rounds - 1) / rest,
	    rest * 1e9 / ((double)n * (rounds - 1)));
	printf("bytes per live group   %.0f (%llu bytes in all)\n",
	    st.window.groups_live ? (double)st.window.bytes_live /
	    (double)st.window.groups_live : 0.0,
	    (unsigned long long)st.window.bytes_live);
	printf("alerts during the run  %llu (the window stays open)\n",
	    (unsigned long long)alerts);
	engine_flush(eng, (double)BASE_TIME + 1800);
	printf("alerts at flush        %llu\n", (unsigned long long)alerts);
	record_free(rec);
	engine_free(eng);
	field_dict_free(dict);
	return 0;
}
