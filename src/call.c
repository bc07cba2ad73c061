// SPDX-License-Identifier: GPL-2.0
/*
 * A request and the buffer it is built in (struct smb3mc_call): what every
 * caller of the session does, from building a PDU to its NT status as an
 * errno. The sending itself is dispatch.c's.
 */

#include <linux/slab.h>

#include "nterr.h"
#include "session.h"

/* Teardown requests wait this long: umount must not hang on a dead server. */
#define SMB3MC_TEARDOWN_TIMEOUT	(5 * HZ)

struct smb3mc_call *smb3mc_call_alloc(size_t size)
{
	struct smb3mc_call *call;

	call = kzalloc(struct_size(call, buf, size), GFP_NOFS);
	if (call)
		call->size = size;
	return call;
}

void smb3mc_call_free(struct smb3mc_call *call)
{
	if (!call)
		return;
	kvfree(call->req.rsp);
	kfree(call);
}

/**
 * smb3mc_call_fid - the FileId to build the next request of @call with
 * @call: the call
 * @tcon: the tree of the open
 * @fid: the open's FileId, which a new session may change meanwhile
 *
 * A copy of *@fid taken whole, which the request goes with: dispatch maps
 * it from the session it names an open in (smb3mc_tcon_map_fid()).
 *
 * Return: the copy, for the builder.
 */
const struct smb3mc_fid *smb3mc_call_fid(struct smb3mc_call *call,
					 struct smb3mc_tcon *tcon,
					 const struct smb3mc_fid *fid)
{
	smb3mc_tcon_fid_read(tcon, fid, &call->fid);
	call->fid_set = true;
	return &call->fid;
}

/**
 * smb3mc_call_prepare - point the request at its first @len built bytes
 * @call: the call, possibly holding the response of an earlier exchange
 * @len: length of the request built in @call->buf
 * @payload: bytes the credits must cover
 *
 * A FileId from smb3mc_call_fid() since the last prepare is the request's,
 * and so is @call->stop.
 */
void smb3mc_call_prepare(struct smb3mc_call *call, int len, size_t payload)
{
	kvfree(call->req.rsp);
	memset(&call->req, 0, sizeof(call->req));
	call->req.iov[0].iov_base = call->buf;
	call->req.iov[0].iov_len = len;
	call->req.nr_iov = 1;
	call->req.payload = payload;
	call->req.stop = call->stop;
	call->req.fid_gen = call->fid.gen;
	call->req.fid_gen_set = call->fid_set;
	call->fid_set = false;
}

/**
 * smb3mc_req_errno - the errno for the NT status of a completed request
 * @req: a request smb3mc_chan_call() completed
 */
int smb3mc_req_errno(const struct smb3mc_req *req)
{
	return smb3mc_status_to_errno(req->status);
}

/**
 * smb3mc_rsp_refuse - fail a request whose response cannot be used
 * @ses: the session, whose server the message names
 * @cmd: the command answered
 * @what: what is wrong with the response
 *
 * Return: -EIO, for the caller to fail the request with.
 */
int smb3mc_rsp_refuse(const struct smb3mc_ses *ses, u16 cmd, const char *what)
{
	pr_warn_ratelimited("smb3mc: %s: refused a %s response: %s\n",
			    ses->server, smb3mc_command_name(cmd), what);
	return -EIO;
}

static int call_send(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
		     struct smb3mc_call *call, int len, size_t payload,
		     bool cancellable, bool no_wait)
{
	int rc;

	if (len < 0)
		return len;
	smb3mc_call_prepare(call, len, payload);
	call->req.cancellable = cancellable;
	call->req.no_wait = no_wait;
	rc = smb3mc_ses_call(ses, NULL, tcon, &call->req);
	if (rc)
		return rc;
	return smb3mc_req_errno(&call->req);
}

/**
 * smb3mc_call_send - send a request built in @call->buf
 * @ses: the session
 * @tcon: its tree, NULL for session-level commands
 * @call: the request; @len is what its builder returned
 * @len: length of the request, or a negative errno from the builder
 * @payload: bytes the credits must cover
 *
 * Waits for a lost server as smb3mc_ses_call() does.
 *
 * Return: 0 when the server answered STATUS_SUCCESS, else an errno (the
 * status is in @call->req.status for callers that expect others; it is
 * the server's word only where @call->req.rc is 0: an answer refused,
 * such as one with a bad signature, still shows its status).
 */
int smb3mc_call_send(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
		     struct smb3mc_call *call, int len, size_t payload)
{
	return call_send(ses, tcon, call, len, payload, false, false);
}

/**
 * smb3mc_call_send_nowait - as smb3mc_call_send(), never waiting for a
 *	lost server
 * @ses: the session
 * @tcon: its tree, NULL for session-level commands
 * @call: the request
 * @len: as for smb3mc_call_send()
 *
 * Return: as smb3mc_call_send(); -EHOSTDOWN when no channel is left.
 */
int smb3mc_call_send_nowait(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			    struct smb3mc_call *call, int len)
{
	return call_send(ses, tcon, call, len, 0, false, true);
}

/**
 * smb3mc_call_send_cancellable - send a request that may stay pending
 * @ses: the session
 * @tcon: its tree
 * @call: the request, as for smb3mc_call_send()
 * @len: as for smb3mc_call_send()
 *
 * For a request the server may hold for as long as it likes, such as a
 * LOCK that waits for another client's unlock: once the server said
 * STATUS_PENDING the wait has no limit, but a signal ends it. The request
 * is then cancelled (MS-SMB2 3.2.4.24), and the status of its final
 * response (STATUS_CANCELLED, or success if it was done meanwhile) is in
 * @call->req.status; -EINTR when a fatal signal left no time to hear it.
 */
int smb3mc_call_send_cancellable(struct smb3mc_ses *ses,
				 struct smb3mc_tcon *tcon,
				 struct smb3mc_call *call, int len)
{
	return call_send(ses, tcon, call, len, 0, true, false);
}

/**
 * smb3mc_call_send_on - as smb3mc_call_send(), on @chan only
 * @ses: the session
 * @chan: a channel being set up, or a new session's first, or NULL for
 *	smb3mc_call_send()
 * @tcon: its tree, NULL for session-level commands
 * @call: the request
 * @len: as for smb3mc_call_send()
 * @payload: bytes the credits must cover
 *
 * See smb3mc_ses_call_once().
 */
int smb3mc_call_send_on(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			struct smb3mc_tcon *tcon, struct smb3mc_call *call,
			int len, size_t payload)
{
	int rc;

	if (!chan)
		return smb3mc_call_send(ses, tcon, call, len, payload);
	if (len < 0)
		return len;
	smb3mc_call_prepare(call, len, payload);
	smb3mc_chan_hold(chan);
	rc = smb3mc_ses_call_once(ses, chan, tcon, &call->req);
	if (rc)
		return rc;
	return smb3mc_req_errno(&call->req);
}

/**
 * smb3mc_call_teardown - send TREE_DISCONNECT or LOGOFF, best effort
 * @ses: the session
 * @tcon: the tree, NULL for session-level commands
 * @call: the request
 * @len: as for smb3mc_call_send()
 *
 * With a short timeout and no answer looked at, so that a server that is
 * gone still lets us unmount promptly.
 */
void smb3mc_call_teardown(struct smb3mc_ses *ses, struct smb3mc_tcon *tcon,
			  struct smb3mc_call *call, int len)
{
	struct smb3mc_chan *chan;

	if (len < 0)
		return;
	chan = smb3mc_ses_pick_chan(ses, 0);
	if (!chan)
		return;
	smb3mc_call_prepare(call, len, 0);
	call->req.timeout = SMB3MC_TEARDOWN_TIMEOUT;
	smb3mc_ses_call(ses, chan, tcon, &call->req);
}
