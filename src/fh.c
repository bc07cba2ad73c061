// SPDX-License-Identifier: GPL-2.0
/*
 * Open handles of regular files. Every open file has its own SMB handle
 * (MS-SMB2 3.2.4.3), with the access its open flags ask for. The handles
 * of an inode are kept on a list so that writeback, which runs without a
 * struct file, can borrow one. Release writes dirty pages back before it
 * drops its handle, and a READ or WRITE of the page cache holds a
 * reference to the handle it goes with: the CLOSE follows the last.
 */

#include <linux/slab.h>
#include <linux/workqueue.h>

#include "fs.h"

/* Handles of one file that a rename gives the new name, at most. */
#define SMB3MC_FH_RENAME_MAX	16

/**
 * smb3mc_file_access - the DesiredAccess of the handle for @file
 * @file: a regular file being opened
 *
 * The page cache writes whole pages and reads around partial writes, so
 * a writer asks for read access too; and GENERIC_WRITE, not
 * FILE_APPEND_DATA alone, even for O_APPEND, because writeback rewrites
 * the last page below the end of file.
 */
u32 smb3mc_file_access(const struct file *file)
{
	u32 access = 0;

	if (file->f_mode & FMODE_READ)
		access |= GENERIC_READ;
	if (file->f_mode & FMODE_WRITE)
		access |= GENERIC_READ | GENERIC_WRITE;
	return access;
}

/* An open handle of @si granting @access, under its open_lock. */
static struct smb3mc_fh *fh_find(struct smb3mc_inode *si, u32 access)
{
	struct smb3mc_fh *fh;

	lockdep_assert_held(&si->open_lock);
	list_for_each_entry(fh, &si->open_files, list) {
		if ((fh->access & access) == access)
			return fh;
	}
	return NULL;
}

/**
 * smb3mc_fh_get - an open handle of @inode granting @access
 * @inode: a regular file
 * @file: the file the caller works for, or NULL
 * @access: GENERIC_READ or GENERIC_WRITE; GENERIC_WRITE includes
 *	FILE_WRITE_DATA and FILE_WRITE_ATTRIBUTES (MS-SMB2 2.2.13.1.1)
 *
 * @file's own handle when it grants @access, else any handle of @inode
 * that does.
 *
 * Return: the handle, with a reference for smb3mc_fh_put(), or NULL when
 * @inode is not open so.
 */
struct smb3mc_fh *smb3mc_fh_get(struct inode *inode, struct file *file,
				u32 access)
{
	struct smb3mc_fh *fh = file ? file->private_data : NULL;
	struct smb3mc_inode *si = SMB3MC_I(inode);

	if (fh && (fh->access & access) == access) {
		refcount_inc(&fh->ref);
		return fh;
	}
	spin_lock(&si->open_lock);
	fh = fh_find(si, access);
	if (fh)
		refcount_inc(&fh->ref);
	spin_unlock(&si->open_lock);
	return fh;
}

/**
 * smb3mc_fh_open - whether a file of @inode open here grants @access
 * @inode: a regular file
 * @access: GENERIC_WRITE, GENERIC_READ, or 0 for any open file
 *
 * Not the handle a close kept (smb3mc_lease_handle() looks at it too).
 */
bool smb3mc_fh_open(struct inode *inode, u32 access)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	bool open;

	spin_lock(&si->open_lock);
	open = fh_find(si, access);
	spin_unlock(&si->open_lock);
	return open;
}

/* Closing needs a round trip: only ever the last put, in process context. */
static void fh_close(struct smb3mc_fh *fh)
{
	smb3mc_handle_close(fh->tcon, fh->kept, &fh->fid);
	kfree(fh);
}

void smb3mc_fh_put(struct smb3mc_fh *fh)
{
	if (refcount_dec_and_test(&fh->ref))
		fh_close(fh);
}

static void fh_close_work(struct work_struct *work)
{
	struct smb3mc_sb *sbi = container_of(work, struct smb3mc_sb,
					     fh_close_work);
	struct smb3mc_fh *fh, *next;

	llist_for_each_entry_safe(fh, next, llist_del_all(&sbi->fh_closing),
				  close_node)
		fh_close(fh);
}

/**
 * smb3mc_fh_put_soon - smb3mc_fh_put() for a caller that must not wait
 * @inode: the file of @fh, which the caller keeps in memory for the call
 * @fh: the handle
 *
 * A receive thread must not wait to send, nor writeback holding a folio
 * lock for a server: the CLOSE of the last reference goes from a worker,
 * which smb3mc_fh_sb_exit() waits for.
 */
void smb3mc_fh_put_soon(struct inode *inode, struct smb3mc_fh *fh)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);

	if (refcount_dec_not_one(&fh->ref))
		return;
	llist_add(&fh->close_node, &sbi->fh_closing);
	queue_work(system_unbound_wq, &sbi->fh_close_work);
}

void smb3mc_fh_sb_init(struct smb3mc_sb *sbi)
{
	init_llist_head(&sbi->fh_closing);
	INIT_WORK(&sbi->fh_close_work, fh_close_work);
}

/* The mount's inodes are evicted: close what their writeback held open. */
void smb3mc_fh_sb_exit(struct smb3mc_sb *sbi)
{
	flush_work(&sbi->fh_close_work);
}

/* @fh, opened for @file, becomes its handle and one of @inode's. */
void smb3mc_fh_add(struct inode *inode, struct file *file,
		   struct smb3mc_fh *fh)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);

	spin_lock(&si->open_lock);
	list_add(&fh->list, &si->open_files);
	spin_unlock(&si->open_lock);
	file->private_data = fh;
}

/*
 * The file of @fh is released: no one borrows it any more. Returns
 * whether it was the last open file of @inode.
 */
bool smb3mc_fh_del(struct inode *inode, struct smb3mc_fh *fh)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	bool last;

	spin_lock(&si->open_lock);
	list_del(&fh->list);
	last = list_empty(&si->open_files);
	spin_unlock(&si->open_lock);
	return last;
}

/**
 * smb3mc_fh_renamed - @inode was renamed to @path
 * @inode: the inode renamed
 * @path: its new name from the share root
 *
 * A new session, after the server lost the old one, opens its open
 * handles again by this name (the first SMB3MC_FH_RENAME_MAX of them;
 * the others keep the old name, and are lost then).
 */
void smb3mc_fh_renamed(struct inode *inode, const char *path)
{
	struct smb3mc_fh *fhs[SMB3MC_FH_RENAME_MAX], *fh;
	struct smb3mc_inode *si = SMB3MC_I(inode);
	unsigned int i, n = 0;

	if (!S_ISREG(inode->i_mode))
		return;
	spin_lock(&si->open_lock);
	list_for_each_entry(fh, &si->open_files, list) {
		if (n == ARRAY_SIZE(fhs))
			break;
		refcount_inc(&fh->ref);
		fhs[n++] = fh;
	}
	spin_unlock(&si->open_lock);
	for (i = 0; i < n; i++) {
		smb3mc_handle_rename(fhs[i]->kept, path);
		smb3mc_fh_put(fhs[i]);
	}
}
