// SPDX-License-Identifier: GPL-2.0
/*
 * Mounting: the fs_context that collects options, and the superblock that
 * owns one session and one tree connect.
 */

#include <linux/backing-dev.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>

#include "fs.h"
#include "ops_io.h"
#include "options.h"
#include "session.h"

/* The mount's readahead window: eight chunks in flight. */
#define SMB3MC_RA_BYTES		(8 * SMB3MC_IO_CHUNK)

/*
 * While the server is lost, the figures it gave last: umount(8) learns the
 * file system type with statfs(2) first, and must complete during an
 * outage.
 */
static int smb3mc_statfs_op(struct dentry *dentry, struct kstatfs *buf)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(dentry->d_sb);
	struct smb3mc_fs_size fs;
	int rc;

	if (smb3mc_tcon_reachable(sbi->tcon)) {
		rc = smb3mc_statfs(sbi->tcon, &fs);
		if (rc)
			return rc;
		spin_lock(&sbi->fs_size_lock);
		sbi->fs_size = fs;
		spin_unlock(&sbi->fs_size_lock);
	} else {
		spin_lock(&sbi->fs_size_lock);
		fs = sbi->fs_size;
		spin_unlock(&sbi->fs_size_lock);
	}
	buf->f_type = SMB3MC_SUPER_MAGIC;
	buf->f_bsize = (u64)fs.sectors_per_unit * fs.bytes_per_sector;
	buf->f_blocks = fs.total_units;
	buf->f_bfree = fs.actual_avail_units;
	buf->f_bavail = fs.caller_avail_units;
	buf->f_namelen = NAME_MAX;
	return 0;
}

/*
 * umount -f: what waits for a lost server fails now, so that the
 * processes keeping the mount busy end and umount completes.
 */
static void smb3mc_umount_begin(struct super_block *sb)
{
	smb3mc_ses_abort_waits(SMB3MC_SB(sb)->ses);
}

/* What /proc/mounts shows: never the password. */
static int smb3mc_show_options(struct seq_file *m, struct dentry *root)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(root->d_sb);
	const struct sockaddr_in6 *sin6;
	struct smb3mc_share_info info;
	__be16 port;

	smb3mc_share_info(sbi->tcon, &info);
	/* As vers= takes them: 0x0302 is "3.02" */
	seq_printf(m, ",vers=%s", info.dialect == SMB311_DIALECT ? "3.1.1" :
		   info.dialect == SMB302_DIALECT ? "3.02" : "3.0");
	seq_show_option(m, "username", info.username);
	if (*info.domain)
		seq_show_option(m, "domain", info.domain);
	seq_printf(m, ",ip=%pISc", info.addr);
	/* %pISs would bracket every IPv6 address, as a URL has it. */
	sin6 = (const struct sockaddr_in6 *)info.addr;
	if (info.addr->ss_family == AF_INET6 && sin6->sin6_scope_id)
		seq_printf(m, "%%%u", sin6->sin6_scope_id);
	port = info.addr->ss_family == AF_INET6 ? sin6->sin6_port :
	       ((const struct sockaddr_in *)info.addr)->sin_port;
	if (ntohs(port) != SMB3MC_PORT)
		seq_printf(m, ",port=%u", ntohs(port));
	seq_puts(m, info.sign ? ",sign" : ",nosign");
	if (info.seal)
		seq_puts(m, ",seal");
	if (info.gcm256_only)
		seq_puts(m, ",require_gcm_256");
	seq_printf(m, ",max_channels=%u,echo_interval=%u", info.max_channels,
		   info.echo_interval);
	if (info.soft)
		seq_printf(m, ",soft,soft_timeout=%u", info.soft_timeout);
	else
		seq_puts(m, ",hard");
	seq_printf(m, ",uid=%u,gid=%u,file_mode=0%o,dir_mode=0%o",
		   from_kuid_munged(&init_user_ns, sbi->uid),
		   from_kgid_munged(&init_user_ns, sbi->gid),
		   sbi->file_mode, sbi->dir_mode);
	seq_printf(m, ",actimeo=%lu", sbi->actimeo / HZ);
	if (sbi->nobrl)
		seq_puts(m, ",nobrl");
	seq_puts(m, sbi->nolease ? ",nolease" : ",lease");
	seq_printf(m, ",closetimeo=%lu", sbi->closetimeo / HZ);
	return 0;
}

static const struct super_operations smb3mc_super_ops = {
	.alloc_inode	= smb3mc_alloc_inode,
	.free_inode	= smb3mc_free_inode,
	.evict_inode	= smb3mc_evict_inode,
	.statfs		= smb3mc_statfs_op,
	.umount_begin	= smb3mc_umount_begin,
	.show_options	= smb3mc_show_options,
};

static int smb3mc_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct smb3mc_opts *opts = fc->fs_private;
	struct smb3mc_file_attrs attrs = {};
	struct smb3mc_sb *sbi = sb->s_fs_info;
	struct smb3mc_share_info info;
	struct smb3mc_asked asked;
	struct inode *root;
	int rc;

	sbi->uid = opts->uid;
	sbi->gid = opts->gid;
	sbi->file_mode = opts->file_mode;
	sbi->dir_mode = opts->dir_mode;
	sbi->actimeo = opts->actimeo * HZ;
	sbi->nobrl = opts->nobrl;
	sbi->nolease = opts->nolease;
	sbi->closetimeo = opts->closetimeo * HZ;
	spin_lock_init(&sbi->kept_lock);
	INIT_LIST_HEAD(&sbi->kept);
	init_rwsem(&sbi->kept_closing);

	rc = smb3mc_ses_open(&sbi->ses, opts, &fc->log);
	if (rc)
		return rc;
	rc = smb3mc_tcon_open(sbi->ses, opts->share, SMB2_SHARE_TYPE_DISK,
			      &sbi->tcon, &fc->log);
	if (rc)
		return rc;
	/*
	 * Before the channels are kept up, which has a request wait for a
	 * lost server as on a hard mount: a server lost now fails the mount.
	 */
	asked = smb3mc_asked_now(sb);
	rc = smb3mc_query_path(sbi->tcon, "", &attrs);
	if (rc) {
		errorfc(fc, "%s: cannot read the root of share %s (%d)",
			sbi->ses->server, opts->share, rc);
		return rc;
	}
	rc = smb3mc_ses_add_channels(sbi->ses, opts->max_channels, &fc->log);
	if (rc)
		return rc;
	rc = smb3mc_leases_init(sb);
	if (rc)
		return rc;

	sb->s_magic = SMB3MC_SUPER_MAGIC;
	sb->s_op = &smb3mc_super_ops;
	sb->s_d_op = &smb3mc_dentry_ops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_max_links = SMB3MC_LINK_MAX;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	/* NT time counts 100 ns from 1601 (MS-FSCC 2.1.1). */
	sb->s_time_gran = 100;
	sb->s_time_min = -11644473600LL;
	sb->s_time_max = S64_MAX / 10000000 - 11644473600LL;
	/*
	 * WRITE data is signed in the page cache and then sent from it: a
	 * page changed in between would carry a wrong signature.
	 */
	smb3mc_share_info(sbi->tcon, &info);
	if (info.sign)
		sb->s_iflags |= SB_I_STABLE_WRITES;

	/*
	 * The mount's own backing device: on the noop_backing_dev_info a
	 * nodev super block starts with there is no writeback and no
	 * readahead.
	 */
	rc = super_setup_bdi(sb);
	if (rc)
		return rc;
	sb->s_bdi->ra_pages = SMB3MC_RA_BYTES >> PAGE_SHIFT;
	sb->s_bdi->io_pages = SMB3MC_RA_BYTES >> PAGE_SHIFT;

	attrs.is_dir = true;
	root = smb3mc_iget(sb, &attrs, &asked);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	return sb->s_root ? 0 : -ENOMEM;
}

static int smb3mc_get_tree(struct fs_context *fc)
{
	struct smb3mc_opts *opts = fc->fs_private;
	const char *msg;
	int rc;

	rc = smb3mc_opts_set_source(opts, fc->source, &msg);
	if (!rc)
		rc = smb3mc_opts_validate(opts, &msg);
	if (rc == -EINVAL)
		return invalfc(fc, "%s", msg);
	if (rc)
		return rc;
	return get_tree_nodev(fc, smb3mc_fill_super);
}

static int smb3mc_parse_param(struct fs_context *fc,
			      struct fs_parameter *param)
{
	struct smb3mc_opts *opts = fc->fs_private;
	bool after_password = opts->password_last;
	const char *msg;
	int rc;

	/* The VFS keeps the source itself. */
	if (!strcmp(param->key, "source"))
		return -ENOPARAM;
	if (param->type != fs_value_is_string &&
	    param->type != fs_value_is_flag)
		return invalfc(fc, "option %s: must be a string", param->key);
	rc = smb3mc_opts_set(opts, param->key, param->string, &msg);
	/* The VFS frees its copy without wiping it. */
	if (opts->password_last && param->string)
		memzero_explicit(param->string, strlen(param->string));
	/* Named, it could be the end of a password with a single comma. */
	if (rc == -EINVAL && after_password)
		return invalfc(fc, "the option after password=: %s (a comma in a password is written as two)",
			       msg);
	if (rc == -EINVAL)
		return invalfc(fc, "option %s: %s", param->key, msg);
	return rc;
}

static int smb3mc_parse_one(void *arg, const char *key, char *value)
{
	struct fs_context *fc = arg;
	struct smb3mc_opts *opts = fc->fs_private;
	int rc;

	rc = vfs_parse_fs_string(fc, key, value, value ? strlen(value) : 0);
	/* The VFS frees the mount data without wiping it. */
	if (opts->password_last && value)
		memzero_explicit(value, strlen(value));
	return rc;
}

/*
 * mount(2) passes one string; split it ourselves because a password may
 * hold a comma, written doubled as mount.cifs does.
 */
static int smb3mc_parse_monolithic(struct fs_context *fc, void *data)
{
	return smb3mc_opts_parse_data(data, smb3mc_parse_one, fc);
}

static void smb3mc_fc_free(struct fs_context *fc)
{
	struct smb3mc_opts *opts = fc->fs_private;

	if (opts) {
		smb3mc_opts_free(opts);
		kfree(opts);
	}
	kfree(fc->s_fs_info);
}

static const struct fs_context_operations smb3mc_fc_ops = {
	.free			= smb3mc_fc_free,
	.parse_param		= smb3mc_parse_param,
	.parse_monolithic	= smb3mc_parse_monolithic,
	.get_tree		= smb3mc_get_tree,
};

static int smb3mc_init_fs_context(struct fs_context *fc)
{
	struct smb3mc_opts *opts;
	struct smb3mc_sb *sbi;

	opts = kmalloc(sizeof(*opts), GFP_KERNEL);
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!opts || !sbi) {
		kfree(opts);
		kfree(sbi);
		return -ENOMEM;
	}
	smb3mc_opts_init(opts);
	spin_lock_init(&sbi->fs_size_lock);
	smb3mc_fh_sb_init(sbi);
	fc->fs_private = opts;
	fc->s_fs_info = sbi;
	fc->ops = &smb3mc_fc_ops;
	return 0;
}

static void smb3mc_kill_sb(struct super_block *sb)
{
	struct smb3mc_sb *sbi = SMB3MC_SB(sb);

	/* Writeback at umount must not wait for a server that is gone. */
	if (sbi->ses)
		smb3mc_ses_unmount(sbi->ses);
	kill_anon_super(sb);
	smb3mc_fh_sb_exit(sbi);
	/*
	 * A request whose waiter left (killed) may still be queued or in
	 * flight: nothing resends from here on, and what is queued fails.
	 * The tree is freed once what is in flight ended (its close waits).
	 */
	if (sbi->ses)
		smb3mc_ses_stop_maint(sbi->ses);
	if (sbi->tcon)
		smb3mc_tcon_close(sbi->tcon);
	if (sbi->ses)
		smb3mc_ses_close(sbi->ses);
	smb3mc_leases_exit(sb);
	kfree(sbi);
}

struct file_system_type smb3mc_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "smb3mc",
	.init_fs_context	= smb3mc_init_fs_context,
	.kill_sb		= smb3mc_kill_sb,
};
MODULE_ALIAS_FS("smb3mc");
