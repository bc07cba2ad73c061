// SPDX-License-Identifier: GPL-2.0
/*
 * LOCK (MS-SMB2 2.2.26, 2.2.27): byte-range locks on an open handle.
 */
#include <asm/byteorder.h>
#include <linux/bitops.h>
#include <linux/errno.h>

#include "pdu_file.h"

/* SMB2_LOCK_ELEMENT, MS-SMB2 2.2.26.1 */
struct smb2_lock_element {
	__le64 offset;
	__le64 length;
	__le32 flags;
	__le32 reserved;
} __packed;
static_assert(sizeof(struct smb2_lock_element) == SMB3MC_LOCK_ELEMENT);

/* SMB2 LOCK Request, MS-SMB2 2.2.26, without its Locks array */
struct smb2_lock_req {
	__le16 structure_size;		/* 48: counts one element */
	__le16 lock_count;
	/* LockSequenceNumber in the low 4 bits, LockSequenceIndex above */
	__le32 lock_sequence;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	/* Locks: lock_count elements */
} __packed;
static_assert(SMB2_HDR_SIZE + sizeof(struct smb2_lock_req) ==
	      SMB3MC_LOCK_REQ_FIXED);

/* SMB2 LOCK Response, MS-SMB2 2.2.27 */
#define SMB2_LOCK_RSP_SIZE	4

#define SMB2_LOCKFLAG_LOCKS	(SMB2_LOCKFLAG_SHARED_LOCK | \
				 SMB2_LOCKFLAG_EXCLUSIVE_LOCK)

/*
 * The flag combinations MS-SMB2 3.3.5.14 accepts: SHARED or EXCLUSIVE,
 * with or without FAIL_IMMEDIATELY, or UNLOCK alone.
 */
static bool lock_flags_ok(u32 flags)
{
	u32 kind = flags & ~SMB2_LOCKFLAG_FAIL_IMMEDIATELY;

	if (flags == SMB2_LOCKFLAG_UNLOCK)
		return true;
	return kind == SMB2_LOCKFLAG_SHARED_LOCK ||
	       kind == SMB2_LOCKFLAG_EXCLUSIVE_LOCK;
}

/*
 * @r is acceptable in a request whose first range is @first: all unlocks
 * or all locks, and several locks only if none may wait (MS-SMB2
 * 3.3.5.14), and no range past the last byte (MS-FSA 2.1.5.7).
 */
static bool lock_range_ok(const struct smb3mc_lock_range *r,
			  const struct smb3mc_lock_range *first,
			  unsigned int count)
{
	if (!lock_flags_ok(r->flags))
		return false;
	if ((r->flags & SMB2_LOCKFLAG_UNLOCK) !=
	    (first->flags & SMB2_LOCKFLAG_UNLOCK))
		return false;
	if (count > 1 && (r->flags & SMB2_LOCKFLAG_LOCKS) &&
	    !(r->flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY))
		return false;
	return !r->length || r->length - 1 <= U64_MAX - r->offset;
}

int smb3mc_build_lock(void *buf, size_t size, const struct smb3mc_fid *fid,
		      u32 lock_sequence,
		      const struct smb3mc_lock_range *ranges,
		      unsigned int count)
{
	size_t total = smb3mc_lock_req_size(count);
	struct smb2_lock_element *el;
	struct smb2_lock_req *req;
	unsigned int i;

	if (!fid || !ranges || !count || count > SMB3MC_LOCK_MAX_RANGES)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (!lock_range_ok(&ranges[i], &ranges[0], count))
			return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_LOCK);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(48);
	req->lock_count = cpu_to_le16(count);
	req->lock_sequence = cpu_to_le32(lock_sequence);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	el = (struct smb2_lock_element *)(req + 1);
	for (i = 0; i < count; i++) {
		el[i].offset = cpu_to_le64(ranges[i].offset);
		el[i].length = cpu_to_le64(ranges[i].length);
		el[i].flags = cpu_to_le32(ranges[i].flags);
	}
	return total;
}

int smb3mc_parse_lock(const void *msg, size_t len)
{
	return smb3mc_rsp_check(msg, len, SMB2_LOCK, SMB2_LOCK_RSP_SIZE);
}

/**
 * smb3mc_lock_seq_take - the LockSequence of a new LOCK on a durable handle
 * @seq: the handle's buckets
 *
 * MS-SMB2 3.2.4.19: a free bucket, now in use, its number one more
 * (modulo 16, the field's 4 bits).
 *
 * Return: LockSequenceIndex << 4 | LockSequenceNumber, as the request
 * carries it; 0 when all 64 buckets are in use: the LOCK goes without,
 * as on a handle that is not durable.
 */
u32 smb3mc_lock_seq_take(struct smb3mc_lock_seq *seq)
{
	unsigned int i;

	if (!~seq->busy)
		return 0;
	i = __ffs64(~seq->busy);
	seq->busy |= BIT_ULL(i);
	seq->number[i] = (seq->number[i] + 1) & 0xf;
	return (i + 1) << 4 | seq->number[i];
}

/**
 * smb3mc_lock_seq_put - free the bucket of a LOCK that has ended
 * @seq: the handle's buckets
 * @lock_sequence: from smb3mc_lock_seq_take(), 0 for none
 *
 * Once the LOCK got its final answer, or will not be sent again (MS-SMB2
 * 3.2.5.14): the next LOCK to use the bucket has another number.
 */
void smb3mc_lock_seq_put(struct smb3mc_lock_seq *seq, u32 lock_sequence)
{
	u32 index = lock_sequence >> 4;

	if (index && index <= SMB3MC_LOCK_BUCKETS)
		seq->busy &= ~BIT_ULL(index - 1);
}
