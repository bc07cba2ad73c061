// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the table of open files a new session opens again
 * (src/opens.c), as a state machine: files kept, taken by a new session,
 * given their new FileIds when it is up.
 */

#include <kunit/test.h>

#include <linux/err.h>

#include "session.h"

struct opens_test {
	struct smb3mc_ses *ses;
	struct smb3mc_tcon *tcon;
};

static void opens_setup(struct kunit *test, struct opens_test *t)
{
	t->ses = kunit_kzalloc(test, sizeof(*t->ses), GFP_KERNEL);
	t->tcon = kunit_kzalloc(test, sizeof(*t->tcon), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->ses);
	KUNIT_ASSERT_NOT_NULL(test, t->tcon);
	t->tcon->ses = t->ses;
	smb3mc_tcon_opens_init(t->tcon);
}

/* A new session of @t takes every file and opens it again as id + 100. */
static void opens_take_all(struct opens_test *t)
{
	struct smb3mc_open_copy c;
	struct smb3mc_fid next;

	while (smb3mc_open_take(t->tcon, &c) == 1) {
		next = c.dh.fid;
		next.persistent += 100;
		next.volatile_id += 100;
		next.gen = t->ses->gen + 1;
		smb3mc_open_taken(&c, &next);
	}
}

/* The new session is up: dispatch gets it, as ses_recover() does. */
static void opens_up(struct opens_test *t)
{
	LIST_HEAD(orphans);

	smb3mc_tcon_reopen_done(t->tcon, true, t->ses->gen + 1, &orphans);
	t->ses->gen++;
}

static void opens_close(struct kunit *test, struct smb3mc_open *open)
{
	struct smb3mc_fid fid;

	KUNIT_ASSERT_EQ(test, smb3mc_open_close(open, &fid), SMB3MC_CLOSE_NOW);
	smb3mc_open_closed(open, false);
}

/*
 * A file whose CREATE was answered in the session the server lost, and
 * that is kept only once a new session took every file (its holder was
 * slow), or once that session is up, would keep a FileId its I/O fails
 * on: keeping it fails, and its holder opens it again (computed cases).
 */
static void opens_keep_after_take_is_refused(struct kunit *test)
{
	struct smb3mc_fid a = { .persistent = 1, .volatile_id = 1 };
	struct smb3mc_fid b = { .persistent = 2, .volatile_id = 2 };
	struct smb3mc_open *oa, *ob;
	struct opens_test t;

	opens_setup(test, &t);
	oa = smb3mc_open_keep(t.tcon, "a", 0, 0, 0, &a);
	KUNIT_ASSERT_FALSE(test, IS_ERR(oa));
	opens_take_all(&t);
	ob = smb3mc_open_keep(t.tcon, "b", 0, 0, 0, &b);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ob), -EAGAIN);
	opens_up(&t);
	KUNIT_EXPECT_EQ(test, a.persistent, 101ULL);
	KUNIT_EXPECT_EQ(test, a.gen, 1U);
	/* Up now: b's FileId is still of the lost session. */
	ob = smb3mc_open_keep(t.tcon, "b", 0, 0, 0, &b);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ob), -EAGAIN);
	/* Opened again in the new one, it is kept. */
	b.gen = 1;
	ob = smb3mc_open_keep(t.tcon, "b", 0, 0, 0, &b);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ob));
	/* And the next new session opens both again. */
	opens_take_all(&t);
	opens_up(&t);
	KUNIT_EXPECT_EQ(test, a.persistent, 201ULL);
	KUNIT_EXPECT_EQ(test, b.persistent, 102ULL);
	KUNIT_EXPECT_EQ(test, b.gen, 2U);
	opens_close(test, oa);
	opens_close(test, ob);
	KUNIT_EXPECT_FALSE(test, smb3mc_tcon_opens_drop(t.tcon));
}

/*
 * A new session that failed published nothing: what was kept meanwhile
 * is the next one's to open again (computed cases).
 */
static void opens_keep_after_failed_session(struct kunit *test)
{
	struct smb3mc_fid a = { .persistent = 1, .volatile_id = 1 };
	struct smb3mc_open *oa;
	struct opens_test t;
	LIST_HEAD(orphans);

	opens_setup(test, &t);
	opens_take_all(&t);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR_OR_ZERO(smb3mc_open_keep(t.tcon, "a", 0, 0, 0,
							 &a)), -EAGAIN);
	smb3mc_tcon_reopen_done(t.tcon, false, 1, &orphans);
	oa = smb3mc_open_keep(t.tcon, "a", 0, 0, 0, &a);
	KUNIT_ASSERT_FALSE(test, IS_ERR(oa));
	opens_take_all(&t);
	opens_up(&t);
	KUNIT_EXPECT_EQ(test, a.persistent, 101ULL);
	KUNIT_EXPECT_EQ(test, a.gen, 1U);
	opens_close(test, oa);
}

static struct kunit_case opens_cases[] = {
	KUNIT_CASE(opens_keep_after_take_is_refused),
	KUNIT_CASE(opens_keep_after_failed_session),
	{}
};

static struct kunit_suite opens_suite = {
	.name = "smb3mc_opens",
	.test_cases = opens_cases,
};
kunit_test_suite(opens_suite);
