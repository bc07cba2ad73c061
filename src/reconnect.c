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

/* The writer's view of a slot: only the caller changes it. */
static struct smb3mc_chan *slot_chan(struct smb3mc_ses *ses, unsigned int i)
{
	return rcu_dereference_protected(ses->slots[i].chan, true);
}

/* Take a dead channel out of slot @i and free it once nobody uses it. */
static void slot_retire(struct smb3mc_ses *ses, unsigned int i)
{
	struct smb3mc_chan *chan = slot_chan(ses, i);

	if (!chan || READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD)
		return;
	mutex_lock(&ses->chan_lock);
	RCU_INIT_POINTER(ses->slots[i].chan, NULL);
	ses->slots[i].attempts = 0;
	ses->slots[i].next_try = jiffies;
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
		if (rc != -ESHUTDOWN)
			pr_warn_ratelimited("smb3mc: %s: channel %u to %pISpc: reconnect failed (%d), next attempt in %u ms\n",
					    ses->server, i, &slot->dst, rc,
					    wait_ms);
		return;
	}
	mutex_lock(&ses->chan_lock);
	rcu_assign_pointer(slot->chan, chan);
	slot->reconnects++;
	slot->attempts = 0;
	mutex_unlock(&ses->chan_lock);
	pr_info("smb3mc: %s: channel %u to %pISpc re-established\n",
		ses->server, i, &slot->dst);
}

static void ses_maint_work(struct work_struct *work)
{
	struct smb3mc_ses *ses = container_of(to_delayed_work(work),
					      struct smb3mc_ses, maint_work);
	unsigned long next;
	unsigned int i;

	for (i = 0; i < ses->nr_chans; i++)
		slot_retire(ses, i);

	if (atomic_xchg(&ses->refresh_due, 0) ||
	    time_after_eq(jiffies, ses->next_refresh)) {
		ses->next_refresh = jiffies + SMB3MC_IFACE_REFRESH;
		smb3mc_ses_refresh_channels(ses);
	}

	next = ses->next_refresh;
	for (i = 0; i < ses->nr_chans && !READ_ONCE(ses->closing); i++) {
		if (slot_chan(ses, i))
			continue;
		if (time_after_eq(jiffies, ses->slots[i].next_try))
			slot_reconnect(ses, i);
		if (!slot_chan(ses, i) &&
		    time_before(ses->slots[i].next_try, next))
			next = ses->slots[i].next_try;
	}

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
	ses->next_refresh = jiffies + SMB3MC_IFACE_REFRESH;
	spin_lock(&ses->maint_lock);
	ses->maint_on = true;
	/* A channel lost during mount is taken care of at once. */
	queue_delayed_work(ses->wq, &ses->maint_work, 0);
	spin_unlock(&ses->maint_lock);
}

/**
 * smb3mc_ses_stop_maint - stop reconnects and resends for good
 * @ses: the session being closed
 *
 * Aborts a bind in progress (a connect in progress ends within its own
 * timeout), waits for the maintenance work and for every resend queued
 * before, each bounded by its request's timeout. Requests lost from now
 * on fail instead of being sent again.
 */
void smb3mc_ses_stop_maint(struct smb3mc_ses *ses)
{
	mutex_lock(&ses->chan_lock);
	spin_lock(&ses->maint_lock);
	ses->closing = true;
	spin_unlock(&ses->maint_lock);
	if (ses->connecting)
		smb3mc_chan_abort(ses->connecting);
	mutex_unlock(&ses->chan_lock);
	if (ses->maint_on)
		cancel_delayed_work_sync(&ses->maint_work);
	/* A delayed resend is not on the queue until its timer fires. */
	wait_var_event(&ses->resending, !atomic_read(&ses->resending));
}
