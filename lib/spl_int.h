/*
 * spl_int.h - what the SPL compiler's files share; not for other modules.
 *
 * spl_macro.c expands macros and comments into a struct spl_text that
 * remembers, for each byte, where it came from; spl_lex.c cuts that text
 * into tokens; spl_parse.c builds the pipeline; spl_match.c builds and
 * matches value sets and evaluates expressions; spl_dump.c prints.
 */
#ifndef NVMWATCH_SPL_INT_H
#define NVMWATCH_SPL_INT_H

#include <stddef.h>
#include <stdint.h>

#include "spl.h"

struct arena;
struct cidr_set;

/* A macro call that produced bytes of the expanded text. */
struct spl_origin {
	char	*name;		/* macro name */
	size_t	 parent;	/* enclosing call's index, 0 for none */
};

/* The expanded text; every byte knows its offset in the original. */
struct spl_text {
	const char		*orig;		/* borrowed original text */
	size_t			 origlen;
	char			*s;		/* expanded, NUL-terminated */
	size_t			 len, cap;
	uint32_t		*pos;		/* orig offset of byte i */
	uint32_t		*mac;		/* origin index of byte i; 0 none */
	struct spl_origin	*origins;	/* [0] unused */
	size_t			 norigins, origcap;
};

int	spl_text_expand(struct spl_text *, const char *, size_t,
	    const struct spl_macro_fn *, struct spl_error *);
void	spl_text_free(struct spl_text *);
/* Fills err's position and message for expanded offset off. */
void	spl_text_error(const struct spl_text *, size_t off,
	    struct spl_error *, const char *msg);

enum spl_tok_kind {
	SPL_T_EOF,
	SPL_T_WORD,		/* unquoted run */
	SPL_T_STRING,		/* "quoted", escapes resolved */
	SPL_T_PIPE,
	SPL_T_LPAREN,
	SPL_T_RPAREN,
	SPL_T_COMMA,
	SPL_T_EQ,
	SPL_T_NE,
};

struct spl_tok {
	enum spl_tok_kind	 kind;
	size_t			 off;	/* in the expanded text */
	char			*val;	/* WORD/STRING value, NUL-terminated */
	size_t			 len;
};

struct spl_lexer {
	const struct spl_text	*text;
	size_t			 pos;
	struct arena		*arena;	/* token values */
	struct spl_tok		 la;	/* lookahead */
	int			 have_la;
};

/* Returns 0 or -1 with err filled (unterminated string, out of memory). */
int	spl_lex_peek(struct spl_lexer *, struct spl_tok *, struct spl_error *);
int	spl_lex_next(struct spl_lexer *, struct spl_tok *, struct spl_error *);
const char *spl_tok_name(enum spl_tok_kind);

/* A wildcard value split at '*' into nseg (>= 2) case-folded segments. */
struct spl_glob {
	const char	*text;		/* folded, as written */
	const char	**seg;
	size_t		 *seglen;
	size_t		  nseg;
	size_t		  minlen;	/* sum of seglen */
};

struct spl_hent {
	const char	*s;		/* folded; NULL for an empty slot */
	uint32_t	 len;
	uint32_t	 hash;
};

/* The values one term (f=v) or IN list accepts. */
struct spl_valset {
	struct spl_hent		*tab;		/* exact values */
	size_t			 mask;		/* table size - 1 */
	size_t			 nexact;
	struct spl_glob		*globs;
	size_t			 nglob;
	struct cidr_set		*cidr;		/* NULL when none */
	int			 any;		/* a value was all '*' */
	size_t			 nvalues;	/* as written, for the dump */
};

enum spl_expr_kind {
	SPL_E_TRUE,
	SPL_E_AND,
	SPL_E_OR,
	SPL_E_NOT,
	SPL_E_EQ,
	SPL_E_NE,
};

struct spl_expr {
	enum spl_expr_kind	 kind;
	struct spl_field	 field;		/* EQ, NE */
	const struct spl_valset	*set;		/* EQ, NE */
	int			 in;		/* written as IN (...) */
	struct spl_expr		**kids;		/* AND, OR; NOT has one */
	size_t			 nkids, kidcap;
};

struct spl_search {
	struct arena		*arena;		/* everything but cidr sets */
	struct spl_expr		*base;
	struct spl_stats	 stats;
	int			 has_stats;
	struct spl_cmd		*cmds;
	size_t			 ncmds, cmdcap;
	struct cidr_set		**cidrs;	/* to free */
	size_t			 ncidrs, cidrcap;
};

/*
 * Builds the set for values[0..n) (unescaped text) in s's arena.
 * Returns NULL when out of memory.
 */
struct spl_valset	*spl_valset_new(struct spl_search *,
			    const char *const *values, const size_t *lens,
			    size_t n);
int			 spl_valset_match(const struct spl_valset *,
			    const char *, size_t);
unsigned char		 spl_fold(unsigned char);

/*
 * arr (*cap elements of size sz, from arena) with room for need: arr
 * itself, or a larger copy in arena (*cap updated); NULL when out of
 * memory.
 */
void	*spl_grow(struct arena *, void *arr, size_t *cap, size_t need,
	    size_t sz);

#endif
