// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for mount/options.c: UNC, -o options, credentials files,
 * comma escaping and the mount data string, called directly.
 *
 * Prints one "ok N - ..." or "not ok N - ..." line per check and, last,
 * "N passed, N failed"; exits non-zero when a check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"

static int passed, failed;
static char tmpdir[] = "/tmp/smb3mc-test-XXXXXX";

static void check(int cond, const char *what)
{
	if (cond)
		passed++;
	else
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", passed + failed, what);
}

static int streq(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Write @text to a fresh file in tmpdir with @mode; returns its path. */
static char *cred_file(const char *name, const char *text, mode_t mode)
{
	char *path;
	int fd;

	if (asprintf(&path, "%s/%s", tmpdir, name) < 0)
		abort();
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	if (fchmod(fd, mode))
		abort();
	close(fd);
	return path;
}

static int read_cred(struct smb3mc_mount *m, const char *name,
		     const char *text, mode_t mode, char *err, size_t errlen)
{
	char *path = cred_file(name, text, mode);
	int rc = smb3mc_read_credentials(m, path, err, errlen);

	unlink(path);
	free(path);
	return rc;
}

static void test_unc(void)
{
	struct smb3mc_mount m = { 0 };
	char err[256], *src;

	check(!smb3mc_parse_unc(&m, "//srv/share", err, sizeof(err)) &&
	      streq(m.host, "srv") && streq(m.share, "share") && !m.prefix,
	      "unc: //srv/share");
	check(!smb3mc_parse_unc(&m, "\\\\srv\\share", err, sizeof(err)) &&
	      streq(m.host, "srv") && streq(m.share, "share"),
	      "unc: \\\\srv\\share converted");
	check(!smb3mc_parse_unc(&m, "//srv/share/a/b/", err, sizeof(err)) &&
	      streq(m.share, "share") && streq(m.prefix, "a/b"),
	      "unc: prefix a/b");
	check(!smb3mc_parse_unc(&m, "//srv/share/", err, sizeof(err)) &&
	      !m.prefix, "unc: trailing slash is no prefix");
	check(!smb3mc_parse_unc(&m, "//[fe80::1]/s", err, sizeof(err)) &&
	      streq(m.host, "fe80::1") && streq(m.share, "s"),
	      "unc: bracketed IPv6 literal");
	src = smb3mc_source(&m);
	check(streq(src, "//[fe80::1]/s"), "unc: IPv6 source keeps brackets");
	free(src);
	check(!smb3mc_parse_unc(&m, "//192.0.2.7/data", err, sizeof(err)) &&
	      streq(m.host, "192.0.2.7"), "unc: IPv4 literal");
	src = smb3mc_source(&m);
	check(streq(src, "//192.0.2.7/data"), "unc: IPv4 source");
	free(src);

	check(smb3mc_parse_unc(&m, "srv/share", err, sizeof(err)) == -EINVAL,
	      "unc: no leading // refused");
	check(smb3mc_parse_unc(&m, "//srv", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "missing share"), "unc: missing share refused");
	check(smb3mc_parse_unc(&m, "//srv/", err, sizeof(err)) == -EINVAL,
	      "unc: empty share refused");
	check(smb3mc_parse_unc(&m, "//srv//share", err, sizeof(err)) ==
	      -EINVAL, "unc: empty share before // refused");
	check(smb3mc_parse_unc(&m, "///share", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "missing server"), "unc: missing server refused");
	check(smb3mc_parse_unc(&m, "//[fe80::1/s", err, sizeof(err)) ==
	      -EINVAL, "unc: unterminated bracket refused");
	check(smb3mc_parse_unc(&m, "//[fe80::1]x/s", err, sizeof(err)) ==
	      -EINVAL, "unc: junk after bracket refused");
	smb3mc_mount_free(&m);
}

static void test_options(void)
{
	struct smb3mc_mount m = { 0 };
	char err[256];

	check(!smb3mc_parse_options(&m, "vers=3.1.1,max_channels=8,nosign,actimeo=5",
				    err, sizeof(err)) &&
	      streq(m.extra, "vers=3.1.1,max_channels=8,nosign,actimeo=5") &&
	      !m.flags, "options: module options pass through in order");
	smb3mc_mount_free(&m);

	check(!smb3mc_parse_options(&m, "user,users,noauto,auto,_netdev,nofail,x-systemd.automount,x-gvfs-show,comment=fstab,defaults",
				    err, sizeof(err)) && !m.extra &&
	      !m.username, "options: mount(8) userspace options dropped");
	smb3mc_mount_free(&m);

	check(!smb3mc_parse_options(&m, "ro,nosuid,nodev,noexec,sync",
				    err, sizeof(err)) && !m.extra &&
	      m.flags == (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
			  MS_SYNCHRONOUS), "options: VFS flags become MS_*");
	check(!smb3mc_parse_options(&m, "rw,remount", err, sizeof(err)) &&
	      !(m.flags & MS_RDONLY) && (m.flags & MS_REMOUNT),
	      "options: rw clears ro, remount sets MS_REMOUNT");
	smb3mc_mount_free(&m);

	check(!smb3mc_parse_options(&m, "user=bob,dom=CORP,pass=s3",
				    err, sizeof(err)) &&
	      streq(m.username, "bob") && streq(m.domain, "CORP") &&
	      streq(m.password, "s3") && !m.extra,
	      "options: user=/dom=/pass= aliases");
	check(!smb3mc_parse_options(&m, "username=al,domain=D,password=",
				    err, sizeof(err)) &&
	      streq(m.username, "al") && streq(m.domain, "D") &&
	      streq(m.password, ""), "options: long names, empty password");
	smb3mc_mount_free(&m);

	check(!smb3mc_parse_options(&m, "password=a,,b,vers=3", err,
				    sizeof(err)) &&
	      streq(m.password, "a,b") && streq(m.extra, "vers=3"),
	      "options: ,, in password is a comma");
	check(!smb3mc_parse_options(&m, "pass=x=y,,,,z", err, sizeof(err)) &&
	      streq(m.password, "x=y,,z"), "options: = and ,,,, in pass=");
	check(!smb3mc_parse_options(&m, "pass=end,,", err, sizeof(err)) &&
	      streq(m.password, "end,"), "options: trailing ,, in pass=");
	smb3mc_mount_free(&m);

	check(!smb3mc_parse_options(&m, "ip=192.0.2.1,credentials=/etc/c",
				    err, sizeof(err)) &&
	      streq(m.ip, "192.0.2.1") && streq(m.credentials, "/etc/c") &&
	      !m.extra, "options: ip= and credentials= kept by the helper");
	smb3mc_mount_free(&m);
	check(smb3mc_parse_options(&m, "credentials=", err, sizeof(err)) ==
	      -EINVAL, "options: empty credentials= refused");
	check(smb3mc_parse_options(&m, "ip=", err, sizeof(err)) == -EINVAL,
	      "options: empty ip= refused");
	check(!smb3mc_parse_options(&m, ",,port=4450,", err, sizeof(err)) &&
	      streq(m.extra, "port=4450"), "options: empty options skipped");
	smb3mc_mount_free(&m);
}

static void test_escape_and_data(void)
{
	struct smb3mc_mount m = { 0 };
	char err[256], *s, *big;

	s = smb3mc_escape_commas("a,b,,c");
	check(streq(s, "a,,b,,,,c"), "escape: commas doubled");
	free(s);
	s = smb3mc_escape_commas("plain");
	check(streq(s, "plain"), "escape: no comma unchanged");
	free(s);

	smb3mc_parse_options(&m, "user=bob,pass=se,,cret,vers=3.1.1,ro",
			     err, sizeof(err));
	m.ip = strdup("2001:db8::5");
	s = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(streq(s, "ip=2001:db8::5,username=bob,password=se,,cret,vers=3.1.1"),
	      "data: full string with escaped password, where -o had it");
	smb3mc_wipe_free(s);
	s = smb3mc_mount_data(&m, true, err, sizeof(err));
	check(s && strstr(s, "password=********") && !strstr(s, "cret") &&
	      !strstr(s, "se,"), "data: verbose string hides the password");
	free(s);

	smb3mc_set_password(&m, "pw");
	check(!smb3mc_parse_options(&m, "ip=192.0.2.9", err, sizeof(err)) &&
	      streq(m.ip, "192.0.2.9"), "data: a later ip= replaces");
	smb3mc_mount_free(&m);

	/* A single comma: the tail follows the password, as -o had it. */
	smb3mc_parse_options(&m, "nosign,password=ab,cd,vers=3", err,
			     sizeof(err));
	s = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(streq(s, "nosign,password=ab,cd,vers=3"),
	      "data: what follows a password with a single comma stays after it");
	smb3mc_wipe_free(s);
	s = smb3mc_mount_data(&m, true, err, sizeof(err));
	check(streq(s, "nosign,password=********,vers=3"),
	      "data: verbose string leaves out what may be the password's tail");
	free(s);
	smb3mc_mount_free(&m);
	/* Not from -o (a credentials file, the prompt): at the end. */
	smb3mc_parse_options(&m, "nosign,vers=3", err, sizeof(err));
	smb3mc_set_password(&m, "pw");
	s = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(streq(s, "nosign,vers=3,password=pw"),
	      "data: a password not from -o goes last");
	smb3mc_wipe_free(s);
	smb3mc_mount_free(&m);

	s = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(streq(s, ""), "data: nothing given, empty string");
	free(s);

	big = malloc(SMB3MC_DATA_MAX + 16);
	memset(big, 'x', SMB3MC_DATA_MAX + 15);
	memcpy(big, "a=", 2);
	big[SMB3MC_DATA_MAX + 15] = '\0';
	smb3mc_parse_options(&m, big, err, sizeof(err));
	s = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(!s && strstr(err, "too long"), "data: over a page refused");
	free(big);
	smb3mc_mount_free(&m);
}

static void test_credentials(void)
{
	struct smb3mc_mount m = { 0 };
	char err[512], *line, *text, *path;
	int rc;

	rc = read_cred(&m, "good",
		       "# comment\n\n  username=alice\npassword=p=w,\"q\" x\ndomain=CORP\n",
		       0600, err, sizeof(err));
	check(!rc && streq(m.username, "alice") &&
	      streq(m.password, "p=w,\"q\" x") && streq(m.domain, "CORP"),
	      "cred: comments, blanks, = comma quotes space kept literally");
	smb3mc_mount_free(&m);

	rc = read_cred(&m, "crlf", "user=bob\r\npass=pw\r\ndom=D\r\n", 0400,
		       err, sizeof(err));
	check(!rc && streq(m.username, "bob") && streq(m.password, "pw") &&
	      streq(m.domain, "D"), "cred: CRLF and short keys");
	smb3mc_mount_free(&m);

	rc = read_cred(&m, "nonl", "password=last", 0600, err, sizeof(err));
	check(!rc && streq(m.password, "last"), "cred: no final newline");
	smb3mc_mount_free(&m);

	m.username = strdup("cmdline");
	rc = read_cred(&m, "order", "username=file\npassword=pw\n", 0600,
		       err, sizeof(err));
	check(!rc && streq(m.username, "cmdline") && streq(m.password, "pw"),
	      "cred: command line wins over the file");
	smb3mc_mount_free(&m);

	rc = read_cred(&m, "open", "username=u\npassword=topsecret\n", 0644,
		       err, sizeof(err));
	check(rc == -EPERM && strstr(err, "/open") && strstr(err, "0644") &&
	      !m.password, "cred: mode 0644 refused, file named");
	check(!strstr(err, "topsecret"), "cred: refusal does not leak");
	rc = read_cred(&m, "group", "password=x\n", 0640, err, sizeof(err));
	check(rc == -EPERM, "cred: mode 0640 refused");

	path = NULL;
	if (asprintf(&path, "%s/missing", tmpdir) < 0)
		abort();
	rc = smb3mc_read_credentials(&m, path, err, sizeof(err));
	check(rc == -ENOENT && strstr(err, "missing"), "cred: missing file");
	free(path);
	check(smb3mc_read_credentials(&m, tmpdir, err, sizeof(err)) ==
	      -EINVAL, "cred: directory refused");

	rc = read_cred(&m, "empty", "# nothing\n\n", 0600, err, sizeof(err));
	check(rc == -EINVAL && strstr(err, "no username"),
	      "cred: no fields refused");
	rc = read_cred(&m, "noeq", "username alice\n", 0600, err,
		       sizeof(err));
	check(rc == -EINVAL && strstr(err, "line 1"), "cred: line without =");
	rc = read_cred(&m, "unknown", "user=a\npasword=typo\n", 0600, err,
		       sizeof(err));
	check(rc == -EINVAL && strstr(err, "line 2") && !strstr(err, "typo"),
	      "cred: unknown key refused, value not shown");
	smb3mc_mount_free(&m);
	rc = read_cred(&m, "comma", "username=a,ip=evil\n", 0600, err,
		       sizeof(err));
	check(rc == -EINVAL && strstr(err, "comma"),
	      "cred: comma in user name refused");
	smb3mc_mount_free(&m);

	line = malloc(SMB3MC_CRED_LINE_MAX + 2);
	memset(line, 'a', SMB3MC_CRED_LINE_MAX + 1);
	memcpy(line, "password=", 9);
	line[SMB3MC_CRED_LINE_MAX] = '\0';
	if (asprintf(&text, "%s\nusername=u\n", line) < 0)
		abort();
	rc = read_cred(&m, "max", text, 0600, err, sizeof(err));
	check(!rc && m.password &&
	      strlen(m.password) == SMB3MC_CRED_LINE_MAX - 9,
	      "cred: 4096-byte line accepted");
	free(text);
	smb3mc_mount_free(&m);

	line[SMB3MC_CRED_LINE_MAX] = 'a';
	line[SMB3MC_CRED_LINE_MAX + 1] = '\0';
	if (asprintf(&text, "username=u\n%s\n", line) < 0)
		abort();
	rc = read_cred(&m, "long", text, 0600, err, sizeof(err));
	check(rc == -EINVAL && strstr(err, "line 2") && strstr(err, "4096"),
	      "cred: 4097-byte line refused");
	free(text);
	smb3mc_mount_free(&m);
	rc = read_cred(&m, "longlast", line, 0600, err, sizeof(err));
	check(rc == -EINVAL, "cred: 4097-byte last line without newline");
	smb3mc_mount_free(&m);
	free(line);

	rc = read_cred(&m, "escape", "username=u\npassword=a,b\n", 0600, err,
		       sizeof(err));
	text = smb3mc_mount_data(&m, false, err, sizeof(err));
	check(!rc && text && strstr(text, "password=a,,b"),
	      "cred: comma in file password escaped in data");
	smb3mc_wipe_free(text);
	smb3mc_mount_free(&m);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_unc();
	test_options();
	test_escape_and_data();
	test_credentials();
	rmdir(tmpdir);
	printf("1..%d\n%d passed, %d failed\n", passed + failed, passed,
	       failed);
	return failed != 0;
}
