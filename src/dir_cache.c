// SPDX-License-Identifier: GPL-2.0
/*
 * A directory's last complete listing, listed again from memory within
 * actimeo of its first request, as the attributes of its entries are:
 * a second `ls -l` then sends nothing. A change this client makes in the
 * directory drops it; another client's change shows once actimeo has
 * passed, as that client's changes to attributes do. MS-SMB2 offers a
 * directory lease to do better (2.2.13.2.8), which servers grant rarely
 * (Samba 4.17 never). Memory goes with its time: a listing is freed once
 * actimeo has passed, by a work the inode schedules.
 */

#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "fs.h"

/*
 * A listing bigger than this is not kept: its entries, at about 24
 * bytes each for a name of ten characters, are read from the server.
 */
#define SMB3MC_DIR_CACHE_MAX	(1024 * 1024)

/* One entry as dir_emit() takes it, followed by its name. */
struct dir_cache_ent {
	u64 ino;
	u8 type;
	u8 len;
	char name[];
};

struct smb3mc_dir_cache {
	refcount_t ref;
	unsigned long asked;	/* jiffies: the listing's first request */
	unsigned int gen;	/* smb3mc_inode.dir_gen when it was asked */
	size_t used;
	size_t size;
	char *buf;		/* entries, each 8-byte aligned */
};

static size_t dir_cache_ent_size(unsigned int len)
{
	return ALIGN(sizeof(struct dir_cache_ent) + len, 8);
}

static void dir_cache_put(struct smb3mc_dir_cache *dc)
{
	if (dc && refcount_dec_and_test(&dc->ref)) {
		kvfree(dc->buf);
		kfree(dc);
	}
}

/**
 * smb3mc_dir_cache_begin - start keeping a listing of @dir
 * @dir: the directory
 * @asked: jiffies before the listing's first request was sent
 *
 * Return: the listing to fill with smb3mc_dir_cache_add(), or NULL where
 * none is kept (actimeo=0, no memory).
 */
struct smb3mc_dir_cache *smb3mc_dir_cache_begin(struct inode *dir,
						unsigned long asked)
{
	struct smb3mc_dir_cache *dc;

	if (!SMB3MC_SB(dir->i_sb)->actimeo)
		return NULL;
	dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	if (!dc)
		return NULL;
	refcount_set(&dc->ref, 1);
	dc->asked = asked;
	spin_lock(&dir->i_lock);
	dc->gen = SMB3MC_I(dir)->dir_gen;
	spin_unlock(&dir->i_lock);
	return dc;
}

/**
 * smb3mc_dir_cache_add - one more entry of a listing being kept
 * @dc: from smb3mc_dir_cache_begin()
 * @name: the entry's name, @len bytes
 * @len: at most NAME_MAX
 * @ino: its inode number, as emitted
 * @type: its DT_* type
 *
 * Return: false when the listing is too big to keep, or memory ran out:
 * the caller ends it with smb3mc_dir_cache_end(@dc, false).
 */
bool smb3mc_dir_cache_add(struct smb3mc_dir_cache *dc, const char *name,
			  int len, u64 ino, unsigned int type)
{
	size_t need = dir_cache_ent_size(len);
	struct dir_cache_ent *e;

	if (dc->used + need > dc->size) {
		size_t size = max_t(size_t, 2 * dc->size, PAGE_SIZE);
		char *buf;

		if (size > SMB3MC_DIR_CACHE_MAX)
			return false;
		buf = kvmalloc(size, GFP_KERNEL);
		if (!buf)
			return false;
		if (dc->buf)
			memcpy(buf, dc->buf, dc->used);
		kvfree(dc->buf);
		dc->buf = buf;
		dc->size = size;
	}
	e = (struct dir_cache_ent *)(dc->buf + dc->used);
	e->ino = ino;
	e->type = type;
	e->len = len;
	memcpy(e->name, name, len);
	dc->used += need;
	return true;
}

/* Whether @dc is younger than actimeo, which @dir's mount sets. */
static bool dir_cache_fresh(struct inode *dir,
			    const struct smb3mc_dir_cache *dc)
{
	return time_before(jiffies, dc->asked + SMB3MC_SB(dir->i_sb)->actimeo);
}

/* The work of smb3mc_inode.dir_cache_work: free a listing past actimeo. */
void smb3mc_dir_cache_expire(struct work_struct *work)
{
	struct smb3mc_inode *si = container_of(to_delayed_work(work),
					       struct smb3mc_inode,
					       dir_cache_work);
	struct inode *dir = &si->vfs_inode;
	struct smb3mc_dir_cache *dc;

	spin_lock(&dir->i_lock);
	dc = si->dir_cache;
	if (dc && !dir_cache_fresh(dir, dc))
		si->dir_cache = NULL;
	else
		dc = NULL;
	spin_unlock(&dir->i_lock);
	dir_cache_put(dc);
}

/**
 * smb3mc_dir_cache_end - a listing being kept ended
 * @dir: the directory listed
 * @dc: from smb3mc_dir_cache_begin(), or NULL
 * @complete: it reached STATUS_NO_MORE_FILES with every entry added
 *
 * A complete listing replaces the one @dir keeps, unless the directory
 * changed since it was asked for: then it may lack that change.
 */
void smb3mc_dir_cache_end(struct inode *dir, struct smb3mc_dir_cache *dc,
			  bool complete)
{
	struct smb3mc_inode *si = SMB3MC_I(dir);
	struct smb3mc_dir_cache *old = NULL;

	if (!dc)
		return;
	spin_lock(&dir->i_lock);
	if (complete && dc->gen == si->dir_gen) {
		old = si->dir_cache;
		si->dir_cache = dc;
		dc = NULL;
	}
	spin_unlock(&dir->i_lock);
	dir_cache_put(old);
	if (!dc) {
		mod_delayed_work(system_wq, &si->dir_cache_work,
				 SMB3MC_SB(dir->i_sb)->actimeo + 1);
		return;
	}
	dir_cache_put(dc);
}

/**
 * smb3mc_dir_cache_get - the listing of @dir, if one younger than actimeo
 * @dir: the directory
 * @cur: set to its start, for smb3mc_dir_cache_emit(); @cur->dc is NULL
 *	where there is none, else the caller ends with
 *	smb3mc_dir_cache_release(@cur)
 */
void smb3mc_dir_cache_get(struct inode *dir, struct smb3mc_dir_cursor *cur)
{
	struct smb3mc_dir_cache *dc;

	spin_lock(&dir->i_lock);
	dc = SMB3MC_I(dir)->dir_cache;
	if (dc && dir_cache_fresh(dir, dc))
		refcount_inc(&dc->ref);
	else
		dc = NULL;
	spin_unlock(&dir->i_lock);
	cur->dc = dc;
	cur->pos = 2;
	cur->off = 0;
}

/**
 * smb3mc_dir_cache_emit - list from memory
 * @cur: from smb3mc_dir_cache_get(); entry i is at position 2 + i
 * @ctx: the caller's, filled up to the end of the listing or its room
 */
void smb3mc_dir_cache_emit(struct smb3mc_dir_cursor *cur,
			   struct dir_context *ctx)
{
	const struct smb3mc_dir_cache *dc = cur->dc;
	const struct dir_cache_ent *e;

	if (ctx->pos < cur->pos) {
		cur->pos = 2;
		cur->off = 0;
	}
	for (; cur->off < dc->used; cur->pos++) {
		e = (const struct dir_cache_ent *)(dc->buf + cur->off);
		if (cur->pos >= ctx->pos) {
			if (!dir_emit(ctx, e->name, e->len, e->ino, e->type))
				return;
			ctx->pos++;
		}
		cur->off += dir_cache_ent_size(e->len);
	}
}

/* The caller is done with the listing @cur walked. */
void smb3mc_dir_cache_release(struct smb3mc_dir_cursor *cur)
{
	dir_cache_put(cur->dc);
	cur->dc = NULL;
}

/**
 * smb3mc_dir_changed - this client changed a name in @dir, or tried to
 * @dir: the directory
 *
 * Called after the request, whatever its outcome (a failure such as
 * -EEXIST can tell of another client's change): a listing kept, or
 * being made, could lack the change.
 */
void smb3mc_dir_changed(struct inode *dir)
{
	struct smb3mc_inode *si = SMB3MC_I(dir);
	struct smb3mc_dir_cache *old;

	spin_lock(&dir->i_lock);
	si->dir_gen++;
	old = si->dir_cache;
	si->dir_cache = NULL;
	spin_unlock(&dir->i_lock);
	dir_cache_put(old);
}

/* @dir leaves the cache: its listing goes with it. */
void smb3mc_dir_cache_evict(struct inode *dir)
{
	cancel_delayed_work_sync(&SMB3MC_I(dir)->dir_cache_work);
	dir_cache_put(SMB3MC_I(dir)->dir_cache);
	SMB3MC_I(dir)->dir_cache = NULL;
}
