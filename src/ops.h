/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File operations as C calls: each builds its PDUs, sends them on a
 * channel the session picks and returns a kernel errno. The VFS layer
 * above sees paths and attributes, never PDU bytes.
 */
#ifndef SMB3MC_OPS_H
#define SMB3MC_OPS_H

#include "pdu_file.h"
#include "session.h"

/* What smb3mc_open() asks of the server. */
struct smb3mc_open_args {
	u32 access;		/* DesiredAccess */
	u32 disposition;	/* FILE_OPEN, FILE_CREATE, ... */
	u32 options;		/* FILE_DIRECTORY_FILE, ... */
	u32 attributes;		/* for a file being created */
};

/* One QUERY_DIRECTORY response, iterated in place. */
struct smb3mc_dir_batch {
	void *rsp;
	struct smb3mc_dir_iter it;
};

int smb3mc_open(struct smb3mc_tcon *tcon, const char *path,
		const struct smb3mc_open_args *args, struct smb3mc_fid *fid,
		struct smb3mc_file_attrs *attrs);
int smb3mc_close(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid);
int smb3mc_query_attrs(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_file_attrs *attrs);
int smb3mc_query_path(struct smb3mc_tcon *tcon, const char *path,
		      struct smb3mc_file_attrs *attrs);
int smb3mc_query_dir(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     bool restart, struct smb3mc_dir_batch *batch);
void smb3mc_dir_batch_free(struct smb3mc_dir_batch *batch);
int smb3mc_statfs(struct smb3mc_tcon *tcon, struct smb3mc_fs_size *fs);

#endif /* SMB3MC_OPS_H */
