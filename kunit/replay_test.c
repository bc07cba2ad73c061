// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the failover decisions (src/replay.c): which requests
 * are sent again after their channel was lost, and reconnect backoff.
 */

#include <kunit/test.h>

#include <linux/sched.h>

#include "pdu_file.h"
#include "replay.h"
#include "smb2.h"
#include "wire_test.h"

static void replay_connection_bound_commands_fail(struct kunit *test)
{
	static const u16 cmds[] = {
		SMB2_NEGOTIATE, SMB2_SESSION_SETUP, SMB2_ECHO, SMB2_CANCEL,
	};
	static const u16 dialects[] = {
		SMB30_DIALECT, SMB302_DIALECT, SMB311_DIALECT,
	};
	unsigned int c, d;

	for (c = 0; c < ARRAY_SIZE(cmds); c++)
		for (d = 0; d < ARRAY_SIZE(dialects); d++)
			KUNIT_EXPECT_EQ(test,
					smb3mc_replay_mode(dialects[d], cmds[c]),
					SMB3MC_REPLAY_NEVER);
}

static void replay_session_commands_are_flagged_on_3x(struct kunit *test)
{
	static const u16 cmds[] = {
		SMB2_LOGOFF, SMB2_TREE_CONNECT, SMB2_TREE_DISCONNECT,
		SMB2_CREATE, SMB2_CLOSE, SMB2_FLUSH, SMB2_READ, SMB2_WRITE,
		SMB2_LOCK, SMB2_IOCTL, SMB2_QUERY_DIRECTORY,
		SMB2_CHANGE_NOTIFY, SMB2_QUERY_INFO, SMB2_SET_INFO,
		SMB2_OPLOCK_BREAK,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cmds); c++) {
		KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(SMB30_DIALECT, cmds[c]),
				SMB3MC_REPLAY_FLAGGED);
		KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(SMB302_DIALECT, cmds[c]),
				SMB3MC_REPLAY_FLAGGED);
		KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(SMB311_DIALECT, cmds[c]),
				SMB3MC_REPLAY_FLAGGED);
	}
}

static void replay_2x_resends_without_flag(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(0x0210, SMB2_READ),
			SMB3MC_REPLAY_RESEND);
	KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(0x0202, SMB2_ECHO),
			SMB3MC_REPLAY_NEVER);
}

static void replay_unknown_command_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(SMB311_DIALECT, 0x0013),
			SMB3MC_REPLAY_NEVER);
	KUNIT_EXPECT_EQ(test, smb3mc_replay_mode(SMB311_DIALECT, 0xffff),
			SMB3MC_REPLAY_NEVER);
}

static void backoff_doubles_up_to_the_cap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(0, 1000, 10000), 1000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(1, 1000, 10000), 2000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(3, 1000, 10000), 8000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(4, 1000, 10000), 10000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(5, 50, 2000), 1600U);
}

static void backoff_never_overflows(struct kunit *test)
{
	/* A link down for weeks: the shift must not wrap to a short wait. */
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(31, 1000, 10000), 10000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(32, 1000, 10000), 10000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(UINT_MAX, 1000, 10000),
			10000U);
	KUNIT_EXPECT_EQ(test, smb3mc_backoff_ms(40, UINT_MAX, UINT_MAX),
			UINT_MAX);
}

static const struct smb3mc_fid test_fid = {
	.persistent = 0x1122334455667788ULL,
	.volatile_id = 0x99aabbccddeeff00ULL,
};

/* A request of @cmd built into @buf, @len bytes, holds test_fid there. */
static void expect_fid_at(struct kunit *test, u16 cmd, const u8 *buf,
			  int len)
{
	int off = smb3mc_fid_offset(cmd);

	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_GT(test, off, 0);
	KUNIT_ASSERT_LE(test, off + 16, len);
	KUNIT_EXPECT_EQ(test, r64(buf, off), test_fid.persistent);
	KUNIT_EXPECT_EQ(test, r64(buf, off + 8), test_fid.volatile_id);
}

/* The FileId each builder writes is where smb3mc_fid_offset() says. */
static void fid_offset_matches_the_builders(struct kunit *test)
{
	static const __le16 star = cpu_to_le16('*');
	const struct smb3mc_fid *fid = &test_fid;
	u8 *b = kunit_kzalloc(test, 512, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	expect_fid_at(test, SMB2_CLOSE, b,
		      smb3mc_build_close(b, 512, fid, false));
	expect_fid_at(test, SMB2_FLUSH, b, smb3mc_build_flush(b, 512, fid));
	expect_fid_at(test, SMB2_READ, b,
		      smb3mc_build_read(b, 512, fid, 4096, 65536, 0, 0));
	expect_fid_at(test, SMB2_WRITE, b,
		      smb3mc_build_write(b, 512, fid, 4096, 65536, 0));
	expect_fid_at(test, SMB2_QUERY_INFO, b,
		      smb3mc_build_query_info(b, 512, fid, SMB2_0_INFO_FILE,
					      FileAllInformation, 4096, 0));
	expect_fid_at(test, SMB2_SET_INFO, b,
		      smb3mc_build_set_eof(b, 512, fid, 77));
	expect_fid_at(test, SMB2_IOCTL, b,
		      smb3mc_build_ioctl(b, 512, 0x00140204, fid, NULL, 0,
					 1024, 0));
	expect_fid_at(test, SMB2_QUERY_DIRECTORY, b,
		      smb3mc_build_query_directory(b, 512, fid, 0, 0, &star, 2,
						   4096));
}

static void fid_offset_none_for_others(struct kunit *test)
{
	static const u16 cmds[] = {
		SMB2_NEGOTIATE, SMB2_SESSION_SETUP, SMB2_LOGOFF,
		SMB2_TREE_CONNECT, SMB2_TREE_DISCONNECT, SMB2_CREATE,
		SMB2_CANCEL, SMB2_ECHO, 0x0013, 0xffff,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cmds); c++)
		KUNIT_EXPECT_EQ(test, smb3mc_fid_offset(cmds[c]), -1);
}

static void resume_same_session_sends(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(SMB2_READ, 0, false),
			SMB3MC_RESUME_SEND);
	KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(SMB2_ECHO, 0, false),
			SMB3MC_RESUME_SEND);
}

static void resume_rebuilds_what_has_meaning(struct kunit *test)
{
	static const u16 by_name[] = {
		SMB2_TREE_CONNECT, SMB2_TREE_DISCONNECT, SMB2_CREATE,
	};
	static const u16 by_fid[] = {
		SMB2_READ, SMB2_WRITE, SMB2_CLOSE, SMB2_FLUSH, SMB2_LOCK,
		SMB2_IOCTL, SMB2_QUERY_INFO, SMB2_SET_INFO,
		SMB2_QUERY_DIRECTORY,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(by_name); c++) {
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_name[c], 1, false),
				SMB3MC_RESUME_REBUILD);
		/* It outlived two sessions: it fails. */
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_name[c], 2, false),
				SMB3MC_RESUME_FAIL);
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_name[c], 7, false),
				SMB3MC_RESUME_FAIL);
	}
	for (c = 0; c < ARRAY_SIZE(by_fid); c++) {
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_fid[c], 1, true),
				SMB3MC_RESUME_REBUILD);
		/* Its file was not opened again (deleted meanwhile). */
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_fid[c], 1, false),
				SMB3MC_RESUME_FAIL);
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(by_fid[c], 2, true),
				SMB3MC_RESUME_FAIL);
	}
}

static void resume_fails_connection_and_session_bound(struct kunit *test)
{
	static const u16 cmds[] = {
		SMB2_NEGOTIATE, SMB2_SESSION_SETUP, SMB2_LOGOFF, SMB2_ECHO,
		SMB2_CANCEL, 0x0013,
	};
	unsigned int c;

	for (c = 0; c < ARRAY_SIZE(cmds); c++)
		KUNIT_EXPECT_EQ(test, smb3mc_resume_plan(cmds[c], 1, true),
				SMB3MC_RESUME_FAIL);
}

static void expect_fid(struct kunit *test, const struct smb3mc_fid *fid,
		       u64 persistent, u64 volatile_id, unsigned int gen)
{
	KUNIT_EXPECT_EQ(test, fid->persistent, persistent);
	KUNIT_EXPECT_EQ(test, fid->volatile_id, volatile_id);
	KUNIT_EXPECT_EQ(test, fid->gen, gen);
}

/*
 * A server that hands out FileIds again after a restart (ksmbd's idr):
 * open B's FileId in session 1 is open A's of session 0, and A's is B's
 * old one. A request of A written in session 0 names A, and only A.
 */
static void fid_remap_by_session_not_value(struct kunit *test)
{
	const struct smb3mc_fid a_prev = { 7, 70, 0 }, a_cur = { 8, 80, 1 };
	const struct smb3mc_fid b_prev = { 8, 80, 0 }, b_cur = { 7, 70, 1 };
	struct smb3mc_fid req = { 7, 70, 0 };

	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&b_prev, &b_cur, 1, &req));
	expect_fid(test, &req, 7, 70, 0);
	KUNIT_EXPECT_TRUE(test, smb3mc_fid_remap(&a_prev, &a_cur, 1, &req));
	expect_fid(test, &req, 8, 80, 1);

	/* Written in session 1, it is B's already: nothing maps it. */
	req = b_cur;
	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&a_prev, &a_cur, 1, &req));
	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&b_prev, &b_cur, 1, &req));
	expect_fid(test, &req, 7, 70, 1);
}

static void fid_remap_needs_both_ids(struct kunit *test)
{
	const struct smb3mc_fid prev = { 7, 70, 0 }, cur = { 8, 80, 1 };
	struct smb3mc_fid req = { 7, 71, 0 };

	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&prev, &cur, 1, &req));
	req = (struct smb3mc_fid){ 6, 70, 0 };
	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&prev, &cur, 1, &req));
	expect_fid(test, &req, 6, 70, 0);
}

/*
 * Only from the session before the open's, into the session up now: a
 * request two sessions old, and an open the session up now did not open
 * again, map nowhere.
 */
static void fid_remap_one_session_only(struct kunit *test)
{
	const struct smb3mc_fid prev = { 8, 80, 1 }, cur = { 9, 90, 2 };
	const struct smb3mc_fid old_prev = { 7, 70, 0 }, old_cur = { 8, 80, 1 };
	struct smb3mc_fid req = { 7, 70, 0 };

	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&prev, &cur, 2, &req));
	KUNIT_EXPECT_FALSE(test, smb3mc_fid_remap(&old_prev, &old_cur, 2,
						  &req));
	expect_fid(test, &req, 7, 70, 0);
	req = (struct smb3mc_fid){ 8, 80, 1 };
	KUNIT_EXPECT_TRUE(test, smb3mc_fid_remap(&prev, &cur, 2, &req));
	expect_fid(test, &req, 9, 90, 2);
}

/*
 * A close sends CLOSE for a FileId of the session up now, waits for one a
 * new session published and is about to give to dispatch, and sends
 * nothing for one that died with its session or was handed over to the
 * new session being set up (computed cases).
 */
static void close_plan_by_session(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, 4, 4), SMB3MC_CLOSE_NOW);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, 5, 4), SMB3MC_CLOSE_SOON);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, 3, 4), SMB3MC_CLOSE_NONE);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, 6, 4), SMB3MC_CLOSE_NONE);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(true, 4, 4), SMB3MC_CLOSE_NONE);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(true, 5, 4), SMB3MC_CLOSE_NONE);
	/* The session number wraps around. */
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, 0, UINT_MAX),
			SMB3MC_CLOSE_SOON);
	KUNIT_EXPECT_EQ(test, smb3mc_close_plan(false, UINT_MAX, 0),
			SMB3MC_CLOSE_NONE);
}

/*
 * An open kept once a new session took every file to open again, or
 * after that session published its FileIds, is not opened again by it:
 * its holder must open it again itself (computed cases).
 */
static void keep_missed_by_session(struct kunit *test)
{
	/* No new session: kept, and opened again by the next one. */
	KUNIT_EXPECT_FALSE(test, smb3mc_keep_missed(4, 4, false));
	/* A new session took every file, and is not up yet. */
	KUNIT_EXPECT_TRUE(test, smb3mc_keep_missed(4, 4, true));
	/* It is up: the table holds its FileIds, this one is of the last. */
	KUNIT_EXPECT_TRUE(test, smb3mc_keep_missed(4, 5, false));
	/* The CREATE was answered in it. */
	KUNIT_EXPECT_FALSE(test, smb3mc_keep_missed(5, 5, false));
	/* The session number wraps around. */
	KUNIT_EXPECT_TRUE(test, smb3mc_keep_missed(UINT_MAX, 0, false));
	KUNIT_EXPECT_FALSE(test, smb3mc_keep_missed(0, 0, false));
}

static void outage_hard_waits_forever(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(false, 30 * HZ, 0, 0),
			MAX_SCHEDULE_TIMEOUT);
	KUNIT_EXPECT_EQ(test,
			smb3mc_outage_wait(false, 30 * HZ, 0, 3600UL * HZ),
			MAX_SCHEDULE_TIMEOUT);
}

static void outage_soft_deadline(struct kunit *test)
{
	unsigned long t = 30 * HZ;

	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1000, 1000), t);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1000, 1000 + HZ),
			t - HZ);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1000, 1000 + t - 1),
			1UL);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1000, 1000 + t), 0UL);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1000, 1000 + 9 * t),
			0UL);
	/*
	 * @since is kept odd, so that 0 means unset: a tick after @now when
	 * the request just found no channel. It has waited nothing; taken
	 * for a wait of nearly a whole wrap, every request that found no
	 * channel at an even jiffy failed at once on a soft mount.
	 */
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1001, 1000), t);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, 1, 0), t);
	/* Across the wrap of jiffies: from HZ before it to HZ after. */
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, ULONG_MAX - HZ + 1,
						 HZ), t - 2 * HZ);
	KUNIT_EXPECT_EQ(test, smb3mc_outage_wait(true, t, ULONG_MAX - HZ + 1,
						 t), 0UL);
}

static void recover_tries_every_address_then_backs_off(struct kunit *test)
{
	/* Four addresses: three at once after a failure, then a wait. */
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(0, 4, 250, 2000), 0U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(2, 4, 250, 2000), 0U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(3, 4, 250, 2000), 250U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(7, 4, 250, 2000), 500U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(4 * 40 - 1, 4, 250, 2000),
			2000U);
	/* One address: every failure waits. */
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(0, 1, 250, 2000), 250U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(1, 1, 250, 2000), 500U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(0, 0, 250, 2000), 250U);
	KUNIT_EXPECT_EQ(test, smb3mc_recover_wait_ms(UINT_MAX, 1, 250, 2000),
			2000U);
}

static struct kunit_case replay_cases[] = {
	KUNIT_CASE(replay_connection_bound_commands_fail),
	KUNIT_CASE(replay_session_commands_are_flagged_on_3x),
	KUNIT_CASE(replay_2x_resends_without_flag),
	KUNIT_CASE(replay_unknown_command_fails),
	KUNIT_CASE(backoff_doubles_up_to_the_cap),
	KUNIT_CASE(backoff_never_overflows),
	KUNIT_CASE(fid_offset_matches_the_builders),
	KUNIT_CASE(fid_offset_none_for_others),
	KUNIT_CASE(resume_same_session_sends),
	KUNIT_CASE(resume_rebuilds_what_has_meaning),
	KUNIT_CASE(resume_fails_connection_and_session_bound),
	KUNIT_CASE(fid_remap_by_session_not_value),
	KUNIT_CASE(fid_remap_needs_both_ids),
	KUNIT_CASE(fid_remap_one_session_only),
	KUNIT_CASE(close_plan_by_session),
	KUNIT_CASE(keep_missed_by_session),
	KUNIT_CASE(outage_hard_waits_forever),
	KUNIT_CASE(outage_soft_deadline),
	KUNIT_CASE(recover_tries_every_address_then_backs_off),
	{}
};

static struct kunit_suite replay_suite = {
	.name = "smb3mc_replay",
	.test_cases = replay_cases,
};
kunit_test_suite(replay_suite);
