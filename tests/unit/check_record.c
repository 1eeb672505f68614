/*
 * check_record.c - record values, derived fields and JSON rendering.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "record.h"
#include "testutil.h"

static struct field_dict	*dict;
static struct record		*rec;
static struct buf		 out;

static void
setup(void)
{
	dict = field_dict_new();
	rec = record_new(dict, 0);
	ck_assert_ptr_nonnull(rec);
	memset(&out, 0, sizeof(out));
}

static void
teardown(void)
{
	record_free(rec);
	field_dict_free(dict);
	buf_free(&out);
}

static const char *
json(unsigned flags)
{
	buf_reset(&out);
	record_json(rec, &out, flags);
	return out.data;
}

static void
set(int field, const char *v)
{
	ck_assert_int_eq(record_set_text(rec, field, v, strlen(v),
	    ORIGIN_WIRE), 0);
}

/* The one value of a derived field (never a list), or NULL when absent. */
static const char *
derived(int field)
{
	const struct rec_str	*v;
	uint32_t		 n;

	if ((v = record_get(rec, field, &n)) == NULL)
		return NULL;
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].len, strlen(v[0].ptr));
	ck_assert_int_eq(record_origin(rec, field), ORIGIN_DERIVED);
	return v[0].ptr;
}

START_TEST(test_wire_rendering)
{
	static const uint8_t v4[] = { 192, 168, 0, 10 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t port[] = { 0x01, 0xbb };
	static const uint8_t hash[] = { 0x74, 0x0a, 0xff };
	static const uint8_t odd[] = { 1, 2, 3 };

	ck_assert_int_eq(record_set_wire(rec, F_SRC, v4, 4), 0);
	ck_assert_int_eq(record_set_wire(rec, F_DEST, v6, 16), 0);
	ck_assert_int_eq(record_set_wire(rec, F_DEST_PORT, port, 2), 0);
	ck_assert_int_eq(record_set_wire(rec, F_PROCESS_HASH, hash, 3), 0);
	ck_assert_str_eq(record_get1(rec, F_SRC), "192.168.0.10");
	ck_assert_str_eq(record_get1(rec, F_DEST), "2001:db8::1");
	ck_assert_str_eq(record_get1(rec, F_DEST_PORT), "443");
	ck_assert_str_eq(record_get1(rec, F_PROCESS_HASH), "740AFF");
	/* An address of another length is kept as hex, not guessed at. */
	ck_assert_int_eq(record_set_wire(rec, F_SRC, odd, 3), 0);
	ck_assert_str_eq(record_get1(rec, F_SRC), "010203");
	/* Integers take 1 to 8 octets (reduced-size encoding). */
	ck_assert_int_eq(record_set_wire(rec, F_BYTES_IN, odd, 3), 0);
	ck_assert_str_eq(record_get1(rec, F_BYTES_IN), "66051");
	ck_assert_int_eq(record_set_wire(rec, F_BYTES_OUT, v6, 9), -1);
	ck_assert_int_eq(record_has(rec, F_BYTES_OUT), 0);
}
END_TEST

START_TEST(test_multivalue_in_order)
{
	static const uint8_t h1[] = { 0xab }, h2[] = { 0x01, 0x02 };
	const struct rec_str	*v;
	uint32_t		 n;
	char			 name[16];
	int			 i;

	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "mod%02d.dll", i);
		ck_assert_int_eq(record_append_wire(rec, F_MODULE_NAME_LIST,
		    (const uint8_t *)name, strlen(name)), 0);
	}
	record_append_wire(rec, F_MODULE_HASH_LIST, h1, 1);
	record_append_wire(rec, F_MODULE_HASH_LIST, h2, 2);
	v = record_get(rec, F_MODULE_NAME_LIST, &n);
	ck_assert_uint_eq(n, 20);
	ck_assert_str_eq(v[0].ptr, "mod00.dll");
	ck_assert_str_eq(v[19].ptr, "mod19.dll");
	v = record_get(rec, F_MODULE_HASH_LIST, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].ptr, "AB");
	ck_assert_str_eq(v[1].ptr, "0102");
	ck_assert_int_eq(record_set_empty_list(rec, F_ALIUL), 0);
	ck_assert_int_eq(record_has(rec, F_ALIUL), 1);
	ck_assert_ptr_null(record_get1(rec, F_ALIUL));
}
END_TEST

START_TEST(test_derived_fields)
{
	record_set_text(rec, F_PROTOCOL, "6", 1, ORIGIN_WIRE);
	record_set_text(rec, F_SRC, "10.0.0.1", 8, ORIGIN_WIRE);
	record_set_text(rec, F_FLOW_START, "1784017733", 10, ORIGIN_WIRE);
	record_set_text(rec, F_FLOW_START_MS, "1784017733536", 13, ORIGIN_WIRE);
	record_set_text(rec, F_LOGGED_IN_USER, "WIN-ANIKET\\Hostscan", 19,
	    ORIGIN_WIRE);
	record_set_text(rec, F_PROCESS_ACCOUNT, "SYSTEM", 6, ORIGIN_WIRE);
	record_set_uint(rec, F_BYTES_IN, 7660, ORIGIN_WIRE);
	record_set_uint(rec, F_BYTES_OUT, 213, ORIGIN_WIRE);
	ck_assert_int_eq(record_finish(rec, 5.0), 0);
	ck_assert_int_eq(record_kind(rec), RECORD_FLOW);
	ck_assert_str_eq(record_get1(rec, F_TRANSPORT), "tcp");
	ck_assert_str_eq(record_get1(rec, F_TIME), "1784017733.536");
	ck_assert(record_time(rec) == 1784017733.536);
	ck_assert_str_eq(record_get1(rec, F_BYTES), "7873");
	ck_assert_str_eq(record_get1(rec, F_LOGGED_IN_USER_AUTHORITY),
	    "WIN-ANIKET");
	ck_assert_str_eq(record_get1(rec, F_LOGGED_IN_USER_PRINCIPAL),
	    "Hostscan");
	ck_assert_int_eq(record_has(rec, F_PROCESS_ACCOUNT_AUTHORITY), 0);
	ck_assert_str_eq(record_get1(rec, F_PROCESS_ACCOUNT_PRINCIPAL),
	    "SYSTEM");
	ck_assert_str_eq(record_get1(rec, F_SOURCETYPE), "cisco:nvm:flowdata");
	ck_assert_int_eq(record_origin(rec, F_TRANSPORT), ORIGIN_DERIVED);
}
END_TEST

START_TEST(test_time_fallbacks_and_transport_numbers)
{
	record_set_text(rec, F_PROTOCOL, "17", 2, ORIGIN_WIRE);
	record_set_text(rec, F_FLOW_START, "1491362773", 10, ORIGIN_WIRE);
	record_finish(rec, 5.0);
	ck_assert_str_eq(record_get1(rec, F_TIME), "1491362773");
	ck_assert_str_eq(record_get1(rec, F_TRANSPORT), "udp");

	record_clear(rec);
	ck_assert_int_eq(record_has(rec, F_TIME), 0);
	record_set_text(rec, F_PROTOCOL, "132", 3, ORIGIN_WIRE);
	record_set_text(rec, F_OS_NAME, "WinNT", 5, ORIGIN_WIRE);
	record_finish(rec, 1700000000.25);
	ck_assert_str_eq(record_get1(rec, F_TIME), "1700000000.250");
	ck_assert_str_eq(record_get1(rec, F_TRANSPORT), "132");
	ck_assert_int_eq(record_kind(rec), RECORD_ENDPOINT);
	ck_assert_str_eq(record_get1(rec, F_SOURCETYPE), "cisco:nvm:sysdata");

	record_clear(rec);
	record_set_uint(rec, F_BYTES_IN, UINT64_MAX, ORIGIN_WIRE);
	record_set_uint(rec, F_BYTES_OUT, 1, ORIGIN_WIRE);
	record_finish(rec, 0);
	ck_assert_int_eq(record_has(rec, F_BYTES), 0);	/* would wrap */

	record_clear(rec);
	record_set_text(rec, F_PROTOCOL, "1", 1, ORIGIN_WIRE);
	record_finish(rec, 0);
	ck_assert_str_eq(record_get1(rec, F_TRANSPORT), "icmp");
	record_clear(rec);
	record_set_text(rec, F_PROTOCOL, "58", 2, ORIGIN_WIRE);
	record_finish(rec, 0);
	ck_assert_str_eq(record_get1(rec, F_TRANSPORT), "icmpv6");
}
END_TEST

START_TEST(test_user)
{
	/* The process account, as sent, wins over the logged-in user. */
	set(F_LOGGED_IN_USER, "WIN-ANIKET\\Hostscan");
	set(F_PROCESS_ACCOUNT, "NT AUTHORITY\\SYSTEM");
	ck_assert_int_eq(record_finish(rec, 0), 0);
	ck_assert_str_eq(derived(F_USER), "NT AUTHORITY\\SYSTEM");

	record_clear(rec);
	set(F_LOGGED_IN_USER, "WIN-ANIKET\\Hostscan");
	record_finish(rec, 0);
	ck_assert_str_eq(derived(F_USER), "WIN-ANIKET\\Hostscan");

	/* An empty process account (the collector's '') is no account. */
	record_clear(rec);
	set(F_PROCESS_ACCOUNT, "");
	set(F_LOGGED_IN_USER, "root");
	record_finish(rec, 0);
	ck_assert_str_eq(derived(F_USER), "root");

	record_clear(rec);
	set(F_PROCESS_ACCOUNT, "");
	set(F_PARENT_PROCESS_ACCOUNT, "NT AUTHORITY\\SYSTEM");
	set(F_SRC, "10.0.0.1");
	record_finish(rec, 0);
	ck_assert_ptr_null(derived(F_USER));

	/* A value already there is kept. */
	record_clear(rec);
	set(F_PROCESS_ACCOUNT, "alice");
	ck_assert_int_eq(record_set_text(rec, F_USER, "bob", 3,
	    ORIGIN_ENRICHED), 0);
	record_finish(rec, 0);
	ck_assert_str_eq(record_get1(rec, F_USER), "bob");
}
END_TEST

START_TEST(test_process_command_lines)
{
	set(F_PROCESS_PATH, "C:\\Windows\\System32\\svchost.exe");
	set(F_PROCESS_NAME, "svchost.exe");
	set(F_PROCESS_ARGUMENTS, "-k UnistackSvcGroup -s WpnUserService");
	set(F_PARENT_PROCESS_PATH, "C:\\Windows\\System32\\services.exe");
	set(F_PARENT_PROCESS_NAME, "services.exe");
	ck_assert_int_eq(record_finish(rec, 0), 0);
	ck_assert_str_eq(derived(F_PROCESS), "C:\\Windows\\System32\\"
	    "svchost.exe -k UnistackSvcGroup -s WpnUserService");
	ck_assert_str_eq(derived(F_PARENT_PROCESS),
	    "C:\\Windows\\System32\\services.exe");

	/* Older agents send no path: the name is the image. Arguments are
	 * kept byte for byte, a leading space too. */
	record_clear(rec);
	set(F_PROCESS_NAME, "msiexec.exe");
	set(F_PROCESS_ARGUMENTS, " /i x.msi");
	set(F_PARENT_PROCESS_NAME, "cmd.exe");
	set(F_PARENT_PROCESS_ARGUMENTS, "");
	record_finish(rec, 0);
	ck_assert_str_eq(derived(F_PROCESS), "msiexec.exe  /i x.msi");
	ck_assert_str_eq(derived(F_PARENT_PROCESS), "cmd.exe");

	/* An empty path falls back to the name; arguments alone stand. */
	record_clear(rec);
	set(F_PROCESS_PATH, "");
	set(F_PROCESS_NAME, "bash");
	set(F_PARENT_PROCESS_ARGUMENTS, "--type=renderer");
	record_finish(rec, 0);
	ck_assert_str_eq(derived(F_PROCESS), "bash");
	ck_assert_str_eq(derived(F_PARENT_PROCESS), "--type=renderer");

	record_clear(rec);
	set(F_SRC, "10.0.0.1");
	set(F_PROCESS_ID, "42");
	record_finish(rec, 0);
	ck_assert_ptr_null(derived(F_PROCESS));
	ck_assert_ptr_null(derived(F_PARENT_PROCESS));

	/* A value already there is kept. */
	record_clear(rec);
	set(F_PROCESS_NAME, "a");
	set(F_PROCESS, "b c");
	record_finish(rec, 0);
	ck_assert_str_eq(record_get1(rec, F_PROCESS), "b c");
}
END_TEST

START_TEST(test_cim_fields_in_json)
{
	set(F_PROCESS_ACCOUNT, "u\\v");
	set(F_PROCESS_NAME, "curl");
	set(F_PROCESS_ARGUMENTS, "-k \"x\"");
	record_set_kind(rec, RECORD_PROCESS);
	record_finish(rec, 0);
	ck_assert_str_eq(json(RECORD_JSON_KEYS | RECORD_JSON_WIRE),
	    "{\"_template\":0,\"_odid\":0,\"pa\":\"u\\\\v\",\"pn\":\"curl\","
	    "\"parg\":\"-k \\\"x\\\"\"}");
	ck_assert_str_eq(json(0),
	    "{\"process_account\":\"u\\\\v\",\"process_name\":\"curl\","
	    "\"process_arguments\":\"-k \\\"x\\\"\",\"_time\":0.000,"
	    "\"process_account_authority\":\"u\","
	    "\"process_account_principal\":\"v\","
	    "\"sourcetype\":\"cisco:nvm:processdata\",\"user\":\"u\\\\v\","
	    "\"process\":\"curl -k \\\"x\\\"\"}");
}
END_TEST

START_TEST(test_command_line_past_arena_limit)
{
	struct record	*small = record_new(dict, 4096);
	char		 big[1800];

	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(record_set_text(small, F_PROCESS_PATH, big,
	    sizeof(big), ORIGIN_WIRE), 0);
	ck_assert_int_eq(record_set_text(small, F_PROCESS_ARGUMENTS, big,
	    sizeof(big), ORIGIN_WIRE), 0);
	/* No room for the joined copy: finish says so, process is absent. */
	ck_assert_int_eq(record_finish(small, 0), -1);
	ck_assert_int_eq(record_has(small, F_PROCESS), 0);
	ck_assert_int_eq(record_has(small, F_TIME), 1);
	record_free(small);
}
END_TEST

START_TEST(test_classify)
{
	record_set_text(rec, F_UDID, "AB", 2, ORIGIN_WIRE);
	record_set_text(rec, F_INTERFACE_NAME, "eth0", 4, ORIGIN_WIRE);
	ck_assert_int_eq(record_classify(rec), RECORD_INTERFACE);
	record_clear(rec);
	record_set_text(rec, F_UDID, "AB", 2, ORIGIN_WIRE);
	record_set_text(rec, F_PROCESS_ID, "4", 1, ORIGIN_WIRE);
	ck_assert_int_eq(record_classify(rec), RECORD_PROCESS);
	record_set_text(rec, F_DEST, "10.0.0.1", 8, ORIGIN_WIRE);
	ck_assert_int_eq(record_classify(rec), RECORD_FLOW);
	record_clear(rec);
	record_set_text(rec, F_UDID, "AB", 2, ORIGIN_WIRE);
	ck_assert_int_eq(record_classify(rec), RECORD_UNKNOWN);
	ck_assert_str_eq(record_kind_name(RECORD_PROCESS), "process");
}
END_TEST

START_TEST(test_json_modes)
{
	record_set_source(rec, 127, 267);
	record_set_text(rec, F_PROTOCOL, "17", 2, ORIGIN_WIRE);
	record_set_text(rec, F_LOGGED_IN_USER, "MYNVM\\dummy11", 13,
	    ORIGIN_WIRE);
	record_append_text(rec, F_MODULE_NAME_LIST, "a.dll", 5, ORIGIN_WIRE);
	record_set_text(rec, F_HOST, "STATION", 7, ORIGIN_ENRICHED);
	record_set_text(rec, F_FLOW_START, "1491362773", 10, ORIGIN_WIRE);
	record_set_kind(rec, RECORD_FLOW);	/* a kind set wins over classify */
	record_finish(rec, 0);
	ck_assert_str_eq(json(RECORD_JSON_KEYS | RECORD_JSON_WIRE),
	    "{\"_template\":267,\"_odid\":127,\"pr\":17,"
	    "\"liuid\":\"MYNVM\\\\dummy11\",\"mnl\":[\"a.dll\"],"
	    "\"fss\":1491362773}");
	ck_assert_str_eq(json(0),
	    "{\"protocol_identifier\":17,"
	    "\"logged_in_user\":\"MYNVM\\\\dummy11\","
	    "\"module_name_list\":[\"a.dll\"],\"hostname\":\"STATION\","
	    "\"flow_start_sec\":1491362773,\"_time\":1491362773,"
	    "\"transport\":\"udp\","
	    "\"logged_in_user_authority\":\"MYNVM\","
	    "\"logged_in_user_principal\":\"dummy11\","
	    "\"sourcetype\":\"cisco:nvm:flowdata\","
	    "\"user\":\"MYNVM\\\\dummy11\"}");
}
END_TEST

START_TEST(test_numeric_text_that_is_no_number_stays_a_string)
{
	record_set_text(rec, F_DEST_PORT, "http", 4, ORIGIN_WIRE);
	record_set_text(rec, F_SRC_PORT, "007", 3, ORIGIN_WIRE);
	record_set_text(rec, F_BYTES_IN, "", 0, ORIGIN_WIRE);
	ck_assert_str_eq(json(RECORD_JSON_KEYS),
	    "{\"dp\":\"http\",\"sp\":\"007\",\"ibc\":\"\"}");
}
END_TEST

START_TEST(test_arena_limit_fails_cleanly)
{
	struct record	*small = record_new(dict, 4096);
	char		 big[3000];
	int		 i, rc = 0;

	memset(big, 'x', sizeof(big));
	for (i = 0; i < 10 && rc == 0; i++)
		rc = record_set_text(small, F_PROCESS_ARGUMENTS + (i % 2), big,
		    sizeof(big), ORIGIN_WIRE);
	ck_assert_int_eq(rc, -1);
	/* A list whose first value does not fit is absent, not empty. */
	ck_assert_int_eq(record_append_text(small, F_ALIUL, big, sizeof(big),
	    ORIGIN_WIRE), -1);
	ck_assert_int_eq(record_has(small, F_ALIUL), 0);
	ck_assert_int_eq(record_append_wire(small, F_MODULE_HASH_LIST,
	    (const uint8_t *)big, sizeof(big)), -1);
	ck_assert_int_eq(record_has(small, F_MODULE_HASH_LIST), 0);
	record_clear(small);
	ck_assert_int_eq(record_set_text(small, F_PROCESS_NAME, "a", 1,
	    ORIGIN_WIRE), 0);
	record_free(small);
	record_free(NULL);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("record");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wire_rendering);
	tcase_add_test(tc, test_multivalue_in_order);
	tcase_add_test(tc, test_derived_fields);
	tcase_add_test(tc, test_time_fallbacks_and_transport_numbers);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_process_command_lines);
	tcase_add_test(tc, test_cim_fields_in_json);
	tcase_add_test(tc, test_command_line_past_arena_limit);
	tcase_add_test(tc, test_classify);
	tcase_add_test(tc, test_json_modes);
	tcase_add_test(tc, test_numeric_text_that_is_no_number_stays_a_string);
	tcase_add_test(tc, test_arena_limit_fails_cleanly);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
