/*
 * stats_placeholder.c - PLACEHOLDER (drop at merge): stand-ins for
 * stats_render_text(), stats_render_json(), nvmwatchd_stats() and
 * nvmwatchd_reload(), which other branches implement, so that the control
 * socket builds and its tests run here.
 */
#include "buf.h"
#include "nvmwatchd.h"
#include "stats_placeholder.h"

void
stats_render_text(struct buf *out, stats_source_fn *src, void *srcarg)
{
	buf_puts(out, "placeholder stats\n");
}

void
stats_render_json(struct buf *out, stats_source_fn *src, void *srcarg)
{
	buf_puts(out, "{\"placeholder\":true}\n");
}

void
nvmwatchd_stats(void *env, stats_visit_fn *fn, void *arg)
{
}

int
nvmwatchd_reload(struct nvmwatchd *env, struct buf *msg)
{
	buf_puts(msg, "reload: placeholder");
	return -1;
}
