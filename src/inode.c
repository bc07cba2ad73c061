// SPDX-License-Identifier: GPL-2.0
/*
 * Inodes: one per server file id, with attributes cached for actimeo.
 */

#include <linux/slab.h>

#include "compat.h"
#include "fs.h"

static struct kmem_cache *smb3mc_inode_cachep;

struct inode *smb3mc_alloc_inode(struct super_block *sb)
{
	struct smb3mc_inode *si;

	si = alloc_inode_sb(sb, smb3mc_inode_cachep, GFP_KERNEL);
	if (!si)
		return NULL;
	si->file_id = 0;
	si->attributes = 0;
	si->attr_time = 0;
	return &si->vfs_inode;
}

void smb3mc_free_inode(struct inode *inode)
{
	kmem_cache_free(smb3mc_inode_cachep, SMB3MC_I(inode));
}

static void smb3mc_inode_once(void *p)
{
	struct smb3mc_inode *si = p;

	inode_init_once(&si->vfs_inode);
}

int smb3mc_inode_cache_init(void)
{
	smb3mc_inode_cachep = kmem_cache_create("smb3mc_inode",
						sizeof(struct smb3mc_inode), 0,
						SLAB_RECLAIM_ACCOUNT |
						SLAB_ACCOUNT,
						smb3mc_inode_once);
	return smb3mc_inode_cachep ? 0 : -ENOMEM;
}

void smb3mc_inode_cache_exit(void)
{
	/* Inodes are freed by RCU: wait before destroying their cache. */
	rcu_barrier();
	kmem_cache_destroy(smb3mc_inode_cachep);
}

/*
 * The path of @dentry inside the share, in a page the caller frees with
 * free_page((unsigned long)*page).
 */
char *smb3mc_dentry_path(struct dentry *dentry, char **page)
{
	char *path;

	*page = (char *)__get_free_page(GFP_KERNEL);
	if (!*page)
		return ERR_PTR(-ENOMEM);
	path = dentry_path_raw(dentry, *page, PAGE_SIZE);
	if (IS_ERR(path))
		free_page((unsigned long)*page);
	return path;
}

/* Apply attributes read from the server to @inode. */
static void smb3mc_inode_update(struct inode *inode,
				const struct smb3mc_file_attrs *a)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct timespec64 mtime = smb3mc_inode_mtime(inode);
	bool mtime_changed = false;
	umode_t mode;

	si->attributes = a->attributes;
	si->attr_time = jiffies;
	if (a->is_dir)
		mode = S_IFDIR | sbi->dir_mode;
	else
		mode = S_IFREG | sbi->file_mode;
	/* The DOS read-only attribute is what chmod a-w maps to. */
	if (a->attributes & FILE_ATTRIBUTE_READONLY && !a->is_dir)
		mode &= ~0222;
	inode->i_mode = mode;
	inode->i_uid = sbi->uid;
	inode->i_gid = sbi->gid;
	if (a->valid & SMB3MC_ATTR_NLINK && !a->is_dir)
		set_nlink(inode, a->nlink);
	else
		set_nlink(inode, a->is_dir ? 2 : 1);
	if (a->valid & SMB3MC_ATTR_TIMES) {
		struct timespec64 srv;

		srv = smb3mc_nt_to_timespec64(a->last_write_time);
		mtime_changed = !timespec64_equal(&mtime, &srv);
		smb3mc_inode_set_times(inode,
			smb3mc_nt_to_timespec64(a->last_access_time), srv,
			smb3mc_nt_to_timespec64(a->change_time));
	}
	if (a->valid & SMB3MC_ATTR_SIZES) {
		/* Cached data of a regular file may be newer, or now stale. */
		if (S_ISREG(inode->i_mode))
			smb3mc_file_server_size(inode, a->end_of_file,
						mtime_changed);
		else
			i_size_write(inode, a->end_of_file);
		inode->i_blocks = DIV_ROUND_UP_ULL(a->allocation_size, 512);
	}
}

static int smb3mc_inode_test(struct inode *inode, void *data)
{
	const struct smb3mc_file_attrs *a = data;
	struct smb3mc_inode *si = SMB3MC_I(inode);

	/* A file id reused for a directory is another object. */
	return si->file_id == a->index_number &&
	       S_ISDIR(inode->i_mode) == a->is_dir;
}

static int smb3mc_inode_set(struct inode *inode, void *data)
{
	const struct smb3mc_file_attrs *a = data;

	SMB3MC_I(inode)->file_id = a->index_number;
	inode->i_ino = a->index_number;
	return 0;
}

/**
 * smb3mc_iget - the inode for the file @attrs describe
 * @sb: the mount
 * @attrs: attributes including the server's file id (IndexNumber)
 */
struct inode *smb3mc_iget(struct super_block *sb,
			  const struct smb3mc_file_attrs *attrs)
{
	struct inode *inode;

	inode = iget5_locked(sb, attrs->index_number, smb3mc_inode_test,
			     smb3mc_inode_set, (void *)attrs);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	smb3mc_inode_update(inode, attrs);
	if (!(inode->i_state & I_NEW))
		return inode;
	if (attrs->is_dir) {
		inode->i_op = &smb3mc_dir_inode_ops;
		inode->i_fop = &smb3mc_dir_ops;
	} else {
		inode->i_op = &smb3mc_file_inode_ops;
		smb3mc_file_inode_init(inode);
	}
	unlock_new_inode(inode);
	return inode;
}

/**
 * smb3mc_revalidate - refresh the attributes of @dentry's inode once they
 * are older than actimeo
 * @dentry: a positive dentry
 *
 * Return: 0, -ENOENT or -ESTALE when the file is gone or is another file
 * now, or another errno.
 */
int smb3mc_revalidate(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_file_attrs attrs = {};
	char *page, *path;
	int rc;

	if (time_before(jiffies, SMB3MC_I(inode)->attr_time + sbi->actimeo))
		return 0;
	/*
	 * Unlinked while open: the server has the file delete-pending and
	 * refuses to open its name, so keep what we have.
	 */
	if (d_unlinked(dentry))
		return 0;
	path = smb3mc_dentry_path(dentry, &page);
	if (IS_ERR(path))
		return PTR_ERR(path);
	rc = smb3mc_query_path(sbi->tcon, path, &attrs);
	free_page((unsigned long)page);
	if (rc)
		return rc;
	if (!smb3mc_inode_test(inode, &attrs))
		return -ESTALE;
	smb3mc_inode_update(inode, &attrs);
	return 0;
}

int smb3mc_getattr(SMB3MC_IDMAP idmap, const struct path *path,
		   struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int rc;

	if (!(flags & AT_STATX_DONT_SYNC)) {
		rc = smb3mc_revalidate(path->dentry);
		if (rc)
			return rc;
	}
	smb3mc_fillattr(idmap, request_mask, inode, stat);
	stat->ino = SMB3MC_I(inode)->file_id;
	return 0;
}

const struct inode_operations smb3mc_file_inode_ops = {
	.setattr	= smb3mc_setattr,
	.getattr	= smb3mc_getattr,
};
