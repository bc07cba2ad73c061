/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Namespace and attribute operations as C calls: create, delete, rename,
 * link, set basic information and set size. Each opens the path it works
 * on, sends what it needs and closes it again, and returns a kernel errno;
 * create can leave the new file open for the caller, and the last two use
 * the caller's open handle instead when given one.
 */
#ifndef SMB3MC_OPS_NS_H
#define SMB3MC_OPS_NS_H

#include "ops.h"

int smb3mc_ns_create(struct smb3mc_tcon *tcon, const char *path, bool is_dir,
		     u32 access, u32 attributes, struct smb3mc_fid *fid,
		     struct smb3mc_open_lease *lease,
		     struct smb3mc_file_attrs *attrs);
int smb3mc_ns_delete(struct smb3mc_tcon *tcon, const char *path, bool is_dir);
int smb3mc_ns_rename(struct smb3mc_tcon *tcon, const char *from,
		     const char *to, bool replace);
int smb3mc_ns_link(struct smb3mc_tcon *tcon, const char *from,
		   const char *to);
int smb3mc_ns_set_basic(struct smb3mc_tcon *tcon, const char *path,
			const struct smb3mc_fid *fid,
			const struct smb3mc_set_basic *basic);
int smb3mc_ns_set_size(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_fid *fid, u64 size);

#endif /* SMB3MC_OPS_NS_H */
