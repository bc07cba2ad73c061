// SPDX-License-Identifier: GPL-2.0
/*
 * READ, WRITE and FLUSH on an open handle (MS-SMB2 3.2.4.6 - 3.2.4.8).
 *
 * Every chunk is sent asynchronously and chooses its channel when it is
 * issued, so several chunks of one transfer are in flight at once, and
 * spread over every channel once the session has more than one. The data
 * is not copied here: the channel sends it from the caller's pages and
 * receives it straight into them, except a signed READ's into memory that
 * others see (SMB3MC_RW_SHARED): that is verified in the response first,
 * then copied (MS-SMB2 3.2.5.1.3).
 */

#include <linux/completion.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "chan_pick.h"
#include "nterr.h"
#include "ops_io.h"
#include "session.h"

/* Room for a FLUSH request. */
#define SMB3MC_FLUSH_REQ	128

/* What a READ or WRITE leaves to be done once it ended: smb3mc_io_defer(). */
static struct workqueue_struct *smb3mc_io_wq;

static size_t io_chunk(u32 max)
{
	return min_t(size_t, max, SMB3MC_IO_CHUNK);
}

/*
 * Pieces of at most @max bytes for a transfer of @len, cut so that every
 * channel carries one, in fewer and larger pieces the more the session
 * already has in flight, unless it signs (smb3mc_ses_stripe_busy()).
 */
static size_t io_stripe(struct smb3mc_ses *ses, size_t len, size_t max)
{
	return smb3mc_stripe_size(len, smb3mc_ses_stripe_busy(ses),
				  READ_ONCE(ses->nr_chans), max);
}

/**
 * smb3mc_io_size - how the VFS is to cut I/O of @len bytes
 * @tcon: the share
 * @kind: what the I/O is, and what the answer means
 * @len: the bytes the caller is to move (unused for SMB3MC_IO_WRITEBACK,
 *	which does not know them in advance)
 *
 * A readahead window is striped over the channels in pieces of at most
 * SMB3MC_IO_CHUNK; writeback gathers dirty pages into WRITEs of up to
 * SMB3MC_IO_CHUNK; a transfer through a buffer goes in steps of four
 * such chunks, each cut again by smb3mc_rw_iter(). All are capped by the
 * server's MaxReadSize / MaxWriteSize.
 */
size_t smb3mc_io_size(struct smb3mc_tcon *tcon, enum smb3mc_io_kind kind,
		      size_t len)
{
	struct smb3mc_ses *ses = tcon->ses;

	switch (kind) {
	case SMB3MC_IO_READAHEAD:
		return io_stripe(ses, len, io_chunk(READ_ONCE(ses->max_read)));
	case SMB3MC_IO_READ_WINDOW:
		return min(len, 4 * io_chunk(READ_ONCE(ses->max_read)));
	case SMB3MC_IO_WRITE_WINDOW:
		return min(len, 4 * io_chunk(READ_ONCE(ses->max_write)));
	case SMB3MC_IO_WRITEBACK:
		break;
	}
	return io_chunk(READ_ONCE(ses->max_write));
}

/*
 * MS-SMB2 lets a server answer a READ or a WRITE having moved fewer bytes
 * than asked (3.3.5.12, 3.3.5.13): the rest is asked for again. A chunk
 * whose answers are cut more often than this fails: its server would have
 * us wait a round trip for every few bytes.
 */
#define SMB3MC_RW_CUTS		32

/* The errno of a finished request, from the transport or the status. */
static int rw_errno(const struct smb3mc_req *req)
{
	return req->rc ? req->rc : smb3mc_req_errno(req);
}

static void rw_read_done(struct smb3mc_req *req);
static void rw_write_done(struct smb3mc_req *req);

/*
 * @rw ended: its owner's @done may free it. The tree may go as soon as
 * its count of chunks drops to zero (smb3mc_tcon_close()): not touched
 * after that.
 */
static void rw_end(struct smb3mc_rw *rw)
{
	struct smb3mc_tcon *tcon = rw->tcon;

	rw->done(rw);
	if (atomic_dec_and_test(&tcon->io_pending))
		wake_up_var(&tcon->io_pending);
}

/*
 * Send the READ or WRITE of what @rw has still to move, at where
 * @rw->iter stands, with @rw->fid, which the request goes with
 * (smb3mc_call_fid()).
 */
static int rw_issue(struct smb3mc_rw *rw, bool write)
{
	u64 offset = rw->offset + rw->result;
	u32 len = min(rw->len - rw->result, rw->max);
	int n;

	/* The iterator covers what this request moves, no more. */
	iov_iter_reexpand(&rw->iter, rw->len - rw->result);
	iov_iter_truncate(&rw->iter, len);
	rw->asked = len;

	n = write ? smb3mc_build_write(rw->hdr, sizeof(rw->hdr), &rw->fid,
				       offset, len, 0) :
		    smb3mc_build_read(rw->hdr, sizeof(rw->hdr), &rw->fid,
				      offset, len, 0, 0);
	if (n < 0)
		return n;
	memset(&rw->req, 0, sizeof(rw->req));
	rw->req.iov[0].iov_base = rw->hdr;
	rw->req.iov[0].iov_len = n;
	rw->req.nr_iov = 1;
	rw->req.fid_gen = rw->fid.gen;
	rw->req.fid_gen_set = true;
	/* MS-SMB2 3.1.5.2: CreditCharge covers the data moved. */
	rw->req.payload = len;
	if (write) {
		/* The data follows the WRITE body, at DataOffset (2.2.21). */
		rw->req.tx_data = &rw->iter;
		rw->req.done_fn = rw_write_done;
	} else {
		rw->req.rx_data = &rw->iter;
		rw->req.rx_shared = rw->shared;
		rw->req.done_fn = rw_read_done;
	}
	smb3mc_ses_submit_io(rw->tcon->ses, rw->tcon, &rw->req);
	return 0;
}

/*
 * The server moved @n bytes of @rw, now counted in @rw->result, short of
 * the chunk: ask for the rest. Return: 0 when that is on its way.
 */
static int rw_rest(struct smb3mc_rw *rw, u32 n, bool write)
{
	if (n < rw->asked && ++rw->cuts > SMB3MC_RW_CUTS)
		return smb3mc_rsp_refuse(rw->tcon->ses,
					 write ? SMB2_WRITE : SMB2_READ,
					 "cut short again and again");
	iov_iter_advance(&rw->iter, n);
	return rw_issue(rw, write);
}

/*
 * Whether a READ's answer of @n bytes, now counted in @rw->result, stopped
 * short of the end of the file: that is where an answer is empty or
 * reaches where the caller knows the file to end, and a reader must not
 * take what lies before it for zeroes. An answer with all that a READ
 * capped by the credits asked for (rw_shrink()) did not stop anywhere.
 */
static bool rw_read_cut(const struct smb3mc_rw *rw, u32 n)
{
	return n && rw->result < rw->len &&
	       (n == rw->asked || rw->offset + rw->result < rw->eof);
}

/*
 * @rw's request is larger than can go (struct smb3mc_req's @fits): the
 * channel it went to has too few credits for it, at least one, and none
 * to come, or a new session's server takes less. Ask for what fits, and
 * for the rest after it, as MS-SMB2 3.2.4.1.5 lets a client. Return: 0
 * when that is on its way.
 */
static int rw_shrink(struct smb3mc_rw *rw, bool write)
{
	rw->max = rw->req.fits;
	return rw_issue(rw, write);
}

/* The first send of @rw, a READ or a WRITE: see smb3mc_read_submit(). */
static int rw_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     struct smb3mc_rw *rw, bool write)
{
	int rc;

	if (!rw->len)
		return -EINVAL;
	rw->tcon = tcon;
	smb3mc_tcon_fid_read(tcon, fid, &rw->fid);
	rw->result = 0;
	rw->rc = 0;
	rw->cuts = 0;
	rw->max = rw->len;
	atomic_inc(&tcon->io_pending);
	rc = rw_issue(rw, write);
	if (rc)
		atomic_dec(&tcon->io_pending);
	return rc;
}

static void rw_read_done(struct smb3mc_req *req)
{
	struct smb3mc_rw *rw = container_of(req, struct smb3mc_rw, req);
	struct smb3mc_ses *ses = rw->tcon->ses;
	struct smb3mc_read_rsp r;
	void *rsp = req->rsp;
	struct iov_iter to;

	req->rsp = NULL;
	/* Before @done: the batch may end with it, and the session go. */
	smb3mc_ses_io_done(ses);
	if (req->rc == -EMSGSIZE) {
		rw->rc = rw_shrink(rw, false);
		if (!rw->rc)
			goto out;
		goto done;
	}
	/* MS-SMB2 3.3.5.12: a READ starting at the end of file fails so. */
	if (!req->rc && req->status == STATUS_END_OF_FILE)
		goto done;
	rw->rc = rw_errno(req);
	if (rw->rc)
		goto done;
	/* The channel received the data into @rw->iter, or left it in @rsp. */
	if (smb3mc_parse_read(rsp, req->rsp_len, req->rsp_len + req->rx_len,
			      &r) ||
	    (r.data_length && !req->rx_len && !r.data)) {
		rw->rc = smb3mc_rsp_refuse(ses, SMB2_READ, "malformed");
		goto done;
	}
	if (r.data_length > rw->asked) {
		rw->rc = smb3mc_rsp_refuse(ses, SMB2_READ,
					   "more data than asked for");
		goto done;
	}
	to = rw->iter;
	if (!req->rx_len &&
	    copy_to_iter(r.data, r.data_length, &to) != r.data_length) {
		rw->rc = -EFAULT;
		goto done;
	}
	rw->result += r.data_length;
	if (rw_read_cut(rw, r.data_length)) {
		rw->rc = rw_rest(rw, r.data_length, false);
		if (!rw->rc)
			goto out;
	}
done:
	rw_end(rw);
out:
	kvfree(rsp);
}

/**
 * smb3mc_read_submit - issue one READ of @rw->len bytes at @rw->offset
 * @tcon: the share
 * @fid: an open handle with read access
 * @rw: the chunk; see struct smb3mc_rw
 *
 * @rw->len is sized by smb3mc_io_size(); where a new session's server
 * takes less, the READ goes in pieces.
 *
 * Return: 0 when the READ is on its way (@rw->done will run, with an
 * errno if it could not be sent), or an errno for a bad @rw (@rw->done
 * will not run).
 */
int smb3mc_read_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_rw *rw)
{
	return rw_submit(tcon, fid, rw, false);
}

static void rw_write_done(struct smb3mc_req *req)
{
	struct smb3mc_rw *rw = container_of(req, struct smb3mc_rw, req);
	struct smb3mc_ses *ses = rw->tcon->ses;
	void *rsp = req->rsp;
	u32 count;

	req->rsp = NULL;
	smb3mc_ses_io_done(ses);
	if (req->rc == -EMSGSIZE) {
		rw->rc = rw_shrink(rw, true);
		if (!rw->rc)
			goto out;
		goto done;
	}
	rw->rc = rw_errno(req);
	if (rw->rc)
		goto done;
	if (smb3mc_parse_write(rsp, req->rsp_len, &count)) {
		rw->rc = smb3mc_rsp_refuse(ses, SMB2_WRITE, "malformed");
		goto done;
	}
	/* A server that claims more than was sent, or nothing, is broken. */
	if (count > rw->asked) {
		rw->rc = smb3mc_rsp_refuse(ses, SMB2_WRITE,
					   "more written than sent");
		goto done;
	}
	if (!count) {
		rw->rc = smb3mc_rsp_refuse(ses, SMB2_WRITE,
					   "nothing written, and no error");
		goto done;
	}
	rw->result += count;
	if (rw->result < rw->len) {
		rw->rc = rw_rest(rw, count, true);
		if (!rw->rc)
			goto out;
	}
done:
	rw_end(rw);
out:
	kvfree(rsp);
}

/**
 * smb3mc_write_submit - issue one WRITE of @rw->len bytes from @rw->iter
 * @tcon: the share
 * @fid: an open handle with write access
 * @rw: the chunk; the pages of @rw->iter stay valid until @rw->done runs
 *
 * @rw->len is sized by smb3mc_io_size(); where a new session's server
 * takes less, the WRITE goes in pieces.
 *
 * Return: as smb3mc_read_submit().
 */
int smb3mc_write_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
			struct smb3mc_rw *rw)
{
	return rw_submit(tcon, fid, rw, true);
}

/* The chunks of one transfer, and who waits for them. */
struct rw_batch {
	atomic_t pending;
	struct completion done;		/* without @done_fn */
	smb3mc_io_done_t done_fn;
	void *private;
	unsigned int sent;
	struct smb3mc_rw rws[];
};

/*
 * How far from the start of the transfer the server moved data: past
 * rw_batch_result() where a chunk failed and a later one did not.
 */
static size_t rw_batch_reach(const struct rw_batch *b)
{
	size_t reach = 0;
	unsigned int i;

	for (i = 0; i < b->sent; i++) {
		const struct smb3mc_rw *rw = &b->rws[i];

		if (rw->result)
			reach = max_t(size_t, reach, rw->offset + rw->result -
					      b->rws[0].offset);
	}
	return reach;
}

/* The bytes moved up to the first short or failed chunk, or its errno. */
static ssize_t rw_batch_result(const struct rw_batch *b)
{
	ssize_t total = 0;
	unsigned int i;

	for (i = 0; i < b->sent; i++) {
		const struct smb3mc_rw *rw = &b->rws[i];

		if (rw->rc)
			return total ? total : rw->rc;
		total += rw->result;
		if (rw->result < rw->len)
			break;
	}
	return total;
}

static void rw_batch_put(struct rw_batch *b)
{
	if (!atomic_dec_and_test(&b->pending))
		return;
	if (!b->done_fn) {
		complete(&b->done);
		return;
	}
	b->done_fn(b->private, rw_batch_result(b), rw_batch_reach(b));
	kvfree(b);
}

static void rw_batch_done(struct smb3mc_rw *rw)
{
	rw_batch_put(rw->private);
}

/**
 * smb3mc_rw_iter - READ into or WRITE from @iter at @offset
 * @tcon: the share
 * @fid: an open handle with the access the transfer needs
 * @iter: a kvec or bvec iterator over the data, left unchanged; the
 *	chunks of all of it are in flight at once, so callers bound it
 * @offset: file offset
 * @eof: READ: where the caller knows the file to end (struct smb3mc_rw)
 * @how: SMB3MC_RW_* flags
 * @done_fn: NULL to wait; else called once when every chunk ended, with
 *	what this function would have returned and how far from @offset
 *	the server moved data (past the bytes returned where a piece failed
 *	before one that did not), where the channel ends requests (it must
 *	not sleep) or from here
 * @private: for @done_fn
 *
 * The transfer is cut so that every channel carries a piece, even of one
 * request, in fewer and larger pieces the more the session already has
 * in flight, unless it signs (smb3mc_ses_stripe_busy()); each piece picks
 * its channel when it is issued.
 *
 * Return: bytes moved (fewer at the end of the file; up to the first
 * failed piece), or an errno when none were; -EIOCBQUEUED when @done_fn
 * will tell.
 */
ssize_t smb3mc_rw_iter(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       const struct iov_iter *iter, u64 offset, u64 eof,
		       unsigned int how, smb3mc_io_done_t done_fn,
		       void *private)
{
	bool write = how & SMB3MC_RW_WRITE;
	struct smb3mc_ses *ses = tcon->ses;
	size_t len = iov_iter_count(iter), max, pos;
	struct rw_batch *b;
	unsigned int n;
	ssize_t ret;
	int rc;

	if (!len)
		return 0;
	max = io_stripe(ses, len, write ? READ_ONCE(ses->max_write) :
				      READ_ONCE(ses->max_read));
	n = DIV_ROUND_UP(len, max);
	b = kvzalloc(struct_size(b, rws, n), GFP_NOFS);
	if (!b)
		return -ENOMEM;
	/* One count for ourselves, so the batch ends after the last submit. */
	atomic_set(&b->pending, 1);
	init_completion(&b->done);
	b->done_fn = done_fn;
	b->private = private;
	for (pos = 0; b->sent < n; pos += max) {
		struct smb3mc_rw *rw = &b->rws[b->sent++];

		rw->offset = offset + pos;
		rw->len = min(max, len - pos);
		rw->iter = *iter;
		iov_iter_advance(&rw->iter, pos);
		iov_iter_truncate(&rw->iter, rw->len);
		rw->eof = eof;
		rw->shared = how & SMB3MC_RW_SHARED;
		rw->done = rw_batch_done;
		rw->private = b;
		atomic_inc(&b->pending);
		rc = write ? smb3mc_write_submit(tcon, fid, rw) :
			     smb3mc_read_submit(tcon, fid, rw);
		if (rc) {
			atomic_dec(&b->pending);
			rw->rc = rc;
			break;
		}
	}
	if (done_fn) {
		rw_batch_put(b);
		return -EIOCBQUEUED;
	}
	/* The channel ends every request it sent, at the latest by timeout. */
	if (!atomic_dec_and_test(&b->pending))
		wait_for_completion(&b->done);
	ret = rw_batch_result(b);
	kvfree(b);
	return ret;
}

/*
 * A READ into a buffer of its own, which the caller may leave (killed)
 * before it ended: the last of the caller and the READ frees it.
 */
struct pread_ctx {
	refcount_t refs;
	struct completion done;
	struct work_struct work;	/* the free, out of the receive thread */
	ssize_t result;
	void *buf;
	struct kvec kv;			/* @buf, which the READs' iterator names */
};

static void pread_free(struct pread_ctx *c)
{
	kvfree(c->buf);
	kfree(c);
}

static void pread_free_work(struct work_struct *work)
{
	pread_free(container_of(work, struct pread_ctx, work));
}

static void pread_done(void *private, ssize_t result, size_t reach)
{
	struct pread_ctx *c = private;

	c->result = result;
	complete(&c->done);
	if (refcount_dec_and_test(&c->refs)) {
		INIT_WORK(&c->work, pread_free_work);
		smb3mc_io_defer(&c->work);
	}
}

/**
 * smb3mc_pread - read up to @len bytes at @offset into @buf
 * @tcon: the share
 * @fid: an open handle with read access
 * @buf: kernel buffer
 * @len: bytes wanted, bounded as for smb3mc_rw_iter()
 * @offset: file offset
 * @eof: where the caller knows the file to end (struct smb3mc_rw)
 *
 * Waits for the answers killably (a server may be gone for long, see
 * dispatch.c): the READs go into a buffer of their own, copied to @buf
 * once they ended.
 *
 * Return: bytes read (fewer at the end of the file, 0 past it) or an
 * errno; -EINTR when killed.
 */
ssize_t smb3mc_pread(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     void *buf, size_t len, u64 offset, u64 eof)
{
	struct iov_iter iter;
	struct pread_ctx *c;
	ssize_t n;

	c = kmalloc(sizeof(*c), GFP_NOFS);
	if (!c)
		return -ENOMEM;
	c->buf = kvmalloc(len, GFP_NOFS);
	if (!c->buf) {
		kfree(c);
		return -ENOMEM;
	}
	refcount_set(&c->refs, 2);
	init_completion(&c->done);
	c->kv.iov_base = c->buf;
	c->kv.iov_len = len;
	iov_iter_kvec(&iter, ITER_DEST, &c->kv, 1, len);
	n = smb3mc_rw_iter(tcon, fid, &iter, offset, eof, 0, pread_done, c);
	if (n != -EIOCBQUEUED) {
		/* Nothing was sent: pread_done() will not run. */
		pread_free(c);
		return n;
	}
	if (wait_for_completion_killable(&c->done)) {
		n = -EINTR;
	} else {
		n = c->result;
		if (n > 0)
			memcpy(buf, c->buf, n);
	}
	if (refcount_dec_and_test(&c->refs))
		pread_free(c);
	return n;
}

/**
 * smb3mc_flush - FLUSH: have the server write the file to stable storage
 * @tcon: the share
 * @fid: an open handle with write access (MS-SMB2 3.3.5.11)
 */
int smb3mc_flush(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid)
{
	struct smb3mc_call *call = smb3mc_call_alloc(SMB3MC_FLUSH_REQ);
	int rc;

	if (!call)
		return -ENOMEM;
	rc = smb3mc_call_send(tcon->ses, tcon, call,
			      smb3mc_build_flush(call->buf, SMB3MC_FLUSH_REQ,
						 smb3mc_call_fid(call, tcon,
								 fid)), 0);
	if (!rc && smb3mc_parse_flush(call->req.rsp, call->req.rsp_len))
		rc = smb3mc_rsp_refuse(tcon->ses, SMB2_FLUSH, "malformed");
	smb3mc_call_free(call);
	return rc;
}

/**
 * smb3mc_io_defer - run @work after a READ or WRITE ended, out of the
 *	channel's context
 * @work: module code, such as what frees the request's owner
 *
 * Not on a system workqueue: a request may end as the last mount goes,
 * and the module is unloaded only once smb3mc_io_exit() drained these.
 */
void smb3mc_io_defer(struct work_struct *work)
{
	queue_work(smb3mc_io_wq, work);
}

/**
 * smb3mc_io_init - set up the workqueue of smb3mc_io_defer(), at load
 */
int smb3mc_io_init(void)
{
	smb3mc_io_wq = alloc_workqueue("smb3mc_io", WQ_UNBOUND, 0);
	return smb3mc_io_wq ? 0 : -ENOMEM;
}

/**
 * smb3mc_io_exit - wait for what smb3mc_io_defer() queued, at unload
 */
void smb3mc_io_exit(void)
{
	destroy_workqueue(smb3mc_io_wq);
}
