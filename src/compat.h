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

#include <linux/mm.h>
#include <linux/pagemap.h>

/* 6.7 hid i_mtime behind an accessor. */
static inline struct timespec64 smb3mc_inode_mtime(const struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	return inode_get_mtime(inode);
#else
	return inode->i_mtime;
#endif
}

/* 6.12 passes a folio, not a page, to ->write_begin and ->write_end. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define SMB3MC_WRITE_PAGE	struct folio
static inline struct folio *smb3mc_write_page_folio(struct folio *folio)
{
	return folio;
}

static inline struct folio *smb3mc_folio_write_page(struct folio *folio)
{
	return folio;
}
#else
#define SMB3MC_WRITE_PAGE	struct page
static inline struct folio *smb3mc_write_page_folio(struct page *page)
{
	return page_folio(page);
}

static inline struct page *smb3mc_folio_write_page(struct folio *folio)
{
	return &folio->page;
}
#endif

/* 6.3 passes a folio, not a page, to the write_cache_pages() callback. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define SMB3MC_WRITEPAGE_ARG	struct folio
static inline struct folio *smb3mc_writepage_folio(struct folio *folio)
{
	return folio;
}
#else
#define SMB3MC_WRITEPAGE_ARG	struct page
static inline struct folio *smb3mc_writepage_folio(struct page *page)
{
	return page_folio(page);
}
#endif

/* 6.5 replaced generic_file_splice_read() by filemap_splice_read(). */
static inline ssize_t smb3mc_splice_read(struct file *in, loff_t *ppos,
					 struct pipe_inode_info *pipe,
					 size_t len, unsigned int flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return filemap_splice_read(in, ppos, pipe, len, flags);
#else
	return generic_file_splice_read(in, ppos, pipe, len, flags);
#endif
}

#endif /* SMB3MC_COMPAT_H */
