// SPDX-License-Identifier: GPL-2.0
/*
 * File operations over SMB2: CREATE, QUERY_INFO, CLOSE.
 */

#include <linux/limits.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "nterr.h"
#include "ops.h"
#include "session.h"
#include "unicode.h"

static int call_send(struct smb3mc_tcon *tcon, struct smb3mc_call *call,
		     int len, size_t payload)
{
	return smb3mc_call_send(tcon->ses, tcon, call, len, payload);
}

static const char *type_name(bool is_dir)
{
	return is_dir ? "a directory" : "a file";
}

/**
 * smb3mc_type_refuse - refuse what a server said of @path
 * @tcon: tree connect of the share
 * @path: the path it answered for
 * @first: what said it was a directory when @first_dir
 * @first_dir: see @first
 * @then: what said it was one when @then_dir, which differs
 * @then_dir: see @then
 *
 * Two things a server said of @path disagree on whether it is a
 * directory: a handle of one kind must never reach an inode, or a
 * struct file, of the other, nor attributes of one kind an inode.
 *
 * Return: -EIO.
 */
int smb3mc_type_refuse(struct smb3mc_tcon *tcon, const char *path,
		       const char *first, bool first_dir, const char *then,
		       bool then_dir)
{
	pr_warn_ratelimited("smb3mc: %s: %s: %s %s, %s %s: open refused\n",
			    tcon->ses->server, path, first,
			    type_name(first_dir), then, type_name(then_dir));
	return -EIO;
}

/* As smb3mc_type_refuse(), closing @fid, which is not to be used. */
static int open_refuse(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_fid *fid, const char *first,
		       bool first_dir, const char *then, bool then_dir)
{
	smb3mc_close(tcon, fid);
	return smb3mc_type_refuse(tcon, path, first, first_dir, then,
				  then_dir);
}

/* Attempts of an operation that new sessions interrupt: smb3mc_op_redo(). */
#define SMB3MC_OP_ATTEMPTS	3

/**
 * smb3mc_op_redo - whether an operation that failed is to start again
 * @tcon: tree connect of the share
 * @gen: smb3mc_share_gen() when the attempt began
 * @attempt: attempts made, this one included
 * @rc: how the attempt ended
 *
 * An operation that opens a name to act on it and close it again fails
 * when the server loses the session between its requests: the FileId
 * names nothing in the new session, where a request made with it fails
 * (smb3mc_resume_plan()). Where doing it again is harmless, the caller
 * starts over, in the new session.
 */
bool smb3mc_op_redo(const struct smb3mc_tcon *tcon, unsigned int gen,
		    unsigned int attempt, int rc)
{
	return rc && rc != -EINTR && attempt < SMB3MC_OP_ATTEMPTS &&
	       smb3mc_share_gen(tcon) != gen && !fatal_signal_pending(current);
}

/* @rc of a parser of @call's response: a message if it failed. */
static int call_parsed(struct smb3mc_tcon *tcon, struct smb3mc_call *call,
		       int rc)
{
	if (!rc)
		return 0;
	return smb3mc_rsp_refuse(tcon->ses, smb3mc_req_command(&call->req),
				 "malformed");
}

/**
 * smb3mc_attrs_take - check attributes a response to @cmd carried
 * @tcon: tree connect of the share
 * @cmd: the command answered
 * @attrs: the attributes, mended where they can be
 *
 * Attributes that the server must not send are refused, those that can
 * be mended are, each with a message.
 *
 * Return: 0, or -EIO when refused.
 */
int smb3mc_attrs_take(struct smb3mc_tcon *tcon, u16 cmd,
		      struct smb3mc_file_attrs *attrs)
{
	const char *why;

	if (smb3mc_attrs_check(attrs, &why))
		return smb3mc_rsp_refuse(tcon->ses, cmd, why);
	if (why)
		pr_warn_ratelimited("smb3mc: %s: %s response: %s\n",
				    tcon->ses->server, smb3mc_command_name(cmd),
				    why);
	return 0;
}

/*
 * The lease a CREATE response of @tcon granted, into @lease: one whose
 * key is not the one asked for, or that does not parse, is none of ours.
 */
static void open_lease(struct smb3mc_tcon *tcon, const struct smb3mc_req *req,
		       const struct smb3mc_create_rsp *cr,
		       struct smb3mc_open_lease *lease)
{
	const char *why = "malformed";
	int rc;

	if (cr->oplock_level != SMB2_OPLOCK_LEVEL_LEASE)
		return;
	rc = smb3mc_parse_lease_ctx(cr->contexts, cr->contexts_len,
				    &lease->got);
	if (!rc && !memcmp(lease->got.key, lease->want.key,
			   SMB3MC_LEASE_KEY_SIZE)) {
		lease->granted = true;
		/* The session that answered: the last the request went to */
		lease->gen = req->gen;
		return;
	}
	if (!rc)
		why = "for another key";
	else if (rc == -ENOENT)
		why = "missing";
	pr_warn_ratelimited("smb3mc: %s: CREATE response: lease context %s, no lease taken\n",
			    tcon->ses->server, why);
}

/*
 * The durable handle a CREATE response of @tcon granted (MS-SMB2
 * 3.2.5.7): none without a DH2Q response context; a malformed one, or
 * one granting what was not asked for, is not believed, and the handle
 * is an ordinary one.
 */
static void open_durable(struct smb3mc_tcon *tcon,
			 const struct smb3mc_create_rsp *cr,
			 struct smb3mc_open_lease *lease)
{
	struct smb3mc_durable got = {};
	int rc;

	rc = smb3mc_parse_durable_ctx(cr->contexts, cr->contexts_len, &got);
	if (rc == -ENOENT)
		return;
	if (!rc && !(got.flags & ~lease->dh.flags)) {
		lease->dh.timeout = got.timeout;
		lease->dh.flags = got.flags;
		lease->durable = true;
		return;
	}
	pr_warn_ratelimited("smb3mc: %s: CREATE response: durable handle context %s, handle not durable\n",
			    tcon->ses->server,
			    rc ? "malformed" : "with flags not asked for");
}

/*
 * A continuously available share keeps a persistent handle through a
 * restart of the server or its move to another node, where a durable one
 * is lost (MS-SMB2 3.2.4.3.10, 3.3.5.9.10): asked for there, of a server
 * that offers them.
 */
static bool open_persistent(const struct smb3mc_tcon *tcon)
{
	return tcon->ses->server_caps & SMB2_GLOBAL_CAP_PERSISTENT_HANDLES &&
	       tcon->share_caps & SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY;
}

/* CREATE of @path with @ca into @buf: its length, or an errno. */
static int open_build(const char *path, const struct smb3mc_create_args *ca,
		      void *buf, size_t size)
{
	struct smb3mc_create_args named = *ca;
	__le16 *name;
	int rc;

	name = kmalloc(SMB3MC_NAME_MAX, GFP_NOFS);
	if (!name)
		return -ENOMEM;
	rc = smb3mc_path_to_utf16(path, strlen(path), name, SMB3MC_NAME_MAX);
	if (rc >= 0) {
		named.name = name;
		named.name_len = rc;
		rc = smb3mc_build_create(buf, size, &named);
	}
	kfree(name);
	return rc;
}

/* What smb3mc_open() asks for @args, but a lease and durability. */
static void open_create_args(const struct smb3mc_open_args *args,
			     struct smb3mc_create_args *ca)
{
	*ca = (struct smb3mc_create_args) {
		.impersonation_level = SMB2_IL_IMPERSONATION,
		.oplock_level = SMB2_OPLOCK_LEVEL_NONE,
		.desired_access = args->access,
		.file_attributes = args->attributes,
		.share_access = FILE_SHARE_READ | FILE_SHARE_WRITE |
				FILE_SHARE_DELETE,
		.create_disposition = args->disposition,
		.create_options = args->options,
	};
}

/*
 * A compound whose first request is the CREATE of @path for @ca, with
 * room for @more bytes of requests after it, each padded.
 */
static struct smb3mc_compound *
open_compound(const char *path, const struct smb3mc_create_args *ca,
	      size_t more)
{
	struct smb3mc_compound *cpd;
	size_t room;
	void *buf;
	int rc;

	cpd = smb3mc_compound_alloc(SMB3MC_OPEN_REQ + more +
				    8 * SMB3MC_COMPOUND_MAX);
	if (!cpd)
		return ERR_PTR(-ENOMEM);
	buf = smb3mc_compound_room(cpd, &room);
	rc = smb3mc_compound_add(cpd, open_build(path, ca, buf, room), 0);
	if (rc) {
		smb3mc_compound_free(cpd);
		return ERR_PTR(rc);
	}
	return cpd;
}

/**
 * smb3mc_open_compound - a compound that opens @path first
 * @path: UTF-8 path relative to the share root
 * @args: access, disposition and options; no lease
 * @more: bytes the requests after the CREATE may take
 *
 * The requests added after it name the open it makes with
 * &smb3mc_fid_related (MS-SMB2 3.2.4.1.4); smb3mc_open_answer() takes
 * its answer.
 *
 * Return: the compound, for smb3mc_compound_free(), or an ERR_PTR().
 */
struct smb3mc_compound *smb3mc_open_compound(const char *path,
					     const struct smb3mc_open_args *args,
					     size_t more)
{
	struct smb3mc_create_args ca;

	open_create_args(args, &ca);
	return open_compound(path, &ca, more);
}

/*
 * The CREATE of smb3mc_open() for @args into @ca: a lease, and a durable
 * handle with it, where @args asks for one and the share grants them.
 *
 * Without one, a 3.x CREATE still asks for a durable handle, which the
 * server grants only with handle caching (MS-SMB2 3.3.5.9.10), for its
 * CreateGuid in @replay: the copy sent after the loss of its channel,
 * flagged as a replay, gets back the open the lost one made where the
 * server keeps opens by CreateGuid (Samba does for every open that has
 * one), rather than open the file twice or fail for the file it created.
 * Not past 4 KiB into the CREATE, after a long @path: ksmbd refuses a
 * request whose create contexts start there (its smb2misc.c), which
 * would make the longest paths fail that work without.
 */
static void open_setup(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_open_args *args,
		       struct smb3mc_create_args *ca,
		       struct smb3mc_durable *replay)
{
	bool persistent;

	open_create_args(args, ca);
	if (args->lease) {
		args->lease->granted = false;
		args->lease->durable = false;
		if (smb3mc_share_leasing(tcon))
			ca->lease = &args->lease->want;
	}
	persistent = args->lease && open_persistent(tcon);
	if (persistent ||
	    (ca->lease && ca->lease->state & SMB2_LEASE_HANDLE_CACHING)) {
		/* Timeout 0: the server's own (Samba's and Windows' 60 s) */
		memset(&args->lease->dh, 0, sizeof(args->lease->dh));
		get_random_bytes(args->lease->dh.create_guid,
				 sizeof(args->lease->dh.create_guid));
		if (persistent)
			args->lease->dh.flags = SMB2_DHANDLE_FLAG_PERSISTENT;
		ca->durable = &args->lease->dh;
	} else if (tcon->ses->dialect >= SMB30_DIALECT &&
		   SMB3MC_CREATE_NAME_OFFSET + 2 * strlen(path) < SZ_4K) {
		memset(replay, 0, sizeof(*replay));
		get_random_bytes(replay->create_guid,
				 sizeof(replay->create_guid));
		ca->durable = replay;
	}
}

/**
 * smb3mc_open_compound_kept - smb3mc_open_compound() of a handle kept
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @args: access, disposition and options; no lease
 * @more: bytes the requests after the CREATE may take
 *
 * For a compound with no CLOSE, whose handle outlives the call: on 3.x
 * its CREATE has a CreateGuid, for a copy sent again (open_setup()).
 *
 * Return: the compound, for smb3mc_compound_free(), or an ERR_PTR().
 */
struct smb3mc_compound *
smb3mc_open_compound_kept(struct smb3mc_tcon *tcon, const char *path,
			  const struct smb3mc_open_args *args, size_t more)
{
	struct smb3mc_create_args ca;
	struct smb3mc_durable replay;

	open_setup(tcon, path, args, &ca, &replay);
	return open_compound(path, &ca, more);
}

/*
 * The successful answer @req to a CREATE of @path built by open_setup():
 * the handle into @fid, with what the server granted; a handle refused
 * is closed again.
 */
static int open_take(struct smb3mc_tcon *tcon, const char *path,
		     const struct smb3mc_open_args *args,
		     const struct smb3mc_create_args *ca,
		     const struct smb3mc_req *req, struct smb3mc_fid *fid,
		     struct smb3mc_file_attrs *attrs)
{
	struct smb3mc_create_rsp cr = {};
	int rc;

	if (smb3mc_parse_create(req->rsp, req->rsp_len, &cr))
		return smb3mc_rsp_refuse(tcon->ses, SMB2_CREATE, "malformed");
	/* The session that answered, which the FileId names an open in. */
	cr.fid.gen = req->fid_gen;
	if (attrs) {
		rc = smb3mc_attrs_take(tcon, SMB2_CREATE, &cr.attrs);
		if (rc) {
			smb3mc_close(tcon, &cr.fid);
			return rc;
		}
		*attrs = cr.attrs;
	}
	*fid = cr.fid;
	if (ca->lease)
		open_lease(tcon, req, &cr, args->lease);
	/* A durable handle granted where only the CreateGuid was: not kept */
	if (args->lease && ca->durable == &args->lease->dh)
		open_durable(tcon, &cr, args->lease);
	if ((args->options & FILE_DIRECTORY_FILE && !cr.attrs.is_dir) ||
	    (args->options & FILE_NON_DIRECTORY_FILE && cr.attrs.is_dir))
		return open_refuse(tcon, path, fid, "asked for",
				   !cr.attrs.is_dir, "the server answered",
				   cr.attrs.is_dir);
	return 0;
}

/**
 * smb3mc_open_answer - the handle a CREATE of smb3mc_open_compound() opened
 * @tcon: tree connect of the share
 * @path: the path it opened
 * @args: what it was built for; no lease
 * @req: its successful answer
 * @fid: set to the handle
 *
 * Return: 0, or an errno with nothing left open: an answer of the other
 * type than @args->options asked for is closed (smb3mc_open()).
 */
int smb3mc_open_answer(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_open_args *args,
		       const struct smb3mc_req *req, struct smb3mc_fid *fid)
{
	struct smb3mc_create_args ca;

	open_create_args(args, &ca);
	return open_take(tcon, path, args, &ca, req, fid, NULL);
}

/**
 * smb3mc_open - open or create @path with CREATE (MS-SMB2 3.2.4.3)
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root ("" for the root)
 * @args: access, disposition and options
 * @fid: set to the handle
 * @attrs: if not NULL, filled with what CREATE returns
 *
 * With FILE_DIRECTORY_FILE or FILE_NON_DIRECTORY_FILE in @args->options
 * the server must answer with an object of that type (MS-SMB2 3.3.5.9);
 * an answer of the other type is closed and fails with -EIO. A lease in
 * @args is asked for when the server grants leases; what it granted is
 * set in @args->lease. With a lease of handle caching a durable handle v2
 * is asked for too, with a new CreateGuid (MS-SMB2 3.2.4.3.10), and on a
 * continuously available share a persistent one, whatever the lease:
 * whether the server granted one is set there as well. Any other 3.x
 * CREATE has a CreateGuid too, for a copy sent again (open_setup()).
 */
int smb3mc_open(struct smb3mc_tcon *tcon, const char *path,
		const struct smb3mc_open_args *args, struct smb3mc_fid *fid,
		struct smb3mc_file_attrs *attrs)
{
	struct smb3mc_create_args ca;
	struct smb3mc_durable replay;
	struct smb3mc_call *call;
	int rc;

	open_setup(tcon, path, args, &ca, &replay);
	call = smb3mc_call_alloc(SMB3MC_OPEN_REQ);
	if (!call)
		return -ENOMEM;
	rc = call_send(tcon, call,
		       open_build(path, &ca, call->buf, SMB3MC_OPEN_REQ), 0);
	if (!rc)
		rc = open_take(tcon, path, args, &ca, &call->req, fid, attrs);
	smb3mc_call_free(call);
	return rc;
}

static int close_fid(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     bool wait, bool *unanswered)
{
	struct smb3mc_call *call = smb3mc_call_alloc(SMB3MC_SMALL_REQ);
	struct smb3mc_file_attrs unused;
	int len, rc;

	*unanswered = true;
	if (!call)
		return -ENOMEM;
	len = smb3mc_build_close(call->buf, SMB3MC_SMALL_REQ,
				 smb3mc_call_fid(call, tcon, fid), false);
	if (wait)
		rc = call_send(tcon, call, len, 0);
	else
		rc = smb3mc_call_send_nowait(tcon->ses, tcon, call, len);
	/* An error status is the server's answer; a lost connection is not. */
	*unanswered = rc && (call->req.rc || !call->req.status);
	if (!rc)
		rc = call_parsed(tcon, call,
				 smb3mc_parse_close(call->req.rsp,
						    call->req.rsp_len,
						    &unused));
	smb3mc_call_free(call);
	return rc;
}

int smb3mc_close(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid)
{
	bool unanswered;

	return close_fid(tcon, fid, true, &unanswered);
}

/**
 * smb3mc_close_nowait - close a handle for a release, never waiting for a
 *	lost server
 * @tcon: tree connect of the share
 * @fid: the handle
 *
 * A release may run in a process exiting on a fatal signal, which no
 * further signal ends: waiting for a lost server would hold it, on a hard
 * mount, until the server is back. The server drops the handles of a
 * session it lost (MS-SMB2 3.3.5.5.3).
 */
void smb3mc_close_nowait(struct smb3mc_tcon *tcon,
			 const struct smb3mc_fid *fid)
{
	bool unanswered;

	close_fid(tcon, fid, false, &unanswered);
}

/*
 * Open @path again for smb3mc_handle_keep() as a new session would have
 * (tcon_reopen()): by name, and where its IndexNumber is known, only the
 * same file. Sets @fid once that holds.
 */
static int keep_reopen(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_open_args *args, u64 index,
		       struct smb3mc_fid *fid)
{
	struct smb3mc_file_attrs attrs;
	struct smb3mc_fid next;
	int rc;

	rc = smb3mc_open(tcon, path, args, &next, NULL);
	if (rc)
		return rc;
	if (index) {
		rc = smb3mc_query_attrs(tcon, &next, &attrs);
		if (!rc && attrs.index_number && attrs.index_number != index)
			rc = -ESTALE;
		if (rc) {
			smb3mc_close(tcon, &next);
			return rc;
		}
	}
	*fid = next;
	return 0;
}

/**
 * smb3mc_handle_keep - keep an open file for a new session
 * @tcon: tree connect of the share
 * @path: the name it was opened by
 * @args: how it was opened; a new session opens it with FILE_OPEN
 * @index: its IndexNumber (0: unknown): what a new session opens by the
 *	name must have it, else it is another file
 * @fid: its handle, which a new session replaces in place: it must stay
 *	until smb3mc_handle_close()
 *
 * When the server lost the session (a restart), the new session opens the
 * file again and its requests go on with the new handle. A handle the
 * server made durable (@args->lease) is reclaimed first. A new session
 * set up between the CREATE and here did not open the file again
 * (smb3mc_keep_missed()): it is opened again here, in the session up
 * now, as that session would have, and @fid and @args->lease are set
 * from that open.
 *
 * Return: what smb3mc_handle_close() takes, or an ERR_PTR(); @fid is
 * then the caller's to close.
 */
struct smb3mc_open *smb3mc_handle_keep(struct smb3mc_tcon *tcon,
				       const char *path,
				       const struct smb3mc_open_args *args,
				       u64 index, struct smb3mc_fid *fid)
{
	struct smb3mc_open_args again = *args;
	unsigned int attempt = 0;
	struct smb3mc_open *open;
	int rc;

	again.disposition = FILE_OPEN;
	for (;;) {
		open = smb3mc_open_keep(tcon, path, args->access,
					args->options, index, fid);
		if (!IS_ERR(open) || PTR_ERR(open) != -EAGAIN ||
		    ++attempt == SMB3MC_OP_ATTEMPTS)
			break;
		rc = keep_reopen(tcon, path, &again, index, fid);
		if (rc)
			return ERR_PTR(rc);
	}
	/* Three new sessions in a row: the server is not keeping one. */
	if (IS_ERR(open))
		return PTR_ERR(open) == -EAGAIN ? ERR_PTR(-EIO) : open;
	if (args->lease && args->lease->durable)
		smb3mc_open_durable(open, &args->lease->want,
				    &args->lease->dh);
	return open;
}

/**
 * smb3mc_handle_rename - the file was renamed: a new session opens it so
 * @open: from smb3mc_handle_keep()
 * @path: its new name
 */
void smb3mc_handle_rename(struct smb3mc_open *open, const char *path)
{
	smb3mc_open_rename(open, path);
}

/**
 * smb3mc_tcon_reachable - whether requests on @tcon go out now
 * @tcon: tree connect of the share
 *
 * Return: false while the server is lost: requests wait for it (hard) or
 * until soft_timeout.
 */
bool smb3mc_tcon_reachable(struct smb3mc_tcon *tcon)
{
	return smb3mc_ses_up(tcon->ses);
}

/**
 * smb3mc_handle_close - close an open file for good
 * @tcon: tree connect of the share
 * @open: from smb3mc_handle_keep(), or NULL when it was not kept
 * @fid: its handle
 *
 * Never waits for a lost server: that would hold, on a hard mount, a
 * process exiting during an outage, which no signal ends, and its mount
 * busy. The server drops the handles of a session it lost, or drops them
 * when the new session names the old one previous (MS-SMB2 3.3.5.5.3); a
 * handle not opened again in the new session is not sent at all. A new
 * session set up from here on does not open the file again; one being set
 * up that opened it again closes it itself (smb3mc_open_close()). Only
 * the close of a file a new session opened again and published in the
 * instant before it is up waits for that.
 */
void smb3mc_handle_close(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
			 const struct smb3mc_fid *fid)
{
	struct smb3mc_fid now = *fid;
	bool unanswered;

	switch (open ? smb3mc_open_close(open, &now) : SMB3MC_CLOSE_NOW) {
	case SMB3MC_CLOSE_NOW:
		close_fid(tcon, &now, false, &unanswered);
		if (open)
			smb3mc_open_closed(open, unanswered);
		break;
	case SMB3MC_CLOSE_SOON:
		close_fid(tcon, &now, true, &unanswered);
		break;
	case SMB3MC_CLOSE_NONE:
		break;
	}
}

/**
 * smb3mc_all_info_take - attributes from a QUERY_INFO response
 * @tcon: tree connect of the share
 * @rsp: the response to a query of FileAllInformation, @len bytes
 * @len: see @rsp
 * @attrs: filled from it, as smb3mc_attrs_take() leaves them
 *
 * Return: 0, or -EIO for a response that does not parse or is refused.
 */
int smb3mc_all_info_take(struct smb3mc_tcon *tcon, const void *rsp,
			 size_t len, struct smb3mc_file_attrs *attrs)
{
	const __le16 *name;
	u32 name_len, out_len;
	const u8 *out;

	if (smb3mc_parse_query_info(rsp, len, &out, &out_len) ||
	    smb3mc_parse_all_info(out, out_len, attrs, &name, &name_len))
		return smb3mc_rsp_refuse(tcon->ses, SMB2_QUERY_INFO,
					 "malformed");
	return smb3mc_attrs_take(tcon, SMB2_QUERY_INFO, attrs);
}

/**
 * smb3mc_all_info_agree - attributes from FileAllInformation queried on
 *	the open a CREATE of @path just made
 * @tcon: tree connect of the share
 * @path: the path opened
 * @rsp: the QUERY_INFO response, @len bytes
 * @len: see @rsp
 * @attrs: holds what the CREATE answered; filled from @rsp
 *
 * Return: 0, or -EIO for a response smb3mc_all_info_take() refuses or one
 * that disagrees with the CREATE on whether @path is a directory.
 */
int smb3mc_all_info_agree(struct smb3mc_tcon *tcon, const char *path,
			  const void *rsp, size_t len,
			  struct smb3mc_file_attrs *attrs)
{
	bool created_dir = attrs->is_dir;
	int rc;

	rc = smb3mc_all_info_take(tcon, rsp, len, attrs);
	if (!rc && attrs->is_dir != created_dir)
		rc = smb3mc_type_refuse(tcon, path, "CREATE answered",
					created_dir, "FileAllInformation",
					attrs->is_dir);
	return rc;
}

/* FileAllInformation: times, sizes, attributes, link count, file id. */
int smb3mc_query_attrs(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_file_attrs *attrs)
{
	struct smb3mc_call *call = smb3mc_call_alloc(SMB3MC_SMALL_REQ);
	int rc;

	if (!call)
		return -ENOMEM;
	rc = call_send(tcon, call,
		       smb3mc_build_query_info(call->buf, SMB3MC_SMALL_REQ,
					       smb3mc_call_fid(call, tcon, fid),
					       SMB2_0_INFO_FILE,
					       FileAllInformation,
					       SMB3MC_ALL_INFO_BUF, 0),
		       SMB3MC_ALL_INFO_BUF);
	if (!rc)
		rc = smb3mc_all_info_take(tcon, call->req.rsp,
					  call->req.rsp_len, attrs);
	smb3mc_call_free(call);
	return rc;
}

/*
 * CREATE of @path and QUERY_INFO of FileAllInformation on the open it
 * makes, in one compound (MS-SMB2 3.2.4.1.4); @fid is left open.
 */
static int open_query_once(struct smb3mc_tcon *tcon, const char *path,
			   const struct smb3mc_open_args *args,
			   struct smb3mc_fid *fid,
			   struct smb3mc_file_attrs *attrs, bool *opened)
{
	struct smb3mc_create_args ca;
	struct smb3mc_durable replay;
	struct smb3mc_compound *cpd;
	const struct smb3mc_req *query;
	size_t room;
	void *buf;
	int rc;

	memset(attrs, 0, sizeof(*attrs));
	open_setup(tcon, path, args, &ca, &replay);
	cpd = open_compound(path, &ca, SMB3MC_SMALL_REQ);
	if (IS_ERR(cpd))
		return PTR_ERR(cpd);
	buf = smb3mc_compound_room(cpd, &room);
	rc = smb3mc_compound_add(cpd,
				 smb3mc_build_query_info(buf, room,
							 &smb3mc_fid_related,
							 SMB2_0_INFO_FILE,
							 FileAllInformation,
							 SMB3MC_ALL_INFO_BUF,
							 0),
				 SMB3MC_ALL_INFO_BUF);
	if (!rc)
		rc = smb3mc_compound_send(tcon, cpd);
	if (!cpd->req[0].rsp || cpd->req[0].status != STATUS_SUCCESS)
		goto out;
	rc = open_take(tcon, path, args, &ca, &cpd->req[0], fid, attrs);
	if (rc)
		goto out;
	*opened = true;
	query = &cpd->req[1];
	rc = smb3mc_part_errno(query) ?:
	     smb3mc_all_info_agree(tcon, path, query->rsp, query->rsp_len,
				   attrs);
	if (rc)
		smb3mc_close(tcon, fid);
out:
	smb3mc_compound_free(cpd);
	return rc;
}

/**
 * smb3mc_open_query - open @path and read all its attributes
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @args: access, disposition and options, as for smb3mc_open()
 * @fid: set to the handle; closed again when this fails
 * @attrs: filled from FileAllInformation, which has the IndexNumber the
 *	CREATE response lacks (cleared first by each attempt)
 *
 * The CREATE response and FileAllInformation must agree on whether
 * @path is a directory, else the handle is closed and this fails with
 * -EIO: the type decides which operations an inode gets. A new session
 * meanwhile has it start again there (smb3mc_op_redo()), FILE_CREATE
 * turned FILE_OPEN once the lost session created the file.
 */
int smb3mc_open_query(struct smb3mc_tcon *tcon, const char *path,
		      const struct smb3mc_open_args *args,
		      struct smb3mc_fid *fid, struct smb3mc_file_attrs *attrs)
{
	struct smb3mc_open_args again;
	unsigned int gen, attempt = 0;
	bool opened = false;
	int rc;

	do {
		gen = smb3mc_share_gen(tcon);
		rc = open_query_once(tcon, path, args, fid, attrs, &opened);
		/* The file the lost session created is there: open it. */
		if (rc && opened && args->disposition == FILE_CREATE) {
			again = *args;
			again.disposition = FILE_OPEN;
			args = &again;
		}
	} while (smb3mc_op_redo(tcon, gen, ++attempt, rc));
	return rc;
}

static int statfs_once(struct smb3mc_tcon *tcon, struct smb3mc_fs_size *fs)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
		.options = FILE_DIRECTORY_FILE,
	};
	struct smb3mc_call *call;
	struct smb3mc_fid fid;
	const u8 *out;
	u32 out_len;
	int rc;

	rc = smb3mc_open(tcon, "", &args, &fid, NULL);
	if (rc)
		return rc;
	call = smb3mc_call_alloc(SMB3MC_SMALL_REQ);
	if (!call) {
		rc = -ENOMEM;
		goto close;
	}
	rc = call_send(tcon, call,
		       smb3mc_build_query_info(call->buf, SMB3MC_SMALL_REQ,
					       smb3mc_call_fid(call, tcon, &fid),
					       SMB2_0_INFO_FILESYSTEM,
					       FileFsFullSizeInformation,
					       SMB3MC_FS_FULL_SIZE_INFO_SIZE,
					       0),
		       SMB3MC_FS_FULL_SIZE_INFO_SIZE);
	if (!rc)
		rc = call_parsed(tcon, call,
				 smb3mc_parse_query_info(call->req.rsp,
							 call->req.rsp_len,
							 &out, &out_len) ?:
				 smb3mc_parse_fs_full_size_info(out, out_len,
								fs));
	smb3mc_call_free(call);
close:
	/* The answer is in, or it failed, whatever becomes of the CLOSE. */
	smb3mc_close(tcon, &fid);
	return rc;
}

/* FileFsFullSizeInformation of the share's root. */
int smb3mc_statfs(struct smb3mc_tcon *tcon, struct smb3mc_fs_size *fs)
{
	unsigned int gen, attempt = 0;
	int rc;

	do {
		gen = smb3mc_share_gen(tcon);
		rc = statfs_once(tcon, fs);
	} while (smb3mc_op_redo(tcon, gen, ++attempt, rc));
	return rc;
}

/**
 * smb3mc_share_info - what a mount shows of its session
 * @tcon: tree connect of the share
 * @info: filled here; its strings live as long as @tcon
 */
void smb3mc_share_info(const struct smb3mc_tcon *tcon,
		       struct smb3mc_share_info *info)
{
	const struct smb3mc_ses *ses = tcon->ses;

	info->dialect = ses->dialect;
	info->sign = ses->sign;
	info->seal = READ_ONCE(ses->encrypt);
	info->soft = ses->soft;
	info->soft_timeout = ses->soft_timeout / HZ;
	info->gcm256_only = ses->gcm256_only;
	/* 0 where the server offers no multichannel: one channel */
	info->max_channels = max(ses->max_chans, 1U);
	info->echo_interval = ses->echo_interval / HZ;
	info->username = ses->username;
	info->domain = ses->domain;
	info->addr = &ses->addr;
}
