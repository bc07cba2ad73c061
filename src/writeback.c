// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a range of a file back and waiting for it, for close, fsync,
 * locks, lease breaks and writes around the page cache; aops.c sends the
 * WRITEs. The waits are those of __filemap_fdatawait_range(), except
 * that a killed task leaves them while the server is lost.
 */

#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/sched.h>

#include "fs.h"

/* How often a killed task waiting for writeback looks at the server. */
#define SMB3MC_WB_POLL		(HZ / 10)

/*
 * Wait for the writeback of @folio. A killed task stops waiting only
 * while the server is lost, which on a hard mount may be for ever: while
 * it answers, the WRITEs end soon, and the UNLOCK, CLOSE or lease break
 * acknowledgement that may follow must not overtake them. A task dying
 * of a signal (smb3mc_dying()) looks at the server every SMB3MC_WB_POLL.
 */
static int wb_wait_folio(struct folio *folio, struct smb3mc_tcon *tcon)
{
	if (!smb3mc_dying() && !folio_wait_writeback_killable(folio))
		return 0;
	while (folio_test_writeback(folio)) {
		if (!smb3mc_tcon_reachable(tcon))
			return -EINTR;
		schedule_timeout_uninterruptible(SMB3MC_WB_POLL);
	}
	return 0;
}

/* __filemap_fdatawait_range(), with wb_wait_folio() for each folio. */
static int wb_wait_range(struct inode *inode, loff_t start, loff_t end)
{
	struct smb3mc_tcon *tcon = SMB3MC_SB(inode->i_sb)->tcon;
	pgoff_t index = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	struct folio_batch fbatch;
	unsigned int i, nr;
	int rc = 0;

	folio_batch_init(&fbatch);
	while (!rc) {
		nr = filemap_get_folios_tag(inode->i_mapping, &index, last,
					    PAGECACHE_TAG_WRITEBACK, &fbatch);
		if (!nr)
			break;
		for (i = 0; i < nr && !rc; i++)
			rc = wb_wait_folio(fbatch.folios[i], tcon);
		folio_batch_release(&fbatch);
		cond_resched();
	}
	return rc;
}

/**
 * smb3mc_writeback_range - write back a range of a file and wait for it
 * @inode: a regular file
 * @start: the first byte
 * @end: the last
 *
 * filemap_fdatawrite_range() and a wait as __filemap_fdatawait_range()'s,
 * which a killed caller leaves while the server is lost (wb_wait_folio()).
 * A killed caller starts the writeback all the same: a file's last close
 * may be the last chance to borrow a handle for it. Errors of the WRITEs
 * are left for the caller to collect.
 *
 * Return: 0, an errno of starting the writeback, or -EINTR.
 */
int smb3mc_writeback_range(struct inode *inode, loff_t start, loff_t end)
{
	int rc;

	/*
	 * write_cache_pages() waits, unkillably, for a dirty folio whose
	 * last writeback is still in flight: let those end first.
	 */
	wb_wait_range(inode, start, end);
	rc = filemap_fdatawrite_range(inode->i_mapping, start, end);
	return wb_wait_range(inode, start, end) ?: rc;
}

/**
 * smb3mc_write_and_wait_range - filemap_write_and_wait_range(), with the
 *	wait of smb3mc_writeback_range()
 * @inode: a regular file
 * @start: the first byte to write back
 * @end: the last
 *
 * Return: 0, a writeback error, or -EINTR.
 */
int smb3mc_write_and_wait_range(struct inode *inode, loff_t start,
				loff_t end)
{
	int rc = smb3mc_writeback_range(inode, start, end);

	return rc == -EINTR ? rc : filemap_check_errors(inode->i_mapping) ?: rc;
}

int smb3mc_write_and_wait(struct inode *inode)
{
	return smb3mc_write_and_wait_range(inode, 0, LLONG_MAX);
}
