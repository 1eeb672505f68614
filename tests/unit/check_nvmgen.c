/*
 * check_nvmgen.c - the synthetic record generator: determinism, exact
 * trigger count, and what makes a flow trigger the seed detection.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ipfix_export.h"
#include "nvmgen.h"
#include "record.h"
#include "testutil.h"

/* The seed detection's `by` fields (transport derives from pr). */
static const int by_fields[] = {
	F_SRC, F_DEST, F_PARENT_PROCESS_PATH, F_PARENT_PROCESS_INTEGRITY_LEVEL,
	F_PROCESS_PATH, F_PROCESS_NAME, F_PROCESS_INTEGRITY_LEVEL,
	F_PROCESS_ID, F_PROTOCOL,
};

static struct field_dict	*dict;
static struct record		*rec;

static void
setup(void)
{
	dict = field_dict_new();
	rec = record_new(dict, 0);
	ck_assert_ptr_nonnull(rec);
}

static void
teardown(void)
{
	record_free(rec);
	field_dict_free(dict);
}

/* All records of a generator as JSON lines, plus counts. */
static char *
render_all(const struct nvmgen_opts *o, uint64_t *n, uint64_t *trig)
{
	struct nvmgen_error	 err;
	struct nvmgen		*g = nvmgen_new(o, &err);
	struct buf		 b = { 0 };

	ck_assert_ptr_nonnull(g);
	*n = *trig = 0;
	while (nvmgen_next(g, rec) == 1) {
		record_json(rec, &b, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
		buf_putc(&b, '\n');
		(*n)++;
		*trig += nvmgen_last_trigger(g) ? 1 : 0;
	}
	ck_assert_uint_eq(*n, nvmgen_total(g));
	nvmgen_free(g);
	ck_assert_int_eq(b.failed, 0);
	return b.data;
}

static int
is_trigger_name(const char *s)
{
	int	i;

	for (i = 0; nvmgen_trigger_names[i] != NULL; i++)
		if (strcasecmp(nvmgen_trigger_names[i], s) == 0)
			return 1;
	return 0;
}

/* RFC 1918 and the other excluded ranges a generated dest may fall in. */
static int
is_private4(const char *s)
{
	struct in_addr	a;
	uint32_t	x;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0;
	x = ntohl(a.s_addr);
	return (x >> 24) == 10 || (x >> 20) == 0xac1 || (x >> 16) == 0xc0a8 ||
	    (x >> 24) == 127 || (x >> 28) >= 14 || (x >> 22) == (0x6440 >> 6);
}

START_TEST(test_same_seed_same_records)
{
	struct nvmgen_opts	 o;
	char			*a, *b, *c;
	uint64_t		 n, t;

	nvmgen_opts_default(&o);
	o.seed = 42;
	o.flows = 300;
	o.ipv6_share = 0.3;
	a = render_all(&o, &n, &t);
	b = render_all(&o, &n, &t);
	ck_assert_str_eq(a, b);
	o.seed = 43;
	c = render_all(&o, &n, &t);
	ck_assert_str_ne(a, c);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_trigger_share_exact)
{
	static const struct { uint64_t flows; double share; uint64_t want; }
	    cases[] = { { 1000, 0.1, 100 }, { 1000, 0, 0 }, { 7, 1, 7 },
	    { 999, 0.5, 500 }, { 1, 0.4, 0 } };
	struct nvmgen_opts	 o;
	uint64_t		 n, t;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nvmgen_opts_default(&o);
		o.seed = 1000 + i;
		o.flows = cases[i].flows;
		o.trigger_share = cases[i].share;
		free(render_all(&o, &n, &t));
		ck_assert_uint_eq(t, cases[i].want);
		ck_assert_uint_eq(n, 2 * o.endpoints + o.flows);
	}
}
END_TEST

/* Triggering flows match the detection; the others cannot. */
START_TEST(test_trigger_semantics)
{
	struct nvmgen_opts	 o;
	struct nvmgen_error	 err;
	struct nvmgen		*g;
	const char		*pn, *da;
	uint64_t		 i = 0;
	size_t			 k;

	nvmgen_opts_default(&o);
	o.flows = 2000;
	o.trigger_share = 0.25;
	o.ipv6_share = 0.2;
	o.process_mix = "chrome.exe:10,notepad.exe:5,Calc.exe:1";
	g = nvmgen_new(&o, &err);
	ck_assert_ptr_nonnull(g);
	while (nvmgen_next(g, rec) == 1) {
		if (i++ < 2 * o.endpoints) {
			ck_assert_uint_eq(record_template(rec), i % 2 ?
			    IPFIX_TID_ENDPOINT : IPFIX_TID_INTERFACE);
			continue;
		}
		pn = record_get1(rec, F_PROCESS_NAME);
		da = record_get1(rec, F_DEST);
		ck_assert_ptr_nonnull(pn);
		ck_assert_ptr_nonnull(da);
		if (nvmgen_last_trigger(g)) {
			ck_assert(is_trigger_name(pn));
			ck_assert(!is_private4(da));
			ck_assert_str_ne(da, "::1");
			for (k = 0; k < sizeof(by_fields) / sizeof(by_fields[0]);
			    k++)
				ck_assert(record_has(rec, by_fields[k]));
		} else if (is_trigger_name(pn))
			ck_assert_msg(is_private4(da), "%s to %s", pn, da);
	}
	nvmgen_free(g);
}
END_TEST

/* Fields are set in template order, every template field present. */
START_TEST(test_template_order)
{
	struct nvmgen_opts			 o;
	struct nvmgen_error			 err;
	struct nvmgen				*g;
	const struct ipfix_export_template	*t;
	const int				*order;
	const uint16_t				*ids;
	int					 n, j, nids, seen[6] = { 0 };

	nvmgen_opts_default(&o);
	o.flows = 400;
	o.ipv6_share = 0.5;
	ids = ipfix_export_template_ids(&nids);
	ck_assert_int_eq(nids, 6);
	g = nvmgen_new(&o, &err);
	while (nvmgen_next(g, rec) == 1) {
		t = ipfix_export_template(record_template(rec));
		ck_assert_ptr_nonnull(t);
		ck_assert_uint_eq(record_odid(rec), 127);
		order = record_fields(rec, &n);
		ck_assert_int_eq(n, t->nelems);
		for (j = 0; j < n; j++)
			ck_assert_int_eq(order[j], field_dict_element(dict,
			    t->elems[j].pen, t->elems[j].id));
		for (j = 0; j < nids; j++)
			seen[j] += ids[j] == t->id;
	}
	for (j = 0; j < 6; j++)
		ck_assert_int_gt(seen[j], 0);
	nvmgen_free(g);
}
END_TEST

START_TEST(test_bad_options)
{
	static const char *const bad_dest[] = { "", "nowhere:3", "10.0.0.0/33",
	    "public:x", "private:0", ":5" };
	struct nvmgen_opts	 o;
	struct nvmgen_error	 err;
	struct nvmgen		*g;
	size_t			 i;

	for (i = 0; i < sizeof(bad_dest) / sizeof(bad_dest[0]); i++) {
		nvmgen_opts_default(&o);
		o.dest_mix = bad_dest[i];
		g = nvmgen_new(&o, &err);
		if (i == 0) {		/* empty means the default */
			ck_assert_ptr_nonnull(g);
			nvmgen_free(g);
			continue;
		}
		ck_assert_msg(g == NULL, "accepted \"%s\"", bad_dest[i]);
		ck_assert(strstr(err.msg, "destination") != NULL);
	}
	nvmgen_opts_default(&o);
	o.trigger_share = 1.5;
	ck_assert_ptr_null(nvmgen_new(&o, &err));
	o.trigger_share = 0;
	o.dest_mix = "2001:db8::/32:5,10.1.0.0/16,public";
	g = nvmgen_new(&o, &err);
	ck_assert_ptr_nonnull(g);
	nvmgen_free(g);
}
END_TEST

/* A CIDR in the destination mix is honoured for its family. */
START_TEST(test_dest_cidr)
{
	struct nvmgen_opts	 o;
	struct nvmgen_error	 err;
	struct nvmgen		*g;
	const char		*da;

	nvmgen_opts_default(&o);
	o.trigger_share = 0;
	o.ipv6_share = 0;
	o.flows = 200;
	o.dest_mix = "198.51.100.0/24";
	g = nvmgen_new(&o, &err);
	ck_assert_ptr_nonnull(g);
	while (nvmgen_next(g, rec) == 1)
		if ((da = record_get1(rec, F_DEST)) != NULL &&
		    !is_trigger_name(record_get1(rec, F_PROCESS_NAME)))
			ck_assert_msg(strncmp(da, "198.51.100.", 11) == 0,
			    "%s", da);
	nvmgen_free(g);
}
END_TEST

static Suite *
nvmgen_suite(void)
{
	Suite	*s = suite_create("nvmgen");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_same_seed_same_records);
	tcase_add_test(tc, test_trigger_share_exact);
	tcase_add_test(tc, test_trigger_semantics);
	tcase_add_test(tc, test_template_order);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_dest_cidr);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(nvmgen_suite());
}
