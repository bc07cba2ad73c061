/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VFS glue shared by super.c, inode.c and dir.c. Nothing here sees PDU
 * bytes: it calls the operations in ops.h.
 */
#ifndef SMB3MC_FS_H
#define SMB3MC_FS_H

#include <linux/fs.h>
#include <linux/fs_context.h>

#include "compat.h"
#include "ops.h"

#define SMB3MC_SUPER_MAGIC	0x534d4233	/* "SMB3" */

/*
 * Largest single READ or WRITE the page cache issues (file.c). Capped
 * below what servers allow (Samba: 8 MiB) so that a readahead window or a
 * writeback run becomes several requests in flight, spread over the
 * channels.
 */
#define SMB3MC_IO_CHUNK		(1024 * 1024)
/* The mount's readahead window (super.c): eight chunks in flight. */
#define SMB3MC_RA_BYTES		(8 * SMB3MC_IO_CHUNK)
/* A writer that dirtied this much has it written while it goes on. */
#define SMB3MC_WB_BYTES		(4 * SMB3MC_IO_CHUNK)

/* One mount: its session, share and the owner/mode it presents. */
struct smb3mc_sb {
	struct smb3mc_ses *ses;
	struct smb3mc_tcon *tcon;
	kuid_t uid;
	kgid_t gid;
	umode_t file_mode;
	umode_t dir_mode;
	unsigned long actimeo;		/* jiffies */
};

struct smb3mc_inode {
	struct inode vfs_inode;
	u64 file_id;			/* the server's IndexNumber */
	u32 attributes;			/* FILE_ATTRIBUTE_* */
	unsigned long attr_time;	/* jiffies when attributes were read */
	/* Regular files: open handles, for writeback (file.c) */
	spinlock_t open_lock;
	struct list_head open_files;
	/* Write-behind (file.c): dirty data below @wb_end goes out now */
	struct work_struct wb_work;
	loff_t wb_end;
};

static inline struct smb3mc_sb *SMB3MC_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct smb3mc_inode *SMB3MC_I(struct inode *inode)
{
	return container_of(inode, struct smb3mc_inode, vfs_inode);
}

/* inode.c */
extern const struct inode_operations smb3mc_file_inode_ops;
struct inode *smb3mc_iget(struct super_block *sb,
			  const struct smb3mc_file_attrs *attrs);
int smb3mc_revalidate(struct dentry *dentry);
char *smb3mc_dentry_path(struct dentry *dentry, char **page);
int smb3mc_inode_cache_init(void);
void smb3mc_inode_cache_exit(void);
struct inode *smb3mc_alloc_inode(struct super_block *sb);
void smb3mc_free_inode(struct inode *inode);
int smb3mc_getattr(SMB3MC_IDMAP idmap, const struct path *path,
		   struct kstat *stat, u32 request_mask, unsigned int flags);

/*
 * The client changed @inode on the server: the next getattr or
 * d_revalidate reads its attributes again instead of trusting the cache.
 */
static inline void smb3mc_attr_stale(struct inode *inode)
{
	SMB3MC_I(inode)->attr_time = jiffies -
				     SMB3MC_SB(inode->i_sb)->actimeo - 1;
}

/* namei.c */
extern const struct inode_operations smb3mc_dir_inode_ops;
int smb3mc_setattr(SMB3MC_IDMAP idmap, struct dentry *dentry,
		   struct iattr *attr);

/* dir.c */
extern const struct file_operations smb3mc_dir_ops;
extern const struct dentry_operations smb3mc_dentry_ops;

/* super.c */
extern struct file_system_type smb3mc_fs_type;

/* file.c */
extern const struct file_operations smb3mc_file_ops;
extern const struct address_space_operations smb3mc_file_aops;
void smb3mc_file_inode_init(struct inode *inode);
void smb3mc_evict_inode(struct inode *inode);
void smb3mc_file_server_size(struct inode *inode, loff_t size,
			     bool mtime_changed);
int smb3mc_file_flush_range(struct inode *inode, loff_t start, loff_t end);
u32 smb3mc_file_access(const struct file *file);
int smb3mc_file_open_created(struct file *file, struct dentry *dentry,
			     struct smb3mc_tcon *tcon,
			     const struct smb3mc_fid *fid);
struct smb3mc_fh;
struct smb3mc_fh *smb3mc_fh_get_writable(struct inode *inode,
					 struct file *file);
const struct smb3mc_fid *smb3mc_fh_fid(const struct smb3mc_fh *fh);
void smb3mc_fh_put(struct smb3mc_fh *fh);

#endif /* SMB3MC_FS_H */
