/*
 * check_ipfix_export.c - the IPFIX encoder: templates and a data record
 * byte for byte against the real capture, MTU and template re-sending,
 * and (once lib/ipfix.c is linked) generate -> encode -> decode round trips
 * for every template.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ipfix.h"
#include "ipfix_export.h"
#include "nvmgen.h"
#include "record.h"
#include "testutil.h"

#define MSG_MAX		512

struct sink {
	uint8_t		*msg[MSG_MAX];
	size_t		 len[MSG_MAX];
	int		 n;
};

static struct field_dict	*dict;
static struct record		*rec;
static struct sink		 sink;

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
sink_clear(struct sink *s)
{
	int	i;

	for (i = 0; i < s->n; i++)
		free(s->msg[i]);
	s->n = 0;
}

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
	sink_clear(&sink);
	record_free(rec);
	field_dict_free(dict);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
set(int f, const char *s)
{
	ck_assert_int_eq(record_set_text(rec, f, s, strlen(s), ORIGIN_WIRE), 0);
}

/* The flow record of capture/msg2, as expected_decode.json gives it. */
static void
capture_flow(void)
{
	static const char *const mods[] = { "cryptsvc.dll", "dhcpcore.dll",
	    "termsrv.dll", "dnsrslvr.dll", "wkssvc.dll", "qagentRT.dll",
	    "nlasvc.dll", "WsmSvc.dll", "wecsvc.dll", "tapisrv.dll" };
	static const char *const hashes[] = {
	    "340DF730E88F8B6A4EF542F620EBA2A720546AFAB4DFFA00F066B7610A1026C5",
	    "4D9037B458C522874619143A4176BCED42472C68933E6E83D37B67242706F3C4",
	    "5F52C2E7902024CF1C9CC0069F411C3F19CCA3DB209F437FA0F3932D4898EB50",
	    "16060DDC32EF95EB6E37B91D50A96AB53CB0DEBB3DFDCB31975D16361092ABA5",
	    "C3E6519A1A38F1B3597D4391E42ABFE8F1F5E86256C4B3BD876CDAD9BB68B0A6",
	    "D252248532142E9E2332DA693BC51B795102CA938B568FF04981E98B19BFBC5C",
	    "99B8CD043DF531D4B9725ED167F63CED220608B2FED3EE8250C217D15762DFD7",
	    "5B6618615EBFBA594C945AD35F5C68DA8C6053892B6D12D626BB6120910D80DC",
	    "A53940BA28854486FF18F16B98A3314B36322B0B6EFB54D08B921315BEB0ADD5",
	    "FCFF02E466D2501630B452627FB218C01E5245A0921EE3D2117E7FD63AC7E98E" };
	int	i;

	record_clear(rec);
	set(F_PROTOCOL, "17");
	set(F_SRC, "192.168.0.10");
	set(F_SRC_PORT, "43879");
	set(F_DEST, "192.168.0.11");
	set(F_DEST_PORT, "53");
	set(F_FLOW_START, "1491362773");
	set(F_FLOW_END, "1491362773");
	set(F_UDID, "4CA7D9A79889DC4F18B4CD1B7E9F7E25D0C866A4");
	set(F_LOGGED_IN_USER, "MYNVM\\dummy11");
	set(F_LOGGED_IN_USER_ACCOUNT_TYPE, "2");
	set(F_PROCESS_ACCOUNT, "NT AUTHORITY\\NETWORK SERVICE");
	set(F_PROCESS_ACCOUNT_TYPE, "1");
	set(F_PROCESS_NAME, "svchost.exe");
	set(F_PROCESS_HASH, "740A46A0F5E0E8C933EFD28C9901E54E"
	    "42792619A8A3A6D11E1F0025A7324BC2");
	set(F_PARENT_PROCESS_ACCOUNT, "NT AUTHORITY\\SYSTEM");
	set(F_PARENT_PROCESS_ACCOUNT_TYPE, "2");
	set(F_PARENT_PROCESS_NAME, "services.exe");
	set(F_PARENT_PROCESS_HASH, "D7BC4ED605B32274B45328FD9914FB0E"
	    "7B90D869A38F0E6F94FB1BF4E9E2B407");
	set(F_BYTES_IN, "100");
	set(F_BYTES_OUT, "41");
	set(F_DNS_SUFFIX, "dummy.du");
	set(F_DEST_HOSTNAME, "Unknown");
	set(F_INTERFACE_ID, "6");
	for (i = 0; i < 10; i++) {
		record_append_text(rec, F_MODULE_NAME_LIST, mods[i],
		    strlen(mods[i]), ORIGIN_WIRE);
		record_append_text(rec, F_MODULE_HASH_LIST, hashes[i], 64,
		    ORIGIN_WIRE);
	}
}

/* The template record tid inside a template set of msg, or NULL. */
static const uint8_t *
find_template(const uint8_t *msg, size_t len, uint16_t tid, size_t *tlen)
{
	size_t	off = 16, p, end, q, k;

	while (off + 4 <= len) {
		end = off + get16(msg + off + 2);
		for (p = off + 4; get16(msg + off) == 2 && p + 4 <= end; p = q) {
			q = p + 4;
			for (k = 0; k < get16(msg + p + 2); k++)
				q += (msg[q] & 0x80) ? 8 : 4;
			if (get16(msg + p) == tid) {
				*tlen = q - p;
				return msg + p;
			}
		}
		off = end;
	}
	return NULL;
}

START_TEST(test_templates_match_capture)
{
	static const uint16_t	 tids[] = { 262, 266, 267, 268 };
	struct ipfix_exporter	*x;
	uint8_t			*msg1;
	const uint8_t		*want, *got;
	size_t			 len1, wlen, glen, i;

	msg1 = test_read_data("msg1_templates_262_267_268_266.bin", &len1);
	x = ipfix_exporter_new(dict, NULL, collect, &sink, NULL, 0);
	ck_assert_ptr_nonnull(x);
	capture_flow();
	ck_assert_int_eq(ipfix_exporter_add(x, rec, IPFIX_TID_FLOW4,
	    1491362776), 0);
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	ck_assert_int_eq(sink.n, 2);
	ck_assert_uint_eq(get16(sink.msg[0] + 16), 2);	/* template set */
	for (i = 0; i < sizeof(tids) / sizeof(tids[0]); i++) {
		want = find_template(msg1, len1, tids[i], &wlen);
		got = find_template(sink.msg[0], sink.len[0], tids[i], &glen);
		ck_assert_ptr_nonnull(want);
		ck_assert_ptr_nonnull(got);
		ck_assert_uint_eq(glen, wlen);
		ck_assert_mem_eq(got, want, wlen);
	}
	/* 269 and 270: the flow elements, then ten process elements. */
	got = find_template(sink.msg[0], sink.len[0], 269, &glen);
	want = find_template(msg1, len1, 267, &wlen);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(get16(got + 2), 35);
	ck_assert_mem_eq(got + 4, want + 4, wlen - 4);
	ck_assert_ptr_nonnull(find_template(sink.msg[0], sink.len[0], 270,
	    &glen));
	ipfix_exporter_free(x);
	free(msg1);
}
END_TEST

/*
 * The data record equals the captured one, except that libfixbuf writes
 * the 129-byte module name list with a one-byte length where the agent
 * used the three-byte form (both are RFC 7011 §7).
 */
START_TEST(test_data_record_matches_capture)
{
	static const uint8_t	 mnl3[] = { 0xff, 0x00, 0x81, 0x03, 0xb0, 0x3c };
	struct ipfix_exporter	*x;
	uint8_t			*msg2, want[1024];
	const uint8_t		*rec2, *at, *m;
	size_t			 len2, rlen, pre, wlen;

	msg2 = test_read_data("msg2_data_267_ipv4_flow.bin", &len2);
	rec2 = msg2 + 20;
	rlen = get16(msg2 + 18) - 4;
	at = memmem(rec2, rlen, mnl3, sizeof(mnl3));
	ck_assert_ptr_nonnull(at);
	pre = (size_t)(at - rec2);
	memcpy(want, rec2, pre);
	want[pre] = 0x81;
	memcpy(want + pre + 1, at + 3, rlen - pre - 3);
	wlen = rlen - 2;

	x = ipfix_exporter_new(dict, NULL, collect, &sink, NULL, 0);
	capture_flow();
	ck_assert_int_eq(ipfix_exporter_add(x, rec, 0, 1491362776), 0);
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	ck_assert_int_eq(sink.n, 2);
	m = sink.msg[1];
	ck_assert_uint_eq(get16(m), 10);
	ck_assert_uint_eq(get16(m + 2), sink.len[1]);
	ck_assert_uint_eq(m[15], 127);			/* domain */
	ck_assert_uint_eq(get16(m + 16), 267);
	ck_assert_uint_eq(get16(m + 18), 4 + wlen);
	ck_assert_uint_eq(sink.len[1], 20 + wlen);
	ck_assert_mem_eq(m + 20, want, wlen);
	ck_assert_uint_eq(ipfix_exporter_stats(x)->records, 1);
	ipfix_exporter_free(x);
	free(msg2);
}
END_TEST

static void
generate(struct ipfix_exporter *x, uint64_t seed, uint64_t flows,
    struct buf *truth)
{
	struct nvmgen_opts	 o;
	struct nvmgen_error	 err;
	struct nvmgen		*g;

	nvmgen_opts_default(&o);
	o.seed = seed;
	o.flows = flows;
	o.ipv6_share = 0.3;
	g = nvmgen_new(&o, &err);
	ck_assert_ptr_nonnull(g);
	while (nvmgen_next(g, rec) == 1) {
		ck_assert_msg(ipfix_exporter_add(x, rec, 0, 1700000000) == 0,
		    "%s", ipfix_exporter_error(x));
		if (truth != NULL) {
			record_json(rec, truth, RECORD_JSON_KEYS |
			    RECORD_JSON_WIRE);
			buf_putc(truth, '\n');
		}
	}
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	nvmgen_free(g);
}

START_TEST(test_mtu_and_template_interval)
{
	struct ipfix_export_opts	 o = { 0, 1000, 3 };
	struct ipfix_exporter		*x;
	uint64_t			 tmsgs = 0;
	int				 i, since = 0;

	x = ipfix_exporter_new(dict, &o, collect, &sink, NULL, 0);
	ck_assert_ptr_nonnull(x);
	generate(x, 5, 150, NULL);
	ck_assert_uint_eq(ipfix_exporter_stats(x)->records, 170);
	ck_assert_uint_eq(ipfix_exporter_stats(x)->messages, sink.n);
	ck_assert_uint_eq(get16(sink.msg[0] + 16), 2);
	for (i = 0; i < sink.n; i++) {
		ck_assert_uint_le(sink.len[i], 1000);
		ck_assert_uint_eq(get16(sink.msg[i] + 2), sink.len[i]);
		if (get16(sink.msg[i] + 16) == 2) {
			tmsgs++;
			since = 0;
		} else
			ck_assert_int_le(++since, 3);
	}
	ck_assert_uint_eq(tmsgs, ipfix_exporter_stats(x)->template_messages);
	ck_assert_uint_gt(tmsgs, 2);
	ipfix_exporter_free(x);
}
END_TEST

START_TEST(test_refusals)
{
	struct ipfix_export_opts	 o = { 0, 128, 0 };
	struct ipfix_exporter		*x;
	char				 err[128];

	o.mtu = 64;
	ck_assert_ptr_null(ipfix_exporter_new(dict, &o, collect, &sink, err,
	    sizeof(err)));
	ck_assert(strstr(err, "mtu") != NULL);
	o.mtu = 200;
	x = ipfix_exporter_new(dict, &o, collect, &sink, err, sizeof(err));
	ck_assert_ptr_nonnull(x);
	capture_flow();				/* ~700 bytes */
	ck_assert_int_eq(ipfix_exporter_add(x, rec, 0, 1), -1);
	ck_assert(strstr(ipfix_exporter_error(x), "mtu") != NULL);
	record_clear(rec);
	set(F_SRC_PORT, "80");			/* no address: no template */
	ck_assert_int_eq(ipfix_exporter_add(x, rec, 0, 1), -1);
	capture_flow();
	set(F_SRC_PORT, "70000");		/* does not fit 2 octets */
	ck_assert_int_eq(ipfix_exporter_add(x, rec, IPFIX_TID_FLOW4, 1), -1);
	ck_assert_uint_eq(ipfix_exporter_stats(x)->refused, 3);
	ck_assert_int_eq(ipfix_exporter_flush(x), 0);
	ck_assert_int_eq(sink.n, 0);
	ipfix_exporter_free(x);
}
END_TEST

static void
decoded(struct record *r, void *arg)
{
	record_json(r, arg, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	buf_putc(arg, '\n');
}

/* generate -> encode -> decode: the decoder prints the truth exactly. */
START_TEST(test_round_trip)
{
	struct ipfix_collector	*col;
	struct ipfix_session	*s;
	struct ipfix_exporter	*x;
	struct buf		 truth = { 0 }, got = { 0 };
	int			 i;

	x = ipfix_exporter_new(dict, NULL, collect, &sink, NULL, 0);
	generate(x, (uint64_t)_i + 1, 300, &truth);
	col = ipfix_collector_new(dict, NULL, decoded, &got);
	s = ipfix_session_new(col, "test");
	for (i = 0; i < sink.n; i++)
		ck_assert_int_eq(ipfix_session_message(s, sink.msg[i],
		    sink.len[i], 1700000000.0), 0);
	ck_assert_ptr_nonnull(got.data);
	ck_assert_str_eq(got.data, truth.data);
	ipfix_session_free(s);
	ipfix_collector_free(col);
	ipfix_exporter_free(x);
	buf_free(&truth);
	buf_free(&got);
}
END_TEST

static Suite *
ipfix_export_suite(void)
{
	Suite	*s = suite_create("ipfix_export");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_templates_match_capture);
	tcase_add_test(tc, test_data_record_matches_capture);
	tcase_add_test(tc, test_mtu_and_template_interval);
	tcase_add_test(tc, test_refusals);
	tcase_add_loop_test(tc, test_round_trip, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(ipfix_export_suite());
}
