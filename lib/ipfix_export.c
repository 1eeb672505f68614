/*
 * ipfix_export.c - records to nvzFlow IPFIX messages; see ipfix_export.h.
 *
 * libfixbuf does the message framing: template sets, set and message
 * headers, sequence numbers, the MTU. We give it, per template, an internal
 * template with the same elements as the external one, reordered so that
 * the fbVarfield_t members of the record buffer come first and stay
 * aligned. Values are rendered from the record's text into wire bytes here.
 *
 * libfixbuf 2.4 treats only element 0.291 as a basicList, so the Cisco list
 * elements (9.12352, 9.12353) travel as variable-length fields whose content
 * we lay out as an RFC 6313 basicList ourselves.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wcast-qual"
#include <fixbuf/public.h>
#pragma GCC diagnostic pop

#include "ipfix_export.h"

#define ITID_BASE		0x8000	/* internal template id = ITID_BASE + tid */
#define SCRATCH_SIZE		(2 * 65536)
#define MSG_HEADER		16
#define SET_HEADER		4
#define LIST_SEMANTIC_ALLOF	3
#define ITEM_STRING		12348	/* module name list item */
#define ITEM_HASH		12350	/* module hash list item */
#define ITEM_HASH_LEN		32
#define NTEMPLATES		6

#define C(id, len)	{ FIELD_PEN_CISCO, (id), (len) }
#define I(id, len)	{ 0, (id), (len) }
#define V		IPFIX_VARLEN

static const struct ipfix_export_element t262[] = {
	I(350, V), C(12332, 20), C(12334, V), C(12335, V), C(12351, V),
	C(12336, V), C(12337, V),
};

static const struct ipfix_export_element t266[] = {
	C(12332, 20), C(12355, 4), C(12356, 4), C(12357, 1), C(12358, V),
	C(12359, V), C(12360, V),
};

/* The flow elements after the addresses are shared by 267..270. */
#define FLOW_TAIL \
	I(11, 2), I(150, 4), I(151, 4), C(12332, 20), C(12333, V), \
	C(12361, 2), C(12338, V), C(12362, 2), C(12340, V), C(12341, 32), \
	C(12339, V), C(12363, 2), C(12342, V), C(12343, 32), C(12346, 8), \
	C(12347, 8), C(12344, V), C(12345, V), C(12355, 4), C(12352, V), \
	C(12353, V)
#define PROC_TAIL \
	C(12365, 4), C(12366, 4), C(12367, V), C(12368, V), C(12369, V), \
	C(12370, V), C(12371, 8), C(12372, 8), C(12374, 2), C(12375, 2)

static const struct ipfix_export_element t267[] = {
	I(4, 1), I(8, 4), I(7, 2), I(12, 4), FLOW_TAIL,
};
static const struct ipfix_export_element t268[] = {
	I(4, 1), I(27, 16), I(7, 2), I(28, 16), FLOW_TAIL,
};
static const struct ipfix_export_element t269[] = {
	I(4, 1), I(8, 4), I(7, 2), I(12, 4), FLOW_TAIL, PROC_TAIL,
};
static const struct ipfix_export_element t270[] = {
	I(4, 1), I(27, 16), I(7, 2), I(28, 16), FLOW_TAIL, PROC_TAIL,
};

#undef C
#undef I
#undef V

#define T(id, a)	{ (id), (int)(sizeof(a) / sizeof(a[0])), (a) }
static const struct ipfix_export_template templates[NTEMPLATES] = {
	T(IPFIX_TID_ENDPOINT, t262),
	T(IPFIX_TID_INTERFACE, t266),
	T(IPFIX_TID_FLOW4, t267),
	T(IPFIX_TID_FLOW6, t268),
	T(IPFIX_TID_FLOW4_PROC, t269),
	T(IPFIX_TID_FLOW6_PROC, t270),
};
#undef T

static const uint16_t template_ids[NTEMPLATES] = {
	IPFIX_TID_ENDPOINT, IPFIX_TID_INTERFACE, IPFIX_TID_FLOW4,
	IPFIX_TID_FLOW6, IPFIX_TID_FLOW4_PROC, IPFIX_TID_FLOW6_PROC,
};

/* One element of a template as the encoder sees it. */
struct elem_state {
	const struct ipfix_export_element *e;
	int		 field;		/* in the dictionary, or FIELD_NONE */
	uint32_t	 off;		/* in the internal record buffer */
	int		 swap;		/* libfixbuf byte-swaps this element */
};

struct tmpl_state {
	const struct ipfix_export_template *t;
	struct elem_state	*el;
	size_t			 reclen;	/* internal record length */
};

struct ipfix_exporter {
	const struct field_dict		*dict;
	struct ipfix_export_opts	 opts;
	ipfix_export_fn			*fn;
	void				*arg;
	fbInfoModel_t			*model;
	fbSession_t			*session;
	fBuf_t				*fbuf;
	uint8_t				*msgbuf;	/* mtu bytes */
	uint8_t				*rec;		/* internal record */
	uint8_t				*scratch;	/* varfield contents */
	size_t				 used;		/* of scratch */
	struct tmpl_state		 ts[NTEMPLATES];
	int				 msg_open;	/* a message is being built */
	int				 msg_templates;	/* ... and holds templates */
	int				 templates_due;
	unsigned			 since_templates;
	struct ipfix_export_stats	 stats;
	char				 err[256];
};

static int	 xerr(struct ipfix_exporter *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	 model_setup(struct ipfix_exporter *);
static int	 tmpl_setup(struct ipfix_exporter *, int);
static fbTemplate_t *tmpl_build(struct ipfix_exporter *, struct tmpl_state *,
		    int);
static int	 emit(struct ipfix_exporter *);
static int	 send_templates(struct ipfix_exporter *, uint32_t);
static int	 encode(struct ipfix_exporter *, const struct tmpl_state *,
		    const struct record *, size_t *);
static int	 encode_fixed(struct ipfix_exporter *, const struct elem_state *,
		    const struct record *, uint8_t *);
static int	 encode_var(struct ipfix_exporter *, const struct elem_state *,
		    const struct record *, fbVarfield_t *);
static int	 render(struct ipfix_exporter *, int, const struct rec_str *,
		    uint8_t *, size_t, size_t *);
static int	 render_list(struct ipfix_exporter *, int,
		    const struct record *, uint8_t *, size_t, size_t *);
static int	 hex_decode(const char *, size_t, uint8_t *, size_t, size_t *);
static int	 append_record(struct ipfix_exporter *, struct tmpl_state *,
		    size_t, uint32_t);
static struct tmpl_state *tmpl_find(struct ipfix_exporter *, uint16_t);

const struct ipfix_export_template *
ipfix_export_template(uint16_t tid)
{
	int	i;

	for (i = 0; i < NTEMPLATES; i++)
		if (templates[i].id == tid)
			return &templates[i];
	return NULL;
}

const uint16_t *
ipfix_export_template_ids(int *n)
{
	*n = NTEMPLATES;
	return template_ids;
}

uint16_t
ipfix_export_choose(const struct record *r)
{
	const char	*src;
	int		 proc, v6;

	if (ipfix_export_template(record_template(r)) != NULL)
		return record_template(r);
	if (record_has(r, F_HOST) || record_has(r, F_OS_NAME))
		return IPFIX_TID_ENDPOINT;
	if (record_has(r, F_INTERFACE_INDEX) || record_has(r, F_INTERFACE_NAME))
		return IPFIX_TID_INTERFACE;
	if ((src = record_get1(r, F_SRC)) == NULL)
		return 0;
	v6 = strchr(src, ':') != NULL;
	proc = record_has(r, F_PROCESS_ID) || record_has(r, F_PROCESS_PATH) ||
	    record_has(r, F_PROCESS_INTEGRITY_LEVEL);
	if (proc)
		return v6 ? IPFIX_TID_FLOW6_PROC : IPFIX_TID_FLOW4_PROC;
	return v6 ? IPFIX_TID_FLOW6 : IPFIX_TID_FLOW4;
}

static int
xerr(struct ipfix_exporter *x, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(x->err, sizeof(x->err), fmt, ap);
	va_end(ap);
	return -1;
}

struct ipfix_exporter *
ipfix_exporter_new(const struct field_dict *dict,
    const struct ipfix_export_opts *opts, ipfix_export_fn *fn, void *arg,
    char *err, size_t errlen)
{
	struct ipfix_exporter	*x;
	fbExporter_t		*exp;
	int			 i;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		if (err != NULL)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	x->dict = dict;
	x->fn = fn;
	x->arg = arg;
	if (opts != NULL)
		x->opts = *opts;
	if (x->opts.odid == 0)
		x->opts.odid = IPFIX_EXPORT_ODID;
	if (x->opts.mtu == 0)
		x->opts.mtu = IPFIX_EXPORT_MTU;
	if (x->opts.template_interval == 0)
		x->opts.template_interval = IPFIX_EXPORT_INTERVAL;
	x->templates_due = 1;
	if (x->opts.mtu < 128 || x->opts.mtu > 65535) {
		xerr(x, "mtu %zu out of range 128..65535", x->opts.mtu);
		goto fail;
	}
	if ((x->msgbuf = malloc(x->opts.mtu)) == NULL ||
	    (x->scratch = malloc(SCRATCH_SIZE)) == NULL) {
		xerr(x, "out of memory");
		goto fail;
	}
	if (model_setup(x) == -1)
		goto fail;
	for (i = 0; i < NTEMPLATES; i++)
		if (tmpl_setup(x, i) == -1)
			goto fail;
	exp = fbExporterAllocBuffer(x->msgbuf, (uint16_t)x->opts.mtu);
	x->fbuf = fBufAllocForExport(x->session, exp);
	fBufSetAutomaticMode(x->fbuf, FALSE);
	return x;
fail:
	if (err != NULL)
		snprintf(err, errlen, "%s", x->err);
	ipfix_exporter_free(x);
	return NULL;
}

void
ipfix_exporter_free(struct ipfix_exporter *x)
{
	int	i;

	if (x == NULL)
		return;
	if (x->fbuf != NULL)
		fBufFree(x->fbuf);		/* frees session and exporter */
	else if (x->session != NULL)
		fbSessionFree(x->session);
	if (x->model != NULL)
		fbInfoModelFree(x->model);
	for (i = 0; i < NTEMPLATES; i++)
		free(x->ts[i].el);
	free(x->rec);
	free(x->scratch);
	free(x->msgbuf);
	free(x);
}

/* The IANA model plus every Cisco element we write, as plain octets. */
static int
model_setup(struct ipfix_exporter *x)
{
	fbInfoElement_t	 ie;
	char		 name[32];
	int		 i, j;

	x->model = fbInfoModelAlloc();
	for (i = 0; i < NTEMPLATES; i++)
		for (j = 0; j < templates[i].nelems; j++) {
			const struct ipfix_export_element *e =
			    &templates[i].elems[j];

			if (e->pen == 0 || fbInfoModelGetElementByID(x->model,
			    e->id, e->pen) != NULL)
				continue;
			memset(&ie, 0, sizeof(ie));
			snprintf(name, sizeof(name), "nvzflow%u", e->id);
			ie.ref.name = name;
			ie.ent = e->pen;
			ie.num = e->id;
			ie.len = e->len;
			ie.type = e->len == IPFIX_VARLEN ? FB_STRING :
			    FB_OCTET_ARRAY;
			fbInfoModelAddElement(x->model, &ie);
		}
	x->session = fbSessionAlloc(x->model);
	fbSessionSetDomain(x->session, x->opts.odid);
	return 0;
}

/* Builds and adds the external and internal templates for templates[i]. */
static int
tmpl_setup(struct ipfix_exporter *x, int i)
{
	struct tmpl_state	*ts = &x->ts[i];
	fbTemplate_t		*ext, *in;
	GError			*gerr = NULL;
	uint8_t			*p;

	ts->t = &templates[i];
	if ((ts->el = calloc((size_t)ts->t->nelems, sizeof(*ts->el))) == NULL)
		return xerr(x, "out of memory");
	if ((ext = tmpl_build(x, ts, 0)) == NULL)
		return -1;
	if (fbSessionAddTemplate(x->session, FALSE, ts->t->id, ext,
	    &gerr) == 0) {
		fbTemplateFreeUnused(ext);
		goto gfail;
	}
	if ((in = tmpl_build(x, ts, 1)) == NULL)
		return -1;
	if (fbSessionAddTemplate(x->session, TRUE, ITID_BASE + ts->t->id, in,
	    &gerr) == 0) {
		fbTemplateFreeUnused(in);
		goto gfail;
	}
	if ((p = realloc(x->rec, ts->reclen > 0 ? ts->reclen : 1)) == NULL)
		return xerr(x, "out of memory");
	x->rec = p;
	return 0;
gfail:
	xerr(x, "template %u: %s", ts->t->id, gerr->message);
	g_clear_error(&gerr);
	return -1;
}

/*
 * The external template (wire order) or the internal one: variable-length
 * elements first, so their fbVarfield_t slots are aligned, then the fixed
 * ones in wire order. The internal pass records each element's offset.
 */
static fbTemplate_t *
tmpl_build(struct ipfix_exporter *x, struct tmpl_state *ts, int internal)
{
	fbTemplate_t		*t = fbTemplateAlloc(x->model);
	fbInfoElement_t		 ie;
	const fbInfoElement_t	*canon;
	GError			*gerr = NULL;
	int			 pass, j;
	uint32_t		 off = 0;

	for (pass = 0; pass < 2; pass++)
		for (j = 0; j < ts->t->nelems; j++) {
			const struct ipfix_export_element *e = &ts->t->elems[j];
			struct elem_state *es = &ts->el[j];
			int var = e->len == IPFIX_VARLEN;

			if (internal ? (pass == 0) != var : pass == 1)
				continue;
			memset(&ie, 0, sizeof(ie));
			ie.ent = e->pen;
			ie.num = e->id;
			ie.len = e->len;
			if (!fbTemplateAppend(t, &ie, &gerr)) {
				xerr(x, "template %u element %u.%u: %s",
				    ts->t->id, e->pen, e->id, gerr->message);
				g_clear_error(&gerr);
				fbTemplateFreeUnused(t);
				return NULL;
			}
			if (!internal)
				continue;
			canon = fbInfoModelGetElementByID(x->model, e->id,
			    e->pen);
			es->e = e;
			es->field = field_dict_element(x->dict, e->pen, e->id);
			es->off = off;
			es->swap = canon != NULL &&
			    (canon->flags & FB_IE_F_ENDIAN) && e->len > 1;
			off += var ? (uint32_t)sizeof(fbVarfield_t) : e->len;
		}
	if (internal)
		ts->reclen = off;
	return t;
}

static struct tmpl_state *
tmpl_find(struct ipfix_exporter *x, uint16_t tid)
{
	int	i;

	for (i = 0; i < NTEMPLATES; i++)
		if (x->ts[i].t->id == tid)
			return &x->ts[i];
	return NULL;
}

/* Hands the open message, if any, to the callback. */
static int
emit(struct ipfix_exporter *x)
{
	GError	*gerr = NULL;
	size_t	 len;
	int	 templ = x->msg_templates;

	if (!x->msg_open)
		return 0;
	x->msg_open = x->msg_templates = 0;
	if (!fBufEmit(x->fbuf, &gerr)) {
		xerr(x, "emit: %s", gerr->message);
		g_clear_error(&gerr);
		return -1;
	}
	len = fbExporterGetMsgLen(fBufGetExporter(x->fbuf));
	x->stats.messages++;
	x->stats.bytes += len;
	if (templ)
		x->stats.template_messages++;
	else if (++x->since_templates >= x->opts.template_interval)
		x->templates_due = 1;
	if (x->fn != NULL && x->fn(x->msgbuf, len, x->arg) == -1)
		return xerr(x, "message callback failed");
	return 0;
}

/* Emits the open message, then every template in messages of their own. */
static int
send_templates(struct ipfix_exporter *x, uint32_t now)
{
	GError	*gerr = NULL;
	int	 i, tries;

	if (emit(x) == -1)
		return -1;
	fBufSetExportTime(x->fbuf, now);
	for (i = 0; i < NTEMPLATES; i++) {
		for (tries = 0; tries < 3; tries++) {
			if (fbSessionExportTemplate(x->session, template_ids[i],
			    &gerr))
				break;
			if (!g_error_matches(gerr, FB_ERROR_DOMAIN,
			    FB_ERROR_EOM))
				break;
			g_clear_error(&gerr);
			if (emit(x) == -1)
				return -1;
		}
		if (tries == 3 || gerr != NULL) {
			xerr(x, "template %u: %s", template_ids[i],
			    gerr ? gerr->message : "does not fit the mtu");
			g_clear_error(&gerr);
			return -1;
		}
		x->msg_open = x->msg_templates = 1;
	}
	x->templates_due = 0;
	x->since_templates = 0;
	return emit(x);
}

int
ipfix_exporter_add(struct ipfix_exporter *x, const struct record *rec,
    uint16_t tid, uint32_t now)
{
	struct tmpl_state	*ts;
	size_t			 wire;

	if (tid == 0)
		tid = ipfix_export_choose(rec);
	if (now == 0)
		now = 1;	/* libfixbuf would read the clock for 0 */
	if ((ts = tid ? tmpl_find(x, tid) : NULL) == NULL) {
		x->stats.refused++;
		return xerr(x, "no template for record (template %u)", tid);
	}
	if (encode(x, ts, rec, &wire) == -1) {
		x->stats.refused++;
		return -1;
	}
	if (MSG_HEADER + SET_HEADER + wire > x->opts.mtu) {
		x->stats.refused++;
		return xerr(x, "record of %zu bytes exceeds the mtu %zu",
		    wire, x->opts.mtu);
	}
	return append_record(x, ts, wire, now);
}

/*
 * Appends the encoded record. In manual mode libfixbuf answers "end of
 * message" when the message is full or follows a template message: emit
 * and retry. The MTU check above makes the last retry succeed.
 */
static int
append_record(struct ipfix_exporter *x, struct tmpl_state *ts, size_t wire,
    uint32_t now)
{
	GError	*gerr = NULL;
	int	 tries;

	for (tries = 0; tries < 4; tries++) {
		if (x->templates_due && send_templates(x, now) == -1)
			return -1;
		fBufSetExportTime(x->fbuf, now);
		if (!fBufSetInternalTemplate(x->fbuf, ITID_BASE + ts->t->id,
		    &gerr) || !fBufSetExportTemplate(x->fbuf, ts->t->id, &gerr))
			break;
		if (fBufAppend(x->fbuf, x->rec, ts->reclen, &gerr)) {
			x->msg_open = 1;
			x->stats.records++;
			return 0;
		}
		if (!g_error_matches(gerr, FB_ERROR_DOMAIN, FB_ERROR_EOM))
			break;
		g_clear_error(&gerr);
		if (emit(x) == -1)
			return -1;
	}
	x->stats.refused++;
	xerr(x, "append (%zu bytes): %s", wire,
	    gerr ? gerr->message : "no room");
	g_clear_error(&gerr);
	return -1;
}

int
ipfix_exporter_flush(struct ipfix_exporter *x)
{
	return emit(x);
}

void
ipfix_exporter_resend_templates(struct ipfix_exporter *x)
{
	x->templates_due = 1;
}

const struct ipfix_export_stats *
ipfix_exporter_stats(const struct ipfix_exporter *x)
{
	return &x->stats;
}

const char *
ipfix_exporter_error(const struct ipfix_exporter *x)
{
	return x->err;
}

/* Fills the internal record buffer; *wire gets the encoded length. */
static int
encode(struct ipfix_exporter *x, const struct tmpl_state *ts,
    const struct record *rec, size_t *wire)
{
	const struct elem_state	*es;
	fbVarfield_t		 vf;
	int			 j;

	x->used = 0;
	*wire = 0;
	for (j = 0; j < ts->t->nelems; j++) {
		es = &ts->el[j];
		if (es->e->len != IPFIX_VARLEN) {
			if (encode_fixed(x, es, rec, x->rec + es->off) == -1)
				return -1;
			*wire += es->e->len;
			continue;
		}
		if (encode_var(x, es, rec, &vf) == -1)
			return -1;
		memcpy(x->rec + es->off, &vf, sizeof(vf));
		*wire += vf.len + (vf.len < 255 ? 1 : 3);
	}
	return 0;
}

static int
encode_fixed(struct ipfix_exporter *x, const struct elem_state *es,
    const struct record *rec, uint8_t *dst)
{
	uint8_t			 tmp[64];
	const struct rec_str	*v;
	uint32_t		 n;
	size_t			 len = es->e->len, out, i;

	memset(tmp, 0, sizeof(tmp));
	if (len > sizeof(tmp))
		return xerr(x, "element %u.%u: length %zu unsupported",
		    es->e->pen, es->e->id, len);
	v = es->field == FIELD_NONE ? NULL : record_get(rec, es->field, &n);
	if (v != NULL && n > 0 &&
	    render(x, es->field, v, tmp, len, &out) == -1)
		return -1;
	for (i = 0; i < len; i++)
		dst[i] = es->swap ? tmp[len - 1 - i] : tmp[i];
	return 0;
}

static int
encode_var(struct ipfix_exporter *x, const struct elem_state *es,
    const struct record *rec, fbVarfield_t *vf)
{
	const struct field_def	*f;
	const struct rec_str	*v;
	uint32_t		 n;
	size_t			 out = 0, room = SCRATCH_SIZE - x->used;
	uint8_t			*p = x->scratch + x->used;

	if (room > 65535)
		room = 65535;
	f = es->field == FIELD_NONE ? NULL : field_dict_get(x->dict, es->field);
	v = f ? record_get(rec, es->field, &n) : NULL;
	if (f != NULL && (f->type == FIELD_STRING_LIST ||
	    f->type == FIELD_HEX_LIST)) {
		if (render_list(x, es->field, rec, p, room, &out) == -1)
			return -1;
	} else if (v != NULL && n > 0) {
		if (render(x, es->field, v, p, room, &out) == -1)
			return -1;
	}
	vf->len = out;
	vf->buf = out ? p : NULL;
	x->used += out;
	return 0;
}

/*
 * Wire bytes of value v of field into dst. For a fixed element (len of the
 * element, dst zeroed) the value must fit len; for a variable one len is
 * the room and *out the bytes written.
 */
static int
render(struct ipfix_exporter *x, int field, const struct rec_str *v,
    uint8_t *dst, size_t len, size_t *out)
{
	const struct field_def	*f = field_dict_get(x->dict, field);
	unsigned long long	 u;
	char			*end;
	size_t			 i;

	switch (f->type) {
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		errno = 0;
		u = strtoull(v->ptr, &end, 10);
		if (v->len == 0 || *end != '\0' || errno != 0 || len > 8 ||
		    (len < 8 && (u >> (8 * len)) != 0))
			return xerr(x, "%s: \"%s\" does not fit %zu octets",
			    f->name, v->ptr, len);
		for (i = 0; i < len; i++)
			dst[len - 1 - i] = (uint8_t)(u >> (8 * i));
		*out = len;
		return 0;
	case FIELD_ADDR:
		if ((len != 4 && len != 16) || inet_pton(len == 4 ? AF_INET :
		    AF_INET6, v->ptr, dst) != 1)
			return xerr(x, "%s: \"%s\" is not an address of %zu "
			    "octets", f->name, v->ptr, len);
		*out = len;
		return 0;
	case FIELD_HEX:
	case FIELD_HEX_LIST:
		if (hex_decode(v->ptr, v->len, dst, len, out) == -1)
			return xerr(x, "%s: bad hex \"%s\"", f->name, v->ptr);
		return 0;
	case FIELD_STRING:
	case FIELD_STRING_LIST:
		if (v->len > len)
			return xerr(x, "%s: value of %u bytes exceeds %zu",
			    f->name, v->len, len);
		memcpy(dst, v->ptr, v->len);
		*out = v->len;
		return 0;
	}
	return xerr(x, "%s: unsupported type", f->name);
}

/* An RFC 6313 basicList of the field's values (module names or hashes). */
static int
render_list(struct ipfix_exporter *x, int field, const struct record *rec,
    uint8_t *dst, size_t room, size_t *out)
{
	const struct field_def	*f = field_dict_get(x->dict, field);
	const struct rec_str	*v;
	int			 hex = f->type == FIELD_HEX_LIST;
	uint16_t		 id = (hex ? ITEM_HASH : ITEM_STRING) | 0x8000;
	uint16_t		 ilen = hex ? ITEM_HASH_LEN : IPFIX_VARLEN;
	uint32_t		 n = 0, i;
	size_t			 pos = 9, w, hdr;

	if (room < pos)
		return xerr(x, "%s: list too long", f->name);
	dst[0] = LIST_SEMANTIC_ALLOF;
	dst[1] = id >> 8;
	dst[2] = id & 0xff;
	dst[3] = ilen >> 8;
	dst[4] = ilen & 0xff;
	dst[5] = dst[6] = dst[7] = 0;
	dst[8] = FIELD_PEN_CISCO;
	v = record_get(rec, field, &n);
	for (i = 0; v != NULL && i < n; i++) {
		hdr = hex ? 0 : (v[i].len < 255 ? 1 : 3);
		if (pos + hdr + (hex ? ITEM_HASH_LEN : v[i].len) > room)
			return xerr(x, "%s: list too long", f->name);
		if (hex) {
			memset(dst + pos, 0, ITEM_HASH_LEN);
			if (render(x, field, &v[i], dst + pos, ITEM_HASH_LEN,
			    &w) == -1 || w != ITEM_HASH_LEN)
				return xerr(x, "%s: item is not %d octets",
				    f->name, ITEM_HASH_LEN);
		} else {
			if (hdr == 1)
				dst[pos] = (uint8_t)v[i].len;
			else {
				dst[pos] = 255;
				dst[pos + 1] = (uint8_t)(v[i].len >> 8);
				dst[pos + 2] = (uint8_t)v[i].len;
			}
			memcpy(dst + pos + hdr, v[i].ptr, v[i].len);
			w = hdr + v[i].len;
		}
		pos += w;
	}
	*out = pos;
	return 0;
}

/* Hex text to bytes; exactly len bytes for a fixed element. */
static int
hex_decode(const char *s, size_t slen, uint8_t *dst, size_t len, size_t *out)
{
	size_t	i;
	int	hi, lo;

	if (slen % 2 != 0 || slen / 2 > len)
		return -1;
	for (i = 0; i < slen / 2; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10;
		if (hi < 0 || hi > 15 || lo < 0 || lo > 15)
			return -1;
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	*out = slen / 2;
	return 0;
}
