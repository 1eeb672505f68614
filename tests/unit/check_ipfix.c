/*
 * check_ipfix.c - the nvzFlow IPFIX decoder: golden capture, element-based
 * decoding and one test per libfixbuf guard, with crafted messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "ipfix.h"
#include "record.h"
#include "testutil.h"

#define MAX_RECS	16
#define NOW		1700000000.5

/* What the record callback saw. */
struct seen {
	int	 n;
	char	*json[MAX_RECS];	/* KEYS|WIRE */
	char	*canon[MAX_RECS];	/* every field, sorted */
	char	*transport, *time, *sourcetype;
	char	 mnl[4096];
	uint32_t nmnl;
	int	 nlogs, nlibfixbuf, nsuppressed;
};

/* A message under construction. */
struct mb {
	uint8_t	b[65536];
	size_t	len;
	size_t	set;		/* offset of the open set header */
};

struct spec {
	uint32_t	pen;
	uint16_t	id;
	uint16_t	len;
};

static struct field_dict	*dict;
static struct ipfix_collector	*col;
static struct ipfix_session	*sess;
static struct seen		 seen;

static void	 on_record(struct record *, void *);
static char	*dup_or_empty(const char *);
static void	 on_log(int, const char *, void *);
static char	*canon_dump(const struct record *);
static int	 str_cmp(const void *, const void *);
static void	 seen_reset(void);
static void	 setup(void);
static void	 teardown(void);
static void	 setup_limits(const struct ipfix_limits *);
static void	 mb_start(struct mb *, uint32_t, uint32_t);
static void	 mb_set(struct mb *, uint16_t);
static void	 mb_put(struct mb *, const void *, size_t);
static void	 mb_u8(struct mb *, uint8_t);
static void	 mb_u16(struct mb *, uint16_t);
static void	 mb_u32(struct mb *, uint32_t);
static void	 mb_end_set(struct mb *);
static size_t	 mb_finish(struct mb *);
static void	 mb_template(struct mb *, uint16_t, const struct spec *, int);
static void	 mb_options_800(struct mb *);
static void	 mb_data_800(struct mb *);
static void	 mb_string_list(struct mb *, const char *const *, int);
static int	 feed(struct mb *);
static int	 feed_file(const char *);
static const struct ipfix_counters *totals(void);

static void
on_record(struct record *r, void *arg)
{
	struct seen		*s = arg;
	struct buf		 b = { 0 };
	const struct rec_str	*v;
	uint32_t		 i, n;

	ck_assert_int_lt(s->n, MAX_RECS);
	record_json(r, &b, RECORD_JSON_KEYS | RECORD_JSON_WIRE);
	s->json[s->n] = strdup(b.data);
	s->canon[s->n] = canon_dump(r);
	s->n++;
	buf_free(&b);
	if (record_kind(r) != RECORD_FLOW || s->transport != NULL)
		return;
	s->transport = dup_or_empty(record_get1(r, F_TRANSPORT));
	s->time = dup_or_empty(record_get1(r, F_TIME));
	s->sourcetype = dup_or_empty(record_get1(r, F_SOURCETYPE));
	s->mnl[0] = '\0';
	if ((v = record_get(r, F_MODULE_NAME_LIST, &n)) == NULL)
		return;
	s->nmnl = n;
	for (i = 0; i < n; i++) {
		strcat(s->mnl, v[i].ptr);
		strcat(s->mnl, "|");
	}
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static void
on_log(int prio, const char *msg, void *arg)
{
	struct seen	*s = arg;

	s->nlogs++;
	if (strncmp(msg, "libfixbuf: ", 11) == 0)
		s->nlibfixbuf++;
	if (strstr(msg, "suppressed") != NULL)
		s->nsuppressed++;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every field as "name=v1,v2", sorted: equal for equal records. */
static char *
canon_dump(const struct record *r)
{
	const struct rec_str	*v;
	const int		*fields;
	char			*lines[256], *out;
	struct buf		 b = { 0 };
	int			 i, nf;
	uint32_t		 j, n;

	fields = record_fields(r, &nf);
	ck_assert_int_le(nf, 256);
	for (i = 0; i < nf; i++) {
		buf_reset(&b);
		buf_puts(&b, field_dict_get(dict, fields[i])->name);
		buf_putc(&b, '=');
		v = record_get(r, fields[i], &n);
		for (j = 0; j < n; j++) {
			buf_append(&b, v[j].ptr, v[j].len);
			buf_putc(&b, ',');
		}
		lines[i] = strdup(b.data);
	}
	qsort(lines, (size_t)nf, sizeof(char *), str_cmp);
	buf_reset(&b);
	for (i = 0; i < nf; i++) {
		buf_puts(&b, lines[i]);
		buf_putc(&b, '\n');
		free(lines[i]);
	}
	out = strdup(b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static void
seen_reset(void)
{
	int	i;

	for (i = 0; i < seen.n; i++) {
		free(seen.json[i]);
		free(seen.canon[i]);
	}
	free(seen.transport);
	free(seen.time);
	free(seen.sourcetype);
	memset(&seen, 0, sizeof(seen));
}

static void
setup_limits(const struct ipfix_limits *l)
{
	dict = field_dict_new();
	ck_assert_ptr_nonnull(dict);
	col = ipfix_collector_new(dict, l, on_record, &seen);
	ck_assert_ptr_nonnull(col);
	ipfix_collector_set_log(col, on_log, &seen);
	sess = ipfix_session_new(col, "192.0.2.1:50123");
	ck_assert_ptr_nonnull(sess);
}

static void
setup(void)
{
	setup_limits(NULL);
}

static void
teardown(void)
{
	ipfix_session_free(sess);
	ipfix_collector_free(col);
	field_dict_free(dict);
	seen_reset();
}

static void
mb_start(struct mb *m, uint32_t seq, uint32_t odid)
{
	memset(m, 0, sizeof(*m));
	mb_u16(m, 10);
	mb_u16(m, 0);
	mb_u32(m, 1491362766);
	mb_u32(m, seq);
	mb_u32(m, odid);
}

static void
mb_put(struct mb *m, const void *p, size_t len)
{
	ck_assert_uint_le(m->len + len, sizeof(m->b));
	memcpy(m->b + m->len, p, len);
	m->len += len;
}

static void
mb_u8(struct mb *m, uint8_t v)
{
	mb_put(m, &v, 1);
}

static void
mb_u16(struct mb *m, uint16_t v)
{
	mb_u8(m, (uint8_t)(v >> 8));
	mb_u8(m, (uint8_t)v);
}

static void
mb_u32(struct mb *m, uint32_t v)
{
	mb_u16(m, (uint16_t)(v >> 16));
	mb_u16(m, (uint16_t)v);
}

static void
mb_set(struct mb *m, uint16_t id)
{
	m->set = m->len;
	mb_u16(m, id);
	mb_u16(m, 0);
}

static void
mb_end_set(struct mb *m)
{
	uint16_t	len = (uint16_t)(m->len - m->set);

	m->b[m->set + 2] = (uint8_t)(len >> 8);
	m->b[m->set + 3] = (uint8_t)len;
}

static size_t
mb_finish(struct mb *m)
{
	m->b[2] = (uint8_t)(m->len >> 8);
	m->b[3] = (uint8_t)m->len;
	return m->len;
}

/* One template record (inside an open template set). */
static void
mb_template(struct mb *m, uint16_t tid, const struct spec *sp, int n)
{
	int	i;

	mb_u16(m, tid);
	mb_u16(m, (uint16_t)n);
	for (i = 0; i < n; i++) {
		mb_u16(m, (uint16_t)(sp[i].id | (sp[i].pen ? 0x8000 : 0)));
		mb_u16(m, sp[i].len);
		if (sp[i].pen)
			mb_u32(m, sp[i].pen);
	}
}

static int
feed(struct mb *m)
{
	size_t	len = mb_finish(m);

	return ipfix_session_message(sess, m->b, len, NOW);
}

static int
feed_file(const char *name)
{
	uint8_t	*p;
	size_t	 len;
	int	 rc;

	p = test_read_data(name, &len);
	rc = ipfix_session_message(sess, p, len, NOW);
	free(p);
	return rc;
}

static const struct ipfix_counters *
totals(void)
{
	return ipfix_session_totals(sess);
}

#define MSG1	"msg1_templates_262_267_268_266.bin"
#define MSG2	"msg2_data_267_ipv4_flow.bin"
#define MSG3	"msg3_data_262_endpoint.bin"

/* The capture's single 267 record: the data set body of msg2. */
static uint8_t *
msg2_record(size_t *len)
{
	uint8_t	*p = test_read_data(MSG2, len);
	size_t	 slen = (size_t)(p[18] << 8 | p[19]);

	memmove(p, p + 20, slen - 4);
	*len = slen - 4;
	return p;
}

static void
check_domain_cb(uint32_t odid, const struct ipfix_counters *c, void *arg)
{
	int	*n = arg;

	ck_assert_uint_eq(odid, 127);
	ck_assert_uint_eq(c->records, 2);
	(*n)++;
}

START_TEST(test_golden)
{
	char			*want, *line, *save = NULL;
	size_t			 len;
	int			 i = 0, ndom = 0;
	const struct ipfix_counters *c;

	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_int_eq(seen.n, 2);
	want = (char *)test_read_data("capture_decode.jsonl", &len);
	for (line = strtok_r(want, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++)
		ck_assert_str_eq(seen.json[i], line);
	ck_assert_int_eq(i, 2);
	free(want);
	ck_assert_str_eq(seen.transport, "udp");
	ck_assert_str_eq(seen.time, "1491362773");
	ck_assert_str_eq(seen.sourcetype, "cisco:nvm:flowdata");
	ck_assert_uint_eq(seen.nmnl, 10);
	ck_assert_str_eq(seen.mnl, "cryptsvc.dll|dhcpcore.dll|termsrv.dll|"
	    "dnsrslvr.dll|wkssvc.dll|qagentRT.dll|nlasvc.dll|WsmSvc.dll|"
	    "wecsvc.dll|tapisrv.dll|");
	c = totals();
	ck_assert_uint_eq(c->messages, 3);
	ck_assert_uint_eq(c->records, 2);
	ck_assert_uint_eq(c->records_kind[RECORD_FLOW], 1);
	ck_assert_uint_eq(c->records_kind[RECORD_ENDPOINT], 1);
	ck_assert_uint_eq(c->templates, 4);
	ck_assert_uint_eq(c->malformed, 0);
	ck_assert_uint_eq(c->no_template, 0);
	ck_assert_uint_eq(c->bad_records, 0);
	ck_assert_uint_eq(c->unknown_elements, 0);
	/* seq 1 (no data), then 22 (21 lost), then 506881 (506858 lost) */
	ck_assert_uint_eq(c->seq_gaps, 21 + 506858);
	ipfix_session_domains(sess, check_domain_cb, &ndom);
	ck_assert_int_eq(ndom, 1);
	ck_assert_mem_eq(ipfix_collector_totals(col), c, sizeof(*c));
}
END_TEST

START_TEST(test_ipv6_268)
{
	static const uint8_t	 sa[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t	 da[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct mb		*m = calloc(1, sizeof(*m));
	uint8_t			*rec;
	size_t			 len;

	ck_assert_int_eq(feed_file(MSG1), 0);
	rec = msg2_record(&len);
	mb_start(m, 1, 127);
	mb_set(m, 268);
	mb_put(m, rec, 1);
	mb_put(m, sa, 16);
	mb_put(m, rec + 5, 2);
	mb_put(m, da, 16);
	mb_put(m, rec + 11, len - 11);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_ptr_nonnull(strstr(seen.json[0], "\"_template\":268,"
	    "\"_odid\":127,\"pr\":17,\"sa\":\"2001:db8::1\",\"sp\":43879,"
	    "\"da\":\"2001:db8::2\",\"dp\":53,"));
	ck_assert_uint_eq(totals()->records_kind[RECORD_FLOW], 1);
	free(rec);
	free(m);
}
END_TEST

/* The 267 field list, for crafting templates. */
static const struct spec t267[] = {
	{ 0, 4, 1 }, { 0, 8, 4 }, { 0, 7, 2 }, { 0, 12, 4 }, { 0, 11, 2 },
	{ 0, 150, 4 }, { 0, 151, 4 }, { 9, 12332, 20 }, { 9, 12333, 65535 },
	{ 9, 12361, 2 }, { 9, 12338, 65535 }, { 9, 12362, 2 },
	{ 9, 12340, 65535 }, { 9, 12341, 32 }, { 9, 12339, 65535 },
	{ 9, 12363, 2 }, { 9, 12342, 65535 }, { 9, 12343, 32 },
	{ 9, 12346, 8 }, { 9, 12347, 8 }, { 9, 12344, 65535 },
	{ 9, 12345, 65535 }, { 9, 12355, 4 }, { 9, 12352, 65535 },
	{ 9, 12353, 65535 },
};
#define N267	((int)(sizeof(t267) / sizeof(t267[0])))

/* Splits a record into its fields' encodings (length prefix included). */
static void
split_fields(const uint8_t *p, const struct spec *sp, int n,
    const uint8_t **at, size_t *len)
{
	size_t	off = 0, l;
	int	i;

	for (i = 0; i < n; i++) {
		at[i] = p + off;
		if (sp[i].len != 65535)
			l = sp[i].len;
		else if (p[off] < 255)
			l = 1 + (size_t)p[off];
		else
			l = 3 + (size_t)(p[off + 1] << 8 | p[off + 2]);
		len[i] = l;
		off += l;
	}
}

START_TEST(test_order_independence)
{
	struct mb	*m = calloc(1, sizeof(*m));
	struct spec	 rev[N267];
	const uint8_t	*at[N267];
	size_t		 flen[N267], len;
	uint8_t		*rec;
	int		 i;

	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG2), 0);
	rec = msg2_record(&len);
	split_fields(rec, t267, N267, at, flen);
	for (i = 0; i < N267; i++)
		rev[i] = t267[N267 - 1 - i];
	mb_start(m, 23, 127);
	mb_set(m, 2);
	mb_template(m, 999, rev, N267);
	mb_end_set(m);
	mb_set(m, 999);
	for (i = N267 - 1; i >= 0; i--)
		mb_put(m, at[i], flen[i]);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.canon[0], seen.canon[1]);
	ck_assert_ptr_nonnull(strstr(seen.json[1], "\"_template\":999,"));
	ck_assert_uint_eq(totals()->seq_gaps, 21);
	free(rec);
	free(m);
}
END_TEST

/* Guard 1: templates whose records are empty never reach libfixbuf. */
START_TEST(test_guard_empty_template)
{
	static const struct spec zero[] = { { 0, 7, 0 }, { 0, 4, 0 } };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 400, zero, 2);
	mb_end_set(m);
	mb_set(m, 400);
	mb_u32(m, 0);
	mb_u32(m, 0);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_templates, 1);
	ck_assert_uint_eq(totals()->templates, 0);
	ck_assert_uint_eq(totals()->no_template, 1);
	ck_assert_uint_eq(totals()->records, 0);
	/* Zero fields in an options template set: scope count 0 refused. */
	mb_start(m, 0, 1);
	mb_set(m, 3);
	mb_u16(m, 401);
	mb_u16(m, 1);
	mb_u16(m, 0);
	mb_u16(m, 7);
	mb_u16(m, 2);
	mb_end_set(m);
	mb_set(m, 401);
	mb_u16(m, 80);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_templates, 2);
	ck_assert_uint_eq(totals()->no_template, 2);
	ck_assert_int_eq(seen.n, 0);
	free(m);
}
END_TEST

/* Guard 2: a message that fails mid-way leaves nothing for the next. */
START_TEST(test_guard_clean_start)
{
	struct mb	*m = calloc(1, sizeof(*m));
	uint8_t		*rec;
	size_t		 len;

	ck_assert_int_eq(feed_file(MSG1), 0);
	rec = msg2_record(&len);
	mb_start(m, 22, 127);
	mb_set(m, 267);
	mb_put(m, rec, len);
	mb_end_set(m);
	mb_set(m, 267);
	mb_put(m, rec, 200);
	mb_end_set(m);			/* a record cut short by its set */
	mb_u16(m, 267);
	mb_u16(m, 2000);		/* a set past the message */
	mb_u32(m, 0);
	ck_assert_int_eq(feed(m), -1);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_uint_eq(totals()->malformed, 1);
	ck_assert_uint_eq(totals()->bad_records, 1);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(seen.n, 2);
	ck_assert_str_eq(seen.json[0], seen.json[1]);
	ck_assert_uint_eq(totals()->messages, 3);
	ck_assert_uint_eq(totals()->records, 2);
	free(rec);
	free(m);
}
END_TEST

/* Guard 3: reserved set ids and template ids below 256. */
START_TEST(test_guard_reserved_ids)
{
	static const struct spec one[] = { { 0, 7, 2 } };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 1);
	mb_set(m, 1);
	mb_u32(m, 0);
	mb_end_set(m);
	mb_set(m, 255);
	mb_u32(m, 0);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), -1);
	ck_assert_uint_eq(totals()->malformed, 1);
	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 255, one, 1);
	mb_template(m, 100, NULL, 0);	/* withdrawal of a reserved id */
	mb_template(m, 256, one, 1);
	mb_end_set(m);
	mb_set(m, 256);
	mb_u16(m, 8080);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_templates, 2);
	ck_assert_uint_eq(totals()->templates, 1);
	ck_assert_uint_eq(totals()->records, 1);
	ck_assert_uint_eq(totals()->malformed, 1);
	ck_assert_uint_eq(totals()->messages, 2);
	free(m);
}
END_TEST

/* Guard 4: withdrawn templates decode nothing until defined again. */
/* Options template 800 (scope: destination port) in domain 127. */
static void
mb_options_800(struct mb *m)
{
	mb_start(m, 0, 127);
	mb_set(m, 3);
	mb_u16(m, 800);
	mb_u16(m, 1);
	mb_u16(m, 1);
	mb_u16(m, 11);
	mb_u16(m, 2);
	mb_end_set(m);
}

static void
mb_data_800(struct mb *m)
{
	mb_start(m, 0, 127);
	mb_set(m, 800);
	mb_u16(m, 53);
	mb_end_set(m);
}

START_TEST(test_guard_withdrawal)
{
	struct mb	*m = calloc(1, sizeof(*m));

	ck_assert_int_eq(feed_file(MSG1), 0);
	mb_start(m, 0, 127);
	mb_set(m, 2);
	mb_template(m, 267, NULL, 0);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->template_withdrawals, 1);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(totals()->no_template, 1);
	ck_assert_uint_eq(totals()->records, 1);
	mb_start(m, 0, 127);
	mb_set(m, 2);
	mb_template(m, 2, NULL, 0);	/* withdraw all */
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->template_withdrawals, 2);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(totals()->no_template, 2);
	ck_assert_uint_eq(totals()->records, 1);
	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(totals()->records, 3);
	ck_assert_uint_eq(totals()->templates, 8);
	ck_assert_int_eq(seen.n, 3);

	/* Options templates: a 4-byte withdrawal record, then withdraw all. */
	mb_options_800(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->templates, 9);
	mb_data_800(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->records, 4);
	mb_start(m, 0, 127);
	mb_set(m, 3);
	mb_template(m, 800, NULL, 0);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->template_withdrawals, 3);
	ck_assert_uint_eq(totals()->bad_templates, 0);
	mb_data_800(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->no_template, 3);
	ck_assert_uint_eq(totals()->records, 4);
	mb_options_800(m);
	ck_assert_int_eq(feed(m), 0);
	mb_data_800(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->records, 5);
	mb_start(m, 0, 127);
	mb_set(m, 3);
	mb_template(m, 3, NULL, 0);	/* withdraw all options templates */
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->template_withdrawals, 4);
	mb_data_800(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->no_template, 4);
	ck_assert_uint_eq(totals()->records, 5);
	ck_assert_int_eq(feed_file(MSG2), 0);	/* not an options template */
	ck_assert_uint_eq(totals()->records, 6);
	ck_assert_uint_eq(totals()->no_template, 4);
	ck_assert_uint_eq(totals()->bad_templates, 0);
	ck_assert_uint_eq(totals()->malformed, 0);
	ck_assert_int_eq(seen.n, 6);
	free(m);
}
END_TEST

/* Guard 5: data before its template. */
START_TEST(test_guard_no_template)
{
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(totals()->no_template, 2);
	ck_assert_uint_eq(totals()->records, 0);
	ck_assert_uint_eq(totals()->malformed, 0);
	ck_assert_int_eq(seen.n, 0);
}
END_TEST

/* Guard 6: fixed lengths that do not fit the field's type. */
START_TEST(test_guard_fixed_lengths)
{
	static const struct spec port3[] = { { 0, 7, 3 } };
	static const struct spec addr5[] = { { 0, 8, 5 } };
	static const struct spec reduced[] = { { 0, 7, 1 }, { 9, 12346, 3 },
	    { 0, 8, 4 } };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 500, port3, 1);
	mb_template(m, 501, addr5, 1);
	mb_template(m, 502, reduced, 3);
	mb_end_set(m);
	mb_set(m, 500);
	mb_put(m, "\x00\x00\x35", 3);
	mb_end_set(m);
	mb_set(m, 501);
	mb_put(m, "\x0a\x00\x00\x01\x02", 5);
	mb_end_set(m);
	mb_set(m, 502);
	mb_put(m, "\x35\x01\x00\x01\xc0\x00\x02\x01", 8);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->templates, 3);
	ck_assert_uint_eq(totals()->bad_records, 2);
	ck_assert_uint_eq(totals()->records, 1);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.json[0], "{\"_template\":502,\"_odid\":1,"
	    "\"sp\":53,\"ibc\":65537,\"sa\":\"192.0.2.1\"}");
	free(m);
}
END_TEST

/* Guard 7: set lengths past the message, or below a set header. */
START_TEST(test_guard_set_length)
{
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 1);
	mb_u16(m, 2);
	mb_u16(m, 3);
	mb_u32(m, 0);
	ck_assert_int_eq(feed(m), -1);
	mb_start(m, 0, 1);
	mb_u16(m, 300);
	mb_u16(m, 9);
	mb_u32(m, 0);
	ck_assert_int_eq(feed(m), -1);
	mb_start(m, 0, 1);
	mb_u16(m, 300);
	mb_u8(m, 0);			/* trailing bytes */
	ck_assert_int_eq(feed(m), -1);
	ck_assert_uint_eq(totals()->malformed, 3);
	ck_assert_uint_eq(totals()->messages, 3);
	free(m);
}
END_TEST

/* Guard 8: variable lengths past the set, list items past the list. */
START_TEST(test_guard_varlen)
{
	static const struct spec host[] = { { 0, 350, 65535 } };
	static const struct spec list[] = { { 9, 12352, 65535 },
	    { 0, 7, 2 } };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 600, host, 1);
	mb_template(m, 601, list, 2);
	mb_end_set(m);
	mb_set(m, 600);
	mb_u8(m, 2);
	mb_put(m, "ab", 2);		/* a good record, then */
	mb_u8(m, 50);
	mb_put(m, "abc", 3);		/* 50 bytes promised */
	mb_end_set(m);
	ck_assert_int_eq(feed(m), -1);
	ck_assert_uint_eq(totals()->bad_records, 1);
	ck_assert_uint_eq(totals()->malformed, 1);
	ck_assert_uint_eq(totals()->records, 1);
	mb_start(m, 2, 1);
	mb_set(m, 600);
	mb_u8(m, 255);
	mb_u16(m, 1000);		/* three-byte form past the set */
	mb_put(m, "abcd", 4);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), -1);
	ck_assert_uint_eq(totals()->bad_records, 2);
	/* A list item that runs past its list: the record only. */
	mb_start(m, 3, 1);
	mb_set(m, 601);
	mb_u8(m, 9);
	mb_put(m, "\x03\xb0\x3c\xff\xff\x00\x00\x00\x09", 9);
	mb_u16(m, 1);
	mb_u8(m, 11);
	mb_put(m, "\x03\xb0\x3c\xff\xff\x00\x00\x00\x09\x30\x41", 11);
	mb_u16(m, 2);
	mb_u8(m, 12);
	mb_put(m, "\x03\xb0\x3c\xff\xff\x00\x00\x00\x09\x02\x61\x62", 12);
	mb_u16(m, 3);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_records, 3);
	ck_assert_uint_eq(totals()->records, 3);
	ck_assert_int_eq(seen.n, 3);
	ck_assert_str_eq(seen.json[1], "{\"_template\":601,\"_odid\":1,"
	    "\"mnl\":[],\"sp\":1}");
	ck_assert_str_eq(seen.json[2], "{\"_template\":601,\"_odid\":1,"
	    "\"mnl\":[\"ab\"],\"sp\":3}");
	ck_assert_uint_eq(totals()->seq_gaps, 0);
	free(m);
}
END_TEST

/* Guard 9: unknown elements growing libfixbuf's model are capped. */
START_TEST(test_guard_unknown_cap)
{
	static const struct spec two[] = { { 0, 7, 2 }, { 4242, 1, 2 },
	    { 4242, 2, 2 } };
	static const struct spec three[] = { { 4242, 1, 2 }, { 4242, 3, 2 } };
	static const struct spec again[] = { { 4242, 2, 2 }, { 4242, 1, 2 },
	    { 0, 11, 2 } };
	struct ipfix_limits	 l = { .max_unknown_elements = 2 };
	struct mb		*m = calloc(1, sizeof(*m));

	teardown();
	setup_limits(&l);
	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 700, two, 3);
	mb_template(m, 701, three, 2);
	mb_template(m, 702, again, 3);
	mb_end_set(m);
	mb_set(m, 702);
	mb_put(m, "\x00\x01\x00\x02\x00\x35", 6);
	mb_end_set(m);
	mb_set(m, 701);
	mb_put(m, "\x00\x01\x00\x02", 4);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_templates, 1);
	ck_assert_uint_eq(totals()->templates, 2);
	ck_assert_uint_eq(totals()->unknown_elements, 4);
	ck_assert_uint_eq(totals()->no_template, 1);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.json[0], "{\"_template\":702,\"_odid\":1,"
	    "\"dp\":53}");
	free(m);
}
END_TEST

/*
 * The unknown-element cap is shared by the collector: an exporter using it
 * up must not get the dictionary's own (Cisco) elements refused to others.
 */
START_TEST(test_guard_unknown_cap_shared)
{
	struct spec		 junk[8];
	struct ipfix_limits	 l = { .max_unknown_elements = 8 };
	struct ipfix_session	*first;
	struct mb		*m = calloc(1, sizeof(*m));
	char			*want, *line, *save = NULL;
	size_t			 len;
	int			 i;

	teardown();
	setup_limits(&l);
	first = sess;
	for (i = 0; i < 8; i++) {
		junk[i].pen = 4242;
		junk[i].id = (uint16_t)(i + 1);
		junk[i].len = 2;
	}
	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 700, junk, 8);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->templates, 1);
	ck_assert_uint_eq(totals()->bad_templates, 0);
	i = 0;

	sess = ipfix_session_new(col, "192.0.2.2:50124");
	ck_assert_ptr_nonnull(sess);
	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(totals()->templates, 4);
	ck_assert_uint_eq(totals()->bad_templates, 0);
	ck_assert_uint_eq(totals()->records, 2);
	ck_assert_uint_eq(totals()->no_template, 0);
	ck_assert_uint_eq(totals()->unknown_elements, 0);
	ck_assert_int_eq(seen.n, 2);
	want = (char *)test_read_data("capture_decode.jsonl", &len);
	for (line = strtok_r(want, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), i++)
		ck_assert_str_eq(seen.json[i], line);
	ck_assert_int_eq(i, 2);
	free(want);
	ipfix_session_free(sess);
	sess = first;
	free(m);
}
END_TEST

/* Guard 10: the message header. */
START_TEST(test_guard_header)
{
	struct mb	*m = calloc(1, sizeof(*m));
	size_t		 len;

	ck_assert_int_eq(ipfix_session_message(sess, (const uint8_t *)
	    "\x00\x0a\x00\x0a\x00\x00\x00\x00\x00\x00", 10, NOW), -1);
	mb_start(m, 0, 1);
	len = mb_finish(m);
	m->b[1] = 9;
	ck_assert_int_eq(ipfix_session_message(sess, m->b, len, NOW), -1);
	mb_start(m, 0, 1);
	len = mb_finish(m);
	m->b[3] = 20;
	ck_assert_int_eq(ipfix_session_message(sess, m->b, len, NOW), -1);
	m->b[3] = 12;
	ck_assert_int_eq(ipfix_session_message(sess, m->b, 12, NOW), -1);
	ck_assert_uint_eq(totals()->messages, 4);
	ck_assert_uint_eq(totals()->malformed, 4);
	ck_assert_uint_eq(ipfix_collector_totals(col)->malformed, 4);
	free(m);
}
END_TEST

static void
mb_seq_msg(struct mb *m, uint32_t seq, int nrec)
{
	int	i;

	mb_start(m, seq, 5);
	mb_set(m, 256);
	for (i = 0; i < nrec; i++)
		mb_u16(m, (uint16_t)i);
	mb_end_set(m);
}

START_TEST(test_sequence)
{
	static const struct spec one[] = { { 0, 7, 2 } };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 5);
	mb_set(m, 2);
	mb_template(m, 256, one, 1);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	mb_seq_msg(m, 0, 2);
	feed(m);
	mb_seq_msg(m, 2, 1);
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 0);
	mb_seq_msg(m, 10, 1);		/* 7 lost */
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 7);
	mb_seq_msg(m, 4, 1);		/* backwards: a restart */
	feed(m);
	mb_seq_msg(m, 5, 1);
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 7);
	mb_seq_msg(m, 0xfffffffeu, 1);	/* backwards again */
	feed(m);
	mb_seq_msg(m, 0xffffffffu, 3);	/* wraps to 2 */
	feed(m);
	mb_seq_msg(m, 2, 1);
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 7);
	mb_seq_msg(m, 5, 1);		/* 2 lost */
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 9);
	ck_assert_uint_eq(totals()->records, 12);

	/*
	 * A message cut short at a bad set: the exporter sent 2 + 3 records,
	 * 2 were seen. The next message's sequence number is no gap.
	 */
	seen_reset();
	mb_seq_msg(m, 6, 2);
	mb_set(m, 256);
	mb_u16(m, 1);
	mb_u16(m, 2);
	mb_u16(m, 3);
	mb_end_set(m);
	m->b[m->set + 2] = 0x01;	/* length 256 + 10: past the message */
	ck_assert_int_eq(feed(m), -1);
	ck_assert_uint_eq(totals()->malformed, 1);
	mb_seq_msg(m, 11, 1);
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 9);
	mb_seq_msg(m, 12, 1);
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 9);
	mb_seq_msg(m, 16, 1);		/* 3 lost: counting resumed */
	feed(m);
	ck_assert_uint_eq(totals()->seq_gaps, 12);
	free(m);
}
END_TEST

struct dom_seen {
	uint32_t	odid[8];
	uint64_t	messages[8];
	int		n;
};

static void
dom_cb(uint32_t odid, const struct ipfix_counters *c, void *arg)
{
	struct dom_seen	*d = arg;

	d->odid[d->n] = odid;
	d->messages[d->n++] = c->messages;
}

START_TEST(test_domains)
{
	static const struct spec one[] = { { 0, 7, 2 } };
	struct ipfix_limits	 l = { .max_domains = 2 };
	struct mb		*m = calloc(1, sizeof(*m));
	struct dom_seen		 d = { .n = 0 };
	uint32_t		 odid;

	teardown();
	setup_limits(&l);
	for (odid = 1; odid <= 4; odid++) {
		mb_start(m, 0, odid);
		if (odid == 1) {
			mb_set(m, 2);
			mb_template(m, 256, one, 1);
			mb_end_set(m);
		}
		mb_set(m, 256);
		mb_u16(m, 1);
		mb_end_set(m);
		ck_assert_int_eq(feed(m), 0);
	}
	/* Templates are scoped by domain: only odid 1 decodes. */
	ck_assert_uint_eq(totals()->records, 1);
	ck_assert_uint_eq(totals()->no_template, 3);
	ipfix_session_domains(sess, dom_cb, &d);
	ck_assert_int_eq(d.n, 3);
	ck_assert_uint_eq(d.odid[0], 1);
	ck_assert_uint_eq(d.odid[1], 2);
	ck_assert_uint_eq(d.odid[2], IPFIX_DOMAIN_OVERFLOW);
	ck_assert_uint_eq(d.messages[2], 2);
	free(m);
}
END_TEST

START_TEST(test_totals_after_free)
{
	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG2), 0);
	ipfix_session_free(sess);
	sess = ipfix_session_new(col, "192.0.2.2:1");
	ck_assert_int_eq(feed_file(MSG1), 0);
	ck_assert_int_eq(feed_file(MSG3), 0);
	ck_assert_uint_eq(ipfix_collector_totals(col)->records, 2);
	ck_assert_uint_eq(ipfix_collector_totals(col)->messages, 4);
	ck_assert_uint_eq(totals()->messages, 2);
}
END_TEST

/* libfixbuf's GLib log output reaches the hook, rate-limited. */
START_TEST(test_glib_log)
{
	static const struct spec odd[] = { { 0, 150, 3 } };
	struct mb	*m = calloc(1, sizeof(*m));
	uint8_t		 bad[16] = { 0, 9 };
	int		 i;

	mb_start(m, 0, 1);
	mb_set(m, 2);
	mb_template(m, 300, odd, 1);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_int_gt(seen.nlibfixbuf, 0);
	for (i = 0; i < 100; i++)
		ipfix_session_message(sess, bad, sizeof(bad), NOW);
	ck_assert_int_le(seen.nlogs, 20);
	ipfix_session_message(sess, bad, sizeof(bad), NOW + 2);
	ck_assert_int_eq(seen.nsuppressed, 1);
	free(m);
}
END_TEST

/*
 * An element Cisco has not published is skipped and counted; once the
 * operator maps it (fields: in the config), the same bytes decode into the
 * named field, a basicList into a multivalue field.
 */
static void
mapped_message(struct mb *m)
{
	static const struct spec sp[] = {
		{ 0, 8, 4 }, { 9, 12380, 65535 }, { 9, 12381, 65535 },
	};
	static const char *const users[] = { "alice", "bob" };
	int	i;

	mb_start(m, 0, 127);
	mb_set(m, 2);
	mb_template(m, 300, sp, 3);
	mb_end_set(m);
	mb_set(m, 300);
	mb_u32(m, 0x0a000001);
	mb_u8(m, 5);
	mb_put(m, "hello", 5);
	mb_u8(m, 1 + 2 + 2 + 4 + 6 + 4);	/* basicList content length */
	mb_u8(m, 3);				/* allOf */
	mb_u16(m, 0x8000 | 12348);
	mb_u16(m, 65535);
	mb_u32(m, 9);
	for (i = 0; i < 2; i++) {
		mb_u8(m, (uint8_t)strlen(users[i]));
		mb_put(m, users[i], strlen(users[i]));
	}
	mb_end_set(m);
}

/* One basicList of strings (Cisco element 12348 items). */
static void
mb_string_list(struct mb *m, const char *const *items, int n)
{
	size_t	len = 9;
	int	i;

	for (i = 0; i < n; i++)
		len += 1 + strlen(items[i]);
	mb_u8(m, (uint8_t)len);
	mb_u8(m, 3);				/* allOf */
	mb_u16(m, 0x8000 | 12348);
	mb_u16(m, 65535);
	mb_u32(m, 9);
	for (i = 0; i < n; i++) {
		mb_u8(m, (uint8_t)strlen(items[i]));
		mb_put(m, items[i], strlen(items[i]));
	}
}

/*
 * An element twice in one template: the last value wins, for a list as
 * for a scalar, rather than the lists running together.
 */
START_TEST(test_repeated_element)
{
	static const struct spec sp[] = {
		{ 0, 11, 2 }, { 9, 12352, 65535 }, { 0, 11, 2 },
		{ 9, 12352, 65535 },
	};
	static const char *const first[] = { "a.dll", "b.dll" };
	static const char *const second[] = { "c.dll" };
	struct mb	*m = calloc(1, sizeof(*m));

	mb_start(m, 0, 127);
	mb_set(m, 2);
	mb_template(m, 310, sp, 4);
	mb_end_set(m);
	mb_set(m, 310);
	mb_u16(m, 53);
	mb_string_list(m, first, 2);
	mb_u16(m, 54);
	mb_string_list(m, second, 1);
	mb_end_set(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_uint_eq(totals()->bad_records, 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.json[0], "{\"_template\":310,\"_odid\":127,"
	    "\"dp\":54,\"mnl\":[\"c.dll\"]}");
	free(m);
}
END_TEST

START_TEST(test_operator_mapped_elements)
{
	struct field_error	 ferr;
	struct mb		*m = calloc(1, sizeof(*m));

	mapped_message(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.json[0],
	    "{\"_template\":300,\"_odid\":127,\"sa\":\"10.0.0.1\"}");
	ck_assert_uint_eq(totals()->unknown_elements, 2);

	/* The same message through a dictionary with both elements mapped. */
	ipfix_session_free(sess);
	ipfix_collector_free(col);
	field_dict_free(dict);
	seen_reset();
	dict = field_dict_new();
	ck_assert_int_ge(field_dict_map(dict, 9, 12380, "greeting",
	    FIELD_STRING, &ferr), 0);
	ck_assert_int_eq(field_dict_map(dict, 9, 12381, "aliul",
	    FIELD_STRING_LIST, &ferr), F_ALIUL);
	col = ipfix_collector_new(dict, NULL, on_record, &seen);
	sess = ipfix_session_new(col, "192.0.2.1:50123");
	mapped_message(m);
	ck_assert_int_eq(feed(m), 0);
	ck_assert_int_eq(seen.n, 1);
	ck_assert_str_eq(seen.json[0],
	    "{\"_template\":300,\"_odid\":127,\"sa\":\"10.0.0.1\","
	    "\"greeting\":\"hello\",\"aliul\":[\"alice\",\"bob\"]}");
	ck_assert_uint_eq(totals()->unknown_elements, 0);
	free(m);
}
END_TEST

static Suite *
ipfix_suite(void)
{
	Suite	*s = suite_create("ipfix");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_golden);
	tcase_add_test(tc, test_ipv6_268);
	tcase_add_test(tc, test_order_independence);
	tcase_add_test(tc, test_guard_empty_template);
	tcase_add_test(tc, test_guard_clean_start);
	tcase_add_test(tc, test_guard_reserved_ids);
	tcase_add_test(tc, test_guard_withdrawal);
	tcase_add_test(tc, test_guard_no_template);
	tcase_add_test(tc, test_guard_fixed_lengths);
	tcase_add_test(tc, test_guard_set_length);
	tcase_add_test(tc, test_guard_varlen);
	tcase_add_test(tc, test_guard_unknown_cap);
	tcase_add_test(tc, test_guard_unknown_cap_shared);
	tcase_add_test(tc, test_guard_header);
	tcase_add_test(tc, test_sequence);
	tcase_add_test(tc, test_domains);
	tcase_add_test(tc, test_totals_after_free);
	tcase_add_test(tc, test_glib_log);
	tcase_add_test(tc, test_operator_mapped_elements);
	tcase_add_test(tc, test_repeated_element);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(ipfix_suite());
}
