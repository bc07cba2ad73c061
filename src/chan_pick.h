/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Channel selection and striping arithmetic: pure functions over a table
 * of channel loads, so that KUnit can feed them any table.
 */
#ifndef SMB3MC_CHAN_PICK_H
#define SMB3MC_CHAN_PICK_H

#include <linux/types.h>

/* What selection knows of one channel. */
struct smb3mc_chan_load {
	bool usable;
	u64 in_flight_bytes;	/* requested, not yet answered */
	u64 rate_bps;		/* observed bytes/s, 0 while unknown */
	u64 speed_bps;		/* the interface's advertised bits/s, or 0 */
	u64 rtt_us;		/* the link's round trip, 0 while unknown */
};

/*
 * A channel's delivery rate: bytes answered back to back over the time
 * they took, sampled every SMB3MC_RATE_PERIOD_NS of that time.
 */
struct smb3mc_rate {
	u64 bps;		/* bytes/s, smoothed; 0 while unknown */
	u64 busy_ns;		/* counted time since the last sample */
	u64 bytes;		/* counted bytes since the last sample */
	u64 last_done_ns;	/* when the last data response ended */
};

#define SMB3MC_RATE_PERIOD_NS	(100ULL * 1000 * 1000)

/* What channel planning knows of one server interface. */
struct smb3mc_iface_load {
	u64 speed_bps;
	bool rss;
	unsigned int channels;	/* already open to it */
	unsigned int failed;	/* channels to it that failed this round */
};

/* Failures after which an interface is tried no more in a round */
#define SMB3MC_IFACE_FAILURES	2

int smb3mc_plan_channel(const struct smb3mc_iface_load *ifaces,
			unsigned int n);
int smb3mc_chan_choose(const struct smb3mc_chan_load *loads, unsigned int n,
		       size_t payload);
int smb3mc_chan_choose_room(const struct smb3mc_chan_load *loads,
			    unsigned int n, size_t payload);
void smb3mc_rate_update(struct smb3mc_rate *r, u64 bytes, u64 sent_ns,
			u64 now_ns);
bool smb3mc_times_link(u16 command, bool carries_data);
size_t smb3mc_stripe_size(size_t len, u64 busy, unsigned int nr_chans,
			  size_t max_io);

#endif /* SMB3MC_CHAN_PICK_H */
