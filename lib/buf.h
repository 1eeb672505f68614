/*
 * buf.h - a growable byte buffer for rendering text (JSON lines, alerts).
 */
#ifndef NVMWATCH_BUF_H
#define NVMWATCH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;		/* NUL-terminated when len < cap */
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* an append ran out of memory; the text is cut */
};

/* Zero-initialised struct buf is valid and empty. */
void	buf_free(struct buf *);
void	buf_reset(struct buf *);
void	buf_append(struct buf *, const void *, size_t);
void	buf_puts(struct buf *, const char *);
void	buf_putc(struct buf *, char);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends s[0..len) as a JSON string, quotes included; bytes that are not
 * valid UTF-8 are written as \u00XX of the byte so nothing is lost. */
void	buf_json_string(struct buf *, const char *, size_t);
/*
 * Length of the valid UTF-8 sequence at p (n > 0 bytes available): 1 for
 * ASCII, 2 to 4 for a well-formed sequence (no overlongs, surrogates or
 * code points past U+10FFFF), or 0 when the bytes are not one.
 */
size_t	utf8_valid_len(const unsigned char *p, size_t n);

#endif
