// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 NEGOTIATE request and response, MS-SMB2 2.2.3 and 2.2.4, with the
 * SMB 3.1.1 negotiate contexts of 2.2.3.1 and 2.2.4.1.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "pdu_hdr.h"
#include "pdu_session.h"
#include "nterr.h"
#include "unicode.h"

static bool smb3mc_dialect_ok(u16 dialect)
{
	return dialect == SMB30_DIALECT || dialect == SMB302_DIALECT ||
	       dialect == SMB311_DIALECT;
}

/*
 * Start a negotiate context at the next 8-byte boundary (MS-SMB2 2.2.3.1:
 * every context but the first follows 8-byte padding) with @dlen bytes of
 * data, zeroing the padding and the context. Returns its data or NULL if
 * it does not fit in @size.
 */
static void *smb3mc_neg_ctx_add(u8 *buf, size_t size, size_t *pos, u16 type,
				size_t dlen)
{
	size_t off = ALIGN(*pos, 8);
	struct smb2_neg_context *ctx;

	if (!smb3mc_range_ok(size, off, sizeof(*ctx) + dlen))
		return NULL;
	memset(buf + *pos, 0, off - *pos + sizeof(*ctx) + dlen);
	ctx = (struct smb2_neg_context *)(buf + off);
	ctx->context_type = cpu_to_le16(type);
	ctx->data_length = cpu_to_le16(dlen);
	*pos = off + sizeof(*ctx) + dlen;
	return ctx + 1;
}

/* Fill a context's algorithm list: Count (2 bytes) then the IDs. */
static void smb3mc_put_alg_list(__le16 *p, const u16 *algs, unsigned int n)
{
	unsigned int i;

	p[0] = cpu_to_le16(n);
	for (i = 0; i < n; i++)
		p[1 + i] = cpu_to_le16(algs[i]);
}

/* The SMB 3.1.1 NegotiateContextList; returns the count or -ENOSPC. */
static int smb3mc_build_neg_contexts(u8 *buf, size_t size, size_t *pos,
				     const struct smb3mc_negotiate_args *args)
{
	struct smb2_neg_context *ctx;
	__le16 *p;
	int count = 0;
	int n;

	/*
	 * 2.2.3.1.1: one hash algorithm (SHA-512, the only one defined) and
	 * the salt.
	 */
	p = smb3mc_neg_ctx_add(buf, size, pos,
			       SMB2_PREAUTH_INTEGRITY_CAPABILITIES,
			       4 + 2 + SMB311_SALT_SIZE);
	if (!p)
		return -ENOSPC;
	p[0] = cpu_to_le16(1);
	p[1] = cpu_to_le16(SMB311_SALT_SIZE);
	p[2] = cpu_to_le16(SMB2_PREAUTH_INTEGRITY_SHA512);
	memcpy(&p[3], args->salt, SMB311_SALT_SIZE);
	count++;

	/* 2.2.3.1.2: ciphers in the client's order of preference. */
	if (args->cipher_count) {
		p = smb3mc_neg_ctx_add(buf, size, pos,
				       SMB2_ENCRYPTION_CAPABILITIES,
				       2 + 2 * args->cipher_count);
		if (!p)
			return -ENOSPC;
		smb3mc_put_alg_list(p, args->ciphers, args->cipher_count);
		count++;
	}

	/* 2.2.3.1.7: signing algorithms, likewise in preference order. */
	if (args->signing_alg_count) {
		p = smb3mc_neg_ctx_add(buf, size, pos,
				       SMB2_SIGNING_CAPABILITIES,
				       2 + 2 * args->signing_alg_count);
		if (!p)
			return -ENOSPC;
		smb3mc_put_alg_list(p, args->signing_algs,
				    args->signing_alg_count);
		count++;
	}

	/*
	 * 2.2.3.1.4: the server name the client connects to, UTF-16LE with
	 * no terminator. Its length is known only after conversion.
	 */
	if (args->netname) {
		p = smb3mc_neg_ctx_add(buf, size, pos,
				       SMB2_NETNAME_NEGOTIATE_CONTEXT_ID, 0);
		if (!p)
			return -ENOSPC;
		n = smb3mc_utf8_to_utf16le(args->netname, p,
					   min_t(size_t, size - *pos, U16_MAX));
		if (n < 0)
			return n;
		if (!n)
			return -EINVAL;
		ctx = (struct smb2_neg_context *)p - 1;
		ctx->data_length = cpu_to_le16(n);
		*pos += n;
		count++;
	}
	return count;
}

int smb3mc_build_negotiate(void *buf, size_t size,
			   const struct smb3mc_negotiate_args *args)
{
	struct smb2_negotiate_req *req = buf + SMB2_HDR_SIZE;
	bool smb311 = false;
	unsigned int i;
	size_t pos;
	int count;

	if (!args->dialect_count || args->dialect_count > SMB3MC_MAX_DIALECTS ||
	    args->cipher_count > SMB3MC_MAX_CIPHERS ||
	    args->signing_alg_count > SMB3MC_MAX_SIGNING_ALGS)
		return -EINVAL;
	for (i = 0; i < args->dialect_count; i++) {
		if (!smb3mc_dialect_ok(args->dialects[i]))
			return -EINVAL;
		if (args->dialects[i] == SMB311_DIALECT)
			smb311 = true;
	}
	for (i = 0; i < args->cipher_count; i++)
		if (args->ciphers[i] < SMB2_ENCRYPTION_AES128_CCM ||
		    args->ciphers[i] > SMB2_ENCRYPTION_AES256_GCM)
			return -EINVAL;
	for (i = 0; i < args->signing_alg_count; i++)
		if (args->signing_algs[i] > SMB2_SIGNING_AES_GMAC)
			return -EINVAL;

	pos = SMB2_HDR_SIZE + sizeof(*req) + 2 * args->dialect_count;
	if (pos > size)
		return -ENOSPC;
	memset(buf, 0, pos);
	smb3mc_hdr_init(buf, SMB2_NEGOTIATE);
	req->structure_size = cpu_to_le16(36);
	req->dialect_count = cpu_to_le16(args->dialect_count);
	req->security_mode = cpu_to_le16(args->security_mode);
	req->capabilities = cpu_to_le32(args->capabilities);
	memcpy(req->client_guid, args->client_guid, sizeof(req->client_guid));
	for (i = 0; i < args->dialect_count; i++)
		((__le16 *)(req + 1))[i] = cpu_to_le16(args->dialects[i]);

	/*
	 * Without 3.1.1 the context fields are ClientStartTime, which
	 * MUST be zero (2.2.3); with it the list starts 8-byte aligned.
	 */
	if (!smb311)
		return pos;
	req->negotiate_context_offset = cpu_to_le32(ALIGN(pos, 8));
	count = smb3mc_build_neg_contexts(buf, size, &pos, args);
	if (count < 0)
		return count;
	req->negotiate_context_count = cpu_to_le16(count);
	return pos;
}

void smb3mc_negotiate_offer_ciphers(struct smb3mc_negotiate_args *args,
				    bool gcm256_only)
{
	static const u16 all[] = {
		SMB2_ENCRYPTION_AES128_GCM, SMB2_ENCRYPTION_AES256_GCM,
		SMB2_ENCRYPTION_AES128_CCM, SMB2_ENCRYPTION_AES256_CCM,
	};

	static_assert(ARRAY_SIZE(all) <= SMB3MC_MAX_CIPHERS);
	args->capabilities |= SMB2_GLOBAL_CAP_ENCRYPTION;
	if (gcm256_only) {
		args->ciphers[0] = SMB2_ENCRYPTION_AES256_GCM;
		args->cipher_count = 1;
		return;
	}
	memcpy(args->ciphers, all, sizeof(all));
	args->cipher_count = ARRAY_SIZE(all);
}

/* 2.2.4.1.1: exactly one hash algorithm, SHA-512, the only one offered. */
static int smb3mc_parse_preauth_ctx(const __le16 *p, u16 dlen,
				    struct smb3mc_negotiate_info *info)
{
	u16 nalgs, salt_len;

	if (dlen < 6)
		return -EIO;
	nalgs = le16_to_cpu(p[0]);
	salt_len = le16_to_cpu(p[1]);
	if (nalgs != 1 || 4 + 2 + salt_len > dlen)
		return -EIO;
	if (le16_to_cpu(p[2]) != SMB2_PREAUTH_INTEGRITY_SHA512)
		return -EIO;
	info->preauth_hash_alg = SMB2_PREAUTH_INTEGRITY_SHA512;
	return 0;
}

/*
 * 2.2.4.1.2 / 2.2.4.1.7: the server picks exactly one algorithm.
 * Returns it, or -EIO.
 */
static int smb3mc_parse_one_alg(const __le16 *p, u16 dlen, u16 max)
{
	u16 alg;

	if (dlen < 4 || le16_to_cpu(p[0]) != 1)
		return -EIO;
	alg = le16_to_cpu(p[1]);
	return alg > max ? -EIO : alg;
}

static int smb3mc_parse_neg_contexts(const u8 *buf, size_t len, u32 off,
				     u16 count,
				     struct smb3mc_negotiate_info *info)
{
	bool seen_preauth = false, seen_cipher = false, seen_sign = false;
	u16 i;
	int rc;

	/* 3.2.5.2: a 3.1.1 response carries at least the preauth context. */
	if (!count || !IS_ALIGNED(off, 8) ||
	    off < SMB2_HDR_SIZE + sizeof(struct smb2_negotiate_rsp))
		return -EIO;

	for (i = 0; i < count; i++) {
		const struct smb2_neg_context *ctx;
		const __le16 *data;
		u16 dlen;

		off = ALIGN(off, 8);
		if (!smb3mc_range_ok(len, off, sizeof(*ctx)))
			return -EIO;
		ctx = (const struct smb2_neg_context *)(buf + off);
		dlen = le16_to_cpu(ctx->data_length);
		off += sizeof(*ctx);
		if (!smb3mc_range_ok(len, off, dlen))
			return -EIO;
		data = (const __le16 *)(buf + off);
		off += dlen;

		switch (le16_to_cpu(ctx->context_type)) {
		case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
			if (seen_preauth ||
			    smb3mc_parse_preauth_ctx(data, dlen, info))
				return -EIO;
			seen_preauth = true;
			break;
		case SMB2_ENCRYPTION_CAPABILITIES:
			/* Cipher 0: no common cipher, no encryption. */
			rc = smb3mc_parse_one_alg(data, dlen,
						  SMB2_ENCRYPTION_AES256_GCM);
			if (seen_cipher || rc < 0)
				return -EIO;
			info->cipher = rc;
			info->cipher_ctx = true;
			seen_cipher = true;
			break;
		case SMB2_SIGNING_CAPABILITIES:
			rc = smb3mc_parse_one_alg(data, dlen,
						  SMB2_SIGNING_AES_GMAC);
			if (seen_sign || rc < 0)
				return -EIO;
			info->signing_alg = rc;
			info->signing_ctx = true;
			seen_sign = true;
			break;
		default:
			/* 3.2.5.2: contexts we did not ask for are ignored. */
			break;
		}
	}
	return seen_preauth ? 0 : -EIO;
}

int smb3mc_parse_negotiate_rsp(const void *buf, size_t len,
			       struct smb3mc_negotiate_info *info)
{
	const struct smb2_negotiate_rsp *rsp = buf + SMB2_HDR_SIZE;
	const struct smb2_hdr *hdr = buf;
	u16 blob_off, blob_len;

	if (smb3mc_rsp_check(buf, len, SMB2_NEGOTIATE, 65) ||
	    hdr->status != STATUS_SUCCESS)
		return -EIO;

	memset(info, 0, sizeof(*info));
	info->dialect = le16_to_cpu(rsp->dialect_revision);
	/* We never offer anything else, so the server may not pick it. */
	if (!smb3mc_dialect_ok(info->dialect))
		return -EIO;
	info->security_mode = le16_to_cpu(rsp->security_mode);
	info->capabilities = le32_to_cpu(rsp->capabilities);
	memcpy(info->server_guid, rsp->server_guid, sizeof(info->server_guid));
	info->max_transact_size = le32_to_cpu(rsp->max_transact_size);
	info->max_read_size = le32_to_cpu(rsp->max_read_size);
	info->max_write_size = le32_to_cpu(rsp->max_write_size);
	info->system_time = le64_to_cpu(rsp->system_time);

	/* The GSS token, if any, lies after the fixed part of the body. */
	blob_off = le16_to_cpu(rsp->security_buffer_offset);
	blob_len = le16_to_cpu(rsp->security_buffer_length);
	if (blob_len) {
		if (blob_off < SMB2_HDR_SIZE + sizeof(*rsp) ||
		    !smb3mc_range_ok(len, blob_off, blob_len))
			return -EIO;
		info->sec_blob = buf + blob_off;
		info->sec_blob_len = blob_len;
	}

	/*
	 * Before 3.1.1 the algorithms are fixed (MS-SMB2 3.1.4.1, 3.1.4.3):
	 * AES-CMAC signing and AES-128-CCM when encryption is supported.
	 * With 3.1.1 an absent signing context also means AES-CMAC.
	 */
	info->signing_alg = SMB2_SIGNING_AES_CMAC;
	if (info->dialect != SMB311_DIALECT) {
		if (info->capabilities & SMB2_GLOBAL_CAP_ENCRYPTION)
			info->cipher = SMB2_ENCRYPTION_AES128_CCM;
		return 0;
	}
	return smb3mc_parse_neg_contexts(buf, len,
					 le32_to_cpu(rsp->negotiate_context_offset),
					 le16_to_cpu(rsp->negotiate_context_count),
					 info);
}

static bool smb3mc_offered(u16 v, const u16 *offers, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (offers[i] == v)
			return true;
	return false;
}

int smb3mc_negotiate_check_offered(const struct smb3mc_negotiate_args *args,
				   const struct smb3mc_negotiate_info *info,
				   const char **what, u16 *value)
{
	if (!smb3mc_offered(info->dialect, args->dialects,
			    args->dialect_count)) {
		*what = "dialect";
		*value = info->dialect;
		return -EPROTO;
	}
	/* 3.3.5.4: only a client that asked gets AES-128-CCM before 3.1.1. */
	if (info->dialect != SMB311_DIALECT) {
		if (info->cipher &&
		    !(args->capabilities & SMB2_GLOBAL_CAP_ENCRYPTION)) {
			*what = "cipher";
			*value = info->cipher;
			return -EPROTO;
		}
		return 0;
	}
	if (info->signing_ctx &&
	    !smb3mc_offered(info->signing_alg, args->signing_algs,
			    args->signing_alg_count)) {
		*what = "signing algorithm";
		*value = info->signing_alg;
		return -EPROTO;
	}
	if (info->cipher_ctx && info->cipher &&
	    !smb3mc_offered(info->cipher, args->ciphers, args->cipher_count)) {
		*what = "cipher";
		*value = info->cipher;
		return -EPROTO;
	}
	return 0;
}
