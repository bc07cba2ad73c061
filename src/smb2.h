/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2/3 wire definitions shared by every PDU: the packet header, command
 * codes, flags and dialects (MS-SMB2 2.2.1). Per-command structures live
 * in the pdu_*.h headers.
 */
#ifndef SMB3MC_SMB2_H
#define SMB3MC_SMB2_H

#include <linux/build_bug.h>
#include <linux/types.h>

#define SMB2_PROTO_NUMBER	cpu_to_le32(0x424d53fe)	/* "\xfeSMB" */
#define SMB2_TRANSFORM_PROTO_NUM cpu_to_le32(0x424d53fd)	/* "\xfdSMB" */

/* Command codes, MS-SMB2 2.2.1.2 */
enum smb2_command {
	SMB2_NEGOTIATE		= 0x0000,
	SMB2_SESSION_SETUP	= 0x0001,
	SMB2_LOGOFF		= 0x0002,
	SMB2_TREE_CONNECT	= 0x0003,
	SMB2_TREE_DISCONNECT	= 0x0004,
	SMB2_CREATE		= 0x0005,
	SMB2_CLOSE		= 0x0006,
	SMB2_FLUSH		= 0x0007,
	SMB2_READ		= 0x0008,
	SMB2_WRITE		= 0x0009,
	SMB2_LOCK		= 0x000a,
	SMB2_IOCTL		= 0x000b,
	SMB2_CANCEL		= 0x000c,
	SMB2_ECHO		= 0x000d,
	SMB2_QUERY_DIRECTORY	= 0x000e,
	SMB2_CHANGE_NOTIFY	= 0x000f,
	SMB2_QUERY_INFO		= 0x0010,
	SMB2_SET_INFO		= 0x0011,
	SMB2_OPLOCK_BREAK	= 0x0012,
};

/* Header flags, MS-SMB2 2.2.1.2 */
#define SMB2_FLAGS_SERVER_TO_REDIR	cpu_to_le32(0x00000001)
#define SMB2_FLAGS_ASYNC_COMMAND	cpu_to_le32(0x00000002)
#define SMB2_FLAGS_RELATED_OPERATIONS	cpu_to_le32(0x00000004)
#define SMB2_FLAGS_SIGNED		cpu_to_le32(0x00000008)
#define SMB2_FLAGS_PRIORITY_MASK	cpu_to_le32(0x00000070)
#define SMB2_FLAGS_DFS_OPERATIONS	cpu_to_le32(0x10000000)
#define SMB2_FLAGS_REPLAY_OPERATION	cpu_to_le32(0x20000000)

/* Dialects, MS-SMB2 2.2.3 */
#define SMB30_DIALECT	0x0300
#define SMB302_DIALECT	0x0302
#define SMB311_DIALECT	0x0311

/* Global capabilities, MS-SMB2 2.2.3 */
#define SMB2_GLOBAL_CAP_DFS			0x00000001
#define SMB2_GLOBAL_CAP_LEASING			0x00000002
#define SMB2_GLOBAL_CAP_LARGE_MTU		0x00000004
#define SMB2_GLOBAL_CAP_MULTI_CHANNEL		0x00000008
#define SMB2_GLOBAL_CAP_PERSISTENT_HANDLES	0x00000010
#define SMB2_GLOBAL_CAP_DIRECTORY_LEASING	0x00000020
#define SMB2_GLOBAL_CAP_ENCRYPTION		0x00000040

/* SecurityMode, MS-SMB2 2.2.3 */
#define SMB2_NEGOTIATE_SIGNING_ENABLED	0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED	0x0002

/*
 * The 64-byte packet header, MS-SMB2 2.2.1. The sync and async forms
 * differ only in the 8 bytes after Command-specific fields: AsyncId
 * overlays Reserved + TreeId.
 */
struct smb2_hdr {
	__le32 protocol_id;
	__le16 structure_size;		/* 64 */
	__le16 credit_charge;
	__le32 status;			/* ChannelSequence/Reserved in requests */
	__le16 command;
	__le16 credit_req_rsp;		/* CreditRequest / CreditResponse */
	__le32 flags;
	__le32 next_command;
	__le64 message_id;
	union {
		struct {
			__le32 process_id;
			__le32 tree_id;
		} __packed sync;
		__le64 async_id;
	} __packed id;
	__le64 session_id;
	__u8 signature[16];
} __packed;
static_assert(sizeof(struct smb2_hdr) == 64);

#define SMB2_HDR_SIZE		sizeof(struct smb2_hdr)
#define SMB2_SIGNATURE_SIZE	16

/* The transform header that wraps encrypted messages, MS-SMB2 2.2.41 */
struct smb2_transform_hdr {
	__le32 protocol_id;		/* 0xFD 'S' 'M' 'B' */
	__u8 signature[16];
	__u8 nonce[16];
	__le32 original_message_size;
	__le16 reserved;
	__le16 flags;			/* 0x0001: encrypted (3.1.1) */
	__le64 session_id;
} __packed;
static_assert(sizeof(struct smb2_transform_hdr) == 52);

/* A credit covers 64 KiB of payload, MS-SMB2 3.1.5.2 */
#define SMB2_CREDIT_PAYLOAD	65536

#endif /* SMB3MC_SMB2_H */
