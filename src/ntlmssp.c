// SPDX-License-Identifier: GPL-2.0
/*
 * NTLMSSP messages, MS-NLMP 2.2.1, and the NTLMv2 client challenge,
 * MS-NLMP 2.2.2.7 and 3.3.2. Encoding only: see ntlmssp.h.
 */

#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/version.h>
#include "ntlmssp.h"
#include "pdu_hdr.h"
#include "unicode.h"

/* VERSION, MS-NLMP 2.2.2.10: the product fields are informational only. */
static void smb3mc_ntlmssp_put_version(struct ntlmssp_version *v)
{
	memset(v, 0, sizeof(*v));
	v->product_major_version = LINUX_VERSION_MAJOR;
	v->product_minor_version = LINUX_VERSION_PATCHLEVEL;
	v->product_build = cpu_to_le16(LINUX_VERSION_SUBLEVEL);
	v->ntlm_revision_current = NTLMSSP_REVISION_W2K3;
}

static void smb3mc_ntlmssp_set_field(struct ntlmssp_field *f, size_t off,
				     size_t len)
{
	f->len = cpu_to_le16(len);
	f->max_len = cpu_to_le16(len);
	f->buffer_offset = cpu_to_le32(off);
}

int smb3mc_ntlmssp_build_negotiate(void *buf, size_t size, u32 flags)
{
	struct ntlmssp_negotiate_msg *msg = buf;
	size_t len = sizeof(*msg);

	/* Without NTLMSSP_NEGOTIATE_VERSION the message ends before it. */
	if (!(flags & NTLMSSP_NEGOTIATE_VERSION))
		len = offsetof(struct ntlmssp_negotiate_msg, version);
	if (size < len)
		return -ENOSPC;
	memset(buf, 0, len);
	memcpy(msg->signature, NTLMSSP_SIGNATURE, NTLMSSP_SIGNATURE_SIZE);
	msg->message_type = cpu_to_le32(NTLMSSP_NEGOTIATE_MESSAGE);
	msg->negotiate_flags = cpu_to_le32(flags);
	/* No domain or workstation: empty fields pointing at the payload. */
	smb3mc_ntlmssp_set_field(&msg->domain_name, len, 0);
	smb3mc_ntlmssp_set_field(&msg->workstation, len, 0);
	if (flags & NTLMSSP_NEGOTIATE_VERSION)
		smb3mc_ntlmssp_put_version(&msg->version);
	return len;
}

/*
 * Resolve a CHALLENGE_MESSAGE field: an empty one is NULL, a non-empty one
 * must lie in the payload, after the fixed part.
 */
static int smb3mc_ntlmssp_get_field(const u8 *buf, size_t len,
				    const struct ntlmssp_field *f,
				    const u8 **p, u16 *flen)
{
	u16 n = le16_to_cpu(f->len);
	u32 off = le32_to_cpu(f->buffer_offset);

	*p = NULL;
	*flen = 0;
	if (!n)
		return 0;
	if (off < sizeof(struct ntlmssp_challenge_msg) ||
	    !smb3mc_range_ok(len, off, n))
		return -EIO;
	*p = buf + off;
	*flen = n;
	return 0;
}

/*
 * Walk the AV_PAIR list (MS-NLMP 2.2.2.1): every pair inside the field,
 * fixed sizes for the pairs we read, and a zero-length MsvAvEOL at the
 * end. Trims target_info_len to end at the EOL.
 */
static int smb3mc_ntlmssp_walk_av(struct smb3mc_ntlmssp_challenge *chal)
{
	const u8 *p = chal->target_info;
	u16 len = chal->target_info_len;
	u32 off = 0;

	while (smb3mc_range_ok(len, off, sizeof(struct ntlmssp_av_pair))) {
		const struct ntlmssp_av_pair *av = (const void *)(p + off);
		u16 id = le16_to_cpu(av->av_id);
		u16 alen = le16_to_cpu(av->av_len);
		__le64 ts;

		off += sizeof(*av);
		if (!smb3mc_range_ok(len, off, alen))
			return -EIO;
		switch (id) {
		case MSV_AV_EOL:
			if (alen)
				return -EIO;
			chal->target_info_len = off;
			return 0;
		case MSV_AV_TIMESTAMP:
			if (alen != sizeof(ts))
				return -EIO;
			memcpy(&ts, p + off, sizeof(ts));
			chal->timestamp = le64_to_cpu(ts);
			chal->has_timestamp = true;
			break;
		case MSV_AV_FLAGS:
			if (alen != sizeof(__le32))
				return -EIO;
			break;
		}
		off += alen;
	}
	return -EIO;
}

int smb3mc_ntlmssp_parse_challenge(const void *buf, size_t len,
				   struct smb3mc_ntlmssp_challenge *chal)
{
	const struct ntlmssp_challenge_msg *msg = buf;

	if (len < sizeof(*msg))
		return -EIO;
	if (memcmp(msg->signature, NTLMSSP_SIGNATURE, NTLMSSP_SIGNATURE_SIZE) ||
	    msg->message_type != cpu_to_le32(NTLMSSP_CHALLENGE_MESSAGE))
		return -EIO;

	memset(chal, 0, sizeof(*chal));
	chal->flags = le32_to_cpu(msg->negotiate_flags);
	memcpy(chal->server_challenge, msg->server_challenge,
	       sizeof(chal->server_challenge));
	if (smb3mc_ntlmssp_get_field(buf, len, &msg->target_name,
				     &chal->target_name,
				     &chal->target_name_len) ||
	    smb3mc_ntlmssp_get_field(buf, len, &msg->target_info,
				     &chal->target_info,
				     &chal->target_info_len))
		return -EIO;
	/* NTLMv2 is computed over the server's AV pairs (MS-NLMP 3.3.2). */
	if (!chal->target_info)
		return -EIO;
	return smb3mc_ntlmssp_walk_av(chal);
}

int smb3mc_ntlmv2_build_blob(void *buf, size_t size,
			     const struct smb3mc_ntlmssp_challenge *chal,
			     u64 time, const u8 client_challenge[8])
{
	struct ntlmv2_client_challenge *cc = buf;
	const u8 *p = chal->target_info;
	bool have_flags = false;
	size_t pos, total;
	u32 off;

	/* Does an MsvAvFlags pair exist to take the MIC bit? */
	for (off = 0; off + sizeof(struct ntlmssp_av_pair) <=
		      chal->target_info_len;) {
		const struct ntlmssp_av_pair *av = (const void *)(p + off);

		if (av->av_id == cpu_to_le16(MSV_AV_FLAGS))
			have_flags = true;
		off += sizeof(*av) + le16_to_cpu(av->av_len);
	}

	/*
	 * Fixed part, the AV pairs (their EOL included), a new MsvAvFlags
	 * when needed, and the trailing Z(4) of "temp" (MS-NLMP 3.3.2).
	 */
	total = sizeof(*cc) + chal->target_info_len + sizeof(__le32);
	if (chal->has_timestamp && !have_flags)
		total += sizeof(struct ntlmssp_av_pair) + sizeof(__le32);
	if (size < total)
		return -ENOSPC;

	memset(buf, 0, total);
	cc->resp_type = 1;
	cc->hi_resp_type = 1;
	/* MS-NLMP 3.1.5.2.1: the server's time when it sent one. */
	cc->timestamp = cpu_to_le64(chal->has_timestamp ? chal->timestamp :
				    time);
	memcpy(cc->challenge_from_client, client_challenge,
	       sizeof(cc->challenge_from_client));

	pos = sizeof(*cc);
	for (off = 0; off + sizeof(struct ntlmssp_av_pair) <=
		      chal->target_info_len;) {
		const struct ntlmssp_av_pair *av = (const void *)(p + off);
		size_t n = sizeof(*av) + le16_to_cpu(av->av_len);
		__le32 v;

		if (av->av_id == cpu_to_le16(MSV_AV_EOL))
			break;
		/* @chal comes from the parser; refuse one that did not. */
		if (off + n > chal->target_info_len)
			return -EINVAL;
		memcpy(buf + pos, av, n);
		/*
		 * MS-NLMP 3.1.5.2.1: with MsvAvTimestamp the client sends
		 * a MIC and says so in MsvAvFlags.
		 */
		if (av->av_id == cpu_to_le16(MSV_AV_FLAGS) &&
		    chal->has_timestamp) {
			memcpy(&v, buf + pos + sizeof(*av), sizeof(v));
			v |= cpu_to_le32(MSV_AV_FLAG_MIC_PRESENT);
			memcpy(buf + pos + sizeof(*av), &v, sizeof(v));
		}
		pos += n;
		off += n;
	}
	if (chal->has_timestamp && !have_flags) {
		struct ntlmssp_av_pair av = {
			.av_id = cpu_to_le16(MSV_AV_FLAGS),
			.av_len = cpu_to_le16(sizeof(__le32)),
		};
		__le32 v = cpu_to_le32(MSV_AV_FLAG_MIC_PRESENT);

		memcpy(buf + pos, &av, sizeof(av));
		memcpy(buf + pos + sizeof(av), &v, sizeof(v));
		pos += sizeof(av) + sizeof(v);
	}
	/* MsvAvEOL and Z(4) are the zeroes already in place. */
	return total;
}

/* Append a UTF-8 string as UTF-16LE and describe it in @f. */
static int smb3mc_ntlmssp_put_str(u8 *buf, size_t size, size_t *pos,
				  struct ntlmssp_field *f, const char *s)
{
	int n = 0;

	if (s && *s) {
		n = smb3mc_utf8_to_utf16le(s, buf + *pos,
					   min_t(size_t, size - *pos, U16_MAX));
		if (n < 0)
			return n;
	}
	smb3mc_ntlmssp_set_field(f, *pos, n);
	*pos += n;
	return 0;
}

/* Append @n bytes (zeroes if @src is NULL) and describe them in @f. */
static int smb3mc_ntlmssp_put_bytes(u8 *buf, size_t size, size_t *pos,
				    struct ntlmssp_field *f, const void *src,
				    size_t n)
{
	if (!smb3mc_range_ok(size, *pos, n))
		return -ENOSPC;
	if (src)
		memcpy(buf + *pos, src, n);
	else
		memset(buf + *pos, 0, n);
	smb3mc_ntlmssp_set_field(f, *pos, n);
	*pos += n;
	return 0;
}

int smb3mc_ntlmssp_build_authenticate(void *buf, size_t size,
				      const struct smb3mc_ntlmssp_auth_args *a,
				      size_t *mic_offset)
{
	struct ntlmssp_authenticate_msg *msg = buf;
	bool key_exch = a->flags & NTLMSSP_NEGOTIATE_KEY_EXCH;
	size_t nt_len = NTLMSSP_NTPROOFSTR_SIZE + a->blob_len;
	size_t pos = sizeof(*msg);
	int rc;

	/* Names go out as UTF-16LE, so the server must read them so. */
	if (!(a->flags & NTLMSSP_NEGOTIATE_UNICODE) || !a->nt_proof_str ||
	    !a->blob || !a->blob_len || nt_len > U16_MAX ||
	    (key_exch && !a->encrypted_session_key))
		return -EINVAL;
	if (size < pos)
		return -ENOSPC;
	memset(buf, 0, pos);
	memcpy(msg->signature, NTLMSSP_SIGNATURE, NTLMSSP_SIGNATURE_SIZE);
	msg->message_type = cpu_to_le32(NTLMSSP_AUTHENTICATE_MESSAGE);
	msg->negotiate_flags = cpu_to_le32(a->flags);
	smb3mc_ntlmssp_put_version(&msg->version);

	/* Strings first, at even offsets right after the fixed part. */
	rc = smb3mc_ntlmssp_put_str(buf, size, &pos, &msg->domain_name,
				    a->domain);
	if (!rc)
		rc = smb3mc_ntlmssp_put_str(buf, size, &pos, &msg->user_name,
					    a->user);
	if (!rc)
		rc = smb3mc_ntlmssp_put_str(buf, size, &pos,
					    &msg->workstation, a->workstation);
	if (rc)
		return rc;

	/* LmChallengeResponse: Z(24) with a MIC (MS-NLMP 3.3.2). */
	rc = smb3mc_ntlmssp_put_bytes(buf, size, &pos,
				      &msg->lm_challenge_response, NULL,
				      a->mic ? 24 : 0);
	if (rc)
		return rc;

	/* NtChallengeResponse: NTProofStr || temp (MS-NLMP 2.2.2.8). */
	if (!smb3mc_range_ok(size, pos, nt_len))
		return -ENOSPC;
	memcpy(buf + pos, a->nt_proof_str, NTLMSSP_NTPROOFSTR_SIZE);
	memcpy(buf + pos + NTLMSSP_NTPROOFSTR_SIZE, a->blob, a->blob_len);
	smb3mc_ntlmssp_set_field(&msg->nt_challenge_response, pos, nt_len);
	pos += nt_len;

	rc = smb3mc_ntlmssp_put_bytes(buf, size, &pos,
				      &msg->encrypted_random_session_key,
				      a->encrypted_session_key,
				      key_exch ? NTLMSSP_SESSION_KEY_SIZE : 0);
	if (rc)
		return rc;

	*mic_offset = offsetof(struct ntlmssp_authenticate_msg, mic);
	return pos;
}
