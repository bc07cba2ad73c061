// SPDX-License-Identifier: GPL-2.0
/*
 * SMB 3.1.1 pre-authentication integrity, MS-SMB2 3.2.5.2 (client) and
 * 3.3.5.4 (server): every NEGOTIATE and SESSION_SETUP message is chained
 * into a SHA-512 hash that later becomes the context of the KDF. A handful
 * of messages per session are hashed, so the transform is per call.
 */

#include <crypto/hash.h>
#include <linux/err.h>

#include "crypto.h"

int smb3mc_preauth_update(u8 hash[SMB3MC_PREAUTH_HASH_SIZE],
			  const struct kvec *iov, unsigned int nvec)
{
	struct crypto_shash *tfm;
	unsigned int i;
	int rc;

	tfm = crypto_alloc_shash("sha512", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);

	{
		SHASH_DESC_ON_STACK(desc, tfm);

		/* H(i) = SHA-512(H(i-1) || message(i)) */
		desc->tfm = tfm;
		rc = crypto_shash_init(desc);
		if (!rc)
			rc = crypto_shash_update(desc, hash,
						 SMB3MC_PREAUTH_HASH_SIZE);
		for (i = 0; !rc && i < nvec; i++)
			rc = crypto_shash_update(desc, iov[i].iov_base,
						 iov[i].iov_len);
		/* On failure @hash keeps H(i-1): final is the only writer */
		if (!rc)
			rc = crypto_shash_final(desc, hash);
		shash_desc_zero(desc);
	}
	crypto_free_shash(tfm);
	return rc;
}
