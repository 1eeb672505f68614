/*
 * yamldoc.c - a libyaml document with error places; see yamldoc.h.
 *
 * The parser lives as long as the document so that yamldoc_end() can look
 * for a second document after the loader has walked the first: the config
 * loader reports a bad first document before a syntax error further on,
 * the rule loader the other way round.
 *
 * libyaml's marks are 0-based and count characters; messages give them
 * 1-based. A reader error (bad encoding) has a byte offset and no mark, so
 * its line and column are counted over the text here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamldoc.h"

struct yamldoc {
	const char		*text;		/* borrowed */
	size_t			 len;
	yaml_parser_t		 parser;
	yaml_document_t		 doc;
	struct yamldoc_error	*err;		/* borrowed */
};

static void	yamldoc_error_init(struct yamldoc_error *, const char *);
static void	yamldoc_error_msg(struct yamldoc_error *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	yamldoc_syntax(struct yamldoc *);

int
yamldoc_read_file(const char *path, size_t max, char **text, size_t *len,
    struct yamldoc_error *err)
{
	FILE	*f;
	int	 r = -1;

	yamldoc_error_init(err, path);
	*len = 0;
	if ((*text = malloc(max + 1)) == NULL) {
		yamldoc_error_msg(err, "out of memory");
		return -1;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		yamldoc_error_msg(err, "cannot open: %s", strerror(errno));
		goto done;
	}
	*len = fread(*text, 1, max + 1, f);
	if (ferror(f))
		yamldoc_error_msg(err, "cannot read: %s", strerror(errno));
	else if (*len > max)
		yamldoc_error_msg(err, "larger than %zu bytes", max);
	else
		r = 0;
	fclose(f);
 done:
	if (r == -1) {
		free(*text);
		*text = NULL;
	}
	return r;
}

struct yamldoc *
yamldoc_load(const char *text, size_t len, size_t max, const char *name,
    struct yamldoc_error *err)
{
	struct yamldoc	*yd;

	yamldoc_error_init(err, name);
	if (len > max) {
		yamldoc_error_msg(err, "larger than %zu bytes", max);
		return NULL;
	}
	if ((yd = calloc(1, sizeof(*yd))) == NULL) {
		yamldoc_error_msg(err, "out of memory");
		return NULL;
	}
	yd->text = text;
	yd->len = len;
	yd->err = err;
	if (!yaml_parser_initialize(&yd->parser)) {
		yamldoc_error_msg(err, "out of memory");
		free(yd);
		return NULL;
	}
	yaml_parser_set_input_string(&yd->parser, (const unsigned char *)text,
	    len);
	if (!yaml_parser_load(&yd->parser, &yd->doc)) {
		yamldoc_syntax(yd);
		yaml_parser_delete(&yd->parser);
		free(yd);
		return NULL;
	}
	return yd;
}

int
yamldoc_end(struct yamldoc *yd)
{
	yaml_document_t	 next;
	yaml_node_t	*root;
	int		 r = 0;

	if (!yaml_parser_load(&yd->parser, &next)) {
		yamldoc_syntax(yd);
		return -1;
	}
	if ((root = yaml_document_get_root_node(&next)) != NULL)
		r = yamldoc_fail(yd, root, "only one YAML document is allowed");
	yaml_document_delete(&next);
	return r;
}

void
yamldoc_free(struct yamldoc *yd)
{
	if (yd == NULL)
		return;
	yaml_document_delete(&yd->doc);
	yaml_parser_delete(&yd->parser);
	free(yd);
}

/* Fills the error from libyaml's: syntax, bad encoding, memory. */
static void
yamldoc_syntax(struct yamldoc *yd)
{
	const yaml_parser_t	*parser = &yd->parser;
	struct yamldoc_error	*err = yd->err;
	const char		*problem;
	size_t			 i;

	problem = parser->problem ? parser->problem : "unknown error";
	if (parser->error == YAML_MEMORY_ERROR) {
		yamldoc_error_msg(err, "out of memory");
		return;
	}
	if (parser->error == YAML_READER_ERROR) {
		/* problem_offset is in bytes: count lines ourselves. */
		err->line = err->column = 1;
		for (i = 0; i < parser->problem_offset && i < yd->len; i++) {
			if (yd->text[i] == '\n')
				err->line++, err->column = 1;
			else
				err->column++;
		}
		yamldoc_error_msg(err, "invalid input: %s", problem);
		return;
	}
	err->line = (int)parser->problem_mark.line + 1;
	err->column = (int)parser->problem_mark.column + 1;
	if (parser->context)
		yamldoc_error_msg(err, "syntax error: %s (%s)", problem,
		    parser->context);
	else
		yamldoc_error_msg(err, "syntax error: %s", problem);
}

yaml_node_t *
yamldoc_root(struct yamldoc *yd)
{
	return yaml_document_get_root_node(&yd->doc);
}

yaml_node_t *
yamldoc_node(struct yamldoc *yd, int index)
{
	return yaml_document_get_node(&yd->doc, index);
}

size_t
yamldoc_nitems(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top -
	    seq->data.sequence.items.start);
}

yaml_node_t *
yamldoc_item(struct yamldoc *yd, const yaml_node_t *seq, size_t i)
{
	return yaml_document_get_node(&yd->doc,
	    seq->data.sequence.items.start[i]);
}

int
yamldoc_is_null(const yaml_node_t *n)
{
	const char	*s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)n->data.scalar.value;
	return n->data.scalar.length == 0 || strcmp(s, "~") == 0 ||
	    strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0;
}

int
yamldoc_fail(struct yamldoc *yd, const yaml_node_t *node, const char *fmt,
    ...)
{
	va_list	ap;

	if (node != NULL) {
		yd->err->line = (int)node->start_mark.line + 1;
		yd->err->column = (int)node->start_mark.column + 1;
	}
	va_start(ap, fmt);
	vsnprintf(yd->err->msg, sizeof(yd->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
yamldoc_expected(struct yamldoc *yd, const yaml_node_t *node,
    const char *path, const char *what)
{
	char	found[64];

	if (node->type == YAML_MAPPING_NODE)
		snprintf(found, sizeof(found), "a mapping");
	else if (node->type == YAML_SEQUENCE_NODE)
		snprintf(found, sizeof(found), "a sequence");
	else if (yamldoc_is_null(node))
		snprintf(found, sizeof(found), "an empty value");
	else
		yamldoc_quote(found, sizeof(found),
		    (const char *)node->data.scalar.value,
		    node->data.scalar.length);
	return yamldoc_fail(yd, node, "%s: expected %s, not %s", path, what,
	    found);
}

void
yamldoc_quote(char *out, size_t size, const char *s, size_t len)
{
	char	t[48];
	size_t	i, n;

	n = len > 40 ? 40 : len;
	for (i = 0; i < n; i++)
		/* Unsigned, so bytes past ASCII read the same on every
		 * platform: '?' like the control characters. */
		t[i] = ((unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f) ? '?' : s[i];
	t[n] = '\0';
	snprintf(out, size, "\"%s%s\"", t, len > n ? "..." : "");
}

void
yamldoc_join(char *out, size_t size, const char *path, const char *name)
{
	int	n;

	if (path[0] != '\0')
		n = snprintf(out, size, "%s.%s", path, name);
	else
		n = snprintf(out, size, "%s", name);
	if (n < 0)
		out[0] = '\0';
}

void
yamldoc_key_path(char *out, size_t size, const char *path,
    const yaml_node_t *k)
{
	char	name[64];

	yamldoc_quote(name, sizeof(name), (const char *)k->data.scalar.value,
	    k->data.scalar.length);
	/* Drop the quotes: the path reads "udp.bacth". */
	name[strlen(name) - 1] = '\0';
	yamldoc_join(out, size, path, name + 1);
}

int
yamldoc_number(const char *s, size_t len, const struct yamldoc_suffix *sfx,
    uint64_t *out)
{
	uint64_t	v = 0, mult = 1;
	size_t		i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || len - i > 1)
		return -1;
	if (i < len && (mult = yamldoc_suffix(sfx, s[i])) == 0)
		return -1;
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

uint64_t
yamldoc_suffix(const struct yamldoc_suffix *sfx, char c)
{
	for (; sfx != NULL && sfx->c != 0; sfx++)
		if (sfx->c == c)
			return sfx->mult;
	return 0;
}

static void
yamldoc_error_init(struct yamldoc_error *err, const char *file)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
}

static void
yamldoc_error_msg(struct yamldoc_error *err, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}
