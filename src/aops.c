// SPDX-License-Identifier: GPL-2.0
/*
 * The page cache of regular files (address_space_operations): read_folio
 * and readahead fill folios straight from READ responses, write_begin and
 * write_end take buffered writes, writepages sends dirty folios as WRITEs,
 * and write-behind starts that while a writer goes on. Each READ or WRITE
 * is as large as smb3mc_io_size() says, and several are in flight at once.
 */

#include <linux/bvec.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "fs.h"
#include "ops_io.h"

/* A writer that dirtied this much has it written while it goes on. */
#define SMB3MC_WB_BYTES		(4 * SMB3MC_IO_CHUNK)

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

/*
 * One READ filling consecutive locked folios, straight from the socket.
 * It holds a reference to its handle, as a WRITE does: a readahead is in
 * flight when read(2) returns, and the CLOSE of a file closed meanwhile
 * must not overtake it (a server may give its FileId to the next open).
 */
struct read_req {
	struct smb3mc_rw rw;
	struct smb3mc_fh *fh;
	unsigned int nr;
	struct bio_vec bvec[];		/* one whole folio each */
};

/*
 * Runs where the channel ends requests (its receive thread or a worker
 * that verified the response): zero what the server did not return (past
 * its end of file), then unlock the folios. A folio left !uptodate when
 * unlocked is how a read error reaches the reader.
 */
static void read_req_done(struct smb3mc_rw *rw)
{
	struct read_req *r = container_of(rw, struct read_req, rw);
	struct folio *first = page_folio(r->bvec[0].bv_page);
	size_t pos = 0, size;
	unsigned int i;

	/* While a folio is locked, the inode stays. */
	smb3mc_fh_put_soon(first->mapping->host, r->fh);
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
	struct folio *first = page_folio(r->bvec[0].bv_page);
	int rc;

	r->rw.offset = folio_pos(first);
	r->rw.eof = i_size_read(first->mapping->host);
	iov_iter_bvec(&r->rw.iter, ITER_DEST, r->bvec, r->nr, r->rw.len);
	r->rw.done = read_req_done;
	refcount_inc(&fh->ref);
	r->fh = fh;
	rc = smb3mc_read_submit(fh->tcon, &fh->fid, &r->rw);
	if (rc) {
		r->rw.rc = rc;
		read_req_done(&r->rw);
	}
}

static int smb3mc_read_folio(struct file *file, struct folio *folio)
{
	struct inode *inode = folio->mapping->host;
	struct smb3mc_fh *fh = smb3mc_fh_get(inode, file, GENERIC_READ);
	struct read_req *r;

	r = fh ? read_req_alloc(1) : NULL;
	if (!r) {
		folio_unlock(folio);
		if (fh)
			smb3mc_fh_put(fh);
		return fh ? -ENOMEM : -EBADF;
	}
	read_req_add(r, folio);
	read_req_submit(fh, r);
	smb3mc_fh_put(fh);
	return 0;
}

/*
 * The whole window is cut into chunks issued at once, each filling its
 * folios when it completes: several READs in flight per window. A small
 * window, such as the first ones of a sequential reader, is cut so that
 * every channel carries a piece of it; one that comes while the last is
 * still in flight goes in larger pieces (smb3mc_io_size()).
 */
static void smb3mc_readahead(struct readahead_control *ractl)
{
	struct inode *inode = ractl->mapping->host;
	struct smb3mc_fh *fh = smb3mc_fh_get(inode, ractl->file, GENERIC_READ);
	size_t chunk, max;
	struct read_req *r;
	struct folio *folio;

	/* Folios not taken here are unlocked by the caller. */
	if (!fh)
		return;
	chunk = smb3mc_io_size(fh->tcon, SMB3MC_IO_READAHEAD,
			       readahead_length(ractl));
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
	smb3mc_fh_put(fh);
}

/* ---- buffered writes ---- */

/*
 * Where the mount signs (SB_I_STABLE_WRITES), a WRITE must not see its
 * folio change: a writer into one waits for it, killably. Returns
 * @folio, or ERR_PTR(-EINTR) with @folio unlocked and put.
 */
static struct folio *write_folio_stable(struct folio *folio)
{
	if (mapping_stable_writes(folio->mapping) &&
	    folio_wait_writeback_killable(folio)) {
		folio_unlock(folio);
		folio_put(folio);
		return ERR_PTR(-EINTR);
	}
	return folio;
}

/*
 * The folio at @index, locked: a READ into it holds it locked, on a hard
 * mount for as long as the server is lost, so one in the page cache is
 * locked killably.
 */
static struct folio *write_folio_lock(struct address_space *mapping,
				      pgoff_t index)
{
	struct folio *folio;
	struct page *page;

	for (;;) {
		folio = filemap_get_folio(mapping, index);
		if (IS_ERR(folio))
			break;
		if (folio_lock_killable(folio)) {
			folio_put(folio);
			return ERR_PTR(-EINTR);
		}
		if (folio->mapping == mapping)
			return write_folio_stable(folio);
		/* Truncated meanwhile. */
		folio_unlock(folio);
		folio_put(folio);
	}
	page = grab_cache_page_write_begin(mapping, index);
	return page ? page_folio(page) : ERR_PTR(-ENOMEM);
}

/* Whether bytes [@off, @end) of @folio hold anything but zeroes. */
static bool folio_nonzero(struct folio *folio, size_t off, size_t end)
{
	bool found = false;
	size_t len;
	void *p;

	while (off < end && !found) {
		len = min_t(size_t, PAGE_SIZE - offset_in_page(off), end - off);
		p = kmap_local_folio(folio, off);
		found = memchr_inv(p, 0, len);
		kunmap_local(p);
		off += len;
	}
	return found;
}

/**
 * smb3mc_isize_extended - zero what the folio at the old end of file
 *	holds past it, now that the file grew
 * @inode: a regular file, whose i_size is @to already
 * @from: the old size
 * @to: the new size
 *
 * A store through mmap may have left bytes past the end of file, in the
 * folio that holds it. Writeback zeroes them, but the store may be newer
 * than the last writeback, or the writeback newer than the new size: it
 * then sent them. Between @from and @to they are now the file's, and must
 * read as zeroes: they are zeroed, and the folio dirtied for the server
 * to have the zeroes too. Only a folio that is dirty or under writeback
 * can hold such bytes: a store through a mapping dirties its folio first
 * (->page_mkwrite), and each writeback zeroes the tail. Another holds
 * past @from only what the server gave it, which may be another client's
 * data where @from is stale: it is left alone.
 * pagecache_isize_extended() does not do this where blocks are pages, as
 * here.
 *
 * The caller holds the inode lock, and no folio lock. A caller killed
 * while the folio is locked (by writeback waiting for a lost server)
 * leaves it as it is.
 */
void smb3mc_isize_extended(struct inode *inode, loff_t from, loff_t to)
{
	struct address_space *mapping = inode->i_mapping;
	struct folio *folio;
	size_t off, end;

	/* A folio wholly past the old end of file was never mapped. */
	if (from >= to || !offset_in_page(from))
		return;
	folio = filemap_get_folio(mapping, from >> PAGE_SHIFT);
	if (IS_ERR(folio))
		return;
	if (!folio_test_uptodate(folio) || folio_lock_killable(folio))
		goto put;
	if (folio->mapping != mapping || !folio_test_uptodate(folio) ||
	    !(folio_test_dirty(folio) || folio_test_writeback(folio)))
		goto unlock;
	off = offset_in_folio(folio, from);
	end = min_t(loff_t, folio_size(folio), to - folio_pos(folio));
	if (!folio_nonzero(folio, off, end))
		goto unlock;
	/* Where the mount signs, a WRITE must not see its folio change. */
	if (mapping_stable_writes(mapping) &&
	    folio_wait_writeback_killable(folio))
		goto unlock;
	folio_zero_segment(folio, off, end);
	folio_mark_dirty(folio);
unlock:
	folio_unlock(folio);
put:
	folio_put(folio);
}

static int smb3mc_write_begin(struct file *file, struct address_space *mapping,
			      loff_t pos, unsigned int len,
			      struct folio **foliop, void **fsdata)
{
	struct inode *inode = mapping->host;
	struct smb3mc_fh *fh;
	struct folio *folio;
	size_t off, size;
	ssize_t n;
	void *buf;
	int rc = 0;

	folio = write_folio_lock(mapping, pos >> PAGE_SHIFT);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	*foliop = folio;
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
	fh = smb3mc_fh_get(inode, file, GENERIC_READ);
	buf = fh ? kmalloc(size, GFP_NOFS) : NULL;
	if (!buf) {
		rc = fh ? -ENOMEM : -EBADF;
		goto fail;
	}
	n = smb3mc_pread(fh->tcon, &fh->fid, buf, size, folio_pos(folio),
			 i_size_read(inode));
	if (n < 0) {
		rc = n;
		goto fail;
	}
	folio_fill(folio, buf, n);
	folio_mark_uptodate(folio);
fail:
	kfree(buf);
	if (fh)
		smb3mc_fh_put(fh);
	if (rc) {
		folio_unlock(folio);
		folio_put(folio);
	}
	return rc;
}

static int smb3mc_write_end(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len, unsigned int copied,
			    struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;
	loff_t old = i_size_read(inode), fpos = folio_pos(folio);

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
		/*
		 * Counted as a change: an answer asked for before, which may
		 * come once this is written back, has a smaller size.
		 */
		if (pos + copied > old) {
			i_size_write(inode, pos + copied);
			smb3mc_changed(inode);
		}
		/*
		 * The gap a write past the end of file leaves reads as
		 * zeroes: a store through mmap may have left bytes there
		 * (smb3mc_isize_extended()). In this folio, zeroed under its
		 * lock, now that the size is the new one.
		 */
		if (pos > old && old >= fpos)
			folio_zero_range(folio, old - fpos, pos - old);
	}
out:
	folio_unlock(folio);
	folio_put(folio);
	if (copied && pos > old && old < fpos)
		smb3mc_isize_extended(inode, old, pos);
	return copied;
}

/* ---- writeback ---- */

/* One writepages call: its handle and the WRITE being filled. */
struct wb_ctx {
	struct smb3mc_fh *fh;
	struct address_space *mapping;
	struct wb_req *cur;
	size_t chunk;
};

/*
 * One WRITE of consecutive folios, sent from the page cache. It holds a
 * reference to its handle: the file may be closed while it is in flight.
 */
struct wb_req {
	struct smb3mc_rw rw;
	struct smb3mc_fh *fh;
	struct inode *inode;
	unsigned int nr, max;
	struct bio_vec bvec[];		/* a folio each, up to end of file */
};

/*
 * Runs where the channel ends requests. The folios under writeback keep
 * the inode, and with it the mount, until their writeback ends: last.
 */
static void wb_req_done(struct smb3mc_rw *rw)
{
	struct wb_req *w = container_of(rw, struct wb_req, rw);
	unsigned int i;

	if (rw->rc)
		mapping_set_error(w->inode->i_mapping, rw->rc);
	smb3mc_fh_put_soon(w->inode, w->fh);
	for (i = 0; i < w->nr; i++)
		folio_end_writeback(page_folio(w->bvec[i].bv_page));
	kfree(w);
}

static void wb_submit(struct wb_ctx *ctx)
{
	struct wb_req *w = ctx->cur;
	int rc;

	ctx->cur = NULL;
	iov_iter_bvec(&w->rw.iter, ITER_SOURCE, w->bvec, w->nr, w->rw.len);
	w->rw.done = wb_req_done;
	rc = smb3mc_write_submit(w->fh->tcon, &w->fh->fid, &w->rw);
	if (rc) {
		w->rw.rc = rc;
		wb_req_done(&w->rw);
	}
}

/* A WRITE at @pos on @fh, whose reference it takes. */
static struct wb_req *wb_req_alloc(struct wb_ctx *ctx, loff_t pos,
				   struct smb3mc_fh *fh)
{
	unsigned int max = ctx->chunk >> PAGE_SHIFT;
	struct wb_req *w;

	w = kzalloc(struct_size(w, bvec, max), GFP_NOFS);
	if (!w)
		return NULL;
	w->fh = fh;
	w->inode = ctx->mapping->host;
	w->max = max;
	w->rw.offset = pos;
	return w;
}

/*
 * Called by write_cache_pages() for each dirty folio, locked and with its
 * dirty bit cleared: copy it into the current request (sending that one
 * first when the folio does not continue it) and start its writeback.
 */
static int smb3mc_writepage_one(struct folio *folio,
				struct writeback_control *wbc, void *data)
{
	struct wb_ctx *ctx = data;
	loff_t pos = folio_pos(folio), size = i_size_read(ctx->mapping->host);
	struct wb_req *w = ctx->cur;
	struct smb3mc_fh *locker, *fh;
	size_t len;

	/* Truncated while we were not looking: nothing to write. */
	if (pos >= size) {
		folio_unlock(folio);
		return 0;
	}
	len = min_t(loff_t, folio_size(folio), size - pos);
	/* A range this client locked goes on the handle that locked it. */
	locker = smb3mc_locks_writer(ctx->mapping->host, pos, len);
	fh = locker ?: ctx->fh;
	if (w && (w->fh != fh || w->rw.offset + w->rw.len != pos ||
		  w->nr == w->max || w->rw.len + len > ctx->chunk)) {
		wb_submit(ctx);
		w = NULL;
	}
	if (!w) {
		if (!locker)
			refcount_inc(&fh->ref);
		w = wb_req_alloc(ctx, pos, fh);
		if (!w) {
			smb3mc_fh_put_soon(ctx->mapping->host, fh);
			folio_redirty_for_writepage(wbc, folio);
			folio_unlock(folio);
			return -ENOMEM;
		}
		ctx->cur = w;
	} else if (locker) {
		smb3mc_fh_put_soon(ctx->mapping->host, locker);
	}
	/*
	 * A store through mmap can reach past the end of file, within the
	 * folio: that must not be kept, neither for the server to get once
	 * the file grows nor for a read to see then. Zeroed at each
	 * writeback, as the store may come again after this one.
	 */
	if (len < folio_size(folio))
		folio_zero_segment(folio, len, folio_size(folio));
	bvec_set_page(&w->bvec[w->nr++], folio_page(folio, 0), len, 0);
	w->rw.len += len;
	folio_start_writeback(folio);
	folio_unlock(folio);
	return 0;
}

/*
 * Several WRITEs go out at once, and the call returns without waiting for
 * them: whoever must know the data on the server waits for the writeback
 * to end (smb3mc_writeback_range()).
 */
static int smb3mc_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct wb_ctx ctx = { .mapping = mapping };
	int rc;

	/* Writeback of a dirty inode calls here with no dirty page too. */
	if (!mapping_tagged(mapping, PAGECACHE_TAG_DIRTY))
		return 0;
	ctx.fh = smb3mc_fh_get(mapping->host, NULL, GENERIC_WRITE);
	if (!ctx.fh) {
		pr_warn_ratelimited("smb3mc: dirty pages of inode %lu but no writable handle\n",
				    mapping->host->i_ino);
		return -EBADF;
	}
	ctx.chunk = smb3mc_io_size(ctx.fh->tcon, SMB3MC_IO_WRITEBACK, 0);
	rc = write_cache_pages(mapping, wbc, smb3mc_writepage_one, &ctx);
	if (ctx.cur)
		wb_submit(&ctx);
	smb3mc_fh_put(ctx.fh);
	return rc;
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
void smb3mc_write_behind(struct inode *inode, loff_t start, loff_t end)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);
	loff_t block_end = round_down(end, SMB3MC_WB_BYTES);

	if (block_end <= start)
		return;
	WRITE_ONCE(si->wb_end, block_end);
	queue_work(system_unbound_wq, &si->wb_work);
}

DEFINE_WRITE_BEGIN_END(smb3mc_write_begin, smb3mc_write_end);

static const struct address_space_operations smb3mc_file_aops = {
	.read_folio	= smb3mc_read_folio,
	.readahead	= smb3mc_readahead,
	.writepages	= smb3mc_writepages,
	.dirty_folio	= filemap_dirty_folio,
	.write_begin	= write_begin_op(smb3mc_write_begin),
	.write_end	= write_end_op(smb3mc_write_end),
	.migrate_folio	= filemap_migrate_folio,
	/* Lets O_DIRECT opens through; read_iter/write_iter do the work. */
	.direct_IO	= noop_direct_IO,
};

/**
 * smb3mc_aops_init - set up the page cache of a new regular file
 * @inode: the inode, I_NEW
 */
void smb3mc_aops_init(struct inode *inode)
{
	INIT_WORK(&SMB3MC_I(inode)->wb_work, smb3mc_write_behind_work);
	inode->i_mapping->a_ops = &smb3mc_file_aops;
}
