// SPDX-License-Identifier: GPL-2.0
/*
 * Tree connects (MS-SMB2 3.2.4.2.4): TREE_CONNECT, the validation of the
 * negotiated dialect over it, and TREE_DISCONNECT; and, in a new session
 * that replaces one the server lost, the tree connects made again and the
 * files open in them opened again by name.
 */

#include <linux/fs_context.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "nterr.h"
#include "pdu_file.h"
#include "pdu_hdr.h"
#include "pdu_session.h"
#include "session.h"
#include "unicode.h"

/*
 * MS-SMB2 3.2.5.5 / 3.3.5.15.12: with 3.0 and 3.0.2, ask the server to
 * confirm what it negotiated, which a man in the middle cannot forge
 * because the answer is signed or encrypted. The request repeats exactly
 * what the NEGOTIATE offered: the server recomputes its choice from it.
 */
static int tcon_validate_negotiate(struct smb3mc_tcon *tcon,
				   struct smb3mc_chan *chan, struct p_log *log)
{
	struct smb3mc_ses *ses = tcon->ses;
	struct smb3mc_vneg_info info;
	struct smb3mc_call *call;
	int rc;

	/* An encrypted answer is as safe from him as a signed one. */
	if (ses->dialect == SMB311_DIALECT ||
	    (!ses->sign && !READ_ONCE(ses->encrypt)))
		return 0;
	call = smb3mc_call_alloc(256);
	if (!call)
		return -ENOMEM;
	rc = smb3mc_call_send_on(ses, chan, tcon, call,
				 smb3mc_build_validate_negotiate(call->buf,
					call->size, SMB3MC_CLIENT_CAPS,
					ses->client_guid,
					SMB2_NEGOTIATE_SIGNING_ENABLED,
					ses->dialects, ses->nr_dialects), 0);
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

/* Why the TREE_CONNECT @req failed, for a message. */
static const char *tcon_failure(const struct smb3mc_req *req)
{
	if (!req->rsp)
		return req->rc == -ETIMEDOUT ? "no answer in time" : "no answer";
	if (req->rc)
		return "answer refused";
	if (req->status)
		return smb3mc_status_name(req->status);
	return "malformed answer";
}

/*
 * TREE_CONNECT to @tcon->share, on @chan or, NULL, any channel: sets the
 * TreeId and what the server says of the share.
 */
static int tcon_connect(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan,
			u8 type, struct p_log *log)
{
	struct smb3mc_ses *ses = tcon->ses;
	struct smb3mc_tree_connect_info info;
	struct smb3mc_call *call;
	const char *share = tcon->share;
	char *unc;
	int rc;

	unc = kasprintf(GFP_KERNEL, "\\\\%s\\%s", ses->server, share);
	call = unc ? smb3mc_call_alloc(128 + 2 * strlen(unc)) : NULL;
	if (!call) {
		rc = -ENOMEM;
		goto out;
	}
	rc = smb3mc_call_send_on(ses, chan, NULL, call,
				 smb3mc_build_tree_connect(call->buf,
							   call->size, unc,
							   0), 0);
	/* A refused answer (call->req.rc) tells nothing of the share. */
	if (!call->req.rc && call->req.status == STATUS_BAD_NETWORK_NAME) {
		error_plog(log, "%s: no share named %s", ses->server, share);
		goto out;
	}
	if (!rc)
		rc = smb3mc_parse_tree_connect_rsp(call->req.rsp,
						   call->req.rsp_len, &info);
	if (rc) {
		error_plog(log, "%s: cannot connect to share %s: %s (%d)",
			   ses->server, share, tcon_failure(&call->req), rc);
		goto out;
	}
	WRITE_ONCE(tcon->tid, le32_to_cpu(((struct smb2_hdr *)
					   call->req.rsp)->id.sync.tree_id));
	tcon->share_type = info.share_type;
	tcon->share_flags = info.share_flags;
	tcon->share_caps = info.capabilities;
	tcon->maximal_access = info.maximal_access;
	if (info.share_type != type) {
		error_plog(log, "%s: %s is not a share of the expected type",
			   ses->server, share);
		rc = -ENOTDIR;
		goto out;
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
			goto out;
		}
		WRITE_ONCE(ses->encrypt, true);
	}
out:
	smb3mc_call_free(call);
	kfree(unc);
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
	struct smb3mc_tcon *tcon;
	int rc;

	tcon = kzalloc(sizeof(*tcon), GFP_KERNEL);
	if (!tcon)
		return -ENOMEM;
	tcon->ses = ses;
	INIT_LIST_HEAD(&tcon->list);
	smb3mc_tcon_opens_init(tcon);
	tcon->share = kstrdup(share, GFP_KERNEL);
	if (!tcon->share) {
		kfree(tcon);
		return -ENOMEM;
	}
	rc = tcon_connect(tcon, NULL, type, log);
	if (!rc)
		rc = tcon_validate_negotiate(tcon, NULL, log);
	if (rc) {
		/* Connected, or not: TREE_DISCONNECT a TreeId it got. */
		if (tcon->tid) {
			smb3mc_tcon_close(tcon);
		} else {
			kfree(tcon->share);
			kfree(tcon);
		}
		return rc;
	}
	mutex_lock(&ses->tcon_lock);
	list_add_tail(&tcon->list, &ses->tcons);
	mutex_unlock(&ses->tcon_lock);
	*tconp = tcon;
	return 0;
}

/**
 * smb3mc_tcon_close - disconnect from the share
 * @tcon: the tree connect; freed here
 */
void smb3mc_tcon_close(struct smb3mc_tcon *tcon)
{
	struct smb3mc_call *call = smb3mc_call_alloc(128);
	struct smb3mc_ses *ses = tcon->ses;

	mutex_lock(&ses->tcon_lock);
	list_del_init(&tcon->list);
	mutex_unlock(&ses->tcon_lock);
	/*
	 * A READ whose reader was killed (smb3mc_pread()) may still be in
	 * flight after its file was closed, and its end names the tree. Each
	 * ends by its timeout at the latest; what waits for a channel fails
	 * once the session closes (smb3mc_ses_stop_maint()).
	 */
	wait_var_event(&tcon->io_pending, !atomic_read(&tcon->io_pending));
	/*
	 * Every file of the tree is closed; a durable handle left to a new
	 * session to close, which never came, is the server's to drop.
	 */
	WARN_ON_ONCE(smb3mc_tcon_opens_drop(tcon));

	if (call)
		smb3mc_call_teardown(tcon->ses, tcon, call,
				     smb3mc_build_tree_disconnect(call->buf,
								  call->size));
	smb3mc_call_free(call);
	kfree(tcon->share);
	kfree(tcon);
}

/*
 * Whether @fid, what the name of @open opened in the new session, is the
 * file @open had: another may have taken the name while the server was
 * lost (a rename over it, a directory renamed, a save through a temporary
 * file). A server without file ids cannot tell, and is trusted.
 */
static int tcon_same_file(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan,
			  const struct smb3mc_open_copy *open,
			  const struct smb3mc_fid *fid,
			  struct smb3mc_call *call)
{
	struct smb3mc_file_attrs a = {};
	const u8 *out;
	u32 out_len;
	int rc;

	if (!open->index)
		return 0;
	rc = smb3mc_call_send_on(tcon->ses, chan, tcon, call,
				 smb3mc_build_query_info(call->buf, call->size,
							 fid, SMB2_0_INFO_FILE,
							 FileInternalInformation,
							 sizeof(__le64), 0),
				 sizeof(__le64));
	if (rc)
		return rc;
	if (smb3mc_parse_query_info(call->req.rsp, call->req.rsp_len, &out,
				    &out_len) ||
	    smb3mc_parse_internal_info(out, out_len, &a))
		return smb3mc_rsp_refuse(tcon->ses, SMB2_QUERY_INFO,
					 "malformed");
	if (a.index_number && a.index_number != open->index) {
		pr_warn_ratelimited("smb3mc: %s: %s is another file now\n",
				    tcon->ses->server, open->path);
		return -ESTALE;
	}
	return 0;
}

/*
 * Take @open's byte-range locks again on @fid, its handle in the new
 * session, each failing at once: another client may have taken the range
 * while the server was lost.
 */
static int tcon_relock(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan,
		       const struct smb3mc_open_copy *open,
		       const struct smb3mc_fid *fid, struct smb3mc_call *call)
{
	const struct smb3mc_open_lock *lk;
	struct smb3mc_lock_range r;
	int rc;

	for (lk = open->locks; lk < open->locks + open->nr_locks; lk++) {
		r.offset = lk->offset;
		r.length = lk->length;
		r.flags = SMB2_LOCKFLAG_FAIL_IMMEDIATELY |
			  (lk->exclusive ? SMB2_LOCKFLAG_EXCLUSIVE_LOCK :
					   SMB2_LOCKFLAG_SHARED_LOCK);
		rc = smb3mc_call_send_on(tcon->ses, chan, tcon, call,
					 smb3mc_build_lock(call->buf,
							   call->size, fid,
							   0, &r, 1), 0);
		if (!rc && smb3mc_parse_lock(call->req.rsp,
					     call->req.rsp_len))
			rc = smb3mc_rsp_refuse(tcon->ses, SMB2_LOCK,
					       "malformed");
		if (rc) {
			pr_warn_ratelimited("smb3mc: %s: %s: its lock of %llu bytes at %llu cannot be taken again (%d)\n",
					    tcon->ses->server, open->path,
					    lk->length, lk->offset, rc);
			return rc;
		}
	}
	return 0;
}

/*
 * Reclaim @open's durable handle (MS-SMB2 3.2.4.4): a CREATE of its name
 * (@ca) with DH2C, its FileId and CreateGuid, and its lease key. The
 * server kept the open with its locks and lease for its timeout, unless
 * it was restarted (which a persistent handle outlives too) or the
 * timeout ran out: then it refuses
 * (STATUS_OBJECT_NAME_NOT_FOUND, STATUS_INVALID_PARAMETER, ...), and
 * the caller opens the file by name. Sets @cr from the response.
 */
static int tcon_reclaim(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan,
			struct smb3mc_open_copy *open,
			struct smb3mc_call *call,
			struct smb3mc_create_args *ca,
			struct smb3mc_create_rsp *cr)
{
	struct smb3mc_ses *ses = tcon->ses;
	int rc;

	ca->reclaim = &open->dh;
	/* Open.Lease (3.2.4.4): asked for where the server grants leases. */
	if (ses->server_caps & SMB2_GLOBAL_CAP_LEASING)
		ca->lease = &open->lease;
	rc = smb3mc_call_send_on(ses, chan, tcon, call,
				 smb3mc_build_create(call->buf, call->size,
						     ca), 0);
	ca->reclaim = NULL;
	ca->lease = NULL;
	if (!rc && smb3mc_parse_create(call->req.rsp, call->req.rsp_len, cr))
		rc = smb3mc_rsp_refuse(ses, SMB2_CREATE, "malformed");
	if (!rc && cr->attrs.is_dir) {
		smb3mc_call_send_on(ses, chan, tcon, call,
				    smb3mc_build_close(call->buf, call->size,
						       &cr->fid, false), 0);
		rc = -ESTALE;
	}
	if (rc) {
		if (READ_ONCE(chan->state) != SMB3MC_CHAN_DEAD)
			pr_info_ratelimited("smb3mc: %s: %s: durable handle not reclaimed (%s, %d): %s\n",
					    ses->server, open->path,
					    smb3mc_status_name(call->req.status),
					    rc, open->closing ?
					    "closed, the server drops it" :
					    "opening it by name");
		return rc;
	}
	WRITE_ONCE(ses->reclaimed, ses->reclaimed + 1);
	return 0;
}

/*
 * Open @open's file again by name, with the access it had, and take its
 * locks again: its new FileId, set in @next, reaches its holder once
 * the session is up (smb3mc_tcons_resumed()), and the old one maps to it
 * (smb3mc_tcon_map_fid()). A name that is another file now, and a file
 * whose lock another client took meanwhile, are not given back: their
 * I/O fails rather than go to another file or on unlocked. A durable
 * handle is reclaimed instead where the server kept it: the same open,
 * whose locks the server kept too.
 */
static int tcon_reopen(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan,
		       struct smb3mc_open_copy *open, struct smb3mc_call *call,
		       __le16 *name, size_t name_max, struct smb3mc_fid *next)
{
	struct smb3mc_ses *ses = tcon->ses;
	struct smb3mc_create_args ca = {
		.impersonation_level = SMB2_IL_IMPERSONATION,
		.oplock_level = SMB2_OPLOCK_LEVEL_NONE,
		.desired_access = open->access,
		.share_access = FILE_SHARE_READ | FILE_SHARE_WRITE |
				FILE_SHARE_DELETE,
		.create_disposition = FILE_OPEN,
		.create_options = open->options,
	};
	struct smb3mc_create_rsp cr = {};
	int rc;

	rc = smb3mc_path_to_utf16(open->path, strlen(open->path), name,
				  name_max);
	if (rc < 0)
		return rc;
	ca.name = name;
	ca.name_len = rc;
	if (open->durable) {
		rc = tcon_reclaim(tcon, chan, open, call, &ca, &cr);
		if (!rc)
			goto reopened;
		if (READ_ONCE(chan->state) == SMB3MC_CHAN_DEAD)
			return rc;
		/* Opened by name, the handle is an ordinary one. */
		open->durable = false;
		/* Closed: only its durable handle was worth reclaiming. */
		if (open->closing)
			return rc;
		memset(&cr, 0, sizeof(cr));
	}
	rc = smb3mc_call_send_on(ses, chan, tcon, call,
				 smb3mc_build_create(call->buf, call->size,
						     &ca), 0);
	if (!rc && smb3mc_parse_create(call->req.rsp, call->req.rsp_len, &cr))
		rc = smb3mc_rsp_refuse(ses, SMB2_CREATE, "malformed");
	if (rc)
		return rc;
	/* A name now of another type is another file. */
	if (cr.attrs.is_dir != !!(open->options & FILE_DIRECTORY_FILE))
		rc = -ESTALE;
	else
		rc = tcon_same_file(tcon, chan, open, &cr.fid, call) ?:
		     tcon_relock(tcon, chan, open, &cr.fid, call);
	if (rc) {
		smb3mc_call_send_on(ses, chan, tcon, call,
				    smb3mc_build_close(call->buf, call->size,
						       &cr.fid, false), 0);
		return rc;
	}
	WRITE_ONCE(ses->reopened, ses->reopened + 1);
reopened:
	*next = cr.fid;
	next->gen = ses->gen + 1;
	return 0;
}

/* Every file open in @tcon, opened again; 0 unless @chan failed. */
static int tcon_reopen_all(struct smb3mc_tcon *tcon, struct smb3mc_chan *chan)
{
	unsigned int reclaimed = READ_ONCE(tcon->ses->reclaimed);
	size_t name_max = 2 * PATH_MAX;
	struct smb3mc_open_copy c;
	struct smb3mc_call *call;
	struct smb3mc_fid next;
	unsigned int done = 0, lost = 0;
	__le16 *name;
	bool dead;
	int rc = 0;

	/* A CREATE of the longest name, with DH2C and the lease context */
	call = smb3mc_call_alloc(256 + name_max + SMB3MC_DH2C_CTX_SIZE +
				 SMB3MC_LEASE_CTX_SIZE);
	name = kmalloc(name_max, GFP_KERNEL);
	if (!call || !name) {
		rc = -ENOMEM;
		goto out;
	}
	while ((rc = smb3mc_open_take(tcon, &c)) == 1) {
		rc = tcon_reopen(tcon, chan, &c, call, name, name_max, &next);
		dead = rc && READ_ONCE(chan->state) == SMB3MC_CHAN_DEAD;
		if (!rc && !c.closing) {
			done++;
		} else if (rc && !dead && !c.closing) {
			pr_warn_ratelimited("smb3mc: %s: cannot open %s again (%d): its I/O fails\n",
					    tcon->ses->server, c.path, rc);
			lost++;
		}
		smb3mc_open_taken(&c, rc ? NULL : &next);
		if (dead)
			break;
	}
	if (!rc && (done || lost))
		pr_info_ratelimited("smb3mc: %s: share %s: %u open files opened again (%u durable handles reclaimed), %u lost\n",
				    tcon->ses->server, tcon->share, done,
				    READ_ONCE(tcon->ses->reclaimed) - reclaimed, lost);
out:
	kfree(name);
	smb3mc_call_free(call);
	return rc;
}

/**
 * smb3mc_tcons_resume - the trees and open files of @ses in its new session
 * @ses: a session just set up again on @chan after the server lost it
 * @chan: its first channel, not yet known to dispatch
 *
 * TREE_CONNECT each tree again (a new TreeId, stamped into every request
 * from then on), then open each open file again by name with the access
 * it had (FILE_OPEN). A file that cannot be opened (deleted meanwhile) is
 * reported; its requests fail. The caller holds @ses->tcon_lock until
 * smb3mc_tcons_resumed(). A file closed meanwhile is not waited for: it
 * is handed over (smb3mc_open_close()), and closed there.
 *
 * Return: 0, or an errno when @chan failed, and the session with it.
 */
int smb3mc_tcons_resume(struct smb3mc_ses *ses, struct smb3mc_chan *chan)
{
	struct p_log log = { .prefix = "smb3mc" };
	struct smb3mc_tcon *tcon;
	int rc = 0;

	lockdep_assert_held(&ses->tcon_lock);
	list_for_each_entry(tcon, &ses->tcons, list) {
		rc = tcon_connect(tcon, chan, tcon->share_type, &log);
		if (!rc)
			rc = tcon_validate_negotiate(tcon, chan, &log);
		if (!rc)
			rc = tcon_reopen_all(tcon, chan);
		if (rc)
			break;
	}
	return rc;
}

/**
 * smb3mc_tcons_resumed - the new session of smb3mc_tcons_resume() is up,
 *	or failed
 * @ses: the session, whose tcon_lock the caller holds
 * @up: it is up, about to be given to dispatch: the files opened again
 *	get their new FileIds; false: what it opened is left to the server
 * @orphans: where the files their holders closed while it opened them
 *	again go, for smb3mc_tcons_close_orphans() once it is given to
 *	dispatch (none when it failed)
 */
void smb3mc_tcons_resumed(struct smb3mc_ses *ses, bool up,
			  struct list_head *orphans)
{
	struct smb3mc_tcon *tcon;

	lockdep_assert_held(&ses->tcon_lock);
	list_for_each_entry(tcon, &ses->tcons, list)
		smb3mc_tcon_reopen_done(tcon, up, ses->gen + 1, orphans);
}

/**
 * smb3mc_tcons_close_orphans - close what smb3mc_tcons_resumed() left
 * @ses: the session, given to dispatch again
 * @chan: the channel it was set up on, where the CLOSEs go (a request
 *	of the work that sets sessions up must not wait for the next one)
 * @orphans: the files, freed here
 *
 * After the session is given to dispatch, so that its I/O goes on while
 * a server keeps a CLOSE pending, up to two request timeouts each. Each
 * CLOSE ends its wait once umount stops the maintenance work this runs
 * in, which waits for it, unkillably.
 */
void smb3mc_tcons_close_orphans(struct smb3mc_ses *ses,
				struct smb3mc_chan *chan,
				struct list_head *orphans)
{
	struct smb3mc_call *call = smb3mc_call_alloc(128);
	struct smb3mc_open *open, *tmp;

	if (call)
		call->stop = &ses->closing;
	list_for_each_entry_safe(open, tmp, orphans, list) {
		/* Without memory, the server drops it with the session. */
		if (call)
			smb3mc_call_send_on(ses, chan, open->tcon, call,
					    smb3mc_build_close(call->buf,
							       call->size,
							       &open->next,
							       false), 0);
		list_del(&open->list);
		smb3mc_open_free(open);
	}
	smb3mc_call_free(call);
}
