/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Little-endian field access for the suites that hand-build responses at
 * byte offsets taken from MS-SMB2: b + off, in the order the spec tables
 * list offset and value.
 */
#ifndef SMB3MC_WIRE_TEST_H
#define SMB3MC_WIRE_TEST_H

#include <asm/unaligned.h>
#include <linux/types.h>

static inline void w16(u8 *b, size_t off, u16 v)
{
	put_unaligned_le16(v, b + off);
}

static inline void w32(u8 *b, size_t off, u32 v)
{
	put_unaligned_le32(v, b + off);
}

static inline void w64(u8 *b, size_t off, u64 v)
{
	put_unaligned_le64(v, b + off);
}

static inline u16 r16(const u8 *b, size_t off)
{
	return get_unaligned_le16(b + off);
}

static inline u32 r32(const u8 *b, size_t off)
{
	return get_unaligned_le32(b + off);
}

static inline u64 r64(const u8 *b, size_t off)
{
	return get_unaligned_le64(b + off);
}

#endif /* SMB3MC_WIRE_TEST_H */
