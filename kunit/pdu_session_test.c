// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the SMB2 header helpers and the session-level PDUs
 * (src/pdu_hdr.c, pdu_negotiate.c, pdu_sess_setup.c, pdu_tree.c,
 * pdu_echo.c): exact request bytes and hand-built responses, valid and
 * malformed.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "nterr.h"
#include "pdu_hdr.h"
#include "pdu_session.h"
#include "wire_test.h"

#define BUF_SIZE 512

static u8 *buf_new(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, BUF_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* A response header as a server sends it. */
static void rsp_hdr(u8 *buf, enum smb2_command cmd, __le32 status)
{
	struct smb2_hdr *hdr = (struct smb2_hdr *)buf;

	smb3mc_hdr_init(hdr, cmd);
	hdr->flags = SMB2_FLAGS_SERVER_TO_REDIR;
	hdr->status = status;
}

/* ---- header ---- */

static void hdr_init_bytes(struct kunit *test)
{
	static const u8 proto[4] = { 0xfe, 'S', 'M', 'B' };
	u8 *buf = buf_new(test);
	unsigned int i;

	memset(buf, 0xcc, SMB2_HDR_SIZE);
	smb3mc_hdr_init((struct smb2_hdr *)buf, SMB2_TREE_CONNECT);
	EXPECT_BYTES(test, buf, proto, 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 4), 64);
	KUNIT_EXPECT_EQ(test, r16(buf, 12), SMB2_TREE_CONNECT);
	for (i = 6; i < SMB2_HDR_SIZE; i++)
		if (i != 12)
			KUNIT_EXPECT_EQ_MSG(test, buf[i], 0, "byte %u", i);
}

static void hdr_check_cases(struct kunit *test)
{
	u8 *buf = buf_new(test);

	rsp_hdr(buf, SMB2_ECHO, STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 64), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 63), -EIO);

	buf[0] = 0xfd;
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 64), -EIO);
	buf[0] = 0xfe;
	w16(buf, 4, 65);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 64), -EIO);
	w16(buf, 4, 64);
	w32(buf, 16, 0);		/* a request, not a response */
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 64), -EIO);
	w32(buf, 16, 1);

	/* NextCommand: aligned and leaving room for a whole header. */
	w32(buf, 20, 72);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 136), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 135), -EIO);
	w32(buf, 20, 76);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 200), -EIO);
	w32(buf, 20, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_check(buf, 200), -EIO);
}

/*
 * A compounded response (MS-SMB2 3.2.5.1.9), walked as the receive side
 * splits it: each NextCommand gives the next header, 0 the last, and a
 * malformed one anywhere stops the walk (computed cases).
 */
static void hdr_next_walk(struct kunit *test)
{
	u8 *buf = buf_new(test);
	int n;

	/* Three ECHO answers of 68 bytes, the first two padded to 72. */
	rsp_hdr(buf, SMB2_ECHO, STATUS_SUCCESS);
	w16(buf, 64, 4);
	memcpy(buf + 72, buf, 68);
	memcpy(buf + 144, buf, 68);
	w32(buf, 20, 72);
	w32(buf + 72, 20, 72);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf, 212), 72);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 72, 140), 72);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 144, 68), 0);
	/* Each part checks as a response of its own NextCommand bytes. */
	KUNIT_EXPECT_EQ(test, smb3mc_check_simple_rsp(buf, 72, SMB2_ECHO), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_check_simple_rsp(buf + 144, 68,
						      SMB2_ECHO), 0);

	/* The second pointing past the frame, or into the third. */
	w32(buf + 72, 20, 80);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 72, 140), -EIO);
	w32(buf + 72, 20, 36);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 72, 140), -EIO);
	w32(buf + 72, 20, 74);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 72, 140), -EIO);
	/* A third that is no SMB2 header: found at its own turn. */
	w32(buf + 72, 20, 72);
	buf[144] = 0;
	n = smb3mc_hdr_next(buf + 72, 140);
	KUNIT_EXPECT_EQ(test, n, 72);
	KUNIT_EXPECT_EQ(test, smb3mc_hdr_next(buf + 72 + n, 68), -EIO);
}

/* Computed cases: the two statuses, and the commands that judge them. */
static void hdr_session_gone_cases(struct kunit *test)
{
	struct smb2_hdr *hdr = (struct smb2_hdr *)buf_new(test);

	rsp_hdr((u8 *)hdr, SMB2_READ, STATUS_USER_SESSION_DELETED);
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_session_gone(hdr));
	hdr->status = STATUS_NETWORK_SESSION_EXPIRED;
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_session_gone(hdr));
	hdr->status = STATUS_ACCESS_DENIED;
	KUNIT_EXPECT_FALSE(test, smb3mc_hdr_session_gone(hdr));
	hdr->status = STATUS_SUCCESS;
	KUNIT_EXPECT_FALSE(test, smb3mc_hdr_session_gone(hdr));

	hdr->status = STATUS_USER_SESSION_DELETED;
	hdr->command = cpu_to_le16(SMB2_TREE_CONNECT);
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_session_gone(hdr));
	hdr->command = cpu_to_le16(SMB2_SESSION_SETUP);
	KUNIT_EXPECT_FALSE(test, smb3mc_hdr_session_gone(hdr));
	hdr->command = cpu_to_le16(SMB2_LOGOFF);
	KUNIT_EXPECT_FALSE(test, smb3mc_hdr_session_gone(hdr));
}

static void hdr_status_interim(struct kunit *test)
{
	struct smb2_hdr *hdr = (struct smb2_hdr *)buf_new(test);
	bool interim = true;

	rsp_hdr((u8 *)hdr, SMB2_READ, STATUS_SUCCESS);
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_status(hdr, &interim) ==
				STATUS_SUCCESS);
	KUNIT_EXPECT_FALSE(test, interim);

	hdr->status = STATUS_PENDING;
	smb3mc_hdr_status(hdr, &interim);
	KUNIT_EXPECT_FALSE(test, interim);	/* sync PENDING: not interim */

	hdr->flags |= SMB2_FLAGS_ASYNC_COMMAND;
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_status(hdr, &interim) ==
				STATUS_PENDING);
	KUNIT_EXPECT_TRUE(test, interim);
	KUNIT_EXPECT_TRUE(test, smb3mc_hdr_status(hdr, NULL) ==
				STATUS_PENDING);
}

static void rsp_check_cases(struct kunit *test)
{
	u8 *buf = buf_new(test);

	rsp_hdr(buf, SMB2_TREE_CONNECT, STATUS_SUCCESS);
	w16(buf, 64, 16);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 80, SMB2_TREE_CONNECT,
					       16), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 79, SMB2_TREE_CONNECT,
					       16), -EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 80, SMB2_CREATE, 16),
			-EIO);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 80, SMB2_TREE_CONNECT,
					       9), -EIO);
	/* An odd size counts one byte of the buffer: 9 needs 8 bytes. */
	w16(buf, 64, 9);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 72, SMB2_TREE_CONNECT,
					       9), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_rsp_check(buf, 65, SMB2_TREE_CONNECT,
					       9), -EIO);
}

static void error_rsp_cases(struct kunit *test)
{
	struct smb3mc_error_info info;
	u8 *buf = buf_new(test);

	/* STATUS_BUFFER_TOO_SMALL carries the 4-byte size needed. */
	rsp_hdr(buf, SMB2_QUERY_INFO, STATUS_BUFFER_TOO_SMALL);
	w16(buf, 64, 9);
	w32(buf, 68, 4);
	w32(buf, 72, 0x1234);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_error_rsp(buf, 76, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.status == STATUS_BUFFER_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, info.error_context_count, 0);
	KUNIT_EXPECT_PTR_EQ(test, info.data, (const u8 *)buf + 72);
	KUNIT_EXPECT_EQ(test, info.data_len, 4U);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 75, &info), -EIO);

	/* No ErrorData, with or without the padding byte. */
	w32(buf, 68, 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 73, &info), 0);
	KUNIT_EXPECT_NULL(test, info.data);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 72, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 71, &info), -EIO);

	w16(buf, 64, 8);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 73, &info), -EIO);
	w16(buf, 64, 9);

	/* 3.1.1 error contexts: 8-byte header plus data, 8-byte aligned. */
	buf[66] = 2;
	w32(buf, 68, 8 + 4 + 4 + 8 + 2);
	w32(buf, 72, 4);
	w32(buf, 88, 2);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 98, &info), 0);
	KUNIT_EXPECT_EQ(test, info.error_context_count, 2);
	buf[66] = 3;			/* one more than there are */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 98, &info), -EIO);
	buf[66] = 2;
	w32(buf, 88, 3);		/* second context overruns ByteCount */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_error_rsp(buf, 98, &info), -EIO);
}

/*
 * ksmbd's refused TREE_CONNECT (computed here from its smb2_tree_connect()
 * and smb2_set_err_rsp()): the header and TREE_CONNECT response it had
 * pinned, 80 bytes whose first 9 of the body the ERROR response then
 * overwrote, and that ERROR response, 73 bytes, again.
 */
static void error_repeated_cases(struct kunit *test)
{
	u8 *buf = buf_new(test);

	rsp_hdr(buf, SMB2_TREE_CONNECT, STATUS_BAD_NETWORK_NAME);
	w16(buf, 64, 9);
	w32(buf, 76, 0x001f01a9);	/* MaximalAccess: left over */
	memcpy(buf + 80, buf, 73);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 73UL);
	/* The copies back to back, the least that is two */
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 146), 0UL);
	memcpy(buf + 73, buf, 73);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 146), 73UL);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 145), 0UL);

	/* The end differs from the start in one byte: no copy. */
	memcpy(buf + 80, buf, 73);
	buf[80 + 48] ^= 1;		/* its signature */
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 0UL);
	buf[80 + 48] ^= 1;
	buf[80 + 72] ^= 1;		/* its ErrorData byte */
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 0UL);
	buf[80 + 72] ^= 1;

	/* Not a failure, or not an ERROR response without data */
	w32(buf, 8, le32_to_cpu(STATUS_SUCCESS));
	memcpy(buf + 80, buf, 73);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 0UL);
	w32(buf, 8, le32_to_cpu(STATUS_BAD_NETWORK_NAME));
	w32(buf, 68, 1);
	memcpy(buf + 80, buf, 73);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 0UL);
	w32(buf, 68, 0);
	w16(buf, 64, 16);
	memcpy(buf + 80, buf, 73);
	KUNIT_EXPECT_EQ(test, smb3mc_error_repeated(buf, 153), 0UL);
}

/* ---- NEGOTIATE ---- */

static void negotiate_build_smb30(struct kunit *test)
{
	struct smb3mc_negotiate_args args = {
		.dialects = { SMB30_DIALECT, SMB302_DIALECT },
		.dialect_count = 2,
		.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED,
		.capabilities = SMB2_GLOBAL_CAP_LARGE_MTU |
				SMB2_GLOBAL_CAP_MULTI_CHANNEL,
		/* Ignored without 3.1.1. */
		.cipher_count = 1,
		.ciphers = { SMB2_ENCRYPTION_AES128_GCM },
	};
	u8 *buf = buf_new(test);
	unsigned int i;

	for (i = 0; i < 16; i++)
		args.client_guid[i] = i + 1;
	KUNIT_ASSERT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			104);
	KUNIT_EXPECT_EQ(test, r16(buf, 12), SMB2_NEGOTIATE);
	KUNIT_EXPECT_EQ(test, r16(buf, 64), 36);
	KUNIT_EXPECT_EQ(test, r16(buf, 66), 2);
	KUNIT_EXPECT_EQ(test, r16(buf, 68), 1);
	KUNIT_EXPECT_EQ(test, r32(buf, 72), 0x0cU);
	EXPECT_BYTES(test, buf + 76, args.client_guid, 16);
	/* ClientStartTime: zero */
	KUNIT_EXPECT_EQ(test, r32(buf, 92), 0U);
	KUNIT_EXPECT_EQ(test, r32(buf, 96), 0U);
	KUNIT_EXPECT_EQ(test, r16(buf, 100), 0x0300);
	KUNIT_EXPECT_EQ(test, r16(buf, 102), 0x0302);

	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, 103, &args),
			-ENOSPC);
}

static void negotiate_args_311(struct smb3mc_negotiate_args *args)
{
	unsigned int i;

	memset(args, 0, sizeof(*args));
	args->dialects[0] = SMB30_DIALECT;
	args->dialects[1] = SMB302_DIALECT;
	args->dialects[2] = SMB311_DIALECT;
	args->dialect_count = 3;
	args->security_mode = SMB2_NEGOTIATE_SIGNING_REQUIRED;
	for (i = 0; i < SMB311_SALT_SIZE; i++)
		args->salt[i] = 0xa0 + i;
	args->ciphers[0] = SMB2_ENCRYPTION_AES128_GCM;
	args->ciphers[1] = SMB2_ENCRYPTION_AES128_CCM;
	args->ciphers[2] = SMB2_ENCRYPTION_AES256_GCM;
	args->ciphers[3] = SMB2_ENCRYPTION_AES256_CCM;
	args->cipher_count = 4;
	args->signing_algs[0] = SMB2_SIGNING_AES_GMAC;
	args->signing_algs[1] = SMB2_SIGNING_AES_CMAC;
	args->signing_alg_count = 2;
	args->netname = "srv";
}

static void negotiate_build_smb311(struct kunit *test)
{
	static const u8 netname[] = { 's', 0, 'r', 0, 'v', 0 };
	struct smb3mc_negotiate_args args;
	u8 *buf = buf_new(test);

	negotiate_args_311(&args);
	memset(buf, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			214);
	KUNIT_EXPECT_EQ(test, r16(buf, 66), 3);
	KUNIT_EXPECT_EQ(test, r16(buf, 104), 0x0311);
	/* Dialects end at 106; padding to the 8-byte aligned list. */
	KUNIT_EXPECT_EQ(test, r32(buf, 92), 112U);
	KUNIT_EXPECT_EQ(test, r16(buf, 96), 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 98), 0);
	KUNIT_EXPECT_EQ(test, r16(buf, 106), 0);
	KUNIT_EXPECT_EQ(test, r32(buf, 108), 0U);

	/* Preauth: type 1, 38 bytes, one SHA-512, 32-byte salt. */
	KUNIT_EXPECT_EQ(test, r16(buf, 112), 1);
	KUNIT_EXPECT_EQ(test, r16(buf, 114), 38);
	KUNIT_EXPECT_EQ(test, r32(buf, 116), 0U);
	KUNIT_EXPECT_EQ(test, r16(buf, 120), 1);
	KUNIT_EXPECT_EQ(test, r16(buf, 122), 32);
	KUNIT_EXPECT_EQ(test, r16(buf, 124), 1);
	EXPECT_BYTES(test, buf + 126, args.salt, 32);
	KUNIT_EXPECT_EQ(test, r16(buf, 158), 0);	/* padding */

	/* Encryption at 160: the caller's order. */
	KUNIT_EXPECT_EQ(test, r16(buf, 160), 2);
	KUNIT_EXPECT_EQ(test, r16(buf, 162), 10);
	KUNIT_EXPECT_EQ(test, r16(buf, 168), 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 170), 2);
	KUNIT_EXPECT_EQ(test, r16(buf, 172), 1);
	KUNIT_EXPECT_EQ(test, r16(buf, 174), 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 176), 3);
	KUNIT_EXPECT_EQ(test, r32(buf, 178), 0U);
	KUNIT_EXPECT_EQ(test, r16(buf, 182), 0);

	/* Signing at 184. */
	KUNIT_EXPECT_EQ(test, r16(buf, 184), 8);
	KUNIT_EXPECT_EQ(test, r16(buf, 186), 6);
	KUNIT_EXPECT_EQ(test, r16(buf, 192), 2);
	KUNIT_EXPECT_EQ(test, r16(buf, 194), 2);
	KUNIT_EXPECT_EQ(test, r16(buf, 196), 1);

	/* Netname at 200: UTF-16LE, no terminator, no trailing pad. */
	KUNIT_EXPECT_EQ(test, r16(buf, 200), 5);
	KUNIT_EXPECT_EQ(test, r16(buf, 202), 6);
	EXPECT_BYTES(test, buf + 208, netname, 6);

	/* Only the mandatory preauth context. */
	args.cipher_count = 0;
	args.signing_alg_count = 0;
	args.netname = NULL;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			158);
	KUNIT_EXPECT_EQ(test, r16(buf, 96), 1);
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, 157, &args),
			-ENOSPC);
}

static void negotiate_build_errors(struct kunit *test)
{
	struct smb3mc_negotiate_args args;
	u8 *buf = buf_new(test);

	negotiate_args_311(&args);
	args.dialect_count = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	args.dialect_count = 4;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	negotiate_args_311(&args);
	args.dialects[0] = 0x0210;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	negotiate_args_311(&args);
	args.ciphers[1] = 5;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	negotiate_args_311(&args);
	args.signing_algs[0] = 3;
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	negotiate_args_311(&args);
	args.netname = "";
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			-EINVAL);
	negotiate_args_311(&args);
	KUNIT_EXPECT_EQ(test, smb3mc_build_negotiate(buf, 200, &args),
			-ENOSPC);
}

/*
 * A 3.1.1 response: 8-byte GSS blob at 128, contexts from 136: preauth
 * (to 182), encryption at 184 (to 196), signing at 200 (to 212).
 * Returns its length.
 */
static size_t negotiate_rsp_311(u8 *buf)
{
	unsigned int i;

	memset(buf, 0, BUF_SIZE);
	rsp_hdr(buf, SMB2_NEGOTIATE, STATUS_SUCCESS);
	w16(buf, 64, 65);
	w16(buf, 66, SMB2_NEGOTIATE_SIGNING_ENABLED);
	w16(buf, 68, SMB311_DIALECT);
	w16(buf, 70, 3);
	for (i = 0; i < 16; i++)
		buf[72 + i] = 0x10 + i;
	w32(buf, 88, SMB2_GLOBAL_CAP_MULTI_CHANNEL | SMB2_GLOBAL_CAP_LEASING);
	w32(buf, 92, 8 << 20);
	w32(buf, 96, 4 << 20);
	w32(buf, 100, 2 << 20);
	w32(buf, 104, 0x89abcdef);
	w32(buf, 108, 0x01d00000);
	w16(buf, 120, 128);
	w16(buf, 122, 8);
	w32(buf, 124, 136);
	memcpy(buf + 128, "GSSBLOB!", 8);

	w16(buf, 136, SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
	w16(buf, 138, 38);
	w16(buf, 144, 1);
	w16(buf, 146, 32);
	w16(buf, 148, SMB2_PREAUTH_INTEGRITY_SHA512);
	memset(buf + 150, 0x5a, 32);

	w16(buf, 184, SMB2_ENCRYPTION_CAPABILITIES);
	w16(buf, 186, 4);
	w16(buf, 192, 1);
	w16(buf, 194, SMB2_ENCRYPTION_AES128_GCM);

	w16(buf, 200, SMB2_SIGNING_CAPABILITIES);
	w16(buf, 202, 4);
	w16(buf, 208, 1);
	w16(buf, 210, SMB2_SIGNING_AES_GMAC);
	return 212;
}

static void negotiate_parse_311(struct kunit *test)
{
	struct smb3mc_negotiate_info info;
	u8 *buf = buf_new(test);
	size_t len = negotiate_rsp_311(buf);

	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, info.dialect, SMB311_DIALECT);
	KUNIT_EXPECT_EQ(test, info.security_mode,
			SMB2_NEGOTIATE_SIGNING_ENABLED);
	KUNIT_EXPECT_EQ(test, info.capabilities,
			(u32)(SMB2_GLOBAL_CAP_MULTI_CHANNEL |
			      SMB2_GLOBAL_CAP_LEASING));
	EXPECT_BYTES(test, info.server_guid, buf + 72, 16);
	KUNIT_EXPECT_EQ(test, info.max_transact_size, 8U << 20);
	KUNIT_EXPECT_EQ(test, info.max_read_size, 4U << 20);
	KUNIT_EXPECT_EQ(test, info.max_write_size, 2U << 20);
	KUNIT_EXPECT_EQ(test, info.system_time, 0x01d0000089abcdefULL);
	KUNIT_EXPECT_PTR_EQ(test, info.sec_blob, (const u8 *)buf + 128);
	KUNIT_EXPECT_EQ(test, info.sec_blob_len, 8);
	KUNIT_EXPECT_EQ(test, info.preauth_hash_alg,
			SMB2_PREAUTH_INTEGRITY_SHA512);
	KUNIT_EXPECT_EQ(test, info.cipher, SMB2_ENCRYPTION_AES128_GCM);
	KUNIT_EXPECT_EQ(test, info.signing_alg, SMB2_SIGNING_AES_GMAC);

	/* Without the signing context: AES-CMAC (MS-SMB2 3.2.5.2). */
	w16(buf, 70, 2);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 196, &info), 0);
	KUNIT_EXPECT_EQ(test, info.signing_alg, SMB2_SIGNING_AES_CMAC);
	KUNIT_EXPECT_EQ(test, info.cipher, SMB2_ENCRYPTION_AES128_GCM);

	/* Unknown context types are skipped. */
	negotiate_rsp_311(buf);
	w16(buf, 184, 0x0042);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, info.cipher, 0);
}

static void negotiate_parse_smb302(struct kunit *test)
{
	struct smb3mc_negotiate_info info;
	u8 *buf = buf_new(test);

	rsp_hdr(buf, SMB2_NEGOTIATE, STATUS_SUCCESS);
	w16(buf, 64, 65);
	w16(buf, 68, SMB302_DIALECT);
	w32(buf, 88, SMB2_GLOBAL_CAP_ENCRYPTION);
	/* Empty security buffer; the offset is then not looked at. */
	w16(buf, 120, 0xffff);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 128, &info), 0);
	KUNIT_EXPECT_EQ(test, info.dialect, SMB302_DIALECT);
	KUNIT_EXPECT_NULL(test, info.sec_blob);
	KUNIT_EXPECT_EQ(test, info.sec_blob_len, 0);
	KUNIT_EXPECT_EQ(test, info.preauth_hash_alg, 0);
	KUNIT_EXPECT_EQ(test, info.cipher, SMB2_ENCRYPTION_AES128_CCM);
	KUNIT_EXPECT_EQ(test, info.signing_alg, SMB2_SIGNING_AES_CMAC);

	w32(buf, 88, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 128, &info), 0);
	KUNIT_EXPECT_EQ(test, info.cipher, 0);
	/* The fixed body (64 bytes) must be there in full. */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 127, &info),
			-EIO);
}

/* Finding 7 of issue 17: the server may only pick what was offered. */
static void negotiate_check_offered(struct kunit *test)
{
	struct smb3mc_negotiate_args args;
	struct smb3mc_negotiate_info info;
	u8 *buf = buf_new(test);
	size_t len = negotiate_rsp_311(buf);
	const char *what = NULL;
	u16 value = 0;

	negotiate_args_311(&args);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.signing_ctx);
	KUNIT_EXPECT_TRUE(test, info.cipher_ctx);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);

	/* Signing context naming HMAC-SHA256 (0): not offered. */
	w16(buf, 210, SMB2_SIGNING_HMAC_SHA256);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, info.signing_alg, SMB2_SIGNING_HMAC_SHA256);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, what, "signing algorithm");
	KUNIT_EXPECT_EQ(test, value, SMB2_SIGNING_HMAC_SHA256);
	/* Nor is AES-CMAC when only AES-GMAC was. */
	w16(buf, 210, SMB2_SIGNING_AES_CMAC);
	args.signing_alg_count = 1;
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);

	/* No signing context: AES-CMAC by the spec, no choice to refuse. */
	w16(buf, 70, 2);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 196, &info), 0);
	KUNIT_EXPECT_FALSE(test, info.signing_ctx);
	KUNIT_EXPECT_EQ(test, info.signing_alg, SMB2_SIGNING_AES_CMAC);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);

	/* A cipher not offered; cipher 0 (none in common) is fine. */
	negotiate_args_311(&args);
	len = negotiate_rsp_311(buf);
	args.cipher_count = 2;
	w16(buf, 194, SMB2_ENCRYPTION_AES256_GCM);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, what, "cipher");
	KUNIT_EXPECT_EQ(test, value, SMB2_ENCRYPTION_AES256_GCM);
	w16(buf, 194, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);

	/* A dialect not offered: 3.1.1 to a client offering 3.0 and 3.0.2. */
	negotiate_args_311(&args);
	args.dialect_count = 2;
	len = negotiate_rsp_311(buf);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, what, "dialect");
	KUNIT_EXPECT_EQ(test, value, SMB311_DIALECT);
	/* And 3.0.2 to a client offering only 3.0. */
	args.dialect_count = 1;
	w16(buf, 68, SMB302_DIALECT);
	w16(buf, 122, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 128, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, value, SMB302_DIALECT);
	args.dialects[0] = SMB302_DIALECT;
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);
}

/* What the client offers for encryption, and what it then accepts. */
static void negotiate_offer_ciphers(struct kunit *test)
{
	struct smb3mc_negotiate_args args;
	struct smb3mc_negotiate_info info;
	u8 *buf = buf_new(test);
	const char *what = NULL;
	u16 c, value = 0;
	size_t len;

	negotiate_args_311(&args);
	args.cipher_count = 0;
	args.netname = NULL;
	smb3mc_negotiate_offer_ciphers(&args, false);
	KUNIT_EXPECT_EQ(test, args.capabilities,
			(u32)SMB2_GLOBAL_CAP_ENCRYPTION);
	/* Preauth context at 112, the encryption context at 160. */
	KUNIT_ASSERT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			198);
	KUNIT_EXPECT_EQ(test, r32(buf, 72), (u32)SMB2_GLOBAL_CAP_ENCRYPTION);
	KUNIT_EXPECT_EQ(test, r16(buf, 160), SMB2_ENCRYPTION_CAPABILITIES);
	KUNIT_EXPECT_EQ(test, r16(buf, 162), 10);
	KUNIT_EXPECT_EQ(test, r16(buf, 168), 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 170), SMB2_ENCRYPTION_AES128_GCM);
	KUNIT_EXPECT_EQ(test, r16(buf, 172), SMB2_ENCRYPTION_AES256_GCM);
	KUNIT_EXPECT_EQ(test, r16(buf, 174), SMB2_ENCRYPTION_AES128_CCM);
	KUNIT_EXPECT_EQ(test, r16(buf, 176), SMB2_ENCRYPTION_AES256_CCM);

	/* Each of the four may be chosen. */
	len = negotiate_rsp_311(buf);
	for (c = SMB2_ENCRYPTION_AES128_CCM; c <= SMB2_ENCRYPTION_AES256_GCM;
	     c++) {
		w16(buf, 194, c);
		KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len,
								 &info), 0);
		KUNIT_EXPECT_EQ(test, info.cipher, c);
		KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args,
					&info, &what, &value), 0);
	}

	/* require_gcm_256: that one alone, and nothing else accepted. */
	negotiate_args_311(&args);
	args.netname = NULL;
	smb3mc_negotiate_offer_ciphers(&args, true);
	KUNIT_ASSERT_EQ(test, smb3mc_build_negotiate(buf, BUF_SIZE, &args),
			190);
	KUNIT_EXPECT_EQ(test, r16(buf, 162), 4);
	KUNIT_EXPECT_EQ(test, r16(buf, 168), 1);
	KUNIT_EXPECT_EQ(test, r16(buf, 170), SMB2_ENCRYPTION_AES256_GCM);
	len = negotiate_rsp_311(buf);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, what, "cipher");
	KUNIT_EXPECT_EQ(test, value, SMB2_ENCRYPTION_AES128_GCM);
	w16(buf, 194, SMB2_ENCRYPTION_AES256_GCM);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);

	/* 3.0.2: AES-128-CCM by the capability, only when it was offered. */
	memset(buf, 0, BUF_SIZE);
	rsp_hdr(buf, SMB2_NEGOTIATE, STATUS_SUCCESS);
	w16(buf, 64, 65);
	w16(buf, 68, SMB302_DIALECT);
	w32(buf, 88, SMB2_GLOBAL_CAP_ENCRYPTION);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_negotiate_rsp(buf, 128, &info), 0);
	KUNIT_EXPECT_EQ(test, info.cipher, SMB2_ENCRYPTION_AES128_CCM);
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value), 0);
	args.capabilities = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_negotiate_check_offered(&args, &info,
							     &what, &value),
			-EPROTO);
	KUNIT_EXPECT_STREQ(test, what, "cipher");
	KUNIT_EXPECT_EQ(test, value, SMB2_ENCRYPTION_AES128_CCM);
}

static void negotiate_parse_malformed(struct kunit *test)
{
	struct smb3mc_negotiate_info info;
	u8 *buf = buf_new(test);
	size_t len;

#define NEG_BAD(stmt) do {						\
		len = negotiate_rsp_311(buf);				\
		stmt;							\
		KUNIT_EXPECT_EQ_MSG(test,				\
			smb3mc_parse_negotiate_rsp(buf, len, &info),	\
			-EIO, "%s", #stmt);				\
	} while (0)

	NEG_BAD(len = 100);				/* short buffer */
	NEG_BAD(len = 211);				/* last ctx cut */
	NEG_BAD(w16(buf, 64, 64));			/* StructureSize */
	NEG_BAD(w32(buf, 8, 0xc0000022));		/* failure status */
	NEG_BAD(w16(buf, 12, SMB2_ECHO));		/* wrong command */
	NEG_BAD(w16(buf, 68, 0x0210));		/* not offered */
	NEG_BAD(w16(buf, 68, 0x02ff));
	NEG_BAD(w16(buf, 120, 32));			/* blob in header */
	NEG_BAD(w16(buf, 120, 100));			/* blob in body */
	NEG_BAD(w16(buf, 120, 208));			/* blob past end */
	NEG_BAD(w16(buf, 122, 200));
	NEG_BAD(w16(buf, 70, 4));			/* too many ctxs */
	NEG_BAD(w16(buf, 70, 0));			/* 3.1.1, no ctx */
	NEG_BAD(w32(buf, 124, 140));			/* unaligned list */
	NEG_BAD(w32(buf, 124, 64));			/* list in header */
	NEG_BAD(w32(buf, 124, 4096));			/* list past end */
	NEG_BAD(w16(buf, 202, 100));			/* ctx overruns */
	NEG_BAD(w16(buf, 138, 0xffff));
	NEG_BAD(w16(buf, 136, 0x0042));		/* no preauth */
	NEG_BAD(w16(buf, 184, 1));			/* two preauth */
	NEG_BAD(w16(buf, 144, 2));			/* two hashes */
	NEG_BAD(w16(buf, 148, 2));			/* not SHA-512 */
	NEG_BAD(w16(buf, 146, 33));			/* salt overruns */
	NEG_BAD(w16(buf, 138, 5));			/* preauth short */
	NEG_BAD(w16(buf, 192, 2));			/* two ciphers */
	NEG_BAD(w16(buf, 194, 5));			/* unknown cipher */
	NEG_BAD(w16(buf, 186, 2));			/* cipher short */
	NEG_BAD(w16(buf, 210, 3));			/* unknown signing */
	NEG_BAD(w16(buf, 200, SMB2_ENCRYPTION_CAPABILITIES));	/* twice */
#undef NEG_BAD
}

/* ---- SESSION_SETUP ---- */

static void sess_setup_build(struct kunit *test)
{
	static const u8 blob[5] = { 'N', 'T', 'L', 'M', 'S' };
	struct smb3mc_sess_setup_args args = {
		.flags = SMB2_SESSION_FLAG_BINDING,
		.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED,
		.capabilities = SMB2_GLOBAL_CAP_DFS,
		.previous_session_id = 0x1122334455667788ULL,
		.sec_blob = blob,
		.sec_blob_len = sizeof(blob),
	};
	u8 *buf = buf_new(test);

	memset(buf, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_build_sess_setup(buf, BUF_SIZE, &args),
			93);
	KUNIT_EXPECT_EQ(test, r16(buf, 12), SMB2_SESSION_SETUP);
	KUNIT_EXPECT_EQ(test, r16(buf, 64), 25);
	KUNIT_EXPECT_EQ(test, buf[66], 1);
	KUNIT_EXPECT_EQ(test, buf[67], 1);
	KUNIT_EXPECT_EQ(test, r32(buf, 68), 1U);
	KUNIT_EXPECT_EQ(test, r32(buf, 72), 0U);
	KUNIT_EXPECT_EQ(test, r16(buf, 76), 88);
	KUNIT_EXPECT_EQ(test, r16(buf, 78), 5);
	KUNIT_EXPECT_EQ(test, r32(buf, 80), 0x55667788U);
	KUNIT_EXPECT_EQ(test, r32(buf, 84), 0x11223344U);
	EXPECT_BYTES(test, buf + 88, blob, 5);

	KUNIT_EXPECT_EQ(test, smb3mc_build_sess_setup(buf, 92, &args),
			-ENOSPC);
	args.flags = 2;
	KUNIT_EXPECT_EQ(test, smb3mc_build_sess_setup(buf, BUF_SIZE, &args),
			-EINVAL);
	args.flags = 0;
	args.sec_blob_len = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_build_sess_setup(buf, BUF_SIZE, &args),
			-EINVAL);
}

static size_t sess_setup_rsp(u8 *buf, __le32 status)
{
	memset(buf, 0, BUF_SIZE);
	rsp_hdr(buf, SMB2_SESSION_SETUP, status);
	w16(buf, 64, 9);
	w16(buf, 68, 72);
	w16(buf, 70, 6);
	memcpy(buf + 72, "TOKEN!", 6);
	return 78;
}

static void sess_setup_parse(struct kunit *test)
{
	struct smb3mc_sess_setup_info info;
	u8 *buf = buf_new(test);
	size_t len;

	len = sess_setup_rsp(buf, STATUS_MORE_PROCESSING_REQUIRED);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_sess_setup_rsp(buf, len, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.status == STATUS_MORE_PROCESSING_REQUIRED);
	KUNIT_EXPECT_PTR_EQ(test, info.sec_blob, (const u8 *)buf + 72);
	KUNIT_EXPECT_EQ(test, info.sec_blob_len, 6);
	KUNIT_EXPECT_EQ(test, info.session_flags, 0);

	/* The final leg may carry no token. */
	len = sess_setup_rsp(buf, STATUS_SUCCESS);
	w16(buf, 66, SMB2_SESSION_FLAG_IS_GUEST |
		     SMB2_SESSION_FLAG_ENCRYPT_DATA);
	w16(buf, 70, 0);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_sess_setup_rsp(buf, 73, &info), 0);
	KUNIT_EXPECT_TRUE(test, info.status == STATUS_SUCCESS);
	KUNIT_EXPECT_NULL(test, info.sec_blob);
	KUNIT_EXPECT_EQ(test, info.session_flags, 5);
}

static void sess_setup_parse_malformed(struct kunit *test)
{
	struct smb3mc_sess_setup_info info;
	u8 *buf = buf_new(test);
	size_t len;

#define SS_BAD(stmt) do {						\
		len = sess_setup_rsp(buf,				\
				     STATUS_MORE_PROCESSING_REQUIRED);	\
		stmt;							\
		KUNIT_EXPECT_EQ_MSG(test,				\
			smb3mc_parse_sess_setup_rsp(buf, len, &info),	\
			-EIO, "%s", #stmt);				\
	} while (0)

	SS_BAD(len = 71);				/* short buffer */
	SS_BAD(len = 77);				/* blob cut */
	SS_BAD(w16(buf, 64, 8));			/* StructureSize */
	SS_BAD(w16(buf, 70, 0));			/* no token */
	SS_BAD(w16(buf, 68, 40));			/* blob in header */
	SS_BAD(w16(buf, 68, 66));			/* blob in body */
	SS_BAD(w16(buf, 68, 0xfff0));			/* past the end */
	SS_BAD(w32(buf, 8, 0xc000006d));		/* LOGON_FAILURE */
	SS_BAD(w16(buf, 12, SMB2_NEGOTIATE));		/* wrong command */
#undef SS_BAD
}

/* ---- TREE_CONNECT, TREE_DISCONNECT, LOGOFF, ECHO ---- */

static void tree_connect_build(struct kunit *test)
{
	static const char unc[] = "\\\\srv\\sh\xc3\xa9";	/* é */
	static const u8 path[] = {
		'\\', 0, '\\', 0, 's', 0, 'r', 0, 'v', 0, '\\', 0,
		's', 0, 'h', 0, 0xe9, 0,
	};
	u8 *buf = buf_new(test);

	KUNIT_ASSERT_EQ(test, smb3mc_build_tree_connect(buf, BUF_SIZE, unc,
				SMB2_TREE_CONNECT_FLAG_CLUSTER_RECONNECT),
			72 + 18);
	KUNIT_EXPECT_EQ(test, r16(buf, 12), SMB2_TREE_CONNECT);
	KUNIT_EXPECT_EQ(test, r16(buf, 64), 9);
	KUNIT_EXPECT_EQ(test, r16(buf, 66), 1);
	KUNIT_EXPECT_EQ(test, r16(buf, 68), 72);
	KUNIT_EXPECT_EQ(test, r16(buf, 70), 18);
	EXPECT_BYTES(test, buf + 72, path, sizeof(path));

	/* Room for one UTF-16 unit per UTF-8 byte (10) is required. */
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, 72 + 20, unc, 0),
			90);
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, 72 + 19, unc, 0),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, 71, unc, 0),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, BUF_SIZE, "", 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, BUF_SIZE,
				"\\\\s\\\xff", 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_build_tree_connect(buf, BUF_SIZE, unc,
				SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT),
			-EINVAL);
}

static void tree_connect_parse(struct kunit *test)
{
	struct smb3mc_tree_connect_info info;
	u8 *buf = buf_new(test);

	rsp_hdr(buf, SMB2_TREE_CONNECT, STATUS_SUCCESS);
	w16(buf, 64, 16);
	buf[66] = SMB2_SHARE_TYPE_DISK;
	w32(buf, 68, SMB2_SHAREFLAG_ENCRYPT_DATA);
	w32(buf, 72, SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY);
	w32(buf, 76, 0x001f01ff);
	KUNIT_ASSERT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 80, &info),
			0);
	KUNIT_EXPECT_EQ(test, info.share_type, SMB2_SHARE_TYPE_DISK);
	KUNIT_EXPECT_EQ(test, info.share_flags,
			(u32)SMB2_SHAREFLAG_ENCRYPT_DATA);
	KUNIT_EXPECT_EQ(test, info.capabilities,
			(u32)SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY);
	KUNIT_EXPECT_EQ(test, info.maximal_access, 0x001f01ffU);

	KUNIT_EXPECT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 79, &info),
			-EIO);
	buf[66] = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 80, &info),
			-EIO);
	buf[66] = 4;
	KUNIT_EXPECT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 80, &info),
			-EIO);
	buf[66] = SMB2_SHARE_TYPE_PIPE;
	w16(buf, 64, 9);
	KUNIT_EXPECT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 80, &info),
			-EIO);
	w16(buf, 64, 16);
	w32(buf, 8, 0xc00000cc);	/* BAD_NETWORK_NAME */
	KUNIT_EXPECT_EQ(test, smb3mc_parse_tree_connect_rsp(buf, 80, &info),
			-EIO);
}

static void simple_pdus(struct kunit *test)
{
	static const struct {
		enum smb2_command cmd;
		int (*build)(void *buf, size_t size);
		int (*check)(const void *buf, size_t len);
	} pdus[] = {
		{ SMB2_TREE_DISCONNECT, smb3mc_build_tree_disconnect,
		  smb3mc_check_tree_disconnect_rsp },
		{ SMB2_LOGOFF, smb3mc_build_logoff, smb3mc_check_logoff_rsp },
		{ SMB2_ECHO, smb3mc_build_echo, smb3mc_check_echo_rsp },
	};
	u8 *buf = buf_new(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pdus); i++) {
		memset(buf, 0xcc, BUF_SIZE);
		KUNIT_ASSERT_EQ(test, pdus[i].build(buf, BUF_SIZE), 68);
		KUNIT_EXPECT_EQ(test, r16(buf, 12), pdus[i].cmd);
		KUNIT_EXPECT_EQ(test, r16(buf, 64), 4);
		KUNIT_EXPECT_EQ(test, r16(buf, 66), 0);
		KUNIT_EXPECT_EQ(test, pdus[i].build(buf, 67), -ENOSPC);

		rsp_hdr(buf, pdus[i].cmd, STATUS_SUCCESS);
		KUNIT_EXPECT_EQ(test, pdus[i].check(buf, 68), 0);
		KUNIT_EXPECT_EQ(test, pdus[i].check(buf, 67), -EIO);
		w16(buf, 64, 9);
		KUNIT_EXPECT_EQ(test, pdus[i].check(buf, 68), -EIO);
		w16(buf, 64, 4);
		w16(buf, 12, SMB2_CANCEL);
		KUNIT_EXPECT_EQ(test, pdus[i].check(buf, 68), -EIO);
		w16(buf, 12, pdus[i].cmd);
		w32(buf, 8, 0xc0000203);	/* USER_SESSION_DELETED */
		KUNIT_EXPECT_EQ(test, pdus[i].check(buf, 68), -EIO);
	}
}

static void command_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, smb3mc_command_name(SMB2_NEGOTIATE),
			   "NEGOTIATE");
	KUNIT_EXPECT_STREQ(test, smb3mc_command_name(SMB2_QUERY_DIRECTORY),
			   "QUERY_DIRECTORY");
	KUNIT_EXPECT_STREQ(test, smb3mc_command_name(SMB2_OPLOCK_BREAK),
			   "OPLOCK_BREAK");
	/* A server's Command is any 16 bits */
	KUNIT_EXPECT_STREQ(test, smb3mc_command_name(SMB2_OPLOCK_BREAK + 1),
			   "unknown command");
	KUNIT_EXPECT_STREQ(test, smb3mc_command_name(0xffff),
			   "unknown command");
}

/* MS-SMB2 3.3.5.17: only an ECHO in clear goes outside the session. */
static void cmd_in_session(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, smb3mc_cmd_in_session(SMB2_ECHO, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_cmd_in_session(SMB2_ECHO, true));
	KUNIT_EXPECT_TRUE(test, smb3mc_cmd_in_session(SMB2_READ, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_cmd_in_session(SMB2_CANCEL, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_cmd_in_session(SMB2_LOGOFF, false));
	KUNIT_EXPECT_TRUE(test, smb3mc_cmd_in_session(SMB2_TREE_CONNECT,
						      false));
}

static struct kunit_case pdu_session_cases[] = {
	KUNIT_CASE(hdr_init_bytes),
	KUNIT_CASE(hdr_check_cases),
	KUNIT_CASE(hdr_next_walk),
	KUNIT_CASE(command_names),
	KUNIT_CASE(cmd_in_session),
	KUNIT_CASE(hdr_status_interim),
	KUNIT_CASE(hdr_session_gone_cases),
	KUNIT_CASE(rsp_check_cases),
	KUNIT_CASE(error_rsp_cases),
	KUNIT_CASE(error_repeated_cases),
	KUNIT_CASE(negotiate_build_smb30),
	KUNIT_CASE(negotiate_build_smb311),
	KUNIT_CASE(negotiate_build_errors),
	KUNIT_CASE(negotiate_parse_311),
	KUNIT_CASE(negotiate_parse_smb302),
	KUNIT_CASE(negotiate_parse_malformed),
	KUNIT_CASE(negotiate_check_offered),
	KUNIT_CASE(negotiate_offer_ciphers),
	KUNIT_CASE(sess_setup_build),
	KUNIT_CASE(sess_setup_parse),
	KUNIT_CASE(sess_setup_parse_malformed),
	KUNIT_CASE(tree_connect_build),
	KUNIT_CASE(tree_connect_parse),
	KUNIT_CASE(simple_pdus),
	{}
};

static struct kunit_suite pdu_session_suite = {
	.name = "smb3mc_pdu_session",
	.test_cases = pdu_session_cases,
};
kunit_test_suite(pdu_session_suite);
