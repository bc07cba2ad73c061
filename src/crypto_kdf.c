// SPDX-License-Identifier: GPL-2.0
/*
 * SMB 3.x key derivation, MS-SMB2 3.1.4.2 and 3.2.5.3.1: the SP800-108
 * counter-mode KDF with HMAC-SHA256, fed the labels and contexts of the
 * dialect.
 */

#include <crypto/sha2.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "crypto.h"

/* MS-SMB2 3.2.5.3.1: labels and contexts keep their terminating NUL */
static const u8 smb30_sign_label[] = "SMB2AESCMAC";
static const u8 smb30_sign_ctx[] = "SmbSign";
static const u8 smb30_enc_label[] = "SMB2AESCCM";
static const u8 smb30_enc_ctx[] = "ServerIn ";
static const u8 smb30_dec_ctx[] = "ServerOut";
static const u8 smb311_sign_label[] = "SMBSigningKey";
static const u8 smb311_enc_label[] = "SMBC2SCipherKey";
static const u8 smb311_dec_label[] = "SMBS2CCipherKey";

int smb3mc_kdf(const u8 *ki, size_t ki_len, const u8 *label, size_t label_len,
	       const u8 *context, size_t context_len, u8 *out, size_t out_len)
{
	static const u8 separator;
	u8 digest[SHA256_DIGEST_SIZE];
	__be32 counter = cpu_to_be32(1);
	__be32 bits;
	struct kvec iov[5];
	int rc;

	/*
	 * One HMAC-SHA256 block (256 bits) covers both lengths SMB uses, so
	 * the counter i only takes the value 1.
	 */
	if (out_len != 16 && out_len != 32)
		return -EINVAL;
	bits = cpu_to_be32(out_len * 8);

	/* SP800-108 5.1: [i]2 || Label || 0x00 || Context || [L]2 */
	iov[0].iov_base = &counter;
	iov[0].iov_len = sizeof(counter);
	iov[1].iov_base = (void *)label;
	iov[1].iov_len = label_len;
	iov[2].iov_base = (void *)&separator;
	iov[2].iov_len = 1;
	iov[3].iov_base = (void *)context;
	iov[3].iov_len = context_len;
	iov[4].iov_base = &bits;
	iov[4].iov_len = sizeof(bits);

	rc = smb3mc_shash_kvec("hmac(sha256)", ki, ki_len, iov,
			       ARRAY_SIZE(iov), digest);
	if (!rc)
		memcpy(out, digest, out_len);
	memzero_explicit(digest, sizeof(digest));
	return rc;
}

/*
 * Session.SessionKey is the first 16 bytes of the key from the
 * authentication, right-padded with zeros when shorter (MS-SMB2 3.2.5.3.1).
 */
static void smb3mc_short_session_key(const u8 *key, size_t len, u8 out[16])
{
	memset(out, 0, 16);
	memcpy(out, key, min_t(size_t, len, 16));
}

int smb3mc_derive_signing_key(u16 dialect, const u8 *session_key,
			      size_t session_key_len, const u8 *preauth_hash,
			      u8 key[SMB3MC_SIGNING_KEY_SIZE])
{
	u8 ki[16];
	int rc;

	smb3mc_short_session_key(session_key, session_key_len, ki);
	switch (dialect) {
	case SMB30_DIALECT:
	case SMB302_DIALECT:
		rc = smb3mc_kdf(ki, sizeof(ki), smb30_sign_label,
				sizeof(smb30_sign_label), smb30_sign_ctx,
				sizeof(smb30_sign_ctx), key,
				SMB3MC_SIGNING_KEY_SIZE);
		break;
	case SMB311_DIALECT:
		rc = smb3mc_kdf(ki, sizeof(ki), smb311_sign_label,
				sizeof(smb311_sign_label), preauth_hash,
				SMB3MC_PREAUTH_HASH_SIZE, key,
				SMB3MC_SIGNING_KEY_SIZE);
		break;
	default:
		rc = -EINVAL;
	}
	memzero_explicit(ki, sizeof(ki));
	return rc;
}

int smb3mc_derive_keys(u16 dialect, const u8 *session_key,
		       size_t session_key_len, const u8 *preauth_hash,
		       u16 cipher, struct smb3mc_session_keys *keys)
{
	const u8 *enc_label, *dec_label, *enc_ctx, *dec_ctx;
	size_t enc_label_len, dec_label_len, enc_ctx_len, dec_ctx_len;
	u8 ki_short[16];
	const u8 *ki;
	size_t ki_len;
	int rc;

	switch (cipher) {
	case SMB2_ENCRYPTION_AES128_CCM:
	case SMB2_ENCRYPTION_AES128_GCM:
		keys->cipher_key_len = 16;
		break;
	case SMB2_ENCRYPTION_AES256_CCM:
	case SMB2_ENCRYPTION_AES256_GCM:
		keys->cipher_key_len = 32;
		break;
	default:
		return -EINVAL;
	}

	switch (dialect) {
	case SMB30_DIALECT:
	case SMB302_DIALECT:
		/* Before 3.1.1 the cipher is always AES-128-CCM */
		if (cipher != SMB2_ENCRYPTION_AES128_CCM)
			return -EINVAL;
		enc_label = smb30_enc_label;
		enc_label_len = sizeof(smb30_enc_label);
		dec_label = smb30_enc_label;
		dec_label_len = sizeof(smb30_enc_label);
		enc_ctx = smb30_enc_ctx;
		enc_ctx_len = sizeof(smb30_enc_ctx);
		dec_ctx = smb30_dec_ctx;
		dec_ctx_len = sizeof(smb30_dec_ctx);
		break;
	case SMB311_DIALECT:
		enc_label = smb311_enc_label;
		enc_label_len = sizeof(smb311_enc_label);
		dec_label = smb311_dec_label;
		dec_label_len = sizeof(smb311_dec_label);
		enc_ctx = preauth_hash;
		enc_ctx_len = SMB3MC_PREAUTH_HASH_SIZE;
		dec_ctx = preauth_hash;
		dec_ctx_len = SMB3MC_PREAUTH_HASH_SIZE;
		break;
	default:
		return -EINVAL;
	}

	rc = smb3mc_derive_signing_key(dialect, session_key, session_key_len,
				       preauth_hash, keys->signing);
	if (rc)
		return rc;

	/*
	 * The 256-bit ciphers derive from Session.FullSessionKey, the others
	 * from the 16-byte Session.SessionKey (MS-SMB2 3.2.5.3.1).
	 */
	if (keys->cipher_key_len == 32) {
		ki = session_key;
		ki_len = session_key_len;
	} else {
		smb3mc_short_session_key(session_key, session_key_len,
					 ki_short);
		ki = ki_short;
		ki_len = sizeof(ki_short);
	}

	rc = smb3mc_kdf(ki, ki_len, enc_label, enc_label_len, enc_ctx,
			enc_ctx_len, keys->encryption, keys->cipher_key_len);
	if (!rc)
		rc = smb3mc_kdf(ki, ki_len, dec_label, dec_label_len, dec_ctx,
				dec_ctx_len, keys->decryption,
				keys->cipher_key_len);
	memzero_explicit(ki_short, sizeof(ki_short));
	if (rc)
		memzero_explicit(keys, sizeof(*keys));
	return rc;
}
