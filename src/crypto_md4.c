// SPDX-License-Identifier: GPL-2.0
/*
 * MD4, RFC 1320. Only NTOWFv1 = MD4(UTF-16LE(password)) (MS-NLMP 3.3.1)
 * needs it, over short inputs, so this is a plain one-shot version: the
 * kernel's md4 is gone from recent releases.
 */

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "crypto.h"

#define MD4_BLOCK_SIZE	64

/* RFC 1320 3.4: the three auxiliary functions */
#define MD4_F(x, y, z)	(((x) & (y)) | (~(x) & (z)))
#define MD4_G(x, y, z)	(((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define MD4_H(x, y, z)	((x) ^ (y) ^ (z))

/* The additive constants of rounds 2 and 3: sqrt(2) and sqrt(3) */
#define MD4_K2	0x5a827999
#define MD4_K3	0x6ed9eba1

/*
 * Each step updates one of a, d, c, b in turn; renaming the four after
 * every step lets one expression stand for all of them.
 */
#define MD4_ROTATE(a, b, c, d, t)	\
	do {				\
		(a) = (d);		\
		(d) = (c);		\
		(c) = (b);		\
		(b) = (t);		\
	} while (0)

static u32 md4_get_le32(const u8 *p)
{
	__le32 v;

	memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static void md4_put_le32(u32 x, u8 *p)
{
	__le32 v = cpu_to_le32(x);

	memcpy(p, &v, sizeof(v));
}

static void md4_transform(u32 state[4], const u8 block[MD4_BLOCK_SIZE])
{
	static const u8 r1[4] = { 3, 7, 11, 19 };
	static const u8 r2[4] = { 3, 5, 9, 13 };
	static const u8 r3[4] = { 3, 9, 11, 15 };
	static const u8 r3_order[16] = {
		0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15
	};
	u32 a = state[0], b = state[1], c = state[2], d = state[3];
	u32 x[16], t;
	int i;

	for (i = 0; i < 16; i++)
		x[i] = md4_get_le32(block + 4 * i);

	for (i = 0; i < 16; i++) {
		t = rol32(a + MD4_F(b, c, d) + x[i], r1[i % 4]);
		MD4_ROTATE(a, b, c, d, t);
	}
	for (i = 0; i < 16; i++) {
		t = rol32(a + MD4_G(b, c, d) + x[(i % 4) * 4 + i / 4] + MD4_K2,
			  r2[i % 4]);
		MD4_ROTATE(a, b, c, d, t);
	}
	for (i = 0; i < 16; i++) {
		t = rol32(a + MD4_H(b, c, d) + x[r3_order[i]] + MD4_K3,
			  r3[i % 4]);
		MD4_ROTATE(a, b, c, d, t);
	}

	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
	memzero_explicit(x, sizeof(x));
}

void smb3mc_md4(const u8 *data, size_t len, u8 digest[16])
{
	/* RFC 1320 3.3: the initial buffer */
	u32 state[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	u8 block[MD4_BLOCK_SIZE];
	u64 bits = (u64)len * 8;
	size_t rest;
	int i;

	for (; len >= MD4_BLOCK_SIZE; len -= MD4_BLOCK_SIZE) {
		md4_transform(state, data);
		data += MD4_BLOCK_SIZE;
	}

	/* RFC 1320 3.1 and 3.2: a 1 bit, zeros, the length in bits */
	rest = len;
	memset(block, 0, sizeof(block));
	memcpy(block, data, rest);
	block[rest] = 0x80;
	if (rest >= MD4_BLOCK_SIZE - 8) {
		md4_transform(state, block);
		memset(block, 0, sizeof(block));
	}
	md4_put_le32(lower_32_bits(bits), block + MD4_BLOCK_SIZE - 8);
	md4_put_le32(upper_32_bits(bits), block + MD4_BLOCK_SIZE - 4);
	md4_transform(state, block);

	for (i = 0; i < 4; i++)
		md4_put_le32(state[i], digest + 4 * i);
	memzero_explicit(block, sizeof(block));
	memzero_explicit(state, sizeof(state));
}
