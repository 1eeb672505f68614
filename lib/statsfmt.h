/*
 * statsfmt.h - counters described as tables of names, offsets and help,
 * and their renderings: the daemon's `stats:` log lines, `nvmwatch
 * stats` (text and JSON) and the Prometheus exposition (text format
 * 0.0.4).
 *
 * A counter struct is a run of uint64_t. A stats_table names some of
 * them, in order, each with a help text that says what is counted and in
 * what unit, and belongs to a group ("listen", "rule", ...): the JSON
 * key and the middle of the metric names, nvmwatch_<group>_<name>, with
 * _total after a counter's name. The tables themselves live with the
 * structs they describe (the daemon's in daemon/stats.c).
 *
 * A source is a function that visits every counter set it has, each
 * with its table and, for a set of which there are many (a rule, a
 * sink), a label: a name ("rule") and a value (the rule's). Every visit
 * of a labelled group must give the same label name; an unlabelled
 * group is visited once. The renderers call the source once and are
 * pure: they neither read the clock nor print.
 */
#ifndef NVMWATCH_STATSFMT_H
#define NVMWATCH_STATSFMT_H

#include <stddef.h>

struct buf;

/* A value that goes up and down (a size, a time); otherwise a counter. */
#define STATS_GAUGE	0x01

struct stats_field {
	const char	*name;
	size_t		 off;		/* of a uint64_t in the struct */
	const char	*help;		/* what is counted, in which unit */
	unsigned	 flags;		/* STATS_GAUGE */
};

struct stats_table {
	const char			*prefix;	/* put before every name in
							   the stats: lines */
	const struct stats_field	*fields;
	size_t				 nfields;
	const char			*group;		/* JSON key, metric names */
};

/*
 * Called once per counter set: t describes counters (borrowed for the
 * call only); label and value name the set within its group ("rule",
 * "seed"), both NULL for an unlabelled group.
 */
typedef void	stats_visit_fn(void *arg, const struct stats_table *t,
		    const char *label, const char *value, const void *counters);
/* Calls fn(arg, ...) for every counter set of src, in a stable order. */
typedef void	stats_source_fn(void *src, stats_visit_fn *fn, void *arg);

/* Appends " name=value" (the prefix before each name) for every field. */
void	stats_put(struct buf *, const struct stats_table *t,
	    const void *counters);
/* Appends s with every byte outside [A-Za-z0-9_.-] as '_', so that a
 * name (a rule's file name) stays one key=value word. */
void	stats_word(struct buf *, const char *s);
/* dst -= src, field by field, stopping at zero. */
void	stats_sub(const struct stats_table *t, void *dst, const void *src);
/* dst += src for every counter of t; gauges are left as they are. A
 * reload carries a replaced object's totals into its successor. */
void	stats_add(const struct stats_table *t, void *dst, const void *src);

/*
 * One line per counter set, in the source's order:
 * "GROUP[ LABEL=VALUE] name=value ...\n", the value through
 * stats_word(), names without the prefix.
 */
void	stats_render_text(struct buf *, stats_source_fn *src, void *srcarg);
/*
 * One JSON object and a newline: an unlabelled group as "GROUP": {"name":
 * N, ...}, a labelled one as "GROUP": {"VALUE": {"name": N, ...}, ...};
 * groups in the order of their first visit. On out of memory the buffer
 * is marked failed.
 */
void	stats_render_json(struct buf *, stats_source_fn *src, void *srcarg);
/*
 * The Prometheus text exposition format 0.0.4: for every field of every
 * group, in order, "# HELP" and "# TYPE" then every series of the metric
 * (one per visit of the group: the sets of a labelled group are
 * gathered under each metric). Metric names are nvmwatch_GROUP_NAME, with
 * _total after a counter's; label values escaped (\\, \", \n). On out of
 * memory the buffer is marked failed.
 */
void	stats_render_prometheus(struct buf *, stats_source_fn *src,
	    void *srcarg);
/*
 * 0 when t can be rendered as metrics: a group and every name a valid
 * metric name part ([a-zA-Z0-9_], the group starting with a letter), a
 * help text for every field; else -1.
 */
int	stats_table_valid(const struct stats_table *t);

#endif
