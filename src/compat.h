/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels smb3mc builds for (Debian 12's 6.1
 * and 6.12) lives here. The kernel version is tested once, at the top;
 * below, an older kernel gets the names and types of the newer one, so
 * the rest of the code is written as for 6.12 mainline and uses no macro
 * of ours where the kernel's own would do.
 */
#ifndef SMB3MC_COMPAT_H
#define SMB3MC_COMPAT_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/stat.h>
#include <linux/version.h>
#include <linux/writeback.h>

/* 6.3: inode operations are passed a struct mnt_idmap. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define COMPAT_NO_MNT_IDMAP
#endif
/* 6.3: write_cache_pages() calls back with a folio. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define COMPAT_WRITEPAGE_T_PAGE
#endif
/* 6.3: filemap_get_folio() returns ERR_PTR(-ENOENT) for no folio. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define COMPAT_GET_FOLIO_NULL
#endif
/* 6.5: filemap_splice_read() replaces generic_file_splice_read(). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define COMPAT_NO_FILEMAP_SPLICE_READ
#endif
/* 6.6: generic_fillattr() takes the request mask. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 6, 0)
#define COMPAT_FILLATTR_NO_MASK
#endif
/*
 * 6.7: i_atime and i_mtime are reached through accessors. (The ctime
 * ones of 6.6 are in 6.1's stable releases already.)
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 7, 0)
#define COMPAT_NO_INODE_TIME_ACCESSORS
#endif
/*
 * 6.9: what locks and leases share moved into struct file_lock_core, the
 * lock's member c, and the lock_is_*() helpers came.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 9, 0)
#define COMPAT_NO_FILE_LOCK_CORE
#endif
/* 6.12: ->write_begin and ->write_end are passed a folio. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
#define COMPAT_WRITE_BEGIN_PAGE
#endif

#ifdef COMPAT_NO_MNT_IDMAP
/* What the idmap replaced: the mount's user namespace. */
#define mnt_idmap user_namespace
#endif

#ifdef COMPAT_WRITEPAGE_T_PAGE
typedef int (*compat_writepage_folio_t)(struct folio *folio,
					struct writeback_control *wbc,
					void *data);

struct compat_writepage {
	compat_writepage_folio_t fn;
	void *data;
};

static inline int compat_writepage(struct page *page,
				   struct writeback_control *wbc, void *data)
{
	const struct compat_writepage *w = data;

	return w->fn(page_folio(page), wbc, w->data);
}

static inline int compat_write_cache_pages(struct address_space *mapping,
					   struct writeback_control *wbc,
					   compat_writepage_folio_t fn,
					   void *data)
{
	struct compat_writepage w = { .fn = fn, .data = data };

	return write_cache_pages(mapping, wbc, compat_writepage, &w);
}

#define write_cache_pages compat_write_cache_pages
#endif

#ifdef COMPAT_GET_FOLIO_NULL
static inline struct folio *compat_filemap_get_folio(struct address_space *mapping,
						     pgoff_t index)
{
	return __filemap_get_folio(mapping, index, 0, 0) ?: ERR_PTR(-ENOENT);
}
#define filemap_get_folio compat_filemap_get_folio
#endif

#ifdef COMPAT_NO_FILEMAP_SPLICE_READ
#define filemap_splice_read generic_file_splice_read
#endif

#ifdef COMPAT_FILLATTR_NO_MASK
#define generic_fillattr(idmap, request_mask, inode, stat) \
	generic_fillattr(idmap, inode, stat)
#endif

#ifdef COMPAT_NO_INODE_TIME_ACCESSORS
static inline struct timespec64 inode_get_mtime(const struct inode *inode)
{
	return inode->i_mtime;
}

static inline struct timespec64 inode_set_atime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_atime = ts;
	return ts;
}

static inline struct timespec64 inode_set_mtime_to_ts(struct inode *inode,
						      struct timespec64 ts)
{
	inode->i_mtime = ts;
	return ts;
}
#endif

/*
 * lock_core(fl) is the struct file_lock_core of a lock, &fl->c. Before
 * 6.9 those fields were the lock's own, named fl_* instead of flc_*: the
 * core is the lock itself, under the new names.
 */
#ifdef COMPAT_NO_FILE_LOCK_CORE
#define file_lock_core	file_lock
#define flc_owner	fl_owner
#define flc_flags	fl_flags
#define flc_type	fl_type
#define flc_pid		fl_pid

static inline struct file_lock_core *lock_core(struct file_lock *fl)
{
	return fl;
}

static inline bool lock_is_unlock(struct file_lock *fl)
{
	return fl->fl_type == F_UNLCK;
}

static inline bool lock_is_read(struct file_lock *fl)
{
	return fl->fl_type == F_RDLCK;
}

static inline bool lock_is_write(struct file_lock *fl)
{
	return fl->fl_type == F_WRLCK;
}
#else
#include <linux/filelock.h>

static inline struct file_lock_core *lock_core(struct file_lock *fl)
{
	return &fl->c;
}
#endif

/*
 * DEFINE_WRITE_BEGIN_END(begin, end) goes after a ->write_begin and a
 * ->write_end written as 6.12 has them, and write_begin_op(begin) and
 * write_end_op(end) are what address_space_operations points to. Before
 * 6.12 those are page-passing methods around the folio ones; from 6.12
 * on the folio ones themselves, checked to have the kernel's type.
 */
#ifdef COMPAT_WRITE_BEGIN_PAGE
#define DEFINE_WRITE_BEGIN_END(begin, end)				\
static int begin##_page(struct file *file,				\
			struct address_space *mapping, loff_t pos,	\
			unsigned int len, struct page **pagep,		\
			void **fsdata)					\
{									\
	struct folio *folio;						\
	int rc = begin(file, mapping, pos, len, &folio, fsdata);	\
									\
	if (!rc)							\
		*pagep = &folio->page;					\
	return rc;							\
}									\
static int end##_page(struct file *file,				\
		      struct address_space *mapping, loff_t pos,	\
		      unsigned int len, unsigned int copied,		\
		      struct page *page, void *fsdata)			\
{									\
	return end(file, mapping, pos, len, copied, page_folio(page),	\
		   fsdata);						\
}									\
static_assert(__same_type(&begin##_page,				\
	((const struct address_space_operations *)NULL)->write_begin) &&	\
	__same_type(&end##_page,					\
	((const struct address_space_operations *)NULL)->write_end))
#define write_begin_op(begin)	begin##_page
#define write_end_op(end)	end##_page
#else
#define DEFINE_WRITE_BEGIN_END(begin, end)				\
static_assert(__same_type(&(begin),					\
	((const struct address_space_operations *)NULL)->write_begin) &&	\
	__same_type(&(end),						\
	((const struct address_space_operations *)NULL)->write_end))
#define write_begin_op(begin)	(begin)
#define write_end_op(end)	(end)
#endif

#endif /* SMB3MC_COMPAT_H */
