/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File-level SMB2 PDUs: CREATE, CLOSE, FLUSH, READ, WRITE, LOCK,
 * QUERY_INFO, SET_INFO, QUERY_DIRECTORY and IOCTL (MS-SMB2 2.2.13 -
 * 2.2.40), plus the MS-FSCC information classes the client uses.
 *
 * Conventions shared by every function here:
 *
 * Builders write a complete request, starting at the 64-byte SMB2 header,
 * into a caller-provided buffer of @size bytes and return its length, or
 * -ENOSPC if it does not fit, or -EINVAL on bad arguments. The header is
 * initialised with ProtocolId, StructureSize and Command only: MessageId,
 * CreditCharge, CreditRequest, SessionId, TreeId, flags and signature are
 * the channel's job.
 *
 * Parsers take the whole received message (starting at its SMB2 header)
 * and its length, check the header (smb3mc_rsp_check(): ProtocolId,
 * SERVER_TO_REDIR, Command) and the body StructureSize, bounds-check every
 * offset and length, and return 0 or -EIO. They never read past @len; in
 * a compounded response @len must be this message's length (its
 * NextCommand), not the rest of the frame. Pointers in results point into
 * the caller's buffer. The caller must have checked the header Status
 * first: an error response is an SMB2 ERROR body (StructureSize 9, MS-SMB2
 * 2.2.2), which these parsers reject.
 *
 * FileIds are kept in host byte order (struct smb3mc_fid); builders and
 * parsers convert. NT times (100 ns units since 1601-01-01 UTC, MS-FSCC
 * 2.1.1) are kept as host-order u64.
 */
#ifndef SMB3MC_PDU_FILE_H
#define SMB3MC_PDU_FILE_H

#include <linux/limits.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/types.h>

#include "pdu_hdr.h"
#include "smb2.h"

/*
 * SMB2_FILEID, MS-SMB2 2.2.14.1; host byte order. @gen is the client's
 * own: the session (struct smb3mc_ses's @gen) the FileId names an open
 * in, which a server may give to another open in a later session. The
 * builders write only the two ids.
 */
struct smb3mc_fid {
	u64 persistent;
	u64 volatile_id;
	unsigned int gen;
};

/*
 * The FileId of a request compounded after a CREATE it is related to
 * (smb3mc_hdr_chain()): the server takes the open that CREATE made
 * (MS-SMB2 3.2.4.1.4, 3.3.5.2.7.2).
 */
extern const struct smb3mc_fid smb3mc_fid_related;

/*
 * CreditCharge for a request or response carrying @payload bytes, MS-SMB2
 * 3.1.5.2: one credit per started 64 KiB, at least one. For READ the
 * payload is the requested Length, for WRITE the data length, for IOCTL
 * max(InputCount, MaxOutputResponse), for QUERY_DIRECTORY / QUERY_INFO
 * the OutputBufferLength.
 */
static inline u16 smb3mc_credit_charge(size_t payload)
{
	return max_t(size_t, 1, DIV_ROUND_UP(payload, SMB2_CREDIT_PAYLOAD));
}

/* ---- CREATE, MS-SMB2 2.2.13 / 2.2.14 ---- */

/* RequestedOplockLevel / OplockLevel, MS-SMB2 2.2.13 */
#define SMB2_OPLOCK_LEVEL_NONE		0x00
#define SMB2_OPLOCK_LEVEL_II		0x01
#define SMB2_OPLOCK_LEVEL_EXCLUSIVE	0x08
#define SMB2_OPLOCK_LEVEL_BATCH		0x09
#define SMB2_OPLOCK_LEVEL_LEASE		0xff

/* ImpersonationLevel, MS-SMB2 2.2.13 */
#define SMB2_IL_ANONYMOUS	0x00000000
#define SMB2_IL_IDENTIFICATION	0x00000001
#define SMB2_IL_IMPERSONATION	0x00000002
#define SMB2_IL_DELEGATE	0x00000003

/* DesiredAccess (File_Pipe_Printer_Access_Mask), MS-SMB2 2.2.13.1.1 */
#define FILE_READ_DATA		0x00000001
#define FILE_WRITE_DATA		0x00000002
#define FILE_APPEND_DATA	0x00000004
#define FILE_READ_EA		0x00000008
#define FILE_WRITE_EA		0x00000010
#define FILE_EXECUTE		0x00000020
#define FILE_DELETE_CHILD	0x00000040
#define FILE_READ_ATTRIBUTES	0x00000080
#define FILE_WRITE_ATTRIBUTES	0x00000100
#define DELETE			0x00010000
#define READ_CONTROL		0x00020000
#define WRITE_DAC		0x00040000
#define WRITE_OWNER		0x00080000
#define SYNCHRONIZE		0x00100000
#define MAXIMUM_ALLOWED		0x02000000
#define GENERIC_ALL		0x10000000
#define GENERIC_EXECUTE		0x20000000
#define GENERIC_WRITE		0x40000000
#define GENERIC_READ		0x80000000

/* ShareAccess, MS-SMB2 2.2.13 */
#define FILE_SHARE_READ		0x00000001
#define FILE_SHARE_WRITE	0x00000002
#define FILE_SHARE_DELETE	0x00000004

/* CreateDisposition, MS-SMB2 2.2.13 */
#define FILE_SUPERSEDE		0x00000000
#define FILE_OPEN		0x00000001
#define FILE_CREATE		0x00000002
#define FILE_OPEN_IF		0x00000003
#define FILE_OVERWRITE		0x00000004
#define FILE_OVERWRITE_IF	0x00000005

/* CreateOptions, MS-SMB2 2.2.13 */
#define FILE_DIRECTORY_FILE		0x00000001
#define FILE_WRITE_THROUGH		0x00000002
#define FILE_SEQUENTIAL_ONLY		0x00000004
#define FILE_NO_INTERMEDIATE_BUFFERING	0x00000008
#define FILE_NON_DIRECTORY_FILE		0x00000040
#define FILE_NO_EA_KNOWLEDGE		0x00000200
#define FILE_RANDOM_ACCESS		0x00000800
#define FILE_DELETE_ON_CLOSE		0x00001000
#define FILE_OPEN_REPARSE_POINT		0x00200000

/* CreateAction, MS-SMB2 2.2.14 */
#define FILE_SUPERSEDED		0x00000000
#define FILE_OPENED		0x00000001
#define FILE_CREATED		0x00000002
#define FILE_OVERWRITTEN	0x00000003

/* Flags of the CREATE response, MS-SMB2 2.2.14 */
#define SMB2_CREATE_FLAG_REPARSEPOINT	0x01

/* File attributes, MS-FSCC 2.6 */
#define FILE_ATTRIBUTE_READONLY		0x00000001
#define FILE_ATTRIBUTE_HIDDEN		0x00000002
#define FILE_ATTRIBUTE_SYSTEM		0x00000004
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020
#define FILE_ATTRIBUTE_NORMAL		0x00000080
#define FILE_ATTRIBUTE_TEMPORARY	0x00000100
#define FILE_ATTRIBUTE_SPARSE_FILE	0x00000200
#define FILE_ATTRIBUTE_REPARSE_POINT	0x00000400
#define FILE_ATTRIBUTE_COMPRESSED	0x00000800
#define FILE_ATTRIBUTE_OFFLINE		0x00001000
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#define FILE_ATTRIBUTE_ENCRYPTED	0x00004000

/* Which fields of struct smb3mc_file_attrs a parser filled */
#define SMB3MC_ATTR_TIMES	0x01	/* the four NT times */
#define SMB3MC_ATTR_SIZES	0x02	/* allocation_size, end_of_file */
#define SMB3MC_ATTR_ATTRIBUTES	0x04	/* attributes, is_dir */
#define SMB3MC_ATTR_NLINK	0x08	/* nlink, delete_pending, is_dir */
#define SMB3MC_ATTR_INDEX	0x10	/* index_number */
#define SMB3MC_ATTR_EA_SIZE	0x20	/* ea_size */

/*
 * File metadata gathered from any of CREATE, CLOSE (postquery), the
 * directory entries and the FileBasic/Standard/NetworkOpen/All classes.
 * Parsers fill only what their source carries and OR the matching
 * SMB3MC_ATTR_* bits into @valid; other fields are left untouched, so a
 * caller zeroes the struct once and may merge several sources.
 */
struct smb3mc_file_attrs {
	u64 creation_time;	/* NT time */
	u64 last_access_time;
	u64 last_write_time;
	u64 change_time;
	u64 allocation_size;
	u64 end_of_file;
	/* The server's 64-bit file id (inode number), 0 if it has none */
	u64 index_number;
	u32 attributes;		/* FILE_ATTRIBUTE_* */
	u32 nlink;
	/* EaSize; holds the reparse tag for FILE_ATTRIBUTE_REPARSE_POINT
	 * entries in directory listings (MS-FSCC 2.4.18).
	 */
	u32 ea_size;
	u32 valid;		/* SMB3MC_ATTR_* */
	bool delete_pending;
	bool is_dir;
};

/*
 * Attributes a parser filled that a server must not send, or that cannot
 * be used as sent: refused (-EIO), or mended in place (0 with *@why set);
 * *@why says what was wrong, for a message, and is NULL when nothing was.
 * A link count is at most SMB3MC_LINK_MAX, the most a mount lets a file
 * have (s_max_links) and the most a 32-bit stat(2) shows.
 */
#define SMB3MC_LINK_MAX		65535

int smb3mc_attrs_check(struct smb3mc_file_attrs *a, const char **why);

struct smb3mc_create_args {
	/* UTF-16LE path relative to the share root, no leading backslash;
	 * name_len is in bytes, even, 0 for the root of the share.
	 */
	const __le16 *name;
	u16 name_len;
	u8 oplock_level;		/* SMB2_OPLOCK_LEVEL_*, not LEASE */
	/* Ask for this lease (RequestedOplockLevel LEASE), or NULL */
	const struct smb3mc_lease *lease;
	/*
	 * Ask for a durable handle v2 (DH2Q: @create_guid, @timeout,
	 * @flags), or NULL; or reclaim one (DH2C: @fid, @create_guid,
	 * @flags), or NULL. Not both.
	 */
	const struct smb3mc_durable *durable;
	const struct smb3mc_durable *reclaim;
	u32 impersonation_level;	/* SMB2_IL_* */
	u32 desired_access;
	u32 file_attributes;
	u32 share_access;
	u32 create_disposition;
	u32 create_options;
};

struct smb3mc_create_rsp {
	struct smb3mc_fid fid;
	u8 oplock_level;
	u8 flags;			/* SMB2_CREATE_FLAG_REPARSEPOINT */
	u32 create_action;		/* FILE_OPENED, ... */
	struct smb3mc_file_attrs attrs;	/* TIMES | SIZES | ATTRIBUTES */
	/* Bounds-checked, 8-aligned CreateContexts region (for
	 * smb3mc_parse_lease_ctx(), smb3mc_parse_durable_ctx()); NULL / 0
	 * when the server sent none.
	 */
	const u8 *contexts;
	u32 contexts_len;
};

/*
 * Fixed part of the CREATE request, MS-SMB2 2.2.13: the name starts at
 * NameOffset 0x78 (64 + 56) and is zero-padded to 8 bytes (at least 8, as
 * Buffer must not be empty), so create contexts can follow 8-aligned.
 */
#define SMB3MC_CREATE_NAME_OFFSET	0x78

int smb3mc_build_create(void *buf, size_t size,
			const struct smb3mc_create_args *args);
int smb3mc_parse_create(const void *msg, size_t len,
			struct smb3mc_create_rsp *rsp);

/*
 * The data of the context named @name (@name_len bytes) in a chain of
 * create contexts (MS-SMB2 2.2.13.2), e.g. smb3mc_create_rsp.contexts:
 * 0 with *@data and *@data_len set (*@data NULL when it has none),
 * -ENOENT when there is none, -EIO when the chain or a context in it is
 * malformed (a Next that is not 8-aligned or leaves the chain, a name or
 * data outside its context, data over the name) or has two of @name.
 */
int smb3mc_create_ctx_find(const u8 *ctx, u32 len, const char *name,
			   u16 name_len, const u8 **data, u32 *data_len);

/* ---- Durable handles v2, MS-SMB2 2.2.13.2.11, 2.2.13.2.12, 2.2.14.2.12 ---- */

/* Flags of DH2Q, DH2C and the DH2Q response */
#define SMB2_DHANDLE_FLAG_PERSISTENT	0x00000002

#define SMB3MC_CREATE_GUID_SIZE		16

/* A durable handle v2, as asked for, granted, or reclaimed; host order */
struct smb3mc_durable {
	struct smb3mc_fid fid;		/* DH2C: the open to reclaim */
	u8 create_guid[SMB3MC_CREATE_GUID_SIZE];
	u32 timeout;			/* ms; DH2Q: 0 lets the server choose */
	u32 flags;			/* SMB2_DHANDLE_FLAG_PERSISTENT */
};

/* The contexts smb3mc_build_create() adds, and 8-aligned when another follows */
#define SMB3MC_DH2Q_CTX_SIZE		(16 + 8 + 32)
#define SMB3MC_DH2C_CTX_SIZE		(16 + 8 + 36)

/*
 * The DH2Q response in the CreateContexts of a CREATE response: 0 with
 * @durable's @timeout and @flags filled, -ENOENT when there is none (the
 * handle is not durable), -EIO when the chain or the context is
 * malformed or has flags MS-SMB2 does not define.
 */
int smb3mc_parse_durable_ctx(const u8 *ctx, u32 len,
			     struct smb3mc_durable *durable);

/* ---- CLOSE, MS-SMB2 2.2.15 / 2.2.16; FLUSH, 2.2.17 / 2.2.18 ---- */

#define SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB	0x0001

/* @postquery asks the server for the attributes at close time. */
int smb3mc_build_close(void *buf, size_t size, const struct smb3mc_fid *fid,
		       bool postquery);
/*
 * Fills TIMES | SIZES | ATTRIBUTES of @attrs when the server returned
 * them (Flags has POSTQUERY_ATTRIB), leaves @attrs untouched otherwise.
 */
int smb3mc_parse_close(const void *msg, size_t len,
		       struct smb3mc_file_attrs *attrs);

int smb3mc_build_flush(void *buf, size_t size, const struct smb3mc_fid *fid);
int smb3mc_parse_flush(const void *msg, size_t len);

/* ---- READ, MS-SMB2 2.2.19 / 2.2.20; WRITE, 2.2.21 / 2.2.22 ---- */

#define SMB2_WRITEFLAG_WRITE_THROUGH	0x00000001
#define SMB2_WRITEFLAG_WRITE_UNBUFFERED	0x00000002

/* Where WRITE data starts: 64-byte header + 48-byte fixed body */
#define SMB3MC_WRITE_DATA_OFFSET	0x70

/*
 * READ request for @length bytes at @offset; the request is returned with
 * its 1-byte Buffer (113 bytes) since the StructureSize 49 counts it.
 * @padding is the DataOffset the client would like in the response
 * (0: server's choice). Channel is SMB2_CHANNEL_NONE.
 */
int smb3mc_build_read(void *buf, size_t size, const struct smb3mc_fid *fid,
		      u64 offset, u32 length, u32 min_count, u8 padding);

struct smb3mc_read_rsp {
	const u8 *data;		/* into msg, or NULL if not within @len */
	u32 data_offset;	/* from the start of the SMB2 header */
	u32 data_length;
	u32 data_remaining;
};

/*
 * @len bytes of the message are in @msg (at least header + 16-byte body);
 * @total_len is the whole message length from the transport framing
 * (>= @len). DataOffset/DataLength are validated against @total_len so a
 * channel that receives the payload straight into pages can parse the
 * first bytes only; rsp->data is set when the data lies within @len.
 */
int smb3mc_parse_read(const void *msg, size_t len, size_t total_len,
		      struct smb3mc_read_rsp *rsp);

/* What precedes the data of a READ response: header and fixed body. */
#define SMB3MC_READ_RSP_HEAD	(SMB2_HDR_SIZE + 16)

/*
 * @head holds the first SMB3MC_READ_RSP_HEAD bytes of a framed message of
 * @total_len bytes. Returns the DataLength of a successful READ response
 * whose data runs from its DataOffset (stored in @data_offset) to the end
 * of the message, so that a channel can receive that data straight into
 * the reader's pages; 0 for every other message, which is then received
 * whole (and a malformed one reported by the ordinary parsers).
 */
u32 smb3mc_read_rsp_data(const void *head, size_t total_len,
			 u32 *data_offset);

/*
 * WRITE request header + body for @length bytes at @offset; returns
 * SMB3MC_WRITE_DATA_OFFSET. The data is not copied: the channel sends it
 * right after, as a separate buffer or page vector. @flags:
 * SMB2_WRITEFLAG_*.
 */
int smb3mc_build_write(void *buf, size_t size, const struct smb3mc_fid *fid,
		       u64 offset, u32 length, u32 flags);
int smb3mc_parse_write(const void *msg, size_t len, u32 *count);

/* ---- LOCK, MS-SMB2 2.2.26 / 2.2.27 (pdu_lock.c) ---- */

/* Flags of an SMB2_LOCK_ELEMENT, MS-SMB2 2.2.26.1 */
#define SMB2_LOCKFLAG_SHARED_LOCK	0x00000001
#define SMB2_LOCKFLAG_EXCLUSIVE_LOCK	0x00000002
#define SMB2_LOCKFLAG_UNLOCK		0x00000004
#define SMB2_LOCKFLAG_FAIL_IMMEDIATELY	0x00000010

/* One range of a LOCK request; host byte order. */
struct smb3mc_lock_range {
	u64 offset;
	u64 length;		/* 0 is a valid, empty range */
	u32 flags;		/* SMB2_LOCKFLAG_* */
};

/* Most ranges one request built here carries. */
#define SMB3MC_LOCK_MAX_RANGES	64

/* A LOCK request: header and fixed body, then 24 bytes per range. */
#define SMB3MC_LOCK_REQ_FIXED	(SMB2_HDR_SIZE + 24)
#define SMB3MC_LOCK_ELEMENT	24

static inline size_t smb3mc_lock_req_size(unsigned int n)
{
	return SMB3MC_LOCK_REQ_FIXED + SMB3MC_LOCK_ELEMENT * (size_t)n;
}

/*
 * LOCK request on @fid for @count ranges (1 .. SMB3MC_LOCK_MAX_RANGES),
 * all unlocks or all locks (MS-SMB2 3.3.5.14): a lock is SHARED or
 * EXCLUSIVE, optionally with FAIL_IMMEDIATELY, which every range of a
 * request with more than one lock must have; an unlock is UNLOCK alone.
 * A range must not run past 2^64 - 1 (MS-FSA 2.1.5.7). LockSequence
 * (MS-SMB2 2.2.26): @lock_sequence from smb3mc_lock_seq_take(), 0 when
 * the handle is neither resilient nor durable (3.2.4.19).
 */
int smb3mc_build_lock(void *buf, size_t size, const struct smb3mc_fid *fid,
		      u32 lock_sequence,
		      const struct smb3mc_lock_range *ranges,
		      unsigned int count);
int smb3mc_parse_lock(const void *msg, size_t len);

/*
 * The lock sequence buckets of a durable handle (MS-SMB2 3.2.1.6
 * Open.OperationBuckets): LockSequenceIndex 1 .. 64 names one, and its
 * LockSequenceNumber went up by one for each LOCK that used it. A LOCK
 * sent again after its connection was lost carries the same pair, and a
 * server that applied it already answers it without applying it twice
 * (3.3.5.14). Zeroed: every bucket free.
 */
#define SMB3MC_LOCK_BUCKETS	64

struct smb3mc_lock_seq {
	u64 busy;			/* bit i: bucket i + 1 has a LOCK out */
	u8 number[SMB3MC_LOCK_BUCKETS];	/* its last LockSequenceNumber */
};

u32 smb3mc_lock_seq_take(struct smb3mc_lock_seq *seq);
void smb3mc_lock_seq_put(struct smb3mc_lock_seq *seq, u32 lock_sequence);

/* ---- Leases, MS-SMB2 2.2.13.2.10, 2.2.14.2.10, 2.2.23.2 - 2.2.25.2 ---- */

/* LeaseState, MS-SMB2 2.2.13.2.8 */
#define SMB2_LEASE_READ_CACHING		0x01
#define SMB2_LEASE_HANDLE_CACHING	0x02
#define SMB2_LEASE_WRITE_CACHING	0x04
#define SMB2_LEASE_STATES		(SMB2_LEASE_READ_CACHING | \
					 SMB2_LEASE_HANDLE_CACHING | \
					 SMB2_LEASE_WRITE_CACHING)

/* Flags of a granted lease, MS-SMB2 2.2.14.2.10 */
#define SMB2_LEASE_FLAG_BREAK_IN_PROGRESS	0x02

/* Flags of a Lease Break Notification, MS-SMB2 2.2.23.2 */
#define SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED	0x01

#define SMB3MC_LEASE_KEY_SIZE	16

/*
 * A lease as asked for in CREATE (@key, @state) and as the server grants
 * it (the same, @epoch and @v2: a v1 context carries no epoch).
 */
struct smb3mc_lease {
	u8 key[SMB3MC_LEASE_KEY_SIZE];
	u32 state;		/* SMB2_LEASE_* */
	u16 epoch;
	bool v2;
	bool breaking;		/* granted with a break of it under way */
};

/* The SMB2_CREATE_REQUEST_LEASE_V2 context smb3mc_build_create() adds. */
#define SMB3MC_LEASE_CTX_SIZE	(16 + 8 + 52)
void smb3mc_lease_ctx_fill(void *buf, const struct smb3mc_lease *lease);

/*
 * The lease context in the CreateContexts of a CREATE response
 * (smb3mc_create_rsp.contexts): 0 with @lease filled, -ENOENT when there
 * is none, -EIO when the chain or the context is malformed.
 */
int smb3mc_parse_lease_ctx(const u8 *ctx, u32 len, struct smb3mc_lease *lease);

/* A Lease Break Notification, MS-SMB2 2.2.23.2; host byte order. */
struct smb3mc_lease_break {
	u8 key[SMB3MC_LEASE_KEY_SIZE];
	u32 flags;		/* SMB2_NOTIFY_BREAK_LEASE_FLAG_* */
	u32 current_state;
	u32 new_state;		/* a subset of @current_state */
	u16 epoch;		/* NewEpoch */
};

/*
 * A break notification (MessageId all ones, MS-SMB2 3.2.5.19): 0 for a
 * well-formed lease break, -EIO for anything else, an oplock break too.
 */
int smb3mc_parse_lease_break(const void *msg, size_t len,
			     struct smb3mc_lease_break *brk);

/*
 * Lease Break Acknowledgment (MS-SMB2 2.2.24.2) of the lease @key,
 * keeping @state, and its response (2.2.25.2), which must name @key.
 */
int smb3mc_build_lease_ack(void *buf, size_t size, const u8 *key, u32 state);
int smb3mc_parse_lease_ack(const void *msg, size_t len, const u8 *key,
			   u32 *state);

/*
 * @epoch is later than @held: a v2 lease's epoch counts its state changes
 * (MS-SMB2 2.2.14.2.10, 2.2.23.2 NewEpoch) and wraps at 16 bits.
 */
static inline bool smb3mc_lease_epoch_newer(u16 held, u16 epoch)
{
	return (s16)(epoch - held) > 0;
}

/*
 * A CREATE granted @got, of the key of @held: make it the lease held
 * (*@held_valid set) unless @held is in force with a later epoch already.
 * Returns whether @held changed.
 */
bool smb3mc_lease_grant(struct smb3mc_lease *held, bool *held_valid,
			const struct smb3mc_lease *got);

/* What a client does for a break of a lease it holds (3.2.5.19.2). */
struct smb3mc_lease_plan {
	u32 state;		/* kept: what the ack says, and the new state */
	bool stale;		/* an epoch already seen: nothing to do */
	bool write_back;	/* write caching lost: write dirty data back */
	bool drop_cache;	/* read caching lost: drop cached pages */
	bool ack;		/* the server waits for an acknowledgment */
};

void smb3mc_lease_break_plan(const struct smb3mc_lease *held, bool held_valid,
			     const struct smb3mc_lease_break *brk,
			     struct smb3mc_lease_plan *plan);
bool smb3mc_lease_break_apply(struct smb3mc_lease *held, bool *held_valid,
			      bool awaited,
			      const struct smb3mc_lease_break *brk,
			      const struct smb3mc_lease_plan *plan);

/* ---- QUERY_INFO, MS-SMB2 2.2.37 / 2.2.38; SET_INFO, 2.2.39 / 2.2.40 ---- */

/* InfoType, MS-SMB2 2.2.37 */
#define SMB2_0_INFO_FILE	0x01
#define SMB2_0_INFO_FILESYSTEM	0x02
#define SMB2_0_INFO_SECURITY	0x03
#define SMB2_0_INFO_QUOTA	0x04

/* File information classes, MS-FSCC 2.4 */
#define FileBasicInformation			4
#define FileStandardInformation			5
#define FileInternalInformation			6
#define FileEaInformation			7
#define FileAccessInformation			8
#define FileNameInformation			9
#define FileRenameInformation			10
#define FileLinkInformation			11
#define FileDispositionInformation		13
#define FilePositionInformation			14
#define FileModeInformation			16
#define FileAlignmentInformation		17
#define FileAllInformation			18
#define FileEndOfFileInformation		20
#define FileNetworkOpenInformation		34
#define FileIdBothDirectoryInformation		37
#define FileIdFullDirectoryInformation		38

/* File system information classes, MS-FSCC 2.5 */
#define FileFsSizeInformation			3
#define FileFsAttributeInformation		5
#define FileFsFullSizeInformation		7

/* Security AdditionalInformation, MS-SMB2 2.2.37 */
#define OWNER_SECURITY_INFORMATION	0x00000001
#define GROUP_SECURITY_INFORMATION	0x00000002
#define DACL_SECURITY_INFORMATION	0x00000004

/* Output sizes of the fixed-size classes, for OutputBufferLength */
#define SMB3MC_BASIC_INFO_SIZE		40	/* MS-FSCC 2.4.7 */
#define SMB3MC_STANDARD_INFO_SIZE	24	/* MS-FSCC 2.4.41 */
#define SMB3MC_NETWORK_OPEN_INFO_SIZE	56	/* MS-FSCC 2.4.29 */
#define SMB3MC_ALL_INFO_FIXED_SIZE	100	/* MS-FSCC 2.4.2, w/o name */
#define SMB3MC_FS_FULL_SIZE_INFO_SIZE	32	/* MS-FSCC 2.5.4 */
#define SMB3MC_FS_ATTR_INFO_FIXED_SIZE	12	/* MS-FSCC 2.5.1, w/o name */

/*
 * QUERY_INFO without an input buffer (InputBufferOffset 0); the 1-byte
 * Buffer counted by StructureSize 41 is included (105 bytes).
 */
int smb3mc_build_query_info(void *buf, size_t size,
			    const struct smb3mc_fid *fid, u8 info_type,
			    u8 info_class, u32 output_len, u32 additional_info);
/* The returned OutputBuffer; *out is NULL when *out_len is 0. */
int smb3mc_parse_query_info(const void *msg, size_t len, const u8 **out,
			    u32 *out_len);

/*
 * Parsers of a QUERY_INFO OutputBuffer (not a whole message): @buf/@len
 * as returned by smb3mc_parse_query_info(). 0 or -EIO.
 */
int smb3mc_parse_basic_info(const u8 *buf, u32 len,
			    struct smb3mc_file_attrs *a);
int smb3mc_parse_standard_info(const u8 *buf, u32 len,
			       struct smb3mc_file_attrs *a);
int smb3mc_parse_network_open_info(const u8 *buf, u32 len,
				   struct smb3mc_file_attrs *a);
/* FileInternalInformation, MS-FSCC 2.4.22: INDEX only. */
int smb3mc_parse_internal_info(const u8 *buf, u32 len,
			       struct smb3mc_file_attrs *a);
/* FileNameInformation part: *name (UTF-16LE, as the server has it) and
 * *name_len in bytes; a truncated name (STATUS_BUFFER_OVERFLOW) is -EIO,
 * so ask for SMB3MC_ALL_INFO_FIXED_SIZE + room for the name.
 */
int smb3mc_parse_all_info(const u8 *buf, u32 len, struct smb3mc_file_attrs *a,
			  const __le16 **name, u32 *name_len);

/* FileFsFullSizeInformation, MS-FSCC 2.5.4 */
struct smb3mc_fs_size {
	u64 total_units;
	u64 caller_avail_units;
	u64 actual_avail_units;
	u32 sectors_per_unit;
	u32 bytes_per_sector;
};

int smb3mc_parse_fs_full_size_info(const u8 *buf, u32 len,
				   struct smb3mc_fs_size *fs);

/* FileSystemAttributes, MS-FSCC 2.5.1 */
#define FILE_CASE_SENSITIVE_SEARCH	0x00000001
#define FILE_CASE_PRESERVED_NAMES	0x00000002
#define FILE_UNICODE_ON_DISK		0x00000004
#define FILE_PERSISTENT_ACLS		0x00000008
#define FILE_SUPPORTS_SPARSE_FILES	0x00000040
#define FILE_SUPPORTS_REPARSE_POINTS	0x00000080
#define FILE_SUPPORTS_HARD_LINKS	0x00400000

/* FileFsAttributeInformation, MS-FSCC 2.5.1 */
struct smb3mc_fs_attr {
	u32 attributes;			/* FILE_CASE_SENSITIVE_SEARCH, ... */
	u32 max_name_len;		/* MaximumComponentNameLength */
	const __le16 *fs_name;		/* e.g. "NTFS", UTF-16LE */
	u32 fs_name_len;		/* bytes */
};

int smb3mc_parse_fs_attr_info(const u8 *buf, u32 len,
			      struct smb3mc_fs_attr *fsa);

/*
 * Special values of the times in FileBasicInformation for SET_INFO,
 * MS-FSCC 2.4.7: 0 leaves the time unchanged, -1 stops the server from
 * updating it for later operations on this handle, -2 resumes that.
 */
#define SMB3MC_NT_TIME_NOCHANGE	0ULL
#define SMB3MC_NT_TIME_FREEZE	((u64)-1)
#define SMB3MC_NT_TIME_UNFREEZE	((u64)-2)

/* FileBasicInformation for SET_INFO; attributes 0 = unchanged, so to clear
 * every attribute pass FILE_ATTRIBUTE_NORMAL (MS-FSCC 2.4.7).
 */
struct smb3mc_set_basic {
	u64 creation_time;
	u64 last_access_time;
	u64 last_write_time;
	u64 change_time;
	u32 attributes;
};

/* SET_INFO requests (InfoType FILE) for the classes the client sets */
int smb3mc_build_set_basic(void *buf, size_t size,
			   const struct smb3mc_fid *fid,
			   const struct smb3mc_set_basic *basic);
int smb3mc_build_set_eof(void *buf, size_t size, const struct smb3mc_fid *fid,
			 u64 end_of_file);
int smb3mc_build_set_disposition(void *buf, size_t size,
				 const struct smb3mc_fid *fid,
				 bool delete_pending);
/*
 * FileRenameInformation / FileLinkInformation, the SMB2 variant (MS-FSCC
 * 2.4.41.2 and 2.4.27.2; older revisions number the first 2.4.37.2):
 * RootDirectory 0, @target (UTF-16LE, relative to the share root, no
 * leading backslash, @target_len bytes, even, > 0).
 */
int smb3mc_build_set_rename(void *buf, size_t size,
			    const struct smb3mc_fid *fid,
			    const __le16 *target, u16 target_len,
			    bool replace_if_exists);
int smb3mc_build_set_link(void *buf, size_t size,
			  const struct smb3mc_fid *fid,
			  const __le16 *target, u16 target_len,
			  bool replace_if_exists);
int smb3mc_parse_set_info(const void *msg, size_t len);

/* NT time <-> timespec64 (MS-FSCC 2.1.1); see pdu_info.c for clamping */
struct timespec64 smb3mc_nt_to_timespec64(u64 nt);
u64 smb3mc_timespec64_to_nt(struct timespec64 ts);

/* ---- QUERY_DIRECTORY, MS-SMB2 2.2.33 / 2.2.34 ---- */

/* Flags, MS-SMB2 2.2.33 */
#define SMB2_RESTART_SCANS		0x01
#define SMB2_RETURN_SINGLE_ENTRY	0x02
#define SMB2_INDEX_SPECIFIED		0x04
#define SMB2_REOPEN			0x10

/*
 * Directory listing with FileIdFullDirectoryInformation (MS-FSCC 2.4.18),
 * the class the iterator parses: @pattern is the UTF-16LE search pattern
 * (e.g. "*"), @pattern_len bytes, even and > 0.
 */
int smb3mc_build_query_directory(void *buf, size_t size,
				 const struct smb3mc_fid *fid, u8 flags,
				 u32 file_index, const __le16 *pattern,
				 u16 pattern_len, u32 output_len);

struct smb3mc_dir_iter {
	const u8 *buf;		/* OutputBuffer, into the message */
	u32 len;
	u32 pos;		/* offset of the next entry */
	bool done;
};

struct smb3mc_dir_entry {
	const __le16 *name;	/* UTF-16LE, into the message */
	u32 name_len;		/* bytes, even */
	u32 file_index;
	struct smb3mc_file_attrs attrs;	/* all but NLINK */
};

/* Validates the response and sets up @it over its OutputBuffer. */
int smb3mc_parse_query_directory(const void *msg, size_t len,
				 struct smb3mc_dir_iter *it);
/* 1 with *ent filled, 0 at the end, -EIO on a malformed entry (and then
 * 0 forever after).
 */
int smb3mc_dir_next(struct smb3mc_dir_iter *it, struct smb3mc_dir_entry *ent);

/* ---- IOCTL, MS-SMB2 2.2.31 / 2.2.32 ---- */

#define SMB2_0_IOCTL_IS_FSCTL			0x00000001

#define FSCTL_QUERY_NETWORK_INTERFACE_INFO	0x001401fc
#define FSCTL_VALIDATE_NEGOTIATE_INFO		0x00140204

/* Input starts at InputOffset 0x78 (64 + 56) */
#define SMB3MC_IOCTL_INPUT_OFFSET		0x78

/*
 * Generic IOCTL request; @fid NULL means the all-ones FileId used by
 * FSCTLs that are not on an open file (MS-SMB2 2.2.31). @in is copied;
 * with @in_len 0 InputOffset is 0 and the 1-byte Buffer is included.
 * @flags: SMB2_0_IOCTL_IS_FSCTL or 0.
 */
int smb3mc_build_ioctl(void *buf, size_t size, u32 ctl_code,
		       const struct smb3mc_fid *fid, const void *in,
		       u32 in_len, u32 max_out, u32 flags);
/* Checks CtlCode == @ctl_code; *out is NULL when *out_len is 0. */
int smb3mc_parse_ioctl(const void *msg, size_t len, u32 ctl_code,
		       const u8 **out, u32 *out_len);

/* Capability bits of NETWORK_INTERFACE_INFO, MS-SMB2 2.2.32.5 */
#define RSS_CAPABLE	0x00000001
#define RDMA_CAPABLE	0x00000002

/*
 * At most this many interfaces are parsed from one server reply, and of
 * those a channel may go to, this many kept: a server may list addresses
 * no channel may go to (ksmbd lists each NIC's link-local one) first.
 */
#define SMB3MC_MAX_IFACES_LISTED	64
#define SMB3MC_MAX_IFACES		16

/* The LinkSpeed an interface is taken to have at most: 1 Pb/s */
#define SMB3MC_LINK_SPEED_MAX	(1ULL << 50)

struct smb3mc_iface {
	u16 family;			/* AF_INET or AF_INET6 (Linux values) */
	struct sockaddr_storage addr;	/* sockaddr_in / sockaddr_in6 */
	u64 speed_bps;			/* LinkSpeed, bits per second */
	bool rss;
	bool rdma;
	u32 if_index;
};

/* FSCTL_QUERY_NETWORK_INTERFACE_INFO on the all-ones FileId, no input */
int smb3mc_build_query_ifaces(void *buf, size_t size, u32 max_out);
/*
 * Parses the IOCTL response into up to @max entries (a larger @max is
 * clamped to SMB3MC_MAX_IFACES_LISTED) and returns how many, or -EIO. A
 * broken chain (Next not advancing by a whole entry, overrun) rejects the
 * reply; entries of an unknown address family are skipped; entries past
 * @max are dropped.
 */
int smb3mc_parse_query_ifaces(const void *msg, size_t len,
			      struct smb3mc_iface *ifaces, unsigned int max);
/* Stable sort: fastest first, RSS-capable first among equal speeds */
void smb3mc_sort_ifaces(struct smb3mc_iface *ifaces, unsigned int n);

/* VALIDATE_NEGOTIATE_INFO response, MS-SMB2 2.2.32.6; host order */
struct smb3mc_vneg_info {
	u32 capabilities;
	u8 guid[16];
	u16 security_mode;
	u16 dialect;
};

/* The whole IOCTL request carrying VALIDATE_NEGOTIATE_INFO (2.2.31.4) */
int smb3mc_build_validate_negotiate(void *buf, size_t size, u32 capabilities,
				    const u8 *guid, u16 security_mode,
				    const u16 *dialects,
				    unsigned int dialect_count);
int smb3mc_parse_validate_negotiate(const void *msg, size_t len,
				    struct smb3mc_vneg_info *info);

/* ---- Helpers shared by the pdu_*.c builders and parsers ---- */

/*
 * Zeroes @total bytes of @buf and initialises the header. Returns the
 * body, right after the header, or NULL if @total does not fit in @size.
 */
static inline void *smb3mc_req_start(void *buf, size_t size, size_t total,
				     enum smb2_command cmd)
{
	if (total > size)
		return NULL;
	memset(buf, 0, total);
	smb3mc_hdr_init(buf, cmd);
	return (u8 *)buf + SMB2_HDR_SIZE;
}

/* SMB2_CREATE_CONTEXT, MS-SMB2 2.2.13.2: the fixed part before Buffer */
struct smb2_create_ctx {
	__le32 next;
	__le16 name_offset;
	__le16 name_length;
	__le16 reserved;
	__le16 data_offset;
	__le32 data_length;
} __packed;
static_assert(sizeof(struct smb2_create_ctx) == 16);

/*
 * CreationTime, LastAccessTime, LastWriteTime and ChangeTime, in this
 * order wherever they appear: the CREATE and CLOSE responses (MS-SMB2
 * 2.2.14, 2.2.16) and FileBasicInformation, FileNetworkOpenInformation and
 * FileIdFullDirectoryInformation (MS-FSCC 2.4.7, 2.4.29, 2.4.18).
 */
struct smb2_file_times {
	__le64 creation_time;
	__le64 last_access_time;
	__le64 last_write_time;
	__le64 change_time;
} __packed;
static_assert(sizeof(struct smb2_file_times) == 32);

/* Fill TIMES | ATTRIBUTES of @a (and is_dir) from the wire. */
static inline void smb3mc_attrs_times(struct smb3mc_file_attrs *a,
				      const struct smb2_file_times *t,
				      __le32 file_attributes)
{
	a->creation_time = le64_to_cpu(t->creation_time);
	a->last_access_time = le64_to_cpu(t->last_access_time);
	a->last_write_time = le64_to_cpu(t->last_write_time);
	a->change_time = le64_to_cpu(t->change_time);
	a->attributes = le32_to_cpu(file_attributes);
	a->is_dir = a->attributes & FILE_ATTRIBUTE_DIRECTORY;
	a->valid |= SMB3MC_ATTR_TIMES | SMB3MC_ATTR_ATTRIBUTES;
}

/*
 * Fill SIZES of @a from the wire. The two sizes come in either order
 * (AllocationSize first but in the directory entries), so they are passed
 * by name.
 */
static inline void smb3mc_attrs_sizes(struct smb3mc_file_attrs *a,
				      __le64 allocation_size,
				      __le64 end_of_file)
{
	a->allocation_size = le64_to_cpu(allocation_size);
	a->end_of_file = le64_to_cpu(end_of_file);
	a->valid |= SMB3MC_ATTR_SIZES;
}

/*
 * Fill INDEX of @a from the wire. MS-FSCC 2.1.9: a file system without
 * 64-bit file ids sends 0, and one that cannot establish a unique id for
 * a file sends all ones; both are to be ignored and become 0, "no id".
 */
static inline void smb3mc_attrs_index(struct smb3mc_file_attrs *a,
				      __le64 file_id)
{
	a->index_number = le64_to_cpu(file_id);
	if (a->index_number == U64_MAX)
		a->index_number = 0;
	a->valid |= SMB3MC_ATTR_INDEX;
}

#endif /* SMB3MC_PDU_FILE_H */
