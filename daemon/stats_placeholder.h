/*
 * stats_placeholder.h - PLACEHOLDER (drop at merge): the declarations of
 * the stats renderers (daemon/stats.h) and of the daemon's stats source,
 * which another branch adds, so that the control socket builds and runs
 * here. Exactly their signatures.
 */
#ifndef NVMWATCHD_STATS_PLACEHOLDER_H
#define NVMWATCHD_STATS_PLACEHOLDER_H

struct buf;
struct stats_table;

typedef void	stats_visit_fn(void *arg, const struct stats_table *t,
		    const char *label, const char *value,
		    const void *counters);
typedef void	stats_source_fn(void *src, stats_visit_fn *fn, void *arg);

void	stats_render_text(struct buf *out, stats_source_fn *src,
	    void *srcarg);
void	stats_render_json(struct buf *out, stats_source_fn *src,
	    void *srcarg);
void	nvmwatchd_stats(void *env, stats_visit_fn *fn, void *arg);

#endif
