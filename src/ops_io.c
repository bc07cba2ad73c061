// SPDX-License-Identifier: GPL-2.0
/*
 * READ, WRITE and FLUSH on an open handle (MS-SMB2 3.2.4.6 - 3.2.4.8).
 *
 * Every chunk is sent asynchronously and chooses its channel when it is
 * issued, so several chunks of one transfer are in flight at once, and
 * spread over every channel once the session has more than one. The data
 * is copied between the caller's buffer and the PDUs; sending pages and
 * receiving straight into them is a later step of the transport.
 */

#include <linux/completion.h>
#include <linux/slab.h>

#include "chan_pick.h"
#include "nterr.h"
#include "ops_io.h"

/* Room for a FLUSH request. */
#define SMB3MC_FLUSH_REQ	128

static struct smb3mc_chan *rw_prepare(struct smb3mc_tcon *tcon,
				      struct smb3mc_rw *rw, int len)
{
	memset(&rw->req, 0, sizeof(rw->req));
	rw->req.iov[0].iov_base = rw->hdr;
	rw->req.iov[0].iov_len = len;
	rw->req.nr_iov = 1;
	/* MS-SMB2 3.1.5.2: CreditCharge covers the data moved. */
	rw->req.payload = rw->len;
	rw->result = 0;
	rw->rc = 0;
	return smb3mc_chan_pick(tcon->ses, rw->len);
}

/* The errno of a finished request, from the transport or the status. */
static int rw_errno(const struct smb3mc_req *req)
{
	return req->rc ? req->rc : smb3mc_req_errno(req);
}

static void rw_read_done(struct smb3mc_req *req)
{
	struct smb3mc_rw *rw = container_of(req, struct smb3mc_rw, req);
	struct smb3mc_read_rsp r;
	void *rsp = req->rsp;

	req->rsp = NULL;
	rw->data = NULL;
	/* MS-SMB2 3.3.5.12: a READ starting at the end of file fails so. */
	if (!req->rc && req->status == STATUS_END_OF_FILE)
		goto done;
	rw->rc = rw_errno(req);
	if (rw->rc)
		goto done;
	if (smb3mc_parse_read(rsp, req->rsp_len, req->rsp_len, &r) ||
	    r.data_length > rw->len || (r.data_length && !r.data)) {
		rw->rc = -EIO;
		goto done;
	}
	rw->data = r.data;
	rw->result = r.data_length;
done:
	rw->done(rw);
	kvfree(rsp);
}

/**
 * smb3mc_read_submit - issue one READ of @rw->len bytes at @rw->offset
 * @tcon: the share
 * @fid: an open handle with read access
 * @rw: the chunk; see struct smb3mc_rw
 *
 * @rw->len must not exceed the session's max_read.
 *
 * Return: 0 when the READ was sent (@rw->done will run), or an errno when
 * nothing was sent (@rw->done will not run).
 */
int smb3mc_read_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_rw *rw)
{
	struct smb3mc_chan *chan;
	int len;

	if (!rw->len || rw->len > tcon->ses->max_read)
		return -EINVAL;
	len = smb3mc_build_read(rw->hdr, sizeof(rw->hdr), fid, rw->offset,
				rw->len, 0, 0);
	if (len < 0)
		return len;
	chan = rw_prepare(tcon, rw, len);
	if (!chan)
		return -EHOSTDOWN;
	rw->req.done_fn = rw_read_done;
	return smb3mc_ses_submit(tcon->ses, chan, tcon->tid, &rw->req);
}

static void rw_write_done(struct smb3mc_req *req)
{
	struct smb3mc_rw *rw = container_of(req, struct smb3mc_rw, req);
	void *rsp = req->rsp;
	u32 count;

	req->rsp = NULL;
	rw->rc = rw_errno(req);
	if (!rw->rc) {
		/* A server that claims more than was sent is broken. */
		if (smb3mc_parse_write(rsp, req->rsp_len, &count) ||
		    count > rw->len)
			rw->rc = -EIO;
		else
			rw->result = count;
	}
	rw->done(rw);
	kvfree(rsp);
}

/**
 * smb3mc_write_submit - issue one WRITE of @rw->len bytes from @rw->data
 * @tcon: the share
 * @fid: an open handle with write access
 * @rw: the chunk; @rw->data stays valid until @rw->done runs
 *
 * @rw->len must not exceed the session's max_write.
 *
 * Return: as smb3mc_read_submit().
 */
int smb3mc_write_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
			struct smb3mc_rw *rw)
{
	struct smb3mc_chan *chan;
	int len;

	if (!rw->len || rw->len > tcon->ses->max_write)
		return -EINVAL;
	len = smb3mc_build_write(rw->hdr, sizeof(rw->hdr), fid, rw->offset,
				 rw->len, 0);
	if (len < 0)
		return len;
	chan = rw_prepare(tcon, rw, len);
	if (!chan)
		return -EHOSTDOWN;
	/* The data follows the WRITE body, at DataOffset (MS-SMB2 2.2.21). */
	rw->req.iov[1].iov_base = (void *)rw->data;
	rw->req.iov[1].iov_len = rw->len;
	rw->req.nr_iov = 2;
	rw->req.done_fn = rw_write_done;
	return smb3mc_ses_submit(tcon->ses, chan, tcon->tid, &rw->req);
}

/* The chunks of one synchronous transfer and their waiter. */
struct rw_batch {
	u8 *buf;
	u64 offset;
	bool write;
	atomic_t pending;
	struct completion done;
};

static void rw_batch_done(struct smb3mc_rw *rw)
{
	struct rw_batch *b = rw->private;

	if (!b->write && rw->result)
		memcpy(b->buf + (rw->offset - b->offset), rw->data, rw->result);
	if (atomic_dec_and_test(&b->pending))
		complete(&b->done);
}

/*
 * Cut [@offset, @offset + @len) into chunks, one per channel at least,
 * issue them all, wait for all and return the bytes moved up to the first
 * short or failed chunk.
 */
static ssize_t rw_sync(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       void *buf, size_t len, u64 offset, bool write)
{
	struct smb3mc_ses *ses = tcon->ses;
	/* Even one request is cut so that every channel carries a piece. */
	size_t max = smb3mc_stripe_size(len, READ_ONCE(ses->nr_chans),
					write ? ses->max_write :
						ses->max_read);
	unsigned int i, n, sent;
	struct smb3mc_rw *rws;
	struct rw_batch b;
	ssize_t total = 0;
	int rc = 0;

	if (!len)
		return 0;
	n = DIV_ROUND_UP(len, max);
	rws = kvcalloc(n, sizeof(*rws), GFP_NOFS);
	if (!rws)
		return -ENOMEM;
	b.buf = buf;
	b.offset = offset;
	b.write = write;
	/* One count for ourselves, so the batch ends after the last submit. */
	atomic_set(&b.pending, 1);
	init_completion(&b.done);
	for (sent = 0; sent < n; sent++) {
		struct smb3mc_rw *rw = &rws[sent];
		size_t pos = (size_t)sent * max;

		rw->offset = offset + pos;
		rw->len = min(max, len - pos);
		rw->data = b.buf + pos;
		rw->done = rw_batch_done;
		rw->private = &b;
		atomic_inc(&b.pending);
		rc = write ? smb3mc_write_submit(tcon, fid, rw) :
			     smb3mc_read_submit(tcon, fid, rw);
		if (rc) {
			atomic_dec(&b.pending);
			rw->rc = rc;
			sent++;
			break;
		}
	}
	/* The channel ends every request it sent, at the latest by timeout. */
	if (!atomic_dec_and_test(&b.pending))
		wait_for_completion(&b.done);

	rc = 0;
	for (i = 0; i < sent; i++) {
		if (rws[i].rc) {
			rc = rws[i].rc;
			break;
		}
		total += rws[i].result;
		if (rws[i].result < rws[i].len)
			break;
	}
	kvfree(rws);
	return total ? total : rc;
}

/**
 * smb3mc_pread - read up to @len bytes at @offset into @buf
 * @tcon: the share
 * @fid: an open handle with read access
 * @buf: kernel buffer
 * @len: bytes wanted; the chunks of all of it are in flight at once, so
 *	callers bound it
 * @offset: file offset
 *
 * Return: bytes read (fewer at the end of the file, 0 past it) or an errno.
 */
ssize_t smb3mc_pread(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     void *buf, size_t len, u64 offset)
{
	return rw_sync(tcon, fid, buf, len, offset, false);
}

/**
 * smb3mc_pwrite - write @len bytes from @buf at @offset
 * @tcon: the share
 * @fid: an open handle with write access
 * @buf: kernel buffer
 * @len: bytes to write; bounded by the caller as for smb3mc_pread()
 * @offset: file offset
 *
 * Return: bytes written, or an errno when nothing was.
 */
ssize_t smb3mc_pwrite(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		      const void *buf, size_t len, u64 offset)
{
	return rw_sync(tcon, fid, (void *)buf, len, offset, true);
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
	rc = smb3mc_call_send(tcon->ses, tcon->tid, call,
			      smb3mc_build_flush(call->buf, SMB3MC_FLUSH_REQ,
						 fid), 0);
	if (!rc)
		rc = smb3mc_parse_flush(call->req.rsp, call->req.rsp_len);
	smb3mc_call_free(call);
	return rc;
}
