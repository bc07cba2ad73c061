// SPDX-License-Identifier: GPL-2.0
/*
 * Namespace and attribute operations over SMB2: CREATE with FILE_CREATE,
 * and SET_INFO (MS-SMB2 2.2.39) of FileDispositionInformation,
 * FileRenameInformation, FileLinkInformation, FileBasicInformation and
 * FileEndOfFileInformation on a handle opened for just that purpose, or
 * for the last two on a handle the caller holds open.
 */

#include <linux/slab.h>

#include "ops_ns.h"
#include "session.h"
#include "unicode.h"

static int ns_send(struct smb3mc_tcon *tcon, struct smb3mc_call *call,
		   int len)
{
	int rc;

	rc = smb3mc_call_send(tcon->ses, tcon, call, len, 0);
	if (!rc && smb3mc_parse_set_info(call->req.rsp, call->req.rsp_len))
		rc = smb3mc_rsp_refuse(tcon->ses, SMB2_SET_INFO, "malformed");
	return rc;
}

/*
 * The builders of this file build one SET_INFO request on a FileId,
 * setting what their @arg points to (smb3mc_path_build_fn).
 */
static int ns_set_info_fid(struct smb3mc_tcon *tcon,
			   const struct smb3mc_fid *fid,
			   smb3mc_path_build_fn build, const void *arg)
{
	struct smb3mc_call *call = smb3mc_call_alloc(SMB3MC_SMALL_REQ);
	int rc;

	if (!call)
		return -ENOMEM;
	rc = ns_send(tcon, call, build(call->buf, SMB3MC_SMALL_REQ,
				       smb3mc_call_fid(call, tcon, fid), arg));
	smb3mc_call_free(call);
	return rc;
}

static int build_delete(void *buf, size_t size, const struct smb3mc_fid *fid,
			const void *arg)
{
	return smb3mc_build_set_disposition(buf, size, fid, true);
}

static int build_basic(void *buf, size_t size, const struct smb3mc_fid *fid,
		       const void *arg)
{
	return smb3mc_build_set_basic(buf, size, fid, arg);
}

static int build_eof(void *buf, size_t size, const struct smb3mc_fid *fid,
		     const void *arg)
{
	return smb3mc_build_set_eof(buf, size, fid, *(const u64 *)arg);
}

/*
 * One SET_INFO (MS-SMB2 2.2.39) on @fid when the caller has the file
 * open, else on @path opened with @args for just this call, in one
 * compound (smb3mc_path_set_info()). An open handle is the only way to
 * a file unlinked while open: the server keeps it delete-pending and
 * refuses to open its name (MS-FSA 2.1.5.1).
 *
 * A name to remove that is gone when the compound went out again, its
 * connection or session lost, was removed: the server ran it before.
 */
static int ns_set_info(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_fid *fid,
		       const struct smb3mc_open_args *args,
		       smb3mc_path_build_fn build, const void *arg)
{
	bool again;
	int rc;

	if (fid)
		return ns_set_info_fid(tcon, fid, build, arg);
	rc = smb3mc_path_set_info(tcon, path, args, build, arg,
				  SMB3MC_SMALL_REQ, &again);
	if (rc == -ENOENT && again && build == build_delete)
		rc = 0;
	return rc;
}

/**
 * smb3mc_ns_create - create a file or directory that must not exist yet
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @is_dir: mkdir rather than create
 * @access: DesiredAccess beyond reading and writing attributes, for a
 *	handle the caller keeps
 * @attributes: FILE_ATTRIBUTE_* of the new file (0: the server's default)
 * @fid: NULL to close the new file, else set to its open handle
 * @lease: the lease to ask for with @fid, as smb3mc_open() does, or NULL
 * @attrs: zeroed by the caller; filled with the new file's attributes,
 *	including its IndexNumber, which the CREATE response lacks
 *
 * A server that answers with a directory for a file, or with a file for
 * a directory, gets its handle closed and the create fails with -EIO.
 *
 * FILE_CREATE fails with STATUS_OBJECT_NAME_COLLISION (-EEXIST) when the
 * name exists (MS-SMB2 2.2.13), so O_EXCL needs no extra round trip. The
 * access is granted even with FILE_ATTRIBUTE_READONLY in @attributes: the
 * attribute refuses write access only to opens of an existing file
 * (MS-FSA 2.1.5.1.2).
 */
int smb3mc_ns_create(struct smb3mc_tcon *tcon, const char *path, bool is_dir,
		     u32 access, u32 attributes, struct smb3mc_fid *fid,
		     struct smb3mc_open_lease *lease,
		     struct smb3mc_file_attrs *attrs)
{
	/*
	 * FILE_WRITE_ATTRIBUTES: a read-only share then refuses with
	 * STATUS_ACCESS_DENIED; asked for read access only, Samba tries to
	 * open the name without creating it and says it is not found.
	 */
	struct smb3mc_open_args args = {
		.access = access | FILE_READ_ATTRIBUTES |
			  FILE_WRITE_ATTRIBUTES,
		.disposition = FILE_CREATE,
		.options = is_dir ? FILE_DIRECTORY_FILE :
				    FILE_NON_DIRECTORY_FILE,
		.attributes = attributes,
		.lease = lease,
	};
	struct smb3mc_fid opened;
	int rc;

	rc = smb3mc_open_query(tcon, path, &args, &opened, attrs);
	if (rc)
		return rc;
	/*
	 * Created: a CLOSE that fails, as one does when the session went
	 * with the open, takes nothing back.
	 */
	if (fid)
		*fid = opened;
	else
		smb3mc_close(tcon, &opened);
	return 0;
}

/**
 * smb3mc_ns_delete - unlink a file or remove an empty directory
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @is_dir: rmdir: the server refuses a file (and unlink a directory)
 *
 * Sets DeletePending with FileDispositionInformation (MS-FSCC 2.4.11)
 * rather than opening with FILE_DELETE_ON_CLOSE: the server checks a
 * directory for emptiness at SET_INFO time and answers
 * STATUS_DIRECTORY_NOT_EMPTY there, so rmdir gets its error (MS-FSA,
 * setting FileDispositionInformation). Other opens of the file keep
 * working; the server removes the name when the last of them is closed.
 */
int smb3mc_ns_delete(struct smb3mc_tcon *tcon, const char *path, bool is_dir)
{
	struct smb3mc_open_args args = {
		.access = DELETE | FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
		.options = is_dir ? FILE_DIRECTORY_FILE :
				    FILE_NON_DIRECTORY_FILE,
	};

	return ns_set_info(tcon, path, NULL, &args, build_delete, NULL);
}

/* The target of a rename or link, and how to set it. */
struct ns_name {
	const __le16 *name;
	int len;
	bool link;
	bool replace;
};

/* The SET_INFO of FileLinkInformation or FileRenameInformation. */
static int build_name(void *buf, size_t size, const struct smb3mc_fid *fid,
		      const void *arg)
{
	const struct ns_name *n = arg;

	if (n->link)
		return smb3mc_build_set_link(buf, size, fid, n->name, n->len,
					     n->replace);
	return smb3mc_build_set_rename(buf, size, fid, n->name, n->len,
				       n->replace);
}

/* Whether @from and @to name one file, by its IndexNumber. */
static bool ns_same_file(struct smb3mc_tcon *tcon, const char *from,
			 const char *to)
{
	struct smb3mc_file_attrs a = {}, b = {};

	return !smb3mc_query_path(tcon, from, &a) &&
	       !smb3mc_query_path(tcon, to, &b) &&
	       a.index_number && a.index_number == b.index_number;
}

/*
 * Open @from with @access and set FileRenameInformation or
 * FileLinkInformation (their SMB2 variant, MS-FSCC 2.4.27.2 and the
 * FileRenameInformation section) naming @to, in one compound
 * (smb3mc_path_set_info()). Where it went out more than once, its
 * connection or session lost, a rename whose source is gone while @to
 * is there was done; so was a link whose @to is there as the same file.
 */
static int ns_set_name(struct smb3mc_tcon *tcon, const char *from,
		       const char *to, u32 access, bool link, bool replace)
{
	struct smb3mc_open_args args = {
		.access = access,
		.disposition = FILE_OPEN,
	};
	struct ns_name n = { .link = link, .replace = replace };
	struct smb3mc_file_attrs attrs = {};
	__le16 *name;
	bool again;
	int rc;

	name = kmalloc(SMB3MC_NAME_MAX, GFP_NOFS);
	if (!name)
		return -ENOMEM;
	rc = smb3mc_path_to_utf16(to, strlen(to), name, SMB3MC_NAME_MAX);
	if (rc < 0)
		goto out;
	n.name = name;
	n.len = rc;
	rc = smb3mc_path_set_info(tcon, from, &args, build_name, &n,
				  SMB3MC_SMALL_REQ + SMB3MC_NAME_MAX, &again);
	if (rc == -ENOENT && again && !link &&
	    !smb3mc_query_path(tcon, to, &attrs))
		rc = 0;
	if (rc == -EEXIST && again && link && ns_same_file(tcon, from, to))
		rc = 0;
out:
	kfree(name);
	return rc;
}

/**
 * smb3mc_ns_rename - rename @from to @to
 * @tcon: tree connect of the share
 * @from: UTF-8 path of a file or directory relative to the share root
 * @to: its new path
 * @replace: ReplaceIfExists; without it an existing @to fails the rename
 *	with STATUS_OBJECT_NAME_COLLISION (-EEXIST)
 *
 * Renaming needs DELETE access on the source (MS-FSA, setting
 * FileRenameInformation).
 */
int smb3mc_ns_rename(struct smb3mc_tcon *tcon, const char *from,
		     const char *to, bool replace)
{
	return ns_set_name(tcon, from, to, DELETE | FILE_READ_ATTRIBUTES,
			   false, replace);
}

/**
 * smb3mc_ns_link - make @to another name of the file @from
 * @tcon: tree connect of the share
 * @from: UTF-8 path of an existing file relative to the share root
 * @to: the new name, which must not exist
 *
 * A server or file system without hard links answers
 * STATUS_NOT_SUPPORTED or STATUS_INVALID_DEVICE_REQUEST (-EOPNOTSUPP).
 */
int smb3mc_ns_link(struct smb3mc_tcon *tcon, const char *from,
		   const char *to)
{
	return ns_set_name(tcon, from, to,
			   FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES,
			   true, false);
}

/**
 * smb3mc_ns_set_basic - set times and attributes of a file or directory
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root, opened when @fid is NULL
 * @fid: an open handle of the file with FILE_WRITE_ATTRIBUTES, or NULL
 * @basic: FileBasicInformation (MS-FSCC 2.4.7); 0 leaves a field as is
 */
int smb3mc_ns_set_basic(struct smb3mc_tcon *tcon, const char *path,
			const struct smb3mc_fid *fid,
			const struct smb3mc_set_basic *basic)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES,
		.disposition = FILE_OPEN,
	};

	return ns_set_info(tcon, path, fid, &args, build_basic, basic);
}

/**
 * smb3mc_ns_set_size - truncate or extend a file to @size bytes
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root, opened when @fid is NULL
 * @fid: an open handle of the file with FILE_WRITE_DATA, or NULL
 * @size: the new EndOfFile (MS-FSCC 2.4.14)
 *
 * Setting the end of file needs FILE_WRITE_DATA on the handle
 * (MS-FSA, setting FileEndOfFileInformation), so opening a read-only
 * file by its path refuses with -EACCES.
 */
int smb3mc_ns_set_size(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_fid *fid, u64 size)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_WRITE_DATA | FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
		.options = FILE_NON_DIRECTORY_FILE,
	};

	return ns_set_info(tcon, path, fid, &args, build_eof, &size);
}
