/*
 * cidr.h - sets of IPv4/IPv6 prefixes, matched as addresses.
 *
 * Used for the exporter allow-list and, later, for CIDR values in rules.
 * IPv4 prefixes also match IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).
 *
 * Parsing is strict: the address is what inet_pton(3) accepts (dotted quad,
 * or IPv6 text without a zone), the length is decimal digits only, 0..32 for
 * IPv4 and 0..128 for IPv6. Host bits set below the length are accepted and
 * masked off, as Splunk's cidrmatch does: "10.1.2.3/8" is 10.0.0.0/8. An
 * IPv4-mapped prefix (::ffff:a.b.c.d/len, len >= 96) is stored as the IPv4
 * prefix a.b.c.d/(len - 96), so it matches IPv4 addresses too.
 *
 * A set is a pair of binary tries (IPv4, IPv6); a match walks at most 32 or
 * 128 nodes and never allocates. A set is not changed by matching, so
 * several threads may match against one set that no one adds to.
 */
#ifndef NVMWATCH_CIDR_H
#define NVMWATCH_CIDR_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct cidr_set;

struct cidr_set	*cidr_set_new(void);
void		 cidr_set_free(struct cidr_set *);
/*
 * Adds "a.b.c.d/len", "x::y/len" or a bare address (a host prefix).
 * Returns 0, or -1 when s (len bytes, not NUL-terminated necessarily) is
 * not an address or prefix, or on allocation failure.
 */
int		 cidr_set_add(struct cidr_set *, const char *s, size_t len);
size_t		 cidr_set_count(const struct cidr_set *);
/* 1 when the address (4 or 16 octets, network order) is in the set. */
int		 cidr_set_match(const struct cidr_set *, const uint8_t *addr,
		    size_t addrlen);
/* The same for a sockaddr (AF_INET or AF_INET6); 0 for other families. */
int		 cidr_set_match_sa(const struct cidr_set *,
		    const struct sockaddr *);
/* The same for an address in text form; 0 when text is no address. */
int		 cidr_set_match_text(const struct cidr_set *, const char *text,
		    size_t len);
/* 1 when s (len bytes) has CIDR form "addr/len" with a valid address. */
int		 cidr_is_prefix(const char *s, size_t len);

/* Room for any prefix in text form, NUL included. */
#define CIDR_TEXT_MAX	52
/*
 * Writes the i-th distinct prefix added (0 <= i < count, in the order
 * added; duplicates are kept once) in canonical form, "10.0.0.0/8" or
 * "2001:db8::/32", to out (size bytes, CIDR_TEXT_MAX is enough). Returns 0,
 * or -1 when i is out of range or out is too small.
 */
int		 cidr_set_prefix(const struct cidr_set *, size_t i, char *out,
		    size_t size);

#endif
