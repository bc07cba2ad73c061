// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of leases (src/pdu_lease.c): the RqLs v2 context a CREATE
 * request carries, at the offsets MS-SMB2 2.2.13.2 and 2.2.13.2.10 give;
 * granted leases (2.2.14.2.10) in context chains, valid and malformed;
 * break notifications (2.2.23.2) and acknowledgments (2.2.24.2,
 * 2.2.25.2); epochs and what a break or a grant does to a lease held.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "pdu_file.h"
#include "smb2.h"
#include "wire_test.h"

#define BUFSZ 512
#define R	SMB2_LEASE_READ_CACHING
#define H	SMB2_LEASE_HANDLE_CACHING
#define W	SMB2_LEASE_WRITE_CACHING

static u8 *tbuf(struct kunit *test)
{
	u8 *b = kunit_kzalloc(test, BUFSZ, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

static const u8 tkey[16] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* CREATE of "a" (2 bytes) with a lease: the context after the name. */
static void lease_build_create(struct kunit *test)
{
	static const __le16 name[] = { cpu_to_le16('a') };
	struct smb3mc_lease l = { .state = R | W };
	struct smb3mc_create_args a = {
		.name = name,
		.name_len = 2,
		.desired_access = 0x80,
		.create_disposition = FILE_OPEN,
		.lease = &l,
	};
	u8 *b = tbuf(test);
	u8 *c;

	memcpy(l.key, tkey, sizeof(tkey));
	memset(b, 0xaa, BUFSZ);
	/* 0x78 + 8 (name padded) + 76 */
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 204);
	KUNIT_EXPECT_EQ(test, b[204], 0xaa);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_OPLOCK_LEVEL_LEASE);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 48), 0x80U);	/* contexts offset */
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 76U);	/* and length */
	c = b + 0x80;
	KUNIT_EXPECT_EQ(test, r32(c, 0), 0U);		/* Next */
	KUNIT_EXPECT_EQ(test, r16(c, 4), 16);		/* NameOffset */
	KUNIT_EXPECT_EQ(test, r16(c, 6), 4);		/* NameLength */
	KUNIT_EXPECT_EQ(test, r16(c, 8), 0);		/* Reserved */
	KUNIT_EXPECT_EQ(test, r16(c, 10), 24);		/* DataOffset */
	KUNIT_EXPECT_EQ(test, r32(c, 12), 52U);		/* DataLength */
	EXPECT_BYTES(test, c + 16, "RqLs\0\0\0\0", 8);
	EXPECT_BYTES(test, c + 24, tkey, 16);		/* LeaseKey */
	KUNIT_EXPECT_EQ(test, r32(c, 40), (u32)(R | W));	/* LeaseState */
	KUNIT_EXPECT_EQ(test, r32(c, 44), 0U);		/* Flags */
	KUNIT_EXPECT_EQ(test, r64(c, 48), 0ULL);	/* LeaseDuration */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(c + 56, 0, 20)); /* parent, epoch */

	/* One byte short, a state that is none, LEASE without a lease */
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, 203, &a), -ENOSPC);
	l.state = 0x8;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
	a.lease = NULL;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 128);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_OPLOCK_LEVEL_NONE);
	KUNIT_EXPECT_EQ(test, r32(b, 64 + 52), 0U);
}

/* A context at @off of @b: @name, then @dlen bytes of data at 24. */
static u32 w_ctx(u8 *b, u32 off, const char *name, u32 dlen, u32 next)
{
	w32(b, off, next);
	w16(b, off + 4, 16);
	w16(b, off + 6, strlen(name));
	w16(b, off + 10, dlen ? 24 : 0);
	w32(b, off + 12, dlen);
	memcpy(b + off + 16, name, strlen(name));
	return off + 24;
}

/* Lease data v2 at @d: key, state, flags, epoch. */
static void w_lease(u8 *d, u32 state, u32 flags, u16 epoch)
{
	memcpy(d, tkey, 16);
	w32(d, 16, state);
	w32(d, 20, flags);
	w16(d, 48, epoch);
}

static void lease_parse_ctx(struct kunit *test)
{
	struct smb3mc_lease l;
	u8 *b = tbuf(test);
	u32 d;

	/* Alone, v2 */
	d = w_ctx(b, 0, "RqLs", 52, 0);
	w_lease(b + d, R | H, 0, 7);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 76, &l), 0);
	EXPECT_BYTES(test, l.key, tkey, 16);
	KUNIT_EXPECT_EQ(test, l.state, (u32)(R | H));
	KUNIT_EXPECT_EQ(test, l.epoch, 7);
	KUNIT_EXPECT_TRUE(test, l.v2);
	KUNIT_EXPECT_FALSE(test, l.breaking);
	/* Break in progress */
	w32(b + d, 20, SMB2_LEASE_FLAG_BREAK_IN_PROGRESS);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 76, &l), 0);
	KUNIT_EXPECT_TRUE(test, l.breaking);
	/* v1: 32 bytes, no epoch */
	w32(b, 12, 32);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 56, &l), 0);
	KUNIT_EXPECT_FALSE(test, l.v2);
	KUNIT_EXPECT_EQ(test, l.epoch, 0);
	/* Another data length, a state that is none */
	w32(b, 12, 40);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 76, &l), -EIO);
	w32(b, 12, 52);
	w32(b + d, 16, 0x10);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 76, &l), -EIO);
	/* Data past the end */
	w32(b + d, 16, R);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 75, &l), -EIO);
	/* None at all */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(NULL, 0, &l), -ENOENT);

	/* Second in a chain, after a durable handle response */
	memset(b, 0, BUFSZ);
	w_ctx(b, 0, "DHnQ", 8, 32);
	d = w_ctx(b, 32, "RqLs", 52, 0);
	w_lease(b + d, R, 0, 1);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), 0);
	KUNIT_EXPECT_EQ(test, l.state, (u32)R);
	KUNIT_EXPECT_EQ(test, l.epoch, 1);
	/* Not there: only the first */
	w32(b, 0, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 32, &l), -ENOENT);
	/* Next unaligned, too small, past the end */
	w32(b, 0, 36);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), -EIO);
	w32(b, 0, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), -EIO);
	w32(b, 0, 112);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), -EIO);
	/* A name outside its context, a header cut short */
	w32(b, 0, 32);
	w16(b, 32 + 4, 200);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), -EIO);
	w16(b, 32 + 4, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 40, &l), -EIO);
	/* A data offset inside the header */
	w16(b, 32 + 10, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ctx(b, 108, &l), -EIO);
}

/* A Lease Break Notification: the header of 2.2.23.2's, and its body. */
static void w_break(u8 *b, u32 cur, u32 new, u32 flags, u16 epoch)
{
	memset(b, 0, BUFSZ);
	w_rsp_hdr(b, SMB2_OPLOCK_BREAK);
	w64(b, 24, U64_MAX);
	w16(b, 64, 44);
	w16(b, 66, epoch);
	w32(b, 68, flags);
	memcpy(b + 72, tkey, 16);
	w32(b, 88, cur);
	w32(b, 92, new);
}

static void lease_parse_break(struct kunit *test)
{
	struct smb3mc_lease_break brk;
	u8 *b = tbuf(test);

	w_break(b, R | W | H, R | H, 1, 3);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), 0);
	EXPECT_BYTES(test, brk.key, tkey, 16);
	KUNIT_EXPECT_EQ(test, brk.flags, 1U);
	KUNIT_EXPECT_EQ(test, brk.current_state, (u32)(R | W | H));
	KUNIT_EXPECT_EQ(test, brk.new_state, (u32)(R | H));
	KUNIT_EXPECT_EQ(test, brk.epoch, 3);
	/* To none, no ack needed */
	w_break(b, R, 0, 0, 9);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), 0);
	KUNIT_EXPECT_EQ(test, brk.new_state, 0U);

	/* Cut short */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 107, &brk), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 64, &brk), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 10, &brk), -EIO);
	/* An oplock break (StructureSize 24): we ask for none */
	w16(b, 64, 24);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
	/* Another command */
	w_break(b, R, 0, 0, 9);
	w16(b, 12, SMB2_LOCK);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
	/* A break that gives a state, or takes none, or names one unknown */
	w_break(b, R, R | W, 1, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
	w_break(b, R | W, R | W, 1, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
	w_break(b, R | 0x100, R, 1, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
	/* Not from the server */
	w_break(b, R, 0, 0, 2);
	w32(b, 16, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_break(b, 108, &brk), -EIO);
}

static void lease_ack(struct kunit *test)
{
	static const u8 other[16] = { 1 };
	u32 state = 0;
	u8 *b = tbuf(test);

	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_lease_ack(b, BUFSZ, tkey, R), 100);
	KUNIT_EXPECT_EQ(test, b[100], 0xaa);
	KUNIT_EXPECT_EQ(test, r32(b, 0), 0x424d53feU);
	KUNIT_EXPECT_EQ(test, r16(b, 12), SMB2_OPLOCK_BREAK);
	KUNIT_EXPECT_EQ(test, r16(b, 64), 36);
	KUNIT_EXPECT_EQ(test, r16(b, 66), 0);		/* Reserved */
	KUNIT_EXPECT_EQ(test, r32(b, 68), 0U);		/* Flags */
	EXPECT_BYTES(test, b + 72, tkey, 16);
	KUNIT_EXPECT_EQ(test, r32(b, 88), (u32)R);
	KUNIT_EXPECT_EQ(test, r64(b, 92), 0ULL);	/* LeaseDuration */
	KUNIT_EXPECT_EQ(test, smb3mc_build_lease_ack(b, 99, tkey, R), -ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_lease_ack(b, BUFSZ, tkey, 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_lease_ack(b, BUFSZ, NULL, R),
			-EINVAL);

	/* The response: the ack's layout, from the server */
	memset(b, 0, BUFSZ);
	w_rsp_hdr(b, SMB2_OPLOCK_BREAK);
	w16(b, 64, 36);
	memcpy(b + 72, tkey, 16);
	w32(b, 88, R | H);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ack(b, 100, tkey, &state), 0);
	KUNIT_EXPECT_EQ(test, state, (u32)(R | H));
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ack(b, 99, tkey, &state),
			-EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ack(b, 100, other, &state),
			-EIO);
	w32(b, 88, 0x40);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ack(b, 100, tkey, &state),
			-EIO);
	w32(b, 88, R);
	w16(b, 64, 44);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_lease_ack(b, 108, tkey, &state),
			-EIO);
}

static void lease_epochs(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_epoch_newer(1, 2));
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_epoch_newer(2, 2));
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_epoch_newer(3, 2));
	/* Across the wrap */
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_epoch_newer(0xffff, 0));
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_epoch_newer(0xfff0, 5));
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_epoch_newer(5, 0xfff0));
}

static void lease_plan(struct kunit *test)
{
	struct smb3mc_lease held = { .state = R | W, .epoch = 4, .v2 = true };
	struct smb3mc_lease_break brk = {
		.flags = SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED,
		.current_state = R | W, .new_state = R, .epoch = 5,
	};
	struct smb3mc_lease_plan p;

	/* RW to R: write back, keep the pages, ack R */
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_FALSE(test, p.stale);
	KUNIT_EXPECT_EQ(test, p.state, (u32)R);
	KUNIT_EXPECT_TRUE(test, p.write_back);
	KUNIT_EXPECT_FALSE(test, p.drop_cache);
	KUNIT_EXPECT_TRUE(test, p.ack);
	/* To none: both */
	brk.new_state = 0;
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_EQ(test, p.state, 0U);
	KUNIT_EXPECT_TRUE(test, p.write_back);
	KUNIT_EXPECT_TRUE(test, p.drop_cache);
	/* R to none without an ack */
	held.state = R;
	brk.flags = 0;
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_FALSE(test, p.write_back);
	KUNIT_EXPECT_TRUE(test, p.drop_cache);
	KUNIT_EXPECT_FALSE(test, p.ack);
	/* The same epoch again, an older one: nothing */
	brk.epoch = 4;
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_TRUE(test, p.stale);
	KUNIT_EXPECT_EQ(test, p.state, (u32)R);
	KUNIT_EXPECT_FALSE(test, p.drop_cache || p.write_back || p.ack);
	brk.epoch = 3;
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_TRUE(test, p.stale);
	/* v1 has no epochs */
	held.v2 = false;
	smb3mc_lease_break_plan(&held, true, &brk, &p);
	KUNIT_EXPECT_FALSE(test, p.stale);
	/* A lease no longer in force: ack what is asked, keep nothing */
	held.state = R | W;
	brk.flags = SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED;
	brk.new_state = R;
	smb3mc_lease_break_plan(&held, false, &brk, &p);
	KUNIT_EXPECT_EQ(test, p.state, 0U);
	KUNIT_EXPECT_FALSE(test, p.write_back || p.drop_cache);
	KUNIT_EXPECT_TRUE(test, p.ack);
}

static void lease_grant(struct kunit *test)
{
	struct smb3mc_lease held = {};
	struct smb3mc_lease got = { .state = R | W, .epoch = 1, .v2 = true };
	/* The break the grant of epoch 4 below comes in the middle of */
	struct smb3mc_lease_break brk = {
		.flags = SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED,
		.current_state = R | W, .new_state = 0, .epoch = 4,
	};
	struct smb3mc_lease_plan plan;
	bool valid = false;

	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_TRUE(test, valid);
	KUNIT_EXPECT_EQ(test, held.state, (u32)(R | W));
	KUNIT_EXPECT_EQ(test, held.epoch, 1);
	/* The same epoch again: nothing new */
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_grant(&held, &valid, &got));
	/* A break to R took epoch 2; a grant of epoch 1 comes late */
	held.state = R;
	held.epoch = 2;
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, (u32)R);
	/* A later grant upgrades */
	got.epoch = 3;
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, (u32)(R | W));
	/* With a break under way, nothing more than held */
	held.state = R;
	got.epoch = 4;
	got.breaking = true;
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, (u32)R);
	/* ... the break, of the epoch the grant carried, still counts */
	KUNIT_EXPECT_EQ(test, held.epoch, 3);
	smb3mc_lease_break_plan(&held, valid, &brk, &plan);
	KUNIT_EXPECT_FALSE(test, plan.stale);
	KUNIT_EXPECT_TRUE(test, plan.drop_cache);
	KUNIT_EXPECT_TRUE(test, plan.ack);
	KUNIT_EXPECT_EQ(test, plan.state, 0U);
	/* ... and the grant again, late, once the break is handled: no news */
	held.state = plan.state;
	held.epoch = brk.epoch;
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, 0U);
	/* ... and nothing at all when none was in force */
	valid = false;
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, 0U);
	/* A new lease after the old one ended starts at any epoch */
	valid = false;
	got.breaking = false;
	got.epoch = 1;
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.epoch, 1);
}

/*
 * A break handled before the grant it breaks, while the CREATE that
 * brings it is in flight: the grant comes too late.
 */
static void lease_break_first(struct kunit *test)
{
	struct smb3mc_lease held = {};
	struct smb3mc_lease got = { .state = R | W, .epoch = 1, .v2 = true };
	struct smb3mc_lease_break brk = {
		.flags = SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED,
		.current_state = R | W, .new_state = R, .epoch = 2,
	};
	struct smb3mc_lease_plan plan;
	bool valid = false;

	smb3mc_lease_break_plan(&held, valid, &brk, &plan);
	KUNIT_EXPECT_FALSE(test, plan.stale);
	KUNIT_EXPECT_TRUE(test, plan.ack);
	KUNIT_EXPECT_EQ(test, plan.state, 0U);
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_break_apply(&held, &valid, true,
							 &brk, &plan));
	KUNIT_EXPECT_TRUE(test, valid);
	KUNIT_EXPECT_EQ(test, held.epoch, 2);
	/* The grant of epoch 1 installs no caching the break took. */
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, 0U);
	/* The same break again is stale, and changes nothing. */
	smb3mc_lease_break_plan(&held, valid, &brk, &plan);
	KUNIT_EXPECT_TRUE(test, plan.stale);
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_break_apply(&held, &valid, true,
							  &brk, &plan));
	KUNIT_EXPECT_EQ(test, held.state, 0U);
	/* A later grant, after the break, is the lease again. */
	got.epoch = 3;
	got.state = R;
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_EQ(test, held.state, (u32)R);
}

/*
 * A break of a lease whose last handle was closed, with no CREATE in
 * flight (the server sent it before it had the CLOSE): acknowledged,
 * holding nothing, and not kept. The next open's new lease, granted at
 * epoch 1 again, is taken in, and its own break to epoch 2 is handled.
 */
static void lease_break_after_close(struct kunit *test)
{
	struct smb3mc_lease held = { .state = R | W | H, .epoch = 1,
				     .v2 = true };
	struct smb3mc_lease got = { .state = R | W | H, .epoch = 1,
				    .v2 = true };
	struct smb3mc_lease_break brk = {
		.flags = SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED,
		.current_state = R | W | H, .new_state = R | H, .epoch = 2,
	};
	struct smb3mc_lease_plan plan;
	bool valid = false;

	smb3mc_lease_break_plan(&held, valid, &brk, &plan);
	KUNIT_EXPECT_FALSE(test, plan.stale);
	KUNIT_EXPECT_TRUE(test, plan.ack);
	KUNIT_EXPECT_EQ(test, plan.state, 0U);
	KUNIT_EXPECT_FALSE(test, plan.write_back || plan.drop_cache);
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_break_apply(&held, &valid, false,
							  &brk, &plan));
	KUNIT_EXPECT_FALSE(test, valid);
	/* The new lease */
	KUNIT_EXPECT_TRUE(test, smb3mc_lease_grant(&held, &valid, &got));
	KUNIT_EXPECT_TRUE(test, valid);
	KUNIT_EXPECT_EQ(test, held.state, (u32)(R | W | H));
	KUNIT_EXPECT_EQ(test, held.epoch, 1);
	/* ... and its break, of the epoch the old one's had */
	smb3mc_lease_break_plan(&held, valid, &brk, &plan);
	KUNIT_EXPECT_FALSE(test, plan.stale);
	KUNIT_EXPECT_TRUE(test, plan.ack);
	KUNIT_EXPECT_TRUE(test, plan.write_back);
	KUNIT_EXPECT_FALSE(test, plan.drop_cache);
	KUNIT_EXPECT_EQ(test, plan.state, (u32)(R | H));
	KUNIT_EXPECT_FALSE(test, smb3mc_lease_break_apply(&held, &valid, false,
							  &brk, &plan));
	KUNIT_EXPECT_EQ(test, held.state, (u32)(R | H));
	KUNIT_EXPECT_EQ(test, held.epoch, 2);
}

static struct kunit_case smb3mc_pdu_lease_cases[] = {
	KUNIT_CASE(lease_build_create),
	KUNIT_CASE(lease_parse_ctx),
	KUNIT_CASE(lease_parse_break),
	KUNIT_CASE(lease_ack),
	KUNIT_CASE(lease_epochs),
	KUNIT_CASE(lease_plan),
	KUNIT_CASE(lease_grant),
	KUNIT_CASE(lease_break_first),
	KUNIT_CASE(lease_break_after_close),
	{}
};

static struct kunit_suite smb3mc_pdu_lease_suite = {
	.name = "smb3mc_pdu_lease",
	.test_cases = smb3mc_pdu_lease_cases,
};

kunit_test_suite(smb3mc_pdu_lease_suite);
