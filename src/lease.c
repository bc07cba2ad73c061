// SPDX-License-Identifier: GPL-2.0
/*
 * Leases of regular files (MS-SMB2 3.2.4.3.8, 3.2.5.19.2). Every inode
 * has one random lease key, which all its opens ask for, read, write and
 * handle caching (R, W and H); the server grants what no other client's
 * opens forbid. While the client holds R its page cache stays valid without
 * checks against the server's times; while it holds W dirty pages may
 * stay local. A break comes from a receive thread, which must not wait:
 * it is handed to the inode's work item, which writes dirty data back
 * when W goes, drops cached pages when R goes, and then acknowledges.
 * A lease counts only in the session it was granted in: a new one, after
 * the server lost the old, opens the files again without.
 * Breaks coalesce per inode, so a storm of them costs at most one work
 * item per file the mount holds a lease on; one of a key no inode has
 * the session logs and ignores.
 *
 * Under handle caching (H, 3.2.4.3.8) no other client needs this one's
 * handles closed before the server says so with a break: the last close
 * of a file keeps its handle for closetimeo, and an open meanwhile takes
 * it instead of sending a CREATE, as a program that opens the same file
 * again and again (a build reading a header, a script appending to a
 * log) does. The kept handle is closed when the time is up, at any break
 * of the lease (another client opens the file), before this client
 * removes or renames the file or a directory above it (which also waits
 * for a close already under way), and when the inode leaves the cache.
 */

#include <linux/pagemap.h>
#include <linux/random.h>

#include "fs.h"

/*
 * What every open asks for. Handle caching makes the server keep the
 * handle durable (MS-SMB2 3.3.5.9.10), which a new session reclaims,
 * and lets the last close of a file keep its handle.
 */
#define SMB3MC_LEASE_WANT	(SMB2_LEASE_READ_CACHING | \
				 SMB2_LEASE_HANDLE_CACHING | \
				 SMB2_LEASE_WRITE_CACHING)
/* What the lease must cache for a handle to be kept, or taken again. */
#define SMB3MC_LEASE_KEEP	(SMB2_LEASE_READ_CACHING | \
				 SMB2_LEASE_HANDLE_CACHING)

/* Keys are random: their first bytes hash well enough. */
static u32 lease_hash(const u8 *key)
{
	u32 h;

	memcpy(&h, key, sizeof(h));
	return h;
}

/* The lease of @si counts, under the lease lock. */
static bool lease_in_force(const struct smb3mc_inode *si,
			   const struct smb3mc_sb *sbi)
{
	return si->lease_valid &&
	       si->lease_gen == smb3mc_share_gen(sbi->tcon);
}

/*
 * Keep @brk in @slot, where another may wait to be handled: the later
 * one takes its place, but the acknowledgment either asks for is sent.
 */
static void lease_break_note(struct smb3mc_lease_break *slot, bool *pending,
			     const struct smb3mc_lease_break *brk)
{
	u32 flags = *pending ? slot->flags : 0;

	if (!*pending || smb3mc_lease_epoch_newer(slot->epoch, brk->epoch))
		*slot = *brk;
	slot->flags |= flags | brk->flags;
	*pending = true;
}

/*
 * A break for the key of @brk, from a receive thread or the session's
 * maintenance work (smb3mc_share_on_lease_break()): queue its work, or
 * keep it for the inode an open(O_CREAT) is making. Returns whether the
 * mount has the key.
 */
static bool lease_break(void *owner, const struct smb3mc_lease_break *brk)
{
	struct smb3mc_sb *sbi = owner;
	struct smb3mc_lease_create *lc;
	struct smb3mc_inode *si;
	bool found = false;

	spin_lock(&sbi->lease_lock);
	hash_for_each_possible(sbi->leases, si, lease_node,
			       lease_hash(brk->key)) {
		if (memcmp(si->lease.key, brk->key, SMB3MC_LEASE_KEY_SIZE))
			continue;
		found = true;
		lease_break_note(&si->lease_brk, &si->lease_brk_pending, brk);
		si->lease_brk_awaited |= si->lease_opens != 0;
		queue_work(sbi->lease_wq, &si->lease_work);
		break;
	}
	if (!found) {
		list_for_each_entry(lc, &sbi->lease_creates, node) {
			if (memcmp(lc->ol.want.key, brk->key,
				   SMB3MC_LEASE_KEY_SIZE))
				continue;
			found = true;
			lease_break_note(&lc->brk, &lc->brk_pending, brk);
			break;
		}
	}
	spin_unlock(&sbi->lease_lock);
	return found;
}

/* The inode's work: a break, handled as smb3mc_lease_break_plan() says. */
static void lease_break_work(struct work_struct *work)
{
	struct smb3mc_inode *si = container_of(work, struct smb3mc_inode,
					       lease_work);
	struct inode *inode = &si->vfs_inode;
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	u8 key[SMB3MC_LEASE_KEY_SIZE];
	struct smb3mc_lease_break brk;
	struct smb3mc_lease_plan plan;
	struct smb3mc_share_info info;
	bool in_force, awaited;
	int rc;

	/*
	 * A write(2) into the page cache under write caching ends first:
	 * its pages are then dirty, and written back below, before the other
	 * client's open goes on; a write(2) after it goes to the server
	 * (a store through a mapping does not wait, and dirties the page).
	 */
	down_write(&si->lease_write_sem);
	spin_lock(&sbi->lease_lock);
	brk = si->lease_brk;
	si->lease_brk_pending = false;
	/*
	 * Only a CREATE sent before the break came can bring a grant older
	 * than the break: the server answers a later one after it. The count
	 * starts earlier, before smb3mc_open() waits for a channel or
	 * credits: a break of a closed lease that comes in that window is
	 * kept too, and can make the new grant look older.
	 */
	awaited = si->lease_brk_awaited && si->lease_opens;
	si->lease_brk_awaited = false;
	in_force = lease_in_force(si, sbi);
	smb3mc_lease_break_plan(&si->lease, in_force, &brk, &plan);
	if (smb3mc_lease_break_apply(&si->lease, &in_force, awaited, &brk,
				     &plan)) {
		si->lease_valid = true;
		si->lease_early = true;
		si->lease_gen = smb3mc_share_gen(sbi->tcon);
	}
	memcpy(key, si->lease.key, sizeof(key));
	spin_unlock(&sbi->lease_lock);
	up_write(&si->lease_write_sem);

	smb3mc_share_info(sbi->tcon, &info);
	if (plan.stale) {
		pr_warn_ratelimited("smb3mc: %pISc: break of lease %16phN to epoch %u, which is not newer, ignored\n",
				    info.addr, key, brk.epoch);
		return;
	}
	/* Another client is to see what this one wrote, and vice versa. */
	if (plan.write_back)
		smb3mc_write_and_wait(inode);
	if (plan.drop_cache) {
		invalidate_inode_pages2(inode->i_mapping);
		smb3mc_attr_stale(inode);
	}
	/*
	 * Another client opens the file: close the handle a close kept, also
	 * when handle caching stays, so that a removal or a rename there
	 * finds the file closed (Samba breaks no handle caching for those).
	 * When that was the last handle, the server ended the lease with
	 * it, and the break with the lease: nothing is left to acknowledge.
	 */
	if (smb3mc_lease_close_kept(inode))
		return;
	if (!plan.ack)
		return;
	rc = smb3mc_lease_ack(sbi->tcon, key, plan.state);
	if (rc)
		pr_warn_ratelimited("smb3mc: %pISc: acknowledging the break of lease %16phN failed (%d)\n",
				    info.addr, key, rc);
}

/*
 * Take @inode's kept handle, under the mount's kept_lock. Returns it,
 * or NULL.
 */
static struct smb3mc_fh *kept_take(struct smb3mc_sb *sbi,
				    struct smb3mc_inode *si)
{
	struct smb3mc_fh *fh = si->kept_fh;

	lockdep_assert_held(&sbi->kept_lock);
	if (fh) {
		si->kept_fh = NULL;
		list_del_init(&si->kept_node);
	}
	return fh;
}

/**
 * smb3mc_lease_close_kept - close the handle the last close kept
 * @inode: a regular file
 *
 * Return: true when that was the file's last handle: its lease ended
 * with it, and with the lease any break of it in progress.
 */
bool smb3mc_lease_close_kept(struct inode *inode)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *fh;
	bool last;

	if (!S_ISREG(inode->i_mode))
		return false;
	/*
	 * Nothing to close: no waiting behind a remove that waits for
	 * others' CLOSEs (evict() comes here for every file). Looked at
	 * under the lock, as smb3mc_lease_release_handle() needs of a break.
	 */
	spin_lock(&sbi->kept_lock);
	fh = si->kept_fh;
	spin_unlock(&sbi->kept_lock);
	if (!fh)
		return false;
	down_read(&sbi->kept_closing);
	spin_lock(&sbi->kept_lock);
	fh = kept_take(sbi, si);
	spin_unlock(&sbi->kept_lock);
	if (!fh) {
		up_read(&sbi->kept_closing);
		return false;
	}
	/*
	 * An open that sent its own CREATE meanwhile has the lease again;
	 * seen too late, it only caches less until its next open. A file
	 * released meanwhile may have had its handle kept: open on the
	 * server, that one holds the lease, whose break is to be answered.
	 */
	last = !smb3mc_lease_handle(inode, 0);
	if (last)
		smb3mc_lease_closed(inode);
	smb3mc_fh_put(fh);
	up_read(&sbi->kept_closing);
	return last;
}

/**
 * smb3mc_lease_kept_closed - wait for the kept handles being closed
 * @sb: the mount
 *
 * A close at closetimeo or at a break takes the handle off its file
 * before it sends the CLOSE: until the server answered, the file is
 * open there, and no other caller finds a handle to close. One who
 * removes or renames a file waits here after closing its kept handles,
 * lest the server leave the file delete-pending (its name taken, its
 * directory not empty) or refuse the rename.
 *
 * Return: 0, or -EINTR when a fatal signal came first.
 */
int smb3mc_lease_kept_closed(struct super_block *sb)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);

	if (down_write_killable(&sbi->kept_closing))
		return -EINTR;
	up_write(&sbi->kept_closing);
	return 0;
}

static void kept_close_work(struct work_struct *work)
{
	struct smb3mc_inode *si = container_of(to_delayed_work(work),
					       struct smb3mc_inode,
					       kept_work);

	smb3mc_lease_close_kept(&si->vfs_inode);
}

/**
 * smb3mc_lease_release_handle - the file of @fh is released
 * @inode: a regular file
 * @fh: the handle of the file released, still on @inode's open handles
 * @may_keep: @fh holds no byte-range lock that only its CLOSE releases
 *
 * @fh goes off @inode's open handles. The handle of the last file is kept
 * open while the lease caches handles, and a handle kept before is closed
 * now: the newer one is the one the next open takes. A last handle not
 * kept ends the lease with its CLOSE.
 *
 * Off the list and kept in one step under the mount's kept_lock, as a
 * kept handle goes to a new open (smb3mc_lease_take_handle()): there
 * smb3mc_lease_handle() sees a handle of the file that may write either
 * open or kept, not in between. The lease is checked under the lock a
 * break takes to close a kept handle, after it changed the lease: a break
 * that took handle caching away either comes after and closes @fh, or
 * came before and @fh is not kept. (One that left handle caching, handled
 * just before, leaves @fh kept until the next break or closetimeo.)
 *
 * Return: true when @fh is kept (the caller's reference with it); false
 * when the caller puts it.
 */
bool smb3mc_lease_release_handle(struct inode *inode, struct smb3mc_fh *fh,
				 bool may_keep)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *old = NULL;
	bool last, kept = false;

	may_keep = may_keep && sbi->closetimeo;
	spin_lock(&sbi->kept_lock);
	last = smb3mc_fh_del(inode, fh);
	if (last && may_keep &&
	    smb3mc_lease_caches(inode, SMB3MC_LEASE_KEEP)) {
		old = kept_take(sbi, si);
		si->kept_fh = fh;
		list_add_tail(&si->kept_node, &sbi->kept);
		kept = true;
	}
	spin_unlock(&sbi->kept_lock);
	if (kept)
		mod_delayed_work(sbi->lease_wq, &si->kept_work,
				 sbi->closetimeo);
	else if (last)
		smb3mc_lease_closed(inode);
	if (old)
		smb3mc_fh_put(old);
	return kept;
}

/**
 * smb3mc_lease_take_handle - the kept handle of @inode, for a new open
 * @inode: a regular file being opened
 * @file: the file being opened
 * @access: the access the open asks for
 *
 * The handle becomes @file's, with smb3mc_fh_add(), when one is kept that
 * grants @access under a lease still caching handles, and the server
 * would grant it again; it goes from kept to open under the mount's
 * kept_lock, as smb3mc_lease_release_handle() says.
 *
 * Return: true when @file has the handle, with the reference kept; false
 * when the open is to send a CREATE.
 */
bool smb3mc_lease_take_handle(struct inode *inode, struct file *file,
			      u32 access)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *fh = NULL;

	/*
	 * A server refuses writing to a read-only file at CREATE: a handle
	 * opened for writing before the file became so (by the open that
	 * created it, or a chmod since) must not let this open pass.
	 */
	if (access & GENERIC_WRITE &&
	    READ_ONCE(si->attributes) & FILE_ATTRIBUTE_READONLY)
		return false;
	spin_lock(&sbi->kept_lock);
	if (si->kept_fh && (si->kept_fh->access & access) == access &&
	    smb3mc_lease_caches(inode, SMB3MC_LEASE_KEEP)) {
		fh = kept_take(sbi, si);
		smb3mc_fh_add(inode, file, fh);
	}
	spin_unlock(&sbi->kept_lock);
	if (!fh)
		return false;
	/* Running, the work finds nothing to close. */
	cancel_delayed_work(&si->kept_work);
	return true;
}

/**
 * smb3mc_lease_handle - whether a handle of @inode grants @access: the
 *	handle of a file open here, or the one a close kept
 * @inode: a regular file
 * @access: GENERIC_WRITE, GENERIC_READ, or 0 for any handle
 *
 * Looked at under the mount's kept_lock, under which a handle goes from
 * a file released to kept and back to a file opened.
 */
bool smb3mc_lease_handle(struct inode *inode, u32 access)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	bool held;

	spin_lock(&sbi->kept_lock);
	held = (si->kept_fh && (si->kept_fh->access & access) == access) ||
	       smb3mc_fh_open(inode, access);
	spin_unlock(&sbi->kept_lock);
	return held;
}

/**
 * smb3mc_lease_close_all_kept - close every kept handle of the mount
 * @sb: the mount
 *
 * Before a directory is renamed: a server refuses that while a file
 * below it is open (Samba: STATUS_ACCESS_DENIED), and which kept
 * handles are below it the names no longer tell for certain.
 */
void smb3mc_lease_close_all_kept(struct super_block *sb)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);
	struct smb3mc_inode *si;
	struct inode *inode;

	for (;;) {
		inode = NULL;
		spin_lock(&sbi->kept_lock);
		list_for_each_entry(si, &sbi->kept, kept_node) {
			/* One being evicted closes its own handle. */
			inode = igrab(&si->vfs_inode);
			if (inode)
				break;
		}
		spin_unlock(&sbi->kept_lock);
		if (!inode)
			return;
		smb3mc_lease_close_kept(inode);
		iput(inode);
	}
}

/**
 * smb3mc_leases_init - set up the leases of a mount
 * @sb: the mount, with its tree connect, before any file is opened
 *
 * Return: 0 or -ENOMEM.
 */
int smb3mc_leases_init(struct super_block *sb)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);

	spin_lock_init(&sbi->lease_lock);
	hash_init(sbi->leases);
	INIT_LIST_HEAD(&sbi->lease_creates);
	if (sbi->nolease || !smb3mc_share_leasing(sbi->tcon))
		return 0;
	/* Breaks write back: they must progress under memory pressure. */
	sbi->lease_wq = alloc_workqueue("smb3mc_lease", WQ_UNBOUND |
					WQ_MEM_RECLAIM, 0);
	if (!sbi->lease_wq)
		return -ENOMEM;
	smb3mc_share_on_lease_break(sbi->tcon, lease_break, sbi);
	return 0;
}

/**
 * smb3mc_leases_exit - the mount's session is closed: no break comes
 * @sb: the mount, whose inodes are all evicted
 */
void smb3mc_leases_exit(struct super_block *sb)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);

	if (sbi->lease_wq)
		destroy_workqueue(sbi->lease_wq);
}

/**
 * smb3mc_lease_inode_init - give a new regular file its lease key
 * @inode: I_NEW
 *
 * Without leases on the mount the file has none, and asks for none.
 */
void smb3mc_lease_inode_init(struct inode *inode)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);

	si->kept_fh = NULL;
	INIT_LIST_HEAD(&si->kept_node);
	INIT_DELAYED_WORK(&si->kept_work, kept_close_work);
	init_rwsem(&si->lease_write_sem);
	if (!sbi->lease_wq)
		return;
	memset(&si->lease, 0, sizeof(si->lease));
	get_random_bytes(si->lease.key, sizeof(si->lease.key));
	si->lease_valid = false;
	si->lease_early = false;
	si->lease_opens = 0;
	si->lease_brk_pending = false;
	si->lease_brk_awaited = false;
	INIT_WORK(&si->lease_work, lease_break_work);
	spin_lock(&sbi->lease_lock);
	hash_add(sbi->leases, &si->lease_node, lease_hash(si->lease.key));
	si->lease_hashed = true;
	spin_unlock(&sbi->lease_lock);
}

/**
 * smb3mc_lease_evict - @inode leaves the cache: no break reaches it now
 * @inode: a regular file
 *
 * Closes the handle a close kept first, while a break of the lease still
 * finds the file; then waits for a break being handled, which no signal
 * ends: closed, the file has no dirty pages to write back, and neither
 * the CLOSE nor the acknowledgment waits for a lost server.
 */
void smb3mc_lease_evict(struct inode *inode)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);

	if (!si->lease_hashed)
		return;
	cancel_delayed_work_sync(&si->kept_work);
	smb3mc_lease_close_kept(inode);
	spin_lock(&sbi->lease_lock);
	hash_del(&si->lease_node);
	spin_unlock(&sbi->lease_lock);
	cancel_work_sync(&si->lease_work);
}

/**
 * smb3mc_lease_want - the lease an open of @inode asks for
 * @inode: a regular file
 * @ol: filled
 *
 * Until smb3mc_lease_open_end() a break of the lease may be of the grant
 * this open's CREATE brings, and is kept for it (smb3mc_lease_break_apply()).
 *
 * Return: @ol, for struct smb3mc_open_args, or NULL when the mount asks
 * for no lease (and the open is not to be ended).
 */
struct smb3mc_open_lease *smb3mc_lease_want(struct inode *inode,
					    struct smb3mc_open_lease *ol)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);

	if (!si->lease_hashed)
		return NULL;
	memset(ol, 0, sizeof(*ol));
	memcpy(ol->want.key, si->lease.key, sizeof(ol->want.key));
	ol->want.state = SMB3MC_LEASE_WANT;
	spin_lock(&sbi->lease_lock);
	si->lease_opens++;
	spin_unlock(&sbi->lease_lock);
	return ol;
}

/**
 * smb3mc_lease_open_end - an open of @inode is done: take in its lease
 * @inode: a regular file
 * @ol: from smb3mc_lease_want(), after smb3mc_open()
 * @opened: the open keeps its handle; false when it failed, or closed the
 *	handle, and with it the lease granted
 *
 * A lease in force only by a break handled before its grant ends with
 * the last open that could have brought that grant, when none did.
 */
void smb3mc_lease_open_end(struct inode *inode,
			   const struct smb3mc_open_lease *ol, bool opened)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	bool valid;

	spin_lock(&sbi->lease_lock);
	si->lease_opens--;
	if (opened && ol->granted) {
		valid = si->lease_valid && si->lease_gen == ol->gen;
		if (smb3mc_lease_grant(&si->lease, &valid, &ol->got)) {
			si->lease_valid = true;
			si->lease_gen = ol->gen;
		}
		si->lease_early = false;
	} else if (!si->lease_opens && si->lease_early) {
		si->lease_valid = false;
		si->lease_early = false;
	}
	spin_unlock(&sbi->lease_lock);
}

/**
 * smb3mc_lease_create_begin - the lease an open(O_CREAT) asks for
 * @sb: the mount
 * @lc: filled, and known to the breaks until smb3mc_lease_create_end()
 *
 * The new file has no inode, and so no key, until the server answered
 * the CREATE and told its IndexNumber; another client that opens it in
 * between breaks the lease at once, and that break waits here.
 *
 * Return: the lease for struct smb3mc_open_args, or NULL when the mount
 * asks for none (and @lc is not to be ended).
 */
struct smb3mc_open_lease *
smb3mc_lease_create_begin(struct super_block *sb,
			  struct smb3mc_lease_create *lc)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);

	if (!sbi->lease_wq)
		return NULL;
	memset(lc, 0, sizeof(*lc));
	get_random_bytes(lc->ol.want.key, sizeof(lc->ol.want.key));
	lc->ol.want.state = SMB3MC_LEASE_WANT;
	spin_lock(&sbi->lease_lock);
	list_add(&lc->node, &sbi->lease_creates);
	spin_unlock(&sbi->lease_lock);
	return &lc->ol;
}

/*
 * @si, a new inode, takes the key, the grant and the break of @lc, unless
 * it holds a lease of its own: the server gave the new file the
 * IndexNumber of a file this mount holds a lease on, or has a break of.
 */
static bool lease_create_take(struct smb3mc_sb *sbi, struct smb3mc_inode *si,
			      const struct smb3mc_lease_create *lc)
{
	bool valid = false;

	if (!si->lease_hashed || lease_in_force(si, sbi) ||
	    si->lease_brk_pending)
		return false;
	hash_del(&si->lease_node);
	memset(&si->lease, 0, sizeof(si->lease));
	memcpy(si->lease.key, lc->ol.want.key, sizeof(si->lease.key));
	hash_add(sbi->leases, &si->lease_node, lease_hash(si->lease.key));
	if (smb3mc_lease_grant(&si->lease, &valid, &lc->ol.got)) {
		si->lease_valid = true;
		si->lease_gen = lc->ol.gen;
	}
	if (lc->brk_pending) {
		si->lease_brk = lc->brk;
		si->lease_brk_pending = true;
		queue_work(sbi->lease_wq, &si->lease_work);
	}
	return true;
}

/**
 * smb3mc_lease_create_end - the open(O_CREAT) of @lc has its inode
 * @sb: the mount
 * @lc: from smb3mc_lease_create_begin()
 * @inode: the new file, not yet in the dentry cache; NULL when the
 *	create failed and its handle, with its lease, is closed
 */
void smb3mc_lease_create_end(struct super_block *sb,
			     struct smb3mc_lease_create *lc,
			     struct inode *inode)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);
	struct smb3mc_share_info info;
	bool taken = true;

	spin_lock(&sbi->lease_lock);
	list_del(&lc->node);
	if (inode && lc->ol.granted)
		taken = lease_create_take(sbi, SMB3MC_I(inode), lc);
	spin_unlock(&sbi->lease_lock);
	if (taken)
		return;
	smb3mc_share_info(sbi->tcon, &info);
	pr_warn_ratelimited("smb3mc: %pISc: a new file has the IndexNumber %llu of a file with a lease: the lease of its creating open is not kept\n",
			    info.addr, SMB3MC_I(inode)->file_id);
}

/**
 * smb3mc_lease_closed - the last open file of @inode is closed
 * @inode: a regular file
 *
 * The server ends a lease with the last handle that asked for it: its
 * state counts for nothing now, and a new open starts a new lease. A
 * handle still borrowed for writeback keeps it a little longer on the
 * server, which only makes the client cache less than it could.
 */
void smb3mc_lease_closed(struct inode *inode)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);

	if (!si->lease_hashed)
		return;
	spin_lock(&sbi->lease_lock);
	si->lease_valid = false;
	spin_unlock(&sbi->lease_lock);
}

/**
 * smb3mc_lease_create_failed - the open(O_CREAT) of @inode closed its handle
 * @inode: the new file, which took the lease of that open's CREATE
 *
 * The server ends a lease with the last handle that asked for it, and
 * others may have: an open of the file that came once its name was in
 * the dentry cache, or the handle the last close of one kept. The lease
 * then stays in force, over what such an open wrote into the page
 * cache. As in smb3mc_lease_close_kept(), an open whose CREATE is under
 * way is not seen; it only caches less until its next open.
 */
void smb3mc_lease_create_failed(struct inode *inode)
{
	if (!smb3mc_lease_handle(inode, 0))
		smb3mc_lease_closed(inode);
}

/**
 * smb3mc_lease_caches - whether the client holds @state on @inode
 * @inode: any inode of the mount
 * @state: SMB2_LEASE_READ_CACHING, SMB2_LEASE_WRITE_CACHING or both
 *
 * Return: true while a lease in force grants all of @state.
 */
bool smb3mc_lease_caches(struct inode *inode, u32 state)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	bool held;

	if (!S_ISREG(inode->i_mode) || !si->lease_hashed)
		return false;
	spin_lock(&sbi->lease_lock);
	held = lease_in_force(si, sbi) && (si->lease.state & state) == state;
	spin_unlock(&sbi->lease_lock);
	return held;
}

/**
 * smb3mc_lease_uncached - whether @inode lacks the read caching it asks for
 * @inode: any inode of the mount
 *
 * Return: true for a regular file of a mount that asks for leases and
 * holds no read caching on it; false where no lease is asked for, and the
 * cache is checked at open and by actimeo as it always was.
 */
bool smb3mc_lease_uncached(struct inode *inode)
{
	return SMB3MC_I(inode)->lease_hashed &&
	       !smb3mc_lease_caches(inode, SMB2_LEASE_READ_CACHING);
}

/**
 * smb3mc_lease_write_begin - hold the write caching of @inode for a write
 * @inode: a regular file
 *
 * Until smb3mc_lease_write_end() a break waits to take write caching
 * away: a write that found it writes into pages that are then dirty when
 * the break writes them back, not into pages of a file another client has
 * opened meanwhile (and locked records of, which a whole page written
 * back, or read in to be written, would meet).
 *
 * Return: 1 holding write caching, 0 without it, or -EINTR if killed.
 */
int smb3mc_lease_write_begin(struct inode *inode)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);

	if (!smb3mc_lease_caches(inode, SMB2_LEASE_WRITE_CACHING))
		return 0;
	if (down_read_killable(&si->lease_write_sem))
		return -EINTR;
	if (smb3mc_lease_caches(inode, SMB2_LEASE_WRITE_CACHING))
		return 1;
	up_read(&si->lease_write_sem);
	return 0;
}

/**
 * smb3mc_lease_write_end - end what smb3mc_lease_write_begin() returned 1 for
 * @inode: a regular file
 */
void smb3mc_lease_write_end(struct inode *inode)
{
	up_read(&SMB3MC_I(inode)->lease_write_sem);
}
