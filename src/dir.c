// SPDX-License-Identifier: GPL-2.0
/*
 * Directories: listing with QUERY_DIRECTORY (continued until
 * STATUS_NO_MORE_FILES, MS-SMB2 3.2.4.17) and dentry revalidation.
 */

#include <linux/namei.h>
#include <linux/slab.h>

#include "fs.h"
#include "unicode.h"

/* An open directory and where its listing stands. */
struct smb3mc_dir {
	struct smb3mc_fid fid;
	struct smb3mc_dir_batch batch;
	loff_t batch_pos;	/* f_pos of the next entry in @batch */
	bool eof;
	char name[NAME_MAX + 1];
};

static int smb3mc_dir_open(struct inode *inode, struct file *file)
{
	static const struct smb3mc_open_args args = {
		.access = FILE_READ_DATA | FILE_READ_ATTRIBUTES,
		.disposition = FILE_OPEN,
		.options = FILE_DIRECTORY_FILE,
	};
	struct smb3mc_sb *sbi = SMB3MC_SB(inode->i_sb);
	struct smb3mc_dir *d;
	char *page, *path;
	int rc;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	path = smb3mc_dentry_path(file->f_path.dentry, &page);
	if (IS_ERR(path)) {
		kfree(d);
		return PTR_ERR(path);
	}
	rc = smb3mc_open(sbi->tcon, path, &args, &d->fid, NULL);
	free_page((unsigned long)page);
	if (rc) {
		kfree(d);
		return rc;
	}
	file->private_data = d;
	return 0;
}

static int smb3mc_dir_release(struct inode *inode, struct file *file)
{
	struct smb3mc_dir *d = file->private_data;

	smb3mc_dir_batch_free(&d->batch);
	smb3mc_close(SMB3MC_SB(inode->i_sb)->tcon, &d->fid);
	kfree(d);
	return 0;
}

static bool is_dot_or_dotdot(const char *name, int len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Fetch the next batch, from the start when @restart. */
static int smb3mc_dir_fill(struct file *file, bool restart)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(file_inode(file)->i_sb);
	struct smb3mc_dir *d = file->private_data;
	int rc;

	smb3mc_dir_batch_free(&d->batch);
	rc = smb3mc_query_dir(sbi->tcon, &d->fid, restart, &d->batch);
	if (rc == -ENODATA) {
		d->eof = true;
		return 0;
	}
	return rc;
}

/*
 * Positions 0 and 1 are "." and ".."; every further entry the server
 * lists takes the next position. A seek backwards restarts the scan.
 */
static int smb3mc_readdir(struct file *file, struct dir_context *ctx)
{
	struct smb3mc_dir *d = file->private_data;
	struct smb3mc_dir_entry ent;
	int rc, len;

	if (!dir_emit_dots(file, ctx))
		return 0;
	if (ctx->pos < d->batch_pos || !d->batch_pos) {
		/* First call, or a seek backwards: list from the start. */
		d->eof = false;
		rc = smb3mc_dir_fill(file, true);
		if (rc)
			return rc;
		d->batch_pos = 2;
	}

	while (!d->eof) {
		struct smb3mc_dir_iter before = d->batch.it;

		rc = smb3mc_dir_next(&d->batch.it, &ent);
		if (rc < 0)
			return rc;
		if (!rc) {
			rc = smb3mc_dir_fill(file, false);
			if (rc)
				return rc;
			continue;
		}
		len = smb3mc_utf16_to_name(ent.name, ent.name_len, d->name,
					   sizeof(d->name));
		if (len < 0) {
			pr_warn_ratelimited("smb3mc: skipping a directory entry whose name Linux cannot represent (%d)\n",
					    len);
			continue;
		}
		if (is_dot_or_dotdot(d->name, len))
			continue;
		if (d->batch_pos < ctx->pos) {
			d->batch_pos++;	/* emitted before a seek backwards */
			continue;
		}
		if (!dir_emit(ctx, d->name, len, ent.attrs.index_number,
			      ent.attrs.is_dir ? DT_DIR : DT_REG)) {
			/* The caller's buffer is full: this entry goes next. */
			d->batch.it = before;
			return 0;
		}
		d->batch_pos++;
		ctx->pos++;
	}
	return 0;
}

const struct file_operations smb3mc_dir_ops = {
	.open		= smb3mc_dir_open,
	.release	= smb3mc_dir_release,
	.iterate_shared	= smb3mc_readdir,
	.llseek		= generic_file_llseek,
	.read		= generic_read_dir,
};

/*
 * A dentry younger than actimeo is trusted; an older one is checked
 * against the server (MS-SMB2 has no change notification we rely on).
 */
static int smb3mc_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct smb3mc_sb *sbi;
	int rc;

	if (flags & LOOKUP_RCU)
		return -ECHILD;
	sbi = SMB3MC_SB(dentry->d_sb);
	if (d_really_is_negative(dentry))
		return time_before(jiffies, dentry->d_time + sbi->actimeo);
	rc = smb3mc_revalidate(dentry);
	if (rc == -ENOENT || rc == -ESTALE)
		return 0;
	return rc ? rc : 1;
}

const struct dentry_operations smb3mc_dentry_ops = {
	.d_revalidate	= smb3mc_d_revalidate,
};
