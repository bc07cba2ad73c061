/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session (MS-SMB2 3.2.1.3): one authenticated user on one server,
 * spread over one or more channels, and the tree connects made in it.
 */
#ifndef SMB3MC_SESSION_H
#define SMB3MC_SESSION_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/types.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include "chan.h"
#include "crypto.h"
#include "pdu_file.h"
#include "pdu_session.h"
#include "replay.h"

struct net;
struct p_log;
struct seq_file;
struct smb3mc_opts;

/* Channels a session may have: the slots below. */
#define SMB3MC_MAX_CHANNELS	16
/* Lease breaks kept while a new session is set up, at most */
#define SMB3MC_HELD_BREAKS	32

/*
 * What we offer in NEGOTIATE, and repeat in VALIDATE_NEGOTIATE: with
 * encryption, as smb3mc_negotiate_offer_ciphers() offers it; persistent
 * handles, which a continuously available share grants (smb3mc_open()).
 */
#define SMB3MC_CLIENT_CAPS	(SMB2_GLOBAL_CAP_LEASING | \
				 SMB2_GLOBAL_CAP_LARGE_MTU | \
				 SMB2_GLOBAL_CAP_MULTI_CHANNEL | \
				 SMB2_GLOBAL_CAP_PERSISTENT_HANDLES | \
				 SMB2_GLOBAL_CAP_ENCRYPTION)

/* One channel of a session, and what outlives its connection. */
struct smb3mc_slot {
	struct smb3mc_chan __rcu *chan;	/* NULL while reconnecting */
	struct sockaddr_storage dst;	/* the server interface, with port */
	u64 speed_bps;			/* the interface's, or 0 */
	/* Reconnects in a row that failed, or whose channel was lost soon. */
	unsigned int attempts;
	unsigned long next_try;		/* jiffies of the next attempt */
	unsigned long bound_at;		/* jiffies the channel was bound */
	unsigned int reconnects;
	atomic_t resent;		/* requests it lost, sent elsewhere */
	/* The ECHO that finds its channel silent, beside the others'. */
	struct work_struct echo;
	struct smb3mc_ses *ses;
};

struct smb3mc_ses {
	struct list_head list;		/* in smb3mc_sessions, for DebugData */
	struct net *net;
	struct sockaddr_storage addr;	/* the address mounted */
	char *server;			/* as the user named it, for messages */

	/*
	 * Kept to bind further channels; never logged. Of the password only
	 * NTOWFv2 (MS-NLMP 3.3.2), all NTLMv2 needs, is kept.
	 */
	char *username;
	char *domain;
	u8 ntowfv2[SMB3MC_NTLM_KEY_SIZE];

	u8 client_guid[16];		/* the same on every channel */
	u16 dialects[SMB3MC_MAX_DIALECTS];	/* offered, for VALIDATE_NEGOTIATE */
	unsigned int nr_dialects;
	u8 server_guid[16];
	u16 dialect;
	u16 security_mode;		/* the server's */
	u32 server_caps;
	u16 cipher;			/* negotiated cipher, or 0 */
	bool gcm256_only;		/* require_gcm_256: offer no other */
	u16 sign_alg;			/* SMB2_SIGNING_AES_CMAC / _GMAC */
	bool sign;			/* every request is signed */
	/*
	 * Every request but NEGOTIATE and SESSION_SETUP is encrypted
	 * (MS-SMB2 3.2.4.1.8): the mount asked for it (seal), or the server
	 * did for the session or for a share. Set once @seal is ready;
	 * never cleared.
	 */
	bool encrypt;
	u64 id;				/* SessionId */
	/* The server's sizes; a new session may lower them (READ_ONCE()) */
	u32 max_read;
	u32 max_write;
	u32 max_trans;
	u8 session_key[16];		/* ExportedSessionKey */
	struct smb3mc_session_keys keys;
	/* Keyed once the session is set up, when a cipher was negotiated. */
	struct smb3mc_seal seal;
	bool seal_ready;

	/*
	 * ECHO on channels that were quiet for this long (MS-SMB2 3.2.6.3),
	 * looked at every half of it by @echo_work.
	 */
	unsigned long echo_interval;	/* jiffies */
	struct delayed_work echo_work;

	/*
	 * READ and WRITE pieces waiting for a channel with room, oldest
	 * first; @io_work sends them (see smb3mc_ses_submit_io()).
	 */
	spinlock_t io_lock;
	struct list_head io_queue;
	struct work_struct io_work;

	/*
	 * Slots below @nr_chans are in use; a slot never goes away, its
	 * channel is replaced when lost. Only mount, then the maintenance
	 * work, change them, under @chan_lock; dispatch reads the channel
	 * pointers under RCU (see dispatch.c).
	 */
	struct mutex chan_lock;
	unsigned int nr_chans;
	unsigned int max_chans;		/* max_channels of the mount */
	struct smb3mc_slot slots[SMB3MC_MAX_CHANNELS];
	struct smb3mc_tcon *ipc;	/* IPC$, for the interface list */

	/* Session.ChannelSequence (MS-SMB2 3.2.1.3): low 16 bits */
	atomic_t chan_seq;
	/* Resends and the maintenance work run here. */
	struct workqueue_struct *wq;
	atomic_t resending;		/* resends queued, not yet sent */
	/* CLOSEs of handles opened after their caller gave up (dispatch.c) */
	atomic_t orphan_closes;
	/* Reconnects lost channels and refreshes the interface list. */
	struct delayed_work maint_work;
	unsigned long next_refresh;	/* jiffies */
	atomic_t refresh_due;		/* a channel was lost since */
	struct smb3mc_chan *connecting;	/* being bound, under @chan_lock */
	/* Gives up a bind in progress once the last channel is lost. */
	struct work_struct bind_abort;
	/* Guards queueing work on @wq against @closing. */
	spinlock_t maint_lock;
	bool maint_on;			/* mount done: the work may run */
	/*
	 * Set under @maint_lock, and under @chan_lock while the maintenance
	 * work may run, with WRITE_ONCE(): read without them too, with
	 * READ_ONCE(), as the @stop of the work's interface query.
	 */
	bool closing;

	/*
	 * The server lost (reconnect.c): every channel gone. The maintenance
	 * work then sets a new session up in place of this one, with its
	 * trees and open files, and requests wait for it in dispatch:
	 * @soft ones @soft_timeout at most. @gen counts the sessions set up
	 * since mount; a request made in an earlier one is mapped to the
	 * new one before it is sent (smb3mc_resume_plan()).
	 */
	bool soft;
	unsigned long soft_timeout;	/* jiffies */
	bool unmounting;		/* nothing waits for the server now */
	unsigned int aborts;		/* umount -f: what waited then fails */
	bool recovering;		/* setting a new session up */
	unsigned int gen;
	u64 lost_id;			/* SessionId the server lost */
	unsigned long down_since;	/* jiffies the last channel was lost */
	unsigned int recover_attempts;
	unsigned long next_recover;	/* jiffies */
	unsigned int recoveries;
	unsigned long recovered_at;	/* jiffies the last one was set up */
	unsigned int relapses;		/* sessions lost at once in a row */
	/* Open files a new session reclaimed durably, and opened by name */
	unsigned int reclaimed;
	unsigned int reopened;
	atomic_t persistent;		/* handles granted persistent */
	wait_queue_head_t up_wait;	/* woken when a channel is back */
	/*
	 * Lease breaks (MS-SMB2 3.2.5.19.2) go to the mount's handler, set
	 * before its first CREATE asks for a lease and called from the
	 * receive threads, which says whether the mount holds the lease;
	 * @lease_breaks counts those well-formed.
	 */
	bool (*lease_break)(void *owner, const struct smb3mc_lease_break *brk);
	void *lease_owner;
	atomic_t lease_breaks;
	/* Those that came while @recovering: smb3mc_ses_release_breaks(). */
	spinlock_t held_lock;
	unsigned int nr_held;
	struct smb3mc_lease_break held[SMB3MC_HELD_BREAKS];
	/* Tree connects, made again in a new session. */
	struct mutex tcon_lock;
	struct list_head tcons;
};

/*
 * How long an ECHO, or data sent on a channel, may go unanswered before
 * the channel counts as lost: an echo interval, but at least 5 s, so that
 * a short interval does not make a busy link look dead.
 */
static inline unsigned long smb3mc_ses_dead_time(const struct smb3mc_ses *ses)
{
	return clamp_t(unsigned long, ses->echo_interval, 5 * HZ,
		       SMB3MC_REQUEST_TIMEOUT);
}

/* A tree connect (MS-SMB2 3.2.1.4). */
struct smb3mc_tcon {
	struct smb3mc_ses *ses;
	struct list_head list;		/* on ses->tcons */
	char *share;
	u32 tid;			/* a new one in each new session */
	u8 share_type;
	u32 share_flags;
	u32 share_caps;			/* SMB2_SHARE_CAP_* */
	u32 maximal_access;
	/*
	 * Files open on it, opened again in a new session (opens.c); the
	 * FileIds of their holders change under @fid_seq, so that a reader
	 * sees both ids and their session at once.
	 */
	struct mutex open_lock;
	struct list_head opens;
	seqcount_mutex_t fid_seq;
	/* Under open_lock: see smb3mc_keep_missed() */
	unsigned int opens_gen;
	bool opens_taken;
	/*
	 * READ and WRITE chunks sent and not ended (ops_io.c): one whose
	 * waiter was killed ends later, naming the tree.
	 */
	atomic_t io_pending;
};

/* A byte-range lock of an open, which a new session takes again. */
struct smb3mc_open_lock {
	struct list_head list;		/* on open->locks, under open_lock */
	u64 offset;
	u64 length;
	bool exclusive;
};

/*
 * An open file of a tree (MS-SMB2 3.2.1.6) as a new session opens it
 * again: by name, with the access it had. @fid is its holder's: its
 * FileId and the session that is valid in. A new session being set up
 * opens the file again into @next; only once that session is up is @next
 * published into *@fid, and what *@fid was kept in @prev, so that
 * requests made before map to it (smb3mc_tcon_map_fid()). All under
 * open_lock, and *@fid under fid_seq too. The new session opens the file
 * from a copy (struct smb3mc_open_copy), without open_lock: a holder that
 * closes it meanwhile hands it over (@closing), and the new session
 * closes what it opened. So does the next new session with a durable
 * handle whose CLOSE the server did not answer: it reclaims it to close
 * it.
 */
struct smb3mc_open {
	struct list_head list;		/* on tcon->opens, under open_lock */
	struct list_head locks;		/* smb3mc_open_lock, under open_lock */
	struct smb3mc_tcon *tcon;
	struct smb3mc_fid *fid;		/* NULL once @closing */
	struct smb3mc_fid prev;
	struct smb3mc_fid next;
	bool taken;			/* the new session is opening it */
	bool tried;			/* ... or did, in this attempt */
	bool pending;			/* @next is the new session's */
	bool reopened;			/* @prev maps to *@fid */
	bool closing;			/* closed by its holder */
	bool held;			/* ... whose CLOSE is on its way */
	u32 access;
	u32 options;
	u64 index;			/* the file's IndexNumber, 0: unknown */
	char *path;
	/*
	 * A durable handle v2 (MS-SMB2 3.2.1.6 Open.Durable), which a new
	 * session reclaims (3.2.4.4) before it opens the file by name: its
	 * CreateGuid, flags and timeout, and the lease it was opened with.
	 */
	bool durable;
	struct smb3mc_durable dh;
	struct smb3mc_lease lease;
	/* Its LOCKs' sequence buckets, while @durable (MS-SMB2 3.2.4.19) */
	struct smb3mc_lock_seq lock_seq;
};

/*
 * What a new session opens a file again with (smb3mc_open_take()), copied
 * so that its holder may rename, lock and close the file meanwhile.
 */
struct smb3mc_open_copy {
	struct smb3mc_open *open;
	bool closing;			/* reclaimed only, to be closed */
	char *path;
	u32 access;
	u32 options;
	u64 index;
	bool durable;
	struct smb3mc_durable dh;	/* with the FileId to reclaim */
	struct smb3mc_lease lease;
	struct smb3mc_open_lock *locks;
	unsigned int nr_locks;
};

/* A request and the buffer it is built in, freed together. */
struct smb3mc_call {
	struct smb3mc_req req;
	/* The FileId it is built with, from smb3mc_call_fid(). */
	struct smb3mc_fid fid;
	bool fid_set;
	/* The @stop of each request prepared in it (struct smb3mc_req). */
	const bool *stop;
	size_t size;			/* of @buf */
	u8 buf[];
};

/*
 * Related requests sent in one message (compound.c), built one after
 * another in @buf and freed together.
 */
struct smb3mc_compound {
	struct smb3mc_req req[SMB3MC_COMPOUND_MAX];
	unsigned int n;			/* requests built */
	size_t used;			/* of @buf, 8-byte aligned */
	size_t size;			/* of @buf */
	u8 buf[];
};

/*
 * The session band, one file per step, each calling only those listed
 * before it (and the channel below).
 */

/* opens.c: the table of open files of each tree */
void smb3mc_tcon_opens_init(struct smb3mc_tcon *tcon);
struct smb3mc_open *smb3mc_open_keep(struct smb3mc_tcon *tcon,
				     const char *path, u32 access,
				     u32 options, u64 index,
				     struct smb3mc_fid *fid);
void smb3mc_open_durable(struct smb3mc_open *open,
			 const struct smb3mc_lease *lease,
			 const struct smb3mc_durable *dh);
void smb3mc_open_rename(struct smb3mc_open *open, const char *path);
enum smb3mc_close_how smb3mc_open_close(struct smb3mc_open *open,
					struct smb3mc_fid *fid);
void smb3mc_open_closed(struct smb3mc_open *open, bool unanswered);
void smb3mc_open_free(struct smb3mc_open *open);
bool smb3mc_tcon_opens_drop(struct smb3mc_tcon *tcon);
int smb3mc_open_lock_add(struct smb3mc_open *open, u64 offset, u64 length,
			 bool exclusive);
void smb3mc_open_lock_del(struct smb3mc_open *open, u64 offset, u64 length);
void smb3mc_tcon_fid_read(struct smb3mc_tcon *tcon,
			  const struct smb3mc_fid *fid, struct smb3mc_fid *id);
int smb3mc_open_take(struct smb3mc_tcon *tcon, struct smb3mc_open_copy *c);
void smb3mc_open_taken(struct smb3mc_open_copy *c,
		       const struct smb3mc_fid *next);
void smb3mc_tcon_reopen_done(struct smb3mc_tcon *tcon, bool up,
			     unsigned int gen, struct list_head *orphans);
bool smb3mc_tcon_map_fid(struct smb3mc_tcon *tcon, u8 *wire_fid,
			 unsigned int gen);

/* dispatch.c: a session's requests onto its channels */
bool smb3mc_ses_up(struct smb3mc_ses *ses);
struct smb3mc_chan *smb3mc_ses_pick_chan(struct smb3mc_ses *ses,
					 size_t payload);
struct smb3mc_chan *smb3mc_ses_chan(struct smb3mc_ses *ses, unsigned int i);
u64 smb3mc_ses_in_flight(struct smb3mc_ses *ses);
int smb3mc_ses_call(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
		    struct smb3mc_tcon *tcon, struct smb3mc_req *req);
int smb3mc_ses_call_compound(struct smb3mc_ses *ses,
			     struct smb3mc_tcon *tcon,
			     struct smb3mc_req *reqs, unsigned int n);
int smb3mc_ses_call_once(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_tcon *tcon, struct smb3mc_req *req);
void smb3mc_ses_io_init(struct smb3mc_ses *ses);
void smb3mc_ses_submit_io(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			  struct smb3mc_req *req);
void smb3mc_ses_io_done(struct smb3mc_ses *ses);
void smb3mc_ses_io_kick(struct smb3mc_ses *ses);

/* A sender's count on a channel, from smb3mc_ses_pick_chan() or _chan(). */
static inline void smb3mc_chan_hold(struct smb3mc_chan *chan)
{
	atomic_inc(&chan->users);
}

static inline void smb3mc_chan_put(struct smb3mc_chan *chan)
{
	if (atomic_dec_and_test(&chan->users))
		wake_up_var(&chan->users);
}

/*
 * What smb3mc_stripe_size() is to count as in flight already. Not when
 * signing: there the larger pieces this gives measured slower (see
 * doc/design-notes.md), when the receive thread verified each response
 * whole before it read on; why that cost more with larger pieces was not
 * traced, nor is it measured again since workers verify.
 */
static inline u64 smb3mc_ses_stripe_busy(struct smb3mc_ses *ses)
{
	return ses->sign ? 0 : smb3mc_ses_in_flight(ses);
}

/* call.c: building, sending and reading back one request */
struct smb3mc_call *smb3mc_call_alloc(size_t size);
void smb3mc_call_free(struct smb3mc_call *call);
const struct smb3mc_fid *smb3mc_call_fid(struct smb3mc_call *call,
					 struct smb3mc_tcon *tcon,
					 const struct smb3mc_fid *fid);
void smb3mc_call_prepare(struct smb3mc_call *call, int len, size_t payload);
int smb3mc_req_errno(const struct smb3mc_req *req);
int smb3mc_rsp_refuse(const struct smb3mc_ses *ses, u16 cmd, const char *what);
int smb3mc_call_send(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
		     struct smb3mc_call *call, int len, size_t payload);
int smb3mc_call_send_nowait(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			    struct smb3mc_call *call, int len);
int smb3mc_call_send_cancellable(struct smb3mc_ses *ses,
				 struct smb3mc_tcon *tcon,
				 struct smb3mc_call *call, int len);
int smb3mc_call_send_on(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			struct smb3mc_tcon *tcon, struct smb3mc_call *call,
			int len, size_t payload);
void smb3mc_call_teardown(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			  struct smb3mc_call *call, int len);

/* compound.c: related requests in one message */
struct smb3mc_compound *smb3mc_compound_alloc(size_t size);
void smb3mc_compound_free(struct smb3mc_compound *cpd);
void *smb3mc_compound_room(struct smb3mc_compound *cpd, size_t *room);
int smb3mc_compound_add(struct smb3mc_compound *cpd, int len, size_t payload);
int smb3mc_part_errno(const struct smb3mc_req *req);
int smb3mc_compound_send(struct smb3mc_tcon *tcon,
			 struct smb3mc_compound *cpd);

/* ses_setup.c: NEGOTIATE, SESSION_SETUP and binding */
int smb3mc_ses_negotiate(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 const struct smb3mc_opts *opts,
			 u8 preauth[SMB3MC_PREAUTH_HASH_SIZE],
			 struct p_log *log);
int smb3mc_ses_authenticate(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			    u8 preauth[SMB3MC_PREAUTH_HASH_SIZE],
			    struct p_log *log);
int smb3mc_ses_bind(struct smb3mc_ses *ses, struct smb3mc_chan *chan);
int smb3mc_ses_renew(struct smb3mc_ses *ses, struct smb3mc_chan *chan);

/* tcon.c */
int smb3mc_tcon_open(struct smb3mc_ses *ses, const char *share, u8 type,
		     struct smb3mc_tcon **tconp, struct p_log *log);
void smb3mc_tcon_close(struct smb3mc_tcon *tcon);
int smb3mc_tcons_resume(struct smb3mc_ses *ses, struct smb3mc_chan *chan);
void smb3mc_tcons_resumed(struct smb3mc_ses *ses, bool up,
			  struct list_head *orphans);
void smb3mc_tcons_close_orphans(struct smb3mc_ses *ses,
				struct smb3mc_chan *chan,
				struct list_head *orphans);

/* multichannel.c: opening channels, at mount and on each refresh */
void smb3mc_ses_chan_init(struct smb3mc_ses *ses, struct smb3mc_chan *chan);
void smb3mc_ses_release_breaks(struct smb3mc_ses *ses, bool up);
int smb3mc_ses_open_chan(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 const struct sockaddr_storage *dst, unsigned int id);
int smb3mc_ses_connect_chan(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			    const struct sockaddr_storage *dst,
			    unsigned int id);
int smb3mc_ses_start_multichannel(struct smb3mc_ses *ses, unsigned int max,
				  struct p_log *log);
void smb3mc_ses_refresh_channels(struct smb3mc_ses *ses);

/* reconnect.c: the maintenance work */
void smb3mc_ses_start_maint(struct smb3mc_ses *ses);
void smb3mc_ses_unmount(struct smb3mc_ses *ses);
void smb3mc_ses_abort_waits(struct smb3mc_ses *ses);
void smb3mc_ses_stop_maint(struct smb3mc_ses *ses);

/* session.c: open, close, DebugData */
int smb3mc_ses_open(struct smb3mc_ses **sesp, const struct smb3mc_opts *opts,
		    struct p_log *log);
int smb3mc_ses_add_channels(struct smb3mc_ses *ses, unsigned int max,
			    struct p_log *log);
void smb3mc_ses_close(struct smb3mc_ses *ses);
void smb3mc_ses_show(struct seq_file *m);

#endif /* SMB3MC_SESSION_H */
