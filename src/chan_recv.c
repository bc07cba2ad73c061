// SPDX-License-Identifier: GPL-2.0
/*
 * The receive side of a channel: the receive thread reads Direct TCP
 * frames (MS-SMB2 2.1), receives READ data straight into the reader's
 * pages, hands each response to its request by MessageId and takes in the
 * credits of those that prove the server's (MS-SMB2 3.2.5.1.4). This is
 * also where requests end, whoever ends them, and where a lost connection
 * fails what is outstanding. Sending, credit spending and waiting are in
 * chan.c, which calls down into this file and never the other way.
 *
 * Checking a signature (MS-SMB2 3.2.5.1.3) and decrypting (3.2.5.1.1.1)
 * are left to workers on smb3mc_rx_wq, which run on every CPU while the
 * thread reads on: a signed response once matched to its request, which
 * then ends in the worker; an encrypted message before anything in it is
 * looked at, so the worker matches it. The thread drains its workers
 * before it fails what is outstanding, and smb3mc_chan_shutdown() flushes
 * the queue before the channel and its keys go. A late answer to a request
 * whose waiter gave up, or whose first answer was refused (an orphan,
 * chan_orphan.h), rare, is checked as its waiter's would have been, in
 * the thread or the worker that decrypted it, and grants its credits too.
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
 * Messages of one channel in the hands of workers at a time: more than
 * the guest's CPUs need to verify what four channels receive, and a
 * bound on what a server that sends encrypted messages nobody asked for
 * can make us hold.
 */
#define SMB3MC_RX_JOBS		4

static struct workqueue_struct *smb3mc_rx_wq;

/* One message on its way from the receive thread through a worker. */
struct chan_rx_job {
	struct work_struct work;
	struct smb3mc_chan *chan;
	/* Signed: @buf is the response to @req, to verify, then end it. */
	struct smb3mc_req *req;
	/*
	 * Encrypted (@req NULL): @th is its transform header and @buf the
	 * @len bytes after it, decrypted with @seal, then matched.
	 */
	struct smb3mc_seal *seal;
	void *buf;
	size_t len;
	size_t rx_len;			/* signed: READ data in @req->rx_data */
	u64 rx_ns;			/* when it was received whole */
	u8 th[sizeof(struct smb2_transform_hdr)];
};

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
	/* A wait for credits ends when no answer is left to grant them. */
	if (atomic_dec_and_test(&chan->stats.in_flight))
		wake_up_all(&chan->credit_wait);
	atomic64_inc(&chan->stats.requests);
	if (req->done_fn)
		req->done_fn(req);
	else
		complete(&req->done);
}

bool __smb3mc_chan_unlist(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	if (xa_load(&chan->mids, req->mid) != req || req->judging)
		return false;
	__xa_erase(&chan->mids, req->mid);
	return true;
}

bool smb3mc_chan_unlist(struct smb3mc_chan *chan, struct smb3mc_req *req)
{
	bool ours;

	xa_lock(&chan->mids);
	ours = __smb3mc_chan_unlist(chan, req);
	xa_unlock(&chan->mids);
	return ours;
}

/*
 * What the channel keeps of @req for its late answer, once its waiter
 * gave up or an answer to it was refused: its credits, and what its
 * sender asked to be told (NULL without memory: its credits are then lost
 * with the answer). Kept for two of its timeouts: past that, a server
 * that answers at all has long answered. Its interims extend nothing.
 */
struct smb3mc_orphan *smb3mc_chan_orphan_new(struct smb3mc_chan *chan,
					     const struct smb3mc_req *req,
					     gfp_t gfp)
{
	unsigned long timeout = req->timeout ? req->timeout : chan->timeout;
	const struct smb2_hdr *hdr = req->iov[0].iov_base;
	struct smb3mc_orphan *o;

	o = kzalloc(sizeof(*o), gfp);
	if (!o)
		return NULL;
	o->mid = req->mid;
	o->expires = jiffies + 2 * timeout;
	o->command = hdr->command;
	o->verify = req->sign && !req->skip_verify;
	o->seal = req->seal;
	o->cancelled = READ_ONCE(req->cancelled);
	o->fn = req->orphan_fn;
	o->owner = req->orphan_owner;
	o->cookie = req->orphan_cookie;
	return o;
}

struct smb3mc_orphan *__smb3mc_chan_orphan_add(struct smb3mc_chan *chan,
					       struct smb3mc_orphan *o,
					       const struct smb3mc_req *req)
{
	o->interim_credited = req->interim_credited;
	return smb3mc_orphans_add(&chan->orphans, o);
}

void smb3mc_chan_fail_all(struct smb3mc_chan *chan, int rc)
{
	bool silent = READ_ONCE(chan->silent);
	struct smb3mc_req *req;
	unsigned long mid;
	bool ours;

	xa_for_each(&chan->mids, mid, req) {
		/* Looked up again under the lock: it may have ended. */
		xa_lock(&chan->mids);
		ours = xa_load(&chan->mids, mid) == req &&
		       __smb3mc_chan_unlist(chan, req);
		xa_unlock(&chan->mids);
		if (!ours)
			continue;
		/* It went unanswered too: its owner counts how often. */
		if (silent)
			req->stalls++;
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
 * Every well-formed message shows that something came; all but interim
 * responses show the connection alive: those are unsigned and may come for
 * ever, so they must not keep the ECHO probe from finding a dead server.
 */
static void chan_heard(struct smb3mc_chan *chan, bool alive)
{
	WRITE_ONCE(chan->last_frame_ns, ktime_get_ns());
	if (alive)
		WRITE_ONCE(chan->last_rx, jiffies);
}

/*
 * MS-SMB2 3.2.5.1.4: take in the credits @hdr grants, only once its
 * message is taken as the server's word (3.2.5.1.2, 3.2.5.1.3): the
 * answer to an outstanding request, of its command, its signature checked
 * (or one of ksmbd's taken without) or its decryption proving it; the
 * first interim of an outstanding request; a break notification. Credits
 * from a message that answers nothing, or anyone could have sent, would
 * have us send more than the server granted, and a server drops a client
 * that does.
 */
static void chan_grant(struct smb3mc_chan *chan, const struct smb2_hdr *hdr)
{
	smb3mc_chan_add_credits(chan, le16_to_cpu(hdr->credit_req_rsp));
}

/*
 * The first error of a worker drops the connection, as the receive thread
 * would have: the thread stops at it, and sees the socket shut as well.
 */
static void chan_rx_fail(struct smb3mc_chan *chan, int rc)
{
	cmpxchg(&chan->rx_error, 0, rc);
	kernel_sock_shutdown(chan->sock, SHUT_RDWR);
}

/* Hand @job to a worker that runs @fn; waits while the channel has enough. */
static void chan_rx_queue(struct smb3mc_chan *chan, struct chan_rx_job *job,
			  work_func_t fn)
{
	wait_event(chan->rx_wait,
		   atomic_read(&chan->rx_jobs) < SMB3MC_RX_JOBS);
	atomic_inc(&chan->rx_jobs);
	job->chan = chan;
	INIT_WORK(&job->work, fn);
	queue_work(smb3mc_rx_wq, &job->work);
}

/* The end of every worker: @job's last touch of its channel. */
static void chan_rx_job_done(struct chan_rx_job *job, unsigned int nofs)
{
	struct smb3mc_chan *chan = job->chan;

	kfree(job);
	memalloc_nofs_restore(nofs);
	/* smb3mc_chan_rx_flush() waits for us before the channel goes. */
	atomic_dec(&chan->rx_jobs);
	wake_up(&chan->rx_wait);
}

/* Count a response to @req, received at @rx_ns, in the channel's figures. */
static void chan_account(struct smb3mc_chan *chan, struct smb3mc_req *req,
			 u16 command, size_t len, u64 rx_ns)
{
	u64 rtt;

	atomic64_add(len, &chan->stats.bytes_received);
	spin_lock(&chan->stats.lock);
	if (smb3mc_times_link(command, req->rx_data || req->tx_data)) {
		rtt = div_u64(rx_ns - req->sent_ns, NSEC_PER_USEC);
		WRITE_ONCE(chan->stats.last_rtt_us, rtt);
		if (!chan->stats.min_rtt_us || rtt < chan->stats.min_rtt_us)
			WRITE_ONCE(chan->stats.min_rtt_us, rtt);
	}
	smb3mc_rate_update(&chan->stats.rate, req->payload, req->sent_ns,
			   rx_ns);
	spin_unlock(&chan->stats.lock);
}

/* A signed response whose signature is yet to be checked. */
static bool chan_must_verify(const struct smb3mc_req *req, bool sealed)
{
	return !sealed && req->sign && !req->skip_verify;
}

/* The command @req sent, which its responses must carry. */
static __le16 chan_req_command(const struct smb3mc_req *req)
{
	const struct smb2_hdr *orig = req->iov[0].iov_base;

	return orig->command;
}

/*
 * What an answer must be to be taken (MS-SMB2 3.2.5.1.3, 3.3.4.1.4): of
 * an outstanding request (chan_want_req()) or of an orphan, whose waiter
 * gave up (chan_want_orphan()), so that both pass the same checks.
 */
struct chan_want {
	__le16 command;			/* the request's */
	bool seal;			/* the answer must come encrypted */
	bool verify;			/* ... else signed, the signature checked */
	bool cancelled;			/* a CANCEL for the request went out */
	/* READ data received for it, @rx_len bytes into @rx_data */
	const struct iov_iter *rx_data;
	size_t rx_len;
};

/* What an answer to @req must be, @rx_len bytes of READ data with it. */
static void chan_want_req(const struct smb3mc_req *req, size_t rx_len,
			  struct chan_want *w)
{
	w->command = chan_req_command(req);
	w->seal = req->seal;
	w->verify = req->sign && !req->skip_verify;
	w->cancelled = READ_ONCE(req->cancelled);
	w->rx_data = req->rx_data;
	w->rx_len = rx_len;
}

/* An orphan's answer comes whole, READ data and all: none received. */
static void chan_want_orphan(const struct smb3mc_orphan *o,
			     struct chan_want *w)
{
	w->command = o->command;
	w->seal = o->seal;
	w->verify = o->verify;
	w->cancelled = o->cancelled;
	w->rx_data = NULL;
	w->rx_len = 0;
}

/*
 * ksmbd (fs/smb/server, up to 6.12 at least) signs an error response to
 * READ over the 4-byte transport header in front of it as well: for a
 * READ its signer takes the buffer before the header along, which for a
 * successful one is the data after it. That signature, checked against
 * the transport header the response came with, proves the response as
 * much as a right one: it is taken. smb3mc compounds no READ, so the
 * transport header is this response's alone.
 */
static bool chan_read_error_signed_with_frame(struct smb3mc_chan *chan,
					      const struct chan_want *w,
					      const struct kvec *iov)
{
	const struct smb2_hdr *hdr = iov->iov_base;
	__be32 frame = cpu_to_be32(iov->iov_len);

	if (hdr->command != cpu_to_le16(SMB2_READ) ||
	    hdr->status == STATUS_SUCCESS || w->rx_len ||
	    smb3mc_verify_prefixed(&chan->signer, &frame, sizeof(frame), iov))
		return false;
	pr_info_once("smb3mc: %s: the server signs errors to READ over the transport header too (as ksmbd does): taken\n",
		     chan->name);
	return true;
}

/*
 * ksmbd sends some refusals with their header twice and signs the second
 * copy only (smb3mc_error_repeated()). A first copy equal to a second one
 * whose signature checks out is as good as a right signature: the
 * response is taken, cut to that copy.
 */
static bool chan_error_signed_twice(struct smb3mc_chan *chan,
				    const struct chan_want *w, void *rsp,
				    size_t *len)
{
	size_t copy = smb3mc_error_repeated(rsp, *len);
	struct kvec iov = { .iov_base = rsp + *len - copy, .iov_len = copy };

	if (!copy || w->rx_len ||
	    smb3mc_verify_data(&chan->signer, &iov, 1, NULL))
		return false;
	pr_info_once("smb3mc: %s: the server sends an error response twice and signs the second (as ksmbd does): taken\n",
		     chan->name);
	*len = copy;
	return true;
}

/*
 * ksmbd answers an ECHO without looking at its session, so an encrypted
 * ECHO gets its answer in clear, where MS-SMB2 3.3.4.1.4 wants it
 * encrypted. An ECHO's answer shows the connection alive and nothing
 * more, as one sent in clear does (smb3mc_cmd_in_session()): taken, so
 * that a sealed session can bind its channels there (ses_time_chan()).
 */
static bool chan_echo_answered_in_clear(struct smb3mc_chan *chan,
					const struct chan_want *w)
{
	if (w->command != cpu_to_le16(SMB2_ECHO))
		return false;
	pr_info_once("smb3mc: %s: the server answers an encrypted ECHO in clear (as ksmbd does): taken\n",
		     chan->name);
	return true;
}

/*
 * Whether @rsp (*@len bytes) and the data received for it carry a
 * signature that proves them, or one of ksmbd's that proves as much; the
 * latter may cut *@len to the part it proves.
 */
static bool chan_signature_proves(struct smb3mc_chan *chan,
				  const struct chan_want *w, void *rsp,
				  size_t *len)
{
	const struct smb2_hdr *hdr = rsp;
	struct kvec iov = { .iov_base = rsp, .iov_len = *len };
	struct iov_iter data;

	if (!(hdr->flags & SMB2_FLAGS_SIGNED))
		return false;
	if (w->rx_len) {
		data = *w->rx_data;
		iov_iter_truncate(&data, w->rx_len);
	}
	return !smb3mc_verify_data(&chan->signer, &iov, 1,
				   w->rx_len ? &data : NULL) ||
	       chan_read_error_signed_with_frame(chan, w, &iov) ||
	       chan_error_signed_twice(chan, w, rsp, len);
}

/*
 * ksmbd leaves two answers unsigned (the SIGNED flag set, the Signature
 * zero): the final answer to a request a CANCEL ended, which it sends
 * through its interim-response path, in clear on a sealed session too,
 * and the answer to a lease break acknowledgment (it signs no
 * OPLOCK_BREAK). Neither grants anything: the first says the request was
 * not carried out, as its refusal would leave it; the second answers the
 * acknowledgment of a lease already given up. Both are taken, unsigned
 * or in clear, their credits too, so that a signal ends a blocking lock
 * with EINTR, and a break passes without a warning.
 */
static bool chan_grants_nothing(struct smb3mc_chan *chan,
				const struct chan_want *w,
				const struct smb2_hdr *hdr)
{
	if (w->cancelled && hdr->status == STATUS_CANCELLED) {
		pr_info_once("smb3mc: %s: the server does not sign or encrypt its answer to a cancelled request (as ksmbd does): taken\n",
			     chan->name);
		return true;
	}
	if (w->command == cpu_to_le16(SMB2_OPLOCK_BREAK) &&
	    hdr->command == w->command) {
		pr_info_once("smb3mc: %s: the server does not sign its answer to a lease break acknowledgment (as ksmbd does): taken\n",
			     chan->name);
		return true;
	}
	return false;
}

enum chan_verdict {
	CHAN_TAKEN,
	CHAN_OTHER_COMMAND,
	CHAN_IN_CLEAR,
	CHAN_BAD_SIGNATURE,
};

/*
 * Whether @rsp (*@len bytes, which a signature of ksmbd's may cut) and
 * the data received for it are an answer as @w wants. A response of
 * another command answers nothing the request asked, whatever its status
 * says. MS-SMB2 3.3.4.1.4: the response to an encrypted request comes
 * encrypted; one that decrypted needs no signature (3.2.5.1.3).
 */
static enum chan_verdict chan_judge(struct smb3mc_chan *chan,
				    const struct chan_want *w, void *rsp,
				    size_t *len, bool sealed)
{
	const struct smb2_hdr *hdr = rsp;

	if (hdr->command != w->command)
		return CHAN_OTHER_COMMAND;
	if (w->seal && !sealed && !chan_echo_answered_in_clear(chan, w) &&
	    !chan_grants_nothing(chan, w, hdr))
		return CHAN_IN_CLEAR;
	if (!sealed && w->verify && !chan_signature_proves(chan, w, rsp, len) &&
	    !chan_grants_nothing(chan, w, hdr))
		return CHAN_BAD_SIGNATURE;
	return CHAN_TAKEN;
}

/*
 * Under the MessageId table's lock: an answer to @req came, and the
 * receive side owns @req from now. @req stays in the table, marked, until
 * the verdict on every answer to it being judged (chan_settle()): its
 * waiter leaves it to us then (chan.c), and another answer, which may come
 * meanwhile on this thread or a worker, finds it there, not a gap.
 */
static void chan_claim(struct smb3mc_req *req)
{
	req->judging++;
}

/*
 * The verdict on one answer to @req is in: @rsp (@len bytes, and @rx_len
 * received into @req->rx_data) with @rc, @taken or refused (@rsp NULL:
 * lost with the connection as it came). The first answer taken is the
 * request's; the last verdict ends it, with that answer, or failed with
 * its own. MS-SMB2 3.2.5.1.3 discards an answer whose signature fails and
 * goes on waiting; this client fails the request once no answer to it is
 * left to judge, as a server that signs wrongly rarely answers again and
 * each call would wait for its timeout, but keeps the request as one given
 * up is (an orphan): an answer that passes, should one come later, grants
 * its credits and has what it made undone (a CREATE's open closed),
 * instead of finding nothing. Takes @rsp.
 */
static void chan_settle(struct smb3mc_chan *chan, struct smb3mc_req *req,
			void *rsp, size_t len, size_t rx_len, int rc, bool taken)
{
	struct smb3mc_orphan *o = NULL, *old = NULL;
	const struct smb2_hdr *hdr = rsp;
	bool keep = false, last;

	if (rsp && !taken)
		o = smb3mc_chan_orphan_new(chan, req, GFP_KERNEL);
	xa_lock(&chan->mids);
	last = !--req->judging;
	if (taken && !req->taken) {
		req->taken = true;
		req->grant = le16_to_cpu(hdr->credit_req_rsp);
		req->rc = rc;
		keep = true;
	} else if (!req->taken) {
		/*
		 * None taken yet: the request fails as the last refused
		 * answer says, or as lost once any was, to be sent again.
		 */
		if (req->rc != -ECONNABORTED)
			req->rc = rc;
		keep = last && rsp;
	}
	if (keep) {
		req->rsp = rsp;
		req->rsp_len = len;
		req->rx_len = rx_len;
		req->status = hdr->status;
	}
	if (last) {
		__xa_erase(&chan->mids, req->mid);
		if (!req->taken && o) {
			old = __smb3mc_chan_orphan_add(chan, o, req);
			o = NULL;
		}
	}
	xa_unlock(&chan->mids);
	kfree(o);
	smb3mc_orphan_free(old, chan->name);
	if (!keep)
		kvfree(rsp);
	if (!last)
		return;
	/* Before the end, which may let a waiter for credits give up. */
	smb3mc_chan_add_credits(chan, req->grant);
	smb3mc_chan_finish(chan, req, 0);
}

/*
 * Judge one answer to @req: @rsp (@len bytes) and the @rx_len bytes
 * received into @req->rx_data with it, by the checks of MS-SMB2 3.2.5.1.3
 * and 3.3.4.1.4; then settle @req with it. Takes @rsp.
 */
static void chan_check_end(struct smb3mc_chan *chan, struct smb3mc_req *req,
			   void *rsp, size_t len, size_t rx_len, bool sealed)
{
	struct smb2_hdr *hdr = rsp;
	enum chan_verdict verdict;
	struct chan_want w;
	int rc = 0;

	chan_want_req(req, rx_len, &w);
	verdict = chan_judge(chan, &w, rsp, &len, sealed);
	switch (verdict) {
	case CHAN_OTHER_COMMAND:
		pr_warn_ratelimited("smb3mc: %s: %s response to %s (MessageId %llu), refused\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)),
				    smb3mc_command_name(le16_to_cpu(w.command)),
				    req->mid);
		rc = -EIO;
		break;
	case CHAN_IN_CLEAR:
		pr_warn_ratelimited("smb3mc: %s: unencrypted response to encrypted command %s, refused\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)));
		rc = -EACCES;
		break;
	case CHAN_BAD_SIGNATURE:
		pr_warn_ratelimited("smb3mc: %s: response to command %u has a missing or bad signature\n",
				    chan->name, le16_to_cpu(hdr->command));
		rc = -EACCES;
		break;
	case CHAN_TAKEN:
		/*
		 * MS-SMB2 3.2.5.1.5 makes STATUS_PENDING an interim response
		 * only with SMB2_FLAGS_ASYNC_COMMAND: without it, it is no
		 * final answer either, and the request fails rather than
		 * wait for one that may never come.
		 */
		if (hdr->status == STATUS_PENDING) {
			pr_warn_ratelimited("smb3mc: %s: %s answered STATUS_PENDING without SMB2_FLAGS_ASYNC_COMMAND (MessageId %llu): not an interim response, refused\n",
					    chan->name,
					    smb3mc_command_name(le16_to_cpu(hdr->command)),
					    req->mid);
			rc = -EIO;
		}
		break;
	}
	chan_settle(chan, req, rsp, len, rx_len, rc, verdict == CHAN_TAKEN);
}

static void chan_verify_work(struct work_struct *work)
{
	struct chan_rx_job *job = container_of(work, struct chan_rx_job,
					       work);
	unsigned int nofs = memalloc_nofs_save();

	chan_check_end(job->chan, job->req, job->buf, job->len, job->rx_len,
		       false);
	chan_rx_job_done(job, nofs);
}

/*
 * @req, claimed, got an answer @rsp (@len bytes) at @rx_ns, and @rx_len
 * bytes of data into @req->rx_data: judge it, or have a worker verify it
 * and judge it there. From the receive thread, or from the worker that
 * decrypted @rsp, which is then not verified: no worker waits for another.
 */
static void chan_complete(struct smb3mc_chan *chan, struct smb3mc_req *req,
			  void *rsp, size_t len, size_t rx_len, bool sealed,
			  u64 rx_ns)
{
	const struct smb2_hdr *hdr = rsp;
	struct chan_rx_job *job;

	chan_account(chan, req, le16_to_cpu(hdr->command), len + rx_len,
		     rx_ns);
	/* Without memory for the job, verified here: slower, not lost. */
	job = chan_must_verify(req, sealed) ?
	      kmalloc(sizeof(*job), GFP_KERNEL) : NULL;
	if (!job) {
		chan_check_end(chan, req, rsp, len, rx_len, sealed);
		return;
	}
	job->req = req;
	job->buf = rsp;
	job->len = len;
	job->rx_len = rx_len;
	chan_rx_queue(chan, job, chan_verify_work);
}

/*
 * The late answer @rsp (@len bytes) to the orphan @o, whose waiter gave
 * up: taken when it passes the checks chan_check_end() makes of the
 * waiter's answer (chan_judge()). It then grants its credits, as that
 * one would have (MS-SMB2 3.2.5.1.4), and goes to the sender's @fn, if
 * any, which looks at its status itself. One refused leaves @o in the
 * table: no waiter ends with it, and the real answer may still come.
 * Takes @o and @rsp.
 */
static void chan_orphan_answer(struct smb3mc_chan *chan,
			       struct smb3mc_orphan *o, void *rsp, size_t len,
			       bool sealed)
{
	const struct smb2_hdr *hdr = rsp;
	struct smb3mc_orphan *old;
	const char *why = NULL;
	struct chan_want w;

	chan_want_orphan(o, &w);
	switch (chan_judge(chan, &w, rsp, &len, sealed)) {
	case CHAN_OTHER_COMMAND:
		why = "of another command";
		break;
	case CHAN_IN_CLEAR:
		why = "unencrypted";
		break;
	case CHAN_BAD_SIGNATURE:
		why = "with a missing or bad signature";
		break;
	case CHAN_TAKEN:
		chan_grant(chan, hdr);
		if (o->fn)
			o->fn(o->owner, o->cookie, rsp, len);
		break;
	}
	if (why) {
		pr_warn_ratelimited("smb3mc: %s: %s response for MessageId %llu, whose waiter gave up, %s: ignored\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)),
				    o->mid, why);
		xa_lock(&chan->mids);
		old = smb3mc_orphans_add(&chan->orphans, o);
		xa_unlock(&chan->mids);
		smb3mc_orphan_free(old, chan->name);
	} else {
		kfree(o);
	}
	kvfree(rsp);
}

/*
 * Under the MessageId table's lock: an interim response @hdr (@sealed
 * when it came encrypted) for no outstanding request, maybe an orphan's.
 * Whether it grants credits: only the first interim of the request does,
 * as for one outstanding, and only when it is of the command and as
 * encrypted as the request. It extends nothing: the orphan still expires
 * when it would have. *@why says why it is ignored.
 */
static bool chan_orphan_interim(struct smb3mc_chan *chan,
				const struct smb2_hdr *hdr, bool sealed,
				const char **why)
{
	struct smb3mc_orphan *o;

	o = smb3mc_orphans_find(&chan->orphans,
				le64_to_cpu(hdr->message_id));
	if (!o)
		return false;
	if (hdr->command != o->command || (o->seal && !sealed)) {
		*why = "which is not outstanding, its waiter gave up, and not as its answer must be";
		return false;
	}
	if (o->interim_credited) {
		*why = "which is not outstanding, its waiter gave up";
		return false;
	}
	o->interim_credited = true;
	return true;
}

/*
 * Hand one response, whose header was checked, to its request; @sealed
 * when it came encrypted. Takes @buf. Returns 0 or -EIO to drop.
 */
static int chan_dispatch_one(struct smb3mc_chan *chan, void *buf, size_t len,
			     bool sealed, u64 rx_ns)
{
	const char *why = "which is not outstanding";
	struct smb3mc_orphan *orphan = NULL;
	struct smb2_hdr *hdr = buf;
	struct smb3mc_req *req;
	bool grant = false;
	u64 mid;

	mid = le64_to_cpu(hdr->message_id);

	/*
	 * MS-SMB2 3.2.5.1.5: an interim response; the final one follows. It
	 * extends the wait of an outstanding request, within bounds (chan.c),
	 * and not the time an orphan is kept.
	 */
	if (hdr->status == STATUS_PENDING &&
	    (hdr->flags & SMB2_FLAGS_ASYNC_COMMAND)) {
		chan_heard(chan, false);
		xa_lock(&chan->mids);
		req = xa_load(&chan->mids, mid);
		if (!req)
			grant = chan_orphan_interim(chan, hdr, sealed, &why);
		if (req && hdr->command != chan_req_command(req)) {
			req = NULL;
			why = "of another command";
		}
		/* 3.3.4.1.4: as encrypted as the final one must be */
		if (req && req->seal && !sealed) {
			req = NULL;
			why = "unencrypted, to an encrypted request";
		}
		/*
		 * MS-SMB2 3.3.4.1.2: a request's credits come in its interim.
		 * Unsigned, so only its first one's are taken: a stream of
		 * them grants no more than one.
		 */
		if (req) {
			grant = !req->interim_credited;
			req->interim_credited = true;
		}
		/* One whose answer came already it extends no more. */
		if (req && !req->judging) {
			req->async_id = le64_to_cpu(hdr->id.async_id);
			WRITE_ONCE(req->interim, true);
		}
		xa_unlock(&chan->mids);
		if (grant)
			chan_grant(chan, hdr);
		if (!req && !grant)
			pr_warn_ratelimited("smb3mc: %s: interim response for MessageId %llu, %s, ignored\n",
					    chan->name, mid, why);
		kvfree(buf);
		return 0;
	}
	/*
	 * MS-SMB2 3.2.5.19: a break notification, which answers nothing.
	 * Unsigned (3.2.5.1.3), so, like an interim, no proof of life.
	 */
	if (mid == U64_MAX && hdr->command == cpu_to_le16(SMB2_OPLOCK_BREAK)) {
		chan_heard(chan, false);
		/* 3.2.5.1.3 verifies none, 3.2.5.1.4 takes in its credits. */
		chan_grant(chan, hdr);
		/* smb3mc_chan_set_owner() set it before the thread started. */
		chan->on_break(chan, buf, len);
		kvfree(buf);
		return 0;
	}
	chan_heard(chan, true);

	/*
	 * The server forgot the session (it reaps idle ones, or was told to
	 * drop it) but not the connection. Such an answer cannot be signed:
	 * the key went with the session. A request that got it is lost as
	 * with the connection, which is now no use to the session: drop it,
	 * and the request goes out again on another channel, or in the new
	 * session set up once every channel went this way (reconnect.c).
	 */
	if (smb3mc_hdr_session_gone(hdr) &&
	    READ_ONCE(chan->state) == SMB3MC_CHAN_GOOD &&
	    xa_load(&chan->mids, mid)) {
		pr_warn_ratelimited("smb3mc: %s: %s answered %s: the server no longer has the session, dropping the connection\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)),
				    smb3mc_status_name(hdr->status));
		kvfree(buf);
		return -EIO;
	}

	/* A waiter that gives up moves its request under this lock. */
	xa_lock(&chan->mids);
	req = xa_load(&chan->mids, mid);
	if (req)
		chan_claim(req);
	else
		orphan = smb3mc_orphans_take(&chan->orphans, mid);
	xa_unlock(&chan->mids);
	if (orphan) {
		chan_orphan_answer(chan, orphan, buf, len, sealed);
		return 0;
	}
	if (!req) {
		/*
		 * The server answered twice, or with a MessageId never sent,
		 * or so late that the orphan its waiter left was pushed out
		 * or expired. MS-SMB2 3.2.5.1.2: discarded, credits and all.
		 */
		pr_warn_ratelimited("smb3mc: %s: %s response for MessageId %llu, which is not outstanding, ignored\n",
				    chan->name,
				    smb3mc_command_name(le16_to_cpu(hdr->command)),
				    mid);
		kvfree(buf);
		return 0;
	}
	chan_complete(chan, req, buf, len, 0, sealed, rx_ns);
	return 0;
}

/*
 * Hand each response of a received message to its request: one, or those
 * of a compound (MS-SMB2 3.2.5.1.9), each in a buffer of its own, which
 * its request frees: a copy of its part, but for a message of one
 * response, which is handed on whole. A malformed header drops the
 * connection, but after a response that was handed on: what follows it
 * is ignored, and the requests it would have answered time out. Takes
 * @buf. Returns 0 or an errno to drop.
 */
static int chan_dispatch(struct smb3mc_chan *chan, void *buf, size_t len,
			 bool sealed, u64 rx_ns)
{
	size_t off = 0, part_len;
	void *part;
	int next, rc;

	do {
		next = smb3mc_hdr_next(buf + off, len - off);
		if (next < 0 && off) {
			pr_warn_ratelimited("smb3mc: %s: malformed response in a compound, the rest of the message ignored\n",
					    chan->name);
			rc = 0;
			break;
		}
		if (next < 0) {
			pr_warn_ratelimited("smb3mc: %s: malformed response header, dropping the connection\n",
					    chan->name);
			rc = -EIO;
			break;
		}
		part_len = next ?: len - off;
		if (!off && !next) {
			part = buf;
			buf = NULL;
		} else {
			part = kvmalloc(part_len, GFP_KERNEL);
			if (!part) {
				rc = -ENOMEM;
				break;
			}
			memcpy(part, buf + off, part_len);
		}
		rc = chan_dispatch_one(chan, part, part_len, sealed, rx_ns);
		off += next;
	} while (!rc && next);
	kvfree(buf);
	return rc;
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
 * The request is ours from the moment we claim it (chan_claim()), so its
 * pages stay valid while the data arrives: a waiter that times out
 * meanwhile waits for us, and a server that stops mid-message is caught
 * by the ECHO that then goes unanswered, which drops the connection. The
 * READ of an orphan has no pages left: the caller receives it whole, and
 * drops it once checked, its credits taken (chan_orphan_answer()).
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
	/*
	 * More than asked for is the READ parser's to refuse. A second
	 * answer, while the first is checked, is received whole.
	 */
	if (req && !req->judging && req->rx_data && !req->seal &&
	    !(req->sign && req->rx_shared) &&
	    iov_iter_count(req->rx_data) >= dlen)
		chan_claim(req);
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
	chan_heard(chan, true);
	chan_complete(chan, req, rsp, off, dlen, false, ktime_get_ns());
	return 0;
fail:
	kfree(rsp);
	/* Lost with the connection: the session sends it again elsewhere. */
	chan_settle(chan, req, NULL, 0, 0, -ECONNABORTED, false);
	return rc;
}

/*
 * The worker's part of a transform message: decrypt it in place
 * (MS-SMB2 3.2.5.1.1.1), then handle it as any other message.
 */
static void chan_decrypt_work(struct work_struct *work)
{
	struct chan_rx_job *job = container_of(work, struct chan_rx_job,
					       work);
	unsigned int nofs = memalloc_nofs_save();
	struct smb3mc_chan *chan = job->chan;
	struct kvec iov[2];
	ssize_t n;
	int rc;

	iov[0].iov_base = job->th;
	iov[0].iov_len = sizeof(job->th);
	iov[1].iov_base = job->buf;
	iov[1].iov_len = job->len;
	n = smb3mc_decrypt(&job->seal->dec, iov, 2);
	/*
	 * 3.2.5.1.1.1: a failed tag disconnects. The MessageId is inside,
	 * so which request it answered is not known: the connection's
	 * requests all go out again on another, or fail.
	 */
	if (n == -EACCES) {
		pr_warn_ratelimited("smb3mc: %s: encrypted response does not decrypt, dropping the connection\n",
				    chan->name);
		rc = -EIO;
	} else if (n >= 0) {
		atomic64_inc(&chan->stats.sealed_in);
		rc = chan_dispatch(chan, job->buf, n, true, job->rx_ns);
	} else {
		rc = n;
	}
	if (n < 0)
		kvfree(job->buf);
	if (rc)
		chan_rx_fail(chan, rc);
	chan_rx_job_done(job, nofs);
}

/*
 * A transform message (MS-SMB2 2.2.41) of @len bytes, whose first bytes
 * are in @chan->rx_head: checked, received whole and handed to a worker,
 * which decrypts it (3.2.5.1.1.1). Returns 0, or an errno that drops the
 * connection, as 3.2.5.1.1.1 asks for a malformed transform header.
 */
static int chan_receive_sealed(struct smb3mc_chan *chan, size_t len,
			       size_t head)
{
	const size_t th = sizeof(struct smb2_transform_hdr);
	struct chan_rx_job *job;
	struct smb3mc_seal *seal;
	const char *why;
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
	job = kmalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	/* The plaintext lands at the start of @buf, which its request frees. */
	buf = kvmalloc(len - th, GFP_KERNEL);
	if (!buf) {
		kfree(job);
		return -ENOMEM;
	}
	memcpy(buf, chan->rx_head + th, head - th);
	rc = chan_recv_exact(chan, buf + head - th, len - head);
	if (rc) {
		kvfree(buf);
		kfree(job);
		return rc;
	}
	memcpy(job->th, chan->rx_head, th);
	job->req = NULL;
	job->seal = seal;
	job->buf = buf;
	job->len = len - th;
	job->rx_ns = ktime_get_ns();
	chan_rx_queue(chan, job, chan_decrypt_work);
	return 0;
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
	if (rc) {
		kvfree(buf);
		return rc;
	}
	return chan_dispatch(chan, buf, len, false, ktime_get_ns());

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
		rc = chan_receive_one(chan) ?: READ_ONCE(chan->rx_error);
	} while (!rc && !kthread_should_stop());

	if (!kthread_should_stop())
		pr_warn_ratelimited("smb3mc: %s: connection lost (%d)\n",
				    chan->name, rc);
	/* What was received whole ends with its response, as it came. */
	wait_event(chan->rx_wait, !atomic_read(&chan->rx_jobs));
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

int smb3mc_chan_rx_init(void)
{
	/*
	 * Unbound: a message is verified on whichever CPU is free. Reclaim
	 * may wait for writeback that only a worker ends.
	 */
	smb3mc_rx_wq = alloc_workqueue("smb3mc_rx", WQ_UNBOUND | WQ_MEM_RECLAIM,
				       0);
	return smb3mc_rx_wq ? 0 : -ENOMEM;
}

void smb3mc_chan_rx_exit(void)
{
	destroy_workqueue(smb3mc_rx_wq);
}

void smb3mc_chan_rx_flush(void)
{
	flush_workqueue(smb3mc_rx_wq);
}
