// SPDX-License-Identifier: GPL-2.0
/*
 * The table of a channel's orphans (chan_orphan.h): requests whose waiter
 * gave up, kept until their answer comes or they expire. The caller holds
 * whatever lock guards the table (the channel's MessageId table's), and
 * frees what it gets back.
 */

#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "chan_orphan.h"

/**
 * smb3mc_orphans_init - an empty table
 * @t: the table
 */
void smb3mc_orphans_init(struct smb3mc_orphans *t)
{
	unsigned int i;

	INIT_LIST_HEAD(&t->list);
	for (i = 0; i < ARRAY_SIZE(t->hash); i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	t->nr = 0;
}

static struct hlist_head *orphans_bucket(struct smb3mc_orphans *t, u64 mid)
{
	return &t->hash[hash_64(mid, SMB3MC_ORPHANS_HASH_BITS)];
}

static void orphans_del(struct smb3mc_orphans *t, struct smb3mc_orphan *o)
{
	list_del(&o->list);
	hlist_del(&o->hash);
	t->nr--;
}

/**
 * smb3mc_orphans_add - keep @o until its answer comes or it expires
 * @t: the table
 * @o: the orphan, its MessageId not yet in @t; the table's from now on
 *
 * Return: NULL, or the oldest orphan, taken out to make room when @t
 * held SMB3MC_ORPHANS_MAX: the caller frees it.
 */
struct smb3mc_orphan *smb3mc_orphans_add(struct smb3mc_orphans *t,
					 struct smb3mc_orphan *o)
{
	struct smb3mc_orphan *old = NULL;

	if (t->nr >= SMB3MC_ORPHANS_MAX) {
		old = list_first_entry(&t->list, struct smb3mc_orphan, list);
		orphans_del(t, old);
	}
	list_add_tail(&o->list, &t->list);
	hlist_add_head(&o->hash, orphans_bucket(t, o->mid));
	t->nr++;
	return old;
}

/**
 * smb3mc_orphans_find - the orphan of a MessageId, left in the table
 * @t: the table
 * @mid: the MessageId, of an interim response for one
 *
 * Return: the orphan, still @t's (valid while its lock is held), or NULL.
 */
struct smb3mc_orphan *smb3mc_orphans_find(struct smb3mc_orphans *t, u64 mid)
{
	struct smb3mc_orphan *o;

	hlist_for_each_entry(o, orphans_bucket(t, mid), hash) {
		if (o->mid == mid)
			return o;
	}
	return NULL;
}

/**
 * smb3mc_orphans_take - the orphan whose answer has come
 * @t: the table
 * @mid: the MessageId answered
 *
 * Return: the orphan, taken out of @t for the caller, or NULL.
 */
struct smb3mc_orphan *smb3mc_orphans_take(struct smb3mc_orphans *t, u64 mid)
{
	struct smb3mc_orphan *o = smb3mc_orphans_find(t, mid);

	if (o)
		orphans_del(t, o);
	return o;
}

/**
 * smb3mc_orphans_expire - forget the orphans whose time is up
 * @t: the table
 * @now: jiffies
 * @gone: where those expired go, for the caller to free
 *
 * Return: how many expired.
 */
unsigned int smb3mc_orphans_expire(struct smb3mc_orphans *t,
				   unsigned long now, struct list_head *gone)
{
	struct smb3mc_orphan *o, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(o, next, &t->list, list) {
		if (time_before(now, o->expires))
			continue;
		orphans_del(t, o);
		list_add_tail(&o->list, gone);
		n++;
	}
	return n;
}

/**
 * smb3mc_orphans_take_all - empty the table
 * @t: the table
 * @gone: where its orphans go, for the caller to free
 */
void smb3mc_orphans_take_all(struct smb3mc_orphans *t, struct list_head *gone)
{
	list_splice_tail(&t->list, gone);
	smb3mc_orphans_init(t);
}

/**
 * smb3mc_orphan_free - free an orphan whose answer never came
 * @o: the orphan, out of its table (expired, pushed out, or its channel
 *	gone), or NULL
 * @chan: the name of its channel
 *
 * What the answer of one with @fn would have undone (a CREATE's open)
 * stays on the server until the session ends: said, ratelimited.
 */
void smb3mc_orphan_free(struct smb3mc_orphan *o, const char *chan)
{
	if (o && o->fn)
		pr_warn_ratelimited("smb3mc: %s: MessageId %llu, whose waiter gave up, went unanswered: what it opened stays open on the server until the session ends\n",
				    chan, o->mid);
	kfree(o);
}
