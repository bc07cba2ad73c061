// SPDX-License-Identifier: GPL-2.0
/*
 * Which requests survive the loss of their channel, or of their session,
 * and the backoff of reconnect attempts.
 */

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>

#include "pdu_file.h"
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

/**
 * smb3mc_fid_offset - where a request carries its FileId
 * @command: the request's SMB2 command
 *
 * Return: the offset of the FileId from the start of the SMB2 header, by
 * the request layouts of MS-SMB2 2.2.15 - 2.2.39, or -1 for a command
 * that names no open.
 */
int smb3mc_fid_offset(u16 command)
{
	const int hdr = sizeof(struct smb2_hdr);

	switch (command) {
	case SMB2_CLOSE:		/* 2.2.15 */
	case SMB2_FLUSH:		/* 2.2.17 */
	case SMB2_OPLOCK_BREAK:		/* 2.2.24 */
	case SMB2_LOCK:			/* 2.2.26 */
	case SMB2_IOCTL:		/* 2.2.31 */
	case SMB2_QUERY_DIRECTORY:	/* 2.2.33 */
	case SMB2_CHANGE_NOTIFY:	/* 2.2.35 */
		return hdr + 8;
	case SMB2_READ:			/* 2.2.19 */
	case SMB2_WRITE:		/* 2.2.21 */
	case SMB2_SET_INFO:		/* 2.2.39 */
		return hdr + 16;
	case SMB2_QUERY_INFO:		/* 2.2.37 */
		return hdr + 24;
	}
	return -1;
}

/**
 * smb3mc_resume_plan - what a request made @behind sessions ago becomes
 * @command: the request's SMB2 command
 * @behind: how many new sessions were set up since it was made
 * @fid_reopened: for a command that names an open (smb3mc_fid_offset()):
 *	its file was opened again in the session just set up, or the
 *	FileId is the all-ones one that names no open (MS-SMB2 2.2.31)
 *
 * SessionId and TreeId are stamped at every send (the tree connect is
 * made again with the session); a FileId is the old session's, and only
 * an open opened again in the new session has a new one to take its
 * place. NEGOTIATE, SESSION_SETUP, ECHO and CANCEL belong to their
 * connection, LOGOFF to the session that is gone: they fail. So does a
 * request that outlived two sessions: a server that drops every session
 * this request is sent in (a hostile one) does not keep it forever.
 */
enum smb3mc_resume smb3mc_resume_plan(u16 command, unsigned int behind,
				      bool fid_reopened)
{
	if (!behind)
		return SMB3MC_RESUME_SEND;
	if (behind > 1 || command == SMB2_LOGOFF ||
	    smb3mc_replay_mode(SMB30_DIALECT, command) == SMB3MC_REPLAY_NEVER)
		return SMB3MC_RESUME_FAIL;
	if (smb3mc_fid_offset(command) < 0)
		return SMB3MC_RESUME_REBUILD;
	return fid_reopened ? SMB3MC_RESUME_REBUILD : SMB3MC_RESUME_FAIL;
}

/**
 * smb3mc_fid_remap - whether a FileId of an earlier session names an open
 * @prev: the open's FileId in the session before the one it is in now
 * @cur: its FileId now, in the session it was opened again in
 * @gen: the session up now
 * @fid: a request's FileId and the session it was written in; set to
 *	@cur when it names the open
 *
 * A FileId names an open only within its session: a server may give its
 * value to another open in a later one (ksmbd hands out small ids again
 * after a restart), so a request's FileId is looked up among the ids of
 * the session it was written in, never by value alone.
 *
 * Return: true when @fid named this open in @prev's session and the open
 * was opened again in session @gen.
 */
bool smb3mc_fid_remap(const struct smb3mc_fid *prev,
		      const struct smb3mc_fid *cur, unsigned int gen,
		      struct smb3mc_fid *fid)
{
	if (cur->gen != gen || fid->gen != prev->gen ||
	    fid->persistent != prev->persistent ||
	    fid->volatile_id != prev->volatile_id)
		return false;
	*fid = *cur;
	return true;
}

/**
 * smb3mc_close_plan - what a close does with an open's FileId
 * @handed_over: a new session being set up is opening the file again, or
 *	opened it: it closes what it opened, and the old FileId died with
 *	the session the server lost
 * @fid_gen: the session the FileId is of
 * @gen: the session up now, or lost and not yet replaced
 *
 * A FileId one session ahead was published by a new session that is about
 * to be given to dispatch (nothing between can fail it); one behind died
 * with its session.
 *
 * Return: the plan.
 */
enum smb3mc_close_how smb3mc_close_plan(bool handed_over, unsigned int fid_gen,
					unsigned int gen)
{
	if (handed_over)
		return SMB3MC_CLOSE_NONE;
	if (fid_gen == gen)
		return SMB3MC_CLOSE_NOW;
	if (fid_gen == gen + 1)
		return SMB3MC_CLOSE_SOON;
	return SMB3MC_CLOSE_NONE;
}

/**
 * smb3mc_keep_missed - whether an open is kept too late for a new session
 * @fid_gen: the session its FileId is of
 * @table_gen: the session whose FileIds the tree's open files hold
 * @all_taken: a new session being set up has taken every open file of
 *	the tree to open it again, and is not up yet
 *
 * An open is kept after its CREATE was answered. A new session set up in
 * between opens again only what was kept before it took the last file:
 * one kept later would hold a FileId of a session the server lost, on
 * which its I/O fails. Its holder opens it again instead.
 *
 * Return: true when no new session opens this one again.
 */
bool smb3mc_keep_missed(unsigned int fid_gen, unsigned int table_gen,
			bool all_taken)
{
	return all_taken || fid_gen != table_gen;
}

/**
 * smb3mc_outage_wait - how long a request may still wait for the server
 * @soft: the mount is soft
 * @timeout: its soft_timeout, in jiffies
 * @since: jiffies when the request found no channel, with the lowest bit
 *	set so that 0 can mean none: up to a tick after @now
 * @now: jiffies
 *
 * Return: MAX_SCHEDULE_TIMEOUT on a hard mount; on a soft one what is
 * left of @timeout since @since (jiffies wrap around), 0 once it passed.
 */
unsigned long smb3mc_outage_wait(bool soft, unsigned long timeout,
				 unsigned long since, unsigned long now)
{
	unsigned long waited = time_after(since, now) ? 0 : now - since;

	if (!soft)
		return MAX_SCHEDULE_TIMEOUT;
	return waited >= timeout ? 0 : timeout - waited;
}

/**
 * smb3mc_recover_wait_ms - the wait after failed attempt @attempt
 * @attempt: 0 for the first attempt to reach a lost server
 * @addrs: the server's known addresses, tried one per attempt in turn
 * @base_ms: the wait after the first round
 * @max_ms: the longest wait
 *
 * The next address is tried at once; after each round over all of them
 * the wait doubles from @base_ms up to @max_ms.
 */
unsigned int smb3mc_recover_wait_ms(unsigned int attempt, unsigned int addrs,
				    unsigned int base_ms, unsigned int max_ms)
{
	if (!addrs)
		addrs = 1;
	if ((attempt + 1) % addrs)
		return 0;
	return smb3mc_backoff_ms(attempt / addrs, base_ms, max_ms);
}
