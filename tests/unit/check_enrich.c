/*
 * check_enrich.c - endpoint, interface and process context joined into flows.
 */
#include <stdio.h>
#include <string.h>

#include "enrich.h"
#include "field.h"
#include "record.h"
#include "testutil.h"

static struct field_dict	*dict;
static struct record		*rec;
static struct enrich		*en;

static void
setup(void)
{
	struct enrich_limits	lim = { .max_endpoints = 2, .max_interfaces = 4,
	    .max_processes = 4, .max_age = 100 };

	dict = field_dict_new();
	rec = record_new(dict, 0);
	en = enrich_new(&lim);
	ck_assert_ptr_nonnull(en);
}

static void
teardown(void)
{
	enrich_free(en);
	record_free(rec);
	field_dict_free(dict);
}

static void
set(int field, const char *v)
{
	ck_assert_int_eq(record_set_text(rec, field, v, strlen(v),
	    ORIGIN_WIRE), 0);
}

static void
endpoint(const char *udid, const char *host, double now)
{
	record_clear(rec);
	set(F_UDID, udid);
	set(F_HOST, host);
	set(F_OS_NAME, "WinNT");
	record_finish(rec, now);
	ck_assert_int_eq(enrich_apply(en, rec, now), 0);
}

static void
flow(const char *udid, double now)
{
	record_clear(rec);
	set(F_UDID, udid);
	set(F_SRC, "10.0.0.1");
	set(F_DEST, "8.8.8.8");
	set(F_INTERFACE_ID, "6");
	set(F_PROCESS_ID, "3040");
	record_finish(rec, now);
	ck_assert_int_eq(enrich_apply(en, rec, now), 0);
}

START_TEST(test_endpoint_joined_into_flow)
{
	endpoint("AA", "STATION-1", 1);
	flow("AA", 2);
	ck_assert_str_eq(record_get1(rec, F_HOST), "STATION-1");
	ck_assert_str_eq(record_get1(rec, F_OS_NAME), "WinNT");
	ck_assert_int_eq(record_origin(rec, F_HOST), ORIGIN_ENRICHED);
	ck_assert_uint_eq(enrich_counters(en)->joins, 1);
	flow("BB", 3);
	ck_assert_int_eq(record_has(rec, F_HOST), 0);
	ck_assert_uint_eq(enrich_counters(en)->misses, 1);
	/* A newer endpoint record replaces the old one. */
	endpoint("AA", "STATION-2", 4);
	flow("AA", 5);
	ck_assert_str_eq(record_get1(rec, F_HOST), "STATION-2");
	ck_assert_uint_eq(enrich_counters(en)->endpoints, 1);
	ck_assert_uint_eq(enrich_counters(en)->updates, 2);
}
END_TEST

START_TEST(test_interface_by_udid_and_id)
{
	record_clear(rec);
	set(F_UDID, "AA");
	set(F_INTERFACE_ID, "6");
	set(F_INTERFACE_NAME, "Ethernet0");
	set(F_INTERFACE_TYPE, "6");
	record_finish(rec, 1);
	ck_assert_int_eq(record_kind(rec), RECORD_INTERFACE);
	enrich_apply(en, rec, 1);
	flow("AA", 2);
	ck_assert_str_eq(record_get1(rec, F_INTERFACE_NAME), "Ethernet0");
	ck_assert_str_eq(record_get1(rec, F_INTERFACE_TYPE), "6");
	ck_assert_uint_eq(enrich_counters(en)->interfaces, 1);
}
END_TEST

START_TEST(test_process_fills_missing_fields_only)
{
	const struct rec_str	*v;
	uint32_t		 n;

	record_clear(rec);
	set(F_UDID, "AA");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_NAME, "svchost.exe");
	set(F_PROCESS_PATH, "C:\\Windows\\System32\\svchost.exe");
	record_append_text(rec, F_MODULE_NAME_LIST, "a.dll", 5, ORIGIN_WIRE);
	record_append_text(rec, F_MODULE_NAME_LIST, "b.dll", 5, ORIGIN_WIRE);
	record_finish(rec, 1);
	ck_assert_int_eq(record_kind(rec), RECORD_PROCESS);
	enrich_apply(en, rec, 1);

	record_clear(rec);
	set(F_UDID, "AA");
	set(F_DEST, "8.8.8.8");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_NAME, "other.exe");
	record_finish(rec, 2);
	enrich_apply(en, rec, 2);
	ck_assert_str_eq(record_get1(rec, F_PROCESS_NAME), "other.exe");
	ck_assert_int_eq(record_origin(rec, F_PROCESS_NAME), ORIGIN_WIRE);
	ck_assert_str_eq(record_get1(rec, F_PROCESS_PATH),
	    "C:\\Windows\\System32\\svchost.exe");
	v = record_get(rec, F_MODULE_NAME_LIST, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1].ptr, "b.dll");
}
END_TEST

/* Context joined from the process cache feeds user, process, ... */
START_TEST(test_joined_context_is_derived_again)
{
	record_clear(rec);
	set(F_UDID, "AA");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_PATH, "/bin/sh");
	set(F_PROCESS_ARGUMENTS, "-c id");
	set(F_PROCESS_ACCOUNT, "CORP\\alice");
	record_finish(rec, 1);
	ck_assert_int_eq(record_kind(rec), RECORD_PROCESS);
	ck_assert_int_eq(enrich_apply(en, rec, 1), 0);

	/* The flow names only the process (pn) and the logged-in user. */
	record_clear(rec);
	set(F_UDID, "AA");
	set(F_SRC, "10.0.0.1");
	set(F_DEST, "8.8.8.8");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_NAME, "sh");
	set(F_LOGGED_IN_USER, "CORP\\bob");
	record_finish(rec, 2);
	ck_assert_str_eq(record_get1(rec, F_PROCESS), "sh");
	ck_assert_str_eq(record_get1(rec, F_USER), "CORP\\bob");
	ck_assert_int_eq(enrich_apply(en, rec, 2), 0);
	ck_assert_str_eq(record_get1(rec, F_PROCESS), "/bin/sh -c id");
	ck_assert_int_eq(record_origin(rec, F_PROCESS), ORIGIN_DERIVED);
	ck_assert_str_eq(record_get1(rec, F_USER), "CORP\\alice");
	ck_assert_str_eq(record_get1(rec, F_PROCESS_ACCOUNT_PRINCIPAL),
	    "alice");
	ck_assert_str_eq(record_get1(rec, F_PROCESS_ACCOUNT_AUTHORITY),
	    "CORP");
	ck_assert_str_eq(record_get1(rec, F_LOGGED_IN_USER_PRINCIPAL), "bob");
}
END_TEST

START_TEST(test_process_guid_mismatch_is_another_process)
{
	record_clear(rec);
	set(F_UDID, "AA");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_GUID, "E89C");
	set(F_PROCESS_PATH, "C:\\a.exe");
	record_finish(rec, 1);
	enrich_apply(en, rec, 1);

	record_clear(rec);
	set(F_UDID, "AA");
	set(F_DEST, "8.8.8.8");
	set(F_PROCESS_ID, "3040");
	set(F_PROCESS_GUID, "0000");
	record_finish(rec, 2);
	enrich_apply(en, rec, 2);
	ck_assert_int_eq(record_has(rec, F_PROCESS_PATH), 0);
}
END_TEST

START_TEST(test_full_cache_evicts_oldest)
{
	endpoint("AA", "A", 1);
	endpoint("BB", "B", 2);
	endpoint("CC", "C", 3);		/* cap is 2: AA goes */
	ck_assert_uint_eq(enrich_counters(en)->evicted_full, 1);
	ck_assert_uint_eq(enrich_counters(en)->endpoints, 2);
	flow("AA", 4);
	ck_assert_int_eq(record_has(rec, F_HOST), 0);
	flow("CC", 4);
	ck_assert_str_eq(record_get1(rec, F_HOST), "C");
}
END_TEST

START_TEST(test_expiry_by_age)
{
	endpoint("AA", "A", 1);
	endpoint("BB", "B", 50);
	enrich_expire(en, 120);		/* max_age 100: AA is 119 s old */
	ck_assert_uint_eq(enrich_counters(en)->evicted_age, 1);
	ck_assert_uint_eq(enrich_counters(en)->endpoints, 1);
	flow("BB", 120);
	ck_assert_str_eq(record_get1(rec, F_HOST), "B");
	enrich_expire(en, 1000);
	ck_assert_uint_eq(enrich_counters(en)->endpoints, 0);
}
END_TEST

START_TEST(test_many_entries_grow_table)
{
	struct enrich_limits	 lim = { .max_endpoints = 5000 };
	struct enrich		*big = enrich_new(&lim);
	char			 udid[32], host[32];
	int			 i;

	for (i = 0; i < 6000; i++) {
		snprintf(udid, sizeof(udid), "U%d", i);
		snprintf(host, sizeof(host), "H%d", i);
		record_clear(rec);
		set(F_UDID, udid);
		set(F_HOST, host);
		record_finish(rec, i);
		enrich_apply(big, rec, i);
	}
	ck_assert_uint_eq(enrich_counters(big)->endpoints, 5000);
	ck_assert_uint_eq(enrich_counters(big)->evicted_full, 1000);
	record_clear(rec);
	set(F_UDID, "U5999");
	set(F_DEST, "1.1.1.1");
	record_finish(rec, 6000);
	enrich_apply(big, rec, 6000);
	ck_assert_str_eq(record_get1(rec, F_HOST), "H5999");
	enrich_free(big);
	enrich_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("enrich");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_endpoint_joined_into_flow);
	tcase_add_test(tc, test_interface_by_udid_and_id);
	tcase_add_test(tc, test_process_fills_missing_fields_only);
	tcase_add_test(tc, test_joined_context_is_derived_again);
	tcase_add_test(tc, test_process_guid_mismatch_is_another_process);
	tcase_add_test(tc, test_full_cache_evicts_oldest);
	tcase_add_test(tc, test_expiry_by_age);
	tcase_add_test(tc, test_many_entries_grow_table);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
