/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFS side: super block, inodes, directories, regular files and
 * their page cache. Nothing here sees PDU bytes or the session: it calls
 * the operations in ops.h, ops_io.h and ops_ns.h.
 */
#ifndef SMB3MC_FS_H
#define SMB3MC_FS_H

#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/hashtable.h>
#include <linux/llist.h>
#include <linux/refcount.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>

#include "compat.h"
#include "ops.h"

#define SMB3MC_SUPER_MAGIC	0x534d4233	/* "SMB3" */

/* One mount: its session, share and the owner/mode it presents. */
struct smb3mc_sb {
	struct smb3mc_ses *ses;
	struct smb3mc_tcon *tcon;
	kuid_t uid;
	kgid_t gid;
	umode_t file_mode;
	umode_t dir_mode;
	unsigned long actimeo;		/* jiffies */
	bool nobrl;			/* byte-range locks stay local */
	bool nolease;			/* ask for no lease */
	unsigned long closetimeo;	/* jiffies a last close keeps its handle */
	/* Files whose last close kept their handle (lease.c) */
	spinlock_t kept_lock;
	struct list_head kept;
	/* Read-held while a kept handle is closed (lease.c) */
	struct rw_semaphore kept_closing;
	/*
	 * Regular files by lease key, and the open(O_CREAT)s whose new file
	 * has no inode yet, for the breaks (lease.c)
	 */
	spinlock_t lease_lock;
	DECLARE_HASHTABLE(leases, 6);
	struct list_head lease_creates;
	struct workqueue_struct *lease_wq;
	/* Handles whose last reference a WRITE's end dropped (fh.c) */
	struct llist_head fh_closing;
	struct work_struct fh_close_work;
	spinlock_t fs_size_lock;
	struct smb3mc_fs_size fs_size;	/* the server's last statfs answer */
	/* Changes of files on the server this client made or learned of */
	atomic64_t changes;
};

struct smb3mc_inode {
	struct inode vfs_inode;
	u64 file_id;			/* the server's IndexNumber */
	u32 attributes;			/* FILE_ATTRIBUTE_* */
	unsigned long attr_time;	/* jiffies when attributes were read */
	u64 changed;			/* smb3mc_sb.changes at its last change */
	/* O_DIRECT and uncached transfers not ended (direct.c) */
	atomic_t dio_count;
	/*
	 * Directories: the last complete listing, and the count of this
	 * client's changes in it (dir_cache.c). Under i_lock. The work
	 * frees the listing once it is past actimeo.
	 */
	struct smb3mc_dir_cache *dir_cache;
	unsigned int dir_gen;
	struct delayed_work dir_cache_work;
	/* Regular files: open handles, for writeback (fh.c) */
	spinlock_t open_lock;
	struct list_head open_files;
	/* Regular files: the byte-range locks held on the server (file_lock.c) */
	struct mutex lock_mutex;
	struct list_head locks;
	/* Write-behind (aops.c): dirty data below @wb_end goes out now */
	struct work_struct wb_work;
	loff_t wb_end;
	/*
	 * Regular files: the lease on the file (lease.c), one key for all
	 * its opens; and the break to handle. Under the mount's lease_lock.
	 */
	struct hlist_node lease_node;	/* on the mount's table, by key */
	bool lease_hashed;
	struct smb3mc_lease lease;
	bool lease_valid;		/* @lease is in force */
	bool lease_early;		/* ... by a break before its grant */
	unsigned int lease_gen;		/* in this session (smb3mc_share_gen) */
	unsigned int lease_opens;	/* opens asking for it, not yet ended */
	struct smb3mc_lease_break lease_brk;
	bool lease_brk_pending;
	bool lease_brk_awaited;		/* came while lease_opens was not 0 */
	struct work_struct lease_work;
	/* Read-held by a write into the page cache under write caching */
	struct rw_semaphore lease_write_sem;
	/*
	 * Regular files: the handle of the last close, kept open for the
	 * next open while the lease caches handles (lease.c), and the
	 * work closing it after closetimeo. Under the mount's kept_lock,
	 * and on its kept list while set.
	 */
	struct smb3mc_fh *kept_fh;
	struct list_head kept_node;
	struct delayed_work kept_work;
};

/*
 * The lease of an open(O_CREAT) (lease.c): until the new file's inode
 * takes it, a break of it is kept here.
 */
struct smb3mc_lease_create {
	struct list_head node;		/* on the mount's lease_creates */
	struct smb3mc_open_lease ol;
	struct smb3mc_lease_break brk;
	bool brk_pending;
};

static inline struct smb3mc_sb *SMB3MC_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct smb3mc_inode *SMB3MC_I(struct inode *inode)
{
	return container_of(inode, struct smb3mc_inode, vfs_inode);
}

/*
 * One open SMB handle of a regular file (fh.c): every open file has its
 * own, with the access its open flags ask for (MS-SMB2 3.2.4.3).
 */
struct smb3mc_fh {
	struct list_head list;		/* on smb3mc_inode.open_files */
	refcount_t ref;
	struct smb3mc_tcon *tcon;
	/* A new session, after the server lost the old, replaces it. */
	struct smb3mc_fid fid;
	struct smb3mc_open *kept;	/* for that, see smb3mc_handle_keep() */
	u32 access;			/* GENERIC_READ | GENERIC_WRITE */
	/* An UNLOCK failed: the server may hold a lock until the CLOSE. */
	bool lock_left;
	struct llist_node close_node;	/* on smb3mc_sb.fh_closing */
};

/*
 * The task exits of a signal, and no signal wakes it from a wait any
 * more: get_signal() took the SIGKILL. (Not the other threads of an
 * exit_group(), whose exit code has no signal in it.)
 */
static inline bool smb3mc_dying(void)
{
	return current->flags & PF_EXITING &&
	       current->signal->group_exit_code & 0x7f;
}

/*
 * When a request about a file was sent (smb3mc_asked_now()):
 * smb3mc_inode_update() refuses an answer older than the file's last
 * change.
 */
struct smb3mc_asked {
	u64 changes;		/* smb3mc_sb.changes then */
	bool listed;		/* by a listing, ... */
	unsigned long time;	/* ... at these jiffies */
};

/* Noted before a request about a file is sent. */
static inline struct smb3mc_asked smb3mc_asked_now(struct super_block *sb)
{
	return (struct smb3mc_asked){
		.changes = atomic64_read(&SMB3MC_SB(sb)->changes),
	};
}

/*
 * The client changed @inode on the server, or learned that it changed:
 * an answer asked for before is older than the change, and is not taken
 * (smb3mc_inode_update()). Called once the change is done; for a change
 * of the size, under the inode lock; before a change of the link count
 * this client makes itself. Under i_lock, so that the count of a later
 * change is not overwritten by an earlier one's, and an answer's link
 * count is taken under it (smb3mc_inode_server_nlink()).
 */
static inline void smb3mc_changed(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	SMB3MC_I(inode)->changed =
		atomic64_inc_return(&SMB3MC_SB(inode->i_sb)->changes);
	spin_unlock(&inode->i_lock);
}

/*
 * The next getattr or d_revalidate reads @inode's attributes again
 * instead of trusting the cache.
 */
static inline void smb3mc_attr_expire(struct inode *inode)
{
	SMB3MC_I(inode)->attr_time = jiffies -
				     SMB3MC_SB(inode->i_sb)->actimeo - 1;
}

/* As smb3mc_changed(), and smb3mc_attr_expire(). */
static inline void smb3mc_attr_stale(struct inode *inode)
{
	smb3mc_changed(inode);
	smb3mc_attr_expire(inode);
}

/*
 * The inode number of a file the server gives no file id (MS-FSCC 2.1.9):
 * one not in use on @sb, and never 0, which readdir(3) may skip.
 */
static inline unsigned long smb3mc_local_ino(struct super_block *sb)
{
	return iunique(sb, 1);
}

/*
 * The VFS files, each calling only those listed below it:
 *
 *   super.c   mount, super_operations
 *   dir.c     listing, which fills the dcache, and dentry revalidation
 *   namei.c   lookup and the namespace operations; smb3mc_iget()
 *   file.c    file_operations of regular files
 *   aops.c    address_space_operations, write-behind
 *   direct.c  O_DIRECT, and writes without write caching
 *   inode.c   attributes: cache, revalidate, getattr, setattr
 *   file_lock.c  byte-range locks: ->lock and ->flock
 *   lease.c   leases: asking, holding, breaks, handles kept
 *   writeback.c  writing a range back and waiting for it
 *   fh.c      open handles
 *   dir_cache.c  listings kept for actimeo
 */

/* dir.c */
extern const struct file_operations smb3mc_dir_ops;
extern const struct dentry_operations smb3mc_dentry_ops;

/* namei.c */
extern const struct inode_operations smb3mc_dir_inode_ops;
struct inode *smb3mc_iget(struct super_block *sb,
			  const struct smb3mc_file_attrs *attrs,
			  const struct smb3mc_asked *asked);

/* file.c */
extern const struct file_operations smb3mc_file_ops;
void smb3mc_file_inode_init(struct inode *inode);
int smb3mc_file_open_created(struct file *file, struct dentry *dentry,
			     struct smb3mc_tcon *tcon,
			     const struct smb3mc_fid *fid,
			     struct smb3mc_open_lease *lease);

/* file_lock.c */
int smb3mc_file_lock(struct file *file, int cmd, struct file_lock *fl);
int smb3mc_file_flock(struct file *file, int cmd, struct file_lock *fl);
bool smb3mc_locks_drop(struct inode *inode, struct smb3mc_fh *fh);
struct smb3mc_fh *smb3mc_locks_writer(struct inode *inode, loff_t pos,
				      size_t len);

/* inode.c */
extern const struct inode_operations smb3mc_file_inode_ops;
int smb3mc_inode_cache_init(void);
void smb3mc_inode_cache_exit(void);
struct inode *smb3mc_alloc_inode(struct super_block *sb);
void smb3mc_free_inode(struct inode *inode);
void smb3mc_evict_inode(struct inode *inode);
struct inode *smb3mc_inode_get(struct super_block *sb,
			       const struct smb3mc_file_attrs *attrs,
			       const struct smb3mc_asked *asked);
int smb3mc_revalidate(struct dentry *dentry);
void smb3mc_inode_refresh(struct inode *inode,
			  const struct smb3mc_file_attrs *a,
			  const struct smb3mc_asked *asked);
char *smb3mc_dentry_path(struct dentry *dentry, char **page);
int smb3mc_dentry_attrs(struct dentry *dentry, struct smb3mc_file_attrs *attrs);
u32 smb3mc_mode_to_attributes(u32 attributes, umode_t mode);
int smb3mc_getattr(struct mnt_idmap *idmap, const struct path *path,
		   struct kstat *stat, u32 request_mask, unsigned int flags);
int smb3mc_dio_wait(struct inode *inode);
int smb3mc_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
		   struct iattr *attr);

/* lease.c */
int smb3mc_leases_init(struct super_block *sb);
void smb3mc_leases_exit(struct super_block *sb);
void smb3mc_lease_inode_init(struct inode *inode);
void smb3mc_lease_evict(struct inode *inode);
struct smb3mc_open_lease *smb3mc_lease_want(struct inode *inode,
					    struct smb3mc_open_lease *ol);
void smb3mc_lease_open_end(struct inode *inode,
			   const struct smb3mc_open_lease *ol, bool opened);
struct smb3mc_open_lease *
smb3mc_lease_create_begin(struct super_block *sb,
			  struct smb3mc_lease_create *lc);
void smb3mc_lease_create_end(struct super_block *sb,
			     struct smb3mc_lease_create *lc,
			     struct inode *inode);
void smb3mc_lease_closed(struct inode *inode);
void smb3mc_lease_create_failed(struct inode *inode);
bool smb3mc_lease_caches(struct inode *inode, u32 state);
bool smb3mc_lease_uncached(struct inode *inode);
int smb3mc_lease_write_begin(struct inode *inode);
void smb3mc_lease_write_end(struct inode *inode);
bool smb3mc_lease_release_handle(struct inode *inode, struct smb3mc_fh *fh,
				 bool may_keep);
bool smb3mc_lease_take_handle(struct inode *inode, struct file *file,
			      u32 access);
bool smb3mc_lease_handle(struct inode *inode, u32 access);
bool smb3mc_lease_close_kept(struct inode *inode);
void smb3mc_lease_close_all_kept(struct super_block *sb);
int smb3mc_lease_kept_closed(struct super_block *sb);

/* aops.c */
void smb3mc_aops_init(struct inode *inode);
void smb3mc_write_behind(struct inode *inode, loff_t start, loff_t end);
void smb3mc_isize_extended(struct inode *inode, loff_t from, loff_t to);

/* writeback.c */
int smb3mc_writeback_range(struct inode *inode, loff_t start, loff_t end);
int smb3mc_write_and_wait_range(struct inode *inode, loff_t start,
				loff_t end);
int smb3mc_write_and_wait(struct inode *inode);

/* direct.c */
ssize_t smb3mc_direct_read(struct kiocb *iocb, struct iov_iter *to);
ssize_t smb3mc_direct_write(struct kiocb *iocb, struct iov_iter *from);

/* fh.c */
u32 smb3mc_file_access(const struct file *file);
struct smb3mc_fh *smb3mc_fh_get(struct inode *inode, struct file *file,
				u32 access);
void smb3mc_fh_put(struct smb3mc_fh *fh);
void smb3mc_fh_put_soon(struct inode *inode, struct smb3mc_fh *fh);
void smb3mc_fh_sb_init(struct smb3mc_sb *sbi);
void smb3mc_fh_sb_exit(struct smb3mc_sb *sbi);
void smb3mc_fh_add(struct inode *inode, struct file *file,
		   struct smb3mc_fh *fh);
bool smb3mc_fh_del(struct inode *inode, struct smb3mc_fh *fh);
bool smb3mc_fh_open(struct inode *inode, u32 access);
void smb3mc_fh_renamed(struct inode *inode, const char *path);

/* dir_cache.c */
struct smb3mc_dir_cache;
/* Where a listing from memory stands. */
struct smb3mc_dir_cursor {
	struct smb3mc_dir_cache *dc;
	loff_t pos;			/* of the entry at @off */
	size_t off;
};
struct smb3mc_dir_cache *smb3mc_dir_cache_begin(struct inode *dir,
						unsigned long asked);
bool smb3mc_dir_cache_add(struct smb3mc_dir_cache *dc, const char *name,
			  int len, u64 ino, unsigned int type);
void smb3mc_dir_cache_end(struct inode *dir, struct smb3mc_dir_cache *dc,
			  bool complete);
void smb3mc_dir_cache_get(struct inode *dir, struct smb3mc_dir_cursor *cur);
void smb3mc_dir_cache_emit(struct smb3mc_dir_cursor *cur,
			   struct dir_context *ctx);
void smb3mc_dir_cache_release(struct smb3mc_dir_cursor *cur);
void smb3mc_dir_changed(struct inode *dir);
void smb3mc_dir_cache_expire(struct work_struct *work);
void smb3mc_dir_cache_evict(struct inode *dir);

/* super.c */
extern struct file_system_type smb3mc_fs_type;

#endif /* SMB3MC_FS_H */
