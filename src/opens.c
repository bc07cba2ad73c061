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
}

/**
 * smb3mc_open_keep - keep an open file of @tcon for a new session
 * @tcon: its tree
 * @path: its name from the share root, UTF-8
 * @access: the DesiredAccess it was opened with
 * @options: its CreateOptions
 * @index: its IndexNumber, by which a new session knows it; 0: unknown
 * @fid: its FileId, which a new session overwrites in place: it must
 *	stay until smb3mc_open_forget(), and be read with
 *	smb3mc_tcon_fid_read()
 *
 * Return: the entry, or NULL without memory.
 */
struct smb3mc_open *smb3mc_open_keep(struct smb3mc_tcon *tcon,
				     const char *path, u32 access,
				     u32 options, u64 index,
				     struct smb3mc_fid *fid)
{
	struct smb3mc_open *open = kzalloc(sizeof(*open), GFP_KERNEL);

	if (!open)
		return NULL;
	open->path = kstrdup(path, GFP_KERNEL);
	if (!open->path) {
		kfree(open);
		return NULL;
	}
	INIT_LIST_HEAD(&open->locks);
	open->tcon = tcon;
	open->fid = fid;
	open->access = access;
	open->options = options;
	open->index = index;
	mutex_lock(&tcon->open_lock);
	list_add_tail(&open->list, &tcon->opens);
	mutex_unlock(&tcon->open_lock);
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
 * smb3mc_open_closing - the file is being closed: no new session opens it
 *	again from here on
 * @open: from smb3mc_open_keep()
 * @fid: set to its FileId
 *
 * A new session being set up holds the session's tree lock from opening
 * the files again until it is up, or failed and left them (reconnect.c):
 * waiting for that lock, the close sees the FileId that new session gave
 * and closes it there, rather than leave it open on the server.
 *
 * Return: whether *@fid names an open of the session up now, to be
 * closed; false when the server lost it with its session.
 */
bool smb3mc_open_closing(struct smb3mc_open *open, struct smb3mc_fid *fid)
{
	struct smb3mc_tcon *tcon = open->tcon;
	struct smb3mc_ses *ses = tcon->ses;
	bool live;

	mutex_lock(&ses->tcon_lock);
	mutex_lock(&tcon->open_lock);
	open->closing = true;
	*fid = *open->fid;
	live = fid->gen == READ_ONCE(ses->gen);
	mutex_unlock(&tcon->open_lock);
	mutex_unlock(&ses->tcon_lock);
	return live;
}

/**
 * smb3mc_open_forget - the file is closed: no new session opens it again
 * @open: from smb3mc_open_keep(), or NULL; freed here
 */
void smb3mc_open_forget(struct smb3mc_open *open)
{
	struct smb3mc_open_lock *lk, *next;
	struct smb3mc_tcon *tcon;

	if (!open)
		return;
	tcon = open->tcon;
	mutex_lock(&tcon->open_lock);
	list_del(&open->list);
	mutex_unlock(&tcon->open_lock);
	list_for_each_entry_safe(lk, next, &open->locks, list)
		kfree(lk);
	kfree(open->path);
	kfree(open);
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
 * smb3mc_tcon_reopen_done - a new session opened the files of @tcon again
 * @tcon: the tree
 * @up: the session is up, about to be given to dispatch: each file opened
 *	again gets its new FileId; false: the session failed, and what it
 *	opened is left to the server (the next session names it previous)
 *
 * A file not opened again keeps the FileId of its old session, whose
 * requests then fail (smb3mc_tcon_map_fid()).
 */
void smb3mc_tcon_reopen_done(struct smb3mc_tcon *tcon, bool up)
{
	struct smb3mc_open *open;

	mutex_lock(&tcon->open_lock);
	write_seqcount_begin(&tcon->fid_seq);
	list_for_each_entry(open, &tcon->opens, list) {
		if (!up) {
			open->pending = false;
			continue;
		}
		open->reopened = open->pending;
		if (!open->pending)
			continue;
		open->prev = *open->fid;
		*open->fid = open->next;
		open->pending = false;
	}
	write_seqcount_end(&tcon->fid_seq);
	mutex_unlock(&tcon->open_lock);
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
