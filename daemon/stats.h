/*
 * stats.h - the daemon's counters as tables of names, offsets and help
 * (lib/statsfmt.h).
 *
 * Every counter struct the daemon reports (listeners, exporter table,
 * decoder, enrichment, output, rules, sinks, the metrics endpoint) is
 * described once here: its key names in the `stats:` lines, in order,
 * what each counts, and its group in `nvmwatch stats` and /metrics.
 */
#ifndef NVMWATCHD_STATS_H
#define NVMWATCHD_STATS_H

#include <stdint.h>

#include "statsfmt.h"

/*
 * Daemon-wide counters, gathered from struct nvmwatchd when they are
 * visited (nvmwatchd_stats()).
 */
struct daemon_counters {
	uint64_t	records;	/* given to the enrichment and rules */
	uint64_t	enrich_failed;	/* enrich_apply() returned -1 */
	uint64_t	final_suppressed; /* final=1 session lines not logged */
	uint64_t	reloads;	/* reloads applied */
	uint64_t	reload_failures; /* reloads refused */
	uint64_t	rules_loaded;	/* rules running now */
	uint64_t	start_time;	/* unix time of the start, seconds */
};

extern const struct stats_table stats_daemon;	/* struct daemon_counters */
extern const struct stats_table stats_listen;	/* struct listen_counters */
extern const struct stats_table stats_exporter;	/* struct exporter_counters */
extern const struct stats_table stats_ipfix;	/* struct ipfix_counters */
extern const struct stats_table stats_syslog;	/* struct syslog_counters */
extern const struct stats_table stats_enrich;	/* struct enrich_counters */
extern const struct stats_table stats_output;	/* struct output_counters */
extern const struct stats_table stats_alerts;	/* the same, alerts file */
extern const struct stats_table stats_rule;	/* struct engine_rule_stats */
extern const struct stats_table stats_sink;	/* struct sink_counters */
extern const struct stats_table stats_metrics;	/* struct metrics_counters */
extern const struct stats_table stats_control;	/* struct control_counters */

/* Every table above, then NULL: for the tests. */
extern const struct stats_table *const stats_tables[];

#endif
