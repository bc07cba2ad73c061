// SPDX-License-Identifier: GPL-2.0
/*
 * Channel transport: one TCP connection with Direct TCP framing
 * (MS-SMB2 2.1), requests sent with the MessageIds and credits they spend
 * (MS-SMB2 3.2.4.1.2, 3.2.4.1.3), and the timeouts of those that get no
 * answer. The receive thread, which matches responses to requests by
 * MessageId and takes in the credits they grant, is in chan_recv.c.
 *
 * Ownership of an outstanding request is decided by whoever claims it in
 * the MessageId table first: the receive side, once an answer came (it
 * stays in the table, marked, until every answer to it was judged, in
 * the receive thread or a worker, which then completes the request), or
 * the waiter giving up, which takes it out (it then returns an error). So
 * a late response never touches a request its caller has already
 * forgotten. A waiter that gives up (or the timeout scan) leaves the
 * request's MessageId in the channel's orphans, in the same step under
 * the table's lock, for the late answer, which still grants its credits
 * (chan_orphan.h).
 *
 * A request ends only once both its send has returned and its answer came
 * (response, timeout or the loss of the connection): its owner frees its
 * buffers when it ends, and the socket may still be reading them. So
 * chan_post() sets @req->ends to 2, and the sender and whoever took the
 * request out of the table each call smb3mc_chan_finish() once: the second
 * of them ends the request. A response that arrives while the send is
 * still running (a server may answer once it read the header) thus leaves
 * the final end to the sender.
 */

#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "chan.h"
#include "chan_recv.h"
#include "pdu_hdr.h"

#define SMB3MC_CONNECT_TIMEOUT	(10 * HZ)
#define SMB3MC_CREDIT_TARGET	512
#define SMB3MC_CREDIT_STEP	64
/* Send buffer of a channel's socket, see smb3mc_chan_connect_start(). */
#define SMB3MC_SNDBUF		(4 * 1024 * 1024)

/* Where WRITEs are signed or encrypted and sent: chan_tx_work(). */
static struct workqueue_struct *smb3mc_tx_wq;

/**
 * smb3mc_chan_init - set up what all channels share, at module load
 */
int smb3mc_chan_init(void)
{
	int rc;

	/* Unbound, on any free CPU; writeback, which reclaim waits for, too. */
	smb3mc_tx_wq = alloc_workqueue("smb3mc_tx", WQ_UNBOUND | WQ_MEM_RECLAIM,
				       0);
	if (!smb3mc_tx_wq)
		return -ENOMEM;
	rc = smb3mc_chan_rx_init();
	if (rc)
		destroy_workqueue(smb3mc_tx_wq);
	return rc;
}

/**
 * smb3mc_chan_exit - tear down what smb3mc_chan_init() set up, at unload
 */
void smb3mc_chan_exit(void)
{
	smb3mc_chan_rx_exit();
	destroy_workqueue(smb3mc_tx_wq);
}

/*
 * MS-SMB2 3.2.6.1: @req got no answer in time, and the client MAY
 * disconnect. We do when nothing at all came on this connection since
 * @req went out: the server stopped reading or answering (a sender blocked
 * on the full socket would wait for TCP to give up), and the session goes
 * on over its other channels or a new connection.
 */
static void chan_expired(struct smb3mc_chan *chan, const struct smb3mc_req *req)
{
	bool silent = READ_ONCE(chan->last_frame_ns) < req->sent_ns;

	pr_warn_ratelimited("smb3mc: %s: no response to command %u within %llu s%s\n",
			    chan->name, smb3mc_req_command(req),
			    div_u64(ktime_get_ns() - req->sent_ns, NSEC_PER_SEC),
			    silent ? ", nor to any other: dropping the connection" : "");
	if (silent) {
		WRITE_ONCE(chan->silent, true);
		smb3mc_chan_abort(chan);
	}
}

/* Free the orphans @gone: expired, pushed out, or left as the channel went. */
static void chan_orphans_free(struct smb3mc_chan *chan, struct list_head *gone)
{
	struct smb3mc_orphan *o, *next;

	list_for_each_entry_safe(o, next, gone, list) {
		list_del(&o->list);
		smb3mc_orphan_free(o, chan->name);
	}
}

/*
 * Asynchronous requests have no waiter to notice a missing answer: scan
 * for them once a second. A server that said STATUS_PENDING gets another
 * period, as a waiter would give it. One that timed out becomes an orphan
 * as a waiter's would (chan_give_up()), allocated here under the lock so
 * that its answer finds it at once: without memory its credits are lost.
 * Orphans whose time is up go too, their credits with them.
 */
static void chan_timeout_work(struct work_struct *work)
{
	struct smb3mc_chan *chan = container_of(to_delayed_work(work),
						struct smb3mc_chan,
						timeout_work);
	struct smb3mc_orphan *o, *old;
	struct smb3mc_req *req, *next;
	LIST_HEAD(expired);
	LIST_HEAD(gone);
	unsigned long mid;

	/* Under the lock no entry can end and be freed while we look. */
	xa_lock(&chan->mids);
	xa_for_each(&chan->mids, mid, req) {
		if (!req->done_fn || req->judging ||
		    time_before(jiffies, req->deadline))
			continue;
		if (xchg(&req->interim, false) &&
		    time_before(jiffies, req->pending_limit)) {
			req->deadline = jiffies + chan->timeout;
			if (time_after(req->deadline, req->pending_limit))
				req->deadline = req->pending_limit;
			continue;
		}
		__xa_erase(&chan->mids, mid);
		list_add_tail(&req->expired, &expired);
		o = smb3mc_chan_orphan_new(chan, req, GFP_ATOMIC | __GFP_NOWARN);
		old = NULL;
		if (o)
			old = __smb3mc_chan_orphan_add(chan, o, req);
		if (old)
			list_add_tail(&old->list, &gone);
	}
	smb3mc_orphans_expire(&chan->orphans, jiffies, &gone);
	xa_unlock(&chan->mids);
	chan_orphans_free(chan, &gone);

	list_for_each_entry_safe(req, next, &expired, expired) {
		chan_expired(chan, req);
		smb3mc_chan_finish(chan, req, -ETIMEDOUT);
	}
	if (READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD)
		queue_delayed_work(system_long_wq, &chan->timeout_work, HZ);
}

static int chan_addrlen(const struct sockaddr_storage *addr)
{
	return addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					     sizeof(struct sockaddr_in);
}

/**
 * smb3mc_chan_connect_start - begin the TCP connection of a channel
 * @chan: zeroed channel to set up
 * @net: network namespace to connect in
 * @dst: server address with port
 * @id: channel number, for names in messages
 *
 * Sends the SYN and returns: from now on smb3mc_chan_abort() ends the
 * connect, which smb3mc_chan_connect_finish() waits for.
 *
 * Return: 0, or an errno with nothing to undo.
 */
int smb3mc_chan_connect_start(struct smb3mc_chan *chan, struct net *net,
			      const struct sockaddr_storage *dst,
			      unsigned int id)
{
	struct socket *sock;
	int rc;

	chan->id = id;
	chan->dst = *dst;
	mutex_init(&chan->send_lock);
	spin_lock_init(&chan->credit_lock);
	init_waitqueue_head(&chan->credit_wait);
	init_waitqueue_head(&chan->rx_wait);
	spin_lock_init(&chan->tx_lock);
	init_waitqueue_head(&chan->tx_wait);
	spin_lock_init(&chan->stats.lock);
	xa_init(&chan->mids);
	smb3mc_orphans_init(&chan->orphans);
	chan->credits = 1;	/* MS-SMB2 3.2.4.1.2: one to negotiate */
	chan->timeout = SMB3MC_REQUEST_TIMEOUT;
	chan->last_rx = jiffies;
	chan->last_frame_ns = ktime_get_ns();
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

	rc = kernel_connect(sock, (struct sockaddr *)dst, chan_addrlen(dst),
			    O_NONBLOCK);
	if (rc && rc != -EINPROGRESS) {
		sock_release(sock);
		return rc;
	}
	chan->sock = sock;
	return 0;
}

/* The connect of @sk is done: connected, refused, or aborted. */
static bool chan_connect_done(struct sock *sk)
{
	return !((1 << READ_ONCE(sk->sk_state)) &
		 (TCPF_SYN_SENT | TCPF_SYN_RECV));
}

/**
 * smb3mc_chan_connect_finish - wait for the connection, start the channel
 * @chan: after smb3mc_chan_connect_start()
 *
 * A connect that gets no answer fails within SMB3MC_CONNECT_TIMEOUT; a
 * signal ends the wait too.
 *
 * Return: 0 with the channel's receive thread running, or an errno; the
 * socket stays for smb3mc_chan_shutdown() either way, so that an abort
 * meanwhile still finds it.
 */
int smb3mc_chan_connect_finish(struct smb3mc_chan *chan)
{
	struct socket *sock = chan->sock;
	long left;
	int rc;

	left = wait_event_interruptible_timeout(*sk_sleep(sock->sk),
						chan_connect_done(sock->sk),
						SMB3MC_CONNECT_TIMEOUT);
	if (left < 0)
		return -EINTR;
	if (!left)
		return -ETIMEDOUT;
	/* Refused or aborted: connecting again would start a new connect. */
	if (READ_ONCE(sock->sk->sk_state) == TCP_CLOSE)
		return sock_error(sock->sk) ?: -ECONNABORTED;
	/* Connected: mark the socket so, without waiting. */
	rc = kernel_connect(sock, (struct sockaddr *)&chan->dst,
			    chan_addrlen(&chan->dst), 0);
	if (rc)
		return rc;
	kernel_getsockname(sock, (struct sockaddr *)&chan->src);
	sock->sk->sk_sndtimeo = chan->timeout;

	chan->receiver = kthread_run(smb3mc_chan_receive_thread, chan,
				     "smb3mc-rx%u", chan->id);
	if (IS_ERR(chan->receiver)) {
		rc = PTR_ERR(chan->receiver);
		chan->receiver = NULL;
		return rc;
	}
	queue_delayed_work(system_long_wq, &chan->timeout_work, HZ);
	return 0;
}

/**
 * smb3mc_chan_connect - open the TCP connection of a channel
 * @chan: zeroed channel to set up
 * @net: network namespace to connect in
 * @dst: server address with port
 * @id: channel number, for names in messages
 *
 * smb3mc_chan_connect_start() and smb3mc_chan_connect_finish(), for a
 * connect nobody else aborts.
 *
 * Return: 0, or an errno with nothing to undo.
 */
int smb3mc_chan_connect(struct smb3mc_chan *chan, struct net *net,
			const struct sockaddr_storage *dst, unsigned int id)
{
	int rc;

	rc = smb3mc_chan_connect_start(chan, net, dst, id);
	if (rc)
		return rc;
	rc = smb3mc_chan_connect_finish(chan);
	if (rc) {
		sock_release(chan->sock);
		chan->sock = NULL;
	}
	return rc;
}

/**
 * smb3mc_chan_shutdown - close the connection and fail what is outstanding
 * @chan: channel; it may be only partly set up
 */
void smb3mc_chan_shutdown(struct smb3mc_chan *chan)
{
	LIST_HEAD(gone);

	if (chan->sock)
		kernel_sock_shutdown(chan->sock, SHUT_RDWR);
	if (chan->receiver)
		kthread_stop(chan->receiver);
	chan->receiver = NULL;
	/* No worker may touch the channel, its socket or keys after this. */
	smb3mc_chan_rx_flush();
	spin_lock(&chan->tx_lock);
	wait_event_cmd(chan->tx_wait, !chan->tx_jobs,
		       spin_unlock(&chan->tx_lock), spin_lock(&chan->tx_lock));
	spin_unlock(&chan->tx_lock);
	cancel_delayed_work_sync(&chan->timeout_work);
	if (chan->sock)
		sock_release(chan->sock);
	chan->sock = NULL;
	smb3mc_chan_fail_all(chan, -ECONNABORTED);
	smb3mc_orphans_take_all(&chan->orphans, &gone);
	chan_orphans_free(chan, &gone);
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
 * smb3mc_chan_wait_lost - wait until a stopped connection is seen lost
 * @chan: a channel a request just failed on with -ECONNABORTED
 *
 * A send that fails stops the connection, but the channel is marked lost
 * only once its receive thread sees that: until then dispatch may pick
 * it again, and each resend would fail at once, using up the request's
 * resends in a moment. Bounded by the request timeout; a fatal signal
 * ends it too, which the caller sees next.
 */
void smb3mc_chan_wait_lost(struct smb3mc_chan *chan)
{
	wait_event_killable_timeout(chan->credit_wait,
				    READ_ONCE(chan->state) !=
				    SMB3MC_CHAN_GOOD,
				    chan->timeout);
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
 * smb3mc_chan_set_owner - whom a channel reports to, before it connects
 * @chan: zeroed
 * @on_dead: called once, from the receive thread, if the connection is
 *	lost after smb3mc_chan_set_good(); it must not sleep long
 * @on_break: called for each break notification received, from the first
 *	message on (see struct smb3mc_chan)
 * @owner: for both, in @chan->owner
 *
 * A server sends a break on any channel of the session (MS-SMB2 3.3.4.7),
 * one that is still being set up as well, and waits for its
 * acknowledgment before another client's open goes on.
 */
void smb3mc_chan_set_owner(struct smb3mc_chan *chan,
			   void (*on_dead)(struct smb3mc_chan *chan),
			   void (*on_break)(struct smb3mc_chan *chan,
					    const void *msg, size_t len),
			   void *owner)
{
	chan->on_dead = on_dead;
	chan->on_break = on_break;
	chan->owner = owner;
}

/**
 * smb3mc_chan_set_good - hand a bound channel over to dispatch
 * @chan: a channel its owner has set up (MS-SMB2 3.2.5.3.3)
 *
 * Return: false when the connection was lost already: the channel stays
 * dead and its @on_dead never runs.
 */
bool smb3mc_chan_set_good(struct smb3mc_chan *chan)
{
	bool good;

	/* Under the lock chan_mark_dead() takes: it runs @on_dead if GOOD. */
	spin_lock(&chan->credit_lock);
	good = chan->state == SMB3MC_CHAN_NEW;
	if (good)
		WRITE_ONCE(chan->state, SMB3MC_CHAN_GOOD);
	spin_unlock(&chan->credit_lock);
	return good;
}

/*
 * Take @n credits and count the request in flight, or stop waiting: with
 * *@rc -ECONNABORTED when the channel is dead; when no request is in
 * flight, whose response alone could grant more (MS-SMB2 3.2.5.1.4),
 * -ENOBUFS when it has no credit left, and can never send again, and
 * -EMSGSIZE when it has fewer than @n (*@had), too few for this request
 * ever. Under the lock, so that a request that took the last credit
 * counts in flight.
 */
static bool chan_take_credits(struct smb3mc_chan *chan, unsigned int n,
			      unsigned int reqs, int *rc, unsigned int *had)
{
	bool taken = true;

	spin_lock(&chan->credit_lock);
	if (chan->state == SMB3MC_CHAN_DEAD) {
		*rc = -ECONNABORTED;
	} else if (chan->credits >= n) {
		chan->credits -= n;
		atomic_add(reqs, &chan->stats.in_flight);
		*rc = 0;
	} else if (!atomic_read(&chan->stats.in_flight)) {
		*rc = chan->credits ? -EMSGSIZE : -ENOBUFS;
		*had = chan->credits;
	} else {
		taken = false;
	}
	spin_unlock(&chan->credit_lock);
	return taken;
}

/*
 * Send one message: @iov, then the data of @tx_data if not NULL. A
 * compound is one message, of up to SMB3MC_COMPOUND_MAX kvecs.
 */
static int chan_send(struct smb3mc_chan *chan, const struct kvec *iov,
		     unsigned int nr_iov, const struct iov_iter *tx_data)
{
	size_t data = tx_data ? iov_iter_count(tx_data) : 0;
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };
	struct kvec vec[sizeof_field(struct smb3mc_req, iov) /
			sizeof(struct kvec) + 1];
	sigset_t blocked, old;
	__be32 frame;
	size_t total = sizeof(frame);
	size_t sent = 0;
	unsigned int i;
	int rc;

	BUILD_BUG_ON(ARRAY_SIZE(vec) <= SMB3MC_COMPOUND_MAX);
	vec[0].iov_base = &frame;
	vec[0].iov_len = sizeof(frame);
	for (i = 0; i < nr_iov; i++) {
		vec[i + 1] = iov[i];
		total += iov[i].iov_len;
	}
	frame = cpu_to_be32(total - sizeof(frame) + data);

	if (data)
		msg.msg_flags |= MSG_MORE;
	/*
	 * Any signal ends a wait for socket memory, and a request sent in
	 * part leaves the stream unusable: a Ctrl-Z or a SIGCHLD of the
	 * caller would drop the channel, and send every request in flight
	 * on it again. Only SIGKILL may; the others wait for the send.
	 */
	siginitsetinv(&blocked, sigmask(SIGKILL));
	sigprocmask(SIG_BLOCK, &blocked, &old);
	rc = kernel_sendmsg(chan->sock, &msg, vec, nr_iov + 1, total);
	if (rc != total)
		goto broken;
	sent = total;
	if (data) {
		/* The data goes from where it lies (TCP copies it). */
		msg.msg_flags = MSG_NOSIGNAL;
		msg.msg_iter = *tx_data;
		rc = sock_sendmsg(chan->sock, &msg);
		if (rc != data)
			goto broken;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	atomic64_add(total + data, &chan->stats.bytes_sent);
	return 0;
broken:
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* A partial write leaves the stream unusable: stop the channel. */
	kernel_sock_shutdown(chan->sock, SHUT_RDWR);
	/* SIGKILL stops the sender, not only this channel. */
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

/*
 * Encrypt a message, the @nr_iov kvecs of @iov and the data of @tx_data
 * if not NULL, into one transform message (MS-SMB2 3.1.4.3) in @sealed,
 * which the caller kvfree()s once sent. The request's own buffers are
 * left as they are, for a resend; its header's signature is zeroed
 * before: unsigned inside (MS-SMB2 3.2.4.1.1), no stale one either.
 */
static int chan_seal(struct smb3mc_chan *chan, const struct kvec *iov,
		     unsigned int nr_iov, const struct iov_iter *tx_data,
		     struct kvec *sealed)
{
	u8 nonce[SMB3MC_NONCE_FIELD_SIZE];
	size_t len = sizeof(struct smb2_transform_hdr);
	unsigned int i;
	ssize_t n;
	int rc;

	if (!chan->seal)
		return -EINVAL;
	rc = smb3mc_seal_nonce(chan->seal, nonce);
	if (rc) {
		pr_warn_ratelimited("smb3mc: %s: the session used up its nonces, it can send nothing more\n",
				    chan->name);
		return rc;
	}
	for (i = 0; i < nr_iov; i++)
		len += iov[i].iov_len;
	if (tx_data)
		len += iov_iter_count(tx_data);
	sealed->iov_base = kvmalloc(len, GFP_NOFS);
	if (!sealed->iov_base)
		return -ENOMEM;
	n = smb3mc_encrypt_data(&chan->seal->enc, nonce,
				chan->seal->session_id, iov, nr_iov,
				tx_data, sealed->iov_base, len);
	if (n < 0) {
		kvfree(sealed->iov_base);
		sealed->iov_base = NULL;
		return n;
	}
	sealed->iov_len = n;
	atomic64_inc(&chan->stats.sealed_out);
	return 0;
}

/*
 * Sign or encrypt @req as it asks (MS-SMB2 3.2.4.1.1, 3.1.4.3), once its
 * MessageId is set: an encrypted copy goes into @sealed, which the caller
 * kvfree()s once sent.
 */
static int chan_protect(struct smb3mc_chan *chan, struct smb3mc_req *req,
			struct kvec *sealed)
{
	struct smb2_hdr *hdr = req->iov[0].iov_base;

	if (req->seal) {
		memset(hdr->signature, 0, sizeof(hdr->signature));
		return chan_seal(chan, req->iov, req->nr_iov, req->tx_data,
				 sealed);
	}
	if (!req->sign)
		return 0;
	hdr->flags |= SMB2_FLAGS_SIGNED;
	return smb3mc_sign_data(&chan->signer, req->iov, req->nr_iov,
				req->tx_data);
}

/* Send @req as chan_protect() left it. */
static int chan_send_req(struct smb3mc_chan *chan,
			 const struct smb3mc_req *req,
			 const struct kvec *sealed)
{
	if (req->seal)
		return chan_send(chan, sealed, 1, NULL);
	return chan_send(chan, req->iov, req->nr_iov, req->tx_data);
}

static u16 chan_credit_request(struct smb3mc_chan *chan, u16 charge)
{
	return charge + (READ_ONCE(chan->credits) < SMB3MC_CREDIT_TARGET ?
			 SMB3MC_CREDIT_STEP : 0);
}

/* Under @chan->send_lock: the MessageId and credits of @req's header. */
static void chan_assign(struct smb3mc_chan *chan, struct smb3mc_req *req,
			u16 charge)
{
	struct smb2_hdr *hdr = req->iov[0].iov_base;

	req->mid = chan->next_mid;
	/* MS-SMB2 3.2.4.1.3: a request consumes CreditCharge MessageIds. */
	chan->next_mid += charge;
	hdr->message_id = cpu_to_le64(req->mid);
	hdr->credit_charge = cpu_to_le16(charge);
	hdr->credit_req_rsp = cpu_to_le16(chan_credit_request(chan, charge));
}

/* Ready @req to wait for its answer, which it has not yet. */
static void chan_req_reset(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	unsigned long timeout = req->timeout ? req->timeout : chan->timeout;

	init_completion(&req->done);
	req->interim = false;
	req->interim_credited = false;
	req->cancelled = false;
	req->rsp = NULL;
	req->rx_len = 0;
	req->rc = 0;
	req->taken = false;
	req->grant = 0;
	req->deadline = jiffies + timeout;
	req->pending_limit = jiffies + SMB3MC_PENDING_MAX_TIMEOUTS * timeout;
	/* The send's end and the answer's: see the top of this file. */
	atomic_set(&req->ends, 2);
}

/* Under @chan->send_lock: enter @req in the MessageId table. */
static int chan_register(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	int rc;

	chan_req_reset(chan, req);
	rc = xa_insert(&chan->mids, req->mid, req, GFP_NOFS);
	if (rc == -EBUSY)
		rc = -EIO;	/* a MessageId in use twice: never expected */
	return rc;
}

/*
 * Under @chan->send_lock: register @req by its MessageId and send it as
 * chan_protect() left it. Sets *@sent once the request is the table's or
 * sent, when its answer's end is to come: the caller then ends the
 * send's. Returns 0, or an errno when nothing is to come.
 */
static int chan_post(struct smb3mc_chan *chan, struct smb3mc_req *req,
		     const struct kvec *sealed, bool *sent)
{
	int rc;

	rc = chan_register(chan, req);
	if (rc)
		return rc;
	/*
	 * chan_mark_dead() sets DEAD, then fails what the table holds. A
	 * request entered behind that sweep would wait for an answer that
	 * cannot come (and an asynchronous one forever: the timeout scan
	 * stops with the channel), so look again once it is in the table.
	 * If the sweep took it already, it has ended: report it sent.
	 */
	smp_mb();
	if (READ_ONCE(chan->state) == SMB3MC_CHAN_DEAD) {
		rc = -ECONNABORTED;
	} else {
		req->sent_ns = ktime_get_ns();
		rc = chan_send_req(chan, req, sealed);
	}
	/*
	 * A failed send stopped the connection, and the receive thread's
	 * sweep may have taken the request already: it then ends through
	 * the sweep, and its owner learns of the failure there. Only one of
	 * us may report it.
	 */
	if (rc && smb3mc_chan_unlist(chan, req))
		return rc;
	*sent = true;
	return 0;
}

/*
 * Signing or encrypting the data of a WRITE costs what sending it does,
 * and more: an asynchronous one is signed off the sender, on a worker,
 * which then sends it. So the requests of every channel are signed on
 * every CPU at once, while the sender goes on with the next. The
 * MessageIds of a channel then go out of order, which the server's
 * window allows (MS-SMB2 3.3.5.2.3).
 */
static bool chan_protect_async(const struct smb3mc_req *req)
{
	return req->done_fn && req->tx_data && (req->sign || req->seal);
}

static void chan_tx_work(struct work_struct *work)
{
	struct smb3mc_req *req = container_of(work, struct smb3mc_req,
					      tx_work);
	const struct smb2_hdr *hdr = req->iov[0].iov_base;
	unsigned int nofs = memalloc_nofs_save();
	struct smb3mc_chan *chan = req->tx_chan;
	struct kvec sealed = {};
	bool sent = false;
	int rc;

	rc = chan_protect(chan, req, &sealed);
	if (!rc) {
		mutex_lock(&chan->send_lock);
		rc = chan_post(chan, req, &sealed, &sent);
		mutex_unlock(&chan->send_lock);
	}
	kvfree(sealed.iov_base);
	if (!sent) {
		/* As a failed smb3mc_chan_submit(), but the end is ours. */
		smb3mc_chan_add_credits(chan, le16_to_cpu(hdr->credit_charge));
		atomic_set(&req->ends, 1);
	}
	smb3mc_chan_finish(chan, req, rc);
	memalloc_nofs_restore(nofs);
	/*
	 * The last touch of the channel: smb3mc_chan_shutdown() sees the
	 * count fall to 0 only under the lock, once it is let go here.
	 */
	spin_lock(&chan->tx_lock);
	if (!--chan->tx_jobs)
		wake_up(&chan->tx_wait);
	spin_unlock(&chan->tx_lock);
}

/* Assign the MessageId, sign, register and send. */
static int chan_submit(struct smb3mc_chan *chan, struct smb3mc_req *req,
		       u16 charge)
{
	struct kvec sealed = {};
	bool sent = false;
	int rc;

	rc = mutex_lock_killable(&chan->send_lock);
	if (rc)
		return rc;
	chan_assign(chan, req, charge);
	if (chan_protect_async(req)) {
		mutex_unlock(&chan->send_lock);
		req->tx_chan = chan;
		INIT_WORK(&req->tx_work, chan_tx_work);
		spin_lock(&chan->tx_lock);
		chan->tx_jobs++;
		spin_unlock(&chan->tx_lock);
		queue_work(smb3mc_tx_wq, &req->tx_work);
		return 0;
	}
	rc = chan_protect(chan, req, &sealed);
	if (!rc)
		rc = chan_post(chan, req, &sealed, &sent);
	mutex_unlock(&chan->send_lock);
	/* TCP copied it: the request's own buffers stay for a resend. */
	kvfree(sealed.iov_base);
	/* Outside the lock: the end may send the request again. */
	if (sent)
		smb3mc_chan_finish(chan, req, 0);
	return rc;
}

/*
 * Stop waiting for @req, with @rc: -ETIMEDOUT when it timed out, -EINTR
 * when a signal came, -ESHUTDOWN when its @stop was set. The request
 * becomes an orphan of the channel in the same step, for the credits of
 * its late answer. Allocated before the lock; @interim_credited, which
 * the receive side sets under it, is copied there.
 */
static int chan_give_up(struct smb3mc_chan *chan, struct smb3mc_req *req,
			int rc)
{
	struct smb3mc_orphan *o = smb3mc_chan_orphan_new(chan, req, GFP_NOFS);
	struct smb3mc_orphan *old = NULL;
	bool ours;

	xa_lock(&chan->mids);
	ours = __smb3mc_chan_unlist(chan, req);
	if (ours && o) {
		old = __smb3mc_chan_orphan_add(chan, o, req);
		o = NULL;
	}
	xa_unlock(&chan->mids);
	kfree(o);
	smb3mc_orphan_free(old, chan->name);
	if (!ours) {
		/* The receive side owns it now and ends it once checked. */
		wait_for_completion(&req->done);
		return req->rc;
	}
	if (rc == -ETIMEDOUT)
		chan_expired(chan, req);
	smb3mc_chan_finish(chan, req, rc);
	return rc;
}

/*
 * MS-SMB2 3.2.4.24: ask the server to end @req, if it is still
 * outstanding: by its AsyncId once an interim response gave one, else by
 * its MessageId. A CANCEL takes no MessageId and no credit, and gets no
 * answer of its own: the final response to @req says how it ended. Not
 * sent when a fatal signal stops us waiting for the channel: closing the
 * handle ends what the server still has pending on it.
 */
static void chan_cancel(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	const struct smb2_hdr *orig = req->iov[0].iov_base;
	u8 buf[SMB2_HDR_SIZE + sizeof(struct smb2_simple_pdu)];
	struct smb2_hdr *hdr = (struct smb2_hdr *)buf;
	/* As the request it cancels: encrypted, or signed (3.2.4.1.1). */
	struct smb3mc_req cancel = {
		.iov[0] = { .iov_base = buf, .iov_len = sizeof(buf) },
		.nr_iov = 1,
		.sign = req->sign,
		.seal = req->seal,
	};
	struct kvec sealed = {};
	bool outstanding, async = false;
	u64 async_id = 0;

	xa_lock(&chan->mids);
	outstanding = xa_load(&chan->mids, req->mid) == req && !req->judging;
	if (outstanding) {
		async = READ_ONCE(req->interim);
		async_id = req->async_id;
	}
	xa_unlock(&chan->mids);
	if (!outstanding ||
	    smb3mc_build_simple_req(buf, sizeof(buf), SMB2_CANCEL) < 0)
		return;
	hdr->message_id = cpu_to_le64(req->mid);
	hdr->session_id = orig->session_id;
	hdr->status = orig->status;		/* ChannelSequence */
	if (async) {
		hdr->flags |= SMB2_FLAGS_ASYNC_COMMAND;
		hdr->id.async_id = cpu_to_le64(async_id);
	} else {
		hdr->id.sync.tree_id = orig->id.sync.tree_id;
	}
	if (mutex_lock_killable(&chan->send_lock))
		return;
	if (!chan_protect(chan, &cancel, &sealed) &&
	    READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD) {
		/* Before it goes: the answer may come at once. */
		WRITE_ONCE(req->cancelled, true);
		chan_send_req(chan, &cancel, &sealed);
	}
	mutex_unlock(&chan->send_lock);
	kvfree(sealed.iov_base);
}

/*
 * A request the server may keep pending for as long as it likes: once it
 * said STATUS_PENDING the wait has no limit, but any signal ends it. The
 * request is then cancelled and its final response awaited, within the
 * timeout and killably: it says whether the operation was done after all.
 */
static int chan_wait_cancellable(struct smb3mc_chan *chan,
				 struct smb3mc_req *req, unsigned long timeout)
{
	long left;

	do {
		left = wait_for_completion_interruptible_timeout(&req->done,
			READ_ONCE(req->interim) ? MAX_SCHEDULE_TIMEOUT :
						  timeout);
		if (left > 0)
			return req->rc;
	} while (!left && READ_ONCE(req->interim));
	if (left < 0) {
		chan_cancel(chan, req);
		left = wait_for_completion_killable_timeout(&req->done,
							    timeout);
		if (left > 0)
			return req->rc;
	}
	return chan_give_up(chan, req, left ? -EINTR : -ETIMEDOUT);
}

/*
 * Wait up to @timeout for @req to end, killably. A request with @stop
 * waits in slices of SMB3MC_STOP_POLL and looks at it before each.
 * Return: 0 once it ended, -ETIMEDOUT, -EINTR on a fatal signal, or
 * -ESHUTDOWN once *@req->stop is true.
 */
static int chan_wait_end(struct smb3mc_req *req, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	long left;

	for (;;) {
		if (req->stop && READ_ONCE(*req->stop))
			return -ESHUTDOWN;
		left = wait_for_completion_killable_timeout(&req->done,
			req->stop ? min_t(unsigned long, timeout,
					  SMB3MC_STOP_POLL) : timeout);
		if (left > 0)
			return 0;
		if (left < 0)
			return -EINTR;
		if (!req->stop || !time_before(jiffies, end))
			return -ETIMEDOUT;
		timeout = end - jiffies;
	}
}

/*
 * Wait for the response; on timeout, a fatal signal or its @stop take the
 * request back.
 */
static int chan_wait(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	unsigned long timeout = req->timeout ? req->timeout : chan->timeout;
	int rc;

	if (req->cancellable)
		return chan_wait_cancellable(chan, req, timeout);
	for (;;) {
		rc = chan_wait_end(req, timeout);
		if (!rc)
			return req->rc;
		/* A server that said STATUS_PENDING gets another period. */
		if (rc == -ETIMEDOUT && xchg(&req->interim, false) &&
		    time_before(jiffies, req->pending_limit)) {
			timeout = min(timeout, req->pending_limit - jiffies);
			continue;
		}
		return chan_give_up(chan, req, rc);
	}
}

/*
 * Take @charge credits for @reqs requests, waiting for them as long as a
 * request may wait for its answer, and killably. -ENOBUFS and -EMSGSIZE
 * as chan_take_credits() says.
 */
static int chan_wait_credits(struct smb3mc_chan *chan, unsigned int charge,
			     unsigned int reqs, unsigned int *had)
{
	long left;
	int rc;

	left = wait_event_killable_timeout(chan->credit_wait,
					   chan_take_credits(chan, charge,
							     reqs, &rc, had),
					   chan->timeout);
	if (left < 0)
		return left;
	if (!left) {
		pr_warn_ratelimited("smb3mc: %s: server granted no credits within %u s\n",
				    chan->name,
				    jiffies_to_msecs(chan->timeout) / 1000);
		return -ETIMEDOUT;
	}
	return rc;
}

/*
 * The channel can never send a request of @charge credits: drop it, and
 * the request goes out again on another one or a new connection, which
 * starts with new credits.
 */
static int chan_credits_gone(struct smb3mc_chan *chan, unsigned int had,
			     unsigned int charge)
{
	pr_warn_ratelimited("smb3mc: %s: %u credits left, %u needed, and no request in flight to grant more: dropping the connection\n",
			    chan->name, had, charge);
	smb3mc_chan_abort(chan);
	return -ECONNABORTED;
}

/**
 * smb3mc_chan_submit - send one request without waiting for its response
 * @chan: channel to use
 * @req: the request; @req->iov[0] starts with its SMB2 header, in which
 *	the caller has set everything but MessageId, credits and signature
 *
 * Waits for credits first, bounded by the channel timeout and killable:
 * no request is ever sent without them. On success the request ends later,
 * exactly once, and never before its send returned: @req->done_fn is
 * called (from the receive thread, a worker of the channel's, the timeout
 * scan or the sender, so it must not sleep long), or without one
 * @req->done is completed. The NT status is then in @req->status, the
 * response in @req->rsp (the request's owner kvfree()s it) and a
 * transport error in @req->rc.
 *
 * Return: 0 once sent, or handed to the worker that signs and sends it (a
 * failure then ends the request), or an errno when nothing was sent:
 * for a request with @req->done_fn, -EMSGSIZE when the channel has too
 * few credits for it and none to come, and @req->fits says the payload
 * the credits it has cover (MS-SMB2 3.2.4.1.5: a smaller one may go).
 */
int smb3mc_chan_submit(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	u16 charge = smb3mc_credit_charge(req->payload);
	unsigned int had;
	int rc;

	req->rsp = NULL;
	rc = chan_wait_credits(chan, charge, 1, &had);
	if (rc == -EMSGSIZE && req->done_fn)
		req->fits = had * SMB2_CREDIT_PAYLOAD;
	else if (rc == -EMSGSIZE || rc == -ENOBUFS)
		rc = chan_credits_gone(chan, had, charge);
	if (rc)
		return rc;

	atomic64_add(req->payload, &chan->stats.in_flight_bytes);
	rc = chan_submit(chan, req, charge);
	if (rc) {
		atomic64_sub(req->payload, &chan->stats.in_flight_bytes);
		/* Before the credits' wake-up, which looks at it. */
		atomic_dec(&chan->stats.in_flight);
		smb3mc_chan_add_credits(chan, charge);
	}
	return rc;
}

/**
 * smb3mc_chan_call - send one request and wait for its final response
 * @chan: channel to use
 * @req: the request, as for smb3mc_chan_submit(), without @req->done_fn
 *
 * Every wait is bounded by the request's timeout and can be killed; the
 * wait for the answer ends too once @req->stop is set.
 *
 * Return: 0 with @req->rsp set (the caller kvfree()s it), or an errno from
 * the transport (-ESHUTDOWN: @req->stop was set). The NT status is left in
 * @req->status for the caller.
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

/*
 * Sign each request of a compound over its own padded length, or encrypt
 * them all into one transform message (MS-SMB2 3.2.4.1.4), once their
 * MessageIds are set.
 */
static int chan_protect_compound(struct smb3mc_chan *chan,
				 struct smb3mc_req *reqs, unsigned int n,
				 struct kvec *sealed)
{
	struct kvec iov[SMB3MC_COMPOUND_MAX];
	struct smb2_hdr *hdr;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n && !rc; i++) {
		iov[i] = reqs[i].iov[0];
		if (reqs[i].seal) {
			hdr = iov[i].iov_base;
			memset(hdr->signature, 0, sizeof(hdr->signature));
		} else {
			rc = chan_protect(chan, &reqs[i], NULL);
		}
	}
	if (!rc && reqs[0].seal)
		rc = chan_seal(chan, iov, n, NULL, sealed);
	return rc;
}

/*
 * Under @chan->send_lock: register the @n requests of a compound and send
 * them in one message. Returns how many were registered, with *@rc 0 when
 * all were and the message went out.
 */
static unsigned int chan_post_compound(struct smb3mc_chan *chan,
				       struct smb3mc_req *reqs,
				       unsigned int n, const struct kvec *sealed,
				       int *rc)
{
	struct kvec iov[SMB3MC_COMPOUND_MAX];
	unsigned int i, posted;

	for (posted = 0; posted < n; posted++) {
		*rc = chan_register(chan, &reqs[posted]);
		if (*rc)
			return posted;
	}
	/* As in chan_post(): a sweep of a dead channel may have come first. */
	smp_mb();
	if (READ_ONCE(chan->state) == SMB3MC_CHAN_DEAD) {
		*rc = -ECONNABORTED;
		return posted;
	}
	for (i = 0; i < n; i++) {
		iov[i] = reqs[i].iov[0];
		reqs[i].sent_ns = ktime_get_ns();
	}
	if (reqs[0].seal)
		*rc = chan_send(chan, sealed, 1, NULL);
	else
		*rc = chan_send(chan, iov, n, NULL);
	if (!*rc)
		atomic64_inc(&chan->stats.compounds);
	return posted;
}

/*
 * Send the @n requests of a compound in one message; each then ends as one
 * smb3mc_chan_submit() sent. What failed to go out ends here with the
 * error, its credits given back: a message sent in part ran none of it.
 */
static void chan_submit_compound(struct smb3mc_chan *chan,
				 struct smb3mc_req *reqs, unsigned int n)
{
	struct kvec sealed = {};
	unsigned int i, posted = 0;
	struct smb3mc_req *req;
	int rc;

	for (i = 0; i < n; i++)
		chan_req_reset(chan, &reqs[i]);
	rc = mutex_lock_killable(&chan->send_lock);
	if (!rc) {
		for (i = 0; i < n; i++)
			chan_assign(chan, &reqs[i],
				    smb3mc_credit_charge(reqs[i].payload));
		rc = chan_protect_compound(chan, reqs, n, &sealed);
		if (!rc)
			posted = chan_post_compound(chan, reqs, n, &sealed,
						    &rc);
		mutex_unlock(&chan->send_lock);
	}
	kvfree(sealed.iov_base);
	for (i = 0; i < n; i++) {
		req = &reqs[i];
		/* Sent, or the sweep of a dead channel took it: its end comes. */
		if (i < posted &&
		    (!rc || !smb3mc_chan_unlist(chan, req))) {
			smb3mc_chan_finish(chan, req, 0);
			continue;
		}
		smb3mc_chan_add_credits(chan,
					smb3mc_credit_charge(req->payload));
		atomic_set(&req->ends, 1);
		smb3mc_chan_finish(chan, req, rc);
	}
}

/**
 * smb3mc_chan_call_compound - send requests in one message and wait for
 *	every one's final response
 * @chan: channel to use
 * @reqs: the requests, as for smb3mc_chan_call(), each of one kvec (built
 *	and chained with smb3mc_hdr_chain()) and without data
 * @n: how many, at most SMB3MC_COMPOUND_MAX
 *
 * Each request gets its own MessageId, answer and end (MS-SMB2 3.2.4.1.4,
 * 3.2.5.1.9): the server may answer them in one message or in several.
 *
 * Return: 0 with every @reqs[i].rsp set (the caller kvfree()s them), or
 * the first errno from the transport. A request that failed has its error
 * in @reqs[i].rc and no response; the others keep theirs.
 */
int smb3mc_chan_call_compound(struct smb3mc_chan *chan,
			      struct smb3mc_req *reqs, unsigned int n)
{
	unsigned int i, charge = 0, had;
	int rc, rc2;

	if (WARN_ON_ONCE(!n || n > SMB3MC_COMPOUND_MAX))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		reqs[i].done_fn = NULL;
		reqs[i].rsp = NULL;
		charge += smb3mc_credit_charge(reqs[i].payload);
	}
	rc = chan_wait_credits(chan, charge, n, &had);
	if (rc == -EMSGSIZE || rc == -ENOBUFS)
		rc = chan_credits_gone(chan, had, charge);
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		atomic64_add(reqs[i].payload, &chan->stats.in_flight_bytes);
	chan_submit_compound(chan, reqs, n);
	for (i = 0; i < n; i++) {
		rc2 = chan_wait(chan, &reqs[i]);
		if (!rc2)
			continue;
		reqs[i].rc = rc2;
		kvfree(reqs[i].rsp);
		reqs[i].rsp = NULL;
		if (!rc)
			rc = rc2;
	}
	return rc;
}
