// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: MD4, RC4 and the NTLMv2 computations (MS-NLMP 3.3.2) against
 * RFC 1320, RFC 6229, RFC 2202 and the NTLMv2 example of MS-NLMP 4.2.4.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "crypto.h"
#include "wire_test.h"

/* RFC 1320 appendix A.5, the MD4 test suite */
static const struct {
	const char *msg;
	u8 digest[16];
} rfc1320_suite[] = {
	{ "", {
		0x31, 0xd6, 0xcf, 0xe0, 0xd1, 0x6a, 0xe9, 0x31,
		0xb7, 0x3c, 0x59, 0xd7, 0xe0, 0xc0, 0x89, 0xc0,
	} },
	{ "a", {
		0xbd, 0xe5, 0x2c, 0xb3, 0x1d, 0xe3, 0x3e, 0x46,
		0x24, 0x5e, 0x05, 0xfb, 0xdb, 0xd6, 0xfb, 0x24,
	} },
	{ "abc", {
		0xa4, 0x48, 0x01, 0x7a, 0xaf, 0x21, 0xd8, 0x52,
		0x5f, 0xc1, 0x0a, 0xe8, 0x7a, 0xa6, 0x72, 0x9d,
	} },
	{ "message digest", {
		0xd9, 0x13, 0x0a, 0x81, 0x64, 0x54, 0x9f, 0xe8,
		0x18, 0x87, 0x48, 0x06, 0xe1, 0xc7, 0x01, 0x4b,
	} },
	{ "abcdefghijklmnopqrstuvwxyz", {
		0xd7, 0x9e, 0x1c, 0x30, 0x8a, 0xa5, 0xbb, 0xcd,
		0xee, 0xa8, 0xed, 0x63, 0xdf, 0x41, 0x2d, 0xa9,
	} },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", {
		0x04, 0x3f, 0x85, 0x82, 0xf2, 0x41, 0xdb, 0x35,
		0x1c, 0xe6, 0x27, 0xe1, 0x53, 0xe7, 0xf0, 0xe4,
	} },
	{
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		{
			0xe3, 0x3b, 0x4d, 0xdc, 0x9c, 0x38, 0xf2, 0x19,
			0x9c, 0x3e, 0x7b, 0x16, 0x4f, 0xcc, 0x05, 0x36,
		}
	},
};

/* MS-NLMP 4.2.2.1.2: NTOWFv1 of the examples' password "Password" */
static const u8 ntowfv1_password[] = {
	0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
	0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52,
};

/* RFC 6229 section 2, keystream at the listed offsets */
static const u8 rfc6229_key40[] = { 0x01, 0x02, 0x03, 0x04, 0x05 };

static const struct {
	unsigned int offset;
	u8 stream[16];
} rfc6229_key40_stream[] = {
	{ 0, {
		0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27,
		0xcc, 0xc3, 0x52, 0x4a, 0x0a, 0x11, 0x18, 0xa8,
	} },
	{ 16, {
		0x69, 0x82, 0x94, 0x4f, 0x18, 0xfc, 0x82, 0xd5,
		0x89, 0xc4, 0x03, 0xa4, 0x7a, 0x0d, 0x09, 0x19,
	} },
	{ 240, {
		0x28, 0xcb, 0x11, 0x32, 0xc9, 0x6c, 0xe2, 0x86,
		0x42, 0x1d, 0xca, 0xad, 0xb8, 0xb6, 0x9e, 0xae,
	} },
	{ 256, {
		0x1c, 0xfc, 0xf6, 0x2b, 0x03, 0xed, 0xdb, 0x64,
		0x1d, 0x77, 0xdf, 0xcf, 0x7f, 0x8d, 0x8c, 0x93,
	} },
	{ 4080, {
		0x06, 0x83, 0x26, 0xa2, 0x11, 0x84, 0x16, 0xd2,
		0x1f, 0x9d, 0x04, 0xb2, 0xcd, 0x1c, 0xa0, 0x50,
	} },
	{ 4096, {
		0xff, 0x25, 0xb5, 0x89, 0x95, 0x99, 0x67, 0x07,
		0xe5, 0x1f, 0xbd, 0xf0, 0x8b, 0x34, 0xd8, 0x75,
	} },
};

static const u8 rfc6229_key256_stream0[] = {
	0xea, 0xa6, 0xbd, 0x25, 0x88, 0x0b, 0xf9, 0x3d,
	0x3f, 0x5d, 0x1e, 0x4c, 0xa2, 0x61, 0x1d, 0x91,
};

static const u8 rfc6229_key256_stream4096[] = {
	0xf3, 0xe4, 0xc0, 0xa2, 0xe0, 0x2d, 0x1d, 0x01,
	0xf7, 0xf0, 0xa7, 0x46, 0x18, 0xaf, 0x2b, 0x48,
};

/*
 * MS-NLMP 4.2.4: user "User", domain "Domain", password "Password",
 * ServerChallenge 0123456789abcdef, ClientChallenge aaaaaaaaaaaaaaaa, Time
 * 0 and the AV pairs NbDomainName "Domain", NbComputerName "Server".
 */
static const u8 server_challenge[] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
};

/* 4.2.4.1.1 NTOWFv2() */
static const u8 ntowfv2_want[] = {
	0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd, 0x7a, 0x93,
	0xa3, 0x00, 0x1e, 0xf2, 0x2e, 0xf0, 0x2e, 0x3f,
};

/* 4.2.4.1.3 temp: the NTLMv2_CLIENT_CHALLENGE of the example */
static const u8 temp_blob[] = {
	0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0c, 0x00,
	0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
	0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00,
	0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
	0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
};

/* 4.2.4.2.2: NTProofStr, the first 16 bytes of the NTLMv2 response */
static const u8 nt_proof_want[] = {
	0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96,
	0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef, 0x6a, 0x1c,
};

/* 4.2.4.1.2 Session Base Key */
static const u8 session_base_key_want[] = {
	0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82,
	0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c, 0xa3,
};

/* 4.2.1 RandomSessionKey and 4.2.4.2.3 Encrypted Session Key */
static const u8 random_session_key[] = {
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
	0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
};

static const u8 encrypted_session_key_want[] = {
	0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90,
	0x94, 0xce, 0x1c, 0xe9, 0x0b, 0xc9, 0xd0, 0x3e,
};

static void md4_rfc1320(struct kunit *test)
{
	u8 digest[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(rfc1320_suite); i++) {
		smb3mc_md4((const u8 *)rfc1320_suite[i].msg,
			   strlen(rfc1320_suite[i].msg), digest);
		EXPECT_BYTES(test, digest, rfc1320_suite[i].digest, 16);
	}
}

static void md4_ntowfv1(struct kunit *test)
{
	static const char password[] = "P\0a\0s\0s\0w\0o\0r\0d\0";
	u8 digest[16];

	smb3mc_md4((const u8 *)password, 16, digest);
	EXPECT_BYTES(test, digest, ntowfv1_password, 16);
}

static void rc4_rfc6229(struct kunit *test)
{
	u8 *zero, *stream;
	u8 key256[32];
	int i;

	zero = kunit_kzalloc(test, 4112, GFP_KERNEL);
	stream = kunit_kzalloc(test, 4112, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, zero);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, stream);

	smb3mc_arc4(rfc6229_key40, sizeof(rfc6229_key40), zero, stream, 4112);
	for (i = 0; i < ARRAY_SIZE(rfc6229_key40_stream); i++)
		EXPECT_BYTES(test, stream + rfc6229_key40_stream[i].offset,
			     rfc6229_key40_stream[i].stream, 16);

	/* In place this time: the NTLM caller may encrypt over its input */
	for (i = 0; i < 32; i++)
		key256[i] = i + 1;
	memset(stream, 0, 4112);
	smb3mc_arc4(key256, sizeof(key256), stream, stream, 4112);
	EXPECT_BYTES(test, stream, rfc6229_key256_stream0, 16);
	EXPECT_BYTES(test, stream + 4096, rfc6229_key256_stream4096, 16);
}

static void ntlm_ntowfv2(struct kunit *test)
{
	u8 key[16];

	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("Password", "User", "Domain",
					     key), 0);
	EXPECT_BYTES(test, key, ntowfv2_want, 16);
}

static void ntlm_ntowfv2_user_case(struct kunit *test)
{
	u8 key[16];

	/* The user name is upper cased, the domain is not */
	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("Password", "uSeR", "Domain",
					     key), 0);
	EXPECT_BYTES(test, key, ntowfv2_want, 16);
	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("Password", "User", "DOMAIN",
					     key), 0);
	KUNIT_EXPECT_NE(test, memcmp(key, ntowfv2_want, 16), 0);
	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("password", "User", "Domain",
					     key), 0);
	KUNIT_EXPECT_NE(test, memcmp(key, ntowfv2_want, 16), 0);
}

static void ntlm_ntowfv2_rejects_bad_utf8(struct kunit *test)
{
	u8 key[16], key2[16];

	KUNIT_EXPECT_EQ(test, smb3mc_ntowfv2("Pass\xc3", "User", "Domain",
					     key), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_ntowfv2("Password", "\xff", "Domain",
					     key), -EINVAL);
	/* No domain is the empty domain */
	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("Password", "User", NULL, key),
			0);
	KUNIT_ASSERT_EQ(test, smb3mc_ntowfv2("Password", "User", "", key2),
			0);
	EXPECT_BYTES(test, key, key2, 16);
}

static void ntlm_proof_and_session_base_key(struct kunit *test)
{
	u8 proof[16], base[16];

	KUNIT_ASSERT_EQ(test, smb3mc_ntlmv2_proof(ntowfv2_want,
						  server_challenge, temp_blob,
						  sizeof(temp_blob), proof),
			0);
	EXPECT_BYTES(test, proof, nt_proof_want, 16);
	KUNIT_ASSERT_EQ(test, smb3mc_ntlmv2_session_base_key(ntowfv2_want,
							     proof, base), 0);
	EXPECT_BYTES(test, base, session_base_key_want, 16);
}

static void ntlm_encrypted_session_key(struct kunit *test)
{
	u8 out[16];

	/* NTLMv2: KeyExchangeKey = SessionBaseKey (MS-NLMP 3.4.5.1) */
	smb3mc_ntlm_encrypt_session_key(session_base_key_want,
					random_session_key, out);
	EXPECT_BYTES(test, out, encrypted_session_key_want, 16);
}

/*
 * The MIC is HMAC-MD5 keyed with the 16-byte ExportedSessionKey over
 * three messages. MS-NLMP 4.2.4 prints no MIC, so this checks the
 * function with the 16-byte-key cases of RFC 2202 section 2 (test cases
 * 1 and 3), the data split over three kvecs as the messages are.
 */
static void ntlm_mic_rfc2202(struct kunit *test)
{
	static const u8 tc1_want[] = {
		0x92, 0x94, 0x72, 0x7a, 0x36, 0x38, 0xbb, 0x1c,
		0x13, 0xf4, 0x8e, 0xf8, 0x15, 0x8b, 0xfc, 0x9d,
	};
	static const u8 tc3_want[] = {
		0x56, 0xbe, 0x34, 0x52, 0x1d, 0x14, 0x4c, 0x88,
		0xdb, 0xb8, 0xc7, 0x33, 0xf0, 0xe8, 0xb3, 0xf6,
	};
	struct kvec msgs[3];
	u8 key[16], data[50], mic[16];

	memset(key, 0x0b, sizeof(key));
	msgs[0].iov_base = "Hi";
	msgs[0].iov_len = 2;
	msgs[1].iov_base = " ";
	msgs[1].iov_len = 1;
	msgs[2].iov_base = "There";
	msgs[2].iov_len = 5;
	KUNIT_ASSERT_EQ(test, smb3mc_ntlm_mic(key, msgs, 3, mic), 0);
	EXPECT_BYTES(test, mic, tc1_want, 16);

	memset(key, 0xaa, sizeof(key));
	memset(data, 0xdd, sizeof(data));
	msgs[0].iov_base = data;
	msgs[0].iov_len = 10;
	msgs[1].iov_base = data + 10;
	msgs[1].iov_len = 30;
	msgs[2].iov_base = data + 40;
	msgs[2].iov_len = 10;
	KUNIT_ASSERT_EQ(test, smb3mc_ntlm_mic(key, msgs, 3, mic), 0);
	EXPECT_BYTES(test, mic, tc3_want, 16);
}

static struct kunit_case smb3mc_crypto_ntlm_cases[] = {
	KUNIT_CASE(md4_rfc1320),
	KUNIT_CASE(md4_ntowfv1),
	KUNIT_CASE(rc4_rfc6229),
	KUNIT_CASE(ntlm_ntowfv2),
	KUNIT_CASE(ntlm_ntowfv2_user_case),
	KUNIT_CASE(ntlm_ntowfv2_rejects_bad_utf8),
	KUNIT_CASE(ntlm_proof_and_session_base_key),
	KUNIT_CASE(ntlm_encrypted_session_key),
	KUNIT_CASE(ntlm_mic_rfc2202),
	{}
};

static struct kunit_suite smb3mc_crypto_ntlm_suite = {
	.name = "smb3mc_crypto_ntlm",
	.test_cases = smb3mc_crypto_ntlm_cases,
};

kunit_test_suites(&smb3mc_crypto_ntlm_suite);
