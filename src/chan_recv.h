/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What chan.c uses of the receive side in chan_recv.c. Not for the layers
 * above: they see a channel through chan.h only.
 */
#ifndef SMB3MC_CHAN_RECV_H
#define SMB3MC_CHAN_RECV_H

#include "chan.h"

/* The channel's receive thread, started by smb3mc_chan_connect(). */
int smb3mc_chan_receive_thread(void *data);

/*
 * The workqueue the receive threads of all channels hand verifying and
 * decrypting to: set up once at module load, torn down at unload.
 */
int smb3mc_chan_rx_init(void);
void smb3mc_chan_rx_exit(void);

/*
 * Wait until no work of a receive thread is queued or running: once the
 * thread of a channel stopped, nothing of the channel runs after this.
 */
void smb3mc_chan_rx_flush(void);

/*
 * End @req, which the caller took out of the MessageId table, with @rc
 * (0 keeps what the response set): the one place a submitted request
 * ends.
 */
void smb3mc_chan_finish(struct smb3mc_chan *chan, struct smb3mc_req *req,
			int rc);

/*
 * Take @req out of the MessageId table, to end it: false when the receive
 * side has it, taken out, or kept there while its answer is checked. The
 * __ form under the table's lock.
 */
bool __smb3mc_chan_unlist(struct smb3mc_chan *chan, struct smb3mc_req *req);
bool smb3mc_chan_unlist(struct smb3mc_chan *chan, struct smb3mc_req *req);

/*
 * What @chan keeps of @req for a late answer, its waiter gone or an
 * answer refused; NULL without memory. Under the MessageId table's lock,
 * __smb3mc_chan_orphan_add() keeps it, with whether an interim of @req
 * granted credits already (set under that lock), as @req leaves the
 * table: it returns the orphan pushed out, to free after the lock.
 */
struct smb3mc_orphan *smb3mc_chan_orphan_new(struct smb3mc_chan *chan,
					     const struct smb3mc_req *req,
					     gfp_t gfp);
struct smb3mc_orphan *__smb3mc_chan_orphan_add(struct smb3mc_chan *chan,
					       struct smb3mc_orphan *o,
					       const struct smb3mc_req *req);

/* End every request still in the MessageId table with @rc. */
void smb3mc_chan_fail_all(struct smb3mc_chan *chan, int rc);

/* Return @n credits to @chan (capped at 65535) and wake their waiters. */
void smb3mc_chan_add_credits(struct smb3mc_chan *chan, unsigned int n);

#endif /* SMB3MC_CHAN_RECV_H */
