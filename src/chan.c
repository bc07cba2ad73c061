// SPDX-License-Identifier: GPL-2.0
/*
 * Channel transport: one TCP connection with Direct TCP framing
 * (MS-SMB2 2.1), a receive thread that matches responses to requests by
 * MessageId, and credit accounting (MS-SMB2 3.2.4.1.2, 3.2.5.1.4).
 *
 * Ownership of an outstanding request is decided by whoever erases it from
 * the MessageId table first: the receive thread (it then completes the
 * request) or the waiter giving up (it then returns an error). So a late
 * response never touches a request its caller has already forgotten.
 */

#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "chan.h"
#include "nterr.h"
#include "pdu_hdr.h"

#define SMB3MC_CONNECT_TIMEOUT	(10 * HZ)
#define SMB3MC_CREDIT_TARGET	512
#define SMB3MC_CREDIT_STEP	64

/*
 * The one place a submitted request ends: exactly once, by whoever took it
 * out of the MessageId table.
 */
static void chan_finish(struct smb3mc_chan *chan, struct smb3mc_req *req,
			int rc)
{
	if (rc)
		req->rc = rc;
	atomic64_sub(req->payload, &chan->stats.in_flight_bytes);
	atomic_dec(&chan->stats.in_flight);
	atomic64_inc(&chan->stats.requests);
	if (req->done_fn)
		req->done_fn(req);
	else
		complete(&req->done);
}

static void chan_fail_all(struct smb3mc_chan *chan, int rc)
{
	struct smb3mc_req *req;
	unsigned long mid;

	xa_for_each(&chan->mids, mid, req) {
		if (xa_erase(&chan->mids, mid) == req)
			chan_finish(chan, req, rc);
	}
}

static void chan_mark_dead(struct smb3mc_chan *chan)
{
	bool was_good;

	spin_lock(&chan->credit_lock);
	was_good = chan->state == SMB3MC_CHAN_GOOD;
	WRITE_ONCE(chan->state, SMB3MC_CHAN_DEAD);
	spin_unlock(&chan->credit_lock);
	/* Pairs with the barrier in chan_submit(). */
	smp_mb();
	wake_up_all(&chan->credit_wait);
	/*
	 * The owner learns of the loss before the requests fail, so that
	 * whatever it sends them again with already reflects it.
	 */
	if (was_good && chan->on_dead)
		chan->on_dead(chan);
	chan_fail_all(chan, -ECONNABORTED);
}

/*
 * Asynchronous requests have no waiter to notice a missing answer: scan
 * for them once a second. A server that said STATUS_PENDING gets another
 * period, as a waiter would give it.
 */
static void chan_timeout_work(struct work_struct *work)
{
	struct smb3mc_chan *chan = container_of(to_delayed_work(work),
						struct smb3mc_chan,
						timeout_work);
	struct smb3mc_req *req, *next;
	LIST_HEAD(expired);
	unsigned long mid;

	/* Under the lock no entry can end and be freed while we look. */
	xa_lock(&chan->mids);
	xa_for_each(&chan->mids, mid, req) {
		if (!req->done_fn || time_before(jiffies, req->deadline))
			continue;
		if (xchg(&req->interim, false)) {
			req->deadline = jiffies + chan->timeout;
			continue;
		}
		__xa_erase(&chan->mids, mid);
		list_add_tail(&req->expired, &expired);
	}
	xa_unlock(&chan->mids);

	list_for_each_entry_safe(req, next, &expired, expired) {
		pr_warn_ratelimited("smb3mc: %s: no response to command %u within %u s\n",
				    chan->name, smb3mc_req_command(req),
				    jiffies_to_msecs(chan->timeout) / 1000);
		chan_finish(chan, req, -ETIMEDOUT);
	}
	if (READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD)
		queue_delayed_work(system_long_wq, &chan->timeout_work, HZ);
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

static void chan_add_credits(struct smb3mc_chan *chan, unsigned int n)
{
	if (!n)
		return;
	spin_lock(&chan->credit_lock);
	/* A server may not grant past 65535 outstanding; cap defensively. */
	chan->credits = min(chan->credits + n, 65535U);
	spin_unlock(&chan->credit_lock);
	wake_up_all(&chan->credit_wait);
}

/* Send buffer of a channel's socket, see smb3mc_chan_connect(). */
#define SMB3MC_SNDBUF		(4 * 1024 * 1024)

/* Every well-formed message shows the connection alive and grants credits. */
static void chan_heard(struct smb3mc_chan *chan, const struct smb2_hdr *hdr)
{
	WRITE_ONCE(chan->last_rx, jiffies);
	chan_add_credits(chan, le16_to_cpu(hdr->credit_req_rsp));
}

/*
 * End @req with its response: @rsp (@len bytes, the request's owner frees
 * it) and the @req->rx_len bytes already received into @req->rx_data.
 */
static void chan_complete(struct smb3mc_chan *chan, struct smb3mc_req *req,
			  void *rsp, size_t len)
{
	struct smb2_hdr *hdr = rsp;
	struct iov_iter data;
	u64 rtt, now;

	req->rc = 0;
	if (req->sign && !req->skip_verify) {
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
	chan_finish(chan, req, 0);
}

/* Hand one received message to its request. Returns 0 or -EIO to drop. */
static int chan_dispatch(struct smb3mc_chan *chan, void *buf, size_t len)
{
	struct smb2_hdr *hdr = buf;
	struct smb3mc_req *req;
	u64 mid;

	if (smb3mc_hdr_check(buf, len)) {
		pr_warn_ratelimited("smb3mc: %s: malformed response header, dropping the connection\n",
				    chan->name);
		return -EIO;
	}
	chan_heard(chan, hdr);
	mid = le64_to_cpu(hdr->message_id);

	/* MS-SMB2 3.2.5.1.5: an interim response; the final one follows. */
	if (hdr->status == STATUS_PENDING &&
	    (hdr->flags & SMB2_FLAGS_ASYNC_COMMAND)) {
		xa_lock(&chan->mids);
		req = xa_load(&chan->mids, mid);
		if (req)
			WRITE_ONCE(req->interim, true);
		xa_unlock(&chan->mids);
		kvfree(buf);
		return 0;
	}

	req = xa_erase(&chan->mids, mid);
	if (!req) {
		/* Its waiter gave up, or an oplock break we never asked for. */
		kvfree(buf);
		return 0;
	}
	chan_complete(chan, req, buf, len);
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
 * straight into @req->rx_data, with no copy through a buffer. @chan->rx_head
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
	if (req && req->rx_data && iov_iter_count(req->rx_data) >= dlen)
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
	chan_heard(chan, rsp);
	req->rx_len = dlen;
	chan_complete(chan, req, rsp, off);
	return 0;
fail:
	kfree(rsp);
	/* Lost with the connection: the session sends it again elsewhere. */
	chan_finish(chan, req, -ECONNABORTED);
	return rc;
}

static int chan_receive_one(struct smb3mc_chan *chan)
{
	size_t len, head;
	__be32 frame;
	void *buf;
	int rc;

	rc = chan_recv_exact(chan, &frame, sizeof(frame));
	if (rc)
		return rc;
	/* MS-SMB2 2.1: a zero byte, then a 24-bit length. */
	len = be32_to_cpu(frame);
	if (len > chan->max_rsp || len < sizeof(struct smb2_hdr)) {
		pr_warn_ratelimited("smb3mc: %s: response of %zu bytes is out of bounds, dropping the connection\n",
				    chan->name, len);
		return -EIO;
	}
	head = min_t(size_t, len, SMB3MC_RX_HEAD);
	rc = chan_recv_exact(chan, chan->rx_head, head);
	if (rc)
		return rc;
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
		rc = chan_dispatch(chan, buf, len);
	if (rc)
		kvfree(buf);
	return rc;
}

static int chan_receive_thread(void *data)
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

/**
 * smb3mc_chan_connect - open the TCP connection of a channel
 * @chan: zeroed channel to set up
 * @net: network namespace to connect in
 * @dst: server address with port
 * @id: channel number, for names in messages
 *
 * A connect that gets no answer fails within SMB3MC_CONNECT_TIMEOUT.
 */
int smb3mc_chan_connect(struct smb3mc_chan *chan, struct net *net,
			const struct sockaddr_storage *dst, unsigned int id)
{
	int addrlen = dst->ss_family == AF_INET6 ?
		sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct socket *sock;
	int rc;

	chan->id = id;
	chan->dst = *dst;
	mutex_init(&chan->send_lock);
	spin_lock_init(&chan->credit_lock);
	init_waitqueue_head(&chan->credit_wait);
	xa_init(&chan->mids);
	chan->credits = 1;	/* MS-SMB2 3.2.4.1.2: one to negotiate */
	chan->timeout = SMB3MC_REQUEST_TIMEOUT;
	chan->last_rx = jiffies;
	INIT_DELAYED_WORK(&chan->timeout_work, chan_timeout_work);
	chan->max_rsp = SMB3MC_NEGOTIATE_MAX_RSP;
	chan->state = SMB3MC_CHAN_NEW;
	snprintf(chan->name, sizeof(chan->name), "%pISc ch%u", dst, id);

	rc = sock_create_kern(net, dst->ss_family, SOCK_STREAM, IPPROTO_TCP,
			      &sock);
	if (rc)
		return rc;
	/* Memory for the socket must not recurse into this file system. */
	sock->sk->sk_allocation = GFP_NOFS;
	sock->sk->sk_sndtimeo = SMB3MC_CONNECT_TIMEOUT;
	tcp_sock_set_nodelay(sock->sk);
	/*
	 * Room for all a channel may have queued on a slow link (chan_pick.c)
	 * and more: a WRITE handed to the socket then does not wait for the
	 * link, holding up the pieces the session has for other channels.
	 */
	sock->sk->sk_sndbuf = SMB3MC_SNDBUF;
	sock->sk->sk_userlocks |= SOCK_SNDBUF_LOCK;
	/*
	 * Close with a reset, dropping what is still queued: the requests of
	 * a lost channel are sent again on another one, and their originals
	 * must not reach the server after them once the link is back.
	 */
	sock_no_linger(sock->sk);

	rc = kernel_connect(sock, (struct sockaddr *)dst, addrlen, 0);
	if (rc) {
		sock_release(sock);
		return rc == -EINPROGRESS || rc == -EAGAIN ? -ETIMEDOUT : rc;
	}
	kernel_getsockname(sock, (struct sockaddr *)&chan->src);
	sock->sk->sk_sndtimeo = chan->timeout;
	chan->sock = sock;

	chan->receiver = kthread_run(chan_receive_thread, chan,
				     "smb3mc-rx%u", id);
	if (IS_ERR(chan->receiver)) {
		rc = PTR_ERR(chan->receiver);
		chan->receiver = NULL;
		sock_release(sock);
		chan->sock = NULL;
		return rc;
	}
	queue_delayed_work(system_long_wq, &chan->timeout_work, HZ);
	return 0;
}

/**
 * smb3mc_chan_shutdown - close the connection and fail what is outstanding
 * @chan: channel; it may be only partly set up
 */
void smb3mc_chan_shutdown(struct smb3mc_chan *chan)
{
	if (chan->sock)
		kernel_sock_shutdown(chan->sock, SHUT_RDWR);
	if (chan->receiver)
		kthread_stop(chan->receiver);
	chan->receiver = NULL;
	cancel_delayed_work_sync(&chan->timeout_work);
	if (chan->sock)
		sock_release(chan->sock);
	chan->sock = NULL;
	chan_fail_all(chan, -ECONNABORTED);
	if (chan->signer_ready)
		smb3mc_signer_free(&chan->signer);
	chan->signer_ready = false;
	xa_destroy(&chan->mids);
}

/**
 * smb3mc_chan_abort - drop a connection that stopped answering
 * @chan: the channel; its receive thread then fails what is outstanding
 */
void smb3mc_chan_abort(struct smb3mc_chan *chan)
{
	kernel_sock_shutdown(chan->sock, SHUT_RDWR);
}

/**
 * smb3mc_chan_set_dead_time - when unacknowledged data means a lost link
 * @chan: a connected channel
 * @timeout: jiffies
 *
 * A link that drops everything shows neither a reset nor an error, and a
 * sender that filled the socket blocks before any ECHO could go out: TCP's
 * user timeout (RFC 5482) aborts the connection once data sent stays
 * unacknowledged this long, and the receive thread then sees the loss.
 */
void smb3mc_chan_set_dead_time(struct smb3mc_chan *chan, unsigned long timeout)
{
	tcp_sock_set_user_timeout(chan->sock->sk, jiffies_to_msecs(timeout));
}

/**
 * smb3mc_chan_set_good - hand a bound channel over to dispatch
 * @chan: a channel its owner has set up (MS-SMB2 3.2.5.3.3)
 * @on_dead: called once, from the receive thread, if the connection is
 *	lost later; it must not sleep long
 * @owner: for @on_dead, in @chan->owner
 *
 * Return: false when the connection was lost already: the channel stays
 * dead and @on_dead never runs.
 */
bool smb3mc_chan_set_good(struct smb3mc_chan *chan,
			  void (*on_dead)(struct smb3mc_chan *chan),
			  void *owner)
{
	bool good;

	chan->on_dead = on_dead;
	chan->owner = owner;
	/* Under the lock chan_mark_dead() takes: it sees @on_dead if GOOD. */
	spin_lock(&chan->credit_lock);
	good = chan->state == SMB3MC_CHAN_NEW;
	if (good)
		WRITE_ONCE(chan->state, SMB3MC_CHAN_GOOD);
	spin_unlock(&chan->credit_lock);
	return good;
}

static bool chan_take_credits(struct smb3mc_chan *chan, unsigned int n,
			      int *rc)
{
	bool taken = false;

	spin_lock(&chan->credit_lock);
	if (chan->state == SMB3MC_CHAN_DEAD) {
		*rc = -ECONNABORTED;
		taken = true;
	} else if (chan->credits >= n) {
		chan->credits -= n;
		*rc = 0;
		taken = true;
	}
	spin_unlock(&chan->credit_lock);
	return taken;
}

static int chan_send(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	size_t data = req->tx_data ? iov_iter_count(req->tx_data) : 0;
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec vec[ARRAY_SIZE(req->iov) + 1];
	__be32 frame;
	size_t total = sizeof(frame);
	size_t sent = 0;
	unsigned int i;
	int rc;

	vec[0].iov_base = &frame;
	vec[0].iov_len = sizeof(frame);
	for (i = 0; i < req->nr_iov; i++) {
		vec[i + 1] = req->iov[i];
		total += req->iov[i].iov_len;
	}
	frame = cpu_to_be32(total - sizeof(frame) + data);

	if (data)
		msg.msg_flags |= MSG_MORE;
	rc = kernel_sendmsg(chan->sock, &msg, vec, req->nr_iov + 1, total);
	if (rc != total)
		goto broken;
	sent = total;
	if (data) {
		/* The data goes from where it lies (TCP copies it). */
		msg.msg_flags = MSG_NOSIGNAL;
		msg.msg_iter = *req->tx_data;
		rc = sock_sendmsg(chan->sock, &msg);
		if (rc != data)
			goto broken;
	}
	atomic64_add(total + data, &chan->stats.bytes_sent);
	return 0;
broken:
	/* A partial write leaves the stream unusable: stop the channel. */
	kernel_sock_shutdown(chan->sock, SHUT_RDWR);
	/* A fatal signal stops the sender, not only this channel. */
	if (rc == -ERESTARTSYS || rc == -EINTR)
		return rc;
	/*
	 * The server never saw the whole request, so it ran none of it:
	 * report the channel lost, and its owner may send the request again
	 * on another one.
	 */
	if (rc < 0)
		pr_warn_ratelimited("smb3mc: %s: send failed (%d), dropping the connection\n",
				    chan->name, rc);
	else
		pr_warn_ratelimited("smb3mc: %s: sent %zu of %zu bytes, dropping the connection\n",
				    chan->name, sent + rc, total + data);
	return -ECONNABORTED;
}

static u16 chan_credit_request(struct smb3mc_chan *chan, u16 charge)
{
	return charge + (READ_ONCE(chan->credits) < SMB3MC_CREDIT_TARGET ?
			 SMB3MC_CREDIT_STEP : 0);
}

/* Assign the MessageId, sign, register and send, in wire order. */
static int chan_submit(struct smb3mc_chan *chan, struct smb3mc_req *req,
		       u16 charge)
{
	struct smb2_hdr *hdr = req->iov[0].iov_base;
	int rc;

	rc = mutex_lock_killable(&chan->send_lock);
	if (rc)
		return rc;
	req->mid = chan->next_mid;
	/* MS-SMB2 3.2.4.1.3: a request consumes CreditCharge MessageIds. */
	chan->next_mid += charge;
	hdr->message_id = cpu_to_le64(req->mid);
	hdr->credit_charge = cpu_to_le16(charge);
	hdr->credit_req_rsp = cpu_to_le16(chan_credit_request(chan, charge));
	if (req->sign) {
		hdr->flags |= SMB2_FLAGS_SIGNED;
		rc = smb3mc_sign_data(&chan->signer, req->iov, req->nr_iov,
				      req->tx_data);
		if (rc)
			goto out;
	}
	init_completion(&req->done);
	req->interim = false;
	req->rsp = NULL;
	req->rx_len = 0;
	req->rc = 0;
	req->deadline = jiffies + (req->timeout ? req->timeout : chan->timeout);
	rc = xa_insert(&chan->mids, req->mid, req, GFP_NOFS);
	if (rc == -EBUSY)
		rc = -EIO;	/* a MessageId in use twice: never expected */
	if (rc)
		goto out;
	/*
	 * chan_mark_dead() sets DEAD, then fails what the table holds. A
	 * request entered behind that sweep would wait for an answer that
	 * cannot come (and an asynchronous one forever: the timeout scan
	 * stops with the channel), so look again once it is in the table.
	 * If the sweep took it already, it has ended: report it sent.
	 */
	smp_mb();
	if (READ_ONCE(chan->state) == SMB3MC_CHAN_DEAD) {
		if (xa_erase(&chan->mids, req->mid) == req)
			rc = -ECONNABORTED;
		goto out;
	}
	req->sent_ns = ktime_get_ns();
	rc = chan_send(chan, req);
	/*
	 * A failed send stopped the connection, and the receive thread's
	 * sweep may have ended the request already (its owner then knows):
	 * only one of us may report it.
	 */
	if (rc && xa_erase(&chan->mids, req->mid) != req)
		rc = 0;
out:
	mutex_unlock(&chan->send_lock);
	return rc;
}

/* Wait for the response; on timeout or a fatal signal take the request back. */
static int chan_wait(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	unsigned long timeout = req->timeout ? req->timeout : chan->timeout;
	long left;
	int rc;

	for (;;) {
		left = wait_for_completion_killable_timeout(&req->done,
							    timeout);
		if (left > 0)
			return req->rc;
		/* A server that said STATUS_PENDING gets another period. */
		if (!left && xchg(&req->interim, false))
			continue;
		if (xa_erase(&chan->mids, req->mid) == req)
			break;
		/* The receive thread owns it now and completes it at once. */
		wait_for_completion(&req->done);
		return req->rc;
	}
	if (!left)
		pr_warn_ratelimited("smb3mc: %s: no response to command %u within %u s\n",
				    chan->name, smb3mc_req_command(req),
				    jiffies_to_msecs(timeout) / 1000);
	rc = left ? -EINTR : -ETIMEDOUT;
	chan_finish(chan, req, rc);
	return rc;
}

/**
 * smb3mc_chan_submit - send one request without waiting for its response
 * @chan: channel to use
 * @req: the request; @req->iov[0] starts with its SMB2 header, in which
 *	the caller has set everything but MessageId, credits and signature
 *
 * Waits for credits first, bounded by the channel timeout and killable:
 * no request is ever sent without them. On success the request ends later,
 * exactly once: @req->done_fn is called (from the receive thread or the
 * timeout scan, so it must not sleep long), or without one @req->done is
 * completed. The NT status is then in @req->status, the response in
 * @req->rsp (the request's owner kvfree()s it) and a transport error in
 * @req->rc.
 *
 * Return: 0 once sent, or an errno when nothing was sent.
 */
int smb3mc_chan_submit(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	u16 charge = max_t(size_t, 1,
			   DIV_ROUND_UP(req->payload, SMB2_CREDIT_PAYLOAD));
	long left;
	int rc;

	req->rsp = NULL;
	left = wait_event_killable_timeout(chan->credit_wait,
					   chan_take_credits(chan, charge, &rc),
					   chan->timeout);
	if (left < 0)
		return left;
	if (!left) {
		pr_warn_ratelimited("smb3mc: %s: server granted no credits within %u s\n",
				    chan->name,
				    jiffies_to_msecs(chan->timeout) / 1000);
		return -ETIMEDOUT;
	}
	if (rc)
		return rc;

	atomic_inc(&chan->stats.in_flight);
	atomic64_add(req->payload, &chan->stats.in_flight_bytes);
	rc = chan_submit(chan, req, charge);
	if (rc) {
		chan_add_credits(chan, charge);
		atomic64_sub(req->payload, &chan->stats.in_flight_bytes);
		atomic_dec(&chan->stats.in_flight);
	}
	return rc;
}

/**
 * smb3mc_chan_call - send one request and wait for its final response
 * @chan: channel to use
 * @req: the request, as for smb3mc_chan_submit(), without @req->done_fn
 *
 * Every wait is bounded by the request's timeout and can be killed.
 *
 * Return: 0 with @req->rsp set (the caller kvfree()s it), or an errno from
 * the transport. The NT status is left in @req->status for the caller.
 */
int smb3mc_chan_call(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	int rc;

	req->done_fn = NULL;
	rc = smb3mc_chan_submit(chan, req);
	if (!rc)
		rc = chan_wait(chan, req);
	if (rc) {
		kvfree(req->rsp);
		req->rsp = NULL;
	}
	return rc;
}
