/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels smb3mc builds for (Debian 12's 6.1
 * and 6.12) lives here, so the rest of the code reads like mainline code
 * of the newest one. Version checks appear nowhere else.
 */
#ifndef SMB3MC_COMPAT_H
#define SMB3MC_COMPAT_H

#include <linux/fs.h>
#include <linux/stat.h>
#include <linux/version.h>

/* 6.3 passes an idmap, not a user namespace, to inode operations. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define SMB3MC_IDMAP		struct mnt_idmap *
#else
#define SMB3MC_IDMAP		struct user_namespace *
#endif

/* 6.6 gave generic_fillattr() the request mask. */
static inline void smb3mc_fillattr(SMB3MC_IDMAP idmap, u32 request_mask,
				   struct inode *inode, struct kstat *stat)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	generic_fillattr(idmap, request_mask, inode, stat);
#else
	generic_fillattr(idmap, inode, stat);
#endif
}

/* 6.6 hid i_ctime and 6.7 i_atime/i_mtime behind accessors. */
static inline void smb3mc_inode_set_times(struct inode *inode,
					  struct timespec64 atime,
					  struct timespec64 mtime,
					  struct timespec64 ctime)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	inode_set_atime_to_ts(inode, atime);
	inode_set_mtime_to_ts(inode, mtime);
	inode_set_ctime_to_ts(inode, ctime);
#else
	inode->i_atime = atime;
	inode->i_mtime = mtime;
	inode->i_ctime = ctime;
#endif
}

#endif /* SMB3MC_COMPAT_H */
