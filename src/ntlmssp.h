/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTLMSSP message encoding (MS-NLMP 2.2): NEGOTIATE_MESSAGE,
 * CHALLENGE_MESSAGE, AUTHENTICATE_MESSAGE and the NTLMv2 client challenge
 * ("temp" blob). No cryptography here: the session layer computes
 * NTProofStr, the session keys and the MIC with crypto.h and passes the
 * results in. The tokens travel raw (not SPNEGO-wrapped) in the
 * SESSION_SETUP security buffer, which Samba and ksmbd both accept.
 *
 * Builders return the message length, -ENOSPC if @size is too small or
 * -EINVAL for bad arguments. Strings are UTF-8, NUL-terminated, and are
 * sent as UTF-16LE; a builder needs room for the worst case of one UTF-16
 * unit per UTF-8 byte.
 */
#ifndef SMB3MC_NTLMSSP_H
#define SMB3MC_NTLMSSP_H

#include <linux/build_bug.h>
#include <linux/types.h>

#define NTLMSSP_SIGNATURE	"NTLMSSP"	/* 8 bytes with the NUL */
#define NTLMSSP_SIGNATURE_SIZE	8

#define NTLMSSP_NEGOTIATE_MESSAGE	1
#define NTLMSSP_CHALLENGE_MESSAGE	2
#define NTLMSSP_AUTHENTICATE_MESSAGE	3

/* NegotiateFlags, MS-NLMP 2.2.2.5 */
#define NTLMSSP_NEGOTIATE_UNICODE		0x00000001
#define NTLMSSP_NEGOTIATE_OEM			0x00000002
#define NTLMSSP_REQUEST_TARGET			0x00000004
#define NTLMSSP_NEGOTIATE_SIGN			0x00000010
#define NTLMSSP_NEGOTIATE_SEAL			0x00000020
#define NTLMSSP_NEGOTIATE_DATAGRAM		0x00000040
#define NTLMSSP_NEGOTIATE_LM_KEY		0x00000080
#define NTLMSSP_NEGOTIATE_NTLM			0x00000200
#define NTLMSSP_ANONYMOUS			0x00000800
#define NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED	0x00001000
#define NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED 0x00002000
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN		0x00008000
#define NTLMSSP_TARGET_TYPE_DOMAIN		0x00010000
#define NTLMSSP_TARGET_TYPE_SERVER		0x00020000
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000
#define NTLMSSP_NEGOTIATE_IDENTIFY		0x00100000
#define NTLMSSP_REQUEST_NON_NT_SESSION_KEY	0x00400000
#define NTLMSSP_NEGOTIATE_TARGET_INFO		0x00800000
#define NTLMSSP_NEGOTIATE_VERSION		0x02000000
#define NTLMSSP_NEGOTIATE_128			0x20000000
#define NTLMSSP_NEGOTIATE_KEY_EXCH		0x40000000
#define NTLMSSP_NEGOTIATE_56			0x80000000

/* What the client asks for in its NEGOTIATE_MESSAGE */
#define SMB3MC_NTLMSSP_CLIENT_FLAGS					\
	(NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET |		\
	 NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |		\
	 NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |	\
	 NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |			\
	 NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 |		\
	 NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56)

/* AvId, MS-NLMP 2.2.2.1 */
#define MSV_AV_EOL			0x0000
#define MSV_AV_NB_COMPUTER_NAME		0x0001
#define MSV_AV_NB_DOMAIN_NAME		0x0002
#define MSV_AV_DNS_COMPUTER_NAME	0x0003
#define MSV_AV_DNS_DOMAIN_NAME		0x0004
#define MSV_AV_DNS_TREE_NAME		0x0005
#define MSV_AV_FLAGS			0x0006
#define MSV_AV_TIMESTAMP		0x0007
#define MSV_AV_SINGLE_HOST		0x0008
#define MSV_AV_TARGET_NAME		0x0009
#define MSV_AV_CHANNEL_BINDINGS		0x000a

/* MsvAvFlags value bits */
#define MSV_AV_FLAG_MIC_PRESENT		0x00000002

/* Field descriptor: Len, MaxLen, BufferOffset (from message start) */
struct ntlmssp_field {
	__le16 len;
	__le16 max_len;
	__le32 buffer_offset;
} __packed;
static_assert(sizeof(struct ntlmssp_field) == 8);

/* VERSION, MS-NLMP 2.2.2.10 */
struct ntlmssp_version {
	__u8 product_major_version;
	__u8 product_minor_version;
	__le16 product_build;
	__u8 reserved[3];
	__u8 ntlm_revision_current;	/* NTLMSSP_REVISION_W2K3 */
} __packed;
static_assert(sizeof(struct ntlmssp_version) == 8);

#define NTLMSSP_REVISION_W2K3	0x0f

/* NEGOTIATE_MESSAGE, MS-NLMP 2.2.1.1 */
struct ntlmssp_negotiate_msg {
	__u8 signature[NTLMSSP_SIGNATURE_SIZE];
	__le32 message_type;		/* 1 */
	__le32 negotiate_flags;
	struct ntlmssp_field domain_name;
	struct ntlmssp_field workstation;
	struct ntlmssp_version version;
} __packed;
static_assert(sizeof(struct ntlmssp_negotiate_msg) == 40);

/* CHALLENGE_MESSAGE, MS-NLMP 2.2.1.2; Version is optional on the wire */
struct ntlmssp_challenge_msg {
	__u8 signature[NTLMSSP_SIGNATURE_SIZE];
	__le32 message_type;		/* 2 */
	struct ntlmssp_field target_name;
	__le32 negotiate_flags;
	__u8 server_challenge[8];
	__u8 reserved[8];
	struct ntlmssp_field target_info;
} __packed;
static_assert(sizeof(struct ntlmssp_challenge_msg) == 48);

/* AUTHENTICATE_MESSAGE, MS-NLMP 2.2.1.3, with Version and MIC */
struct ntlmssp_authenticate_msg {
	__u8 signature[NTLMSSP_SIGNATURE_SIZE];
	__le32 message_type;		/* 3 */
	struct ntlmssp_field lm_challenge_response;
	struct ntlmssp_field nt_challenge_response;
	struct ntlmssp_field domain_name;
	struct ntlmssp_field user_name;
	struct ntlmssp_field workstation;
	struct ntlmssp_field encrypted_random_session_key;
	__le32 negotiate_flags;
	struct ntlmssp_version version;
	__u8 mic[16];
} __packed;
static_assert(sizeof(struct ntlmssp_authenticate_msg) == 88);

/* AV_PAIR header, MS-NLMP 2.2.2.1 */
struct ntlmssp_av_pair {
	__le16 av_id;
	__le16 av_len;
} __packed;
static_assert(sizeof(struct ntlmssp_av_pair) == 4);

/* NTLMv2_CLIENT_CHALLENGE fixed part, MS-NLMP 2.2.2.7 */
struct ntlmv2_client_challenge {
	__u8 resp_type;			/* 1 */
	__u8 hi_resp_type;		/* 1 */
	__le16 reserved1;
	__le32 reserved2;
	__le64 timestamp;
	__u8 challenge_from_client[8];
	__le32 reserved3;
	/* AvPairs, then 4 zero bytes (MS-NLMP 3.3.2 "temp") */
} __packed;
static_assert(sizeof(struct ntlmv2_client_challenge) == 28);

#define NTLMSSP_NTPROOFSTR_SIZE		16
#define NTLMSSP_SESSION_KEY_SIZE	16
#define NTLMSSP_MIC_SIZE		16

/*
 * NEGOTIATE_MESSAGE with @flags (normally SMB3MC_NTLMSSP_CLIENT_FLAGS),
 * no domain or workstation; the VERSION field is sent when @flags has
 * NTLMSSP_NEGOTIATE_VERSION.
 */
int smb3mc_ntlmssp_build_negotiate(void *buf, size_t size, u32 flags);

struct smb3mc_ntlmssp_challenge {
	u32 flags;			/* the server's NegotiateFlags */
	u8 server_challenge[8];
	const u8 *target_name;		/* NULL if empty */
	u16 target_name_len;
	/*
	 * The AV_PAIR list, validated and ending with MsvAvEOL (any bytes
	 * after the EOL are excluded from @target_info_len).
	 */
	const u8 *target_info;
	u16 target_info_len;
	bool has_timestamp;		/* MsvAvTimestamp present */
	u64 timestamp;			/* FILETIME from MsvAvTimestamp */
};

/*
 * Parse a CHALLENGE_MESSAGE of @len bytes. A non-empty TargetInfo is
 * required (NTLMv2 needs it). Pointers in @chal point into @buf.
 * Returns 0 or -EIO.
 */
int smb3mc_ntlmssp_parse_challenge(const void *buf, size_t len,
				   struct smb3mc_ntlmssp_challenge *chal);

/*
 * Build the NTLMv2 client challenge blob (MS-NLMP 2.2.2.7, "temp" in
 * 3.3.2): 0x01 0x01, Z(6), timestamp, @client_challenge, Z(4), the
 * server's AV pairs with the additions of MS-NLMP 3.1.5.2.1, Z(4).
 * The timestamp is the server's MsvAvTimestamp if it sent one, else
 * @time (FILETIME). When the server sent MsvAvTimestamp the client must
 * send a MIC, so MsvAvFlags gets MSV_AV_FLAG_MIC_PRESENT (OR-ed into an
 * existing MsvAvFlags pair or added); pass mic = chal->has_timestamp to
 * smb3mc_ntlmssp_build_authenticate().
 */
int smb3mc_ntlmv2_build_blob(void *buf, size_t size,
			     const struct smb3mc_ntlmssp_challenge *chal,
			     u64 time, const u8 client_challenge[8]);

struct smb3mc_ntlmssp_auth_args {
	u32 flags;			/* NegotiateFlags to send */
	const char *domain;		/* UTF-8; "" or NULL for none */
	const char *user;
	const char *workstation;
	/* NtChallengeResponse = NTProofStr || blob */
	const u8 *nt_proof_str;		/* NTLMSSP_NTPROOFSTR_SIZE bytes */
	const void *blob;		/* from smb3mc_ntlmv2_build_blob() */
	size_t blob_len;
	/* NTLMSSP_SESSION_KEY_SIZE bytes; required with KEY_EXCH */
	const u8 *encrypted_session_key;
	/*
	 * A MIC will be patched in: LmChallengeResponse is Z(24)
	 * (MS-NLMP 3.3.2); without it the LM response is empty
	 * (3.1.5.2.1).
	 */
	bool mic;
};

/*
 * AUTHENTICATE_MESSAGE with the VERSION field and a zeroed 16-byte MIC
 * field at *@mic_offset: the caller computes the MIC (MS-NLMP 3.1.5.2.1)
 * over NEGOTIATE, CHALLENGE and this message as built, then copies it to
 * buf + *@mic_offset.
 */
int smb3mc_ntlmssp_build_authenticate(void *buf, size_t size,
				      const struct smb3mc_ntlmssp_auth_args *a,
				      size_t *mic_offset);

#endif /* SMB3MC_NTLMSSP_H */
