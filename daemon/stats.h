/*
 * stats.h - the daemon's counters as tables of names and offsets.
 *
 * Every counter struct the daemon reports (listeners, exporter table,
 * decoder, enrichment, output) is described once here: its key names in
 * the `stats:` lines, in order. One function prints any of them; the same
 * tables will serve the metrics endpoint.
 */
#ifndef NVMWATCHD_STATS_H
#define NVMWATCHD_STATS_H

#include <stddef.h>

struct buf;

struct stats_field {
	const char	*name;
	size_t		 off;		/* of a uint64_t in the struct */
};

struct stats_table {
	const char			*prefix;	/* put before every name */
	const struct stats_field	*fields;
	size_t				 nfields;
};

extern const struct stats_table stats_listen;	/* struct listen_counters */
extern const struct stats_table stats_exporter;	/* struct exporter_counters */
extern const struct stats_table stats_ipfix;	/* struct ipfix_counters */
extern const struct stats_table stats_syslog;	/* struct syslog_counters */
extern const struct stats_table stats_enrich;	/* struct enrich_counters */
extern const struct stats_table stats_output;	/* struct output_counters */
extern const struct stats_table stats_alerts;	/* the same, alerts file */
extern const struct stats_table stats_rule;	/* struct engine_rule_stats */
extern const struct stats_table stats_sink;	/* struct sink_counters */
extern const struct stats_table stats_control;	/* struct control_counters */

/* Appends " name=value" for every field of t in counters (borrowed). */
void	stats_put(struct buf *, const struct stats_table *t,
	    const void *counters);
/* Appends s with every byte outside [A-Za-z0-9_.-] as '_', so that a
 * name (a rule's file name) stays one key=value word. */
void	stats_word(struct buf *, const char *s);
/* dst -= src, field by field, stopping at zero. */
void	stats_sub(const struct stats_table *t, void *dst, const void *src);

#endif
