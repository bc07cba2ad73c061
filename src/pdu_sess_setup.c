// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 SESSION_SETUP request and response, MS-SMB2 2.2.5 and 2.2.6, which
 * start a session, and LOGOFF, 2.2.7 and 2.2.8, which ends it. The
 * security buffer carries raw NTLMSSP tokens (ntlmssp.h).
 */

#include <linux/errno.h>
#include <linux/string.h>
#include "pdu_session.h"
#include "nterr.h"

int smb3mc_build_sess_setup(void *buf, size_t size,
			    const struct smb3mc_sess_setup_args *args)
{
	struct smb2_sess_setup_req *req = buf + SMB2_HDR_SIZE;
	const size_t blob_off = SMB2_HDR_SIZE + sizeof(*req);

	if (!args->sec_blob || !args->sec_blob_len ||
	    (args->flags & ~SMB2_SESSION_FLAG_BINDING))
		return -EINVAL;
	if (size < blob_off + args->sec_blob_len)
		return -ENOSPC;
	memset(buf, 0, blob_off);
	smb3mc_hdr_init(buf, SMB2_SESSION_SETUP);
	req->structure_size = cpu_to_le16(25);
	req->flags = args->flags;
	req->security_mode = args->security_mode;
	req->capabilities = cpu_to_le32(args->capabilities);
	req->security_buffer_offset = cpu_to_le16(blob_off);
	req->security_buffer_length = cpu_to_le16(args->sec_blob_len);
	req->previous_session_id = cpu_to_le64(args->previous_session_id);
	memcpy(buf + blob_off, args->sec_blob, args->sec_blob_len);
	return blob_off + args->sec_blob_len;
}

int smb3mc_parse_sess_setup_rsp(const void *buf, size_t len,
				struct smb3mc_sess_setup_info *info)
{
	const struct smb2_sess_setup_rsp *rsp = buf + SMB2_HDR_SIZE;
	const struct smb2_hdr *hdr = buf;
	u16 off, blen;

	if (smb3mc_rsp_check(buf, len, SMB2_SESSION_SETUP, 9))
		return -EIO;
	if (hdr->status != STATUS_SUCCESS &&
	    hdr->status != STATUS_MORE_PROCESSING_REQUIRED)
		return -EIO;

	off = le16_to_cpu(rsp->security_buffer_offset);
	blen = le16_to_cpu(rsp->security_buffer_length);
	/* An intermediate leg exists only to carry the server's token. */
	if (!blen && hdr->status == STATUS_MORE_PROCESSING_REQUIRED)
		return -EIO;
	if (blen && (off < SMB2_HDR_SIZE + sizeof(*rsp) ||
		     !smb3mc_range_ok(len, off, blen)))
		return -EIO;

	info->status = hdr->status;
	info->session_flags = le16_to_cpu(rsp->session_flags);
	info->sec_blob = blen ? buf + off : NULL;
	info->sec_blob_len = blen;
	return 0;
}

int smb3mc_build_logoff(void *buf, size_t size)
{
	return smb3mc_build_simple_req(buf, size, SMB2_LOGOFF);
}

int smb3mc_check_logoff_rsp(const void *buf, size_t len)
{
	return smb3mc_check_simple_rsp(buf, len, SMB2_LOGOFF);
}
