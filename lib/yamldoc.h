/*
 * yamldoc.h - a libyaml document with error places: the part of loading a
 * YAML file that the config loader (config.c) and the rule loader (rule.c)
 * share.
 *
 * A loader reads its file whole (yamldoc_read_file()), loads the text into
 * a document (yamldoc_load()), walks the nodes against its own tables and
 * stops at the first problem, reported through the document: at a node
 * (yamldoc_fail()) or as a value of the wrong kind (yamldoc_expected(),
 * "path: expected what, not <what the node is>"). Every error lands in the
 * one struct yamldoc_error the loader passed to yamldoc_load(): the file,
 * libyaml's marks made 1-based, and the message. The loader copies it into
 * its own error struct (YAMLDOC_ERROR_COPY()).
 *
 * Nothing is printed. The walking itself (which keys a mapping may hold,
 * what a value must look like) stays in the loaders.
 *
 * This header includes <yaml.h>: only the loaders, yamldoc.c and its test
 * include it, so that libyaml stays in them.
 */
#ifndef NVMWATCH_YAMLDOC_H
#define NVMWATCH_YAMLDOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yaml.h>

struct yamldoc;

/* An error about a file; the shape of struct config_error and rule_error. */
struct yamldoc_error {
	char	file[256];
	int	line;		/* 1-based; 0 when not about a place */
	int	column;		/* 1-based */
	char	msg[512];
};

/*
 * Copies *src into *dst, a struct with the same four members of the same
 * sizes (checked when compiled): struct config_error, struct rule_error.
 */
#define YAMLDOC_ERROR_COPY(dst, src) do {				\
	_Static_assert(sizeof((dst)->file) == sizeof((src)->file) &&	\
	    sizeof((dst)->msg) == sizeof((src)->msg),			\
	    "the error structs differ");				\
	memcpy((dst)->file, (src)->file, sizeof((dst)->file));		\
	(dst)->line = (src)->line;					\
	(dst)->column = (src)->column;					\
	memcpy((dst)->msg, (src)->msg, sizeof((dst)->msg));		\
} while (0)

/* A unit letter of a number and what it multiplies by; c 0 ends a table. */
struct yamldoc_suffix {
	char		c;
	uint64_t	mult;
};

/*
 * Reads the file at path whole, at most max bytes. Returns 0 with *text
 * (malloc'd, not NUL-terminated; the caller frees it) and *len, or -1 with
 * *text NULL and err filled: file path, line 0, "cannot open: ...",
 * "cannot read: ...", "larger than MAX bytes" or "out of memory".
 */
int		 yamldoc_read_file(const char *path, size_t max, char **text,
		    size_t *len, struct yamldoc_error *err);

/*
 * Loads the first YAML document of text (len bytes; more than max is an
 * error). name stands for the file in err (NULL: ""). Returns a document,
 * or NULL with err filled: "larger than MAX bytes", "out of memory",
 * "syntax error: ..." at libyaml's mark, "invalid input: ..." (bad
 * encoding) at the offending byte. On success err holds the name and no
 * message.
 *
 * text and err are borrowed and must outlive the document: every failure
 * reported through it (yamldoc_end(), yamldoc_fail(), yamldoc_expected())
 * fills err.
 */
struct yamldoc	*yamldoc_load(const char *text, size_t len, size_t max,
		    const char *name, struct yamldoc_error *err);
/*
 * Checks that the stream holds no second document; call it once. Returns
 * 0, or -1 ("only one YAML document is allowed" at the second one's root,
 * or a syntax error further on). A loader may walk the first document
 * before or after: whichever comes first reports its error.
 */
int		 yamldoc_end(struct yamldoc *);
/* Frees the document; NULL is a no-op. */
void		 yamldoc_free(struct yamldoc *);

/* The first document's root; NULL when it is empty (comments only). */
yaml_node_t	*yamldoc_root(struct yamldoc *);
/* The node of index, as mapping pairs hold them (pair->key, ->value). */
yaml_node_t	*yamldoc_node(struct yamldoc *, int index);
/* The number of items of sequence node seq. */
size_t		 yamldoc_nitems(const yaml_node_t *seq);
/* Item i (< yamldoc_nitems()) of sequence node seq. */
yaml_node_t	*yamldoc_item(struct yamldoc *, const yaml_node_t *seq,
		    size_t i);
/* 1 when node is YAML's null: a plain scalar empty, ~ or null. */
int		 yamldoc_is_null(const yaml_node_t *);

/*
 * The error: at node (its start; NULL keeps the place err has), the
 * message from fmt. Returns -1, for "return yamldoc_fail(...)".
 */
int		 yamldoc_fail(struct yamldoc *, const yaml_node_t *node,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * "path: expected what, not X" at node, X "a mapping", "a sequence", "an
 * empty value" or the scalar quoted (yamldoc_quote()). Returns -1.
 */
int		 yamldoc_expected(struct yamldoc *, const yaml_node_t *node,
		    const char *path, const char *what);

/*
 * s (len bytes) as "text" for a message into out: at most 40 bytes, then
 * "...", control characters as '?'. size 64 always holds it.
 */
void		 yamldoc_quote(char *out, size_t size, const char *s,
		    size_t len);
/*
 * "path.name" (or "name" when path is "") into out; a long path is cut,
 * it only labels a message.
 */
void		 yamldoc_join(char *out, size_t size, const char *path,
		    const char *name);
/*
 * path joined with key node k's text, made printable and cut as
 * yamldoc_quote() does, without the quotes: "udp.bacth".
 */
void		 yamldoc_key_path(char *out, size_t size, const char *path,
		    const yaml_node_t *k);

/*
 * Decimal digits and at most one letter of sfx (NULL: none) into *out,
 * multiplied. Returns 0, or -1 when s is anything else or too large (the
 * digits at most 18446744073709551609, the product at most UINT64_MAX).
 */
int		 yamldoc_number(const char *s, size_t len,
		    const struct yamldoc_suffix *sfx, uint64_t *out);
/* What letter c multiplies by in sfx (NULL: none); 0 when not there. */
uint64_t	 yamldoc_suffix(const struct yamldoc_suffix *sfx, char c);

#endif
