// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the failover decisions (src/replay.c): which requests
 * are sent again after their channel was lost, and reconnect backoff.
 */

#include <kunit/test.h>

#include "replay.h"
#include "smb2.h"

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

static struct kunit_case replay_cases[] = {
	KUNIT_CASE(replay_connection_bound_commands_fail),
	KUNIT_CASE(replay_session_commands_are_flagged_on_3x),
	KUNIT_CASE(replay_2x_resends_without_flag),
	KUNIT_CASE(replay_unknown_command_fails),
	KUNIT_CASE(backoff_doubles_up_to_the_cap),
	KUNIT_CASE(backoff_never_overflows),
	{}
};

static struct kunit_suite replay_suite = {
	.name = "smb3mc_replay",
	.test_cases = replay_cases,
};
kunit_test_suite(replay_suite);
