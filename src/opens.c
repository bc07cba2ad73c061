// SPDX-License-Identifier: GPL-2.0
/*
 * The open files of each tree, kept so that a new session can open them
 * again when the server lost the old one (tcon.c does, by name), and so
 * that a request made before can name the new FileId (dispatch.c). The
 * table holds no reference: the holder of an open forgets it before it
 * frees the FileId it lent.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "replay.h"
#include "session.h"

/**
 * smb3mc_tcon_opens_init - set up the table of a new tree connect
 * @tcon: the tree connect
 */
void smb3mc_tcon_opens_init(struct smb3mc_tcon *tcon)
{
	mutex_init(&tcon->open_lock);
	INIT_LIST_HEAD(&tcon->opens);
	seqcount_mutex_init(&tcon->fid_seq, &tcon->open_lock);
	tcon->opens_gen = READ_ONCE(tcon->ses->gen);
}

/**
 * smb3mc_open_keep - keep an open file of @tcon for a new session
 * @tcon: its tree
 * @path: its name from the share root, UTF-8
 * @access: the DesiredAccess it was opened with
 * @options: its CreateOptions
 * @index: its IndexNumber, by which a new session knows it; 0: unknown
 * @fid: its FileId, which a new session overwrites in place: it must
 *	stay until smb3mc_open_close(), and be read with
 *	smb3mc_tcon_fid_read()
 *
 * Return: the entry; ERR_PTR(-EAGAIN) when a new session was set up
 * since the CREATE and will not open the file again
 * (smb3mc_keep_missed()), or ERR_PTR(-ENOMEM).
 */
struct smb3mc_open *smb3mc_open_keep(struct smb3mc_tcon *tcon,
				     const char *path, u32 access,
				     u32 options, u64 index,
				     struct smb3mc_fid *fid)
{
	struct smb3mc_open *open = kzalloc(sizeof(*open), GFP_KERNEL);
	bool missed;

	if (!open)
		return ERR_PTR(-ENOMEM);
	open->path = kstrdup(path, GFP_KERNEL);
	if (!open->path) {
		kfree(open);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&open->locks);
	open->tcon = tcon;
	open->fid = fid;
	open->access = access;
	open->options = options;
	open->index = index;
	mutex_lock(&tcon->open_lock);
	missed = smb3mc_keep_missed(fid->gen, tcon->opens_gen,
				    tcon->opens_taken);
	if (!missed)
		list_add_tail(&open->list, &tcon->opens);
	mutex_unlock(&tcon->open_lock);
	if (missed) {
		smb3mc_open_free(open);
		return ERR_PTR(-EAGAIN);
	}
	return open;
}

/**
 * smb3mc_open_durable - the server made @open's handle durable
 * @open: from smb3mc_open_keep()
 * @lease: the lease it was opened with: its key and state
 * @dh: the durable handle granted: CreateGuid, timeout, flags
 *
 * A new session reclaims the handle before it opens the file by name.
 */
void smb3mc_open_durable(struct smb3mc_open *open,
			 const struct smb3mc_lease *lease,
			 const struct smb3mc_durable *dh)
{
	struct smb3mc_tcon *tcon = open->tcon;

	mutex_lock(&tcon->open_lock);
	open->lease = *lease;
	open->dh = *dh;
	open->durable = true;
	mutex_unlock(&tcon->open_lock);
	if (dh->flags & SMB2_DHANDLE_FLAG_PERSISTENT)
		atomic_inc(&tcon->ses->persistent);
}

/**
 * smb3mc_open_rename - a new session opens the file by @path
 * @open: from smb3mc_open_keep()
 * @path: its new name from the share root
 *
 * Without memory the old name stays (the allocator said so).
 */
void smb3mc_open_rename(struct smb3mc_open *open, const char *path)
{
	struct smb3mc_tcon *tcon = open->tcon;
	char *s = kstrdup(path, GFP_KERNEL);

	if (!s)
		return;
	mutex_lock(&tcon->open_lock);
	swap(s, open->path);
	mutex_unlock(&tcon->open_lock);
	kfree(s);
}

/**
 * smb3mc_open_free - free an open its tree no longer lists
 * @open: from smb3mc_open_keep(), off tcon->opens
 */
void smb3mc_open_free(struct smb3mc_open *open)
{
	struct smb3mc_open_lock *lk, *next;

	list_for_each_entry_safe(lk, next, &open->locks, list)
		kfree(lk);
	kfree(open->path);
	kfree(open);
}

/**
 * smb3mc_open_close - the file is closed: no new session opens it again
 * @open: from smb3mc_open_keep(); no longer the caller's on return, but
 *	for the smb3mc_open_closed() that %SMB3MC_CLOSE_NOW asks for
 * @fid: set to its FileId
 *
 * Never waits for a new session being set up, which may take as long as
 * its requests' timeouts allow: when that session is opening the file
 * again, or opened it and is not up yet, @open is handed over to it, and
 * it closes what it opened (smb3mc_tcon_reopen_done()).
 *
 * Return: what to do with *@fid (smb3mc_close_plan()). For
 * %SMB3MC_CLOSE_NOW, @open stays until smb3mc_open_closed().
 */
enum smb3mc_close_how smb3mc_open_close(struct smb3mc_open *open,
					struct smb3mc_fid *fid)
{
	struct smb3mc_tcon *tcon = open->tcon;
	bool handed_over, stays;
	enum smb3mc_close_how how;

	mutex_lock(&tcon->open_lock);
	*fid = *open->fid;
	handed_over = open->taken || open->pending;
	how = smb3mc_close_plan(handed_over, fid->gen,
				READ_ONCE(tcon->ses->gen));
	stays = handed_over || how == SMB3MC_CLOSE_NOW;
	if (stays) {
		open->closing = true;
		open->held = !handed_over;
		open->reopened = false;
		open->dh.fid = *fid;
		open->fid = NULL;
	} else {
		list_del(&open->list);
	}
	mutex_unlock(&tcon->open_lock);
	if (!stays)
		smb3mc_open_free(open);
	return how;
}

/**
 * smb3mc_open_closed - the CLOSE of smb3mc_open_close()'s plan is done
 * @open: from smb3mc_open_close(), which said %SMB3MC_CLOSE_NOW; gone on
 *	return
 * @unanswered: the server did not answer it (no channel, a connection
 *	lost, no memory)
 *
 * A durable handle the CLOSE did not reach stays on the server, with the
 * locks and share access it holds against other clients, until its
 * timeout: the next new session reclaims it to close it.
 */
void smb3mc_open_closed(struct smb3mc_open *open, bool unanswered)
{
	struct smb3mc_tcon *tcon = open->tcon;
	bool keep;

	mutex_lock(&tcon->open_lock);
	open->held = false;
	keep = unanswered && open->durable;
	if (!keep)
		list_del(&open->list);
	mutex_unlock(&tcon->open_lock);
	if (!keep)
		smb3mc_open_free(open);
}

/**
 * smb3mc_tcon_opens_drop - forget the closed files of @tcon, at its end
 * @tcon: the tree, which no new session opens files of again
 *
 * Return: whether a file not closed is left, which would be a bug.
 */
bool smb3mc_tcon_opens_drop(struct smb3mc_tcon *tcon)
{
	struct smb3mc_open *open, *tmp;
	LIST_HEAD(gone);
	bool left;

	mutex_lock(&tcon->open_lock);
	list_for_each_entry_safe(open, tmp, &tcon->opens, list) {
		if (open->closing)
			list_move_tail(&open->list, &gone);
	}
	left = !list_empty(&tcon->opens);
	mutex_unlock(&tcon->open_lock);
	list_for_each_entry_safe(open, tmp, &gone, list)
		smb3mc_open_free(open);
	return left;
}

/**
 * smb3mc_open_lock_add - @open holds a lock, which a new session takes again
 * @open: from smb3mc_open_keep()
 * @offset: first byte
 * @length: bytes
 * @exclusive: an exclusive lock, else a shared one
 *
 * Return: 0, or -ENOMEM.
 */
int smb3mc_open_lock_add(struct smb3mc_open *open, u64 offset, u64 length,
			 bool exclusive)
{
	struct smb3mc_tcon *tcon = open->tcon;
	struct smb3mc_open_lock *lk = kmalloc(sizeof(*lk), GFP_KERNEL);

	if (!lk)
		return -ENOMEM;
	lk->offset = offset;
	lk->length = length;
	lk->exclusive = exclusive;
	mutex_lock(&tcon->open_lock);
	list_add_tail(&lk->list, &open->locks);
	mutex_unlock(&tcon->open_lock);
	return 0;
}

/**
 * smb3mc_open_lock_del - @open let go of a lock of exactly this range
 * @open: from smb3mc_open_keep()
 * @offset: as locked
 * @length: as locked
 */
void smb3mc_open_lock_del(struct smb3mc_open *open, u64 offset, u64 length)
{
	struct smb3mc_tcon *tcon = open->tcon;
	struct smb3mc_open_lock *lk, *found = NULL;

	mutex_lock(&tcon->open_lock);
	list_for_each_entry(lk, &open->locks, list) {
		if (lk->offset == offset && lk->length == length) {
			list_del(&lk->list);
			found = lk;
			break;
		}
	}
	mutex_unlock(&tcon->open_lock);
	kfree(found);
}

/**
 * smb3mc_tcon_fid_read - an open's FileId, whole, and its session
 * @tcon: the open's tree
 * @fid: a FileId its holder lent to smb3mc_open_keep(), or any other
 * @id: set to *@fid as it is at one instant: a new session publishes
 *	both ids and their session at once (smb3mc_tcon_reopen_done())
 */
void smb3mc_tcon_fid_read(struct smb3mc_tcon *tcon,
			  const struct smb3mc_fid *fid, struct smb3mc_fid *id)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&tcon->fid_seq);
		*id = *fid;
	} while (read_seqcount_retry(&tcon->fid_seq, seq));
}

/**
 * smb3mc_open_take - the next file of @tcon a new session opens again
 * @tcon: the tree
 * @c: set to a copy of what the file is opened again with; the caller
 *	gives it back to smb3mc_open_taken()
 *
 * The caller opens the file from @c without holding open_lock, which the
 * file's holder takes to rename, lock or close it (a close hands the open
 * over: smb3mc_open_close()).
 *
 * Return: 1 with @c set, 0 when every file was taken in this attempt, or
 * -ENOMEM.
 */
int smb3mc_open_take(struct smb3mc_tcon *tcon, struct smb3mc_open_copy *c)
{
	struct smb3mc_open_lock *lk;
	struct smb3mc_open *open;
	unsigned int n = 0;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	mutex_lock(&tcon->open_lock);
	list_for_each_entry(open, &tcon->opens, list) {
		if (!open->tried && !open->held &&
		    (!open->closing || open->durable)) {
			rc = 1;
			break;
		}
	}
	if (rc != 1) {
		tcon->opens_taken = true;
		goto out;
	}
	list_for_each_entry(lk, &open->locks, list)
		n++;
	c->path = kstrdup(open->path, GFP_KERNEL);
	c->locks = n ? kmalloc_array(n, sizeof(*lk), GFP_KERNEL) : NULL;
	if (!c->path || (n && !c->locks)) {
		kfree(c->path);
		kfree(c->locks);
		rc = -ENOMEM;
		goto out;
	}
	list_for_each_entry(lk, &open->locks, list)
		c->locks[c->nr_locks++] = *lk;
	if (!open->closing)
		open->dh.fid = *open->fid;
	c->open = open;
	c->closing = open->closing;
	c->access = open->access;
	c->options = open->options;
	c->index = open->index;
	c->durable = open->durable;
	c->dh = open->dh;
	c->lease = open->lease;
	open->tried = true;
	open->taken = true;
out:
	mutex_unlock(&tcon->open_lock);
	return rc;
}

/**
 * smb3mc_open_taken - the new session tried to open @c's file again
 * @c: from smb3mc_open_take(); freed here
 * @next: its FileId in the new session, published when that is up
 *	(smb3mc_tcon_reopen_done()); NULL: not opened
 */
void smb3mc_open_taken(struct smb3mc_open_copy *c,
		       const struct smb3mc_fid *next)
{
	struct smb3mc_open *open = c->open;
	struct smb3mc_tcon *tcon = open->tcon;

	mutex_lock(&tcon->open_lock);
	open->taken = false;
	open->durable = c->durable;
	if (next) {
		open->next = *next;
		open->pending = true;
	}
	mutex_unlock(&tcon->open_lock);
	kfree(c->locks);
	kfree(c->path);
}

/**
 * smb3mc_tcon_reopen_done - a new session opened the files of @tcon again
 * @tcon: the tree
 * @up: the session is up, about to be given to dispatch: each file opened
 *	again gets its new FileId; false: the session failed, and what it
 *	opened is left to the server (the next session names it previous)
 * @gen: the session it is, whose FileIds the open files hold when @up
 * @orphans: gets the files closed meanwhile that the session opened again,
 *	off the tree's list: the caller closes each @next, and frees it
 *
 * A file not opened again keeps the FileId of its old session, whose
 * requests then fail (smb3mc_tcon_map_fid()).
 */
void smb3mc_tcon_reopen_done(struct smb3mc_tcon *tcon, bool up,
			     unsigned int gen, struct list_head *orphans)
{
	struct smb3mc_open *open, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&tcon->open_lock);
	tcon->opens_taken = false;
	if (up)
		tcon->opens_gen = gen;
	write_seqcount_begin(&tcon->fid_seq);
	list_for_each_entry_safe(open, tmp, &tcon->opens, list) {
		open->tried = false;
		if (open->held)
			continue;
		if (open->closing) {
			/* A durable handle not reached: the next session's. */
			if (!up && !open->pending && open->durable)
				continue;
			list_move_tail(&open->list,
				       up && open->pending ? orphans : &gone);
			open->pending = false;
			continue;
		}
		if (up)
			open->reopened = open->pending;
		if (up && open->pending) {
			open->prev = *open->fid;
			*open->fid = open->next;
		}
		open->pending = false;
	}
	write_seqcount_end(&tcon->fid_seq);
	mutex_unlock(&tcon->open_lock);
	list_for_each_entry_safe(open, tmp, &gone, list)
		smb3mc_open_free(open);
}

/**
 * smb3mc_tcon_map_fid - the FileId of a request made a session ago
 * @tcon: the request's tree
 * @wire_fid: the FileId in the request, as on the wire; replaced by the
 *	open's in the session up now
 * @gen: the session @wire_fid was written in
 *
 * A FileId is looked up among the ids of @gen only: in the session up now
 * the server may have given the same value to another open (ksmbd hands
 * out small ids again after a restart). The all-ones FileId names no open
 * (MS-SMB2 2.2.31) and stays. An open that could not be opened again, or
 * that has no id of @gen (a request two sessions old), maps nowhere.
 *
 * Return: true when the request may go on with @wire_fid, false when its
 * open is not in the session up now.
 */
bool smb3mc_tcon_map_fid(struct smb3mc_tcon *tcon, u8 *wire_fid,
			 unsigned int gen)
{
	unsigned int now = READ_ONCE(tcon->ses->gen);
	struct smb3mc_fid fid = { .gen = gen };
	struct smb3mc_open *open;
	bool found = false;
	__le64 id[2];

	memcpy(id, wire_fid, sizeof(id));
	fid.persistent = le64_to_cpu(id[0]);
	fid.volatile_id = le64_to_cpu(id[1]);
	if (fid.persistent == U64_MAX && fid.volatile_id == U64_MAX)
		return true;
	mutex_lock(&tcon->open_lock);
	list_for_each_entry(open, &tcon->opens, list) {
		if (open->reopened &&
		    smb3mc_fid_remap(&open->prev, open->fid, now, &fid)) {
			found = true;
			break;
		}
	}
	mutex_unlock(&tcon->open_lock);
	if (found) {
		id[0] = cpu_to_le64(fid.persistent);
		id[1] = cpu_to_le64(fid.volatile_id);
		memcpy(wire_fid, id, sizeof(id));
	}
	return found;
}
