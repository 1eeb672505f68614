/*
 * row.h - one result row: what stats emits and the commands after it see.
 *
 * A row is an ordered list of named fields, each with zero or more text
 * values, plus the window it summarises and flags. The window table
 * (window.c) builds rows; the row commands (row_cmd.c: convert, table,
 * rename, fields, search) rewrite them in place; alert.c renders them.
 *
 * All strings live in the row's own arena: row_reset() forgets them at
 * once. Values handed to the setters are copied. A row is built, passed
 * down the pipeline and reset; nothing keeps a pointer into it.
 */
#ifndef NVMWATCH_ROW_H
#define NVMWATCH_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"		/* struct rec_str */

/* Row flags (struct row.flags). */
#define ROW_LATE	0x01	/* window had already emitted; late records */
#define ROW_PARTIAL	0x02	/* emitted before its window closed (group cap,
				   or emit: first) */
#define ROW_TRUNCATED	0x04	/* a values/list/dc cap or the byte cap cut
				   something in this row */
#define ROW_FIRST	0x08	/* emit: first - the group's first record */

/* Field flags (struct row_field.flags). */
#define ROWF_MV		0x01	/* a list (values(), list(), a multivalue
				   record field): rendered as an array even
				   with one value */
#define ROWF_NUM	0x02	/* every value is a number (count, dc, sum,
				   avg, numeric min/max): rendered as a
				   JSON number */

struct row_field {
	const char	*name;		/* NUL-terminated, in the row's arena */
	struct rec_str	*vals;		/* nvals values, in the row's arena */
	uint32_t	 nvals;		/* 0: the field is null */
	unsigned	 flags;		/* ROWF_* */
};

struct row {
	struct arena		*arena;
	struct row_field	*f;		/* fields in order; malloc'd */
	size_t			 n, cap;
	double			 window_start;	/* epoch seconds */
	double			 window_end;
	unsigned		 flags;		/* ROW_* */
};

/* Initialises r with its own arena; -1 on allocation failure. */
int			 row_init(struct row *r);
/* Frees what row_init() and the setters allocated. */
void			 row_free(struct row *r);
/* Forgets every field and flag; keeps the memory for the next row. */
void			 row_reset(struct row *r);

/* The field named name, or NULL. */
struct row_field	*row_find(struct row *r, const char *name);
const struct row_field	*row_find_const(const struct row *r,
			    const char *name);
/*
 * Adds the field name at the end, or empties it when present (keeping its
 * position); copies name. Returns the field or NULL when out of memory.
 * A row_field pointer is valid until the next row_set()/row_remove().
 */
struct row_field	*row_set(struct row *r, const char *name,
			    unsigned flags);
/* Appends a copy of v[0..len) to f; -1 when out of memory. */
int			 row_add_value(struct row *r, struct row_field *f,
			    const char *v, size_t len);
/* row_set() and one value: the usual single-valued field. */
struct row_field	*row_set1(struct row *r, const char *name,
			    const char *v, size_t len, unsigned flags);
/* Removes field i, keeping the order of the others. */
void			 row_remove(struct row *r, size_t i);

#endif
