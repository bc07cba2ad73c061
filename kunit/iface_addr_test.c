// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of which interface-list addresses a channel may go to
 * (src/iface_addr.c, issue 17 finding 9).
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/string.h>

#include "iface_addr.h"

static struct sockaddr_storage v4(const char *s)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = in_aton(s);
	return ss;
}

static struct sockaddr_storage v6(struct kunit *test, const char *s)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

	sin6->sin6_family = AF_INET6;
	KUNIT_ASSERT_EQ(test, in6_pton(s, -1, sin6->sin6_addr.s6_addr, -1,
				       NULL), 1);
	return ss;
}

static const char *refused(const struct sockaddr_storage *a,
			   const struct sockaddr_storage *mounted)
{
	const char *why = smb3mc_iface_addr_refused(a, mounted);

	return why ? why : "ok";
}

static void iface_addr_v4(struct kunit *test)
{
	struct sockaddr_storage m = v4("198.18.1.121"), a;

	a = v4("198.18.1.121");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v4("10.0.0.7");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v4("127.0.0.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "loopback");
	a = v4("127.1.2.3");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "loopback");
	a = v4("0.0.0.0");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "unspecified");
	a = v4("169.254.1.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "link-local");
	a = v4("224.0.0.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "multicast");
	a = v4("239.255.255.250");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "multicast");
	a = v4("255.255.255.255");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "broadcast");
}

static void iface_addr_v6(struct kunit *test)
{
	struct sockaddr_storage m = v6(test, "2001:db8::1"), a;

	a = v6(test, "2001:db8::2");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v6(test, "::1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "loopback");
	a = v6(test, "::");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "unspecified");
	a = v6(test, "fe80::1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "link-local");
	a = v6(test, "ff02::1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "multicast");
	a = v6(test, "::ffff:127.0.0.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "loopback");
	a = v6(test, "::ffff:198.18.1.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	/* A family that is neither. */
	a.ss_family = AF_UNIX;
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "unspecified");
}

/* A mount of an address of a kind allows further ones of that kind. */
static void iface_addr_same_kind_as_mount(struct kunit *test)
{
	struct sockaddr_storage m = v4("127.0.0.1"), a;

	a = v4("127.0.0.2");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v6(test, "::1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v4("169.254.1.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "link-local");
	m = v6(test, "fe80::5");
	a = v4("169.254.1.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "ok");
	a = v4("127.0.0.1");
	KUNIT_EXPECT_STREQ(test, refused(&a, &m), "loopback");
}

static struct kunit_case iface_addr_cases[] = {
	KUNIT_CASE(iface_addr_v4),
	KUNIT_CASE(iface_addr_v6),
	KUNIT_CASE(iface_addr_same_kind_as_mount),
	{}
};

static struct kunit_suite iface_addr_suite = {
	.name = "smb3mc_iface_addr",
	.test_cases = iface_addr_cases,
};
kunit_test_suite(iface_addr_suite);
