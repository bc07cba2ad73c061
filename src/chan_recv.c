// SPDX-License-Identifier: GPL-2.0
/*
 * The receive side of a channel: the receive thread reads Direct TCP
 * frames (MS-SMB2 2.1), takes in the credits every response grants
 * (MS-SMB2 3.2.5.1.4), receives READ data straight into the reader's pages
 * and hands each response to its request by MessageId. This is also where
 * requests end, whoever ends them, and where a lost connection fails what
 * is outstanding. Sending, credit spending and waiting are in chan.c, which
 * calls down into this file and never the other way.
 */

#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "chan.h"
#include "chan_recv.h"
#include "nterr.h"
#include "pdu_hdr.h"

/*
 * The one place a submitted request ends: exactly once, by the second of
 * its sender and whoever took it out of the MessageId table (chan.c).
 */
void smb3mc_chan_finish(struct smb3mc_chan *chan, struct smb3mc_req *req,
			int rc)
{
	if (rc)
		req->rc = rc;
	if (!atomic_dec_and_test(&req->ends))
		return;
	atomic64_sub(req->payload, &chan->stats.in_flight_bytes);
	atomic_dec(&chan->stats.in_flight);
	atomic64_inc(&chan->stats.requests);
	if (req->done_fn)
		req->done_fn(req);
	else
		complete(&req->done);
}

void smb3mc_chan_fail_all(struct smb3mc_chan *chan, int rc)
{
	struct smb3mc_req *req;
	unsigned long mid;

	xa_for_each(&chan->mids, mid, req) {
		if (xa_erase(&chan->mids, mid) == req)
			smb3mc_chan_finish(chan, req, rc);
	}
}

static void chan_mark_dead(struct smb3mc_chan *chan)
{
	bool was_good;

	spin_lock(&chan->credit_lock);
	was_good = chan->state == SMB3MC_CHAN_GOOD;
	WRITE_ONCE(chan->state, SMB3MC_CHAN_DEAD);
	spin_unlock(&chan->credit_lock);
	/* Pairs with the barrier in chan_submit() (chan.c). */
	smp_mb();
	wake_up_all(&chan->credit_wait);
	/*
	 * The owner learns of the loss before the requests fail, so that
	 * whatever it sends them again with already reflects it.
	 */
	if (was_good && chan->on_dead)
		chan->on_dead(chan);
	smb3mc_chan_fail_all(chan, -ECONNABORTED);
}

void smb3mc_chan_add_credits(struct smb3mc_chan *chan, unsigned int n)
{
	if (!n)
		return;
	spin_lock(&chan->credit_lock);
	/* A server may not grant past 65535 outstanding; cap defensively. */
	chan->credits = min(chan->credits + n, 65535U);
	spin_unlock(&chan->credit_lock);
	wake_up_all(&chan->credit_wait);
}

static int chan_recv_exact(struct smb3mc_chan *chan, void *buf, size_t len)
{
	struct msghdr msg = {};
	struct kvec iov;
	int rc;

	while (len) {
		iov.iov_base = buf;
		iov.iov_len = len;
		rc = kernel_recvmsg(chan->sock, &msg, &iov, 1, len,
				    MSG_WAITALL);
		if (rc <= 0)
			return rc ? rc : -ECONNRESET;
		buf += rc;
		len -= rc;
	}
	return 0;
}

/*
 * Every well-formed message grants credits; all but interim responses show
 * the connection alive: those are unsigned and may come for ever, so they
 * must not keep the ECHO probe from finding a dead server.
 */
static void chan_heard(struct smb3mc_chan *chan, const struct smb2_hdr *hdr,
		       bool alive)
{
	WRITE_ONCE(chan->last_frame_ns, ktime_get_ns());
	if (alive)
		WRITE_ONCE(chan->last_rx, jiffies);
	smb3mc_chan_add_credits(chan, le16_to_cpu(hdr->credit_req_rsp));
}

/*
 * End @req with its response: @rsp (@len bytes, the request's owner frees
 * it) and the @req->rx_len bytes already received into @req->rx_data.
 */
static void chan_complete(struct smb3mc_chan *chan, struct smb3mc_req *req,
			  void *rsp, size_t len, bool sealed)
{
	struct smb2_hdr *hdr = rsp;
	struct iov_iter data;
	u64 rtt, now;

	req->rc = 0;
	/*
	 * MS-SMB2 3.3.4.1.4: the response to an encrypted request comes
	 * encrypted. One that decrypted needs no signature (3.2.5.1.3).
	 */
	if (req->seal && !sealed) {
		pr_warn_ratelimited("smb3mc: %s: unencrypted response to encrypted command %s, refused\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)));
		req->rc = -EACCES;
	} else if (!sealed && req->sign && !req->skip_verify) {
		struct kvec iov = { .iov_base = rsp, .iov_len = len };

		if (req->rx_len) {
			data = *req->rx_data;
			iov_iter_truncate(&data, req->rx_len);
		}
		if (!(hdr->flags & SMB2_FLAGS_SIGNED) ||
		    smb3mc_verify_data(&chan->signer, &iov, 1,
				       req->rx_len ? &data : NULL)) {
			pr_warn_ratelimited("smb3mc: %s: response to command %u has a missing or bad signature\n",
					    chan->name, le16_to_cpu(hdr->command));
			req->rc = -EACCES;
		}
	}
	req->rsp = rsp;
	req->rsp_len = len;
	req->status = hdr->status;
	atomic64_add(len + req->rx_len, &chan->stats.bytes_received);
	now = ktime_get_ns();
	if (smb3mc_times_link(le16_to_cpu(hdr->command),
			      req->rx_data || req->tx_data)) {
		rtt = div_u64(now - req->sent_ns, NSEC_PER_USEC);
		WRITE_ONCE(chan->stats.last_rtt_us, rtt);
		if (!chan->stats.min_rtt_us || rtt < chan->stats.min_rtt_us)
			WRITE_ONCE(chan->stats.min_rtt_us, rtt);
	}
	/* Only the receive thread writes the rate. */
	smb3mc_rate_update(&chan->stats.rate, req->payload, req->sent_ns, now);
	smb3mc_chan_finish(chan, req, 0);
}

/*
 * Hand one received message to its request; @sealed when it came
 * encrypted. Returns 0 or -EIO to drop.
 */
static int chan_dispatch(struct smb3mc_chan *chan, void *buf, size_t len,
			 bool sealed)
{
	const char *why = "which is not outstanding";
	struct smb2_hdr *hdr = buf;
	struct smb3mc_req *req;
	u64 mid;

	if (smb3mc_hdr_check(buf, len)) {
		pr_warn_ratelimited("smb3mc: %s: malformed response header, dropping the connection\n",
				    chan->name);
		return -EIO;
	}
	mid = le64_to_cpu(hdr->message_id);

	/*
	 * MS-SMB2 3.2.5.1.5: an interim response; the final one follows. It
	 * extends the wait of an outstanding request, within bounds (chan.c).
	 */
	if (hdr->status == STATUS_PENDING &&
	    (hdr->flags & SMB2_FLAGS_ASYNC_COMMAND)) {
		chan_heard(chan, hdr, false);
		xa_lock(&chan->mids);
		req = xa_load(&chan->mids, mid);
		/* 3.3.4.1.4: as encrypted as the final one must be */
		if (req && req->seal && !sealed) {
			req = NULL;
			why = "unencrypted, to an encrypted request";
		}
		if (req) {
			req->async_id = le64_to_cpu(hdr->id.async_id);
			WRITE_ONCE(req->interim, true);
		}
		xa_unlock(&chan->mids);
		if (!req)
			pr_warn_ratelimited("smb3mc: %s: interim response for MessageId %llu, %s, ignored\n",
					    chan->name, mid, why);
		kvfree(buf);
		return 0;
	}
	chan_heard(chan, hdr, true);

	req = xa_erase(&chan->mids, mid);
	if (!req) {
		/*
		 * Its waiter gave up, or the server answered twice, or with
		 * a MessageId never sent. We ask for no oplock or lease, so
		 * a break (MessageId all ones, MS-SMB2 3.2.5.19) is as odd.
		 */
		pr_warn_ratelimited("smb3mc: %s: %s response for MessageId %llu, which is not outstanding, ignored\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)),
				    mid);
		kvfree(buf);
		return 0;
	}
	chan_complete(chan, req, buf, len, sealed);
	return 0;
}

static int chan_recv_iter(struct smb3mc_chan *chan, struct iov_iter *iter)
{
	struct msghdr msg = { .msg_iter = *iter };
	int rc;

	while (msg_data_left(&msg)) {
		rc = sock_recvmsg(chan->sock, &msg, MSG_WAITALL);
		if (rc <= 0)
			return rc ? rc : -ECONNRESET;
	}
	return 0;
}

/*
 * A READ response whose request has room for its data: receive the data
 * straight into @req->rx_data, with no copy through a buffer, unless that is
 * memory others see and the data is yet to be verified. @chan->rx_head
 * holds the first bytes of the message of @len bytes. Returns 1 when the
 * message is not such a response (the caller receives it whole), 0 when it
 * was received and its request ended, or an errno that drops the
 * connection (the request then ended as lost with it).
 *
 * The request is ours from the moment it leaves the MessageId table, so
 * its pages stay valid while the data arrives: a waiter that times out
 * meanwhile waits for us, and a server that stops mid-message is caught
 * by the ECHO that then goes unanswered, which drops the connection.
 */
static int chan_receive_data(struct smb3mc_chan *chan, size_t len)
{
	const struct smb2_hdr *hdr = (const void *)chan->rx_head;
	struct smb3mc_req *req;
	struct iov_iter data;
	u32 off, dlen;
	void *rsp;
	int rc;

	dlen = smb3mc_read_rsp_data(chan->rx_head, len, &off);
	if (!dlen)
		return 1;
	xa_lock(&chan->mids);
	req = xa_load(&chan->mids, le64_to_cpu(hdr->message_id));
	/* More than asked for is the READ parser's to refuse. */
	if (req && req->rx_data && !req->seal &&
	    !(req->sign && req->rx_shared) &&
	    iov_iter_count(req->rx_data) >= dlen)
		__xa_erase(&chan->mids, req->mid);
	else
		req = NULL;
	xa_unlock(&chan->mids);
	if (!req)
		return 1;

	/* DataOffset is one byte (MS-SMB2 2.2.20): the rest is small. */
	rsp = kmalloc(off, GFP_KERNEL);
	if (!rsp) {
		rc = -ENOMEM;
		goto fail;
	}
	memcpy(rsp, chan->rx_head, SMB3MC_RX_HEAD);
	rc = chan_recv_exact(chan, rsp + SMB3MC_RX_HEAD, off - SMB3MC_RX_HEAD);
	if (rc)
		goto fail;
	data = *req->rx_data;
	iov_iter_truncate(&data, dlen);
	rc = chan_recv_iter(chan, &data);
	if (rc)
		goto fail;
	chan_heard(chan, rsp, true);
	req->rx_len = dlen;
	chan_complete(chan, req, rsp, off, false);
	return 0;
fail:
	kfree(rsp);
	/* Lost with the connection: the session sends it again elsewhere. */
	smb3mc_chan_finish(chan, req, -ECONNABORTED);
	return rc;
}

/*
 * A transform message (MS-SMB2 2.2.41) of @len bytes, whose first bytes
 * are in @chan->rx_head: checked, received whole and decrypted in place
 * (3.2.5.1.1.1), then handled as any other message. Returns 0, or an
 * errno that drops the connection, as 3.2.5.1.1.1 asks for a malformed
 * transform header or a failed tag.
 */
static int chan_receive_sealed(struct smb3mc_chan *chan, size_t len,
			       size_t head)
{
	const size_t th = sizeof(struct smb2_transform_hdr);
	struct smb3mc_seal *seal;
	struct kvec iov[2];
	const char *why;
	ssize_t n;
	void *buf;
	int rc;

	/* Pairs with the release in ses_setup.c: its ciphers are keyed. */
	seal = smp_load_acquire(&chan->seal);
	if (!seal) {
		pr_warn_ratelimited("smb3mc: %s: encrypted message before any key, dropping the connection\n",
				    chan->name);
		return -EIO;
	}
	if (smb3mc_transform_check(chan->rx_head, len, seal->session_id,
				   &why)) {
		pr_warn_ratelimited("smb3mc: %s: malformed transform header: %s, dropping the connection\n",
				    chan->name, why);
		return -EIO;
	}
	/* The plaintext lands at the start of @buf, which its request frees. */
	buf = kvmalloc(len - th, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, chan->rx_head + th, head - th);
	rc = chan_recv_exact(chan, buf + head - th, len - head);
	if (rc)
		goto out;
	iov[0].iov_base = chan->rx_head;
	iov[0].iov_len = th;
	iov[1].iov_base = buf;
	iov[1].iov_len = len - th;
	n = smb3mc_decrypt(&seal->dec, iov, 2);
	/*
	 * 3.2.5.1.1.1: a failed tag disconnects. The MessageId is inside,
	 * so which request it answered is not known: the connection's
	 * requests all go out again on another, or fail.
	 */
	if (n == -EACCES) {
		pr_warn_ratelimited("smb3mc: %s: encrypted response does not decrypt, dropping the connection\n",
				    chan->name);
		rc = -EIO;
		goto out;
	}
	if (n < 0) {
		rc = n;
		goto out;
	}
	rc = chan_dispatch(chan, buf, n, true);
	if (!rc)
		return 0;
out:
	kvfree(buf);
	return rc;
}

static int chan_receive_one(struct smb3mc_chan *chan)
{
	const size_t th = sizeof(struct smb2_transform_hdr);
	size_t len, head;
	__be32 frame;
	void *buf;
	int rc;

	rc = chan_recv_exact(chan, &frame, sizeof(frame));
	if (rc)
		return rc;
	/*
	 * MS-SMB2 2.1: a zero byte, then a 24-bit length. An encrypted
	 * response has a transform header more (2.2.41).
	 */
	len = be32_to_cpu(frame);
	if (len > chan->max_rsp + th || len < sizeof(struct smb2_hdr))
		goto bad_len;
	head = min_t(size_t, len, SMB3MC_RX_HEAD);
	rc = chan_recv_exact(chan, chan->rx_head, head);
	if (rc)
		return rc;
	/* Decrypted before anything in it is looked at */
	if (((struct smb2_transform_hdr *)chan->rx_head)->protocol_id ==
	    SMB2_TRANSFORM_PROTO_NUM)
		return chan_receive_sealed(chan, len, head);
	if (len > chan->max_rsp)
		goto bad_len;
	if (head == SMB3MC_RX_HEAD) {
		rc = chan_receive_data(chan, len);
		if (rc <= 0)
			return rc;
	}

	buf = kvmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, chan->rx_head, head);
	rc = chan_recv_exact(chan, buf + head, len - head);
	if (!rc)
		rc = chan_dispatch(chan, buf, len, false);
	if (rc)
		kvfree(buf);
	return rc;

bad_len:
	pr_warn_ratelimited("smb3mc: %s: response of %zu bytes is out of bounds, dropping the connection\n",
			    chan->name, len);
	return -EIO;
}

int smb3mc_chan_receive_thread(void *data)
{
	struct smb3mc_chan *chan = data;
	int rc;

	/*
	 * Reclaim must not write back through this file system: its writes
	 * wait for this very thread.
	 */
	memalloc_nofs_save();
	do {
		rc = chan_receive_one(chan);
	} while (!rc && !kthread_should_stop());

	if (!kthread_should_stop())
		pr_warn("smb3mc: %s: connection lost (%d)\n", chan->name, rc);
	chan_mark_dead(chan);

	/* Stay until smb3mc_chan_shutdown() reaps us. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}
