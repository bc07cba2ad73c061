// SPDX-License-Identifier: GPL-2.0
/*
 * QUERY_INFO and SET_INFO (MS-SMB2 2.2.37 - 2.2.40), the MS-FSCC
 * information classes the client reads and writes through them, and NT
 * time conversion.
 */
#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>

#include "pdu_file.h"

/* SMB2 QUERY_INFO Request, MS-SMB2 2.2.37 */
struct smb2_query_info_req {
	__le16 structure_size;		/* 41 */
	__u8 info_type;
	__u8 file_info_class;
	__le32 output_buffer_length;
	__le16 input_buffer_offset;
	__le16 reserved;
	__le32 input_buffer_length;
	__le32 additional_information;
	__le32 flags;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	/* Buffer */
} __packed;
static_assert(sizeof(struct smb2_query_info_req) == 40);

/* SMB2 QUERY_INFO Response, MS-SMB2 2.2.38 */
struct smb2_query_info_rsp {
	__le16 structure_size;		/* 9 */
	__le16 output_buffer_offset;
	__le32 output_buffer_length;
	/* Buffer */
} __packed;
static_assert(sizeof(struct smb2_query_info_rsp) == 8);

/* SMB2 SET_INFO Request, MS-SMB2 2.2.39 */
struct smb2_set_info_req {
	__le16 structure_size;		/* 33 */
	__u8 info_type;
	__u8 file_info_class;
	__le32 buffer_length;
	__le16 buffer_offset;
	__le16 reserved;
	__le32 additional_information;
	__le64 persistent_file_id;
	__le64 volatile_file_id;
	/* Buffer */
} __packed;
static_assert(sizeof(struct smb2_set_info_req) == 32);

/* SMB2 SET_INFO Response, MS-SMB2 2.2.40 */
struct smb2_set_info_rsp {
	__le16 structure_size;		/* 2 */
} __packed;
static_assert(sizeof(struct smb2_set_info_rsp) == 2);

/* FILE_BASIC_INFORMATION, MS-FSCC 2.4.7 */
struct file_basic_information {
	struct smb2_file_times times;
	__le32 file_attributes;
	__le32 reserved;
} __packed;
static_assert(sizeof(struct file_basic_information) ==
	      SMB3MC_BASIC_INFO_SIZE);

/* FILE_STANDARD_INFORMATION, MS-FSCC 2.4.41 */
struct file_standard_information {
	__le64 allocation_size;
	__le64 end_of_file;
	__le32 number_of_links;
	__u8 delete_pending;
	__u8 directory;
	__le16 reserved;
} __packed;
static_assert(sizeof(struct file_standard_information) ==
	      SMB3MC_STANDARD_INFO_SIZE);

/* FILE_NETWORK_OPEN_INFORMATION, MS-FSCC 2.4.29 */
struct file_network_open_information {
	struct smb2_file_times times;
	__le64 allocation_size;
	__le64 end_of_file;
	__le32 file_attributes;
	__le32 reserved;
} __packed;
static_assert(sizeof(struct file_network_open_information) ==
	      SMB3MC_NETWORK_OPEN_INFO_SIZE);

/*
 * FILE_ALL_INFORMATION, MS-FSCC 2.4.2: the Basic, Standard, Internal
 * (2.4.22), Ea (2.4.13), Access (2.4.1), Position (2.4.35), Mode (2.4.26),
 * Alignment (2.4.3) and Name (2.4.30) classes back to back.
 */
struct file_all_information {
	struct file_basic_information basic;
	struct file_standard_information standard;
	__le64 index_number;
	__le32 ea_size;
	__le32 access_flags;
	__le64 current_byte_offset;
	__le32 mode;
	__le32 alignment_requirement;
	__le32 file_name_length;
	/* FileName */
} __packed;
static_assert(sizeof(struct file_all_information) ==
	      SMB3MC_ALL_INFO_FIXED_SIZE);

/* FILE_FS_FULL_SIZE_INFORMATION, MS-FSCC 2.5.4 */
struct file_fs_full_size_information {
	__le64 total_allocation_units;
	__le64 caller_available_allocation_units;
	__le64 actual_available_allocation_units;
	__le32 sectors_per_allocation_unit;
	__le32 bytes_per_sector;
} __packed;
static_assert(sizeof(struct file_fs_full_size_information) ==
	      SMB3MC_FS_FULL_SIZE_INFO_SIZE);

/* FILE_FS_ATTRIBUTE_INFORMATION, MS-FSCC 2.5.1 */
struct file_fs_attribute_information {
	__le32 file_system_attributes;
	__le32 maximum_component_name_length;
	__le32 file_system_name_length;
	/* FileSystemName */
} __packed;
static_assert(sizeof(struct file_fs_attribute_information) ==
	      SMB3MC_FS_ATTR_INFO_FIXED_SIZE);

/* FILE_END_OF_FILE_INFORMATION, MS-FSCC 2.4.14 */
struct file_end_of_file_information {
	__le64 end_of_file;
} __packed;
static_assert(sizeof(struct file_end_of_file_information) == 8);

/* FILE_DISPOSITION_INFORMATION, MS-FSCC 2.4.11 */
struct file_disposition_information {
	__u8 delete_pending;
} __packed;
static_assert(sizeof(struct file_disposition_information) == 1);

/*
 * FILE_RENAME_INFORMATION_TYPE_2 (MS-FSCC 2.4.41.2) and
 * FILE_LINK_INFORMATION_TYPE_2 (2.4.27.2) share this layout.
 */
struct file_rename_information_type_2 {
	__u8 replace_if_exists;
	__u8 reserved[7];
	__le64 root_directory;		/* 0 for network operations */
	__le32 file_name_length;
	/* FileName, Padding */
} __packed;
static_assert(sizeof(struct file_rename_information_type_2) == 20);

/* 1601-01-01 to 1970-01-01 in seconds, and NT time ticks per second */
#define NT_EPOCH_DELTA_SECS	11644473600LL
#define NT_TICKS_PER_SEC	10000000

struct timespec64 smb3mc_nt_to_timespec64(u64 nt)
{
	struct timespec64 ts;
	u32 rem;

	/*
	 * Every u64 NT time fits: nt / 10^7 < 2^41 seconds. Splitting on the
	 * unsigned value keeps tv_nsec in [0, 10^9) for times before 1970,
	 * where tv_sec is negative.
	 */
	ts.tv_sec = (s64)div_u64_rem(nt, NT_TICKS_PER_SEC, &rem) -
		    NT_EPOCH_DELTA_SECS;
	ts.tv_nsec = rem * 100;
	return ts;
}

u64 smb3mc_timespec64_to_nt(struct timespec64 ts)
{
	u64 secs;

	/*
	 * Times before 1601 cannot be expressed and become 0 ("no time").
	 * Times past the signed 64-bit range (year 30828) are clamped to
	 * S64_MAX: servers treat FILETIMEs as signed, and the top values
	 * -1 / -2 are special in SET_INFO (MS-FSCC 2.4.7).
	 */
	if (ts.tv_sec < -NT_EPOCH_DELTA_SECS)
		return 0;
	if (ts.tv_sec >= S64_MAX / NT_TICKS_PER_SEC - NT_EPOCH_DELTA_SECS)
		return S64_MAX;
	secs = ts.tv_sec + NT_EPOCH_DELTA_SECS;
	return secs * NT_TICKS_PER_SEC + (u64)ts.tv_nsec / 100;
}

int smb3mc_build_query_info(void *buf, size_t size,
			    const struct smb3mc_fid *fid, u8 info_type,
			    u8 info_class, u32 output_len, u32 additional_info)
{
	struct smb2_query_info_req *req;
	/*
	 * StructureSize 41 counts one byte of Buffer, which must be sent
	 * even without input (MS-SMB2 2.2.37); InputBufferOffset stays 0.
	 */
	size_t total = SMB2_HDR_SIZE + sizeof(*req) + 1;

	if (!fid || !info_type)
		return -EINVAL;
	req = smb3mc_req_start(buf, size, total, SMB2_QUERY_INFO);
	if (!req)
		return -ENOSPC;
	req->structure_size = cpu_to_le16(41);
	req->info_type = info_type;
	req->file_info_class = info_class;
	req->output_buffer_length = cpu_to_le32(output_len);
	req->additional_information = cpu_to_le32(additional_info);
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	return total;
}

int smb3mc_parse_query_info(const void *msg, size_t len, const u8 **out,
			    u32 *out_len)
{
	const struct smb2_query_info_rsp *r;
	u32 off, olen;

	if (smb3mc_rsp_check(msg, len, SMB2_QUERY_INFO, 9))
		return -EIO;
	r = msg + SMB2_HDR_SIZE;
	off = le16_to_cpu(r->output_buffer_offset);
	olen = le32_to_cpu(r->output_buffer_length);
	if (!olen) {
		*out = NULL;
		*out_len = 0;
		return 0;
	}
	if (off < SMB2_HDR_SIZE + sizeof(*r) || !smb3mc_range_ok(len, off, olen))
		return -EIO;
	*out = (const u8 *)msg + off;
	*out_len = olen;
	return 0;
}

static void standard_to_attrs(const struct file_standard_information *s,
			      struct smb3mc_file_attrs *a)
{
	smb3mc_attrs_sizes(a, s->allocation_size, s->end_of_file);
	a->nlink = le32_to_cpu(s->number_of_links);
	a->delete_pending = s->delete_pending;
	a->is_dir = s->directory;
	a->valid |= SMB3MC_ATTR_NLINK;
}

int smb3mc_attrs_check(struct smb3mc_file_attrs *a, const char **why)
{
	*why = NULL;
	/*
	 * AllocationSize and EndOfFile are signed 64-bit values, and
	 * EndOfFile is never negative (MS-FSCC 2.4.41, 2.4.29): as a loff_t
	 * a larger one is a negative size.
	 */
	if (a->valid & SMB3MC_ATTR_SIZES) {
		if (a->end_of_file > S64_MAX) {
			*why = "EndOfFile above 2^63 - 1";
			return -EIO;
		}
		if (a->allocation_size > S64_MAX) {
			*why = "AllocationSize above 2^63 - 1";
			return -EIO;
		}
	}
	/*
	 * A file found by its name has a link. NumberOfLinks may count the
	 * names not being deleted (Samba's does), so 0 is a file whose last
	 * name is delete-pending, or a server that does not count links.
	 * Directories get no count from the server at all.
	 */
	if (a->valid & SMB3MC_ATTR_NLINK && !a->is_dir && !a->nlink &&
	    !a->delete_pending) {
		a->nlink = 1;
		*why = "NumberOfLinks 0 of a file not being deleted, taken as 1";
	}
	/*
	 * More than the mount lets link(2) make (s_max_links), which would
	 * wrap the count to 0 at the next link, and than a 32-bit stat(2)
	 * can show.
	 */
	if (a->valid & SMB3MC_ATTR_NLINK && a->nlink > SMB3MC_LINK_MAX) {
		a->nlink = SMB3MC_LINK_MAX;
		*why = "NumberOfLinks above 65535, taken as 65535";
	}
	return 0;
}

int smb3mc_parse_basic_info(const u8 *buf, u32 len,
			    struct smb3mc_file_attrs *a)
{
	const struct file_basic_information *b = (const void *)buf;

	if (!buf || len < sizeof(*b))
		return -EIO;
	smb3mc_attrs_times(a, &b->times, b->file_attributes);
	return 0;
}

int smb3mc_parse_standard_info(const u8 *buf, u32 len,
			       struct smb3mc_file_attrs *a)
{
	if (!buf || len < sizeof(struct file_standard_information))
		return -EIO;
	standard_to_attrs((const void *)buf, a);
	return 0;
}

int smb3mc_parse_network_open_info(const u8 *buf, u32 len,
				   struct smb3mc_file_attrs *a)
{
	const struct file_network_open_information *n = (const void *)buf;

	if (!buf || len < sizeof(*n))
		return -EIO;
	smb3mc_attrs_times(a, &n->times, n->file_attributes);
	smb3mc_attrs_sizes(a, n->allocation_size, n->end_of_file);
	return 0;
}

int smb3mc_parse_internal_info(const u8 *buf, u32 len,
			       struct smb3mc_file_attrs *a)
{
	__le64 id;

	if (!buf || len < sizeof(id))
		return -EIO;
	memcpy(&id, buf, sizeof(id));
	smb3mc_attrs_index(a, id);
	return 0;
}

int smb3mc_parse_all_info(const u8 *buf, u32 len, struct smb3mc_file_attrs *a,
			  const __le16 **name, u32 *name_len)
{
	const struct file_all_information *all = (const void *)buf;
	u32 nlen;

	if (!buf || len < sizeof(*all))
		return -EIO;
	/* FileNameLength counts bytes of UTF-16 (MS-FSCC 2.4.30) */
	nlen = le32_to_cpu(all->file_name_length);
	if ((nlen & 1) || nlen > len - sizeof(*all))
		return -EIO;

	smb3mc_attrs_times(a, &all->basic.times, all->basic.file_attributes);
	standard_to_attrs(&all->standard, a);
	smb3mc_attrs_index(a, all->index_number);
	a->ea_size = le32_to_cpu(all->ea_size);
	a->valid |= SMB3MC_ATTR_EA_SIZE;
	*name = nlen ? (const __le16 *)(all + 1) : NULL;
	*name_len = nlen;
	return 0;
}

int smb3mc_parse_fs_full_size_info(const u8 *buf, u32 len,
				   struct smb3mc_fs_size *fs)
{
	const struct file_fs_full_size_information *f = (const void *)buf;
	u64 unit;

	if (!buf || len < sizeof(*f))
		return -EIO;
	/* statfs's block size: neither 0 bytes nor past what a u32 holds */
	unit = (u64)le32_to_cpu(f->sectors_per_allocation_unit) *
	       le32_to_cpu(f->bytes_per_sector);
	if (!unit || unit > U32_MAX)
		return -EIO;
	fs->total_units = le64_to_cpu(f->total_allocation_units);
	fs->caller_avail_units =
		le64_to_cpu(f->caller_available_allocation_units);
	fs->actual_avail_units =
		le64_to_cpu(f->actual_available_allocation_units);
	fs->sectors_per_unit = le32_to_cpu(f->sectors_per_allocation_unit);
	fs->bytes_per_sector = le32_to_cpu(f->bytes_per_sector);
	return 0;
}

int smb3mc_parse_fs_attr_info(const u8 *buf, u32 len,
			      struct smb3mc_fs_attr *fsa)
{
	const struct file_fs_attribute_information *f = (const void *)buf;
	u32 nlen;

	if (!buf || len < sizeof(*f))
		return -EIO;
	nlen = le32_to_cpu(f->file_system_name_length);
	if ((nlen & 1) || nlen > len - sizeof(*f))
		return -EIO;
	fsa->attributes = le32_to_cpu(f->file_system_attributes);
	fsa->max_name_len = le32_to_cpu(f->maximum_component_name_length);
	fsa->fs_name = nlen ? (const __le16 *)(f + 1) : NULL;
	fsa->fs_name_len = nlen;
	return 0;
}

/*
 * Starts a SET_INFO request of InfoType FILE for @info_class carrying a
 * zeroed @data_len-byte Buffer at BufferOffset 0x60 and returns that
 * Buffer, or NULL if it does not fit. *total gets the request length.
 */
static void *set_info_start(void *buf, size_t size,
			    const struct smb3mc_fid *fid, u8 info_class,
			    u32 data_len, size_t *total)
{
	struct smb2_set_info_req *req;

	*total = SMB2_HDR_SIZE + sizeof(*req) + data_len;
	req = smb3mc_req_start(buf, size, *total, SMB2_SET_INFO);
	if (!req)
		return NULL;
	req->structure_size = cpu_to_le16(33);
	req->info_type = SMB2_0_INFO_FILE;
	req->file_info_class = info_class;
	req->buffer_length = cpu_to_le32(data_len);
	req->buffer_offset = cpu_to_le16(SMB2_HDR_SIZE + sizeof(*req));
	req->persistent_file_id = cpu_to_le64(fid->persistent);
	req->volatile_file_id = cpu_to_le64(fid->volatile_id);
	return req + 1;
}

int smb3mc_build_set_basic(void *buf, size_t size,
			   const struct smb3mc_fid *fid,
			   const struct smb3mc_set_basic *basic)
{
	struct file_basic_information *b;
	size_t total;

	if (!fid || !basic)
		return -EINVAL;
	b = set_info_start(buf, size, fid, FileBasicInformation, sizeof(*b),
			   &total);
	if (!b)
		return -ENOSPC;
	/* 0 (time or attributes) means "leave unchanged", MS-FSCC 2.4.7 */
	b->times.creation_time = cpu_to_le64(basic->creation_time);
	b->times.last_access_time = cpu_to_le64(basic->last_access_time);
	b->times.last_write_time = cpu_to_le64(basic->last_write_time);
	b->times.change_time = cpu_to_le64(basic->change_time);
	b->file_attributes = cpu_to_le32(basic->attributes);
	return total;
}

int smb3mc_build_set_eof(void *buf, size_t size, const struct smb3mc_fid *fid,
			 u64 end_of_file)
{
	struct file_end_of_file_information *e;
	size_t total;

	/* EndOfFile is a signed 64-bit size on the server (MS-FSCC 2.4.14) */
	if (!fid || end_of_file > S64_MAX)
		return -EINVAL;
	e = set_info_start(buf, size, fid, FileEndOfFileInformation,
			   sizeof(*e), &total);
	if (!e)
		return -ENOSPC;
	e->end_of_file = cpu_to_le64(end_of_file);
	return total;
}

int smb3mc_build_set_disposition(void *buf, size_t size,
				 const struct smb3mc_fid *fid,
				 bool delete_pending)
{
	struct file_disposition_information *d;
	size_t total;

	if (!fid)
		return -EINVAL;
	d = set_info_start(buf, size, fid, FileDispositionInformation,
			   sizeof(*d), &total);
	if (!d)
		return -ENOSPC;
	d->delete_pending = delete_pending;
	return total;
}

static int build_set_name(void *buf, size_t size, const struct smb3mc_fid *fid,
			  u8 info_class, const __le16 *target, u16 target_len,
			  bool replace_if_exists)
{
	struct file_rename_information_type_2 *r;
	size_t total;
	u32 data_len;

	if (!fid || !target || !target_len || (target_len & 1))
		return -EINVAL;
	/*
	 * Pad the name (MS-FSCC 2.4.41.2 Padding) to 8 bytes and to at least
	 * 24: Windows rejects a Buffer shorter than its own 24-byte
	 * FILE_RENAME_INFORMATION with STATUS_INFO_LENGTH_MISMATCH, which a
	 * one-character name would otherwise produce.
	 */
	data_len = max_t(u32, 24, ALIGN(sizeof(*r) + target_len, 8));
	r = set_info_start(buf, size, fid, info_class, data_len, &total);
	if (!r)
		return -ENOSPC;
	r->replace_if_exists = replace_if_exists;
	r->file_name_length = cpu_to_le32(target_len);
	memcpy(r + 1, target, target_len);
	return total;
}

int smb3mc_build_set_rename(void *buf, size_t size,
			    const struct smb3mc_fid *fid,
			    const __le16 *target, u16 target_len,
			    bool replace_if_exists)
{
	return build_set_name(buf, size, fid, FileRenameInformation, target,
			      target_len, replace_if_exists);
}

int smb3mc_build_set_link(void *buf, size_t size,
			  const struct smb3mc_fid *fid,
			  const __le16 *target, u16 target_len,
			  bool replace_if_exists)
{
	return build_set_name(buf, size, fid, FileLinkInformation, target,
			      target_len, replace_if_exists);
}

int smb3mc_parse_set_info(const void *msg, size_t len)
{
	return smb3mc_rsp_check(msg, len, SMB2_SET_INFO,
				sizeof(struct smb2_set_info_rsp)) ? -EIO : 0;
}
