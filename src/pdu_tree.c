// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 TREE_CONNECT (MS-SMB2 2.2.9, 2.2.10) and TREE_DISCONNECT (2.2.11,
 * 2.2.12).
 */

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "pdu_session.h"
#include "nterr.h"
#include "unicode.h"

int smb3mc_build_tree_connect(void *buf, size_t size, const char *unc,
			      u16 flags)
{
	struct smb2_tree_connect_req *req = buf + SMB2_HDR_SIZE;
	const size_t path_off = SMB2_HDR_SIZE + sizeof(*req);
	int n;

	/*
	 * EXTENSION_PRESENT would change the layout to the 2.2.9.1
	 * extension, which we do not build.
	 */
	if (flags & ~(SMB2_TREE_CONNECT_FLAG_CLUSTER_RECONNECT |
		      SMB2_TREE_CONNECT_FLAG_REDIRECT_TO_OWNER))
		return -EINVAL;
	if (!unc || !*unc)
		return -EINVAL;
	if (size < path_off)
		return -ENOSPC;
	memset(buf, 0, path_off);
	n = smb3mc_utf8_to_utf16le(unc, buf + path_off,
				   min_t(size_t, size - path_off, U16_MAX));
	if (n < 0)
		return n;
	smb3mc_hdr_init(buf, SMB2_TREE_CONNECT);
	req->structure_size = cpu_to_le16(9);
	req->flags = cpu_to_le16(flags);
	req->path_offset = cpu_to_le16(path_off);
	req->path_length = cpu_to_le16(n);
	return path_off + n;
}

int smb3mc_parse_tree_connect_rsp(const void *buf, size_t len,
				  struct smb3mc_tree_connect_info *info)
{
	const struct smb2_tree_connect_rsp *rsp = buf + SMB2_HDR_SIZE;
	const struct smb2_hdr *hdr = buf;

	if (smb3mc_rsp_check(buf, len, SMB2_TREE_CONNECT, sizeof(*rsp)) ||
	    hdr->status != STATUS_SUCCESS)
		return -EIO;
	if (rsp->share_type < SMB2_SHARE_TYPE_DISK ||
	    rsp->share_type > SMB2_SHARE_TYPE_PRINT)
		return -EIO;
	info->share_type = rsp->share_type;
	info->share_flags = le32_to_cpu(rsp->share_flags);
	info->capabilities = le32_to_cpu(rsp->capabilities);
	info->maximal_access = le32_to_cpu(rsp->maximal_access);
	return 0;
}

int smb3mc_build_tree_disconnect(void *buf, size_t size)
{
	return smb3mc_build_simple_req(buf, size, SMB2_TREE_DISCONNECT);
}

int smb3mc_check_tree_disconnect_rsp(const void *buf, size_t len)
{
	return smb3mc_check_simple_rsp(buf, len, SMB2_TREE_DISCONNECT);
}
