/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session-level SMB2 PDUs: NEGOTIATE, SESSION_SETUP, LOGOFF,
 * TREE_CONNECT, TREE_DISCONNECT and ECHO (MS-SMB2 2.2.3 - 2.2.12, 2.2.28).
 *
 * Builders write a complete request, starting at the SMB2 header, into
 * the caller's buffer and return its length, -ENOSPC if it does not fit or
 * -EINVAL for bad arguments. Only ProtocolId, StructureSize and Command are
 * set in the header; the channel fills in the rest.
 *
 * Parsers take one whole response starting at its SMB2 header. They check
 * the header, the command, the status the command is parsed for, the body
 * StructureSize and every offset and length, and return 0 or -EIO. A
 * failure status comes with an SMB2 ERROR response instead of the command
 * body: check smb3mc_hdr_status() first and use smb3mc_parse_error_rsp()
 * and smb3mc_status_to_errno() for those. Pointers in the results point
 * into the caller's buffer and are valid only as long as it is.
 */
#ifndef SMB3MC_PDU_SESSION_H
#define SMB3MC_PDU_SESSION_H

#include <linux/types.h>
#include "smb2.h"
#include "pdu_hdr.h"

/* ---- NEGOTIATE, MS-SMB2 2.2.3 / 2.2.4 ---- */

struct smb2_negotiate_req {
	__le16 structure_size;		/* 36 */
	__le16 dialect_count;
	__le16 security_mode;
	__le16 reserved;
	__le32 capabilities;
	__u8 client_guid[16];
	/* 3.1.1: NegotiateContextOffset/Count; else ClientStartTime (0) */
	__le32 negotiate_context_offset;
	__le16 negotiate_context_count;
	__le16 reserved2;
	/* Dialects[], then 8-byte padding and the NegotiateContextList */
} __packed;
static_assert(sizeof(struct smb2_negotiate_req) == 36);

struct smb2_negotiate_rsp {
	__le16 structure_size;		/* 65 */
	__le16 security_mode;
	__le16 dialect_revision;
	__le16 negotiate_context_count;	/* 3.1.1, else reserved */
	__u8 server_guid[16];
	__le32 capabilities;
	__le32 max_transact_size;
	__le32 max_read_size;
	__le32 max_write_size;
	__le64 system_time;
	__le64 server_start_time;
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	__le32 negotiate_context_offset; /* 3.1.1, else reserved */
	/* Buffer: security blob, padding, NegotiateContextList */
} __packed;
static_assert(sizeof(struct smb2_negotiate_rsp) == 64);

/* NEGOTIATE_CONTEXT, MS-SMB2 2.2.3.1; each one starts 8-byte aligned */
struct smb2_neg_context {
	__le16 context_type;
	__le16 data_length;		/* excludes this header and padding */
	__le32 reserved;
	/* Data follows */
} __packed;
static_assert(sizeof(struct smb2_neg_context) == 8);

#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES	0x0001
#define SMB2_ENCRYPTION_CAPABILITIES		0x0002
#define SMB2_COMPRESSION_CAPABILITIES		0x0003
#define SMB2_NETNAME_NEGOTIATE_CONTEXT_ID	0x0005
#define SMB2_TRANSPORT_CAPABILITIES		0x0006
#define SMB2_RDMA_TRANSFORM_CAPABILITIES	0x0007
#define SMB2_SIGNING_CAPABILITIES		0x0008

/* HashAlgorithms, 2.2.3.1.1 */
#define SMB2_PREAUTH_INTEGRITY_SHA512		0x0001
#define SMB311_SALT_SIZE			32

/* Ciphers, 2.2.3.1.2 */
#define SMB2_ENCRYPTION_AES128_CCM		0x0001
#define SMB2_ENCRYPTION_AES128_GCM		0x0002
#define SMB2_ENCRYPTION_AES256_CCM		0x0003
#define SMB2_ENCRYPTION_AES256_GCM		0x0004

/* SigningAlgorithms, 2.2.3.1.7 */
#define SMB2_SIGNING_HMAC_SHA256		0x0000
#define SMB2_SIGNING_AES_CMAC			0x0001
#define SMB2_SIGNING_AES_GMAC			0x0002

#define SMB3MC_MAX_DIALECTS	3
#define SMB3MC_MAX_CIPHERS	4
#define SMB3MC_MAX_SIGNING_ALGS	3

struct smb3mc_negotiate_args {
	/* Subset of SMB30_DIALECT, SMB302_DIALECT, SMB311_DIALECT */
	u16 dialects[SMB3MC_MAX_DIALECTS];
	unsigned int dialect_count;
	u16 security_mode;		/* SMB2_NEGOTIATE_SIGNING_* */
	u32 capabilities;		/* SMB2_GLOBAL_CAP_* */
	u8 client_guid[16];
	/*
	 * The rest is sent only when SMB311_DIALECT is offered: the
	 * preauth integrity context (SHA-512, this salt) always, the
	 * encryption and signing contexts when their counts are non-zero
	 * (algorithms in preference order) and the NETNAME context when
	 * @netname is not NULL (UTF-8 server name, converted to UTF-16LE).
	 */
	u8 salt[SMB311_SALT_SIZE];
	u16 ciphers[SMB3MC_MAX_CIPHERS];
	unsigned int cipher_count;
	u16 signing_algs[SMB3MC_MAX_SIGNING_ALGS];
	unsigned int signing_alg_count;
	const char *netname;
};

struct smb3mc_negotiate_info {
	u16 dialect;			/* one of the three we offer */
	u16 security_mode;
	u32 capabilities;
	u8 server_guid[16];
	u32 max_transact_size;
	u32 max_read_size;
	u32 max_write_size;
	u64 system_time;		/* FILETIME */
	const u8 *sec_blob;		/* GSS token, NULL if empty */
	u16 sec_blob_len;
	/*
	 * 3.1.1: taken from the negotiate contexts. For 3.0 / 3.0.2 the
	 * spec fixes them: no preauth hash, AES-128-CCM if the server set
	 * SMB2_GLOBAL_CAP_ENCRYPTION, AES-CMAC signing. @cipher is 0 when
	 * no encryption was negotiated. The caller still checks that
	 * @cipher and @signing_alg are among those it offered.
	 */
	u16 preauth_hash_alg;		/* 0 before 3.1.1 */
	u16 cipher;
	u16 signing_alg;
	/* 3.1.1: whether the contexts were there, however they name 0 */
	bool cipher_ctx;
	bool signing_ctx;
};

int smb3mc_build_negotiate(void *buf, size_t size,
			   const struct smb3mc_negotiate_args *args);
/*
 * Offer encryption in @args (MS-SMB2 3.2.4.2.2.2): SMB2_GLOBAL_CAP_ENCRYPTION
 * in the capabilities, which gives AES-128-CCM with 3.0 and 3.0.2, and for
 * 3.1.1 the ciphers in order of preference: the GCMs first, AES-128 before
 * AES-256. With @gcm256_only, AES-256-GCM alone.
 */
void smb3mc_negotiate_offer_ciphers(struct smb3mc_negotiate_args *args,
				    bool gcm256_only);
int smb3mc_parse_negotiate_rsp(const void *buf, size_t len,
			       struct smb3mc_negotiate_info *info);
/*
 * Whether the server chose among what @args offered: the dialect, and
 * for 3.1.1 the signing algorithm and the cipher of the contexts it sent
 * (cipher 0 means none in common); before 3.1.1, encryption only if
 * offered with SMB2_GLOBAL_CAP_ENCRYPTION. An absent signing context means
 * AES-CMAC (MS-SMB2 3.2.5.2), which is no choice of the server. Returns
 * 0, or -EPROTO with @what ("dialect", "signing algorithm" or "cipher")
 * and @value naming the first choice not offered.
 */
int smb3mc_negotiate_check_offered(const struct smb3mc_negotiate_args *args,
				   const struct smb3mc_negotiate_info *info,
				   const char **what, u16 *value);

/* ---- SESSION_SETUP, MS-SMB2 2.2.5 / 2.2.6 ---- */

struct smb2_sess_setup_req {
	__le16 structure_size;		/* 25 */
	__u8 flags;			/* SMB2_SESSION_FLAG_BINDING */
	__u8 security_mode;
	__le32 capabilities;
	__le32 channel;			/* 0 */
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	__le64 previous_session_id;
	/* Buffer: security blob */
} __packed;
static_assert(sizeof(struct smb2_sess_setup_req) == 24);

struct smb2_sess_setup_rsp {
	__le16 structure_size;		/* 9 */
	__le16 session_flags;
	__le16 security_buffer_offset;
	__le16 security_buffer_length;
	/* Buffer: security blob */
} __packed;
static_assert(sizeof(struct smb2_sess_setup_rsp) == 8);

#define SMB2_SESSION_FLAG_BINDING		0x01

#define SMB2_SESSION_FLAG_IS_GUEST		0x0001
#define SMB2_SESSION_FLAG_IS_NULL		0x0002
#define SMB2_SESSION_FLAG_ENCRYPT_DATA		0x0004

struct smb3mc_sess_setup_args {
	u8 flags;			/* SMB2_SESSION_FLAG_BINDING or 0 */
	u8 security_mode;		/* SMB2_NEGOTIATE_SIGNING_* */
	u32 capabilities;		/* only SMB2_GLOBAL_CAP_DFS matters */
	u64 previous_session_id;
	const void *sec_blob;		/* raw NTLMSSP token, non-empty */
	u16 sec_blob_len;
};

struct smb3mc_sess_setup_info {
	/* STATUS_SUCCESS or STATUS_MORE_PROCESSING_REQUIRED */
	__le32 status;
	u16 session_flags;		/* SMB2_SESSION_FLAG_IS_* */
	const u8 *sec_blob;		/* NULL if empty */
	u16 sec_blob_len;
};

int smb3mc_build_sess_setup(void *buf, size_t size,
			    const struct smb3mc_sess_setup_args *args);
/*
 * Accepts STATUS_SUCCESS and STATUS_MORE_PROCESSING_REQUIRED (which
 * carries the server's next token); any other status is -EIO.
 */
int smb3mc_parse_sess_setup_rsp(const void *buf, size_t len,
				struct smb3mc_sess_setup_info *info);

/* ---- TREE_CONNECT, MS-SMB2 2.2.9 / 2.2.10 ---- */

struct smb2_tree_connect_req {
	__le16 structure_size;		/* 9 */
	__le16 flags;			/* 3.1.1: SMB2_TREE_CONNECT_FLAG_* */
	__le16 path_offset;
	__le16 path_length;
	/* Buffer: the UNC path, UTF-16LE, not NUL-terminated */
} __packed;
static_assert(sizeof(struct smb2_tree_connect_req) == 8);

struct smb2_tree_connect_rsp {
	__le16 structure_size;		/* 16 */
	__u8 share_type;
	__u8 reserved;
	__le32 share_flags;
	__le32 capabilities;
	__le32 maximal_access;
} __packed;
static_assert(sizeof(struct smb2_tree_connect_rsp) == 16);

#define SMB2_TREE_CONNECT_FLAG_CLUSTER_RECONNECT	0x0001
#define SMB2_TREE_CONNECT_FLAG_REDIRECT_TO_OWNER	0x0002
#define SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT	0x0004

#define SMB2_SHARE_TYPE_DISK	0x01
#define SMB2_SHARE_TYPE_PIPE	0x02
#define SMB2_SHARE_TYPE_PRINT	0x03

#define SMB2_SHAREFLAG_MANUAL_CACHING			0x00000000
#define SMB2_SHAREFLAG_AUTO_CACHING			0x00000010
#define SMB2_SHAREFLAG_VDO_CACHING			0x00000020
#define SMB2_SHAREFLAG_NO_CACHING			0x00000030
#define SMB2_SHAREFLAG_DFS				0x00000001
#define SMB2_SHAREFLAG_DFS_ROOT				0x00000002
#define SMB2_SHAREFLAG_RESTRICT_EXCLUSIVE_OPENS		0x00000100
#define SMB2_SHAREFLAG_FORCE_SHARED_DELETE		0x00000200
#define SMB2_SHAREFLAG_ALLOW_NAMESPACE_CACHING		0x00000400
#define SMB2_SHAREFLAG_ACCESS_BASED_DIRECTORY_ENUM	0x00000800
#define SMB2_SHAREFLAG_FORCE_LEVELII_OPLOCK		0x00001000
#define SMB2_SHAREFLAG_ENABLE_HASH_V1			0x00002000
#define SMB2_SHAREFLAG_ENABLE_HASH_V2			0x00004000
#define SMB2_SHAREFLAG_ENCRYPT_DATA			0x00008000
#define SMB2_SHAREFLAG_IDENTITY_REMOTING		0x00040000
#define SMB2_SHAREFLAG_COMPRESS_DATA			0x00100000
#define SMB2_SHAREFLAG_ISOLATED_TRANSPORT		0x00200000

#define SMB2_SHARE_CAP_DFS				0x00000008
#define SMB2_SHARE_CAP_CONTINUOUS_AVAILABILITY		0x00000010
#define SMB2_SHARE_CAP_SCALEOUT				0x00000020
#define SMB2_SHARE_CAP_CLUSTER				0x00000040
#define SMB2_SHARE_CAP_ASYMMETRIC			0x00000080
#define SMB2_SHARE_CAP_REDIRECT_TO_OWNER		0x00000100

struct smb3mc_tree_connect_info {
	u8 share_type;			/* SMB2_SHARE_TYPE_* */
	u32 share_flags;		/* SMB2_SHAREFLAG_* */
	u32 capabilities;		/* SMB2_SHARE_CAP_* */
	u32 maximal_access;
};

/*
 * @unc is the share path "\\server\share" in UTF-8 (NUL-terminated); it
 * is converted to UTF-16LE into the request. @buf must have room for the
 * worst case of one UTF-16 unit per UTF-8 byte, else -ENOSPC; invalid
 * UTF-8 is -EINVAL. @flags: SMB2_TREE_CONNECT_FLAG_* (3.1.1 only, else 0).
 */
int smb3mc_build_tree_connect(void *buf, size_t size, const char *unc,
			      u16 flags);
int smb3mc_parse_tree_connect_rsp(const void *buf, size_t len,
				  struct smb3mc_tree_connect_info *info);

/*
 * ---- TREE_DISCONNECT, LOGOFF, ECHO: MS-SMB2 2.2.11/12, 2.2.7/8, 2.2.28/29
 * Their bodies are struct smb2_simple_pdu (pdu_hdr.h).
 */

int smb3mc_build_tree_disconnect(void *buf, size_t size);
int smb3mc_build_logoff(void *buf, size_t size);
int smb3mc_build_echo(void *buf, size_t size);

/* Check a STATUS_SUCCESS response of the command; 0 or -EIO. */
int smb3mc_check_tree_disconnect_rsp(const void *buf, size_t len);
int smb3mc_check_logoff_rsp(const void *buf, size_t len);
int smb3mc_check_echo_rsp(const void *buf, size_t len);

#endif /* SMB3MC_PDU_SESSION_H */
