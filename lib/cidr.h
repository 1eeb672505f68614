/*
 * cidr.h - sets of IPv4/IPv6 prefixes, matched as addresses.
 *
 * Used for the exporter allow-list and, later, for CIDR values in rules.
 * IPv4 prefixes also match IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).
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

#endif
