/*
 * check_alert_fmt.c - alert payloads (json, cef, leef, kv) and the RFC
 * 5424 and RFC 3164 framing: a seed-like alert in each, hostile values in
 * each (quotes, ']', '\', '|', '=', '^', newlines, tabs, controls, bytes
 * that are not UTF-8, odd field names, 100 KB values), header limits,
 * structured data escaping, and truncation inside multibyte characters.
 * Every output is checked to be one line of valid UTF-8.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_fmt.h"
#include "buf.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "testutil.h"

#define NOW	1733313600.123		/* 2024-12-04T12:00:00.123Z */
#define BIG	(100 * 1024)

static struct row	 row;
static struct rule	 rule;
static struct buf	 out;
static char		*mitre[2];
static char		 name_r[] = "r";
static char		 name_re[] = "r\xc3\xa9\xc3\xa9\xc3\xa9";

static void		 setup(void);
static void		 teardown(void);
static void		 put(const char *, unsigned, ...);
static void		 put_len(const char *, const char *, size_t);
static void		 seed(void);
static void		 hostile(void);
static int		 utf8_line(const char *, size_t, int);
static const char	*fmt(enum alert_format);
static const char	*s5424(enum alert_format, const char *, int, int,
			    size_t);
static const char	*s3164(enum alert_format, const char *, size_t);
static const char	*json_of_alert_json(void);
static int		 starts(const char *, const char *);

static void
setup(void)
{
	ck_assert_int_eq(row_init(&row), 0);
	memset(&rule, 0, sizeof(rule));
	rule.version = -1;
	memset(&out, 0, sizeof(out));
}

static void
teardown(void)
{
	row_free(&row);
	buf_free(&out);
}

/* Field name of the test row with the values that follow, up to NULL. */
static void
put(const char *name, unsigned flags, ...)
{
	struct row_field	*f;
	const char		*v;
	va_list			 ap;

	f = row_set(&row, name, flags);
	ck_assert_ptr_nonnull(f);
	va_start(ap, flags);
	while ((v = va_arg(ap, const char *)) != NULL)
		ck_assert_int_eq(row_add_value(&row, f, v, strlen(v)), 0);
	va_end(ap);
}

static void
put_len(const char *name, const char *v, size_t len)
{
	struct row_field	*f;

	f = row_set(&row, name, 0);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(row_add_value(&row, f, v, len), 0);
}

/* The seed detection's alert: lists, a number, a null field. */
static void
seed(void)
{
	static char	name[] = "Cisco NVM - Non-Network Binary Making "
			    "Network Connection";
	static char	short_name[] =
			    "cisco_nvm___non_network_binary_making_network_"
			    "connection";
	static char	id[] = "0b1c2d3e-aaaa-bbbb-cccc-0123456789ab";
	static char	m1[] = "T1055", m2[] = "T1036";

	mitre[0] = m1;
	mitre[1] = m2;
	rule.name = name;
	rule.short_name = short_name;
	rule.id = id;
	rule.version = 3;
	rule.mitre = mitre;
	rule.nmitre = 2;
	row.window_start = 1733310000;
	row.window_end = 1733313600;
	put("process_name", 0, "notepad.exe", NULL);
	put("process_hash", ROWF_MV, "aa11", "bb22", NULL);
	put("src", 0, "10.1.2.3", NULL);
	put("dest_hostname", ROWF_MV, NULL);
	put("dest", 0, "8.8.8.8", NULL);
	put("dest_port", ROWF_MV, "53", NULL);
	put("count", ROWF_NUM, "3", NULL);
	put("firstTime", 0, "2024-12-04T11:39:05", NULL);
}

/* Everything a format must escape, in the rule and in the row. */
static void
hostile(void)
{
	static char	name[] = "Odd \"rule\" | a\\b = c ^ ]\nnext";
	static char	short_name[] = "odd|rule\\x", id[] = "id\"]";

	rule.name = name;
	rule.short_name = short_name;
	rule.id = id;
	row.window_start = 1733310000;
	row.window_end = 1733313600;
	row.flags = ROW_LATE | ROW_TRUNCATED;
	put("q", 0, "say \"hi\"", NULL);
	put("sd", 0, "a]b", NULL);
	put("bs", 0, "C:\\dir\\", NULL);
	put("pipe", 0, "a|b", NULL);
	put("eq", 0, "k=v", NULL);
	put("caret", 0, "x^y", NULL);
	put("nl", 0, "l1\nl2\r", NULL);
	put("tab", 0, "a\tb", NULL);
	put("ctl", 0, "\x01\x1b[31m\x7f", NULL);
	put("bad", 0, "\xff\xfe ok \xc3\xa9 \xe2\x82", NULL);
	put("field name", 0, "1", NULL);
	put("a=b]\"", 0, "2", NULL);
	put("h\xc3\xa9llo\xff", 0, "3", NULL);
	put("", 0, "empty name", NULL);
	put("rule", 0, "collides", NULL);
	put("dest", 0, "evil.example", NULL);
	put("dest_port", 0, "99999", NULL);
	put("list", ROWF_MV, "a,b", "c\"d", NULL);
}

/*
 * 1 when s[0..len) is valid UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) with no control byte or DEL (tab allowed
 * when tab): one line a receiver can take.
 */
static int
utf8_line(const char *s, size_t len, int tab)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, need, k;
	uint32_t		 cp, min;

	while (i < len) {
		cp = p[i];
		if (cp < 0x80) {
			if ((cp < 0x20 && !(tab && cp == '\t')) || cp == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (cp >= 0xc0 && cp <= 0xdf)
			need = 1, cp &= 0x1f, min = 0x80;
		else if (cp >= 0xe0 && cp <= 0xef)
			need = 2, cp &= 0x0f, min = 0x800;
		else if (cp >= 0xf0 && cp <= 0xf7)
			need = 3, cp &= 0x07, min = 0x10000;
		else
			return 0;
		if (len - i <= need)
			return 0;
		for (k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static const char *
fmt(enum alert_format f)
{
	buf_reset(&out);
	alert_format(&rule, &row, NOW, f, &out);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_uint_eq(strlen(out.data), out.len);
	ck_assert_msg(utf8_line(out.data, out.len, f == ALERT_LEEF),
	    "%s: not one line of UTF-8", alert_format_name(f));
	return out.data;
}

static const char *
s5424(enum alert_format f, const char *host, int facility, int severity,
    size_t max)
{
	buf_reset(&out);
	alert_syslog_5424(&rule, &row, NOW, f, host, facility, severity,
	    ALERT_ENTERPRISE_DEFAULT, max, &out);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_msg(utf8_line(out.data, out.len, f == ALERT_LEEF),
	    "5424: not one line of UTF-8");
	ck_assert_uint_le(out.len, max < ALERT_SYSLOG_MIN ?
	    ALERT_SYSLOG_MIN : max);
	return out.data;
}

static const char *
s3164(enum alert_format f, const char *host, size_t max)
{
	buf_reset(&out);
	alert_syslog_3164(&rule, &row, NOW, f, host, 10, 4, max, &out);
	ck_assert_int_eq(out.failed, 0);
	ck_assert_msg(utf8_line(out.data, out.len, f == ALERT_LEEF),
	    "3164: not one line of UTF-8");
	ck_assert_uint_le(out.len, max < ALERT_SYSLOG_MIN ?
	    ALERT_SYSLOG_MIN : max);
	return out.data;
}

/* What json must be: alert_json() with "schema_version":1 first. */
static const char *
json_of_alert_json(void)
{
	static char	*text;
	struct buf	 j = { 0 }, want = { 0 };

	alert_json(&rule, &row, NOW, &j);
	buf_puts(&want, "{\"schema_version\":1,");
	buf_puts(&want, j.data + 1);
	ck_assert_int_eq(want.failed, 0);
	free(text);
	text = want.data;
	buf_free(&j);
	return text;
}

static int
starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

START_TEST(test_seed_json)
{
	seed();
	ck_assert_str_eq(fmt(ALERT_JSON),
	    "{\"schema_version\":1,\"alert_time\":\"2024-12-04T12:00:00.123Z"
	    "\",\"rule\":\"Cisco NVM - Non-Network Binary "
	    "Making Network Connection\",\"rule_id\":\"0b1c2d3e-aaaa-bbbb-ccc"
	    "c-0123456789ab\",\"rule_version\":3,\"rule_file\":\"cisco_nvm___"
	    "non_network_binary_making_network_connection\","
	    "\"mitre_attack_id\":[\"T1055\",\"T1036\"],\"window_start\":\"202"
	    "4-12-04T11:00:00Z\",\"window_end\":\"2024-12-04T12:00:00Z\","
	    "\"emit\":\"close\",\"late\":false,\"partial\":false,"
	    "\"truncated\":false,\"fields\":{\"process_name\":\"notepad.exe\""
	    ",\"process_hash\":[\"aa11\",\"bb22\"],\"src\":\"10.1.2.3\","
	    "\"dest_hostname\":null,\"dest\":\"8.8.8.8\","
	    "\"dest_port\":[\"53\"],\"count\":3,\"firstTime\":\"2024-12-04T11"
	    ":39:05\"}}");
	ck_assert_str_eq(fmt(ALERT_JSON), json_of_alert_json());
}
END_TEST

START_TEST(test_seed_cef)
{
	seed();
	ck_assert_str_eq(fmt(ALERT_CEF),
	    "CEF:0|Cisco|nvmwatch|0.1.0|cisco_nvm___non_network_binary_making"
	    "_network_connection|Cisco NVM - Non-Network "
	    "Binary Making Network Connection|5|rt=1733313600123 "
	    "start=1733310000000 end=1733313600000 cs1Label=rule_id "
	    "cs1=0b1c2d3e-aaaa-bbbb-cccc-0123456789ab cn1Label=rule_version "
	    "cn1=3 cs2Label=mitre_attack_id cs2=T1055,T1036 "
	    "sproc=notepad.exe nvmwatch_process_hash=aa11,"
	    "bb22 src=10.1.2.3 dst=8.8.8.8 dpt=53 cnt=3 nvmwatch_firstTime=20"
	    "24-12-04T11:39:05");
}
END_TEST

START_TEST(test_seed_leef)
{
	seed();
	ck_assert_str_eq(fmt(ALERT_LEEF),
	    "LEEF:2.0|Cisco|nvmwatch|0.1.0|cisco_nvm___non_network_binary_mak"
	    "ing_network_connection|x09|devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.S"
	    "SSZ\tdevTime=2024-12-04T12:00:00.123+0000\tsev=5\t"
	    "rule=Cisco NVM - Non-Network Binary Making Network "
	    "Connection\trule_id=0b1c2d3e-aaaa-bbbb-cccc-0123456789ab\t"
	    "rule_version=3\trule_file=cisco_nvm___non_network_binary_making_"
	    "network_connection\tmitre_attack_id=T1055,T1036\t"
	    "window_start=2024-12-04T11:00:00Z\twindow_end=2024-12-04T12:00:0"
	    "0Z\tprocess_name=notepad.exe\tprocess_hash=aa11,"
	    "bb22\tsrc=10.1.2.3\tdst=8.8.8.8\tdstPort=53\t"
	    "count=3\tfirstTime=2024-12-04T11:39:05");
}
END_TEST

START_TEST(test_seed_kv)
{
	seed();
	ck_assert_str_eq(fmt(ALERT_KV),
	    "alert_time=\"2024-12-04T12:00:00.123Z\" rule=\"Cisco "
	    "NVM - Non-Network Binary Making Network Connection\" "
	    "rule_id=\"0b1c2d3e-aaaa-bbbb-cccc-0123456789ab\" "
	    "rule_version=\"3\" rule_file=\"cisco_nvm___non_network_binary_ma"
	    "king_network_connection\" mitre_attack_id=\"T1055,"
	    "T1036\" window_start=\"2024-12-04T11:00:00Z\" "
	    "window_end=\"2024-12-04T12:00:00Z\" emit=\"close\" "
	    "late=\"false\" partial=\"false\" truncated=\"false\" "
	    "process_name=\"notepad.exe\" process_hash=\"aa11,"
	    "bb22\" src=\"10.1.2.3\" dest=\"8.8.8.8\" dest_port=\"53\" "
	    "count=\"3\" firstTime=\"2024-12-04T11:39:05\"");
}
END_TEST

START_TEST(test_hostile_json)
{
	const char	*want;

	hostile();
	want = json_of_alert_json();
	ck_assert_str_eq(fmt(ALERT_JSON), want);
	ck_assert_ptr_nonnull(strstr(out.data, "\"bad\":\"\\u00ff\\u00fe ok "
	    "\xc3\xa9 \\u00e2\\u0082\""));
}
END_TEST

START_TEST(test_hostile_cef)
{
	hostile();
	ck_assert_str_eq(fmt(ALERT_CEF),
	    "CEF:0|Cisco|nvmwatch|0.1.0|odd\\|rule\\\\x|Odd "
	    "\"rule\" \\| a\\\\b = c ^ ]\xef\xbf\xbdnext|"
	    "5|rt=1733313600123 start=1733310000000 end=1733313600000 "
	    "cs1Label=rule_id cs1=id\"] cs3Label=flags cs3=late,"
	    "truncated nvmwatch_q=say \"hi\" nvmwatch_sd=a]b "
	    "nvmwatch_bs=C:\\\\dir\\\\ nvmwatch_pipe=a|b "
	    "nvmwatch_eq=k\\=v nvmwatch_caret=x^y nvmwatch_nl=l1\\nl2\\r "
	    "nvmwatch_tab=a\xef\xbf\xbd""b nvmwatch_ctl=\xef\xbf\xbd\xef\xbf"
	    "\xbd[31m\xef\xbf\xbd nvmwatch_bad=\xef\xbf\xbd\xef\xbf\xbd "
	    "ok \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd nvmwatch_field_name=1 "
	    "nvmwatch_a_b__=2 nvmwatch_h_llo_=3 nvmwatch_=empty "
	    "name nvmwatch_rule=collides dhost=evil.example "
	    "nvmwatch_dest_port=99999 nvmwatch_list=a,b,c\"d");
}
END_TEST

START_TEST(test_hostile_leef)
{
	hostile();
	ck_assert_str_eq(fmt(ALERT_LEEF),
	    "LEEF:2.0|Cisco|nvmwatch|0.1.0|odd_rule\\x|x09|"
	    "devTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ\tdevTime=2024-12-04T12:"
	    "00:00.123+0000\tsev=5\trule=Odd \"rule\" | a\\\\b "
	    "= c ^ ]\\nnext\trule_id=id\"]\trule_file=odd|"
	    "rule\\\\x\twindow_start=2024-12-04T11:00:00Z\t"
	    "window_end=2024-12-04T12:00:00Z\tflags=late,"
	    "truncated\tq=say \"hi\"\tsd=a]b\tbs=C:\\\\dir\\\\\t"
	    "pipe=a|b\teq=k=v\tcaret=x^y\tnl=l1\\nl2\\r\t"
	    "tab=a\\tb\tctl=\\x01\\x1b[31m\\x7f\tbad=\\xff\\xfe "
	    "ok \xc3\xa9 \\xe2\\x82\tfield_name=1\ta_b__=2\t"
	    "h_llo_=3\tnvmwatch_=empty name\tnvmwatch_rule=collides\t"
	    "dest=evil.example\tdest_port=99999\tlist=a,b,"
	    "c\"d");
}
END_TEST

START_TEST(test_hostile_kv)
{
	hostile();
	ck_assert_str_eq(fmt(ALERT_KV),
	    "alert_time=\"2024-12-04T12:00:00.123Z\" rule=\"Odd "
	    "\\\"rule\\\" | a\\\\b = c ^ ]\\nnext\" rule_id=\"id\\\"]\" "
	    "rule_file=\"odd|rule\\\\x\" window_start=\"2024-12-04T11:00:00Z"
	    "\" window_end=\"2024-12-04T12:00:00Z\" emit=\"close\" "
	    "late=\"true\" partial=\"false\" truncated=\"true\" "
	    "q=\"say \\\"hi\\\"\" sd=\"a]b\" bs=\"C:\\\\dir\\\\\" "
	    "pipe=\"a|b\" eq=\"k=v\" caret=\"x^y\" nl=\"l1\\nl2\\r\" "
	    "tab=\"a\\tb\" ctl=\"\\x01\\x1b[31m\\x7f\" bad=\"\\xff\\xfe "
	    "ok \xc3\xa9 \\xe2\\x82\" field_name=\"1\" a_b__=\"2\" "
	    "h_llo_=\"3\" nvmwatch_=\"empty name\" nvmwatch_rule=\"collides\""
	    " dest=\"evil.example\" dest_port=\"99999\" list=\"a,"
	    "b,c\\\"d\"");
}
END_TEST

/* A 100 KB value is kept whole, in every format. */
START_TEST(test_long_value)
{
	static const enum alert_format all[] = { ALERT_JSON, ALERT_CEF,
	    ALERT_LEEF, ALERT_KV };
	char	*big;
	size_t	 i;

	big = malloc(BIG + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', BIG);
	memcpy(big + BIG - 2, "\xc3\xa9", 2);
	big[BIG] = '\0';
	rule.name = big;
	put_len("big", big, BIG);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		fmt(all[i]);
		ck_assert_ptr_nonnull(strstr(out.data, big));
		ck_assert_uint_gt(out.len, 2 * BIG);
	}
	free(big);
}
END_TEST

START_TEST(test_format_names)
{
	static const char *const names[] = { "json", "cef", "leef", "kv" };
	enum alert_format	 f;
	size_t			 i;

	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(alert_format_parse(names[i], &f), 0);
		ck_assert_str_eq(alert_format_name(f), names[i]);
	}
	ck_assert_int_eq(alert_format_parse("JSON", &f), -1);
	ck_assert_int_eq(alert_format_parse("", &f), -1);
}
END_TEST

START_TEST(test_5424_seed)
{
	seed();
	/* MSGID: the rule file's name cut at 32. */
	ck_assert_str_eq(s5424(ALERT_KV, "edge-1", 10, 4, 2048),
	    "<84>1 2024-12-04T12:00:00.123Z edge-1 nvmwatch "
	    "- cisco_nvm___non_network_binary_m [nvmwatch@32473 "
	    "rule=\"Cisco NVM - Non-Network Binary Making "
	    "Network Connection\" rule_id=\"0b1c2d3e-aaaa-bbbb-cccc-012345678"
	    "9ab\" rule_version=\"3\" rule_file=\"cisco_nvm___non_network_bin"
	    "ary_making_network_connection\" mitre_attack_id=\"T1055,"
	    "T1036\" window_start=\"2024-12-04T11:00:00Z\" "
	    "window_end=\"2024-12-04T12:00:00Z\" emit=\"close\" "
	    "late=\"false\" partial=\"false\" truncated=\"false\" "
	    "process_name=\"notepad.exe\" process_hash=\"aa11,"
	    "bb22\" src=\"10.1.2.3\" dest=\"8.8.8.8\" dest_port=\"53\" "
	    "count=\"3\" firstTime=\"2024-12-04T11:39:05\"] "
	    "alert_time=\"2024-12-04T12:00:00.123Z\" rule=\"Cisco "
	    "NVM - Non-Network Binary Making Network Connection\" "
	    "rule_id=\"0b1c2d3e-aaaa-bbbb-cccc-0123456789ab\" "
	    "rule_version=\"3\" rule_file=\"cisco_nvm___non_network_binary_ma"
	    "king_network_connection\" mitre_attack_id=\"T1055,"
	    "T1036\" window_start=\"2024-12-04T11:00:00Z\" "
	    "window_end=\"2024-12-04T12:00:00Z\" emit=\"close\" "
	    "late=\"false\" partial=\"false\" truncated=\"false\" "
	    "process_name=\"notepad.exe\" process_hash=\"aa11,"
	    "bb22\" src=\"10.1.2.3\" dest=\"8.8.8.8\" dest_port=\"53\" "
	    "count=\"3\" firstTime=\"2024-12-04T11:39:05\"");
}
END_TEST

START_TEST(test_5424_header)
{
	char	host[301], want[300];

	seed();
	/* PRI = facility * 8 + severity, each clamped to its range. */
	ck_assert(starts(s5424(ALERT_KV, "h", 0, 0, 2048), "<0>1 2024-"));
	ck_assert(starts(s5424(ALERT_KV, "h", 23, 7, 2048), "<191>1 2024-"));
	ck_assert(starts(s5424(ALERT_KV, "h", 1, 5, 2048), "<13>1 2024-"));
	ck_assert(starts(s5424(ALERT_KV, "h", -3, 9, 2048), "<7>1 2024-"));
	ck_assert(starts(s5424(ALERT_KV, "h", 99, -1, 2048), "<184>1 2024-"));
	/* HOSTNAME: printable US-ASCII, 255 at most, nil when none. */
	memset(host, 'h', 300);
	host[300] = '\0';
	memset(want, 'h', 255);
	snprintf(want + 255, sizeof(want) - 255, " nvmwatch - ");
	ck_assert_ptr_nonnull(strstr(s5424(ALERT_KV, host, 1, 1, 2048),
	    want));
	ck_assert_ptr_nonnull(strstr(s5424(ALERT_KV, "my host\xc3\xa9]", 1, 1,
	    2048), "Z my_host__] nvmwatch - cisco"));
	ck_assert_ptr_nonnull(strstr(s5424(ALERT_KV, NULL, 1, 1, 2048),
	    "Z - nvmwatch - cisco"));
	ck_assert_ptr_nonnull(strstr(s5424(ALERT_KV, "", 1, 1, 2048),
	    "Z - nvmwatch - cisco"));
	/* MSGID: nil without a rule file; cut at 32. */
	rule.short_name = NULL;
	ck_assert_ptr_nonnull(strstr(s5424(ALERT_KV, "h", 1, 1, 2048),
	    " h nvmwatch - - [nvmwatch@32473 "));
	/* TIMESTAMP: nil when now is no time of a four-digit year. */
	buf_reset(&out);
	alert_syslog_5424(&rule, &row, NAN, ALERT_KV, "h", 1, 1, 7, 2048,
	    &out);
	ck_assert(starts(out.data, "<9>1 - h nvmwatch - - [nvmwatch@7 rule="));
	buf_reset(&out);
	alert_syslog_5424(&rule, &row, 253402300800.0, ALERT_KV, "h", 1, 1,
	    7, 2048, &out);
	ck_assert(starts(out.data, "<9>1 - h "));
	buf_reset(&out);
	alert_syslog_5424(&rule, &row, 253402300799.0, ALERT_KV, "h", 1, 1,
	    4294967295u, 2048, &out);
	ck_assert(starts(out.data, "<9>1 9999-12-31T23:59:59.000Z h "
	    "nvmwatch - - [nvmwatch@4294967295 "));
}
END_TEST

START_TEST(test_5424_sd)
{
	static const char	want[] =
	    "<9>1 2024-12-04T12:00:00.123Z h nvmwatch - odd|"
	    "rule\\x [nvmwatch@32473 rule=\"Odd \\\"rule\\\" "
	    "| a\\\\b = c ^ \\]\xef\xbf\xbdnext\" rule_id=\"id\\\"\\]\" "
	    "rule_file=\"odd|rule\\\\x\" window_start=\"2024-12-04T11:00:00Z"
	    "\" window_end=\"2024-12-04T12:00:00Z\" emit=\"close\" "
	    "late=\"true\" partial=\"false\" truncated=\"true\" "
	    "q=\"say \\\"hi\\\"\" sd=\"a\\]b\" bs=\"C:\\\\dir\\\\\" "
	    "pipe=\"a|b\" eq=\"k=v\" caret=\"x^y\" nl=\"l1\xef\xbf\xbdl2\xef"
	    "\xbf\xbd\" tab=\"a\xef\xbf\xbd""b\" ctl=\"\xef\xbf\xbd\xef\xbf"
	    "\xbd[31m\xef\xbf\xbd\" bad=\"\xef\xbf\xbd\xef\xbf\xbd "
	    "ok \xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd\" field_name=\"1\" "
	    "a_b__=\"2\" h_llo_=\"3\" nvmwatch_=\"empty name\" "
	    "nvmwatch_rule=\"collides\" dest=\"evil.example\" "
	    "dest_port=\"99999\" list=\"a,b,c\\\"d\"] ";
	const char		*s;
	char			 name[41];

	hostile();
	s = s5424(ALERT_JSON, "h", 1, 1, 65536);
	ck_assert(starts(s, want));
	/* MSG: the payload as it is. */
	ck_assert_str_eq(s + strlen(want), json_of_alert_json());
	/* PARAM-NAMEs are cut at 32. */
	row_reset(&row);
	memset(name, 'n', 40);
	name[40] = '\0';
	put(name, 0, "v", NULL);
	s = s5424(ALERT_KV, "h", 1, 1, 65536);
	ck_assert_ptr_nonnull(strstr(s, " nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn="
	    "\"v\"] "));
}
END_TEST

/*
 * MSG cut at each length over a run of 2-, 3- and 4-byte characters:
 * never inside one, the marker last, the message at most max_bytes
 * and never more than 3 bytes short of it.
 */
START_TEST(test_5424_truncate_utf8)
{
	struct buf	 full = { 0 };
	const char	*s, *sd_end;
	size_t		 prefix, max, n;
	char		 v[595];

	for (n = 0; n < 594; n += 9)
		memcpy(v + n, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9);
	v[594] = '\0';
	rule.name = name_r;
	put("v", 0, v, NULL);
	alert_syslog_5424(&rule, &row, NOW, ALERT_KV, "h", 1, 1,
	    ALERT_ENTERPRISE_DEFAULT, 65536, &full);
	sd_end = strstr(full.data, "\"] ");
	ck_assert_ptr_nonnull(sd_end);
	prefix = (size_t)(sd_end + 3 - full.data);
	for (max = prefix + 200; max < prefix + 220; max++) {
		s = s5424(ALERT_KV, "h", 1, 1, max);
		ck_assert_int_eq(strncmp(s, full.data, out.len -
		    strlen(ALERT_TRUNC_MARKER)), 0);
		ck_assert_str_eq(s + out.len - strlen(ALERT_TRUNC_MARKER),
		    ALERT_TRUNC_MARKER);
		ck_assert_uint_ge(out.len + 3, max);
	}
	/* Exactly: room for 3 bytes of MSG after "alert_time=\"2024-...". */
	max = prefix + 45 + strlen(ALERT_TRUNC_MARKER);
	s = s5424(ALERT_KV, "h", 1, 1, max);
	ck_assert_str_eq(s + prefix, "alert_time=\"2024-12-04T12:00:00.123Z\" "
	    "rule=\"r" ALERT_TRUNC_MARKER);
	/* Within the value: 1 byte into "é" keeps nothing of it. */
	n = (size_t)(strstr(full.data + prefix, "v=\"") - full.data) + 3;
	s = s5424(ALERT_KV, "h", 1, 1, n + 1 + strlen(ALERT_TRUNC_MARKER));
	ck_assert_str_eq(s + n - 3, "v=\"" ALERT_TRUNC_MARKER);
	s = s5424(ALERT_KV, "h", 1, 1, n + 4 + strlen(ALERT_TRUNC_MARKER));
	ck_assert_str_eq(s + n - 3, "v=\"\xc3\xa9" ALERT_TRUNC_MARKER);
	s = s5424(ALERT_KV, "h", 1, 1, n + 5 + strlen(ALERT_TRUNC_MARKER));
	ck_assert_str_eq(s + n - 3, "v=\"\xc3\xa9\xe2\x82\xac"
	    ALERT_TRUNC_MARKER);
	buf_free(&full);
}
END_TEST

/* Structured data too long for the message: SD-PARAMs go from the end. */
START_TEST(test_5424_truncate_sd)
{
	char		*big;
	const char	*s;

	big = malloc(BIG);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', BIG);
	rule.name = name_r;
	put("a", 0, "1", NULL);
	put_len("big", big, BIG);
	put("c", 0, "3", NULL);
	s = s5424(ALERT_KV, "h", 1, 1, 2048);
	ck_assert_uint_eq(out.len, 2048);
	ck_assert_ptr_nonnull(strstr(s, " truncated=\"false\" a=\"1\"] "
	    "alert_time=\"2024-12-04T12:00:00.123Z\" rule=\"r\""));
	ck_assert_ptr_null(strstr(s, "c=\"3\""));
	ck_assert_str_eq(s + out.len - strlen(ALERT_TRUNC_MARKER) - 3,
	    "xxx" ALERT_TRUNC_MARKER);
	/* A smaller cap than any receiver must take is raised to 480. */
	s = s5424(ALERT_KV, "h", 1, 1, 10);
	ck_assert_uint_eq(out.len, ALERT_SYSLOG_MIN);
	/* All params gone: the SD-ELEMENT keeps its SD-ID. */
	rule.name = big;
	big[BIG - 1] = '\0';
	s = s5424(ALERT_KV, "h", 1, 1, ALERT_SYSLOG_MIN);
	ck_assert_ptr_nonnull(strstr(s, " - [nvmwatch@32473] alert_time="));
	free(big);
}
END_TEST

START_TEST(test_3164)
{
	seed();
	ck_assert_str_eq(s3164(ALERT_CEF, "edge-1", ALERT_SYSLOG_3164_MAX),
	    "<84>Dec  4 12:00:00 edge-1 nvmwatch: CEF:0|Cisco|"
	    "nvmwatch|0.1.0|cisco_nvm___non_network_binary_making_network_con"
	    "nection|Cisco NVM - Non-Network Binary Making "
	    "Network Connection|5|rt=1733313600123 start=1733310000000 "
	    "end=1733313600000 cs1Label=rule_id cs1=0b1c2d3e-aaaa-bbbb-cccc-0"
	    "123456789ab cn1Label=rule_version cn1=3 cs2Label=mitre_attack_id"
	    " cs2=T1055,T1036 sproc=notepad.exe nvmwatch_process_hash=aa11,"
	    "bb22 src=10.1.2.3 dst=8.8.8.8 dpt=53 cnt=3 nvmwatch_firstTime=20"
	    "24-12-04T11:39:05");
	rule.name = name_re;
	s3164(ALERT_KV, "edge 1", ALERT_SYSLOG_3164_MAX);
	ck_assert(starts(out.data, "<84>Dec  4 12:00:00 edge_1 nvmwatch: "
	    "alert_time="));
	/* A cap below what receivers must take is raised to it. */
	buf_reset(&out);
	s3164(ALERT_KV, "h", 200);
	ck_assert_uint_eq(out.len, ALERT_SYSLOG_MIN);
	ck_assert_str_eq(out.data + out.len - strlen(ALERT_TRUNC_MARKER),
	    ALERT_TRUNC_MARKER);
	row_reset(&row);
	put("v", 0, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    NULL);
	for (size_t max = 480; max < 1024; max += 7)
		s3164(ALERT_KV, "h", max);
}
END_TEST

static Suite *
alert_fmt_suite(void)
{
	Suite	*s = suite_create("alert_fmt");
	TCase	*tc = tcase_create("alert_fmt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_seed_json);
	tcase_add_test(tc, test_seed_cef);
	tcase_add_test(tc, test_seed_leef);
	tcase_add_test(tc, test_seed_kv);
	tcase_add_test(tc, test_hostile_json);
	tcase_add_test(tc, test_hostile_cef);
	tcase_add_test(tc, test_hostile_leef);
	tcase_add_test(tc, test_hostile_kv);
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_format_names);
	tcase_add_test(tc, test_5424_seed);
	tcase_add_test(tc, test_5424_header);
	tcase_add_test(tc, test_5424_sd);
	tcase_add_test(tc, test_5424_truncate_utf8);
	tcase_add_test(tc, test_5424_truncate_sd);
	tcase_add_test(tc, test_3164);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(alert_fmt_suite());
}
