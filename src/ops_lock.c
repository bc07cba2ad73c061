// SPDX-License-Identifier: GPL-2.0
/*
 * Byte-range locks on an open handle (MS-SMB2 3.2.4.19): LOCK and its
 * unlock, one range per request. A lock that may wait is sent without
 * FAIL_IMMEDIATELY and waits for the server's final answer as long as
 * the server says it is pending; a signal cancels it.
 */

#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "nterr.h"
#include "ops.h"
#include "session.h"

/*
 * The LockSequence of a LOCK on @open's handle: one of its buckets while
 * it is durable, none otherwise (MS-SMB2 3.2.4.19). A lock sent again
 * after its connection was lost, which dispatch does with the same
 * bytes, keeps it.
 */
static u32 lock_seq_take(struct smb3mc_open *open)
{
	u32 lock_sequence = 0;

	if (!open)
		return 0;
	mutex_lock(&open->tcon->open_lock);
	if (open->durable)
		lock_sequence = smb3mc_lock_seq_take(&open->lock_seq);
	mutex_unlock(&open->tcon->open_lock);
	return lock_sequence;
}

static void lock_seq_put(struct smb3mc_open *open, u32 lock_sequence)
{
	if (!lock_sequence)
		return;
	mutex_lock(&open->tcon->open_lock);
	smb3mc_lock_seq_put(&open->lock_seq, lock_sequence);
	mutex_unlock(&open->tcon->open_lock);
}

static int lock_send(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
		     const struct smb3mc_fid *fid,
		     const struct smb3mc_lock_range *range, bool wait)
{
	size_t size = smb3mc_lock_req_size(1);
	struct smb3mc_call *call = smb3mc_call_alloc(size);
	u32 lock_sequence;
	__le32 status;
	int len, rc;

	if (!call)
		return -ENOMEM;
	lock_sequence = lock_seq_take(open);
	len = smb3mc_build_lock(call->buf, size,
				smb3mc_call_fid(call, tcon, fid),
				lock_sequence, range, 1);
	if (wait)
		rc = smb3mc_call_send_cancellable(tcon->ses, tcon, call,
						  len);
	else
		rc = smb3mc_call_send(tcon->ses, tcon, call, len, 0);
	status = call->req.status;
	if (!rc) {
		if (smb3mc_parse_lock(call->req.rsp, call->req.rsp_len))
			rc = smb3mc_rsp_refuse(tcon->ses, SMB2_LOCK,
					       "malformed");
	} else if (call->req.rsp && !call->req.rc) {
		/*
		 * MS-SMB2 3.3.5.14: a lock held by another open is
		 * STATUS_LOCK_NOT_GRANTED, or STATUS_FILE_LOCK_CONFLICT from
		 * some servers; fcntl(F_SETLK) says EAGAIN. A cancelled wait
		 * ended by a signal, which restarts the call or reports EINTR.
		 */
		if (status == STATUS_LOCK_NOT_GRANTED ||
		    status == STATUS_FILE_LOCK_CONFLICT)
			rc = -EAGAIN;
		else if (status == STATUS_CANCELLED)
			rc = signal_pending(current) ? -ERESTARTSYS : -EINTR;
	}
	/*
	 * One with no final answer (given up, or lost with its connections)
	 * may still be applied: its bucket stays in use for the handle's
	 * life, as MS-SMB2 3.2.4.19 keeps it until that answer.
	 */
	if (call->req.rsp)
		lock_seq_put(open, lock_sequence);
	smb3mc_call_free(call);
	return rc;
}

/**
 * smb3mc_lock - lock a byte range of an open file on the server
 * @tcon: tree connect of the share
 * @open: from smb3mc_handle_keep(): a new session takes the lock again,
 *	and the LOCK has a lock sequence of the handle's; NULL for a handle
 *	not kept
 * @fid: the handle; the lock belongs to it (MS-SMB2 3.3.5.14)
 * @offset: first byte
 * @length: bytes; the range must end at 2^64 - 1 at most
 * @exclusive: an exclusive (write) lock, else a shared (read) one
 * @wait: wait for a conflicting lock to go, else fail at once
 *
 * Return: 0 once the lock is held; -EAGAIN when another open holds a
 * conflicting one (and @wait is false, or the server would not wait);
 * -ERESTARTSYS (-EINTR for a fatal signal) when a signal ended the wait;
 * -ENOMEM.
 */
int smb3mc_lock(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
		const struct smb3mc_fid *fid, u64 offset, u64 length,
		bool exclusive, bool wait)
{
	struct smb3mc_lock_range r = {
		.offset = offset,
		.length = length,
		.flags = exclusive ? SMB2_LOCKFLAG_EXCLUSIVE_LOCK :
				     SMB2_LOCKFLAG_SHARED_LOCK,
	};

	int rc;

	if (!wait)
		r.flags |= SMB2_LOCKFLAG_FAIL_IMMEDIATELY;
	rc = lock_send(tcon, open, fid, &r, wait);
	if (rc || !open)
		return rc;
	rc = smb3mc_open_lock_add(open, offset, length, exclusive);
	if (rc) {
		r.flags = SMB2_LOCKFLAG_UNLOCK;
		lock_send(tcon, open, fid, &r, false);
	}
	return rc;
}

/**
 * smb3mc_unlock - release a range locked with smb3mc_lock()
 * @tcon: tree connect of the share
 * @open: as given to smb3mc_lock()
 * @fid: the handle that holds the lock
 * @offset: as locked
 * @length: as locked: a server unlocks only a range that matches a lock
 *
 * Return: 0, or -ENOLCK when the handle holds no such lock.
 */
int smb3mc_unlock(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
		  const struct smb3mc_fid *fid, u64 offset, u64 length)
{
	struct smb3mc_lock_range r = {
		.offset = offset,
		.length = length,
		.flags = SMB2_LOCKFLAG_UNLOCK,
	};

	if (open)
		smb3mc_open_lock_del(open, offset, length);
	return lock_send(tcon, open, fid, &r, false);
}
