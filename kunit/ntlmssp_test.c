// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the NTLMSSP message encoding (src/ntlmssp.c), with the
 * CHALLENGE_MESSAGE of MS-NLMP 4.2.4.3 as the reference input.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "ntlmssp.h"
#include "wire_test.h"

#define BUF_SIZE 512

static u8 *buf_new(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, BUF_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* MS-NLMP 4.2.4.3: the NTLMv2 example CHALLENGE_MESSAGE. */
static const u8 spec_challenge[] = {
	0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00,
	0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
	0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2,
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f,
	0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
	0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00,
	0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
	0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00,
	0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
	0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const u8 server_utf16[] = {
	'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0,
};

/* AV pairs: MsvAvNbDomainName "D", MsvAvTimestamp, MsvAvEOL */
static const u8 ti_timestamp[] = {
	0x02, 0x00, 0x02, 0x00, 'D', 0x00,
	0x07, 0x00, 0x08, 0x00,
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	0x00, 0x00, 0x00, 0x00,
};

/* The same with MsvAvFlags = 1 before the timestamp */
static const u8 ti_flags_timestamp[] = {
	0x02, 0x00, 0x02, 0x00, 'D', 0x00,
	0x06, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x07, 0x00, 0x08, 0x00,
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	0x00, 0x00, 0x00, 0x00,
};

/* A CHALLENGE_MESSAGE without Version, TargetInfo at 48. */
static size_t chal_build(u8 *buf, const u8 *ti, u16 ti_len)
{
	memset(buf, 0, BUF_SIZE);
	memcpy(buf, spec_challenge, 48);
	w16(buf, 12, 0);		/* no TargetName */
	w16(buf, 14, 0);
	w16(buf, 40, ti_len);
	w16(buf, 42, ti_len);
	w16(buf, 44, 48);
	memcpy(buf + 48, ti, ti_len);
	return 48 + ti_len;
}

static void negotiate_msg(struct kunit *test)
{
	u8 *buf = buf_new(test);

	memset(buf, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_build_negotiate(buf, BUF_SIZE,
				SMB3MC_NTLMSSP_CLIENT_FLAGS), 40);
	EXPECT_BYTES(test, buf, "NTLMSSP", 8);
	KUNIT_EXPECT_EQ(test, r32(buf, 8), 1U);
	KUNIT_EXPECT_EQ(test, r32(buf, 12), 0xe2088235U);
	/* Empty DomainName and Workstation fields. */
	KUNIT_EXPECT_EQ(test, r16(buf, 16), 0);
	KUNIT_EXPECT_EQ(test, r16(buf, 18), 0);
	KUNIT_EXPECT_EQ(test, r32(buf, 20), 40U);
	KUNIT_EXPECT_EQ(test, r16(buf, 24), 0);
	KUNIT_EXPECT_EQ(test, r32(buf, 28), 40U);
	KUNIT_EXPECT_EQ(test, buf[39], NTLMSSP_REVISION_W2K3);
	KUNIT_EXPECT_EQ(test, buf[36], 0);

	/* Without NTLMSSP_NEGOTIATE_VERSION the field is left out. */
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_negotiate(buf, BUF_SIZE,
				NTLMSSP_NEGOTIATE_UNICODE |
				NTLMSSP_NEGOTIATE_NTLM), 32);
	KUNIT_EXPECT_EQ(test, r32(buf, 20), 32U);
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_negotiate(buf, 39,
				SMB3MC_NTLMSSP_CLIENT_FLAGS), -ENOSPC);
}

static void challenge_spec(struct kunit *test)
{
	static const u8 chal_bytes[8] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	struct smb3mc_ntlmssp_challenge chal;

	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(spec_challenge,
				sizeof(spec_challenge), &chal), 0);
	KUNIT_EXPECT_EQ(test, chal.flags, 0xe28a8233U);
	EXPECT_BYTES(test, chal.server_challenge, chal_bytes, 8);
	KUNIT_EXPECT_PTR_EQ(test, chal.target_name, spec_challenge + 0x38);
	KUNIT_EXPECT_EQ(test, chal.target_name_len, 12);
	EXPECT_BYTES(test, chal.target_name, server_utf16, 12);
	KUNIT_EXPECT_PTR_EQ(test, chal.target_info, spec_challenge + 0x44);
	KUNIT_EXPECT_EQ(test, chal.target_info_len, 0x24);
	KUNIT_EXPECT_FALSE(test, chal.has_timestamp);
}

static void challenge_timestamp(struct kunit *test)
{
	struct smb3mc_ntlmssp_challenge chal;
	u8 *buf = buf_new(test);
	size_t len = chal_build(buf, ti_timestamp, sizeof(ti_timestamp));

	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(buf, len, &chal),
			0);
	KUNIT_EXPECT_NULL(test, chal.target_name);
	KUNIT_EXPECT_TRUE(test, chal.has_timestamp);
	KUNIT_EXPECT_EQ(test, chal.timestamp, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, chal.target_info_len, sizeof(ti_timestamp));

	/* Bytes after MsvAvEOL are not part of the list. */
	w16(buf, 40, sizeof(ti_timestamp) + 4);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(buf, len + 4,
							     &chal), 0);
	KUNIT_EXPECT_EQ(test, chal.target_info_len, sizeof(ti_timestamp));
}

static void challenge_malformed(struct kunit *test)
{
	struct smb3mc_ntlmssp_challenge chal;
	u8 *buf = buf_new(test);
	size_t len;

#define CHAL_BAD(stmt) do {						\
		memcpy(buf, spec_challenge, sizeof(spec_challenge));	\
		len = sizeof(spec_challenge);				\
		stmt;							\
		KUNIT_EXPECT_EQ_MSG(test,				\
			smb3mc_ntlmssp_parse_challenge(buf, len, &chal),\
			-EIO, "%s", #stmt);				\
	} while (0)

	CHAL_BAD(len = 47);				/* short */
	CHAL_BAD(len = 0x67);				/* EOL cut */
	CHAL_BAD(buf[7] = 'X');				/* signature */
	CHAL_BAD(buf[3] = 'm');
	CHAL_BAD(buf[8] = 3);				/* MessageType */
	CHAL_BAD(w16(buf, 16, 0x60));			/* name past end */
	CHAL_BAD(w16(buf, 12, 0x40));
	CHAL_BAD(w16(buf, 16, 0x10));			/* name in header */
	CHAL_BAD(w16(buf, 44, 0x50));			/* info past end */
	CHAL_BAD(w16(buf, 40, 0x28));
	CHAL_BAD(w16(buf, 44, 0x08));			/* info in header */
	CHAL_BAD(w16(buf, 40, 0));			/* no TargetInfo */
	CHAL_BAD(w16(buf, 40, 0x20));			/* no MsvAvEOL */
	CHAL_BAD(w16(buf, 40, 0x22));			/* half an AV pair */
	CHAL_BAD(w16(buf, 0x46, 0x0e));		/* AV overruns */
	CHAL_BAD(w16(buf, 0x46, 0x40));
	/* An MsvAvEOL with a value, the list and message grown to hold it */
	CHAL_BAD(w16(buf, 0x66, 2); w16(buf, 40, 0x26); len = 0x6a);
	CHAL_BAD(w16(buf, 0x54, MSV_AV_TIMESTAMP));	/* 12-byte stamp */
	CHAL_BAD(w16(buf, 0x54, MSV_AV_FLAGS));	/* 12-byte flags */
#undef CHAL_BAD
}

static void blob_no_timestamp(struct kunit *test)
{
	static const u8 cc[8] = { 0xaa, 0xaa, 0xaa, 0xaa,
				  0xaa, 0xaa, 0xaa, 0xaa };
	struct smb3mc_ntlmssp_challenge chal;
	u8 *buf = buf_new(test);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(spec_challenge,
				sizeof(spec_challenge), &chal), 0);
	memset(buf, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmv2_build_blob(buf, BUF_SIZE, &chal,
				0x0102030405060708ULL, cc), 28 + 36 + 4);
	KUNIT_EXPECT_EQ(test, buf[0], 1);
	KUNIT_EXPECT_EQ(test, buf[1], 1);
	for (i = 2; i < 8; i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0);
	/* No MsvAvTimestamp: the caller's time. */
	KUNIT_EXPECT_EQ(test, r32(buf, 8), 0x05060708U);
	KUNIT_EXPECT_EQ(test, r32(buf, 12), 0x01020304U);
	EXPECT_BYTES(test, buf + 16, cc, 8);
	KUNIT_EXPECT_EQ(test, r32(buf, 24), 0U);
	/* The server's pairs unchanged (no MIC, so no MsvAvFlags). */
	EXPECT_BYTES(test, buf + 28, spec_challenge + 0x44, 36);
	KUNIT_EXPECT_EQ(test, r32(buf, 64), 0U);

	KUNIT_EXPECT_EQ(test, smb3mc_ntlmv2_build_blob(buf, 67, &chal, 0, cc),
			-ENOSPC);
}

static void blob_timestamp_adds_flags(struct kunit *test)
{
	static const u8 cc[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct smb3mc_ntlmssp_challenge chal;
	u8 *buf = buf_new(test);
	u8 *blob = buf_new(test);
	size_t len = chal_build(buf, ti_timestamp, sizeof(ti_timestamp));

	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(buf, len, &chal),
			0);
	memset(blob, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmv2_build_blob(blob, BUF_SIZE, &chal,
						       42, cc),
			28 + 22 + 8 + 4);
	/* MsvAvTimestamp present: the server's time, not ours. */
	KUNIT_EXPECT_EQ(test, r32(blob, 8), 0x55667788U);
	KUNIT_EXPECT_EQ(test, r32(blob, 12), 0x11223344U);
	EXPECT_BYTES(test, blob + 28, ti_timestamp, 18);
	/* MsvAvFlags with MIC_PRESENT added before MsvAvEOL. */
	KUNIT_EXPECT_EQ(test, r16(blob, 46), MSV_AV_FLAGS);
	KUNIT_EXPECT_EQ(test, r16(blob, 48), 4);
	KUNIT_EXPECT_EQ(test, r32(blob, 50), MSV_AV_FLAG_MIC_PRESENT);
	KUNIT_EXPECT_EQ(test, r32(blob, 54), 0U);	/* EOL */
	KUNIT_EXPECT_EQ(test, r32(blob, 58), 0U);	/* Z(4) */
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmv2_build_blob(blob, 61, &chal, 42,
						       cc), -ENOSPC);

	/* An existing MsvAvFlags gets the bit OR-ed in, nothing added. */
	len = chal_build(buf, ti_flags_timestamp, sizeof(ti_flags_timestamp));
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_parse_challenge(buf, len, &chal),
			0);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmv2_build_blob(blob, BUF_SIZE, &chal,
						       42, cc),
			28 + 30 + 4);
	KUNIT_EXPECT_EQ(test, r16(blob, 34), MSV_AV_FLAGS);
	KUNIT_EXPECT_EQ(test, r32(blob, 38), 3U);
	EXPECT_BYTES(test, blob + 42, ti_flags_timestamp + 14, 16);
	/* The challenge itself is left alone. */
	KUNIT_EXPECT_EQ(test, r32(buf, 48 + 10), 1U);
}

static void authenticate_layout(struct kunit *test)
{
	static const u8 domain[] = { 'D', 0, 'o', 0, 'm', 0, 'a', 0,
				     'i', 0, 'n', 0 };
	static const u8 user[] = { 'U', 0, 's', 0, 'e', 0, 'r', 0 };
	u8 *buf = buf_new(test);
	u8 proof[16], blob[68], key[16];
	struct smb3mc_ntlmssp_auth_args a = {
		.flags = SMB3MC_NTLMSSP_CLIENT_FLAGS,
		.domain = "Domain",
		.user = "User",
		.workstation = "COMPUTER",
		.nt_proof_str = proof,
		.blob = blob,
		.blob_len = sizeof(blob),
		.encrypted_session_key = key,
		.mic = true,
	};
	size_t mic_off = 0;
	unsigned int i;

	memset(proof, 0xaa, sizeof(proof));
	memset(blob, 0xbb, sizeof(blob));
	memset(key, 0x55, sizeof(key));
	memset(buf, 0xcc, BUF_SIZE);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), 248);
	KUNIT_EXPECT_EQ(test, mic_off, (size_t)72);
	EXPECT_BYTES(test, buf, "NTLMSSP", 8);
	KUNIT_EXPECT_EQ(test, r32(buf, 8), 3U);
	/* Domain, user, workstation at 88, 100, 108 */
	KUNIT_EXPECT_EQ(test, r16(buf, 28), 12);
	KUNIT_EXPECT_EQ(test, r16(buf, 30), 12);
	KUNIT_EXPECT_EQ(test, r32(buf, 32), 88U);
	EXPECT_BYTES(test, buf + 88, domain, 12);
	KUNIT_EXPECT_EQ(test, r16(buf, 36), 8);
	KUNIT_EXPECT_EQ(test, r32(buf, 40), 100U);
	EXPECT_BYTES(test, buf + 100, user, 8);
	KUNIT_EXPECT_EQ(test, r16(buf, 44), 16);
	KUNIT_EXPECT_EQ(test, r32(buf, 48), 108U);
	KUNIT_EXPECT_EQ(test, buf[108], 'C');
	KUNIT_EXPECT_EQ(test, buf[122], 'R');
	/* LmChallengeResponse Z(24) at 124 */
	KUNIT_EXPECT_EQ(test, r16(buf, 12), 24);
	KUNIT_EXPECT_EQ(test, r32(buf, 16), 124U);
	for (i = 124; i < 148; i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0);
	/* NtChallengeResponse = NTProofStr || blob at 148 */
	KUNIT_EXPECT_EQ(test, r16(buf, 20), 16 + 68);
	KUNIT_EXPECT_EQ(test, r16(buf, 22), 16 + 68);
	KUNIT_EXPECT_EQ(test, r32(buf, 24), 148U);
	EXPECT_BYTES(test, buf + 148, proof, 16);
	EXPECT_BYTES(test, buf + 164, blob, 68);
	/* EncryptedRandomSessionKey at 232 */
	KUNIT_EXPECT_EQ(test, r16(buf, 52), 16);
	KUNIT_EXPECT_EQ(test, r32(buf, 56), 232U);
	EXPECT_BYTES(test, buf + 232, key, 16);
	KUNIT_EXPECT_EQ(test, r32(buf, 60),
			(u32)SMB3MC_NTLMSSP_CLIENT_FLAGS);
	KUNIT_EXPECT_EQ(test, buf[71], NTLMSSP_REVISION_W2K3);
	/* MIC zeroed for the caller to fill. */
	for (i = 72; i < 88; i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0);
}

static void authenticate_variants(struct kunit *test)
{
	u8 *buf = buf_new(test);
	u8 proof[16] = {}, blob[28] = {}, key[16] = {};
	struct smb3mc_ntlmssp_auth_args a = {
		.flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_NTLM,
		.user = "u",
		.nt_proof_str = proof,
		.blob = blob,
		.blob_len = sizeof(blob),
	};
	size_t mic_off;

	/* No MIC: empty LM response; no KEY_EXCH: empty session key. */
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), 88 + 2 + 44);
	KUNIT_EXPECT_EQ(test, r16(buf, 28), 0);	/* no domain */
	KUNIT_EXPECT_EQ(test, r32(buf, 32), 88U);
	KUNIT_EXPECT_EQ(test, r16(buf, 12), 0);
	KUNIT_EXPECT_EQ(test, r32(buf, 16), 90U);
	KUNIT_EXPECT_EQ(test, r32(buf, 24), 90U);
	KUNIT_EXPECT_EQ(test, r16(buf, 52), 0);
	KUNIT_EXPECT_EQ(test, r32(buf, 56), 134U);
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, 133, &a,
				&mic_off), -ENOSPC);
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, 87, &a,
				&mic_off), -ENOSPC);

	a.flags |= NTLMSSP_NEGOTIATE_KEY_EXCH;
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), -EINVAL);
	a.encrypted_session_key = key;
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), 88 + 2 + 44 + 16);
	a.flags &= ~NTLMSSP_NEGOTIATE_UNICODE;
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), -EINVAL);
	a.flags |= NTLMSSP_NEGOTIATE_UNICODE;
	a.blob_len = 0;
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), -EINVAL);
	a.blob_len = sizeof(blob);
	a.user = "\xc3";			/* truncated UTF-8 */
	KUNIT_EXPECT_EQ(test, smb3mc_ntlmssp_build_authenticate(buf, BUF_SIZE,
				&a, &mic_off), -EINVAL);
}

static struct kunit_case ntlmssp_cases[] = {
	KUNIT_CASE(negotiate_msg),
	KUNIT_CASE(challenge_spec),
	KUNIT_CASE(challenge_timestamp),
	KUNIT_CASE(challenge_malformed),
	KUNIT_CASE(blob_no_timestamp),
	KUNIT_CASE(blob_timestamp_adds_flags),
	KUNIT_CASE(authenticate_layout),
	KUNIT_CASE(authenticate_variants),
	{}
};

static struct kunit_suite ntlmssp_suite = {
	.name = "smb3mc_ntlmssp",
	.test_cases = ntlmssp_cases,
};
kunit_test_suite(ntlmssp_suite);
