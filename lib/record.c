/*
 * record.c - decoded records, derived fields and JSON rendering; see record.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "arena.h"
#include "buf.h"
#include "num.h"
#include "record.h"

#define RECORD_ARENA_BLOCK	4096
#define RECORD_ARENA_LIMIT	(1024 * 1024)

struct slot {
	struct rec_str	*v;		/* n values; &one or arena array */
	struct rec_str	 one;
	uint32_t	 n;
	uint32_t	 cap;		/* room in v */
	uint8_t		 present;
	uint8_t		 origin;
};

struct record {
	const struct field_dict	*dict;
	struct arena		*arena;
	struct slot		*slots;		/* one per field */
	int			*order;		/* fields in the order set */
	int			 norder;
	int			 nfields;
	enum record_kind	 kind;
	uint32_t		 odid;
	uint16_t		 template_id;
	double			 time;
};

static const char *const kind_names[RECORD_KIND_COUNT] = {
	[RECORD_UNKNOWN] = "unknown",
	[RECORD_FLOW] = "flow",
	[RECORD_ENDPOINT] = "endpoint",
	[RECORD_INTERFACE] = "interface",
	[RECORD_PROCESS] = "process",
};

static const char *const kind_sourcetypes[RECORD_KIND_COUNT] = {
	[RECORD_FLOW] = "cisco:nvm:flowdata",
	[RECORD_ENDPOINT] = "cisco:nvm:sysdata",
	[RECORD_INTERFACE] = "cisco:nvm:ifdata",
	[RECORD_PROCESS] = "cisco:nvm:processdata",
};

static struct slot	*slot_touch(struct record *, int, enum record_origin);
static int		 slot_fail(struct record *, int);
static int		 slot_push(struct record *, struct slot *, const char *,
			    uint32_t);
static char		*hex_render(struct record *, const uint8_t *, size_t,
			    size_t *);
static char		*u64_text(char[24], uint64_t, size_t *);
static size_t		 ipv4_text(char *, const uint8_t *);
static int		 wire_uint(const uint8_t *, size_t, uint64_t *);
static int		 derive_transport(struct record *);
static int		 derive_time(struct record *, double);
static int		 derive_split(struct record *, int, int, int);
static int		 derive_bytes(struct record *);
static const struct rec_str *first_value(const struct record *, int);
static int		 set_shared(struct record *, int,
			    const struct rec_str *);
static int		 derive_user(struct record *);
static int		 derive_accounts(struct record *);
static int		 derive_processes(struct record *);
static int		 derive_command(struct record *, int, int, int, int);
static int		 is_json_number(const char *, size_t);
static void		 json_value(struct buf *, const struct field_def *,
			    const struct slot *);

struct record *
record_new(const struct field_dict *dict, size_t arena_limit)
{
	struct record	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->dict = dict;
	r->nfields = field_dict_count(dict);
	r->slots = calloc((size_t)r->nfields, sizeof(*r->slots));
	r->order = calloc((size_t)r->nfields, sizeof(*r->order));
	r->arena = arena_new(RECORD_ARENA_BLOCK,
	    arena_limit ? arena_limit : RECORD_ARENA_LIMIT);
	if (r->slots == NULL || r->order == NULL || r->arena == NULL) {
		record_free(r);
		return NULL;
	}
	return r;
}

void
record_free(struct record *r)
{
	if (r == NULL)
		return;
	arena_free(r->arena);
	free(r->slots);
	free(r->order);
	free(r);
}

void
record_clear(struct record *r)
{
	int	i;

	for (i = 0; i < r->norder; i++)
		memset(&r->slots[r->order[i]], 0, sizeof(struct slot));
	r->norder = 0;
	r->kind = RECORD_UNKNOWN;
	r->odid = 0;
	r->template_id = 0;
	r->time = 0;
	arena_reset(r->arena);
}

const struct field_dict *
record_dict(const struct record *r)
{
	return r->dict;
}

const struct rec_str *
record_get(const struct record *r, int field, uint32_t *n)
{
	const struct slot	*s;

	if (field < 0 || field >= r->nfields || !r->slots[field].present) {
		*n = 0;
		return NULL;
	}
	s = &r->slots[field];
	*n = s->n;
	return s->v;
}

const char *
record_get1(const struct record *r, int field)
{
	uint32_t		 n;
	const struct rec_str	*v = record_get(r, field, &n);

	return (v != NULL && n > 0) ? v[0].ptr : NULL;
}

int
record_has(const struct record *r, int field)
{
	return field >= 0 && field < r->nfields && r->slots[field].present;
}

enum record_origin
record_origin(const struct record *r, int field)
{
	if (!record_has(r, field))
		return ORIGIN_WIRE;
	return (enum record_origin)r->slots[field].origin;
}

const int *
record_fields(const struct record *r, int *n)
{
	*n = r->norder;
	return r->order;
}

/* The slot of field, emptied and marked present in set order. */
static struct slot *
slot_touch(struct record *r, int field, enum record_origin origin)
{
	struct slot	*s;

	if (field < 0 || field >= r->nfields)
		return NULL;
	s = &r->slots[field];
	if (!s->present)
		r->order[r->norder++] = field;
	s->present = 1;
	s->origin = (uint8_t)origin;
	return s;
}

/* Appends one value (already in the arena) to s. */
static int
slot_push(struct record *r, struct slot *s, const char *p, uint32_t len)
{
	if (s->n == 0) {
		s->one.ptr = p;
		s->one.len = len;
		s->v = &s->one;
		s->cap = 1;
	} else {
		if (s->n == s->cap) {
			uint32_t	 cap = s->cap * 2;
			struct rec_str	*v;

			if ((v = arena_alloc(r->arena, cap * sizeof(*v))) == NULL)
				return -1;
			memcpy(v, s->v, s->n * sizeof(*v));
			s->v = v;
			s->cap = cap;
		}
		s->v[s->n].ptr = p;
		s->v[s->n].len = len;
	}
	s->n++;
	return 0;
}

/* Drops field again after a failed set. */
static int
slot_fail(struct record *r, int field)
{
	int	i;

	memset(&r->slots[field], 0, sizeof(struct slot));
	for (i = 0; i < r->norder; i++)
		if (r->order[i] == field) {
			memmove(&r->order[i], &r->order[i + 1],
			    (size_t)(r->norder - i - 1) * sizeof(int));
			r->norder--;
			break;
		}
	return -1;
}

int
record_set_text(struct record *r, int field, const char *p, size_t len,
    enum record_origin origin)
{
	struct slot	*s;
	char		*copy;

	if (len > UINT32_MAX || (s = slot_touch(r, field, origin)) == NULL)
		return -1;
	s->n = 0;
	if ((copy = arena_strndup(r->arena, p, len)) == NULL)
		return slot_fail(r, field);
	return slot_push(r, s, copy, (uint32_t)len);
}

/* Decimal digits of v, right-aligned in tmp[0..24); returns the first. */
static char *
u64_text(char tmp[24], uint64_t v, size_t *len)
{
	char	*p = tmp + 24;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	*len = (size_t)(tmp + 24 - p);
	return p;
}

/* Dotted quad of p[0..4) into out (16 bytes); glibc's inet_ntop uses sprintf. */
static size_t
ipv4_text(char *out, const uint8_t *p)
{
	char	tmp[24], *d;
	size_t	i, n, len = 0;

	for (i = 0; i < 4; i++) {
		d = u64_text(tmp, p[i], &n);
		memcpy(out + len, d, n);
		len += n;
		out[len++] = i < 3 ? '.' : '\0';
	}
	return len - 1;
}

int
record_set_uint(struct record *r, int field, uint64_t v,
    enum record_origin origin)
{
	char	 tmp[24], *p;
	size_t	 len;

	/* snprintf() was two fifths of decoding time; this is the hot path. */
	p = u64_text(tmp, v, &len);
	return record_set_text(r, field, p, len, origin);
}

/* Upper-case hex of p[0..len) in the arena; *outlen gets its length. */
static char *
hex_render(struct record *r, const uint8_t *p, size_t len, size_t *outlen)
{
	static const char	 digits[] = "0123456789ABCDEF";
	char			*s;
	size_t			 i;

	if (len > (UINT32_MAX - 1) / 2 ||
	    (s = arena_alloc(r->arena, len * 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 0x0f];
	}
	s[2 * len] = '\0';
	*outlen = len * 2;
	return s;
}

static int
wire_uint(const uint8_t *p, size_t len, uint64_t *v)
{
	size_t	i;

	if (len < 1 || len > 8)
		return -1;
	*v = 0;
	for (i = 0; i < len; i++)
		*v = (*v << 8) | p[i];
	return 0;
}

int
record_set_wire(struct record *r, int field, const uint8_t *p, size_t len)
{
	const struct field_def	*f = field_dict_get(r->dict, field);
	char			 addr[INET6_ADDRSTRLEN];
	uint64_t		 v;
	size_t			 hlen;
	char			*hex;
	struct slot		*s;

	if (f == NULL)
		return -1;
	switch (f->type) {
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		if (wire_uint(p, len, &v) == -1)
			return -1;
		return record_set_uint(r, field, v, ORIGIN_WIRE);
	case FIELD_ADDR:
		if (len == 4) {
			hlen = ipv4_text(addr, p);
			return record_set_text(r, field, addr, hlen,
			    ORIGIN_WIRE);
		}
		if (len == 16) {
			inet_ntop(AF_INET6, p, addr, sizeof(addr));
			return record_set_text(r, field, addr, strlen(addr),
			    ORIGIN_WIRE);
		}
		/* FALLTHROUGH */
	case FIELD_HEX:
	case FIELD_HEX_LIST:
		if ((s = slot_touch(r, field, ORIGIN_WIRE)) == NULL)
			return -1;
		s->n = 0;
		if ((hex = hex_render(r, p, len, &hlen)) == NULL)
			return slot_fail(r, field);
		return slot_push(r, s, hex, (uint32_t)hlen);
	case FIELD_STRING:
	case FIELD_STRING_LIST:
		return record_set_text(r, field, (const char *)p, len,
		    ORIGIN_WIRE);
	}
	return -1;
}

int
record_append_text(struct record *r, int field, const char *p, size_t len,
    enum record_origin origin)
{
	struct slot	*s;
	char		*copy;

	int		 fresh;

	if (len > UINT32_MAX || field < 0 || field >= r->nfields)
		return -1;
	s = &r->slots[field];
	if ((fresh = !s->present))
		s = slot_touch(r, field, origin);
	if ((copy = arena_strndup(r->arena, p, len)) == NULL ||
	    slot_push(r, s, copy, (uint32_t)len) == -1)
		return fresh ? slot_fail(r, field) : -1;
	return 0;
}

int
record_append_wire(struct record *r, int field, const uint8_t *p, size_t len)
{
	const struct field_def	*f = field_dict_get(r->dict, field);
	struct slot		*s;
	char			*hex;
	size_t			 hlen;
	int			 fresh;

	if (f == NULL)
		return -1;
	if (f->type != FIELD_HEX_LIST && f->type != FIELD_HEX)
		return record_append_text(r, field, (const char *)p, len,
		    ORIGIN_WIRE);
	s = &r->slots[field];
	if ((fresh = !s->present))
		s = slot_touch(r, field, ORIGIN_WIRE);
	if ((hex = hex_render(r, p, len, &hlen)) == NULL ||
	    slot_push(r, s, hex, (uint32_t)hlen) == -1)
		return fresh ? slot_fail(r, field) : -1;
	return 0;
}

int
record_set_empty_list(struct record *r, int field)
{
	struct slot	*s;

	if ((s = slot_touch(r, field, ORIGIN_WIRE)) == NULL)
		return -1;
	s->n = 0;
	return 0;
}

void
record_set_kind(struct record *r, enum record_kind k)
{
	r->kind = k;
}

enum record_kind
record_kind(const struct record *r)
{
	return r->kind;
}

void
record_set_source(struct record *r, uint32_t odid, uint16_t template_id)
{
	r->odid = odid;
	r->template_id = template_id;
}

uint32_t
record_odid(const struct record *r)
{
	return r->odid;
}

uint16_t
record_template(const struct record *r)
{
	return r->template_id;
}

double
record_time(const struct record *r)
{
	return r->time;
}

const char *
record_kind_name(enum record_kind k)
{
	return (unsigned)k < RECORD_KIND_COUNT ? kind_names[k] : "unknown";
}

enum record_kind
record_classify(const struct record *r)
{
	static const int process_fields[] = { F_PROCESS_NAME, F_PROCESS_ID,
	    F_PROCESS_PATH, F_PROCESS_HASH, F_PROCESS_GUID };
	static const int interface_fields[] = { F_INTERFACE_INDEX,
	    F_INTERFACE_TYPE, F_INTERFACE_NAME, F_INTERFACE_MAC,
	    F_INTERFACE_DETAILS };
	static const int endpoint_fields[] = { F_HOST, F_OS_NAME,
	    F_OS_VERSION, F_OS_EDITION, F_SYSTEM_MANUFACTURER, F_SYSTEM_TYPE };
	size_t	i;

	if (record_has(r, F_SRC) || record_has(r, F_DEST))
		return RECORD_FLOW;
	for (i = 0; i < sizeof(process_fields) / sizeof(int); i++)
		if (record_has(r, process_fields[i]))
			return RECORD_PROCESS;
	for (i = 0; i < sizeof(interface_fields) / sizeof(int); i++)
		if (record_has(r, interface_fields[i]))
			return RECORD_INTERFACE;
	for (i = 0; i < sizeof(endpoint_fields) / sizeof(int); i++)
		if (record_has(r, endpoint_fields[i]))
			return RECORD_ENDPOINT;
	return RECORD_UNKNOWN;
}

/* Parses the first value of field as an unsigned number. */
static int
get_uint(const struct record *r, int field, uint64_t *v)
{
	const char	*s = record_get1(r, field);
	char		*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
derive_transport(struct record *r)
{
	uint64_t	 pr;
	const char	*name;

	if (record_has(r, F_TRANSPORT) || get_uint(r, F_PROTOCOL, &pr) == -1)
		return 0;
	switch (pr) {
	case 1: name = "icmp"; break;
	case 6: name = "tcp"; break;
	case 17: name = "udp"; break;
	case 58: name = "icmpv6"; break;
	default:
		return record_set_uint(r, F_TRANSPORT, pr, ORIGIN_DERIVED);
	}
	return record_set_text(r, F_TRANSPORT, name, strlen(name),
	    ORIGIN_DERIVED);
}

static int
derive_time(struct record *r, double recv_time)
{
	uint64_t	v;
	char		tmp[32];
	int		n;

	if (get_uint(r, F_FLOW_START_MS, &v) == 0) {
		r->time = (double)(v / 1000) + (double)(v % 1000) / 1000.0;
		n = snprintf(tmp, sizeof(tmp), "%" PRIu64 ".%03u", v / 1000,
		    (unsigned)(v % 1000));
	} else if (get_uint(r, F_FLOW_START, &v) == 0) {
		r->time = (double)v;
		n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	} else {
		r->time = recv_time;
		n = snprintf(tmp, sizeof(tmp), "%.3f", recv_time);
	}
	return record_set_text(r, F_TIME, tmp, (size_t)n, ORIGIN_DERIVED);
}

/* "Authority\Principal" in from splits into auth and princ. */
static int
derive_split(struct record *r, int from, int auth, int princ)
{
	const char	*s = record_get1(r, from), *bs;

	if (s == NULL || (record_has(r, princ) &&
	    record_origin(r, princ) != ORIGIN_DERIVED))
		return 0;
	if ((bs = strchr(s, '\\')) == NULL)
		return record_set_text(r, princ, s, strlen(s), ORIGIN_DERIVED);
	if ((!record_has(r, auth) || record_origin(r, auth) == ORIGIN_DERIVED) &&
	    record_set_text(r, auth, s,
	    (size_t)(bs - s), ORIGIN_DERIVED) == -1)
		return -1;
	return record_set_text(r, princ, bs + 1, strlen(bs + 1),
	    ORIGIN_DERIVED);
}

static int
derive_bytes(struct record *r)
{
	uint64_t	in = 0, out = 0;
	int		has_in, has_out;

	if (record_has(r, F_BYTES))
		return 0;
	has_in = get_uint(r, F_BYTES_IN, &in) == 0;
	has_out = get_uint(r, F_BYTES_OUT, &out) == 0;
	/* Crafted counters could wrap: no sum is better than a wrong one. */
	if ((!has_in && !has_out) || in > UINT64_MAX - out)
		return 0;
	return record_set_uint(r, F_BYTES, in + out, ORIGIN_DERIVED);
}

/* The first value of field when it is present and not empty, else NULL. */
static const struct rec_str *
first_value(const struct record *r, int field)
{
	const struct rec_str	*v;
	uint32_t		 n;

	v = record_get(r, field, &n);
	return (v != NULL && n > 0 && v[0].len > 0) ? v : NULL;
}

/*
 * Sets field to v, a value already in the arena: the slot points at it
 * (arena values live until record_clear()), so nothing is copied.
 */
static int
set_shared(struct record *r, int field, const struct rec_str *v)
{
	struct slot	*s;

	if ((s = slot_touch(r, field, ORIGIN_DERIVED)) == NULL)
		return -1;
	s->n = 0;
	return slot_push(r, s, v->ptr, v->len);
}

/*
 * user, process and parent_process are CIM names that Splunk's Cisco NVM
 * detections group by; Splunk's description of the NVM flow data source
 * lists them among the add-on's fields. ELEMENTS.md does not say how they
 * are made and the add-on's props.conf was not to be found, so they follow
 * the CIM Endpoint.Processes data model: user is the account that ran the
 * process, process and parent_process the full command string.
 *
 * user: the process account (pa, "Authority\Principal" as sent), else the
 * logged-in user (liuid) for records that carry no process account.
 */
static int
derive_user(struct record *r)
{
	const struct rec_str	*v;

	if (record_has(r, F_USER) && record_origin(r, F_USER) != ORIGIN_DERIVED)
		return 0;
	if ((v = first_value(r, F_PROCESS_ACCOUNT)) == NULL &&
	    (v = first_value(r, F_LOGGED_IN_USER)) == NULL)
		return 0;
	return set_shared(r, F_USER, v);
}

/*
 * process, parent_process: NVM sends the image (its path, or from older
 * agents only its name) and the arguments apart. The command line is
 * whichever of the two is present, joined by one space, byte for byte.
 */
static int
derive_command(struct record *r, int to, int path, int name, int args)
{
	const struct rec_str	*img, *arg;
	struct slot		*s;
	size_t			 len;
	char			*p;

	if (record_has(r, to) && record_origin(r, to) != ORIGIN_DERIVED)
		return 0;
	if ((img = first_value(r, path)) == NULL)
		img = first_value(r, name);
	arg = first_value(r, args);
	if (img == NULL || arg == NULL) {
		if (img == NULL && arg == NULL)
			return 0;
		return set_shared(r, to, img != NULL ? img : arg);
	}
	len = (size_t)img->len + 1 + arg->len;
	if (len > UINT32_MAX || (p = arena_alloc(r->arena, len + 1)) == NULL)
		return -1;
	memcpy(p, img->ptr, img->len);
	p[img->len] = ' ';
	memcpy(p + img->len + 1, arg->ptr, arg->len);
	p[len] = '\0';
	if ((s = slot_touch(r, to, ORIGIN_DERIVED)) == NULL)
		return -1;
	s->n = 0;
	return slot_push(r, s, p, (uint32_t)len);
}

int
record_finish(struct record *r, double recv_time)
{
	const char	*st;
	int		 rc = 0;

	if (r->kind == RECORD_UNKNOWN)
		r->kind = record_classify(r);
	rc |= derive_time(r, recv_time);
	rc |= derive_transport(r);
	rc |= derive_bytes(r);
	rc |= derive_accounts(r);
	if ((st = kind_sourcetypes[r->kind]) != NULL &&
	    !record_has(r, F_SOURCETYPE))
		rc |= record_set_text(r, F_SOURCETYPE, st, strlen(st),
		    ORIGIN_DERIVED);
	rc |= derive_processes(r);
	return rc ? -1 : 0;
}

int
record_derive_context(struct record *r)
{
	return derive_accounts(r) | derive_processes(r) ? -1 : 0;
}

/* The authority/principal splits of the three accounts. */
static int
derive_accounts(struct record *r)
{
	int	rc = 0;

	rc |= derive_split(r, F_LOGGED_IN_USER, F_LOGGED_IN_USER_AUTHORITY,
	    F_LOGGED_IN_USER_PRINCIPAL);
	rc |= derive_split(r, F_PROCESS_ACCOUNT, F_PROCESS_ACCOUNT_AUTHORITY,
	    F_PROCESS_ACCOUNT_PRINCIPAL);
	rc |= derive_split(r, F_PARENT_PROCESS_ACCOUNT,
	    F_PARENT_PROCESS_ACCOUNT_AUTHORITY,
	    F_PARENT_PROCESS_ACCOUNT_PRINCIPAL);
	return rc;
}

/* user, process and parent_process. */
static int
derive_processes(struct record *r)
{
	int	rc = 0;

	rc |= derive_user(r);
	rc |= derive_command(r, F_PROCESS, F_PROCESS_PATH, F_PROCESS_NAME,
	    F_PROCESS_ARGUMENTS);
	rc |= derive_command(r, F_PARENT_PROCESS, F_PARENT_PROCESS_PATH,
	    F_PARENT_PROCESS_NAME, F_PARENT_PROCESS_ARGUMENTS);
	return rc;
}

/*
 * A numeric field written bare: a JSON number (num_is_json()), narrowed
 * on purpose to what the numeric IPFIX fields hold, unsigned decimals
 * without exponent of at most 20 characters; anything else is quoted.
 */
static int
is_json_number(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 20 || s[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == 'e' || s[i] == 'E')
			return 0;
	return num_is_json(s, len);
}

static void
json_value(struct buf *b, const struct field_def *f, const struct slot *s)
{
	uint32_t	i;

	if ((f->flags & FIELD_MULTI) || s->n != 1) {
		buf_putc(b, '[');
		for (i = 0; i < s->n; i++) {
			if (i)
				buf_putc(b, ',');
			buf_json_string(b, s->v[i].ptr, s->v[i].len);
		}
		buf_putc(b, ']');
	} else if ((f->flags & FIELD_NUMERIC) &&
	    is_json_number(s->v[0].ptr, s->v[0].len)) {
		buf_append(b, s->v[0].ptr, s->v[0].len);
	} else {
		buf_json_string(b, s->v[0].ptr, s->v[0].len);
	}
}

void
record_json(const struct record *r, struct buf *b, unsigned flags)
{
	const struct field_def	*f;
	const struct slot	*s;
	const char		*name;
	int			 i, first = 1;

	buf_putc(b, '{');
	if (flags & RECORD_JSON_WIRE) {
		buf_printf(b, "\"_template\":%u,\"_odid\":%" PRIu32,
		    r->template_id, r->odid);
		first = 0;
	}
	for (i = 0; i < r->norder; i++) {
		s = &r->slots[r->order[i]];
		f = field_dict_get(r->dict, r->order[i]);
		if ((flags & RECORD_JSON_WIRE) && s->origin != ORIGIN_WIRE)
			continue;
		name = ((flags & RECORD_JSON_KEYS) && f->key) ? f->key : f->name;
		if (!first)
			buf_putc(b, ',');
		first = 0;
		buf_json_string(b, name, strlen(name));
		buf_putc(b, ':');
		json_value(b, f, s);
	}
	buf_putc(b, '}');
}
