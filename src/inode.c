// SPDX-License-Identifier: GPL-2.0
/*
 * Inodes: one per server file id, with attributes cached for actimeo;
 * getattr reads them again when they are older, setattr changes them on
 * the server.
 */

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "fs.h"
#include "ops_ns.h"

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
	si->changed = 0;
	atomic_set(&si->dio_count, 0);
	si->dir_cache = NULL;
	si->dir_gen = 0;
	INIT_DELAYED_WORK(&si->dir_cache_work, smb3mc_dir_cache_expire);
	si->lease_hashed = false;
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

/**
 * smb3mc_evict_inode - an inode leaves the cache
 * @inode: any inode of the mount
 */
void smb3mc_evict_inode(struct inode *inode)
{
	/* Its pages are clean after the last close: no write-behind is due. */
	if (S_ISREG(inode->i_mode)) {
		smb3mc_lease_evict(inode);
		cancel_work_sync(&SMB3MC_I(inode)->wb_work);
	}
	if (S_ISDIR(inode->i_mode))
		smb3mc_dir_cache_evict(inode);
	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
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

/* What the server has for the name of @dentry now (FileAllInformation). */
int smb3mc_dentry_attrs(struct dentry *dentry, struct smb3mc_file_attrs *attrs)
{
	char *page, *path;
	int rc;

	path = smb3mc_dentry_path(dentry, &page);
	if (IS_ERR(path))
		return PTR_ERR(path);
	rc = smb3mc_query_path(SMB3MC_SB(dentry->d_sb)->tcon, path, attrs);
	free_page((unsigned long)page);
	return rc;
}

/*
 * Apply the server's size of a regular file. When the file changed on the
 * server, cached pages are stale, unless the client holds read caching
 * (then only it changed the file): drop them and take its size. Not while
 * we hold dirty or in-flight data, which is newer than what the server
 * reports, nor while a writer holds the inode lock (it sets i_size
 * itself). Nor a smaller size while a handle of the file here may write,
 * a file's open for writing or the one its last close kept for
 * closetimeo: this client's WRITEs, ended since, can be newer than the
 * answer (a QUERY_INFO on another channel, a listing, which a server may
 * keep behind for a file open there, as the kept handle still is), and an
 * append would go on at the old end, also through an open that takes the
 * kept handle again and asks the server nothing.
 *
 * Nor, while the client holds read caching, a size from a listing
 * (@asked->listed) other than the one it has, smaller or larger, even with
 * no handle here that may write. Before another client's write or change
 * of the size, the server revokes read caching (MS-SMB2 3.3.1.4): only
 * this client changed the file since the open that got the lease checked
 * its size (smb3mc_open_check()), and a listing that says otherwise is
 * stale, behind this client's writes (smaller) or its truncate (larger),
 * as a server may list a file open there. A larger size taken has reads
 * return zeroes past the real end and an append land past it, a smaller
 * one an append land at the old end; and the next open, the lease held
 * before and after its CREATE, does not check the size again. (The break
 * of another client's change may still be on its way: handling it
 * (3.2.5.19.2) marks the attributes stale, and the next stat asks.) A
 * CREATE or QUERY_INFO answer is taken: the size an open that gets the
 * lease (3.2.5.7.4) finds is what the lease starts from, smaller or
 * larger.
 *
 * Return: false when it could not look, the inode lock being held.
 */
static bool smb3mc_inode_server_size(struct inode *inode, loff_t size,
				     bool mtime_changed,
				     const struct smb3mc_asked *asked)
{
	struct address_space *mapping = inode->i_mapping;

	if (!mtime_changed && size == i_size_read(inode))
		return true;
	if (size < i_size_read(inode) &&
	    smb3mc_lease_handle(inode, GENERIC_WRITE))
		return true;
	if (asked->listed && size != i_size_read(inode) &&
	    smb3mc_lease_caches(inode, SMB2_LEASE_READ_CACHING))
		return true;
	if (!inode_trylock(inode))
		return false;
	/*
	 * A change of the size here is counted under the inode lock: one
	 * that ended since smb3mc_inode_update() looked is seen now.
	 */
	if (asked->changes >= READ_ONCE(SMB3MC_I(inode)->changed) &&
	    !mapping_tagged(mapping, PAGECACHE_TAG_DIRTY) &&
	    !mapping_tagged(mapping, PAGECACHE_TAG_WRITEBACK)) {
		i_size_write(inode, size);
		if (!smb3mc_lease_caches(inode, SMB2_LEASE_READ_CACHING))
			invalidate_inode_pages2(mapping);
	}
	inode_unlock(inode);
	return true;
}

/*
 * Apply the server's link count of a file, unless this client changed the
 * file since @asked: looked at again under i_lock, which a change's count
 * is taken under (smb3mc_changed()), and unlink, rename and link count
 * theirs before they change the link count.
 */
static void smb3mc_inode_server_nlink(struct inode *inode, unsigned int nlink,
				      const struct smb3mc_asked *asked)
{
	spin_lock(&inode->i_lock);
	if (inode->i_state & I_NEW ||
	    asked->changes >= SMB3MC_I(inode)->changed)
		set_nlink(inode, nlink);
	spin_unlock(&inode->i_lock);
}

/*
 * Apply attributes the server gave for @inode, as @asked for. Not when
 * asked for before this client's last change of the file (smb3mc_changed()):
 * a QUERY_INFO sent before a truncate may be answered after it (on
 * another channel, by a server that answers out of order), and its size,
 * older, would have reads return zeroes past the real end and an append
 * land past it. An answer about the file itself (a CREATE, a QUERY_INFO) is
 * taken as it comes otherwise; a listing's, not over attributes the
 * inode took since it was asked for either, which may be newer, through
 * whichever name of the file: a listing runs long, and a lookup or an
 * open may overtake it. A new inode takes them all.
 */
static void smb3mc_inode_update(struct inode *inode,
				const struct smb3mc_file_attrs *a,
				const struct smb3mc_asked *asked)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_inode *si = SMB3MC_I(inode);
	struct timespec64 mtime = inode_get_mtime(inode);
	bool mtime_changed = false;
	umode_t mode;

	if (!(inode->i_state & I_NEW) &&
	    (asked->changes < READ_ONCE(si->changed) ||
	     (asked->listed && !time_before(si->attr_time, asked->time))))
		return;
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
	/* A listing has no link count: a file keeps the one it has. */
	if (a->valid & SMB3MC_ATTR_NLINK && !a->is_dir)
		smb3mc_inode_server_nlink(inode, a->nlink, asked);
	else if (a->is_dir || inode->i_state & I_NEW)
		set_nlink(inode, a->is_dir ? 2 : 1);
	if (a->valid & SMB3MC_ATTR_TIMES) {
		struct timespec64 srv;

		srv = smb3mc_nt_to_timespec64(a->last_write_time);
		mtime_changed = !timespec64_equal(&mtime, &srv);
		inode_set_atime_to_ts(inode,
			smb3mc_nt_to_timespec64(a->last_access_time));
		inode_set_mtime_to_ts(inode, srv);
		inode_set_ctime_to_ts(inode,
			smb3mc_nt_to_timespec64(a->change_time));
	}
	if (a->valid & SMB3MC_ATTR_SIZES) {
		/*
		 * Cached data of a regular file may be newer, or now stale.
		 * Where that could not be looked at, the old mtime stays, so
		 * that the next answer, which the attributes made old now
		 * ask for, or the next open finds the change again.
		 */
		if (!S_ISREG(inode->i_mode)) {
			i_size_write(inode, a->end_of_file);
		} else if (!smb3mc_inode_server_size(inode, a->end_of_file,
						     mtime_changed, asked)) {
			inode_set_mtime_to_ts(inode, mtime);
			smb3mc_attr_expire(inode);
		}
		inode->i_blocks = DIV_ROUND_UP_ULL(a->allocation_size, 512);
	}
}

/*
 * Whether @inode is the file @a describes. A file id the server now gives
 * a directory, or a directory id it now gives a file, is another object:
 * an inode keeps the type, and so the operations, it was made with.
 * smb3mc_revalidate() turns the other type into -ESTALE, which drops the
 * dentry, and the lookup that follows makes a new inode. A server without
 * file ids (0) tells nothing more than the type.
 */
static bool smb3mc_inode_same(struct inode *inode,
			      const struct smb3mc_file_attrs *a)
{
	return SMB3MC_I(inode)->file_id == a->index_number &&
	       S_ISDIR(inode->i_mode) == a->is_dir;
}

/* What iget5_locked() finds an inode by. */
struct smb3mc_inode_key {
	const struct smb3mc_file_attrs *attrs;
	unsigned long ino;
};

/*
 * Files without a file id are never found again: each gets its own. Nor
 * is a directory removed here (S_DEAD), which a process may still be in:
 * a server whose file system reuses inode numbers gives its id to another.
 */
static int smb3mc_inode_test(struct inode *inode, void *data)
{
	const struct smb3mc_inode_key *key = data;

	return key->attrs->index_number && !IS_DEADDIR(inode) &&
	       smb3mc_inode_same(inode, key->attrs);
}

/*
 * The type goes in with the file id: smb3mc_inode_test() may see the
 * inode while it is still I_NEW, before smb3mc_inode_update(), and a
 * recycled inode's i_mode is the last user's.
 */
static int smb3mc_inode_set(struct inode *inode, void *data)
{
	const struct smb3mc_inode_key *key = data;

	SMB3MC_I(inode)->file_id = key->attrs->index_number;
	inode->i_ino = key->ino;
	inode->i_mode = key->attrs->is_dir ? S_IFDIR : S_IFREG;
	return 0;
}

/**
 * smb3mc_inode_get - the inode for the file @attrs describe
 * @sb: the mount
 * @attrs: attributes including the server's file id (IndexNumber)
 * @asked: when the server was asked for @attrs
 *
 * A file the server gives no id (0) gets a new inode, numbered here. An
 * inode the file has already (another name of it, a hard link, or the
 * name of a file open here that a listing finds again) takes @attrs as
 * smb3mc_inode_update() decides, as it would through any name.
 *
 * Return: the inode, its attributes set from @attrs; a new one is I_NEW,
 * for smb3mc_iget() to give its operations. Or ERR_PTR(-ENOMEM).
 */
struct inode *smb3mc_inode_get(struct super_block *sb,
			       const struct smb3mc_file_attrs *attrs,
			       const struct smb3mc_asked *asked)
{
	struct smb3mc_inode_key key = {
		.attrs = attrs,
		.ino = attrs->index_number,
	};
	struct inode *inode;

	if (!key.ino)
		key.ino = smb3mc_local_ino(sb);
	inode = iget5_locked(sb, key.ino, smb3mc_inode_test, smb3mc_inode_set,
			     &key);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	smb3mc_inode_update(inode, attrs, asked);
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
	struct smb3mc_asked asked;
	int rc;

	if (time_before(jiffies, SMB3MC_I(inode)->attr_time + sbi->actimeo))
		return 0;
	/*
	 * Unlinked while open: the server has the file delete-pending and
	 * refuses to open its name, so keep what we have.
	 */
	if (d_unlinked(dentry))
		return 0;
	/*
	 * The share's root is always there: while the server is lost, keep
	 * its attributes rather than wait for it, since umount(8) stats the
	 * mount point first and must complete during an outage.
	 */
	if (IS_ROOT(dentry) && !smb3mc_tcon_reachable(sbi->tcon))
		return 0;
	asked = smb3mc_asked_now(inode->i_sb);
	rc = smb3mc_dentry_attrs(dentry, &attrs);
	if (rc)
		return rc;
	if (!smb3mc_inode_same(inode, &attrs))
		return -ESTALE;
	smb3mc_inode_update(inode, &attrs, &asked);
	return 0;
}

/**
 * smb3mc_inode_refresh - take attributes a listing gave for @inode
 * @inode: the inode of the name listed
 * @a: the attributes listed
 * @asked: when the listing was asked for
 *
 * Only when they describe the same file, and as smb3mc_inode_update()
 * decides: not over attributes read or changed since @asked.
 */
void smb3mc_inode_refresh(struct inode *inode,
			  const struct smb3mc_file_attrs *a,
			  const struct smb3mc_asked *asked)
{
	if (smb3mc_inode_same(inode, a))
		smb3mc_inode_update(inode, a, asked);
}

int smb3mc_getattr(struct mnt_idmap *idmap, const struct path *path,
		   struct kstat *stat, u32 request_mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int rc;

	if (!(flags & AT_STATX_DONT_SYNC)) {
		rc = smb3mc_revalidate(path->dentry);
		if (rc)
			return rc;
	}
	generic_fillattr(idmap, request_mask, inode, stat);
	stat->ino = SMB3MC_I(inode)->file_id ?: inode->i_ino;
	return 0;
}

/*
 * Without POSIX extensions the server stores no mode: the one bit that
 * maps is "no write permission for anyone", the DOS read-only attribute
 * (MS-FSCC 2.6), of regular files only: a read-only directory is one that
 * cannot be deleted, not one without new entries. @attributes come
 * without FILE_ATTRIBUTE_NORMAL, which is valid only alone.
 */
u32 smb3mc_mode_to_attributes(u32 attributes, umode_t mode)
{
	if (mode & 0222)
		return attributes & ~FILE_ATTRIBUTE_READONLY;
	return attributes | FILE_ATTRIBUTE_READONLY;
}

/**
 * smb3mc_dio_wait - wait until no O_DIRECT or uncached transfer of @inode
 *	is left (direct.c counts them)
 * @inode: a regular file
 *
 * A caller killed while its READs or WRITEs were in flight left them to
 * end on their own: a truncate waits for them, since a WRITE landing
 * after it would make the file long again. Killable: on a hard mount a
 * lost server keeps them waiting for as long as it is gone.
 *
 * Return: 0, or -EINTR if killed.
 */
int smb3mc_dio_wait(struct inode *inode)
{
	struct smb3mc_inode *si = SMB3MC_I(inode);

	return wait_var_event_killable(&si->dio_count,
				       !atomic_read(&si->dio_count));
}

/**
 * smb3mc_setattr - chmod, utimes, truncate and chown of a file or directory
 * @idmap: the mount's id mapping
 * @dentry: the file
 * @attr: what to change
 *
 * Mode bits other than the write bits of a regular file are accepted and
 * dropped, and owner and group can only be set to what they are: the
 * server keeps neither.
 */
int smb3mc_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
		   struct iattr *attr)
{
	struct inode *inode = d_inode(dentry);
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_set_basic basic = {};
	unsigned int valid = attr->ia_valid;
	const struct smb3mc_fid *fid;
	struct smb3mc_fh *fh = NULL;
	loff_t old_size;
	char *page, *path;
	u32 attributes;
	int rc;

	rc = setattr_prepare(idmap, dentry, attr);
	if (rc)
		return rc;
	if ((valid & ATTR_UID && !uid_eq(attr->ia_uid, sbi->uid)) ||
	    (valid & ATTR_GID && !gid_eq(attr->ia_gid, sbi->gid)))
		return -EPERM;

	/* A truncate updates the times on the server by itself. */
	if (valid & ATTR_ATIME &&
	    (!(valid & ATTR_SIZE) || valid & ATTR_ATIME_SET))
		basic.last_access_time = smb3mc_timespec64_to_nt(attr->ia_atime);
	if (valid & ATTR_MTIME &&
	    (!(valid & ATTR_SIZE) || valid & ATTR_MTIME_SET))
		basic.last_write_time = smb3mc_timespec64_to_nt(attr->ia_mtime);
	if (valid & ATTR_MODE && S_ISREG(inode->i_mode)) {
		u32 old = SMB3MC_I(inode)->attributes & ~FILE_ATTRIBUTE_NORMAL;

		attributes = smb3mc_mode_to_attributes(old, attr->ia_mode);
		if (attributes != old)
			basic.attributes = attributes ?: FILE_ATTRIBUTE_NORMAL;
	}

	/*
	 * An open handle that can write goes first: it saves opening the
	 * path, and it is all that reaches a file unlinked while open.
	 */
	if (S_ISREG(inode->i_mode))
		fh = smb3mc_fh_get(inode,
				   valid & ATTR_FILE ? attr->ia_file : NULL,
				   GENERIC_WRITE);
	fid = fh ? &fh->fid : NULL;
	page = NULL;
	path = NULL;
	if (!fid) {
		path = smb3mc_dentry_path(dentry, &page);
		if (IS_ERR(path))
			return PTR_ERR(path);
	}
	if (valid & ATTR_SIZE) {
		/*
		 * Dirty pages written back after the server's end of file
		 * moved would extend the file again, or be lost; so would the
		 * WRITEs of an O_DIRECT or uncached write whose caller did not
		 * wait for them (killed).
		 */
		rc = smb3mc_dio_wait(inode);
		if (!rc)
			rc = smb3mc_write_and_wait(inode);
		if (!rc)
			rc = smb3mc_ns_set_size(sbi->tcon, path, fid,
						attr->ia_size);
		if (rc)
			goto out;
		old_size = i_size_read(inode);
		truncate_setsize(inode, attr->ia_size);
		smb3mc_isize_extended(inode, old_size, attr->ia_size);
	}
	if (basic.last_access_time || basic.last_write_time ||
	    basic.attributes)
		rc = smb3mc_ns_set_basic(sbi->tcon, path, fid, &basic);
out:
	if (fh)
		smb3mc_fh_put(fh);
	free_page((unsigned long)page);
	smb3mc_attr_stale(inode);
	if (rc)
		return rc;
	/* Mode, owner and size come from the server at the next getattr. */
	attr->ia_valid &= ~(ATTR_MODE | ATTR_UID | ATTR_GID | ATTR_SIZE);
	setattr_copy(idmap, inode, attr);
	return 0;
}

const struct inode_operations smb3mc_file_inode_ops = {
	.setattr	= smb3mc_setattr,
	.getattr	= smb3mc_getattr,
};
