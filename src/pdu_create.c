// SPDX-License-Identifier: GPL-2.0
/*
 * CREATE, CLOSE and FLUSH: opening a handle, closing it (optionally with
 * the final attributes) and flushing it (MS-SMB2 2.2.13 - 2.2.18).
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "pdu_file.h"

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
	struct smb2_create_req *req;
	size_t name_room, total;

	if (!args || (args->name_len && !args->name) || (args->name_len & 1) ||
	    args->oplock_level == SMB2_OPLOCK_LEVEL_LEASE ||
	    (args->lease && args->lease->state & ~SMB2_LEASE_STATES))
		return -EINVAL;
	/*
	 * The Buffer field must not be empty even for the share root
	 * (MS-SMB2 2.2.13); padding the name to 8 bytes also puts any
	 * create context that follows on the 8-byte boundary 2.2.13.2
	 * requires.
	 */
	name_room = max_t(size_t, 8, ALIGN(args->name_len, 8));
	total = SMB3MC_CREATE_NAME_OFFSET + name_room;
	if (args->lease)
		total += SMB3MC_LEASE_CTX_SIZE;
	req = smb3mc_req_start(buf, size, total, SMB2_CREATE);
	if (!req)
		return -ENOSPC;

	req->structure_size = cpu_to_le16(57);
	req->requested_oplock_level = args->oplock_level;
	if (args->lease) {
		req->requested_oplock_level = SMB2_OPLOCK_LEVEL_LEASE;
		req->create_contexts_offset =
			cpu_to_le32(SMB3MC_CREATE_NAME_OFFSET + name_room);
		req->create_contexts_length =
			cpu_to_le32(SMB3MC_LEASE_CTX_SIZE);
		smb3mc_lease_ctx_fill((u8 *)buf + SMB3MC_CREATE_NAME_OFFSET +
				      name_room, args->lease);
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
