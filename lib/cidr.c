/*
 * cidr.c - sets of IPv4/IPv6 prefixes; see cidr.h.
 *
 * Each family has its own binary trie in one node pool: bit i of the
 * address picks child[bit] at depth i, and a node marked final ends a
 * prefix. A match descends until it meets a final node (a match) or a
 * missing child (no match). Node 0 is never a child, so 0 means "none".
 * Besides the tries the set keeps the distinct prefixes in the order added,
 * for cidr_set_prefix() (configuration dumps).
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

#define CIDR_ROOT4	1
#define CIDR_ROOT6	2

struct cidr_node {
	uint32_t	child[2];
	uint8_t		final;
};

struct cidr_prefix {
	uint8_t		addr[16];	/* masked; IPv4 in the first 4 octets */
	uint8_t		len;
	uint8_t		v6;
};

struct cidr_set {
	struct cidr_node	*nodes;
	uint32_t		 nnodes;
	uint32_t		 capnodes;
	struct cidr_prefix	*prefixes;
	size_t			 nprefixes;
	size_t			 capprefixes;
};

static int	cidr_parse(const char *, size_t, int, struct cidr_prefix *);
static int	cidr_parse_len(const char *, unsigned, unsigned *);
static void	cidr_unmap(struct cidr_prefix *);
static void	cidr_mask(struct cidr_prefix *);
static int	cidr_bit(const uint8_t *, unsigned);
static int	cidr_is_mapped(const uint8_t *);
static uint32_t	cidr_node_new(struct cidr_set *);
static int	cidr_insert(struct cidr_set *, const struct cidr_prefix *);
static int	cidr_reserve(struct cidr_set *);
static int	cidr_walk(const struct cidr_set *, uint32_t, const uint8_t *,
		    unsigned);

static const uint8_t cidr_mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

struct cidr_set *
cidr_set_new(void)
{
	struct cidr_set	*set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return NULL;
	set->capnodes = 64;
	if ((set->nodes = calloc(set->capnodes, sizeof(*set->nodes))) == NULL) {
		free(set);
		return NULL;
	}
	/* Node 0 stands for "none"; 1 and 2 are the roots. */
	set->nnodes = 3;
	return set;
}

void
cidr_set_free(struct cidr_set *set)
{
	if (set == NULL)
		return;
	free(set->nodes);
	free(set->prefixes);
	free(set);
}

int
cidr_set_add(struct cidr_set *set, const char *s, size_t len)
{
	struct cidr_prefix	p;
	int			r;

	if (cidr_parse(s, len, 0, &p) == -1)
		return -1;
	cidr_unmap(&p);
	cidr_mask(&p);
	if (cidr_reserve(set) == -1)
		return -1;
	if ((r = cidr_insert(set, &p)) <= 0)
		return r;
	set->prefixes[set->nprefixes++] = p;
	return 0;
}

size_t
cidr_set_count(const struct cidr_set *set)
{
	return set->nprefixes;
}

int
cidr_set_match(const struct cidr_set *set, const uint8_t *addr,
    size_t addrlen)
{
	if (addrlen == 4)
		return cidr_walk(set, CIDR_ROOT4, addr, 32);
	if (addrlen != 16)
		return 0;
	if (cidr_walk(set, CIDR_ROOT6, addr, 128))
		return 1;
	return cidr_is_mapped(addr) &&
	    cidr_walk(set, CIDR_ROOT4, addr + 12, 32);
}

int
cidr_set_match_sa(const struct cidr_set *set, const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		return cidr_set_match(set, (const uint8_t *)&sin->sin_addr, 4);
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		return cidr_set_match(set,
		    (const uint8_t *)&sin6->sin6_addr, 16);
	default:
		return 0;
	}
}

int
cidr_set_match_text(const struct cidr_set *set, const char *text, size_t len)
{
	struct cidr_prefix	p;

	if (cidr_parse(text, len, -1, &p) == -1)
		return 0;
	return cidr_set_match(set, p.addr, p.v6 ? 16 : 4);
}

int
cidr_is_prefix(const char *s, size_t len)
{
	struct cidr_prefix	p;

	return cidr_parse(s, len, 1, &p) == 0;
}

int
cidr_set_prefix(const struct cidr_set *set, size_t i, char *out, size_t size)
{
	const struct cidr_prefix	*p;
	char				 a[INET6_ADDRSTRLEN];
	int				 n;

	if (i >= set->nprefixes)
		return -1;
	p = &set->prefixes[i];
	if (inet_ntop(p->v6 ? AF_INET6 : AF_INET, p->addr, a, sizeof(a)) ==
	    NULL)
		return -1;
	n = snprintf(out, size, "%s/%u", a, p->len);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * Parses "addr", "addr/len" into p (not masked). slash: 1 the "/len" is
 * required, 0 it is optional, -1 it is not allowed.
 */
static int
cidr_parse(const char *s, size_t len, int slash, struct cidr_prefix *p)
{
	char		 text[INET6_ADDRSTRLEN + 8];
	const char	*sl;
	size_t		 alen;
	unsigned	 max;

	memset(p, 0, sizeof(*p));
	if (len == 0 || len >= sizeof(text) || memchr(s, '\0', len) != NULL)
		return -1;
	sl = memchr(s, '/', len);
	if ((sl == NULL && slash == 1) || (sl != NULL && slash == -1))
		return -1;
	alen = sl ? (size_t)(sl - s) : len;
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (inet_pton(AF_INET, text, p->addr) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, text, p->addr) == 1)
		max = 128, p->v6 = 1;
	else
		return -1;
	p->len = (uint8_t)max;
	if (sl == NULL)
		return 0;
	if (cidr_parse_len(sl + 1, (unsigned)(len - alen - 1), &max) == -1)
		return -1;
	p->len = (uint8_t)max;
	return 0;
}

/* Decimal digits only, at most 3, value at most *val; stored in *val. */
static int
cidr_parse_len(const char *s, unsigned n, unsigned *val)
{
	unsigned	v = 0, i;

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > *val)
		return -1;
	*val = v;
	return 0;
}

/* An IPv4-mapped IPv6 prefix of length >= 96 becomes the IPv4 prefix. */
static void
cidr_unmap(struct cidr_prefix *p)
{
	if (!p->v6 || p->len < 96 || !cidr_is_mapped(p->addr))
		return;
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, 12);
	p->len -= 96;
	p->v6 = 0;
}

/* Clears the host bits: the prefix as Splunk's cidrmatch reads it. */
static void
cidr_mask(struct cidr_prefix *p)
{
	unsigned	i;

	for (i = p->len; i < 128; i++)
		if (i % 8 == 0)
			p->addr[i / 8] = 0;
		else
			p->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

static int
cidr_bit(const uint8_t *addr, unsigned i)
{
	return (addr[i / 8] >> (7 - i % 8)) & 1;
}

static int
cidr_is_mapped(const uint8_t *addr)
{
	return memcmp(addr, cidr_mapped_prefix, sizeof(cidr_mapped_prefix))
	    == 0;
}

/* A fresh node's index, or 0 on allocation failure. */
static uint32_t
cidr_node_new(struct cidr_set *set)
{
	struct cidr_node	*n;
	uint32_t		 cap;

	if (set->nnodes == set->capnodes) {
		if (set->capnodes > UINT32_MAX / 2)
			return 0;
		cap = set->capnodes * 2;
		if ((n = reallocarray(set->nodes, cap, sizeof(*n))) == NULL)
			return 0;
		set->nodes = n;
		set->capnodes = cap;
	}
	memset(&set->nodes[set->nnodes], 0, sizeof(*set->nodes));
	return set->nnodes++;
}

/* Returns 1 when p is new, 0 when it was in the set already, -1 on ENOMEM. */
static int
cidr_insert(struct cidr_set *set, const struct cidr_prefix *p)
{
	uint32_t	node, next;
	unsigned	i;
	int		b;

	node = p->v6 ? CIDR_ROOT6 : CIDR_ROOT4;
	for (i = 0; i < p->len; i++) {
		b = cidr_bit(p->addr, i);
		if ((next = set->nodes[node].child[b]) == 0) {
			if ((next = cidr_node_new(set)) == 0)
				return -1;
			set->nodes[node].child[b] = next;
		}
		node = next;
	}
	if (set->nodes[node].final)
		return 0;
	set->nodes[node].final = 1;
	return 1;
}

/* Room for one more prefix in the list. */
static int
cidr_reserve(struct cidr_set *set)
{
	struct cidr_prefix	*np;
	size_t			 cap;

	if (set->nprefixes == set->capprefixes) {
		cap = set->capprefixes ? set->capprefixes * 2 : 8;
		if ((np = reallocarray(set->prefixes, cap, sizeof(*np))) ==
		    NULL)
			return -1;
		set->prefixes = np;
		set->capprefixes = cap;
	}
	return 0;
}

static int
cidr_walk(const struct cidr_set *set, uint32_t node, const uint8_t *addr,
    unsigned bits)
{
	unsigned	i;

	for (i = 0; ; i++) {
		if (set->nodes[node].final)
			return 1;
		if (i == bits)
			return 0;
		if ((node = set->nodes[node].child[cidr_bit(addr, i)]) == 0)
			return 0;
	}
}
