// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SMB 3.x message signing with AES-CMAC and AES-GMAC
 * (MS-SMB2 3.1.4.1), through the signer the channels use.
 */

#include <kunit/test.h>
#include <linux/bvec.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>

#include "crypto.h"
#include "threads_test.h"
#include "wire_test.h"

#define SIG_OFFSET	offsetof(struct smb2_hdr, signature)

/* RFC 4493 section 4: the key and the 64-byte message of the examples */
static const u8 rfc4493_key[] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
	0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
};

static const u8 rfc4493_msg[] = {
	0x6b, 0xc1, 0xbe, 0xe2, 0x2e, 0x40, 0x9f, 0x96,
	0xe9, 0x3d, 0x7e, 0x11, 0x73, 0x93, 0x17, 0x2a,
	0xae, 0x2d, 0x8a, 0x57, 0x1e, 0x03, 0xac, 0x9c,
	0x9e, 0xb7, 0x6f, 0xac, 0x45, 0xaf, 0x8e, 0x51,
	0x30, 0xc8, 0x1c, 0x46, 0xa3, 0x5c, 0xe4, 0x11,
	0xe5, 0xfb, 0xc1, 0x19, 0x1a, 0x0a, 0x52, 0xef,
	0xf6, 0x9f, 0x24, 0x45, 0xdf, 0x4f, 0x9b, 0x17,
	0xad, 0x2b, 0x41, 0x7b, 0xe6, 0x6c, 0x37, 0x10,
};

static const u8 rfc4493_mac[4][16] = {
	{
		0xbb, 0x1d, 0x69, 0x29, 0xe9, 0x59, 0x37, 0x28,
		0x7f, 0xa3, 0x7d, 0x12, 0x9b, 0x75, 0x67, 0x46,
	}, {
		0x07, 0x0a, 0x16, 0xb4, 0x6b, 0x4d, 0x41, 0x44,
		0xf7, 0x9b, 0xdd, 0x9d, 0xd0, 0x4a, 0x28, 0x7c,
	}, {
		0xdf, 0xa6, 0x67, 0x47, 0xde, 0x9a, 0xe6, 0x30,
		0x30, 0xca, 0x32, 0x61, 0x14, 0x97, 0xc8, 0x27,
	}, {
		0x51, 0xf0, 0xbe, 0xbf, 0x7e, 0x3b, 0x9d, 0x92,
		0xfc, 0x49, 0x74, 0x17, 0x79, 0x36, 0x3c, 0xfe,
	},
};

/*
 * The SMB 3.0 WRITE request of "Encryption in SMB 3.0: A protocol
 * perspective" (Microsoft Open Specifications blog, 2012-10-05), which has
 * SMB2_FLAGS_SIGNED set, signed with the signing key derived from that
 * post's session key (see crypto_kdf_test.c). No signed-message example
 * was found published; the signature was computed independently with
 * Python 3.11 and the cryptography package (48.0):
 * c = cmac.CMAC(algorithms.AES(key)); c.update(msg); c.finalize()
 */
static const u8 smb30_signing_key[] = {
	0xf7, 0x73, 0xcd, 0x23, 0xc1, 0x8f, 0xd1, 0xe0,
	0x8e, 0xe5, 0x10, 0xca, 0xda, 0x7c, 0xf8, 0x52,
};

static const u8 smb30_write[] = {
	0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x40, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x11, 0x00, 0x00, 0x14, 0x00, 0xe4, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x31, 0x00, 0x70, 0x00, 0x17, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x15, 0x01, 0x00, 0x00, 0x39, 0x00, 0x00, 0x02,
	0x01, 0x00, 0x00, 0x00, 0x39, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x53, 0x6d, 0x62, 0x33, 0x20, 0x65, 0x6e, 0x63,
	0x72, 0x79, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
};

static const u8 smb30_write_cmac[] = {
	0xa7, 0xc3, 0x97, 0x8d, 0x77, 0x32, 0x3e, 0x35,
	0x7f, 0x43, 0xb9, 0x74, 0x7b, 0x75, 0x04, 0xed,
};

/*
 * The SMB 3.1.1 WRITE request of "SMB 3.1.1 Encryption in Windows 10"
 * (Microsoft Open Specifications blog, 2015-09-09) with that session's
 * signing key. No published AES-GMAC signing example exists; the tags were
 * computed independently with Python 3.11 and cryptography 48.0 as
 * AESGCM(key).encrypt(message_id_le64 + flags_le32, b"", msg), flags being
 * 0 for this request, 1 for the same message with SMB2_FLAGS_SERVER_TO_REDIR
 * set, and 2 for the CANCEL header below.
 */
static const u8 smb311_signing_key[] = {
	0x87, 0x65, 0x94, 0x9d, 0xfe, 0xae, 0xe1, 0x05,
	0xce, 0x91, 0x18, 0xb4, 0x5b, 0xe9, 0x88, 0xf0,
};

static const u8 smb311_write[] = {
	0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x01, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x25, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x31, 0x00, 0x70, 0x00, 0x17, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x53, 0x6d, 0x62, 0x33, 0x20, 0x65, 0x6e, 0x63,
	0x72, 0x79, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
};

static const u8 smb311_write_gmac[] = {
	0x32, 0xe8, 0xc1, 0xc0, 0xd8, 0x14, 0x29, 0x8b,
	0xb0, 0x09, 0x89, 0x96, 0x49, 0x85, 0x0d, 0x92,
};

static const u8 smb311_write_server_gmac[] = {
	0x90, 0xfa, 0x98, 0x8d, 0x81, 0xb7, 0x66, 0x58,
	0x5d, 0xf7, 0xb5, 0x29, 0x20, 0xf9, 0x6e, 0x00,
};

/* The WRITE's header with Command = SMB2 CANCEL (0x000c) */
static const u8 smb311_cancel[] = {
	0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x01, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x25, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const u8 smb311_cancel_gmac[] = {
	0x9e, 0x89, 0xd7, 0xcf, 0x51, 0xb6, 0x97, 0x99,
	0x97, 0x48, 0x38, 0x6c, 0x0e, 0x23, 0xf4, 0xbe,
};

static void *dup(struct kunit *test, const void *src, size_t len)
{
	void *p = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	memcpy(p, src, len);
	return p;
}

static void sign_rfc4493_cmac(struct kunit *test)
{
	static const size_t lens[4] = { 0, 16, 40, 64 };
	struct kvec iov;
	u8 mac[16];
	int i;

	/* The CMAC the signer keys, through the shared hash helper */
	for (i = 0; i < 4; i++) {
		iov.iov_base = (void *)rfc4493_msg;
		iov.iov_len = lens[i];
		KUNIT_ASSERT_EQ(test, smb3mc_shash_kvec("cmac(aes)",
							rfc4493_key, 16, &iov,
							1, mac), 0);
		EXPECT_BYTES(test, mac, rfc4493_mac[i], 16);
	}
}

/* Sign @msg in one kvec; check the signature and that nothing else moved */
static void sign_check(struct kunit *test, u16 alg, const u8 *key,
		       const u8 *msg, size_t len, const u8 *want)
{
	struct smb3mc_signer signer;
	struct kvec iov;
	u8 *buf = dup(test, msg, len);

	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, alg, key), 0);
	/* Whatever the field holds before, it counts as zero */
	memset(buf + SIG_OFFSET, 0xa5, SMB2_SIGNATURE_SIZE);
	iov.iov_base = buf;
	iov.iov_len = len;
	KUNIT_EXPECT_EQ(test, smb3mc_sign(&signer, &iov, 1), 0);
	EXPECT_BYTES(test, buf + SIG_OFFSET, want, SMB2_SIGNATURE_SIZE);
	EXPECT_BYTES(test, buf, msg, SIG_OFFSET);
	EXPECT_BYTES(test, buf + SMB2_HDR_SIZE, msg + SMB2_HDR_SIZE,
		     len - SMB2_HDR_SIZE);
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), 0);
	smb3mc_signer_free(&signer);
}

static void sign_cmac_smb30_write(struct kunit *test)
{
	sign_check(test, SMB2_SIGNING_AES_CMAC, smb30_signing_key,
		   smb30_write, sizeof(smb30_write), smb30_write_cmac);
}

static void sign_gmac_request(struct kunit *test)
{
	sign_check(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key,
		   smb311_write, sizeof(smb311_write), smb311_write_gmac);
}

static void sign_gmac_server_to_redir(struct kunit *test)
{
	u8 *msg = dup(test, smb311_write, sizeof(smb311_write));
	struct smb2_hdr *hdr = (struct smb2_hdr *)msg;

	/* The role bit of the nonce follows the header flag */
	hdr->flags |= SMB2_FLAGS_SERVER_TO_REDIR;
	sign_check(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key, msg,
		   sizeof(smb311_write), smb311_write_server_gmac);
}

static void sign_gmac_cancel(struct kunit *test)
{
	sign_check(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key,
		   smb311_cancel, sizeof(smb311_cancel), smb311_cancel_gmac);
}

/*
 * A WRITE as the client sends it: header and fixed body in one buffer,
 * the data in a vmalloc()ed one (one page each side of a boundary).
 */
static void sign_split_kvecs(struct kunit *test, u16 alg, const u8 *key,
			     const u8 *msg, size_t len, const u8 *want)
{
	size_t split = SMB2_HDR_SIZE + 48;
	struct smb3mc_signer signer;
	struct kvec iov[2];
	u8 *data;

	data = vmalloc(2 * PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, data);
	iov[0].iov_base = dup(test, msg, split);
	iov[0].iov_len = split;
	iov[1].iov_base = data + PAGE_SIZE - 7;
	iov[1].iov_len = len - split;
	memcpy(iov[1].iov_base, msg + split, len - split);

	KUNIT_EXPECT_EQ(test, smb3mc_signer_init(&signer, alg, key), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_sign(&signer, iov, 2), 0);
	EXPECT_BYTES(test, (u8 *)iov[0].iov_base + SIG_OFFSET, want,
		     SMB2_SIGNATURE_SIZE);
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, iov, 2), 0);
	smb3mc_signer_free(&signer);
	vfree(data);
}

static void sign_cmac_split_kvecs(struct kunit *test)
{
	sign_split_kvecs(test, SMB2_SIGNING_AES_CMAC, smb30_signing_key,
			 smb30_write, sizeof(smb30_write), smb30_write_cmac);
}

static void sign_gmac_split_kvecs(struct kunit *test)
{
	sign_split_kvecs(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key,
			 smb311_write, sizeof(smb311_write),
			 smb311_write_gmac);
}

/*
 * READ and WRITE data signed where it lies: in pages (a bvec crossing a
 * page boundary of a two-page folio) and in a kernel buffer (a kvec),
 * each iterator already advanced past some other bytes. The signature is
 * the one of the whole message in one buffer, as above.
 */
static void sign_data_iters(struct kunit *test, u16 alg, const u8 *key,
			    const u8 *msg, size_t len, const u8 *want)
{
	size_t split = SMB2_HDR_SIZE + 48, dlen = len - split;
	struct smb3mc_signer signer;
	struct bio_vec bv[2];
	struct kvec iov, kv[2];
	struct iov_iter it;
	struct page *pages;
	u8 *p;

	KUNIT_ASSERT_GT(test, dlen, (size_t)7);
	pages = alloc_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	p = page_address(pages);
	memcpy(p + PAGE_SIZE - 7, msg + split, dlen);
	bvec_set_page(&bv[0], pages, 3, 0);
	bvec_set_page(&bv[1], pages, dlen, PAGE_SIZE - 7);
	iov.iov_base = dup(test, msg, split);
	iov.iov_len = split;

	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, alg, key), 0);
	iov_iter_bvec(&it, ITER_SOURCE, bv, 2, 3 + dlen);
	iov_iter_advance(&it, 3);
	KUNIT_EXPECT_EQ(test, smb3mc_sign_data(&signer, &iov, 1, &it), 0);
	EXPECT_BYTES(test, (u8 *)iov.iov_base + SIG_OFFSET, want,
		     SMB2_SIGNATURE_SIZE);
	KUNIT_EXPECT_EQ(test, smb3mc_verify_data(&signer, &iov, 1, &it), 0);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&it), dlen);

	/* The same data in a kernel buffer after five other bytes */
	kv[0].iov_base = p;
	kv[0].iov_len = 5;
	kv[1].iov_base = p + PAGE_SIZE - 7;
	kv[1].iov_len = dlen;
	memset(iov.iov_base + SIG_OFFSET, 0, SMB2_SIGNATURE_SIZE);
	iov_iter_kvec(&it, ITER_SOURCE, kv, 2, 5 + dlen);
	iov_iter_advance(&it, 5);
	KUNIT_EXPECT_EQ(test, smb3mc_sign_data(&signer, &iov, 1, &it), 0);
	EXPECT_BYTES(test, (u8 *)iov.iov_base + SIG_OFFSET, want,
		     SMB2_SIGNATURE_SIZE);

	/* One byte of the data changed; data of another kind of iterator */
	p[PAGE_SIZE + 1] ^= 0x01;
	KUNIT_EXPECT_EQ(test, smb3mc_verify_data(&signer, &iov, 1, &it),
			-EACCES);
	iov_iter_discard(&it, ITER_DEST, dlen);
	KUNIT_EXPECT_EQ(test, smb3mc_verify_data(&signer, &iov, 1, &it),
			-EINVAL);
	smb3mc_signer_free(&signer);
	__free_pages(pages, 1);
}

static void sign_cmac_data_iters(struct kunit *test)
{
	sign_data_iters(test, SMB2_SIGNING_AES_CMAC, smb30_signing_key,
			smb30_write, sizeof(smb30_write), smb30_write_cmac);
}

static void sign_gmac_data_iters(struct kunit *test)
{
	sign_data_iters(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key,
			smb311_write, sizeof(smb311_write), smb311_write_gmac);
}

/* A signed copy of @msg must fail verification once tampered with */
static void verify_rejects(struct kunit *test, u16 alg, const u8 *key,
			   const u8 *msg, size_t len, const u8 *sig)
{
	struct smb3mc_signer signer, other;
	struct kvec iov;
	u8 wrong_key[SMB3MC_SIGNING_KEY_SIZE];
	u8 *buf = dup(test, msg, len);

	memcpy(buf + SIG_OFFSET, sig, SMB2_SIGNATURE_SIZE);
	iov.iov_base = buf;
	iov.iov_len = len;
	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, alg, key), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), 0);

	/* Wrong key */
	memcpy(wrong_key, key, sizeof(wrong_key));
	wrong_key[0] ^= 1;
	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&other, alg, wrong_key), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&other, &iov, 1), -EACCES);
	smb3mc_signer_free(&other);

	/* One bit of the body, of the header, of the signature */
	buf[len - 1] ^= 0x01;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EACCES);
	buf[len - 1] ^= 0x01;
	buf[offsetof(struct smb2_hdr, message_id)] ^= 0x80;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EACCES);
	buf[offsetof(struct smb2_hdr, message_id)] ^= 0x80;
	buf[SIG_OFFSET + 15] ^= 0x10;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EACCES);
	buf[SIG_OFFSET + 15] ^= 0x10;

	/* A truncated message is longer or shorter data, not a crash */
	iov.iov_len = len - 1;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EACCES);
	iov.iov_len = SMB2_HDR_SIZE - 1;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_sign(&signer, &iov, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 0), -EINVAL);
	iov.iov_len = len;
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), 0);
	smb3mc_signer_free(&signer);
}

/*
 * An error response to READ (STATUS_END_OF_FILE, 73 bytes) signed the way
 * ksmbd signs one: over the 4-byte transport header (00 00 00 49) and the
 * message. Nothing published; computed with Python 3.11 and the
 * cryptography package as above, over struct.pack(">I", 73) + msg.
 */
static const u8 read_eof_rsp[] = {
	0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00,
	0x11, 0x00, 0x00, 0xc0, 0x08, 0x00, 0x01, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xfe, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00,
};

static const u8 read_eof_frame_cmac[] = {
	0xda, 0x82, 0x09, 0xb4, 0x9a, 0x9c, 0x94, 0xdf,
	0xfc, 0xd0, 0x6a, 0x4d, 0xcd, 0x9a, 0x74, 0x21,
};

static void verify_prefixed_read_error(struct kunit *test)
{
	__be32 frame = cpu_to_be32(sizeof(read_eof_rsp));
	__be32 other = cpu_to_be32(sizeof(read_eof_rsp) + 1);
	size_t len = sizeof(read_eof_rsp);
	struct smb3mc_signer signer;
	struct kvec iov;
	u8 *buf = dup(test, read_eof_rsp, len);

	memcpy(buf + SIG_OFFSET, read_eof_frame_cmac, SMB2_SIGNATURE_SIZE);
	iov.iov_base = buf;
	iov.iov_len = len;
	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, SMB2_SIGNING_AES_CMAC,
						 smb30_signing_key), 0);
	/* Not a signature of the message alone */
	KUNIT_EXPECT_EQ(test, smb3mc_verify(&signer, &iov, 1), -EACCES);
	KUNIT_EXPECT_EQ(test, smb3mc_verify_prefixed(&signer, &frame,
						     sizeof(frame), &iov), 0);
	/* Another transport header; one bit of the message */
	KUNIT_EXPECT_EQ(test, smb3mc_verify_prefixed(&signer, &other,
						     sizeof(other), &iov),
			-EACCES);
	buf[len - 1] ^= 0x01;
	KUNIT_EXPECT_EQ(test, smb3mc_verify_prefixed(&signer, &frame,
						     sizeof(frame), &iov),
			-EACCES);
	buf[len - 1] ^= 0x01;
	iov.iov_len = SMB2_HDR_SIZE - 1;
	KUNIT_EXPECT_EQ(test, smb3mc_verify_prefixed(&signer, &frame,
						     sizeof(frame), &iov),
			-EINVAL);
	iov.iov_len = len;
	smb3mc_signer_free(&signer);

	/* Never with AES-GMAC, which ksmbd does not sign with */
	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, SMB2_SIGNING_AES_GMAC,
						 smb311_signing_key), 0);
	KUNIT_EXPECT_EQ(test, smb3mc_verify_prefixed(&signer, &frame,
						     sizeof(frame), &iov),
			-EACCES);
	smb3mc_signer_free(&signer);
}

static void verify_cmac_rejects_tampering(struct kunit *test)
{
	verify_rejects(test, SMB2_SIGNING_AES_CMAC, smb30_signing_key,
		       smb30_write, sizeof(smb30_write), smb30_write_cmac);
}

static void verify_gmac_rejects_tampering(struct kunit *test)
{
	verify_rejects(test, SMB2_SIGNING_AES_GMAC, smb311_signing_key,
		       smb311_write, sizeof(smb311_write), smb311_write_gmac);
}

static void signer_rejects_unknown_alg(struct kunit *test)
{
	struct smb3mc_signer signer;

	/* 0 is HMAC-SHA256, SMB 2.x only: not offered by this client */
	KUNIT_EXPECT_EQ(test, smb3mc_signer_init(&signer, 0,
						 smb30_signing_key), -EINVAL);
	KUNIT_EXPECT_EQ(test, smb3mc_signer_init(&signer, 3,
						 smb30_signing_key), -EINVAL);
}

/*
 * One signer, keyed once, signs and verifies on several threads at once,
 * as the receive workers and senders of a channel use it: each thread
 * signs its own copies of a message with MessageIds of its own, and every
 * signature must be the one the signer gives alone.
 */
#define SHARED_THREADS	4
#define SHARED_MIDS	8
#define SHARED_ROUNDS	64

struct shared_sign {
	struct smb3mc_signer *signer;
	const u8 *msg;
	size_t len;
	u8 (*want)[SMB2_SIGNATURE_SIZE];
	unsigned int first_mid;
};

static void shared_sign_one(const struct smb3mc_signer *signer, u8 *buf,
			    size_t len, unsigned int mid)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	__le64 id = cpu_to_le64(mid);

	memcpy(buf + offsetof(struct smb2_hdr, message_id), &id, sizeof(id));
	smb3mc_sign(signer, &iov, 1);
}

static unsigned int shared_sign_thread(void *data)
{
	const struct shared_sign *t = data;
	unsigned int i, m, bad = 0;
	struct kvec iov;
	u8 *buf;

	buf = kmalloc(t->len, GFP_KERNEL);
	if (!buf)
		return 1;
	iov.iov_base = buf;
	iov.iov_len = t->len;
	for (i = 0; i < SHARED_ROUNDS; i++) {
		m = (t->first_mid + i) % SHARED_MIDS;
		memcpy(buf, t->msg, t->len);
		shared_sign_one(t->signer, buf, t->len, m);
		if (memcmp(buf + SIG_OFFSET, t->want[m], SMB2_SIGNATURE_SIZE) ||
		    smb3mc_verify(t->signer, &iov, 1))
			bad++;
		/* Another MessageId under the same signature: refused. */
		buf[offsetof(struct smb2_hdr, message_id)] ^= 0x80;
		if (smb3mc_verify(t->signer, &iov, 1) != -EACCES)
			bad++;
	}
	kfree(buf);
	return bad;
}

static void signer_shared_by_threads(struct kunit *test, u16 alg,
				     const u8 *key, const u8 *msg, size_t len)
{
	u8 (*want)[SMB2_SIGNATURE_SIZE];
	struct shared_sign t[SHARED_THREADS];
	struct smb3mc_signer signer;
	unsigned int i;
	u8 *buf;

	KUNIT_ASSERT_EQ(test, smb3mc_signer_init(&signer, alg, key), 0);
	want = kunit_kmalloc_array(test, SHARED_MIDS, sizeof(*want),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	buf = dup(test, msg, len);
	for (i = 0; i < SHARED_MIDS; i++) {
		memcpy(buf, msg, len);
		shared_sign_one(&signer, buf, len, i);
		memcpy(want[i], buf + SIG_OFFSET, SMB2_SIGNATURE_SIZE);
	}
	/* Each MessageId signs differently, or the test shows nothing. */
	KUNIT_EXPECT_NE(test, memcmp(want[0], want[1], SMB2_SIGNATURE_SIZE),
			0);

	for (i = 0; i < SHARED_THREADS; i++)
		t[i] = (struct shared_sign){
			.signer = &signer, .msg = msg, .len = len,
			.want = want, .first_mid = i * 3,
		};
	KUNIT_EXPECT_EQ(test, test_threads_run(shared_sign_thread, t,
					       sizeof(t[0]), SHARED_THREADS),
			0);
	smb3mc_signer_free(&signer);
}

static void signer_cmac_shared_by_threads(struct kunit *test)
{
	signer_shared_by_threads(test, SMB2_SIGNING_AES_CMAC,
				 smb30_signing_key, smb30_write,
				 sizeof(smb30_write));
}

static void signer_gmac_shared_by_threads(struct kunit *test)
{
	signer_shared_by_threads(test, SMB2_SIGNING_AES_GMAC,
				 smb311_signing_key, smb311_write,
				 sizeof(smb311_write));
}

static struct kunit_case smb3mc_crypto_sign_cases[] = {
	KUNIT_CASE(sign_rfc4493_cmac),
	KUNIT_CASE(sign_cmac_smb30_write),
	KUNIT_CASE(sign_gmac_request),
	KUNIT_CASE(sign_gmac_server_to_redir),
	KUNIT_CASE(sign_gmac_cancel),
	KUNIT_CASE(sign_cmac_split_kvecs),
	KUNIT_CASE(sign_gmac_split_kvecs),
	KUNIT_CASE(sign_cmac_data_iters),
	KUNIT_CASE(sign_gmac_data_iters),
	KUNIT_CASE(verify_cmac_rejects_tampering),
	KUNIT_CASE(verify_gmac_rejects_tampering),
	KUNIT_CASE(verify_prefixed_read_error),
	KUNIT_CASE(signer_rejects_unknown_alg),
	KUNIT_CASE(signer_cmac_shared_by_threads),
	KUNIT_CASE(signer_gmac_shared_by_threads),
	{}
};

static struct kunit_suite smb3mc_crypto_sign_suite = {
	.name = "smb3mc_crypto_sign",
	.test_cases = smb3mc_crypto_sign_cases,
};

kunit_test_suites(&smb3mc_crypto_sign_suite);
