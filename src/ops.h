/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File operations as C calls: each builds its PDUs, sends them on a
 * channel the session picks and returns a kernel errno. The VFS layer
 * above sees paths, attributes and decoded directory entries, never PDU
 * bytes, and the tree connect only as a pointer to pass back.
 */
#ifndef SMB3MC_OPS_H
#define SMB3MC_OPS_H

#include <linux/limits.h>
#include <linux/socket.h>

#include "pdu_file.h"

struct smb3mc_open;
struct smb3mc_req;
struct smb3mc_tcon;

/*
 * A lease smb3mc_open() asks for (MS-SMB2 3.2.4.3.8), and what it got;
 * with handle caching, a durable handle too (3.2.4.3.10).
 */
struct smb3mc_open_lease {
	struct smb3mc_lease want;	/* key and state */
	struct smb3mc_lease got;	/* valid when @granted */
	bool granted;
	unsigned int gen;		/* see smb3mc_share_gen() */
	/* CreateGuid asked with; timeout and flags valid when @durable */
	struct smb3mc_durable dh;
	bool durable;
};

/* What smb3mc_open() asks of the server. */
struct smb3mc_open_args {
	u32 access;		/* DesiredAccess */
	u32 disposition;	/* FILE_OPEN, FILE_CREATE, ... */
	u32 options;		/* FILE_DIRECTORY_FILE, ... */
	u32 attributes;		/* for a file being created */
	/* A lease to ask for, if the server grants any; or NULL */
	struct smb3mc_open_lease *lease;
};

/* What a mount shows of the session its share is on. */
struct smb3mc_share_info {
	u16 dialect;
	bool sign;			/* every request is signed */
	bool seal;			/* every request is encrypted */
	bool soft;			/* fails while the server is lost */
	unsigned int soft_timeout;	/* after this many seconds */
	bool gcm256_only;		/* require_gcm_256 */
	unsigned int max_channels;
	unsigned int echo_interval;	/* seconds */
	const char *username;
	const char *domain;
	const struct sockaddr_storage *addr;	/* the server mounted */
};

/* A directory being listed (ops_dir.c). */
struct smb3mc_dir_list;

/* One entry of a listing, decoded. */
struct smb3mc_dirent {
	const char *name;	/* UTF-8, @name_len bytes; until the next call */
	int name_len;
	/* As listed: all but the link count; the file id 0 if it has none */
	struct smb3mc_file_attrs attrs;
	/* @attrs passed smb3mc_attrs_check() as sent, and may be cached */
	bool attrs_ok;
	unsigned long asked;	/* jiffies: when the server was asked */
};

/* Room for any request header and fixed body the operations build. */
#define SMB3MC_SMALL_REQ	256
/* A path from the share root in UTF-16LE, as a CREATE names it. */
#define SMB3MC_NAME_MAX		(2 * PATH_MAX)
/* A CREATE with its name and contexts. */
#define SMB3MC_OPEN_REQ		(SMB3MC_SMALL_REQ + SMB3MC_NAME_MAX)
/*
 * FileAllInformation with room for the longest name, which is the file's
 * whole path from the share root, not its last component (MS-FSCC 2.4.2,
 * FileNameInformation): up to PATH_MAX UTF-16 code units for a path
 * smb3mc_dentry_path() can give. A smaller buffer gets
 * STATUS_BUFFER_OVERFLOW, -EOVERFLOW from stat(2) of a deep file.
 */
#define SMB3MC_ALL_INFO_BUF	(SMB3MC_ALL_INFO_FIXED_SIZE + 2 * PATH_MAX + 8)

/* ops.c: opening, closing, attributes */
struct smb3mc_compound *smb3mc_open_compound(const char *path,
					     const struct smb3mc_open_args *args,
					     size_t more);
struct smb3mc_compound *
smb3mc_open_compound_kept(struct smb3mc_tcon *tcon, const char *path,
			  const struct smb3mc_open_args *args, size_t more);
int smb3mc_type_refuse(struct smb3mc_tcon *tcon, const char *path,
		       const char *first, bool first_dir, const char *then,
		       bool then_dir);
int smb3mc_attrs_take(struct smb3mc_tcon *tcon, u16 cmd,
		      struct smb3mc_file_attrs *attrs);
int smb3mc_all_info_take(struct smb3mc_tcon *tcon, const void *rsp,
			 size_t len, struct smb3mc_file_attrs *attrs);
int smb3mc_all_info_agree(struct smb3mc_tcon *tcon, const char *path,
			  const void *rsp, size_t len,
			  struct smb3mc_file_attrs *attrs);
int smb3mc_open_answer(struct smb3mc_tcon *tcon, const char *path,
		       const struct smb3mc_open_args *args,
		       const struct smb3mc_req *req, struct smb3mc_fid *fid);
int smb3mc_open(struct smb3mc_tcon *tcon, const char *path,
		const struct smb3mc_open_args *args, struct smb3mc_fid *fid,
		struct smb3mc_file_attrs *attrs);
int smb3mc_close(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid);
void smb3mc_close_nowait(struct smb3mc_tcon *tcon,
			 const struct smb3mc_fid *fid);
bool smb3mc_tcon_reachable(struct smb3mc_tcon *tcon);
struct smb3mc_open *smb3mc_handle_keep(struct smb3mc_tcon *tcon,
				       const char *path,
				       const struct smb3mc_open_args *args,
				       u64 index, struct smb3mc_fid *fid);
void smb3mc_handle_rename(struct smb3mc_open *open, const char *path);
void smb3mc_handle_close(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
			 const struct smb3mc_fid *fid);
int smb3mc_query_attrs(struct smb3mc_tcon *tcon, const struct smb3mc_fid *fid,
		       struct smb3mc_file_attrs *attrs);
int smb3mc_open_query(struct smb3mc_tcon *tcon, const char *path,
		      const struct smb3mc_open_args *args,
		      struct smb3mc_fid *fid, struct smb3mc_file_attrs *attrs);
int smb3mc_statfs(struct smb3mc_tcon *tcon, struct smb3mc_fs_size *fs);
void smb3mc_share_info(const struct smb3mc_tcon *tcon,
		       struct smb3mc_share_info *info);

/* ops_path.c: a path opened for one request only */
typedef int (*smb3mc_path_build_fn)(void *buf, size_t size,
				    const struct smb3mc_fid *fid,
				    const void *arg);
int smb3mc_path_set_info(struct smb3mc_tcon *tcon, const char *path,
			 const struct smb3mc_open_args *args,
			 smb3mc_path_build_fn build, const void *arg,
			 size_t size, bool *again);
int smb3mc_query_path(struct smb3mc_tcon *tcon, const char *path,
		      struct smb3mc_file_attrs *attrs);

/* ops_lease.c: leases */
bool smb3mc_share_leasing(const struct smb3mc_tcon *tcon);
unsigned int smb3mc_share_gen(const struct smb3mc_tcon *tcon);
bool smb3mc_op_redo(const struct smb3mc_tcon *tcon, unsigned int gen,
		    unsigned int attempt, int rc);
void smb3mc_share_on_lease_break(struct smb3mc_tcon *tcon,
				 bool (*handler)(void *owner,
						 const struct smb3mc_lease_break *brk),
				 void *owner);
int smb3mc_lease_ack(struct smb3mc_tcon *tcon, const u8 *key, u32 state);

/* ops_lock.c: byte-range locks on an open handle */
int smb3mc_lock(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
		const struct smb3mc_fid *fid, u64 offset, u64 length,
		bool exclusive, bool wait);
int smb3mc_unlock(struct smb3mc_tcon *tcon, struct smb3mc_open *open,
		  const struct smb3mc_fid *fid, u64 offset, u64 length);

int smb3mc_dir_list_open(struct smb3mc_tcon *tcon, const char *path,
			 struct smb3mc_dir_list **listp);
void smb3mc_dir_list_close(struct smb3mc_dir_list *list);
bool smb3mc_dir_list_stale(const struct smb3mc_dir_list *list);
int smb3mc_dir_list_restart(struct smb3mc_dir_list *list);
int smb3mc_dir_list_next(struct smb3mc_dir_list *list,
			 struct smb3mc_dirent *ent);
void smb3mc_dir_list_unget(struct smb3mc_dir_list *list);

#endif /* SMB3MC_OPS_H */
