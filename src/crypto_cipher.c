// SPDX-License-Identifier: GPL-2.0
/*
 * SMB 3.x encryption, MS-SMB2 3.1.4.3 (encrypt) and 3.2.5.1.1.1 (decrypt):
 * AES-CCM or AES-GCM with 128- or 256-bit keys over the whole SMB2
 * message, authenticated together with the transform header from its
 * Nonce field on (MS-SMB2 2.2.41); the 16-byte tag is the transform
 * header's Signature.
 *
 * Like the signer, the transform is keyed once and every call has its own
 * request, so one cipher serves all senders (or the receive thread) of a
 * session at the same time.
 */

#include <crypto/aead.h>
#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "crypto.h"

#define SMB3MC_TAG_SIZE		SMB2_SIGNATURE_SIZE
#define SMB3MC_AAD_OFFSET	offsetof(struct smb2_transform_hdr, nonce)
#define SMB3MC_TRANSFORM_FLAG_ENCRYPTED	cpu_to_le16(0x0001)
/* RFC 3610 2.3 as ccm(aes) takes it: flags byte L' = 15 - 11 - 1 */
#define SMB3MC_CCM_IV_FLAGS	(15 - SMB3MC_CCM_NONCE_SIZE - 1)

static_assert(sizeof(struct smb2_transform_hdr) - SMB3MC_AAD_OFFSET ==
	      SMB3MC_TRANSFORM_AAD_SIZE);
static_assert(sizeof_field(struct smb2_transform_hdr, nonce) ==
	      SMB3MC_NONCE_FIELD_SIZE);

struct smb3mc_cipher_op {
	u8 iv[16];
	u8 tag[SMB3MC_TAG_SIZE];
	struct scatterlist *src;
	struct scatterlist *dst;
	struct scatterlist sg[];
};

static bool smb3mc_cipher_is_gcm(u16 cipher)
{
	return cipher == SMB2_ENCRYPTION_AES128_GCM ||
	       cipher == SMB2_ENCRYPTION_AES256_GCM;
}

int smb3mc_cipher_init(struct smb3mc_cipher *c, u16 cipher, const u8 *key)
{
	unsigned int key_len;
	int rc;

	switch (cipher) {
	case SMB2_ENCRYPTION_AES128_CCM:
	case SMB2_ENCRYPTION_AES128_GCM:
		key_len = 16;
		break;
	case SMB2_ENCRYPTION_AES256_CCM:
	case SMB2_ENCRYPTION_AES256_GCM:
		key_len = 32;
		break;
	default:
		return -EINVAL;
	}

	c->cipher = cipher;
	c->aead = crypto_alloc_aead(smb3mc_cipher_is_gcm(cipher) ?
				    "gcm(aes)" : "ccm(aes)", 0, 0);
	if (IS_ERR(c->aead)) {
		rc = PTR_ERR(c->aead);
		c->aead = NULL;
		return rc;
	}
	rc = crypto_aead_setkey(c->aead, key, key_len);
	if (!rc)
		rc = crypto_aead_setauthsize(c->aead, SMB3MC_TAG_SIZE);
	if (rc)
		smb3mc_cipher_free(c);
	return rc;
}

void smb3mc_cipher_free(struct smb3mc_cipher *c)
{
	crypto_free_aead(c->aead);
	c->aead = NULL;
}

const char *smb3mc_cipher_name(u16 cipher)
{
	switch (cipher) {
	case SMB2_ENCRYPTION_AES128_CCM:
		return "AES-128-CCM";
	case SMB2_ENCRYPTION_AES128_GCM:
		return "AES-128-GCM";
	case SMB2_ENCRYPTION_AES256_CCM:
		return "AES-256-CCM";
	case SMB2_ENCRYPTION_AES256_GCM:
		return "AES-256-GCM";
	default:
		return "unknown";
	}
}

unsigned int smb3mc_cipher_nonce_size(const struct smb3mc_cipher *c)
{
	return smb3mc_cipher_is_gcm(c->cipher) ? SMB3MC_GCM_NONCE_SIZE :
						 SMB3MC_CCM_NONCE_SIZE;
}

/* The IV the kernel's gcm(aes) and ccm(aes) expect for an SMB nonce */
static void smb3mc_cipher_iv(const struct smb3mc_cipher *c, const u8 *nonce,
			     u8 *iv)
{
	if (smb3mc_cipher_is_gcm(c->cipher)) {
		memcpy(iv, nonce, SMB3MC_GCM_NONCE_SIZE);
	} else {
		iv[0] = SMB3MC_CCM_IV_FLAGS;
		memcpy(iv + 1, nonce, SMB3MC_CCM_NONCE_SIZE);
	}
}

/* Entries for the first @max bytes of a kvec array */
static unsigned int smb3mc_kvec_sg_count(const struct kvec *iov,
					 unsigned int nvec, size_t max)
{
	unsigned int i, n = 0;
	size_t len;

	for (i = 0; i < nvec && max; i++) {
		len = min(iov[i].iov_len, max);
		n += smb3mc_sg_count(iov[i].iov_base, len);
		max -= len;
	}
	return n;
}

static int smb3mc_kvec_sg_set(struct scatterlist *sg, int n,
			      const struct kvec *iov, unsigned int nvec,
			      size_t max)
{
	unsigned int i;
	size_t len;

	for (i = 0; n >= 0 && i < nvec && max; i++) {
		len = min(iov[i].iov_len, max);
		n = smb3mc_sg_set(sg, n, iov[i].iov_base, len);
		max -= len;
	}
	return n;
}

/*
 * One allocation for the IV, tag and both scatterlists: @nsrc entries for
 * src and @ndst for dst.
 */
static struct smb3mc_cipher_op *smb3mc_cipher_op_alloc(unsigned int nsrc,
						       unsigned int ndst)
{
	struct smb3mc_cipher_op *op;

	op = kzalloc(struct_size(op, sg, nsrc + ndst), GFP_NOFS);
	if (!op)
		return NULL;
	op->src = op->sg;
	op->dst = op->sg + nsrc;
	sg_init_table(op->src, nsrc);
	if (ndst)
		sg_init_table(op->dst, ndst);
	return op;
}

static int smb3mc_cipher_run(const struct smb3mc_cipher *c,
			     struct smb3mc_cipher_op *op, bool encrypt,
			     struct scatterlist *dst, unsigned int cryptlen)
{
	struct aead_request *req;
	int rc;
	DECLARE_CRYPTO_WAIT(wait);

	req = aead_request_alloc(c->aead, GFP_NOFS);
	if (!req)
		return -ENOMEM;
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG |
				  CRYPTO_TFM_REQ_MAY_SLEEP,
				  crypto_req_done, &wait);
	aead_request_set_ad(req, SMB3MC_TRANSFORM_AAD_SIZE);
	aead_request_set_crypt(req, op->src, dst, cryptlen, op->iv);
	rc = crypto_wait_req(encrypt ? crypto_aead_encrypt(req) :
				       crypto_aead_decrypt(req), &wait);
	aead_request_free(req);
	return rc;
}

/* Count, then describe, the pages of an iterator's data in a scatterlist */
struct smb3mc_iter_sg {
	struct scatterlist *sg;		/* NULL: only count */
	unsigned int n;
};

static int smb3mc_iter_sg_page(void *priv, struct page *page, size_t off,
			       size_t len)
{
	struct smb3mc_iter_sg *it = priv;

	if (it->sg)
		sg_set_page(&it->sg[it->n], page, len, off);
	it->n++;
	return 0;
}

ssize_t smb3mc_encrypt_data(const struct smb3mc_cipher *c,
			    const u8 nonce[SMB3MC_NONCE_FIELD_SIZE],
			    u64 session_id, const struct kvec *iov,
			    unsigned int nvec, const struct iov_iter *data,
			    void *out, size_t out_len)
{
	struct smb3mc_iter_sg pages = {};
	struct smb2_transform_hdr *th = out;
	struct smb3mc_cipher_op *op;
	size_t msg_len = 0, iov_len, data_len;
	unsigned int i, nsrc, ndst;
	int n, m, rc;

	for (i = 0; i < nvec; i++)
		msg_len += iov[i].iov_len;
	iov_len = msg_len;
	data_len = data ? iov_iter_count(data) : 0;
	msg_len += data_len;
	if (!iov_len || msg_len > U32_MAX - SMB3MC_TAG_SIZE ||
	    out_len < sizeof(*th) + msg_len)
		return -EINVAL;
	if (data_len) {
		rc = smb3mc_iter_pages(data, smb3mc_iter_sg_page, &pages);
		if (rc)
			return rc;
	}

	/* MS-SMB2 3.1.4.3 */
	memset(th, 0, sizeof(*th));
	th->protocol_id = SMB2_TRANSFORM_PROTO_NUM;
	memcpy(th->nonce, nonce, sizeof(th->nonce));
	th->original_message_size = cpu_to_le32(msg_len);
	th->flags = SMB3MC_TRANSFORM_FLAG_ENCRYPTED;
	th->session_id = cpu_to_le64(session_id);

	/* src: AAD || plaintext (kvecs, then data); dst: AAD || ciphertext || tag */
	nsrc = 1 + smb3mc_kvec_sg_count(iov, nvec, iov_len) + pages.n;
	ndst = 1 + smb3mc_sg_count(th + 1, msg_len) + 1;
	op = smb3mc_cipher_op_alloc(nsrc, ndst);
	if (!op)
		return -ENOMEM;
	smb3mc_cipher_iv(c, nonce, op->iv);

	n = smb3mc_sg_set(op->src, 0, th->nonce, SMB3MC_TRANSFORM_AAD_SIZE);
	n = smb3mc_kvec_sg_set(op->src, n, iov, nvec, iov_len);
	if (n >= 0 && data_len) {
		pages.sg = op->src;
		pages.n = n;
		rc = smb3mc_iter_pages(data, smb3mc_iter_sg_page, &pages);
		n = rc ? rc : pages.n;
	}
	m = smb3mc_sg_set(op->dst, 0, th->nonce, SMB3MC_TRANSFORM_AAD_SIZE);
	if (m >= 0)
		m = smb3mc_sg_set(op->dst, m, th + 1, msg_len);
	if (m >= 0)
		m = smb3mc_sg_set(op->dst, m, op->tag, SMB3MC_TAG_SIZE);
	if (n < 0 || m < 0) {
		rc = -EINVAL;
		goto out;
	}

	rc = smb3mc_cipher_run(c, op, true, op->dst, msg_len);
	if (!rc)
		memcpy(th->signature, op->tag, SMB3MC_TAG_SIZE);
out:
	kfree_sensitive(op);
	return rc ? rc : (ssize_t)(sizeof(*th) + msg_len);
}

ssize_t smb3mc_encrypt(const struct smb3mc_cipher *c,
		       const u8 nonce[SMB3MC_NONCE_FIELD_SIZE],
		       u64 session_id, const struct kvec *iov,
		       unsigned int nvec, void *out, size_t out_len)
{
	return smb3mc_encrypt_data(c, nonce, session_id, iov, nvec, NULL, out,
				   out_len);
}

ssize_t smb3mc_decrypt(const struct smb3mc_cipher *c, struct kvec *iov,
		       unsigned int nvec)
{
	const struct smb2_transform_hdr *th;
	struct smb3mc_cipher_op *op;
	struct kvec body[1];
	size_t avail, msg_len;
	unsigned int i, nsg;
	int n, rc;

	if (!nvec || iov[0].iov_len < sizeof(*th))
		return -EINVAL;
	th = iov[0].iov_base;
	if (th->protocol_id != SMB2_TRANSFORM_PROTO_NUM ||
	    th->flags != SMB3MC_TRANSFORM_FLAG_ENCRYPTED)
		return -EINVAL;

	/*
	 * MS-SMB2 3.2.5.1.1.1: the message must hold OriginalMessageSize
	 * bytes after the header, and at least an SMB2 header's worth.
	 */
	avail = iov[0].iov_len - sizeof(*th);
	for (i = 1; i < nvec; i++)
		avail += iov[i].iov_len;
	msg_len = le32_to_cpu(th->original_message_size);
	if (msg_len < SMB2_HDR_SIZE || msg_len > avail ||
	    msg_len > U32_MAX - SMB3MC_TAG_SIZE)
		return -EINVAL;

	/* The ciphertext: the rest of iov[0], then the other kvecs */
	body[0].iov_base = (u8 *)iov[0].iov_base + sizeof(*th);
	body[0].iov_len = iov[0].iov_len - sizeof(*th);
	nsg = 1 + smb3mc_kvec_sg_count(body, 1, msg_len) +
	      smb3mc_kvec_sg_count(iov + 1, nvec - 1,
				   msg_len - min(body[0].iov_len, msg_len)) +
	      1;
	op = smb3mc_cipher_op_alloc(nsg, 0);
	if (!op)
		return -ENOMEM;
	smb3mc_cipher_iv(c, th->nonce, op->iv);
	memcpy(op->tag, th->signature, SMB3MC_TAG_SIZE);

	/* Decrypted in place: src = dst = AAD || ciphertext || tag */
	n = smb3mc_sg_set(op->src, 0, th->nonce, SMB3MC_TRANSFORM_AAD_SIZE);
	n = smb3mc_kvec_sg_set(op->src, n, body, 1, msg_len);
	n = smb3mc_kvec_sg_set(op->src, n, iov + 1, nvec - 1,
			       msg_len - min(body[0].iov_len, msg_len));
	if (n >= 0)
		n = smb3mc_sg_set(op->src, n, op->tag, SMB3MC_TAG_SIZE);
	if (n < 0) {
		rc = -EINVAL;
		goto out;
	}

	rc = smb3mc_cipher_run(c, op, false, op->src,
			       msg_len + SMB3MC_TAG_SIZE);
	/* The AEAD reports a tag mismatch as -EBADMSG */
	if (rc == -EBADMSG)
		rc = -EACCES;
out:
	kfree_sensitive(op);
	return rc ? rc : (ssize_t)msg_len;
}

int smb3mc_transform_check(const void *buf, size_t len, u64 session_id,
			   const char **why)
{
	const struct smb2_transform_hdr *th = buf;
	u32 msg_len;

	/* MS-SMB2 3.2.5.1.1.1: longer than the header, Flags 0x0001 */
	if (len <= sizeof(*th)) {
		*why = "shorter than its transform header";
		return -EIO;
	}
	if (th->protocol_id != SMB2_TRANSFORM_PROTO_NUM) {
		*why = "not a transform header";
		return -EIO;
	}
	if (th->flags != SMB3MC_TRANSFORM_FLAG_ENCRYPTED) {
		*why = "unknown Flags";
		return -EIO;
	}
	/* ... and of a session of ours */
	if (le64_to_cpu(th->session_id) != session_id) {
		*why = "another SessionId";
		return -EIO;
	}
	/* 2.2.41: OriginalMessageSize is the SMB2 message inside. */
	msg_len = le32_to_cpu(th->original_message_size);
	if (msg_len < SMB2_HDR_SIZE) {
		*why = "OriginalMessageSize below an SMB2 header";
		return -EIO;
	}
	if (msg_len > len - sizeof(*th)) {
		*why = "OriginalMessageSize past the message";
		return -EIO;
	}
	return 0;
}

int smb3mc_seal_init(struct smb3mc_seal *seal, u16 cipher,
		     const struct smb3mc_session_keys *keys, u64 session_id)
{
	int rc;

	rc = smb3mc_cipher_init(&seal->enc, cipher, keys->encryption);
	if (rc)
		return rc;
	rc = smb3mc_cipher_init(&seal->dec, cipher, keys->decryption);
	if (rc) {
		smb3mc_cipher_free(&seal->enc);
		return rc;
	}
	atomic64_set(&seal->nonces, 0);
	seal->session_id = session_id;
	return 0;
}

void smb3mc_seal_free(struct smb3mc_seal *seal)
{
	smb3mc_cipher_free(&seal->enc);
	smb3mc_cipher_free(&seal->dec);
}

int smb3mc_seal_nonce(struct smb3mc_seal *seal,
		      u8 nonce[SMB3MC_NONCE_FIELD_SIZE])
{
	s64 n = atomic64_inc_return(&seal->nonces);
	__le64 v;

	/*
	 * Past S64_MAX the counter reads negative, and it would take
	 * another 2^63 messages to come back: every one of them is refused.
	 */
	if (n <= 0)
		return -EOVERFLOW;
	v = cpu_to_le64(n);
	memset(nonce, 0, SMB3MC_NONCE_FIELD_SIZE);
	memcpy(nonce, &v, sizeof(v));
	return 0;
}
