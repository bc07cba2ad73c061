// SPDX-License-Identifier: GPL-2.0
/*
 * Mount option parsing. Every function here is pure: it reads strings and
 * fills struct smb3mc_opts, and on error returns -EINVAL with a message
 * that names what is wrong but never echoes a value (it may be a password).
 */

#include <linux/cred.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "options.h"
#include "smb2.h"

void smb3mc_opts_init(struct smb3mc_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->port = SMB3MC_PORT;
	opts->uid = current_uid();
	opts->gid = current_gid();
	opts->file_mode = 0755;
	opts->dir_mode = 0755;
	opts->sign = true;
	opts->actimeo = 1;
	opts->closetimeo = 1;
	opts->echo_interval = SMB3MC_DEFAULT_ECHO_INTERVAL;
	opts->soft_timeout = SMB3MC_DEFAULT_SOFT_TIMEOUT;
}

void smb3mc_opts_free(struct smb3mc_opts *opts)
{
	kfree(opts->host);
	kfree(opts->share);
	kfree(opts->username);
	kfree_sensitive(opts->password);
	kfree(opts->domain);
	memset(opts, 0, sizeof(*opts));
}

static int set_string(char **dst, const char *value, bool sensitive)
{
	char *s = kstrdup(value, GFP_KERNEL);

	if (!s)
		return -ENOMEM;
	if (sensitive)
		kfree_sensitive(*dst);
	else
		kfree(*dst);
	*dst = s;
	return 0;
}

static int parse_uint(const char *value, unsigned int base,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned int v;

	if (!value || kstrtouint(value, base, &v) || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * ip=: a literal address, whole (in4_pton() and in6_pton() take what
 * comes before any other character: "198.18.1.2:8445" would be port 445);
 * the kernel does not resolve names. An IPv6 scope is an interface
 * index, "fe80::1%2": mount.smb3mc writes a name so.
 */
static int parse_addr(const char *value, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	size_t len = strlen(value);
	const char *end;

	memset(ss, 0, sizeof(*ss));
	if (in4_pton(value, len, (u8 *)&sin->sin_addr.s_addr, -1, &end) &&
	    end == value + len) {
		sin->sin_family = AF_INET;
		return 0;
	}
	if (!in6_pton(value, len, sin6->sin6_addr.s6_addr, '%', &end))
		return -EINVAL;
	if (end != value + len &&
	    (*end != '%' || kstrtou32(end + 1, 10, &sin6->sin6_scope_id)))
		return -EINVAL;
	sin6->sin6_family = AF_INET6;
	return 0;
}

static int parse_vers(const char *value, u16 *dialect)
{
	static const struct {
		const char *name;
		u16 dialect;
	} vers[] = {
		{ "3", 0 },
		{ "3.0", SMB30_DIALECT },
		{ "3.00", SMB30_DIALECT },
		{ "3.02", SMB302_DIALECT },
		{ "3.0.2", SMB302_DIALECT },
		{ "3.1.1", SMB311_DIALECT },
		{ "3.11", SMB311_DIALECT },
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(vers); i++) {
		if (!strcmp(value, vers[i].name)) {
			*dialect = vers[i].dialect;
			return 0;
		}
	}
	return -EINVAL;
}

/* Options that take no value. */
static int set_flag(struct smb3mc_opts *opts, const char *key)
{
	if (!strcmp(key, "sign"))
		opts->sign = true;
	else if (!strcmp(key, "nosign"))
		opts->sign = false;
	else if (!strcmp(key, "seal"))
		opts->seal = true;
	else if (!strcmp(key, "require_gcm_256"))
		opts->require_gcm_256 = true;
	else if (!strcmp(key, "multichannel"))
		opts->max_channels = opts->max_channels > 1 ?
			opts->max_channels : SMB3MC_DEFAULT_CHANNELS;
	else if (!strcmp(key, "nomultichannel"))
		opts->max_channels = 1;
	else if (!strcmp(key, "brl"))
		opts->nobrl = false;
	else if (!strcmp(key, "nobrl"))
		opts->nobrl = true;
	else if (!strcmp(key, "lease"))
		opts->nolease = false;
	else if (!strcmp(key, "nolease"))
		opts->nolease = true;
	else if (!strcmp(key, "hard"))
		opts->soft = false;
	else if (!strcmp(key, "soft"))
		opts->soft = true;
	else
		return -ENOENT;
	return 0;
}

/**
 * smb3mc_opts_set - apply one "key=value" or "key" mount option
 * @opts: options being built
 * @key: option name
 * @value: its value, or NULL for a flag
 * @errmsg: set to a message for the user on -EINVAL
 *
 * Return: 0, -EINVAL for a bad option, or -ENOMEM.
 */
int smb3mc_opts_set(struct smb3mc_opts *opts, const char *key,
		    const char *value, const char **errmsg)
{
	unsigned int v;
	int rc;

	opts->password_last = false;
	if (!value) {
		rc = set_flag(opts, key);
		if (rc == -ENOENT) {
			*errmsg = "unknown option, or a value is missing";
			return -EINVAL;
		}
		return rc;
	}

	if (!strcmp(key, "username") || !strcmp(key, "user"))
		return set_string(&opts->username, value, false);
	if (!strcmp(key, "password") || !strcmp(key, "pass")) {
		opts->password_last = true;
		return set_string(&opts->password, value, true);
	}
	if (!strcmp(key, "domain") || !strcmp(key, "dom"))
		return set_string(&opts->domain, value, false);

	if (!strcmp(key, "ip") || !strcmp(key, "addr")) {
		if (parse_addr(value, &opts->addr)) {
			*errmsg = "not an IPv4 or IPv6 address";
			return -EINVAL;
		}
		opts->have_addr = true;
		return 0;
	}
	if (!strcmp(key, "port")) {
		if (parse_uint(value, 10, 1, 65535, &v))
			goto bad_number;
		opts->port = v;
		return 0;
	}
	if (!strcmp(key, "vers")) {
		if (parse_vers(value, &opts->dialect)) {
			*errmsg = "supported versions are 3, 3.0, 3.02 and 3.1.1";
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "uid") || !strcmp(key, "gid")) {
		if (parse_uint(value, 10, 0, UINT_MAX - 1, &v))
			goto bad_number;
		if (key[0] == 'u') {
			opts->uid = make_kuid(current_user_ns(), v);
			rc = uid_valid(opts->uid);
		} else {
			opts->gid = make_kgid(current_user_ns(), v);
			rc = gid_valid(opts->gid);
		}
		if (!rc) {
			*errmsg = "id is not mapped in this user namespace";
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "file_mode") || !strcmp(key, "dir_mode")) {
		if (parse_uint(value, 8, 0, 07777, &v)) {
			*errmsg = "expected an octal mode up to 07777";
			return -EINVAL;
		}
		if (key[0] == 'f')
			opts->file_mode = v;
		else
			opts->dir_mode = v;
		return 0;
	}
	if (!strcmp(key, "max_channels")) {
		if (parse_uint(value, 10, 1, SMB3MC_OPTS_MAX_CHANNELS, &v)) {
			*errmsg = "expected a number of channels from 1 to 16";
			return -EINVAL;
		}
		opts->max_channels = v;
		return 0;
	}
	if (!strcmp(key, "actimeo")) {
		/* A day at most: beyond that a cache is never right. */
		if (parse_uint(value, 10, 0, 86400, &opts->actimeo))
			goto bad_number;
		return 0;
	}
	if (!strcmp(key, "closetimeo")) {
		if (parse_uint(value, 10, 0, 86400, &opts->closetimeo))
			goto bad_number;
		return 0;
	}
	if (!strcmp(key, "echo_interval")) {
		if (parse_uint(value, 10, 1, 600, &opts->echo_interval))
			goto bad_number;
		return 0;
	}
	if (!strcmp(key, "soft_timeout")) {
		if (parse_uint(value, 10, 1, SMB3MC_MAX_SOFT_TIMEOUT,
			       &opts->soft_timeout))
			goto bad_number;
		return 0;
	}
	if (!set_flag(opts, key)) {
		*errmsg = "takes no value";
		return -EINVAL;
	}
	*errmsg = "unknown option";
	return -EINVAL;

bad_number:
	*errmsg = "value is not a number in the allowed range";
	return -EINVAL;
}

/**
 * smb3mc_opts_set_source - parse the mount source "//host/share"
 * @opts: options being built
 * @source: the device name given to mount(2)
 * @errmsg: set to a message for the user on -EINVAL
 *
 * Backslashes are accepted for the separators, as Windows users type them.
 * Only a share is accepted after the host: a path inside the share is not
 * supported yet.
 */
int smb3mc_opts_set_source(struct smb3mc_opts *opts, const char *source,
			   const char **errmsg)
{
	const char *host, *share, *end;
	char *h, *s;

	if (!source || strlen(source) < 5 ||
	    !strchr("/\\", source[0]) || source[0] != source[1]) {
		*errmsg = "source must be //server/share";
		return -EINVAL;
	}
	host = source + 2;
	share = host + strcspn(host, "/\\");
	if (share == host || !*share || !share[1]) {
		*errmsg = "source must be //server/share";
		return -EINVAL;
	}
	end = share + 1 + strcspn(share + 1, "/\\");
	if (*end && end[1]) {
		*errmsg = "a path inside the share is not supported";
		return -EINVAL;
	}
	h = kstrndup(host, share - host, GFP_KERNEL);
	s = kstrndup(share + 1, end - share - 1, GFP_KERNEL);
	if (!h || !s) {
		kfree(h);
		kfree(s);
		return -ENOMEM;
	}
	kfree(opts->host);
	kfree(opts->share);
	opts->host = h;
	opts->share = s;
	return 0;
}

/**
 * smb3mc_opts_split - take the next option from a mount data string
 * @data: the remaining string; a doubled comma stands for a literal comma
 *	(as mount.cifs writes passwords that contain one)
 * @rest: set to the string after this option, or NULL at the end
 * @key: set to the option name
 * @value: set to the value after '=', or NULL when there is none
 *
 * The string is modified in place, and what an escaped comma moves up
 * leaves zeros behind, not a copy of the tail of a password. Return: 1
 * when an option was taken, 0 at the end of the string.
 */
int smb3mc_opts_split(char *data, char **rest, char **key, char **value)
{
	char *src, *dst;

	while (data && *data == ',')
		data++;
	if (!data || !*data) {
		*rest = NULL;
		return 0;
	}
	*key = data;
	*value = NULL;
	for (src = dst = data; *src; src++) {
		if (*src == ',') {
			if (src[1] != ',')
				break;
			src++;	/* ",," is an escaped comma */
		} else if (*src == '=' && !*value) {
			*dst++ = '\0';
			*value = dst;
			continue;
		}
		*dst++ = *src;
	}
	*rest = *src ? src + 1 : NULL;
	memset(dst, 0, src - dst);
	*src = '\0';
	return 1;
}

/**
 * smb3mc_opts_parse_data - hand each option of a mount data string to @one
 * @data: the string mount(2) passed (split by smb3mc_opts_split())
 * @one: takes an option's name and value (NULL when there is none)
 * @arg: passed to @one
 *
 * Stops at the first option @one fails, and zeroes it and the options
 * after it: a password among them, or the end of one with a single comma
 * (taken as an option of its own), would stay in the mount data, which
 * the VFS frees without wiping.
 *
 * Return: 0, or what @one returned.
 */
int smb3mc_opts_parse_data(char *data,
			   int (*one)(void *arg, const char *key, char *value),
			   void *arg)
{
	char *rest = data, *key, *value;
	int rc;

	while (smb3mc_opts_split(rest, &rest, &key, &value)) {
		rc = one(arg, key, value);
		if (!rc)
			continue;
		memzero_explicit(key, strlen(key));
		if (value)
			memzero_explicit(value, strlen(value));
		if (rest)
			memzero_explicit(rest, strlen(rest));
		return rc;
	}
	return 0;
}

/**
 * smb3mc_opts_validate - check that the options form a mountable set
 * @opts: parsed options; the server port is filled into @opts->addr
 * @errmsg: set to a message for the user on -EINVAL
 */
int smb3mc_opts_validate(struct smb3mc_opts *opts, const char **errmsg)
{
	if (!opts->host || !opts->share) {
		*errmsg = "no //server/share given";
		return -EINVAL;
	}
	if (!opts->have_addr) {
		/* The server part may itself be a literal address. */
		if (parse_addr(opts->host, &opts->addr)) {
			*errmsg = "server is a name: give its address with ip= (mount.smb3mc does this)";
			return -EINVAL;
		}
		opts->have_addr = true;
	}
	if (!opts->username) {
		*errmsg = "username= is required";
		return -EINVAL;
	}
	/* Before 3.1.1 the only cipher is AES-128-CCM (MS-SMB2 3.1.4.3). */
	if (opts->require_gcm_256 && opts->dialect &&
	    opts->dialect != SMB311_DIALECT) {
		*errmsg = "require_gcm_256 needs vers=3.1.1";
		return -EINVAL;
	}
	if (opts->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&opts->addr)->sin_port =
			htons(opts->port);
	else
		((struct sockaddr_in6 *)&opts->addr)->sin6_port =
			htons(opts->port);
	return 0;
}
