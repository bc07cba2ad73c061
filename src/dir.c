// SPDX-License-Identifier: GPL-2.0
/*
 * Directories: listing, with the entries ops_dir.c decodes, whose
 * attributes fill the dcache, and dentry revalidation.
 */

#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "fs.h"

/*
 * An open directory and where its listing stands: from the server, and
 * kept (dir_cache.c) when it started at the first entry; or from memory.
 */
struct smb3mc_dir {
	struct smb3mc_dir_list *list;
	loff_t list_pos;	/* f_pos of the next entry of @list */
	struct smb3mc_dir_cache *keeping;
	struct smb3mc_dir_cursor cached;
	u64 changes;		/* smb3mc_asked_now() as @list (re)started */
};

/*
 * The directory is opened on the server by its first listing, with which
 * it goes in one round trip (smb3mc_dir_list_open()), as cifs.ko does: an
 * open that lists nothing sends nothing.
 */
static int smb3mc_dir_open(struct inode *inode, struct file *file)
{
	file->private_data = kzalloc(sizeof(struct smb3mc_dir), GFP_KERNEL);
	return file->private_data ? 0 : -ENOMEM;
}

static int smb3mc_dir_release(struct inode *inode, struct file *file)
{
	struct smb3mc_dir *d = file->private_data;

	if (d->list)
		smb3mc_dir_list_close(d->list);
	smb3mc_dir_cache_end(inode, d->keeping, false);
	smb3mc_dir_cache_release(&d->cached);
	kfree(d);
	return 0;
}

static int smb3mc_dir_start(struct file *file, struct smb3mc_dir *d)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(file_inode(file)->i_sb);
	char *page, *path;
	int rc;

	path = smb3mc_dentry_path(file->f_path.dentry, &page);
	if (IS_ERR(path))
		return PTR_ERR(path);
	rc = smb3mc_dir_list_open(sbi->tcon, path, &d->list);
	free_page((unsigned long)page);
	return rc;
}

/*
 * A listing gives each entry's attributes (MS-FSCC 2.4.17), which a
 * stat(2) of the name right after (ls -l, find) would otherwise fetch
 * one round trip each: a name not in the dcache gets its dentry and
 * inode from them, as smb3mc_lookup() would have made them. An inode
 * there is already, that of a name in the dcache or, found by its file
 * id, that of another name of the file (a hard link, or a file open here
 * whose name was dropped), takes them as a listing's, either way
 * (smb3mc_inode_update()): not over attributes read or changed since
 * the listing was asked for. A negative dentry of a name listed is
 * dropped, so that its next lookup asks the server.
 */
static void smb3mc_dir_prime(struct file *file, const struct smb3mc_dirent *ent)
{
	DECLARE_WAIT_QUEUE_HEAD_ONSTACK(wq);
	struct dentry *parent = file->f_path.dentry, *dentry, *alias;
	struct qstr name = QSTR_INIT(ent->name, ent->name_len);
	const struct smb3mc_dir *d = file->private_data;
	struct smb3mc_asked asked = {
		.changes = d->changes,
		.listed = true,
		.time = ent->asked,
	};
	struct inode *inode;

	if (!ent->attrs_ok)
		return;
	name.hash = full_name_hash(parent, name.name, name.len);
	dentry = d_lookup(parent, &name);
	if (!dentry) {
		dentry = d_alloc_parallel(parent, &name, &wq);
		if (IS_ERR(dentry))
			return;
	}
	if (!d_in_lookup(dentry)) {
		if (d_really_is_negative(dentry))
			d_invalidate(dentry);
		else
			smb3mc_inode_refresh(d_inode(dentry), &ent->attrs,
					     &asked);
		dput(dentry);
		return;
	}
	inode = smb3mc_iget(parent->d_sb, &ent->attrs, &asked);
	if (IS_ERR(inode)) {
		d_lookup_done(dentry);
		dput(dentry);
		return;
	}
	dentry->d_time = jiffies;
	alias = d_splice_alias(inode, dentry);
	d_lookup_done(dentry);
	if (!IS_ERR_OR_NULL(alias))
		dput(alias);
	dput(dentry);
}

/*
 * (Re)start the listing from the server at its first entry, keeping it
 * as it goes. What a change that ends after this point leaves out is
 * not kept (smb3mc_dir_changed()), so the keeping begins first. A
 * listing whose handle the server lost opens the directory again, by
 * its name now.
 */
static int smb3mc_dir_from_server(struct file *file, struct smb3mc_dir *d)
{
	struct inode *inode = file_inode(file);
	int rc;

	smb3mc_dir_cache_end(inode, d->keeping, false);
	d->keeping = smb3mc_dir_cache_begin(inode, jiffies);
	/* The listing's later requests go after this: older, more careful. */
	d->changes = smb3mc_asked_now(inode->i_sb).changes;
	if (d->list && smb3mc_dir_list_stale(d->list)) {
		smb3mc_dir_list_close(d->list);
		d->list = NULL;
	}
	if (d->list)
		rc = smb3mc_dir_list_restart(d->list);
	else
		rc = smb3mc_dir_start(file, d);
	if (rc) {
		smb3mc_dir_cache_end(inode, d->keeping, false);
		d->keeping = NULL;
		return rc;
	}
	d->list_pos = 2;
	return 0;
}

/* Keep @ent, listed at position @d->list_pos, or stop keeping. */
static void smb3mc_dir_keep(struct inode *inode, struct smb3mc_dir *d,
			    const struct smb3mc_dirent *ent, u64 ino,
			    unsigned int type)
{
	if (d->keeping &&
	    !smb3mc_dir_cache_add(d->keeping, ent->name, ent->name_len, ino,
				  type)) {
		smb3mc_dir_cache_end(inode, d->keeping, false);
		d->keeping = NULL;
	}
}

/*
 * Positions 0 and 1 are "." and ".."; every further entry the server
 * lists takes the next position. A seek backwards restarts the listing.
 * A listing from the first entry comes from memory while the one kept
 * is younger than actimeo.
 */
static int smb3mc_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *inode = file_inode(file);
	struct smb3mc_dir *d = file->private_data;
	struct smb3mc_dirent ent;
	bool from_server, again = false;
	unsigned int type;
	u64 ino;
	int rc;

	if (!dir_emit_dots(file, ctx))
		return 0;
	if (ctx->pos == 2) {
		smb3mc_dir_cache_release(&d->cached);
		smb3mc_dir_cache_get(inode, &d->cached);
	}
	if (d->cached.dc) {
		smb3mc_dir_cache_emit(&d->cached, ctx);
		return 0;
	}
	from_server = !d->list || ctx->pos < d->list_pos ||
		      smb3mc_dir_list_stale(d->list);
list:
	if (from_server) {
		rc = smb3mc_dir_from_server(file, d);
		if (rc)
			return rc;
	}

	while ((rc = smb3mc_dir_list_next(d->list, &ent)) > 0) {
		ino = ent.attrs.index_number ?: smb3mc_local_ino(inode->i_sb);
		type = ent.attrs.is_dir ? DT_DIR : DT_REG;
		if (d->list_pos < ctx->pos) {
			/* emitted before a seek backwards, or a new handle */
			smb3mc_dir_keep(inode, d, &ent, ino, type);
			d->list_pos++;
			continue;
		}
		if (!dir_emit(ctx, ent.name, ent.name_len, ino, type)) {
			/* The caller's buffer is full: this entry goes next. */
			smb3mc_dir_list_unget(d->list);
			return 0;
		}
		smb3mc_dir_keep(inode, d, &ent, ino, type);
		smb3mc_dir_prime(file, &ent);
		d->list_pos++;
		ctx->pos++;
	}
	/*
	 * A new session came while it listed: once more from a new handle,
	 * passing over the entries emitted.
	 */
	if (rc == -ESTALE && !again) {
		again = from_server = true;
		goto list;
	}
	smb3mc_dir_cache_end(inode, d->keeping, !rc);
	d->keeping = NULL;
	return rc;
}

const struct file_operations smb3mc_dir_ops = {
	.open		= smb3mc_dir_open,
	.release	= smb3mc_dir_release,
	.iterate_shared	= smb3mc_readdir,
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
};

/*
 * A dentry younger than actimeo is trusted; an older one is checked
 * against the server (MS-SMB2 has no change notification we rely on).
 */
static int smb3mc_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct smb3mc_sb *sbi;
	int rc;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	sbi = SMB3MC_SB(dentry->d_sb);
	if (d_really_is_negative(dentry))
		return time_before(jiffies, dentry->d_time + sbi->actimeo);
	rc = smb3mc_revalidate(dentry);
	if (rc == -ENOENT || rc == -ESTALE)
		return 0;
	return rc ? rc : 1;
}

const struct dentry_operations smb3mc_dentry_ops = {
	.d_revalidate	= smb3mc_d_revalidate,
};
