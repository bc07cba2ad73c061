/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File data operations as C calls: READ, WRITE (MS-SMB2 3.2.4.6, 3.2.4.7)
 * and FLUSH (3.2.4.8) on an open handle. A large transfer is cut into
 * chunks of at most the negotiated MaxReadSize / MaxWriteSize; every
 * chunk is one multi-credit request (3.1.5.2) that picks its own channel
 * when it is issued, so that a session with several channels spreads one
 * transfer over all of them.
 */
#ifndef SMB3MC_OPS_IO_H
#define SMB3MC_OPS_IO_H

#include <linux/bits.h>
#include <linux/uio.h>

#include "chan.h"
#include "ops.h"

struct smb3mc_ses;

/*
 * Largest single READ or WRITE the page cache issues. Capped below what
 * servers allow (Samba: 8 MiB) so that a readahead window or a writeback
 * run becomes several requests in flight, spread over the channels.
 */
#define SMB3MC_IO_CHUNK		(1024 * 1024)

/* What the VFS asks smb3mc_io_size() to cut, and what the answer is. */
enum smb3mc_io_kind {
	SMB3MC_IO_READAHEAD,	/* bytes per READ of a readahead window */
	SMB3MC_IO_WRITEBACK,	/* most bytes per WRITE of dirty pages */
	SMB3MC_IO_READ_WINDOW,	/* bytes per step of a bounced read */
	SMB3MC_IO_WRITE_WINDOW,	/* bytes per step of a bounced write */
};

size_t smb3mc_io_size(struct smb3mc_tcon *tcon, enum smb3mc_io_kind kind,
		      size_t len);

/* Room for the READ or WRITE request header and fixed body. */
#define SMB3MC_RW_HDR_SIZE	128

struct smb3mc_rw;
typedef void (*smb3mc_rw_done_t)(struct smb3mc_rw *rw);

/*
 * One READ or WRITE chunk in flight. The caller fills @offset, @len, @iter
 * (the pages or buffer a READ fills or a WRITE sends, @len bytes: a kvec
 * or bvec iterator), for a READ @eof and @shared (see SMB3MC_RW_SHARED),
 * @done and @private, submits, and @done runs once when the chunk ended:
 * where the channel ends requests (its receive thread, one of its
 * workers, the timeout scan), so it must not sleep. It may free @rw.
 *
 * On completion @rc is 0 or an errno and @result the bytes moved. A server
 * may answer having moved fewer bytes than asked: the rest is asked for
 * again, so that a WRITE moves all of @len or fails, and a READ fills all
 * of @iter but past the end of the file. That is where an answer is
 * empty, or reaches @eof, where the caller knows the file to end; it
 * fills the start of @iter only.
 */
struct smb3mc_rw {
	struct smb3mc_req req;
	struct smb3mc_tcon *tcon;
	struct smb3mc_fid fid;		/* as it was when first submitted */
	u64 offset;
	u32 len;
	struct iov_iter iter;		/* moved past each cut answer */
	u64 eof;			/* READ: the file's size, as known */
	bool shared;			/* READ: as SMB3MC_RW_SHARED */
	unsigned int cuts;		/* answers cut short so far */
	u32 max;			/* asked for at once: the credits' cap */
	u32 asked;			/* by the request in flight */
	u32 result;
	int rc;
	smb3mc_rw_done_t done;
	void *private;
	u8 hdr[SMB3MC_RW_HDR_SIZE];
};

int smb3mc_read_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_rw *rw);
int smb3mc_write_submit(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
			struct smb3mc_rw *rw);

typedef void (*smb3mc_io_done_t)(void *private, ssize_t result,
				 size_t reach);

/* How smb3mc_rw_iter() moves the data. */
#define SMB3MC_RW_WRITE		BIT(0)	/* WRITE from @iter, not READ into it */
/*
 * A READ into memory that others can see before the call ends (a user's
 * pages, which may be another file's page cache): data that is yet to be
 * verified must not land there.
 */
#define SMB3MC_RW_SHARED	BIT(1)

ssize_t smb3mc_rw_iter(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       const struct iov_iter *iter, u64 offset, u64 eof,
		       unsigned int how, smb3mc_io_done_t done_fn,
		       void *private);
ssize_t smb3mc_pread(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		     void *buf, size_t len, u64 offset, u64 eof);
int smb3mc_flush(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid);

int smb3mc_io_init(void);
void smb3mc_io_exit(void);
void smb3mc_io_defer(struct work_struct *work);

#endif /* SMB3MC_OPS_IO_H */
