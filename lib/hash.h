/*
 * hash.h - the one string hash the tables of nvmwatch use (FNV-1a, 32 bits).
 *
 * Keys are short (names, udids, addresses) and tables are power-of-two
 * sized with chaining or linear probing; FNV-1a is fast and good enough.
 * Tables that hold attacker-chosen keys cap their chains or entries.
 */
#ifndef NVMWATCH_HASH_H
#define NVMWATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint32_t
hash_bytes(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint32_t		 h = 2166136261u;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

#endif
