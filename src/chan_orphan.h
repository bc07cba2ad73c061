/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The requests of a channel whose waiter gave up (a fatal signal, a
 * timeout, its stop flag, the timeout scan for one without a waiter), or
 * that failed on an answer refused (chan_recv.c), while their answer may
 * still come, kept by MessageId for a while: a late
 * answer, verified as the waiter's would have been, still grants the
 * credits the server spends on it (MS-SMB2 3.2.5.1.4), and one that made
 * something on the server (a CREATE's open) is handed to whoever can undo
 * it. A list in age order, hashed by MessageId, bounded in size, which
 * its user locks: pure, so that KUnit can drive it. Hashed, as each
 * answer of a MessageId not outstanding looks here, and a server can send
 * thousands of them in one message.
 *
 * Bounded, so some credits can still be lost: those of an orphan pushed
 * out by a newer one, or forgotten once it expired, whose answer comes
 * after that. The channel then has fewer credits than the server granted;
 * one left with too few for a request and nothing in flight is dropped
 * (chan.c), and a new connection starts with new credits.
 */
#ifndef SMB3MC_CHAN_ORPHAN_H
#define SMB3MC_CHAN_ORPHAN_H

#include <linux/hash.h>
#include <linux/list.h>
#include <linux/types.h>

/*
 * Requests a channel keeps at most; a new one pushes out the oldest. Each
 * holds at least one credit of the server's until its answer comes, and a
 * channel asks for credits up to 512 (SMB3MC_CREDIT_TARGET, chan.c): as
 * many orphans as that keeps the credits of every request a channel can
 * have given up at once, at the cost of a small allocation each.
 */
#define SMB3MC_ORPHANS_MAX	512
#define SMB3MC_ORPHANS_HASH_BITS	7

/*
 * What the sender of a request asks to be told of its late answer (struct
 * smb3mc_req @orphan_fn): @owner and @cookie as the sender gave them,
 * @rsp the answer (@len bytes, from its SMB2 header), which passed the
 * checks its request's answer had to pass, and is freed once this
 * returns. Called from a channel's receive thread or one of its workers:
 * it must not sleep long.
 */
typedef void (*smb3mc_orphan_t)(void *owner, u64 cookie, const void *rsp,
				size_t len);

/* One request whose waiter left. */
struct smb3mc_orphan {
	struct list_head list;		/* on smb3mc_orphans @list */
	struct hlist_node hash;		/* in smb3mc_orphans @hash */
	u64 mid;			/* its MessageId */
	unsigned long expires;		/* jiffies it is forgotten at */
	__le16 command;			/* its answer must be of this one */
	bool verify;			/* its answer's signature is checked */
	bool seal;			/* ... or encrypted */
	bool cancelled;			/* a CANCEL for it went out */
	bool interim_credited;		/* an interim's credits taken */
	smb3mc_orphan_t fn;		/* or NULL: only its credits count */
	void *owner;
	u64 cookie;
};

/* The orphans of one channel: @list oldest first, @hash by MessageId. */
struct smb3mc_orphans {
	struct list_head list;
	struct hlist_head hash[1 << SMB3MC_ORPHANS_HASH_BITS];
	unsigned int nr;
};

void smb3mc_orphans_init(struct smb3mc_orphans *t);
struct smb3mc_orphan *smb3mc_orphans_add(struct smb3mc_orphans *t,
					 struct smb3mc_orphan *o);
struct smb3mc_orphan *smb3mc_orphans_find(struct smb3mc_orphans *t, u64 mid);
struct smb3mc_orphan *smb3mc_orphans_take(struct smb3mc_orphans *t, u64 mid);
unsigned int smb3mc_orphans_expire(struct smb3mc_orphans *t,
				   unsigned long now, struct list_head *gone);
void smb3mc_orphans_take_all(struct smb3mc_orphans *t,
			     struct list_head *gone);
void smb3mc_orphan_free(struct smb3mc_orphan *o, const char *chan);

#endif /* SMB3MC_CHAN_ORPHAN_H */
