// SPDX-License-Identifier: GPL-2.0
/*
 * O_DIRECT on regular files, and writes no lease lets the client cache:
 * around the page cache, straight between the caller's memory and
 * READ/WRITE requests. A user's pages are read into where they lie; a
 * kernel caller's memory and every write go through a buffer of the size
 * smb3mc_io_size() gives.
 */

#include <linux/bvec.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/wait_bit.h>
#include <linux/writeback.h>

#include "fs.h"
#include "ops_io.h"
#include "ops_ns.h"

/*
 * One O_DIRECT transfer: its memory (the caller's pages for a read, a copy
 * of the data for a write) and the MessageIds using it. The memory is the
 * transfer's until its last piece ended, since a caller may leave first: a
 * waiting one when killed (a server may take up to the request timeout to
 * answer), an asynchronous one (aio, io_uring) once its READs are sent,
 * which is then completed from @work, so that a caller keeping several in
 * flight fills every channel. Until then the file stays open: a killed
 * caller's mount is busy until the server answered or the request timed
 * out.
 */
struct dio {
	refcount_t refs;		/* the waiter's and the transfer's */
	struct completion done;		/* the transfer ended */
	struct work_struct work;	/* the last put, out of the receive thread */
	struct kiocb *iocb;		/* asynchronous: completed from @work */
	struct file *file;		/* held: the inode and the mount stay */
	ssize_t result;
	size_t reach;			/* as smb3mc_rw_iter()'s done_fn has it */
	struct kvec kvec;		/* a write's copy of the data */
	unsigned int nr, max;
	struct bio_vec bvec[];		/* a read's pages, referenced */
};

static struct dio *dio_alloc(struct file *file, unsigned int max)
{
	struct dio *d = kvzalloc(struct_size(d, bvec, max), GFP_KERNEL);

	if (!d)
		return NULL;
	refcount_set(&d->refs, 1);
	init_completion(&d->done);
	d->file = get_file(file);
	d->max = max;
	atomic_inc(&SMB3MC_I(file_inode(file))->dio_count);
	return d;
}

static void dio_release(struct dio *d)
{
	struct smb3mc_inode *si = SMB3MC_I(file_inode(d->file));
	unsigned int i;

	/* The pages were written behind the owner's page tables. */
	for (i = 0; i < d->nr; i++) {
		set_page_dirty_lock(d->bvec[i].bv_page);
		put_page(d->bvec[i].bv_page);
	}
	kvfree(d->kvec.iov_base);
	if (atomic_dec_and_test(&si->dio_count))
		wake_up_var(&si->dio_count);
	fput(d->file);
	kvfree(d);
}

static void dio_work(struct work_struct *work)
{
	struct dio *d = container_of(work, struct dio, work);
	struct kiocb *iocb = d->iocb;
	ssize_t result = d->result;

	dio_release(d);
	if (iocb) {
		if (result > 0)
			iocb->ki_pos += result;
		iocb->ki_complete(iocb, result);
	}
}

static void dio_put(struct dio *d)
{
	if (refcount_dec_and_test(&d->refs))
		dio_release(d);
}

/* Runs where the channel ends requests: releasing the pages may sleep. */
static void dio_done(void *private, ssize_t result, size_t reach)
{
	struct dio *d = private;

	d->result = result;
	d->reach = reach;
	complete(&d->done);
	if (refcount_dec_and_test(&d->refs)) {
		INIT_WORK(&d->work, dio_work);
		smb3mc_io_defer(&d->work);
	}
}

/*
 * Move @iter at @pos and wait for it, killably: a killed caller leaves
 * with -EINTR, and drops its reference to @d with dio_put() as always.
 * @reach, if not NULL: how far from @pos the server moved data, as
 * smb3mc_rw_iter()'s done_fn has it; 0 when killed, since the transfer
 * may still be going on.
 */
static ssize_t dio_run(struct dio *d, struct smb3mc_fh *fh,
		       const struct iov_iter *iter, loff_t pos,
		       unsigned int how, size_t *reach)
{
	ssize_t n;

	if (reach)
		*reach = 0;
	refcount_inc(&d->refs);
	reinit_completion(&d->done);
	n = smb3mc_rw_iter(fh->tcon, &fh->fid, iter, pos,
			   i_size_read(file_inode(d->file)), how, dio_done, d);
	if (n != -EIOCBQUEUED) {
		/* Nothing was sent: dio_done() will not run. */
		refcount_dec(&d->refs);
		return n;
	}
	if (wait_for_completion_killable(&d->done))
		return -EINTR;
	if (reach)
		*reach = d->reach;
	return d->result;
}

/* Take references to the pages of all of @to, which is advanced. */
static int dio_get_pages(struct dio *d, struct iov_iter *to,
			 size_t count)
{
	size_t got = 0, start, len;
	struct page **pages;
	unsigned int i;
	ssize_t n;

	while (got < count) {
		n = iov_iter_get_pages_alloc2(to, &pages, count - got, &start);
		if (n <= 0)
			return n ? n : -EFAULT;
		for (i = 0; n; i++) {
			len = min_t(size_t, n, PAGE_SIZE - start);
			if (d->nr < d->max)
				bvec_set_page(&d->bvec[d->nr++], pages[i], len,
					      start);
			else
				put_page(pages[i]);
			got += len;
			n -= len;
			start = 0;
		}
		kvfree(pages);
	}
	/* iov_iter_npages() counted them: more would be a kernel bug. */
	return WARN_ON_ONCE(d->nr == d->max && got < count) ? -EFAULT : 0;
}

/*
 * Read @count bytes of @to at iocb->ki_pos; @async: return -EIOCBQUEUED
 * once sent and complete the iocb later.
 */
static ssize_t dio_read_pages(struct kiocb *iocb, struct iov_iter *to,
			      size_t count, bool async)
{
	struct smb3mc_fh *fh = iocb->ki_filp->private_data;
	size_t left = iov_iter_count(to);
	struct iov_iter pages;
	struct dio *d;
	int rc;
	ssize_t n;

	d = dio_alloc(iocb->ki_filp, iov_iter_npages(to, INT_MAX));
	if (!d)
		return -ENOMEM;
	rc = dio_get_pages(d, to, count);
	if (rc) {
		/* @to may hold more than this step's @count. */
		iov_iter_revert(to, left - iov_iter_count(to));
		dio_put(d);
		return rc;
	}
	iov_iter_bvec(&pages, ITER_DEST, d->bvec, d->nr, count);
	if (async) {
		/* The transfer's reference is the one we have. */
		d->iocb = iocb;
		n = smb3mc_rw_iter(fh->tcon, &fh->fid, &pages, iocb->ki_pos,
				   i_size_read(file_inode(iocb->ki_filp)),
				   SMB3MC_RW_SHARED, dio_done, d);
		if (n == -EIOCBQUEUED)
			return n;
		d->iocb = NULL;
	} else {
		n = dio_run(d, fh, &pages, iocb->ki_pos, SMB3MC_RW_SHARED,
			    NULL);
	}
	dio_put(d);
	/* The caller's iterator moves by what was read. */
	iov_iter_revert(to, count - max_t(ssize_t, n, 0));
	if (n > 0)
		iocb->ki_pos += n;
	return n;
}

/* Memory that is not a user's (a kernel caller's): through a buffer. */
static ssize_t dio_read_bounce(struct kiocb *iocb, struct iov_iter *to)
{
	struct smb3mc_fh *fh = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(to), window, len, copied;
	ssize_t total = 0, n;
	void *buf;

	window = smb3mc_io_size(fh->tcon, SMB3MC_IO_READ_WINDOW, count);
	buf = kvmalloc(window, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (iov_iter_count(to)) {
		len = min(iov_iter_count(to), window);
		n = smb3mc_pread(fh->tcon, &fh->fid, buf, len, iocb->ki_pos,
				 i_size_read(file_inode(iocb->ki_filp)));
		if (n <= 0) {
			if (!total)
				total = n;
			break;
		}
		copied = copy_to_iter(buf, n, to);
		iocb->ki_pos += copied;
		total += copied;
		if (copied < n) {
			if (!total)
				total = -EFAULT;
			break;
		}
		if (n < len)
			break;
	}
	kvfree(buf);
	return total;
}

/* Each call is cut into one READ per channel at least; up to this much. */
#define SMB3MC_DIO_MAX		(16 * SMB3MC_IO_CHUNK)

/* ->read_iter with IOCB_DIRECT: what the page cache holds goes out first. */
ssize_t smb3mc_direct_read(struct kiocb *iocb, struct iov_iter *to)
{
	size_t count = iov_iter_count(to), len;
	ssize_t total = 0, n;
	int rc;

	if (!count)
		return 0;
	/* Data still in the cache must reach the server before we read. */
	rc = smb3mc_write_and_wait_range(file_inode(iocb->ki_filp),
					 iocb->ki_pos,
					 iocb->ki_pos + count - 1);
	if (rc)
		return rc;
	if (!user_backed_iter(to))
		return dio_read_bounce(iocb, to);
	if (!is_sync_kiocb(iocb) && count <= SMB3MC_DIO_MAX)
		return dio_read_pages(iocb, to, count, true);
	/* Larger ones in steps, and complete before we return. */
	while (iov_iter_count(to)) {
		len = min_t(size_t, iov_iter_count(to), SMB3MC_DIO_MAX);
		n = dio_read_pages(iocb, to, len, false);
		if (n <= 0) {
			if (!total)
				total = n;
			break;
		}
		total += n;
		if (n < len)
			break;
	}
	return total;
}

/*
 * Without write caching another client may have written past the end
 * this client knows: an append goes at the end the server has now, as an
 * NFS client's does, and the pages cached of the old end are stale. What
 * this one cached goes first. A handle opened for writing only may not
 * read attributes: a CREATE that asks for nothing else may. Under the
 * inode lock.
 */
static int dio_append_end(struct file *file)
{
	struct smb3mc_fh *fh = file->private_data;
	struct inode *inode = file_inode(file);
	struct smb3mc_file_attrs attrs;
	int rc;

	if (smb3mc_lease_caches(inode, SMB2_LEASE_WRITE_CACHING))
		return 0;
	rc = smb3mc_write_and_wait(inode);
	if (rc)
		return rc;
	if (fh->access & GENERIC_READ)
		rc = smb3mc_query_attrs(fh->tcon, &fh->fid, &attrs);
	else
		rc = smb3mc_dentry_attrs(file->f_path.dentry, &attrs);
	if (rc)
		return rc;
	if (attrs.end_of_file != i_size_read(inode)) {
		invalidate_inode_pages2(inode->i_mapping);
		i_size_write(inode, attrs.end_of_file);
	}
	return 0;
}

/*
 * A write's WRITEs ended, and the server took data up to @reach: past
 * where the write says it ended when a piece failed before a later one
 * was written. Where that made the file longer on the server than the
 * write and the size before it, with a gap, its end of file is set back
 * to the longer of those, with a SET_INFO of FileEndOfFileInformation
 * (MS-SMB2 2.2.39, MS-FSCC 2.4.14) on the writer's handle, which has
 * FILE_WRITE_DATA. (A killed caller's WRITEs may still be in flight: it
 * cannot.)
 */
static void dio_write_end_back(struct file *file, loff_t old_size,
			       loff_t reach)
{
	struct smb3mc_fh *fh = file->private_data;
	struct inode *inode = file_inode(file);
	loff_t end = max(old_size, i_size_read(inode));
	int rc;

	if (reach <= end)
		return;
	rc = smb3mc_ns_set_size(fh->tcon, NULL, &fh->fid, end);
	if (rc)
		pr_warn_ratelimited("smb3mc: inode %lu: a failed write left the server's end of file past %lld, and setting it back failed (%d)\n",
				    inode->i_ino, end, rc);
}

/*
 * ->write_iter with IOCB_DIRECT or without write caching, under the inode
 * lock: cached pages of the range are written and dropped around the
 * WRITEs, and the file's times are asked for again.
 */
ssize_t smb3mc_direct_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct smb3mc_fh *fh = file->private_data;
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	size_t window, len, copied, moved;
	struct iov_iter data;
	struct dio *d = NULL;
	ssize_t total = 0, n;
	loff_t start, end, old_size, reach = 0;
	int rc;

	inode_lock(inode);
	n = iocb->ki_flags & IOCB_APPEND ? dio_append_end(file) : 0;
	if (!n)
		n = generic_write_checks(iocb, from);
	if (n <= 0) {
		total = n;
		goto out;
	}
	start = iocb->ki_pos;
	end = start + iov_iter_count(from) - 1;
	old_size = i_size_read(inode);
	/* Cached pages of the range would be stale after the write. */
	rc = smb3mc_write_and_wait_range(inode, start, end);
	if (!rc)
		rc = invalidate_inode_pages2_range(mapping, start >> PAGE_SHIFT,
						   end >> PAGE_SHIFT);
	if (rc) {
		total = rc;
		goto out;
	}
	window = smb3mc_io_size(fh->tcon, SMB3MC_IO_WRITE_WINDOW,
				iov_iter_count(from));
	d = dio_alloc(file, 0);
	if (d)
		d->kvec.iov_base = kvmalloc(window, GFP_KERNEL);
	if (!d || !d->kvec.iov_base) {
		total = -ENOMEM;
		goto out;
	}
	while (iov_iter_count(from)) {
		len = min(iov_iter_count(from), window);
		copied = copy_from_iter(d->kvec.iov_base, len, from);
		if (!copied) {
			if (!total)
				total = -EFAULT;
			break;
		}
		/* In @d: the transfer may outlive this call. */
		d->kvec.iov_len = copied;
		iov_iter_kvec(&data, ITER_SOURCE, &d->kvec, 1, copied);
		n = dio_run(d, fh, &data, iocb->ki_pos, SMB3MC_RW_WRITE,
			    &moved);
		/* Past where @n ends if a piece failed before a later one. */
		reach = max_t(loff_t, reach, iocb->ki_pos + moved);
		if (n <= 0) {
			if (!total)
				total = n ? n : -EIO;
			break;
		}
		iocb->ki_pos += n;
		total += n;
		if (n < copied || copied < len)
			break;
	}
	/* Only what was written: a failed write past the end moved nothing. */
	if (total > 0 && iocb->ki_pos > old_size) {
		i_size_write(inode, iocb->ki_pos);
		/* The gap a write past the end of file leaves reads as zeroes. */
		smb3mc_isize_extended(inode, old_size, start);
	}
	dio_write_end_back(file, old_size, reach);
	if (total > 0)
		smb3mc_attr_stale(inode);
	/* Readahead may have brought pages back in during the write. */
	invalidate_inode_pages2_range(mapping, start >> PAGE_SHIFT,
				      end >> PAGE_SHIFT);
out:
	inode_unlock(inode);
	if (d)
		dio_put(d);
	if (total > 0)
		total = generic_write_sync(iocb, total);
	return total;
}
