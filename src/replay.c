// SPDX-License-Identifier: GPL-2.0
/*
 * Which requests survive the loss of their channel, and the backoff of
 * reconnect attempts.
 */

#include <linux/kernel.h>

#include "replay.h"
#include "smb2.h"

/**
 * smb3mc_replay_mode - how a request lost with its channel may be resent
 * @dialect: the session's dialect
 * @command: the request's SMB2 command
 *
 * NEGOTIATE and SESSION_SETUP build the state of one connection (a binding
 * is signed with that channel's preauth hash, MS-SMB2 3.2.4.2.3), ECHO
 * probes that connection and CANCEL names a MessageId on it: elsewhere
 * they mean nothing, so they fail with the channel. Any other request is
 * session-wide and is sent again on a surviving channel.
 *
 * MS-SMB2 3.2.7.1 raises Session.ChannelSequence when a channel is lost
 * and every 3.x request carries it (3.2.4.1), so the server orders the
 * resent request after what is still outstanding from the lost channel
 * (3.3.5.2.10). The resend also carries SMB2_FLAGS_REPLAY_OPERATION, so
 * that a server still working on the original refuses the copy with
 * STATUS_FILE_NOT_AVAILABLE, which the client answers by sending it
 * again later (3.2.5.14 and the WRITE and SET_INFO equivalents),
 * instead of running both. The server's check applies to every 3.x
 * dialect, 3.0 included (3.3.5.2.10 skips only 2.0.2 and 2.1), so 3.0
 * gets the flag too, as Samba's client and cifs.ko send it; 2.x has
 * neither the flag nor ChannelSequence, and a resend there is plain.
 *
 * Return: the mode; SMB3MC_REPLAY_NEVER for those four and for commands
 * this client does not know.
 */
enum smb3mc_replay smb3mc_replay_mode(u16 dialect, u16 command)
{
	switch (command) {
	case SMB2_NEGOTIATE:
	case SMB2_SESSION_SETUP:
	case SMB2_ECHO:
	case SMB2_CANCEL:
		return SMB3MC_REPLAY_NEVER;
	}
	if (command > SMB2_OPLOCK_BREAK)
		return SMB3MC_REPLAY_NEVER;
	return dialect >= SMB30_DIALECT ? SMB3MC_REPLAY_FLAGGED :
					  SMB3MC_REPLAY_RESEND;
}

/**
 * smb3mc_backoff_ms - the wait before attempt @attempt
 * @attempt: 0 for the first retry
 * @base_ms: the first wait
 * @max_ms: the longest wait
 *
 * Doubles from @base_ms up to @max_ms, so a link that comes back is used
 * again soon, and one that stays down costs one attempt per @max_ms.
 */
unsigned int smb3mc_backoff_ms(unsigned int attempt, unsigned int base_ms,
			       unsigned int max_ms)
{
	u64 ms;

	if (attempt >= 32)
		return max_ms;
	ms = (u64)base_ms << attempt;
	return min_t(u64, ms, max_ms);
}
