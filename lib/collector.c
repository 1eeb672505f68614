/*
 * collector.c - the NVM collector's syslog lines as records; see collector.h.
 *
 * Where the event starts. Syslog daemons and relays put zero, one or two
 * headers in front of the collector's text (RFC 5424, RFC 3164 with or
 * without <PRI>, one relay's header before the collector host's), and
 * header fields are free text. Rather than parse every header variant, the
 * line is read token by token (tokens start at the line's start, after a
 * blank, or after a ':' as in "TAG[PID]:") and the event starts at the
 * first token that is either '{' (a JSON object) or key=" with a key of
 * [A-Za-z0-9_.-] (the first key="value" pair). No 3164 header field has
 * that shape. RFC 5424 structured data does ([id key="value"]), so a
 * token that opens a 5424 header (<PRI>1 and a space) has its five header
 * fields and its SD elements skipped before the search goes on, and so
 * does any token that starts with '[' (SD elements behind a 5424 header
 * whose <PRI>1 a relay or a file writer left out).
 *
 * Keys. A key is what field_dict_lookup_key() says: a field's collector
 * key, or the CIM name of a wire field that has none (udid, aliul). A
 * derived field (bytes, transport, user, _time, sourcetype, ...) given on
 * the line is an unknown key: record_finish() computes it, as for IPFIX,
 * and a line cannot override it. The collector's own keys (ELEMENTS.md,
 * "Collector-derived keys (not on the wire)": fv, fst, fet, and the
 * account splits liuida/liuidp, paa/pap, ppaa/ppap) are skipped and
 * counted apart: IPFIX never carries them, and record_finish() splits the
 * accounts itself (on the samples, to the collector's own values).
 *
 * A flow's addresses. A value the field's type refuses is counted and
 * the field left absent, except in sa and da: without its address a flow
 * would be classified by what is left (a process record, which the
 * enrichment caches as process context), so the line is refused.
 *
 * Values come out as IPFIX gives them, so that a flow read from either
 * source is the same record: numbers in plain decimal (leading zeros and
 * signs refused, not normalised away: a collector prints none), addresses
 * through inet_pton/record_set_wire (the text record.c prints for the
 * same octets), hex upper-cased.
 *
 * Empty values. The collector writes '' where a value is empty; "" is
 * read the same. IPFIX has a zero-length string and an empty basicList,
 * both present, so: a string or hex field is present and empty, a list
 * is present with no values. IPFIX has no empty number or address, so an
 * empty number, time or address leaves the field absent (and is not a bad
 * value: it is how the collector says "none").
 *
 * Lists (mnl, mhl, aliul). The samples show only the empty list ('') and
 * single items (mnl="wpnuserservice.dll" in flow_v11.json), and
 * ELEMENTS.md does not say how the collector joins two items. Items are
 * taken as separated by ',': module names and hashes, and Windows account
 * names (aliul), cannot hold a comma in practice (a hash never; account
 * names never; DLL names almost never), and ',' survives every syslog
 * daemon, which a tab does not (rsyslog writes it as #011). A list with
 * one empty item cannot be written this way ("" is the empty list).
 *
 * Escapes. In key="value" form, inside quotes \" is a quote and \\ a
 * backslash; every other backslash is itself (the collector writes
 * C:\Windows\... as is). A value that ends in a backslash is written by
 * the collector as ...\" and would run on into the next pair; the one
 * case that can be told apart, \" ending the line, is read as a backslash
 * and the closing quote.
 *
 * Duplicate keys refuse the line, in both forms: which value the engine saw would otherwise depend on reading
 * order, and Splunk's own extraction of such a line differs again. Fields
 * of record metadata (_time, sourcetype) are not taken from the line:
 * record_finish() computes them.
 *
 * JSON: one flat object; string values, and non-negative integers up to
 * 2^63 - 1 (read as their decimal text; jansson holds no larger ones).
 * Any other value (larger, negative or real numbers, true/false/null,
 * arrays, objects) is a bad value: the field is left absent and the rest
 * of the event is kept. A number too large for jansson (an integer
 * beyond 2^63 - 1, a real beyond a double) would make it refuse the whole
 * object, so it is read as null instead (a real's text of JSON_REAL_MAX
 * bytes or more is not checked: jansson refuses it if it overflows).
 *
 * The counts of unknown keys, collector keys and bad values are of the
 * lines kept: a refused line counts once, as a bad line.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <jansson.h>

#include "buf.h"
#include "collector.h"
#include "record.h"

#define LIST_SEP	','
#define ADDR_TEXT_MAX	64
#define JSON_REAL_MAX	512	/* longest real checked for overflow */

enum value_rc {
	VALUE_OK,
	VALUE_BAD,		/* refused by the field's type: counted */
	VALUE_FULL,		/* the record's arena is full */
};

struct parse {
	const char			*line;
	size_t				 len;
	struct record			*rec;
	const struct field_dict		*dict;
	struct collector_counters	*c;
	struct collector_error		*err;
	uint64_t			 unknown;	/* this line's tallies */
	uint64_t			 own;
	uint64_t			 bad;
};

/* ELEMENTS.md, "Collector-derived keys (not on the wire)". */
static const char *const collector_own_keys[] = {
	"fv", "fst", "fet", "liuida", "liuidp", "paa", "pap", "ppaa", "ppap",
};

static int	 parse_fail(struct parse *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 payload_find(struct parse *, size_t *, int *);
static size_t	 token_next(const char *, size_t, size_t);
static int	 is_key_char(unsigned char);
static int	 is_kv_start(const char *, size_t, size_t);
static int	 is_5424_start(const char *, size_t, size_t);
static int	 skip_5424(const char *, size_t, size_t *);
static int	 skip_sd(const char *, size_t, size_t *);
static int	 parse_kv(struct parse *, size_t);
static int	 kv_value(const char *, size_t, size_t *, char *, size_t *);
static int	 only_blanks(const char *, size_t, size_t);
static int	 parse_json(struct parse *, size_t);
static char	*json_big_ints(const char *, size_t);
static int	 int_too_big(const char *, size_t);
static int	 real_too_big(const char *, size_t);
static int	 json_pair(struct parse *, const char *, size_t, json_t *,
		    size_t);
static int	 pair_set(struct parse *, const char *, size_t, char *, size_t,
		    size_t);
static int	 key_field(struct parse *, const char *, size_t);
static int	 is_own_key(const char *, size_t);
static int	 value_bad(struct parse *, int, const char *, size_t, size_t);
static enum value_rc value_set(struct record *, int, char *, size_t);
static enum value_rc set_uint(struct record *, int, const char *, size_t);
static enum value_rc set_addr(struct record *, int, const char *, size_t);
static enum value_rc set_list(struct record *, int, enum field_type, char *,
		    size_t);
static int	 hex_upper(char *, size_t);
static int	 is_empty(const char *, size_t);
static int	 format_check(const struct record *, enum collector_format);
static int	 value_writable(const struct rec_str *, uint32_t, int,
		    enum collector_format);
static const char *format_name(const struct field_def *);
static void	 format_kv(const struct record *, int, struct buf *);
static void	 format_json(const struct record *, int, struct buf *);
static void	 kv_escape(struct buf *, const char *, size_t);

/*
 * Unescaped values are built here: a value is never longer than its line,
 * and the API has no state of its own to hold a buffer (the record's
 * arena is private to record.c). One per thread, so parsing stays
 * reentrant across threads; not on the stack, which it would cost 64 KiB.
 */
static _Thread_local char	scratch[COLLECTOR_LINE_MAX + 32];

int
collector_parse(const char *line, size_t len, struct record *rec,
    double recv_time, struct collector_counters *c,
    struct collector_error *err)
{
	struct collector_counters	 dummy;
	struct parse			 p;
	size_t				 off = 0;
	int				 json = 0, n;

	if (c == NULL)
		c = &dummy;
	c->lines++;
	record_clear(rec);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	p = (struct parse){ line, len, rec, record_dict(rec), c, err, 0, 0, 0 };
	if (len > COLLECTOR_LINE_MAX)
		return parse_fail(&p, COLLECTOR_LINE_MAX, "line too long "
		    "(%zu bytes, at most %d)", len, COLLECTOR_LINE_MAX);
	if (payload_find(&p, &off, &json) == -1)
		return -1;
	if ((json ? parse_json(&p, off) : parse_kv(&p, off)) == -1)
		return -1;
	(void)record_fields(rec, &n);
	if (n == 0)
		return parse_fail(&p, off, "no known field in the event");
	if (record_finish(rec, recv_time) == -1)
		return parse_fail(&p, off, "record full");
	c->records++;
	c->unknown_keys += p.unknown;
	c->collector_keys += p.own;
	c->bad_values += p.bad;
	if (json)
		c->json_lines++;
	else
		c->kv_lines++;
	return 0;
}

/* Refuses the line: counts it and says why. Returns -1. */
static int
parse_fail(struct parse *p, size_t off, const char *fmt, ...)
{
	va_list	ap;

	p->c->bad_lines++;
	record_clear(p->rec);
	if (p->err != NULL) {
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
		p->err->offset = off;
	}
	return -1;
}

/*
 * The offset of the event in the line and its form (*json), past any
 * syslog headers (see the comment at the top). -1 when there is none.
 */
static int
payload_find(struct parse *p, size_t *off, int *json)
{
	size_t	i = 0, j;

	while (i < p->len) {
		if (is_5424_start(p->line, p->len, i)) {
			if (skip_5424(p->line, p->len, &i) == -1)
				return parse_fail(p, i,
				    "malformed RFC 5424 header");
			continue;
		}
		if (p->line[i] == '{' || is_kv_start(p->line, p->len, i)) {
			*off = i;
			*json = p->line[i] == '{';
			return 0;
		}
		/* SD elements without their 5424 header; else a word. */
		j = i;
		if (p->line[i] == '[' && skip_sd(p->line, p->len, &j) == 0)
			i = j;
		else
			i = token_next(p->line, p->len, i);
	}
	return parse_fail(p, p->len, "no key=\"value\" pairs or JSON object");
}

/* The start of the token after the one at i. */
static size_t
token_next(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++)
		if (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == ':')
			break;
	return i;
}

static int
is_key_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

/* Whether key=" starts at i. */
static int
is_kv_start(const char *s, size_t len, size_t i)
{
	size_t	j = i;

	while (j < len && is_key_char((unsigned char)s[j]))
		j++;
	return j > i && len - j >= 2 && s[j] == '=' && s[j + 1] == '"';
}

/* Whether "<PRI>1 " starts at i (PRI one to three digits). */
static int
is_5424_start(const char *s, size_t len, size_t i)
{
	size_t	j = i + 1;

	if (s[i] != '<')
		return 0;
	while (j < len && j - i <= 3 && s[j] >= '0' && s[j] <= '9')
		j++;
	return j > i + 1 && len - j >= 3 && s[j] == '>' && s[j + 1] == '1' &&
	    s[j + 2] == ' ';
}

/*
 * Skips a 5424 header at *i: <PRI>1, TIMESTAMP HOSTNAME APP-NAME PROCID
 * MSGID, then "-" or SD elements, then the blank and BOM before MSG.
 */
static int
skip_5424(const char *s, size_t len, size_t *i)
{
	size_t	j = *i, k;
	int	field;

	while (s[j] != ' ')
		j++;
	for (field = 0; field < 5; field++) {
		while (j < len && s[j] == ' ')
			j++;
		if ((k = j) == len)
			return -1;
		while (j < len && s[j] != ' ')
			j++;
		if (j == k)
			return -1;
	}
	while (j < len && s[j] == ' ')
		j++;
	if (j < len && s[j] == '-')
		j++;
	else if (skip_sd(s, len, &j) == -1) {
		*i = j;
		return -1;
	}
	if (j < len && s[j] != ' ')
		return -1;
	if (j < len)
		j++;
	if (len - j >= 3 && memcmp(s + j, "\xef\xbb\xbf", 3) == 0)
		j += 3;
	*i = j;
	return 0;
}

/* Skips one or more [id param="value" ...] elements at *j. */
static int
skip_sd(const char *s, size_t len, size_t *j)
{
	size_t	k = *j;
	int	quoted = 0;

	if (k >= len || s[k] != '[')
		return -1;
	while (k < len && s[k] == '[') {
		for (k++; k < len; k++) {
			if (quoted && s[k] == '\\' && k + 1 < len)
				k++;
			else if (s[k] == '"')
				quoted = !quoted;
			else if (!quoted && s[k] == ']')
				break;
		}
		if (k == len) {
			*j = k;
			return -1;
		}
		k++;
	}
	*j = k;
	return 0;
}

/* key="value" pairs from off to the end of the line. */
static int
parse_kv(struct parse *p, size_t off)
{
	const char	*s = p->line;
	size_t		 i = off, key, klen, vlen;

	for (;;) {
		while (i < p->len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == p->len)
			return 0;
		key = i;
		while (i < p->len && is_key_char((unsigned char)s[i]))
			i++;
		klen = i - key;
		if (klen == 0 || p->len - i < 2 || s[i] != '=' ||
		    s[i + 1] != '"')
			return parse_fail(p, i, "expected key=\"value\"");
		i += 2;
		if (kv_value(s, p->len, &i, scratch, &vlen) == -1)
			return parse_fail(p, key, "unterminated value of %.*s",
			    (int)(klen > 32 ? 32 : klen), s + key);
		if (i < p->len && s[i] != ' ' && s[i] != '\t')
			return parse_fail(p, i, "expected a blank after the "
			    "value of %.*s", (int)(klen > 32 ? 32 : klen),
			    s + key);
		if (pair_set(p, s + key, klen, scratch, vlen, key) == -1)
			return -1;
	}
}

/*
 * The quoted value at *i (after the opening quote), unescaped into out;
 * *i ends after the closing quote. -1 when there is no closing quote.
 */
static int
kv_value(const char *s, size_t len, size_t *i, char *out, size_t *outlen)
{
	size_t	j = *i, n = 0;

	while (j < len) {
		if (s[j] == '\\' && j + 1 < len &&
		    (s[j + 1] == '\\' || s[j + 1] == '"')) {
			/* \" ending the line: a backslash, then the close. */
			if (s[j + 1] == '"' && only_blanks(s, len, j + 2)) {
				out[n++] = '\\';
				j++;
				continue;
			}
			out[n++] = s[j + 1];
			j += 2;
		} else if (s[j] == '"') {
			*i = j + 1;
			*outlen = n;
			return 0;
		} else
			out[n++] = s[j++];
	}
	return -1;
}

static int
only_blanks(const char *s, size_t len, size_t i)
{
	for (; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/*
 * One flat JSON object from off to the end of the line. The line cap
 * bounds what jansson allocates, and its own depth limit its recursion;
 * the tree is freed before returning.
 */
static int
parse_json(struct parse *p, size_t off)
{
	json_t		*root;
	json_error_t	 jerr;
	void		*it;
	char		*nulled;
	int		 rc = 0;

	nulled = json_big_ints(p->line + off, p->len - off);
	root = json_loadb(nulled != NULL ? nulled : p->line + off,
	    p->len - off, JSON_REJECT_DUPLICATES, &jerr);
	free(nulled);
	if (root == NULL)
		return parse_fail(p, off + (size_t)jerr.position,
		    "bad JSON: %s", jerr.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return parse_fail(p, off, "JSON value is not an object");
	}
	/* jansson keeps insertion order: fields come in line order. */
	for (it = json_object_iter(root); it != NULL && rc == 0;
	    it = json_object_iter_next(root, it))
		rc = json_pair(p, json_object_iter_key(it),
		    json_object_iter_key_len(it), json_object_iter_value(it),
		    off);
	json_decref(root);
	return rc;
}

/*
 * A copy of s[0..len) with every integer jansson cannot hold (beyond
 * 2^63 - 1 either way) blanked to null, the same length, so that error
 * offsets still hold; NULL when there is none (or no memory: jansson then
 * refuses the object). Strings are skipped; a number's whole token is
 * read, so digits after a '.' or an 'e' are no integer of their own.
 */
static char *
json_big_ints(const char *s, size_t len)
{
	char	*copy = NULL;
	size_t	 i = 0, start, digits;

	while (i < len) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
			continue;
		}
		if (s[i] != '-' && (s[i] < '0' || s[i] > '9')) {
			i++;
			continue;
		}
		start = i;
		if (s[i] == '-')
			i++;
		for (digits = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i < len && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
			while (i < len && strchr("0123456789.eE+-", s[i]) != NULL)
				i++;
			if (!real_too_big(s + start, i - start))
				continue;
		} else if (!int_too_big(s + digits, i - digits))
			continue;
		if (copy == NULL) {
			if ((copy = malloc(len)) == NULL)
				return NULL;
			memcpy(copy, s, len);
		}
		memcpy(copy + start, "null", 4);
		memset(copy + start + 4, ' ', i - start - 4);
	}
	return copy;
}

/* Whether the real s[0..len) overflows a double, as jansson finds. */
static int
real_too_big(const char *s, size_t len)
{
	char	tmp[JSON_REAL_MAX];
	double	v;

	if (len >= sizeof(tmp))
		return 0;	/* jansson refuses the object */
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	errno = 0;
	v = strtod(tmp, NULL);
	return errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
}

/* Whether the digits s[0..len) (no leading zero) exceed 2^63 - 1. */
static int
int_too_big(const char *s, size_t len)
{
	static const char	max[] = "9223372036854775807";

	return len > sizeof(max) - 1 ||
	    (len == sizeof(max) - 1 && memcmp(s, max, len) > 0);
}

static int
json_pair(struct parse *p, const char *key, size_t klen, json_t *v,
    size_t off)
{
	json_int_t	n;
	int		len, field;

	if (json_is_string(v)) {
		memcpy(scratch, json_string_value(v), json_string_length(v));
		return pair_set(p, key, klen, scratch, json_string_length(v),
		    off);
	}
	if (json_is_integer(v) && (n = json_integer_value(v)) >= 0) {
		len = snprintf(scratch, sizeof(scratch), "%lld", (long long)n);
		return pair_set(p, key, klen, scratch, (size_t)len, off);
	}
	if ((field = key_field(p, key, klen)) == FIELD_NONE)
		return 0;
	return value_bad(p, field, key, klen, off);
}

/*
 * The field named key, or FIELD_NONE (counted) for the collector's own
 * keys, unknown keys and derived fields.
 */
static int
key_field(struct parse *p, const char *key, size_t klen)
{
	int	field;

	if (is_own_key(key, klen)) {
		p->own++;
		return FIELD_NONE;
	}
	if ((field = field_dict_lookup_key(p->dict, key, klen)) == FIELD_NONE)
		p->unknown++;
	return field;
}

static int
is_own_key(const char *key, size_t klen)
{
	size_t	i;

	for (i = 0; i < sizeof(collector_own_keys) /
	    sizeof(collector_own_keys[0]); i++)
		if (strlen(collector_own_keys[i]) == klen &&
		    memcmp(collector_own_keys[i], key, klen) == 0)
			return 1;
	return 0;
}

/*
 * A value field's type refused: counted, or, for a flow's address, the
 * line refused (see the comment at the top).
 */
static int
value_bad(struct parse *p, int field, const char *key, size_t klen,
    size_t off)
{
	if (field == F_SRC || field == F_DEST)
		return parse_fail(p, off, "bad address in %.*s",
		    (int)(klen > 32 ? 32 : klen), key);
	p->bad++;
	return 0;
}

/*
 * Sets the field named key to v[0..vlen) (v is scratch, and may be
 * changed). Unknown keys and bad values are counted and skipped; -1 when
 * the line must be refused (duplicate, bad address, record full).
 */
static int
pair_set(struct parse *p, const char *key, size_t klen, char *v,
    size_t vlen, size_t off)
{
	int	field;

	if ((field = key_field(p, key, klen)) == FIELD_NONE)
		return 0;
	if (record_has(p->rec, field))
		return parse_fail(p, off, "duplicate key %.*s",
		    (int)(klen > 32 ? 32 : klen), key);
	switch (value_set(p->rec, field, v, vlen)) {
	case VALUE_OK:
		return 0;
	case VALUE_BAD:
		return value_bad(p, field, key, klen, off);
	case VALUE_FULL:
		break;
	}
	return parse_fail(p, off, "record full");
}

static enum value_rc
value_set(struct record *rec, int field, char *v, size_t len)
{
	enum field_type	type = field_dict_get(record_dict(rec), field)->type;
	int		empty = is_empty(v, len);

	switch (type) {
	case FIELD_UINT:
	case FIELD_TIME_SEC:
	case FIELD_TIME_MS:
		return empty ? VALUE_OK : set_uint(rec, field, v, len);
	case FIELD_ADDR:
		return empty ? VALUE_OK : set_addr(rec, field, v, len);
	case FIELD_HEX:
		if (empty)
			len = 0;
		else if (hex_upper(v, len) == -1)
			return VALUE_BAD;
		break;
	case FIELD_STRING:
		if (empty)
			len = 0;
		break;
	case FIELD_STRING_LIST:
	case FIELD_HEX_LIST:
		if (empty)
			return record_set_empty_list(rec, field) == -1 ?
			    VALUE_FULL : VALUE_OK;
		return set_list(rec, field, type, v, len);
	}
	return record_set_text(rec, field, v, len, ORIGIN_WIRE) == -1 ?
	    VALUE_FULL : VALUE_OK;
}

/* Plain decimal, as record.c prints a wire integer: no sign, no zeros. */
static enum value_rc
set_uint(struct record *rec, int field, const char *s, size_t len)
{
	uint64_t	v = 0;
	size_t		i;

	if (len > 1 && s[0] == '0')
		return VALUE_BAD;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return VALUE_BAD;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	return record_set_uint(rec, field, v, ORIGIN_WIRE) == -1 ?
	    VALUE_FULL : VALUE_OK;
}

/* An IPv4 or IPv6 address, stored as record.c renders its octets. */
static enum value_rc
set_addr(struct record *rec, int field, const char *s, size_t len)
{
	char		text[ADDR_TEXT_MAX];
	uint8_t		octets[16];
	size_t		n;

	if (len >= sizeof(text) || memchr(s, '\0', len) != NULL)
		return VALUE_BAD;
	memcpy(text, s, len);
	text[len] = '\0';
	if (inet_pton(AF_INET, text, octets) == 1)
		n = 4;
	else if (inet_pton(AF_INET6, text, octets) == 1)
		n = 16;
	else
		return VALUE_BAD;
	return record_set_wire(rec, field, octets, n) == -1 ?
	    VALUE_FULL : VALUE_OK;
}

/* Items separated by LIST_SEP; hex items checked (all before any is set). */
static enum value_rc
set_list(struct record *rec, int field, enum field_type type, char *v,
    size_t len)
{
	size_t	i, start;

	for (i = start = 0; type == FIELD_HEX_LIST && i <= len; i++)
		if (i == len || v[i] == LIST_SEP) {
			if (hex_upper(v + start, i - start) == -1)
				return VALUE_BAD;
			start = i + 1;
		}
	if (record_set_empty_list(rec, field) == -1)
		return VALUE_FULL;
	for (i = start = 0; i <= len; i++)
		if (i == len || v[i] == LIST_SEP) {
			if (record_append_text(rec, field, v + start,
			    i - start, ORIGIN_WIRE) == -1)
				return VALUE_FULL;
			start = i + 1;
		}
	return VALUE_OK;
}

/* Upper-cases hex digits in place; -1 unless whole octets of hex. */
static int
hex_upper(char *s, size_t len)
{
	size_t	i;

	if (len % 2 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'a' && s[i] <= 'f')
			s[i] = (char)(s[i] - 'a' + 'A');
		else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return -1;
	}
	return 0;
}

/* "" or the collector's '' */
static int
is_empty(const char *s, size_t len)
{
	return len == 0 || (len == 2 && s[0] == '\'' && s[1] == '\'');
}

int
collector_format(const struct record *rec, enum collector_format fmt,
    struct buf *b)
{
	const int	*fields;
	int		 i, n, first = 1;

	if (format_check(rec, fmt) == -1)
		return -1;
	fields = record_fields(rec, &n);
	if (fmt == COLLECTOR_JSON)
		buf_puts(b, "{ ");
	for (i = 0; i < n; i++) {
		if (record_origin(rec, fields[i]) != ORIGIN_WIRE)
			continue;
		if (!first)
			buf_puts(b, fmt == COLLECTOR_JSON ? ", " : " ");
		first = 0;
		if (fmt == COLLECTOR_JSON)
			format_json(rec, fields[i], b);
		else
			format_kv(rec, fields[i], b);
	}
	if (fmt == COLLECTOR_JSON)
		buf_puts(b, first ? "}" : " }");
	return 0;
}

/* -1 when a wire value of rec would not read back (see collector.h). */
static int
format_check(const struct record *rec, enum collector_format fmt)
{
	const struct field_dict	*dict = record_dict(rec);
	const struct rec_str	*v;
	const int		*fields;
	uint32_t		 n;
	int			 i, nf, list;

	fields = record_fields(rec, &nf);
	for (i = 0; i < nf; i++) {
		if (record_origin(rec, fields[i]) != ORIGIN_WIRE)
			continue;
		list = field_dict_get(dict, fields[i])->type ==
		    FIELD_STRING_LIST ||
		    field_dict_get(dict, fields[i])->type == FIELD_HEX_LIST;
		v = record_get(rec, fields[i], &n);
		if (!value_writable(v, n, list, fmt))
			return -1;
	}
	return 0;
}

static int
value_writable(const struct rec_str *v, uint32_t n, int list,
    enum collector_format fmt)
{
	uint32_t	i;

	if (n == 1 && (is_empty(v[0].ptr, v[0].len) && v[0].len != 0))
		return 0;		/* '' reads as empty */
	if (list && n == 1 && v[0].len == 0)
		return 0;		/* reads as the empty list */
	for (i = 0; i < n; i++) {
		if (list && memchr(v[i].ptr, LIST_SEP, v[i].len) != NULL)
			return 0;
		if (memchr(v[i].ptr, '\0', v[i].len) != NULL)
			return 0;	/* jansson refuses \u0000 */
		if (fmt == COLLECTOR_KV && (memchr(v[i].ptr, '\n',
		    v[i].len) != NULL || memchr(v[i].ptr, '\r',
		    v[i].len) != NULL))
			return 0;
	}
	return 1;
}

/*
 * The key a field is written under: its collector key, else its name
 * (what field_dict_lookup_key() reads back for udid, aliul and fields
 * added by the field map).
 */
static const char *
format_name(const struct field_def *f)
{
	return f->key != NULL ? f->key : f->name;
}

/* key="value", lists joined by LIST_SEP, empty as the collector's ''. */
static void
format_kv(const struct record *rec, int field, struct buf *b)
{
	const struct rec_str	*v;
	uint32_t		 i, n;

	buf_puts(b, format_name(field_dict_get(record_dict(rec), field)));
	buf_puts(b, "=\"");
	v = record_get(rec, field, &n);
	if (n == 0 || (n == 1 && v[0].len == 0))
		buf_puts(b, "''");
	else
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(b, LIST_SEP);
			kv_escape(b, v[i].ptr, v[i].len);
		}
	buf_putc(b, '"');
}

/* "key": "value", lists joined by LIST_SEP, empty as "". */
static void
format_json(const struct record *rec, int field, struct buf *b)
{
	const struct rec_str	*v;
	const char		*name;
	struct buf		 tmp = { 0 };
	uint32_t		 i, n;

	name = format_name(field_dict_get(record_dict(rec), field));
	buf_json_string(b, name, strlen(name));
	buf_puts(b, ": ");
	v = record_get(rec, field, &n);
	if (n == 1) {
		buf_json_string(b, v[0].ptr, v[0].len);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(&tmp, LIST_SEP);
		buf_append(&tmp, v[i].ptr, v[i].len);
	}
	buf_json_string(b, tmp.data != NULL ? tmp.data : "", tmp.len);
	buf_free(&tmp);
}

/*
 * Escapes only what kv_value() would otherwise misread: a quote, and a
 * backslash before a quote, a backslash or the closing quote. Windows
 * paths come out as the collector writes them.
 */
static void
kv_escape(struct buf *b, const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"' || (s[i] == '\\' && (i + 1 == len ||
		    s[i + 1] == '"' || s[i + 1] == '\\')))
			buf_putc(b, '\\');
		buf_putc(b, s[i]);
	}
}
