// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of durable handles v2 (src/pdu_create.c): the DH2Q and DH2C
 * contexts of a CREATE request (MS-SMB2 2.2.13.2.11, 2.2.13.2.12), alone
 * and followed by the lease context; the DH2Q response context
 * (2.2.14.2.12) in context chains (2.2.13.2, src/pdu_create_ctx.c),
 * valid and malformed.
 *
 * MS-SMB2 prints no example of these contexts: the byte strings below
 * were written by hand for this project from the field tables of
 * 2.2.13.2, 2.2.13.2.11 and 2.2.13.2.12 (offsets, sizes, little-endian
 * values), not produced by the code under test.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "pdu_file.h"
#include "smb2.h"
#include "wire_test.h"

#define BUFSZ 512

static u8 *tbuf(struct kunit *test)
{
	u8 *b = kunit_kzalloc(test, BUFSZ, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

static const u8 tguid[16] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

static const u8 tkey[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/*
 * Computed by hand (2.2.13.2, 2.2.13.2.11): a DH2Q context that is the
 * last of its chain, Timeout 60000 ms (0xea60), Flags 0, CreateGuid tguid.
 */
static const u8 dh2q_last[56] = {
	0x00, 0x00, 0x00, 0x00,		/* Next */
	0x10, 0x00, 0x04, 0x00,		/* NameOffset 16, NameLength 4 */
	0x00, 0x00, 0x18, 0x00,		/* Reserved, DataOffset 24 */
	0x20, 0x00, 0x00, 0x00,		/* DataLength 32 */
	'D', 'H', '2', 'Q', 0, 0, 0, 0,	/* Buffer: the name, padding */
	0x60, 0xea, 0x00, 0x00,		/* Timeout */
	0x00, 0x00, 0x00, 0x00,		/* Flags */
	0, 0, 0, 0, 0, 0, 0, 0,		/* Reserved */
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,	/* CreateGuid */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
};

/*
 * Computed by hand (2.2.13.2, 2.2.13.2.12): a DH2C context followed by
 * another (Next 64: 60 bytes padded to 8), FileId persistent
 * 0x1122334455667788 and volatile 0x99aabbccddeeff00, CreateGuid tguid,
 * Flags SMB2_DHANDLE_FLAG_PERSISTENT.
 */
static const u8 dh2c_next[64] = {
	0x40, 0x00, 0x00, 0x00,		/* Next 64 */
	0x10, 0x00, 0x04, 0x00,		/* NameOffset 16, NameLength 4 */
	0x00, 0x00, 0x18, 0x00,		/* Reserved, DataOffset 24 */
	0x24, 0x00, 0x00, 0x00,		/* DataLength 36 */
	'D', 'H', '2', 'C', 0, 0, 0, 0,	/* Buffer: the name, padding */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/* Persistent */
	0x00, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99,	/* Volatile */
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,	/* CreateGuid */
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0x02, 0x00, 0x00, 0x00,		/* Flags: PERSISTENT */
	0x00, 0x00, 0x00, 0x00,		/* padding to the next context */
};

static const __le16 name_a[] = { cpu_to_le16('a') };

/* CREATE of "a" (2 bytes): contexts start at 0x78 + 8 = 0x80. */
static void durable_build_dh2q(struct kunit *test)
{
	struct smb3mc_durable dh = { .timeout = 60000 };
	struct smb3mc_lease l = {
		.state = SMB2_LEASE_READ_CACHING | SMB2_LEASE_HANDLE_CACHING,
	};
	struct smb3mc_create_args a = {
		.name = name_a,
		.name_len = 2,
		.create_disposition = FILE_OPEN,
		.durable = &dh,
	};
	u8 *b = tbuf(test);

	memcpy(dh.create_guid, tguid, sizeof(tguid));
	memcpy(l.key, tkey, sizeof(tkey));

	/* Alone: the last context, 56 bytes */
	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 0x80 + 56);
	KUNIT_EXPECT_EQ(test, b[0x80 + 56], 0xaa);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_OPLOCK_LEVEL_NONE);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 48), 0x80U);	/* contexts offset */
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 56U);	/* and length */
	EXPECT_BYTES(test, b + 0x80, dh2q_last, sizeof(dh2q_last));
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, 0x80 + 55, &a), -ENOSPC);

	/* Followed by the lease: Next 56, the lease context at 0x80 + 56 */
	a.lease = &l;
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a),
			0x80 + 56 + 76);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_OPLOCK_LEVEL_LEASE);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 56U + 76);
	KUNIT_EXPECT_EQ(test, r32(b, 0x80), 56U);	/* Next */
	EXPECT_BYTES(test, b + 0x80 + 4, dh2q_last + 4, sizeof(dh2q_last) - 4);
	EXPECT_BYTES(test, b + 0x80 + 56 + 16, "RqLs", 4);
	EXPECT_BYTES(test, b + 0x80 + 56 + 24, tkey, 16);

	/* Persistent asked for */
	dh.flags = SMB2_DHANDLE_FLAG_PERSISTENT;
	KUNIT_ASSERT_GT(test, smb3mc_build_create(b, BUFSZ, &a), 0);
	KUNIT_EXPECT_EQ(test, r32(b, 0x80 + 28), 2U);
	/* A flag MS-SMB2 does not define */
	dh.flags = 0x1;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
}

static void durable_build_dh2c(struct kunit *test)
{
	struct smb3mc_durable dh = {
		.fid = { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL },
		.flags = SMB2_DHANDLE_FLAG_PERSISTENT,
	};
	struct smb3mc_lease l = { .state = SMB2_LEASE_READ_CACHING };
	struct smb3mc_create_args a = {
		.name = name_a,
		.name_len = 2,
		.create_disposition = FILE_OPEN,
		.reclaim = &dh,
		.lease = &l,
	};
	u8 *b = tbuf(test);

	memcpy(dh.create_guid, tguid, sizeof(tguid));
	memcpy(l.key, tkey, sizeof(tkey));

	/* Followed by the lease: 60 bytes padded to 64 */
	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a),
			0x80 + 64 + 76);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 48), 0x80U);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 64U + 76);
	EXPECT_BYTES(test, b + 0x80, dh2c_next, sizeof(dh2c_next));
	EXPECT_BYTES(test, b + 0x80 + 64 + 16, "RqLs", 4);
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, 0x80 + 64 + 75, &a),
			-ENOSPC);

	/* Alone: 60 bytes, Next 0 */
	a.lease = NULL;
	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 0x80 + 60);
	KUNIT_EXPECT_EQ(test, b[0x80 + 60], 0xaa);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 60U);
	KUNIT_EXPECT_EQ(test, r32(b, 0x80), 0U);
	EXPECT_BYTES(test, b + 0x80 + 4, dh2c_next + 4, 56);

	/* Asking for a durable handle and reclaiming one at once */
	a.durable = &dh;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
	a.durable = NULL;
	dh.flags = 0x80000000;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
}

/*
 * A context at @off of @b: @name (its NameLength @nlen), then @dlen
 * bytes of data at 24; returns where the data goes.
 */
static u32 w_ctx(u8 *b, u32 off, const char *name, u16 nlen, u32 dlen,
		 u32 next)
{
	w32(b, off, next);
	w16(b, off + 4, 16);
	w16(b, off + 6, nlen);
	w16(b, off + 10, dlen ? 24 : 0);
	w32(b, off + 12, dlen);
	memcpy(b + off + 16, name, strlen(name));
	return off + 24;
}

/* The DH2Q response context at @off, 32 bytes, Timeout and Flags. */
static void w_dh2q(u8 *b, u32 off, u32 timeout, u32 flags, u32 next)
{
	u32 d = w_ctx(b, off, "DH2Q", 4, 8, next);

	w32(b, d, timeout);
	w32(b, d + 4, flags);
}

static void durable_parse(struct kunit *test)
{
	struct smb3mc_durable dh;
	struct smb3mc_lease l;
	u8 *b = tbuf(test);
	u32 d;

	/* Alone */
	w_dh2q(b, 0, 60000, 0, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), 0);
	KUNIT_EXPECT_EQ(test, dh.timeout, 60000U);
	KUNIT_EXPECT_EQ(test, dh.flags, 0U);
	/* Persistent granted */
	w_dh2q(b, 0, 120000, SMB2_DHANDLE_FLAG_PERSISTENT, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), 0);
	KUNIT_EXPECT_EQ(test, dh.timeout, 120000U);
	KUNIT_EXPECT_EQ(test, dh.flags, (u32)SMB2_DHANDLE_FLAG_PERSISTENT);
	/* A flag that is none */
	w_dh2q(b, 0, 60000, 0x4, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	/* None at all; a chain without it */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(NULL, 0, &dh), -ENOENT);
	memset(b, 0, BUFSZ);
	w_ctx(b, 0, "RqLs", 4, 52, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 76, &dh), -ENOENT);

	/* After the lease, and before it: each parser finds its own */
	memset(b, 0, BUFSZ);
	d = w_ctx(b, 0, "RqLs", 4, 52, 80);
	memcpy(b + d, tkey, 16);
	w32(b + d, 16, SMB2_LEASE_READ_CACHING | SMB2_LEASE_HANDLE_CACHING);
	w_dh2q(b, 80, 30000, 0, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_durable_ctx(b, 112, &dh), 0);
	KUNIT_EXPECT_EQ(test, dh.timeout, 30000U);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 112, &l), 0);
	KUNIT_EXPECT_EQ(test, l.state, (u32)(SMB2_LEASE_READ_CACHING |
					     SMB2_LEASE_HANDLE_CACHING));
	memset(b, 0, BUFSZ);
	w_dh2q(b, 0, 30000, 0, 32);
	d = w_ctx(b, 32, "RqLs", 4, 52, 0);
	memcpy(b + d, tkey, 16);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_durable_ctx(b, 108, &dh), 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), 0);

	/* Short: data of 4 bytes, and of 16; cut in the data */
	memset(b, 0, BUFSZ);
	w_dh2q(b, 0, 60000, 0, 0);
	w32(b, 12, 4);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w32(b, 12, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 40, &dh), -EIO);
	w32(b, 12, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 31, &dh), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 15, &dh), -EIO);

	/* Wrong name length: 3 ("DH2") and 5 name another context */
	w16(b, 6, 3);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -ENOENT);
	w16(b, 6, 5);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -ENOENT);
	/* ... and one past its context, or past the chain */
	w16(b, 6, 17);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w16(b, 6, 0xffff);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w16(b, 6, 4);
	/* A name offset inside the header */
	w16(b, 4, 12);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w16(b, 4, 16);

	/* Overlapping offsets: the data over the name, over the header */
	w16(b, 10, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w16(b, 10, 18);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	w16(b, 10, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), -EIO);
	/* Right after the name is fine */
	w16(b, 10, 20);
	w32(b, 20, 5000);
	w32(b, 24, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_durable_ctx(b, 32, &dh), 0);
	KUNIT_EXPECT_EQ(test, dh.timeout, 5000U);

	/* Contexts overlapping: a Next inside the header, unaligned, out */
	memset(b, 0, BUFSZ);
	w_dh2q(b, 0, 60000, 0, 8);
	w_dh2q(b, 32, 60000, 0, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 64, &dh), -EIO);
	w32(b, 0, 28);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 64, &dh), -EIO);
	w32(b, 0, 72);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 64, &dh), -EIO);

	/* Duplicate: two DH2Q, which is to be believed is unknown */
	w32(b, 0, 32);
	w32(b, 32 + 24, 1000);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 64, &dh), -EIO);
	/* ... and two leases */
	memset(b, 0, BUFSZ);
	w_ctx(b, 0, "RqLs", 4, 52, 80);
	w_ctx(b, 80, "RqLs", 4, 52, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 156, &l), -EIO);
	/* A malformed context after the one looked for spoils the chain */
	memset(b, 0, BUFSZ);
	w_dh2q(b, 0, 60000, 0, 32);
	w_ctx(b, 32, "RqLs", 4, 52, 0);
	w16(b, 32 + 10, 200);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_durable_ctx(b, 108, &dh), -EIO);
}

/* smb3mc_create_ctx_find() itself: a context without data. */
static void ctx_find_empty(struct kunit *test)
{
	const u8 *data = (const u8 *)1;
	u32 dlen = 1;
	u8 *b = tbuf(test);

	w_ctx(b, 0, "MxAc", 4, 0, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_create_ctx_find(b, 24, "MxAc", 4, &data,
						     &dlen), 0);
	KUNIT_EXPECT_PTR_EQ(test, data, (const u8 *)NULL);
	KUNIT_EXPECT_EQ(test, dlen, 0U);
	/* Its name cut short */
	KUNIT_EXPECT_EQ(test, smb3mc_create_ctx_find(b, 19, "MxAc", 4, &data,
						     &dlen), -EIO);
}

static struct kunit_case smb3mc_pdu_durable_cases[] = {
	KUNIT_CASE(durable_build_dh2q),
	KUNIT_CASE(durable_build_dh2c),
	KUNIT_CASE(durable_parse),
	KUNIT_CASE(ctx_find_empty),
	{}
};

static struct kunit_suite smb3mc_pdu_durable_suite = {
	.name = "smb3mc_pdu_durable",
	.test_cases = smb3mc_pdu_durable_cases,
};
kunit_test_suite(smb3mc_pdu_durable_suite);
