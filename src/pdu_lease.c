// SPDX-License-Identifier: GPL-2.0
/*
 * Leases (MS-SMB2 2.2.13.2.10, 2.2.14.2.10, 2.2.23.2, 2.2.24.2, 2.2.25.2):
 * the create context that asks for one and the one that grants it, the
 * break notification, its acknowledgment, and what a break asks of the
 * client (3.2.5.19.2).
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "pdu_file.h"

/* SMB2_CREATE_REQUEST_LEASE_V2 and _RESPONSE_LEASE_V2, 2.2.13.2.10 / 2.2.14.2.10 */
struct smb2_lease_v2 {
	__u8 lease_key[SMB3MC_LEASE_KEY_SIZE];
	__le32 lease_state;
	__le32 flags;
	__le64 lease_duration;
	__u8 parent_lease_key[SMB3MC_LEASE_KEY_SIZE];
	__le16 epoch;
	__le16 reserved;
} __packed;
static_assert(sizeof(struct smb2_lease_v2) == 52);

/* SMB2_CREATE_RESPONSE_LEASE (v1), 2.2.14.2.10: the v2 layout's first part */
#define SMB2_LEASE_V1_SIZE	32

/* The context: its header, the name "RqLs" padded to 8, the data */
struct smb2_lease_ctx {
	struct smb2_create_ctx hdr;
	char name[4];
	__u8 pad[4];
	struct smb2_lease_v2 lease;
} __packed;
static_assert(sizeof(struct smb2_lease_ctx) == SMB3MC_LEASE_CTX_SIZE);

/* The create context name of a lease, MS-SMB2 2.2.13.2 */
static const char smb2_lease_name[4] = { 'R', 'q', 'L', 's' };

/* Lease Break Notification, MS-SMB2 2.2.23.2 */
struct smb2_lease_break {
	__le16 structure_size;		/* 44 */
	__le16 new_epoch;
	__le32 flags;
	__u8 lease_key[SMB3MC_LEASE_KEY_SIZE];
	__le32 current_lease_state;
	__le32 new_lease_state;
	__le32 break_reason;
	__le32 access_mask_hint;
	__le32 share_mask_hint;
} __packed;
static_assert(sizeof(struct smb2_lease_break) == 44);

/* Lease Break Acknowledgment and Response, MS-SMB2 2.2.24.2 / 2.2.25.2 */
struct smb2_lease_ack {
	__le16 structure_size;		/* 36 */
	__le16 reserved;
	__le32 flags;
	__u8 lease_key[SMB3MC_LEASE_KEY_SIZE];
	__le32 lease_state;
	__le64 lease_duration;
} __packed;
static_assert(sizeof(struct smb2_lease_ack) == 36);

/**
 * smb3mc_lease_ctx_fill - write the lease context of a CREATE request
 * @buf: SMB3MC_LEASE_CTX_SIZE zeroed bytes, 8-byte aligned in the request
 * @lease: the key and state asked for
 *
 * Version 2, without a parent key, Epoch 0: the client has seen no
 * state of the lease yet.
 */
void smb3mc_lease_ctx_fill(void *buf, const struct smb3mc_lease *lease)
{
	struct smb2_lease_ctx *ctx = buf;

	ctx->hdr.name_offset = cpu_to_le16(offsetof(struct smb2_lease_ctx,
						    name));
	ctx->hdr.name_length = cpu_to_le16(sizeof(smb2_lease_name));
	ctx->hdr.data_offset = cpu_to_le16(offsetof(struct smb2_lease_ctx,
						    lease));
	ctx->hdr.data_length = cpu_to_le32(sizeof(ctx->lease));
	memcpy(ctx->name, smb2_lease_name, sizeof(ctx->name));
	memcpy(ctx->lease.lease_key, lease->key, SMB3MC_LEASE_KEY_SIZE);
	ctx->lease.lease_state = cpu_to_le32(lease->state);
}

/* The lease data of a context, v1 or v2, into @lease. */
static int lease_data_parse(const u8 *data, u32 len,
			    struct smb3mc_lease *lease)
{
	const struct smb2_lease_v2 *l = (const void *)data;

	if (len != sizeof(*l) && len != SMB2_LEASE_V1_SIZE)
		return -EIO;
	memcpy(lease->key, l->lease_key, SMB3MC_LEASE_KEY_SIZE);
	lease->state = le32_to_cpu(l->lease_state);
	if (lease->state & ~SMB2_LEASE_STATES)
		return -EIO;
	lease->breaking = le32_to_cpu(l->flags) &
			  SMB2_LEASE_FLAG_BREAK_IN_PROGRESS;
	lease->v2 = len == sizeof(*l);
	lease->epoch = lease->v2 ? le16_to_cpu(l->epoch) : 0;
	return 0;
}

int smb3mc_parse_lease_ctx(const u8 *ctx, u32 len, struct smb3mc_lease *lease)
{
	const u8 *data;
	u32 dlen;
	int rc;

	rc = smb3mc_create_ctx_find(ctx, len, smb2_lease_name,
				    sizeof(smb2_lease_name), &data, &dlen);
	return rc ?: lease_data_parse(data, dlen, lease);
}

int smb3mc_parse_lease_break(const void *msg, size_t len,
			     struct smb3mc_lease_break *brk)
{
	const struct smb2_lease_break *b;

	if (smb3mc_rsp_check(msg, len, SMB2_OPLOCK_BREAK, sizeof(*b)))
		return -EIO;
	b = msg + SMB2_HDR_SIZE;
	memcpy(brk->key, b->lease_key, SMB3MC_LEASE_KEY_SIZE);
	brk->flags = le32_to_cpu(b->flags);
	brk->current_state = le32_to_cpu(b->current_lease_state);
	brk->new_state = le32_to_cpu(b->new_lease_state);
	brk->epoch = le16_to_cpu(b->new_epoch);
	/* A break takes states away (MS-SMB2 3.3.4.7), never adds one. */
	if ((brk->current_state | brk->new_state) & ~SMB2_LEASE_STATES ||
	    brk->new_state & ~brk->current_state ||
	    brk->new_state == brk->current_state)
		return -EIO;
	return 0;
}

int smb3mc_build_lease_ack(void *buf, size_t size, const u8 *key, u32 state)
{
	size_t total = SMB2_HDR_SIZE + sizeof(struct smb2_lease_ack);
	struct smb2_lease_ack *ack;

	if (!key || state & ~SMB2_LEASE_STATES)
		return -EINVAL;
	ack = smb3mc_req_start(buf, size, total, SMB2_OPLOCK_BREAK);
	if (!ack)
		return -ENOSPC;
	ack->structure_size = cpu_to_le16(sizeof(*ack));
	memcpy(ack->lease_key, key, SMB3MC_LEASE_KEY_SIZE);
	ack->lease_state = cpu_to_le32(state);
	return total;
}

int smb3mc_parse_lease_ack(const void *msg, size_t len, const u8 *key,
			   u32 *state)
{
	const struct smb2_lease_ack *r;

	if (smb3mc_rsp_check(msg, len, SMB2_OPLOCK_BREAK, sizeof(*r)))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	if (memcmp(r->lease_key, key, SMB3MC_LEASE_KEY_SIZE))
		return -EIO;
	*state = le32_to_cpu(r->lease_state);
	return *state & ~SMB2_LEASE_STATES ? -EIO : 0;
}

/**
 * smb3mc_lease_grant - take in the lease a CREATE response granted
 * @held: the lease of the file, whose key @got has
 * @held_valid: whether @held is in force; set when @got is taken
 * @got: from smb3mc_parse_lease_ctx()
 *
 * Responses on several channels may come in any order: a grant older
 * than a break already handled must not give back what the break took.
 * A grant while a break of the lease is under way gives nothing new: the
 * break that follows takes from what was held. Such a grant carries the
 * state the break starts from and the epoch of the break (MS-SMB2
 * 3.3.5.9.11; Samba answers so), so it stands for the epoch before: the
 * break, often handled after it, must not pass for one already seen, or
 * it would neither drop the cache nor be acknowledged.
 *
 * Return: whether @held changed.
 */
bool smb3mc_lease_grant(struct smb3mc_lease *held, bool *held_valid,
			const struct smb3mc_lease *got)
{
	u32 had = *held_valid ? held->state : 0;

	if (*held_valid && held->v2 && got->v2 &&
	    !smb3mc_lease_epoch_newer(held->epoch, got->epoch))
		return false;
	held->state = got->breaking ? had & got->state : got->state;
	held->epoch = got->breaking ? (u16)(got->epoch - 1) : got->epoch;
	held->v2 = got->v2;
	*held_valid = true;
	return true;
}

/**
 * smb3mc_lease_break_plan - what to do for a break of a lease of ours
 * @held: the lease as last granted or broken
 * @held_valid: @held is in force; false once the client closed the
 *	handles it was granted with (the server may still break it, late)
 * @brk: the break, parsed
 * @plan: filled
 *
 * The client keeps the states the break leaves, of those it held, and
 * acknowledges exactly those (MS-SMB2 2.2.24.2: a subset of the new
 * state). A break of a v2 lease whose epoch is not newer than the one
 * held is one the client has seen, or older than a grant it has seen
 * since: it changes nothing.
 */
void smb3mc_lease_break_plan(const struct smb3mc_lease *held, bool held_valid,
			     const struct smb3mc_lease_break *brk,
			     struct smb3mc_lease_plan *plan)
{
	u32 had = held_valid ? held->state : 0;

	memset(plan, 0, sizeof(*plan));
	if (held_valid && held->v2 &&
	    !smb3mc_lease_epoch_newer(held->epoch, brk->epoch)) {
		plan->state = had;
		plan->stale = true;
		return;
	}
	plan->state = had & brk->new_state;
	plan->write_back = had & SMB2_LEASE_WRITE_CACHING &&
			   !(plan->state & SMB2_LEASE_WRITE_CACHING);
	plan->drop_cache = had & SMB2_LEASE_READ_CACHING &&
			   !(plan->state & SMB2_LEASE_READ_CACHING);
	plan->ack = brk->flags & SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED;
}

/**
 * smb3mc_lease_break_apply - what a break planned so leaves of @held
 * @held: the lease, as for smb3mc_lease_break_plan()
 * @held_valid: whether @held is in force; set when the break makes it so
 * @awaited: a CREATE that asked for the lease was in flight when the
 *	break came, and still is: its grant may not have been taken in yet
 * @brk: the break
 * @plan: from smb3mc_lease_break_plan()
 *
 * From here on nothing counts on what the break takes. A break handled
 * before the grant it breaks (the CREATE response is verified by a worker,
 * or came on another channel) stands as the lease, at its epoch: the
 * grant, of an older one, then installs nothing. Without such a CREATE
 * the break is of a lease whose last handle the client closed, sent
 * before the server had the CLOSE (3.3.4.7): acknowledged as it asks,
 * with nothing held, it is not kept. The next open starts a new lease,
 * whose epoch counts again from the one the request carries (3.3.5.9.11):
 * kept, the old break would have that grant ignored as older, and the
 * first break of the new lease, of the old one's epoch, ignored as seen
 * already, unacknowledged: another client's open would wait for the
 * server's timeout.
 *
 * Return: true when @held was not in force and is now.
 */
bool smb3mc_lease_break_apply(struct smb3mc_lease *held, bool *held_valid,
			      bool awaited,
			      const struct smb3mc_lease_break *brk,
			      const struct smb3mc_lease_plan *plan)
{
	bool was = *held_valid;

	if (plan->stale || (!was && !awaited))
		return false;
	held->state = plan->state;
	held->epoch = brk->epoch;
	if (!was)
		held->v2 = true;
	*held_valid = true;
	return !was;
}
