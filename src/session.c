// SPDX-License-Identifier: GPL-2.0
/*
 * A session's life: opening it on its first channel, adding the others
 * and keeping them up once mounted, the ECHO that finds a silent channel,
 * LOGOFF and teardown, and the session's part of DebugData. The steps
 * themselves are the files below: ses_setup.c, tcon.c, multichannel.c
 * and reconnect.c.
 */

#include <linux/fs_context.h>
#include <linux/nsproxy.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "chan_show.h"
#include "options.h"
#include "pdu_session.h"
#include "session.h"

/* Every open session, for DebugData. */
static LIST_HEAD(smb3mc_sessions);
static DEFINE_MUTEX(smb3mc_sessions_lock);

/*
 * A channel that heard nothing for an echo interval gets an ECHO; one that
 * does not answer it is dropped, so that its requests fail instead of
 * waiting on a connection that is gone without a reset. Each slot's ECHO
 * is a work of its own: a server gone silent has every channel waiting
 * for its answer at once, and is found lost one ECHO timeout later, not
 * one a channel.
 */
static void ses_slot_echo(struct work_struct *work)
{
	struct smb3mc_slot *slot = container_of(work, struct smb3mc_slot,
						echo);
	struct smb3mc_ses *ses = slot->ses;
	struct smb3mc_chan *chan;
	struct smb3mc_call *call;
	int rc;

	chan = smb3mc_ses_chan(ses, slot - ses->slots);
	if (!chan)
		return;
	if (time_before(jiffies, READ_ONCE(chan->last_rx) + ses->echo_interval))
		goto out;
	call = smb3mc_call_alloc(128);
	if (!call)
		goto out;
	smb3mc_call_prepare(call, smb3mc_build_echo(call->buf, call->size), 0);
	call->req.timeout = smb3mc_ses_dead_time(ses);
	/*
	 * smb3mc_ses_close() waits for this work, which no signal reaches,
	 * with closing set already (umount stopped the maintenance first):
	 * an ECHO kept pending would hold umount for two of its timeouts.
	 */
	call->req.stop = &ses->closing;
	/*
	 * One count for the call, one to abort after it. Only on this
	 * channel: an ECHO sent again elsewhere, or waiting for a new
	 * session, would hold this channel's count while the maintenance
	 * work that retires it waits for that.
	 */
	smb3mc_chan_hold(chan);
	rc = smb3mc_ses_call_once(ses, chan, NULL, &call->req);
	if (rc == -ETIMEDOUT) {
		pr_warn_ratelimited("smb3mc: %s: no answer to ECHO, dropping the connection\n",
				    chan->name);
		smb3mc_chan_abort(chan);
	}
	smb3mc_call_free(call);
out:
	smb3mc_chan_put(chan);
}

/* Half an echo interval: a channel quiet for one waits half more at most. */
static unsigned long ses_echo_period(const struct smb3mc_ses *ses)
{
	return max(ses->echo_interval / 2, 1UL);
}

static void ses_echo_work(struct work_struct *work)
{
	struct smb3mc_ses *ses = container_of(to_delayed_work(work),
					      struct smb3mc_ses, echo_work);
	unsigned int i;

	for (i = 0; i < READ_ONCE(ses->nr_chans); i++)
		queue_work(system_long_wq, &ses->slots[i].echo);
	queue_delayed_work(system_long_wq, &ses->echo_work,
			   ses_echo_period(ses));
}

static void ses_free(struct smb3mc_ses *ses)
{
	struct smb3mc_chan *chan;
	unsigned int i;

	/*
	 * No sender and no maintenance work is left (see smb3mc_ses_close());
	 * what the channels still hold fails instead of being sent again.
	 */
	spin_lock(&ses->maint_lock);
	WRITE_ONCE(ses->closing, true);
	spin_unlock(&ses->maint_lock);
	/*
	 * None is queued from now on, and one under way ends its wait at
	 * once (@closing is its @stop): it uses the channels.
	 */
	wait_var_event(&ses->orphan_closes, !atomic_read(&ses->orphan_closes));
	/* Every file is closed: no READ or WRITE can still wait for room. */
	WARN_ON_ONCE(!list_empty(&ses->io_queue));
	for (i = 0; i < ses->nr_chans; i++) {
		chan = rcu_dereference_protected(ses->slots[i].chan, true);
		if (!chan)
			continue;
		smb3mc_chan_shutdown(chan);
		kfree(chan);
	}
	/* No channel is left to encrypt or decrypt with it. */
	if (ses->seal_ready)
		smb3mc_seal_free(&ses->seal);
	if (ses->wq)
		destroy_workqueue(ses->wq);
	if (ses->net)
		put_net(ses->net);
	kfree(ses->server);
	kfree(ses->username);
	kfree(ses->domain);
	kfree_sensitive(ses);
}

static int ses_connect_error(struct smb3mc_ses *ses, int rc,
			     struct p_log *log)
{
	const char *why;

	switch (rc) {
	case -ECONNREFUSED:
		why = "connection refused";
		break;
	case -ETIMEDOUT:
		why = "no answer";
		break;
	case -ENETUNREACH:
	case -EHOSTUNREACH:
		why = "no route to the server";
		break;
	default:
		why = "connect failed";
	}
	error_plog(log, "cannot reach %s at %pISpc: %s (%d)", ses->server,
		   &ses->addr, why, rc);
	return rc;
}

/**
 * smb3mc_ses_open - connect, negotiate and authenticate a session
 * @sesp: set to the new session
 * @opts: validated mount options
 * @log: for messages to the user
 *
 * Opens the session's first channel only; smb3mc_ses_add_channels() adds
 * the others.
 */
int smb3mc_ses_open(struct smb3mc_ses **sesp, const struct smb3mc_opts *opts,
		    struct p_log *log)
{
	u8 preauth[SMB3MC_PREAUTH_HASH_SIZE];
	struct smb3mc_chan *chan;
	struct smb3mc_ses *ses;
	unsigned int i;
	int rc;

	ses = kzalloc(sizeof(*ses), GFP_KERNEL);
	if (!ses)
		return -ENOMEM;
	INIT_LIST_HEAD(&ses->list);
	mutex_init(&ses->chan_lock);
	mutex_init(&ses->tcon_lock);
	INIT_LIST_HEAD(&ses->tcons);
	ses->soft = opts->soft;
	ses->soft_timeout = opts->soft_timeout * HZ;
	smb3mc_ses_io_init(ses);
	INIT_DELAYED_WORK(&ses->echo_work, ses_echo_work);
	for (i = 0; i < SMB3MC_MAX_CHANNELS; i++) {
		ses->slots[i].ses = ses;
		INIT_WORK(&ses->slots[i].echo, ses_slot_echo);
	}
	spin_lock_init(&ses->maint_lock);
	spin_lock_init(&ses->held_lock);
	ses->echo_interval = opts->echo_interval * HZ;
	ses->net = get_net(current->nsproxy->net_ns);
	ses->addr = opts->addr;
	ses->server = kstrdup(opts->host, GFP_KERNEL);
	ses->username = kstrdup(opts->username, GFP_KERNEL);
	ses->domain = kstrdup(opts->domain ? opts->domain : "", GFP_KERNEL);
	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	/* Resends may be all that lets writeback finish: keep a rescuer. */
	ses->wq = alloc_workqueue("smb3mc-ses", WQ_MEM_RECLAIM, 0);
	if (!ses->server || !ses->username || !ses->domain || !chan ||
	    !ses->wq) {
		kfree(chan);
		rc = -ENOMEM;
		goto fail;
	}
	/* The password itself stays in @opts, which frees it. */
	rc = smb3mc_ntowfv2(opts->password ? opts->password : "",
			    ses->username, ses->domain, ses->ntowfv2);
	if (rc) {
		error_plog(log, "%s: user name or password is not valid UTF-8",
			   ses->server);
		kfree(chan);
		goto fail;
	}
	get_random_bytes(ses->client_guid, sizeof(ses->client_guid));

	ses->slots[0].dst = ses->addr;
	RCU_INIT_POINTER(ses->slots[0].chan, chan);
	ses->slots[0].bound_at = jiffies;
	ses->nr_chans = 1;
	smb3mc_ses_chan_init(ses, chan);
	rc = smb3mc_chan_connect(chan, ses->net, &ses->addr, 0);
	if (rc) {
		ses_connect_error(ses, rc, log);
		goto fail;
	}
	smb3mc_chan_set_dead_time(chan, smb3mc_ses_dead_time(ses));
	rc = smb3mc_ses_negotiate(ses, chan, opts, preauth, log);
	if (rc)
		goto fail;
	rc = smb3mc_ses_authenticate(ses, chan, preauth, log);
	if (rc)
		goto fail;
	if (!smb3mc_chan_set_good(chan)) {
		rc = -ECONNABORTED;
		goto fail;
	}

	mutex_lock(&smb3mc_sessions_lock);
	list_add_tail(&ses->list, &smb3mc_sessions);
	mutex_unlock(&smb3mc_sessions_lock);
	queue_delayed_work(system_long_wq, &ses->echo_work,
			   ses_echo_period(ses));
	*sesp = ses;
	return 0;
fail:
	ses_free(ses);
	return rc;
}

/**
 * smb3mc_ses_add_channels - open the further channels, then keep them up
 * @ses: an established session with its first channel
 * @max: max_channels from the mount, 0 for the default
 * @log: for messages to the user
 *
 * A channel that cannot be opened is reported and skipped: the mount
 * works with the channels it got, and the maintenance work, started here
 * in any case, adds the missing ones later.
 *
 * Return: 0, or -ENOMEM.
 */
int smb3mc_ses_add_channels(struct smb3mc_ses *ses, unsigned int max,
			    struct p_log *log)
{
	int rc;

	rc = smb3mc_ses_start_multichannel(ses, max, log);
	if (!rc)
		smb3mc_ses_start_maint(ses);
	return rc;
}

/**
 * smb3mc_ses_close - log off and tear down every channel
 * @ses: the session; freed here
 */
void smb3mc_ses_close(struct smb3mc_ses *ses)
{
	struct smb3mc_call *call = smb3mc_call_alloc(128);
	unsigned int i;

	/* Nothing may reconnect or resend behind our back from here on. */
	cancel_delayed_work_sync(&ses->echo_work);
	for (i = 0; i < SMB3MC_MAX_CHANNELS; i++)
		cancel_work_sync(&ses->slots[i].echo);
	smb3mc_ses_stop_maint(ses);
	mutex_lock(&smb3mc_sessions_lock);
	list_del(&ses->list);
	mutex_unlock(&smb3mc_sessions_lock);
	if (ses->ipc)
		smb3mc_tcon_close(ses->ipc);
	if (call)
		smb3mc_call_teardown(ses, NULL, call,
				     smb3mc_build_logoff(call->buf, call->size));
	smb3mc_call_free(call);
	memzero_explicit(ses->session_key, sizeof(ses->session_key));
	memzero_explicit(&ses->keys, sizeof(ses->keys));
	ses_free(ses);
}

/*
 * A slot without a channel is being reconnected, until the session
 * closes. Counters are the slot's, over every connection it had.
 */
static void ses_show_slot(struct seq_file *m, struct smb3mc_ses *ses,
			  unsigned int i)
{
	struct smb3mc_slot *slot = &ses->slots[i];
	struct smb3mc_chan *chan;

	chan = rcu_dereference_protected(slot->chan,
					 lockdep_is_held(&ses->chan_lock));
	if (!chan) {
		seq_printf(m, "  channel %u: -> %pISpc state %s reconnects %u resent %d attempts %u\n",
			   i, &slot->dst,
			   READ_ONCE(ses->closing) ? "dead" : "reconnecting",
			   slot->reconnects, atomic_read(&slot->resent),
			   slot->attempts);
		return;
	}
	seq_printf(m, "  channel %u: ", i);
	smb3mc_chan_show(m, chan);
	seq_printf(m, " reconnects %u resent %d", slot->reconnects,
		   atomic_read(&slot->resent));
	smb3mc_chan_show_stats(m, chan);
	seq_putc(m, '\n');
}

/**
 * smb3mc_ses_show - every session and its channels, for DebugData
 * @m: the file
 *
 * What a support engineer needs, and no secret: no password, no key.
 */
void smb3mc_ses_show(struct seq_file *m)
{
	struct smb3mc_ses *ses;
	unsigned int i;

	mutex_lock(&smb3mc_sessions_lock);
	list_for_each_entry(ses, &smb3mc_sessions, list) {
		seq_printf(m, "session 0x%llx: server %s (%pISc) user %s dialect 0x%04x signing %s channels %u max_read %u max_write %u channel_sequence %u state %s recoveries %u reclaimed %u reopened %u persistent %d lease breaks %d %s encryption %s\n",
			   ses->id, ses->server, &ses->addr, ses->username,
			   ses->dialect,
			   !ses->sign ? "off" :
			   ses->sign_alg == SMB2_SIGNING_AES_GMAC ?
			   "AES-GMAC" : "AES-CMAC",
			   ses->nr_chans, ses->max_read, ses->max_write,
			   (u16)atomic_read(&ses->chan_seq),
			   READ_ONCE(ses->recovering) ? "recovering" : "up",
			   ses->recoveries, READ_ONCE(ses->reclaimed),
			   READ_ONCE(ses->reopened),
			   atomic_read(&ses->persistent),
			   atomic_read(&ses->lease_breaks),
			   ses->soft ? "soft" : "hard",
			   READ_ONCE(ses->encrypt) ?
			   smb3mc_cipher_name(ses->cipher) : "off");
		mutex_lock(&ses->chan_lock);
		for (i = 0; i < ses->nr_chans; i++)
			ses_show_slot(m, ses, i);
		mutex_unlock(&ses->chan_lock);
	}
	mutex_unlock(&smb3mc_sessions_lock);
}
