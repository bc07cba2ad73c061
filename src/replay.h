/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Failover decisions as pure functions, so that KUnit can check them:
 * whether a request a channel lost may be sent again on another channel
 * of its session, and how long to wait between reconnect attempts.
 */
#ifndef SMB3MC_REPLAY_H
#define SMB3MC_REPLAY_H

#include <linux/types.h>

enum smb3mc_replay {
	SMB3MC_REPLAY_NEVER,	/* bound to its connection: it fails with it */
	SMB3MC_REPLAY_RESEND,	/* sent again as it was (SMB 2.x) */
	SMB3MC_REPLAY_FLAGGED,	/* sent again with SMB2_FLAGS_REPLAY_OPERATION */
};

enum smb3mc_replay smb3mc_replay_mode(u16 dialect, u16 command);
unsigned int smb3mc_backoff_ms(unsigned int attempt, unsigned int base_ms,
			       unsigned int max_ms);

#endif /* SMB3MC_REPLAY_H */
