/*
 * spl_parse.c - the grammar: base search, then the commands after '|'.
 *
 * The search command's precedence is Splunk's: parentheses, NOT, OR, then
 * AND, so
 *
 *	and	= or { ["AND"] or }
 *	or	= not { "OR" not }
 *	not	= "NOT" not | primary
 *	primary	= "(" and ")" | field ("=" | "!=") value
 *		| field "IN" "(" value { [","] value } ")" | "*"
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "field.h"
#include "spl_int.h"

/* Parentheses and NOT nest at most this deep. */
#define PARSE_DEPTH_MAX	256
#define ARENA_LIMIT	(256u * 1024 * 1024)

struct parser {
	struct spl_lexer	 lx;
	struct spl_text		 text;
	struct spl_tok		 pend;		/* pushed back, before lx */
	int			 have_pend;
	struct spl_search	*s;
	const struct field_dict	*dict;
	struct spl_error	*err;
	int			 depth;
	int			 post;		/* past stats or a row command */
	int			 failed;
};

struct stats_fn {
	const char	*name;
	enum spl_func	 func;
	int		 needs_field;
};

static const struct stats_fn stats_fns[] = {
	{ "count", SPL_FN_COUNT, 0 },
	{ "c", SPL_FN_COUNT, 0 },
	{ "dc", SPL_FN_DC, 1 },
	{ "distinct_count", SPL_FN_DC, 1 },
	{ "min", SPL_FN_MIN, 1 },
	{ "max", SPL_FN_MAX, 1 },
	{ "values", SPL_FN_VALUES, 1 },
	{ "list", SPL_FN_LIST, 1 },
	{ "earliest", SPL_FN_EARLIEST, 1 },
	{ "latest", SPL_FN_LATEST, 1 },
	{ "sum", SPL_FN_SUM, 1 },
	{ "avg", SPL_FN_AVG, 1 },
};

static void	 perr(struct parser *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 peek(struct parser *, struct spl_tok *);
static int	 next(struct parser *, struct spl_tok *);
static int	 is_kw(const struct spl_tok *, const char *);
static int	 is_kw_ci(const struct spl_tok *, const char *);
static int	 is_end(const struct spl_tok *);
static int	 is_name(const struct spl_tok *);
static int	 field_set(struct parser *, const struct spl_tok *,
		    struct spl_field *);
static struct spl_expr *node_new(struct parser *, enum spl_expr_kind, size_t);
static int	 node_add(struct parser *, struct spl_expr *, struct spl_expr *,
		    size_t);
static struct spl_expr *node_simplify(struct parser *, struct spl_expr *,
		    size_t, int);
static struct spl_expr *parse_and(struct parser *);
static struct spl_expr *parse_or(struct parser *);
static struct spl_expr *parse_not(struct parser *);
static struct spl_expr *parse_primary(struct parser *);
static struct spl_expr *parse_group(struct parser *, const struct spl_tok *);
static struct spl_expr *parse_term(struct parser *, const struct spl_tok *);
static int	 parse_in_list(struct parser *, const char ***, size_t **,
		    size_t *);
static int	 push_value(struct parser *, const struct spl_tok *,
		    const char ***, size_t **, size_t *, size_t *);
static struct spl_expr *parse_search_expr(struct parser *,
		    const struct spl_tok *);
static int	 parse_base(struct parser *);
static int	 parse_command(struct parser *);
static struct spl_cmd *cmd_new(struct parser *, enum spl_cmd_kind,
		    const struct spl_tok *);
static int	 parse_search_cmd(struct parser *, const struct spl_tok *);
static int	 parse_stats(struct parser *, const struct spl_tok *);
static int	 parse_agg(struct parser *, const struct spl_tok *,
		    struct spl_agg *);
static int	 parse_by(struct parser *, const struct spl_tok *);
static int	 parse_convert(struct parser *, const struct spl_tok *);
static int	 parse_ctime(struct parser *, struct spl_convert *);
static int	 parse_fieldlist(struct parser *, const struct spl_tok *,
		    enum spl_cmd_kind);
static int	 parse_rename(struct parser *, const struct spl_tok *);
static char	*copy_name(struct parser *, const char *, size_t, size_t);

static void
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	if (p->failed)
		return;
	p->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	spl_text_error(&p->text, off, p->err, msg);
}

static int
peek(struct parser *p, struct spl_tok *t)
{
	if (p->have_pend) {
		*t = p->pend;
		return 0;
	}
	if (spl_lex_peek(&p->lx, t, p->err) == -1) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

static int
next(struct parser *p, struct spl_tok *t)
{
	if (p->have_pend) {
		*t = p->pend;
		p->have_pend = 0;
		return 0;
	}
	if (spl_lex_next(&p->lx, t, p->err) == -1) {
		p->failed = 1;
		return -1;
	}
	return 0;
}

static int
is_kw(const struct spl_tok *t, const char *kw)
{
	return t->kind == SPL_T_WORD && strcmp(t->val, kw) == 0;
}

static int
is_kw_ci(const struct spl_tok *t, const char *kw)
{
	return t->kind == SPL_T_WORD && strcasecmp(t->val, kw) == 0;
}

static int
is_end(const struct spl_tok *t)
{
	return t->kind == SPL_T_EOF || t->kind == SPL_T_PIPE;
}

static int
is_name(const struct spl_tok *t)
{
	return t->kind == SPL_T_WORD || t->kind == SPL_T_STRING;
}

static char *
copy_name(struct parser *p, const char *s, size_t len, size_t off)
{
	char	*c;

	if ((c = arena_strndup(p->s->arena, s, len)) == NULL)
		perr(p, off, "out of memory");
	return c;
}

static int
field_set(struct parser *p, const struct spl_tok *t, struct spl_field *f)
{
	if ((f->name = copy_name(p, t->val, t->len, t->off)) == NULL)
		return -1;
	f->index = field_dict_lookup(p->dict, t->val, t->len);
	return 0;
}

static struct spl_expr *
node_new(struct parser *p, enum spl_expr_kind kind, size_t off)
{
	struct spl_expr	*e;

	if ((e = arena_alloc(p->s->arena, sizeof(*e))) == NULL) {
		perr(p, off, "out of memory");
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->field.index = FIELD_NONE;
	return e;
}

/* Adds kid to e (AND/OR/NOT); a kid of e's own kind is flattened into e. */
static int
node_add(struct parser *p, struct spl_expr *e, struct spl_expr *kid,
    size_t off)
{
	size_t	i;

	if (kid->kind == e->kind && e->kind != SPL_E_NOT) {
		for (i = 0; i < kid->nkids; i++)
			if (node_add(p, e, kid->kids[i], off) == -1)
				return -1;
		return 0;
	}
	if (e->kind == SPL_E_AND && kid->kind == SPL_E_TRUE)
		return 0;
	if ((e->kids = spl_grow(p->s->arena, e->kids, &e->kidcap,
	    e->nkids + 1, sizeof(*e->kids))) == NULL) {
		perr(p, off, "out of memory");
		return -1;
	}
	e->kids[e->nkids++] = kid;
	return 0;
}

/* An AND/OR of one kid is that kid; an AND of none (all '*') is TRUE. */
static struct spl_expr *
node_simplify(struct parser *p, struct spl_expr *e, size_t off, int seen)
{
	if (e->nkids == 1)
		return e->kids[0];
	if (e->nkids == 0 && seen)
		return node_new(p, SPL_E_TRUE, off);
	return e;
}

/* Returns an AND of no kids when there is no term before ')' or '|'. */
static struct spl_expr *
parse_and(struct parser *p)
{
	struct spl_expr	*e, *kid;
	struct spl_tok	 t;
	int		 seen = 0;

	if (peek(p, &t) == -1 || (e = node_new(p, SPL_E_AND, t.off)) == NULL)
		return NULL;
	for (;;) {
		if (peek(p, &t) == -1)
			return NULL;
		if (is_end(&t) || t.kind == SPL_T_RPAREN)
			break;
		if (is_kw(&t, "AND")) {
			if (!seen) {
				perr(p, t.off, "unexpected 'AND'");
				return NULL;
			}
			if (next(p, &t) == -1)
				return NULL;
		}
		if ((kid = parse_or(p)) == NULL ||
		    node_add(p, e, kid, t.off) == -1)
			return NULL;
		seen++;
	}
	return node_simplify(p, e, t.off, seen);
}

static struct spl_expr *
parse_or(struct parser *p)
{
	struct spl_expr	*e, *or = NULL, *kid;
	struct spl_tok	 t;

	if ((e = parse_not(p)) == NULL)
		return NULL;
	for (;;) {
		if (peek(p, &t) == -1)
			return NULL;
		if (!is_kw(&t, "OR"))
			break;
		if (next(p, &t) == -1 || (kid = parse_not(p)) == NULL)
			return NULL;
		if (or == NULL) {
			if ((or = node_new(p, SPL_E_OR, t.off)) == NULL ||
			    node_add(p, or, e, t.off) == -1)
				return NULL;
		}
		if (node_add(p, or, kid, t.off) == -1)
			return NULL;
	}
	return or != NULL ? or : e;
}

static struct spl_expr *
parse_not(struct parser *p)
{
	struct spl_expr	*e, *kid;
	struct spl_tok	 t;

	if (peek(p, &t) == -1)
		return NULL;
	if (!is_kw(&t, "NOT"))
		return parse_primary(p);
	if (++p->depth > PARSE_DEPTH_MAX) {
		perr(p, t.off, "search nested deeper than %d",
		    PARSE_DEPTH_MAX);
		return NULL;
	}
	if (next(p, &t) == -1 || (kid = parse_not(p)) == NULL ||
	    (e = node_new(p, SPL_E_NOT, t.off)) == NULL ||
	    node_add(p, e, kid, t.off) == -1)
		return NULL;
	p->depth--;
	return e;
}

static struct spl_expr *
parse_primary(struct parser *p)
{
	struct spl_tok	t;

	if (next(p, &t) == -1)
		return NULL;
	switch (t.kind) {
	case SPL_T_LPAREN:
		return parse_group(p, &t);
	case SPL_T_WORD:
		if (is_kw(&t, "OR") || is_kw(&t, "AND")) {
			perr(p, t.off, "unexpected '%s'", t.val);
			return NULL;
		}
		return parse_term(p, &t);
	case SPL_T_STRING:
		perr(p, t.off, "free-text search term \"%s\" not supported",
		    t.val);
		return NULL;
	default:
		perr(p, t.off, "expected a search term, found %s",
		    spl_tok_name(t.kind));
		return NULL;
	}
}

static struct spl_expr *
parse_group(struct parser *p, const struct spl_tok *lp)
{
	struct spl_expr	*e;
	struct spl_tok	 t;

	if (++p->depth > PARSE_DEPTH_MAX) {
		perr(p, lp->off, "search nested deeper than %d",
		    PARSE_DEPTH_MAX);
		return NULL;
	}
	if ((e = parse_and(p)) == NULL || peek(p, &t) == -1)
		return NULL;
	if (t.kind != SPL_T_RPAREN) {
		perr(p, lp->off, "unbalanced parenthesis: '(' is not closed");
		return NULL;
	}
	if (e->kind == SPL_E_AND && e->nkids == 0) {
		perr(p, lp->off, "empty parentheses");
		return NULL;
	}
	p->depth--;
	return next(p, &t) == -1 ? NULL : e;
}

static int
push_value(struct parser *p, const struct spl_tok *t, const char ***vals,
    size_t **lens, size_t *n, size_t *cap)
{
	size_t	lcap = *cap;

	if ((*vals = spl_grow(p->lx.arena, *vals, cap, *n + 1,
	    sizeof(**vals))) == NULL || (*lens = spl_grow(p->lx.arena, *lens,
	    &lcap, *n + 1, sizeof(**lens))) == NULL) {
		perr(p, t->off, "out of memory");
		return -1;
	}
	(*vals)[*n] = t->val;
	(*lens)[(*n)++] = t->len;
	return 0;
}

static int
parse_in_list(struct parser *p, const char ***vals, size_t **lens,
    size_t *n)
{
	struct spl_tok	lp, t;
	size_t		cap = 0;

	if (next(p, &lp) == -1)
		return -1;
	if (lp.kind != SPL_T_LPAREN) {
		perr(p, lp.off, "expected '(' after IN, found %s",
		    spl_tok_name(lp.kind));
		return -1;
	}
	for (;;) {
		if (next(p, &t) == -1)
			return -1;
		if (t.kind == SPL_T_RPAREN)
			break;
		if (t.kind == SPL_T_COMMA)
			continue;
		if (is_end(&t)) {
			perr(p, lp.off,
			    "unbalanced parenthesis: '(' is not closed");
			return -1;
		}
		if (!is_name(&t)) {
			perr(p, t.off, "unexpected %s in IN list",
			    spl_tok_name(t.kind));
			return -1;
		}
		if (push_value(p, &t, vals, lens, n, &cap) == -1)
			return -1;
	}
	if (*n == 0) {
		perr(p, lp.off, "empty IN list");
		return -1;
	}
	return 0;
}

static struct spl_expr *
parse_term(struct parser *p, const struct spl_tok *name)
{
	struct spl_expr	*e;
	struct spl_tok	 t, v;
	const char	**vals = NULL;
	size_t		 *lens = NULL, n = 0, cap = 0;

	if (peek(p, &t) == -1)
		return NULL;
	if (t.kind != SPL_T_EQ && t.kind != SPL_T_NE && !is_kw(&t, "IN")) {
		if (strcmp(name->val, "*") == 0)
			return node_new(p, SPL_E_TRUE, name->off);
		if (is_kw_ci(&t, "in"))
			perr(p, t.off, "IN must be upper case");
		else if (strpbrk(name->val, "<>") != NULL)
			perr(p, name->off, "comparison operators are not "
			    "supported: '%s'", name->val);
		else
			perr(p, name->off, "free-text search term '%s' not "
			    "supported", name->val);
		return NULL;
	}
	if (strchr(name->val, '*') != NULL) {
		perr(p, name->off, "wildcard field names are not supported");
		return NULL;
	}
	if ((e = node_new(p, t.kind == SPL_T_NE ? SPL_E_NE : SPL_E_EQ,
	    name->off)) == NULL || next(p, &t) == -1)
		return NULL;
	if (t.kind == SPL_T_WORD) {
		e->in = 1;
		if (parse_in_list(p, &vals, &lens, &n) == -1)
			return NULL;
	} else {
		if (next(p, &v) == -1)
			return NULL;
		if (!is_name(&v)) {
			perr(p, v.off, "expected a value after %s, found %s",
			    spl_tok_name(t.kind), spl_tok_name(v.kind));
			return NULL;
		}
		if (push_value(p, &v, &vals, &lens, &n, &cap) == -1)
			return NULL;
	}
	if (field_set(p, name, &e->field) == -1)
		return NULL;
	if ((e->set = spl_valset_new(p->s, vals, lens, n)) == NULL) {
		perr(p, name->off, "out of memory");
		return NULL;
	}
	return e;
}

/* A whole search expression up to '|' or the end; cmd names the command. */
static struct spl_expr *
parse_search_expr(struct parser *p, const struct spl_tok *cmd)
{
	struct spl_expr	*e;
	struct spl_tok	 t;

	if ((e = parse_and(p)) == NULL || peek(p, &t) == -1)
		return NULL;
	if (t.kind == SPL_T_RPAREN) {
		perr(p, t.off, "unbalanced parenthesis: unexpected ')'");
		return NULL;
	}
	if (e->kind == SPL_E_AND && e->nkids == 0) {
		perr(p, cmd->off, "missing search terms");
		return NULL;
	}
	return e;
}

/* The base search, with an optional leading "search" keyword. */
static int
parse_base(struct parser *p)
{
	struct spl_tok	t, u;

	if (next(p, &t) == -1 || peek(p, &u) == -1)
		return -1;
	if (!is_kw(&t, "search") || u.kind == SPL_T_EQ ||
	    u.kind == SPL_T_NE || is_kw(&u, "IN")) {
		p->pend = t;
		p->have_pend = 1;
	}
	if ((p->s->base = parse_search_expr(p, &t)) == NULL)
		return -1;
	return 0;
}

static struct spl_cmd *
cmd_new(struct parser *p, enum spl_cmd_kind kind, const struct spl_tok *t)
{
	struct spl_search	*s = p->s;
	struct spl_cmd		*c;
	struct spl_error	 pos;

	if ((s->cmds = spl_grow(s->arena, s->cmds, &s->cmdcap, s->ncmds + 1,
	    sizeof(*s->cmds))) == NULL) {
		perr(p, t->off, "out of memory");
		return NULL;
	}
	c = &s->cmds[s->ncmds++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	spl_text_error(&p->text, t->off, &pos, "");
	c->line = pos.line;
	c->column = pos.column;
	p->post = 1;
	return c;
}

static int
parse_command(struct parser *p)
{
	struct spl_tok	t;

	if (next(p, &t) == -1)
		return -1;
	if (t.kind != SPL_T_WORD) {
		perr(p, t.off, "expected a command after '|', found %s",
		    spl_tok_name(t.kind));
		return -1;
	}
	if (strcasecmp(t.val, "search") == 0)
		return parse_search_cmd(p, &t);
	if (strcasecmp(t.val, "stats") == 0)
		return parse_stats(p, &t);
	if (strcasecmp(t.val, "convert") == 0)
		return parse_convert(p, &t);
	if (strcasecmp(t.val, "table") == 0)
		return parse_fieldlist(p, &t, SPL_CMD_TABLE);
	if (strcasecmp(t.val, "fields") == 0)
		return parse_fieldlist(p, &t, SPL_CMD_FIELDS);
	if (strcasecmp(t.val, "rename") == 0)
		return parse_rename(p, &t);
	perr(p, t.off, "unsupported command '%s'", t.val);
	return -1;
}

/* Before stats, search is ANDed into the base search; after, a command. */
static int
parse_search_cmd(struct parser *p, const struct spl_tok *t)
{
	struct spl_expr	*e, *and;
	struct spl_cmd	*c;

	if ((e = parse_search_expr(p, t)) == NULL)
		return -1;
	if (p->post) {
		if ((c = cmd_new(p, SPL_CMD_SEARCH, t)) == NULL)
			return -1;
		c->expr = e;
		return 0;
	}
	if ((and = node_new(p, SPL_E_AND, t->off)) == NULL ||
	    node_add(p, and, p->s->base, t->off) == -1 ||
	    node_add(p, and, e, t->off) == -1)
		return -1;
	p->s->base = node_simplify(p, and, t->off, 1);
	return p->s->base == NULL ? -1 : 0;
}

static int
parse_stats(struct parser *p, const struct spl_tok *cmd)
{
	struct spl_stats	*st = &p->s->stats;
	struct spl_agg		*aggs = NULL;
	struct spl_tok		 t;
	size_t			 cap = 0;

	if (p->post) {
		perr(p, cmd->off, p->s->has_stats ?
		    "only one stats command is supported" :
		    "stats after a row command is not supported");
		return -1;
	}
	p->post = 1;
	p->s->has_stats = 1;
	for (;;) {
		if (next(p, &t) == -1)
			return -1;
		if (t.kind == SPL_T_COMMA)
			continue;
		if (is_end(&t) || is_kw_ci(&t, "by"))
			break;
		if (t.kind != SPL_T_WORD) {
			perr(p, t.off, "unexpected %s in stats",
			    spl_tok_name(t.kind));
			return -1;
		}
		if ((aggs = spl_grow(p->s->arena, aggs, &cap, st->naggs + 1,
		    sizeof(*aggs))) == NULL) {
			perr(p, t.off, "out of memory");
			return -1;
		}
		st->aggs = aggs;
		if (parse_agg(p, &t, &aggs[st->naggs++]) == -1)
			return -1;
	}
	if (st->naggs == 0) {
		perr(p, cmd->off, "stats needs at least one function");
		return -1;
	}
	if (!is_end(&t))
		return parse_by(p, &t);
	p->have_pend = 1;	/* give the '|' or the end back */
	p->pend = t;
	return 0;
}

static int
parse_agg(struct parser *p, const struct spl_tok *fn, struct spl_agg *a)
{
	struct spl_tok	t, f;
	char		name[300];
	size_t		i;

	memset(a, 0, sizeof(*a));
	a->field.index = FIELD_NONE;
	for (i = 0; i < sizeof(stats_fns) / sizeof(stats_fns[0]); i++)
		if (strcasecmp(stats_fns[i].name, fn->val) == 0)
			break;
	if (i == sizeof(stats_fns) / sizeof(stats_fns[0])) {
		perr(p, fn->off, "unsupported stats function '%s'", fn->val);
		return -1;
	}
	a->func = stats_fns[i].func;
	if (peek(p, &t) == -1)
		return -1;
	if (t.kind == SPL_T_LPAREN) {
		if (next(p, &t) == -1 || next(p, &f) == -1)
			return -1;
		if (!is_name(&f)) {
			perr(p, f.off, "expected a field name in %s(), "
			    "found %s", fn->val, spl_tok_name(f.kind));
			return -1;
		}
		if (field_set(p, &f, &a->field) == -1 || next(p, &t) == -1)
			return -1;
		if (t.kind != SPL_T_RPAREN) {
			perr(p, t.off, "expected ')', found %s",
			    spl_tok_name(t.kind));
			return -1;
		}
	} else if (stats_fns[i].needs_field) {
		perr(p, fn->off, "stats function '%s' needs a field", fn->val);
		return -1;
	}
	if (peek(p, &t) == -1)
		return -1;
	if (is_kw_ci(&t, "as")) {
		if (next(p, &t) == -1 || next(p, &t) == -1)
			return -1;
		if (!is_name(&t)) {
			perr(p, t.off, "expected a name after 'as', found %s",
			    spl_tok_name(t.kind));
			return -1;
		}
		a->as = copy_name(p, t.val, t.len, t.off);
	} else {
		if (a->field.name != NULL)
			snprintf(name, sizeof(name), "%s(%s)", fn->val,
			    a->field.name);
		else
			snprintf(name, sizeof(name), "%s", fn->val);
		a->as = copy_name(p, name, strlen(name), fn->off);
	}
	return a->as == NULL ? -1 : 0;
}

static int
parse_by(struct parser *p, const struct spl_tok *by)
{
	struct spl_stats	*st = &p->s->stats;
	struct spl_field	*f = NULL;
	struct spl_tok		 t;
	size_t			 cap = 0;

	for (;;) {
		if (peek(p, &t) == -1)
			return -1;
		if (is_end(&t))
			break;
		if (next(p, &t) == -1)
			return -1;
		if (t.kind == SPL_T_COMMA)
			continue;
		if (!is_name(&t)) {
			perr(p, t.off, "unexpected %s in stats by clause",
			    spl_tok_name(t.kind));
			return -1;
		}
		if ((f = spl_grow(p->s->arena, f, &cap, st->nby + 1,
		    sizeof(*f))) == NULL) {
			perr(p, t.off, "out of memory");
			return -1;
		}
		st->by = f;
		if (field_set(p, &t, &f[st->nby++]) == -1)
			return -1;
	}
	if (st->nby == 0) {
		perr(p, by->off, "'by' needs at least one field");
		return -1;
	}
	return 0;
}

static int
parse_convert(struct parser *p, const struct spl_tok *cmd)
{
	struct spl_cmd		*c;
	struct spl_convert	*cv = NULL;
	struct spl_tok		 t;
	size_t			 cap = 0;

	if ((c = cmd_new(p, SPL_CMD_CONVERT, cmd)) == NULL)
		return -1;
	c->timeformat = SPL_TIMEFORMAT_DEFAULT;
	for (;;) {
		if (peek(p, &t) == -1)
			return -1;
		if (is_end(&t))
			break;
		if (next(p, &t) == -1)
			return -1;
		if (t.kind == SPL_T_COMMA)
			continue;
		if (is_kw_ci(&t, "timeformat")) {
			if (next(p, &t) == -1)
				return -1;
			if (t.kind != SPL_T_EQ) {
				perr(p, t.off, "expected '=' after "
				    "timeformat, found %s",
				    spl_tok_name(t.kind));
				return -1;
			}
			if (next(p, &t) == -1)
				return -1;
			if (!is_name(&t)) {
				perr(p, t.off, "expected a time format, "
				    "found %s", spl_tok_name(t.kind));
				return -1;
			}
			if ((c->timeformat = copy_name(p, t.val, t.len,
			    t.off)) == NULL)
				return -1;
			continue;
		}
		if (!is_kw_ci(&t, "ctime")) {
			perr(p, t.off, t.kind == SPL_T_WORD ?
			    "unsupported convert function '%s'" :
			    "unexpected %s in convert", t.kind == SPL_T_WORD ?
			    t.val : spl_tok_name(t.kind));
			return -1;
		}
		if ((cv = spl_grow(p->s->arena, cv, &cap, c->nconvert + 1,
		    sizeof(*cv))) == NULL) {
			perr(p, t.off, "out of memory");
			return -1;
		}
		c->convert = cv;
		if (parse_ctime(p, &cv[c->nconvert++]) == -1)
			return -1;
	}
	if (c->nconvert == 0) {
		perr(p, cmd->off, "convert needs a function");
		return -1;
	}
	return 0;
}

/* "(field) [as name]" after ctime. */
static int
parse_ctime(struct parser *p, struct spl_convert *cv)
{
	struct spl_tok	t;

	memset(cv, 0, sizeof(*cv));
	if (next(p, &t) == -1)
		return -1;
	if (t.kind != SPL_T_LPAREN) {
		perr(p, t.off, "expected '(' after ctime, found %s",
		    spl_tok_name(t.kind));
		return -1;
	}
	if (next(p, &t) == -1)
		return -1;
	if (!is_name(&t)) {
		perr(p, t.off, "expected a field name in ctime(), found %s",
		    spl_tok_name(t.kind));
		return -1;
	}
	if (field_set(p, &t, &cv->field) == -1 || next(p, &t) == -1)
		return -1;
	if (t.kind != SPL_T_RPAREN) {
		perr(p, t.off, "expected ')', found %s", spl_tok_name(t.kind));
		return -1;
	}
	if (peek(p, &t) == -1 || !is_kw_ci(&t, "as"))
		return p->failed ? -1 : 0;
	if (next(p, &t) == -1 || next(p, &t) == -1)
		return -1;
	if (!is_name(&t)) {
		perr(p, t.off, "expected a name after 'as', found %s",
		    spl_tok_name(t.kind));
		return -1;
	}
	return (cv->as = copy_name(p, t.val, t.len, t.off)) == NULL ? -1 : 0;
}

/* table f1 f2 ... and fields [+|-] f1 f2 ... */
static int
parse_fieldlist(struct parser *p, const struct spl_tok *cmd,
    enum spl_cmd_kind kind)
{
	struct spl_cmd		*c;
	struct spl_field	*f = NULL;
	struct spl_tok		 t;
	size_t			 cap = 0;
	int			 first = 1;

	if ((c = cmd_new(p, kind, cmd)) == NULL)
		return -1;
	for (;;) {
		if (peek(p, &t) == -1)
			return -1;
		if (is_end(&t))
			break;
		if (next(p, &t) == -1)
			return -1;
		if (t.kind == SPL_T_COMMA)
			continue;
		if (!is_name(&t)) {
			perr(p, t.off, "unexpected %s in %s",
			    spl_tok_name(t.kind), cmd->val);
			return -1;
		}
		if (kind == SPL_CMD_FIELDS && first && t.kind == SPL_T_WORD &&
		    (strcmp(t.val, "-") == 0 || strcmp(t.val, "+") == 0)) {
			c->fields_remove = t.val[0] == '-';
			first = 0;
			continue;
		}
		first = 0;
		if ((f = spl_grow(p->s->arena, f, &cap, c->nfields + 1,
		    sizeof(*f))) == NULL) {
			perr(p, t.off, "out of memory");
			return -1;
		}
		c->fields = f;
		if (field_set(p, &t, &f[c->nfields++]) == -1)
			return -1;
	}
	if (c->nfields == 0) {
		perr(p, cmd->off, "%s needs at least one field", cmd->val);
		return -1;
	}
	return 0;
}

static int
parse_rename(struct parser *p, const struct spl_tok *cmd)
{
	struct spl_cmd		*c;
	struct spl_rename	*r = NULL;
	struct spl_tok		 from, t;
	size_t			 cap = 0;

	if ((c = cmd_new(p, SPL_CMD_RENAME, cmd)) == NULL)
		return -1;
	for (;;) {
		if (peek(p, &from) == -1)
			return -1;
		if (is_end(&from))
			break;
		if (next(p, &from) == -1)
			return -1;
		if (from.kind == SPL_T_COMMA)
			continue;
		if (!is_name(&from) || next(p, &t) == -1 ||
		    !is_kw_ci(&t, "as") || next(p, &t) == -1 || !is_name(&t)) {
			perr(p, is_name(&from) ? t.off : from.off,
			    "expected 'old as new' in rename, found %s",
			    spl_tok_name(is_name(&from) ? t.kind : from.kind));
			return -1;
		}
		if ((r = spl_grow(p->s->arena, r, &cap, c->nrename + 1,
		    sizeof(*r))) == NULL) {
			perr(p, t.off, "out of memory");
			return -1;
		}
		c->rename = r;
		r[c->nrename].from = copy_name(p, from.val, from.len, from.off);
		r[c->nrename].to = copy_name(p, t.val, t.len, t.off);
		if (r[c->nrename++].to == NULL || p->failed)
			return -1;
	}
	if (c->nrename == 0) {
		perr(p, cmd->off, "rename needs 'old as new'");
		return -1;
	}
	return 0;
}

struct spl_search *
spl_compile(const char *text, size_t len, const struct field_dict *dict,
    const struct spl_macro_fn *macros, struct spl_error *err)
{
	struct parser	p;
	struct spl_tok	t;

	memset(&p, 0, sizeof(p));
	memset(err, 0, sizeof(*err));
	p.dict = dict;
	p.err = err;
	if ((p.s = calloc(1, sizeof(*p.s))) == NULL ||
	    (p.s->arena = arena_new(16384, ARENA_LIMIT)) == NULL ||
	    (p.lx.arena = arena_new(16384, ARENA_LIMIT)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		goto fail;
	}
	if (spl_text_expand(&p.text, text, len, macros, err) == -1)
		goto fail;
	p.lx.text = &p.text;
	if (parse_base(&p) == -1)
		goto fail;
	for (;;) {
		if (next(&p, &t) == -1)
			goto fail;
		if (t.kind == SPL_T_EOF)
			break;
		if (t.kind != SPL_T_PIPE) {
			perr(&p, t.off, "unexpected %s", spl_tok_name(t.kind));
			goto fail;
		}
		if (parse_command(&p) == -1)
			goto fail;
	}
	arena_free(p.lx.arena);
	spl_text_free(&p.text);
	return p.s;
fail:
	if (err->msg[0] == '\0')
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	arena_free(p.lx.arena);
	spl_text_free(&p.text);
	spl_free(p.s);
	return NULL;
}
