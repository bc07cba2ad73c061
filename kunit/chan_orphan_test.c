// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the table of a channel's orphans, the requests whose
 * waiter gave up (src/chan_orphan.c).
 */

#include <kunit/test.h>

#include "chan_orphan.h"

/* An orphan of MessageId @mid that expires at @expires, freed with @test. */
static struct smb3mc_orphan *orphan(struct kunit *test, u64 mid,
				    unsigned long expires)
{
	struct smb3mc_orphan *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	o->mid = mid;
	o->expires = expires;
	return o;
}

static unsigned int count(struct list_head *list)
{
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, list)
		n++;
	return n;
}

static void take_finds_each_once(struct kunit *test)
{
	struct smb3mc_orphans t;
	struct smb3mc_orphan *a = orphan(test, 5, 100);
	struct smb3mc_orphan *b = orphan(test, 9, 100);

	smb3mc_orphans_init(&t);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 5));
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_add(&t, a));
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_add(&t, b));
	KUNIT_EXPECT_EQ(test, t.nr, 2U);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 7));
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_take(&t, 9), b);
	/* A second answer of the same MessageId finds nothing. */
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 9));
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_take(&t, 5), a);
	KUNIT_EXPECT_EQ(test, t.nr, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.list));
}

static void find_leaves_it_in(struct kunit *test)
{
	struct smb3mc_orphans t;
	struct smb3mc_orphan *a = orphan(test, 5, 100);

	smb3mc_orphans_init(&t);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_find(&t, 5));
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_add(&t, a));
	/* An interim finds it as often as it comes; the answer takes it. */
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_find(&t, 5), a);
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_find(&t, 5), a);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_find(&t, 6));
	KUNIT_EXPECT_EQ(test, t.nr, 1U);
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_take(&t, 5), a);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_find(&t, 5));
	KUNIT_EXPECT_EQ(test, t.nr, 0U);
}

static void full_table_pushes_out_oldest(struct kunit *test)
{
	struct smb3mc_orphan *o, *first = NULL;
	struct smb3mc_orphans t;
	u64 mid;

	smb3mc_orphans_init(&t);
	for (mid = 0; mid < SMB3MC_ORPHANS_MAX; mid++) {
		o = orphan(test, mid, 100);
		first = first ?: o;
		KUNIT_EXPECT_NULL(test, smb3mc_orphans_add(&t, o));
	}
	KUNIT_EXPECT_EQ(test, t.nr, (unsigned int)SMB3MC_ORPHANS_MAX);
	/* More than the hash has buckets: each is found in its own. */
	for (mid = 0; mid < SMB3MC_ORPHANS_MAX; mid++)
		KUNIT_EXPECT_EQ(test, smb3mc_orphans_find(&t, mid)->mid, mid);
	KUNIT_EXPECT_PTR_EQ(test, smb3mc_orphans_add(&t, orphan(test, mid,
								 100)),
			    first);
	KUNIT_EXPECT_EQ(test, t.nr, (unsigned int)SMB3MC_ORPHANS_MAX);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 0));
	KUNIT_EXPECT_NOT_NULL(test, smb3mc_orphans_take(&t, 1));
	KUNIT_EXPECT_NOT_NULL(test, smb3mc_orphans_take(&t, mid));
	/* Room again: nothing is pushed out. */
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_add(&t, orphan(test, mid + 1,
							       100)));
	KUNIT_EXPECT_EQ(test, t.nr, (unsigned int)SMB3MC_ORPHANS_MAX - 1);
}

static void expire_takes_those_due(struct kunit *test)
{
	struct smb3mc_orphans t;
	LIST_HEAD(gone);

	smb3mc_orphans_init(&t);
	/* Not in the order they expire: each request has its own timeout. */
	smb3mc_orphans_add(&t, orphan(test, 1, 300));
	smb3mc_orphans_add(&t, orphan(test, 2, 100));
	smb3mc_orphans_add(&t, orphan(test, 3, 200));
	KUNIT_EXPECT_EQ(test, smb3mc_orphans_expire(&t, 99, &gone), 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&gone));
	KUNIT_EXPECT_EQ(test, smb3mc_orphans_expire(&t, 200, &gone), 2U);
	KUNIT_EXPECT_EQ(test, count(&gone), 2U);
	KUNIT_EXPECT_EQ(test, t.nr, 1U);
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 2));
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 3));
	KUNIT_EXPECT_NOT_NULL(test, smb3mc_orphans_take(&t, 1));
}

static void expire_across_jiffies_wrap(struct kunit *test)
{
	struct smb3mc_orphans t;
	LIST_HEAD(gone);

	smb3mc_orphans_init(&t);
	smb3mc_orphans_add(&t, orphan(test, 1, 50));
	/* 100 jiffies before it is due, across the wrap of the counter */
	KUNIT_EXPECT_EQ(test, smb3mc_orphans_expire(&t, ULONG_MAX - 49, &gone),
			0U);
	KUNIT_EXPECT_EQ(test, smb3mc_orphans_expire(&t, 50, &gone), 1U);
	KUNIT_EXPECT_EQ(test, t.nr, 0U);
}

static void take_all_empties(struct kunit *test)
{
	struct smb3mc_orphans t;
	LIST_HEAD(gone);

	smb3mc_orphans_init(&t);
	smb3mc_orphans_add(&t, orphan(test, 1, 100));
	smb3mc_orphans_add(&t, orphan(test, 2, 100));
	smb3mc_orphans_take_all(&t, &gone);
	KUNIT_EXPECT_EQ(test, count(&gone), 2U);
	KUNIT_EXPECT_EQ(test, t.nr, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.list));
	KUNIT_EXPECT_NULL(test, smb3mc_orphans_take(&t, 1));
}

static struct kunit_case smb3mc_chan_orphan_cases[] = {
	KUNIT_CASE(take_finds_each_once),
	KUNIT_CASE(find_leaves_it_in),
	KUNIT_CASE(full_table_pushes_out_oldest),
	KUNIT_CASE(expire_takes_those_due),
	KUNIT_CASE(expire_across_jiffies_wrap),
	KUNIT_CASE(take_all_empties),
	{}
};

static struct kunit_suite smb3mc_chan_orphan_suite = {
	.name = "smb3mc_chan_orphan",
	.test_cases = smb3mc_chan_orphan_cases,
};

kunit_test_suite(smb3mc_chan_orphan_suite);
