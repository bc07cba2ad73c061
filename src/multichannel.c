// SPDX-License-Identifier: GPL-2.0
/*
 * Multichannel (MS-SMB2 3.2.4.2.3, 3.2.5.3.3): learn the server's
 * interfaces over IPC$, then open and bind further channels to them, at
 * mount and again whenever the maintenance work refreshes the list. Also
 * what every channel of a session goes through: into use once set up,
 * the notice when it is lost, which wakes the maintenance work
 * (reconnect.c) through its work item, and the lease breaks it receives
 * from its first message on, which go up to the mount.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "chan_pick.h"
#include "iface_addr.h"
#include "nterr.h"
#include "options.h"
#include "pdu_file.h"
#include "session.h"

/* Room for the interface list of a server with many addresses. */
#define SMB3MC_IFACE_BUF	(16 * 1024)

/* Every max_channels= a mount accepts has its slot. */
static_assert(SMB3MC_OPTS_MAX_CHANNELS == SMB3MC_MAX_CHANNELS);

/*
 * The on_dead callback of a session's channel, from its receive thread,
 * before the requests it held fail (and are sent again elsewhere): @chan
 * is DEAD already.
 */
static void ses_chan_lost(struct smb3mc_chan *chan)
{
	struct smb3mc_ses *ses = chan->owner;

	/* Closing shuts every channel down: that is no loss. */
	spin_lock(&ses->maint_lock);
	if (ses->closing) {
		spin_unlock(&ses->maint_lock);
		return;
	}
	/* MS-SMB2 3.2.7.1: what is sent from now on carries the new value. */
	atomic_inc(&ses->chan_seq);
	atomic_set(&ses->refresh_due, 1);
	if (ses->maint_on) {
		mod_delayed_work(ses->wq, &ses->maint_work, 0);
		if (!smb3mc_ses_up(ses))
			queue_work(ses->wq, &ses->bind_abort);
	}
	spin_unlock(&ses->maint_lock);
	pr_warn_ratelimited("smb3mc: %s: channel %u lost, reconnecting it in the background\n",
			    ses->server, chan->id);
}

/* Hand @brk to the mount's handler, which must not block. */
static void ses_break_deliver(struct smb3mc_ses *ses,
			      const struct smb3mc_lease_break *brk)
{
	bool (*handler)(void *owner, const struct smb3mc_lease_break *brk);

	/* Pairs with the release in smb3mc_share_on_lease_break(). */
	handler = smp_load_acquire(&ses->lease_break);
	/*
	 * A mount going away no longer has the files it evicted, whose
	 * breaks a server sends again when a channel closes while one is
	 * not acknowledged (Samba; also one whose last handle was closed
	 * instead): not worth a message.
	 */
	if ((!handler || !handler(ses->lease_owner, brk)) &&
	    !READ_ONCE(ses->unmounting))
		pr_warn_ratelimited("smb3mc: %s: break of lease %16phN, which this mount does not hold, ignored\n",
				    ses->server, brk->key);
}

/*
 * While a new session is set up, keep @brk until it is in use: see
 * smb3mc_ses_release_breaks(). A later break of a lease takes the place
 * of the one held, keeping its request for an acknowledgment. Returns
 * whether it was kept, or dropped for want of room.
 */
static bool ses_break_hold(struct smb3mc_ses *ses,
			   const struct smb3mc_lease_break *brk)
{
	struct smb3mc_lease_break *held;
	unsigned int i;
	u32 ack = 0;
	bool hold;

	spin_lock(&ses->held_lock);
	hold = READ_ONCE(ses->recovering);
	if (!hold)
		goto out;
	for (i = 0; i < ses->nr_held; i++)
		if (!memcmp(ses->held[i].key, brk->key, sizeof(brk->key)))
			break;
	if (i == ARRAY_SIZE(ses->held)) {
		pr_warn_ratelimited("smb3mc: %s: more than %zu leases broken while setting up a new session: break of lease %16phN dropped\n",
				    ses->server, ARRAY_SIZE(ses->held),
				    brk->key);
		goto out;
	}
	held = &ses->held[i];
	if (i < ses->nr_held)
		ack = held->flags & SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED;
	else
		ses->nr_held++;
	*held = *brk;
	held->flags |= ack;
out:
	spin_unlock(&ses->held_lock);
	return hold;
}

/*
 * The on_break callback of a session's channel, from its receive thread or
 * a worker: a break notification, for the mount's handler.
 */
static void ses_chan_break(struct smb3mc_chan *chan, const void *msg,
			   size_t len)
{
	struct smb3mc_ses *ses = chan->owner;
	struct smb3mc_lease_break brk;

	if (smb3mc_parse_lease_break(msg, len, &brk)) {
		pr_warn_ratelimited("smb3mc: %s: malformed break notification on channel %u, or an oplock break, dropped\n",
				    ses->server, chan->id);
		return;
	}
	atomic_inc(&ses->lease_breaks);
	if (!ses_break_hold(ses, &brk))
		ses_break_deliver(ses, &brk);
}

/**
 * smb3mc_ses_release_breaks - the breaks that came while a new session
 *	was set up
 * @ses: the session, @recovering
 * @up: the new session is in use, under @ses->chan_lock: it is no longer
 *	@recovering, and they go to the mount; else they are dropped (the
 *	channel they came on is shut down)
 *
 * Held until the session has a channel in use, where their
 * acknowledgments can go (smb3mc_lease_ack() waits for none): a server
 * sends the breaks of the files a new session opens again on the one
 * channel it has while it opens them (smb3mc_tcons_resume()), and
 * another client's open waits for the acknowledgment. @recovering ends
 * in the same step, so that no later break reaches the mount first.
 */
void smb3mc_ses_release_breaks(struct smb3mc_ses *ses, bool up)
{
	unsigned int i;

	spin_lock(&ses->held_lock);
	if (up)
		WRITE_ONCE(ses->recovering, false);
	for (i = 0; up && i < ses->nr_held; i++)
		ses_break_deliver(ses, &ses->held[i]);
	ses->nr_held = 0;
	spin_unlock(&ses->held_lock);
}

/**
 * smb3mc_ses_chan_init - make @ses the owner of a channel about to connect
 * @ses: the session
 * @chan: zeroed
 *
 * The session hears the channel's break notifications from its first
 * message on: those of the files a new session opens again come before
 * the channel is in use (smb3mc_tcons_resume()).
 */
void smb3mc_ses_chan_init(struct smb3mc_ses *ses, struct smb3mc_chan *chan)
{
	smb3mc_chan_set_owner(chan, ses_chan_lost, ses_chan_break, ses);
}

/**
 * smb3mc_ses_open_chan - open the TCP connection of a channel of @ses
 * @ses: the session
 * @chan: zeroed
 * @dst: a server address with the session's port
 * @id: the slot it is for
 *
 * The channel is @ses->connecting from the SYN on, so that what would
 * abort it then (closing the session, losing its last channel during a
 * bind, umount during a recovery) ends the connect too; once that ran,
 * no connect starts. Nor does a bind once the session has no channel
 * left: the server most likely dropped the session with it, and the
 * maintenance work is to set up a new one (reconnect.c), not wait on
 * the bind first. Only that work recovers, with @ses->recovering set
 * before; mount and that work bind, with it clear.
 *
 * Return: 0 with @chan connected; -ENOTCONN, for a bind, when the
 * session has no channel; or another errno. Either way the caller clears
 * @ses->connecting and, on error, shuts @chan down.
 */
int smb3mc_ses_open_chan(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 const struct sockaddr_storage *dst, unsigned int id)
{
	int rc;

	smb3mc_ses_chan_init(ses, chan);
	rc = smb3mc_chan_connect_start(chan, ses->net, dst, id);
	if (rc)
		return rc;
	/*
	 * ses_bind_abort(), queued once the last channel is lost, takes the
	 * lock too: it finds this bind in @ses->connecting and aborts it, or
	 * the loss is seen here.
	 */
	mutex_lock(&ses->chan_lock);
	if (ses->closing ||
	    (READ_ONCE(ses->recovering) && READ_ONCE(ses->unmounting)))
		rc = -ESHUTDOWN;
	else if (!READ_ONCE(ses->recovering) && !smb3mc_ses_up(ses))
		rc = -ENOTCONN;
	else
		ses->connecting = chan;
	mutex_unlock(&ses->chan_lock);
	if (!rc)
		rc = smb3mc_chan_connect_finish(chan);
	if (!rc)
		smb3mc_chan_set_dead_time(chan, smb3mc_ses_dead_time(ses));
	return rc;
}

/**
 * smb3mc_ses_connect_chan - open a channel of @ses to @dst and bind it
 * @ses: an established session
 * @chan: zeroed
 * @dst: a server interface with the session's port
 * @id: the slot it is for
 *
 * Closing the session, or losing its last channel, aborts the connect
 * or bind in progress; neither starts after.
 *
 * Return: 0 with @chan usable and not yet in its slot, or an errno with
 * @chan shut down (the caller frees it): -ENOTCONN when the session had
 * no channel left to bind to.
 */
int smb3mc_ses_connect_chan(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			    const struct sockaddr_storage *dst,
			    unsigned int id)
{
	int rc;

	rc = smb3mc_ses_open_chan(ses, chan, dst, id);
	if (!rc)
		rc = smb3mc_ses_bind(ses, chan);
	mutex_lock(&ses->chan_lock);
	ses->connecting = NULL;
	mutex_unlock(&ses->chan_lock);
	if (!rc && !smb3mc_chan_set_good(chan))
		rc = -ECONNABORTED;
	if (rc)
		smb3mc_chan_shutdown(chan);
	return rc;
}

/*
 * Keep of the @n interfaces those a channel may go to, sorted (see
 * smb3mc_iface_addr_refused()), SMB3MC_MAX_IFACES at most; returns how
 * many.
 */
static int drop_refused_ifaces(struct smb3mc_ses *ses,
			       struct smb3mc_iface *ifaces, int n)
{
	const char *why;
	int i, kept = 0;

	for (i = 0; i < n; i++) {
		why = smb3mc_iface_addr_refused(&ifaces[i].addr, &ses->addr);
		if (why) {
			pr_warn_ratelimited("smb3mc: %s: refusing interface %pISc from the server's list: %s address\n",
					    ses->server, &ifaces[i].addr, why);
			continue;
		}
		ifaces[kept++] = ifaces[i];
	}
	smb3mc_sort_ifaces(ifaces, kept);
	return min(kept, SMB3MC_MAX_IFACES);
}

static int query_ifaces(struct smb3mc_ses *ses, struct smb3mc_iface *ifaces)
{
	struct smb3mc_chan *chan;
	struct smb3mc_call *call;
	int rc;

	/*
	 * On one channel, failing with it: waiting for the server as other
	 * calls do would, on a hard mount, wait for the maintenance work
	 * that calls us, which sets up the new session when every channel
	 * is lost.
	 */
	chan = smb3mc_ses_pick_chan(ses, 0);
	if (!chan)
		return -EHOSTDOWN;
	call = smb3mc_call_alloc(256);
	if (!call) {
		smb3mc_chan_put(chan);
		return -ENOMEM;
	}
	/*
	 * Closing the session waits for the maintenance work, which no signal
	 * reaches: a server that keeps the query pending would hold umount
	 * for two request timeouts. Closing ends the wait instead, with
	 * -ESHUTDOWN, and the list is of no use then: no message.
	 */
	call->stop = &ses->closing;
	rc = smb3mc_call_send_on(ses, chan, ses->ipc, call,
				 smb3mc_build_query_ifaces(call->buf, call->size,
							   SMB3MC_IFACE_BUF),
				 SMB3MC_IFACE_BUF);
	smb3mc_chan_put(chan);
	if (!rc)
		rc = smb3mc_parse_query_ifaces(call->req.rsp, call->req.rsp_len,
					       ifaces, SMB3MC_MAX_IFACES_LISTED);
	if (rc < 0 && call->req.status != STATUS_SUCCESS)
		pr_warn_ratelimited("smb3mc: %s: cannot list the server's interfaces: %s (%d)\n",
				    ses->server, smb3mc_status_name(call->req.status), rc);
	else if (rc < 0 && rc != -ESHUTDOWN)
		pr_warn_ratelimited("smb3mc: %s: cannot list the server's interfaces (%d)\n",
				    ses->server, rc);
	else if (rc >= 0)
		rc = drop_refused_ifaces(ses, ifaces, rc);
	smb3mc_call_free(call);
	return rc;
}

static bool same_address(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)b;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return ipv6_addr_equal(&a6->sin6_addr, &b6->sin6_addr);
}

/* The interface's address with the port the session uses. */
static void iface_dst(const struct smb3mc_ses *ses,
		      const struct smb3mc_iface *iface,
		      struct sockaddr_storage *dst)
{
	*dst = iface->addr;
	if (dst->ss_family == AF_INET)
		((struct sockaddr_in *)dst)->sin_port =
			((const struct sockaddr_in *)&ses->addr)->sin_port;
	else
		((struct sockaddr_in6 *)dst)->sin6_port =
			((const struct sockaddr_in6 *)&ses->addr)->sin6_port;
}

static int open_channel(struct smb3mc_ses *ses,
			const struct smb3mc_iface *iface)
{
	unsigned int id = ses->nr_chans;
	struct sockaddr_storage dst;
	struct smb3mc_chan *chan;
	int rc;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return -ENOMEM;
	iface_dst(ses, iface, &dst);
	chan->speed_bps = iface->speed_bps;
	rc = smb3mc_ses_connect_chan(ses, chan, &dst, id);
	if (rc) {
		/* Not the interface's failure: the session lost its channels. */
		if (rc != -ENOTCONN)
			pr_warn_ratelimited("smb3mc: %s: channel %u to %pISpc failed (%d)\n",
					    ses->server, id, &dst, rc);
		kfree(chan);
		return rc;
	}
	mutex_lock(&ses->chan_lock);
	ses->slots[id].dst = dst;
	ses->slots[id].speed_bps = iface->speed_bps;
	rcu_assign_pointer(ses->slots[id].chan, chan);
	ses->slots[id].bound_at = jiffies;
	/* Dispatch reads the count without the lock: publish the slot first. */
	smp_store_release(&ses->nr_chans, id + 1);
	mutex_unlock(&ses->chan_lock);
	smb3mc_ses_io_kick(ses);
	return 0;
}

/*
 * Open channels until the session has ses->max_chans, each to the
 * interface the plan prefers given those the slots already go to (a slot
 * being reconnected counts). An interface a channel cannot be opened to
 * is reported and passed over; the next refresh tries it again. Once the
 * session has no channel left no more are tried: each could hold the
 * maintenance work, which sets up the new session, for a connect timeout.
 * The new session has the list read again (ses_recover()).
 */
static int fill_channels(struct smb3mc_ses *ses,
			 const struct smb3mc_iface *ifaces, int n)
{
	struct smb3mc_iface_load loads[SMB3MC_MAX_IFACES] = {};
	struct smb3mc_chan *chan;
	unsigned int s;
	int i, pick, rc;

	for (i = 0; i < n; i++) {
		loads[i].speed_bps = ifaces[i].speed_bps;
		loads[i].rss = ifaces[i].rss;
		for (s = 0; s < ses->nr_chans; s++) {
			if (!same_address(&ifaces[i].addr, &ses->slots[s].dst))
				continue;
			loads[i].channels++;
			ses->slots[s].speed_bps = ifaces[i].speed_bps;
			/* Only this work and mount change slots: no lock. */
			chan = rcu_dereference_protected(ses->slots[s].chan,
							 true);
			if (chan)
				WRITE_ONCE(chan->speed_bps, ifaces[i].speed_bps);
		}
	}
	/* Each round opens a channel or passes over an interface. */
	while (ses->nr_chans < ses->max_chans) {
		if (READ_ONCE(ses->closing) || !smb3mc_ses_up(ses))
			break;
		pick = smb3mc_plan_channel(loads, n);
		if (pick < 0)
			break;
		rc = open_channel(ses, &ifaces[pick]);
		if (rc == -ENOMEM)
			return rc;
		if (rc)
			loads[pick].failed++;
		else
			loads[pick].channels++;
	}
	return 0;
}

/**
 * smb3mc_ses_refresh_channels - read the interface list again
 * @ses: a session whose mount kept IPC$ open for this
 *
 * Called by the maintenance work, every ten minutes and after a channel
 * was lost: a server may have gained interfaces, or the mount may have
 * failed to open some of its channels.
 */
void smb3mc_ses_refresh_channels(struct smb3mc_ses *ses)
{
	struct smb3mc_iface *ifaces;
	int n;

	if (!ses->ipc)
		return;
	ifaces = kcalloc(SMB3MC_MAX_IFACES_LISTED, sizeof(*ifaces),
			 GFP_KERNEL);
	if (!ifaces)
		return;
	n = query_ifaces(ses, ifaces);
	if (n > 0)
		fill_channels(ses, ifaces, n);
	kfree(ifaces);
}

/**
 * smb3mc_ses_start_multichannel - open channels until the session has @max
 * @ses: an established session with its first channel
 * @max: max_channels from the mount, 0 for the default
 * @log: for messages to the user
 *
 * A channel that cannot be opened is reported and skipped: the mount
 * works with the channels it got. IPC$ stays open for the refreshes.
 *
 * Return: 0, or -ENOMEM.
 */
int smb3mc_ses_start_multichannel(struct smb3mc_ses *ses, unsigned int max,
				  struct p_log *log)
{
	struct smb3mc_iface *ifaces = NULL;
	int n, rc = 0;

	if (!(ses->server_caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL)) {
		if (max > 1)
			pr_info_ratelimited("smb3mc: %s: server does not offer multichannel\n",
					    ses->server);
		goto out;
	}
	ses->max_chans = max ? max : SMB3MC_DEFAULT_CHANNELS;
	if (ses->max_chans <= 1)
		goto out;

	ifaces = kcalloc(SMB3MC_MAX_IFACES_LISTED, sizeof(*ifaces),
			 GFP_KERNEL);
	if (!ifaces)
		return -ENOMEM;
	/* Kept for the session's life: the list is read again later. */
	if (smb3mc_tcon_open(ses, "IPC$", SMB2_SHARE_TYPE_PIPE, &ses->ipc,
			     log)) {
		ses->ipc = NULL;
		goto out;
	}
	n = query_ifaces(ses, ifaces);
	if (n > 0)
		rc = fill_channels(ses, ifaces, n);
out:
	kfree(ifaces);
	return rc;
}
