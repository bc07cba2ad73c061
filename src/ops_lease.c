// SPDX-License-Identifier: GPL-2.0
/*
 * Leases as the mount sees them (MS-SMB2 3.2.4.3.8, 3.2.5.19.2): whether
 * the server grants any, where its breaks go, and their acknowledgment.
 * smb3mc_open() asks for one and reads the grant (ops.c).
 */

#include "ops.h"
#include "session.h"

/* Room for the acknowledgment, MS-SMB2 2.2.24.2. */
#define SMB3MC_LEASE_ACK_REQ	128

/**
 * smb3mc_share_leasing - whether the server of @tcon grants leases
 * @tcon: tree connect of the share
 *
 * Return: true when it negotiated SMB2_GLOBAL_CAP_LEASING (MS-SMB2 2.2.4).
 */
bool smb3mc_share_leasing(const struct smb3mc_tcon *tcon)
{
	return tcon->ses->server_caps & SMB2_GLOBAL_CAP_LEASING;
}

/**
 * smb3mc_share_gen - which session of the mount is set up now
 * @tcon: tree connect of the share
 *
 * A new session, after the server lost the old one, opens the files
 * again without leases: a lease granted in another session is gone.
 *
 * Return: a number that changes with each new session.
 */
unsigned int smb3mc_share_gen(const struct smb3mc_tcon *tcon)
{
	return READ_ONCE(tcon->ses->gen);
}

/**
 * smb3mc_share_on_lease_break - where the breaks of @tcon's leases go
 * @tcon: tree connect of the share, the only one of its session
 * @handler: called, from a receive thread, or from the maintenance
 *	work under a spinlock for those held while a new session was set
 *	up, for each well-formed lease break; it must not sleep, and
 *	returns whether the lease is one of the mount's (the session logs
 *	one that is not)
 * @owner: passed to @handler
 *
 * Set once, before the first open that asks for a lease; the session
 * calls @handler until it is closed.
 */
void smb3mc_share_on_lease_break(struct smb3mc_tcon *tcon,
				 bool (*handler)(void *owner,
						 const struct smb3mc_lease_break *brk),
				 void *owner)
{
	struct smb3mc_ses *ses = tcon->ses;

	ses->lease_owner = owner;
	/* Pairs with the acquire in ses_break_deliver() (multichannel.c). */
	smp_store_release(&ses->lease_break, handler);
}

/**
 * smb3mc_lease_ack - acknowledge a lease break (MS-SMB2 2.2.24.2)
 * @tcon: tree connect of the share
 * @key: the lease
 * @state: what the client keeps of it: a subset of the break's new state
 *
 * Never waits for a lost server: a new session holds none of the old
 * one's leases, and evicting the file waits for this (lease.c), which no
 * signal ends, on a hard mount for as long as the server is away.
 *
 * Return: 0 once the server took it, or an errno (-EHOSTDOWN when no
 * channel is left); the server ends the break by itself after its
 * timeout when no acknowledgment comes.
 */
int smb3mc_lease_ack(struct smb3mc_tcon *tcon, const u8 *key, u32 state)
{
	struct smb3mc_call *call = smb3mc_call_alloc(SMB3MC_LEASE_ACK_REQ);
	u32 acked;
	int rc;

	if (!call)
		return -ENOMEM;
	rc = smb3mc_call_send_nowait(tcon->ses, tcon, call,
				     smb3mc_build_lease_ack(call->buf,
							    SMB3MC_LEASE_ACK_REQ,
							    key, state));
	if (!rc && smb3mc_parse_lease_ack(call->req.rsp, call->req.rsp_len,
					  key, &acked))
		rc = smb3mc_rsp_refuse(tcon->ses, SMB2_OPLOCK_BREAK,
				       "malformed");
	smb3mc_call_free(call);
	return rc;
}
