// SPDX-License-Identifier: GPL-2.0
/*
 * file_operations of regular files: open and release of the handle
 * (fh.c), reads and writes through the page cache (aops.c) or around it
 * (direct.c), fsync, flush, llseek and locks (file_lock.c).
 */

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "fs.h"
#include "ops_io.h"

static ssize_t smb3mc_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;

	if (iocb->ki_flags & IOCB_DIRECT)
		return smb3mc_direct_read(iocb, to);
	/*
	 * Without read caching another client may have changed the file
	 * since: check its size and times as often as actimeo lets, and at
	 * once after a break took read caching away.
	 */
	if (smb3mc_lease_uncached(file_inode(file)))
		smb3mc_revalidate(file->f_path.dentry);
	return generic_file_read_iter(iocb, to);
}

/*
 * Without the write caching of a lease another client may write into the
 * same pages as we do (records of a file, each under its own byte-range
 * lock), and writeback sends whole pages: what we read of its data would
 * go back over what it wrote since. Such writes go to the server at once,
 * only the bytes written, as O_DIRECT ones do; so do cifs.ko's.
 */
static ssize_t smb3mc_file_write_iter(struct kiocb *iocb,
				      struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	ssize_t ret;

	if (iocb->ki_flags & IOCB_DIRECT)
		return smb3mc_direct_write(iocb, from);
	/*
	 * Write caching is held under the inode lock, not around it: this
	 * client's own rename or unlink of the file takes the inode lock and
	 * then waits for the server, which waits for the break.
	 */
	inode_lock(inode);
	ret = smb3mc_lease_write_begin(inode);
	if (ret <= 0) {
		inode_unlock(inode);
		return ret ?: smb3mc_direct_write(iocb, from);
	}
	ret = generic_write_checks(iocb, from);
	if (ret > 0)
		ret = __generic_file_write_iter(iocb, from);
	smb3mc_lease_write_end(inode);
	inode_unlock(inode);
	if (ret <= 0)
		return ret;
	/*
	 * ki_pos: where it ended, also for O_APPEND. Write caching lost with
	 * no break, to a new session, leaves this to write back now.
	 */
	if (smb3mc_lease_caches(inode, SMB2_LEASE_WRITE_CACHING))
		smb3mc_write_behind(inode, iocb->ki_pos - ret, iocb->ki_pos);
	else
		smb3mc_writeback_range(inode, iocb->ki_pos - ret,
				       iocb->ki_pos - 1);
	return generic_write_sync(iocb, ret);
}

/*
 * Close-to-open: when the server's file changed since we cached it, drop
 * the pages cached, which no lease covered meanwhile (the one this open
 * may have got is newer than they are), and fetch its attributes now.
 */
static void smb3mc_open_check(struct file *file,
			      const struct smb3mc_file_attrs *attrs)
{
	struct inode *inode = file_inode(file);
	struct timespec64 mtime = inode_get_mtime(inode);
	struct timespec64 srv = smb3mc_nt_to_timespec64(attrs->last_write_time);

	if (attrs->end_of_file == i_size_read(inode) &&
	    timespec64_equal(&mtime, &srv))
		return;
	invalidate_inode_pages2(inode->i_mapping);
	smb3mc_attr_stale(inode);
	smb3mc_revalidate(file->f_path.dentry);
}

/**
 * smb3mc_file_open_created - open @file on the handle that created it
 * @file: the file of an atomic_open that created @dentry
 * @dentry: instantiated with the new inode
 * @tcon: tree connect of the share
 * @fid: the handle, opened with smb3mc_file_access(@file); closed here
 *	when the open fails
 * @lease: the lease it was opened with, which the inode holds, or NULL
 *
 * Opening the name again could be refused where the creating open may
 * write: a file created without write permission is read-only already.
 */
int smb3mc_file_open_created(struct file *file, struct dentry *dentry,
			     struct smb3mc_tcon *tcon,
			     const struct smb3mc_fid *fid,
			     struct smb3mc_open_lease *lease)
{
	struct smb3mc_open_args args = {
		.access = smb3mc_file_access(file),
		.disposition = FILE_OPEN,
		.options = FILE_NON_DIRECTORY_FILE,
		.lease = lease,
	};
	struct smb3mc_fh *fh;
	char *page, *path;
	int rc;

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	if (!fh) {
		smb3mc_close(tcon, fid);
		rc = -ENOMEM;
		goto out_lease;
	}
	refcount_set(&fh->ref, 1);
	fh->tcon = tcon;
	fh->fid = *fid;
	fh->access = args.access;
	path = smb3mc_dentry_path(dentry, &page);
	if (IS_ERR(path)) {
		rc = PTR_ERR(path);
		goto out_put;
	}
	fh->kept = smb3mc_handle_keep(tcon, path, &args,
				      SMB3MC_I(d_inode(dentry))->file_id,
				      &fh->fid);
	free_page((unsigned long)page);
	if (IS_ERR(fh->kept)) {
		rc = PTR_ERR(fh->kept);
		fh->kept = NULL;
		goto out_put;
	}
	/* generic_file_open() instead of ->open, which would open by name. */
	rc = finish_open(file, dentry, generic_file_open);
	if (rc)
		goto out_put;
	smb3mc_fh_add(d_inode(dentry), file, fh);
	return 0;

out_put:
	smb3mc_fh_put(fh);
out_lease:
	/* The lease the inode took, unless another open holds it too. */
	if (lease)
		smb3mc_lease_create_failed(d_inode(dentry));
	return rc;
}

static int smb3mc_file_open(struct inode *inode, struct file *file)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_open_args args = {
		.access = smb3mc_file_access(file),
		.disposition = FILE_OPEN,
		.options = FILE_NON_DIRECTORY_FILE,
	};
	bool trunc = file->f_flags & O_TRUNC && file->f_mode & FMODE_WRITE;
	struct smb3mc_file_attrs attrs = {};
	struct smb3mc_open_lease lease;
	struct smb3mc_fh *fh;
	char *page, *path;
	bool cached;
	int rc;

	/* MS-SMB2 2.2.13: FILE_OVERWRITE truncates an existing file. */
	if (trunc)
		args.disposition = FILE_OVERWRITE;
	/* A handle the last close kept, under a lease that caches. */
	if (!trunc && smb3mc_lease_take_handle(inode, file, args.access))
		return 0;
	/* Held before this open and after: the cache stayed valid. */
	cached = smb3mc_lease_caches(inode, SMB2_LEASE_READ_CACHING);

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	if (!fh)
		return -ENOMEM;
	path = smb3mc_dentry_path(file->f_path.dentry, &page);
	if (IS_ERR(path)) {
		kfree(fh);
		return PTR_ERR(path);
	}
	/*
	 * The lease is wanted from just before the CREATE: a break of it
	 * that comes earlier is of the lease the last close ended.
	 */
	if (trunc) {
		/* No WRITE of older data may land after the truncation. */
		inode_lock(inode);
		rc = smb3mc_dio_wait(inode);
		if (!rc)
			rc = smb3mc_write_and_wait(inode);
		if (!rc) {
			args.lease = smb3mc_lease_want(inode, &lease);
			rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid,
					 &attrs);
		}
		if (!rc) {
			i_size_write(inode, 0);
			truncate_pagecache(inode, 0);
			smb3mc_changed(inode);
		}
		inode_unlock(inode);
	} else {
		args.lease = smb3mc_lease_want(inode, &lease);
		rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid, &attrs);
		/* A write-only file: settle for what the page cache can do. */
		if (rc == -EACCES && args.access & GENERIC_WRITE &&
		    !(file->f_mode & FMODE_READ)) {
			args.access = GENERIC_WRITE;
			rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid,
					 &attrs);
		}
	}
	if (rc) {
		free_page((unsigned long)page);
		kfree(fh);
		goto out_lease;
	}
	refcount_set(&fh->ref, 1);
	fh->tcon = sbi->tcon;
	fh->access = args.access;
	fh->kept = smb3mc_handle_keep(sbi->tcon, path, &args,
				      SMB3MC_I(inode)->file_id, &fh->fid);
	free_page((unsigned long)page);
	if (IS_ERR(fh->kept)) {
		rc = PTR_ERR(fh->kept);
		fh->kept = NULL;
		/* Its lease ends with it, unrecorded. */
		smb3mc_fh_put(fh);
		goto out_lease;
	}
	if (args.lease)
		smb3mc_lease_open_end(inode, args.lease, true);
	if (!trunc &&
	    !(cached && smb3mc_lease_caches(inode, SMB2_LEASE_READ_CACHING)))
		smb3mc_open_check(file, &attrs);
	smb3mc_fh_add(inode, file, fh);
	return 0;

out_lease:
	if (args.lease)
		smb3mc_lease_open_end(inode, args.lease, false);
	return rc;
}

static int smb3mc_file_release(struct inode *inode, struct file *file)
{
	struct smb3mc_fh *fh = file->private_data;
	bool locked;

	/* Close-to-open: what this file wrote is on the server at close. */
	if (file->f_mode & FMODE_WRITE)
		smb3mc_write_and_wait(inode);
	/* Closing the handle releases what locks it still holds. */
	locked = smb3mc_locks_drop(inode, fh);
	if (!smb3mc_lease_release_handle(inode, fh, !locked))
		smb3mc_fh_put(fh);
	return 0;
}

/*
 * Write our cached data, then FLUSH it to the server's disk. A file open
 * without write access, whose handle a server refuses FLUSH (MS-SMB2
 * 3.3.5.11), borrows the handle of another file that may write, as
 * writeback does: the data fsync just wrote went through such a handle.
 * With none, nothing was written here to flush.
 */
static int smb3mc_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct inode *inode = file_inode(file);
	struct smb3mc_fh *fh;
	int rc;

	rc = smb3mc_writeback_range(inode, start, end);
	rc = file_check_and_advance_wb_err(file) ?: rc;
	if (rc)
		return rc;
	fh = smb3mc_fh_get(inode, file, GENERIC_WRITE);
	if (!fh)
		return 0;
	rc = smb3mc_flush(fh->tcon, &fh->fid);
	smb3mc_fh_put(fh);
	return rc;
}

/*
 * close(2) reports write errors, as it does on NFS: those of the
 * writeback it starts, and those this file has not seen yet, which
 * another file's close or fsync, or a lease break, may have met first.
 */
static int smb3mc_file_flush(struct file *file, fl_owner_t id)
{
	int rc;

	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	rc = smb3mc_write_and_wait(file_inode(file));
	return file_check_and_advance_wb_err(file) ?: rc;
}

static loff_t smb3mc_llseek(struct file *file, loff_t offset, int whence)
{
	int rc;

	/* The end of file is where the server has it now. */
	if (whence == SEEK_END || whence == SEEK_DATA || whence == SEEK_HOLE) {
		rc = smb3mc_revalidate(file->f_path.dentry);
		if (rc)
			return rc;
	}
	return generic_file_llseek(file, offset, whence);
}

const struct file_operations smb3mc_file_ops = {
	.open		= smb3mc_file_open,
	.release	= smb3mc_file_release,
	.flush		= smb3mc_file_flush,
	.llseek		= smb3mc_llseek,
	.read_iter	= smb3mc_file_read_iter,
	.write_iter	= smb3mc_file_write_iter,
	.mmap		= generic_file_mmap,
	.fsync		= smb3mc_fsync,
	.lock		= smb3mc_file_lock,
	.flock		= smb3mc_file_flock,
	/*
	 * A local lease (F_SETLEASE, nfsd's delegations) would never hear
	 * of another client's change: refused, as NFS does.
	 */
	.setlease	= simple_nosetlease,
	.splice_read	= filemap_splice_read,
	.splice_write	= iter_file_splice_write,
};

/**
 * smb3mc_file_inode_init - set up a new inode of a regular file
 * @inode: the inode, I_NEW
 */
void smb3mc_file_inode_init(struct inode *inode)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);

	spin_lock_init(&si->open_lock);
	INIT_LIST_HEAD(&si->open_files);
	mutex_init(&si->lock_mutex);
	INIT_LIST_HEAD(&si->locks);
	inode->i_fop = &smb3mc_file_ops;
	smb3mc_lease_inode_init(inode);
	smb3mc_aops_init(inode);
}

