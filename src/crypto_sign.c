// SPDX-License-Identifier: GPL-2.0
/*
 * SMB 3.x message signing, MS-SMB2 3.1.4.1 (sign) and 3.2.5.1.3 (verify):
 * AES-CMAC, and AES-GMAC when SMB 3.1.1 negotiated it in the
 * SMB2_SIGNING_CAPABILITIES context (MS-SMB2 2.2.3.1.7). The signature
 * covers the whole message with its Signature field taken as zero.
 *
 * The transform is allocated and keyed once per channel; every call keeps
 * its request on the stack (CMAC) or in its own allocation (GMAC), so a
 * sender and the receive thread may share the signer.
 */

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"

#define SMB3MC_SIG_OFFSET	offsetof(struct smb2_hdr, signature)

/* MS-SMB2 3.1.4.1: the 4 bytes after MessageId in the GMAC nonce */
#define SMB3MC_GMAC_NONCE_ROLE_SERVER	0x00000001
#define SMB3MC_GMAC_NONCE_CANCEL	0x00000002

struct smb3mc_gmac_op {
	u8 zero[SMB2_SIGNATURE_SIZE];	/* stands for the Signature field */
	u8 tag[SMB2_SIGNATURE_SIZE];
	u8 iv[SMB3MC_GCM_NONCE_SIZE];
	struct scatterlist sg[];
};

int smb3mc_signer_init(struct smb3mc_signer *signer, u16 alg,
		       const u8 key[SMB3MC_SIGNING_KEY_SIZE])
{
	int rc;

	memset(signer, 0, sizeof(*signer));
	signer->alg = alg;
	switch (alg) {
	case SMB2_SIGNING_AES_CMAC:
		signer->cmac = crypto_alloc_shash("cmac(aes)", 0, 0);
		if (IS_ERR(signer->cmac)) {
			rc = PTR_ERR(signer->cmac);
			signer->cmac = NULL;
			return rc;
		}
		rc = crypto_shash_setkey(signer->cmac, key,
					 SMB3MC_SIGNING_KEY_SIZE);
		break;
	case SMB2_SIGNING_AES_GMAC:
		signer->gmac = crypto_alloc_aead("gcm(aes)", 0, 0);
		if (IS_ERR(signer->gmac)) {
			rc = PTR_ERR(signer->gmac);
			signer->gmac = NULL;
			return rc;
		}
		rc = crypto_aead_setkey(signer->gmac, key,
					SMB3MC_SIGNING_KEY_SIZE);
		if (!rc)
			rc = crypto_aead_setauthsize(signer->gmac,
						     SMB2_SIGNATURE_SIZE);
		break;
	default:
		return -EINVAL;
	}
	if (rc)
		smb3mc_signer_free(signer);
	return rc;
}

void smb3mc_signer_free(struct smb3mc_signer *signer)
{
	crypto_free_shash(signer->cmac);
	crypto_free_aead(signer->gmac);
	signer->cmac = NULL;
	signer->gmac = NULL;
}

static int cmac_update_page(void *priv, struct page *page, size_t off,
			    size_t len)
{
	struct shash_desc *desc = priv;
	u8 *p = kmap_local_page(page);
	int rc;

	rc = crypto_shash_update(desc, p + off, len);
	kunmap_local(p);
	return rc;
}

/* @prefix: bytes in front of the message that the signature covers too */
static int smb3mc_cmac(const struct smb3mc_signer *signer,
		       const struct kvec *prefix, const struct kvec *iov,
		       unsigned int nvec, const struct iov_iter *data, u8 *sig)
{
	static const u8 zero[SMB2_SIGNATURE_SIZE];
	const u8 *hdr = iov[0].iov_base;
	unsigned int i;
	int rc;
	SHASH_DESC_ON_STACK(desc, signer->cmac);

	desc->tfm = signer->cmac;
	rc = crypto_shash_init(desc);
	if (!rc && prefix)
		rc = crypto_shash_update(desc, prefix->iov_base,
					 prefix->iov_len);
	if (!rc)
		rc = crypto_shash_update(desc, hdr, SMB3MC_SIG_OFFSET);
	if (!rc)
		rc = crypto_shash_update(desc, zero, sizeof(zero));
	if (!rc)
		rc = crypto_shash_update(desc, hdr + SMB2_HDR_SIZE,
					 iov[0].iov_len - SMB2_HDR_SIZE);
	for (i = 1; !rc && i < nvec; i++)
		rc = crypto_shash_update(desc, iov[i].iov_base,
					 iov[i].iov_len);
	if (!rc && data)
		rc = smb3mc_iter_pages(data, cmac_update_page, desc);
	if (!rc)
		rc = crypto_shash_final(desc, sig);
	shash_desc_zero(desc);
	return rc;
}

static int gmac_count_page(void *priv, struct page *page, size_t off,
			   size_t len)
{
	unsigned int *nsg = priv;

	(*nsg)++;
	return 0;
}

/* Fills the scatterlist entry after the one @priv points to. */
static int gmac_set_page(void *priv, struct page *page, size_t off,
			 size_t len)
{
	struct scatterlist **sg = priv;

	sg_set_page(++*sg, page, len, off);
	return 0;
}

/*
 * AES-GMAC is AES-GCM with the message as associated data and nothing to
 * encrypt; the tag is the signature.
 */
static int smb3mc_gmac(const struct smb3mc_signer *signer,
		       const struct kvec *iov, unsigned int nvec,
		       const struct iov_iter *data, u8 *sig)
{
	const struct smb2_hdr *hdr = iov[0].iov_base;
	const u8 *body = (const u8 *)hdr + SMB2_HDR_SIZE;
	size_t body_len = iov[0].iov_len - SMB2_HDR_SIZE;
	struct smb3mc_gmac_op *op;
	struct aead_request *req;
	unsigned int nsg, i;
	size_t total;
	u32 nonce_flags = 0;
	__le32 nonce_tail;
	int rc, n;
	DECLARE_CRYPTO_WAIT(wait);

	nsg = smb3mc_sg_count(hdr, SMB3MC_SIG_OFFSET) + 1 +
	      smb3mc_sg_count(body, body_len) + 1;
	total = iov[0].iov_len;
	for (i = 1; i < nvec; i++) {
		nsg += smb3mc_sg_count(iov[i].iov_base, iov[i].iov_len);
		total += iov[i].iov_len;
	}
	if (data) {
		rc = smb3mc_iter_pages(data, gmac_count_page, &nsg);
		if (rc)
			return rc;
		total += iov_iter_count(data);
	}
	if (total > UINT_MAX)
		return -EINVAL;

	op = kzalloc(struct_size(op, sg, nsg), GFP_NOFS);
	if (!op)
		return -ENOMEM;
	req = aead_request_alloc(signer->gmac, GFP_NOFS);
	if (!req) {
		kfree(op);
		return -ENOMEM;
	}

	/* MS-SMB2 3.1.4.1: MessageId, then the role and CANCEL bits */
	memcpy(op->iv, &hdr->message_id, sizeof(hdr->message_id));
	if (hdr->flags & SMB2_FLAGS_SERVER_TO_REDIR)
		nonce_flags |= SMB3MC_GMAC_NONCE_ROLE_SERVER;
	if (hdr->command == cpu_to_le16(SMB2_CANCEL))
		nonce_flags |= SMB3MC_GMAC_NONCE_CANCEL;
	nonce_tail = cpu_to_le32(nonce_flags);
	memcpy(op->iv + sizeof(hdr->message_id), &nonce_tail,
	       sizeof(nonce_tail));

	sg_init_table(op->sg, nsg);
	n = smb3mc_sg_set(op->sg, 0, hdr, SMB3MC_SIG_OFFSET);
	if (n >= 0)
		n = smb3mc_sg_set(op->sg, n, op->zero, sizeof(op->zero));
	if (n >= 0)
		n = smb3mc_sg_set(op->sg, n, body, body_len);
	for (i = 1; n >= 0 && i < nvec; i++)
		n = smb3mc_sg_set(op->sg, n, iov[i].iov_base, iov[i].iov_len);
	if (n >= 0 && data) {
		struct scatterlist *last = &op->sg[n - 1];

		smb3mc_iter_pages(data, gmac_set_page, &last);
		n = last - op->sg + 1;
	}
	if (n >= 0)
		n = smb3mc_sg_set(op->sg, n, op->tag, sizeof(op->tag));
	if (n < 0) {
		rc = n;
		goto out;
	}

	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, total);
	aead_request_set_crypt(req, op->sg, op->sg, 0, op->iv);
	rc = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	if (!rc)
		memcpy(sig, op->tag, SMB2_SIGNATURE_SIZE);
out:
	aead_request_free(req);
	kfree(op);
	return rc;
}

static int smb3mc_signature(const struct smb3mc_signer *signer,
			    const struct kvec *iov, unsigned int nvec,
			    const struct iov_iter *data, u8 *sig)
{
	if (!nvec || iov[0].iov_len < SMB2_HDR_SIZE)
		return -EINVAL;
	switch (signer->alg) {
	case SMB2_SIGNING_AES_CMAC:
		return smb3mc_cmac(signer, NULL, iov, nvec, data, sig);
	case SMB2_SIGNING_AES_GMAC:
		return smb3mc_gmac(signer, iov, nvec, data, sig);
	}
	return -EINVAL;
}

int smb3mc_sign_data(const struct smb3mc_signer *signer, struct kvec *iov,
		     unsigned int nvec, const struct iov_iter *data)
{
	u8 sig[SMB2_SIGNATURE_SIZE];
	struct smb2_hdr *hdr;
	int rc;

	rc = smb3mc_signature(signer, iov, nvec, data, sig);
	if (rc)
		return rc;
	hdr = iov[0].iov_base;
	memcpy(hdr->signature, sig, sizeof(sig));
	return 0;
}

/* 0 if @sig is the one the message in @iov carries, else -EACCES */
static int smb3mc_sig_matches(const u8 *sig, const struct kvec *iov)
{
	const struct smb2_hdr *hdr = iov[0].iov_base;

	/* Constant time: a timing oracle would let a forger guess bytewise */
	if (crypto_memneq(sig, hdr->signature, SMB2_SIGNATURE_SIZE))
		return -EACCES;
	return 0;
}

int smb3mc_verify_data(const struct smb3mc_signer *signer,
		       const struct kvec *iov, unsigned int nvec,
		       const struct iov_iter *data)
{
	u8 sig[SMB2_SIGNATURE_SIZE];
	int rc;

	rc = smb3mc_signature(signer, iov, nvec, data, sig);
	return rc ?: smb3mc_sig_matches(sig, iov);
}

int smb3mc_verify_prefixed(const struct smb3mc_signer *signer,
			   const void *prefix, size_t prefix_len,
			   const struct kvec *iov)
{
	const struct kvec pre = {
		.iov_base = (void *)prefix,
		.iov_len = prefix_len,
	};
	u8 sig[SMB2_SIGNATURE_SIZE];
	int rc;

	if (signer->alg != SMB2_SIGNING_AES_CMAC)
		return -EACCES;
	if (iov->iov_len < SMB2_HDR_SIZE)
		return -EINVAL;
	rc = smb3mc_cmac(signer, &pre, iov, 1, NULL, sig);
	return rc ?: smb3mc_sig_matches(sig, iov);
}

int smb3mc_sign(const struct smb3mc_signer *signer, struct kvec *iov,
		unsigned int nvec)
{
	return smb3mc_sign_data(signer, iov, nvec, NULL);
}

int smb3mc_verify(const struct smb3mc_signer *signer, const struct kvec *iov,
		  unsigned int nvec)
{
	return smb3mc_verify_data(signer, iov, nvec, NULL);
}
