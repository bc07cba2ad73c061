// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the file PDUs (src/pdu_create.c, pdu_info.c, pdu_dir.c,
 * pdu_io.c): exact request bytes at the offsets MS-SMB2 gives, and
 * responses built by hand, valid and malformed.
 */

#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/string.h>

#include "pdu_file.h"
#include "smb2.h"
#include "wire_test.h"

#define BUFSZ 512

static u8 *tbuf(struct kunit *test)
{
	u8 *b = kunit_kzalloc(test, BUFSZ, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

/* A response header for @cmd: ProtocolId, StructureSize, SERVER_TO_REDIR */
static void rsp_hdr(u8 *b, u16 cmd, u16 body_ssize)
{
	memset(b, 0, BUFSZ);
	w_rsp_hdr(b, cmd);
	w16(b, 64, body_ssize);
}

static void check_req_hdr(struct kunit *test, const u8 *b, u16 cmd,
			  u16 ssize)
{
	KUNIT_EXPECT_EQ(test, r32(b, 0), 0x424d53feU);
	KUNIT_EXPECT_EQ(test, r16(b, 4), 64);
	KUNIT_EXPECT_EQ(test, r16(b, 12), cmd);
	KUNIT_EXPECT_EQ(test, r64(b, 24), 0ULL);	/* MessageId: channel's */
	KUNIT_EXPECT_EQ(test, r16(b, 64), ssize);
}

static const struct smb3mc_fid tfid = {
	.persistent = 0x1122334455667788ULL,
	.volatile_id = 0x99aabbccddeeff00ULL,
};

static const __le16 name_a_b[] = {
	cpu_to_le16('a'), cpu_to_le16('\\'), cpu_to_le16('b')
};

static void create_build(struct kunit *test)
{
	struct smb3mc_create_args a = {
		.name = name_a_b, .name_len = sizeof(name_a_b),
		.oplock_level = SMB2_OPLOCK_LEVEL_NONE,
		.impersonation_level = SMB2_IL_IMPERSONATION,
		.desired_access = FILE_READ_DATA | FILE_READ_ATTRIBUTES,
		.file_attributes = FILE_ATTRIBUTE_NORMAL,
		.share_access = FILE_SHARE_READ | FILE_SHARE_WRITE,
		.create_disposition = FILE_OPEN_IF,
		.create_options = FILE_NON_DIRECTORY_FILE,
	};
	u8 *b = tbuf(test);

	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 128);
	check_req_hdr(test, b, SMB2_CREATE, 57);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_OPLOCK_LEVEL_NONE);
	KUNIT_EXPECT_EQ(test, r32(b, 68), SMB2_IL_IMPERSONATION);
	KUNIT_EXPECT_EQ(test, r64(b, 72), 0ULL);
	KUNIT_EXPECT_EQ(test, r32(b, 88), 0x81U);
	KUNIT_EXPECT_EQ(test, r32(b, 92), 0x80U);
	KUNIT_EXPECT_EQ(test, r32(b, 96), 3U);
	KUNIT_EXPECT_EQ(test, r32(b, 100), 3U);
	KUNIT_EXPECT_EQ(test, r32(b, 104), 0x40U);
	KUNIT_EXPECT_EQ(test, r16(b, 108), 0x78);
	KUNIT_EXPECT_EQ(test, r16(b, 110), 6);
	KUNIT_EXPECT_EQ(test, r32(b, 112), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 116), 0U);
	KUNIT_EXPECT_EQ(test, r16(b, 120), 'a');
	KUNIT_EXPECT_EQ(test, r16(b, 122), '\\');
	KUNIT_EXPECT_EQ(test, r16(b, 124), 'b');
	KUNIT_EXPECT_EQ(test, r16(b, 126), 0);	/* padding to 8 */
	KUNIT_EXPECT_EQ(test, b[128], 0xaa);	/* nothing written past */

	/* The share root: empty name, Buffer still 8 bytes */
	a.name = NULL;
	a.name_len = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 128);
	KUNIT_EXPECT_EQ(test, r16(b, 108), 0x78);
	KUNIT_EXPECT_EQ(test, r16(b, 110), 0);

	a.name = name_a_b;
	a.name_len = sizeof(name_a_b);
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, 127, &a), -ENOSPC);
	a.name_len = 5;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
	a.name_len = 6;
	a.oplock_level = SMB2_OPLOCK_LEVEL_LEASE;
	KUNIT_EXPECT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), -EINVAL);
}

static void create_rsp(u8 *b)
{
	rsp_hdr(b, SMB2_CREATE, 89);
	w32(b, 68, FILE_CREATED);
	w64(b, 72, 1);
	w64(b, 80, 2);
	w64(b, 88, 3);
	w64(b, 96, 4);
	w64(b, 104, 4096);
	w64(b, 112, 100);
	w32(b, 120, FILE_ATTRIBUTE_DIRECTORY);
	w64(b, 128, tfid.persistent);
	w64(b, 136, tfid.volatile_id);
}

static void create_parse(struct kunit *test)
{
	struct smb3mc_create_rsp r = {};
	u8 *b = tbuf(test);

	create_rsp(b);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_create(b, 152, &r), 0);
	KUNIT_EXPECT_EQ(test, r.fid.persistent, tfid.persistent);
	KUNIT_EXPECT_EQ(test, r.fid.volatile_id, tfid.volatile_id);
	KUNIT_EXPECT_EQ(test, r.create_action, FILE_CREATED);
	KUNIT_EXPECT_EQ(test, r.attrs.creation_time, 1ULL);
	KUNIT_EXPECT_EQ(test, r.attrs.last_access_time, 2ULL);
	KUNIT_EXPECT_EQ(test, r.attrs.last_write_time, 3ULL);
	KUNIT_EXPECT_EQ(test, r.attrs.change_time, 4ULL);
	KUNIT_EXPECT_EQ(test, r.attrs.allocation_size, 4096ULL);
	KUNIT_EXPECT_EQ(test, r.attrs.end_of_file, 100ULL);
	KUNIT_EXPECT_TRUE(test, r.attrs.is_dir);
	KUNIT_EXPECT_EQ(test, r.attrs.valid, SMB3MC_ATTR_TIMES |
			SMB3MC_ATTR_SIZES | SMB3MC_ATTR_ATTRIBUTES);
	KUNIT_EXPECT_NULL(test, r.contexts);

	/* A create context region right after the body */
	w32(b, 144, 152);
	w32(b, 148, 16);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_create(b, 168, &r), 0);
	KUNIT_EXPECT_PTR_EQ(test, r.contexts, (const u8 *)b + 152);
	KUNIT_EXPECT_EQ(test, r.contexts_len, 16U);
	/* ... past the end, unaligned, or overlapping the body */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 167, &r), -EIO);
	w32(b, 144, 156);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 200, &r), -EIO);
	w32(b, 144, 144);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 200, &r), -EIO);
	w32(b, 144, 0xfffffff8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 200, &r), -EIO);

	/* Short, bad StructureSize, wrong command */
	create_rsp(b);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 151, &r), -EIO);
	w16(b, 64, 88);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 152, &r), -EIO);
	create_rsp(b);
	w16(b, 12, SMB2_CLOSE);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_create(b, 152, &r), -EIO);
}

/*
 * A stat of a path in one compound (MS-SMB2 3.2.4.1.4): CREATE, then
 * QUERY_INFO and CLOSE on the open it makes, each at an 8-byte boundary.
 * The QUERY_INFO is 105 bytes: 7 zero bytes pad it, and the signature of
 * each request covers them (computed offsets).
 */
static void compound_chain(struct kunit *test)
{
	struct smb3mc_create_args a = {
		.name = name_a_b, .name_len = sizeof(name_a_b),
		.impersonation_level = SMB2_IL_IMPERSONATION,
		.desired_access = FILE_READ_ATTRIBUTES,
		.create_disposition = FILE_OPEN,
	};
	u8 *b = tbuf(test);
	unsigned int i;

	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_create(b, BUFSZ, &a), 128);
	KUNIT_ASSERT_EQ(test, smb3mc_build_query_info(b + 128, BUFSZ - 128,
						      &smb3mc_fid_related,
						      SMB2_0_INFO_FILE,
						      FileAllInformation,
						      4096, 0), 105);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_chain(b, 128, true), 128);
	KUNIT_ASSERT_EQ(test, smb3mc_build_close(b + 240, BUFSZ - 240,
						 &smb3mc_fid_related, false),
			88);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_chain(b + 128, 105, true), 112);

	KUNIT_EXPECT_EQ(test, r32(b, 20), 128U);
	KUNIT_EXPECT_EQ(test, r32(b + 128, 20), 112U);
	KUNIT_EXPECT_EQ(test, r32(b + 240, 20), 0U);
	/* Flags: the first stands alone, the others are related. */
	KUNIT_EXPECT_EQ(test, r32(b, 16), 0U);
	KUNIT_EXPECT_EQ(test, r32(b + 128, 16), 4U);
	KUNIT_EXPECT_EQ(test, r32(b + 240, 16), 4U);
	for (i = 233; i < 240; i++)
		KUNIT_EXPECT_EQ_MSG(test, b[i], 0, "pad byte %u", i);
	/* FileId { all ones, all ones }: the open the CREATE made. */
	KUNIT_EXPECT_EQ(test, r64(b + 128, 88), U64_MAX);
	KUNIT_EXPECT_EQ(test, r64(b + 128, 96), U64_MAX);
	KUNIT_EXPECT_EQ(test, r64(b + 240, 72), U64_MAX);
	KUNIT_EXPECT_EQ(test, r64(b + 240, 80), U64_MAX);
	/* The CLOSE's own bytes are untouched by the padding before them. */
	check_req_hdr(test, b + 240, SMB2_CLOSE, 24);

	/* Unrelated: NextCommand alone. */
	KUNIT_ASSERT_EQ(test, smb3mc_build_close(b + 328, BUFSZ - 328, &tfid,
						 false), 88);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_chain(b + 240, 88, false), 88);
	KUNIT_EXPECT_EQ(test, r32(b + 240, 20), 88U);
	KUNIT_EXPECT_EQ(test, r32(b + 328, 16), 0U);
}

static void close_flush(struct kunit *test)
{
	struct smb3mc_file_attrs a = {};
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_close(b, BUFSZ, &tfid, true), 88);
	check_req_hdr(test, b, SMB2_CLOSE, 24);
	KUNIT_EXPECT_EQ(test, r16(b, 66), SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB);
	KUNIT_EXPECT_EQ(test, r64(b, 72), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.volatile_id);
	KUNIT_ASSERT_EQ(test, smb3mc_build_close(b, BUFSZ, &tfid, false), 88);
	KUNIT_EXPECT_EQ(test, r16(b, 66), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_build_close(b, 87, &tfid, false),
			-ENOSPC);

	rsp_hdr(b, SMB2_CLOSE, 60);
	w64(b, 72, 7);
	w64(b, 112, 42);
	w32(b, 120, FILE_ATTRIBUTE_ARCHIVE);
	/* Flags 0: the attributes are not valid and must not be used */
	KUNIT_ASSERT_EQ(test, smb3mc_parse_close(b, 124, &a), 0);
	KUNIT_EXPECT_EQ(test, a.valid, 0U);
	w16(b, 66, SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_close(b, 124, &a), 0);
	KUNIT_EXPECT_EQ(test, a.creation_time, 7ULL);
	KUNIT_EXPECT_EQ(test, a.end_of_file, 42ULL);
	KUNIT_EXPECT_EQ(test, a.attributes, FILE_ATTRIBUTE_ARCHIVE);
	KUNIT_EXPECT_FALSE(test, a.is_dir);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_close(b, 123, &a), -EIO);

	KUNIT_ASSERT_EQ(test, smb3mc_build_flush(b, BUFSZ, &tfid), 88);
	check_req_hdr(test, b, SMB2_FLUSH, 24);
	KUNIT_EXPECT_EQ(test, r64(b, 72), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.volatile_id);
	rsp_hdr(b, SMB2_FLUSH, 4);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_flush(b, 68), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_flush(b, 67), -EIO);
	w16(b, 64, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_flush(b, 68), -EIO);
}

static void read_write(struct kunit *test)
{
	struct smb3mc_read_rsp rr;
	u32 count = 0;
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_read(b, BUFSZ, &tfid, 1ULL << 40,
						65536, 1, 0x50), 113);
	check_req_hdr(test, b, SMB2_READ, 49);
	KUNIT_EXPECT_EQ(test, b[66], 0x50);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 65536U);
	KUNIT_EXPECT_EQ(test, r64(b, 72), 1ULL << 40);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 88), tfid.volatile_id);
	KUNIT_EXPECT_EQ(test, r32(b, 96), 1U);
	KUNIT_EXPECT_EQ(test, r32(b, 100), 0U);		/* CHANNEL_NONE */
	KUNIT_EXPECT_EQ(test, b[112], 0);
	KUNIT_EXPECT_EQ(test, smb3mc_build_read(b, 112, &tfid, 0, 1, 0, 0),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_read(b, BUFSZ, &tfid, 0, 0, 0, 0),
			-EINVAL);

	/* Five bytes of data right after the 16-byte body */
	rsp_hdr(b, SMB2_READ, 17);
	b[66] = 0x50;
	w32(b, 68, 5);
	w32(b, 72, 3);
	memcpy(b + 80, "hello", 5);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_read(b, 85, 85, &rr), 0);
	KUNIT_EXPECT_PTR_EQ(test, rr.data, (const u8 *)b + 80);
	KUNIT_EXPECT_EQ(test, rr.data_length, 5U);
	KUNIT_EXPECT_EQ(test, rr.data_remaining, 3U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_read(b, 84, 84, &rr), -EIO);
	/* Only the first 80 bytes received here, data went to pages */
	w32(b, 68, 4096);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_read(b, 80, 80 + 4096, &rr), 0);
	KUNIT_EXPECT_NULL(test, rr.data);
	KUNIT_EXPECT_EQ(test, rr.data_offset, 0x50U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_read(b, 80, 80 + 4095, &rr), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_read(b, 80, 79, &rr), -EINVAL);
	/* Data overlapping the body */
	b[66] = 0x48;
	KUNIT_EXPECT_EQ(test, smb3mc_parse_read(b, 80, 80 + 4096, &rr), -EIO);
	/* No data at all is fine whatever DataOffset says */
	w32(b, 68, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_read(b, 80, 80, &rr), 0);
	KUNIT_EXPECT_NULL(test, rr.data);
	w16(b, 64, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_read(b, 80, 80, &rr), -EIO);

	KUNIT_ASSERT_EQ(test, smb3mc_build_write(b, BUFSZ, &tfid, 4096, 8192,
						 SMB2_WRITEFLAG_WRITE_THROUGH),
			0x70);
	check_req_hdr(test, b, SMB2_WRITE, 49);
	KUNIT_EXPECT_EQ(test, r16(b, 66), 0x70);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 8192U);
	KUNIT_EXPECT_EQ(test, r64(b, 72), 4096ULL);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 88), tfid.volatile_id);
	KUNIT_EXPECT_EQ(test, r32(b, 96), 0U);
	KUNIT_EXPECT_EQ(test, r32(b, 108), 1U);
	KUNIT_EXPECT_EQ(test, smb3mc_build_write(b, 0x6f, &tfid, 0, 1, 0),
			-ENOSPC);
	rsp_hdr(b, SMB2_WRITE, 17);
	w32(b, 68, 8192);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_write(b, 80, &count), 0);
	KUNIT_EXPECT_EQ(test, count, 8192U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_write(b, 79, &count), -EIO);

	KUNIT_EXPECT_EQ(test, smb3mc_credit_charge(0), 1);
	KUNIT_EXPECT_EQ(test, smb3mc_credit_charge(65536), 1);
	KUNIT_EXPECT_EQ(test, smb3mc_credit_charge(65537), 2);
	KUNIT_EXPECT_EQ(test, smb3mc_credit_charge(8 << 20), 128);
}

/*
 * Which READ responses a channel receives straight into the reader's pages:
 * only a successful, single one whose data runs to the end of the frame.
 */
static void read_placement(struct kunit *test)
{
	u32 off = 0;
	u8 *b = tbuf(test);

	rsp_hdr(b, SMB2_READ, 17);
	b[66] = 0x50;
	w32(b, 68, 1 << 20);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + (1 << 20), &off),
			1U << 20);
	KUNIT_EXPECT_EQ(test, off, 0x50U);
	/* Padding before the data is allowed (DataOffset is the server's) */
	b[66] = 0x58;
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x58 + (1 << 20), &off),
			1U << 20);
	KUNIT_EXPECT_EQ(test, off, 0x58U);
	/* Bytes after the data, or data past the frame: received whole */
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x59 + (1 << 20), &off),
			0U);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x57 + (1 << 20), &off),
			0U);
	/* Data overlapping the fixed body */
	b[66] = 0x48;
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x48 + (1 << 20), &off),
			0U);
	b[66] = 0x50;
	/* No data; a header-only frame */
	w32(b, 68, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50, &off), 0U);
	w32(b, 68, 4096);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50, &off), 0U);
	/* An error status, an interim response, a compound, another command */
	w32(b, 8, 0xc0000011);			/* STATUS_END_OF_FILE */
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off), 0U);
	w32(b, 8, 0x00000103);			/* STATUS_PENDING */
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off), 0U);
	w32(b, 8, 0);
	w32(b, 20, 0x50 + 4096);		/* NextCommand */
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off), 0U);
	w32(b, 20, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off),
			4096U);
	w16(b, 12, SMB2_WRITE);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off), 0U);
	/* A request, not a response */
	w16(b, 12, SMB2_READ);
	w32(b, 16, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_read_rsp_data(b, 0x50 + 4096, &off), 0U);
}

static void query_info(struct kunit *test)
{
	const u8 *out;
	u32 olen;
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_query_info(b, BUFSZ, &tfid,
						      SMB2_0_INFO_FILE,
						      FileAllInformation,
						      4096, 0), 105);
	check_req_hdr(test, b, SMB2_QUERY_INFO, 41);
	KUNIT_EXPECT_EQ(test, b[66], SMB2_0_INFO_FILE);
	KUNIT_EXPECT_EQ(test, b[67], FileAllInformation);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 4096U);
	KUNIT_EXPECT_EQ(test, r16(b, 72), 0);
	KUNIT_EXPECT_EQ(test, r32(b, 76), 0U);
	KUNIT_EXPECT_EQ(test, r64(b, 88), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 96), tfid.volatile_id);
	KUNIT_ASSERT_EQ(test, smb3mc_build_query_info(b, BUFSZ, &tfid,
						      SMB2_0_INFO_SECURITY, 0,
						      1024,
						      DACL_SECURITY_INFORMATION),
			105);
	KUNIT_EXPECT_EQ(test, r32(b, 80), DACL_SECURITY_INFORMATION);
	KUNIT_EXPECT_EQ(test, smb3mc_build_query_info(b, 104, &tfid, 1, 5, 24,
						      0), -ENOSPC);

	rsp_hdr(b, SMB2_QUERY_INFO, 9);
	w16(b, 66, 72);
	w32(b, 68, 24);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_info(b, 96, &out, &olen), 0);
	KUNIT_EXPECT_PTR_EQ(test, out, (const u8 *)b + 72);
	KUNIT_EXPECT_EQ(test, olen, 24U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_info(b, 95, &out, &olen),
			-EIO);
	w16(b, 66, 70);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_info(b, 96, &out, &olen),
			-EIO);
	w16(b, 66, 72);
	w32(b, 68, 0xffffffff);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_info(b, 96, &out, &olen),
			-EIO);
	w32(b, 68, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_info(b, 72, &out, &olen), 0);
	KUNIT_EXPECT_NULL(test, out);
	KUNIT_EXPECT_EQ(test, olen, 0U);
}

static void fscc_classes(struct kunit *test)
{
	struct smb3mc_file_attrs a = {};
	struct smb3mc_fs_size fs;
	struct smb3mc_fs_attr fsa;
	const __le16 *name;
	u32 nlen;
	u8 *b = tbuf(test);

	/* FileAllInformation: basic, standard, internal, ..., name "ab" */
	w64(b, 0, 11);
	w64(b, 8, 12);
	w64(b, 16, 13);
	w64(b, 24, 14);
	w32(b, 32, FILE_ATTRIBUTE_READONLY);
	w64(b, 40, 8192);
	w64(b, 48, 5000);
	w32(b, 56, 3);
	b[60] = 1;
	b[61] = 0;
	w64(b, 64, 0xabcdef);
	w32(b, 72, 9);
	w32(b, 96, 4);
	w16(b, 100, 'a');
	w16(b, 102, 'b');
	KUNIT_ASSERT_EQ(test, smb3mc_parse_all_info(b, 104, &a, &name, &nlen),
			0);
	KUNIT_EXPECT_EQ(test, a.creation_time, 11ULL);
	KUNIT_EXPECT_EQ(test, a.change_time, 14ULL);
	KUNIT_EXPECT_EQ(test, a.attributes, FILE_ATTRIBUTE_READONLY);
	KUNIT_EXPECT_EQ(test, a.allocation_size, 8192ULL);
	KUNIT_EXPECT_EQ(test, a.end_of_file, 5000ULL);
	KUNIT_EXPECT_EQ(test, a.nlink, 3U);
	KUNIT_EXPECT_TRUE(test, a.delete_pending);
	KUNIT_EXPECT_FALSE(test, a.is_dir);
	KUNIT_EXPECT_EQ(test, a.index_number, 0xabcdefULL);
	KUNIT_EXPECT_EQ(test, a.ea_size, 9U);
	KUNIT_EXPECT_EQ(test, a.valid, 0x3fU);
	KUNIT_EXPECT_PTR_EQ(test, (const u8 *)name, (const u8 *)b + 100);
	KUNIT_EXPECT_EQ(test, nlen, 4U);
	/* Name overrun (truncated reply), odd name length, short fixed part */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_all_info(b, 103, &a, &name, &nlen),
			-EIO);
	w32(b, 96, 3);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_all_info(b, 104, &a, &name, &nlen),
			-EIO);
	w32(b, 96, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_all_info(b, 99, &a, &name, &nlen),
			-EIO);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_all_info(b, 100, &a, &name, &nlen),
			0);
	KUNIT_EXPECT_NULL(test, name);

	/* Basic and Standard merge into one struct */
	memset(&a, 0, sizeof(a));
	KUNIT_ASSERT_EQ(test, smb3mc_parse_basic_info(b, 40, &a), 0);
	KUNIT_EXPECT_EQ(test, a.valid, SMB3MC_ATTR_TIMES |
			SMB3MC_ATTR_ATTRIBUTES);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_basic_info(b, 39, &a), -EIO);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b + 40, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, a.valid, SMB3MC_ATTR_TIMES |
			SMB3MC_ATTR_ATTRIBUTES | SMB3MC_ATTR_SIZES |
			SMB3MC_ATTR_NLINK);
	KUNIT_EXPECT_EQ(test, a.nlink, 3U);
	KUNIT_EXPECT_EQ(test, a.last_access_time, 12ULL);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_standard_info(b, 23, &a), -EIO);

	/* FileNetworkOpenInformation */
	memset(b, 0, 64);
	w64(b, 16, 21);
	w64(b, 32, 4096);
	w64(b, 40, 1);
	w32(b, 48, FILE_ATTRIBUTE_DIRECTORY);
	memset(&a, 0, sizeof(a));
	KUNIT_ASSERT_EQ(test, smb3mc_parse_network_open_info(b, 56, &a), 0);
	KUNIT_EXPECT_EQ(test, a.last_write_time, 21ULL);
	KUNIT_EXPECT_EQ(test, a.allocation_size, 4096ULL);
	KUNIT_EXPECT_EQ(test, a.end_of_file, 1ULL);
	KUNIT_EXPECT_TRUE(test, a.is_dir);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_network_open_info(b, 55, &a), -EIO);

	/* FileFsFullSizeInformation */
	w64(b, 0, 1000);
	w64(b, 8, 600);
	w64(b, 16, 700);
	w32(b, 24, 8);
	w32(b, 28, 512);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_fs_full_size_info(b, 32, &fs), 0);
	KUNIT_EXPECT_EQ(test, fs.total_units, 1000ULL);
	KUNIT_EXPECT_EQ(test, fs.caller_avail_units, 600ULL);
	KUNIT_EXPECT_EQ(test, fs.actual_avail_units, 700ULL);
	KUNIT_EXPECT_EQ(test, fs.sectors_per_unit, 8U);
	KUNIT_EXPECT_EQ(test, fs.bytes_per_sector, 512U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_full_size_info(b, 31, &fs),
			-EIO);
	/* an allocation unit of 0 bytes, or of 4 GiB (0 in a u32) */
	w32(b, 24, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_full_size_info(b, 32, &fs),
			-EIO);
	w32(b, 24, 0x10000);
	w32(b, 28, 0x10000);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_full_size_info(b, 32, &fs),
			-EIO);
	w32(b, 28, 0xFFFF);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_fs_full_size_info(b, 32, &fs), 0);
	KUNIT_EXPECT_EQ(test, (u64)fs.sectors_per_unit * fs.bytes_per_sector,
			0xFFFF0000ULL);

	/* FileFsAttributeInformation, "NTFS" */
	w32(b, 0, FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES);
	w32(b, 4, 255);
	w32(b, 8, 8);
	w16(b, 12, 'N');
	w16(b, 14, 'T');
	w16(b, 16, 'F');
	w16(b, 18, 'S');
	KUNIT_ASSERT_EQ(test, smb3mc_parse_fs_attr_info(b, 20, &fsa), 0);
	KUNIT_EXPECT_EQ(test, fsa.attributes, 3U);
	KUNIT_EXPECT_EQ(test, fsa.max_name_len, 255U);
	KUNIT_EXPECT_EQ(test, fsa.fs_name_len, 8U);
	KUNIT_EXPECT_PTR_EQ(test, (const u8 *)fsa.fs_name,
			    (const u8 *)b + 12);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_attr_info(b, 19, &fsa), -EIO);
	w32(b, 8, 7);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_attr_info(b, 20, &fsa), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_fs_attr_info(b, 11, &fsa), -EIO);
}

static void check_set_hdr(struct kunit *test, const u8 *b, u8 cls, u32 len)
{
	check_req_hdr(test, b, SMB2_SET_INFO, 33);
	KUNIT_EXPECT_EQ(test, b[66], SMB2_0_INFO_FILE);
	KUNIT_EXPECT_EQ(test, b[67], cls);
	KUNIT_EXPECT_EQ(test, r32(b, 68), len);
	KUNIT_EXPECT_EQ(test, r16(b, 72), 96);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 88), tfid.volatile_id);
}

static void set_info(struct kunit *test)
{
	struct smb3mc_set_basic sb = {
		.last_write_time = 0x01d0000000000000ULL,
		.change_time = SMB3MC_NT_TIME_FREEZE,
		.attributes = FILE_ATTRIBUTE_NORMAL,
	};
	static const __le16 one[] = { cpu_to_le16('x') };
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_set_basic(b, BUFSZ, &tfid, &sb),
			136);
	check_set_hdr(test, b, FileBasicInformation, 40);
	KUNIT_EXPECT_EQ(test, r64(b, 96), 0ULL);	/* unchanged */
	KUNIT_EXPECT_EQ(test, r64(b, 104), 0ULL);
	KUNIT_EXPECT_EQ(test, r64(b, 112), 0x01d0000000000000ULL);
	KUNIT_EXPECT_EQ(test, r64(b, 120), U64_MAX);
	KUNIT_EXPECT_EQ(test, r32(b, 128), FILE_ATTRIBUTE_NORMAL);

	KUNIT_ASSERT_EQ(test, smb3mc_build_set_eof(b, BUFSZ, &tfid, 12345),
			104);
	check_set_hdr(test, b, FileEndOfFileInformation, 8);
	KUNIT_EXPECT_EQ(test, r64(b, 96), 12345ULL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_set_eof(b, BUFSZ, &tfid, U64_MAX),
			-EINVAL);

	KUNIT_ASSERT_EQ(test, smb3mc_build_set_disposition(b, BUFSZ, &tfid,
							   true), 97);
	check_set_hdr(test, b, FileDispositionInformation, 1);
	KUNIT_EXPECT_EQ(test, b[96], 1);

	memset(b, 0xaa, BUFSZ);
	KUNIT_ASSERT_EQ(test, smb3mc_build_set_rename(b, BUFSZ, &tfid,
						      name_a_b,
						      sizeof(name_a_b), true),
			96 + 32);
	check_set_hdr(test, b, FileRenameInformation, 32);
	KUNIT_EXPECT_EQ(test, b[96], 1);
	KUNIT_EXPECT_EQ(test, r64(b, 104), 0ULL);	/* RootDirectory */
	KUNIT_EXPECT_EQ(test, r32(b, 112), 6U);
	KUNIT_EXPECT_EQ(test, r16(b, 116), 'a');
	KUNIT_EXPECT_EQ(test, r16(b, 120), 'b');
	KUNIT_EXPECT_EQ(test, r16(b, 122), 0);		/* padding */
	KUNIT_EXPECT_EQ(test, r32(b, 124), 0U);

	/* One character still gives a 24-byte buffer */
	KUNIT_ASSERT_EQ(test, smb3mc_build_set_link(b, BUFSZ, &tfid, one,
						    sizeof(one), false),
			96 + 24);
	check_set_hdr(test, b, FileLinkInformation, 24);
	KUNIT_EXPECT_EQ(test, b[96], 0);
	KUNIT_EXPECT_EQ(test, r32(b, 112), 2U);
	KUNIT_EXPECT_EQ(test, smb3mc_build_set_link(b, BUFSZ, &tfid, one, 0,
						    false), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_set_rename(b, BUFSZ, &tfid, one, 1,
						      false), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_set_rename(b, 96 + 23, &tfid, one,
						      2, false), -ENOSPC);

	rsp_hdr(b, SMB2_SET_INFO, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_set_info(b, 66), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_set_info(b, 65), -EIO);
}

static void query_dir_build(struct kunit *test)
{
	static const __le16 star[] = { cpu_to_le16('*') };
	u8 *b = tbuf(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_query_directory(b, BUFSZ, &tfid,
							   SMB2_RESTART_SCANS,
							   7, star, 2, 65536),
			98);
	check_req_hdr(test, b, SMB2_QUERY_DIRECTORY, 33);
	KUNIT_EXPECT_EQ(test, b[66], FileIdFullDirectoryInformation);
	KUNIT_EXPECT_EQ(test, b[67], SMB2_RESTART_SCANS);
	KUNIT_EXPECT_EQ(test, r32(b, 68), 7U);
	KUNIT_EXPECT_EQ(test, r64(b, 72), tfid.persistent);
	KUNIT_EXPECT_EQ(test, r64(b, 80), tfid.volatile_id);
	KUNIT_EXPECT_EQ(test, r16(b, 88), 96);
	KUNIT_EXPECT_EQ(test, r16(b, 90), 2);
	KUNIT_EXPECT_EQ(test, r32(b, 92), 65536U);
	KUNIT_EXPECT_EQ(test, r16(b, 96), '*');
	KUNIT_EXPECT_EQ(test, smb3mc_build_query_directory(b, 97, &tfid, 0, 0,
							   star, 2, 100),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_query_directory(b, BUFSZ, &tfid, 0,
							   0, star, 0, 100),
			-EINVAL);
}

/* Entry at @off of the listing in @b (starting at 72): name of @nch chars */
static void dir_entry(u8 *b, u32 off, u32 next, u32 nch, u64 id)
{
	u8 *e = b + 72 + off;
	u32 i;

	w32(e, 0, next);
	w32(e, 4, off);
	w64(e, 24, 1000 + id);		/* LastWriteTime */
	w64(e, 40, 10 * id);		/* EndOfFile */
	w32(e, 56, id & 1 ? FILE_ATTRIBUTE_DIRECTORY : 0);
	w32(e, 60, nch * 2);
	w64(e, 72, id);
	for (i = 0; i < nch; i++)
		w16(e, 80 + 2 * i, 'a' + i);
}

/* Two entries, "a" (id 1) at 0 and "ab" (id 2) at 88: 172 bytes */
static void dir_rsp(u8 *b)
{
	rsp_hdr(b, SMB2_QUERY_DIRECTORY, 9);
	w16(b, 66, 72);
	w32(b, 68, 172);
	dir_entry(b, 0, 88, 1, 1);
	dir_entry(b, 88, 0, 2, 2);
}

static int dir_count(struct kunit *test, const u8 *b, size_t len)
{
	struct smb3mc_dir_iter it;
	struct smb3mc_dir_entry ent;
	int n = 0, rc;

	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_directory(b, len, &it), 0);
	while ((rc = smb3mc_dir_next(&it, &ent)) == 1)
		n++;
	/* After the end or an error the iterator stays finished */
	KUNIT_EXPECT_EQ(test, smb3mc_dir_next(&it, &ent), 0);
	return rc < 0 ? rc : n;
}

static void query_dir_parse(struct kunit *test)
{
	struct smb3mc_dir_iter it;
	struct smb3mc_dir_entry ent;
	u8 *b = tbuf(test);

	dir_rsp(b);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_directory(b, 244, &it), 0);
	KUNIT_ASSERT_EQ(test, smb3mc_dir_next(&it, &ent), 1);
	KUNIT_EXPECT_PTR_EQ(test, (const u8 *)ent.name, (const u8 *)b + 152);
	KUNIT_EXPECT_EQ(test, ent.name_len, 2U);
	KUNIT_EXPECT_EQ(test, ent.attrs.last_write_time, 1001ULL);
	KUNIT_EXPECT_EQ(test, ent.attrs.end_of_file, 10ULL);
	KUNIT_EXPECT_TRUE(test, ent.attrs.is_dir);
	KUNIT_EXPECT_EQ(test, ent.attrs.index_number, 1ULL);
	KUNIT_ASSERT_EQ(test, smb3mc_dir_next(&it, &ent), 1);
	KUNIT_EXPECT_EQ(test, ent.name_len, 4U);
	KUNIT_EXPECT_EQ(test, ent.file_index, 88U);
	KUNIT_EXPECT_EQ(test, r16((const u8 *)ent.name, 2), 'b');
	KUNIT_EXPECT_FALSE(test, ent.attrs.is_dir);
	KUNIT_EXPECT_EQ(test, ent.attrs.index_number, 2ULL);
	KUNIT_EXPECT_EQ(test, smb3mc_dir_next(&it, &ent), 0);

	/* OutputBuffer past the end of the message, or into the body */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_directory(b, 243, &it), -EIO);
	w16(b, 66, 64);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_directory(b, 244, &it), -EIO);

	/* NextEntryOffset 0 on the first entry: the listing ends there */
	dir_rsp(b);
	w32(b, 72, 0);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), 1);
	/* Not advancing past the entry (a loop), and into the entry */
	w32(b, 72, 8);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	w32(b, 72, 80);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/* Misaligned */
	w32(b, 72, 84);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/* Overrunning the buffer */
	w32(b, 72, 176);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	w32(b, 72, 0xfffffff8);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/* Last entry cut short */
	dir_rsp(b);
	w32(b, 68, 160);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/* Name length odd, zero, or past the buffer */
	dir_rsp(b);
	w32(b, 72 + 88 + 60, 3);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	w32(b, 72 + 88 + 60, 0);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	w32(b, 72 + 88 + 60, 6);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/* An entry shorter than the fixed part after a valid one */
	dir_rsp(b);
	w32(b, 68, 88 + 40);
	KUNIT_EXPECT_EQ(test, dir_count(test, b, 244), -EIO);
	/*
	 * A success with no entries, which the client would answer with
	 * another QUERY_DIRECTORY for as long as the server answers so
	 */
	w32(b, 68, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_directory(b, 72, &it), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_directory(b, 244, &it), -EIO);
	/* An ERROR response (also StructureSize 9) of another command */
	rsp_hdr(b, SMB2_QUERY_INFO, 9);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_query_directory(b, 72, &it), -EIO);
}

#define NT_1970 116444736000000000ULL

static void nt_time(struct kunit *test)
{
	struct timespec64 ts;

	ts = smb3mc_nt_to_timespec64(0);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, -11644473600LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 0L);
	ts = smb3mc_nt_to_timespec64(NT_1970);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 0LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 0L);
	ts = smb3mc_nt_to_timespec64(NT_1970 + 10000000ULL * 1700000000 + 1);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 1700000000LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 100L);
	/* Just before 1970: negative seconds, nanoseconds still positive */
	ts = smb3mc_nt_to_timespec64(NT_1970 - 1);
	KUNIT_EXPECT_EQ(test, ts.tv_sec, -1LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 999999900L);
	ts = smb3mc_nt_to_timespec64(U64_MAX);
	KUNIT_EXPECT_EQ(test, ts.tv_sec,
			(s64)(U64_MAX / 10000000) - 11644473600LL);

	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_timespec64_to_nt(ts), NT_1970);
	ts.tv_sec = -1;
	ts.tv_nsec = 999999900;
	KUNIT_EXPECT_EQ(test, smb3mc_timespec64_to_nt(ts), NT_1970 - 1);
	ts.tv_sec = -11644473600LL;
	ts.tv_nsec = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_timespec64_to_nt(ts), 0ULL);
	/* Before 1601 and beyond the signed range: clamped */
	ts.tv_sec = -11644473601LL;
	KUNIT_EXPECT_EQ(test, smb3mc_timespec64_to_nt(ts), 0ULL);
	ts.tv_sec = S64_MAX;
	KUNIT_EXPECT_EQ(test, smb3mc_timespec64_to_nt(ts), (u64)S64_MAX);
	/* Sub-100 ns precision is dropped, the rest round-trips */
	ts.tv_sec = 1234567890;
	ts.tv_nsec = 123456789;
	ts = smb3mc_nt_to_timespec64(smb3mc_timespec64_to_nt(ts));
	KUNIT_EXPECT_EQ(test, ts.tv_sec, 1234567890LL);
	KUNIT_EXPECT_EQ(test, ts.tv_nsec, 123456700L);
}

/* FileStandardInformation (MS-FSCC 2.4.41) into @b */
static void standard_info(u8 *b, u64 alloc, u64 eof, u32 nlink,
			  bool delete_pending, bool dir)
{
	w64(b, 0, alloc);
	w64(b, 8, eof);
	w32(b, 16, nlink);
	b[20] = delete_pending;
	b[21] = dir;
	w16(b, 22, 0);
}

/* What a server must not send is refused; a missing link count mended. */
static void attrs_check(struct kunit *test)
{
	struct smb3mc_file_attrs a = {};
	const char *why;
	u8 *b = tbuf(test);

	standard_info(b, 4096, 37, 1, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, 1U);

	/* The largest loff_t is a size; one more is not (2^63 + 4096) */
	standard_info(b, 4096, S64_MAX, 1, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	standard_info(b, 4096, (1ULL << 63) + 4096, 1, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), -EIO);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "EndOfFile"));
	standard_info(b, U64_MAX, 37, 1, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), -EIO);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "AllocationSize"));
	/* A directory's sizes, and those of FileNetworkOpenInformation */
	standard_info(b, 0, 1ULL << 63, 1, false, true);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), -EIO);
	memset(&a, 0, sizeof(a));
	memset(b, 0, 56);
	w64(b, 40, 1ULL << 63);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_network_open_info(b, 56, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), -EIO);

	/* NumberOfLinks 0 of a file by its name: taken as 1 */
	memset(&a, 0, sizeof(a));
	standard_info(b, 4096, 37, 0, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, 1U);
	/* ... but not of one being deleted, nor of a directory */
	standard_info(b, 4096, 37, 0, true, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, 0U);
	standard_info(b, 0, 0, 0, false, true);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	/* More links than a mount lets a file have: the most it does */
	standard_info(b, 4096, 37, U32_MAX, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, (u32)SMB3MC_LINK_MAX);
	standard_info(b, 4096, 37, SMB3MC_LINK_MAX, false, false);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_standard_info(b, 24, &a), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, (u32)SMB3MC_LINK_MAX);
	/* No link count parsed (CREATE, FileBasicInformation): nothing to mend */
	memset(&a, 0, sizeof(a));
	KUNIT_EXPECT_EQ(test, smb3mc_attrs_check(&a, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, a.nlink, 0U);
}

/* MS-FSCC 2.1.9: file ids 0 and all ones both mean "none", kept as 0. */
static void file_id_none(struct kunit *test)
{
	struct smb3mc_file_attrs a = {};
	struct smb3mc_dir_iter it;
	struct smb3mc_dir_entry ent;
	const __le16 *name;
	u32 nlen;
	u8 *b = tbuf(test);

	memset(b, 0, 100);
	w64(b, 64, U64_MAX);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_all_info(b, 100, &a, &name, &nlen),
			0);
	KUNIT_EXPECT_EQ(test, a.index_number, 0ULL);
	KUNIT_EXPECT_TRUE(test, a.valid & SMB3MC_ATTR_INDEX);
	w64(b, 64, U64_MAX - 1);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_all_info(b, 100, &a, &name, &nlen),
			0);
	KUNIT_EXPECT_EQ(test, a.index_number, U64_MAX - 1);

	/* FileInternalInformation: the same rule, and 8 bytes or -EIO. */
	memset(&a, 0, sizeof(a));
	w64(b, 0, 0x0123456789abcdefULL);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_internal_info(b, 8, &a), 0);
	KUNIT_EXPECT_EQ(test, a.index_number, 0x0123456789abcdefULL);
	KUNIT_EXPECT_TRUE(test, a.valid & SMB3MC_ATTR_INDEX);
	w64(b, 0, U64_MAX);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_internal_info(b, 8, &a), 0);
	KUNIT_EXPECT_EQ(test, a.index_number, 0ULL);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_internal_info(b, 7, &a), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_internal_info(NULL, 0, &a), -EIO);

	dir_rsp(b);
	w64(b, 72 + 72, U64_MAX);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_query_directory(b, 244, &it), 0);
	KUNIT_ASSERT_EQ(test, smb3mc_dir_next(&it, &ent), 1);
	KUNIT_EXPECT_EQ(test, ent.attrs.index_number, 0ULL);
	KUNIT_ASSERT_EQ(test, smb3mc_dir_next(&it, &ent), 1);
	KUNIT_EXPECT_EQ(test, ent.attrs.index_number, 2ULL);
}

static struct kunit_case smb3mc_pdu_file_cases[] = {
	KUNIT_CASE(create_build),
	KUNIT_CASE(create_parse),
	KUNIT_CASE(close_flush),
	KUNIT_CASE(read_write),
	KUNIT_CASE(read_placement),
	KUNIT_CASE(query_info),
	KUNIT_CASE(compound_chain),
	KUNIT_CASE(fscc_classes),
	KUNIT_CASE(set_info),
	KUNIT_CASE(query_dir_build),
	KUNIT_CASE(query_dir_parse),
	KUNIT_CASE(nt_time),
	KUNIT_CASE(attrs_check),
	KUNIT_CASE(file_id_none),
	{}
};

static struct kunit_suite smb3mc_pdu_file_suite = {
	.name = "smb3mc_pdu_file",
	.test_cases = smb3mc_pdu_file_cases,
};

kunit_test_suite(smb3mc_pdu_file_suite);
