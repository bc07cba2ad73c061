/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2 packet header helpers shared by every request builder and response
 * parser: header initialisation, response header sanity checks and the
 * SMB2 ERROR response (MS-SMB2 2.2.1, 2.2.2).
 */
#ifndef SMB3MC_PDU_HDR_H
#define SMB3MC_PDU_HDR_H

#include <linux/types.h>
#include <asm/byteorder.h>
#include "smb2.h"

/*
 * Zero @hdr and set ProtocolId, StructureSize (64) and Command. The
 * channel fills MessageId, CreditCharge, CreditRequest, SessionId, TreeId,
 * Flags and Signature when it sends the request.
 */
void smb3mc_hdr_init(struct smb2_hdr *hdr, enum smb2_command cmd);

/*
 * Sanity-check the header of one received response of @len bytes:
 * length >= 64, ProtocolId 0xFE 'SMB', StructureSize 64, SERVER_TO_REDIR
 * set, NextCommand 0 or 8-byte aligned and inside @len.
 * Returns 0 or -EIO.
 */
int smb3mc_hdr_check(const void *buf, size_t len);

/*
 * Where the next response of a compound (MS-SMB2 3.2.5.1.9) starts in the
 * @len bytes at @buf: its NextCommand, 0 when @buf holds the last or only
 * one, or -EIO when the header fails smb3mc_hdr_check(). The response at
 * @buf is the first NextCommand bytes, or all @len when 0.
 */
int smb3mc_hdr_next(const void *buf, size_t len);

/*
 * Compound the request built at @prev, @prev_len bytes, with the one
 * built after it at the next 8-byte boundary (MS-SMB2 3.2.4.1.4): the
 * gap is zeroed and @prev's NextCommand points past it; with @related
 * the next one acts on what @prev opened (SMB2_FLAGS_RELATED_OPERATIONS,
 * FileId smb3mc_fid_related). The channel signs each request of a
 * compound over its padded length, or encrypts them all in one. Returns
 * the padded length.
 */
size_t smb3mc_hdr_chain(void *prev, size_t prev_len, bool related);

/*
 * The Status of a response whose header passed smb3mc_hdr_check(). If
 * @interim is not NULL it is set when the message is an asynchronous
 * interim response (STATUS_PENDING with SMB2_FLAGS_ASYNC_COMMAND,
 * MS-SMB2 3.2.5.1.5): the final response follows later with the same
 * MessageId, and the AsyncId can be used to cancel.
 */
__le32 smb3mc_hdr_status(const void *buf, bool *interim);

/*
 * Check that @buf (@len bytes) is a response to @cmd whose body has the
 * fixed StructureSize @structure_size and is present in full: the header
 * passes smb3mc_hdr_check() but for NextCommand, which is 0 or @len
 * (one response of a compound, up to the next), Command matches, the body's StructureSize
 * matches and @len covers the fixed part of the body (StructureSize with
 * the low bit, which counts the first byte of a variable buffer, masked).
 * Does not look at Status. Returns 0 or -EIO.
 */
int smb3mc_rsp_check(const void *buf, size_t len, enum smb2_command cmd,
		     u16 structure_size);

/*
 * Whether a response whose header passed smb3mc_hdr_check() says the server
 * no longer has the session its request named: STATUS_USER_SESSION_DELETED
 * or STATUS_NETWORK_SESSION_EXPIRED to any command but SESSION_SETUP,
 * whose caller judges its own answer, and LOGOFF, which ends the session
 * anyway.
 */
bool smb3mc_hdr_session_gone(const struct smb2_hdr *hdr);

/* The name of SMB2 command @cmd as MS-SMB2 2.2.1 gives it, for messages. */
const char *smb3mc_command_name(u16 cmd);

/*
 * Whether a request of command @cmd carries its session's SessionId and,
 * the session signing, a signature; @sealed: it goes encrypted, which
 * takes the SessionId of the transform (MS-SMB2 3.2.4.1.8).
 */
bool smb3mc_cmd_in_session(u16 cmd, bool sealed);

/* True when [off, off + n) lies inside a buffer of @len bytes. */
static inline bool smb3mc_range_ok(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

/*
 * The body of TREE_DISCONNECT, LOGOFF, ECHO and CANCEL requests and of the
 * first three's responses (MS-SMB2 2.2.7/8, 2.2.11/12, 2.2.28/29, 2.2.30):
 * StructureSize 4 and two reserved bytes.
 */
struct smb2_simple_pdu {
	__le16 structure_size;		/* 4 */
	__le16 reserved;
} __packed;
static_assert(sizeof(struct smb2_simple_pdu) == 4);

/* Build such a request for @cmd: returns its length (68) or -ENOSPC. */
int smb3mc_build_simple_req(void *buf, size_t size, enum smb2_command cmd);

/* Check a STATUS_SUCCESS response to @cmd with that body: 0 or -EIO. */
int smb3mc_check_simple_rsp(const void *buf, size_t len,
			    enum smb2_command cmd);

/* SMB2 ERROR response, MS-SMB2 2.2.2 */
struct smb2_error_rsp {
	__le16 structure_size;		/* 9 */
	__u8 error_context_count;	/* 3.1.1 only, else 0 */
	__u8 reserved;
	__le32 byte_count;		/* length of ErrorData */
	/* ErrorData follows */
} __packed;
static_assert(sizeof(struct smb2_error_rsp) == 8);

/* SMB2 ERROR Context Response, MS-SMB2 2.2.2.1 (3.1.1) */
struct smb2_error_context_rsp {
	__le32 error_data_length;
	__le32 error_id;		/* SMB2_ERROR_ID_DEFAULT, ... */
	/* ErrorContextData follows */
} __packed;
static_assert(sizeof(struct smb2_error_context_rsp) == 8);

#define SMB2_ERROR_ID_DEFAULT		cpu_to_le32(0x00000000)
#define SMB2_ERROR_ID_SHARE_REDIRECT	cpu_to_le32(0x72645253)

struct smb3mc_error_info {
	__le32 status;
	u8 error_context_count;
	/*
	 * ErrorData: with error_context_count == 0 this is the
	 * command-specific data (e.g. the 4-byte required size for
	 * STATUS_BUFFER_TOO_SMALL, the Symbolic Link Error Response for
	 * STATUS_STOPPED_ON_SYMLINK); otherwise the validated list of
	 * error contexts (2.2.2.1, each 8-byte aligned). NULL when empty.
	 * Points into the caller's buffer and is valid as long as it is.
	 */
	const u8 *data;
	u32 data_len;
};

/*
 * Parse the SMB2 ERROR response a server sends with a failure status for
 * any command (MS-SMB2 2.2.2). The header must pass smb3mc_hdr_check().
 * Returns 0 or -EIO.
 */
int smb3mc_parse_error_rsp(const void *buf, size_t len,
			   struct smb3mc_error_info *info);

/*
 * ksmbd (fs/smb/server, 6.12 at least) sends some refusals, such as a
 * TREE_CONNECT to a share it does not have, with their header twice: it
 * queues the response it was making, then an ERROR response (MS-SMB2
 * 2.2.2) over the same buffer, and signs only that second copy, the
 * frame's last 73 bytes. Returns 73 when @buf, @len bytes, is a failure
 * whose first 73 bytes are an ERROR response without data and come
 * again at its end; else 0.
 */
size_t smb3mc_error_repeated(const void *buf, size_t len);

#endif /* SMB3MC_PDU_HDR_H */
