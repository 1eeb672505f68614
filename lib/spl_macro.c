/*
 * spl_macro.c - comments and macro expansion, before the lexer sees the text.
 *
 * Splunk expands macros textually, so this pass does too. The expanded text
 * carries, for each byte, its offset in the original text (for a byte that
 * a macro produced: the offset of the outermost call's backtick) and the
 * macro call it came from, so that the parser's errors point at what the
 * user wrote.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spl_int.h"

#define MACRO_ARGS_MAX	32

struct expander {
	struct spl_text			*t;
	const struct spl_macro_fn	*fn;
	struct spl_error		*err;
	const char			*stack[SPL_MACRO_DEPTH];
	size_t				 stack_nargs[SPL_MACRO_DEPTH];
	int				 depth;
};

/* Where bytes being emitted come from. */
struct spot {
	uint32_t	base;		/* orig offset of the outermost call */
	uint32_t	mac;		/* origin index; 0 at top level */
};

struct call {
	char		 name[128];
	size_t		 nargs;
	char		*args[MACRO_ARGS_MAX];
};

static void	 error_at(const struct spl_text *, uint32_t, uint32_t,
		    struct spl_error *, const char *);
static void	 fail(struct expander *, uint32_t, uint32_t, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	 text_reserve(struct expander *, size_t, uint32_t, uint32_t);
static int	 emit(struct expander *, const char *, size_t, size_t,
		    const struct spot *);
static int	 expand(struct expander *, const char *, size_t,
		    const struct spot *);
static size_t	 quoted_end(const char *, size_t, size_t);
static int	 comment(struct expander *, const char *, size_t, size_t *,
		    const struct spot *);
static int	 call_parse(struct expander *, const char *, size_t,
		    struct call *, uint32_t, uint32_t);
static int	 call_args(struct expander *, const char *, size_t,
		    struct call *, uint32_t, uint32_t);
static void	 call_free(struct call *);
static int	 call_expand(struct expander *, const char *, size_t,
		    size_t, const struct spot *);
static int	 call_define(struct expander *, const struct call *,
		    struct spl_macro_def *, uint32_t, uint32_t);
static size_t	 arg_index(const struct spl_macro_def *, const struct call *,
		    const char *, size_t);
static size_t	 substitute_into(const struct spl_macro_def *,
		    const struct call *, char *);
static char	*substitute(const struct spl_macro_def *, const struct call *,
		    size_t *);
static size_t	 origin_add(struct expander *, const char *, uint32_t);

static void
error_at(const struct spl_text *t, uint32_t pos, uint32_t mac,
    struct spl_error *err, const char *msg)
{
	const char	*inner, *outer;
	size_t		 i, m;
	int		 line = 1, col = 1;

	for (i = 0; i < pos && i < t->origlen; i++) {
		if (t->orig[i] == '\n') {
			line++;
			col = 1;
		} else
			col++;
	}
	err->line = line;
	err->column = col;
	if (mac == 0) {
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
		return;
	}
	inner = t->origins[mac].name;
	for (m = mac; t->origins[m].parent != 0; m = t->origins[m].parent)
		;
	outer = t->origins[m].name;
	if (m == mac)
		snprintf(err->msg, sizeof(err->msg), "%s (in macro %s)", msg,
		    inner);
	else
		snprintf(err->msg, sizeof(err->msg),
		    "%s (in macro %s, called from %s)", msg, inner, outer);
}

void
spl_text_error(const struct spl_text *t, size_t off, struct spl_error *err,
    const char *msg)
{
	if (off >= t->len)
		error_at(t, (uint32_t)t->origlen, 0, err, msg);
	else
		error_at(t, t->pos[off], t->mac[off], err, msg);
}

static void
fail(struct expander *x, uint32_t pos, uint32_t mac, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error_at(x->t, pos, mac, x->err, msg);
}

static int
text_reserve(struct expander *x, size_t n, uint32_t pos, uint32_t mac)
{
	struct spl_text	*t = x->t;
	size_t		 cap;
	void		*p;

	if (n > SPL_TEXT_MAX || t->len > SPL_TEXT_MAX - n) {
		fail(x, pos, mac, "expanded search is longer than %d bytes",
		    SPL_TEXT_MAX);
		return -1;
	}
	if (t->len + n + 1 <= t->cap)
		return 0;
	for (cap = t->cap ? t->cap : 256; cap < t->len + n + 1; cap *= 2)
		;
	if ((p = realloc(t->s, cap)) == NULL)
		goto fail;
	t->s = p;
	if ((p = realloc(t->pos, cap * sizeof(*t->pos))) == NULL)
		goto fail;
	t->pos = p;
	if ((p = realloc(t->mac, cap * sizeof(*t->mac))) == NULL)
		goto fail;
	t->mac = p;
	t->cap = cap;
	return 0;
fail:
	fail(x, pos, mac, "out of memory");
	return -1;
}

/* Appends s[0..n); at top level byte i came from offset at + i. */
static int
emit(struct expander *x, const char *s, size_t n, size_t at,
    const struct spot *sp)
{
	struct spl_text	*t = x->t;
	size_t		 i;

	if (text_reserve(x, n, sp->mac ? sp->base : (uint32_t)at, sp->mac) ==
	    -1)
		return -1;
	memcpy(t->s + t->len, s, n);
	for (i = 0; i < n; i++) {
		t->pos[t->len + i] = sp->mac ? sp->base : (uint32_t)(at + i);
		t->mac[t->len + i] = sp->mac;
	}
	t->len += n;
	t->s[t->len] = '\0';
	return 0;
}

/* The offset just past the string quoted at s[i]. */
static size_t
quoted_end(const char *s, size_t len, size_t i)
{
	for (i++; i < len && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < len)
			i++;
	return i < len ? i + 1 : len;
}

static int
comment(struct expander *x, const char *s, size_t len, size_t *ip,
    const struct spot *sp)
{
	size_t	i = *ip, j;

	for (j = i + 3; j + 2 < len; j++)
		if (s[j] == '`' && s[j + 1] == '`' && s[j + 2] == '`')
			break;
	if (j + 2 >= len) {
		fail(x, sp->mac ? sp->base : (uint32_t)i, sp->mac,
		    "unterminated comment");
		return -1;
	}
	*ip = j + 3;
	return emit(x, " ", 1, i, sp);
}

static int
expand(struct expander *x, const char *s, size_t len, const struct spot *sp)
{
	size_t	i = 0, j;

	while (i < len) {
		if (s[i] == '"') {
			j = quoted_end(s, len, i);
			if (emit(x, s + i, j - i, i, sp) == -1)
				return -1;
			i = j;
		} else if (s[i] == '`' && i + 2 < len && s[i + 1] == '`' &&
		    s[i + 2] == '`') {
			if (comment(x, s, len, &i, sp) == -1)
				return -1;
		} else if (s[i] == '`') {
			for (j = i + 1; j < len && s[j] != '`'; j++)
				;
			if (j == len) {
				fail(x, sp->mac ? sp->base : (uint32_t)i,
				    sp->mac, "unterminated macro call");
				return -1;
			}
			if (call_expand(x, s + i + 1, j - i - 1, i, sp) == -1)
				return -1;
			i = j + 1;
		} else {
			for (j = i; j < len && s[j] != '"' && s[j] != '`'; j++)
				;
			if (emit(x, s + i, j - i, i, sp) == -1)
				return -1;
			i = j;
		}
	}
	return 0;
}

static int
call_parse(struct expander *x, const char *b, size_t len, struct call *c,
    uint32_t pos, uint32_t mac)
{
	size_t	i = 0, n;

	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' ||
	    b[i] == '\r'))
		i++;
	for (n = 0; i + n < len && b[i + n] != '(' && b[i + n] != ' ' &&
	    b[i + n] != '\t' && b[i + n] != '\n' && b[i + n] != '\r'; n++)
		;
	if (n == 0 || n >= sizeof(c->name)) {
		fail(x, pos, mac, "bad macro call");
		return -1;
	}
	memcpy(c->name, b + i, n);
	c->name[n] = '\0';
	for (i += n; i < len && (b[i] == ' ' || b[i] == '\t'); i++)
		;
	while (len > i && (b[len - 1] == ' ' || b[len - 1] == '\t' ||
	    b[len - 1] == '\n' || b[len - 1] == '\r'))
		len--;
	if (i == len)
		return 0;
	if (b[i] != '(' || b[len - 1] != ')') {
		fail(x, pos, mac, "bad macro call '%s'", c->name);
		return -1;
	}
	return call_args(x, b + i + 1, len - i - 2, c, pos, mac);
}

/* Splits a[0..len) at commas outside double quotes; trims each argument. */
static int
call_args(struct expander *x, const char *a, size_t len, struct call *c,
    uint32_t pos, uint32_t mac)
{
	size_t	i = 0, j, s, e;

	for (j = 0; j < len && (a[j] == ' ' || a[j] == '\t'); j++)
		;
	if (j == len)
		return 0;
	while (i <= len) {
		for (j = i; j < len && a[j] != ','; j++)
			if (a[j] == '"')
				j = quoted_end(a, len, j) - 1;
		for (s = i; s < j && (a[s] == ' ' || a[s] == '\t' ||
		    a[s] == '\n' || a[s] == '\r'); s++)
			;
		for (e = j; e > s && (a[e - 1] == ' ' || a[e - 1] == '\t' ||
		    a[e - 1] == '\n' || a[e - 1] == '\r'); e--)
			;
		if (c->nargs == MACRO_ARGS_MAX) {
			fail(x, pos, mac, "too many macro arguments");
			return -1;
		}
		if ((c->args[c->nargs] = strndup(a + s, e - s)) == NULL) {
			fail(x, pos, mac, "out of memory");
			return -1;
		}
		c->nargs++;
		i = j + 1;
	}
	return 0;
}

static void
call_free(struct call *c)
{
	size_t	i;

	for (i = 0; i < c->nargs; i++)
		free(c->args[i]);
}

static int
call_define(struct expander *x, const struct call *c,
    struct spl_macro_def *def, uint32_t pos, uint32_t mac)
{
	static const char *const	 filter = "_filter";
	size_t				 n = strlen(c->name);

	memset(def, 0, sizeof(*def));
	if (x->fn != NULL && x->fn->lookup != NULL &&
	    x->fn->lookup(x->fn->arg, c->name, c->nargs, def) == 0) {
		if (def->definition == NULL || def->nargs != c->nargs) {
			fail(x, pos, mac, "macro %s takes %zu arguments, "
			    "not %zu", c->name, def->nargs, c->nargs);
			return -1;
		}
		return 0;
	}
	if (n > strlen(filter) && strcmp(c->name + n - strlen(filter),
	    filter) == 0) {
		def->definition = "search *";
		def->nargs = c->nargs;
		def->argnames = NULL;
		return 0;
	}
	if (c->nargs > 0)
		fail(x, pos, mac, "unknown macro '%s(%zu)'", c->name,
		    c->nargs);
	else
		fail(x, pos, mac, "unknown macro '%s'", c->name);
	return -1;
}

/* The index of the argument named d[0..n), or nargs. */
static size_t
arg_index(const struct spl_macro_def *def, const struct call *c,
    const char *d, size_t n)
{
	size_t	k;

	for (k = 0; k < c->nargs && def->argnames != NULL; k++)
		if (def->argnames[k] != NULL && strlen(def->argnames[k]) == n &&
		    strncmp(def->argnames[k], d, n) == 0)
			return k;
	return c->nargs;
}

/*
 * Writes the definition with $name$ replaced by the call's arguments to
 * out (when not NULL); returns the length.
 */
static size_t
substitute_into(const struct spl_macro_def *def, const struct call *c,
    char *out)
{
	const char	*d = def->definition, *end;
	size_t		 len = 0, k, n;

	while (*d != '\0') {
		if (*d == '$' && (end = strchr(d + 1, '$')) != NULL &&
		    (k = arg_index(def, c, d + 1, (size_t)(end - d - 1))) <
		    c->nargs) {
			n = strlen(c->args[k]);
			if (out != NULL)
				memcpy(out + len, c->args[k], n);
			len += n;
			d = end + 1;
			continue;
		}
		if (out != NULL)
			out[len] = *d;
		len++;
		d++;
	}
	return len;
}

static char *
substitute(const struct spl_macro_def *def, const struct call *c,
    size_t *outlen)
{
	char	*out;
	size_t	 len;

	len = substitute_into(def, c, NULL);
	*outlen = len;
	if (len > SPL_TEXT_MAX || (out = malloc(len + 1)) == NULL)
		return NULL;
	substitute_into(def, c, out);
	out[len] = '\0';
	*outlen = len;
	return out;
}

static size_t
origin_add(struct expander *x, const char *name, uint32_t parent)
{
	struct spl_text	*t = x->t;
	void		*p;
	size_t		 cap;

	if (t->norigins == t->origcap) {
		cap = t->origcap ? t->origcap * 2 : 8;
		if ((p = realloc(t->origins, cap * sizeof(*t->origins))) ==
		    NULL)
			return 0;
		t->origins = p;
		t->origcap = cap;
		if (t->norigins == 0) {
			t->origins[0].name = NULL;
			t->origins[0].parent = 0;
			t->norigins = 1;
		}
	}
	if ((t->origins[t->norigins].name = strdup(name)) == NULL)
		return 0;
	t->origins[t->norigins].parent = parent;
	return t->norigins++;
}

/* Expands the call whose body (between backticks) is b; at is '`'. */
static int
call_expand(struct expander *x, const char *b, size_t len, size_t at,
    const struct spot *sp)
{
	struct spl_macro_def	 def;
	struct call		 c;
	struct spot		 inner;
	uint32_t		 pos = sp->mac ? sp->base : (uint32_t)at;
	char			*sub = NULL;
	size_t			 sublen, i;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	if (call_parse(x, b, len, &c, pos, sp->mac) == -1 ||
	    call_define(x, &c, &def, pos, sp->mac) == -1)
		goto fail;
	for (i = 0; i < (size_t)x->depth; i++)
		if (strcmp(x->stack[i], c.name) == 0 &&
		    x->stack_nargs[i] == c.nargs) {
			fail(x, pos, sp->mac, "macro cycle: %s calls itself",
			    c.name);
			goto fail;
		}
	if (x->depth == SPL_MACRO_DEPTH) {
		fail(x, pos, sp->mac, "macros nested deeper than %d",
		    SPL_MACRO_DEPTH);
		goto fail;
	}
	inner.base = pos;
	if ((sub = substitute(&def, &c, &sublen)) == NULL &&
	    sublen > SPL_TEXT_MAX) {
		fail(x, pos, sp->mac, "expanded search is longer than %d "
		    "bytes", SPL_TEXT_MAX);
		goto fail;
	}
	if (sub == NULL ||
	    (inner.mac = (uint32_t)origin_add(x, c.name, sp->mac)) == 0) {
		fail(x, pos, sp->mac, "out of memory");
		goto fail;
	}
	x->stack[x->depth] = c.name;
	x->stack_nargs[x->depth++] = c.nargs;
	rc = expand(x, sub, sublen, &inner);
	x->depth--;
fail:
	free(sub);
	call_free(&c);
	return rc;
}

int
spl_text_expand(struct spl_text *t, const char *s, size_t len,
    const struct spl_macro_fn *fn, struct spl_error *err)
{
	struct expander	 x;
	struct spot	 top = { 0, 0 };
	const char	*nul;

	memset(t, 0, sizeof(*t));
	memset(&x, 0, sizeof(x));
	t->orig = s;
	t->origlen = len;
	x.t = t;
	x.fn = fn;
	x.err = err;
	if (len > SPL_TEXT_MAX) {
		snprintf(err->msg, sizeof(err->msg),
		    "search is longer than %d bytes", SPL_TEXT_MAX);
		err->line = err->column = 0;
		return -1;
	}
	/* Names reach C-string APIs (field_dict_lookup, the macro lookup). */
	if ((nul = memchr(s, '\0', len)) != NULL) {
		fail(&x, (uint32_t)(nul - s), 0, "NUL byte in search text");
		return -1;
	}
	if (text_reserve(&x, 0, 0, 0) == -1 || expand(&x, s, len, &top) == -1)
		return -1;
	return 0;
}

void
spl_text_free(struct spl_text *t)
{
	size_t	i;

	for (i = 1; i < t->norigins; i++)
		free(t->origins[i].name);
	free(t->origins);
	free(t->s);
	free(t->pos);
	free(t->mac);
	memset(t, 0, sizeof(*t));
}
