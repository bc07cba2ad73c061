// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot keyed hashes over kvec arrays: HMAC-SHA256 for the SMB3 KDF and
 * HMAC-MD5 for NTLMv2. These run a few times per session setup, so the
 * transform is allocated per call and nothing is shared between callers.
 */

#include <crypto/hash.h>
#include <linux/err.h>

#include "crypto.h"

int smb3mc_shash_kvec(const char *alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, unsigned int nvec, u8 *out)
{
	struct crypto_shash *tfm;
	unsigned int i;
	int rc;

	tfm = crypto_alloc_shash(alg, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	rc = crypto_shash_setkey(tfm, key, key_len);
	if (rc)
		goto out_free;

	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		rc = crypto_shash_init(desc);
		for (i = 0; !rc && i < nvec; i++)
			rc = crypto_shash_update(desc, iov[i].iov_base,
						 iov[i].iov_len);
		if (!rc)
			rc = crypto_shash_final(desc, out);
		shash_desc_zero(desc);
	}
out_free:
	crypto_free_shash(tfm);
	return rc;
}
