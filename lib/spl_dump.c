/*
 * spl_dump.c - the compiled pipeline in a canonical text form, for golden
 * tests and for an operator who asks what a rule became.
 *
 * Terms print as written but canonical: values case-folded and quoted,
 * wildcard values as glob("..."), CIDR values as cidr(prefix), the values
 * of an IN list sorted; every AND, OR and NOT is parenthesised. A field
 * name the dictionary does not know ends in '?'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cidr.h"
#include "field.h"
#include "spl_int.h"

static void	 put_quoted(struct buf *, const char *, const char *,
		    const char *);
static void	 put_field(struct buf *, const struct spl_field *);
static char	*item_text(const char *, const char *, const char *);
static int	 item_cmp(const void *, const void *);
static size_t	 set_items(const struct spl_valset *, char **);
static void	 dump_set(const struct spl_valset *, int, struct buf *);
static void	 dump_stats(const struct spl_stats *, struct buf *);
static void	 dump_cmd(const struct spl_cmd *, struct buf *);
static const char *func_name(enum spl_func);

/* pre "s" post, with \ and " escaped. */
static void
put_quoted(struct buf *b, const char *pre, const char *s, const char *post)
{
	buf_puts(b, pre);
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
	buf_puts(b, post);
}

static void
put_field(struct buf *b, const struct spl_field *f)
{
	buf_puts(b, f->name);
	if (f->index == FIELD_NONE)
		buf_putc(b, '?');
}

static char *
item_text(const char *pre, const char *s, const char *post)
{
	struct buf	b = { 0 };

	put_quoted(&b, pre, s, post);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}

static int
item_cmp(const void *a, const void *b)
{
	const char *const	*x = a, *const *y = b;

	return strcmp(*x, *y);
}

/* Fills items (room for nvalues + 1) with the set's values as text. */
static size_t
set_items(const struct spl_valset *set, char **items)
{
	char	cidr[CIDR_TEXT_MAX];
	size_t	i, n = 0;

	if (set->any)
		items[n++] = strdup("*");
	for (i = 0; i <= set->mask; i++)
		if (set->tab[i].s != NULL)
			items[n++] = item_text("", set->tab[i].s, "");
	for (i = 0; i < set->nglob; i++)
		items[n++] = item_text("glob(", set->globs[i].text, ")");
	for (i = 0; set->cidr != NULL && i < cidr_set_count(set->cidr); i++)
		if (cidr_set_prefix(set->cidr, i, cidr, sizeof(cidr)) == 0)
			items[n++] = item_text("cidr(", cidr, ")");
	return n;
}

static void
dump_set(const struct spl_valset *set, int in, struct buf *b)
{
	char	**items;
	size_t	  i, n;

	if ((items = calloc(set->nvalues + 1, sizeof(*items))) == NULL) {
		b->failed = 1;
		return;
	}
	n = set_items(set, items);
	qsort(items, n, sizeof(*items), item_cmp);
	if (in)
		buf_puts(b, " IN (");
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_puts(b, ", ");
		buf_puts(b, items[i] != NULL ? items[i] : "(null)");
		free(items[i]);
	}
	if (in)
		buf_putc(b, ')');
	free(items);
}

void
spl_expr_dump(const struct spl_expr *e, struct buf *b)
{
	size_t	i;

	switch (e->kind) {
	case SPL_E_TRUE:
		buf_putc(b, '*');
		return;
	case SPL_E_AND:
	case SPL_E_OR:
		buf_putc(b, '(');
		for (i = 0; i < e->nkids; i++) {
			if (i > 0)
				buf_puts(b, e->kind == SPL_E_AND ? " AND " :
				    " OR ");
			spl_expr_dump(e->kids[i], b);
		}
		buf_putc(b, ')');
		return;
	case SPL_E_NOT:
		buf_puts(b, "(NOT ");
		spl_expr_dump(e->kids[0], b);
		buf_putc(b, ')');
		return;
	case SPL_E_EQ:
	case SPL_E_NE:
		put_field(b, &e->field);
		if (!e->in)
			buf_puts(b, e->kind == SPL_E_EQ ? "=" : "!=");
		dump_set(e->set, e->in, b);
		return;
	}
}

static const char *
func_name(enum spl_func f)
{
	static const char *const	names[] = {
		[SPL_FN_COUNT] = "count", [SPL_FN_DC] = "dc",
		[SPL_FN_MIN] = "min", [SPL_FN_MAX] = "max",
		[SPL_FN_VALUES] = "values", [SPL_FN_LIST] = "list",
		[SPL_FN_EARLIEST] = "earliest", [SPL_FN_LATEST] = "latest",
		[SPL_FN_SUM] = "sum", [SPL_FN_AVG] = "avg",
	};

	return names[f];
}

static void
dump_stats(const struct spl_stats *st, struct buf *b)
{
	size_t	i;

	buf_puts(b, "| stats");
	for (i = 0; i < st->naggs; i++) {
		buf_printf(b, "%s\n    %s", i > 0 ? "," : "",
		    func_name(st->aggs[i].func));
		if (st->aggs[i].field.name != NULL) {
			buf_putc(b, '(');
			put_field(b, &st->aggs[i].field);
			buf_putc(b, ')');
		}
		buf_printf(b, " AS %s", st->aggs[i].as);
	}
	for (i = 0; i < st->nby; i++) {
		buf_puts(b, i > 0 ? ", " : "\n  BY ");
		put_field(b, &st->by[i]);
	}
	buf_putc(b, '\n');
}

static void
dump_cmd(const struct spl_cmd *c, struct buf *b)
{
	size_t	i;

	switch (c->kind) {
	case SPL_CMD_SEARCH:
		buf_puts(b, "| search ");
		spl_expr_dump(c->expr, b);
		break;
	case SPL_CMD_CONVERT:
		put_quoted(b, "| convert timeformat=", c->timeformat, "");
		for (i = 0; i < c->nconvert; i++) {
			buf_printf(b, " ctime(%s)", c->convert[i].field.name);
			if (c->convert[i].as != NULL)
				buf_printf(b, " AS %s", c->convert[i].as);
		}
		break;
	case SPL_CMD_TABLE:
	case SPL_CMD_FIELDS:
		buf_puts(b, c->kind == SPL_CMD_TABLE ? "| table" :
		    c->fields_remove ? "| fields -" : "| fields +");
		for (i = 0; i < c->nfields; i++)
			buf_printf(b, " %s", c->fields[i].name);
		break;
	case SPL_CMD_RENAME:
		buf_puts(b, "| rename");
		for (i = 0; i < c->nrename; i++)
			buf_printf(b, "%s %s AS %s", i > 0 ? "," : "",
			    c->rename[i].from, c->rename[i].to);
		break;
	default:
		buf_printf(b, "| command %d", (int)c->kind);
		break;
	}
	buf_putc(b, '\n');
}

void
spl_dump(const struct spl_search *s, struct buf *b)
{
	size_t	i;

	buf_puts(b, "search ");
	spl_expr_dump(s->base, b);
	buf_putc(b, '\n');
	if (s->has_stats)
		dump_stats(&s->stats, b);
	for (i = 0; i < s->ncmds; i++)
		dump_cmd(&s->cmds[i], b);
}
