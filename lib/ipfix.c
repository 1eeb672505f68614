/*
 * ipfix.c - nvzFlow IPFIX decoding with libfixbuf; see ipfix.h.
 *
 * Each message goes through two passes. The first, ours, walks the message
 * structure (header, set headers, template records, data record bounds)
 * against our own per-domain template table and writes a cleaned copy of
 * the message into the session's buffer: only well-formed sets, accepted
 * templates that changed, and data records that fit their set and whose
 * template is live. libfixbuf then decodes that copy, which it cannot loop
 * or over-read on. The second pass walks the records libfixbuf transcodes
 * and fills our record by element, through the field dictionary.
 *
 * libfixbuf 2.4.1 traps and what guards each:
 *  - data for a template whose record length is 0 loops fBufNext forever:
 *    such templates are refused here and never reach libfixbuf;
 *  - fBufNext on a buffer after an error other than end-of-message resumes
 *    mid-message, and crashes when no internal template is set: every
 *    error is followed by fBufNextMessage(), and data reaches fBufNext only
 *    after its internal template was set successfully;
 *  - template withdrawal is not honoured: withdrawals are kept in our
 *    table and never forwarded; data for withdrawn templates is dropped;
 *  - every element libfixbuf has not seen is added to the shared info
 *    model: templates that would add more than max_unknown_elements are
 *    refused. Elements the dictionary maps are added when the collector
 *    is made (as octet arrays, as libfixbuf would add them) and are not
 *    counted, so one exporter cannot use up the cap for the others;
 *  - integers of elements libfixbuf knows (FB_IE_F_ENDIAN) come out byte
 *    reversed, whatever their length: they are turned back to wire order.
 *
 * A record is dropped (bad_records) when a value does not fit its field's
 * type: unsigned integers and times take 1 to 8 octets (reduced-size
 * encoding), addresses 4 or 16, lists must parse within their field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wundef"
#include <fixbuf/public.h>
#pragma GCC diagnostic pop

#include "ipfix.h"
#include "record.h"

#define IPFIX_VERSION		10
#define IPFIX_HDR_LEN		16
#define IPFIX_SET_HDR_LEN	4
#define IPFIX_MSG_MAX		65535
#define IPFIX_VARLEN		65535
#define IPFIX_SET_TEMPLATE	2
#define IPFIX_SET_OPTIONS	3
#define IPFIX_MIN_DATA_SET	256
#define IPFIX_MAX_TEMPLATES	4096	/* per session, over all domains */
#define IPFIX_TMPL_HASH		8192	/* power of two, >= 2 * max */
#define IPFIX_INT_TID_BASE	256	/* internal template id of slot 0 */
#define IPFIX_LOG_PER_SEC	20
#define IPFIX_ENDIAN_MAX	16	/* longest byte-reversed value kept */

#define DEFAULT_RECORD_BYTES	(1024 * 1024)
#define DEFAULT_MAX_DOMAINS	64
#define DEFAULT_MAX_UNKNOWN	4096

enum tmpl_state {
	TMPL_LIVE,		/* data decodes */
	TMPL_WITHDRAWN,		/* withdrawn by the exporter */
	TMPL_REFUSED,		/* last definition refused (bad_templates) */
};

/* One field specifier of a template, as declared on the wire. */
struct ipfix_spec {
	uint32_t	pen;
	uint16_t	id;
	uint16_t	len;		/* IPFIX_VARLEN: variable */
};

/* How to read one field from the record libfixbuf transcodes. */
struct ipfix_plan {
	int		field;		/* dictionary index */
	uint32_t	off;		/* offset in the transcoded record */
	uint16_t	len;		/* IPFIX_VARLEN: an fbVarfield_t */
	uint16_t	maxlen;		/* the element's own size, or 0 */
	uint8_t		endian;		/* libfixbuf reversed the bytes */
};

struct ipfix_template {
	uint32_t		 odid;
	uint16_t		 tid;
	uint16_t		 nspecs;
	enum tmpl_state		 state;
	int			 options;	/* from an options template set */
	int			 loaded;	/* libfixbuf read specs */
	int			 planned;	/* plan matches what libfixbuf holds */
	uint32_t		 minlen;	/* shortest record */
	struct ipfix_spec	*specs;
	struct ipfix_plan	*plan;
	uint16_t		 nplan;
};

struct ipfix_domain {
	uint32_t		odid;
	int			seq_known;
	uint32_t		seq_next;	/* exporter's next sequence number */
	uint32_t		fb_seq;		/* sequence libfixbuf expects */
	struct ipfix_counters	c;
};

struct ipfix_collector {
	const struct field_dict	*dict;
	struct ipfix_limits	 limits;
	ipfix_record_fn		*fn;
	void			*arg;
	ipfix_log_fn		*log_fn;
	void			*log_arg;
	fbInfoModel_t		*model;
	guint			 model_base;	/* elements before any template */
	struct record		*rec;
	struct ipfix_counters	 totals;
	double			 log_sec;	/* rate-limit window */
	unsigned		 log_count;
	uint64_t		 log_suppressed;
	double			 now;
	uint8_t			 recbuf[65536];	/* one transcoded record */
};

struct ipfix_session {
	struct ipfix_collector	*col;
	char			*name;
	fBuf_t			*fbuf;
	fbSession_t		*fbs;
	struct ipfix_domain	*domains;
	unsigned		 ndomains;
	struct ipfix_domain	 overflow;
	int			 overflow_used;
	struct ipfix_template	*tmpls;
	unsigned		 ntmpls, ctmpls;
	uint16_t		*hash;		/* slot + 1, 0: empty */
	struct ipfix_counters	 totals;
	/* State of the message being decoded. */
	struct ipfix_domain	*dom;		/* NULL: overflow */
	uint32_t		 odid;
	struct ipfix_counters	 mc;
	int			 bad;
	int			 seq_unsure;
	uint32_t		 nrecords;	/* data records in the message */
	uint32_t		 nforward;	/* records handed to libfixbuf */
	size_t			 outlen;
	uint8_t			 out[IPFIX_MSG_MAX];
};

static int		 glib_users;
static _Thread_local struct ipfix_collector *glib_current;
static guint		 glib_handler;

static void		 glib_log(const gchar *, GLogLevelFlags, const gchar *,
			    gpointer);
static void		 col_log(struct ipfix_collector *, int, const char *,
			    ...) __attribute__((format(printf, 3, 4)));
static void		 sess_log(struct ipfix_session *, int, const char *,
			    ...) __attribute__((format(printf, 3, 4)));
static void		 counters_add(struct ipfix_counters *,
			    const struct ipfix_counters *);
static uint16_t		 rd16(const uint8_t *);
static uint32_t		 rd32(const uint8_t *);
static void		 wr16(uint8_t *, uint16_t);
static void		 wr32(uint8_t *, uint32_t);
static struct ipfix_domain *domain_get(struct ipfix_session *, uint32_t);
static unsigned		 tmpl_hash(uint32_t, uint16_t);
static struct ipfix_template *tmpl_find(struct ipfix_session *, uint32_t,
			    uint16_t);
static struct ipfix_template *tmpl_add(struct ipfix_session *, uint32_t,
			    uint16_t);
static uint16_t		 tmpl_int_tid(const struct ipfix_session *,
			    const struct ipfix_template *);
static void		 tmpl_withdraw_all(struct ipfix_session *, int);
static int		 specs_parse(const uint8_t *, size_t, uint16_t,
			    struct ipfix_spec *, size_t *);
static int		 specs_check(struct ipfix_session *,
			    const struct ipfix_spec *, uint16_t, uint32_t *);
static void		 model_dict_add(uint32_t, uint16_t, int, void *);
static void		 model_add(struct ipfix_collector *,
			    const struct ipfix_spec *);
static int		 tmpl_define(struct ipfix_session *, int, uint16_t,
			    struct ipfix_spec *, uint16_t, uint32_t);
static int		 tmpl_record(struct ipfix_session *, int,
			    const uint8_t *, size_t, size_t *);
static void		 tmpl_set(struct ipfix_session *, int, const uint8_t *,
			    size_t);
static long		 record_span(const struct ipfix_template *,
			    const uint8_t *, size_t);
static uint32_t		 records_count(const struct ipfix_template *,
			    const uint8_t *, size_t);
static void		 data_set(struct ipfix_session *, uint16_t,
			    const uint8_t *, size_t);
static void		 out_append(struct ipfix_session *, const void *,
			    size_t);
static int		 msg_header(struct ipfix_session *, const uint8_t *,
			    size_t);
static void		 msg_sets(struct ipfix_session *, const uint8_t *,
			    size_t);
static void		 msg_sequence(struct ipfix_session *, uint32_t);
static void		 msg_decode(struct ipfix_session *, double);
static void		 msg_end(struct ipfix_session *);
static void		 fb_template(fbSession_t *, uint16_t, fbTemplate_t *,
			    void *, void **, fbTemplateCtxFree_fn *);
static int		 plan_build(struct ipfix_session *,
			    struct ipfix_template *, fbTemplate_t *,
			    fbTemplate_t *);
static uint16_t		 elem_size(const fbInfoElement_t *);
static int		 value_fits(enum field_type, size_t);
static int		 list_decode(struct record *, int, const uint8_t *,
			    size_t);
static int		 value_set(struct record *, const struct ipfix_plan *,
			    const uint8_t *);
static void		 record_emit(struct ipfix_session *,
			    const struct ipfix_template *, double);

/*
 * GLib log routing. libfixbuf logs through GLib's default (NULL) domain;
 * the handler is process-wide, so it forwards to the collector whose
 * message is being decoded on this thread, and drops what comes outside.
 */
static void
glib_log(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer data)
{
	int	prio;

	if (glib_current == NULL || (level & G_LOG_LEVEL_DEBUG))
		return;
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		prio = LOG_ERR;
	else if (level & G_LOG_LEVEL_WARNING)
		prio = LOG_WARNING;
	else if (level & G_LOG_LEVEL_MESSAGE)
		prio = LOG_NOTICE;
	else
		prio = LOG_INFO;
	col_log(glib_current, prio, "libfixbuf: %s", msg);
}

/* At most IPFIX_LOG_PER_SEC messages per second of message time. */
static void
col_log(struct ipfix_collector *c, int prio, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;

	if (c->log_fn == NULL)
		return;
	if (c->now >= c->log_sec + 1 || c->now < c->log_sec) {
		if (c->log_suppressed > 0) {
			snprintf(buf, sizeof(buf), "ipfix: %llu log messages "
			    "suppressed", (unsigned long long)c->log_suppressed);
			c->log_fn(LOG_NOTICE, buf, c->log_arg);
		}
		c->log_sec = c->now;
		c->log_count = 0;
		c->log_suppressed = 0;
	}
	if (c->log_count >= IPFIX_LOG_PER_SEC) {
		c->log_suppressed++;
		return;
	}
	c->log_count++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->log_fn(prio, buf, c->log_arg);
}

static void
sess_log(struct ipfix_session *s, int prio, const char *fmt, ...)
{
	char	msg[400];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	col_log(s->col, prio, "ipfix %s odid %u: %s", s->name, s->odid, msg);
}

static void
counters_add(struct ipfix_counters *to, const struct ipfix_counters *from)
{
	int	i;

	to->messages += from->messages;
	to->malformed += from->malformed;
	to->records += from->records;
	for (i = 0; i < RECORD_KIND_COUNT; i++)
		to->records_kind[i] += from->records_kind[i];
	to->no_template += from->no_template;
	to->bad_records += from->bad_records;
	to->seq_gaps += from->seq_gaps;
	to->templates += from->templates;
	to->template_withdrawals += from->template_withdrawals;
	to->bad_templates += from->bad_templates;
	to->unknown_elements += from->unknown_elements;
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

struct ipfix_collector *
ipfix_collector_new(const struct field_dict *dict,
    const struct ipfix_limits *limits, ipfix_record_fn *fn, void *arg)
{
	struct ipfix_collector	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->dict = dict;
	c->fn = fn;
	c->arg = arg;
	if (limits != NULL)
		c->limits = *limits;
	if (c->limits.record_bytes == 0)
		c->limits.record_bytes = DEFAULT_RECORD_BYTES;
	if (c->limits.max_domains == 0)
		c->limits.max_domains = DEFAULT_MAX_DOMAINS;
	if (c->limits.max_unknown_elements == 0)
		c->limits.max_unknown_elements = DEFAULT_MAX_UNKNOWN;
	if ((c->rec = record_new(dict, c->limits.record_bytes)) == NULL ||
	    (c->model = fbInfoModelAlloc()) == NULL)
		goto fail;
	/*
	 * Elements the dictionary maps are not unknown: they go into the
	 * model now, as libfixbuf would add them from the wire, so that the
	 * cap on unknown elements, shared by every exporter, never refuses
	 * them.
	 */
	field_dict_elements(dict, model_dict_add, c);
	c->model_base = fbInfoModelCountElements(c->model);
	if (glib_users++ == 0)
		glib_handler = g_log_set_handler(NULL, G_LOG_LEVEL_MASK |
		    G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, glib_log, NULL);
	return c;
fail:
	record_free(c->rec);
	free(c);
	return NULL;
}

void
ipfix_collector_free(struct ipfix_collector *c)
{
	if (c == NULL)
		return;
	if (--glib_users == 0)
		g_log_remove_handler(NULL, glib_handler);
	fbInfoModelFree(c->model);
	record_free(c->rec);
	free(c);
}

void
ipfix_collector_set_log(struct ipfix_collector *c, ipfix_log_fn *fn,
    void *arg)
{
	c->log_fn = fn;
	c->log_arg = arg;
}

const struct ipfix_counters *
ipfix_collector_totals(const struct ipfix_collector *c)
{
	return &c->totals;
}

struct ipfix_session *
ipfix_session_new(struct ipfix_collector *c, const char *name)
{
	struct ipfix_session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->col = c;
	if ((s->name = strdup(name ? name : "")) == NULL ||
	    (s->hash = calloc(IPFIX_TMPL_HASH, sizeof(*s->hash))) == NULL ||
	    (s->fbs = fbSessionAlloc(c->model)) == NULL)
		goto fail;
	fbSessionAddNewTemplateCallback(s->fbs, fb_template, s);
	if ((s->fbuf = fBufAllocForCollection(s->fbs, NULL)) == NULL) {
		fbSessionFree(s->fbs);
		goto fail;
	}
	fBufSetAutomaticMode(s->fbuf, FALSE);
	return s;
fail:
	free(s->hash);
	free(s->name);
	free(s);
	return NULL;
}

void
ipfix_session_free(struct ipfix_session *s)
{
	unsigned	i;

	if (s == NULL)
		return;
	fBufFree(s->fbuf);	/* frees the fbSession too */
	for (i = 0; i < s->ntmpls; i++) {
		free(s->tmpls[i].specs);
		free(s->tmpls[i].plan);
	}
	free(s->tmpls);
	free(s->hash);
	free(s->domains);
	free(s->name);
	free(s);
}

const char *
ipfix_session_name(const struct ipfix_session *s)
{
	return s->name;
}

void
ipfix_session_domains(const struct ipfix_session *s,
    void (*fn)(uint32_t, const struct ipfix_counters *, void *), void *arg)
{
	unsigned	i;

	for (i = 0; i < s->ndomains; i++)
		fn(s->domains[i].odid, &s->domains[i].c, arg);
	if (s->overflow_used)
		fn(IPFIX_DOMAIN_OVERFLOW, &s->overflow.c, arg);
}

const struct ipfix_counters *
ipfix_session_totals(const struct ipfix_session *s)
{
	return &s->totals;
}

/* The counters of odid, or NULL when past max_domains (overflow). */
static struct ipfix_domain *
domain_get(struct ipfix_session *s, uint32_t odid)
{
	struct ipfix_domain	*d;
	unsigned		 i, cap = s->col->limits.max_domains;

	for (i = 0; i < s->ndomains; i++)
		if (s->domains[i].odid == odid)
			return &s->domains[i];
	if (s->ndomains == cap)
		return NULL;
	if (s->domains == NULL &&
	    (s->domains = calloc(cap, sizeof(*s->domains))) == NULL)
		return NULL;
	d = &s->domains[s->ndomains++];
	d->odid = odid;
	return d;
}

static unsigned
tmpl_hash(uint32_t odid, uint16_t tid)
{
	uint32_t	h = (odid * 2654435761u) ^ (tid * 40503u);

	return (h ^ (h >> 15)) & (IPFIX_TMPL_HASH - 1);
}

static struct ipfix_template *
tmpl_find(struct ipfix_session *s, uint32_t odid, uint16_t tid)
{
	unsigned		 i;
	struct ipfix_template	*t;

	for (i = tmpl_hash(odid, tid); s->hash[i] != 0;
	    i = (i + 1) & (IPFIX_TMPL_HASH - 1)) {
		t = &s->tmpls[s->hash[i] - 1];
		if (t->odid == odid && t->tid == tid)
			return t;
	}
	return NULL;
}

/* A new, refused entry for odid.tid; NULL when the table is full. */
static struct ipfix_template *
tmpl_add(struct ipfix_session *s, uint32_t odid, uint16_t tid)
{
	struct ipfix_template	*t;
	unsigned		 i;

	if (s->ntmpls == IPFIX_MAX_TEMPLATES)
		return NULL;
	if (s->ntmpls == s->ctmpls) {
		unsigned n = s->ctmpls ? s->ctmpls * 2 : 16;

		if ((t = realloc(s->tmpls, n * sizeof(*t))) == NULL)
			return NULL;
		s->tmpls = t;
		s->ctmpls = n;
	}
	t = &s->tmpls[s->ntmpls];
	memset(t, 0, sizeof(*t));
	t->odid = odid;
	t->tid = tid;
	t->state = TMPL_REFUSED;
	for (i = tmpl_hash(odid, tid); s->hash[i] != 0;
	    i = (i + 1) & (IPFIX_TMPL_HASH - 1))
		;
	s->hash[i] = (uint16_t)++s->ntmpls;
	return t;
}

/* Internal template ids are per session: one per table slot. */
static uint16_t
tmpl_int_tid(const struct ipfix_session *s, const struct ipfix_template *t)
{
	return (uint16_t)(IPFIX_INT_TID_BASE + (t - s->tmpls));
}

static void
tmpl_withdraw_all(struct ipfix_session *s, int options)
{
	unsigned	i;

	for (i = 0; i < s->ntmpls; i++)
		if (s->tmpls[i].odid == s->odid &&
		    s->tmpls[i].options == options &&
		    s->tmpls[i].state == TMPL_LIVE)
			s->tmpls[i].state = TMPL_WITHDRAWN;
}

/*
 * Parses n field specifiers from p[0..len) into specs; *used gets the
 * bytes read. -1 when they run past len.
 */
static int
specs_parse(const uint8_t *p, size_t len, uint16_t n,
    struct ipfix_spec *specs, size_t *used)
{
	size_t		off = 0;
	uint16_t	i, id;

	for (i = 0; i < n; i++) {
		if (len - off < 4)
			return -1;
		id = rd16(p + off);
		specs[i].len = rd16(p + off + 2);
		specs[i].id = id & 0x7fff;
		specs[i].pen = 0;
		off += 4;
		if (id & 0x8000) {
			if (len - off < 4)
				return -1;
			specs[i].pen = rd32(p + off);
			off += 4;
		}
	}
	*used = off;
	return 0;
}

/*
 * Checks a template's fields; *minlen gets its shortest record. -1 when it
 * must be refused: records of length 0, or it would add elements to
 * libfixbuf's shared model past max_unknown_elements.
 */
static int
specs_check(struct ipfix_session *s, const struct ipfix_spec *specs,
    uint16_t n, uint32_t *minlen)
{
	struct ipfix_collector	*c = s->col;
	uint32_t		 len = 0, fresh = 0, unknown = 0;
	uint16_t		 i, j;

	for (i = 0; i < n; i++) {
		len += specs[i].len == IPFIX_VARLEN ? 1 : specs[i].len;
		if (field_dict_element(c->dict, specs[i].pen, specs[i].id) ==
		    FIELD_NONE)
			unknown++;
		if (fbInfoModelGetElementByID(c->model, specs[i].id,
		    specs[i].pen) != NULL)
			continue;
		for (j = 0; j < i; j++)
			if (specs[j].pen == specs[i].pen &&
			    specs[j].id == specs[i].id)
				break;
		if (j == i)
			fresh++;
	}
	*minlen = len;
	if (len == 0) {
		sess_log(s, LOG_WARNING, "template with empty records refused");
		return -1;
	}
	if (fbInfoModelCountElements(c->model) - c->model_base + fresh >
	    c->limits.max_unknown_elements) {
		sess_log(s, LOG_WARNING, "template refused: more than %u "
		    "unknown elements", c->limits.max_unknown_elements);
		return -1;
	}
	s->mc.unknown_elements += unknown;
	for (i = 0; i < n; i++)
		model_add(c, &specs[i]);
	return 0;
}

/* field_dict_elements() callback: one dictionary element into the model. */
static void
model_dict_add(uint32_t pen, uint16_t id, int field, void *arg)
{
	struct ipfix_spec	sp;

	(void)field;
	memset(&sp, 0, sizeof(sp));
	sp.pen = pen;
	sp.id = id;
	sp.len = IPFIX_VARLEN;
	model_add(arg, &sp);
}

/*
 * Adds an element libfixbuf does not know to the model now, as libfixbuf
 * itself would on reading the template, so that later templates of the
 * same message see it counted against the cap.
 */
static void
model_add(struct ipfix_collector *c, const struct ipfix_spec *sp)
{
	fbInfoElement_t	ie;

	if (fbInfoModelGetElementByID(c->model, sp->id, sp->pen) != NULL)
		return;
	memset(&ie, 0, sizeof(ie));
	ie.ref.name = "_alienInformationElement";
	ie.ent = sp->pen;
	ie.num = sp->id;
	ie.len = FB_IE_VARLEN;
	ie.flags = FB_IE_F_ALIEN;
	ie.type = FB_OCTET_ARRAY;
	fbInfoModelAddElement(c->model, &ie);
}

/*
 * Records template tid (specs ownership passes) in the table; returns 1
 * when libfixbuf must see it, 0 when not, -1 when refused.
 */
static int
tmpl_define(struct ipfix_session *s, int options, uint16_t tid,
    struct ipfix_spec *specs, uint16_t n, uint32_t minlen)
{
	struct ipfix_template	*t;
	int			 same;

	if ((t = tmpl_find(s, s->odid, tid)) == NULL &&
	    (t = tmpl_add(s, s->odid, tid)) == NULL) {
		sess_log(s, LOG_WARNING, "template %u refused: table full",
		    tid);
		free(specs);
		return -1;
	}
	same = t->loaded && t->nspecs == n && t->options == options &&
	    memcmp(t->specs, specs, n * sizeof(*specs)) == 0;
	free(t->specs);
	t->specs = specs;
	t->nspecs = n;
	t->minlen = minlen;
	t->options = options;
	t->state = TMPL_LIVE;
	if (same)
		return 0;
	t->loaded = 0;		/* until libfixbuf reads it */
	return 1;
}

/*
 * One template record at p[0..len) of a set with id set_id; *used gets its
 * length. Returns -1 when it runs past the set (the rest of the set is
 * lost), 0 otherwise.
 */
static int
tmpl_record(struct ipfix_session *s, int set_id, const uint8_t *p,
    size_t len, size_t *used)
{
	uint16_t		 tid = rd16(p), n = rd16(p + 2), scope = 0;
	size_t			 hdr = 4, flen;
	struct ipfix_spec	*specs;
	struct ipfix_template	*t;
	uint32_t		 minlen;
	int			 rc;

	if (n == 0) {			/* withdrawal */
		*used = 4;
		if (tid != set_id && tid < IPFIX_MIN_DATA_SET) {
			s->mc.bad_templates++;
			return 0;
		}
		s->mc.template_withdrawals++;
		if (tid == set_id)
			tmpl_withdraw_all(s, set_id == IPFIX_SET_OPTIONS);
		else if ((t = tmpl_find(s, s->odid, tid)) != NULL &&
		    t->state == TMPL_LIVE)
			t->state = TMPL_WITHDRAWN;
		return 0;
	}
	if (set_id == IPFIX_SET_OPTIONS) {
		if (len < 6)
			return -1;
		scope = rd16(p + 4);
		hdr = 6;
	}
	if ((specs = calloc(n, sizeof(*specs))) == NULL ||
	    specs_parse(p + hdr, len - hdr, n, specs, &flen) == -1) {
		free(specs);
		return -1;
	}
	*used = hdr + flen;
	if (tid < IPFIX_MIN_DATA_SET || (set_id == IPFIX_SET_OPTIONS &&
	    (scope == 0 || scope > n)) ||
	    specs_check(s, specs, n, &minlen) == -1) {
		if (tid >= IPFIX_MIN_DATA_SET &&
		    (t = tmpl_find(s, s->odid, tid)) != NULL)
			t->state = TMPL_REFUSED;
		s->mc.bad_templates++;
		free(specs);
		return 0;
	}
	if ((rc = tmpl_define(s, set_id == IPFIX_SET_OPTIONS, tid, specs, n,
	    minlen)) == -1) {
		s->mc.bad_templates++;
		return 0;
	}
	s->mc.templates++;
	if (rc == 1)
		out_append(s, p, *used);
	return 0;
}

/*
 * A template or options template set: accepted records are copied out.
 * An options template record takes 6 bytes, but a withdrawal (field count
 * 0, RFC 7011 §8.1) only 4 in either kind of set; fewer than 6 bytes left
 * in an options set that are no withdrawal (a field count, or id 0) are
 * padding.
 */
static void
tmpl_set(struct ipfix_session *s, int set_id, const uint8_t *p, size_t len)
{
	size_t	off = 0, used, start = s->outlen;

	out_append(s, p - IPFIX_SET_HDR_LEN, IPFIX_SET_HDR_LEN);
	while (len - off >= 4) {
		if (set_id == IPFIX_SET_OPTIONS && len - off < 6 &&
		    (rd16(p + off + 2) != 0 || rd16(p + off) == 0))
			break;
		if (tmpl_record(s, set_id, p + off, len - off, &used) == -1) {
			sess_log(s, LOG_WARNING, "template record past its "
			    "set");
			s->bad = 1;
			break;
		}
		off += used;
	}
	if (s->outlen == start + IPFIX_SET_HDR_LEN)
		s->outlen = start;	/* nothing for libfixbuf */
	else
		wr16(s->out + start + 2, (uint16_t)(s->outlen - start));
}

/* Length of the record at p[0..len), or -1 when it runs past len. */
static long
record_span(const struct ipfix_template *t, const uint8_t *p, size_t len)
{
	size_t		off = 0, vlen;
	uint16_t	i;

	for (i = 0; i < t->nspecs; i++) {
		if (t->specs[i].len != IPFIX_VARLEN) {
			vlen = t->specs[i].len;
		} else {
			if (off >= len)
				return -1;
			vlen = p[off++];
			if (vlen == 255) {
				if (len - off < 2)
					return -1;
				vlen = rd16(p + off);
				off += 2;
			}
		}
		if (len - off < vlen)
			return -1;
		off += vlen;
	}
	return (long)off;
}

/*
 * Records in a data set of template t, stopping at the first bad one; a
 * withdrawn template still says how long its records were. Otherwise the
 * count is unknown and the set counts as one.
 */
static uint32_t
records_count(const struct ipfix_template *t, const uint8_t *p, size_t len)
{
	size_t		off = 0;
	uint32_t	n = 0;
	long		span;

	if (t == NULL || t->state != TMPL_WITHDRAWN)
		return 1;
	while (len - off >= t->minlen &&
	    (span = record_span(t, p + off, len - off)) > 0) {
		off += (size_t)span;
		n++;
	}
	return n ? n : 1;
}

/* A data set: records that fit and have a live template are copied out. */
static void
data_set(struct ipfix_session *s, uint16_t set_id, const uint8_t *p,
    size_t len)
{
	struct ipfix_template	*t = tmpl_find(s, s->odid, set_id);
	size_t			 off = 0, start = s->outlen;
	long			 span;
	uint32_t		 n;

	if (t == NULL || t->state != TMPL_LIVE) {
		n = records_count(t, p, len);
		s->mc.no_template += n;
		if (t == NULL || t->state != TMPL_WITHDRAWN)
			s->seq_unsure = 1;
		else
			s->nrecords += n;
		return;
	}
	out_append(s, p - IPFIX_SET_HDR_LEN, IPFIX_SET_HDR_LEN);
	while (len - off >= t->minlen) {
		if ((span = record_span(t, p + off, len - off)) == -1) {
			sess_log(s, LOG_WARNING, "template %u: record past "
			    "its set", set_id);
			s->mc.bad_records++;
			s->nrecords++;
			s->bad = 1;
			break;
		}
		out_append(s, p + off, (size_t)span);
		off += (size_t)span;
		s->nrecords++;
		s->nforward++;
	}
	if (s->outlen == start + IPFIX_SET_HDR_LEN)
		s->outlen = start;
	else
		wr16(s->out + start + 2, (uint16_t)(s->outlen - start));
}

/* The copy never grows past the original, which fits the buffer. */
static void
out_append(struct ipfix_session *s, const void *p, size_t len)
{
	if (len > sizeof(s->out) - s->outlen)
		return;
	memcpy(s->out + s->outlen, p, len);
	s->outlen += len;
}

/* Checks the header; -1 when the whole message is refused. */
static int
msg_header(struct ipfix_session *s, const uint8_t *msg, size_t len)
{
	if (len < IPFIX_HDR_LEN || len > IPFIX_MSG_MAX) {
		sess_log(s, LOG_WARNING, "message of %zu bytes", len);
		return -1;
	}
	if (rd16(msg) != IPFIX_VERSION) {
		sess_log(s, LOG_WARNING, "version %u", rd16(msg));
		return -1;
	}
	if (rd16(msg + 2) != len) {
		sess_log(s, LOG_WARNING, "length field %u, message %zu bytes",
		    rd16(msg + 2), len);
		return -1;
	}
	return 0;
}

/*
 * Walks the sets of msg, copying what libfixbuf may see to s->out. Where it
 * stops early, records in the sets after are not counted: the sequence
 * number is then unsure.
 */
static void
msg_sets(struct ipfix_session *s, const uint8_t *msg, size_t len)
{
	size_t		off = IPFIX_HDR_LEN;
	uint16_t	id, slen;

	while (off < len) {
		if (len - off < IPFIX_SET_HDR_LEN) {
			sess_log(s, LOG_WARNING, "trailing bytes");
			s->bad = s->seq_unsure = 1;
			return;
		}
		id = rd16(msg + off);
		slen = rd16(msg + off + 2);
		if (slen < IPFIX_SET_HDR_LEN || slen > len - off) {
			sess_log(s, LOG_WARNING, "set %u: length %u past the "
			    "message", id, slen);
			s->bad = s->seq_unsure = 1;
			return;
		}
		if (id == IPFIX_SET_TEMPLATE || id == IPFIX_SET_OPTIONS)
			tmpl_set(s, id, msg + off + 4, slen - 4u);
		else if (id >= IPFIX_MIN_DATA_SET)
			data_set(s, id, msg + off + 4, slen - 4u);
		else {
			sess_log(s, LOG_WARNING, "reserved set id %u", id);
			s->bad = 1;
		}
		off += slen;
	}
}

/*
 * RFC 7011 §3.1: the sequence number counts data records sent before this
 * message, per domain, modulo 2^32. A jump forward (less than 2^31) counts
 * the records skipped; a jump backward is taken as an exporter restart or
 * reordering: nothing is counted and the count restarts from it.
 */
static void
msg_sequence(struct ipfix_session *s, uint32_t seq)
{
	struct ipfix_domain	*d = s->dom;
	uint32_t		 diff;

	if (d == NULL)
		return;
	if (d->seq_known && seq != d->seq_next) {
		diff = seq - d->seq_next;
		if (diff < 0x80000000u)
			s->mc.seq_gaps += diff;
	}
	d->seq_known = !s->seq_unsure;
	d->seq_next = seq + s->nrecords;
}

/* Fills the record from the transcoded bytes; -1 when a value misfits. */
static int
value_set(struct record *rec, const struct ipfix_plan *pl, const uint8_t *p)
{
	const struct field_def	*f = field_dict_get(record_dict(rec),
				    pl->field);
	fbVarfield_t		 vf;
	uint8_t			 tmp[IPFIX_ENDIAN_MAX];
	const uint8_t		*v = p;
	size_t			 len = pl->len, i;

	if (pl->len == IPFIX_VARLEN) {
		memcpy(&vf, p, sizeof(vf));
		v = vf.buf;
		len = vf.len;
	} else if (pl->endian) {
		if (len > sizeof(tmp))
			return -1;
		for (i = 0; i < len; i++)
			tmp[i] = p[len - 1 - i];
		v = tmp;
	}
	if (f->type == FIELD_STRING_LIST || f->type == FIELD_HEX_LIST)
		return list_decode(rec, pl->field, v, len);
	if (!value_fits(f->type, len) || (pl->maxlen != 0 &&
	    len > pl->maxlen && (f->type == FIELD_UINT ||
	    f->type == FIELD_TIME_SEC || f->type == FIELD_TIME_MS)))
		return -1;
	return record_set_wire(rec, pl->field, v, len);
}

static int
value_fits(enum field_type type, size_t len)
{
	switch (type) {
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		return len >= 1 && len <= 8;
	case FIELD_ADDR:
		return len == 4 || len == 16;
	default:
		return 1;
	}
}

/*
 * An RFC 6313 basicList at p[0..len): semantic, item element, item length,
 * items. Every item becomes one value, replacing what the field held (an
 * element repeated in a template: the last list wins, as for scalars); -1
 * when an item runs past the list.
 */
static int
list_decode(struct record *rec, int field, const uint8_t *p, size_t len)
{
	size_t		off = 5, ilen, elen;

	if (len < 5)
		return -1;
	elen = rd16(p + 3);
	if (p[1] & 0x80)
		off += 4;
	if (off > len || record_set_empty_list(rec, field) == -1)
		return -1;
	while (off < len) {
		ilen = elen;
		if (elen == IPFIX_VARLEN) {
			ilen = p[off++];
			if (ilen == 255) {
				if (len - off < 2)
					return -1;
				ilen = rd16(p + off);
				off += 2;
			}
		} else if (elen == 0)
			return -1;
		if (len - off < ilen ||
		    record_append_wire(rec, field, p + off, ilen) == -1)
			return -1;
		off += ilen;
	}
	return 0;
}

static void
record_emit(struct ipfix_session *s, const struct ipfix_template *t,
    double now)
{
	struct ipfix_collector	*c = s->col;
	struct record		*rec = c->rec;
	enum record_kind	 kind;
	uint16_t		 i;

	record_clear(rec);
	record_set_source(rec, s->odid, t->tid);
	for (i = 0; i < t->nplan; i++)
		if (value_set(rec, &t->plan[i], c->recbuf + t->plan[i].off) ==
		    -1) {
			s->mc.bad_records++;
			return;
		}
	if (record_finish(rec, now) == -1) {
		s->mc.bad_records++;
		return;
	}
	kind = record_kind(rec);
	s->mc.records++;
	s->mc.records_kind[kind]++;
	if (c->fn != NULL)
		c->fn(rec, c->arg);
}

/*
 * libfixbuf read template tid of the current domain: build the internal
 * template that keeps every field we have a dictionary entry for, in the
 * slot's internal template id, and the plan that reads it.
 */
static void
fb_template(fbSession_t *fbs, uint16_t tid, fbTemplate_t *ext, void *arg,
    void **ctx, fbTemplateCtxFree_fn *ctx_free)
{
	struct ipfix_session	*s = arg;
	struct ipfix_template	*t;
	fbTemplate_t		*in;
	GError			*err = NULL;

	*ctx = NULL;
	*ctx_free = NULL;
	if ((t = tmpl_find(s, fbSessionGetDomain(fbs), tid)) == NULL)
		return;
	t->planned = 0;
	if ((in = fbTemplateAlloc(s->col->model)) == NULL)
		return;
	if (plan_build(s, t, ext, in) == -1) {
		fbTemplateFreeUnused(in);
		return;
	}
	if (fbSessionAddTemplate(fbs, TRUE, tmpl_int_tid(s, t), in, &err) ==
	    0) {
		sess_log(s, LOG_ERR, "template %u: %s", tid, err->message);
		g_clear_error(&err);
		fbTemplateFreeUnused(in);
		return;
	}
	t->planned = t->loaded = 1;
}

/*
 * The size the information model gives a fixed-size element, or 0 when it
 * has none (variable, or an element libfixbuf learnt from the wire).
 * Reduced-size encoding may shorten an integer, never lengthen it.
 */
static uint16_t
elem_size(const fbInfoElement_t *ie)
{
	const fbInfoElement_t	*canon = ie->ref.canon;

	if (canon == NULL || (canon->flags & FB_IE_F_ALIEN) ||
	    canon->len == FB_IE_VARLEN)
		return 0;
	return canon->len;
}

static int
plan_build(struct ipfix_session *s, struct ipfix_template *t,
    fbTemplate_t *ext, fbTemplate_t *in)
{
	fbInfoElement_t		*ie, ex;
	struct ipfix_plan	*pl;
	uint32_t		 i, n = fbTemplateCountElements(ext), off = 0;
	GError			*err = NULL;
	int			 field;

	free(t->plan);
	t->nplan = 0;
	if ((t->plan = calloc(n + 1, sizeof(*pl))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		ie = fbTemplateGetIndexedIE(ext, i);
		field = field_dict_element(s->col->dict, ie->ent, ie->num);
		if (field == FIELD_NONE || ie->type == FB_BASIC_LIST ||
		    ie->type == FB_SUB_TMPL_LIST ||
		    ie->type == FB_SUB_TMPL_MULTI_LIST)
			continue;
		memset(&ex, 0, sizeof(ex));
		ex.ent = ie->ent;
		ex.num = ie->num;
		ex.len = ie->len;
		if (!fbTemplateAppend(in, &ex, &err)) {
			g_clear_error(&err);
			return -1;
		}
		pl = &t->plan[t->nplan++];
		pl->field = field;
		pl->off = off;
		pl->len = ie->len;
		pl->maxlen = elem_size(ie);
		pl->endian = G_BYTE_ORDER == G_LITTLE_ENDIAN &&
		    ie->len != IPFIX_VARLEN && (ie->flags & FB_IE_F_ENDIAN);
		off += ie->len == IPFIX_VARLEN ? sizeof(fbVarfield_t) : ie->len;
	}
	return off == fbTemplateGetIELenOfMemBuffer(in) ? 0 : -1;
}

/* Hands the cleaned copy to libfixbuf and emits what it transcodes. */
static void
msg_decode(struct ipfix_session *s, double now)
{
	struct ipfix_template	*t;
	GError			*err = NULL;
	uint16_t		 tid;
	size_t			 rlen;

	fBufSetBuffer(s->fbuf, s->out, s->outlen);
	for (;;) {
		if (fBufNextCollectionTemplate(s->fbuf, &tid, &err) == NULL)
			break;
		t = tmpl_find(s, s->odid, tid);
		if (t == NULL || !t->planned || !fBufSetInternalTemplate(
		    s->fbuf, tmpl_int_tid(s, t), &err)) {
			if (err == NULL)
				g_set_error(&err, FB_ERROR_DOMAIN, FB_ERROR_TMPL,
				    "template %u has no decoding plan", tid);
			break;
		}
		rlen = sizeof(s->col->recbuf);
		if (!fBufNext(s->fbuf, s->col->recbuf, &rlen, &err))
			break;
		record_emit(s, t, now);
	}
	if (err != NULL && !g_error_matches(err, FB_ERROR_DOMAIN,
	    FB_ERROR_EOM)) {
		sess_log(s, LOG_WARNING, "libfixbuf: %s", err->message);
		s->bad = 1;
		g_clear_error(&err);
		/* Leave no half-read message behind for the next buffer. */
		if (!fBufNextMessage(s->fbuf, &err))
			g_clear_error(&err);
	}
	g_clear_error(&err);
}

/* Adds the message's counters to its domain, session and collector. */
static void
msg_end(struct ipfix_session *s)
{
	if (s->bad)
		s->mc.malformed++;
	if (s->dom != NULL)
		counters_add(&s->dom->c, &s->mc);
	else {
		counters_add(&s->overflow.c, &s->mc);
		s->overflow_used = 1;
	}
	counters_add(&s->totals, &s->mc);
	counters_add(&s->col->totals, &s->mc);
}

int
ipfix_session_message(struct ipfix_session *s, const uint8_t *msg,
    size_t len, double now)
{
	struct ipfix_collector	*c = s->col;
	struct ipfix_collector	*saved = glib_current;
	uint32_t		 seq;

	c->now = now;
	memset(&s->mc, 0, sizeof(s->mc));
	s->bad = s->seq_unsure = 0;
	s->nrecords = s->nforward = 0;
	s->odid = len >= IPFIX_HDR_LEN ? rd32(msg + 12) : 0;
	if (msg_header(s, msg, len) == -1) {
		s->mc.messages = s->mc.malformed = 1;
		counters_add(&s->totals, &s->mc);
		counters_add(&c->totals, &s->mc);
		return -1;
	}
	seq = rd32(msg + 8);
	s->dom = domain_get(s, s->odid);
	s->mc.messages = 1;
	memcpy(s->out, msg, IPFIX_HDR_LEN);
	s->outlen = IPFIX_HDR_LEN;
	msg_sets(s, msg, len);
	msg_sequence(s, seq);
	if (s->outlen > IPFIX_HDR_LEN) {
		wr16(s->out + 2, (uint16_t)s->outlen);
		if (s->dom != NULL) {
			wr32(s->out + 8, s->dom->fb_seq);
			s->dom->fb_seq += s->nforward;
		}
		glib_current = c;
		msg_decode(s, now);
		glib_current = saved;
	}
	msg_end(s);
	return s->bad ? -1 : 0;
}
