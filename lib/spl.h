/*
 * spl.h - the SPL subset of the Splunk detections, compiled for a stream.
 *
 * spl_compile() turns the text of a detection's search into a pipeline:
 *
 *   1. the base search (everything before the first '|', and every
 *      `search` command before `stats`, ANDed together): a boolean tree
 *      of field terms, evaluated on each record by spl_match();
 *   2. at most one `stats` command: a spec (struct spl_stats) for the
 *      window table that groups matching records;
 *   3. the commands after `stats` (struct spl_cmd, in order): evaluated
 *      on each result row. When there is no `stats`, they apply to each
 *      matching record as a row.
 *
 * Before parsing, the text is expanded: ```comments``` become a space and
 * `macro` / `macro(a, b)` calls are replaced by the definition the caller
 * supplies (struct spl_macro_fn), recursively. Errors still point at the
 * original text: a line and a column (1-based, in bytes; a tab is one
 * column). An error inside an expansion points at the backtick of the
 * outermost macro call in the original text and says "in macro NAME".
 *
 * Base search semantics (docs/SPL_SEMANTICS.md, "The base search"):
 *  - values compare case-insensitively (ASCII case folding), field names
 *    case-sensitively; field names resolve through the field dictionary
 *    (CIM name, collector key or alias). A name the dictionary does not
 *    know is kept with index FIELD_NONE: on a record it is always missing.
 *  - '*' is a wildcard anywhere in a value, a backslash cannot escape it;
 *    inside double quotes \\ is one backslash, \" a quote, any other
 *    backslash sequence stays as written.
 *  - a value in CIDR form (cidr_is_prefix()) matches addresses by prefix;
 *    a field value that is not an address never matches it. Any other
 *    value ("::1") is a string comparison.
 *  - precedence: parentheses, NOT, OR, then AND (implicit or written):
 *    "a b OR c" is "a AND (b OR c)". NOT, AND, OR and IN are keywords only
 *    in upper case and unquoted, as in Splunk.
 *  - a field with no value (absent, or an empty list) is missing:
 *    "f=v" and "f=*" are false, "NOT f=v" is true, "f!=v" is false.
 *  - multivalue: "f=v" is true when any value matches; "f!=v" is true
 *    when any value does not match (Splunk's behaviour; so for f = {a, b},
 *    both "f=a" and "f!=a" are true, while "NOT f=a" is false).
 *  - a bare word is full-text search, which is not supported (an error),
 *    except "*" alone, which matches everything.
 *  - backticks inside a double-quoted string are literal (no macro call):
 *    PowerShell command lines use them.
 *
 * Matching allocates nothing: exact values of a term or IN list are a
 * case-folded hash set, CIDR values one cidr_set, wildcard values
 * precompiled literal segments.
 *
 * A compiled search is immutable: several threads may match with it.
 */
#ifndef NVMWATCH_SPL_H
#define NVMWATCH_SPL_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct field_dict;
struct rec_str;
struct record;
struct spl_expr;
struct spl_search;

/* A compile error. The caller adds the file name. */
struct spl_error {
	int	line;		/* 1-based; 0 when there is no position */
	int	column;		/* 1-based, in bytes */
	char	msg[256];
};

/*
 * A macro definition, as the caller's lookup returns it. The strings are
 * borrowed: they must stay valid until spl_compile() returns.
 */
struct spl_macro_def {
	const char		*definition;	/* NUL-terminated SPL text */
	size_t			 nargs;		/* length of argnames */
	const char *const	*argnames;	/* $name$ is replaced by arg */
};

/*
 * The caller's macros. lookup() is given the macro's name (NUL-terminated)
 * and the number of arguments at the call (Splunk keys macros by both:
 * "security_content_ctime(1)"); it fills *def and returns 0, or returns -1
 * when there is no such macro. A macro whose name ends in "_filter" that
 * lookup() does not know expands to "search *", as the detections expect
 * of a site without filters. A lookup that finds a definition with a
 * different argument count is an error.
 */
struct spl_macro_fn {
	int	 (*lookup)(void *arg, const char *name, size_t nargs,
		    struct spl_macro_def *def);
	void	  *arg;
};

/* Macro calls nest at most this deep; a cycle is an error before that. */
#define SPL_MACRO_DEPTH		32
/* The expanded text is at most this long. */
#define SPL_TEXT_MAX		(1024 * 1024)

/* A field as the search names it; index is FIELD_NONE when not in dict. */
struct spl_field {
	const char	*name;
	int		 index;
};

enum spl_func {
	SPL_FN_COUNT,		/* count, count(f), c, c(f) */
	SPL_FN_DC,		/* dc(f), distinct_count(f) */
	SPL_FN_MIN,
	SPL_FN_MAX,
	SPL_FN_VALUES,
	SPL_FN_LIST,
	SPL_FN_EARLIEST,
	SPL_FN_LATEST,
	SPL_FN_SUM,
	SPL_FN_AVG,
};

/* One aggregation of stats. */
struct spl_agg {
	enum spl_func		 func;
	struct spl_field	 field;		/* name NULL for plain count */
	const char		*as;		/* output name: "as x", else
						   "count" or "func(field)" */
};

/* The stats command: aggregations in order, then the by-fields. */
struct spl_stats {
	const struct spl_agg	*aggs;
	size_t			 naggs;
	const struct spl_field	*by;
	size_t			 nby;
};

/*
 * Commands after stats. The kinds after SPL_CMD_FIELDS are reserved for
 * the streaming commands still to come; spl_compile() rejects them today.
 */
enum spl_cmd_kind {
	SPL_CMD_SEARCH,		/* search: expr */
	SPL_CMD_CONVERT,	/* convert: timeformat, convert/nconvert */
	SPL_CMD_TABLE,		/* table: fields/nfields, in order */
	SPL_CMD_RENAME,		/* rename: rename/nrename */
	SPL_CMD_FIELDS,		/* fields: fields/nfields, fields_remove */
	SPL_CMD_WHERE,
	SPL_CMD_EVAL,
	SPL_CMD_REGEX,
	SPL_CMD_REX,
	SPL_CMD_LOOKUP,
};

/* convert ... ctime(field) [as as]: as is NULL to replace field itself. */
struct spl_convert {
	struct spl_field	 field;
	const char		*as;
};

struct spl_rename {
	const char	*from;
	const char	*to;
};

/*
 * One command; only the members of its kind are set. Field names in
 * table/fields may contain '*' (Splunk's patterns); they are kept as
 * written for the row engine to interpret.
 */
struct spl_cmd {
	enum spl_cmd_kind		 kind;
	int				 line, column;	/* of the command */
	const struct spl_expr		*expr;		/* SEARCH */
	const char			*timeformat;	/* CONVERT: strftime
							   format; Splunk's
							   default when not
							   given */
	const struct spl_convert	*convert;
	size_t				 nconvert;
	const struct spl_field		*fields;	/* TABLE, FIELDS */
	size_t				 nfields;
	int				 fields_remove;	/* FIELDS - */
	const struct spl_rename		*rename;
	size_t				 nrename;
};

/* Splunk's convert timeformat when none is given. */
#define SPL_TIMEFORMAT_DEFAULT	"%m/%d/%Y %H:%M:%S"

/*
 * Compiles text[0..len) (need not be NUL-terminated). dict is borrowed for
 * the call only: field indices are resolved now, and records given to
 * spl_match() MUST come from dict (or a dict with the same indices).
 * macros may be NULL (no macros; *_filter still expands). Returns a search
 * the caller frees with spl_free(), or NULL with *err filled (syntax,
 * unsupported feature, macro error, or "out of memory").
 */
struct spl_search	*spl_compile(const char *text, size_t len,
			    const struct field_dict *dict,
			    const struct spl_macro_fn *macros,
			    struct spl_error *err);
/* NULL is a no-op. */
void			 spl_free(struct spl_search *);

/* 1 when the record passes the base search, else 0. Allocates nothing. */
int			 spl_match(const struct spl_search *,
			    const struct record *);

/* The base search's expression; borrowed from the search. */
const struct spl_expr	*spl_search_expr(const struct spl_search *);
/* The stats spec, or NULL when the search has no stats; borrowed. */
const struct spl_stats	*spl_search_stats(const struct spl_search *);
/* Commands after stats (or after the base search when there is none). */
size_t			 spl_search_ncmds(const struct spl_search *);
const struct spl_cmd	*spl_search_cmd(const struct spl_search *, size_t i);

/*
 * The values of field f for the evaluator: returns n values (*n set) or
 * NULL when f is missing (*n may be left unset). Values are borrowed for
 * the duration of the spl_expr_eval() call.
 */
typedef const struct rec_str *spl_get_fn(void *arg, const struct spl_field *f,
    uint32_t *n);

/*
 * Evaluates e over the values get() returns: the same code serves records
 * (spl_match) and result rows (search after stats). Allocates nothing.
 */
int			 spl_expr_eval(const struct spl_expr *e,
			    spl_get_fn *get, void *arg);

/*
 * Appends the compiled pipeline to b in a canonical form for golden
 * tests: a fully parenthesised tree, IN sets sorted, CIDRs canonical,
 * field names not in the dictionary marked with '?', then stats and the
 * commands, one per line.
 */
void			 spl_dump(const struct spl_search *, struct buf *b);
void			 spl_expr_dump(const struct spl_expr *, struct buf *b);

#endif
