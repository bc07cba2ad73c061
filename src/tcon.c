// SPDX-License-Identifier: GPL-2.0
/*
 * Tree connects (MS-SMB2 3.2.4.2.4): TREE_CONNECT, the validation of the
 * negotiated dialect over it, and TREE_DISCONNECT.
 */

#include <linux/fs_context.h>
#include <linux/slab.h>

#include "nterr.h"
#include "pdu_file.h"
#include "pdu_hdr.h"
#include "pdu_session.h"
#include "session.h"

/*
 * MS-SMB2 3.2.5.5 / 3.3.5.15.12: with 3.0 and 3.0.2, ask the server to
 * confirm what it negotiated, which a man in the middle cannot forge
 * because the answer is signed. The request repeats exactly what the
 * NEGOTIATE offered: the server recomputes its choice from it.
 */
static int tcon_validate_negotiate(struct smb3mc_tcon *tcon,
				   struct p_log *log)
{
	struct smb3mc_ses *ses = tcon->ses;
	struct smb3mc_vneg_info info;
	struct smb3mc_call *call;
	int rc;

	if (ses->dialect == SMB311_DIALECT || !ses->sign)
		return 0;
	call = smb3mc_call_alloc(256);
	if (!call)
		return -ENOMEM;
	rc = smb3mc_call_send(ses, tcon->tid, call,
			      smb3mc_build_validate_negotiate(call->buf,
				call->size, SMB3MC_CLIENT_CAPS,
				ses->client_guid,
				SMB2_NEGOTIATE_SIGNING_ENABLED, ses->dialects,
				ses->nr_dialects), 0);
	if (!rc)
		rc = smb3mc_parse_validate_negotiate(call->req.rsp,
						     call->req.rsp_len, &info);
	if (!rc && (info.dialect != ses->dialect ||
		    info.capabilities != ses->server_caps ||
		    info.security_mode != ses->security_mode ||
		    memcmp(info.guid, ses->server_guid, sizeof(info.guid))))
		rc = -EIO;
	if (rc)
		error_plog(log, "%s: validating the negotiated dialect failed (%d)",
			   ses->server, rc);
	smb3mc_call_free(call);
	return rc;
}

/**
 * smb3mc_tcon_open - connect to a share of the session's server
 * @ses: the session
 * @share: share name
 * @type: SMB2_SHARE_TYPE_DISK, or _PIPE for IPC$
 * @tconp: set to the tree connect
 * @log: for messages to the user
 */
int smb3mc_tcon_open(struct smb3mc_ses *ses, const char *share, u8 type,
		     struct smb3mc_tcon **tconp, struct p_log *log)
{
	struct smb3mc_tree_connect_info info;
	struct smb3mc_call *call;
	struct smb3mc_tcon *tcon;
	char *unc;
	int rc;

	tcon = kzalloc(sizeof(*tcon), GFP_KERNEL);
	unc = kasprintf(GFP_KERNEL, "\\\\%s\\%s", ses->server, share);
	call = unc ? smb3mc_call_alloc(128 + 2 * strlen(unc)) : NULL;
	if (!tcon || !call) {
		rc = -ENOMEM;
		goto fail;
	}
	tcon->ses = ses;
	tcon->share = kstrdup(share, GFP_KERNEL);
	if (!tcon->share) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = smb3mc_call_send(ses, 0, call,
			      smb3mc_build_tree_connect(call->buf, call->size,
							unc, 0), 0);
	if (call->req.status == STATUS_BAD_NETWORK_NAME) {
		error_plog(log, "%s: no share named %s", ses->server, share);
		goto fail;
	}
	if (!rc)
		rc = smb3mc_parse_tree_connect_rsp(call->req.rsp,
						   call->req.rsp_len, &info);
	if (rc) {
		error_plog(log, "%s: cannot connect to share %s: %s (%d)",
			   ses->server, share,
			   smb3mc_status_name(call->req.status), rc);
		goto fail;
	}
	tcon->tid = le32_to_cpu(((struct smb2_hdr *)
				 call->req.rsp)->id.sync.tree_id);
	tcon->share_type = info.share_type;
	tcon->share_flags = info.share_flags;
	tcon->maximal_access = info.maximal_access;
	if (info.share_type != type) {
		error_plog(log, "%s: %s is not a share of the expected type",
			   ses->server, share);
		rc = -ENOTDIR;
		goto fail_tcon;
	}
	/*
	 * MS-SMB2 3.2.5.5: the share wants its requests encrypted
	 * (TreeConnect.EncryptData, 3.2.4.1.8). The session then encrypts
	 * all of them, IPC$'s too: it has only this share and IPC$, and a
	 * server that encrypts one tree takes encrypted requests on any.
	 */
	if (info.share_flags & SMB2_SHAREFLAG_ENCRYPT_DATA) {
		if (!ses->seal_ready) {
			error_plog(log, "%s: share %s requires encryption, which the session cannot do",
				   ses->server, share);
			rc = -EOPNOTSUPP;
			goto fail_tcon;
		}
		WRITE_ONCE(ses->encrypt, true);
	}
	rc = tcon_validate_negotiate(tcon, log);
	if (rc)
		goto fail_tcon;
	smb3mc_call_free(call);
	kfree(unc);
	*tconp = tcon;
	return 0;

fail_tcon:
	smb3mc_call_free(call);
	call = NULL;
	smb3mc_tcon_close(tcon);
	tcon = NULL;
fail:
	smb3mc_call_free(call);
	if (tcon)
		kfree(tcon->share);
	kfree(tcon);
	kfree(unc);
	return rc;
}

/**
 * smb3mc_tcon_close - disconnect from the share
 * @tcon: the tree connect; freed here
 */
void smb3mc_tcon_close(struct smb3mc_tcon *tcon)
{
	struct smb3mc_call *call = smb3mc_call_alloc(128);

	if (call)
		smb3mc_call_teardown(tcon->ses, tcon->tid, call,
				     smb3mc_build_tree_disconnect(call->buf,
								  call->size));
	smb3mc_call_free(call);
	kfree(tcon->share);
	kfree(tcon);
}
