/*
 * check_collector.c - the collector's syslog lines: the three real samples
 * against golden records and against the same flow built from wire values,
 * a generated flow read as a collector line (kv and JSON) and as IPFIX
 * gives identical records, syslog headers, escapes, empty values, lists,
 * unknown, derived and collector keys, bad values, caps and garbage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "buf.h"
#include "collector.h"
#include "ipfix.h"
#include "ipfix_export.h"
#include "nvmgen.h"
#include "record.h"
#include "testutil.h"

#define RECV_TIME	1700000000.0
#define MSG_MAX		1024

/* A flow payload the header tests put behind every kind of header. */
#define PAYLOAD \
	"pr=\"6\" sa=\"10.0.0.1\" sp=\"5203\" da=\"192.0.2.7\" dp=\"443\" " \
	"pn=\"a.exe\""

static struct field_dict		*dict;
static struct record			*rec;
static struct collector_counters	 cnt;
static struct collector_error		 err;

static void
setup(void)
{
	dict = field_dict_new();
	rec = record_new(dict, 0);
	ck_assert_ptr_nonnull(rec);
	memset(&cnt, 0, sizeof(cnt));
	memset(&err, 0, sizeof(err));
}

static void
teardown(void)
{
	record_free(rec);
	field_dict_free(dict);
}

static int
parse(const char *line)
{
	return collector_parse(line, strlen(line), rec, RECV_TIME, &cnt, &err);
}

static void
parse_ok(const char *line)
{
	ck_assert_msg(parse(line) == 0, "refused at %zu: %s: %s", err.offset,
	    err.msg, line);
}

/* Refused, with a message that contains what. */
static void
parse_bad(const char *line, const char *what)
{
	ck_assert_msg(parse(line) == -1, "accepted: %s", line);
	ck_assert_msg(strstr(err.msg, what) != NULL, "\"%s\" lacks \"%s\"",
	    err.msg, what);
}

/* record_json(rec, flags) into a fresh string; caller frees. */
static char *
rec_json(const struct record *r, unsigned flags)
{
	struct buf	b = { 0 };

	record_json(r, &b, flags);
	buf_putc(&b, '\0');
	return b.data;
}

static void
assert_json(const char *want)
{
	char	*got = rec_json(rec, 0);

	ck_assert_str_eq(got, want);
	free(got);
}

static void
assert_value(int field, const char *want)
{
	const char	*v = record_get1(rec, field);

	ck_assert_msg(v != NULL, "field %d absent", field);
	ck_assert_str_eq(v, want);
}

/* The golden file tests/data/collector/<name>, trailing newline cut. */
static char *
golden(const char *name)
{
	char	 path[256];
	char	*s;
	size_t	 len;

	snprintf(path, sizeof(path), "collector/%s", name);
	s = (char *)test_read_data(path, &len);
	while (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
	return s;
}

static const char *const samples[] = {
	"flow_v9_syslog_kv.log",
	"sysdata_v3_syslog_kv.log",
	"flow_v11.json",
};
/* The collector's own keys in each sample (fv, fst, fet, the splits). */
static const uint64_t sample_own_keys[] = { 7, 1, 5 };

/* ELEMENTS.md, "Collector-derived keys (not on the wire)". */
static int
own_key(const char *k)
{
	static const char *const own[] = { "fv", "fst", "fet", "liuida",
	    "liuidp", "paa", "pap", "ppaa", "ppap" };
	size_t	i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (strcmp(k, own[i]) == 0)
			return 1;
	return 0;
}

/*
 * The next pair of a sample's payload from *i, written independently of
 * collector.c for the three samples' shapes: key="value" (\" a quote)
 * or "key": "value" (JSON's \\ and \"). The raw span of the pair goes to
 * *raw, *rawlen. 0 at the end.
 */
static int
sample_pair(const char *s, size_t *i, int json, char *key, char *val,
    const char **raw, size_t *rawlen)
{
	size_t	j = *i, n = 0;

	while (s[j] == ' ' || s[j] == ',' || s[j] == '{' || s[j] == '\n')
		j++;
	if (s[j] == '\0' || s[j] == '}')
		return 0;
	*raw = s + j;
	if (json)
		j++;
	while (s[j] != '"' && s[j] != '=')
		key[n++] = s[j++];
	key[n] = '\0';
	j += json ? 4 : 2;		/* ": " or =" */
	for (n = 0; s[j] != '"'; j++)
		if (s[j] == '\\' && (s[j + 1] == '"' ||
		    (json && s[j + 1] == '\\')))
			val[n++] = s[++j];
		else
			val[n++] = s[j];
	val[n] = '\0';
	*rawlen = (size_t)(s + ++j - *raw);
	*i = j;
	return 1;
}

/* Where a sample's payload starts. */
static size_t
sample_start(const char *line, int json)
{
	const char	*p = json ? strchr(line, '{') : strstr(line, "fv=\"");

	ck_assert_ptr_nonnull(p);
	return (size_t)(p - line);
}

/* Each real line is the record its golden file holds, field by field. */
START_TEST(test_samples)
{
	char	 name[128], *line, *want, *got;
	size_t	 len;
	int	 json = _i == 2;

	line = (char *)test_read_data(samples[_i], &len);
	ck_assert_int_eq(collector_parse(line, len, rec, RECV_TIME, &cnt,
	    &err), 0);
	ck_assert_uint_eq(cnt.records, 1);
	ck_assert_uint_eq(cnt.unknown_keys, 0);
	ck_assert_uint_eq(cnt.bad_values, 0);
	ck_assert_uint_eq(cnt.collector_keys, sample_own_keys[_i]);
	ck_assert_uint_eq(json ? cnt.json_lines : cnt.kv_lines, 1);
	snprintf(name, sizeof(name), "%.*s.json",
	    (int)strcspn(samples[_i], "."), samples[_i]);
	want = golden(name);
	got = rec_json(rec, 0);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	snprintf(name, sizeof(name), "%.*s.keys.json",
	    (int)strcspn(samples[_i], "."), samples[_i]);
	want = golden(name);
	got = rec_json(rec, RECORD_JSON_KEYS);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	ck_assert_str_eq(record_get1(rec, F_SOURCETYPE),
	    _i == 1 ? "cisco:nvm:sysdata" : "cisco:nvm:flowdata");
	free(line);
}
END_TEST

/* The sample lines survive format -> parse unchanged, in both forms. */
START_TEST(test_samples_round_trip)
{
	struct record	*back = record_new(dict, 0);
	struct buf	 b = { 0 };
	char		*line, *want, *got;
	size_t		 len;
	int		 fmt;

	line = (char *)test_read_data(samples[_i], &len);
	ck_assert_int_eq(collector_parse(line, len, rec, RECV_TIME, NULL,
	    NULL), 0);
	want = rec_json(rec, 0);
	for (fmt = COLLECTOR_KV; fmt <= COLLECTOR_JSON; fmt++) {
		buf_reset(&b);
		ck_assert_int_eq(collector_format(rec,
		    (enum collector_format)fmt, &b), 0);
		ck_assert_msg(collector_parse(b.data, b.len, back, RECV_TIME,
		    NULL, &err) == 0, "%s: %s", err.msg, b.data);
		got = rec_json(back, 0);
		ck_assert_str_eq(got, want);
		free(got);
	}
	/*
	 * The kv form is the collector's own: the sample's pairs as they
	 * are, less the collector's own keys, which are not the record's.
	 */
	if (_i < 2) {
		char		 key[64], *val = malloc(len + 1);
		const char	*raw;
		size_t		 i = sample_start(line, 0), rawlen;
		struct buf	 kept = { 0 };

		while (sample_pair(line, &i, 0, key, val, &raw, &rawlen))
			if (!own_key(key)) {
				if (kept.len > 0)
					buf_putc(&kept, ' ');
				buf_append(&kept, raw, rawlen);
			}
		buf_putc(&kept, '\0');
		buf_reset(&b);
		ck_assert_int_eq(collector_format(rec, COLLECTOR_KV, &b), 0);
		buf_putc(&b, '\0');
		ck_assert_str_eq(b.data, kept.data);
		buf_free(&kept);
		free(val);
	}
	free(want);
	free(line);
	buf_free(&b);
	record_free(back);
}
END_TEST

struct sink {
	uint8_t		*msg[MSG_MAX];
	size_t		 len[MSG_MAX];
	int		 n;
};

static int
collect(const uint8_t *msg, size_t len, void *arg)
{
	struct sink	*s = arg;

	ck_assert_int_lt(s->n, MSG_MAX);
	s->msg[s->n] = malloc(len);
	memcpy(s->msg[s->n], msg, len);
	s->len[s->n++] = len;
	return 0;
}

static void
decoded(struct record *r, void *arg)
{
	record_json(r, arg, 0);
	buf_putc(arg, '\n');
}

/* Hex text to octets; the count. */
static size_t
unhex(const char *s, uint8_t *out)
{
	size_t	n;

	for (n = 0; s[2 * n] != '\0'; n++)
		ck_assert_int_eq(sscanf(s + 2 * n, "%2hhx", &out[n]), 1);
	return n;
}

/*
 * Sets field of r from a sample's value text the way the IPFIX decoder
 * does, from wire octets: integers as 8 octets in network order,
 * addresses as 4 or 16, hex as its octets, lists item by item, '' as an
 * empty string or list (a number or address has no empty form: absent).
 */
static void
wire_set(struct record *r, int field, char *v)
{
	const struct field_def	*f = field_dict_get(dict, field);
	uint8_t			 o[256];
	uint64_t		 u;
	char			*item, *save;
	size_t			 n;
	int			 i, empty = strcmp(v, "''") == 0;

	switch (f->type) {
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		if (empty)
			return;
		u = strtoull(v, NULL, 10);
		for (i = 7; i >= 0; i--, u >>= 8)
			o[i] = (uint8_t)u;
		ck_assert_int_eq(record_set_wire(r, field, o, 8), 0);
		return;
	case FIELD_ADDR:
		if (empty)
			return;
		n = inet_pton(AF_INET, v, o) == 1 ? 4 : 16;
		ck_assert(n == 4 || inet_pton(AF_INET6, v, o) == 1);
		ck_assert_int_eq(record_set_wire(r, field, o, n), 0);
		return;
	case FIELD_HEX:
		n = empty ? 0 : unhex(v, o);
		ck_assert_int_eq(record_set_wire(r, field, o, n), 0);
		return;
	case FIELD_STRING:
		n = empty ? 0 : strlen(v);
		ck_assert_int_eq(record_set_wire(r, field, (uint8_t *)v, n), 0);
		return;
	case FIELD_STRING_LIST:
	case FIELD_HEX_LIST:
		ck_assert_int_eq(record_set_empty_list(r, field), 0);
		for (item = empty ? NULL : strtok_r(v, ",", &save);
		    item != NULL; item = strtok_r(NULL, ",", &save)) {
			if (f->type == FIELD_HEX_LIST)
				n = unhex(item, o);
			else
				memcpy(o, item, n = strlen(item));
			ck_assert_int_eq(record_append_wire(r, field, o, n), 0);
		}
		return;
	}
}

/*
 * The property on the real samples, not on records this code
 * wrote: each sample's pairs, split by sample_pair() and set as wire
 * values (what the IPFIX decoder calls), less the collector's own keys,
 * then finished, give the record collector_parse() gives for the line.
 * Then that record goes through IPFIX (export, decode): every field the
 * templates carry comes back with the collector line's value.
 */
START_TEST(test_samples_wire)
{
	struct record		*wire = record_new(dict, 0);
	struct ipfix_exporter	*x;
	struct ipfix_collector	*col;
	struct ipfix_session	*sess;
	struct sink		*sink = calloc(1, sizeof(*sink));
	struct buf		 ipfix = { 0 };
	char			 key[64], *val, *line, *want, *got;
	const char		*raw, *v;
	size_t			 len, rawlen, i;
	int			 json = _i == 2, field, nf, k, carried = 0;
	const int		*fields;

	line = (char *)test_read_data(samples[_i], &len);
	val = malloc(len + 1);
	parse_ok(line);
	want = rec_json(rec, 0);
	i = sample_start(line, json);
	while (sample_pair(line, &i, json, key, val, &raw, &rawlen)) {
		if (own_key(key))
			continue;
		field = field_dict_lookup_key(dict, key, strlen(key));
		ck_assert_msg(field != FIELD_NONE, "%s", key);
		wire_set(wire, field, val);
	}
	ck_assert_int_eq(record_finish(wire, RECV_TIME), 0);
	got = rec_json(wire, 0);
	ck_assert_str_eq(got, want);
	free(got);
	/* Through IPFIX: the fields the templates carry. */
	x = ipfix_exporter_new(dict, NULL, collect, sink, NULL, 0);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(ipfix_exporter_add(x, wire, 0, 1700000000), 0);
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	col = ipfix_collector_new(dict, NULL, decoded, &ipfix);
	sess = ipfix_session_new(col, "test");
	for (k = 0; k < sink->n; k++) {
		ck_assert_int_eq(ipfix_session_message(sess, sink->msg[k],
		    sink->len[k], RECV_TIME), 0);
		free(sink->msg[k]);
	}
	buf_putc(&ipfix, '\0');
	ck_assert_ptr_nonnull(strchr(ipfix.data, '\n'));
	*strchr(ipfix.data, '\n') = '\0';
	fields = record_fields(rec, &nf);
	for (k = 0; k < nf; k++) {
		const struct field_def *f = field_dict_get(dict, fields[k]);
		struct buf pat = { 0 };

		if (record_origin(rec, fields[k]) != ORIGIN_WIRE ||
		    (v = record_get1(rec, fields[k])) == NULL)
			continue;
		buf_printf(&pat, "\"%s\":", f->name);
		if (f->flags & FIELD_MULTI)
			buf_putc(&pat, '[');
		if (f->flags & FIELD_NUMERIC)
			buf_printf(&pat, "%s,", v);
		else
			buf_json_string(&pat, v, strlen(v));
		buf_putc(&pat, '\0');
		if (strstr(ipfix.data, pat.data) != NULL)
			carried++;
		else {
			/* Not carried by the template, then. */
			pat.data[strlen(f->name) + 3] = '\0';
			ck_assert_msg(strstr(ipfix.data, pat.data) == NULL,
			    "%s differs: %s", f->name, ipfix.data);
		}
		buf_free(&pat);
	}
	ck_assert_int_ge(carried, _i == 1 ? 6 : 20);
	ipfix_session_free(sess);
	ipfix_collector_free(col);
	ipfix_exporter_free(x);
	buf_free(&ipfix);
	free(sink);
	free(want);
	free(val);
	free(line);
	record_free(wire);
}
END_TEST

/*
 * The key property: a flow sent as IPFIX and the same flow as a
 * collector line give identical records. Generated records (endpoints,
 * interfaces, IPv4 and IPv6 flows, module lists, empty strings, quotes
 * and backslashes in arguments) go three ways: finished as generated,
 * through IPFIX (export, decode), and through collector_format() (kv and
 * JSON) and collector_parse(). All three print the same JSON.
 */
START_TEST(test_ipfix_equivalence)
{
	struct nvmgen_opts	 o;
	struct nvmgen_error	 gerr;
	struct nvmgen		*g;
	struct ipfix_exporter	*x;
	struct ipfix_collector	*col;
	struct ipfix_session	*s;
	struct record		*back = record_new(dict, 0);
	struct sink		 sink = { .n = 0 };
	struct buf		 truth = { 0 }, kv = { 0 }, js = { 0 };
	struct buf		 line = { 0 }, ipfix = { 0 };
	int			 i;

	nvmgen_opts_default(&o);
	o.seed = (uint64_t)_i + 7;
	o.endpoints = 3;
	o.flows = 200;
	o.ipv6_share = 0.3;
	g = nvmgen_new(&o, &gerr);
	ck_assert_ptr_nonnull(g);
	x = ipfix_exporter_new(dict, NULL, collect, &sink, NULL, 0);
	ck_assert_ptr_nonnull(x);
	while (nvmgen_next(g, rec) == 1) {
		ck_assert_int_eq(ipfix_exporter_add(x, rec, 0, 1700000000), 0);
		buf_reset(&line);
		ck_assert_int_eq(collector_format(rec, COLLECTOR_KV, &line), 0);
		ck_assert_msg(collector_parse(line.data, line.len, back,
		    RECV_TIME, &cnt, &err) == 0, "%s: %s", err.msg, line.data);
		record_json(back, &kv, 0);
		buf_putc(&kv, '\n');
		buf_reset(&line);
		ck_assert_int_eq(collector_format(rec, COLLECTOR_JSON, &line),
		    0);
		ck_assert_msg(collector_parse(line.data, line.len, back,
		    RECV_TIME, &cnt, &err) == 0, "%s: %s", err.msg, line.data);
		record_json(back, &js, 0);
		buf_putc(&js, '\n');
		ck_assert_int_eq(record_finish(rec, RECV_TIME), 0);
		record_json(rec, &truth, 0);
		buf_putc(&truth, '\n');
	}
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	col = ipfix_collector_new(dict, NULL, decoded, &ipfix);
	s = ipfix_session_new(col, "test");
	for (i = 0; i < sink.n; i++) {
		ck_assert_int_eq(ipfix_session_message(s, sink.msg[i],
		    sink.len[i], RECV_TIME), 0);
		free(sink.msg[i]);
	}
	ck_assert_uint_eq(cnt.records, 2 * nvmgen_total(g));
	ck_assert_uint_eq(cnt.unknown_keys + cnt.bad_values + cnt.bad_lines,
	    0);
	ck_assert_ptr_nonnull(truth.data);
	ck_assert_ptr_nonnull(strstr(truth.data, "\"module_name_list\":[\""));
	ck_assert_str_eq(kv.data, truth.data);
	ck_assert_str_eq(js.data, truth.data);
	ck_assert_str_eq(ipfix.data, truth.data);
	ipfix_session_free(s);
	ipfix_collector_free(col);
	ipfix_exporter_free(x);
	nvmgen_free(g);
	record_free(back);
	buf_free(&truth);
	buf_free(&kv);
	buf_free(&js);
	buf_free(&line);
	buf_free(&ipfix);
}
END_TEST

/* Every header form in front of one payload gives the bare payload's record. */
START_TEST(test_headers)
{
	static const char *const headers[] = {
		"",
		"Jun 26 16:09:18 ip-172-31-30-201  ",
		"Jun  6 16:09:18 host nvm[1234]: ",
		"Jun 26 16:09:18 host nvm: ",
		"<134>Jun 26 16:09:18 host nvm[7]: ",
		"Jun 26 16:09:18 127.0.0.1 Jun 26 16:09:18 ip-172-31-30-201  ",
		"<14>Jun 26 16:09:18 relay <134>Jun 26 16:09:18 host ",
		"<134>1 2025-06-26T16:09:18.123Z host nvm 42 flow - ",
		"<134>1 2025-06-26T16:09:18Z host nvm - - - \xef\xbb\xbf",
		"<134>1 - - - - - [meta pr=\"17\" sa=\"1.1.1.1\"] ",
		"<134>1 2025-06-26T16:09:18Z h a p m [x@1 k=\"a\\\"] b\\]\"]"
		    "[y@2 da=\"9.9.9.9\"] ",
		"Jun 26 16:09:18 relay <134>1 2025-06-26T16:09:18Z h a p m "
		    "[x@1 pn=\"evil.exe\"] ",
		"2001:db8::1 ",
		/* 5424 without its <PRI>1: SD elements still skipped. */
		"2024-01-01T00:00:00+00:00 host nvm - - [meta sequenceId=\"1\"] ",
		"2024-01-01T00:00:00Z host nvm - - [a b=\"]\"][c pn=\"x\"] ",
		"Jun 26 16:09:18 host nvm[7]: [x] ",
	};
	char	 line[512], *want;
	size_t	 i;

	parse_ok(PAYLOAD);
	want = rec_json(rec, 0);
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		snprintf(line, sizeof(line), "%s%s\r\n", headers[i], PAYLOAD);
		parse_ok(line);
		assert_json(want);
	}
	/* The same with a JSON payload. */
	parse_ok("<134>1 - h a - - [m pr=\"1\"] {\"pr\": \"6\", \"sa\": "
	    "\"10.0.0.1\", \"sp\": \"5203\", \"da\": \"192.0.2.7\", "
	    "\"dp\": \"443\", \"pn\": \"a.exe\"}");
	assert_json(want);
	ck_assert_uint_eq(cnt.json_lines, 1);
	free(want);
	parse_bad("<134>1 - h a - - [meta pr=\"17\" " PAYLOAD, "5424");
	parse_bad("<134>1 - h a", "5424");
	parse_bad("Jun 26 16:09:18 host nvm: just text", "no key");
}
END_TEST

START_TEST(test_escapes)
{
	parse_ok(PAYLOAD " parg=\" /i \\\"https://x/y.msi\\\"\" "
	    "ppath=\"C:\\Windows\\system32\\msiexec.exe\" pparg=\"a\\\\b\"");
	assert_value(F_PROCESS_ARGUMENTS, " /i \"https://x/y.msi\"");
	assert_value(F_PROCESS_PATH, "C:\\Windows\\system32\\msiexec.exe");
	assert_value(F_PARENT_PROCESS_ARGUMENTS, "a\\b");
	/* A value ending in a backslash, unescaped, at the end of the line. */
	parse_ok(PAYLOAD " ppath=\"C:\\dir\\\"  ");
	assert_value(F_PROCESS_PATH, "C:\\dir\\");
	/* Blanks and '=' inside quotes are text. */
	parse_ok(PAYLOAD " parg=\"x=\\\"1\\\" y=2\"");
	assert_value(F_PROCESS_ARGUMENTS, "x=\"1\" y=2");
}
END_TEST

/* Values that need escaping come back from format -> parse unchanged. */
START_TEST(test_format_escapes)
{
	static const char *const vals[] = { "C:\\dir\\", "a\\\\b", "\\\"",
	    "\"", "x\" y=\"z", "\\", "tab\there", "' '", "{x}", "\\\\\\" };
	struct record	*back = record_new(dict, 0);
	struct buf	 b = { 0 };
	char		*want, *got;
	size_t		 i;
	int		 fmt;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		parse_ok(PAYLOAD);
		record_set_text(rec, F_PROCESS_ARGUMENTS, vals[i],
		    strlen(vals[i]), ORIGIN_WIRE);
		want = rec_json(rec, RECORD_JSON_WIRE);
		for (fmt = COLLECTOR_KV; fmt <= COLLECTOR_JSON; fmt++) {
			buf_reset(&b);
			collector_format(rec, (enum collector_format)fmt, &b);
			ck_assert_msg(collector_parse(b.data, b.len, back,
			    RECV_TIME, NULL, &err) == 0, "%s", err.msg);
			got = rec_json(back, RECORD_JSON_WIRE);
			ck_assert_str_eq(got, want);
			free(got);
		}
		free(want);
	}
	/* Windows paths are written as the collector writes them. */
	buf_reset(&b);
	parse_ok("ppath=\"C:\\Windows\\x.exe\" parg=\"\\\"q\\\"\"");
	collector_format(rec, COLLECTOR_KV, &b);
	buf_putc(&b, '\0');
	ck_assert_str_eq(b.data,
	    "ppath=\"C:\\Windows\\x.exe\" parg=\"\\\"q\\\"\"");
	buf_free(&b);
	record_free(back);
}
END_TEST

/*
 * What the format cannot write so that it reads back, it refuses, leaving
 * the buffer as it was: LF and CR in key="value" form (how the
 * collector writes them is unknown), a ',' in a list item, a list of one
 * empty item, a NUL and a value that is '' in both forms.
 */
START_TEST(test_format_refuses)
{
	static const struct { int field; const char *v; size_t len; int kv, js; }
	    cases[] = {
		{ F_PROCESS_ARGUMENTS, "a\nb", 3, -1, 0 },
		{ F_PROCESS_ARGUMENTS, "a\rb", 3, -1, 0 },
		{ F_PROCESS_ARGUMENTS, "a\0b", 3, -1, -1 },
		{ F_PROCESS_ARGUMENTS, "''", 2, -1, -1 },
		{ F_PROCESS_ARGUMENTS, "'' ", 3, 0, 0 },
		{ F_MODULE_NAME_LIST, "a,b.dll", 7, -1, -1 },
		{ F_MODULE_NAME_LIST, "", 0, -1, -1 },
		{ F_MODULE_NAME_LIST, "a.dll", 5, 0, 0 },
	};
	struct record	*back = record_new(dict, 0);
	struct buf	 b = { 0 };
	char		*want, *got;
	size_t		 i;
	int		 fmt, rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_ok(PAYLOAD);
		if (cases[i].field == F_MODULE_NAME_LIST) {
			record_set_empty_list(rec, cases[i].field);
			record_append_text(rec, cases[i].field, cases[i].v,
			    cases[i].len, ORIGIN_WIRE);
		} else
			record_set_text(rec, cases[i].field, cases[i].v,
			    cases[i].len, ORIGIN_WIRE);
		want = rec_json(rec, RECORD_JSON_WIRE);
		for (fmt = COLLECTOR_KV; fmt <= COLLECTOR_JSON; fmt++) {
			buf_reset(&b);
			buf_puts(&b, "<hdr> ");
			rc = collector_format(rec, (enum collector_format)fmt,
			    &b);
			ck_assert_msg(rc == (fmt == COLLECTOR_KV ? cases[i].kv :
			    cases[i].js), "case %zu, format %d: %d", i, fmt, rc);
			if (rc == -1) {
				ck_assert_uint_eq(b.len, 6);
				continue;
			}
			ck_assert_int_eq(collector_parse(b.data, b.len, back,
			    RECV_TIME, NULL, &err), 0);
			got = rec_json(back, RECORD_JSON_WIRE);
			ck_assert_str_eq(got, want);
			free(got);
		}
		free(want);
	}
	buf_free(&b);
	record_free(back);
}
END_TEST

/* '' and "": strings and hex present and empty, lists present with no
 * value, numbers and addresses absent; as IPFIX has them. */
START_TEST(test_empty)
{
	uint32_t	n;

	parse_ok(PAYLOAD " hh=\"''\" hm=\"\" mnl=\"''\" mhl=\"\" aliul=\"''\" "
	    "udid=\"''\" ibc=\"''\" fsms=\"\"");
	ck_assert_uint_eq(cnt.bad_values, 0);
	assert_value(F_HTTP_HOST, "");
	assert_value(F_HTTP_METHOD, "");
	assert_value(F_UDID, "");
	/* Present, with no value (record_get() gives NULL and 0). */
	ck_assert(record_has(rec, F_MODULE_NAME_LIST));
	(void)record_get(rec, F_MODULE_NAME_LIST, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert(record_has(rec, F_MODULE_HASH_LIST));
	ck_assert(record_has(rec, F_ALIUL));
	ck_assert(!record_has(rec, F_BYTES_IN));
	ck_assert(!record_has(rec, F_FLOW_START_MS));
}
END_TEST

START_TEST(test_empty_absent)
{
	struct buf	b = { 0 };
	char		*s;

	parse_ok("pr=\"6\" sa=\"10.0.0.1\" da=\"''\" dp=\"\" ibc=\"''\" "
	    "fsms=\"''\" hh=\"''\" mnl=\"''\"");
	ck_assert_uint_eq(cnt.bad_values, 0);
	ck_assert(!record_has(rec, F_DEST));
	ck_assert(!record_has(rec, F_DEST_PORT));
	ck_assert(!record_has(rec, F_BYTES_IN));
	ck_assert(!record_has(rec, F_FLOW_START_MS));
	s = rec_json(rec, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	ck_assert_str_eq(s, "{\"_template\":0,\"_odid\":0,\"pr\":6,"
	    "\"sa\":\"10.0.0.1\",\"hh\":\"\",\"mnl\":[]}");
	free(s);
	/* Written back as the collector writes empties. */
	collector_format(rec, COLLECTOR_KV, &b);
	buf_putc(&b, '\0');
	ck_assert_str_eq(b.data, "pr=\"6\" sa=\"10.0.0.1\" hh=\"''\" "
	    "mnl=\"''\"");
	buf_reset(&b);
	collector_format(rec, COLLECTOR_JSON, &b);
	buf_putc(&b, '\0');
	ck_assert_str_eq(b.data, "{ \"pr\": \"6\", \"sa\": \"10.0.0.1\", "
	    "\"hh\": \"\", \"mnl\": \"\" }");
	buf_free(&b);
}
END_TEST

START_TEST(test_lists)
{
	char	*s;

	parse_ok(PAYLOAD " mnl=\"ntdll.dll,kernel32.dll,x y.dll\" "
	    "mhl=\"ab01,CD02,ef03\" aliul=\"D\\\\alice,D\\bob\"");
	s = rec_json(rec, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	ck_assert_ptr_nonnull(strstr(s, "\"mnl\":[\"ntdll.dll\","
	    "\"kernel32.dll\",\"x y.dll\"],\"mhl\":[\"AB01\",\"CD02\","
	    "\"EF03\"],\"aliul\":[\"D\\\\alice\",\"D\\\\bob\"]"));
	free(s);
	/* One item, as flow_v11.json has it. */
	parse_ok(PAYLOAD " mnl=\"wpnuserservice.dll\"");
	ck_assert_str_eq(record_get1(rec, F_MODULE_NAME_LIST),
	    "wpnuserservice.dll");
	/* A bad hash item refuses the whole list. */
	parse_ok(PAYLOAD " mhl=\"AB01,XY\"");
	ck_assert(!record_has(rec, F_MODULE_HASH_LIST));
	ck_assert_uint_eq(cnt.bad_values, 1);
}
END_TEST

START_TEST(test_unknown_keys)
{
	parse_ok("zz=\"1\" " PAYLOAD " future_key=\"x\" _time=\"5\" "
	    "sourcetype=\"evil\"");
	ck_assert_uint_eq(cnt.unknown_keys, 4);
	assert_value(F_SOURCETYPE, "cisco:nvm:flowdata");
	assert_value(F_TIME, "1700000000.000");
	/* Aliases and the CIM names of keyed fields are not keys. */
	parse_ok("pn=\"a.exe\" src_ip=\"10.0.0.9\" dest_port=\"22\" "
	    "src=\"10.0.0.8\" additional_logged_in_users_list=\"x\"");
	ck_assert_uint_eq(cnt.unknown_keys, 8);
	ck_assert(!record_has(rec, F_SRC));
	ck_assert(!record_has(rec, F_DEST_PORT));
	ck_assert(!record_has(rec, F_ALIUL));
	/* Wire fields without a key are read by their CIM name. */
	parse_ok("pn=\"a.exe\" udid=\"ab\" aliul=\"x\" agent_version=\"5.1\"");
	ck_assert_uint_eq(cnt.unknown_keys, 8);
	assert_value(F_UDID, "AB");
	assert_value(F_ALIUL, "x");
	assert_value(F_AGENT_VERSION, "5.1");
	/* Derived fields on the line do not override what finish derives. */
	parse_ok("pn=\"a.exe\" user=\"root\" bytes=\"7\" ibc=\"1\" obc=\"1\" "
	    "pr=\"6\" transport=\"udp\" process=\"x\"");
	ck_assert_uint_eq(cnt.unknown_keys, 12);
	assert_value(F_BYTES, "2");
	assert_value(F_TRANSPORT, "tcp");
	assert_value(F_PROCESS, "a.exe");
	ck_assert(!record_has(rec, F_USER));
	/* The same in JSON. */
	parse_ok("{\"pn\": \"a.exe\", \"bytes\": 7, \"ibc\": 1, "
	    "\"user\": \"root\"}");
	ck_assert_uint_eq(cnt.unknown_keys, 14);
	assert_value(F_BYTES, "1");
	ck_assert(!record_has(rec, F_USER));
	/* Only unknown keys: no event, and counted only as a bad line. */
	parse_bad("zz=\"1\" yy=\"2\"", "no known field");
	ck_assert_uint_eq(cnt.unknown_keys, 14);
	ck_assert_uint_eq(cnt.bad_lines, 1);
}
END_TEST

/*
 * The collector's own keys are skipped and counted apart, and the
 * account splits come from record_finish(), whatever the line said.
 */
START_TEST(test_collector_keys)
{
	parse_ok(PAYLOAD " fv=\"nvzFlow_v9\" fst=\"Thu Jun 26 16:08:54 2025\" "
	    "fet=\"x\" liuid=\"D\\alice\" liuida=\"OTHER\" liuidp=\"bob\" "
	    "pa=\"D\\carol\" paa=\"X\" pap=\"Y\" ppaa=\"Z\" ppap=\"W\"");
	ck_assert_uint_eq(cnt.collector_keys, 9);
	ck_assert_uint_eq(cnt.unknown_keys, 0);
	ck_assert(!record_has(rec, F_FORMAT_VERSION));
	ck_assert(!record_has(rec, F_FLOW_START_TEXT));
	ck_assert(!record_has(rec, F_FLOW_END_TEXT));
	assert_value(F_LOGGED_IN_USER_AUTHORITY, "D");
	assert_value(F_LOGGED_IN_USER_PRINCIPAL, "alice");
	ck_assert_int_eq(record_origin(rec, F_LOGGED_IN_USER_PRINCIPAL),
	    ORIGIN_DERIVED);
	assert_value(F_PROCESS_ACCOUNT_AUTHORITY, "D");
	assert_value(F_PROCESS_ACCOUNT_PRINCIPAL, "carol");
	ck_assert(!record_has(rec, F_PARENT_PROCESS_ACCOUNT_AUTHORITY));
	/* Alone, they make no event. */
	parse_bad("fv=\"nvzFlow_v9\" fst=\"x\"", "no known field");
	ck_assert_uint_eq(cnt.collector_keys, 9);
}
END_TEST

START_TEST(test_bad_values)
{
	static const char *const bad[] = {
		"sp=\"6x\"", "sp=\"-1\"", "sp=\"+1\"", "sp=\"007\"",
		"sp=\" 7\"", "sp=\"18446744073709551616\"", "fsms=\"1.5\"",
		"udid=\"XYZ0\"", "udid=\"ABC\"", "ph=\"0x12\"",
	};
	static const char *const bad_addr[] = {
		"sa=\"999.1.1.1\"", "sa=\"1.2.3\"", "sa=\"010.0.0.1\"",
		"da=\"fe80::1%eth0\"", "da=\"host.example\"",
	};
	char	line[256];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "pn=\"a.exe\" %s", bad[i]);
		parse_ok(line);
		ck_assert_msg(cnt.bad_values == i + 1, "%s accepted", bad[i]);
		ck_assert(record_has(rec, F_PROCESS_NAME));
	}
	ck_assert(!record_has(rec, F_PROCESS_HASH));
	/*
	 * A flow's address that cannot be read refuses the line: it would
	 * otherwise be a process record, cached as process context. The
	 * line's other bad values are not counted.
	 */
	for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++) {
		snprintf(line, sizeof(line), "pn=\"a.exe\" sp=\"x\" %s "
		    "dp=\"443\"", bad_addr[i]);
		parse_bad(line, "bad address in");
	}
	parse_bad("{\"pn\": \"a.exe\", \"sa\": \"10.0.0.1\", \"da\": true}",
	    "bad address in da");
	ck_assert_uint_eq(cnt.bad_lines, 6);
	ck_assert_uint_eq(cnt.bad_values, sizeof(bad) / sizeof(bad[0]));
	ck_assert_uint_eq(cnt.records, sizeof(bad) / sizeof(bad[0]));
	/* An empty address is the collector's "none": the line is kept. */
	parse_ok("pn=\"a.exe\" sa=\"''\" da=\"\"");
	ck_assert_int_eq(record_kind(rec), RECORD_PROCESS);
	/* Good values, printed as IPFIX prints their octets. */
	parse_ok("sa=\"2001:DB8:0:0::1\" da=\"::ffff:192.0.2.1\" "
	    "sp=\"18446744073709551615\" dp=\"0\" udid=\"0aFf\"");
	assert_value(F_SRC, "2001:db8::1");
	assert_value(F_DEST, "::ffff:192.0.2.1");
	assert_value(F_SRC_PORT, "18446744073709551615");
	assert_value(F_DEST_PORT, "0");
	assert_value(F_UDID, "0AFF");
}
END_TEST

START_TEST(test_too_long)
{
	size_t	 n = COLLECTOR_LINE_MAX + 1, pre = strlen(PAYLOAD " parg=\"");
	char	*line = malloc(n + 2);

	memcpy(line, PAYLOAD " parg=\"", pre);
	memset(line + pre, 'a', n - pre - 1);
	line[n - 1] = '"';
	ck_assert_int_eq(collector_parse(line, n, rec, RECV_TIME, &cnt, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "line too long"));
	ck_assert_uint_eq(err.offset, COLLECTOR_LINE_MAX);
	/* One byte less is taken; so is a trailing newline beyond the cap. */
	line[n - 2] = '"';
	ck_assert_int_eq(collector_parse(line, n - 1, rec, RECV_TIME, &cnt,
	    &err), 0);
	ck_assert_uint_eq(strlen(record_get1(rec, F_PROCESS_ARGUMENTS)),
	    n - pre - 2);
	line[n - 1] = '\n';
	ck_assert_int_eq(collector_parse(line, n, rec, RECV_TIME, &cnt, &err),
	    0);
	ck_assert_uint_eq(cnt.lines, 3);
	ck_assert_uint_eq(cnt.bad_lines, 1);
	free(line);
}
END_TEST

START_TEST(test_syntax)
{
	parse_bad("", "no key");
	parse_bad("\r\n", "no key");
	parse_bad("hello world", "no key");
	parse_bad("pr=6 sa=1.2.3.4", "no key");
	parse_bad("pr=\"6", "unterminated");
	parse_bad("pr=\"6\"sa=\"10.0.0.1\"", "blank");
	parse_bad("pr=\"6\" sa=10.0.0.1", "key=\"value\"");
	parse_bad("pr=\"6\" =\"x\"", "key=\"value\"");
	parse_bad("pr=\"6\" pr=\"17\"", "duplicate");
	parse_bad("udid=\"AB\" udid=\"ab\"", "duplicate");
	ck_assert_uint_eq(cnt.bad_lines, 10);
	ck_assert_uint_eq(cnt.records, 0);
	ck_assert(!record_has(rec, F_PROTOCOL));	/* cleared on refusal */
	/* A line without a newline need not be NUL-terminated. */
	ck_assert_int_eq(collector_parse("pr=\"6\"XXXX", 6, rec, RECV_TIME,
	    &cnt, &err), 0);
}
END_TEST

START_TEST(test_json)
{
	parse_ok("{\"pr\": 6, \"sa\": \"10.0.0.1\", \"fsms\": 1750954134331, "
	    "\"pn\": 12, \"zz\": {\"a\": 1}}");
	assert_value(F_PROTOCOL, "6");
	assert_value(F_PROCESS_NAME, "12");
	assert_value(F_TIME, "1750954134.331");
	ck_assert_uint_eq(cnt.unknown_keys, 1);
	ck_assert_uint_eq(cnt.bad_values, 0);
	/* Not strings or non-negative integers: bad values, event kept. */
	parse_ok("{\"pr\": -6, \"sp\": 1.5, \"sa\": \"10.0.0.1\", "
	    "\"pn\": null, \"ppn\": true, \"mnl\": [\"a\"], \"dh\": {}}");
	ck_assert_uint_eq(cnt.bad_values, 6);
	ck_assert(!record_has(rec, F_PROTOCOL));
	ck_assert(!record_has(rec, F_MODULE_NAME_LIST));
	/* Escapes are JSON's; '' is empty here too. */
	parse_ok("{\"sa\": \"10.0.0.1\", \"ppath\": \"C:\\\\W\\\\x.exe\", "
	    "\"hh\": \"''\", \"mnl\": \"a.dll,b.dll\"}");
	assert_value(F_PROCESS_PATH, "C:\\W\\x.exe");
	assert_value(F_HTTP_HOST, "");
	parse_bad("{\"pr\": \"6\", \"pr\": \"17\"}", "duplicate");
	parse_bad("{\"pr\": \"6\"", "bad JSON");
	parse_bad("{\"pr\": \"6\"} trailing", "bad JSON");
	parse_bad("{\"pr\": \"6\\u0000\"}", "bad JSON");
	parse_bad("{}", "no known field");
	parse_bad("[{\"pr\": \"6\"}]", "no key");
	ck_assert_uint_eq(cnt.json_lines, 3);
	/*
	 * Integers beyond jansson's 2^63 - 1 are bad values, not a bad
	 * object; digits in strings and reals are left alone.
	 */
	parse_ok("{\"pn\": \"a.exe\", \"sp\": 9223372036854775808, "
	    "\"dp\": 9223372036854775807, \"ibc\": -99999999999999999999, "
	    "\"fsms\": 1.12345678901234567890123, \"obc\": 1e99999999999999999999, "
	    "\"parg\": \"123456789012345678901234\\\" 99999999999999999999\", "
	    "\"iid\": 123456789012345678901234567890}");
	ck_assert_uint_eq(cnt.bad_values, 6 + 5);
	ck_assert(!record_has(rec, F_SRC_PORT));
	assert_value(F_DEST_PORT, "9223372036854775807");
	assert_value(F_PROCESS_ARGUMENTS,
	    "123456789012345678901234\" 99999999999999999999");
	ck_assert(!record_has(rec, F_INTERFACE_ID));
	/* Not a bad object either when the line is refused for another. */
	parse_bad("{\"sp\": 99999999999999999999, \"x\": }", "bad JSON");
	ck_assert_uint_eq(err.offset, 35);	/* the stray "}" */
}
END_TEST

START_TEST(test_counters)
{
	parse_ok(PAYLOAD);
	parse_ok("{\"pr\": \"6\"}");
	(void)parse("garbage");
	/* A refused line's bad values and keys count only as a bad line. */
	(void)parse("pn=\"a\" sp=\"x\" zz=\"1\" fv=\"v\" pn=\"b\"");
	(void)parse("{\"pn\": \"a\", \"sp\": -1, \"zz\": 1, \"fv\": \"v\", "
	    "\"sa\": \"x\"}");
	ck_assert_uint_eq(cnt.bad_values + cnt.unknown_keys +
	    cnt.collector_keys, 0);
	cnt.lines -= 2;
	cnt.bad_lines -= 2;
	ck_assert_int_eq(collector_parse("pr=\"6\"", 6, rec, 0, NULL, NULL), 0);
	ck_assert_uint_eq(cnt.lines, 3);
	ck_assert_uint_eq(cnt.records, 2);
	ck_assert_uint_eq(cnt.kv_lines, 1);
	ck_assert_uint_eq(cnt.json_lines, 1);
	ck_assert_uint_eq(cnt.bad_lines, 1);
}
END_TEST

/* Random bytes, and random bytes after a real header: no crash, no hang. */
START_TEST(test_garbage)
{
	static const char *const alphabet = "\"\\=' {}[]<>:,aZ09_\n\r\t\xef";
	uint64_t	 x = 88172645463325252ULL;
	char		 line[300];
	size_t		 i, n;
	int		 k;

	for (k = 0; k < 20000; k++) {
		n = (size_t)(x % sizeof(line));
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			line[i] = k % 2 ? alphabet[x % 22] : (char)(x & 0xff);
		}
		if (k % 3 == 0 && n > 8)
			memcpy(line, "pr=\"6\" ", 7);
		(void)collector_parse(line, n, rec, RECV_TIME, &cnt, &err);
	}
	ck_assert_uint_eq(cnt.lines, 20000);
	ck_assert_uint_eq(cnt.records + cnt.bad_lines, 20000);
}
END_TEST

static Suite *
collector_suite(void)
{
	Suite	*s = suite_create("collector");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_samples, 0, 3);
	tcase_add_loop_test(tc, test_samples_round_trip, 0, 3);
	tcase_add_loop_test(tc, test_samples_wire, 0, 3);
	tcase_add_loop_test(tc, test_ipfix_equivalence, 0, 3);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_format_escapes);
	tcase_add_test(tc, test_format_refuses);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_empty_absent);
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_collector_keys);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_counters);
	tcase_add_test(tc, test_garbage);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(collector_suite());
}
