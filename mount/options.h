/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option, UNC and credentials parsing for mount.smb3mc.
 *
 * Everything here works on strings and, for credentials files, on one
 * file: no name resolution, no module loading, no mount(2), so that
 * test_options.c can call each function directly.
 */
#ifndef SMB3MC_OPTIONS_H
#define SMB3MC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

/* Longest credentials file line, not counting the newline. */
#define SMB3MC_CRED_LINE_MAX	4096

/*
 * The kernel copies at most one page of mount data; refuse longer
 * strings here rather than let the module see a truncated one.
 */
#define SMB3MC_DATA_MAX		4095

/**
 * struct smb3mc_mount - what the helper collected for one mount
 * @host: server name or address from the UNC, IPv6 without brackets
 * @share: share name
 * @prefix: path below the share, or NULL
 * @username: user name, or NULL
 * @password: password, or NULL (an empty string is a given password)
 * @domain: domain, or NULL
 * @ip: server address for the module, or NULL until resolved
 * @credentials: credentials=FILE, read by the helper, never passed on
 * @extra: options passed to the module unchanged, comma-separated, or NULL
 * @password_at: where among them the password of -o came, in bytes of
 *	@extra (it goes there, as given); when 0 and not @password_placed,
 *	at the end
 * @password_placed: @password_at is set
 * @flags: MS_* flags from ro, nosuid, remount, ...
 *
 * All strings are owned by the structure; smb3mc_mount_free() wipes the
 * password before freeing it.
 */
struct smb3mc_mount {
	char *host;
	char *share;
	char *prefix;
	char *username;
	char *password;
	char *domain;
	char *ip;
	char *credentials;
	char *extra;
	size_t password_at;
	bool password_placed;
	unsigned long flags;
};

int smb3mc_parse_unc(struct smb3mc_mount *m, const char *spec,
		     char *err, size_t errlen);
int smb3mc_parse_options(struct smb3mc_mount *m, const char *opts,
			 char *err, size_t errlen);
int smb3mc_read_credentials(struct smb3mc_mount *m, const char *path,
			    char *err, size_t errlen);
int smb3mc_set_password(struct smb3mc_mount *m, const char *password);
char *smb3mc_escape_commas(const char *s);
char *smb3mc_source(const struct smb3mc_mount *m);
char *smb3mc_mount_data(const struct smb3mc_mount *m, bool hide_password,
			char *err, size_t errlen);
void smb3mc_wipe_free(char *s);
void smb3mc_mount_free(struct smb3mc_mount *m);

#endif /* SMB3MC_OPTIONS_H */
