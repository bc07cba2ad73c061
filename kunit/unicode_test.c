// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the UTF-8 <-> UTF-16LE conversion (src/unicode.c): plain
 * strings, paths and names.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "unicode.h"

static int to16(const char *s, __le16 *out, size_t out_max)
{
	return smb3mc_path_to_utf16(s, strlen(s), out, out_max);
}

static void expect_units(struct kunit *test, const __le16 *got,
			 const u16 *want, int n)
{
	int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, le16_to_cpu(got[i]), want[i]);
}

static void path_ascii(struct kunit *test)
{
	static const u16 dir_file[] = { 'd', 'i', 'r', '\\', 'f' };
	__le16 out[16];

	KUNIT_ASSERT_EQ(test, to16("/dir/f", out, sizeof(out)), 10);
	expect_units(test, out, dir_file, 5);
	/* Doubled and trailing separators do not make empty components */
	KUNIT_ASSERT_EQ(test, to16("dir//f/", out, sizeof(out)), 10);
	expect_units(test, out, dir_file, 5);
	/* The share root */
	KUNIT_EXPECT_EQ(test, to16("", out, sizeof(out)), 0);
	KUNIT_EXPECT_EQ(test, to16("/", out, sizeof(out)), 0);
	KUNIT_EXPECT_EQ(test, to16("//", out, 0), 0);
	/* Only @len bytes are read */
	KUNIT_EXPECT_EQ(test, smb3mc_path_to_utf16("abc", 1, out, sizeof(out)),
			2);
}

static void path_unicode(struct kunit *test)
{
	/* e-acute, euro sign, U+1F600 (a surrogate pair in UTF-16) */
	static const u16 want[] = { 0x00e9, '\\', 0x20ac, 0xd83d, 0xde00 };
	__le16 out[8];

	KUNIT_ASSERT_EQ(test, to16("\xc3\xa9/\xe2\x82\xac\xf0\x9f\x98\x80",
				   out, sizeof(out)), 10);
	expect_units(test, out, want, 5);
}

static void path_invalid(struct kunit *test)
{
	__le16 out[16];

	/* Truncated sequence, overlong '/', encoded surrogate, stray byte */
	KUNIT_EXPECT_EQ(test, to16("a\xc3", out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, to16("a\xc0\xaf", out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, to16("\xed\xa0\x80", out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, to16("\x80", out, sizeof(out)), -EINVAL);
	/* A backslash would name another file on the server */
	KUNIT_EXPECT_EQ(test, to16("a\\b", out, sizeof(out)), -EINVAL);
	/* Embedded NUL */
	KUNIT_EXPECT_EQ(test, smb3mc_path_to_utf16("a\0b", 3, out,
						   sizeof(out)), -EINVAL);
}

static void path_too_long(struct kunit *test)
{
	__le16 out[4], *big16;
	char *big;

	KUNIT_EXPECT_EQ(test, to16("abcd", out, sizeof(out)), 8);
	KUNIT_EXPECT_EQ(test, to16("abcde", out, sizeof(out)), -ENAMETOOLONG);
	/* The separator itself does not fit */
	KUNIT_EXPECT_EQ(test, to16("abcd/e", out, sizeof(out)),
			-ENAMETOOLONG);
	KUNIT_EXPECT_EQ(test, to16("ab/c", out, sizeof(out)), 8);
	/* A surrogate pair needs two units */
	KUNIT_EXPECT_EQ(test, to16("abc\xf0\x9f\x98\x80", out, sizeof(out)),
			-ENAMETOOLONG);
	/* NameLength is 16 bits: 32768 units do not fit it */
	big = kunit_kmalloc(test, 32768, GFP_KERNEL);
	big16 = kunit_kmalloc(test, 65536, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_NOT_NULL(test, big16);
	memset(big, 'x', 32768);
	KUNIT_EXPECT_EQ(test, smb3mc_path_to_utf16(big, 32767, big16, 65536),
			65534);
	KUNIT_EXPECT_EQ(test, smb3mc_path_to_utf16(big, 32768, big16, 65536),
			-ENAMETOOLONG);
}

static void string_to_utf16le(struct kunit *test)
{
	/* e-acute, euro sign, U+1F600 (a surrogate pair in UTF-16) */
	static const u16 want[] = { 'a', 0x00e9, 0x20ac, 0xd83d, 0xde00 };
	__le16 out[16];

	KUNIT_ASSERT_EQ(test, smb3mc_utf8_to_utf16le("a\xc3\xa9\xe2\x82\xac"
						     "\xf0\x9f\x98\x80", out,
						     sizeof(out)), 10);
	expect_units(test, out, want, 5);
	/* No path syntax: '/' and '\\' are characters like any other */
	KUNIT_ASSERT_EQ(test, smb3mc_utf8_to_utf16le("\\\\s/x", out,
						     sizeof(out)), 10);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(out[0]), '\\');
	KUNIT_EXPECT_EQ(test, le16_to_cpu(out[3]), '/');
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("", out, 0), 0);
	/* Room for one unit per UTF-8 byte is required, not only the result */
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("ab", out, 4), 4);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("ab", out, 3), -ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("\xc3\xa9", out, 2),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("\xc3\xa9", out, 4), 2);
	/* Truncated sequence, overlong '/', encoded surrogate, stray byte */
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("a\xc3", out, sizeof(out)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("a\xc0\xaf", out,
						     sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("\xed\xa0\x80", out,
						     sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf8_to_utf16le("\x80", out, sizeof(out)),
			-EINVAL);
}

static void name_from_utf16(struct kunit *test)
{
	static const __le16 abc[] = {
		cpu_to_le16('a'), cpu_to_le16(0xe9), cpu_to_le16(0x20ac),
		cpu_to_le16(0xd83d), cpu_to_le16(0xde00),
	};
	char out[16];

	KUNIT_ASSERT_EQ(test, smb3mc_utf16_to_name(abc, sizeof(abc), out,
						   sizeof(out)), 10);
	KUNIT_EXPECT_STREQ(test, out,
			   "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* Exactly enough room for the NUL, and one byte short */
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(abc, sizeof(abc), out, 11),
			10);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(abc, sizeof(abc), out, 10),
			-ENAMETOOLONG);
	/* Odd length, empty */
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(abc, 3, out, sizeof(out)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(abc, 0, out, sizeof(out)),
			-EINVAL);
}

static void name_rejects(struct kunit *test)
{
	static const __le16 slash[] = { cpu_to_le16('a'), cpu_to_le16('/') };
	static const __le16 bslash[] = { cpu_to_le16('a'), cpu_to_le16('\\'),
					 cpu_to_le16('b') };
	static const __le16 nul[] = { cpu_to_le16('a'), cpu_to_le16(0) };
	static const __le16 lone_hi[] = { cpu_to_le16(0xd83d),
					  cpu_to_le16('a') };
	static const __le16 lone_lo[] = { cpu_to_le16(0xde00) };
	static const __le16 hi_end[] = { cpu_to_le16('a'),
					 cpu_to_le16(0xd83d) };
	char out[16];

	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(slash, sizeof(slash), out,
						   sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(bslash, sizeof(bslash), out,
						   sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(nul, sizeof(nul), out,
						   sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(lone_hi, sizeof(lone_hi),
						   out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(lone_lo, sizeof(lone_lo),
						   out, sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(hi_end, sizeof(hi_end),
						   out, sizeof(out)), -EINVAL);
}

static void round_trip(struct kunit *test)
{
	static const char * const names[] = {
		"plain", "gr\xc3\xbcn", "\xe6\x97\xa5\xe6\x9c\xac",
		"x\xf0\x9f\x98\x80y", "a b.c~1", "a:b", "q?\x01|\"*<>",
		"end.", "end ", "..x.",
	};
	__le16 u16[32];
	char back[64];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		n = to16(names[i], u16, sizeof(u16));
		KUNIT_ASSERT_GT(test, n, 0);
		KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(u16, n, back,
							   sizeof(back)),
				(int)strlen(names[i]));
		KUNIT_EXPECT_STREQ(test, back, names[i]);
	}
}

/*
 * The characters Windows reserves go as the private use code points of
 * Services for Macintosh, the ones cifs.ko's mapposix uses
 * (fs/smb/client/cifs_unicode.h); a space or period only at the end of
 * a name. The expected units are computed from that table.
 */
static void path_reserved_mapped(struct kunit *test)
{
	static const u16 want[] = {
		'a', 0xf022, 'b', '.', 'c', '\\', 0xf020, 0xf021, 0xf023,
		0xf024, 0xf025, 0xf027, 0xf001, 0xf01f, 'c', 0xf029, '\\',
		'd', ' ', 'e', 0xf028,
	};
	__le16 out[32];

	KUNIT_ASSERT_EQ(test, to16("a:b.c/\"*<>?|\001\037c./d e ", out,
				   sizeof(out)), 42);
	expect_units(test, out, want, ARRAY_SIZE(want));
}

static void name_reserved_mapped(struct kunit *test)
{
	static const __le16 colon[] = { cpu_to_le16('a'), cpu_to_le16(0xf022),
					cpu_to_le16(0xf001), cpu_to_le16(0xf029) };
	/* Space and period only at the end; U+F026 would be '/' */
	static const __le16 inner[] = { cpu_to_le16(0xf028),
					cpu_to_le16(0xf026), cpu_to_le16('x') };
	static const __le16 dot[] = { cpu_to_le16(0xf029) };
	static const __le16 dotdot[] = { cpu_to_le16('.'),
					 cpu_to_le16(0xf029) };
	char out[16];

	KUNIT_ASSERT_EQ(test, smb3mc_utf16_to_name(colon, sizeof(colon), out,
						   sizeof(out)), 4);
	KUNIT_EXPECT_STREQ(test, out, "a:\x01.");
	KUNIT_ASSERT_EQ(test, smb3mc_utf16_to_name(inner, sizeof(inner), out,
						   sizeof(out)), 7);
	KUNIT_EXPECT_STREQ(test, out, "\xef\x80\xa8\xef\x80\xa6x");
	/* Mapped back to a name of the VFS's own */
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(dot, sizeof(dot), out,
						   sizeof(out)), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_utf16_to_name(dotdot, sizeof(dotdot), out,
						   sizeof(out)), -EINVAL);
}

static struct kunit_case smb3mc_unicode_cases[] = {
	KUNIT_CASE(path_ascii),
	KUNIT_CASE(path_unicode),
	KUNIT_CASE(path_invalid),
	KUNIT_CASE(path_too_long),
	KUNIT_CASE(string_to_utf16le),
	KUNIT_CASE(name_from_utf16),
	KUNIT_CASE(name_rejects),
	KUNIT_CASE(round_trip),
	KUNIT_CASE(path_reserved_mapped),
	KUNIT_CASE(name_reserved_mapped),
	{}
};

static struct kunit_suite smb3mc_unicode_suite = {
	.name = "smb3mc_unicode",
	.test_cases = smb3mc_unicode_cases,
};

kunit_test_suite(smb3mc_unicode_suite);
