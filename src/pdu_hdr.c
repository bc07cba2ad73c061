// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 header initialisation and response header checks, MS-SMB2 2.2.1,
 * and the SMB2 ERROR response, MS-SMB2 2.2.2.
 */

#include <linux/align.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include "pdu_hdr.h"
#include "nterr.h"

void smb3mc_hdr_init(struct smb2_hdr *hdr, enum smb2_command cmd)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->protocol_id = SMB2_PROTO_NUMBER;
	hdr->structure_size = cpu_to_le16(SMB2_HDR_SIZE);
	hdr->command = cpu_to_le16(cmd);
}

/*
 * An ECHO in clear probes its connection, not the session: SessionId 0 and
 * unsigned, which MS-SMB2 3.3.5.17 lets a server answer without verifying
 * a session (as ksmbd answers every ECHO: unsigned, even a signed one). Its
 * answer then shows the connection alive and proves nothing more, and
 * nothing more is asked of it. Every other request names its session.
 */
bool smb3mc_cmd_in_session(u16 cmd, bool sealed)
{
	return sealed || cmd != SMB2_ECHO;
}

bool smb3mc_hdr_session_gone(const struct smb2_hdr *hdr)
{
	return (hdr->status == STATUS_USER_SESSION_DELETED ||
		hdr->status == STATUS_NETWORK_SESSION_EXPIRED) &&
	       hdr->command != cpu_to_le16(SMB2_SESSION_SETUP) &&
	       hdr->command != cpu_to_le16(SMB2_LOGOFF);
}

const char *smb3mc_command_name(u16 cmd)
{
	static const char *const names[] = {
		[SMB2_NEGOTIATE] = "NEGOTIATE",
		[SMB2_SESSION_SETUP] = "SESSION_SETUP",
		[SMB2_LOGOFF] = "LOGOFF",
		[SMB2_TREE_CONNECT] = "TREE_CONNECT",
		[SMB2_TREE_DISCONNECT] = "TREE_DISCONNECT",
		[SMB2_CREATE] = "CREATE",
		[SMB2_CLOSE] = "CLOSE",
		[SMB2_FLUSH] = "FLUSH",
		[SMB2_READ] = "READ",
		[SMB2_WRITE] = "WRITE",
		[SMB2_LOCK] = "LOCK",
		[SMB2_IOCTL] = "IOCTL",
		[SMB2_CANCEL] = "CANCEL",
		[SMB2_ECHO] = "ECHO",
		[SMB2_QUERY_DIRECTORY] = "QUERY_DIRECTORY",
		[SMB2_CHANGE_NOTIFY] = "CHANGE_NOTIFY",
		[SMB2_QUERY_INFO] = "QUERY_INFO",
		[SMB2_SET_INFO] = "SET_INFO",
		[SMB2_OPLOCK_BREAK] = "OPLOCK_BREAK",
	};

	return cmd < ARRAY_SIZE(names) ? names[cmd] : "unknown command";
}

/* What every response header must be, whatever follows it. */
static int hdr_check_one(const void *buf, size_t len)
{
	const struct smb2_hdr *hdr = buf;

	if (len < SMB2_HDR_SIZE)
		return -EIO;
	if (hdr->protocol_id != SMB2_PROTO_NUMBER ||
	    hdr->structure_size != cpu_to_le16(SMB2_HDR_SIZE))
		return -EIO;
	if (!(hdr->flags & SMB2_FLAGS_SERVER_TO_REDIR))
		return -EIO;
	return 0;
}

int smb3mc_hdr_check(const void *buf, size_t len)
{
	const struct smb2_hdr *hdr = buf;
	u32 next;

	if (hdr_check_one(buf, len))
		return -EIO;
	/*
	 * MS-SMB2 3.2.5.1.9: in a compounded response NextCommand is the
	 * 8-byte aligned offset of the next header, which must fit whole.
	 */
	next = le32_to_cpu(hdr->next_command);
	if (next && (!IS_ALIGNED(next, 8) || next < SMB2_HDR_SIZE ||
		     !smb3mc_range_ok(len, next, SMB2_HDR_SIZE)))
		return -EIO;
	return 0;
}

int smb3mc_hdr_next(const void *buf, size_t len)
{
	const struct smb2_hdr *hdr = buf;

	if (smb3mc_hdr_check(buf, len))
		return -EIO;
	return le32_to_cpu(hdr->next_command);
}

size_t smb3mc_hdr_chain(void *prev, size_t prev_len, bool related)
{
	size_t padded = ALIGN(prev_len, 8);
	struct smb2_hdr *hdr = prev;
	struct smb2_hdr *next = prev + padded;

	memset(prev + prev_len, 0, padded - prev_len);
	hdr->next_command = cpu_to_le32(padded);
	if (related)
		next->flags |= SMB2_FLAGS_RELATED_OPERATIONS;
	return padded;
}

__le32 smb3mc_hdr_status(const void *buf, bool *interim)
{
	const struct smb2_hdr *hdr = buf;

	if (interim)
		*interim = hdr->status == STATUS_PENDING &&
			   (hdr->flags & SMB2_FLAGS_ASYNC_COMMAND);
	return hdr->status;
}

int smb3mc_rsp_check(const void *buf, size_t len, enum smb2_command cmd,
		     u16 structure_size)
{
	const struct smb2_hdr *hdr = buf;
	const u8 *body = buf + SMB2_HDR_SIZE;

	/* One response of a compound ends where the next begins. */
	if (hdr_check_one(buf, len) ||
	    (hdr->next_command && le32_to_cpu(hdr->next_command) != len))
		return -EIO;
	if (hdr->command != cpu_to_le16(cmd))
		return -EIO;
	/*
	 * MS-SMB2 2.2: an odd StructureSize counts the first byte of the
	 * variable part, so only the even part of it must be present.
	 */
	if (len < SMB2_HDR_SIZE + max_t(size_t, structure_size & ~1, 2))
		return -EIO;
	if ((body[0] | body[1] << 8) != structure_size)
		return -EIO;
	return 0;
}

int smb3mc_build_simple_req(void *buf, size_t size, enum smb2_command cmd)
{
	struct smb2_simple_pdu *req = buf + SMB2_HDR_SIZE;

	if (size < SMB2_HDR_SIZE + sizeof(*req))
		return -ENOSPC;
	smb3mc_hdr_init(buf, cmd);
	req->structure_size = cpu_to_le16(sizeof(*req));
	req->reserved = 0;
	return SMB2_HDR_SIZE + sizeof(*req);
}

int smb3mc_check_simple_rsp(const void *buf, size_t len,
			    enum smb2_command cmd)
{
	const struct smb2_hdr *hdr = buf;

	if (smb3mc_rsp_check(buf, len, cmd, sizeof(struct smb2_simple_pdu)) ||
	    hdr->status != STATUS_SUCCESS)
		return -EIO;
	return 0;
}

/* Walk the 3.1.1 error contexts, MS-SMB2 2.2.2.1: each 8-byte aligned. */
static int smb3mc_check_error_contexts(const u8 *data, u32 len, u8 count)
{
	u32 off = 0;
	u8 i;

	for (i = 0; i < count; i++) {
		const struct smb2_error_context_rsp *ctx;
		u32 dlen;

		off = ALIGN(off, 8);
		if (!smb3mc_range_ok(len, off, sizeof(*ctx)))
			return -EIO;
		ctx = (const void *)(data + off);
		dlen = le32_to_cpu(ctx->error_data_length);
		off += sizeof(*ctx);
		if (!smb3mc_range_ok(len, off, dlen))
			return -EIO;
		off += dlen;
	}
	return 0;
}

int smb3mc_parse_error_rsp(const void *buf, size_t len,
			   struct smb3mc_error_info *info)
{
	const struct smb2_error_rsp *rsp = buf + SMB2_HDR_SIZE;
	const size_t data_off = SMB2_HDR_SIZE + sizeof(*rsp);
	u32 count;

	if (smb3mc_hdr_check(buf, len) || len < data_off)
		return -EIO;
	if (rsp->structure_size != cpu_to_le16(9))
		return -EIO;
	count = le32_to_cpu(rsp->byte_count);
	if (!smb3mc_range_ok(len, data_off, count))
		return -EIO;
	/* With 3.1.1 contexts, ByteCount covers all of them (2.2.2). */
	if (rsp->error_context_count &&
	    smb3mc_check_error_contexts(buf + data_off, count,
					rsp->error_context_count))
		return -EIO;

	info->status = ((const struct smb2_hdr *)buf)->status;
	info->error_context_count = rsp->error_context_count;
	info->data = count ? buf + data_off : NULL;
	info->data_len = count;
	return 0;
}

size_t smb3mc_error_repeated(const void *buf, size_t len)
{
	const size_t copy = SMB2_HDR_SIZE + sizeof(struct smb2_error_rsp) + 1;
	const struct smb2_error_rsp *rsp = buf + SMB2_HDR_SIZE;

	if (len < 2 * copy || smb3mc_hdr_check(buf, len) ||
	    ((const struct smb2_hdr *)buf)->status == STATUS_SUCCESS ||
	    rsp->structure_size != cpu_to_le16(9) || rsp->byte_count)
		return 0;
	return memcmp(buf, buf + len - copy, copy) ? 0 : copy;
}
