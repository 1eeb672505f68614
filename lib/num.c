/*
 * num.c - numbers read from text; see num.h.
 *
 * The grammar is checked by hand first, so strtod() never sees what it
 * would take and SPL would not (leading space, hex, inf, nan, locale
 * radix). The common case, a plain decimal of at most 15 digits, needs no
 * strtod() at all: that is most of the cost of min(_time).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#define NUM_STACK	64	/* longer texts are copied to the heap */

static size_t	digits(const char *, size_t, size_t);
static int	num_syntax(const char *, size_t, int *);
static int	num_decimal(const char *, size_t, double *);
static int	num_strtod(const char *, size_t, double *);

/* The number of digits from p[i] on. */
static size_t
digits(const char *p, size_t len, size_t i)
{
	size_t	start = i;

	while (i < len && p[i] >= '0' && p[i] <= '9')
		i++;
	return i - start;
}

/* 0 when p[0..len) has the grammar of num.h; *exp says it has an
 * exponent. */
static int
num_syntax(const char *p, size_t len, int *exp)
{
	size_t	i = 0, n, frac = 0;

	if (i < len && (p[i] == '-' || p[i] == '+'))
		i++;
	n = digits(p, len, i);
	i += n;
	if (i < len && p[i] == '.') {
		frac = digits(p, len, i + 1);
		i += 1 + frac;
	}
	if (n + frac == 0)
		return -1;
	*exp = 0;
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < len && (p[i] == '-' || p[i] == '+'))
			i++;
		if ((n = digits(p, len, i)) == 0)
			return -1;
		i += n;
		*exp = 1;
	}
	return i == len ? 0 : -1;
}

int
num_parse(const char *p, size_t len, double *d)
{
	int	exp;

	if (num_syntax(p, len, &exp) == -1)
		return -1;
	if (!exp && num_decimal(p, len, d) == 0)
		return 0;
	return num_strtod(p, len, d);
}

/*
 * [+-]digits[.digits] (checked already) with at most 15 digits: then the
 * digits make an integer below 2^53 and the power of ten is exact, so the
 * one division rounds correctly, to what strtod() would return. -1 when
 * there are more digits.
 */
static int
num_decimal(const char *p, size_t len, double *d)
{
	static const double	 pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
	    1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	const char		*e = p + len;
	uint64_t		 m = 0;
	int			 neg = 0, n = 0, frac = -1;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; p < e; p++) {
		if (*p == '.') {
			frac = 0;
			continue;
		}
		m = m * 10 + (uint64_t)(*p - '0');
		if (++n > 15)
			return -1;
		if (frac >= 0)
			frac++;
	}
	*d = (double)m / pow10[frac > 0 ? frac : 0];
	if (neg)
		*d = -*d;
	return 0;
}

/* strtod() over a NUL-terminated copy; a finite result only. */
static int
num_strtod(const char *p, size_t len, double *d)
{
	char	 stack[NUM_STACK], *copy = stack, *end;
	double	 v;
	int	 rc;

	if (len >= sizeof(stack) && (copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, p, len);
	copy[len] = '\0';
	v = strtod(copy, &end);
	rc = end == copy + len && isfinite(v) ? 0 : -1;
	if (copy != stack)
		free(copy);
	if (rc == 0)
		*d = v;
	return rc;
}

int
num_is_json(const char *p, size_t len)
{
	size_t	i = 0, n;

	if (i < len && p[i] == '-')
		i++;
	if (i < len && p[i] == '0')
		i++;
	else if ((n = digits(p, len, i)) == 0)
		return 0;
	else
		i += n;
	if (i < len && p[i] == '.') {
		if ((n = digits(p, len, i + 1)) == 0)
			return 0;
		i += 1 + n;
	}
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		if ((n = digits(p, len, i)) == 0)
			return 0;
		i += n;
	}
	return i == len;
}
