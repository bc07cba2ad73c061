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
 *
 * The characters a Windows file name cannot hold (MS-FSCC 2.1.5.2: '"',
 * '*', ':', '<', '>', '?', '|' and the controls 0x01-0x1F), and a space
 * or a period that ends a name, go to the server as code points of the
 * private use area, as Services for Macintosh maps them, and cifs.ko by
 * default (mapposix): sent as they are, a ':' would name a stream of the
 * file (MS-FSCC 2.1.5.3), whose data is not the file's, and '*' and '?'
 * be wildcards. Names from the server are mapped back.
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

#define SFM_CONTROL		0xf000	/* + 0x01 to 0x1f */
#define SFM_RESERVED		0xf020	/* + the index in sfm_reserved */
#define SFM_SLASH		0xf026	/* '/', never a name's character */
#define SFM_PIPE		0xf027
#define SFM_SPACE		0xf028	/* at the end of a name */
#define SFM_PERIOD		0xf029	/* at the end of a name */

static const char sfm_reserved[] = "\"*:<>?";

/* What the server is sent for @c, the @last unit of a name or not. */
static u16 sfm_to_server(u16 c, bool last)
{
	const char *r;

	if (c >= 0x01 && c <= 0x1f)
		return SFM_CONTROL + c;
	if (c == '|')
		return SFM_PIPE;
	if (last && c == ' ')
		return SFM_SPACE;
	if (last && c == '.')
		return SFM_PERIOD;
	r = c && c < 0x80 ? strchr(sfm_reserved, c) : NULL;
	return r ? SFM_RESERVED + (r - sfm_reserved) : c;
}

/* The @units of one name, as the server is to have them. */
static void sfm_map_name(__le16 *name, int units)
{
	int i;

	for (i = 0; i < units; i++)
		name[i] = cpu_to_le16(sfm_to_server(le16_to_cpu(name[i]),
						    i == units - 1));
}

/* What the name has for the server's @c, the @last unit or not. */
static u16 sfm_from_server(u16 c, bool last)
{
	if (c > SFM_CONTROL && c < SFM_RESERVED)
		return c - SFM_CONTROL;
	if (c >= SFM_RESERVED && c < SFM_SLASH)
		return sfm_reserved[c - SFM_RESERVED];
	if (c == SFM_PIPE)
		return '|';
	if (last && c == SFM_SPACE)
		return ' ';
	if (last && c == SFM_PERIOD)
		return '.';
	return c;
}

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
		sfm_map_name(out + pos, units);
		pos += units;
	}
	/* NameLength and FileNameLength are 16-bit byte counts */
	if (pos * sizeof(__le16) > U16_MAX)
		return -ENAMETOOLONG;
	return pos * sizeof(__le16);
}

/*
 * The character at @in[*@i] of a name of @units, mapped back
 * (sfm_from_server()); *@i moves past a surrogate pair. -EINVAL for NUL,
 * '/', '\\' (a path separator in every request that would name the file:
 * listed, it could not be opened) and a surrogate not paired.
 */
static int name_char(const __le16 *in, size_t units, size_t *i,
		     unicode_t *u)
{
	u16 c = le16_to_cpu(in[*i]), lo;

	if (!c || c == '/' || c == '\\')
		return -EINVAL;
	if (c < SURROGATE_HIGH_FIRST || c > SURROGATE_LAST) {
		*u = sfm_from_server(c, *i + 1 == units);
		return 0;
	}
	if (c >= SURROGATE_LOW_FIRST || *i + 1 == units)
		return -EINVAL;
	lo = le16_to_cpu(in[++*i]);
	if (lo < SURROGATE_LOW_FIRST || lo > SURROGATE_LAST)
		return -EINVAL;
	*u = 0x10000 + ((c - SURROGATE_HIGH_FIRST) << 10) +
	     (lo - SURROGATE_LOW_FIRST);
	return 0;
}

int smb3mc_utf16_to_name(const __le16 *in, size_t in_bytes, char *out,
			 size_t out_max)
{
	size_t units = in_bytes / sizeof(__le16), i, need = 0;
	bool mapped = false;
	unicode_t u;

	if (!in || !units || (in_bytes & 1) || in_bytes > INT_MAX)
		return -EINVAL;
	/* Validate and measure first, then convert. */
	for (i = 0; i < units; i++) {
		if (name_char(in, units, &i, &u))
			return -EINVAL;
		mapped |= u != le16_to_cpu(in[i]) && u < 0x10000;
		need += u < 0x80 ? 1 : u < 0x800 ? 2 : u < 0x10000 ? 3 : 4;
	}
	if (need >= out_max)
		return -ENAMETOOLONG;
	for (i = 0, need = 0; i < units; i++) {
		name_char(in, units, &i, &u);
		need += utf32_to_utf8(u, (u8 *)out + need, 4);
	}
	out[need] = '\0';
	/* A name mapped back to "." or "..": the VFS's own names */
	if (mapped && (!strcmp(out, ".") || !strcmp(out, "..")))
		return -EINVAL;
	return need;
}
