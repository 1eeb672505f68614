/*
 * row_cmd.c - the commands after stats, run on result rows, and the alert
 * rendering; see row_cmd.h.
 *
 * The commands rewrite the row in place. A field's values live in the
 * row's arena, which nothing frees before row_reset(), so a command may
 * keep pointers to old values while it empties and refills a field: that
 * is how convert reads f while writing f. Field names are arena strings
 * too; rename just points a field at a new one.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "num.h"
#include "row.h"
#include "row_cmd.h"
#include "rule.h"
#include "spl.h"

#define ROW_TZDIR	"/usr/share/zoneinfo"
/* Epoch seconds beyond this are not times (and would overflow time_t
 * arithmetic and the millisecond count): such values are left alone. */
#define ROW_TIME_MAX	1e15
/* The longest text convert writes for one value; a format that expands
 * past it (glibc accepts widths such as "%_100000Y") leaves the value as
 * it was. */
#define ROW_CTIME_MAX	65536

/* Text a '*' of a pattern matched. */
struct span {
	const char	*ptr;
	size_t		 len;
};

/* TZ as it was before a named zone replaced it. */
struct tz_saved {
	int	 active;		/* TZ was changed */
	int	 was_set;
	char	*old;			/* malloc'd copy of the old TZ */
};

static int	 tz_offset(const char *, long *);
static int	 tz_name_ok(const char *);
static int	 tz_is_zoneinfo(const char *);
static int	 tz_enter(const struct row_tz *, struct tz_saved *);
static void	 tz_leave(struct tz_saved *);
static int	 epoch_seconds(const char *, size_t, time_t *);
static size_t	 ctime_format(char *, size_t, const char *,
		    const struct tm *);
static int	 ctime_value(struct row *, struct row_field *,
		    const struct rec_str *, const char *,
		    const struct row_tz *);
static int	 cmd_convert(struct row *, const struct spl_cmd *,
		    const struct row_tz *);
static size_t	 pattern_stars(const char *);
static int	 glob_match(const char *, const char *, struct span *,
		    size_t);
static int	 matches_any(const struct spl_cmd *, const char *);
static void	 cmd_table(struct row *, const struct spl_cmd *);
static void	 cmd_fields(struct row *, const struct spl_cmd *);
static char	*rename_target(struct row *, const char *,
		    const struct span *, size_t);
static int	 rename_one(struct row *, const struct spl_rename *);
static int	 cmd_rename(struct row *, const struct spl_cmd *);
static const struct rec_str *row_get(void *, const struct spl_field *,
		    uint32_t *);
static void	 json_time(struct buf *, double, int);
static void	 json_str_or_null(struct buf *, const char *);
static void	 json_value(struct buf *, const struct row_field *,
		    const struct rec_str *);
static void	 json_fields(struct buf *, const struct row *);

int
row_tz_parse(const char *s, struct row_tz *tz, char *err, size_t errsize)
{
	memset(tz, 0, sizeof(*tz));
	if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0 ||
	    strcmp(s, "GMT") == 0) {
		tz->kind = ROW_TZ_UTC;
		return 0;
	}
	if (tz_offset(s, &tz->offset) == 0) {
		tz->kind = ROW_TZ_FIXED;
		return 0;
	}
	if (tz_name_ok(s) && tz_is_zoneinfo(s)) {
		tz->kind = ROW_TZ_NAMED;
		snprintf(tz->name, sizeof(tz->name), "%s", s);
		return 0;
	}
	snprintf(err, errsize, "timezone \"%s\": not UTC, an offset like "
	    "+02:00, or a zone in " ROW_TZDIR, s);
	return -1;
}

/* "+HH:MM", "-HH:MM", "+HHMM" or "-HHMM" into seconds east of UTC. */
static int
tz_offset(const char *s, long *off)
{
	size_t		 len = strlen(s);
	const char	*mm;
	long		 h, m;

	if ((s[0] != '+' && s[0] != '-') || (len != 5 && len != 6) ||
	    (len == 6 && s[3] != ':'))
		return -1;
	mm = s + len - 2;
	if (strspn(s + 1, "0123456789") < 2 || strspn(mm, "0123456789") != 2)
		return -1;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (mm[0] - '0') * 10 + (mm[1] - '0');
	if (h > 14 || m >= 60)
		return -1;
	*off = (h * 3600 + m * 60) * (s[0] == '-' ? -1 : 1);
	return 0;
}

/*
 * The name goes into a path under ROW_TZDIR: only the characters zone
 * names use, nothing that climbs out of the directory.
 */
static int
tz_name_ok(const char *s)
{
	static const char	safe[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-+";
	size_t			len = strlen(s);

	return len > 0 && len < sizeof(((struct row_tz *)NULL)->name) &&
	    strspn(s, safe) == len && s[0] != '/' && strstr(s, "..") == NULL;
}

/*
 * A regular file that starts like a compiled zone: the directory also holds
 * text files (leapseconds, ...) with safe names, and glibc would quietly
 * fall back to UTC on those.
 */
static int
tz_is_zoneinfo(const char *name)
{
	char		path[sizeof(ROW_TZDIR) + 64];
	char		magic[4];
	struct stat	st;
	int		fd, ok;

	snprintf(path, sizeof(path), "%s/%s", ROW_TZDIR, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return 0;
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, "TZif", sizeof(magic)) == 0;
	close(fd);
	return ok;
}

/*
 * Points TZ at the named zone's file for localtime_r(). The absolute path
 * after ':' makes glibc read exactly the file row_tz_parse() checked, never
 * parse the name as a POSIX rule. The caller is single-threaded here
 * (row_cmd.h), which is what makes touching the environment safe.
 */
static int
tz_enter(const struct row_tz *tz, struct tz_saved *sv)
{
	char		 path[sizeof(ROW_TZDIR) + 66];
	const char	*old;

	memset(sv, 0, sizeof(*sv));
	if (tz == NULL || tz->kind != ROW_TZ_NAMED)
		return 0;
	if ((old = getenv("TZ")) != NULL) {
		if ((sv->old = strdup(old)) == NULL)
			return -1;
		sv->was_set = 1;
	}
	snprintf(path, sizeof(path), ":%s/%s", ROW_TZDIR, tz->name);
	sv->active = 1;
	if (setenv("TZ", path, 1) == -1) {
		tz_leave(sv);
		return -1;
	}
	tzset();
	return 0;
}

static void
tz_leave(struct tz_saved *sv)
{
	if (!sv->active)
		return;
	/* Should the old value not go back (no memory), unset is the
	 * nearest state, and it needs none. */
	if (!sv->was_set || setenv("TZ", sv->old, 1) == -1)
		unsetenv("TZ");
	tzset();
	free(sv->old);
	memset(sv, 0, sizeof(*sv));
}

/*
 * A decimal number of epoch seconds ("1733312345", "1733312345.678",
 * "-1.5", "1.7e9"; num_parse(): no space, hex, "inf" or "nan", which are
 * not numbers to Splunk's convert) rounded down to whole seconds, so a
 * negative fraction lands in the second it belongs to.
 */
static int
epoch_seconds(const char *v, size_t len, time_t *t)
{
	double	d;

	if (num_parse(v, len, &d) == -1 || d > ROW_TIME_MAX ||
	    d < -ROW_TIME_MAX)
		return -1;
	*t = (time_t)d;		/* truncates toward zero ... */
	if ((double)*t > d)	/* ... so step down below zero */
		(*t)--;
	return 0;
}

/*
 * The format is the rule's own (timeformat=...), so it cannot be a literal;
 * strftime() takes any text and only writes to out, within size.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static size_t
ctime_format(char *out, size_t size, const char *fmt, const struct tm *tm)
{
	return strftime(out, size, fmt, tm);
}
#pragma GCC diagnostic pop

/*
 * Appends to f the value v converted, or v itself when it is not a time we
 * can render. fmt is the command's format with one byte added: strftime()
 * returns 0 both for text that does not fit and for empty text, and with
 * the extra byte the text is never empty, so 0 only means "grow".
 */
static int
ctime_value(struct row *r, struct row_field *f, const struct rec_str *v,
    const char *fmt, const struct row_tz *tz)
{
	char		 small[256], *out = small, *big = NULL;
	size_t		 size = sizeof(small), n;
	struct tm	 tm, *ok;
	time_t		 t;
	int		 rc;

	if (epoch_seconds(v->ptr, v->len, &t) == -1)
		return row_add_value(r, f, v->ptr, v->len);
	if (tz == NULL || tz->kind == ROW_TZ_UTC)
		ok = gmtime_r(&t, &tm);
	else if (tz->kind == ROW_TZ_FIXED) {
		t += tz->offset;
		if ((ok = gmtime_r(&t, &tm)) != NULL) {
			/* %z prints the offset; %Z has no name to print. */
			tm.tm_gmtoff = tz->offset;
			tm.tm_zone = "";
		}
	} else
		ok = localtime_r(&t, &tm);
	if (ok == NULL)
		return row_add_value(r, f, v->ptr, v->len);
	while ((n = ctime_format(out, size, fmt, &tm)) == 0) {
		free(big);
		if ((size *= 2) > ROW_CTIME_MAX)
			return row_add_value(r, f, v->ptr, v->len);
		if ((big = out = malloc(size)) == NULL)
			return -1;
	}
	rc = row_add_value(r, f, out, n - 1);
	free(big);
	return rc;
}

/*
 * convert [timeformat=F] ctime(f) [as g] ...: the values of f are read from
 * their old array while the target is emptied and refilled.
 */
static int
cmd_convert(struct row *r, const struct spl_cmd *c, const struct row_tz *tz)
{
	const struct spl_convert	*cv;
	const struct row_field		*src;
	const struct rec_str		*vals;
	struct row_field		*dst;
	struct tz_saved			 sv;
	uint32_t			 n, j;
	unsigned			 flags;
	size_t				 i;
	size_t				 len = strlen(c->timeformat);
	char				*fmt;
	int				 rc = 0;

	if ((fmt = malloc(len + 2)) == NULL)
		return -1;
	memcpy(fmt, c->timeformat, len);
	memcpy(fmt + len, ".", 2);
	if (tz_enter(tz, &sv) == -1) {
		free(fmt);
		return -1;
	}
	for (i = 0; i < c->nconvert && rc == 0; i++) {
		cv = &c->convert[i];
		/* Missing or null: nothing to convert, and no g either. */
		if ((src = row_find_const(r, cv->field.name)) == NULL ||
		    src->nvals == 0)
			continue;
		vals = src->vals;
		n = src->nvals;
		flags = src->flags & ~ROWF_NUM;
		if ((dst = row_set(r, cv->as != NULL ? cv->as :
		    cv->field.name, flags)) == NULL) {
			rc = -1;
			break;
		}
		for (j = 0; j < n && rc == 0; j++)
			rc = ctime_value(r, dst, &vals[j], fmt, tz);
	}
	tz_leave(&sv);
	free(fmt);
	return rc;
}

static size_t
pattern_stars(const char *p)
{
	size_t	n = 0;

	for (; *p != '\0'; p++)
		if (*p == '*')
			n++;
	return n;
}

/*
 * Matches s against pat, where '*' stands for any run of bytes (empty
 * too) and everything else for itself, case-sensitively (field names).
 * The k-th '*' (k < ncap) records what it matched in cap[k]. Each literal
 * run is taken at its first fit, so earlier stars match as little as lets
 * the rest match: "a*b*" on "axbyb" gives "x" and "yb". On a mismatch the
 * last '*' grows by one byte and matching resumes after it, which makes
 * this linear in practice and never exponential.
 */
static int
glob_match(const char *pat, const char *s, struct span *cap, size_t ncap)
{
	const char	*p = pat, *star_p = NULL, *star_s = NULL;
	size_t		 k = 0;		/* stars passed */

	while (*s != '\0') {
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			if (k < ncap) {
				cap[k].ptr = s;
				cap[k].len = 0;
			}
			k++;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star_p != NULL) {
			p = star_p;
			s = ++star_s;
			if (k - 1 < ncap)
				cap[k - 1].len = (size_t)(s - cap[k - 1].ptr);
		} else
			return 0;
	}
	for (; *p == '*'; p++, k++)
		if (k < ncap) {
			cap[k].ptr = s;
			cap[k].len = 0;
		}
	return *p == '\0';
}

static int
matches_any(const struct spl_cmd *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nfields; i++)
		if (glob_match(c->fields[i].name, name, NULL, 0))
			return 1;
	return 0;
}

/*
 * table: the fields matching each pattern in turn are rotated to the front
 * (in their row order) behind the ones already placed; what is left behind
 * them matched nothing and is cut off. A field placed once is never
 * rescanned, so a name listed twice or matched by two patterns appears
 * once, where it was first asked for.
 */
static void
cmd_table(struct row *r, const struct spl_cmd *c)
{
	struct row_field	tmp;
	size_t			i, j, k = 0;

	for (i = 0; i < c->nfields; i++)
		for (j = k; j < r->n; j++) {
			if (!glob_match(c->fields[i].name, r->f[j].name,
			    NULL, 0))
				continue;
			tmp = r->f[j];
			memmove(&r->f[k + 1], &r->f[k], (j - k) *
			    sizeof(*r->f));
			r->f[k++] = tmp;
		}
	r->n = k;
}

/* fields [+] keeps what matches a pattern, fields - drops it. */
static void
cmd_fields(struct row *r, const struct spl_cmd *c)
{
	size_t	i = 0;

	while (i < r->n)
		if (matches_any(c, r->f[i].name) == c->fields_remove)
			row_remove(r, i);
		else
			i++;
}

/*
 * The new name for a field: each '*' of to takes what the same '*' of the
 * old pattern matched ("foo* as bar*": foox becomes barx). A '*' of to
 * with no counterpart in the old pattern takes nothing.
 */
static char *
rename_target(struct row *r, const char *to, const struct span *cap,
    size_t ncap)
{
	const char	*p;
	size_t		 len = 0, k = 0;
	char		*out, *o;

	for (p = to; *p != '\0'; p++)
		len += *p != '*' ? 1 : k < ncap ? cap[k++].len : 0;
	if ((out = arena_alloc(r->arena, len + 1)) == NULL)
		return NULL;
	for (p = to, o = out, k = 0; *p != '\0'; p++) {
		if (*p != '*')
			*o++ = *p;
		else if (k < ncap) {
			memcpy(o, cap[k].ptr, cap[k].len);
			o += cap[k++].len;
		}
	}
	*o = '\0';
	return out;
}

/*
 * One "from as to". Each field matching from (in row order) takes its new
 * name in place; a different field already called that is removed first,
 * as Splunk overwrites the destination.
 */
static int
rename_one(struct row *r, const struct spl_rename *rn)
{
	struct span	*cap = NULL;
	size_t		 ncap = pattern_stars(rn->from), i, j;
	const char	*name;

	if (ncap > 0 && (cap = arena_alloc(r->arena,
	    ncap * sizeof(*cap))) == NULL)
		return -1;
	for (i = 0; i < r->n; i++) {
		if (!glob_match(rn->from, r->f[i].name, cap, ncap))
			continue;
		if (ncap == 0)
			name = rn->to;
		else if ((name = rename_target(r, rn->to, cap, ncap)) == NULL)
			return -1;
		if (strcmp(name, r->f[i].name) == 0)
			continue;
		/* Row names live in the row's arena, as all it holds. */
		if (ncap == 0 && (name = arena_strndup(r->arena, rn->to,
		    strlen(rn->to))) == NULL)
			return -1;
		for (j = 0; j < r->n; j++)
			if (j != i && strcmp(r->f[j].name, name) == 0) {
				row_remove(r, j);
				if (j < i)
					i--;
				break;
			}
		r->f[i].name = name;
	}
	return 0;
}

static int
cmd_rename(struct row *r, const struct spl_cmd *c)
{
	size_t	i;

	for (i = 0; i < c->nrename; i++)
		if (rename_one(r, &c->rename[i]) == -1)
			return -1;
	return 0;
}

/* The evaluator's view of a row: a field with no values is missing. */
static const struct rec_str *
row_get(void *arg, const struct spl_field *f, uint32_t *n)
{
	const struct row_field	*rf;

	if ((rf = row_find_const(arg, f->name)) == NULL || rf->nvals == 0)
		return NULL;
	*n = rf->nvals;
	return rf->vals;
}

int
row_apply(const struct spl_search *s, struct row *r,
    const struct row_tz *tz)
{
	const struct spl_cmd	*c;
	size_t			 i, n = spl_search_ncmds(s);

	for (i = 0; i < n; i++) {
		c = spl_search_cmd(s, i);
		switch (c->kind) {
		case SPL_CMD_SEARCH:
			if (!spl_expr_eval(c->expr, row_get, r))
				return 0;
			break;
		case SPL_CMD_CONVERT:
			if (cmd_convert(r, c, tz) == -1)
				return -1;
			break;
		case SPL_CMD_TABLE:
			cmd_table(r, c);
			break;
		case SPL_CMD_RENAME:
			if (cmd_rename(r, c) == -1)
				return -1;
			break;
		case SPL_CMD_FIELDS:
			cmd_fields(r, c);
			break;
		default:
			/*
			 * where, eval, regex, rex, lookup: spl_compile()
			 * rejects them today, so no search reaches here with
			 * one. Should one slip through, the row goes on as
			 * it is rather than being lost.
			 */
			break;
		}
	}
	return 1;
}

/*
 * t as "YYYY-MM-DDTHH:MM:SS[.mmm]Z", or null for a time no calendar
 * holds. Milliseconds are rounded first, so 59.9996 s is the next minute.
 */
static void
json_time(struct buf *b, double t, int millis)
{
	char		text[64];
	struct tm	tm;
	long long	ms;
	time_t		sec;

	if (!isfinite(t) || t > ROW_TIME_MAX || t < -ROW_TIME_MAX) {
		buf_puts(b, "null");
		return;
	}
	if (millis) {
		ms = (long long)(t * 1000 + (t < 0 ? -0.5 : 0.5));
		sec = (time_t)(ms / 1000);
		if ((ms %= 1000) < 0) {
			ms += 1000;
			sec--;
		}
	} else {
		ms = 0;
		sec = (time_t)t;
		if ((double)sec > t)
			sec--;
	}
	if (gmtime_r(&sec, &tm) == NULL ||
	    strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		buf_puts(b, "null");
		return;
	}
	if (millis)
		buf_printf(b, "\"%s.%03lldZ\"", text, ms);
	else
		buf_printf(b, "\"%sZ\"", text);
}

static void
json_str_or_null(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_puts(b, "null");
	else
		buf_json_string(b, s, strlen(s));
}

static void
json_value(struct buf *b, const struct row_field *f, const struct rec_str *v)
{
	/* A ROWF_NUM value that is no JSON number ("007", "1.", "nan",
	 * " 1") is written as a string, so the line always parses. */
	if ((f->flags & ROWF_NUM) && num_is_json(v->ptr, v->len))
		buf_append(b, v->ptr, v->len);
	else
		buf_json_string(b, v->ptr, v->len);
}

/*
 * "fields":{...} in row order. A field with several values is an array
 * even without ROWF_MV: nothing a command left in the row is dropped.
 */
static void
json_fields(struct buf *b, const struct row *r)
{
	const struct row_field	*f;
	size_t			 i;
	uint32_t		 j;

	buf_puts(b, "\"fields\":{");
	for (i = 0; i < r->n; i++) {
		f = &r->f[i];
		if (i > 0)
			buf_putc(b, ',');
		buf_json_string(b, f->name, strlen(f->name));
		buf_putc(b, ':');
		if (f->nvals == 0)
			buf_puts(b, "null");
		else if (!(f->flags & ROWF_MV) && f->nvals == 1)
			json_value(b, f, &f->vals[0]);
		else {
			buf_putc(b, '[');
			for (j = 0; j < f->nvals; j++) {
				if (j > 0)
					buf_putc(b, ',');
				json_value(b, f, &f->vals[j]);
			}
			buf_putc(b, ']');
		}
	}
	buf_putc(b, '}');
}

void
alert_json(const struct rule *rule, const struct row *r, double now,
    struct buf *b)
{
	size_t	i;

	buf_puts(b, "{\"alert_time\":");
	json_time(b, now, 1);
	buf_puts(b, ",\"rule\":");
	json_str_or_null(b, rule->name);
	buf_puts(b, ",\"rule_id\":");
	json_str_or_null(b, rule->id);
	if (rule->version < 0)
		buf_puts(b, ",\"rule_version\":null");
	else
		buf_printf(b, ",\"rule_version\":%ld", rule->version);
	buf_puts(b, ",\"rule_file\":");
	json_str_or_null(b, rule->short_name);
	buf_puts(b, ",\"mitre_attack_id\":[");
	for (i = 0; i < rule->nmitre; i++) {
		if (i > 0)
			buf_putc(b, ',');
		json_str_or_null(b, rule->mitre[i]);
	}
	buf_puts(b, "],\"window_start\":");
	json_time(b, r->window_start, 0);
	buf_puts(b, ",\"window_end\":");
	json_time(b, r->window_end, 0);
	buf_printf(b, ",\"emit\":\"%s\",\"late\":%s,\"partial\":%s,"
	    "\"truncated\":%s,", (r->flags & ROW_FIRST) ? "first" : "close",
	    (r->flags & ROW_LATE) ? "true" : "false",
	    (r->flags & ROW_PARTIAL) ? "true" : "false",
	    (r->flags & ROW_TRUNCATED) ? "true" : "false");
	json_fields(b, r);
	buf_putc(b, '}');
}
