/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Failover decisions as pure functions, so that KUnit can check them:
 * whether a request a channel lost may be sent again on another channel
 * of its session, how long to wait between reconnect attempts, and, once
 * the server lost the session itself, which requests go on in the new
 * one and how long a request waits for it.
 */
#ifndef SMB3MC_REPLAY_H
#define SMB3MC_REPLAY_H

#include <linux/types.h>

struct smb3mc_fid;

enum smb3mc_replay {
	SMB3MC_REPLAY_NEVER,	/* bound to its connection: it fails with it */
	SMB3MC_REPLAY_RESEND,	/* sent again as it was (SMB 2.x) */
	SMB3MC_REPLAY_FLAGGED,	/* sent again with SMB2_FLAGS_REPLAY_OPERATION */
};

enum smb3mc_replay smb3mc_replay_mode(u16 dialect, u16 command);
unsigned int smb3mc_backoff_ms(unsigned int attempt, unsigned int base_ms,
			       unsigned int max_ms);

/*
 * A request made in an earlier session, the server having lost that one
 * (every channel gone): what becomes of it in the new session.
 */
enum smb3mc_resume {
	SMB3MC_RESUME_SEND,	/* made in this session: as it is */
	SMB3MC_RESUME_REBUILD,	/* new SessionId and TreeId, FileId mapped */
	SMB3MC_RESUME_FAIL,	/* it has no meaning in the new session */
};

int smb3mc_fid_offset(u16 command);
enum smb3mc_resume smb3mc_resume_plan(u16 command, unsigned int behind,
				      bool fid_reopened);
bool smb3mc_fid_remap(const struct smb3mc_fid *prev,
		      const struct smb3mc_fid *cur, unsigned int gen,
		      struct smb3mc_fid *fid);
/*
 * What the holder of an open does with its FileId when it closes the file
 * (smb3mc_close_plan()).
 */
enum smb3mc_close_how {
	SMB3MC_CLOSE_NONE,	/* the server lost it, or a new session has it */
	SMB3MC_CLOSE_NOW,	/* close it, never waiting for a lost server */
	SMB3MC_CLOSE_SOON,	/* close it once the new session is up */
};

enum smb3mc_close_how smb3mc_close_plan(bool handed_over, unsigned int fid_gen,
					unsigned int gen);
bool smb3mc_keep_missed(unsigned int fid_gen, unsigned int table_gen,
			bool all_taken);
unsigned long smb3mc_outage_wait(bool soft, unsigned long timeout,
				 unsigned long since, unsigned long now);
unsigned int smb3mc_recover_wait_ms(unsigned int attempt, unsigned int addrs,
				    unsigned int base_ms, unsigned int max_ms);

#endif /* SMB3MC_REPLAY_H */
