/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A channel: one TCP connection of a session, with its own MessageId
 * sequence, credits, table of outstanding requests and signing key
 * (MS-SMB2 3.2.1.8 Channel, 3.2.1.2 Connection). A channel never reaches
 * up into its session: whoever sends names the channel explicitly.
 */
#ifndef SMB3MC_CHAN_H
#define SMB3MC_CHAN_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "chan_orphan.h"
#include "chan_pick.h"
#include "crypto.h"
#include "pdu_file.h"
#include "smb2.h"

/* How long a request may wait for its response (or for credits). */
#define SMB3MC_REQUEST_TIMEOUT		(30 * HZ)
/*
 * MS-SMB2 3.2.5.1.5 leaves to the client how long it waits once the server
 * said STATUS_PENDING. Each interim response gives a request its timeout
 * again, but never past this many timeouts from its send: a server that
 * only ever says "pending" cannot hold a caller for ever.
 */
#define SMB3MC_PENDING_MAX_TIMEOUTS	2
/* How often a waiter looks at its request's @stop (struct smb3mc_req). */
#define SMB3MC_STOP_POLL		(HZ / 10)
/* Until NEGOTIATE tells the server's sizes, accept what it may need. */
#define SMB3MC_NEGOTIATE_MAX_RSP	(64 * 1024)
/* Requests a compound may hold (smb3mc_chan_call_compound()). */
#define SMB3MC_COMPOUND_MAX		3
/* What the receive thread reads of a message before it knows its request. */
#define SMB3MC_RX_HEAD			SMB3MC_READ_RSP_HEAD

struct net;
struct smb3mc_tcon;

enum smb3mc_chan_state {
	SMB3MC_CHAN_NEW,	/* connected, not yet usable by the session */
	SMB3MC_CHAN_GOOD,	/* bound to its session: dispatch may pick it */
	SMB3MC_CHAN_DEAD,	/* connection lost; requests fail */
};

/* Counters shown in DebugData and fed to channel selection. */
struct smb3mc_chan_stats {
	atomic64_t bytes_sent;
	atomic64_t bytes_received;
	atomic64_t requests;
	atomic64_t compounds;	/* messages of more than one request */
	atomic_t in_flight;
	atomic64_t in_flight_bytes;
	/* Messages sent and received in a transform (MS-SMB2 2.2.41). */
	atomic64_t sealed_out;
	atomic64_t sealed_in;
	/* @rate and the round trips: the receive thread and workers write them. */
	spinlock_t lock;
	u64 last_rtt_us;	/* round trip of the last completed request */
	/*
	 * The lowest round trip seen: the link's own latency. The last one
	 * also holds the time spent queued behind other requests, which
	 * selection already counts by the bytes in flight.
	 */
	u64 min_rtt_us;
	struct smb3mc_rate rate;
};

struct smb3mc_chan {
	unsigned int id;		/* index in the session's table */
	struct sockaddr_storage dst;
	struct sockaddr_storage src;	/* local address once connected */
	u64 speed_bps;			/* the server interface's, or 0 */
	struct socket *sock;
	struct task_struct *receiver;

	/*
	 * Serialises MessageId assignment and the socket write, and the
	 * signing or encryption of all but what workers send (chan.c).
	 */
	struct mutex send_lock;
	u64 next_mid;

	/* Credits we may still spend, MS-SMB2 3.2.4.1.2. */
	spinlock_t credit_lock;
	unsigned int credits;
	wait_queue_head_t credit_wait;

	/* Outstanding requests by MessageId. */
	struct xarray mids;
	/*
	 * Requests whose waiter gave up, for their late answer; under the
	 * lock of @mids, so that a request moves there from @mids at once.
	 */
	struct smb3mc_orphans orphans;

	enum smb3mc_chan_state state;
	unsigned long timeout;		/* jiffies a request may take */
	unsigned long last_rx;		/* jiffies of the last message */
	u64 last_frame_ns;		/* of the last one, interims too */
	bool silent;			/* dropped for answering nothing */
	size_t max_rsp;			/* largest response we accept */

	/* Times out asynchronous requests, which have no waiter. */
	struct delayed_work timeout_work;

	/* Set once the channel's signing key is known. */
	struct smb3mc_signer signer;
	bool signer_ready;
	/*
	 * The session's encryption, which the owner sets (smp_store_release)
	 * before it sends anything encrypted on the channel and frees only
	 * after the channel is shut down; NULL while there is none. The
	 * receive thread decrypts with it.
	 */
	struct smb3mc_seal *seal;

	struct smb3mc_chan_stats stats;
	char name[64];			/* "198.18.1.2 ch0" for messages */
	/* The start of the message being received, for the receive thread. */
	u8 rx_head[SMB3MC_RX_HEAD];
	/*
	 * Messages the receive thread handed to crypto workers, not yet
	 * ended (chan_recv.c); it waits on @rx_wait for their end, and for
	 * the first error a worker met in @rx_error.
	 */
	atomic_t rx_jobs;
	wait_queue_head_t rx_wait;
	int rx_error;
	/*
	 * WRITEs handed to smb3mc_tx_wq to be protected and sent, counted
	 * under @tx_lock: smb3mc_chan_shutdown() waits for this channel's,
	 * not for the whole queue, which a server that stops reading holds
	 * up on another channel for as long as a send may block.
	 */
	spinlock_t tx_lock;
	unsigned int tx_jobs;
	wait_queue_head_t tx_wait;

	/*
	 * Senders count themselves here from choosing the channel until
	 * their submit returned: the owner frees a channel it took out of
	 * use only once no sender can still touch it.
	 */
	atomic_t users;
	/* Run once, by the receive thread, when a usable channel is lost. */
	void (*on_dead)(struct smb3mc_chan *chan);
	/*
	 * Run for each break notification (MessageId all ones, MS-SMB2
	 * 3.2.5.19) the channel receives, from the receive thread or a
	 * worker: it must not sleep, and @msg (@len bytes) is freed when
	 * it returns.
	 */
	void (*on_break)(struct smb3mc_chan *chan, const void *msg,
			 size_t len);
	void *owner;			/* for @on_dead and @on_break */
};

struct smb3mc_req;
typedef void (*smb3mc_req_done_t)(struct smb3mc_req *req);

/*
 * One request/response exchange. The caller owns it: it fills the request
 * vector, and once the request ended it frees @rsp with kvfree().
 */
struct smb3mc_req {
	struct kvec iov[3];		/* iov[0] starts with the SMB2 header */
	unsigned int nr_iov;
	size_t payload;			/* bytes the credits must cover */
	bool sign;			/* sign the request, verify the reply */
	/*
	 * Encrypt the request with @chan->seal (MS-SMB2 3.1.4.3), and accept
	 * only an encrypted reply; never together with @sign.
	 */
	bool seal;
	bool skip_verify;		/* binding: the reply's key comes later */
	unsigned long timeout;		/* jiffies; 0: the channel's */
	smb3mc_req_done_t done_fn;	/* asynchronous completion, or NULL */
	void *private;			/* for @done_fn */
	/*
	 * READ and WRITE data where it lies (kvec or bvec iterators, left
	 * unchanged): @tx_data is sent after @iov, and the data of a READ
	 * response is received straight into @rx_data, so that neither is
	 * copied through a buffer of the channel's.
	 */
	const struct iov_iter *tx_data;
	const struct iov_iter *rx_data;
	/*
	 * @rx_data is memory others may see before the request ends (a
	 * user's pages): a signed response's data reaches it only once the
	 * signature is verified, through @rsp.
	 */
	bool rx_shared;
	/*
	 * The server may keep it pending for as long as it likes (a blocking
	 * LOCK waits for another client's unlock): after an interim response
	 * the wait has no limit, and a signal cancels the request instead.
	 */
	bool cancellable;
	bool no_wait;			/* fails rather than wait for a lost server */
	/*
	 * A flag of the caller's, or NULL: once it reads true, the wait for
	 * the answer ends with -ESHUTDOWN, the request taken back as on a
	 * timeout, but without a message and with the connection kept. It
	 * is looked at (READ_ONCE()) every SMB3MC_STOP_POLL while the
	 * request waits, for a caller nothing can signal, such as a worker
	 * whose owner waits for it to end. Only for a request waited for
	 * (smb3mc_chan_call(), _compound()), not @cancellable.
	 */
	const bool *stop;
	/*
	 * When its waiter gives up (or the timeout scan, for one with
	 * @done_fn), the channel keeps the MessageId for two timeouts (at
	 * most SMB3MC_ORPHANS_MAX of them): an answer that comes meanwhile,
	 * checked as the waiter's would have been, grants its credits, and
	 * goes to @orphan_fn with @orphan_owner and @orphan_cookie. That is
	 * for a request whose success leaves something on the server that
	 * only its waiter would undo (a CREATE's open), or NULL.
	 */
	smb3mc_orphan_t orphan_fn;
	void *orphan_owner;
	u64 orphan_cookie;

	/* Filled by the channel. */
	u64 mid;
	void *rsp;			/* the response, from its SMB2 header */
	size_t rsp_len;			/* without what went to @rx_data */
	size_t rx_len;			/* bytes received into @rx_data */
	__le32 status;			/* NT status of the response */
	int rc;				/* 0, or an errno from the transport */
	/*
	 * With @rc -EMSGSIZE: the most payload a request in its place may
	 * carry, fewer bytes than it has, at least a page: what the credits
	 * of its channel cover, fewer than it needs with none to come
	 * (smb3mc_chan_submit()), or what a new session's server takes
	 * (dispatch.c).
	 */
	u32 fits;
	bool interim;			/* STATUS_PENDING seen, MS-SMB2 3.2.5.1.5 */
	bool interim_credited;		/* an interim's credits taken */
	bool cancelled;			/* a CANCEL for this send went out */
	/*
	 * Answers to it being judged (chan_recv.c): while one is, it stays
	 * in the MessageId table, the receive side's to end. Under the mids
	 * lock, as @taken, set once one was taken, and @grant, its credits.
	 */
	u8 judging;
	bool taken;
	u16 grant;
	u64 async_id;			/* the interim's, under the mids lock */
	struct completion done;
	unsigned long deadline;		/* jiffies */
	unsigned long pending_limit;	/* jiffies interims may not pass */
	atomic_t ends;			/* ends still to come, see chan.c */
	struct list_head expired;	/* on the timeout scan's list */
	u64 sent_ns;			/* ktime, for the RTT estimate */

	/* The session's, which sends a request again when its channel died. */
	smb3mc_req_done_t ses_done;	/* the sender's @done_fn */
	void *ses;
	struct smb3mc_tcon *tcon;	/* its tree, NULL for the session's */
	unsigned int gen;		/* the session it was made in */
	/*
	 * The session whose ids it carries: that of its FileId, given with
	 * it when @fid_gen_set (smb3mc_call_fid()), else the one it was made
	 * in; from its first send on, the one it last went out in.
	 */
	unsigned int fid_gen;
	bool fid_gen_set;
	bool resumed;			/* went on in a later one */
	unsigned long outage_since;	/* jiffies it found no channel, or 0 */
	unsigned int aborts;		/* ses->aborts when it began to wait */
	unsigned int chan_id;		/* the channel it last went out on */
	unsigned int resends;
	unsigned int stalls;		/* its connections dropped as silent */
	struct delayed_work resend_work;
	struct list_head queued;	/* on the session's @io_queue */

	/* The channel's: signing or encrypting its data off the sender. */
	struct work_struct tx_work;
	struct smb3mc_chan *tx_chan;
};

/* The Command of @req, from the SMB2 header its @iov[0] starts with. */
static inline u16 smb3mc_req_command(const struct smb3mc_req *req)
{
	const struct smb2_hdr *hdr = req->iov[0].iov_base;

	return le16_to_cpu(hdr->command);
}

int smb3mc_chan_init(void);
void smb3mc_chan_exit(void);
int smb3mc_chan_connect_start(struct smb3mc_chan *chan, struct net *net,
			      const struct sockaddr_storage *dst,
			      unsigned int id);
int smb3mc_chan_connect_finish(struct smb3mc_chan *chan);
int smb3mc_chan_connect(struct smb3mc_chan *chan, struct net *net,
			const struct sockaddr_storage *dst, unsigned int id);
void smb3mc_chan_shutdown(struct smb3mc_chan *chan);
void smb3mc_chan_abort(struct smb3mc_chan *chan);
void smb3mc_chan_wait_lost(struct smb3mc_chan *chan);
void smb3mc_chan_set_dead_time(struct smb3mc_chan *chan,
			       unsigned long timeout);
void smb3mc_chan_set_owner(struct smb3mc_chan *chan,
			   void (*on_dead)(struct smb3mc_chan *chan),
			   void (*on_break)(struct smb3mc_chan *chan,
					    const void *msg, size_t len),
			   void *owner);
bool smb3mc_chan_set_good(struct smb3mc_chan *chan);
int smb3mc_chan_submit(struct smb3mc_chan *chan, struct smb3mc_req *req);
int smb3mc_chan_call(struct smb3mc_chan *chan, struct smb3mc_req *req);
int smb3mc_chan_call_compound(struct smb3mc_chan *chan,
			      struct smb3mc_req *reqs, unsigned int n);

#endif /* SMB3MC_CHAN_H */
