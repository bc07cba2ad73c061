// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of channel selection, channel planning over the server's
 * interfaces and stripe arithmetic (src/chan_pick.c).
 */

#include <kunit/test.h>

#include "chan_pick.h"
#include "smb2.h"

#define MIB	(1024 * 1024)
#define GBIT	(1000ULL * 1000 * 1000)

static void choose_equal_idle_links_fill_in_order(struct kunit *test)
{
	struct smb3mc_chan_load l[4] = {
		{ .usable = true }, { .usable = true },
		{ .usable = true }, { .usable = true },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 4, MIB), 0);
	l[0].in_flight_bytes = MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 4, MIB), 1);
	l[1].in_flight_bytes = MIB;
	l[2].in_flight_bytes = MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 4, MIB), 3);
}

static void choose_weighs_by_measured_rate(struct kunit *test)
{
	/* 50 and 25 Mbit/s measured: the fast one takes twice the bytes. */
	struct smb3mc_chan_load l[2] = {
		{ .usable = true, .rate_bps = 6250000 },
		{ .usable = true, .rate_bps = 3125000 },
	};

	/* 3 MiB at 50 Mbit/s drain as soon as 1.5 MiB at 25 Mbit/s. */
	l[0].in_flight_bytes = 2 * MIB;
	l[1].in_flight_bytes = MIB / 2 - 1024;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, MIB), 1);
	l[1].in_flight_bytes = MIB / 2 + 1024;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, MIB), 0);
}

static void choose_uses_advertised_speed_until_measured(struct kunit *test)
{
	struct smb3mc_chan_load l[2] = {
		{ .usable = true, .speed_bps = 1 * GBIT },
		{ .usable = true, .speed_bps = 10 * GBIT },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, MIB), 1);
	/* A measurement beats the advertisement. */
	l[1].rate_bps = 1000;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, MIB), 0);
}

static void choose_retries_idle_channel_measured_slow(struct kunit *test)
{
	/* Once measured slow, an idle channel still gets the next piece. */
	struct smb3mc_chan_load l[2] = {
		{ .usable = true, .rate_bps = 6000000, .in_flight_bytes = MIB },
		{ .usable = true, .rate_bps = 100000 },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, 256 * 1024), 1);
	/* Busy, it counts at its own rate again. */
	l[1].in_flight_bytes = 64 * 1024;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, 256 * 1024), 0);
}

static void choose_counts_round_trip(struct kunit *test)
{
	struct smb3mc_chan_load l[2] = {
		{ .usable = true, .rate_bps = 100 * MIB, .rtt_us = 50000 },
		{ .usable = true, .rate_bps = 100 * MIB, .rtt_us = 1000 },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 2, 4096), 1);
}

static void choose_skips_failed_channel(struct kunit *test)
{
	struct smb3mc_chan_load l[3] = {
		{ .usable = false },
		{ .usable = true, .in_flight_bytes = 8 * MIB },
		{ .usable = false },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 3, MIB), 1);
	l[1].usable = false;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 3, MIB), -1);
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 0, MIB), -1);
}

static void choose_one_channel_only(struct kunit *test)
{
	struct smb3mc_chan_load l = {
		.usable = true, .in_flight_bytes = 64 * MIB,
	};

	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(&l, 1, MIB), 0);
}

/*
 * READ and WRITE pieces go only to a channel with room: two 1 MiB requests
 * on a slow link, 100 ms of its output on a fast one, anything on an idle
 * one; the caller waits when all are full (-EBUSY), fails when none is
 * usable (-ENODEV).
 */
static void choose_room_bounds_each_queue(struct kunit *test)
{
	struct smb3mc_chan_load l[3] = {
		/* 50 Mbit/s links, measured */
		{ .usable = true, .rate_bps = 6250000, .in_flight_bytes = MIB },
		{ .usable = true, .rate_bps = 6250000,
		  .in_flight_bytes = 2 * MIB },
		{ .usable = false },
	};

	/* The second is full although its estimate would win a tie */
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), 0);
	l[0].in_flight_bytes = 2 * MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), -EBUSY);
	/* Unbounded selection still picks one */
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose(l, 3, MIB), 0);
	/* A small piece still fits */
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, 0), 0);
	/* An idle channel takes even a piece larger than the bound */
	l[1].in_flight_bytes = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, 8 * MIB), 1);
	/* 10 Gbit/s: 100 ms is 125 MB of room, and it finishes first */
	l[0].rate_bps = 1250000000;
	l[0].in_flight_bytes = 64 * MIB;
	l[1].in_flight_bytes = MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), 0);
	l[0].in_flight_bytes = 119 * MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), 1);
	l[1].in_flight_bytes = 2 * MIB;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), -EBUSY);
	l[0].usable = l[1].usable = false;
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 3, MIB), -ENODEV);
	KUNIT_EXPECT_EQ(test, smb3mc_chan_choose_room(l, 0, MIB), -ENODEV);
}

static void plan_every_interface_first(struct kunit *test)
{
	/* Sorted fastest first; the session's first channel is on #1. */
	struct smb3mc_iface_load i[3] = {
		{ .speed_bps = 10 * GBIT },
		{ .speed_bps = 1 * GBIT, .channels = 1 },
		{ .speed_bps = 1 * GBIT },
	};
	int pick;

	pick = smb3mc_plan_channel(i, 3);
	KUNIT_EXPECT_EQ(test, pick, 0);
	i[pick].channels++;
	pick = smb3mc_plan_channel(i, 3);
	KUNIT_EXPECT_EQ(test, pick, 2);
	i[pick].channels++;
	/* Then where a channel adds the most: 10G/2 beats 1G/2. */
	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 3), 0);
}

static void plan_prefers_rss_among_equals(struct kunit *test)
{
	struct smb3mc_iface_load i[2] = {
		{ .speed_bps = GBIT, .channels = 1 },
		{ .speed_bps = GBIT, .channels = 1, .rss = true },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 2), 1);
	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 0), -1);
}

/*
 * An interface a channel could not be opened to is tried once more, then
 * no more in the round: the one that works gets the other channels.
 */
static void plan_passes_over_failed(struct kunit *test)
{
	struct smb3mc_iface_load i[2] = {
		{ .speed_bps = GBIT, .channels = 1 },
		{ .speed_bps = GBIT, .failed = 1 },
	};

	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 2), 1);
	i[1].failed = SMB3MC_IFACE_FAILURES;
	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 2), 0);
	i[0].failed = SMB3MC_IFACE_FAILURES;
	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(i, 2), -1);
}

static void plan_single_interface_takes_all(struct kunit *test)
{
	struct smb3mc_iface_load i = { .speed_bps = GBIT, .channels = 3 };

	KUNIT_EXPECT_EQ(test, smb3mc_plan_channel(&i, 1), 0);
}

static void stripe_sizes(struct kunit *test)
{
	size_t piece;

	/* One 1 MiB request over four idle channels: six pieces each. */
	piece = smb3mc_stripe_size(MIB, 0, 4, 8 * MIB);
	KUNIT_EXPECT_EQ(test, piece, 44 * 1024);
	KUNIT_EXPECT_EQ(test, DIV_ROUND_UP(MIB, piece), 24);
	/* An 8 MiB readahead window over four: 344 KiB pieces. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(8 * MIB, 0, 4, 8 * MIB),
			344 * 1024);
	/* Pieces are whole pages: 2 MiB + 1 over 4 gives 88 KiB pieces. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(2 * MIB + 1, 0, 4, 8 * MIB),
			88 * 1024);
	/* But 32 KiB at least: 100 KiB over 4 gives four pieces. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(100 * 1024, 0, 4, 8 * MIB),
			32 * 1024);
	/* Never more than the server takes in one READ/WRITE. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(64 * MIB, 0, 4, MIB), MIB);
	/* Never more than the I/O itself. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(4096, 0, 4, MIB), 4096);
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(100, 0, 4, MIB), 100);
	/* One channel (or none counted yet) still gets six pieces. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, 0, 1, 8 * MIB),
			172 * 1024);
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, 0, 0, 8 * MIB),
			172 * 1024);
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(0, 0, 4, MIB), 0);
	/* 3 MiB + 1 over 3 channels: at most six pieces each cover it. */
	piece = smb3mc_stripe_size(3 * MIB + 1, 0, 3, 8 * MIB);
	KUNIT_EXPECT_EQ(test, piece % PAGE_SIZE, 0);
	KUNIT_EXPECT_LE(test, DIV_ROUND_UP(3 * MIB + 1, piece), 3 * 6);
}

static void stripe_sizes_busy(struct kunit *test)
{
	/* Behind seven 1 MiB requests (queue depth 8): three pieces. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, 7 * MIB, 4, 8 * MIB),
			344 * 1024);
	/* Behind one: twelve pieces, three per channel. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, MIB, 4, 8 * MIB),
			88 * 1024);
	/* Channels full for long: whole, up to what the server takes. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, 64 * MIB, 4, 8 * MIB),
			MIB);
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(4 * MIB, 64 * MIB, 4, MIB),
			MIB);
	/* 24 MiB over 24 pieces: 1 MiB each; a byte more: one page more. */
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(MIB, 23 * MIB, 4, 8 * MIB),
			MIB);
	KUNIT_EXPECT_EQ(test, smb3mc_stripe_size(2 * MIB, 22 * MIB + 1, 4,
						 8 * MIB),
			MIB + PAGE_SIZE);
}

#define MS	(1000ULL * 1000)

/* 64 KiB answered every 10 ms, back to back: 6.25 MiB/s. */
static void rate_counts_back_to_back_answers_only(struct kunit *test)
{
	struct smb3mc_rate r = {};
	u64 t = 1000 * MS;
	int req, piece;

	/*
	 * Bursts of four pieces sent at once, 40 ms busy and 60 ms idle, as
	 * a channel carrying one O_DIRECT read's pieces: the first piece of
	 * each also spends a round trip and is not counted, nor is the idle
	 * time; the three behind it are.
	 */
	for (req = 0; req < 4; req++) {
		for (piece = 1; piece <= 4; piece++)
			smb3mc_rate_update(&r, 64 * 1024, t, t + piece * 10 * MS);
		t += 100 * MS;
	}
	KUNIT_EXPECT_EQ(test, r.bps, 64 * 1024 * 100ULL);
}

static void rate_smooths_and_skips_no_data(struct kunit *test)
{
	struct smb3mc_rate r = {};
	int i;

	for (i = 1; i <= 11; i++)
		smb3mc_rate_update(&r, 64 * 1024, 0, i * 10 * MS);
	KUNIT_EXPECT_EQ(test, r.bps, 64 * 1024 * 100ULL);
	/* No data, no change; then a period at half the rate: 1/16 down. */
	smb3mc_rate_update(&r, 0, 200 * MS, 300 * MS);
	KUNIT_EXPECT_EQ(test, r.last_done_ns, 110 * MS);
	for (i = 1; i <= 6; i++)
		smb3mc_rate_update(&r, 64 * 1024, 1000 * MS,
				   1000 * MS + i * 20 * MS);
	KUNIT_EXPECT_EQ(test, r.bps, 64 * 1024 * (16 * 100ULL - 50) / 16);
}

/* A rise counts half; a fall, as at QD 1 behind a busy server, 1/16. */
static void rate_rises_fast_falls_slowly(struct kunit *test)
{
	struct smb3mc_rate r = { .bps = 1000 * 1000 };
	u64 t = 1000 * MS;
	int i;

	/* 100 ms at 2 MB/s: halfway up. */
	for (i = 0; i <= 10; i++)
		smb3mc_rate_update(&r, 20 * 1000, t - MS, t + i * 10 * MS);
	KUNIT_EXPECT_EQ(test, r.bps, 1500 * 1000ULL);
	/* 100 ms at 0.5 MB/s, twice: a sixteenth of the way down each. */
	t += 1000 * MS;
	for (i = 0; i <= 20; i++)
		smb3mc_rate_update(&r, 5 * 1000, t - MS, t + i * 10 * MS);
	KUNIT_EXPECT_EQ(test, r.bps, 1437500ULL - 937500ULL / 16);
}

/* Decrypted out of order: the one that ended first comes in second. */
static void rate_skips_answers_counted_late(struct kunit *test)
{
	struct smb3mc_rate r = {};
	int i;

	for (i = 1; i <= 5; i++)
		smb3mc_rate_update(&r, 64 * 1024, 0, i * 10 * MS);
	smb3mc_rate_update(&r, 64 * 1024, 0, 45 * MS);
	KUNIT_EXPECT_EQ(test, r.last_done_ns, 50 * MS);
	KUNIT_EXPECT_EQ(test, r.bytes, 4 * 64 * 1024ULL);
	KUNIT_EXPECT_EQ(test, r.busy_ns, 40 * MS);
	/* The time between goes to the next one, as it would have. */
	for (i = 6; i <= 11; i++)
		smb3mc_rate_update(&r, 64 * 1024, 0, i * 10 * MS);
	KUNIT_EXPECT_EQ(test, r.bps, 64 * 1024 * 100ULL);
}

static void times_link_only_plain_requests(struct kunit *test)
{
	/* Answered at once: the link's own round trip. */
	KUNIT_EXPECT_TRUE(test, smb3mc_times_link(SMB2_ECHO, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_times_link(SMB2_CREATE, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_times_link(SMB2_TREE_CONNECT, false));
	/* Authentication, or a binding handed to another process. */
	KUNIT_EXPECT_FALSE(test, smb3mc_times_link(SMB2_NEGOTIATE, false));
	KUNIT_EXPECT_FALSE(test, smb3mc_times_link(SMB2_SESSION_SETUP, false));
	/* Data spends its own transfer. */
	KUNIT_EXPECT_FALSE(test, smb3mc_times_link(SMB2_READ, true));
	KUNIT_EXPECT_FALSE(test, smb3mc_times_link(SMB2_WRITE, true));
}

static struct kunit_case smb3mc_chan_pick_cases[] = {
	KUNIT_CASE(choose_equal_idle_links_fill_in_order),
	KUNIT_CASE(choose_weighs_by_measured_rate),
	KUNIT_CASE(choose_uses_advertised_speed_until_measured),
	KUNIT_CASE(choose_retries_idle_channel_measured_slow),
	KUNIT_CASE(choose_counts_round_trip),
	KUNIT_CASE(choose_skips_failed_channel),
	KUNIT_CASE(choose_one_channel_only),
	KUNIT_CASE(choose_room_bounds_each_queue),
	KUNIT_CASE(plan_every_interface_first),
	KUNIT_CASE(plan_prefers_rss_among_equals),
	KUNIT_CASE(plan_passes_over_failed),
	KUNIT_CASE(plan_single_interface_takes_all),
	KUNIT_CASE(rate_counts_back_to_back_answers_only),
	KUNIT_CASE(rate_smooths_and_skips_no_data),
	KUNIT_CASE(rate_rises_fast_falls_slowly),
	KUNIT_CASE(rate_skips_answers_counted_late),
	KUNIT_CASE(times_link_only_plain_requests),
	KUNIT_CASE(stripe_sizes),
	KUNIT_CASE(stripe_sizes_busy),
	{}
};

static struct kunit_suite smb3mc_chan_pick_suite = {
	.name = "smb3mc_chan_pick",
	.test_cases = smb3mc_chan_pick_cases,
};

kunit_test_suite(smb3mc_chan_pick_suite);
