// SPDX-License-Identifier: GPL-2.0
/*
 * NTLMv2 computations of the client, MS-NLMP 3.3.2 and 3.1.5.1.2. The
 * caller builds and parses the NTLM messages; these functions only turn
 * credentials and message bytes into keys and proofs.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"
#include "unicode.h"

#define SMB3MC_HMAC_MD5	"hmac(md5)"

int smb3mc_ntowfv2(const char *password, const char *user, const char *domain,
		   u8 key[SMB3MC_NTLM_KEY_SIZE])
{
	size_t pw_len = strlen(password);
	size_t name_len, units, size;
	u8 ntowfv1[SMB3MC_NTLM_KEY_SIZE];
	struct kvec iov;
	__le16 *buf;
	int n, m, i, rc;
	u16 ch;

	if (!domain)
		domain = "";
	name_len = strlen(user) + strlen(domain);
	/* A UTF-8 string never needs more UTF-16 units than it has bytes. */
	units = max(pw_len, name_len) + 1;
	buf = kmalloc_array(units, sizeof(*buf), GFP_NOFS);
	if (!buf)
		return -ENOMEM;
	size = units * sizeof(*buf);

	/* NTOWFv1 = MD4(UNICODE(Passwd)), MS-NLMP 3.3.1 */
	n = smb3mc_utf8_to_utf16le(password, buf, size);
	if (n < 0) {
		rc = n;
		goto out;
	}
	smb3mc_md4((const u8 *)buf, n, ntowfv1);

	/*
	 * UNICODE(ConcatenationOf(Uppercase(User), UserDom)): Windows upper
	 * cases with its own Unicode table, which the kernel lacks; ASCII is
	 * what user names overwhelmingly are, so only a-z are mapped.
	 */
	n = smb3mc_utf8_to_utf16le(user, buf, size);
	if (n < 0) {
		rc = n;
		goto out;
	}
	for (i = 0; i < n / 2; i++) {
		ch = le16_to_cpu(buf[i]);
		if (ch >= 'a' && ch <= 'z')
			buf[i] = cpu_to_le16(ch - 'a' + 'A');
	}
	m = smb3mc_utf8_to_utf16le(domain, (u8 *)buf + n, size - n);
	if (m < 0) {
		rc = m;
		goto out;
	}

	/* NTOWFv2 = HMAC_MD5(NTOWFv1, that string), MS-NLMP 3.3.2 */
	iov.iov_base = buf;
	iov.iov_len = n + m;
	rc = smb3mc_shash_kvec(SMB3MC_HMAC_MD5, ntowfv1, sizeof(ntowfv1),
			       &iov, 1, key);
out:
	memzero_explicit(ntowfv1, sizeof(ntowfv1));
	kfree_sensitive(buf);
	return rc;
}

int smb3mc_ntlmv2_proof(const u8 ntowfv2[SMB3MC_NTLM_KEY_SIZE],
			const u8 server_challenge[SMB3MC_NTLM_CHALLENGE_SIZE],
			const u8 *blob, size_t blob_len,
			u8 proof[SMB3MC_NTLM_KEY_SIZE])
{
	struct kvec iov[2] = {
		{ .iov_base = (void *)server_challenge,
		  .iov_len = SMB3MC_NTLM_CHALLENGE_SIZE },
		{ .iov_base = (void *)blob, .iov_len = blob_len },
	};

	return smb3mc_shash_kvec(SMB3MC_HMAC_MD5, ntowfv2,
				 SMB3MC_NTLM_KEY_SIZE, iov, ARRAY_SIZE(iov),
				 proof);
}

int smb3mc_ntlmv2_session_base_key(const u8 ntowfv2[SMB3MC_NTLM_KEY_SIZE],
				   const u8 proof[SMB3MC_NTLM_KEY_SIZE],
				   u8 key[SMB3MC_NTLM_KEY_SIZE])
{
	struct kvec iov = {
		.iov_base = (void *)proof,
		.iov_len = SMB3MC_NTLM_KEY_SIZE,
	};

	return smb3mc_shash_kvec(SMB3MC_HMAC_MD5, ntowfv2,
				 SMB3MC_NTLM_KEY_SIZE, &iov, 1, key);
}

void smb3mc_ntlm_encrypt_session_key(const u8 kxkey[SMB3MC_NTLM_KEY_SIZE],
				     const u8 exported[SMB3MC_NTLM_KEY_SIZE],
				     u8 out[SMB3MC_NTLM_KEY_SIZE])
{
	smb3mc_arc4(kxkey, SMB3MC_NTLM_KEY_SIZE, exported, out,
		    SMB3MC_NTLM_KEY_SIZE);
}

int smb3mc_ntlm_mic(const u8 exported[SMB3MC_NTLM_KEY_SIZE],
		    const struct kvec *msgs, unsigned int nmsgs,
		    u8 mic[SMB3MC_NTLM_KEY_SIZE])
{
	return smb3mc_shash_kvec(SMB3MC_HMAC_MD5, exported,
				 SMB3MC_NTLM_KEY_SIZE, msgs, nmsgs, mic);
}
