// SPDX-License-Identifier: GPL-2.0
/*
 * UTF-8 <-> UTF-16LE for all the text the client converts:
 * path names, which SMB2 carries as UTF-16LE with '\\' separators
 * (MS-SMB2 2.2.13, MS-FSCC 2.1.5) where the VFS uses UTF-8 with '/', and
 * the plain strings of TREE_CONNECT, NEGOTIATE and NTLM (share, server,
 * user and domain names, the password). The conversions themselves are the
 * kernel's, from fs/nls/nls_base.c, which is built into the kernel
 * whenever CONFIG_NLS is (as on Debian), so no NLS module is needed at
 * runtime.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/nls.h>
#include <linux/string.h>

#include "unicode.h"

#define SURROGATE_HIGH_FIRST	0xd800
#define SURROGATE_LOW_FIRST	0xdc00
#define SURROGATE_LAST		0xdfff

/*
 * The one UTF-8 -> UTF-16LE conversion: @len bytes of UTF-8 at @s into
 * @out, which has room for @units code units. Returns the units written
 * or -EINVAL for invalid UTF-8. utf8s_to_utf16s() stops at a NUL and
 * silently truncates at @units, so callers pass no NUL and enough room.
 */
static int utf8_to_le16(const u8 *s, size_t len, __le16 *out, size_t units)
{
	int n = utf8s_to_utf16s(s, len, UTF16_LITTLE_ENDIAN, (wchar_t *)out,
				units);

	return n < 0 ? -EINVAL : n;
}

int smb3mc_utf8_to_utf16le(const char *s, void *out, size_t out_max)
{
	size_t n = strlen(s);
	int units;

	/* The longest possible result: one UTF-16 unit per UTF-8 byte */
	if (n > out_max / 2)
		return -ENOSPC;
	units = utf8_to_le16((const u8 *)s, n, out, n);
	return units < 0 ? units : units * 2;
}

/*
 * Number of UTF-16 code units @s (@len bytes, one path component) needs,
 * or -EINVAL if it is not valid UTF-8 (utf8_to_utf32() also refuses
 * overlong forms and encoded surrogates) or holds a character that
 * cannot be put in an SMB2 name: NUL, or '\\', which the server would
 * take as a separator and so open a different file.
 */
static int utf8_units(const u8 *s, size_t len)
{
	unicode_t u;
	int units = 0, n;

	while (len) {
		if (*s < 0x80) {
			if (!*s || *s == '\\')
				return -EINVAL;
			n = 1;
			units++;
		} else {
			n = utf8_to_utf32(s, len, &u);
			if (n < 0)
				return -EINVAL;
			units += u >= 0x10000 ? 2 : 1;
		}
		s += n;
		len -= n;
	}
	return units;
}

int smb3mc_path_to_utf16(const char *path, size_t len, __le16 *out,
			 size_t out_max)
{
	const u8 *p = (const u8 *)path, *end = p + len, *comp;
	size_t room = out_max / sizeof(__le16), pos = 0;
	int units;

	if (!path && len)
		return -EINVAL;
	if (len > INT_MAX)
		return -ENAMETOOLONG;
	while (p < end) {
		/* Empty components: leading, doubled or trailing '/' */
		if (*p == '/') {
			p++;
			continue;
		}
		comp = p;
		while (p < end && *p != '/')
			p++;
		units = utf8_units(comp, p - comp);
		if (units < 0)
			return units;
		if (pos) {
			if (pos >= room)
				return -ENAMETOOLONG;
			out[pos++] = cpu_to_le16('\\');
		}
		if (pos + units > room)
			return -ENAMETOOLONG;
		/* Exactly @units fit: the count above is the real length */
		utf8_to_le16(comp, p - comp, out + pos, units);
		pos += units;
	}
	/* NameLength and FileNameLength are 16-bit byte counts */
	if (pos * sizeof(__le16) > U16_MAX)
		return -ENAMETOOLONG;
	return pos * sizeof(__le16);
}

int smb3mc_utf16_to_name(const __le16 *in, size_t in_bytes, char *out,
			 size_t out_max)
{
	size_t units = in_bytes / sizeof(__le16), i, need = 0;
	u16 c, lo;

	if (!in || !units || (in_bytes & 1) || in_bytes > INT_MAX)
		return -EINVAL;
	/*
	 * Validate first: utf16s_to_utf8s() silently drops unpaired
	 * surrogates and stops at a NUL, either of which would hand the
	 * VFS a name different from the server's.
	 */
	for (i = 0; i < units; i++) {
		c = le16_to_cpu(in[i]);
		if (!c || c == '/')
			return -EINVAL;
		if (c < 0x80) {
			need += 1;
		} else if (c < 0x800) {
			need += 2;
		} else if (c < SURROGATE_HIGH_FIRST || c > SURROGATE_LAST) {
			need += 3;
		} else {
			if (c >= SURROGATE_LOW_FIRST || i + 1 == units)
				return -EINVAL;
			lo = le16_to_cpu(in[++i]);
			if (lo < SURROGATE_LOW_FIRST || lo > SURROGATE_LAST)
				return -EINVAL;
			need += 4;
		}
	}
	if (need >= out_max)
		return -ENAMETOOLONG;
	utf16s_to_utf8s((const wchar_t *)in, units, UTF16_LITTLE_ENDIAN,
			(u8 *)out, need);
	out[need] = '\0';
	return need;
}
