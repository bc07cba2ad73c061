// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE, CLOSE and FLUSH: opening a handle, closing it (optionally with
 * the final attributes) and flushing it (MS-SMB2 2.2.13 - 2.2.18); the
 * contexts of durable handles v2 (2.2.13.2.11, 2.2.13.2.12, 2.2.14.2.12).
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "pdu_file.h"

const struct smb3mc_fid smb3mc_fid_related = {
	.persistent = U64_MAX,
	.volatile_id = U64_MAX,
};

/* SMB2 CREATE Request, MS-SMB2 2.2.13 */
struct smb2_create_req {
	__le16 structure_size;		/* 57 */
	__u8 security_flags;		/* reserved, 0 */
	__u8 requested_oplock_level;
	__le32 impersonation_level;
	__le64 smb_create_flags;	/* reserved, 0 */
	__le64 reserved;
	__le32 desired_access;
	__le32 file_attributes;
	__le32 share_access;
	__le32 create_disposition;
	__le32 create_options;
	__le16 name_offset;
	__le16 name_length;
	__le32 create_contexts_offset;
	__le32 create_contexts_length;
	/* Buffer: the name, then create contexts */
} __packed;
static_assert(sizeof(struct smb2_create_req) == 56);
static_assert(SMB2_HDR_SIZE + sizeof(struct smb2_create_req) ==
	      SMB3MC_CREATE_NAME_OFFSET);

/* SMB2 CREATE Response, MS-SMB2 2.2.14 */
struct smb2_create_rsp {
	__le16 structure_size;		/* 89 */
	__u8 oplock_level;
	__u8 flags;
	__le32 create_action;
	struct smb2_file_times times;
	__le64 allocation_size;
	__le64 endof_file;
	__le32 file_attributes;
	__le32 reserved2;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le32 create_contexts_offset;
	__le32 create_contexts_length;
	/* Buffer: create contexts */
} __packed;
static_assert(sizeof(struct smb2_create_rsp) == 88);

/* SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2, MS-SMB2 2.2.13.2.11 */
struct smb2_dh2q {
	__le32 timeout;
	__le32 flags;
	__le64 reserved;
	__u8 create_guid[SMB3MC_CREATE_GUID_SIZE];
} __packed;
static_assert(sizeof(struct smb2_dh2q) == 32);

/* SMB2_CREATE_DURABLE_HANDLE_RECONNECT_V2, MS-SMB2 2.2.13.2.12 */
struct smb2_dh2c {
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__u8 create_guid[SMB3MC_CREATE_GUID_SIZE];
	__le32 flags;
} __packed;
static_assert(sizeof(struct smb2_dh2c) == 36);

/* SMB2_CREATE_DURABLE_HANDLE_RESPONSE_V2, MS-SMB2 2.2.14.2.12 */
struct smb2_dh2q_rsp {
	__le32 timeout;
	__le32 flags;
} __packed;
static_assert(sizeof(struct smb2_dh2q_rsp) == 8);

/* Both contexts: the header, the 4-byte name padded to 8, the data */
#define DH2_DATA_OFFSET		(sizeof(struct smb2_create_ctx) + 8)
static_assert(DH2_DATA_OFFSET + sizeof(struct smb2_dh2q) ==
	      SMB3MC_DH2Q_CTX_SIZE);
static_assert(DH2_DATA_OFFSET + sizeof(struct smb2_dh2c) ==
	      SMB3MC_DH2C_CTX_SIZE);

/* The create context names, MS-SMB2 2.2.13.2 */
static const char smb2_dh2q_name[4] = { 'D', 'H', '2', 'Q' };
static const char smb2_dh2c_name[4] = { 'D', 'H', '2', 'C' };

/*
 * The DH2Q or DH2C context at @buf (zeroed, 8-aligned); @next is its
 * Next, 0 for the last. Returns the data, to be filled.
 */
static void *dh2_ctx_fill(u8 *buf, const char *name, u32 data_len, u32 next)
{
	struct smb2_create_ctx *c = (void *)buf;

	c->next = cpu_to_le32(next);
	c->name_offset = cpu_to_le16(sizeof(*c));
	c->name_length = cpu_to_le16(4);
	c->data_offset = cpu_to_le16(DH2_DATA_OFFSET);
	c->data_length = cpu_to_le32(data_len);
	memcpy(buf + sizeof(*c), name, 4);
	return buf + DH2_DATA_OFFSET;
}

/*
 * The durable context of @args at @buf, padded to 8 bytes when the lease
 * context follows; returns its size, 0 for none.
 */
static size_t create_durable_fill(u8 *buf,
				  const struct smb3mc_create_args *args)
{
	const struct smb3mc_durable *dh = args->durable ?: args->reclaim;
	size_t size = args->durable ? SMB3MC_DH2Q_CTX_SIZE :
				      SMB3MC_DH2C_CTX_SIZE;
	struct smb2_dh2q *q;
	struct smb2_dh2c *c;
	u32 next = 0;

	if (!dh)
		return 0;
	if (args->lease) {
		size = ALIGN(size, 8);
		next = size;
	}
	if (args->durable) {
		q = dh2_ctx_fill(buf, smb2_dh2q_name, sizeof(*q), next);
		q->timeout = cpu_to_le32(dh->timeout);
		q->flags = cpu_to_le32(dh->flags);
		memcpy(q->create_guid, dh->create_guid, sizeof(q->create_guid));
	} else {
		c = dh2_ctx_fill(buf, smb2_dh2c_name, sizeof(*c), next);
		c->persistent_file_id = cpu_to_le64(dh->fid.persistent);
		c->volatile_file_id = cpu_to_le64(dh->fid.volatile_id);
		memcpy(c->create_guid, dh->create_guid, sizeof(c->create_guid));
		c->flags = cpu_to_le32(dh->flags);
	}
	return size;
}

/* SMB2 CLOSE Request, MS-SMB2 2.2.15 */
struct smb2_close_req {
	__le16 structure_size;		/* 24 */
	__le16 flags;
	__le32 reserved;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
} __packed;
static_assert(sizeof(struct smb2_close_req) == 24);

/* SMB2 CLOSE Response, MS-SMB2 2.2.16 */
struct smb2_close_rsp {
	__le16 structure_size;		/* 60 */
	__le16 flags;
	__le32 reserved;
	struct smb2_file_times times;
	__le64 allocation_size;
	__le64 endof_file;
	__le32 file_attributes;
} __packed;
static_assert(sizeof(struct smb2_close_rsp) == 60);

/* SMB2 FLUSH Request, MS-SMB2 2.2.17 */
struct smb2_flush_req {
	__le16 structure_size;		/* 24 */
	__le16 reserved1;
	__le32 reserved2;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
} __packed;
static_assert(sizeof(struct smb2_flush_req) == 24);

/* SMB2 FLUSH Response, MS-SMB2 2.2.18 */
struct smb2_flush_rsp {
	__le16 structure_size;		/* 4 */
	__le16 reserved;
} __packed;
static_assert(sizeof(struct smb2_flush_rsp) == 4);

int smb3mc_build_create(void *buf, size_t size,
			const struct smb3mc_create_args *args)
{
	const struct smb3mc_durable *dh;
	struct smb2_create_req *req;
	size_t name_room, ctx_off, ctx_len, total;
	u8 *ctx;

	if (!args || (args->name_len && !args->name) || (args->name_len & 1) ||
	    args->oplock_level == SMB2_OPLOCK_LEVEL_LEASE ||
	    (args->lease && args->lease->state & ~SMB2_LEASE_STATES))
		return -EINVAL;
	/* MS-SMB2 3.3.5.9.10: asking for a durable handle and reclaiming one */
	dh = args->durable ?: args->reclaim;
	if ((args->durable && args->reclaim) ||
	    (dh && dh->flags & ~SMB2_DHANDLE_FLAG_PERSISTENT))
		return -EINVAL;
	/*
	 * The Buffer field must not be empty even for the share root
	 * (MS-SMB2 2.2.13); padding the name to 8 bytes also puts any
	 * create context that follows on the 8-byte boundary 2.2.13.2
	 * requires. The durable context comes first, padded to 8 when the
	 * lease context follows; the lease context, whose size is not a
	 * multiple of 8, last.
	 */
	name_room = max_t(size_t, 8, ALIGN(args->name_len, 8));
	ctx_off = SMB3MC_CREATE_NAME_OFFSET + name_room;
	ctx_len = 0;
	if (args->durable)
		ctx_len = SMB3MC_DH2Q_CTX_SIZE;
	else if (args->reclaim)
		ctx_len = SMB3MC_DH2C_CTX_SIZE;
	if (args->lease)
		ctx_len = ALIGN(ctx_len, 8) + SMB3MC_LEASE_CTX_SIZE;
	total = ctx_off + ctx_len;
	req = smb3mc_req_start(buf, size, total, SMB2_CREATE);
	if (!req)
		return -ENOSPC;

	req->structure_size = cpu_to_le16(57);
	req->requested_oplock_level = args->oplock_level;
	if (ctx_len) {
		req->create_contexts_offset = cpu_to_le32(ctx_off);
		req->create_contexts_length = cpu_to_le32(ctx_len);
	}
	ctx = (u8 *)buf + ctx_off;
	ctx += create_durable_fill(ctx, args);
	if (args->lease) {
		req->requested_oplock_level = SMB2_OPLOCK_LEVEL_LEASE;
		smb3mc_lease_ctx_fill(ctx, args->lease);
	}
	req->impersonation_level = cpu_to_le32(args->impersonation_level);
	req->desired_access = cpu_to_le32(args->desired_access);
	req->file_attributes = cpu_to_le32(args->file_attributes);
	req->share_access = cpu_to_le32(args->share_access);
	req->create_disposition = cpu_to_le32(args->create_disposition);
	req->create_options = cpu_to_le32(args->create_options);
	req->name_offset = cpu_to_le16(SMB3MC_CREATE_NAME_OFFSET);
	req->name_length = cpu_to_le16(args->name_len);
	if (args->name_len)
		memcpy(req + 1, args->name, args->name_len);
	return total;
}

int smb3mc_parse_create(const void *msg, size_t len,
			struct smb3mc_create_rsp *rsp)
{
	const struct smb2_create_rsp *r;
	u32 off, clen;

	if (smb3mc_rsp_check(msg, len, SMB2_CREATE, 89))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;

	/*
	 * CreateContexts (MS-SMB2 2.2.14): after the fixed body, 8-byte
	 * aligned (2.2.13.2), entirely inside the message. Each context's
	 * own chain is checked by whoever interprets it.
	 */
	off = le32_to_cpu(r->create_contexts_offset);
	clen = le32_to_cpu(r->create_contexts_length);
	if (clen) {
		if (off < SMB2_HDR_SIZE + sizeof(*r) || (off & 7) ||
		    !smb3mc_range_ok(len, off, clen))
			return -EIO;
		rsp->contexts = (const u8 *)msg + off;
	} else {
		rsp->contexts = NULL;
	}
	rsp->contexts_len = clen;

	rsp->fid.persistent = le64_to_cpu(r->persistent_file_id);
	rsp->fid.volatile_id = le64_to_cpu(r->volatile_file_id);
	rsp->oplock_level = r->oplock_level;
	rsp->flags = r->flags;
	rsp->create_action = le32_to_cpu(r->create_action);
	smb3mc_attrs_times(&rsp->attrs, &r->times, r->file_attributes);
	smb3mc_attrs_sizes(&rsp->attrs, r->allocation_size, r->endof_file);
	return 0;
}

int smb3mc_parse_durable_ctx(const u8 *ctx, u32 len,
			     struct smb3mc_durable *durable)
{
	const struct smb2_dh2q_rsp *r;
	const u8 *data;
	u32 dlen, flags;
	int rc;

	rc = smb3mc_create_ctx_find(ctx, len, smb2_dh2q_name,
				    sizeof(smb2_dh2q_name), &data, &dlen);
	if (rc)
		return rc;
	if (dlen != sizeof(*r))
		return -EIO;
	r = (const void *)data;
	flags = le32_to_cpu(r->flags);
	if (flags & ~SMB2_DHANDLE_FLAG_PERSISTENT)
		return -EIO;
	durable->timeout = le32_to_cpu(r->timeout);
	durable->flags = flags;
	return 0;
}

int smb3mc_build_close(void *buf, size_t size, const struct smb3mc_fid *fid,
		       bool postquery)
{
	struct smb2_close_req *req;
	size_t total = SMB2_HDR_SIZE + sizeof(*req);

	if (!fid)
		return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_CLOSE);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(24);
	if (postquery)
		req->flags = cpu_to_le16(SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	return total;
}

int smb3mc_parse_close(const void *msg, size_t len,
		       struct smb3mc_file_attrs *attrs)
{
	const struct smb2_close_rsp *r;

	if (smb3mc_rsp_check(msg, len, SMB2_CLOSE, 60))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;

	/*
	 * Without POSTQUERY_ATTRIB in the response Flags the attribute
	 * fields are zero and meaningless (MS-SMB2 2.2.16), even if the
	 * client asked for them.
	 */
	if (!(le16_to_cpu(r->flags) & SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB))
		return 0;
	smb3mc_attrs_times(attrs, &r->times, r->file_attributes);
	smb3mc_attrs_sizes(attrs, r->allocation_size, r->endof_file);
	return 0;
}

int smb3mc_build_flush(void *buf, size_t size, const struct smb3mc_fid *fid)
{
	struct smb2_flush_req *req;
	size_t total = SMB2_HDR_SIZE + sizeof(*req);

	if (!fid)
		return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_FLUSH);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(24);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	return total;
}

int smb3mc_parse_flush(const void *msg, size_t len)
{
	return smb3mc_rsp_check(msg, len, SMB2_FLUSH,
				sizeof(struct smb2_flush_rsp)) ? -EIO : 0;
}
