/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Path and name conversion between the VFS (UTF-8, '/') and SMB2
 * (UTF-16LE, '\\'), MS-SMB2 2.2.13: names are relative to the share root
 * and carry no leading separator.
 */
#ifndef SMB3MC_UNICODE_H
#define SMB3MC_UNICODE_H

#include <linux/types.h>

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
