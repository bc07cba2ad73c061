// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SMB 3.x key derivation (MS-SMB2 3.1.4.2, 3.2.5.3.1) against the
 * test vectors Microsoft published on its Open Specifications blog, and
 * independently computed ones where the blog gives none.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "crypto.h"
#include "wire_test.h"

/*
 * "Encryption in SMB 3.0: A protocol perspective", Microsoft Open
 * Specifications blog, 2012-10-05: SessionKey, EncryptionKey (ServerIn)
 * and DecryptionKey (ServerOut).
 */
static const u8 smb30_session_key[] = {
	0xb4, 0x54, 0x67, 0x71, 0xb5, 0x15, 0xf7, 0x66,
	0xa8, 0x67, 0x35, 0x53, 0x2d, 0xd6, 0xc4, 0xf0,
};

static const u8 smb30_encryption_key[] = {
	0x26, 0x1b, 0x72, 0x35, 0x05, 0x58, 0xf2, 0xe9,
	0xdc, 0xf6, 0x13, 0x07, 0x03, 0x83, 0xed, 0xbf,
};

static const u8 smb30_decryption_key[] = {
	0x8f, 0xe2, 0xb5, 0x7e, 0xc3, 0x4d, 0x2d, 0xb5,
	0xb1, 0xa9, 0x72, 0x7f, 0x52, 0x6b, 0xbd, 0xb5,
};

/*
 * The blog gives no signing key for this session; this one is computed
 * independently with Python 3.11 hmac/hashlib:
 * hmac.new(sk, b"\0\0\0\1SMB2AESCMAC\0\0SmbSign\0\0\0\0\x80",
 *          "sha256").digest()[:16]
 */
static const u8 smb30_signing_key[] = {
	0xf7, 0x73, 0xcd, 0x23, 0xc1, 0x8f, 0xd1, 0xe0,
	0x8e, 0xe5, 0x10, 0xca, 0xda, 0x7c, 0xf8, 0x52,
};

/*
 * "SMB 3.1.1 Encryption in Windows 10", Microsoft Open Specifications
 * blog, 2015-09-09: SessionKey, PreauthIntegrityHashValue, and the
 * AES-128-GCM EncryptionKey and DecryptionKey.
 */
static const u8 smb311_session_key[] = {
	0x41, 0x9f, 0xdd, 0xf3, 0x4c, 0x1e, 0x00, 0x19,
	0x09, 0xd3, 0x62, 0xae, 0x7f, 0xb6, 0xaf, 0x79,
};

static const u8 smb311_preauth[] = {
	0xb2, 0x3f, 0x3c, 0xbf, 0xd6, 0x94, 0x87, 0xd9,
	0x83, 0x2b, 0x79, 0xb1, 0x59, 0x4a, 0x36, 0x7c,
	0xdd, 0x95, 0x09, 0x09, 0xb7, 0x74, 0xc3, 0xa4,
	0xc4, 0x12, 0xb4, 0xfc, 0xea, 0x9e, 0xdd, 0xdb,
	0xa7, 0xdb, 0x25, 0x6b, 0xa2, 0xea, 0x30, 0xe9,
	0x77, 0xf1, 0x1f, 0x9b, 0x11, 0x32, 0x47, 0x57,
	0x8e, 0x0e, 0x91, 0x5c, 0x6d, 0x2a, 0x51, 0x3b,
	0x8f, 0x2f, 0xca, 0x57, 0x07, 0xdc, 0x87, 0x70,
};

static const u8 smb311_encryption_key[] = {
	0xa2, 0xf5, 0xe8, 0x0e, 0x5d, 0x59, 0x10, 0x30,
	0x34, 0xf3, 0x2e, 0x52, 0xf6, 0x98, 0xe5, 0xec,
};

static const u8 smb311_decryption_key[] = {
	0x74, 0x8c, 0x50, 0x86, 0x8c, 0x90, 0xf3, 0x02,
	0x96, 0x2a, 0x5c, 0x35, 0xf5, 0xf9, 0xa8, 0xbf,
};

/* Not in that post: computed with Python hmac/hashlib as above */
static const u8 smb311_signing_key[] = {
	0x87, 0x65, 0x94, 0x9d, 0xfe, 0xae, 0xe1, 0x05,
	0xce, 0x91, 0x18, 0xb4, 0x5b, 0xe9, 0x88, 0xf0,
};

/*
 * "SMB 3.1.1 Pre-authentication integrity in Windows 10", Microsoft Open
 * Specifications blog, 2015-08-11: the final preauth hash of the session,
 * its SessionKey and the resulting SigningKey.
 */
static const u8 preauth_blog_hash[] = {
	0x0d, 0xd1, 0x36, 0x28, 0xcc, 0x3e, 0xd2, 0x18,
	0xef, 0x9d, 0xf9, 0x77, 0x2d, 0x43, 0x6d, 0x08,
	0x87, 0xab, 0x98, 0x14, 0xbf, 0xae, 0x63, 0xa8,
	0x0a, 0xa8, 0x45, 0xf3, 0x69, 0x09, 0xdb, 0x79,
	0x28, 0x62, 0x2d, 0xdd, 0xad, 0x52, 0x2d, 0x97,
	0x51, 0x64, 0x0a, 0x45, 0x97, 0x62, 0xc5, 0xa9,
	0xd6, 0xbb, 0x08, 0x4c, 0xbb, 0x3c, 0xe6, 0xbd,
	0xad, 0xef, 0x5d, 0x5b, 0xce, 0x3c, 0x6c, 0x01,
};

static const u8 preauth_blog_session_key[] = {
	0x27, 0x0e, 0x1b, 0xa8, 0x96, 0x58, 0x5e, 0xeb,
	0x7a, 0xf3, 0x47, 0x2d, 0x3b, 0x4c, 0x75, 0xa7,
};

static const u8 preauth_blog_signing_key[] = {
	0x73, 0xfe, 0x7a, 0x9a, 0x77, 0xbe, 0xf0, 0xbd,
	0xe4, 0x9c, 0x65, 0x0d, 0x8c, 0xcb, 0x5f, 0x76,
};

/*
 * No published vectors exist for the 256-bit ciphers. These were computed
 * independently with Python 3.11 hmac/hashlib, SP800-108 with L = 256:
 * hmac.new(ki, b"\0\0\0\1" + label + b"\0" + preauth + b"\0\0\1\0",
 *          "sha256").digest()
 * first with the 3.1.1 blog's 16-byte session key and preauth hash...
 */
static const u8 aes256_enc_key_sk16[] = {
	0xcb, 0x61, 0xeb, 0x11, 0x04, 0x46, 0xfb, 0xca,
	0xeb, 0x6a, 0x83, 0xbe, 0xed, 0xb9, 0x27, 0x79,
	0x13, 0x0b, 0x83, 0x3a, 0x70, 0x6e, 0x5b, 0x34,
	0x95, 0x87, 0x9d, 0x52, 0x19, 0x5b, 0x90, 0xed,
};

static const u8 aes256_dec_key_sk16[] = {
	0xf8, 0xca, 0xe3, 0x06, 0x9f, 0xfc, 0xdc, 0x76,
	0x62, 0xe2, 0x94, 0x12, 0x07, 0xaf, 0x46, 0x36,
	0x14, 0xd5, 0x20, 0xa1, 0xa2, 0x04, 0xaa, 0xf6,
	0xb9, 0xea, 0xd1, 0x36, 0xde, 0x93, 0x11, 0x11,
};

/*
 * ...then with a 32-byte (Kerberos AES-256) session key 00 01 .. 1f: the
 * cipher keys use all of it, the signing key only its first 16 bytes.
 */
static const u8 aes256_enc_key_sk32[] = {
	0x94, 0x73, 0xdc, 0x48, 0x63, 0x80, 0x34, 0xff,
	0xcc, 0x9e, 0x61, 0x03, 0x27, 0x2c, 0xd8, 0x73,
	0x1e, 0xcf, 0x45, 0xfc, 0x63, 0xfc, 0xbc, 0xd7,
	0x50, 0xb7, 0xc9, 0xf1, 0xe7, 0xc0, 0x3f, 0xaa,
};

static const u8 aes256_dec_key_sk32[] = {
	0x0c, 0x9f, 0xf1, 0xd8, 0x77, 0xba, 0x6f, 0x6d,
	0xc4, 0x91, 0x3a, 0x2c, 0x42, 0x99, 0x0c, 0x1e,
	0x0d, 0xae, 0xb5, 0x58, 0xb9, 0xec, 0x7f, 0xb9,
	0x88, 0xf4, 0x6f, 0xce, 0xe6, 0x7f, 0xba, 0x10,
};

static const u8 aes256_sign_key_sk32[] = {
	0xdf, 0xfa, 0x81, 0x2e, 0xe1, 0x15, 0xff, 0x8e,
	0xa7, 0x51, 0xc6, 0x94, 0x91, 0x44, 0x35, 0xe5,
};

static void kdf_smb30_keys(struct kunit *test)
{
	struct smb3mc_session_keys keys;

	KUNIT_ASSERT_EQ(test, smb3mc_derive_keys(SMB30_DIALECT,
						 smb30_session_key, 16, NULL,
						 SMB2_ENCRYPTION_AES128_CCM,
						 &keys), 0);
	KUNIT_EXPECT_EQ(test, keys.cipher_key_len, 16u);
	EXPECT_BYTES(test, keys.encryption, smb30_encryption_key, 16);
	EXPECT_BYTES(test, keys.decryption, smb30_decryption_key, 16);
	EXPECT_BYTES(test, keys.signing, smb30_signing_key, 16);
}

static void kdf_smb302_same_as_smb30(struct kunit *test)
{
	struct smb3mc_session_keys keys;

	KUNIT_ASSERT_EQ(test, smb3mc_derive_keys(SMB302_DIALECT,
						 smb30_session_key, 16, NULL,
						 SMB2_ENCRYPTION_AES128_CCM,
						 &keys), 0);
	EXPECT_BYTES(test, keys.encryption, smb30_encryption_key, 16);
	EXPECT_BYTES(test, keys.decryption, smb30_decryption_key, 16);
}

static void kdf_smb311_keys(struct kunit *test)
{
	struct smb3mc_session_keys keys;

	KUNIT_ASSERT_EQ(test, smb3mc_derive_keys(SMB311_DIALECT,
						 smb311_session_key, 16,
						 smb311_preauth,
						 SMB2_ENCRYPTION_AES128_GCM,
						 &keys), 0);
	KUNIT_EXPECT_EQ(test, keys.cipher_key_len, 16u);
	EXPECT_BYTES(test, keys.encryption, smb311_encryption_key, 16);
	EXPECT_BYTES(test, keys.decryption, smb311_decryption_key, 16);
	EXPECT_BYTES(test, keys.signing, smb311_signing_key, 16);
}

static void kdf_smb311_channel_signing_key(struct kunit *test)
{
	u8 key[SMB3MC_SIGNING_KEY_SIZE];

	KUNIT_ASSERT_EQ(test, smb3mc_derive_signing_key(SMB311_DIALECT,
			preauth_blog_session_key, 16, preauth_blog_hash, key),
			0);
	EXPECT_BYTES(test, key, preauth_blog_signing_key, 16);
}

static void kdf_aes256_ntlm_session_key(struct kunit *test)
{
	struct smb3mc_session_keys keys;

	KUNIT_ASSERT_EQ(test, smb3mc_derive_keys(SMB311_DIALECT,
						 smb311_session_key, 16,
						 smb311_preauth,
						 SMB2_ENCRYPTION_AES256_GCM,
						 &keys), 0);
	KUNIT_EXPECT_EQ(test, keys.cipher_key_len, 32u);
	EXPECT_BYTES(test, keys.encryption, aes256_enc_key_sk16, 32);
	EXPECT_BYTES(test, keys.decryption, aes256_dec_key_sk16, 32);
	EXPECT_BYTES(test, keys.signing, smb311_signing_key, 16);
}

static void kdf_aes256_full_session_key(struct kunit *test)
{
	struct smb3mc_session_keys keys;
	u8 sk[32];
	int i;

	for (i = 0; i < 32; i++)
		sk[i] = i;
	KUNIT_ASSERT_EQ(test, smb3mc_derive_keys(SMB311_DIALECT, sk, 32,
						 smb311_preauth,
						 SMB2_ENCRYPTION_AES256_CCM,
						 &keys), 0);
	EXPECT_BYTES(test, keys.encryption, aes256_enc_key_sk32, 32);
	EXPECT_BYTES(test, keys.decryption, aes256_dec_key_sk32, 32);
	EXPECT_BYTES(test, keys.signing, aes256_sign_key_sk32, 16);
}

static void kdf_rejects_bad_arguments(struct kunit *test)
{
	struct smb3mc_session_keys keys;
	u8 out[20];

	/* SMB 2.1 has no KDF; 3.0 knows only AES-128-CCM */
	KUNIT_EXPECT_EQ(test, smb3mc_derive_keys(0x0210, smb30_session_key,
						 16, NULL,
						 SMB2_ENCRYPTION_AES128_CCM,
						 &keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_derive_keys(SMB30_DIALECT,
						 smb30_session_key, 16, NULL,
						 SMB2_ENCRYPTION_AES128_GCM,
						 &keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_derive_keys(SMB311_DIALECT,
						 smb311_session_key, 16,
						 smb311_preauth, 0x0005,
						 &keys), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_kdf(smb30_session_key, 16,
					 (const u8 *)"L", 1, NULL, 0, out,
					 sizeof(out)), -EINVAL);
}

static struct kunit_case smb3mc_crypto_kdf_cases[] = {
	KUNIT_CASE(kdf_smb30_keys),
	KUNIT_CASE(kdf_smb302_same_as_smb30),
	KUNIT_CASE(kdf_smb311_keys),
	KUNIT_CASE(kdf_smb311_channel_signing_key),
	KUNIT_CASE(kdf_aes256_ntlm_session_key),
	KUNIT_CASE(kdf_aes256_full_session_key),
	KUNIT_CASE(kdf_rejects_bad_arguments),
	{}
};

static struct kunit_suite smb3mc_crypto_kdf_suite = {
	.name = "smb3mc_crypto_kdf",
	.test_cases = smb3mc_crypto_kdf_cases,
};

kunit_test_suites(&smb3mc_crypto_kdf_suite);
