// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mount option parsing (src/options.c).
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>

#include "options.h"
#include "smb2.h"

static struct smb3mc_opts *opts_new(struct kunit *test)
{
	struct smb3mc_opts *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	smb3mc_opts_init(o);
	return o;
}

static void opts_defaults(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);

	KUNIT_EXPECT_EQ(test, o->port, 445);
	KUNIT_EXPECT_EQ(test, o->dialect, 0);
	KUNIT_EXPECT_TRUE(test, o->sign);
	KUNIT_EXPECT_FALSE(test, o->nobrl);
	KUNIT_EXPECT_EQ(test, o->file_mode, 0755);
	KUNIT_EXPECT_EQ(test, o->dir_mode, 0755);
	KUNIT_EXPECT_EQ(test, o->max_channels, 0);
	KUNIT_EXPECT_EQ(test, o->actimeo, 1);
	KUNIT_EXPECT_EQ(test, o->closetimeo, 1);
	KUNIT_EXPECT_EQ(test, o->echo_interval, 10);
	smb3mc_opts_free(o);
}

static void opts_strings(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "username", "alice", &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->password_last);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "pass", "s3cr,et", &msg), 0);
	/* What follows may be the rest of it: super.c names it nowhere. */
	KUNIT_EXPECT_TRUE(test, o->password_last);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "tail", NULL, &msg), -EINVAL);
	KUNIT_EXPECT_FALSE(test, o->password_last);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "password", "s3cr,et", &msg),
			0);
	KUNIT_EXPECT_TRUE(test, o->password_last);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "dom", "WORK", &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->password_last);
	KUNIT_EXPECT_STREQ(test, o->username, "alice");
	KUNIT_EXPECT_STREQ(test, o->password, "s3cr,et");
	KUNIT_EXPECT_STREQ(test, o->domain, "WORK");
	/* A later value replaces an earlier one. */
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "user", "bob", &msg), 0);
	KUNIT_EXPECT_STREQ(test, o->username, "bob");
	smb3mc_opts_free(o);
}

static void opts_numbers(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "port", "4450", &msg), 0);
	KUNIT_EXPECT_EQ(test, o->port, 4450);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "port", "0", &msg), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "port", "65536", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "port", "44x", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "file_mode", "0640", &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->file_mode, 0640);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "dir_mode", "0999", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "uid", "1000", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "gid", "-1", &msg), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "actimeo", "30", &msg), 0);
	KUNIT_EXPECT_EQ(test, o->actimeo, 30);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "closetimeo", "0", &msg), 0);
	KUNIT_EXPECT_EQ(test, o->closetimeo, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "closetimeo", "86401", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, o->closetimeo, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "echo_interval", "0", &msg),
			-EINVAL);
	smb3mc_opts_free(o);
}

static void opts_channels(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "max_channels", "0", &msg),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "max_channels", "17", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "max_channels", "16", &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->max_channels, 16);
	/* "multichannel" keeps an explicit count, as cifs.ko does. */
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "multichannel", NULL, &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->max_channels, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nomultichannel", NULL, &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->max_channels, 1);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "multichannel", NULL, &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->max_channels, SMB3MC_DEFAULT_CHANNELS);
	smb3mc_opts_free(o);
}

static void opts_vers(struct kunit *test)
{
	static const struct {
		const char *value;
		int rc;
		u16 dialect;
	} cases[] = {
		{ "3", 0, 0 },
		{ "3.0", 0, SMB30_DIALECT },
		{ "3.02", 0, SMB302_DIALECT },
		{ "3.1.1", 0, SMB311_DIALECT },
		{ "2.1", -EINVAL, 0 },
		{ "1.0", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
	};
	struct smb3mc_opts *o = opts_new(test);
	const char *msg;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		o->dialect = 0;
		KUNIT_EXPECT_EQ_MSG(test,
				    smb3mc_opts_set(o, "vers", cases[i].value,
						    &msg),
				    cases[i].rc, "vers=%s", cases[i].value);
		KUNIT_EXPECT_EQ(test, o->dialect, cases[i].dialect);
	}
	smb3mc_opts_free(o);
}

static void opts_flags_and_unknown(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nosign", NULL, &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->sign);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "sign", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->sign);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "sign", "yes", &msg),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "bogus", "1", &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "unknown option");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "bogus", NULL, &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "username", NULL, &msg),
			-EINVAL);
	smb3mc_opts_free(o);
}

/* hard by default; soft fails after soft_timeout= seconds. */
static void opts_hard_soft(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_FALSE(test, o->soft);
	KUNIT_EXPECT_EQ(test, o->soft_timeout, SMB3MC_DEFAULT_SOFT_TIMEOUT);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->soft);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "hard", NULL, &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->soft);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft", "1", &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "12", &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->soft_timeout, 12);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "3600", &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->soft_timeout, SMB3MC_MAX_SOFT_TIMEOUT);
	/* 0 would fail every request of an outage at once; no hour-long. */
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "0", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "3601", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "-1", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", "5s", &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "soft_timeout", NULL, &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, o->soft_timeout, SMB3MC_MAX_SOFT_TIMEOUT);
	smb3mc_opts_free(o);
}

/* seal and require_gcm_256 are flags; the cipher needs 3.1.1. */
static void opts_encryption(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_FALSE(test, o->seal);
	KUNIT_EXPECT_FALSE(test, o->require_gcm_256);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "seal", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->seal);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "seal", "1", &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "require_gcm_256", NULL,
					      &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->require_gcm_256);
	KUNIT_ASSERT_EQ(test, smb3mc_opts_set_source(o, "//198.18.1.2/s",
						     &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "username", "u", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "vers", "3.1.1", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "vers", "3.02", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "require_gcm_256 needs vers=3.1.1");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "vers", "3.0", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), -EINVAL);
	smb3mc_opts_free(o);
}

/* nobrl keeps byte-range locks local; brl, the default, undoes it. */
static void opts_brl(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nobrl", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->nobrl);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nobrl", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->nobrl);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "brl", NULL, &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->nobrl);
	msg = NULL;
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nobrl", "1", &msg),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "brl", "", &msg), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nobrls", NULL, &msg),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "NOBRL", NULL, &msg),
			-EINVAL);
	KUNIT_EXPECT_FALSE(test, o->nobrl);
	smb3mc_opts_free(o);
}

static void opts_addresses(struct kunit *test)
{
	/* A name; out of range; not the whole value; a scope's name */
	static const char * const bad[] = {
		"fileserver", "198.18.1.256", "198.18.1.2:8445", "198.18.1.2x",
		"2001:db8::2/64", "fe80::1%eth0", "fe80::1%",
	};
	struct smb3mc_opts *o = opts_new(test);
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&o->addr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->addr;
	const char *msg = NULL;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "ip", "198.18.1.2", &msg), 0);
	KUNIT_EXPECT_EQ(test, o->addr.ss_family, AF_INET);
	KUNIT_EXPECT_EQ(test, sin->sin_addr.s_addr, htonl(0xc6120102));
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "ip", "2001:db8::2", &msg),
			0);
	KUNIT_EXPECT_EQ(test, o->addr.ss_family, AF_INET6);
	KUNIT_EXPECT_EQ(test, sin6->sin6_addr.s6_addr[15], 2);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, smb3mc_opts_set(o, "ip", bad[i], &msg),
				    -EINVAL, "ip=%s", bad[i]);
	/* An IPv6 scope is an interface index. */
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "ip", "fe80::1%2", &msg), 0);
	KUNIT_EXPECT_EQ(test, sin6->sin6_scope_id, 2U);
	KUNIT_EXPECT_EQ(test, sin6->sin6_addr.s6_addr[15], 1);
	smb3mc_opts_free(o);
}

static void opts_source(struct kunit *test)
{
	static const struct {
		const char *src;
		int rc;
		const char *host, *share;
	} cases[] = {
		{ "//srv/share", 0, "srv", "share" },
		{ "\\\\srv\\share", 0, "srv", "share" },
		{ "//198.18.1.2/data/", 0, "198.18.1.2", "data" },
		{ "//srv", -EINVAL },
		{ "//srv/", -EINVAL },
		{ "///share", -EINVAL },
		{ "/srv/share", -EINVAL },
		{ "//srv/share/dir", -EINVAL },
		{ "", -EINVAL },
	};
	const char *msg;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct smb3mc_opts *o = opts_new(test);

		KUNIT_EXPECT_EQ_MSG(test,
				    smb3mc_opts_set_source(o, cases[i].src,
							   &msg),
				    cases[i].rc, "source %s", cases[i].src);
		if (!cases[i].rc) {
			KUNIT_EXPECT_STREQ(test, o->host, cases[i].host);
			KUNIT_EXPECT_STREQ(test, o->share, cases[i].share);
		}
		smb3mc_opts_free(o);
	}
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set_source(opts_new(test), NULL,
						     &msg), -EINVAL);
}

static void opts_split(struct kunit *test)
{
	char data[] = ",username=u,password=a,,b=c,,,nosign,";
	char *rest = data, *key, *value;

	KUNIT_ASSERT_EQ(test, smb3mc_opts_split(rest, &rest, &key, &value), 1);
	KUNIT_EXPECT_STREQ(test, key, "username");
	KUNIT_EXPECT_STREQ(test, value, "u");
	/* ",," is a literal comma; only the first '=' splits. */
	KUNIT_ASSERT_EQ(test, smb3mc_opts_split(rest, &rest, &key, &value), 1);
	KUNIT_EXPECT_STREQ(test, key, "password");
	KUNIT_EXPECT_STREQ(test, value, "a,b=c,");
	/* What the unescaping moved up leaves zeros, no copy of its end. */
	KUNIT_EXPECT_PTR_EQ(test, rest, data + 30);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(value + 6, 0, rest - value - 6));
	KUNIT_ASSERT_EQ(test, smb3mc_opts_split(rest, &rest, &key, &value), 1);
	KUNIT_EXPECT_STREQ(test, key, "nosign");
	KUNIT_EXPECT_NULL(test, value);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_split(rest, &rest, &key, &value), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_split(NULL, &rest, &key, &value), 0);
}

/* Takes every option but "bogus..." and counts what it was given. */
static int opts_take_one(void *arg, const char *key, char *value)
{
	int *taken = arg;

	if (!strncmp(key, "bogus", 5))
		return -EINVAL;
	(*taken)++;
	return 0;
}

static void opts_parse_data(struct kunit *test)
{
	char data[] = "username=u,bogus=Z7,password=Qx,,W,nosign";
	char good[] = "username=u,password=Qx,,W";
	/* A single comma: its end taken as an option, refused */
	char tail[] = "password=Qx,bogusW";
	size_t len = sizeof(data) - 1;
	int taken = 0;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_parse_data(good, opts_take_one,
						     &taken), 0);
	KUNIT_EXPECT_EQ(test, taken, 2);
	taken = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_opts_parse_data(data, opts_take_one,
						     &taken), -EINVAL);
	KUNIT_EXPECT_EQ(test, taken, 1);
	/* Nothing of the refused value, or of the password after it. */
	KUNIT_EXPECT_NULL(test, memchr(data, 'Z', len));
	KUNIT_EXPECT_NULL(test, memchr(data, 'Q', len));
	KUNIT_EXPECT_NULL(test, memchr(data, 'W', len));
	KUNIT_EXPECT_STREQ(test, data, "username");
	taken = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_opts_parse_data(tail, opts_take_one,
						     &taken), -EINVAL);
	KUNIT_EXPECT_NULL(test, memchr(tail, 'W', sizeof(tail) - 1));
}

static void opts_validate(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	struct sockaddr_in *sin = (struct sockaddr_in *)&o->addr;
	const char *msg = NULL;

	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), -EINVAL);
	KUNIT_ASSERT_EQ(test, smb3mc_opts_set_source(o, "//fs/share", &msg),
			0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "username", "u", &msg), 0);
	/* A host name needs ip=: the kernel does not resolve names. */
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(msg, "ip="));
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "ip", "198.18.1.2", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "port", "4445", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), 0);
	KUNIT_EXPECT_EQ(test, ntohs(sin->sin_port), 4445);
	smb3mc_opts_free(o);

	o = opts_new(test);
	sin = (struct sockaddr_in *)&o->addr;
	KUNIT_ASSERT_EQ(test, smb3mc_opts_set_source(o, "//198.18.1.2/s",
						     &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "username= is required");
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "username", "u", &msg), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_validate(o, &msg), 0);
	KUNIT_EXPECT_EQ(test, ntohs(sin->sin_port), 445);
	smb3mc_opts_free(o);
}

/* Leases by default; nolease asks for none, and lease undoes it. */
static void opts_lease(struct kunit *test)
{
	struct smb3mc_opts *o = opts_new(test);
	const char *msg = NULL;

	KUNIT_EXPECT_FALSE(test, o->nolease);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nolease", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->nolease);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "lease", NULL, &msg), 0);
	KUNIT_EXPECT_FALSE(test, o->nolease);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nolease", NULL, &msg), 0);
	KUNIT_EXPECT_TRUE(test, o->nolease);
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "noleases", NULL, &msg),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, o->nolease);
	/* A value fails the mount; what it left in o does not matter. */
	msg = NULL;
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "nolease", "1", &msg),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	msg = NULL;
	KUNIT_EXPECT_EQ(test, smb3mc_opts_set(o, "lease", "", &msg), -EINVAL);
	KUNIT_EXPECT_STREQ(test, msg, "takes no value");
	smb3mc_opts_free(o);
}

static struct kunit_case smb3mc_options_cases[] = {
	KUNIT_CASE(opts_defaults),
	KUNIT_CASE(opts_strings),
	KUNIT_CASE(opts_numbers),
	KUNIT_CASE(opts_channels),
	KUNIT_CASE(opts_vers),
	KUNIT_CASE(opts_flags_and_unknown),
	KUNIT_CASE(opts_hard_soft),
	KUNIT_CASE(opts_encryption),
	KUNIT_CASE(opts_brl),
	KUNIT_CASE(opts_lease),
	KUNIT_CASE(opts_addresses),
	KUNIT_CASE(opts_source),
	KUNIT_CASE(opts_split),
	KUNIT_CASE(opts_parse_data),
	KUNIT_CASE(opts_validate),
	{}
};

static struct kunit_suite smb3mc_options_suite = {
	.name = "smb3mc_options",
	.test_cases = smb3mc_options_cases,
};

kunit_test_suite(smb3mc_options_suite);
