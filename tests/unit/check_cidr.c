/*
 * check_cidr.c - prefix sets: parsing, matching, mapped addresses, scale.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "testutil.h"

static struct cidr_set	*set_of(const char *const *);
static int		 match(const struct cidr_set *, const char *);
static const char	*prefix_text(const struct cidr_set *, size_t);

static struct cidr_set *
set_of(const char *const *prefixes)
{
	struct cidr_set	*set;

	set = cidr_set_new();
	ck_assert_ptr_nonnull(set);
	for (; *prefixes != NULL; prefixes++)
		ck_assert_msg(cidr_set_add(set, *prefixes,
		    strlen(*prefixes)) == 0, "add %s", *prefixes);
	return set;
}

static int
match(const struct cidr_set *set, const char *addr)
{
	return cidr_set_match_text(set, addr, strlen(addr));
}

static const char *
prefix_text(const struct cidr_set *set, size_t i)
{
	static char	text[CIDR_TEXT_MAX];

	ck_assert_int_eq(cidr_set_prefix(set, i, text, sizeof(text)), 0);
	return text;
}

START_TEST(test_v4)
{
	static const char *const p[] = { "10.0.0.0/8", "192.0.2.0/24",
	    "198.51.100.7", NULL };
	struct cidr_set	*set = set_of(p);

	ck_assert_uint_eq(cidr_set_count(set), 3);
	ck_assert_int_eq(match(set, "10.0.0.0"), 1);
	ck_assert_int_eq(match(set, "10.255.255.255"), 1);
	ck_assert_int_eq(match(set, "11.0.0.0"), 0);
	ck_assert_int_eq(match(set, "9.255.255.255"), 0);
	ck_assert_int_eq(match(set, "192.0.2.200"), 1);
	ck_assert_int_eq(match(set, "192.0.3.1"), 0);
	ck_assert_int_eq(match(set, "198.51.100.7"), 1);
	ck_assert_int_eq(match(set, "198.51.100.8"), 0);
	/* An IPv6 address outside any IPv6 prefix. */
	ck_assert_int_eq(match(set, "2001:db8::1"), 0);
	ck_assert_str_eq(prefix_text(set, 0), "10.0.0.0/8");
	ck_assert_str_eq(prefix_text(set, 2), "198.51.100.7/32");
	cidr_set_free(set);
}
END_TEST

START_TEST(test_v6)
{
	static const char *const p[] = { "2001:db8::/32", "fe80::/10",
	    "2001:db9::1", NULL };
	struct cidr_set	*set = set_of(p);

	ck_assert_int_eq(match(set, "2001:db8::"), 1);
	ck_assert_int_eq(match(set, "2001:db8:ffff:ffff::1"), 1);
	ck_assert_int_eq(match(set, "2001:db7::1"), 0);
	ck_assert_int_eq(match(set, "febf::1"), 1);
	ck_assert_int_eq(match(set, "fec0::1"), 0);
	ck_assert_int_eq(match(set, "2001:db9::1"), 1);
	ck_assert_int_eq(match(set, "2001:db9::2"), 0);
	ck_assert_int_eq(match(set, "10.0.0.1"), 0);
	ck_assert_str_eq(prefix_text(set, 0), "2001:db8::/32");
	ck_assert_str_eq(prefix_text(set, 2), "2001:db9::1/128");
	cidr_set_free(set);
}
END_TEST

START_TEST(test_mapped)
{
	static const char *const p[] = { "127.0.0.0/8",
	    "::ffff:192.0.2.0/120", NULL };
	struct cidr_set		*set = set_of(p);
	struct sockaddr_in6	 sin6;
	struct sockaddr_in	 sin;

	/* An IPv4 prefix matches the mapped form of its addresses. */
	ck_assert_int_eq(match(set, "::ffff:127.0.0.1"), 1);
	ck_assert_int_eq(match(set, "::ffff:128.0.0.1"), 0);
	/* A mapped prefix is an IPv4 prefix: it matches plain IPv4 too. */
	ck_assert_int_eq(match(set, "192.0.2.9"), 1);
	ck_assert_int_eq(match(set, "::ffff:192.0.2.9"), 1);
	ck_assert_str_eq(prefix_text(set, 1), "192.0.2.0/24");
	/* IPv4-compatible (::a.b.c.d) is not mapped. */
	ck_assert_int_eq(match(set, "::127.0.0.1"), 0);

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:127.1.2.3",
	    &sin6.sin6_addr), 1);
	ck_assert_int_eq(cidr_set_match_sa(set, (struct sockaddr *)&sin6), 1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ck_assert_int_eq(inet_pton(AF_INET, "127.9.9.9", &sin.sin_addr), 1);
	ck_assert_int_eq(cidr_set_match_sa(set, (struct sockaddr *)&sin), 1);
	ck_assert_int_eq(inet_pton(AF_INET, "10.9.9.9", &sin.sin_addr), 1);
	ck_assert_int_eq(cidr_set_match_sa(set, (struct sockaddr *)&sin), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_zero)
{
	static const char *const p4[] = { "0.0.0.0/0", NULL };
	static const char *const p6[] = { "::/0", NULL };
	struct cidr_set	*set;

	set = set_of(p4);
	ck_assert_int_eq(match(set, "0.0.0.0"), 1);
	ck_assert_int_eq(match(set, "255.255.255.255"), 1);
	ck_assert_int_eq(match(set, "::ffff:1.2.3.4"), 1);
	ck_assert_int_eq(match(set, "::1"), 0);
	cidr_set_free(set);

	set = set_of(p6);
	ck_assert_int_eq(match(set, "::"), 1);
	ck_assert_int_eq(match(set, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    1);
	ck_assert_int_eq(match(set, "::ffff:1.2.3.4"), 1);
	ck_assert_int_eq(match(set, "1.2.3.4"), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_host)
{
	static const char *const p[] = { "192.0.2.1/32", "2001:db8::1/128",
	    "::1", NULL };
	struct cidr_set	*set = set_of(p);

	ck_assert_int_eq(match(set, "192.0.2.1"), 1);
	ck_assert_int_eq(match(set, "192.0.2.0"), 0);
	ck_assert_int_eq(match(set, "192.0.2.2"), 0);
	ck_assert_int_eq(match(set, "2001:db8::1"), 1);
	ck_assert_int_eq(match(set, "2001:db8::"), 0);
	ck_assert_int_eq(match(set, "::1"), 1);
	ck_assert_int_eq(match(set, "::"), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_host_bits)
{
	static const char *const p[] = { "10.1.2.3/8", "2001:db8::1/32",
	    "10.0.0.0/8", "172.16.5.4/12", NULL };
	struct cidr_set	*set = set_of(p);

	/* Masked like Splunk: 10.1.2.3/8 is 10.0.0.0/8; kept once. */
	ck_assert_uint_eq(cidr_set_count(set), 3);
	ck_assert_str_eq(prefix_text(set, 0), "10.0.0.0/8");
	ck_assert_str_eq(prefix_text(set, 1), "2001:db8::/32");
	ck_assert_str_eq(prefix_text(set, 2), "172.16.0.0/12");
	ck_assert_int_eq(match(set, "10.200.0.1"), 1);
	ck_assert_int_eq(match(set, "172.31.255.255"), 1);
	ck_assert_int_eq(match(set, "172.32.0.0"), 0);
	cidr_set_free(set);
}
END_TEST

static const char *const bad[] = {
	"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/+8",
	"10.0.0.0/-1", "10.0.0.0/ 8", " 10.0.0.0/8", "10.0.0.0/8 ",
	"10.0.0.0/8/8", "10.0.0.0/0008", "10.0.0.0/0x8", "1.2.3", "1.2.3.4.5",
	"256.0.0.0", "010.0.0.1/8", "fe80::1%eth0", "fe80::1%eth0/64",
	"abc", "abc/8", "2001:db8:::1/64", "::ffff:1.2.3/120",
	"1111:2222:3333:4444:5555:6666:7777:8888:9999/128",
	"2001:0db8:0000:0000:0000:0000:0000:0001:/128",
};

START_TEST(test_bad)
{
	struct cidr_set	*set = cidr_set_new();
	const char	*s = bad[_i];

	ck_assert_int_eq(cidr_set_add(set, s, strlen(s)), -1);
	ck_assert_int_eq(cidr_is_prefix(s, strlen(s)), 0);
	ck_assert_uint_eq(cidr_set_count(set), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_bad_bytes)
{
	struct cidr_set	*set = cidr_set_new();
	char		 big[300];

	/* A NUL inside the length is not an address. */
	ck_assert_int_eq(cidr_set_add(set, "10.0.0.0\0/8", 11), -1);
	ck_assert_int_eq(cidr_set_add(set, "10.0.0.1\0", 9), -1);
	memset(big, '1', sizeof(big));
	ck_assert_int_eq(cidr_set_add(set, big, sizeof(big)), -1);
	ck_assert_int_eq(cidr_set_match_text(set, big, sizeof(big)), 0);
	ck_assert_uint_eq(cidr_set_count(set), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_not_terminated)
{
	struct cidr_set	*set = cidr_set_new();
	const char	*s = "10.0.0.0/8999 and more";

	/* Only len bytes count. */
	ck_assert_int_eq(cidr_set_add(set, s, 10), 0);
	ck_assert_str_eq(prefix_text(set, 0), "10.0.0.0/8");
	ck_assert_int_eq(cidr_set_match_text(set, "10.1.1.1x", 8), 1);
	ck_assert_int_eq(cidr_is_prefix(s, 10), 1);
	ck_assert_int_eq(cidr_is_prefix(s, 13), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_is_prefix)
{
	ck_assert_int_eq(cidr_is_prefix("10.0.0.0/8", 10), 1);
	ck_assert_int_eq(cidr_is_prefix("10.0.0.0/0", 10), 1);
	ck_assert_int_eq(cidr_is_prefix("::/0", 4), 1);
	ck_assert_int_eq(cidr_is_prefix("2001:db8::/128", 14), 1);
	/* A bare address is an ordinary string to the rule engine. */
	ck_assert_int_eq(cidr_is_prefix("10.0.0.1", 8), 0);
	ck_assert_int_eq(cidr_is_prefix("::1", 3), 0);
	ck_assert_int_eq(cidr_is_prefix("foo/8", 5), 0);
	ck_assert_int_eq(cidr_is_prefix("a/b/c", 5), 0);
}
END_TEST

START_TEST(test_match_text)
{
	static const char *const p[] = { "10.0.0.0/8", NULL };
	struct cidr_set	*set = set_of(p);

	ck_assert_int_eq(match(set, "10.0.0.0/8"), 0);
	ck_assert_int_eq(match(set, "not an address"), 0);
	ck_assert_int_eq(match(set, ""), 0);
	cidr_set_free(set);
}
END_TEST

START_TEST(test_other)
{
	static const char *const p[] = { "0.0.0.0/0", "::/0", NULL };
	struct cidr_set		*set = set_of(p);
	struct sockaddr_un	 sun;
	uint8_t			 addr[16] = { 0 };
	char			 small[8];

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_int_eq(cidr_set_match_sa(set, (struct sockaddr *)&sun), 0);
	ck_assert_int_eq(cidr_set_match(set, addr, 4), 1);
	ck_assert_int_eq(cidr_set_match(set, addr, 16), 1);
	ck_assert_int_eq(cidr_set_match(set, addr, 8), 0);
	ck_assert_int_eq(cidr_set_prefix(set, 2, small, sizeof(small)), -1);
	ck_assert_int_eq(cidr_set_prefix(set, 0, small, 4), -1);
	cidr_set_free(set);
	cidr_set_free(NULL);
}
END_TEST

/* Reference: does addr lie in any prefix of the table (length at [16])? */
static int
brute(const uint8_t (*pfx)[17], size_t n, const uint8_t *addr)
{
	size_t		i;
	unsigned	b, len;

	for (i = 0; i < n; i++) {
		len = pfx[i][16];
		for (b = 0; b < len; b++)
			if (((pfx[i][b / 8] ^ addr[b / 8]) >> (7 - b % 8)) & 1)
				break;
		if (b == len)
			return 1;
	}
	return 0;
}

START_TEST(test_many)
{
	struct cidr_set	*set = cidr_set_new();
	static uint8_t	 v4[4096][17], v6[4096][17];
	char		 text[CIDR_TEXT_MAX], a[INET6_ADDRSTRLEN];
	uint8_t		 addr[16];
	unsigned	 seed = 12345;
	size_t		 i, hits = 0;

	for (i = 0; i < 4096; i++) {
		memset(v4[i], 0, 17);
		memset(v6[i], 0, 17);
		v4[i][0] = 10;
		v4[i][1] = (uint8_t)(i >> 4);
		v4[i][2] = (uint8_t)(i << 4);
		v4[i][16] = 20 + (uint8_t)(i % 9);
		v4[i][2] &= (uint8_t)(v4[i][16] >= 24 ? 0xff :
		    0xff << (24 - v4[i][16]));
		inet_ntop(AF_INET, v4[i], a, sizeof(a));
		snprintf(text, sizeof(text), "%s/%u", a, v4[i][16]);
		ck_assert_int_eq(cidr_set_add(set, text, strlen(text)), 0);
		v6[i][0] = 0x20, v6[i][1] = 0x01, v6[i][2] = 0x0d;
		v6[i][3] = 0xb8;
		v6[i][4] = (uint8_t)(i >> 8), v6[i][5] = (uint8_t)i;
		v6[i][16] = 48;
		inet_ntop(AF_INET6, v6[i], a, sizeof(a));
		snprintf(text, sizeof(text), "%s/48", a);
		ck_assert_int_eq(cidr_set_add(set, text, strlen(text)), 0);
	}
	for (i = 0; i < 4000; i++) {
		seed = seed * 1103515245 + 12345;
		addr[0] = 10, addr[1] = (uint8_t)(seed >> 8);
		addr[2] = (uint8_t)(seed >> 16), addr[3] = (uint8_t)(seed >> 24);
		ck_assert_int_eq(cidr_set_match(set, addr, 4),
		    brute(v4, 4096, addr));
		hits += (size_t)cidr_set_match(set, addr, 4);
		memcpy(addr, v6[seed % 4096], 16);
		addr[5] ^= (uint8_t)((seed >> 20) & 1);
		addr[7] = (uint8_t)(seed >> 12);
		ck_assert_int_eq(cidr_set_match(set, addr, 16), 1);
		addr[4] |= 0x40;
		ck_assert_int_eq(cidr_set_match(set, addr, 16), 0);
	}
	ck_assert_uint_gt(hits, 0);
	ck_assert_uint_lt(hits, 4000);
	cidr_set_free(set);
}
END_TEST

static Suite *
cidr_suite(void)
{
	Suite	*s = suite_create("cidr");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_v4);
	tcase_add_test(tc, test_v6);
	tcase_add_test(tc, test_mapped);
	tcase_add_test(tc, test_zero);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_host_bits);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof(bad) /
	    sizeof(bad[0])));
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_not_terminated);
	tcase_add_test(tc, test_is_prefix);
	tcase_add_test(tc, test_match_text);
	tcase_add_test(tc, test_other);
	tcase_add_test(tc, test_many);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run_suite(cidr_suite());
}
