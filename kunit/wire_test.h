/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the KUnit suites that look at bytes on the wire:
 * a byte comparison that prints both sides on failure, little-endian
 * field access at the byte offsets MS-SMB2 and MS-NLMP give (b + off, in
 * the order the spec tables list offset and value), and the header of a
 * hand-built SMB2 response.
 */
#ifndef SMB3MC_WIRE_TEST_H
#define SMB3MC_WIRE_TEST_H

#include <asm/unaligned.h>
#include <kunit/test.h>
#include <linux/string.h>
#include <linux/types.h>

/* @len bytes at @got equal those at @want; on failure shows both in hex. */
#define EXPECT_BYTES(test, got, want, len)				\
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(got, want, len),		\
			      "got %*phN, want %*phN", (int)(len), got,	\
			      (int)(len), want)

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

/*
 * The 64-byte header of a successful response to @cmd, MS-SMB2 2.2.1:
 * ProtocolId, StructureSize 64, Command and SERVER_TO_REDIR; every other
 * byte of it is left as it was.
 */
static inline void w_rsp_hdr(u8 *b, u16 cmd)
{
	b[0] = 0xfe;
	b[1] = 'S';
	b[2] = 'M';
	b[3] = 'B';
	w16(b, 4, 64);
	w16(b, 12, cmd);
	w32(b, 16, 1);
}

#endif /* SMB3MC_WIRE_TEST_H */
