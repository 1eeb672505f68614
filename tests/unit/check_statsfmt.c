/*
 * check_statsfmt.c - counter tables and their renderings: stats: words,
 * text, JSON and the Prometheus exposition; and the daemon's own tables
 * (daemon/stats.c, compiled in) as valid metrics.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "stats.h"
#include "statsfmt.h"
#include "testutil.h"

struct alpha {
	uint64_t	x;
	uint64_t	in_bytes;
};

struct beta {
	uint64_t	hits;
	uint64_t	depth;
};

static const struct stats_field alpha_fields[] = {
	{ "x", offsetof(struct alpha, x), "things counted", 0 },
	{ "in_bytes", offsetof(struct alpha, in_bytes), "bytes read", 0 },
};

static const struct stats_field beta_fields[] = {
	{ "hits", offsetof(struct beta, hits),
	    "hits, with a \\ and a\nnewline", 0 },
	{ "depth", offsetof(struct beta, depth), "items waiting",
	    STATS_GAUGE },
};

static const struct stats_table alpha_table = { "a_", alpha_fields, 2,
    "alpha" };
static const struct stats_table beta_table = { "", beta_fields, 2, "beta" };

#define ODD	"we\"ird\\\nname"

/* beta, alpha, beta: the second beta set must join the first. */
static void
fake_source(void *src, stats_visit_fn *fn, void *arg)
{
	struct alpha	a = { 3, 4 };
	struct beta	b1 = { 1, 2 }, b2 = { 5, 6 };

	(void)src;
	fn(arg, &beta_table, "rule", "one", &b1);
	fn(arg, &alpha_table, NULL, NULL, &a);
	fn(arg, &beta_table, "rule", ODD, &b2);
}

static void
bad_utf8_source(void *src, stats_visit_fn *fn, void *arg)
{
	struct beta	b = { 7, 8 };

	(void)src;
	fn(arg, &beta_table, "sink", "caf\xc3\xa9\xff", &b);
}

static void
empty_source(void *src, stats_visit_fn *fn, void *arg)
{
	(void)src;
	(void)fn;
	(void)arg;
}

START_TEST(test_put_word_sub)
{
	struct buf	b = { 0 };
	struct alpha	x = { 10, 3 }, y = { 4, 5 };

	buf_puts(&b, "stats:");
	stats_put(&b, &alpha_table, &x);
	ck_assert_str_eq(b.data, "stats: a_x=10 a_in_bytes=3");
	buf_reset(&b);
	stats_word(&b, "a b/c.d-e_f\xc3\xa9");
	ck_assert_str_eq(b.data, "a_b_c.d-e_f__");
	stats_sub(&alpha_table, &x, &y);
	ck_assert_uint_eq(x.x, 6);
	ck_assert_uint_eq(x.in_bytes, 0);	/* stops at zero */
	buf_free(&b);
	{
		struct beta	d = { 1, 2 }, e = { 10, 20 };

		stats_add(&beta_table, &d, &e);
		ck_assert_uint_eq(d.hits, 11);
		ck_assert_uint_eq(d.depth, 2);	/* a gauge: as it was */
	}
}
END_TEST

START_TEST(test_text)
{
	struct buf	b = { 0 };

	stats_render_text(&b, fake_source, NULL);
	ck_assert_str_eq(b.data,
	    "beta rule=one hits=1 depth=2\n"
	    "alpha x=3 in_bytes=4\n"
	    "beta rule=we_ird__name hits=5 depth=6\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_json)
{
	struct buf	b = { 0 };

	stats_render_json(&b, fake_source, NULL);
	ck_assert_str_eq(b.data,
	    "{\"beta\":{\"one\":{\"hits\":1,\"depth\":2},"
	    "\"we\\\"ird\\\\\\nname\":{\"hits\":5,\"depth\":6}},"
	    "\"alpha\":{\"x\":3,\"in_bytes\":4}}\n");
	buf_reset(&b);
	stats_render_json(&b, empty_source, NULL);
	ck_assert_str_eq(b.data, "{}\n");
	buf_free(&b);
}
END_TEST

START_TEST(test_prometheus)
{
	struct buf	b = { 0 };

	stats_render_prometheus(&b, fake_source, NULL);
	ck_assert_int_eq(b.failed, 0);
	ck_assert_str_eq(b.data,
	    "# HELP nvmwatch_beta_hits_total hits, with a \\\\ and a\\nnewline\n"
	    "# TYPE nvmwatch_beta_hits_total counter\n"
	    "nvmwatch_beta_hits_total{rule=\"one\"} 1\n"
	    "nvmwatch_beta_hits_total{rule=\"we\\\"ird\\\\\\nname\"} 5\n"
	    "# HELP nvmwatch_beta_depth items waiting\n"
	    "# TYPE nvmwatch_beta_depth gauge\n"
	    "nvmwatch_beta_depth{rule=\"one\"} 2\n"
	    "nvmwatch_beta_depth{rule=\"we\\\"ird\\\\\\nname\"} 6\n"
	    "# HELP nvmwatch_alpha_x_total things counted\n"
	    "# TYPE nvmwatch_alpha_x_total counter\n"
	    "nvmwatch_alpha_x_total 3\n"
	    "# HELP nvmwatch_alpha_in_bytes_total bytes read\n"
	    "# TYPE nvmwatch_alpha_in_bytes_total counter\n"
	    "nvmwatch_alpha_in_bytes_total 4\n");
	buf_reset(&b);
	stats_render_prometheus(&b, empty_source, NULL);
	ck_assert_uint_eq(b.len, 0);
	buf_free(&b);
}
END_TEST

START_TEST(test_prometheus_utf8)
{
	struct buf	b = { 0 };

	/* The exposition is UTF-8: a stray byte becomes U+FFFD. */
	stats_render_prometheus(&b, bad_utf8_source, NULL);
	ck_assert_ptr_nonnull(strstr(b.data,
	    "nvmwatch_beta_hits_total{sink=\"caf\xc3\xa9\xef\xbf\xbd\"} 7\n"));
	buf_free(&b);
}
END_TEST

START_TEST(test_table_valid)
{
	static const struct stats_field	 bad_name[] = {
		{ "has-dash", 0, "help", 0 },
	};
	static const struct stats_field	 no_help[] = {
		{ "ok", 0, "", 0 },
	};
	struct stats_table		 t;

	ck_assert_int_eq(stats_table_valid(&alpha_table), 0);
	t = (struct stats_table){ "", bad_name, 1, "g" };
	ck_assert_int_eq(stats_table_valid(&t), -1);
	t = (struct stats_table){ "", no_help, 1, "g" };
	ck_assert_int_eq(stats_table_valid(&t), -1);
	t = (struct stats_table){ "", alpha_fields, 2, "9g" };
	ck_assert_int_eq(stats_table_valid(&t), -1);
	t = (struct stats_table){ "", alpha_fields, 2, NULL };
	ck_assert_int_eq(stats_table_valid(&t), -1);
}
END_TEST

/*
 * The daemon's tables: valid metric names with help, groups unique, and
 * no two metrics of the same name (group "a_b" with "c" against "a" with
 * "b_c").
 */
START_TEST(test_daemon_tables)
{
	char	 names[512][128];
	size_t	 n = 0, i, j, k;
	const struct stats_table *t, *u;

	for (i = 0; (t = stats_tables[i]) != NULL; i++) {
		if (stats_table_valid(t) == -1)
			ck_abort_msg("table %s is not valid", t->group);
		for (j = 0; j < i; j++) {
			u = stats_tables[j];
			ck_assert_str_ne(t->group, u->group);
		}
		for (k = 0; k < t->nfields; k++) {
			ck_assert_uint_lt(n, 512);
			snprintf(names[n], sizeof(names[n]), "%s_%s%s",
			    t->group, t->fields[k].name,
			    t->fields[k].flags & STATS_GAUGE ? "" : "_total");
			for (j = 0; j < n; j++)
				if (strcmp(names[j], names[n]) == 0)
					ck_abort_msg("metric %s twice",
					    names[n]);
			n++;
		}
	}
	ck_assert_uint_ge(i, 11);
}
END_TEST

/* The stats: lines that tests and operators parse keep their keys. */
START_TEST(test_daemon_stats_lines)
{
	struct buf	b = { 0 };
	uint64_t	zero[64] = { 0 };

	stats_put(&b, &stats_alerts, zero);
	ck_assert_str_eq(b.data, " alerts_written=0 alerts_bytes_written=0 "
	    "alerts_write_errors=0 alerts_lost=0 alerts_reopens=0");
	buf_reset(&b);
	stats_put(&b, &stats_exporter, zero);
	ck_assert_str_eq(b.data, " sessions_live=0 sessions_created=0 "
	    "sessions_evicted=0 sessions_expired=0 sessions_failed=0");
	buf_reset(&b);
	stats_put(&b, &stats_output, zero);
	ck_assert_str_eq(b.data, " records_written=0 bytes_written=0 "
	    "write_errors=0 records_lost=0 reopens=0");
	buf_reset(&b);
	stats_put(&b, &stats_enrich, zero);
	ck_assert_str_eq(b.data, " enrich_endpoints=0 enrich_interfaces=0 "
	    "enrich_processes=0 enrich_updates=0 enrich_joins=0 "
	    "enrich_misses=0 enrich_evicted_full=0 enrich_evicted_age=0");
	buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("statsfmt");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_put_word_sub);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_prometheus);
	tcase_add_test(tc, test_prometheus_utf8);
	tcase_add_test(tc, test_table_valid);
	tcase_add_test(tc, test_daemon_tables);
	tcase_add_test(tc, test_daemon_stats_lines);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
