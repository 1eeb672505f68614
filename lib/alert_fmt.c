/*
 * alert_fmt.c - alert payloads (json, cef, leef, kv) and syslog framing
 * (RFC 5424, RFC 3164); see alert_fmt.h.
 *
 * cef, leef, kv and the 5424 structured data are all lists of key=value
 * pairs that differ in separator, quoting and escaping: one pair writer
 * (struct pairs) serves them, with an escaping mode per format.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert_fmt.h"
#include "buf.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"

#ifndef NVMWATCH_VERSION		/* from CMakeLists.txt project() */
#define NVMWATCH_VERSION	"0.0.0"
#endif

#define TIME_MAX_ABS	1e15		/* as row_cmd.c: beyond, no time */
#define SD_NAME_MAX	32
#define MSGID_MAX	32
#define HOSTNAME_MAX	255
#define FFFD		"\xef\xbf\xbd"

/* How text is escaped: one mode per place a value goes. */
enum esc {
	ESC_KV,		/* "\ as \" \\; controls, bad bytes as \n \t \xHH */
	ESC_LEEF,	/* \ as \\; controls, bad bytes as \n \t \xHH */
	ESC_CEF_HDR,	/* \ | escaped; controls, bad bytes U+FFFD */
	ESC_CEF_EXT,	/* \ = escaped, LF CR as \n \r; others U+FFFD */
	ESC_SD,		/* " \ ] escaped; controls, bad bytes U+FFFD */
	ESC_LEEF_HDR	/* | and controls as _; bad bytes U+FFFD */
};

/* A list of key=value pairs being written. */
struct pairs {
	struct buf	*b;
	enum esc	 esc;
	char		 sep;		/* between pairs */
	int		 quote;		/* values in double quotes */
	size_t		 n;		/* pairs written */
	size_t		*ends;		/* SD: b->len after each pair */
	size_t		 nends, capends;
	struct buf	 key;		/* scratch for mapped names */
};

/* A standard key of cef or leef that a row field can fill. */
enum std_kind { STD_IP, STD_PORT, STD_INT, STD_TEXT };
struct std_key {
	const char	*field;
	const char	*cef;		/* NULL: none */
	const char	*leef;
	enum std_kind	 kind;
};

static const struct std_key std_keys[] = {
	{ "src", "src", "src", STD_IP },
	{ "dest", "dst", "dst", STD_IP },
	{ "dest", "dhost", NULL, STD_TEXT },
	{ "dest_hostname", "dhost", NULL, STD_TEXT },
	{ "dest_port", "dpt", "dstPort", STD_PORT },
	{ "src_port", "spt", "srcPort", STD_PORT },
	{ "transport", "proto", "proto", STD_TEXT },
	{ "user", "suser", "usrName", STD_TEXT },
	{ "process_name", "sproc", NULL, STD_TEXT },
	{ "process_id", "spid", NULL, STD_INT },
	{ "count", "cnt", NULL, STD_INT },
};
#define NSTD	(sizeof(std_keys) / sizeof(std_keys[0]))

/* Keys a row field must not take in kv and the structured data. */
static const char *const kv_keys[] = { "alert_time", "rule", "rule_id",
    "rule_version", "rule_file", "mitre_attack_id", "window_start",
    "window_end", "emit", "late", "partial", "truncated", NULL };
/* In leef: ours and LEEF's predefined attributes (compared ignoring case). */
static const char *const leef_keys[] = { "devTime", "devTimeFormat", "sev",
    "rule", "rule_id", "rule_version", "rule_file", "mitre_attack_id",
    "window_start", "window_end", "flags", "cat", "src", "dst", "srcPort",
    "dstPort", "proto", "usrName", "srcPreNAT", "dstPreNAT", "srcPostNAT",
    "dstPostNAT", "srcPreNATPort", "dstPreNATPort", "srcPostNATPort",
    "dstPostNATPort", "srcMAC", "dstMAC", "identSrc", "identHostName",
    "identNetBios", "identGrpName", "identMAC", "identSecondlp", "vSrc",
    "vSrcName", "accountName", "srcBytes", "dstBytes", "srcPackets",
    "dstPackets", "totalPackets", "role", "realm", "policy", "resource",
    "url", "groupID", "domain", "isLoginEvent", "isLogoutEvent",
    "calLanguage", "calCountryOrRegion", "AttributeLimits", NULL };

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int	esc_special(enum esc, unsigned);
static void	esc_byte(struct buf *, enum esc, unsigned);
static void	put_esc(struct buf *, const char *, size_t, enum esc);
static void	put_esc_str(struct buf *, const char *, enum esc);
static int	split_time(double, int, struct tm *, long *);
static int	time_iso(char *, size_t, double, int);
static int	time_ms(double, long long *);
static void	map_name(struct buf *, const char *, int);
static int	in_list(const char *const *, const char *, size_t, int);
static int	std_fits(enum std_kind, const struct rec_str *);
static const char *std_key_for(const struct row_field *, int, unsigned *);
static void	flags_text(char *, size_t, unsigned);
static void	pairs_init(struct pairs *, struct buf *, enum esc, char, int);
static void	pairs_free(struct pairs *);
static void	pair_key(struct pairs *, const char *, size_t);
static void	pair_end(struct pairs *);
static void	pair_str(struct pairs *, const char *, const char *);
static void	pair_values(struct pairs *, const struct row_field *);
static void	pair_mitre(struct pairs *, const char *, const struct rule *);
static void	pair_field(struct pairs *, const struct row_field *,
		    const char *const *, int, int);
static void	meta_pairs(struct pairs *, const struct rule *,
		    const struct row *, double);
static void	fmt_json(const struct rule *, const struct row *, double,
		    struct buf *);
static void	fmt_cef(const struct rule *, const struct row *, double,
		    struct buf *);
static void	fmt_leef(const struct rule *, const struct row *, double,
		    struct buf *);
static void	fmt_kv(const struct rule *, const struct row *, double,
		    struct buf *);
static int	pri(int, int);
static void	put_header_name(struct buf *, const char *, size_t);
static void	put_truncated(struct buf *, const struct buf *, size_t);

int
alert_format_parse(const char *name, enum alert_format *fmt)
{
	static const enum alert_format all[] = { ALERT_JSON, ALERT_CEF,
	    ALERT_LEEF, ALERT_KV };
	size_t	i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, alert_format_name(all[i])) == 0) {
			*fmt = all[i];
			return 0;
		}
	return -1;
}

const char *
alert_format_name(enum alert_format fmt)
{
	switch (fmt) {
	case ALERT_CEF:
		return "cef";
	case ALERT_LEEF:
		return "leef";
	case ALERT_KV:
		return "kv";
	case ALERT_JSON:
	default:
		return "json";
	}
}

/* 1 when the printable ASCII byte c needs escaping in mode e. */
static int
esc_special(enum esc e, unsigned c)
{
	static const char *const special[] = {
		[ESC_KV] = "\"\\", [ESC_LEEF] = "\\", [ESC_CEF_HDR] = "\\|",
		[ESC_CEF_EXT] = "\\=", [ESC_SD] = "\"\\]", [ESC_LEEF_HDR] = "|"
	};

	return strchr(special[e], (int)c) != NULL;
}

/*
 * Writes byte c, which is a control, DEL, a byte that is no UTF-8, or
 * special in mode e.
 */
static void
esc_byte(struct buf *b, enum esc e, unsigned c)
{
	static const char	hex[] = "0123456789abcdef";
	char			x[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	if (c >= 0x20 && c < 0x7f) {
		if (e == ESC_LEEF_HDR) {
			buf_putc(b, '_');
			return;
		}
		buf_putc(b, '\\');
		buf_putc(b, (char)c);
		return;
	}
	switch (e) {
	case ESC_KV:
	case ESC_LEEF:
		if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (c == '\t')
			buf_puts(b, "\\t");
		else
			buf_append(b, x, 4);
		return;
	case ESC_CEF_EXT:
		if (c == '\n' || c == '\r') {
			buf_puts(b, c == '\n' ? "\\n" : "\\r");
			return;
		}
		break;
	case ESC_LEEF_HDR:
		if (c < 0x80) {
			buf_putc(b, '_');
			return;
		}
		break;
	default:
		break;
	}
	buf_puts(b, FFFD);
}

/* s[0..len) escaped for mode e: runs of plain bytes are copied at once. */
static void
put_esc(struct buf *b, const char *s, size_t len, enum esc e)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, start, n;

	while (i < len) {
		start = i;
		while (i < len && p[i] >= 0x20 && p[i] < 0x7f &&
		    !esc_special(e, p[i]))
			i++;
		while (i < len && p[i] >= 0x80 &&
		    (n = utf8_valid_len(p + i, len - i)) > 0)
			i += n;
		if (i > start) {
			buf_append(b, p + start, i - start);
			continue;
		}
		esc_byte(b, e, p[i]);
		i++;
	}
}

static void
put_esc_str(struct buf *b, const char *s, enum esc e)
{
	put_esc(b, s, strlen(s), e);
}

/*
 * t as a calendar time in UTC, with milliseconds rounded when millis
 * (rounding first, so 59.9996 s is the next minute), else the second t
 * lies in. -1 for a time no calendar holds. As row_cmd.c's json_time().
 */
static int
split_time(double t, int millis, struct tm *tm, long *ms)
{
	long long	v;
	time_t		sec;

	if (!isfinite(t) || t > TIME_MAX_ABS || t < -TIME_MAX_ABS)
		return -1;
	*ms = 0;
	if (millis) {
		v = (long long)(t * 1000 + (t < 0 ? -0.5 : 0.5));
		sec = (time_t)(v / 1000);
		if ((*ms = (long)(v % 1000)) < 0) {
			*ms += 1000;
			sec--;
		}
	} else {
		sec = (time_t)t;
		if ((double)sec > t)
			sec--;
	}
	return gmtime_r(&sec, tm) == NULL ? -1 : 0;
}

/* "YYYY-MM-DDTHH:MM:SS[.mmm]Z" (alert_json()'s form); -1 when none. */
static int
time_iso(char *out, size_t size, double t, int millis)
{
	struct tm	tm;
	long		ms;
	int		n;

	if (split_time(t, millis, &tm, &ms) == -1)
		return -1;
	n = snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (n < 0 || (size_t)n >= size)
		return -1;
	if (millis)
		snprintf(out + n, size - (size_t)n, ".%03ldZ", ms);
	else
		snprintf(out + n, size - (size_t)n, "Z");
	return 0;
}

/* t in whole milliseconds since the epoch; -1 when out of range. */
static int
time_ms(double t, long long *ms)
{
	if (!isfinite(t) || t > TIME_MAX_ABS || t < -TIME_MAX_ABS)
		return -1;
	*ms = (long long)(t * 1000 + (t < 0 ? -0.5 : 0.5));
	return 0;
}

/*
 * name as a key into b (reset first): for sd, printable ASCII but '=',
 * ']' and '"', else [A-Za-z0-9_]; each other character (a UTF-8
 * sequence or a byte that is none) becomes one '_'.
 */
static void
map_name(struct buf *b, const char *name, int sd)
{
	const unsigned char	*p = (const unsigned char *)name;
	size_t			 len = strlen(name), i = 0, n;
	unsigned		 c;

	buf_reset(b);
	while (i < len) {
		c = p[i];
		if (sd ? (c > 0x20 && c < 0x7f && c != '=' && c != ']' &&
		    c != '"') : (c < 0x80 && (isalnum(c) || c == '_')))
			buf_putc(b, (char)c);
		else
			buf_putc(b, '_');
		n = c >= 0x80 ? utf8_valid_len(p + i, len - i) : 1;
		i += n > 0 ? n : 1;
	}
	buf_putc(b, '\0');	/* so an empty name has data */
	b->len--;
}

static int
in_list(const char *const *list, const char *s, size_t len, int nocase)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == len && (nocase ?
		    strncasecmp(*list, s, len) : strncmp(*list, s, len)) == 0)
			return 1;
	return 0;
}

/* 1 when value v suits a standard key of this kind. */
static int
std_fits(enum std_kind kind, const struct rec_str *v)
{
	unsigned char	a[16];
	char		text[64];
	size_t		i;
	unsigned long	port = 0;

	if (v->len == 0)
		return 0;
	if (kind == STD_TEXT)
		return 1;
	if (kind == STD_IP) {
		if (v->len >= sizeof(text))
			return 0;
		memcpy(text, v->ptr, v->len);
		text[v->len] = '\0';
		return inet_pton(AF_INET, text, a) == 1 ||
		    inet_pton(AF_INET6, text, a) == 1;
	}
	if (v->len > (kind == STD_PORT ? 5 : 18))
		return 0;
	for (i = 0; i < v->len; i++) {
		if (!isdigit((unsigned char)v->ptr[i]))
			return 0;
		port = port * 10 + (unsigned)(v->ptr[i] - '0');
	}
	return kind != STD_PORT || port <= 65535;
}

/*
 * The standard key (cef, or leef when leef) field f fills, or NULL; used
 * holds the keys taken (a bit per std_keys entry) and gets this one.
 */
static const char *
std_key_for(const struct row_field *f, int leef, unsigned *used)
{
	const char	*key, *k;
	size_t		 i, j;

	if (f->nvals != 1)
		return NULL;
	for (i = 0; i < NSTD; i++) {
		key = leef ? std_keys[i].leef : std_keys[i].cef;
		if (key == NULL || (*used & (1u << i)) ||
		    strcmp(std_keys[i].field, f->name) != 0 ||
		    !std_fits(std_keys[i].kind, &f->vals[0]))
			continue;
		for (j = 0; j < NSTD; j++) {
			k = leef ? std_keys[j].leef : std_keys[j].cef;
			if (k != NULL && strcmp(k, key) == 0)
				*used |= 1u << j;
		}
		return key;
	}
	return NULL;
}

/* "late,partial,truncated,first": the row flags set, or "". */
static void
flags_text(char *out, size_t size, unsigned flags)
{
	static const struct {
		unsigned	 flag;
		const char	*name;
	} names[] = { { ROW_LATE, "late" }, { ROW_PARTIAL, "partial" },
	    { ROW_TRUNCATED, "truncated" }, { ROW_FIRST, "first" } };
	size_t	i, n = 0;

	out[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].flag)
			n += (size_t)snprintf(out + n, size - n, "%s%s",
			    n ? "," : "", names[i].name);
}

static void
pairs_init(struct pairs *p, struct buf *b, enum esc e, char sep, int quote)
{
	memset(p, 0, sizeof(*p));
	p->b = b;
	p->esc = e;
	p->sep = sep;
	p->quote = quote;
}

static void
pairs_free(struct pairs *p)
{
	free(p->ends);
	buf_free(&p->key);
}

/* The separator, key, '=' and the opening quote of a pair. */
static void
pair_key(struct pairs *p, const char *key, size_t len)
{
	if (p->n++ > 0)
		buf_putc(p->b, p->sep);
	buf_append(p->b, key, len);
	buf_puts(p->b, p->quote ? "=\"" : "=");
}

/* The closing quote; for sd, where the pair ends. */
static void
pair_end(struct pairs *p)
{
	size_t	*e;

	if (p->quote)
		buf_putc(p->b, '"');
	if (p->esc != ESC_SD)
		return;
	if (p->nends == p->capends) {
		p->capends = p->capends ? p->capends * 2 : 32;
		if ((e = realloc(p->ends, p->capends * sizeof(*e))) == NULL) {
			p->b->failed = 1;
			p->nends = p->capends = 0;
			return;
		}
		p->ends = e;
	}
	p->ends[p->nends++] = p->b->len;
}

/* key=value for a string; nothing when v is NULL. */
static void
pair_str(struct pairs *p, const char *key, const char *v)
{
	if (v == NULL)
		return;
	pair_key(p, key, strlen(key));
	put_esc_str(p->b, v, p->esc);
	pair_end(p);
}

/* f's values joined with ','. */
static void
pair_values(struct pairs *p, const struct row_field *f)
{
	uint32_t	i;

	for (i = 0; i < f->nvals; i++) {
		if (i > 0)
			buf_putc(p->b, ',');
		put_esc(p->b, f->vals[i].ptr, f->vals[i].len, p->esc);
	}
}

/* key=the rule's MITRE ids joined with ','; nothing when it has none. */
static void
pair_mitre(struct pairs *p, const char *key, const struct rule *rule)
{
	size_t	i;

	if (rule->nmitre == 0)
		return;
	pair_key(p, key, strlen(key));
	for (i = 0; i < rule->nmitre; i++) {
		if (i > 0)
			buf_putc(p->b, ',');
		if (rule->mitre[i] != NULL)
			put_esc_str(p->b, rule->mitre[i], p->esc);
	}
	pair_end(p);
}

/*
 * A row field under its mapped name: prefixed "nvmwatch_" always, or
 * when the name is empty or in reserved. sd names are cut at 32 bytes.
 * Null fields are left out.
 */
static void
pair_field(struct pairs *p, const struct row_field *f,
    const char *const *reserved, int nocase, int always)
{
	static const char	 prefix[] = "nvmwatch_";
	int			 sd = p->esc == ESC_SD;
	size_t			 len;
	int			 pre;

	if (f->nvals == 0)
		return;
	map_name(&p->key, f->name, sd);
	pre = always || p->key.len == 0 || (reserved != NULL &&
	    in_list(reserved, p->key.data, p->key.len, nocase));
	if (pre) {
		len = p->key.len;
		buf_append(&p->key, prefix, sizeof(prefix) - 1);
		if (!p->key.failed) {
			memmove(p->key.data + sizeof(prefix) - 1, p->key.data,
			    len);
			memcpy(p->key.data, prefix, sizeof(prefix) - 1);
		}
	}
	if (p->key.failed) {
		p->b->failed = 1;
		return;
	}
	len = p->key.len;
	if (sd && len > SD_NAME_MAX)
		len = SD_NAME_MAX;
	pair_key(p, p->key.data, len);
	pair_values(p, f);
	pair_end(p);
}

/*
 * kv's and the structured data's keys about the alert: alert_time (when
 * now is not NAN), rule, rule_id, ... truncated.
 */
static void
meta_pairs(struct pairs *p, const struct rule *rule, const struct row *r,
    double now)
{
	char	t[64];

	if (!isnan(now) && time_iso(t, sizeof(t), now, 1) == 0)
		pair_str(p, "alert_time", t);
	pair_str(p, "rule", rule->name);
	pair_str(p, "rule_id", rule->id);
	if (rule->version >= 0) {
		snprintf(t, sizeof(t), "%ld", rule->version);
		pair_str(p, "rule_version", t);
	}
	pair_str(p, "rule_file", rule->short_name);
	pair_mitre(p, "mitre_attack_id", rule);
	if (time_iso(t, sizeof(t), r->window_start, 0) == 0)
		pair_str(p, "window_start", t);
	if (time_iso(t, sizeof(t), r->window_end, 0) == 0)
		pair_str(p, "window_end", t);
	pair_str(p, "emit", (r->flags & ROW_FIRST) ? "first" : "close");
	pair_str(p, "late", (r->flags & ROW_LATE) ? "true" : "false");
	pair_str(p, "partial", (r->flags & ROW_PARTIAL) ? "true" : "false");
	pair_str(p, "truncated", (r->flags & ROW_TRUNCATED) ?
	    "true" : "false");
}

void
alert_format(const struct rule *rule, const struct row *r, double now,
    enum alert_format fmt, struct buf *b)
{
	switch (fmt) {
	case ALERT_CEF:
		fmt_cef(rule, r, now, b);
		break;
	case ALERT_LEEF:
		fmt_leef(rule, r, now, b);
		break;
	case ALERT_KV:
		fmt_kv(rule, r, now, b);
		break;
	case ALERT_JSON:
	default:
		fmt_json(rule, r, now, b);
		break;
	}
}

/* alert_json() with "schema_version" moved in after its '{'. */
static void
fmt_json(const struct rule *rule, const struct row *r, double now,
    struct buf *b)
{
	char	ins[32];
	size_t	start = b->len, n, rest;

	n = (size_t)snprintf(ins, sizeof(ins), "\"schema_version\":%d,",
	    ALERT_SCHEMA_VERSION);
	alert_json(rule, r, now, b);
	if (b->failed || b->len == start)
		return;
	rest = b->len - start - 1;
	buf_append(b, ins, n);
	if (b->failed)
		return;
	memmove(b->data + start + 1 + n, b->data + start + 1, rest);
	memcpy(b->data + start + 1, ins, n);
}

static void
fmt_cef(const struct rule *rule, const struct row *r, double now,
    struct buf *b)
{
	struct pairs	p;
	long long	ms;
	char		t[64];
	const char	*key;
	unsigned	used = 0;
	size_t		i;

	buf_puts(b, "CEF:0|Cisco|nvmwatch|" NVMWATCH_VERSION "|");
	put_esc_str(b, rule->short_name ? rule->short_name : "-", ESC_CEF_HDR);
	buf_putc(b, '|');
	put_esc_str(b, rule->name ? rule->name : "-", ESC_CEF_HDR);
	buf_printf(b, "|%d|", ALERT_CEF_SEVERITY);
	pairs_init(&p, b, ESC_CEF_EXT, ' ', 0);
	if (time_ms(now, &ms) == 0) {
		snprintf(t, sizeof(t), "%lld", ms);
		pair_str(&p, "rt", t);
	}
	if (time_ms(r->window_start, &ms) == 0) {
		snprintf(t, sizeof(t), "%lld", ms);
		pair_str(&p, "start", t);
	}
	if (time_ms(r->window_end, &ms) == 0) {
		snprintf(t, sizeof(t), "%lld", ms);
		pair_str(&p, "end", t);
	}
	if (rule->id != NULL) {
		pair_str(&p, "cs1Label", "rule_id");
		pair_str(&p, "cs1", rule->id);
	}
	if (rule->version >= 0) {
		snprintf(t, sizeof(t), "%ld", rule->version);
		pair_str(&p, "cn1Label", "rule_version");
		pair_str(&p, "cn1", t);
	}
	if (rule->nmitre > 0) {
		pair_str(&p, "cs2Label", "mitre_attack_id");
		pair_mitre(&p, "cs2", rule);
	}
	flags_text(t, sizeof(t), r->flags);
	if (t[0] != '\0') {
		pair_str(&p, "cs3Label", "flags");
		pair_str(&p, "cs3", t);
	}
	for (i = 0; i < r->n; i++) {
		if ((key = std_key_for(&r->f[i], 0, &used)) != NULL) {
			pair_key(&p, key, strlen(key));
			pair_values(&p, &r->f[i]);
			pair_end(&p);
		} else
			pair_field(&p, &r->f[i], NULL, 0, 1);
	}
	pairs_free(&p);
}

static void
fmt_leef(const struct rule *rule, const struct row *r, double now,
    struct buf *b)
{
	struct pairs	p;
	struct tm	tm;
	long		ms;
	char		t[64];
	const char	*key;
	unsigned	used = 0;
	size_t		i;

	buf_puts(b, "LEEF:2.0|Cisco|nvmwatch|" NVMWATCH_VERSION "|");
	put_esc_str(b, rule->short_name ? rule->short_name : "-",
	    ESC_LEEF_HDR);
	buf_puts(b, "|x09|");
	pairs_init(&p, b, ESC_LEEF, '\t', 0);
	if (split_time(now, 1, &tm, &ms) == 0) {
		pair_str(&p, "devTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
		snprintf(t, sizeof(t), "%04d-%02d-%02dT%02d:%02d:%02d.%03ld"
		    "+0000", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
		pair_str(&p, "devTime", t);
	}
	snprintf(t, sizeof(t), "%d", ALERT_CEF_SEVERITY);
	pair_str(&p, "sev", t);
	pair_str(&p, "rule", rule->name);
	pair_str(&p, "rule_id", rule->id);
	if (rule->version >= 0) {
		snprintf(t, sizeof(t), "%ld", rule->version);
		pair_str(&p, "rule_version", t);
	}
	pair_str(&p, "rule_file", rule->short_name);
	pair_mitre(&p, "mitre_attack_id", rule);
	if (time_iso(t, sizeof(t), r->window_start, 0) == 0)
		pair_str(&p, "window_start", t);
	if (time_iso(t, sizeof(t), r->window_end, 0) == 0)
		pair_str(&p, "window_end", t);
	flags_text(t, sizeof(t), r->flags);
	if (t[0] != '\0')
		pair_str(&p, "flags", t);
	for (i = 0; i < r->n; i++) {
		if ((key = std_key_for(&r->f[i], 1, &used)) != NULL) {
			pair_key(&p, key, strlen(key));
			pair_values(&p, &r->f[i]);
			pair_end(&p);
		} else
			pair_field(&p, &r->f[i], leef_keys, 1, 0);
	}
	pairs_free(&p);
}

static void
fmt_kv(const struct rule *rule, const struct row *r, double now,
    struct buf *b)
{
	struct pairs	p;
	size_t		i;

	pairs_init(&p, b, ESC_KV, ' ', 1);
	meta_pairs(&p, rule, r, now);
	for (i = 0; i < r->n; i++)
		pair_field(&p, &r->f[i], kv_keys, 0, 0);
	pairs_free(&p);
}

static int
pri(int facility, int severity)
{
	if (facility < 0)
		facility = 0;
	if (facility > 23)
		facility = 23;
	if (severity < 0)
		severity = 0;
	if (severity > 7)
		severity = 7;
	return facility * 8 + severity;
}

/* s as a header field: printable US-ASCII, others '_', at most max
 * bytes; "-" when empty or NULL. */
static void
put_header_name(struct buf *b, const char *s, size_t max)
{
	size_t	i;

	if (s == NULL || *s == '\0') {
		buf_putc(b, '-');
		return;
	}
	for (i = 0; s[i] != '\0' && i < max; i++)
		buf_putc(b, s[i] > 0x20 && s[i] < 0x7f ? s[i] : '_');
}

/*
 * msg cut to at most room bytes at a character boundary, then the marker
 * (room leaves space for it).
 */
static void
put_truncated(struct buf *b, const struct buf *msg, size_t room)
{
	size_t	n = room;

	if (n > msg->len)
		n = msg->len;
	while (n > 0 && n < msg->len &&
	    ((unsigned char)msg->data[n] & 0xc0) == 0x80)
		n--;
	buf_append(b, msg->data, n);
	buf_puts(b, ALERT_TRUNC_MARKER);
}

void
alert_syslog_5424(const struct rule *rule, const struct row *r, double now,
    enum alert_format payload_fmt, const char *hostname, int facility,
    int severity, uint32_t enterprise, size_t max_bytes, struct buf *b)
{
	struct buf	sd = { 0 }, msg = { 0 };
	struct pairs	p;
	char		t[64], id[32];
	size_t		start = b->len, hlen, sdlen, k, mlen, i;

	if (max_bytes < ALERT_SYSLOG_MIN)
		max_bytes = ALERT_SYSLOG_MIN;
	buf_printf(b, "<%d>1 %s ", pri(facility, severity),
	    time_iso(t, sizeof(t), now, 1) == 0 && t[0] != '-' && t[4] == '-' ?
	    t : "-");
	put_header_name(b, hostname, HOSTNAME_MAX);
	buf_puts(b, " nvmwatch - ");
	put_header_name(b, rule->short_name, MSGID_MAX);
	buf_putc(b, ' ');
	hlen = b->len - start;

	/* "[nvmwatch@EN" then " k=\"v\"" each; ends[i] after pair i. */
	snprintf(id, sizeof(id), "[nvmwatch@%lu", (unsigned long)enterprise);
	buf_puts(&sd, id);
	pairs_init(&p, &sd, ESC_SD, ' ', 1);
	p.n = 1;		/* a space before the first pair too */
	meta_pairs(&p, rule, r, NAN);
	for (i = 0; i < r->n; i++)
		pair_field(&p, &r->f[i], kv_keys, 0, 0);
	buf_putc(&sd, ']');
	alert_format(rule, r, now, payload_fmt, &msg);
	if (sd.failed || msg.failed || p.key.failed || b->failed) {
		b->failed = 1;
		goto done;
	}
	mlen = strlen(ALERT_TRUNC_MARKER);

	sdlen = sd.len;
	k = p.nends;
	while (hlen + sdlen + 1 + msg.len > max_bytes &&
	    hlen + sdlen + 1 + mlen > max_bytes && sdlen > 1) {
		/* Drop the last pair, then the SD-ID too ("-"). */
		if (k > 0)
			sdlen = (--k > 0 ? p.ends[k - 1] : strlen(id)) + 1;
		else
			sdlen = 1;
	}
	if (sdlen == 1)
		buf_putc(b, '-');
	else {
		buf_append(b, sd.data, sdlen - 1);
		buf_putc(b, ']');
	}
	buf_putc(b, ' ');
	if (hlen + sdlen + 1 + msg.len <= max_bytes)
		buf_append(b, msg.data, msg.len);
	else
		put_truncated(b, &msg, max_bytes - hlen - sdlen - 1 - mlen);
done:
	pairs_free(&p);
	buf_free(&sd);
	buf_free(&msg);
}

void
alert_syslog_3164(const struct rule *rule, const struct row *r, double now,
    enum alert_format payload_fmt, const char *hostname, int facility,
    int severity, size_t max_bytes, struct buf *b)
{
	struct buf	msg = { 0 };
	struct tm	tm;
	long		ms;
	size_t		start = b->len, hlen, mlen;

	if (max_bytes < ALERT_SYSLOG_MIN)
		max_bytes = ALERT_SYSLOG_MIN;
	if (split_time(now, 0, &tm, &ms) == -1) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
	}
	buf_printf(b, "<%d>%s %2d %02d:%02d:%02d ", pri(facility, severity),
	    months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	put_header_name(b, hostname, HOSTNAME_MAX);
	buf_puts(b, " nvmwatch: ");
	hlen = b->len - start;
	alert_format(rule, r, now, payload_fmt, &msg);
	if (msg.failed)
		b->failed = 1;
	mlen = strlen(ALERT_TRUNC_MARKER);
	if (hlen + msg.len <= max_bytes)
		buf_append(b, msg.data, msg.len);
	else
		put_truncated(b, &msg, max_bytes - hlen - mlen);
	buf_free(&msg);
}
