// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of LOCK (src/pdu_lock.c): request bytes at the offsets
 * MS-SMB2 2.2.26 gives, the flag combinations 3.3.5.14 accepts, and
 * responses (2.2.27) built by hand, valid and malformed.
 */

#include <kunit/test.h>
#include <linux/limits.h>
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

static const struct smb3mc_fid tfid = {
	.persistent = 0x1122334455667788ULL,
	.volatile_id = 0x99aabbccddeeff00ULL,
};

#define SH	SMB2_LOCKFLAG_SHARED_LOCK
#define EX	SMB2_LOCKFLAG_EXCLUSIVE_LOCK
#define UN	SMB2_LOCKFLAG_UNLOCK
#define FI	SMB2_LOCKFLAG_FAIL_IMMEDIATELY

/* One exclusive range: every byte of the 112-byte request. */
static void lock_build_one(struct kunit *test)
{
	struct smb3mc_lock_range r = {
		.offset = 0x0102030405060708ULL,
		.length = 0x1000,
		.flags = EX | FI,
	};
	u8 *b = tbuf(test);

	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_lock(b, BUFSZ, &tfid, 0, &r, 1),
			112);
	KUNIT_EXPECT_EQ(test, smb3mc_lock_req_size(1), (size_t)112);
	/* Header: ProtocolId, StructureSize, Command; the rest the channel's */
	KUNIT_EXPECT_EQ(test, r32(b, 0), 0x424d53feU);
	KUNIT_EXPECT_EQ(test, r16(b, 4), 64);
	KUNIT_EXPECT_EQ(test, r16(b, 12), SMB2_LOCK);
	KUNIT_EXPECT_EQ(test, r64(b, 24), 0ULL);
	/* MS-SMB2 2.2.26 */
	KUNIT_EXPECT_EQ(test, r16(b, 64), 48);
	KUNIT_EXPECT_EQ(test, r16(b, 66), 1);		/* LockCount */
	KUNIT_EXPECT_EQ(test, r32(b, 68), 0U);		/* LockSequence */
	KUNIT_EXPECT_EQ(test, r64(b, 72), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.volatile_id);
	/* SMB2_LOCK_ELEMENT, 2.2.26.1 */
	KUNIT_EXPECT_EQ(test, r64(b, 88), 0x0102030405060708ULL);
	KUNIT_EXPECT_EQ(test, r64(b, 96), 0x1000ULL);
	KUNIT_EXPECT_EQ(test, r32(b, 104), 0x12U);
	KUNIT_EXPECT_EQ(test, r32(b, 108), 0U);		/* Reserved */
	/* Nothing written past the request */
	KUNIT_EXPECT_EQ(test, b[112], 0xaa);

	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, 111, &tfid, 0, &r, 1),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, BUFSZ, NULL, 0, &r, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, BUFSZ, &tfid, 0, &r, 0),
			-EINVAL);
}

/* Each flag on the wire as given, a blocking lock without FI. */
static void lock_build_flags(struct kunit *test)
{
	static const u32 ok[] = { SH, EX, SH | FI, EX | FI, UN };
	static const u32 bad[] = {
		0, FI, SH | EX, SH | UN, EX | UN, UN | FI, SH | EX | FI,
		0x8 | SH, 0x20 | EX, 0x80000000 | UN,
	};
	struct smb3mc_lock_range r = { .offset = 0, .length = 1 };
	unsigned int i;
	u8 *b = tbuf(test);

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		r.flags = ok[i];
		KUNIT_ASSERT_EQ_MSG(test,
				    smb3mc_build_lock(b, BUFSZ, &tfid, 0,
						      &r, 1), 112,
				    "flags %#x", ok[i]);
		KUNIT_EXPECT_EQ(test, r32(b, 104), ok[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		r.flags = bad[i];
		KUNIT_EXPECT_EQ_MSG(test,
				    smb3mc_build_lock(b, BUFSZ, &tfid, 0,
						      &r, 1), -EINVAL,
				    "flags %#x", bad[i]);
	}
}

/* Offsets and lengths anywhere in 64 bits, up to the last byte. */
static void lock_build_ranges(struct kunit *test)
{
	static const struct {
		u64 offset, length;
		bool ok;
	} cases[] = {
		{ 0, 0, true },				/* empty range */
		{ U64_MAX, 0, true },
		{ 0, U64_MAX, true },			/* bytes 0 .. 2^64 - 2 */
		{ 1, U64_MAX, true },			/* .. the last byte */
		{ 2, U64_MAX, false },			/* one past it */
		{ 1ULL << 63, 1ULL << 63, true },	/* 2^63 .. 2^64 - 1 */
		{ (1ULL << 63) + 1, 1ULL << 63, false },
		{ (1ULL << 63) + 5, 7, true },
		{ U64_MAX, 1, true },			/* the last byte */
		{ U64_MAX, 2, false },
		{ 0x7fffffffffffffffULL, 1ULL << 63, true },
	};
	struct smb3mc_lock_range r = { .flags = SH };
	unsigned int i;
	u8 *b = tbuf(test);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r.offset = cases[i].offset;
		r.length = cases[i].length;
		if (!cases[i].ok) {
			KUNIT_EXPECT_EQ_MSG(test,
					    smb3mc_build_lock(b, BUFSZ, &tfid,
							      0, &r, 1),
					    -EINVAL, "case %u", i);
			continue;
		}
		KUNIT_ASSERT_EQ_MSG(test,
				    smb3mc_build_lock(b, BUFSZ, &tfid, 0,
						      &r, 1), 112,
				    "case %u", i);
		KUNIT_EXPECT_EQ(test, r64(b, 88), cases[i].offset);
		KUNIT_EXPECT_EQ(test, r64(b, 96), cases[i].length);
	}
}

/* Several ranges: LockCount, the elements in order, and the rules. */
static void lock_build_count(struct kunit *test)
{
	struct smb3mc_lock_range r[SMB3MC_LOCK_MAX_RANGES + 1];
	unsigned int i, n = SMB3MC_LOCK_MAX_RANGES;
	size_t size = smb3mc_lock_req_size(n + 1);
	u8 *b = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i <= n; i++) {
		r[i].offset = 100ULL * i;
		r[i].length = 10 + i;
		r[i].flags = UN;
	}
	KUNIT_EXPECT_EQ(test, smb3mc_lock_req_size(3), (size_t)160);
	KUNIT_ASSERT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 3),
			160);
	KUNIT_EXPECT_EQ(test, r16(b, 64), 48);	/* whatever the count */
	KUNIT_EXPECT_EQ(test, r16(b, 66), 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, r64(b, 88 + 24 * i), 100ULL * i);
		KUNIT_EXPECT_EQ(test, r64(b, 96 + 24 * i), 10ULL + i);
		KUNIT_EXPECT_EQ(test, r32(b, 104 + 24 * i), (u32)UN);
	}
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, n),
			(int)smb3mc_lock_req_size(n));
	KUNIT_EXPECT_EQ(test, r16(b, 66), n);
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r,
						n + 1), -EINVAL);

	/* Unlocks and locks do not mix. */
	r[1].flags = EX | FI;
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 2),
			-EINVAL);
	/* Several locks only with FAIL_IMMEDIATELY, on every one. */
	r[0].flags = SH | FI;
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 2),
			136);
	KUNIT_EXPECT_EQ(test, r32(b, 104), (u32)(SH | FI));
	KUNIT_EXPECT_EQ(test, r32(b, 128), (u32)(EX | FI));
	r[1].flags = EX;
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 2),
			-EINVAL);
	r[0].flags = SH;
	r[1].flags = EX | FI;
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 2),
			-EINVAL);
	/* One blocking lock alone is fine. */
	KUNIT_EXPECT_EQ(test, smb3mc_build_lock(b, size, &tfid, 0, r, 1),
			112);
}

/* LockSequenceNumber in the low 4 bits, LockSequenceIndex above. */
static void lock_build_sequence(struct kunit *test)
{
	struct smb3mc_lock_range r = { .offset = 0, .length = 1, .flags = EX };
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_lock(b, BUFSZ, &tfid, 0x15, &r, 1),
			112);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 0x15U);
	KUNIT_ASSERT_EQ(test, smb3mc_build_lock(b, BUFSZ, &tfid, 0x40f, &r, 1),
			112);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 0x40fU);
}

/*
 * MS-SMB2 3.2.4.19: each LOCK takes a free bucket and the next number in
 * it; a bucket is free again once its LOCK ended; 64 in use leave none.
 */
static void lock_sequence_buckets(struct kunit *test)
{
	struct smb3mc_lock_seq seq = {};
	unsigned int i;

	/* The first LOCKs: buckets 1 and 2, number 1 in each */
	KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq), 0x11U);
	KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq), 0x21U);
	/* Bucket 1 ended: the next LOCK has it, with number 2 */
	smb3mc_lock_seq_put(&seq, 0x11);
	KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq), 0x12U);
	smb3mc_lock_seq_put(&seq, 0x12);
	smb3mc_lock_seq_put(&seq, 0x21);
	/* The number wraps at 16: 2 .. 15, then 0, then 1 */
	for (i = 3; i <= 17; i++) {
		KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq),
				0x10U | (i & 0xf));
		smb3mc_lock_seq_put(&seq, 0x10 | (i & 0xf));
	}
	/* 64 LOCKs out at once take every bucket; a 65th goes without */
	for (i = 1; i <= SMB3MC_LOCK_BUCKETS; i++)
		KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq) >> 4, i);
	KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq), 0U);
	/* Freeing the last one gives it back, number 2 there */
	smb3mc_lock_seq_put(&seq, SMB3MC_LOCK_BUCKETS << 4);
	KUNIT_EXPECT_EQ(test, smb3mc_lock_seq_take(&seq),
			(u32)SMB3MC_LOCK_BUCKETS << 4 | 2);
	/* No bucket (0) and one past the last are nobody's to free */
	smb3mc_lock_seq_put(&seq, 0);
	smb3mc_lock_seq_put(&seq, (SMB3MC_LOCK_BUCKETS + 1) << 4);
	KUNIT_EXPECT_EQ(test, seq.busy, ~0ULL);
}

/* The response: StructureSize 4 and Reserved (2.2.27). */
static void lock_parse(struct kunit *test)
{
	u8 *b = tbuf(test);

	w_rsp_hdr(b, SMB2_LOCK);
	w16(b, 64, 4);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), 0);
	/* Padding after the body is no reason to refuse it. */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 72), 0);
	/* Short: no body, half a body, half a header */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 64), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 67), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 32), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 0), -EIO);
	/* Another StructureSize: an ERROR body (9), a request's (48) */
	w16(b, 64, 9);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 73), -EIO);
	w16(b, 64, 48);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 112), -EIO);
	w16(b, 64, 4);
	/* Another command */
	w16(b, 12, SMB2_WRITE);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), -EIO);
	w16(b, 12, SMB2_LOCK);
	/* Not a response: SERVER_TO_REDIR clear */
	w32(b, 16, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), -EIO);
	w32(b, 16, 1);
	/* Bad ProtocolId */
	b[0] = 0xfd;
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), -EIO);
	b[0] = 0xfe;
	/* A NextCommand pointing past the message */
	w32(b, 20, 72);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), -EIO);
	w32(b, 20, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lock(b, 68), 0);
}

static struct kunit_case smb3mc_pdu_lock_cases[] = {
	KUNIT_CASE(lock_build_one),
	KUNIT_CASE(lock_build_flags),
	KUNIT_CASE(lock_build_ranges),
	KUNIT_CASE(lock_build_count),
	KUNIT_CASE(lock_build_sequence),
	KUNIT_CASE(lock_sequence_buckets),
	KUNIT_CASE(lock_parse),
	{}
};

static struct kunit_suite smb3mc_pdu_lock_suite = {
	.name = "smb3mc_pdu_lock",
	.test_cases = smb3mc_pdu_lock_cases,
};

kunit_test_suite(smb3mc_pdu_lock_suite);
