/*
 * num.h - the one reading of numbers from text: what SPL treats as a
 * number (min, max, sum, avg, the sort of by-values, convert ctime), and
 * the JSON number grammar, for writers that put numbers unquoted.
 *
 * Both look at p[0..len) only: p need not be NUL-terminated and p[len]
 * is never read.
 */
#ifndef NVMWATCH_NUM_H
#define NVMWATCH_NUM_H

#include <stddef.h>

/*
 * 0 and *d when p[0..len) is, whole, a decimal number:
 *
 *	[+-]? digits* ( '.' digits* )? ( [eE] [+-]? digits+ )?
 *
 * with at least one digit before the exponent ("5", "-0.5", ".5", "5.",
 * "+1e9"), and its value is finite. Else -1 and *d untouched: white
 * space anywhere, hex ("0x10"), "inf", "nan", "1e999" and the empty text
 * are not numbers. The value is strtod()'s (correctly rounded) in the C
 * locale's reading of the same digits.
 */
int	num_parse(const char *p, size_t len, double *d);

/*
 * 1 when p[0..len) is a JSON number exactly (RFC 8259):
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; else 0.
 */
int	num_is_json(const char *p, size_t len);

#endif
