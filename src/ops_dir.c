// SPDX-License-Identifier: GPL-2.0
/*
 * Directory listings: QUERY_DIRECTORY continued until
 * STATUS_NO_MORE_FILES (MS-SMB2 3.2.4.17), each response decoded entry by
 * entry (pdu_dir.c) into names the VFS can show.
 */

#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/stringify.h>

#include "nterr.h"
#include "ops.h"
#include "session.h"
#include "unicode.h"

/* Room for the QUERY_DIRECTORY request. */
#define SMB3MC_DIR_REQ		256
/* QUERY_DIRECTORY asks for this much per round trip. */
#define SMB3MC_DIR_BUF		(64 * 1024)
/*
 * Names in a row the listing may skip: a server could list such names
 * for ever, while the reader waits for one it can show.
 */
#define SMB3MC_DIR_SKIP_MAX	65536
/*
 * Times a listing starts again after a query of it sent again: a link
 * that fails as often as a listing takes would have it list for ever.
 */
#define SMB3MC_DIR_AGAIN	8

struct smb3mc_dir_list {
	struct smb3mc_tcon *tcon;
	struct smb3mc_fid fid;
	void *rsp;			/* the response @it walks */
	struct smb3mc_dir_iter it;
	struct smb3mc_dir_iter prev;	/* before the entry last returned */
	unsigned long asked;		/* jiffies: @rsp's request sent */
	unsigned int dots;		/* "." and ".." since the (re)start */
	unsigned int skipped;		/* names skipped since the last entry */
	unsigned int given;		/* entries returned since the (re)start */
	unsigned int pass;		/* ... to pass over once listed again */
	unsigned int again;		/* times listed again so (SMB3MC_DIR_AGAIN) */
	int err;			/* the refusal that ended it */
	bool eof;
	char name[NAME_MAX + 1];
};

static bool is_dot_or_dotdot(const char *name, int len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/*
 * A listing the server spoiled stays failed until it is restarted: a
 * getdents() that failed after it returned some entries succeeds with
 * those, and the next one must not take the listing up again.
 */
static int dir_list_refuse(struct smb3mc_dir_list *list, const char *what)
{
	list->err = smb3mc_rsp_refuse(list->tcon->ses, SMB2_QUERY_DIRECTORY,
				      what);
	return list->err;
}

/*
 * The entries one QUERY_DIRECTORY of @tcon asks for: SMB3MC_DIR_BUF bytes,
 * or the server's MaxTransactSize if less (MS-SMB2 3.2.4.17; a server
 * refuses more, 3.3.5.18).
 */
static u32 dir_out_len(const struct smb3mc_tcon *tcon)
{
	return min_t(u32, SMB3MC_DIR_BUF, READ_ONCE(tcon->ses->max_trans));
}

/* QUERY_DIRECTORY of every name on @fid, for @out_len bytes. */
static int dir_query_build(void *buf, size_t size,
			   const struct smb3mc_fid *fid, u8 flags, u32 out_len)
{
	static const __le16 star[] = { cpu_to_le16('*') };

	return smb3mc_build_query_directory(buf, size, fid, flags, 0, star,
					    sizeof(star), out_len);
}

/*
 * The answer @req to a QUERY_DIRECTORY, which ended with @rc: its
 * response becomes the one @list walks, or the listing is at its end.
 */
static int dir_list_take(struct smb3mc_dir_list *list,
			 struct smb3mc_req *req, int rc)
{
	if (rc == -ENODATA ||
	    (!req->rc && req->status == STATUS_NO_MORE_FILES)) {
		list->eof = true;
		return 0;
	}
	if (rc)
		return rc;
	if (smb3mc_parse_query_directory(req->rsp, req->rsp_len, &list->it))
		return dir_list_refuse(list, "malformed");
	list->rsp = req->rsp;
	req->rsp = NULL;
	return 0;
}

/**
 * smb3mc_dir_list_stale - whether @list's handle is gone
 * @list: the listing
 *
 * A handle of a session the server lost names nothing in the new one,
 * which opens no directory again (tcon_reopen() is for files): the
 * listing fails (-ESTALE), and its directory is to be opened again.
 */
bool smb3mc_dir_list_stale(const struct smb3mc_dir_list *list)
{
	return list->fid.gen != smb3mc_share_gen(list->tcon);
}

/*
 * Replace the response by the next one, or the first one again when
 * @restart; at the end of the listing set @list->eof.
 */
static int dir_list_fill(struct smb3mc_dir_list *list, bool restart)
{
	u32 out_len = dir_out_len(list->tcon);
	struct smb3mc_call *call;
	int rc;

	/* Until a response parses, @it walks nothing: not the freed one. */
	kvfree(list->rsp);
	list->rsp = NULL;
	memset(&list->it, 0, sizeof(list->it));
	if (smb3mc_dir_list_stale(list))
		return -ESTALE;
	call = smb3mc_call_alloc(SMB3MC_DIR_REQ);
	if (!call)
		return -ENOMEM;
	list->asked = jiffies;
	rc = smb3mc_call_send(list->tcon->ses, list->tcon, call,
			      dir_query_build(call->buf, SMB3MC_DIR_REQ,
					      smb3mc_call_fid(call, list->tcon,
							      &list->fid),
					      restart ? SMB2_RESTART_SCANS : 0,
					      out_len),
			      out_len);
	/*
	 * A query that goes on with the listing, sent again (its channel
	 * lost, or the server still running the first copy), may have moved
	 * the server's place in the listing past entries that never came
	 * (MS-SMB2 3.3.5.18): the copy is answered with those after them.
	 * The listing starts again from the first entry instead, passing
	 * over those it gave (and those it was to pass over still); not for
	 * ever, where the server or the link fails again and again.
	 */
	if (!restart && call->req.resends && !call->req.rc) {
		smb3mc_call_free(call);
		if (++list->again > SMB3MC_DIR_AGAIN)
			return dir_list_refuse(list, "listing lost again and again");
		list->pass += list->given;
		list->given = 0;
		list->dots = 0;
		list->skipped = 0;
		return dir_list_fill(list, true);
	}
	/* A new session came while the query was on its way. */
	if (rc && smb3mc_dir_list_stale(list))
		rc = -ESTALE;
	rc = dir_list_take(list, &call->req, rc);
	smb3mc_call_free(call);
	return rc;
}

/*
 * CREATE of the directory and its first QUERY_DIRECTORY in one compound
 * (MS-SMB2 3.2.4.1.4): one round trip where there were two. Sent again
 * after the loss of its channel, the CREATE may get back the open the
 * lost copy made (smb3mc_open_compound_kept()), whose listing that copy
 * began: the QUERY_DIRECTORY starts it again.
 */
static int dir_list_start(struct smb3mc_dir_list *list, const char *path)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_READ_DATA | FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
		.options = FILE_DIRECTORY_FILE,
	};
	struct smb3mc_tcon *tcon = list->tcon;
	u32 out_len = dir_out_len(tcon);
	struct smb3mc_compound *cpd;
	size_t room;
	void *buf;
	int rc;

	cpd = smb3mc_open_compound_kept(tcon, path, &args, SMB3MC_DIR_REQ);
	if (IS_ERR(cpd))
		return PTR_ERR(cpd);
	buf = smb3mc_compound_room(cpd, &room);
	rc = smb3mc_compound_add(cpd, dir_query_build(buf, room,
						      &smb3mc_fid_related,
						      SMB2_RESTART_SCANS,
						      out_len),
				 out_len);
	list->asked = jiffies;
	if (!rc)
		rc = smb3mc_compound_send(tcon, cpd);
	if (!cpd->req[0].rsp || cpd->req[0].status != STATUS_SUCCESS)
		goto out;
	rc = smb3mc_open_answer(tcon, path, &args, &cpd->req[0], &list->fid);
	if (rc)
		goto out;
	rc = dir_list_take(list, &cpd->req[1], smb3mc_part_errno(&cpd->req[1]));
	if (rc)
		smb3mc_close(tcon, &list->fid);
out:
	smb3mc_compound_free(cpd);
	return rc;
}

/**
 * smb3mc_dir_list_open - open the directory @path and list its first entries
 * @tcon: tree connect of the share
 * @path: UTF-8 path relative to the share root
 * @listp: set to the listing, for smb3mc_dir_list_close()
 */
int smb3mc_dir_list_open(struct smb3mc_tcon *tcon, const char *path,
			 struct smb3mc_dir_list **listp)
{
	struct smb3mc_dir_list *list;
	int rc;

	list = kzalloc(sizeof(*list), GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	list->tcon = tcon;
	rc = dir_list_start(list, path);
	if (rc) {
		kfree(list);
		return rc;
	}
	*listp = list;
	return 0;
}

void smb3mc_dir_list_close(struct smb3mc_dir_list *list)
{
	kvfree(list->rsp);
	/* The server closed a handle of a session it lost. */
	if (!smb3mc_dir_list_stale(list))
		smb3mc_close_nowait(list->tcon, &list->fid);
	kfree(list);
}

/* List from the first entry again. */
int smb3mc_dir_list_restart(struct smb3mc_dir_list *list)
{
	list->eof = false;
	list->dots = 0;
	list->skipped = 0;
	list->given = 0;
	list->pass = 0;
	list->again = 0;
	list->err = 0;
	return dir_list_fill(list, true);
}

/**
 * smb3mc_dir_list_next - the next entry of a listing
 * @list: the listing
 * @ent: filled with the entry
 *
 * Entries whose name Linux cannot represent are skipped, and so are "."
 * and "..", which the VFS makes itself.
 *
 * Return: 1 with @ent filled, 0 at the end of the listing (until it is
 * restarted), or an errno.
 */
int smb3mc_dir_list_next(struct smb3mc_dir_list *list,
			 struct smb3mc_dirent *ent)
{
	struct smb3mc_dir_entry raw;
	const char *why;
	int rc, len;

	if (list->err)
		return list->err;
	while (!list->eof) {
		list->prev = list->it;
		rc = smb3mc_dir_next(&list->it, &raw);
		if (rc < 0)
			return dir_list_refuse(list, "a malformed directory entry");
		if (!rc) {
			rc = dir_list_fill(list, false);
			if (rc)
				return rc;
			continue;
		}
		len = smb3mc_utf16_to_name(raw.name, raw.name_len, list->name,
					   sizeof(list->name));
		if (len < 0) {
			if (++list->skipped == SMB3MC_DIR_SKIP_MAX)
				return dir_list_refuse(list, __stringify(SMB3MC_DIR_SKIP_MAX) " names in a row that Linux cannot represent");
			pr_warn_ratelimited("smb3mc: skipping a directory entry whose name Linux cannot represent (%d)\n",
					    len);
			continue;
		}
		/*
		 * The VFS shows "." and ".." itself. A listing names each
		 * once: one that names them again may do so for ever, while
		 * its reader waits for an entry.
		 */
		if (is_dot_or_dotdot(list->name, len)) {
			if (++list->dots > 2)
				return dir_list_refuse(list, "\".\" or \"..\" listed again");
			continue;
		}
		list->skipped = 0;
		list->given++;
		if (list->pass) {
			list->pass--;
			continue;
		}
		ent->name = list->name;
		ent->name_len = len;
		ent->attrs = raw.attrs;
		ent->attrs_ok = !smb3mc_attrs_check(&ent->attrs, &why) && !why;
		ent->asked = list->asked;
		return 1;
	}
	return 0;
}

/* The entry smb3mc_dir_list_next() returned last comes again next. */
void smb3mc_dir_list_unget(struct smb3mc_dir_list *list)
{
	list->it = list->prev;
	list->given--;
}
