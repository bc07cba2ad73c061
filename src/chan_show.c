// SPDX-License-Identifier: GPL-2.0
/*
 * A channel in /proc/fs/smb3mc/DebugData: where it goes, its state, and
 * what it has carried. Read without locks: each value is as good as the
 * moment it is read.
 */

#include <linux/math64.h>
#include <linux/seq_file.h>

#include "chan.h"
#include "chan_show.h"

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

/**
 * smb3mc_chan_show - a channel's addresses, link speed and state
 * @m: the file
 * @chan: the channel
 */
void smb3mc_chan_show(struct seq_file *m, const struct smb3mc_chan *chan)
{
	seq_printf(m, "%pISpc -> %pISpc speed %llu Mbit/s state %s",
		   &chan->src, &chan->dst,
		   div_u64(READ_ONCE(chan->speed_bps), 1000000),
		   chan_state_name(READ_ONCE(chan->state)));
}

/**
 * smb3mc_chan_show_stats - a channel's credits, load, counters and timing
 * @m: the file
 * @chan: the channel
 *
 * Starts with a space, to follow smb3mc_chan_show() on the same line.
 */
void smb3mc_chan_show_stats(struct seq_file *m,
			    const struct smb3mc_chan *chan)
{
	seq_printf(m, " credits %u in-flight %d (%lld bytes) requests %lld compounds %lld sent %lld received %lld sealed out %lld in %lld rate %llu KiB/s rtt %llu us min %llu us",
		   READ_ONCE(chan->credits),
		   atomic_read(&chan->stats.in_flight),
		   atomic64_read(&chan->stats.in_flight_bytes),
		   atomic64_read(&chan->stats.requests),
		   atomic64_read(&chan->stats.compounds),
		   atomic64_read(&chan->stats.bytes_sent),
		   atomic64_read(&chan->stats.bytes_received),
		   atomic64_read(&chan->stats.sealed_out),
		   atomic64_read(&chan->stats.sealed_in),
		   div_u64(READ_ONCE(chan->stats.rate.bps), 1024),
		   READ_ONCE(chan->stats.last_rtt_us),
		   READ_ONCE(chan->stats.min_rtt_us));
}
