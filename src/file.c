// SPDX-License-Identifier: GPL-2.0
/*
 * Regular files: SMB handles per open file, the page cache (read_folio,
 * readahead, write_begin/write_end, writepages) and O_DIRECT, on top of the
 * READ/WRITE/FLUSH calls of ops_io.c.
 *
 * Every open file has its own handle (MS-SMB2 3.2.4.3), with the access
 * its open flags ask for. The handles of an inode are kept on a list so
 * that writeback, which runs without a struct file, can borrow a writable
 * one; release writes dirty pages back before it closes its handle, so no
 * writeback happens after the last close.
 */

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "chan_pick.h"
#include "compat.h"
#include "fs.h"
#include "ops_io.h"

/* One open SMB handle of a regular file. */
struct smb3mc_fh {
	struct list_head list;		/* on smb3mc_inode.open_files */
	refcount_t ref;
	struct smb3mc_tcon *tcon;
	struct smb3mc_fid fid;
	u32 access;			/* GENERIC_READ | GENERIC_WRITE */
};

static size_t io_chunk(u32 max)
{
	return min_t(size_t, max, SMB3MC_IO_CHUNK);
}

/* Closing needs a round trip: only ever the last put, in process context. */
static void fh_put(struct smb3mc_fh *fh)
{
	if (!refcount_dec_and_test(&fh->ref))
		return;
	smb3mc_close(fh->tcon, &fh->fid);
	kfree(fh);
}

/* Any open handle of @inode granting @access, with a reference. */
static struct smb3mc_fh *fh_find(struct inode *inode, u32 access)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *fh, *found = NULL;

	spin_lock(&si->open_lock);
	list_for_each_entry(fh, &si->open_files, list) {
		if ((fh->access & access) == access) {
			refcount_inc(&fh->ref);
			found = fh;
			break;
		}
	}
	spin_unlock(&si->open_lock);
	return found;
}

/**
 * smb3mc_fh_get_writable - an open handle to change @inode's attributes on
 * @inode: a regular file
 * @file: the file setattr was called for (ATTR_FILE), or NULL
 *
 * @file's own handle when it was opened for writing, else any handle of
 * @inode that was; GENERIC_WRITE includes FILE_WRITE_DATA and
 * FILE_WRITE_ATTRIBUTES (MS-SMB2 2.2.13.1.1).
 *
 * Return: the handle, with a reference for smb3mc_fh_put(), or NULL when
 * @inode is not open for writing.
 */
struct smb3mc_fh *smb3mc_fh_get_writable(struct inode *inode,
					 struct file *file)
{
	struct smb3mc_fh *fh = file ? file->private_data : NULL;

	if (fh && fh->access & GENERIC_WRITE) {
		refcount_inc(&fh->ref);
		return fh;
	}
	return fh_find(inode, GENERIC_WRITE);
}

const struct smb3mc_fid *smb3mc_fh_fid(const struct smb3mc_fh *fh)
{
	return &fh->fid;
}

void smb3mc_fh_put(struct smb3mc_fh *fh)
{
	fh_put(fh);
}

/* The handle to read @inode with: @file's own, else any readable one. */
static struct smb3mc_fh *fh_for_read(struct file *file, struct inode *inode)
{
	struct smb3mc_fh *fh = file ? file->private_data : NULL;

	if (fh && fh->access & GENERIC_READ) {
		refcount_inc(&fh->ref);
		return fh;
	}
	return fh_find(inode, GENERIC_READ);
}

/* Copy @n bytes of @src to the start of @folio and zero the rest. */
static void folio_fill(struct folio *folio, const u8 *src, size_t n)
{
	size_t size = folio_size(folio), off = 0, len;
	void *dst;

	while (off < size) {
		len = min_t(size_t, PAGE_SIZE - offset_in_page(off),
			    size - off);
		dst = kmap_local_folio(folio, off);
		if (off < n) {
			memcpy(dst, src + off, min(len, n - off));
			if (n - off < len)
				memset(dst + (n - off), 0, len - (n - off));
		} else {
			memset(dst, 0, len);
		}
		kunmap_local(dst);
		off += len;
	}
	flush_dcache_folio(folio);
}

/* ---- reading into the page cache ---- */

/* One READ filling consecutive locked folios, straight from the socket. */
struct read_req {
	struct smb3mc_rw rw;
	unsigned int nr;
	struct bio_vec bvec[];		/* one whole folio each */
};

/*
 * Runs in the receive thread: zero what the server did not return (past
 * its end of file), then unlock the folios. A folio left !uptodate when
 * unlocked is how a read error reaches the reader.
 */
static void read_req_done(struct smb3mc_rw *rw)
{
	struct read_req *r = container_of(rw, struct read_req, rw);
	size_t pos = 0, size;
	unsigned int i;

	for (i = 0; i < r->nr; i++) {
		struct folio *folio = page_folio(r->bvec[i].bv_page);

		size = folio_size(folio);
		if (!rw->rc) {
			if (pos + size > rw->result)
				folio_zero_segment(folio,
						   pos < rw->result ?
						   rw->result - pos : 0, size);
			flush_dcache_folio(folio);
			folio_mark_uptodate(folio);
		}
		folio_unlock(folio);
		pos += size;
	}
	kfree(r);
}

static struct read_req *read_req_alloc(unsigned int max)
{
	struct read_req *r;

	return kzalloc(struct_size(r, bvec, max), GFP_NOFS);
}

static void read_req_add(struct read_req *r, struct folio *folio)
{
	bvec_set_page(&r->bvec[r->nr++], folio_page(folio, 0),
		      folio_size(folio), 0);
	r->rw.len += folio_size(folio);
}

/* Issue @r; when that fails, the folios end unlocked and !uptodate. */
static void read_req_submit(struct smb3mc_fh *fh, struct read_req *r)
{
	int rc;

	r->rw.offset = folio_pos(page_folio(r->bvec[0].bv_page));
	iov_iter_bvec(&r->rw.iter, ITER_DEST, r->bvec, r->nr, r->rw.len);
	r->rw.done = read_req_done;
	rc = smb3mc_read_submit(fh->tcon, &fh->fid, &r->rw);
	if (rc) {
		r->rw.rc = rc;
		read_req_done(&r->rw);
	}
}

static int smb3mc_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct smb3mc_fh *fh = fh_for_read(file, inode);
	struct read_req *r;

	r = fh ? read_req_alloc(1) : NULL;
	if (!r) {
		folio_unlock(folio);
		if (fh)
			fh_put(fh);
		return fh ? -ENOMEM : -EBADF;
	}
	read_req_add(r, folio);
	read_req_submit(fh, r);
	fh_put(fh);
	return 0;
}

/*
 * The whole window is cut into chunks issued at once, each filling its
 * folios when it completes: several READs in flight per window. A small
 * window, such as the first ones of a sequential reader, is cut so that
 * every channel carries a piece of it; one that comes while the last is
 * still in flight goes in larger pieces (smb3mc_ses_stripe_busy()).
 */
static void smb3mc_readahead(struct readahead_control *ractl)
{
	struct inode *inode = ractl->mapping->host;
	struct smb3mc_fh *fh = fh_for_read(ractl->file, inode);
	struct smb3mc_ses *ses;
	size_t chunk, max;
	struct read_req *r;
	struct folio *folio;

	/* Folios not taken here are unlocked by the caller. */
	if (!fh)
		return;
	ses = fh->tcon->ses;
	chunk = smb3mc_stripe_size(readahead_length(ractl),
				   smb3mc_ses_stripe_busy(ses),
				   READ_ONCE(ses->nr_chans),
				   io_chunk(ses->max_read));
	max = chunk >> PAGE_SHIFT;
	while (readahead_count(ractl)) {
		r = read_req_alloc(max);
		if (!r)
			break;
		while (r->nr < max && r->rw.len < chunk &&
		       (folio = readahead_folio(ractl)))
			read_req_add(r, folio);
		if (!r->nr) {
			kfree(r);
			break;
		}
		read_req_submit(fh, r);
	}
	fh_put(fh);
}

/* ---- buffered writes ---- */

static int smb3mc_write_begin(struct file *file, struct address_space *mapping,
			      loff_t pos, unsigned int len,
			      SMB3MC_WRITE_PAGE **pagep, void **fsdata)
{
	struct inode *inode = mapping->host;
	struct smb3mc_fh *fh;
	struct folio *folio;
	struct page *page;
	size_t off, size;
	ssize_t n;
	void *buf;
	int rc = 0;

	page = grab_cache_page_write_begin(mapping, pos >> PAGE_SHIFT);
	if (!page)
		return -ENOMEM;
	folio = page_folio(page);
	*pagep = smb3mc_folio_write_page(folio);
	if (folio_test_uptodate(folio))
		return 0;
	off = offset_in_folio(folio, pos);
	size = folio_size(folio);
	/* Overwritten in full: write_end checks the copy was complete. */
	if (!off && len >= size)
		return 0;
	/* Nothing of it on the server yet: the rest is zeroes. */
	if (folio_pos(folio) >= i_size_read(inode)) {
		folio_fill(folio, NULL, 0);
		folio_mark_uptodate(folio);
		return 0;
	}
	/* A partial write needs the bytes around it. */
	fh = fh_for_read(file, inode);
	buf = fh ? kmalloc(size, GFP_NOFS) : NULL;
	if (!buf) {
		rc = fh ? -ENOMEM : -EBADF;
		goto fail;
	}
	n = smb3mc_pread(fh->tcon, &fh->fid, buf, size, folio_pos(folio));
	if (n < 0) {
		rc = n;
		goto fail;
	}
	folio_fill(folio, buf, n);
	folio_mark_uptodate(folio);
fail:
	kfree(buf);
	if (fh)
		fh_put(fh);
	if (rc) {
		folio_unlock(folio);
		folio_put(folio);
	}
	return rc;
}

static int smb3mc_write_end(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len, unsigned int copied,
			    SMB3MC_WRITE_PAGE *page, void *fsdata)
{
	struct folio *folio = smb3mc_write_page_folio(page);
	struct inode *inode = mapping->host;

	if (!folio_test_uptodate(folio)) {
		/* A full overwrite that copied less: the caller retries. */
		if (copied < len) {
			copied = 0;
			goto out;
		}
		folio_mark_uptodate(folio);
	}
	if (copied) {
		folio_mark_dirty(folio);
		if (pos + copied > i_size_read(inode))
			i_size_write(inode, pos + copied);
	}
out:
	folio_unlock(folio);
	folio_put(folio);
	return copied;
}

/* ---- writeback ---- */

/* One writepages call: its handle and the WRITEs it has in flight. */
struct wb_ctx {
	struct smb3mc_fh *fh;
	struct address_space *mapping;
	struct wb_req *cur;		/* being filled */
	size_t chunk;
	atomic_t pending;
	struct completion done;
};

/* One WRITE of consecutive folios, sent from the page cache. */
struct wb_req {
	struct smb3mc_rw rw;
	struct wb_ctx *ctx;
	unsigned int nr, max;
	struct bio_vec bvec[];		/* a folio each, up to end of file */
};

/* Runs in the receive thread: end writeback of the request's folios. */
static void wb_req_done(struct smb3mc_rw *rw)
{
	struct wb_req *w = container_of(rw, struct wb_req, rw);
	struct wb_ctx *ctx = w->ctx;
	int rc = rw->rc;
	unsigned int i;

	/* MS-SMB2 3.3.5.13: the server writes all of it or fails. */
	if (!rc && rw->result != rw->len)
		rc = -EIO;
	if (rc)
		mapping_set_error(ctx->mapping, rc);
	for (i = 0; i < w->nr; i++)
		folio_end_writeback(page_folio(w->bvec[i].bv_page));
	kfree(w);
	if (atomic_dec_and_test(&ctx->pending))
		complete(&ctx->done);
}

static void wb_submit(struct wb_ctx *ctx)
{
	struct wb_req *w = ctx->cur;
	int rc;

	ctx->cur = NULL;
	iov_iter_bvec(&w->rw.iter, ITER_SOURCE, w->bvec, w->nr, w->rw.len);
	w->rw.done = wb_req_done;
	atomic_inc(&ctx->pending);
	rc = smb3mc_write_submit(ctx->fh->tcon, &ctx->fh->fid, &w->rw);
	if (rc) {
		w->rw.rc = rc;
		wb_req_done(&w->rw);
	}
}

static struct wb_req *wb_req_alloc(struct wb_ctx *ctx, loff_t pos)
{
	unsigned int max = ctx->chunk >> PAGE_SHIFT;
	struct wb_req *w;

	w = kzalloc(struct_size(w, bvec, max), GFP_NOFS);
	if (!w)
		return NULL;
	w->ctx = ctx;
	w->max = max;
	w->rw.offset = pos;
	return w;
}

/*
 * Called by write_cache_pages() for each dirty folio, locked and with its
 * dirty bit cleared: copy it into the current request (sending that one
 * first when the folio does not continue it) and start its writeback.
 */
static int smb3mc_writepage_one(SMB3MC_WRITEPAGE_ARG *arg,
				struct writeback_control *wbc, void *data)
{
	struct folio *folio = smb3mc_writepage_folio(arg);
	struct wb_ctx *ctx = data;
	loff_t pos = folio_pos(folio), size = i_size_read(ctx->mapping->host);
	struct wb_req *w = ctx->cur;
	size_t len;

	/* Truncated while we were not looking: nothing to write. */
	if (pos >= size) {
		folio_unlock(folio);
		return 0;
	}
	len = min_t(loff_t, folio_size(folio), size - pos);
	if (w && (w->rw.offset + w->rw.len != pos || w->nr == w->max ||
		  w->rw.len + len > ctx->chunk)) {
		wb_submit(ctx);
		w = NULL;
	}
	if (!w) {
		w = wb_req_alloc(ctx, pos);
		if (!w) {
			folio_redirty_for_writepage(wbc, folio);
			folio_unlock(folio);
			return -ENOMEM;
		}
		ctx->cur = w;
	}
	bvec_set_page(&w->bvec[w->nr++], folio_page(folio, 0), len, 0);
	w->rw.len += len;
	folio_start_writeback(folio);
	folio_unlock(folio);
	return 0;
}

/*
 * Several WRITEs go out at once; the call waits for them before it
 * returns, so the handle it borrowed is never closed under a WRITE.
 */
static int smb3mc_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct wb_ctx ctx = { .mapping = mapping };
	int rc;

	/* Writeback of a dirty inode calls here with no dirty page too. */
	if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY))
		return 0;
	ctx.fh = fh_find(mapping->host, GENERIC_WRITE);
	if (!ctx.fh) {
		pr_warn_ratelimited("smb3mc: dirty pages of inode %lu but no writable handle\n",
				    mapping->host->i_ino);
		return -EBADF;
	}
	ctx.chunk = io_chunk(ctx.fh->tcon->ses->max_write);
	atomic_set(&ctx.pending, 1);
	init_completion(&ctx.done);
	rc = write_cache_pages(mapping, wbc, smb3mc_writepage_one, &ctx);
	if (ctx.cur)
		wb_submit(&ctx);
	if (!atomic_dec_and_test(&ctx.pending))
		wait_for_completion(&ctx.done);
	fh_put(ctx.fh);
	return rc;
}

/**
 * smb3mc_file_flush_range - write dirty cached data of a range back
 * @inode: a regular file
 * @start: first byte
 * @end: last byte, inclusive (LLONG_MAX for all)
 *
 * For truncate and others that must see the server up to date first.
 */
int smb3mc_file_flush_range(struct inode *inode, loff_t start, loff_t end)
{
	return filemap_write_and_wait_range(inode->i_mapping, start, end);
}

/* ---- O_DIRECT: around the page cache ---- */

static size_t dio_window(size_t count, u32 max)
{
	/* Four chunks in flight per step. */
	return min(count, 4 * io_chunk(max));
}

/*
 * An O_DIRECT read straight into the caller's pages; an asynchronous one
 * (aio, io_uring) returns once its READs are sent and completes from
 * @work, so that a caller keeping several in flight fills every channel.
 */
struct dio_read {
	struct kiocb *iocb;
	struct work_struct work;
	ssize_t result;
	unsigned int nr, max;
	struct bio_vec bvec[];		/* the caller's pages, referenced */
};

static void dio_read_release(struct dio_read *d)
{
	unsigned int i;

	/* The pages were written behind the owner's page tables. */
	for (i = 0; i < d->nr; i++) {
		set_page_dirty_lock(d->bvec[i].bv_page);
		put_page(d->bvec[i].bv_page);
	}
	kvfree(d);
}

static void dio_read_work(struct work_struct *work)
{
	struct dio_read *d = container_of(work, struct dio_read, work);
	struct kiocb *iocb = d->iocb;
	ssize_t result = d->result;

	if (result > 0)
		iocb->ki_pos += result;
	inode_dio_end(file_inode(iocb->ki_filp));
	dio_read_release(d);
	iocb->ki_complete(iocb, result);
}

/* Runs in the receive thread: releasing the pages may sleep. */
static void dio_read_done(void *private, ssize_t result)
{
	struct dio_read *d = private;

	d->result = result;
	queue_work(system_unbound_wq, &d->work);
}

/* Take references to the pages of all of @to, which is advanced. */
static int dio_get_pages(struct dio_read *d, struct iov_iter *to,
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
	struct inode *inode = file_inode(iocb->ki_filp);
	struct iov_iter pages;
	struct dio_read *d;
	int max, rc;
	ssize_t n;

	max = iov_iter_npages(to, INT_MAX);
	d = kvzalloc(struct_size(d, bvec, max), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->max = max;
	rc = dio_get_pages(d, to, count);
	if (rc) {
		iov_iter_revert(to, count - iov_iter_count(to));
		dio_read_release(d);
		return rc;
	}
	iov_iter_bvec(&pages, ITER_DEST, d->bvec, d->nr, count);
	inode_dio_begin(inode);
	if (async) {
		d->iocb = iocb;
		INIT_WORK(&d->work, dio_read_work);
		n = smb3mc_rw_iter(fh->tcon, &fh->fid, &pages, iocb->ki_pos,
				   false, dio_read_done, d);
		if (n == -EIOCBQUEUED)
			return n;
	} else {
		n = smb3mc_rw_iter(fh->tcon, &fh->fid, &pages, iocb->ki_pos,
				   false, NULL, NULL);
	}
	inode_dio_end(inode);
	dio_read_release(d);
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

	window = dio_window(count, fh->tcon->ses->max_read);
	buf = kvmalloc(window, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (iov_iter_count(to)) {
		len = min(iov_iter_count(to), window);
		n = smb3mc_pread(fh->tcon, &fh->fid, buf, len, iocb->ki_pos);
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

static ssize_t smb3mc_direct_read(struct kiocb *iocb, struct iov_iter *to)
{
	size_t count = iov_iter_count(to), len;
	ssize_t total = 0, n;
	int rc;

	if (!count)
		return 0;
	/* Data still in the cache must reach the server before we read. */
	rc = filemap_write_and_wait_range(iocb->ki_filp->f_mapping,
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

static ssize_t smb3mc_direct_write(struct kiocb *iocb, struct iov_iter *from)
{
	struct file *file = iocb->ki_filp;
	struct smb3mc_fh *fh = file->private_data;
	struct inode *inode = file_inode(file);
	struct address_space *mapping = inode->i_mapping;
	size_t window, len, copied;
	ssize_t total = 0, n;
	loff_t start, end;
	void *buf = NULL;
	int rc;

	inode_lock(inode);
	n = generic_write_checks(iocb, from);
	if (n <= 0) {
		total = n;
		goto out;
	}
	start = iocb->ki_pos;
	end = start + iov_iter_count(from) - 1;
	/* Cached pages of the range would be stale after the write. */
	rc = filemap_write_and_wait_range(mapping, start, end);
	if (!rc)
		rc = invalidate_inode_pages2_range(mapping, start >> PAGE_SHIFT,
						   end >> PAGE_SHIFT);
	if (rc) {
		total = rc;
		goto out;
	}
	window = dio_window(iov_iter_count(from), fh->tcon->ses->max_write);
	buf = kvmalloc(window, GFP_KERNEL);
	if (!buf) {
		total = -ENOMEM;
		goto out;
	}
	while (iov_iter_count(from)) {
		len = min(iov_iter_count(from), window);
		copied = copy_from_iter(buf, len, from);
		if (!copied) {
			if (!total)
				total = -EFAULT;
			break;
		}
		n = smb3mc_pwrite(fh->tcon, &fh->fid, buf, copied,
				  iocb->ki_pos);
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
	if (iocb->ki_pos > i_size_read(inode))
		i_size_write(inode, iocb->ki_pos);
	/* Readahead may have brought pages back in during the write. */
	invalidate_inode_pages2_range(mapping, start >> PAGE_SHIFT,
				      end >> PAGE_SHIFT);
out:
	inode_unlock(inode);
	kvfree(buf);
	if (total > 0)
		total = generic_write_sync(iocb, total);
	return total;
}

/* ---- file operations ---- */

static ssize_t smb3mc_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	if (iocb->ki_flags & IOCB_DIRECT)
		return smb3mc_direct_read(iocb, to);
	return generic_file_read_iter(iocb, to);
}

/* ---- write-behind ---- */

static void smb3mc_write_behind_work(struct work_struct *work)
{
	struct smb3mc_inode *si = container_of(work, struct smb3mc_inode,
					       wb_work);
	struct writeback_control wbc = {
		.sync_mode	= WB_SYNC_NONE,
		.nr_to_write	= LONG_MAX,
		.range_start	= 0,
		.range_end	= READ_ONCE(si->wb_end) - 1,
	};

	filemap_fdatawrite_wbc(si->vfs_inode.i_mapping, &wbc);
}

/*
 * A write that ended in a later SMB3MC_WB_BYTES block than it began has
 * the whole blocks before it written back now, from a work item, while
 * the writer goes on: the channels carry the data while it is produced
 * instead of only at fsync or close. Measured on 4 links at 50 Mbit/s:
 * `dd bs=1M count=64 conv=fsync` filled the page cache for 0.5 s with
 * every channel idle, then wrote for 3 s.
 */
static void smb3mc_write_behind(struct inode *inode, loff_t start, loff_t end)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	loff_t block_end = round_down(end, SMB3MC_WB_BYTES);

	if (block_end <= start)
		return;
	WRITE_ONCE(si->wb_end, block_end);
	queue_work(system_unbound_wq, &si->wb_work);
}

static ssize_t smb3mc_file_write_iter(struct kiocb *iocb,
				      struct iov_iter *from)
{
	ssize_t ret;

	if (iocb->ki_flags & IOCB_DIRECT)
		return smb3mc_direct_write(iocb, from);
	ret = generic_file_write_iter(iocb, from);
	/* ki_pos: where it ended, also for O_APPEND. */
	if (ret > 0)
		smb3mc_write_behind(file_inode(iocb->ki_filp),
				    iocb->ki_pos - ret, iocb->ki_pos);
	return ret;
}

/*
 * Close-to-open: when the server's file changed since we cached it, fetch
 * its attributes now, which drops stale pages (smb3mc_file_server_size()).
 */
static void smb3mc_open_check(struct file *file,
			      const struct smb3mc_file_attrs *attrs)
{
	struct inode *inode = file_inode(file);
	struct timespec64 mtime = smb3mc_inode_mtime(inode);
	struct timespec64 srv = smb3mc_nt_to_timespec64(attrs->last_write_time);

	if (attrs->end_of_file == i_size_read(inode) &&
	    timespec64_equal(&mtime, &srv))
		return;
	SMB3MC_I(inode)->attr_time = jiffies - SMB3MC_SB(inode->i_sb)->actimeo - 1;
	smb3mc_revalidate(file->f_path.dentry);
}

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

static void fh_add(struct inode *inode, struct file *file,
		   struct smb3mc_fh *fh)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);

	spin_lock(&si->open_lock);
	list_add(&fh->list, &si->open_files);
	spin_unlock(&si->open_lock);
	file->private_data = fh;
}

/**
 * smb3mc_file_open_created - open @file on the handle that created it
 * @file: the file of an atomic_open that created @dentry
 * @dentry: instantiated with the new inode
 * @tcon: tree connect of the share
 * @fid: the handle, opened with smb3mc_file_access(@file); closed here
 *	when the open fails
 *
 * Opening the name again could be refused where the creating open may
 * write: a file created without write permission is read-only already.
 */
int smb3mc_file_open_created(struct file *file, struct dentry *dentry,
			     struct smb3mc_tcon *tcon,
			     const struct smb3mc_fid *fid)
{
	struct smb3mc_fh *fh;
	int rc;

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	if (!fh) {
		smb3mc_close(tcon, fid);
		return -ENOMEM;
	}
	refcount_set(&fh->ref, 1);
	fh->tcon = tcon;
	fh->fid = *fid;
	fh->access = smb3mc_file_access(file);
	/* generic_file_open() instead of ->open, which would open by name. */
	rc = finish_open(file, dentry, generic_file_open);
	if (rc) {
		fh_put(fh);
		return rc;
	}
	fh_add(d_inode(dentry), file, fh);
	return 0;
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
	struct smb3mc_fh *fh;
	char *page, *path;
	int rc;

	/* MS-SMB2 2.2.13: FILE_OVERWRITE truncates an existing file. */
	if (trunc)
		args.disposition = FILE_OVERWRITE;

	fh = kzalloc(sizeof(*fh), GFP_KERNEL);
	if (!fh)
		return -ENOMEM;
	path = smb3mc_dentry_path(file->f_path.dentry, &page);
	if (IS_ERR(path)) {
		kfree(fh);
		return PTR_ERR(path);
	}
	if (trunc) {
		/* No WRITE of older data may land after the truncation. */
		inode_lock(inode);
		rc = filemap_write_and_wait(inode->i_mapping);
		if (!rc)
			rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid,
					 &attrs);
		if (!rc) {
			i_size_write(inode, 0);
			truncate_pagecache(inode, 0);
		}
		inode_unlock(inode);
	} else {
		rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid, &attrs);
		/* A write-only file: settle for what the page cache can do. */
		if (rc == -EACCES && args.access & GENERIC_WRITE &&
		    !(file->f_mode & FMODE_READ)) {
			args.access = GENERIC_WRITE;
			rc = smb3mc_open(sbi->tcon, path, &args, &fh->fid,
					 &attrs);
		}
	}
	free_page((unsigned long)page);
	if (rc) {
		kfree(fh);
		return rc;
	}
	refcount_set(&fh->ref, 1);
	fh->tcon = sbi->tcon;
	fh->access = args.access;
	if (!trunc)
		smb3mc_open_check(file, &attrs);
	fh_add(inode, file, fh);
	return 0;
}

static int smb3mc_file_release(struct inode *inode, struct file *file)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct smb3mc_fh *fh = file->private_data;

	/* Close-to-open: what this file wrote is on the server at close. */
	if (file->f_mode & FMODE_WRITE)
		filemap_write_and_wait(inode->i_mapping);
	spin_lock(&si->open_lock);
	list_del(&fh->list);
	spin_unlock(&si->open_lock);
	fh_put(fh);
	return 0;
}

/* Write our cached data, then FLUSH it to the server's disk. */
static int smb3mc_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct smb3mc_fh *fh = file->private_data;
	int rc;

	rc = file_write_and_wait_range(file, start, end);
	if (rc || !(fh->access & GENERIC_WRITE))
		return rc;
	return smb3mc_flush(fh->tcon, &fh->fid);
}

static int smb3mc_file_flush(struct file *file, fl_owner_t id)
{
	/* close(2) reports write errors, as it does on NFS. */
	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return filemap_write_and_wait(file->f_mapping);
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
	.splice_read	= smb3mc_splice_read,
	.splice_write	= iter_file_splice_write,
};

const struct address_space_operations smb3mc_file_aops = {
	.read_folio	= smb3mc_read_folio,
	.readahead	= smb3mc_readahead,
	.writepages	= smb3mc_writepages,
	.dirty_folio	= filemap_dirty_folio,
	.write_begin	= smb3mc_write_begin,
	.write_end	= smb3mc_write_end,
	.migrate_folio	= filemap_migrate_folio,
	/* Lets O_DIRECT opens through; read_iter/write_iter do the work. */
	.direct_IO	= noop_direct_IO,
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
	INIT_WORK(&si->wb_work, smb3mc_write_behind_work);
	inode->i_fop = &smb3mc_file_ops;
	inode->i_mapping->a_ops = &smb3mc_file_aops;
}

/**
 * smb3mc_evict_inode - an inode leaves the cache
 * @inode: any inode of the mount
 */
void smb3mc_evict_inode(struct inode *inode)
{
	/* Its pages are clean after the last close: no write-behind is due. */
	if (S_ISREG(inode->i_mode))
		cancel_work_sync(&SMB3MC_I(inode)->wb_work);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
}

/**
 * smb3mc_file_server_size - apply the server's size of a regular file
 * @inode: the inode
 * @size: EndOfFile as the server has it
 * @mtime_changed: the server's last write time differs from ours
 *
 * When the file changed on the server, cached pages are stale: drop them
 * and take its size. Not while we hold dirty or in-flight data, which is
 * newer than what the server reports, nor while a writer holds the inode
 * lock (it sets i_size itself).
 */
void smb3mc_file_server_size(struct inode *inode, loff_t size,
			     bool mtime_changed)
{
	struct address_space *mapping = inode->i_mapping;

	if (!mtime_changed && size == i_size_read(inode))
		return;
	if (!inode_trylock(inode))
		return;
	if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY) &&
	    !mapping_tagged(mapping, PAGECACHE_TAG_WRITEBACK)) {
		i_size_write(inode, size);
		invalidate_inode_pages2(mapping);
	}
	inode_unlock(inode);
}
