// SPDX-License-Identifier: GPL-2.0
/*
 * Option, UNC and credentials parsing for mount.smb3mc.
 *
 * These functions never print: they return a negative errno and leave a
 * message in the caller's buffer, so the helper decides what to say and
 * the unit tests can check the message. No message ever contains the
 * password.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

#define HIDDEN_PASSWORD "********"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/**
 * smb3mc_wipe_free() - clear a string that may hold a secret, then free it
 * @s: string or NULL
 */
void smb3mc_wipe_free(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

static int set_str(char **dst, const char *val)
{
	char *s = strdup(val);

	if (!s)
		return -ENOMEM;
	smb3mc_wipe_free(*dst);
	*dst = s;
	return 0;
}

int smb3mc_set_password(struct smb3mc_mount *m, const char *password)
{
	return set_str(&m->password, password);
}

void smb3mc_mount_free(struct smb3mc_mount *m)
{
	free(m->host);
	free(m->share);
	free(m->prefix);
	free(m->username);
	smb3mc_wipe_free(m->password);
	free(m->domain);
	free(m->ip);
	free(m->credentials);
	free(m->extra);
	memset(m, 0, sizeof(*m));
}

/**
 * smb3mc_parse_unc() - split //server/share[/prefix] into its parts
 * @m: filled with host, share and prefix
 * @spec: the source argument of mount(8)
 * @err: message buffer
 * @errlen: its size
 *
 * Backslashes are taken as slashes because mount.cifs users type
 * \\server\share; an IPv6 literal may be bracketed, //[fe80::1]/share.
 *
 * Return: 0, or -EINVAL / -ENOMEM with a message in @err.
 */
int smb3mc_parse_unc(struct smb3mc_mount *m, const char *spec,
		     char *err, size_t errlen)
{
	char *s, *p, *host, *hend, *rest, *share;
	size_t n;
	int rc = -EINVAL;

	s = strdup(spec);
	if (!s)
		return -ENOMEM;
	for (p = s; *p; p++)
		if (*p == '\\')
			*p = '/';

	if (strncmp(s, "//", 2)) {
		fail(err, errlen, rc, "%s: expected //server/share", spec);
		goto out;
	}
	host = s + 2;
	if (*host == '[') {
		host++;
		hend = strchr(host, ']');
		if (!hend || (hend[1] && hend[1] != '/')) {
			fail(err, errlen, rc, "%s: bad bracketed IPv6 address",
			     spec);
			goto out;
		}
		rest = hend + 1;
	} else {
		hend = host + strcspn(host, "/");
		rest = hend;
	}
	if (hend == host) {
		fail(err, errlen, rc, "%s: missing server name", spec);
		goto out;
	}
	if (*rest != '/' || !rest[1] || rest[1] == '/') {
		fail(err, errlen, rc, "%s: missing share name", spec);
		goto out;
	}
	*hend = '\0';
	share = rest + 1;
	n = strcspn(share, "/");
	p = share + n;
	if (*p) {
		*p++ = '\0';
		while (*p == '/')
			p++;
		n = strlen(p);
		while (n && p[n - 1] == '/')
			p[--n] = '\0';
	}

	rc = -ENOMEM;
	if (set_str(&m->host, host) || set_str(&m->share, share))
		goto out;
	free(m->prefix);
	m->prefix = NULL;
	if (*p && set_str(&m->prefix, p))
		goto out;
	rc = 0;
out:
	free(s);
	return rc;
}

static int append_extra(struct smb3mc_mount *m, const char *opt)
{
	size_t old = m->extra ? strlen(m->extra) : 0;
	char *s = realloc(m->extra, old + strlen(opt) + 2);

	if (!s)
		return -ENOMEM;
	if (old)
		s[old++] = ',';
	strcpy(s + old, opt);
	m->extra = s;
	return 0;
}

/*
 * VFS flags: mount(2) takes these as MS_* bits, and the module's option
 * parser would reject them as unknown options.
 */
static const struct {
	const char *name;
	unsigned long set;
	unsigned long clear;
} flag_opts[] = {
	{ "ro",		MS_RDONLY,	0 },
	{ "rw",		0,		MS_RDONLY },
	{ "nosuid",	MS_NOSUID,	0 },
	{ "suid",	0,		MS_NOSUID },
	{ "nodev",	MS_NODEV,	0 },
	{ "dev",	0,		MS_NODEV },
	{ "noexec",	MS_NOEXEC,	0 },
	{ "exec",	0,		MS_NOEXEC },
	{ "sync",	MS_SYNCHRONOUS,	0 },
	{ "async",	0,		MS_SYNCHRONOUS },
	{ "remount",	MS_REMOUNT,	0 },
	{ "noatime",	MS_NOATIME,	0 },
	{ "atime",	0,		MS_NOATIME },
	{ "nodiratime",	MS_NODIRATIME,	0 },
	{ "diratime",	0,		MS_NODIRATIME },
	{ "relatime",	MS_RELATIME,	0 },
	{ "norelatime",	0,		MS_RELATIME },
	{ "strictatime", MS_STRICTATIME, 0 },
};

/*
 * mount(8) options that only mean something to mount(8) and fstab; the
 * module would reject them.
 */
static const char *const userspace_opts[] = {
	"user", "users", "nouser", "owner", "group", "auto", "noauto",
	"_netdev", "nofail", "defaults",
};

static bool is_userspace_opt(const char *key, const char *val)
{
	size_t i;

	if (!strncmp(key, "x-", 2) || (val && !strcmp(key, "comment")))
		return true;
	if (val)
		return false;
	for (i = 0; i < ARRAY_SIZE(userspace_opts); i++)
		if (!strcmp(key, userspace_opts[i]))
			return true;
	return false;
}

static bool key_is(const char *key, const char *a, const char *b)
{
	return !strcmp(key, a) || (b && !strcmp(key, b));
}

/* Handle one option; @tok is modified (split at '='). */
static int handle_option(struct smb3mc_mount *m, char *tok,
			 char *err, size_t errlen)
{
	char *val = strchr(tok, '=');
	size_t i;

	if (val)
		*val++ = '\0';

	if (is_userspace_opt(tok, val))
		return 0;
	if (!val) {
		for (i = 0; i < ARRAY_SIZE(flag_opts); i++) {
			if (strcmp(tok, flag_opts[i].name))
				continue;
			m->flags |= flag_opts[i].set;
			m->flags &= ~flag_opts[i].clear;
			return 0;
		}
	} else if (key_is(tok, "username", "user")) {
		return set_str(&m->username, val);
	} else if (key_is(tok, "password", "pass")) {
		m->password_at = m->extra ? strlen(m->extra) : 0;
		m->password_placed = true;
		return set_str(&m->password, val);
	} else if (key_is(tok, "domain", "dom")) {
		return set_str(&m->domain, val);
	} else if (key_is(tok, "credentials", "cred")) {
		if (!*val)
			return fail(err, errlen, -EINVAL,
				    "credentials= needs a file name");
		return set_str(&m->credentials, val);
	} else if (key_is(tok, "ip", "addr")) {
		if (!*val)
			return fail(err, errlen, -EINVAL,
				    "ip= needs an address");
		return set_str(&m->ip, val);
	}
	if (val)
		val[-1] = '=';
	return append_extra(m, tok);
}

/**
 * smb3mc_parse_options() - parse the -o string of mount(8)
 * @m: collects the options; may already hold some from an earlier -o
 * @opts: comma-separated options
 * @err: message buffer
 * @errlen: its size
 *
 * In a password= (or pass=) value a doubled comma stands for one comma,
 * as with mount.cifs, so that such a password can be typed at all.
 * Options this helper does not handle itself are kept in @m->extra in
 * their order, unchanged.
 *
 * Return: 0 or a negative errno with a message in @err.
 */
int smb3mc_parse_options(struct smb3mc_mount *m, const char *opts,
			 char *err, size_t errlen)
{
	const char *p = opts;
	char *tok;
	size_t n;
	int rc = 0;

	tok = malloc(strlen(opts) + 1);
	if (!tok)
		return -ENOMEM;
	while (*p && !rc) {
		if (!strncmp(p, "password=", 9) || !strncmp(p, "pass=", 5)) {
			for (n = 0; *p && (*p != ',' || p[1] == ','); n++) {
				tok[n] = *p;
				p += *p == ',' ? 2 : 1;
			}
		} else {
			n = strcspn(p, ",");
			memcpy(tok, p, n);
			p += n;
		}
		tok[n] = '\0';
		if (*p == ',')
			p++;
		if (n)
			rc = handle_option(m, tok, err, errlen);
	}
	explicit_bzero(tok, strlen(opts) + 1);
	free(tok);
	return rc;
}

/*
 * A comma in a user or domain name would end that option and start
 * another one in the mount data: refuse it instead.
 */
static int check_name(const char *what, const char *val, const char *path,
		      unsigned int lineno, char *err, size_t errlen)
{
	if (!strchr(val, ','))
		return 0;
	return fail(err, errlen, -EINVAL, "%s line %u: %s contains a comma",
		    path, lineno, what);
}

static int cred_line(struct smb3mc_mount *m, char *line, const char *path,
		     unsigned int lineno, unsigned int *found,
		     char *err, size_t errlen)
{
	char *key = line + strspn(line, " \t");
	char *val = strchr(key, '=');
	char **dst;
	int rc;

	if (!*key || *key == '#')
		return 0;
	if (!val)
		return fail(err, errlen, -EINVAL,
			    "%s line %u: expected key=value", path, lineno);
	*val++ = '\0';
	if (key_is(key, "username", "user")) {
		rc = check_name("user name", val, path, lineno, err, errlen);
		if (rc)
			return rc;
		dst = &m->username;
	} else if (key_is(key, "password", "pass")) {
		dst = &m->password;
	} else if (key_is(key, "domain", "dom")) {
		rc = check_name("domain", val, path, lineno, err, errlen);
		if (rc)
			return rc;
		dst = &m->domain;
	} else {
		return fail(err, errlen, -EINVAL, "%s line %u: unknown key %s",
			    path, lineno, key);
	}
	(*found)++;
	/* What the command line gave wins over the file. */
	return *dst ? 0 : set_str(dst, val);
}

/**
 * smb3mc_read_credentials() - read a mount.cifs style credentials file
 * @m: fields not already set are filled from the file
 * @path: the file
 * @err: message buffer
 * @errlen: its size
 *
 * Lines are username= (user=), password= (pass=) and domain= (dom=);
 * blank lines and lines starting with # are skipped and a trailing CR is
 * dropped. The value is everything after the first '=', taken literally:
 * quotes, commas and further '=' are part of it. A file that group or
 * others may read is refused: its password is not a secret any more.
 *
 * Return: 0; -EPERM for a file readable by others; -ENOENT and friends
 * when it cannot be opened; -EINVAL for a bad line, a line longer than
 * SMB3MC_CRED_LINE_MAX or a file with neither user name nor password.
 */
int smb3mc_read_credentials(struct smb3mc_mount *m, const char *path,
			    char *err, size_t errlen)
{
	char line[SMB3MC_CRED_LINE_MAX + 2];
	unsigned int lineno = 0, found = 0;
	struct stat st;
	size_t len;
	FILE *f;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		return fail(err, errlen, rc,
			    "cannot open credentials file %s: %s", path,
			    strerror(-rc));
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail(err, errlen, -EINVAL,
			    "credentials file %s is not a regular file", path);
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		close(fd);
		return fail(err, errlen, -EPERM,
			    "warning: credentials file %s is readable by group or others (mode %04o); refusing to use it, run: chmod 600 %s",
			    path, (unsigned int)(st.st_mode & 07777), path);
	}
	f = fdopen(fd, "r");
	if (!f) {
		rc = -errno;
		close(fd);
		return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f))
			len = SMB3MC_CRED_LINE_MAX + 1;
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > SMB3MC_CRED_LINE_MAX)
			rc = fail(err, errlen, -EINVAL,
				  "%s line %u: longer than %d bytes", path,
				  lineno, SMB3MC_CRED_LINE_MAX);
		else
			rc = cred_line(m, line, path, lineno, &found,
				       err, errlen);
	}
	if (!rc && ferror(f))
		rc = fail(err, errlen, -EIO, "%s: read error", path);
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (!rc && !found)
		rc = fail(err, errlen, -EINVAL,
			  "credentials file %s has no username= or password= line",
			  path);
	return rc;
}

/**
 * smb3mc_escape_commas() - double every comma
 * @s: string
 *
 * The module splits its data at single commas and reads ",," as one
 * comma, so a password containing commas survives the trip.
 *
 * Return: a new string, or NULL when out of memory.
 */
char *smb3mc_escape_commas(const char *s)
{
	size_t n = strlen(s) + 1;
	const char *p;
	char *out, *q;

	for (p = s; *p; p++)
		n += *p == ',';
	out = malloc(n);
	if (!out)
		return NULL;
	for (p = s, q = out; *p; p++) {
		*q++ = *p;
		if (*p == ',')
			*q++ = ',';
	}
	*q = '\0';
	return out;
}

/**
 * smb3mc_source() - the source argument for mount(2)
 * @m: parsed UNC
 *
 * Return: "//server/share", an IPv6 address in brackets; NULL when out
 * of memory.
 */
char *smb3mc_source(const struct smb3mc_mount *m)
{
	char *s;
	int rc;

	if (strchr(m->host, ':'))
		rc = asprintf(&s, "//[%s]/%s", m->host, m->share);
	else
		rc = asprintf(&s, "//%s/%s", m->host, m->share);
	return rc < 0 ? NULL : s;
}

/* Append @k bytes of @key, then @val if not NULL, after a comma. */
static size_t put_n(char *dst, size_t pos, const char *key, size_t k,
		    const char *val)
{
	size_t v = val ? strlen(val) : 0;

	if (dst) {
		if (pos)
			dst[pos] = ',';
		memcpy(dst + pos + !!pos, key, k);
		if (val)
			memcpy(dst + pos + !!pos + k, val, v);
	}
	return pos + !!pos + k + v;
}

/* Append "key=val" (or just key when @val is NULL) after a comma. */
static size_t put(char *dst, size_t pos, const char *key, const char *val)
{
	return put_n(dst, pos, key, strlen(key), val);
}

/*
 * The password goes where -o had it among the options passed on: with a
 * single comma in it, its tail is the option after it, which the module
 * then names in no message. With @hide that option is left out as well.
 */
static size_t build(char *dst, const struct smb3mc_mount *m, const char *pw,
		    bool hide)
{
	const char *extra = m->extra ? m->extra : "", *rest;
	size_t n = 0, at = strlen(extra);

	if (pw && m->password_placed && m->password_at < at)
		at = m->password_at;
	if (m->ip)
		n = put(dst, n, "ip=", m->ip);
	if (m->username)
		n = put(dst, n, "username=", m->username);
	if (m->domain)
		n = put(dst, n, "domain=", m->domain);
	if (at)
		n = put_n(dst, n, extra, at, NULL);
	if (pw)
		n = put(dst, n, "password=", pw);
	/* After the comma that follows the ones before */
	rest = extra[at] ? extra + at + !!at : NULL;
	if (rest && hide) {
		rest = strchr(rest, ',');
		rest = rest ? rest + 1 : NULL;
	}
	if (rest)
		n = put(dst, n, rest, NULL);
	return n;
}

/**
 * smb3mc_mount_data() - the data string for mount(2)
 * @m: collected options
 * @hide_password: put ******** where the password goes and leave out the
 *	option after a password from -o (it may be the password's tail), for -v
 * @err: message buffer
 * @errlen: its size
 *
 * Return: a new string (wipe it with smb3mc_wipe_free()), or NULL with a
 * message in @err.
 */
char *smb3mc_mount_data(const struct smb3mc_mount *m, bool hide_password,
			char *err, size_t errlen)
{
	char *pw = NULL, *data = NULL;
	size_t n;

	if (m->password) {
		pw = hide_password ? strdup(HIDDEN_PASSWORD) :
				     smb3mc_escape_commas(m->password);
		if (!pw) {
			fail(err, errlen, -ENOMEM, "out of memory");
			return NULL;
		}
	}
	n = build(NULL, m, pw, hide_password);
	if (n > SMB3MC_DATA_MAX) {
		fail(err, errlen, -EINVAL,
		     "mount options too long (%zu bytes, at most %d)", n,
		     SMB3MC_DATA_MAX);
		goto out;
	}
	data = malloc(n + 1);
	if (!data) {
		fail(err, errlen, -ENOMEM, "out of memory");
		goto out;
	}
	build(data, m, pw, hide_password);
	data[n] = '\0';
out:
	smb3mc_wipe_free(pw);
	return data;
}
