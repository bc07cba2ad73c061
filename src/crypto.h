/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cryptography of the SMB3 client: key derivation, the pre-authentication
 * integrity hash, message signing, message encryption and the NTLMv2
 * computations. Everything here is a pure function over buffers; the
 * session and channel code owns the keys and calls in.
 *
 * Buffers handed to the signer (AES-GMAC) and to the cipher go through
 * scatterlists: they must be kmalloc()ed, page or vmalloc() memory, never
 * the static data of a module.
 */
#ifndef SMB3MC_CRYPTO_H
#define SMB3MC_CRYPTO_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/uio.h>

#include "smb2.h"

struct crypto_shash;
struct crypto_aead;
struct scatterlist;

/* Cipher identifiers, MS-SMB2 2.2.3.1.2 */
#define SMB2_ENCRYPTION_AES128_CCM	0x0001
#define SMB2_ENCRYPTION_AES128_GCM	0x0002
#define SMB2_ENCRYPTION_AES256_CCM	0x0003
#define SMB2_ENCRYPTION_AES256_GCM	0x0004

/* Signing algorithm identifiers, MS-SMB2 2.2.3.1.7 */
#define SMB2_SIGNING_AES_CMAC		0x0001
#define SMB2_SIGNING_AES_GMAC		0x0002

#define SMB3MC_SIGNING_KEY_SIZE		16
#define SMB3MC_MAX_CIPHER_KEY_SIZE	32
#define SMB3MC_PREAUTH_HASH_SIZE	64	/* SHA-512 */
#define SMB3MC_CCM_NONCE_SIZE		11	/* MS-SMB2 2.2.41 */
#define SMB3MC_GCM_NONCE_SIZE		12
#define SMB3MC_NONCE_FIELD_SIZE		16
#define SMB3MC_NTLM_KEY_SIZE		16
#define SMB3MC_NTLM_CHALLENGE_SIZE	8

/* The 52-byte transform header minus ProtocolId and Signature: the AAD */
#define SMB3MC_TRANSFORM_AAD_SIZE	32

/*
 * SP800-108 counter-mode KDF with HMAC-SHA256 as the PRF, r = 32
 * (MS-SMB2 3.1.4.2). @label and @context are used as given, so they carry
 * their terminating NUL when the spec says so. @out_len is 16 or 32 and is
 * also the "L" input (in bits).
 */
int smb3mc_kdf(const u8 *ki, size_t ki_len, const u8 *label, size_t label_len,
	       const u8 *context, size_t context_len, u8 *out, size_t out_len);

/* The keys of one session (MS-SMB2 3.2.5.3.1) */
struct smb3mc_session_keys {
	u8 signing[SMB3MC_SIGNING_KEY_SIZE];
	u8 encryption[SMB3MC_MAX_CIPHER_KEY_SIZE];	/* client to server */
	u8 decryption[SMB3MC_MAX_CIPHER_KEY_SIZE];	/* server to client */
	unsigned int cipher_key_len;			/* 16 or 32 */
};

/*
 * Derive the signing, encryption and decryption keys of a session.
 * @session_key is the full key the authentication produced (for Kerberos
 * with AES-256 it has 32 bytes); @preauth_hash is the session's final
 * pre-authentication hash and is ignored below dialect 3.1.1; @cipher is an
 * SMB2_ENCRYPTION_* identifier (AES-128-CCM for 3.0 and 3.0.2).
 * Returns 0, or -EINVAL for an unknown dialect or cipher.
 */
int smb3mc_derive_keys(u16 dialect, const u8 *session_key,
		       size_t session_key_len, const u8 *preauth_hash,
		       u16 cipher, struct smb3mc_session_keys *keys);

/*
 * Derive only a signing key: what a channel bound to an existing session
 * needs, from the channel's own preauth hash (MS-SMB2 3.2.5.3.1,
 * 3.3.5.5.3).
 */
int smb3mc_derive_signing_key(u16 dialect, const u8 *session_key,
			      size_t session_key_len, const u8 *preauth_hash,
			      u8 key[SMB3MC_SIGNING_KEY_SIZE]);

/*
 * The pre-authentication integrity hash, MS-SMB2 3.2.5.2 and 3.3.5.4:
 * hash = SHA-512(hash || message). @hash starts as 64 zero bytes; the
 * message starts at the SMB2 header (no RFC1002 length) and may be split
 * over @nvec kvecs.
 */
int smb3mc_preauth_update(u8 hash[SMB3MC_PREAUTH_HASH_SIZE],
			  const struct kvec *iov, unsigned int nvec);

/*
 * Message signing, MS-SMB2 3.1.4.1. One signer per channel, set up once
 * with the channel's signing key; sign and verify may then run at the same
 * time on several threads, since they keep their state on the stack or in
 * per-call allocations.
 */
struct smb3mc_signer {
	u16 alg;			/* SMB2_SIGNING_* */
	struct crypto_shash *cmac;	/* AES-CMAC */
	struct crypto_aead *gmac;	/* AES-GMAC: gcm(aes) over AAD only */
};

int smb3mc_signer_init(struct smb3mc_signer *signer, u16 alg,
		       const u8 key[SMB3MC_SIGNING_KEY_SIZE]);
void smb3mc_signer_free(struct smb3mc_signer *signer);

/*
 * Sign one message (of a compound: one of its members) given as @nvec
 * kvecs, the first starting with the 64-byte SMB2 header. The signature is
 * computed as if the Signature field were zero and written into it. The
 * caller sets SMB2_FLAGS_SIGNED (and every other header field) before.
 * Returns 0, -EINVAL if the first kvec is shorter than the header, or an
 * error of the crypto layer.
 */
int smb3mc_sign(const struct smb3mc_signer *signer, struct kvec *iov,
		unsigned int nvec);

/*
 * Verify a received message laid out as for smb3mc_sign(). The message is
 * not modified. Returns 0, -EACCES if the signature does not match, or
 * -EINVAL if the first kvec is shorter than the header.
 */
int smb3mc_verify(const struct smb3mc_signer *signer, const struct kvec *iov,
		  unsigned int nvec);

/*
 * As smb3mc_sign() and smb3mc_verify() for a message whose data follows
 * the kvecs in @data, a kvec or bvec iterator (left unchanged): the data
 * of a READ or WRITE is signed where it lies, in the page cache or a
 * caller's buffer. Other kinds of iterator give -EINVAL.
 */
int smb3mc_sign_data(const struct smb3mc_signer *signer, struct kvec *iov,
		     unsigned int nvec, const struct iov_iter *data);
int smb3mc_verify_data(const struct smb3mc_signer *signer,
		       const struct kvec *iov, unsigned int nvec,
		       const struct iov_iter *data);

/*
 * As smb3mc_verify() for a message in one kvec whose signature also
 * covers @prefix (@prefix_len bytes) in front of it: how ksmbd signs an
 * error response to READ (chan_recv.c). AES-CMAC only, the one algorithm
 * ksmbd signs with: -EACCES for another.
 */
int smb3mc_verify_prefixed(const struct smb3mc_signer *signer,
			   const void *prefix, size_t prefix_len,
			   const struct kvec *iov);

/*
 * Message encryption, MS-SMB2 3.1.4.3 and 3.2.5.1.1.1. One cipher object
 * per key and direction; like the signer it is set up once and then used
 * concurrently.
 */
struct smb3mc_cipher {
	u16 cipher;			/* SMB2_ENCRYPTION_* */
	struct crypto_aead *aead;
};

int smb3mc_cipher_init(struct smb3mc_cipher *c, u16 cipher, const u8 *key);
void smb3mc_cipher_free(struct smb3mc_cipher *c);

/* "AES-128-GCM" and so on for an SMB2_ENCRYPTION_* value, for messages */
const char *smb3mc_cipher_name(u16 cipher);

/* Nonce bytes the cipher uses: 11 for CCM, 12 for GCM */
unsigned int smb3mc_cipher_nonce_size(const struct smb3mc_cipher *c);

/*
 * Encrypt the message in @iov (one or more SMB2 messages, starting at the
 * first SMB2 header) into @out: the 52-byte transform header followed by
 * the ciphertext, @out_len bytes in all (at least 52 + the message size).
 * @nonce is the transform header's 16-byte Nonce field: the cipher's
 * nonce (smb3mc_cipher_nonce_size() bytes, never repeated under the same
 * key) then reserved bytes the caller should zero (MS-SMB2 2.2.41); all
 * 16 are authenticated. @iov is left untouched, so it may point into the
 * page cache. Returns the number of bytes written to @out, or a negative
 * error.
 */
ssize_t smb3mc_encrypt(const struct smb3mc_cipher *c,
		       const u8 nonce[SMB3MC_NONCE_FIELD_SIZE],
		       u64 session_id, const struct kvec *iov,
		       unsigned int nvec, void *out, size_t out_len);

/*
 * Decrypt a received transform message in place. @iov[0] starts with the
 * transform header; the ciphertext follows it in @iov[0] and continues in
 * the other kvecs. On success the plaintext SMB2 message,
 * OriginalMessageSize bytes, replaces the ciphertext and its size is
 * returned; bytes after it are left alone. Errors: -EINVAL for a malformed
 * or truncated transform message, -EACCES if the authentication tag does
 * not match (the buffer then holds garbage and must be dropped).
 */
ssize_t smb3mc_decrypt(const struct smb3mc_cipher *c, struct kvec *iov,
		       unsigned int nvec);

/*
 * As smb3mc_encrypt() for a message whose data follows the kvecs in @data,
 * a kvec or bvec iterator (left unchanged), as for smb3mc_sign_data(): the
 * data of a WRITE is encrypted from where it lies into @out.
 */
ssize_t smb3mc_encrypt_data(const struct smb3mc_cipher *c,
			    const u8 nonce[SMB3MC_NONCE_FIELD_SIZE],
			    u64 session_id, const struct kvec *iov,
			    unsigned int nvec, const struct iov_iter *data,
			    void *out, size_t out_len);

/*
 * Check a received transform message before it is decrypted, MS-SMB2
 * 3.2.5.1.1.1 and 2.2.41: @th holds its first min(@len, 52) bytes, @len is
 * the whole message. It must be longer than the transform header, start
 * with 0xFD 'S' 'M' 'B', have Flags 0x0001 (EncryptionAlgorithm before
 * 3.1.1, the same value), belong to session @session_id, and its
 * OriginalMessageSize must hold an SMB2 header and fit in what follows the
 * transform header. Returns 0, or -EIO with *@why naming the fault.
 */
int smb3mc_transform_check(const void *th, size_t len, u64 session_id,
			   const char **why);

/*
 * The encryption of one session: Session.EncryptionKey and DecryptionKey
 * (MS-SMB2 3.2.1.3) each keyed into a cipher once, shared by every channel
 * of the session (a bound channel keeps the session's keys, 3.2.5.3.1 and
 * 3.3.5.5.3), and the nonces used under the encryption key (3.1.4.3).
 */
struct smb3mc_seal {
	struct smb3mc_cipher enc;	/* client to server */
	struct smb3mc_cipher dec;	/* server to client */
	atomic64_t nonces;		/* how many were handed out */
	u64 session_id;
};

/* Key both ciphers of @seal for @cipher from @keys; 0 or an errno. */
int smb3mc_seal_init(struct smb3mc_seal *seal, u16 cipher,
		     const struct smb3mc_session_keys *keys, u64 session_id);
void smb3mc_seal_free(struct smb3mc_seal *seal);

/*
 * The transform header's Nonce field for the next message @seal encrypts:
 * a counter, so that no two messages of the session share a nonce
 * (MS-SMB2 3.1.4.3), little-endian in the first 8 bytes (AES-CCM uses 11,
 * AES-GCM 12), the rest zero. Returns 0, or -EOVERFLOW once 2^63 - 1 were
 * handed out: from then on the session can send nothing encrypted rather
 * than repeat a nonce.
 */
int smb3mc_seal_nonce(struct smb3mc_seal *seal,
		      u8 nonce[SMB3MC_NONCE_FIELD_SIZE]);

/* MD4, RFC 1320: NTOWFv1 needs it and recent kernels no longer offer it */
void smb3mc_md4(const u8 *data, size_t len, u8 digest[16]);

/*
 * RC4 over @len bytes with a fresh key schedule from @key; @in and @out may
 * be the same buffer. Only used for the NTLM key exchange.
 */
void smb3mc_arc4(const u8 *key, size_t key_len, const u8 *in, u8 *out,
		 size_t len);

/*
 * NTOWFv2, MS-NLMP 3.3.2: HMAC_MD5(MD4(UTF-16LE(password)),
 * UTF-16LE(Uppercase(user) || domain)). The strings are UTF-8; @domain may
 * be NULL for an empty domain. Only the ASCII letters of @user are upper
 * cased: the kernel has no table of Unicode case mappings, so a user name
 * with lower-case non-ASCII letters must be given in upper case.
 * Returns 0, -EINVAL for invalid UTF-8, or -ENOMEM.
 */
int smb3mc_ntowfv2(const char *password, const char *user, const char *domain,
		   u8 key[SMB3MC_NTLM_KEY_SIZE]);

/*
 * NTProofStr = HMAC_MD5(NTOWFv2, ServerChallenge || temp), MS-NLMP 3.3.2.
 * @blob is temp, the NTLMv2_CLIENT_CHALLENGE the caller built; the
 * NtChallengeResponse is NTProofStr followed by it.
 */
int smb3mc_ntlmv2_proof(const u8 ntowfv2[SMB3MC_NTLM_KEY_SIZE],
			const u8 server_challenge[SMB3MC_NTLM_CHALLENGE_SIZE],
			const u8 *blob, size_t blob_len,
			u8 proof[SMB3MC_NTLM_KEY_SIZE]);

/* SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr), MS-NLMP 3.3.2 */
int smb3mc_ntlmv2_session_base_key(const u8 ntowfv2[SMB3MC_NTLM_KEY_SIZE],
				   const u8 proof[SMB3MC_NTLM_KEY_SIZE],
				   u8 key[SMB3MC_NTLM_KEY_SIZE]);

/*
 * EncryptedRandomSessionKey = RC4(KeyExchangeKey, ExportedSessionKey),
 * MS-NLMP 3.1.5.1.2; with NTLMv2 the KeyExchangeKey is the SessionBaseKey.
 */
void smb3mc_ntlm_encrypt_session_key(const u8 kxkey[SMB3MC_NTLM_KEY_SIZE],
				     const u8 exported[SMB3MC_NTLM_KEY_SIZE],
				     u8 out[SMB3MC_NTLM_KEY_SIZE]);

/*
 * MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE_MESSAGE ||
 * CHALLENGE_MESSAGE || AUTHENTICATE_MESSAGE), MS-NLMP 3.1.5.1.2. @msgs
 * holds the three messages in that order, the AUTHENTICATE_MESSAGE with
 * its MIC field zeroed.
 */
int smb3mc_ntlm_mic(const u8 exported[SMB3MC_NTLM_KEY_SIZE],
		    const struct kvec *msgs, unsigned int nmsgs,
		    u8 mic[SMB3MC_NTLM_KEY_SIZE]);

/* Helpers shared by the crypto_*.c files, not meant for other callers. */

/* Keyed hash @alg (an hmac() or cmac()) of the concatenated kvecs */
int smb3mc_shash_kvec(const char *alg, const u8 *key, size_t key_len,
		      const struct kvec *iov, unsigned int nvec, u8 *out);

/* Scatterlist entries smb3mc_sg_set() needs for @len bytes at @buf */
unsigned int smb3mc_sg_count(const void *buf, size_t len);

/*
 * Describe @len bytes at @buf in @sg, starting at entry @i; returns the
 * next free entry, or -EINVAL for memory a scatterlist cannot reach.
 */
int smb3mc_sg_set(struct scatterlist *sg, int i, const void *buf, size_t len);

/*
 * Call @fn for each piece of @it's data that lies in one page, in order;
 * stops at the first nonzero return and passes it on. Only kvec and bvec
 * iterators are walked; others give -EINVAL.
 */
typedef int (*smb3mc_page_fn)(void *priv, struct page *page, size_t off,
			      size_t len);
int smb3mc_iter_pages(const struct iov_iter *it, smb3mc_page_fn fn,
		      void *priv);

#endif /* SMB3MC_CRYPTO_H */
