// SPDX-License-Identifier: GPL-2.0
/*
 * QUERY_DIRECTORY (MS-SMB2 2.2.33 / 2.2.34) and an iterator over the
 * FileIdFullDirectoryInformation entries it returns (MS-FSCC 2.4.18).
 *
 * Why FileIdFullDirectoryInformation: Windows, Samba and ksmbd all serve
 * it (it is also what cifs.ko lists with), it carries the 64-bit FileId
 * the VFS uses as inode number, and unlike FileIdBothDirectoryInformation
 * it has no 26-byte 8.3 short name that a Linux client never shows, so
 * more entries fit in each response.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "pdu_file.h"

/* SMB2 QUERY_DIRECTORY Request, MS-SMB2 2.2.33 */
struct smb2_query_directory_req {
	__le16 structure_size;		/* 33 */
	__u8 file_information_class;
	__u8 flags;
	__le32 file_index;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	__le16 file_name_offset;
	__le16 file_name_length;
	__le32 output_buffer_length;
	/* Buffer: the search pattern */
} __packed;
static_assert(sizeof(struct smb2_query_directory_req) == 32);

/* SMB2 QUERY_DIRECTORY Response, MS-SMB2 2.2.34 */
struct smb2_query_directory_rsp {
	__le16 structure_size;		/* 9 */
	__le16 output_buffer_offset;
	__le32 output_buffer_length;
	/* Buffer: the entries */
} __packed;
static_assert(sizeof(struct smb2_query_directory_rsp) == 8);

/* FILE_ID_FULL_DIR_INFORMATION, MS-FSCC 2.4.18 */
struct file_id_full_dir_information {
	__le32 next_entry_offset;
	__le32 file_index;
	struct smb2_file_times times;
	__le64 end_of_file;
	__le64 allocation_size;
	__le32 file_attributes;
	__le32 file_name_length;
	__le32 ea_size;
	__le32 reserved;
	__le64 file_id;
	/* FileName */
} __packed;
static_assert(sizeof(struct file_id_full_dir_information) == 80);

int smb3mc_build_query_directory(void *buf, size_t size,
				 const struct smb3mc_fid *fid, u8 flags,
				 u32 file_index, const __le16 *pattern,
				 u16 pattern_len, u32 output_len)
{
	struct smb2_query_directory_req *req;
	size_t total;

	if (!fid || !pattern || !pattern_len || (pattern_len & 1))
		return -EINVAL;
	total = SMB2_HDR_SIZE + sizeof(*req) + pattern_len;
	req = smb3mc_req_start(buf, size, total, SMB2_QUERY_DIRECTORY);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(33);
	req->file_information_class = FileIdFullDirectoryInformation;
	req->flags = flags;
	req->file_index = cpu_to_le32(file_index);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	req->file_name_offset = cpu_to_le16(SMB2_HDR_SIZE + sizeof(*req));
	req->file_name_length = cpu_to_le16(pattern_len);
	req->output_buffer_length = cpu_to_le32(output_len);
	memcpy(req + 1, pattern, pattern_len);
	return total;
}

int smb3mc_parse_query_directory(const void *msg, size_t len,
				 struct smb3mc_dir_iter *it)
{
	const struct smb2_query_directory_rsp *r;
	u32 off, olen;

	if (smb3mc_rsp_check(msg, len, SMB2_QUERY_DIRECTORY, 9))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	off = le16_to_cpu(r->output_buffer_offset);
	olen = le32_to_cpu(r->output_buffer_length);
	/*
	 * MS-SMB2 3.3.5.18: a query that finds nothing more fails with
	 * STATUS_NO_MORE_FILES. A success with no entries would have the
	 * client ask again, for as long as the server answers so.
	 */
	if (!olen)
		return -EIO;
	if (off < SMB2_HDR_SIZE + sizeof(*r) || !smb3mc_range_ok(len, off, olen))
		return -EIO;
	it->buf = (const u8 *)msg + off;
	it->len = olen;
	it->pos = 0;
	it->done = false;
	return 0;
}

int smb3mc_dir_next(struct smb3mc_dir_iter *it, struct smb3mc_dir_entry *ent)
{
	const struct file_id_full_dir_information *e;
	struct smb3mc_file_attrs *a = &ent->attrs;
	u32 next, nlen, room;

	if (it->done || it->pos >= it->len)
		return 0;
	room = it->len - it->pos;
	if (room < sizeof(*e))
		goto bad;
	e = (const void *)(it->buf + it->pos);
	nlen = le32_to_cpu(e->file_name_length);
	/* FileNameLength is in bytes of UTF-16 and lies inside the entry */
	if (!nlen || (nlen & 1) || nlen > room - sizeof(*e))
		goto bad;

	/*
	 * NextEntryOffset (MS-FSCC 2.4.18) is 0 on the last entry; otherwise
	 * it must step past this entry's name, keep the 8-byte alignment
	 * MS-FSCC 2.4 requires of every entry, and land inside the buffer.
	 * Stepping past the name rules out loops and overlapping entries.
	 */
	next = le32_to_cpu(e->next_entry_offset);
	if (next) {
		if (next < sizeof(*e) + nlen || (next & 7) || next >= room)
			goto bad;
		it->pos += next;
	} else {
		it->done = true;
	}

	memset(a, 0, sizeof(*a));
	ent->name = (const __le16 *)(e + 1);
	ent->name_len = nlen;
	ent->file_index = le32_to_cpu(e->file_index);
	smb3mc_attrs_times(a, &e->times, e->file_attributes);
	smb3mc_attrs_sizes(a, e->allocation_size, e->end_of_file);
	a->ea_size = le32_to_cpu(e->ea_size);
	smb3mc_attrs_index(a, e->file_id);
	a->valid |= SMB3MC_ATTR_EA_SIZE;
	return 1;

bad:
	it->done = true;
	return -EIO;
}
