// SPDX-License-Identifier: GPL-2.0
/*
 * A path opened for one request only: the CREATE, the request on what it
 * opens and the CLOSE go in one compound (MS-SMB2 3.2.4.1.4), one round
 * trip where there were three. The server runs the compound's requests in
 * order on the open its CREATE made, and fails them all when the CREATE
 * fails (3.3.5.2.7.2).
 */

#include "nterr.h"
#include "ops.h"
#include "session.h"

/*
 * Close what @cpd opens, send it and check the CREATE's answer, whose
 * attributes go to @attrs. Returns 0 when the CREATE opened @path as
 * @args asked; the status of the request after it is the caller's.
 */
static int path_send(struct smb3mc_tcon *tcon, const char *path,
		     const struct smb3mc_open_args *args,
		     struct smb3mc_compound *cpd,
		     struct smb3mc_file_attrs *attrs)
{
	const struct smb3mc_req *create = &cpd->req[0], *close;
	struct smb3mc_create_rsp cr = {};
	size_t room;
	void *buf;
	int rc;

	buf = smb3mc_compound_room(cpd, &room);
	rc = smb3mc_compound_add(cpd, smb3mc_build_close(buf, room,
							 &smb3mc_fid_related,
							 false), 0);
	if (rc)
		return rc;
	close = &cpd->req[cpd->n - 1];
	rc = smb3mc_compound_send(tcon, cpd);
	if (!create->rsp || create->status != STATUS_SUCCESS)
		return rc;
	if (smb3mc_parse_create(create->rsp, create->rsp_len, &cr))
		return smb3mc_rsp_refuse(tcon->ses, SMB2_CREATE, "malformed");
	/*
	 * A server that ran the CREATE but not the CLOSE, or whose answer
	 * to it was lost, would keep the open until the session ends:
	 * closed by its FileId.
	 */
	if (!close->rsp || (close->status != STATUS_SUCCESS &&
			    close->status != STATUS_FILE_CLOSED)) {
		cr.fid.gen = create->fid_gen;
		smb3mc_close(tcon, &cr.fid);
	}
	if ((args->options & FILE_DIRECTORY_FILE && !cr.attrs.is_dir) ||
	    (args->options & FILE_NON_DIRECTORY_FILE && cr.attrs.is_dir))
		return smb3mc_type_refuse(tcon, path, "asked for",
					  !cr.attrs.is_dir,
					  "the server answered",
					  cr.attrs.is_dir);
	*attrs = cr.attrs;
	return smb3mc_attrs_take(tcon, SMB2_CREATE, attrs);
}

/*
 * What the answer to the request after the CREATE gives: taken by the
 * caller's function, with the attributes the CREATE answered.
 */
typedef int (*path_take_fn)(struct smb3mc_tcon *tcon, const char *path,
			    const struct smb3mc_file_attrs *opened,
			    const struct smb3mc_req *req, void *out);

struct path_step {
	smb3mc_path_build_fn build;
	const void *arg;
	size_t size;			/* room the request may take */
	size_t payload;			/* of the request */
	path_take_fn take;
	void *out;			/* for @take */
};

static int path_run_once(struct smb3mc_tcon *tcon, const char *path,
			 const struct smb3mc_open_args *args,
			 const struct path_step *step, bool *again)
{
	struct smb3mc_file_attrs opened;
	struct smb3mc_compound *cpd;
	size_t room;
	void *buf;
	int rc;

	/* The CREATE, the request and the CLOSE */
	cpd = smb3mc_open_compound(path, args,
				   step->size + SMB3MC_SMALL_REQ);
	if (IS_ERR(cpd))
		return PTR_ERR(cpd);
	buf = smb3mc_compound_room(cpd, &room);
	rc = smb3mc_compound_add(cpd, step->build(buf, room,
						  &smb3mc_fid_related,
						  step->arg),
				 step->payload);
	if (!rc)
		rc = path_send(tcon, path, args, cpd, &opened);
	if (!rc)
		rc = smb3mc_part_errno(&cpd->req[1]);
	if (!rc)
		rc = step->take(tcon, path, &opened, &cpd->req[1], step->out);
	if (cpd->req[0].resends)
		*again = true;
	smb3mc_compound_free(cpd);
	return rc;
}

/*
 * Open @path with @args, run @step on it and close it, in one compound,
 * which goes out again whole where its channel was lost, or in a new
 * session (smb3mc_ses_call_compound()). A new session that the compound
 * outlived has it start again there (smb3mc_op_redo()). Sets *@again
 * when it went out more than once: the server may have run it already.
 */
static int path_run(struct smb3mc_tcon *tcon, const char *path,
		    const struct smb3mc_open_args *args,
		    const struct path_step *step, bool *again)
{
	unsigned int gen, attempt = 0;
	int rc;

	*again = false;
	for (;;) {
		gen = smb3mc_share_gen(tcon);
		rc = path_run_once(tcon, path, args, step, again);
		if (!smb3mc_op_redo(tcon, gen, ++attempt, rc))
			return rc;
		*again = true;
	}
}

static int take_set_info(struct smb3mc_tcon *tcon, const char *path,
			 const struct smb3mc_file_attrs *opened,
			 const struct smb3mc_req *req, void *out)
{
	if (smb3mc_parse_set_info(req->rsp, req->rsp_len))
		return smb3mc_rsp_refuse(tcon->ses, SMB2_SET_INFO,
					 "malformed");
	return 0;
}

/**
 * smb3mc_path_set_info - open @path, send one SET_INFO on it and close
 *	it, in one compound
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @args: access, disposition and options of the open; no lease
 * @build: builds the SET_INFO, on the FileId it is given
 * @arg: for @build
 * @size: the room the SET_INFO may take
 * @again: set when the compound went out more than once, its connection
 *	or session lost: the server may have run it already
 *
 * Return: 0, or the errno of the first of the CREATE and the SET_INFO
 * that failed; -EIO when the server answered with a directory for a file
 * or the other way round (the SET_INFO ran all the same).
 */
int smb3mc_path_set_info(struct smb3mc_tcon *tcon, const char *path,
			 const struct smb3mc_open_args *args,
			 smb3mc_path_build_fn build, const void *arg,
			 size_t size, bool *again)
{
	const struct path_step step = {
		.build = build,
		.arg = arg,
		.size = size,
		.take = take_set_info,
	};

	return path_run(tcon, path, args, &step, again);
}

static int build_all_info(void *buf, size_t size,
			  const struct smb3mc_fid *fid, const void *arg)
{
	return smb3mc_build_query_info(buf, size, fid, SMB2_0_INFO_FILE,
				       FileAllInformation, SMB3MC_ALL_INFO_BUF,
				       0);
}

/* FileAllInformation, which must agree with the CREATE on the type. */
static int take_all_info(struct smb3mc_tcon *tcon, const char *path,
			 const struct smb3mc_file_attrs *opened,
			 const struct smb3mc_req *req, void *out)
{
	struct smb3mc_file_attrs *attrs = out;

	*attrs = *opened;
	return smb3mc_all_info_agree(tcon, path, req->rsp, req->rsp_len,
				     attrs);
}

/**
 * smb3mc_query_path - attributes of @path, without keeping it open
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @attrs: filled from FileAllInformation, which has the IndexNumber the
 *	CREATE response lacks
 *
 * The CREATE response and FileAllInformation must agree on whether @path
 * is a directory, else this fails with -EIO: the type decides which
 * operations an inode gets.
 */
int smb3mc_query_path(struct smb3mc_tcon *tcon, const char *path,
		      struct smb3mc_file_attrs *attrs)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
	};
	const struct path_step step = {
		.build = build_all_info,
		.size = SMB3MC_SMALL_REQ,
		.payload = SMB3MC_ALL_INFO_BUF,
		.take = take_all_info,
		.out = attrs,
	};
	bool again;

	return path_run(tcon, path, &args, &step, &again);
}
