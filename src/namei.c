// SPDX-License-Identifier: GPL-2.0
/*
 * Names: lookup, which makes the inode of a name with its operations
 * (smb3mc_iget()), and the directory inode operations that change names
 * (create, mkdir, unlink, rmdir, rename, link). Each change is made on the
 * server first; then the cached attributes of every inode it touched are
 * marked stale, because the server updates times (and link counts) we
 * cannot predict.
 */

#include <linux/mm.h>
#include <linux/namei.h>

#include "fs.h"
#include "ops_ns.h"

/**
 * smb3mc_iget - the inode for the file @attrs describe, ready for use
 * @sb: the mount
 * @attrs: attributes including the server's file id (IndexNumber)
 * @asked: when the server was asked for @attrs (smb3mc_inode_get())
 */
struct inode *smb3mc_iget(struct super_block *sb,
			  const struct smb3mc_file_attrs *attrs,
			  const struct smb3mc_asked *asked)
{
	struct inode *inode;

	inode = smb3mc_inode_get(sb, attrs, asked);
	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	if (attrs->is_dir) {
		inode->i_op = &smb3mc_dir_inode_ops;
		inode->i_fop = &smb3mc_dir_ops;
	} else {
		inode->i_op = &smb3mc_file_inode_ops;
		smb3mc_file_inode_init(inode);
	}
	unlock_new_inode(inode);
	return inode;
}

static struct dentry *smb3mc_lookup(struct inode *dir, struct dentry *dentry,
				    unsigned int flags)
{
	struct smb3mc_asked asked = smb3mc_asked_now(dir->i_sb);
	struct smb3mc_file_attrs attrs = {};
	struct inode *inode = NULL;
	int rc;

	if (dentry->d_name.len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	rc = smb3mc_dentry_attrs(dentry, &attrs);
	dentry->d_time = jiffies;
	if (!rc)
		inode = smb3mc_iget(dir->i_sb, &attrs, &asked);
	else if (rc != -ENOENT)
		return ERR_PTR(rc);
	return d_splice_alias(inode, dentry);
}

/*
 * A directory has one dentry. The new one's file id may be that of a
 * directory cached under another name: a server that reuses the id of
 * one removed meanwhile (by another client), or lies. A second dentry
 * would have rmdir(2) and rename(2) lock the inode twice, and hang: the
 * name is left to a lookup instead, whose d_splice_alias() moves the
 * other dentry here or refuses a loop. Takes the reference to @inode.
 */
static void smb3mc_make_dir(struct dentry *dentry, struct inode *inode)
{
	struct dentry *alias = d_find_any_alias(inode);

	if (!alias) {
		d_instantiate(dentry, inode);
		return;
	}
	dput(alias);
	d_drop(dentry);
	iput(inode);
}

/*
 * Create @dentry on the server, with the mode of a file mapped to its
 * attributes, and instantiate it. With @fid (and @access for it) the new
 * file stays open, with the lease of @lc if not NULL, which the inode
 * takes before anyone else can open it (smb3mc_lease_create_end()).
 */
static int smb3mc_make(struct inode *dir, struct dentry *dentry, bool is_dir,
		       umode_t mode, u32 access, struct smb3mc_fid *fid,
		       struct smb3mc_lease_create *lc)
{
	struct smb3mc_asked asked = smb3mc_asked_now(dir->i_sb);
	struct smb3mc_sb *sbi = SMB3MC_SB(dir->i_sb);
	struct smb3mc_file_attrs attrs = {};
	u32 attributes = 0;
	struct inode *inode;
	char *page, *path;
	int rc;

	path = smb3mc_dentry_path(dentry, &page);
	if (IS_ERR(path)) {
		/* @lc is on the mount's list, and on our caller's stack. */
		if (lc)
			smb3mc_lease_create_end(dir->i_sb, lc, NULL);
		return PTR_ERR(path);
	}
	if (!is_dir)
		attributes = smb3mc_mode_to_attributes(0, mode);
	rc = smb3mc_ns_create(sbi->tcon, path, is_dir, access, attributes,
			      fid, lc ? &lc->ol : NULL, &attrs);
	free_page((unsigned long)page);
	smb3mc_dir_changed(dir);
	if (!rc) {
		smb3mc_attr_stale(dir);
		inode = smb3mc_iget(dir->i_sb, &attrs, &asked);
		if (IS_ERR(inode)) {
			rc = PTR_ERR(inode);
			/* Without @fid, smb3mc_ns_create() closed the file. */
			if (fid)
				smb3mc_close(sbi->tcon, fid);
		}
	}
	if (lc)
		smb3mc_lease_create_end(dir->i_sb, lc, rc ? NULL : inode);
	if (rc)
		return rc;
	if (is_dir) {
		smb3mc_make_dir(dentry, inode);
		return 0;
	}
	/* atomic_open may create on a dentry still being looked up. */
	if (d_in_lookup(dentry))
		d_add(dentry, inode);
	else
		d_instantiate(dentry, inode);
	return 0;
}

static int smb3mc_create(struct mnt_idmap *idmap, struct inode *dir,
			 struct dentry *dentry, umode_t mode, bool excl)
{
	return smb3mc_make(dir, dentry, false, mode, 0, NULL, NULL);
}

static int smb3mc_mkdir(struct mnt_idmap *idmap, struct inode *dir,
			struct dentry *dentry, umode_t mode)
{
	return smb3mc_make(dir, dentry, true, mode, 0, NULL, NULL);
}

/*
 * open(O_CREAT) of a name not in the cache: one CREATE makes the file and
 * is the handle the open keeps, where ->create and ->open would look the
 * name up, create it, close it and open it again (MS-SMB2 3.2.4.3). Mode
 * 0444 makes the file read-only at once and its creator can still write.
 * Everything else is looked up and left to ->open.
 */
static int smb3mc_atomic_open(struct inode *dir, struct dentry *dentry,
			      struct file *file, unsigned int flags,
			      umode_t mode)
{
	u32 access = smb3mc_file_access(file);
	struct smb3mc_open_lease *lease;
	struct smb3mc_lease_create lc;
	struct smb3mc_fid fid;
	struct dentry *res;
	int rc;

	/* What smb3mc_lookup() answers, now before anything is created. */
	if (dentry->d_name.len > NAME_MAX)
		return -ENAMETOOLONG;
	if (flags & O_CREAT) {
		lease = smb3mc_lease_create_begin(dir->i_sb, &lc);
		rc = smb3mc_make(dir, dentry, false, mode, access, &fid,
				 lease ? &lc : NULL);
		if (!rc) {
			file->f_mode |= FMODE_CREATED;
			return smb3mc_file_open_created(file, dentry,
							SMB3MC_SB(dir->i_sb)->tcon,
							&fid, lease);
		}
		/*
		 * The name exists: O_EXCL fails, else open what is there.
		 * A negative dentry already in the cache stays so for
		 * actimeo and gets -EEXIST, as ->create gave.
		 */
		if (rc != -EEXIST || flags & O_EXCL || !d_in_lookup(dentry))
			return rc;
	} else if (!d_in_lookup(dentry)) {
		/*
		 * A negative dentry revalidated, whose O_CREAT the VFS took
		 * away (no permission to create, a read-only mount): there is
		 * nothing to look up, and d_splice_alias() takes none hashed.
		 * The VFS turns this into the error of the create.
		 */
		return -ENOENT;
	}
	res = smb3mc_lookup(dir, dentry, 0);
	if (IS_ERR(res))
		return PTR_ERR(res);
	return finish_no_open(file, res);
}

/*
 * A name of @inode is gone on the server. Its count may be 0 already: a
 * revalidation by another process in between applied the server's
 * NumberOfLinks, which Samba gives without a name that is delete-pending.
 * Under i_lock, as the server's count is applied (inode.c).
 */
static void smb3mc_drop_nlink(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	if (inode->i_nlink)
		drop_nlink(inode);
	spin_unlock(&inode->i_lock);
}

/*
 * A name of @inode was made on the server. A revalidation while the link
 * was made may have applied a NumberOfLinks of 0 (a server's count of a
 * file whose other name is being deleted), past the VFS's check of it.
 */
static void smb3mc_inc_nlink(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	if (inode->i_nlink)
		inc_nlink(inode);
	else
		set_nlink(inode, 1);
	spin_unlock(&inode->i_lock);
}

static int smb3mc_remove(struct inode *dir, struct dentry *dentry,
			 bool is_dir)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(dir->i_sb);
	struct inode *inode = d_inode(dentry);
	char *page, *path;
	int rc;

	/* A kept handle would leave the file delete-pending, the name taken. */
	if (!is_dir) {
		smb3mc_lease_close_kept(inode);
		rc = smb3mc_lease_kept_closed(dir->i_sb);
		if (rc)
			return rc;
	}
	path = smb3mc_dentry_path(dentry, &page);
	if (IS_ERR(path))
		return PTR_ERR(path);
	rc = smb3mc_ns_delete(sbi->tcon, path, is_dir);
	free_page((unsigned long)page);
	smb3mc_dir_changed(dir);
	if (rc)
		return rc;
	/* First: an answer asked before must not undo the count. */
	smb3mc_attr_stale(inode);
	smb3mc_attr_stale(dir);
	if (is_dir)
		clear_nlink(inode);
	else
		smb3mc_drop_nlink(inode);
	/*
	 * The VFS turns @dentry negative (or unhashes it while the file is
	 * open); d_revalidate trusts a negative dentry for actimeo from now.
	 */
	dentry->d_time = jiffies;
	return 0;
}

static int smb3mc_unlink(struct inode *dir, struct dentry *dentry)
{
	return smb3mc_remove(dir, dentry, false);
}

static int smb3mc_rmdir(struct inode *dir, struct dentry *dentry)
{
	return smb3mc_remove(dir, dentry, true);
}

/*
 * Rename @from to @to. MS-FSA (setting FileRenameInformation) has a
 * server refuse to replace a directory, with STATUS_ACCESS_DENIED, while
 * POSIX rename(2) replaces an empty one: then remove the empty target and
 * retry. A server that renames over an empty directory itself needs no
 * second step.
 */
static int smb3mc_rename_paths(struct smb3mc_tcon *tcon, const char *from,
			       const char *to, bool replace,
			       struct dentry *target)
{
	int rc;

	rc = smb3mc_ns_rename(tcon, from, to, replace);
	if (!rc || !replace || d_really_is_negative(target) ||
	    !d_is_dir(target) || rc != -EACCES)
		return rc;
	rc = smb3mc_ns_delete(tcon, to, true);
	if (!rc)
		rc = smb3mc_ns_rename(tcon, from, to, false);
	return rc;
}

/*
 * Closes the handles the last close of a file kept open (lease.c) that a
 * server would refuse to rename or replace, or leave a replaced file
 * delete-pending for: the source's, every one below a directory, the
 * target's; and waits for those being closed already. Returns 0 or
 * -EINTR.
 */
static int smb3mc_rename_close_kept(struct dentry *from,
				    struct inode *target)
{
	struct inode *inode = d_inode(from);

	if (S_ISDIR(inode->i_mode))
		smb3mc_lease_close_all_kept(inode->i_sb);
	else
		smb3mc_lease_close_kept(inode);
	if (target && S_ISREG(target->i_mode))
		smb3mc_lease_close_kept(target);
	return smb3mc_lease_kept_closed(inode->i_sb);
}

static int smb3mc_rename(struct mnt_idmap *idmap, struct inode *old_dir,
			 struct dentry *old_dentry, struct inode *new_dir,
			 struct dentry *new_dentry, unsigned int flags)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(old_dir->i_sb);
	struct inode *target = d_inode(new_dentry);
	char *from_page, *to_page, *from, *to;
	int rc;

	/*
	 * FileRenameInformation has no exchange and no whiteout: only
	 * ReplaceIfExists (MS-FSCC 2.4.42.2), which RENAME_NOREPLACE clears.
	 */
	if (flags & ~RENAME_NOREPLACE)
		return -EINVAL;
	rc = smb3mc_rename_close_kept(old_dentry, target);
	if (rc)
		return rc;
	from = smb3mc_dentry_path(old_dentry, &from_page);
	if (IS_ERR(from))
		return PTR_ERR(from);
	to = smb3mc_dentry_path(new_dentry, &to_page);
	if (IS_ERR(to)) {
		free_page((unsigned long)from_page);
		return PTR_ERR(to);
	}
	rc = smb3mc_rename_paths(sbi->tcon, from, to,
				 !(flags & RENAME_NOREPLACE), new_dentry);
	smb3mc_dir_changed(old_dir);
	smb3mc_dir_changed(new_dir);
	if (!rc)
		smb3mc_fh_renamed(d_inode(old_dentry), to);
	free_page((unsigned long)to_page);
	free_page((unsigned long)from_page);
	if (rc)
		return rc;
	smb3mc_attr_stale(old_dir);
	smb3mc_attr_stale(new_dir);
	smb3mc_attr_stale(d_inode(old_dentry));
	if (target) {
		smb3mc_attr_stale(target);
		if (S_ISDIR(target->i_mode))
			clear_nlink(target);
		else
			smb3mc_drop_nlink(target);
	}
	return 0;
}

static int smb3mc_link(struct dentry *old_dentry, struct inode *dir,
		       struct dentry *dentry)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(dir->i_sb);
	struct inode *inode = d_inode(old_dentry);
	char *from_page, *to_page, *from, *to;
	int rc;

	from = smb3mc_dentry_path(old_dentry, &from_page);
	if (IS_ERR(from))
		return PTR_ERR(from);
	to = smb3mc_dentry_path(dentry, &to_page);
	if (IS_ERR(to)) {
		free_page((unsigned long)from_page);
		return PTR_ERR(to);
	}
	rc = smb3mc_ns_link(sbi->tcon, from, to);
	smb3mc_dir_changed(dir);
	free_page((unsigned long)to_page);
	free_page((unsigned long)from_page);
	if (rc)
		return rc;
	smb3mc_attr_stale(inode);
	smb3mc_attr_stale(dir);
	smb3mc_inc_nlink(inode);
	ihold(inode);
	d_instantiate(dentry, inode);
	return 0;
}

const struct inode_operations smb3mc_dir_inode_ops = {
	.lookup		= smb3mc_lookup,
	.atomic_open	= smb3mc_atomic_open,
	.create		= smb3mc_create,
	.mkdir		= smb3mc_mkdir,
	.unlink		= smb3mc_unlink,
	.rmdir		= smb3mc_rmdir,
	.rename		= smb3mc_rename,
	.link		= smb3mc_link,
	.setattr	= smb3mc_setattr,
	.getattr	= smb3mc_getattr,
};
