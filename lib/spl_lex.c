/*
 * spl_lex.c - tokens of the expanded SPL text, pulled one at a time so
 * that the first error in text order is the one reported.
 *
 * A word is a run of bytes up to white space or one of | ( ) = , " and
 * "!=". Inside double quotes, \\ is one backslash and \" a quote; any
 * other backslash sequence stays as written (Splunk's rule).
 */
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "spl_int.h"

static int	 is_space(char);
static int	 is_break(const char *, size_t, size_t);
static int	 lex_string(struct spl_lexer *, struct spl_tok *,
		    struct spl_error *);
static int	 lex_word(struct spl_lexer *, struct spl_tok *,
		    struct spl_error *);
static int	 lex(struct spl_lexer *, struct spl_tok *, struct spl_error *);

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* 1 when s[i] ends a word. */
static int
is_break(const char *s, size_t len, size_t i)
{
	switch (s[i]) {
	case '|':
	case '(':
	case ')':
	case '=':
	case ',':
	case '"':
		return 1;
	case '!':
		return i + 1 < len && s[i + 1] == '=';
	default:
		return is_space(s[i]);
	}
}

static int
lex_string(struct spl_lexer *lx, struct spl_tok *t, struct spl_error *err)
{
	const char	*s = lx->text->s;
	size_t		 len = lx->text->len, i, n = 0;
	char		*v;

	for (i = lx->pos + 1; i < len && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < len)
			i++;
	if (i >= len) {
		spl_text_error(lx->text, lx->pos, err,
		    "unterminated quoted string");
		return -1;
	}
	if ((v = arena_alloc(lx->arena, i - lx->pos)) == NULL) {
		spl_text_error(lx->text, lx->pos, err, "out of memory");
		return -1;
	}
	t->kind = SPL_T_STRING;
	t->val = v;
	for (i = lx->pos + 1; s[i] != '"'; i++) {
		if (s[i] == '\\' && (s[i + 1] == '\\' || s[i + 1] == '"'))
			i++;
		v[n++] = s[i];
	}
	v[n] = '\0';
	t->len = n;
	lx->pos = i + 1;
	return 0;
}

static int
lex_word(struct spl_lexer *lx, struct spl_tok *t, struct spl_error *err)
{
	const char	*s = lx->text->s;
	size_t		 len = lx->text->len, i;

	for (i = lx->pos; i < len && !is_break(s, len, i); i++)
		;
	t->kind = SPL_T_WORD;
	t->len = i - lx->pos;
	if ((t->val = arena_strndup(lx->arena, s + lx->pos, t->len)) ==
	    NULL) {
		spl_text_error(lx->text, lx->pos, err, "out of memory");
		return -1;
	}
	lx->pos = i;
	return 0;
}

static int
lex(struct spl_lexer *lx, struct spl_tok *t, struct spl_error *err)
{
	const char	*s = lx->text->s;
	size_t		 len = lx->text->len;

	while (lx->pos < len && is_space(s[lx->pos]))
		lx->pos++;
	memset(t, 0, sizeof(*t));
	t->off = lx->pos;
	if (lx->pos == len) {
		t->kind = SPL_T_EOF;
		return 0;
	}
	switch (s[lx->pos]) {
	case '|':
		t->kind = SPL_T_PIPE;
		break;
	case '(':
		t->kind = SPL_T_LPAREN;
		break;
	case ')':
		t->kind = SPL_T_RPAREN;
		break;
	case ',':
		t->kind = SPL_T_COMMA;
		break;
	case '=':
		t->kind = SPL_T_EQ;
		break;
	case '"':
		return lex_string(lx, t, err);
	default:
		if (is_break(s, len, lx->pos)) {	/* "!=" */
			t->kind = SPL_T_NE;
			lx->pos += 2;
			return 0;
		}
		return lex_word(lx, t, err);
	}
	lx->pos++;
	return 0;
}

int
spl_lex_peek(struct spl_lexer *lx, struct spl_tok *t, struct spl_error *err)
{
	if (!lx->have_la) {
		if (lex(lx, &lx->la, err) == -1)
			return -1;
		lx->have_la = 1;
	}
	*t = lx->la;
	return 0;
}

int
spl_lex_next(struct spl_lexer *lx, struct spl_tok *t, struct spl_error *err)
{
	if (spl_lex_peek(lx, t, err) == -1)
		return -1;
	lx->have_la = 0;
	return 0;
}

const char *
spl_tok_name(enum spl_tok_kind k)
{
	switch (k) {
	case SPL_T_EOF:
		return "end of search";
	case SPL_T_WORD:
		return "word";
	case SPL_T_STRING:
		return "quoted string";
	case SPL_T_PIPE:
		return "'|'";
	case SPL_T_LPAREN:
		return "'('";
	case SPL_T_RPAREN:
		return "')'";
	case SPL_T_COMMA:
		return "','";
	case SPL_T_EQ:
		return "'='";
	case SPL_T_NE:
		return "'!='";
	}
	return "?";
}
