// SPDX-License-Identifier: GPL-2.0
/*
 * READ and WRITE (MS-SMB2 2.2.19 - 2.2.22). The payload is never copied
 * here: READ data is returned as a pointer into the received message (or
 * just its position, for a channel receiving into pages), WRITE data is
 * sent by the channel after the request built here.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>

#include "nterr.h"
#include "pdu_file.h"

/* SMB2 READ Request, MS-SMB2 2.2.19 */
struct smb2_read_req {
	__le16 structure_size;		/* 49 */
	__u8 padding;
	__u8 flags;
	__le32 length;
	__le64 offset;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le32 minimum_count;
	__le32 channel;			/* SMB2_CHANNEL_NONE */
	__le32 remaining_bytes;
	__le16 read_channel_info_offset;
	__le16 read_channel_info_length;
	/* Buffer */
} __packed;
static_assert(sizeof(struct smb2_read_req) == 48);

/* SMB2 READ Response, MS-SMB2 2.2.20 */
struct smb2_read_rsp {
	__le16 structure_size;		/* 17 */
	__u8 data_offset;
	__u8 reserved;
	__le32 data_length;
	__le32 data_remaining;
	__le32 flags;			/* Reserved2 before 3.1.1 */
	/* Buffer: the data */
} __packed;
static_assert(sizeof(struct smb2_read_rsp) == 16);

/* SMB2 WRITE Request, MS-SMB2 2.2.21 */
struct smb2_write_req {
	__le16 structure_size;		/* 49 */
	__le16 data_offset;
	__le32 length;
	__le64 offset;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le32 channel;			/* SMB2_CHANNEL_NONE */
	__le32 remaining_bytes;
	__le16 write_channel_info_offset;
	__le16 write_channel_info_length;
	__le32 flags;
	/* Buffer: the data */
} __packed;
static_assert(sizeof(struct smb2_write_req) == 48);
static_assert(SMB2_HDR_SIZE + sizeof(struct smb2_write_req) ==
	      SMB3MC_WRITE_DATA_OFFSET);

/* SMB2 WRITE Response, MS-SMB2 2.2.22 */
struct smb2_write_rsp {
	__le16 structure_size;		/* 17 */
	__le16 reserved;
	__le32 count;
	__le32 remaining;
	__le16 write_channel_info_offset;
	__le16 write_channel_info_length;
} __packed;
static_assert(sizeof(struct smb2_write_rsp) == 16);

int smb3mc_build_read(void *buf, size_t size, const struct smb3mc_fid *fid,
		      u64 offset, u32 length, u32 min_count, u8 padding)
{
	struct smb2_read_req *req;
	/*
	 * StructureSize 49 counts one byte of Buffer; with no channel info
	 * that byte is still sent, as a zero (MS-SMB2 2.2.19).
	 */
	size_t total = SMB2_HDR_SIZE + sizeof(*req) + 1;

	if (!fid || !length)
		return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_READ);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(49);
	req->padding = padding;
	req->length = cpu_to_le32(length);
	req->offset = cpu_to_le64(offset);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	req->minimum_count = cpu_to_le32(min_count);
	return total;
}

int smb3mc_parse_read(const void *msg, size_t len, size_t total_len,
		      struct smb3mc_read_rsp *rsp)
{
	const struct smb2_read_rsp *r;
	u32 off, dlen;

	if (total_len < len)
		return -EINVAL;
	if (smb3mc_rsp_check(msg, len, SMB2_READ, 17))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	off = r->data_offset;
	dlen = le32_to_cpu(r->data_length);
	/*
	 * The data follows the fixed body, usually right after it at 0x50
	 * (MS-SMB2 2.2.20); DataOffset is only 8 bits, so the whole check
	 * is against the framed message length.
	 */
	if (dlen && (off < SMB2_HDR_SIZE + sizeof(*r) ||
		     !smb3mc_range_ok(total_len, off, dlen)))
		return -EIO;
	rsp->data_offset = off;
	rsp->data_length = dlen;
	rsp->data_remaining = le32_to_cpu(r->data_remaining);
	rsp->data = dlen && smb3mc_range_ok(len, off, dlen) ?
		    (const u8 *)msg + off : NULL;
	return 0;
}

u32 smb3mc_read_rsp_data(const void *head, size_t total_len,
			 u32 *data_offset)
{
	const struct smb2_hdr *hdr = head;
	struct smb3mc_read_rsp r;

	if (total_len <= SMB3MC_READ_RSP_HEAD)
		return 0;
	/* Interim, error and compounded responses carry no data to place. */
	if (hdr->status != STATUS_SUCCESS || hdr->next_command)
		return 0;
	if (smb3mc_parse_read(head, SMB3MC_READ_RSP_HEAD, total_len, &r))
		return 0;
	if (!r.data_length || r.data_offset + r.data_length != total_len)
		return 0;
	*data_offset = r.data_offset;
	return r.data_length;
}

int smb3mc_build_write(void *buf, size_t size, const struct smb3mc_fid *fid,
		       u64 offset, u32 length, u32 flags)
{
	struct smb2_write_req *req;
	size_t total = SMB3MC_WRITE_DATA_OFFSET;

	if (!fid)
		return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_WRITE);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(49);
	req->data_offset = cpu_to_le16(SMB3MC_WRITE_DATA_OFFSET);
	req->length = cpu_to_le32(length);
	req->offset = cpu_to_le64(offset);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	req->flags = cpu_to_le32(flags);
	return total;
}

int smb3mc_parse_write(const void *msg, size_t len, u32 *count)
{
	const struct smb2_write_rsp *r;

	if (smb3mc_rsp_check(msg, len, SMB2_WRITE, 17))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	*count = le32_to_cpu(r->count);
	return 0;
}
