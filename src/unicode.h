/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text conversion between the client (UTF-8) and SMB2 (UTF-16LE): plain
 * strings, and paths between the VFS ('/') and SMB2 ('\\'), MS-SMB2
 * 2.2.13, where names are relative to the share root and carry no leading
 * separator.
 */
#ifndef SMB3MC_UNICODE_H
#define SMB3MC_UNICODE_H

#include <linux/types.h>

/*
 * Convert the NUL-terminated UTF-8 string @s to UTF-16LE at @out (room
 * for @out_max bytes, 2-byte aligned), without a terminator, for the names
 * the protocol carries in UTF-16LE (MS-SMB2 2.2.9, 2.2.3.1.4, MS-NLMP
 * 2.2.1.3, 3.3.2). Needs room for the worst case of one UTF-16 unit per
 * UTF-8 byte. Returns the number of bytes written, -ENOSPC if @out_max is
 * too small or -EINVAL for invalid UTF-8.
 */
int smb3mc_utf8_to_utf16le(const char *s, void *out, size_t out_max);

/*
 * Converts the UTF-8 path @path of @len bytes (not NUL-terminated) into
 * UTF-16LE in @out (room for @out_max bytes). '/' becomes '\\', leading
 * and repeated '/' and a trailing '/' are dropped, so "/" and "" give the
 * empty name of the share root. Returns the number of bytes written (even,
 * no terminator), -EINVAL for invalid UTF-8 or an embedded NUL, or
 * -ENAMETOOLONG if the result does not fit in @out_max or in a u16 length.
 */
int smb3mc_path_to_utf16(const char *path, size_t len, __le16 *out,
			 size_t out_max);

/*
 * Converts a single UTF-16LE name component from the server (@in_bytes
 * bytes, even) to NUL-terminated UTF-8 in @out (room for @out_max bytes
 * including the NUL). Surrogate pairs are combined. Returns the UTF-8
 * length without the NUL, -EINVAL for names a Linux name cannot represent
 * (empty, containing '/' or NUL, unpaired surrogates, odd length) or
 * -ENAMETOOLONG if it does not fit.
 */
int smb3mc_utf16_to_name(const __le16 *in, size_t in_bytes, char *out,
			 size_t out_max);

#endif /* SMB3MC_UNICODE_H */
