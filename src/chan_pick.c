// SPDX-License-Identifier: GPL-2.0
/*
 * Which channel finishes a request first, and how large a piece of one
 * large I/O each channel gets.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/time64.h>
#include <asm/page.h>

#include "chan_pick.h"
#include "smb2.h"

/* Until a channel has been measured, assume a gigabit link. */
#define SMB3MC_DEFAULT_RATE	(125ULL * 1000 * 1000)

static u64 load_rate(const struct smb3mc_chan_load *l)
{
	if (l->rate_bps)
		return l->rate_bps;
	if (l->speed_bps)
		return max_t(u64, l->speed_bps / 8, 1);
	return SMB3MC_DEFAULT_RATE;
}

/*
 * Expected microseconds until a new request of @payload bytes completes:
 * the bytes queued ahead of it and its own drain at @rate, plus one round
 * trip.
 */
static u64 load_finish_us(const struct smb3mc_chan_load *l, u64 rate,
			  size_t payload)
{
	u64 bytes = l->in_flight_bytes + payload;

	return div64_u64(bytes * USEC_PER_SEC, rate) + l->rtt_us;
}

/*
 * What a channel may have queued before a READ or WRITE waits for room:
 * its output over SMB3MC_QUEUE_MS, and never less than two 1 MiB requests,
 * so that the next one is at the server while the last is answered.
 */
#define SMB3MC_QUEUE_MS		100
#define SMB3MC_QUEUE_MIN	(2 * 1024 * 1024)

static bool load_full(const struct smb3mc_chan_load *l, u64 rate,
		      size_t payload)
{
	u64 limit = max_t(u64, SMB3MC_QUEUE_MIN,
			  div_u64(rate * SMB3MC_QUEUE_MS, MSEC_PER_SEC));

	/* An idle channel takes any request. */
	return l->in_flight_bytes &&
	       l->in_flight_bytes + payload > limit;
}

static int chan_choose(const struct smb3mc_chan_load *loads, unsigned int n,
		       size_t payload, bool bounded)
{
	u64 best_us = U64_MAX, top_rate = 0, rate, us;
	bool usable = false;
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (loads[i].usable)
			top_rate = max(top_rate, loads[i].rate_bps);
	for (i = 0; i < n; i++) {
		if (!loads[i].usable)
			continue;
		usable = true;
		/*
		 * A rate is only measured while a channel is busy: an idle
		 * one is taken to be as fast as the fastest, or a channel
		 * measured slow once would never be tried, and so never be
		 * measured again.
		 */
		rate = load_rate(&loads[i]);
		if (!loads[i].in_flight_bytes)
			rate = max(rate, top_rate);
		if (bounded && load_full(&loads[i], rate, payload))
			continue;
		us = load_finish_us(&loads[i], rate, payload);
		if (us < best_us) {
			best = i;
			best_us = us;
		}
	}
	if (best < 0 && bounded)
		return usable ? -EBUSY : -ENODEV;
	return best;
}

/**
 * smb3mc_chan_choose - the channel expected to finish a request first
 * @loads: one entry per channel
 * @n: number of entries
 * @payload: bytes the request moves
 *
 * Ties go to the lowest index, so that equal idle channels fill in order.
 * An idle channel counts at the best measured rate, see chan_choose().
 *
 * Return: the index of the chosen channel, or -1 when none is usable.
 */
int smb3mc_chan_choose(const struct smb3mc_chan_load *loads, unsigned int n,
		       size_t payload)
{
	return chan_choose(loads, n, payload, false);
}

/**
 * smb3mc_chan_choose_room - as smb3mc_chan_choose(), among channels with room
 * @loads: one entry per channel
 * @n: number of entries
 * @payload: bytes the request moves
 *
 * For READ and WRITE, whose pieces are bound to a channel only once one
 * has room: the estimates of finish time lag behind what a link really
 * does, and pieces queued on a channel that turns out slower would leave
 * the others idle at the end of a transfer. So no channel holds more than
 * it can send in a short while, and the first to drain takes the next.
 *
 * Return: the index of the chosen channel; -EBUSY when every usable
 * channel is full; -ENODEV when none is usable.
 */
int smb3mc_chan_choose_room(const struct smb3mc_chan_load *loads,
			    unsigned int n, size_t payload)
{
	return chan_choose(loads, n, payload, true);
}

/**
 * smb3mc_rate_update - account one answered READ or WRITE to a channel's rate
 * @r: the channel's rate
 * @bytes: the data it moved
 * @sent_ns: when it was sent
 * @now_ns: now, when its response has ended
 *
 * The rate is the link's while it is kept full: a response counts from
 * the end of the one before it, and only when it was sent before that one
 * ended, queued behind it. One sent to an idle channel also spends a round
 * trip, which selection counts apart (the smallest one seen), and the
 * server's time to reach it among the others' requests. Counting those
 * made the channel served first look faster than the others on equal
 * links, so it was given more pieces, which raised its measure further.
 * Timing only long busy periods instead left a rare stall standing as the
 * rate.
 *
 * A sample can still fall short of the link: at QD 1 the server's one
 * process answers the pieces of all channels in turn, so the gaps
 * between one channel's answers include its time for the others.
 * Smoothed evenly, the fast channels of unequal links fell below their
 * share, and the slow ones got more pieces than their links warrant. So
 * a rise counts half, a fall a sixteenth. The measurements are in
 * doc/design-notes.md.
 *
 * Responses are counted in the order they ended, except encrypted ones,
 * which are counted once decrypted, in parallel: one that ended before
 * the last counted is left out rather than timed backwards.
 */
void smb3mc_rate_update(struct smb3mc_rate *r, u64 bytes, u64 sent_ns,
			u64 now_ns)
{
	u64 rate, bps;

	if (!bytes || now_ns < r->last_done_ns)
		return;
	if (sent_ns < r->last_done_ns && now_ns > r->last_done_ns) {
		r->busy_ns += now_ns - r->last_done_ns;
		r->bytes += bytes;
	}
	r->last_done_ns = now_ns;
	if (r->busy_ns < SMB3MC_RATE_PERIOD_NS)
		return;
	rate = div64_u64(r->bytes * NSEC_PER_SEC, r->busy_ns);
	bps = r->bps;
	if (!bps)
		bps = rate;
	else if (rate > bps)
		bps += (rate - bps) / 2;
	else
		bps -= (bps - rate) / 16;
	WRITE_ONCE(r->bps, bps);
	r->busy_ns = 0;
	r->bytes = 0;
}

/**
 * smb3mc_times_link - whether a request's round trip is the link's own
 * @command: its SMB2 command
 * @carries_data: it moves READ or WRITE data
 *
 * One with data also spends its own transfer, and that of the data queued
 * ahead of it: channels that carried only data kept a round trip many
 * times the link's that way. NEGOTIATE and SESSION_SETUP wait for the
 * server's authentication and, when binding, for the session's process
 * to take the connection over, an order of magnitude longer than an
 * ECHO on the same channel (doc/design-notes.md). Selection adds the
 * smallest round trip to every estimate for a channel, so one such
 * sample skews it for good.
 */
bool smb3mc_times_link(u16 command, bool carries_data)
{
	return !carries_data && command != SMB2_NEGOTIATE &&
	       command != SMB2_SESSION_SETUP;
}

/* speed / (channels + 1) of @a against @b, without dividing. */
static bool iface_better(const struct smb3mc_iface_load *a,
			 const struct smb3mc_iface_load *b)
{
	u64 lhs = a->speed_bps * (b->channels + 1);
	u64 rhs = b->speed_bps * (a->channels + 1);

	if (lhs != rhs)
		return lhs > rhs;
	return a->rss && !b->rss;
}

/**
 * smb3mc_plan_channel - the interface the next channel should go to
 * @ifaces: the server's interfaces with the channels each has already
 * @n: number of interfaces
 *
 * Every interface gets a channel before any gets a second, fastest first;
 * after that each further channel goes where it adds the most bandwidth
 * per channel (speed / (channels + 1)), RSS-capable interfaces first
 * among equals, as they spread connections over several queues. An
 * interface channels failed to SMB3MC_IFACE_FAILURES times is passed
 * over: counted as unused, one that refuses them would take every try
 * while the others have channels. One failure may be a passing one.
 *
 * Return: the index of the interface, or -1 when none is left.
 */
int smb3mc_plan_channel(const struct smb3mc_iface_load *ifaces,
			unsigned int n)
{
	bool unused_left = false;
	unsigned int i;
	int best = -1;

	for (i = 0; i < n; i++)
		unused_left |= !ifaces[i].channels &&
			       ifaces[i].failed < SMB3MC_IFACE_FAILURES;
	for (i = 0; i < n; i++) {
		if (ifaces[i].failed >= SMB3MC_IFACE_FAILURES ||
		    (unused_left && ifaces[i].channels))
			continue;
		if (best < 0 || iface_better(&ifaces[i], &ifaces[best]))
			best = i;
	}
	return best;
}

/*
 * Pieces per channel of one transfer, counting what the session has in
 * flight already. With several each, a channel that is done early takes
 * the next piece instead of idling while the slowest finishes a large
 * one, and the server starts sending on every channel sooner. Six beat
 * one, two and four in QD 1 reads (doc/design-notes.md).
 */
#define SMB3MC_STRIPE_PIECES	6
/*
 * But no piece smaller than this: each piece is one more request for the
 * server, and cold reads of small files took longer in 8 KiB pieces than
 * in 32 KiB ones (doc/design-notes.md).
 */
#define SMB3MC_STRIPE_MIN	(32 * 1024)

/**
 * smb3mc_stripe_size - how many bytes each piece of a large I/O carries
 * @len: the whole I/O
 * @busy: bytes of READ and WRITE the session has in flight already
 * @nr_chans: channels that can carry it
 * @max_io: the largest READ or WRITE the server takes
 *
 * Pieces are sized so that, with this I/O, the session has about
 * SMB3MC_STRIPE_PIECES of them in flight per channel: a single 1 MiB
 * request on idle channels spreads over all of them in small pieces, one
 * that comes behind others that keep every channel busy goes in a few
 * large ones, each piece being one more request for the server and the
 * client to handle; at queue depth 8 that was faster than small pieces
 * whatever the load (doc/design-notes.md). Pieces are whole pages, so
 * that each starts on a page of the caller's buffer.
 */
size_t smb3mc_stripe_size(size_t len, u64 busy, unsigned int nr_chans,
			  size_t max_io)
{
	u32 pieces = max(nr_chans, 1U) * SMB3MC_STRIPE_PIECES;
	u64 piece;

	if (!len)
		return 0;
	piece = round_up(DIV_ROUND_UP_ULL(len + busy, pieces), PAGE_SIZE);
	piece = max_t(u64, piece, SMB3MC_STRIPE_MIN);
	return min_t(u64, piece, min(max_io, len));
}
