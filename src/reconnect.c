// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping a session's channels up. A channel whose connection is lost
 * leaves dispatch at once (its state turns DEAD) and its requests go out
 * again on the others (dispatch.c); its loss queues the maintenance work
 * here at once (multichannel.c). The work then takes it out of its slot,
 * connects again to the same server interface with backoff and binds the
 * new connection to the session (MS-SMB2 3.2.4.2.3), which puts the slot
 * back into dispatch. The same work asks the server for its interfaces
 * every ten minutes, as Windows and cifs.ko do, and after each loss, and
 * opens channels to new ones up to max_channels (multichannel.c).
 *
 * When every channel is gone the server may have lost the session with
 * them (a restart; Samba drops a session with its last connection), and
 * binding to it would fail: the work then reaches the server again on
 * one of its addresses, sets up a new session in place of the old one
 * (smb3mc_ses_renew()), makes the tree connects again and opens the open
 * files again (smb3mc_tcons_resume()), all on that one channel before
 * dispatch sees it; then it gives the channel to dispatch, where the
 * requests that waited go on (dispatch.c), closes there the files closed
 * meanwhile (smb3mc_tcons_close_orphans()), and binds the others as
 * above.
 *
 * Only this work (and mount, before it starts) changes the slots, under
 * ses->chan_lock; it never runs twice at once. Closing sets ses->closing,
 * aborts a bind in progress, and waits for the work: see
 * smb3mc_ses_stop_maint().
 */

#include <linux/slab.h>

#include "replay.h"
#include "session.h"

/*
 * A link that is down fails a connect at once (no route): trying every
 * few seconds costs nothing, and puts a link that is back to use soon.
 */
#define SMB3MC_RECONNECT_BASE_MS	1000
#define SMB3MC_RECONNECT_MAX_MS		5000
#define SMB3MC_IFACE_REFRESH		(600 * HZ)
/*
 * A server being restarted refuses connections at once: try its next
 * address at once, and each round again soon, so that I/O goes on within
 * a few seconds of the server listening again.
 */
#define SMB3MC_RECOVER_BASE_MS		250
#define SMB3MC_RECOVER_MAX_MS		2000
/*
 * A new session, or a channel, lost sooner than this after its setup or
 * bind was never of use.
 */
#define SMB3MC_RECOVER_STABLE		(10 * HZ)

/* The writer's view of a slot: only the caller changes it. */
static struct smb3mc_chan *slot_chan(struct smb3mc_ses *ses, unsigned int i)
{
	return rcu_dereference_protected(ses->slots[i].chan, true);
}

/*
 * Take a dead channel out of slot @i and free it once nobody uses it. A
 * channel that was up for SMB3MC_RECOVER_STABLE is reconnected at once.
 * One lost sooner has the next bind wait as after a failed one: a server
 * that accepts each bind (MS-SMB2 3.2.5.3.3) and then drops the connection
 * would otherwise have it bound again back to back, each time a connect,
 * NEGOTIATE, SESSION_SETUP and ECHO, and the requests sent to it lost.
 * So a bind that works leaves the count of attempts alone: a channel that
 * stayed up sets it back here, as a new session does (ses_recover()).
 */
static void slot_retire(struct smb3mc_ses *ses, unsigned int i)
{
	struct smb3mc_slot *slot = &ses->slots[i];
	struct smb3mc_chan *chan = slot_chan(ses, i);
	unsigned int wait_ms = 0;

	if (!chan || READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD)
		return;
	mutex_lock(&ses->chan_lock);
	RCU_INIT_POINTER(slot->chan, NULL);
	if (time_after(jiffies, slot->bound_at + SMB3MC_RECOVER_STABLE))
		slot->attempts = 0;
	else
		wait_ms = smb3mc_backoff_ms(slot->attempts++,
					    SMB3MC_RECONNECT_BASE_MS,
					    SMB3MC_RECONNECT_MAX_MS);
	slot->next_try = jiffies + msecs_to_jiffies(wait_ms);
	mutex_unlock(&ses->chan_lock);

	/*
	 * After the grace period every chooser that saw the channel has
	 * counted itself; a DEAD channel sends each of them back at once.
	 */
	synchronize_rcu();
	wait_var_event(&chan->users, !atomic_read(&chan->users));
	smb3mc_chan_shutdown(chan);
	kfree(chan);
}

static void slot_reconnect(struct smb3mc_ses *ses, unsigned int i)
{
	struct smb3mc_slot *slot = &ses->slots[i];
	struct smb3mc_chan *chan;
	unsigned int wait_ms;
	int rc = -ENOMEM;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (chan) {
		chan->speed_bps = slot->speed_bps;
		rc = smb3mc_ses_connect_chan(ses, chan, &slot->dst, i);
	}
	if (rc) {
		kfree(chan);
		wait_ms = smb3mc_backoff_ms(slot->attempts++,
					    SMB3MC_RECONNECT_BASE_MS,
					    SMB3MC_RECONNECT_MAX_MS);
		slot->next_try = jiffies + msecs_to_jiffies(wait_ms);
		/* The session is closing, or lost its other channels. */
		if (rc != -ESHUTDOWN && rc != -ENOTCONN)
			pr_warn_ratelimited("smb3mc: %s: channel %u to %pISpc: reconnect failed (%d), next attempt in %u ms\n",
					    ses->server, i, &slot->dst, rc,
					    wait_ms);
		return;
	}
	mutex_lock(&ses->chan_lock);
	rcu_assign_pointer(slot->chan, chan);
	slot->bound_at = jiffies;
	slot->reconnects++;
	mutex_unlock(&ses->chan_lock);
	pr_info_ratelimited("smb3mc: %s: channel %u to %pISpc re-established\n",
			    ses->server, i, &slot->dst);
	/* What waits for a channel, its session being kept, goes on. */
	smb3mc_ses_io_kick(ses);
}

/* Every slot is empty: the session has no channel left. */
static bool ses_all_lost(struct smb3mc_ses *ses)
{
	unsigned int i;

	for (i = 0; i < ses->nr_chans; i++)
		if (slot_chan(ses, i))
			return false;
	return ses->nr_chans;
}

/*
 * The slot whose server address attempt @attempt of a recovery goes to:
 * each distinct address in turn, the mounted one first.
 */
static unsigned int recover_slot(struct smb3mc_ses *ses, unsigned int attempt,
				 unsigned int *addrs)
{
	unsigned int distinct[SMB3MC_MAX_CHANNELS];
	unsigned int i, j, n = 0;

	for (i = 0; i < ses->nr_chans; i++) {
		for (j = 0; j < n; j++)
			if (!memcmp(&ses->slots[distinct[j]].dst,
				    &ses->slots[i].dst,
				    sizeof(ses->slots[i].dst)))
				break;
		if (j == n)
			distinct[n++] = i;
	}
	*addrs = n;
	return distinct[attempt % n];
}

/*
 * One attempt to set up a new session in place of the lost one, on the
 * next of the server's addresses; the new channel takes that slot.
 */
static void ses_recover(struct smb3mc_ses *ses)
{
	unsigned int addrs, i = recover_slot(ses, ses->recover_attempts, &addrs);
	struct smb3mc_slot *slot = &ses->slots[i];
	struct smb3mc_chan *chan;
	unsigned int wait_ms, s;
	bool renewed = false;
	LIST_HEAD(orphans);
	int rc = -ENOMEM;

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (chan) {
		chan->speed_bps = slot->speed_bps;
		rc = smb3mc_ses_open_chan(ses, chan, &slot->dst, i);
	}
	/*
	 * Nobody waits for the work, which is bounded by each timeout; umount
	 * aborts it, from the connect on.
	 */
	if (!rc)
		rc = smb3mc_ses_renew(ses, chan);
	/* A close meanwhile does not wait: see smb3mc_open_close(). */
	mutex_lock(&ses->tcon_lock);
	if (!rc) {
		renewed = true;
		rc = smb3mc_tcons_resume(ses, chan);
	}
	if (ses->connecting) {
		mutex_lock(&ses->chan_lock);
		ses->connecting = NULL;
		mutex_unlock(&ses->chan_lock);
	}
	if (!rc && !smb3mc_chan_set_good(chan))
		rc = -ECONNABORTED;
	smb3mc_tcons_resumed(ses, !rc, &orphans);
	mutex_unlock(&ses->tcon_lock);
	if (rc) {
		/*
		 * The session this attempt set up is what the server may hold
		 * now, with the files it opened again; it dropped the one
		 * before, which that session named (MS-SMB2 3.2.4.2.2,
		 * 3.3.5.5.3). The next attempt names this one.
		 */
		if (renewed)
			ses->lost_id = ses->id;
		if (chan)
			smb3mc_chan_shutdown(chan);
		kfree(chan);
		smb3mc_ses_release_breaks(ses, false);
		wait_ms = smb3mc_recover_wait_ms(ses->recover_attempts++, addrs,
						 SMB3MC_RECOVER_BASE_MS,
						 SMB3MC_RECOVER_MAX_MS);
		ses->next_recover = jiffies + msecs_to_jiffies(wait_ms);
		if (rc != -ESHUTDOWN)
			pr_warn_ratelimited("smb3mc: %s: server at %pISpc: new session failed (%d), next attempt in %u ms\n",
					    ses->server, &slot->dst, rc, wait_ms);
		return;
	}
	mutex_lock(&ses->chan_lock);
	WRITE_ONCE(ses->gen, ses->gen + 1);
	/* Who sees the channel sees the number: see ses_resume(). */
	smp_wmb();
	rcu_assign_pointer(slot->chan, chan);
	slot->bound_at = jiffies;
	slot->reconnects++;
	/* Bind the others at once. */
	for (s = 0; s < ses->nr_chans; s++) {
		ses->slots[s].attempts = 0;
		ses->slots[s].next_try = jiffies;
	}
	ses->lost_id = 0;
	ses->recoveries++;
	ses->recovered_at = jiffies;
	smb3mc_ses_release_breaks(ses, true);
	mutex_unlock(&ses->chan_lock);
	atomic_set(&ses->refresh_due, 1);
	pr_info_ratelimited("smb3mc: %s: new session 0x%llx on channel %u to %pISpc after %u ms without a channel\n",
			    ses->server, ses->id, i, &slot->dst,
			    jiffies_to_msecs(jiffies - ses->down_since));
	smb3mc_ses_io_kick(ses);
	smb3mc_tcons_close_orphans(ses, chan, &orphans);
}

/*
 * The wait before the first attempt to set up a new session. A session
 * lost again within SMB3MC_RECOVER_STABLE of its setup has the next one
 * wait as after failed attempts: a server that drops each new session at
 * its first request would have them set up back to back for as long as
 * the mount lasts, each a connect, NEGOTIATE, SESSION_SETUP, the trees
 * and every open file again.
 */
static unsigned int ses_relapse_wait_ms(struct smb3mc_ses *ses)
{
	if (!ses->recoveries ||
	    time_after(jiffies, ses->recovered_at + SMB3MC_RECOVER_STABLE)) {
		ses->relapses = 0;
		return 0;
	}
	return smb3mc_backoff_ms(ses->relapses++, SMB3MC_RECOVER_BASE_MS,
				 SMB3MC_RECOVER_MAX_MS);
}

/*
 * With every channel gone, set up a new session (ses_recover()); while
 * that fails, what waits for the server is looked at again after each
 * attempt (soft deadlines). Return: when to run again, or 0 once the
 * session is back.
 */
static unsigned long ses_maint_recover(struct smb3mc_ses *ses)
{
	if (!READ_ONCE(ses->recovering)) {
		if (!ses_all_lost(ses) || READ_ONCE(ses->unmounting))
			return 0;
		ses->lost_id = ses->id;
		ses->down_since = jiffies;
		ses->recover_attempts = 0;
		ses->next_recover = jiffies +
				    msecs_to_jiffies(ses_relapse_wait_ms(ses));
		WRITE_ONCE(ses->recovering, true);
		pr_warn_ratelimited("smb3mc: %s: every channel lost: setting up a new session\n",
				    ses->server);
	}
	if (time_after_eq(jiffies, ses->next_recover) &&
	    !READ_ONCE(ses->unmounting))
		ses_recover(ses);
	if (!READ_ONCE(ses->recovering))
		return 0;
	smb3mc_ses_io_kick(ses);
	return ses->next_recover;
}

/*
 * The last channel was lost while the maintenance work binds another: the
 * server most likely dropped the session with its last connection, and
 * the bind would hold the work, which is to set up the new session, for
 * as long as the server takes to refuse it, or a request timeout where it
 * went silent. Give it up: the new session binds that channel again.
 */
static void ses_bind_abort(struct work_struct *work)
{
	struct smb3mc_ses *ses = container_of(work, struct smb3mc_ses,
					      bind_abort);

	mutex_lock(&ses->chan_lock);
	if (ses->connecting && !READ_ONCE(ses->recovering) &&
	    !smb3mc_ses_up(ses)) {
		pr_warn_ratelimited("smb3mc: %s: every channel lost: the bind of channel %u is given up\n",
				    ses->server, ses->connecting->id);
		smb3mc_chan_abort(ses->connecting);
	}
	mutex_unlock(&ses->chan_lock);
}

static void ses_maint_work(struct work_struct *work)
{
	struct smb3mc_ses *ses = container_of(to_delayed_work(work),
					      struct smb3mc_ses, maint_work);
	unsigned long next;
	unsigned int i;

	for (i = 0; i < ses->nr_chans; i++)
		slot_retire(ses, i);
	/* Unmounting sets no new session up, and closing follows. */
	if (READ_ONCE(ses->unmounting) && READ_ONCE(ses->recovering))
		return;

	next = ses_maint_recover(ses);
	if (next)
		goto again;

	/*
	 * A new session whose server no longer offers multichannel
	 * (MS-SMB2 3.2.5.2) would refuse every bind: the other slots wait
	 * for a session that does.
	 */
	if (!(ses->server_caps & SMB2_GLOBAL_CAP_MULTI_CHANNEL)) {
		next = jiffies + SMB3MC_IFACE_REFRESH;
		goto again;
	}

	if (atomic_xchg(&ses->refresh_due, 0) ||
	    time_after_eq(jiffies, ses->next_refresh)) {
		ses->next_refresh = jiffies + SMB3MC_IFACE_REFRESH;
		smb3mc_ses_refresh_channels(ses);
	}

	next = ses->next_refresh;
	for (i = 0; i < ses->nr_chans && !READ_ONCE(ses->closing); i++) {
		if (slot_chan(ses, i))
			continue;
		/*
		 * The others were lost meanwhile (the interface list, or a
		 * bind, waited on them): no bind, a new session first.
		 */
		if (!smb3mc_ses_up(ses)) {
			next = jiffies;
			break;
		}
		if (time_after_eq(jiffies, ses->slots[i].next_try))
			slot_reconnect(ses, i);
		if (!slot_chan(ses, i) &&
		    time_before(ses->slots[i].next_try, next))
			next = ses->slots[i].next_try;
	}

again:
	/* A loss meanwhile has queued us at once already: keep that. */
	spin_lock(&ses->maint_lock);
	if (!ses->closing)
		queue_delayed_work(ses->wq, &ses->maint_work,
				   time_after(next, jiffies) ?
				   next - jiffies : 0);
	spin_unlock(&ses->maint_lock);
}

/**
 * smb3mc_ses_start_maint - start keeping the channels up, once mounted
 * @ses: the session, with the channels mount opened
 */
void smb3mc_ses_start_maint(struct smb3mc_ses *ses)
{
	INIT_DELAYED_WORK(&ses->maint_work, ses_maint_work);
	INIT_WORK(&ses->bind_abort, ses_bind_abort);
	ses->next_refresh = jiffies + SMB3MC_IFACE_REFRESH;
	spin_lock(&ses->maint_lock);
	ses->maint_on = true;
	/* A channel lost during mount is taken care of at once. */
	queue_delayed_work(ses->wq, &ses->maint_work, 0);
	spin_unlock(&ses->maint_lock);
}

/**
 * smb3mc_ses_unmount - umount: nothing waits for the server any more
 * @ses: the session of a mount being unmounted
 *
 * What waits for a lost server fails now, what comes later fails without
 * waiting, and no new session is set up: umount completes in bounded time
 * even while the server is gone (dirty data that waited for it is lost,
 * with a message for each request). Channels that work go on working.
 */
void smb3mc_ses_unmount(struct smb3mc_ses *ses)
{
	WRITE_ONCE(ses->unmounting, true);
	mutex_lock(&ses->chan_lock);
	if (ses->connecting && READ_ONCE(ses->recovering))
		smb3mc_chan_abort(ses->connecting);
	mutex_unlock(&ses->chan_lock);
	smb3mc_ses_io_kick(ses);
}

/**
 * smb3mc_ses_abort_waits - umount -f: what waits for a lost server fails
 * @ses: the session of a mount
 *
 * Only what waits now: later requests wait again as hard or soft says,
 * and the new session is still set up, since the mount may stay (busy).
 */
void smb3mc_ses_abort_waits(struct smb3mc_ses *ses)
{
	WRITE_ONCE(ses->aborts, ses->aborts + 1);
	smb3mc_ses_io_kick(ses);
}

/**
 * smb3mc_ses_stop_maint - stop reconnects and resends for good
 * @ses: the session being closed
 *
 * Aborts a connect or bind in progress, waits for the maintenance work
 * and for every resend queued before, each bounded by its request's
 * timeout. Requests lost from now on fail instead of being sent again.
 */
void smb3mc_ses_stop_maint(struct smb3mc_ses *ses)
{
	mutex_lock(&ses->chan_lock);
	spin_lock(&ses->maint_lock);
	/* Read without the locks too: by a query in the work, for one. */
	WRITE_ONCE(ses->closing, true);
	spin_unlock(&ses->maint_lock);
	if (ses->connecting)
		smb3mc_chan_abort(ses->connecting);
	mutex_unlock(&ses->chan_lock);
	/* What waits for a channel fails now. */
	smb3mc_ses_io_kick(ses);
	flush_work(&ses->io_work);
	if (ses->maint_on) {
		cancel_work_sync(&ses->bind_abort);
		cancel_delayed_work_sync(&ses->maint_work);
	}
	/* A delayed resend is not on the queue until its timer fires. */
	wait_var_event(&ses->resending, !atomic_read(&ses->resending));
}
