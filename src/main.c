// SPDX-License-Identifier: GPL-2.0
/*
 * smb3mc: a multichannel SMB3 client file system.
 *
 * Module entry points: the file system type, the inode cache and
 * /proc/fs/smb3mc/DebugData.
 */

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "fs.h"

static const char *chan_state_name(enum smb3mc_chan_state state)
{
	switch (state) {
	case SMB3MC_CHAN_NEW:
		return "new";
	case SMB3MC_CHAN_GOOD:
		return "good";
	case SMB3MC_CHAN_DEAD:
		return "dead";
	}
	return "?";
}

/*
 * A slot without a channel is being reconnected, until the session
 * closes. Counters are the slot's, over every connection it had.
 */
static void debugdata_slot(struct seq_file *m, struct smb3mc_ses *ses,
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
	seq_printf(m, "  channel %u: %pISpc -> %pISpc speed %llu Mbit/s state %s reconnects %u resent %d credits %u in-flight %d (%lld bytes) requests %lld sent %lld received %lld rate %llu KiB/s rtt %llu us min %llu us\n",
		   chan->id, &chan->src, &chan->dst,
		   div_u64(READ_ONCE(chan->speed_bps), 1000000),
		   chan_state_name(READ_ONCE(chan->state)),
		   slot->reconnects, atomic_read(&slot->resent),
		   READ_ONCE(chan->credits),
		   atomic_read(&chan->stats.in_flight),
		   atomic64_read(&chan->stats.in_flight_bytes),
		   atomic64_read(&chan->stats.requests),
		   atomic64_read(&chan->stats.bytes_sent),
		   atomic64_read(&chan->stats.bytes_received),
		   div_u64(READ_ONCE(chan->stats.rate.bps), 1024),
		   READ_ONCE(chan->stats.last_rtt_us),
		   READ_ONCE(chan->stats.min_rtt_us));
}

/* What a support engineer needs, and no secret: no password, no key. */
static int smb3mc_debugdata_show(struct seq_file *m, void *v)
{
	struct smb3mc_ses *ses;
	unsigned int i;

	seq_printf(m, "smb3mc version %s\n", SMB3MC_VERSION);
	mutex_lock(&smb3mc_sessions_lock);
	list_for_each_entry(ses, &smb3mc_sessions, list) {
		seq_printf(m, "session 0x%llx: server %s (%pISc) user %s dialect 0x%04x signing %s channels %u max_read %u max_write %u channel_sequence %u\n",
			   ses->id, ses->server, &ses->addr, ses->username,
			   ses->dialect,
			   !ses->sign ? "off" :
			   ses->sign_alg == SMB2_SIGNING_AES_GMAC ?
			   "AES-GMAC" : "AES-CMAC",
			   ses->nr_chans, ses->max_read, ses->max_write,
			   (u16)atomic_read(&ses->chan_seq));
		mutex_lock(&ses->chan_lock);
		for (i = 0; i < ses->nr_chans; i++)
			debugdata_slot(m, ses, i);
		mutex_unlock(&ses->chan_lock);
	}
	mutex_unlock(&smb3mc_sessions_lock);
	return 0;
}

static int __init smb3mc_init(void)
{
	int rc;

	rc = smb3mc_inode_cache_init();
	if (rc)
		return rc;
	if (!proc_mkdir("fs/smb3mc", NULL)) {
		rc = -ENOMEM;
		goto out_cache;
	}
	if (!proc_create_single("fs/smb3mc/DebugData", 0444, NULL,
				smb3mc_debugdata_show)) {
		rc = -ENOMEM;
		goto out_proc;
	}
	rc = register_filesystem(&smb3mc_fs_type);
	if (rc)
		goto out_proc;
	pr_info("smb3mc: version %s loaded\n", SMB3MC_VERSION);
	return 0;

out_proc:
	remove_proc_subtree("fs/smb3mc", NULL);
out_cache:
	smb3mc_inode_cache_exit();
	return rc;
}

static void __exit smb3mc_exit(void)
{
	unregister_filesystem(&smb3mc_fs_type);
	remove_proc_subtree("fs/smb3mc", NULL);
	smb3mc_inode_cache_exit();
}

module_init(smb3mc_init);
module_exit(smb3mc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("SMB3 multichannel client file system");
MODULE_VERSION(SMB3MC_VERSION);
