// SPDX-License-Identifier: GPL-2.0
/*
 * Sending a session's requests: choosing the channel, stamping the header
 * (MS-SMB2 3.2.4.1), holding READ and WRITE pieces until a channel has
 * room for them, sending again on a surviving channel what a lost
 * channel took down with it (3.2.7.1), and closing what a CREATE opened
 * once its call ended without it.
 *
 * With no channel left, a request waits until the maintenance work has a
 * session again (reconnect.c): on a hard mount until then, killably, on a
 * soft one ses->soft_timeout at most. A request made in the session the
 * server lost goes out in the new one with its ids (SessionId and TreeId
 * stamped at each send, the FileId mapped to its reopened file's), or
 * fails when it has no meaning there: see ses_resume().
 *
 * Channel lifetime. The slots hold RCU pointers. A sender chooses a channel
 * under rcu_read_lock() and counts itself in chan->users before it leaves
 * the read side, and drops the count once its submit returned: from then
 * on the channel only refers to the request, never the other way round.
 * The maintenance work (reconnect.c) takes a dead channel out of its slot,
 * waits for a grace period, after which no chooser can still hold the
 * pointer uncounted, then for the count to reach zero, and only then frees
 * it. A dead channel turns every sender away at once, so that wait is
 * short.
 */

#include <linux/mm.h>
#include <linux/sched/signal.h>

#include "chan_pick.h"
#include "nterr.h"
#include "pdu_hdr.h"
#include "replay.h"
#include "session.h"

/*
 * STATUS_FILE_NOT_AVAILABLE to a resend: the server still runs requests
 * sent before the loss on that open (MS-SMB2 3.3.5.2.10). Ask again a
 * little later, longer each time.
 */
#define SMB3MC_BUSY_BASE_MS	50
#define SMB3MC_BUSY_MAX_MS	2000
/*
 * A request goes out at most this many more times: with the backoff above
 * about 40 s of such answers, longer than any request may take.
 */
#define SMB3MC_MAX_RESENDS	24
/*
 * A request that went unanswered on this many connections the server
 * stopped answering on fails with ETIMEDOUT rather than going out again:
 * a server that stalls on every connection would otherwise hold it one
 * request timeout a connection, up to SMB3MC_MAX_RESENDS times.
 */
#define SMB3MC_MAX_STALLS	2
/* The CLOSE of a handle opened after its call ended waits this long. */
#define SMB3MC_ORPHAN_CLOSE_TIMEOUT	(5 * HZ)

static void chan_load(const struct smb3mc_chan *chan,
		      struct smb3mc_chan_load *l)
{
	l->usable = chan && READ_ONCE(chan->state) == SMB3MC_CHAN_GOOD;
	if (!l->usable)
		return;
	l->in_flight_bytes = atomic64_read(&chan->stats.in_flight_bytes);
	l->rate_bps = READ_ONCE(chan->stats.rate.bps);
	l->speed_bps = READ_ONCE(chan->speed_bps);
	l->rtt_us = READ_ONCE(chan->stats.min_rtt_us);
}

/*
 * Under rcu_read_lock(): the channel in each slot in use and what
 * selection knows of it. Returns the number of slots.
 */
static unsigned int ses_loads(struct smb3mc_ses *ses,
			      struct smb3mc_chan **chans,
			      struct smb3mc_chan_load *loads)
{
	unsigned int i, n;

	/* Pairs with the release in multichannel.c: slots below n are set. */
	n = smp_load_acquire(&ses->nr_chans);
	for (i = 0; i < n; i++) {
		chans[i] = rcu_dereference(ses->slots[i].chan);
		chan_load(chans[i], &loads[i]);
	}
	return n;
}

/*
 * Choose among the channels with @choose (smb3mc_chan_choose() or its
 * _room() variant) and count ourselves on the one chosen. Returns its
 * index or the chooser's error; the channel in *@chanp.
 */
static int ses_choose(struct smb3mc_ses *ses, size_t payload,
		      int (*choose)(const struct smb3mc_chan_load *loads,
				    unsigned int n, size_t payload),
		      struct smb3mc_chan **chanp)
{
	struct smb3mc_chan_load loads[SMB3MC_MAX_CHANNELS] = {};
	struct smb3mc_chan *chans[SMB3MC_MAX_CHANNELS];
	int best;

	rcu_read_lock();
	best = choose(loads, ses_loads(ses, chans, loads), payload);
	if (best >= 0) {
		*chanp = chans[best];
		smb3mc_chan_hold(*chanp);
	}
	rcu_read_unlock();
	return best;
}

/**
 * smb3mc_ses_pick_chan - the channel a request of @payload bytes goes to
 * @ses: the session
 * @payload: bytes the request moves
 *
 * The usable channel expected to finish it first, by the bytes already
 * queued on each and each one's measured rate and round trip.
 *
 * Return: the channel, counted: smb3mc_ses_call() and smb3mc_ses_submit()
 * take the count over, others drop it with smb3mc_chan_put(). NULL when
 * no channel is usable.
 */
struct smb3mc_chan *smb3mc_ses_pick_chan(struct smb3mc_ses *ses,
					 size_t payload)
{
	struct smb3mc_chan *chan = NULL;

	ses_choose(ses, payload, smb3mc_chan_choose, &chan);
	return chan;
}

/**
 * smb3mc_ses_in_flight - bytes of READ and WRITE the session's channels hold
 * @ses: the session
 *
 * Return: the sum over its usable channels of the data sent and not yet
 * answered.
 */
u64 smb3mc_ses_in_flight(struct smb3mc_ses *ses)
{
	struct smb3mc_chan_load loads[SMB3MC_MAX_CHANNELS] = {};
	struct smb3mc_chan *chans[SMB3MC_MAX_CHANNELS];
	unsigned int i, n;
	u64 bytes = 0;

	rcu_read_lock();
	n = ses_loads(ses, chans, loads);
	rcu_read_unlock();
	for (i = 0; i < n; i++)
		if (loads[i].usable)
			bytes += loads[i].in_flight_bytes;
	return bytes;
}

/**
 * smb3mc_ses_chan - the channel in slot @i, if it is usable
 * @ses: the session
 * @i: slot below @ses->nr_chans
 *
 * Return: the channel, counted as by smb3mc_ses_pick_chan(), or NULL.
 */
struct smb3mc_chan *smb3mc_ses_chan(struct smb3mc_ses *ses, unsigned int i)
{
	struct smb3mc_chan *chan;

	rcu_read_lock();
	chan = rcu_dereference(ses->slots[i].chan);
	if (chan && READ_ONCE(chan->state) == SMB3MC_CHAN_GOOD)
		smb3mc_chan_hold(chan);
	else
		chan = NULL;
	rcu_read_unlock();
	return chan;
}

/*
 * SessionId, TreeId and ChannelSequence, and encryption when the session
 * encrypts (MS-SMB2 3.2.4.1.8), else signing when it signs. A 3.1.1
 * TREE_CONNECT is signed even with nosign: a server must drop the
 * connection on one neither signed nor encrypted (MS-SMB2 3.3.5.7).
 */
static void ses_stamp(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
		      struct smb3mc_req *req)
{
	u32 tid = req->tcon ? READ_ONCE(req->tcon->tid) : 0;
	struct smb2_hdr *hdr = req->iov[0].iov_base;
	bool must_sign = ses->dialect == SMB311_DIALECT &&
			 hdr->command == cpu_to_le16(SMB2_TREE_CONNECT);
	bool in_ses;

	req->seal = READ_ONCE(ses->encrypt);
	in_ses = smb3mc_cmd_in_session(le16_to_cpu(hdr->command), req->seal);
	hdr->session_id = in_ses ? cpu_to_le64(ses->id) : 0;
	hdr->id.sync.tree_id = cpu_to_le32(tid);
	/*
	 * MS-SMB2 3.2.4.1: Session.ChannelSequence in every request, read
	 * as late as possible, so that what follows a channel loss carries
	 * the raised value (3.2.7.1).
	 */
	hdr->status = cpu_to_le32((u16)atomic_read(&ses->chan_seq));
	/* MS-SMB2 3.2.4.1.1: an encrypted request is not signed. */
	req->sign = in_ses && !req->seal && (ses->sign || must_sign) &&
		    chan->signer_ready;
	/* A resend is signed again with this channel's key, or not at all. */
	if (!req->sign)
		hdr->flags &= ~SMB2_FLAGS_SIGNED;
}

/*
 * A CREATE whose waiter gave up (killed, timed out) may still open the
 * file once the server gets to it, and nobody would close that handle:
 * the server would keep the file open (its share modes, a lease, a delete
 * pending) until the session ends. Its channel keeps the MessageId for
 * the late answer (chan_orphan.h), and a successful one gets a CLOSE
 * (MS-SMB2 3.2.4.5), sent once, best effort, by a work item of the
 * session. Closing the session waits for those (ses_free()).
 */
struct ses_orphan_close {
	struct work_struct work;
	struct smb3mc_ses *ses;
	struct smb3mc_fid fid;
	u32 tid;			/* the TreeId the CREATE went with */
	struct smb3mc_req req;
	u8 buf[SMB2_HDR_SIZE + 24];	/* a CLOSE, MS-SMB2 2.2.15 */
};

static void ses_orphan_close_work(struct work_struct *work)
{
	struct ses_orphan_close *oc = container_of(work,
						   struct ses_orphan_close,
						   work);
	struct smb2_hdr *hdr = (struct smb2_hdr *)oc->buf;
	struct smb3mc_ses *ses = oc->ses;
	struct smb3mc_req *req = &oc->req;
	struct smb3mc_chan *chan = NULL;
	int len;

	len = smb3mc_build_close(oc->buf, sizeof(oc->buf), &oc->fid, false);
	if (len >= 0 && !READ_ONCE(ses->closing))
		chan = smb3mc_ses_pick_chan(ses, 0);
	/*
	 * A new session since: the server dropped the lost one's opens, and
	 * the ids are not the new one's. Looked at once the channel is
	 * picked, in the order ses_recover() publishes them (ses_resume()).
	 */
	if (chan) {
		/* Pairs with the smp_wmb() in ses_recover(). */
		smp_rmb();
		if (oc->fid.gen != READ_ONCE(ses->gen)) {
			smb3mc_chan_put(chan);
			chan = NULL;
		}
	}
	if (chan) {
		req->iov[0].iov_base = oc->buf;
		req->iov[0].iov_len = len;
		req->nr_iov = 1;
		req->timeout = SMB3MC_ORPHAN_CLOSE_TIMEOUT;
		req->stop = &ses->closing;
		ses_stamp(ses, chan, req);
		hdr->id.sync.tree_id = cpu_to_le32(oc->tid);
		smb3mc_chan_call(chan, req);
		smb3mc_chan_put(chan);
		kvfree(req->rsp);
	}
	kfree(oc);
	/* The last touch of @ses: closing may free it once this is zero. */
	if (atomic_dec_and_test(&ses->orphan_closes))
		wake_up_var(&ses->orphan_closes);
}

/* The handle the answer @rsp (@len bytes) to a CREATE opened: false if none. */
static bool ses_create_fid(const void *rsp, size_t len,
			   struct smb3mc_fid *fid)
{
	const struct smb2_hdr *hdr = rsp;
	struct smb3mc_create_rsp cr = {};

	if (!rsp || hdr->status != STATUS_SUCCESS ||
	    smb3mc_parse_create(rsp, len, &cr))
		return false;
	*fid = cr.fid;
	return true;
}

/*
 * A handle of @ses a CREATE opened that no caller takes: it gets a CLOSE,
 * sent by a work item, in the session and tree @cookie names
 * (ses_create_cookie()). @what says why, for the message.
 */
static void ses_close_unused(struct smb3mc_ses *ses,
			     const struct smb3mc_fid *fid, u64 cookie,
			     const char *what)
{
	struct ses_orphan_close *oc;
	bool queued = false;

	oc = kzalloc(sizeof(*oc), GFP_NOFS | __GFP_NOWARN);
	if (!oc) {
		pr_warn_ratelimited("smb3mc: %s: CREATE %s, no memory to close the handle\n",
				    ses->server, what);
		return;
	}
	INIT_WORK(&oc->work, ses_orphan_close_work);
	oc->ses = ses;
	oc->fid = *fid;
	oc->fid.gen = upper_32_bits(cookie);
	oc->tid = lower_32_bits(cookie);
	spin_lock(&ses->maint_lock);
	if (!ses->closing) {
		atomic_inc(&ses->orphan_closes);
		queue_work(ses->wq, &oc->work);
		queued = true;
	}
	spin_unlock(&ses->maint_lock);
	if (!queued) {
		kfree(oc);
		return;
	}
	pr_info_ratelimited("smb3mc: %s: CREATE %s: closing the handle\n",
			    ses->server, what);
}

/*
 * The late answer to a CREATE of ses_orphan_setup(), which its channel
 * checked: a handle opened is to be closed. From the receive side.
 */
static void ses_orphan_answer(void *owner, u64 cookie, const void *rsp,
			      size_t len)
{
	struct smb3mc_fid fid;

	if (ses_create_fid(rsp, len, &fid))
		ses_close_unused(owner, &fid, cookie,
				 "answered after its call ended");
}

/* The session and tree of @req, a CREATE, for ses_close_unused(). */
static u64 ses_create_cookie(const struct smb3mc_req *req)
{
	const struct smb2_hdr *hdr = req->iov[0].iov_base;

	return (u64)req->fid_gen << 32 | le32_to_cpu(hdr->id.sync.tree_id);
}

/*
 * Once stamped: the CREATE that @reqs (@n, a compound when more than one)
 * start with becomes an orphan of its channel if its waiter gives up, or
 * an answer to it is refused, for ses_orphan_answer() to close what the
 * answer that passes opens. Not a compound that closes
 * the open itself.
 */
static void ses_orphan_setup(struct smb3mc_ses *ses, struct smb3mc_req *reqs,
			     unsigned int n)
{
	struct smb3mc_req *first = &reqs[0];

	if (smb3mc_req_command(first) != SMB2_CREATE ||
	    smb3mc_req_command(&reqs[n - 1]) == SMB2_CLOSE)
		return;
	first->orphan_fn = ses_orphan_answer;
	first->orphan_owner = ses;
	/* The session its FileId will be valid in, and its tree */
	first->orphan_cookie = ses_create_cookie(first);
}

/*
 * A compound goes out again whole when a part after its CREATE was lost
 * with the channel: the handle the CREATE's answer opened, if it came,
 * is left over (not even the compound's own CLOSE may have run). The
 * copy sent again may get that open back, a replay the server knows by
 * the CreateGuid of a durable handle request (MS-SMB2 3.3.5.9.10), or
 * open another: the leftover is closed once the call ended, unless its
 * final answer has it.
 */
struct ses_leftover {
	bool set;
	struct smb3mc_fid fid;
	u64 cookie;
};

static void ses_leftover_close(struct smb3mc_ses *ses,
			       struct ses_leftover *left,
			       const struct smb3mc_req *first)
{
	struct smb3mc_fid fid;

	if (!left->set)
		return;
	left->set = false;
	if (ses_create_fid(first->rsp, first->rsp_len, &fid) &&
	    fid.persistent == left->fid.persistent &&
	    fid.volatile_id == left->fid.volatile_id)
		return;
	ses_close_unused(ses, &left->fid, left->cookie,
			 "answered in a compound sent again");
}

/* Before the @n requests of @reqs go out again: note what is left over. */
static void ses_leftover_keep(struct smb3mc_ses *ses,
			      const struct smb3mc_req *reqs, unsigned int n,
			      struct ses_leftover *left)
{
	const struct smb3mc_req *first = &reqs[0];
	struct smb3mc_fid fid;

	if (n < 2 || smb3mc_req_command(first) != SMB2_CREATE ||
	    !ses_create_fid(first->rsp, first->rsp_len, &fid))
		return;
	/* One left over by an earlier copy, unless this one got it back */
	ses_leftover_close(ses, left, first);
	left->fid = fid;
	left->cookie = ses_create_cookie(first);
	left->set = true;
}

/*
 * Whether @req, which ended with @rc, goes out again: it was lost with its
 * channel, or the server asks for a replay (MS-SMB2 3.2.5.14: a 3.x
 * multichannel server answers STATUS_FILE_NOT_AVAILABLE while the open
 * still has requests of a lost channel, 3.3.5.2.10). Not a request with
 * a timeout of its own, sent best effort (TREE_DISCONNECT and LOGOFF at
 * umount): a server asking for it again and again would hold umount up
 * for every backoff.
 */
static bool ses_should_resend(struct smb3mc_ses *ses,
			      const struct smb3mc_req *req, int rc)
{
	if (req->resends >= SMB3MC_MAX_RESENDS ||
	    smb3mc_replay_mode(ses->dialect, smb3mc_req_command(req)) ==
	    SMB3MC_REPLAY_NEVER)
		return false;
	if (rc == -ECONNABORTED)
		return req->stalls < SMB3MC_MAX_STALLS;
	return !rc && req->status == STATUS_FILE_NOT_AVAILABLE &&
	       !req->timeout &&
	       (ses->server_caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL);
}

/*
 * The errno of @req ending with @rc, not to be sent again. One lost with
 * a connection each time it went out fails with a message, unless it
 * belongs to its connection (smb3mc_replay_mode()); so does one the
 * server kept asking to send again.
 */
static int ses_final_rc(struct smb3mc_ses *ses, const struct smb3mc_req *req,
			int rc)
{
	u16 cmd = smb3mc_req_command(req);

	if (!rc && req->status == STATUS_FILE_NOT_AVAILABLE &&
	    req->resends >= SMB3MC_MAX_RESENDS)
		pr_warn_ratelimited("smb3mc: %s: %s answered STATUS_FILE_NOT_AVAILABLE %u times: it fails\n",
				    ses->server, smb3mc_command_name(cmd),
				    req->resends + 1);
	if (rc != -ECONNABORTED)
		return rc;
	if (req->stalls >= SMB3MC_MAX_STALLS)
		return -ETIMEDOUT;
	if (smb3mc_replay_mode(ses->dialect, cmd) != SMB3MC_REPLAY_NEVER)
		pr_warn_ratelimited("smb3mc: %s: %s lost with its connection %u times: it fails\n",
				    ses->server, smb3mc_command_name(cmd),
				    req->resends + 1);
	return rc;
}

/* Undo what the last attempt left and mark the request as a replay. */
static void ses_prepare_resend(struct smb3mc_ses *ses, struct smb3mc_req *req,
			       int rc)
{
	struct smb2_hdr *hdr = req->iov[0].iov_base;

	if (smb3mc_replay_mode(ses->dialect, smb3mc_req_command(req)) ==
	    SMB3MC_REPLAY_FLAGGED)
		hdr->flags |= SMB2_FLAGS_REPLAY_OPERATION;
	kvfree(req->rsp);
	req->rsp = NULL;
	req->resends++;
	if (rc == -ECONNABORTED)
		atomic_inc(&ses->slots[req->chan_id].resent);
}

static unsigned int ses_busy_ms(const struct smb3mc_req *req)
{
	return smb3mc_backoff_ms(req->resends, SMB3MC_BUSY_BASE_MS,
				 SMB3MC_BUSY_MAX_MS);
}

/**
 * smb3mc_ses_up - whether some slot of @ses holds a usable channel
 * @ses: the session
 *
 * Return: false while the server is lost, until the maintenance work has
 * a channel again.
 */
bool smb3mc_ses_up(struct smb3mc_ses *ses)
{
	struct smb3mc_chan *chan;
	unsigned int i, n;
	bool up = false;

	rcu_read_lock();
	/* Pairs with the release in multichannel.c, as in ses_loads(). */
	n = smp_load_acquire(&ses->nr_chans);
	for (i = 0; i < n && !up; i++) {
		chan = rcu_dereference(ses->slots[i].chan);
		up = chan && READ_ONCE(chan->state) == SMB3MC_CHAN_GOOD;
	}
	rcu_read_unlock();
	return up;
}

/*
 * A request without a channel waits for the server only once mounted (the
 * maintenance work then brings one back) and until umount.
 */
static bool ses_may_wait(struct smb3mc_ses *ses)
{
	return READ_ONCE(ses->maint_on) && !READ_ONCE(ses->closing) &&
	       !READ_ONCE(ses->unmounting);
}

/* umount -f came since @req began to wait. */
static bool ses_aborted(struct smb3mc_ses *ses, const struct smb3mc_req *req)
{
	return req->aborts != READ_ONCE(ses->aborts);
}

/* What is left of @req's wait for the server, whose clock starts here. */
static unsigned long ses_outage_left(struct smb3mc_ses *ses,
				     struct smb3mc_req *req)
{
	if (!req->outage_since) {
		req->outage_since = jiffies | 1;
		req->aborts = READ_ONCE(ses->aborts);
	}
	if (!ses_may_wait(ses) || ses_aborted(ses, req) || req->no_wait)
		return 0;
	return smb3mc_outage_wait(ses->soft, ses->soft_timeout,
				  req->outage_since, jiffies);
}

/* @req waited for the server in vain: its errno. */
static int ses_outage_fail(struct smb3mc_ses *ses,
			   const struct smb3mc_req *req)
{
	if (!ses_may_wait(ses) || ses_aborted(ses, req) || req->no_wait) {
		pr_warn_ratelimited("smb3mc: %s: no channel left: command %u fails\n",
				    ses->server, smb3mc_req_command(req));
		return -EHOSTDOWN;
	}
	pr_warn_ratelimited("smb3mc: %s: server unreachable for soft_timeout (%u s): command %u fails\n",
			    ses->server, jiffies_to_msecs(ses->soft_timeout) / 1000,
			    smb3mc_req_command(req));
	return -EIO;
}

/*
 * A channel for @req, counted as by smb3mc_ses_pick_chan(), waiting
 * killably while none is usable: on a hard mount until the maintenance
 * work has one again, on a soft one ses->soft_timeout from the start of
 * @req's wait. NULL with *@rc -EINTR when killed, -EIO past a soft
 * mount's deadline, -EHOSTDOWN when nothing can bring a channel back
 * (mount, umount).
 */
static struct smb3mc_chan *ses_wait_chan(struct smb3mc_ses *ses,
					 struct smb3mc_req *req, int *rc)
{
	struct smb3mc_chan *chan;
	unsigned long left;

	for (;;) {
		chan = smb3mc_ses_pick_chan(ses, req->payload);
		if (chan) {
			req->outage_since = 0;
			return chan;
		}
		left = ses_outage_left(ses, req);
		if (!left) {
			*rc = ses_outage_fail(ses, req);
			return NULL;
		}
		if (wait_event_killable_timeout(ses->up_wait,
						smb3mc_ses_up(ses) ||
						!ses_may_wait(ses) ||
						ses_aborted(ses, req),
						left) < 0) {
			*rc = -EINTR;
			return NULL;
		}
	}
}

/*
 * @req was made, or its FileId written, in an earlier session than the
 * one up now: give it the new session's ids, or fail it
 * (smb3mc_resume_plan()). Its FileId is mapped from the session it was
 * written in, once: from then on it is the new session's.
 */
static int ses_resume(struct smb3mc_ses *ses, struct smb3mc_req *req)
{
	struct smb2_hdr *hdr = req->iov[0].iov_base;
	u16 cmd = smb3mc_req_command(req);
	int off = smb3mc_fid_offset(cmd);
	unsigned int gen, behind;
	bool mapped = false;

	/* A channel of a new session comes with its number (ses_recover()). */
	smp_rmb();
	gen = READ_ONCE(ses->gen);
	if (req->gen == gen && req->fid_gen == gen)
		return 0;
	behind = max(gen - req->gen, gen - req->fid_gen);
	if (off >= 0 && req->tcon && req->iov[0].iov_len >= off + 16)
		mapped = req->fid_gen == gen ||
			 smb3mc_tcon_map_fid(req->tcon, (u8 *)hdr + off,
					     req->fid_gen);
	if (smb3mc_resume_plan(cmd, behind, mapped) == SMB3MC_RESUME_FAIL) {
		pr_warn_ratelimited("smb3mc: %s: %s made before the server was lost names nothing in the new session: it fails\n",
				    ses->server, smb3mc_command_name(cmd));
		return -EIO;
	}
	req->fid_gen = gen;
	/* The new session has never seen it. */
	if (req->gen != gen && !req->resumed) {
		hdr->flags &= ~SMB2_FLAGS_REPLAY_OPERATION;
		req->resumed = true;
	}
	return 0;
}

/* @req, for @tcon (NULL: the session), is made in the session up now. */
static void ses_req_start(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			  struct smb3mc_req *req)
{
	req->resends = 0;
	req->stalls = 0;
	req->tcon = tcon;
	req->gen = READ_ONCE(ses->gen);
	if (!req->fid_gen_set)
		req->fid_gen = req->gen;
	req->resumed = false;
	req->outage_since = 0;
}

/*
 * The requests after the first of a compound act on what the first
 * opened, and carry no ids of their own: they go where it goes, in its
 * session, and as a replay when it does.
 */
static void ses_follow(const struct smb3mc_req *first,
		       struct smb3mc_req *req)
{
	const struct smb2_hdr *lead = first->iov[0].iov_base;
	struct smb2_hdr *hdr = req->iov[0].iov_base;

	req->gen = first->gen;
	req->fid_gen = first->fid_gen;
	hdr->flags &= ~SMB2_FLAGS_REPLAY_OPERATION;
	hdr->flags |= lead->flags & SMB2_FLAGS_REPLAY_OPERATION;
}

/*
 * Send one request, or the @n of a compound, which the first stands for,
 * and wait for it, as smb3mc_ses_call() says; what a compound sent again
 * left over goes in @left.
 */
static int ses_call_resending(struct smb3mc_ses *ses,
			      struct smb3mc_chan *chan,
			      struct smb3mc_tcon *tcon,
			      struct smb3mc_req *reqs, unsigned int n,
			      struct ses_leftover *left)
{
	struct smb3mc_req *first = &reqs[0];
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++)
		ses_req_start(ses, tcon, &reqs[i]);
	if (!chan)
		chan = ses_wait_chan(ses, first, &rc);
	if (!chan)
		return rc;
	for (;;) {
		rc = ses_resume(ses, first);
		if (rc) {
			smb3mc_chan_put(chan);
			return rc;
		}
		for (i = 0; i < n; i++) {
			if (i)
				ses_follow(first, &reqs[i]);
			reqs[i].chan_id = chan->id;
			ses_stamp(ses, chan, &reqs[i]);
		}
		ses_orphan_setup(ses, reqs, n);
		if (n == 1)
			rc = smb3mc_chan_call(chan, first);
		else
			rc = smb3mc_chan_call_compound(chan, reqs, n);
		if (rc == -ECONNABORTED)
			smb3mc_chan_wait_lost(chan);
		smb3mc_chan_put(chan);
		for (i = 1; i < n; i++)
			first->stalls = max(first->stalls, reqs[i].stalls);
		if (!ses_should_resend(ses, first, rc))
			return ses_final_rc(ses, first, rc);
		if (rc != -ECONNABORTED)
			schedule_timeout_killable(msecs_to_jiffies(ses_busy_ms(first)));
		/* Killed: what it would have been sent again for is gone. */
		if (fatal_signal_pending(current))
			return -EINTR;
		ses_leftover_keep(ses, reqs, n, left);
		for (i = 0; i < n; i++)
			ses_prepare_resend(ses, &reqs[i], rc);
		chan = ses_wait_chan(ses, first, &rc);
		if (!chan)
			return rc;
	}
}

static int ses_call(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
		    struct smb3mc_tcon *tcon, struct smb3mc_req *reqs,
		    unsigned int n)
{
	struct ses_leftover left = {};
	int rc;

	rc = ses_call_resending(ses, chan, tcon, reqs, n, &left);
	ses_leftover_close(ses, &left, &reqs[0]);
	return rc;
}

/**
 * smb3mc_ses_call - send one request of @ses and wait for it
 * @ses: the session
 * @chan: from smb3mc_ses_pick_chan() or smb3mc_ses_chan(): this call takes
 *	its count over; NULL to pick one, waiting for a lost server
 * @tcon: its tree, NULL for session-level commands
 * @req: the request
 *
 * Stamps SessionId, TreeId and ChannelSequence and signs when the session
 * signs. A request its channel lost is sent again on another channel,
 * with a new MessageId and that channel's signature, see
 * smb3mc_replay_mode(); without a channel left it waits as
 * ses_wait_chan() does, and goes on in the new session.
 */
int smb3mc_ses_call(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
		    struct smb3mc_tcon *tcon, struct smb3mc_req *req)
{
	return ses_call(ses, chan, tcon, req, 1);
}

/**
 * smb3mc_ses_call_compound - send related requests of @ses in one message
 *	and wait for them all
 * @ses: the session
 * @tcon: their tree
 * @reqs: the requests, as for smb3mc_chan_call_compound(); those after the
 *	first act on the open the first makes
 * @n: how many
 *
 * As smb3mc_ses_call() with the compound as one request, which the first
 * stands for: a compound its channel lost goes out again whole, on
 * another channel or in a new session.
 */
int smb3mc_ses_call_compound(struct smb3mc_ses *ses,
			     struct smb3mc_tcon *tcon,
			     struct smb3mc_req *reqs, unsigned int n)
{
	return ses_call(ses, NULL, tcon, reqs, n);
}

/**
 * smb3mc_ses_call_once - send one request on @chan, and nowhere else
 * @ses: the session
 * @chan: a channel being set up, or a new session's first: this call
 *	takes the caller's count on it over
 * @tcon: its tree, NULL for session-level commands
 * @req: the request
 *
 * For the steps that make a new session usable (reconnect.c): their
 * requests go on the new session's first channel before it is given to
 * dispatch, and fail with it; and for the CLOSEs that follow on that
 * channel once it is (smb3mc_tcons_close_orphans()), which must not wait
 * for a next session, set up by the work that sends them.
 */
int smb3mc_ses_call_once(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_tcon *tcon, struct smb3mc_req *req)
{
	int rc;

	ses_req_start(ses, tcon, req);
	req->chan_id = chan->id;
	ses_stamp(ses, chan, req);
	rc = smb3mc_chan_call(chan, req);
	smb3mc_chan_put(chan);
	return rc;
}

/*
 * No channel for @req, an asynchronous one: it waits at the head of the
 * I/O queue, which the maintenance work looks at again on each attempt to
 * reach the server and once it did (smb3mc_ses_io_kick()). The queue is
 * looked at once more here: a channel may have come back, and been
 * kicked about, since @req found none.
 */
static int ses_park(struct smb3mc_ses *ses, struct smb3mc_req *req)
{
	if (!ses_outage_left(ses, req))
		return ses_outage_fail(ses, req);
	spin_lock(&ses->io_lock);
	list_add(&req->queued, &ses->io_queue);
	spin_unlock(&ses->io_lock);
	queue_work(ses->wq, &ses->io_work);
	return 0;
}

/* The end of an asynchronous request that never reached the server. */
static void ses_req_fail(struct smb3mc_req *req, int rc)
{
	req->rc = rc;
	req->ses_done(req);
}

/*
 * A READ or WRITE made before a new session whose server takes less
 * (smb3mc_ses_renew()): -EMSGSIZE, with what fits, and its owner sends
 * it in pieces.
 */
static int ses_io_fits(struct smb3mc_ses *ses, struct smb3mc_req *req)
{
	u16 cmd = smb3mc_req_command(req);
	u32 max;

	if (cmd == SMB2_READ)
		max = READ_ONCE(ses->max_read);
	else if (cmd == SMB2_WRITE)
		max = READ_ONCE(ses->max_write);
	else
		return 0;
	if (req->payload <= max)
		return 0;
	req->fits = max;
	return -EMSGSIZE;
}

/*
 * Stamp and send @req on @chan, taking over its count. Nothing was sent
 * when a channel turns out dead here: try the next one.
 */
static int ses_submit_on(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_req *req)
{
	unsigned int tries;
	int rc;

	for (tries = 0;; tries++) {
		rc = ses_resume(ses, req);
		if (!rc)
			rc = ses_io_fits(ses, req);
		if (rc) {
			smb3mc_chan_put(chan);
			return rc;
		}
		req->chan_id = chan->id;
		/* It has a channel, as in ses_wait_chan(). */
		req->outage_since = 0;
		ses_stamp(ses, chan, req);
		/* Sent, @req may end, and be freed, at once: not touched after. */
		rc = smb3mc_chan_submit(chan, req);
		if (rc == -ECONNABORTED)
			smb3mc_chan_wait_lost(chan);
		smb3mc_chan_put(chan);
		if (rc != -ECONNABORTED || tries == SMB3MC_MAX_RESENDS)
			return rc;
		/*
		 * Nothing or only part of it reached the server, which then
		 * ran none of it: no replay, but a resend all the same.
		 */
		atomic_inc(&ses->slots[req->chan_id].resent);
		chan = smb3mc_ses_pick_chan(ses, req->payload);
		if (!chan)
			return ses_park(ses, req);
	}
}

static void ses_resend_work(struct work_struct *work)
{
	struct smb3mc_req *req = container_of(to_delayed_work(work),
					      struct smb3mc_req, resend_work);
	struct smb3mc_ses *ses = req->ses;
	struct smb3mc_chan *chan;
	int rc;

	ses_prepare_resend(ses, req, req->rc);
	chan = smb3mc_ses_pick_chan(ses, req->payload);
	rc = chan ? ses_submit_on(ses, chan, req) : ses_park(ses, req);
	if (rc)
		ses_req_fail(req, rc);
	/* The last touch of @ses: closing may free it once this is zero. */
	if (atomic_dec_and_test(&ses->resending))
		wake_up_var(&ses->resending);
}

/*
 * The completion of every asynchronous request of the session. Runs where
 * the channel ends requests (receive thread, timeout scan), so the resend,
 * which may wait for credits, goes to the session's workqueue. Closing
 * stops new resends, then waits for those queued: smb3mc_ses_stop_maint().
 */
static void ses_req_done(struct smb3mc_req *req)
{
	struct smb3mc_ses *ses = req->ses;
	unsigned long delay = 0;
	bool queued = false;

	if (ses_should_resend(ses, req, req->rc)) {
		if (req->rc != -ECONNABORTED)
			delay = msecs_to_jiffies(ses_busy_ms(req));
		spin_lock(&ses->maint_lock);
		if (!ses->closing) {
			atomic_inc(&ses->resending);
			queue_delayed_work(ses->wq, &req->resend_work, delay);
			queued = true;
		}
		spin_unlock(&ses->maint_lock);
	}
	if (!queued) {
		req->rc = ses_final_rc(ses, req, req->rc);
		req->ses_done(req);
	}
}

/*
 * No channel is usable: the queue waits for the server, except what
 * waited for it in vain.
 */
static void ses_io_outage(struct smb3mc_ses *ses)
{
	struct smb3mc_req *req, *next;
	LIST_HEAD(failed);

	spin_lock(&ses->io_lock);
	list_for_each_entry_safe(req, next, &ses->io_queue, queued)
		if (!ses_outage_left(ses, req))
			list_move_tail(&req->queued, &failed);
	spin_unlock(&ses->io_lock);
	list_for_each_entry_safe(req, next, &failed, queued) {
		list_del(&req->queued);
		ses_req_fail(req, ses_outage_fail(ses, req));
	}
}

/* The session closes: what is queued has no waiter left (see below). */
static void ses_io_drop(struct smb3mc_ses *ses)
{
	struct smb3mc_req *req, *next;
	LIST_HEAD(dropped);

	spin_lock(&ses->io_lock);
	list_splice_init(&ses->io_queue, &dropped);
	spin_unlock(&ses->io_lock);
	list_for_each_entry_safe(req, next, &dropped, queued) {
		list_del(&req->queued);
		ses_req_fail(req, -ESHUTDOWN);
	}
}

/*
 * Send queued READ and WRITE pieces, oldest first, while some channel has
 * room for the next one; stop when none has. Only this work takes pieces
 * off the queue, and a work item never runs twice at once, so the head
 * stays the head between looking at it and taking it. Once the session
 * closes, every file is closed: a piece still queued is one whose waiter
 * was killed, and fails rather than wait for room.
 */
static void ses_io_work(struct work_struct *work)
{
	struct smb3mc_ses *ses = container_of(work, struct smb3mc_ses,
					      io_work);
	struct smb3mc_chan *chan;
	struct smb3mc_req *req;
	int best, rc;

	for (;;) {
		spin_lock(&ses->io_lock);
		req = list_first_entry_or_null(&ses->io_queue,
					       struct smb3mc_req, queued);
		spin_unlock(&ses->io_lock);
		if (!req)
			return;
		if (READ_ONCE(ses->closing)) {
			ses_io_drop(ses);
			return;
		}
		best = ses_choose(ses, req->payload, smb3mc_chan_choose_room,
				  &chan);
		/* smb3mc_ses_io_done() queues us again when one ends. */
		if (best == -EBUSY)
			return;
		if (best < 0) {
			ses_io_outage(ses);
			return;
		}
		spin_lock(&ses->io_lock);
		list_del(&req->queued);
		spin_unlock(&ses->io_lock);
		rc = ses_submit_on(ses, chan, req);
		if (rc)
			ses_req_fail(req, rc);
	}
}

/**
 * smb3mc_ses_io_init - set up the queue of READ and WRITE pieces of @ses
 * @ses: a session being opened
 */
void smb3mc_ses_io_init(struct smb3mc_ses *ses)
{
	spin_lock_init(&ses->io_lock);
	INIT_LIST_HEAD(&ses->io_queue);
	INIT_WORK(&ses->io_work, ses_io_work);
	init_waitqueue_head(&ses->up_wait);
}

/**
 * smb3mc_ses_submit_io - send a READ or WRITE piece once a channel has room
 * @ses: the session
 * @tcon: its tree
 * @req: the request, with @req->done_fn set: see smb3mc_chan_submit()
 *
 * The piece goes to the channel expected to finish it first among those
 * with room (smb3mc_chan_choose_room()), when one has: pieces wait here in
 * the order they came, never in the caller. A reader whose readahead
 * waited for room would not read the pages that arrived meanwhile, and
 * would ask for the next window only after that wait.
 *
 * @req->done_fn always runs once: a request its channel lost is sent
 * again on another channel first, one that finds no channel waits for
 * the server as ses_wait_chan() does (without blocking anyone).
 */
void smb3mc_ses_submit_io(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			  struct smb3mc_req *req)
{
	req->ses_done = req->done_fn;
	req->done_fn = ses_req_done;
	req->ses = ses;
	req->tcon = tcon;
	req->gen = READ_ONCE(ses->gen);
	if (!req->fid_gen_set)
		req->fid_gen = req->gen;
	req->resumed = false;
	req->outage_since = 0;
	req->resends = 0;
	req->stalls = 0;
	INIT_DELAYED_WORK(&req->resend_work, ses_resend_work);
	spin_lock(&ses->io_lock);
	list_add_tail(&req->queued, &ses->io_queue);
	spin_unlock(&ses->io_lock);
	queue_work(ses->wq, &ses->io_work);
}

/**
 * smb3mc_ses_io_done - a READ or WRITE of @ses ended: its channel has room
 * @ses: the session
 */
void smb3mc_ses_io_done(struct smb3mc_ses *ses)
{
	bool waiting;

	spin_lock(&ses->io_lock);
	waiting = !list_empty(&ses->io_queue);
	spin_unlock(&ses->io_lock);
	if (waiting)
		queue_work(ses->wq, &ses->io_work);
}

/**
 * smb3mc_ses_io_kick - let what waits for the server look again
 * @ses: the session, which has a channel again, or whose soft deadlines
 *	may have passed, or which is going away
 */
void smb3mc_ses_io_kick(struct smb3mc_ses *ses)
{
	wake_up_all(&ses->up_wait);
	queue_work(ses->wq, &ses->io_work);
}
