// SPDX-License-Identifier: GPL-2.0
/*
 * Byte-range locks: fcntl(2) POSIX and OFD locks (->lock) and flock(2)
 * (->flock), taken on the server so that they hold against every client
 * of the file, unless the mount says nobrl.
 *
 * SMB locks belong to an open handle (MS-SMB2 3.3.5.14), POSIX locks to a
 * process, OFD and flock locks to an open file. The server's locks are
 * kept in a list per inode, each with the handle that holds it and the
 * owner it was taken for, and the kernel's own bookkeeping of the locks
 * (posix_lock_file(), flock_lock_file()) runs alongside: a lock is taken
 * on the server first, then locally; an unlock is done on both. A server
 * lock that the local one cannot follow is released again.
 *
 * Where SMB and POSIX differ:
 * - a server unlocks only exactly a range it locked, and never merges or
 *   splits locks: an unlock releases the owner's server locks that lie
 *   wholly inside its range (a part of one stays locked until the whole
 *   is unlocked or the file closed); relocking exactly a range held
 *   converts it (unlock, then lock: not atomic); a lock overlapping
 *   another of the same owner is refused when either is exclusive, since
 *   the server would make it wait for itself;
 * - flock() locks are whole-file locks on the server, and conflict with
 *   fcntl() locks of the same file, which on a local file they do not;
 * - SMB locks are mandatory: the server refuses READ and WRITE from
 *   other opens into a range locked exclusively, and WRITE into one
 *   locked shared.
 *
 * Locks are how clients share a file's data: as NFS does, the page cache
 * is written back before a lock is released and dropped once one is
 * taken, so that what one client wrote under a lock, the next one to
 * take it reads.
 */

#include <linux/fs.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "fs.h"

/* One lock held on the server. */
struct smb3mc_lock {
	struct list_head list;		/* on smb3mc_inode.locks */
	struct smb3mc_fh *fh;		/* the handle that holds it */
	fl_owner_t owner;		/* fl_owner of the lock taken */
	u64 offset;
	u64 length;
	bool exclusive;
};

/*
 * The range of @fl as SMB has it. The kernel's ranges end at OFFSET_MAX
 * at most ("to the end of the file"), so the length never overflows.
 */
static void brl_range(const struct file_lock *fl, u64 *offset, u64 *length)
{
	*offset = fl->fl_start;
	*length = (u64)fl->fl_end - fl->fl_start + 1;
}

static u64 brl_last(u64 offset, u64 length)
{
	return offset + length - 1;
}

static bool brl_overlaps(const struct smb3mc_lock *lk, u64 offset,
			  u64 length)
{
	return lk->offset <= brl_last(offset, length) &&
	       offset <= brl_last(lk->offset, lk->length);
}

/*
 * Under @si->lock_mutex: what @owner holds already across the range. 1
 * when it holds exactly this lock on @fh; a negative errno when it holds
 * one the server would make the new one wait for; else 0, with *@convert
 * set to a lock of the other kind on exactly this range of @fh.
 */
static int brl_own(struct smb3mc_inode *si, struct smb3mc_fh *fh,
		    fl_owner_t owner, u64 offset, u64 length, bool exclusive,
		    bool wait, struct smb3mc_lock **convert)
{
	struct smb3mc_lock *lk;

	*convert = NULL;
	list_for_each_entry(lk, &si->locks, list) {
		if (lk->owner != owner || !brl_overlaps(lk, offset, length))
			continue;
		if (lk->fh == fh && lk->offset == offset &&
		    lk->length == length) {
			if (lk->exclusive == exclusive)
				return 1;
			*convert = lk;
			continue;
		}
		if (lk->exclusive || exclusive)
			return wait ? -EDEADLK : -EAGAIN;
	}
	return 0;
}

static void brl_add(struct smb3mc_inode *si, struct smb3mc_lock *lk)
{
	mutex_lock(&si->lock_mutex);
	list_add_tail(&lk->list, &si->locks);
	mutex_unlock(&si->lock_mutex);
}

static void brl_release(struct smb3mc_lock *lk)
{
	struct smb3mc_fh *fh = lk->fh;
	int rc = -EINTR;

	/*
	 * No signal would end the wait of a task dying of one for a lost
	 * server: the CLOSE releases the lock instead (it does not wait).
	 */
	if (!smb3mc_dying() || smb3mc_tcon_reachable(fh->tcon))
		rc = smb3mc_unlock(fh->tcon, fh->kept, &fh->fid, lk->offset,
				   lk->length);
	if (rc) {
		WRITE_ONCE(fh->lock_left, true);
		pr_warn_ratelimited("smb3mc: unlock of %llu bytes at %llu failed (%d)\n",
				    lk->length, lk->offset, rc);
	}
	kfree(lk);
}

/*
 * A LOCK that failed without the server's word on it (its caller killed
 * while it was pending, a timeout, the connection lost) may be granted all
 * the same, and only the CLOSE of @fh releases it then: release closes the
 * handle rather than keep it. Refused (EAGAIN) or cancelled, it holds
 * nothing.
 */
static void brl_lock_failed(struct smb3mc_fh *fh, int rc)
{
	if (rc != -EAGAIN && rc != -ERESTARTSYS)
		WRITE_ONCE(fh->lock_left, true);
}

/*
 * Back to the lock @old that a conversion gave up, as far as the server
 * still lets us have it.
 */
static void brl_restore(struct smb3mc_inode *si, struct smb3mc_lock *old)
{
	struct smb3mc_fh *fh = old->fh;
	int rc;

	rc = smb3mc_lock(fh->tcon, fh->kept, &fh->fid, old->offset,
			 old->length, old->exclusive, false);
	if (rc) {
		brl_lock_failed(fh, rc);
		pr_warn_ratelimited("smb3mc: a lock of %llu bytes at %llu was lost converting it\n",
				    old->length, old->offset);
		kfree(old);
		return;
	}
	brl_add(si, old);
}

/*
 * A lock was taken: what other clients wrote meanwhile is on the server,
 * not in our cache. Write back our own first, then drop it all.
 */
static void brl_cache_drop(struct inode *inode)
{
	if (smb3mc_writeback_range(inode, 0, LLONG_MAX) != -EINTR)
		invalidate_inode_pages2(inode->i_mapping);
	smb3mc_attr_stale(inode);
}

static int brl_set(struct file *file, struct file_lock *fl)
{
	struct smb3mc_inode *si = SMB3MC_I(file_inode(file));
	struct file_lock_core *flc = lock_core(fl);
	struct smb3mc_fh *fh = file->private_data;
	bool wait = flc->flc_flags & FL_SLEEP;
	bool exclusive = lock_is_write(fl);
	struct smb3mc_lock *lk, *convert;
	u64 offset, length;
	int rc;

	/*
	 * What this client wrote before goes to the server before the lock:
	 * a server that enforces locks on I/O (ksmbd, Windows) then refuses
	 * a WRITE under a shared lock from any handle, and under an exclusive
	 * one from the others, and the data would be lost.
	 */
	if (smb3mc_writeback_range(file_inode(file), 0, LLONG_MAX) == -EINTR)
		return -EINTR;
	brl_range(fl, &offset, &length);
	lk = kzalloc(sizeof(*lk), GFP_KERNEL);
	if (!lk)
		return -ENOMEM;
	mutex_lock(&si->lock_mutex);
	rc = brl_own(si, fh, flc->flc_owner, offset, length, exclusive, wait,
		      &convert);
	if (convert)
		list_del(&convert->list);
	mutex_unlock(&si->lock_mutex);
	if (rc) {
		kfree(lk);
		/* Held already: the kernel's bookkeeping has it too. */
		return rc < 0 ? rc : locks_lock_file_wait(file, fl);
	}

	if (convert && smb3mc_unlock(fh->tcon, fh->kept, &fh->fid, offset,
				     length))
		WRITE_ONCE(fh->lock_left, true);
	rc = smb3mc_lock(fh->tcon, fh->kept, &fh->fid, offset, length,
			 exclusive, wait);
	if (rc) {
		brl_lock_failed(fh, rc);
		kfree(lk);
		if (convert)
			brl_restore(si, convert);
		return rc;
	}
	kfree(convert);
	lk->fh = fh;
	lk->owner = flc->flc_owner;
	lk->offset = offset;
	lk->length = length;
	lk->exclusive = exclusive;
	brl_add(si, lk);
	brl_cache_drop(file_inode(file));

	rc = locks_lock_file_wait(file, fl);
	if (rc) {
		mutex_lock(&si->lock_mutex);
		list_del(&lk->list);
		mutex_unlock(&si->lock_mutex);
		brl_release(lk);
	}
	return rc;
}

/*
 * Release the server locks of @fl's owner that lie inside its range, then
 * the kernel's. They leave the list under the mutex, each with a count
 * on its handle, which may be another file's, closed meanwhile; the
 * UNLOCKs go out after it, so that no one else's lock, unlock or close
 * of the file waits for them.
 */
static int brl_clear(struct file *file, struct file_lock *fl)
{
	struct smb3mc_inode *si = SMB3MC_I(file_inode(file));
	fl_owner_t owner = lock_core(fl)->flc_owner;
	struct smb3mc_lock *lk, *next;
	struct smb3mc_fh *fh;
	u64 offset, length;
	LIST_HEAD(gone);

	brl_range(fl, &offset, &length);
	/* What we wrote under the lock reaches the server before it goes. */
	smb3mc_write_and_wait(file_inode(file));
	mutex_lock(&si->lock_mutex);
	list_for_each_entry_safe(lk, next, &si->locks, list) {
		if (lk->owner != owner || lk->offset < offset ||
		    brl_last(lk->offset, lk->length) >
		    brl_last(offset, length))
			continue;
		list_move_tail(&lk->list, &gone);
		refcount_inc(&lk->fh->ref);
	}
	mutex_unlock(&si->lock_mutex);
	list_for_each_entry_safe(lk, next, &gone, list) {
		fh = lk->fh;
		brl_release(lk);
		smb3mc_fh_put(fh);
	}
	return locks_lock_file_wait(file, fl);
}

/*
 * Whether @owner holds a server lock across the range: the server would
 * then answer a test with our own lock, which POSIX does not report.
 */
static bool brl_own_any(struct smb3mc_inode *si, fl_owner_t owner,
			 u64 offset, u64 length)
{
	struct smb3mc_lock *lk;
	bool found = false;

	mutex_lock(&si->lock_mutex);
	list_for_each_entry(lk, &si->locks, list) {
		if (lk->owner == owner && brl_overlaps(lk, offset, length)) {
			found = true;
			break;
		}
	}
	mutex_unlock(&si->lock_mutex);
	return found;
}

/*
 * Whether the server would grant the lock now: take it and let go, as
 * the handle's locks, so that both go with its lock sequences (a probe
 * sent again after the loss of its channel is not taken twice).
 */
static int brl_probe(struct smb3mc_fh *fh, u64 offset, u64 length,
		      bool exclusive)
{
	int rc;

	rc = smb3mc_lock(fh->tcon, fh->kept, &fh->fid, offset, length,
			 exclusive, false);
	if (rc)
		brl_lock_failed(fh, rc);
	else if (smb3mc_unlock(fh->tcon, fh->kept, &fh->fid, offset, length))
		WRITE_ONCE(fh->lock_left, true);
	return rc;
}

/*
 * F_GETLK: the locks of other processes here are in the kernel's
 * bookkeeping; those of other clients are found by trying the lock on
 * the server. What a server refuses is reported with the range asked
 * about and pid -1, as a remote lock: the server tells neither its range
 * nor its owner, only (by a shared lock that would be granted) that it
 * is a read lock.
 */
static int brl_test(struct file *file, struct file_lock *fl)
{
	struct smb3mc_inode *si = SMB3MC_I(file_inode(file));
	struct file_lock_core *flc = lock_core(fl);
	struct smb3mc_fh *fh = file->private_data;
	unsigned char type = flc->flc_type;
	u64 offset, length;
	int rc;

	posix_test_lock(file, fl);
	if (!lock_is_unlock(fl))
		return 0;
	brl_range(fl, &offset, &length);
	if (brl_own_any(si, flc->flc_owner, offset, length))
		return 0;
	rc = brl_probe(fh, offset, length, type == F_WRLCK);
	if (rc != -EAGAIN)
		return rc;
	if (type == F_WRLCK) {
		rc = brl_probe(fh, offset, length, false);
		if (rc && rc != -EAGAIN)
			return rc;
	}
	flc->flc_type = rc ? F_WRLCK : F_RDLCK;
	flc->flc_pid = -1;
	return 0;
}

/**
 * smb3mc_file_lock - ->lock: fcntl(2) POSIX and OFD locks
 * @file: the file locked
 * @cmd: F_GETLK, F_SETLK or F_SETLKW (OFD locks come with FL_OFDLCK)
 * @fl: the lock
 */
int smb3mc_file_lock(struct file *file, int cmd, struct file_lock *fl)
{
	if (SMB3MC_SB(file_inode(file)->i_sb)->nobrl) {
		if (IS_GETLK(cmd)) {
			posix_test_lock(file, fl);
			return 0;
		}
		return locks_lock_file_wait(file, fl);
	}
	if (IS_GETLK(cmd))
		return brl_test(file, fl);
	if (lock_is_unlock(fl))
		return brl_clear(file, fl);
	return brl_set(file, fl);
}

/**
 * smb3mc_file_flock - ->flock: flock(2), a lock of the whole file
 * @file: the file locked
 * @cmd: unused; LOCK_NB is the absence of FL_SLEEP
 * @fl: the lock, from offset 0 to OFFSET_MAX
 */
int smb3mc_file_flock(struct file *file, int cmd, struct file_lock *fl)
{
	if (!(lock_core(fl)->flc_flags & FL_FLOCK))
		return -ENOLCK;
	if (SMB3MC_SB(file_inode(file)->i_sb)->nobrl)
		return locks_lock_file_wait(file, fl);
	if (lock_is_unlock(fl))
		return brl_clear(file, fl);
	return brl_set(file, fl);
}

/**
 * smb3mc_locks_drop - forget the server locks of a handle being closed
 * @inode: the file
 * @fh: its handle, whose CLOSE releases them on the server (MS-SMB2
 *	3.3.5.10)
 *
 * By then the VFS has released the locks of @fh's file (locks_remove_file()),
 * which released their server locks: what is left are parts of ranges a
 * process unlocked only in part.
 *
 * Return: whether there were any, or an UNLOCK of @fh failed: only the
 * CLOSE of @fh releases what the server holds then.
 */
bool smb3mc_locks_drop(struct inode *inode, struct smb3mc_fh *fh)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_lock *lk, *next;
	bool dropped = READ_ONCE(fh->lock_left);

	mutex_lock(&si->lock_mutex);
	list_for_each_entry_safe(lk, next, &si->locks, list) {
		if (lk->fh != fh)
			continue;
		list_del(&lk->list);
		kfree(lk);
		dropped = true;
	}
	mutex_unlock(&si->lock_mutex);
	return dropped;
}

/**
 * smb3mc_locks_writer - the handle that may write a range this client locked
 * @inode: a regular file
 * @pos: the first byte
 * @len: bytes, at least 1
 *
 * SMB locks are mandatory, and belong to a handle: the server refuses a
 * WRITE into a range locked exclusively on any other handle, also one of
 * this client (MS-SMB2 3.3.5.13). Writeback, which borrows a handle, must
 * write such a range on the handle that locked it.
 *
 * Return: a writable handle holding an exclusive lock overlapping the range,
 * with a reference for smb3mc_fh_put(); NULL where there is none.
 */
struct smb3mc_fh *smb3mc_locks_writer(struct inode *inode, loff_t pos,
				      size_t len)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *fh = NULL;
	struct smb3mc_lock *lk;

	if (list_empty_careful(&si->locks))
		return NULL;
	mutex_lock(&si->lock_mutex);
	list_for_each_entry(lk, &si->locks, list) {
		if (lk->exclusive && lk->fh->access & GENERIC_WRITE &&
		    brl_overlaps(lk, pos, len)) {
			fh = lk->fh;
			refcount_inc(&fh->ref);
			break;
		}
	}
	mutex_unlock(&si->lock_mutex);
	return fh;
}
