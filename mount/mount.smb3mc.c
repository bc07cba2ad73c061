// SPDX-License-Identifier: GPL-2.0
/*
 * mount.smb3mc: mount(8) helper for the smb3mc file system.
 *
 * mount(8) runs it for -t smb3mc as
 *	mount.smb3mc //server/share /mnt [-o options] [-v] [-n] [-s] [-f]
 * It does in user space what the module cannot: resolve the server name,
 * read a credentials file, ask for the password, load the module. The
 * password only ever travels in the mount(2) data, never on a command
 * line or in a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libkmod.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include "options.h"

/* Exit codes of mount(8), which passes ours on. */
#define EX_USAGE	1	/* incorrect invocation or permissions */
#define EX_SYSERR	2	/* system error (out of memory, no module) */
#define EX_FAIL		32	/* mount failure */

#define PROG	"mount.smb3mc"
#define FSTYPE	"smb3mc"

static bool verbose;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " //server/share[/dir] mountpoint [-o options] [-v] [-n] [-s] [-f]\n"
		"       " PROG " -h | -V\n"
		"\n"
		"  -o OPTS  comma-separated mount options, see mount.smb3mc(8)\n"
		"  -v       say what is done (the password shows as ********)\n"
		"  -f       do everything but load the module and mount\n"
		"  -n, -s   accepted for mount(8), no effect\n"
		"  -t TYPE  accepted for mount(8), no effect\n"
		"  -h       this help\n"
		"  -V       print the version\n");
}

/*
 * Fill @m->ip from ip= or else the server name: its address as the kernel
 * takes it, an IPv6 scope as an interface index (fe80::1%eth0 becomes
 * fe80::1%2). An ip= that is no address goes on as typed, for the
 * kernel to refuse.
 */
static int resolve_server(struct smb3mc_mount *m)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	const char *name = m->ip ?: m->host;
	struct addrinfo *res;
	char addr[NI_MAXHOST];
	bool literal = true;
	unsigned int scope = 0;
	int rc;

	hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc && m->ip)
		return 0;
	if (rc) {
		literal = false;
		hints.ai_flags = AI_ADDRCONFIG;
		rc = getaddrinfo(m->host, NULL, &hints, &res);
	}
	if (rc) {
		fprintf(stderr, PROG ": cannot resolve server name %s: %s\n",
			m->host, rc == EAI_SYSTEM ? strerror(errno) :
			gai_strerror(rc));
		return EX_FAIL;
	}
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof(addr),
			 NULL, 0, NI_NUMERICHOST);
	if (res->ai_family == AF_INET6)
		scope = ((struct sockaddr_in6 *)res->ai_addr)->sin6_scope_id;
	freeaddrinfo(res);
	if (rc) {
		fprintf(stderr, PROG ": %s: %s\n", m->host, gai_strerror(rc));
		return EX_SYSERR;
	}
	/* glibc writes the interface's name, which the kernel does not take. */
	if (scope) {
		addr[strcspn(addr, "%")] = '\0';
		snprintf(addr + strlen(addr), sizeof(addr) - strlen(addr),
			 "%%%u", scope);
	}
	if (verbose && !literal)
		printf(PROG ": %s resolves to %s\n", m->host, addr);
	free(m->ip);
	m->ip = strdup(addr);
	return m->ip ? 0 : EX_SYSERR;
}

/* Read one line from the terminal with echo off; NULL on failure. */
static char *ask_password(const struct smb3mc_mount *m)
{
	struct termios old, noecho;
	char buf[SMB3MC_CRED_LINE_MAX + 2], *pw = NULL;
	FILE *tty;
	size_t n;

	tty = fopen("/dev/tty", "r+e");
	if (!tty)
		return NULL;
	if (tcgetattr(fileno(tty), &old))
		goto out;
	noecho = old;
	noecho.c_lflag &= ~ECHO;
	fprintf(tty, "Password for %s@//%s/%s: ",
		m->username ? m->username : "", m->host, m->share);
	fflush(tty);
	if (tcsetattr(fileno(tty), TCSAFLUSH, &noecho))
		goto out;
	if (fgets(buf, sizeof(buf), tty)) {
		n = strcspn(buf, "\r\n");
		buf[n] = '\0';
		pw = strdup(buf);
	}
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	explicit_bzero(buf, sizeof(buf));
out:
	fclose(tty);
	return pw;
}

/*
 * User name and password from the environment, as mount.cifs takes
 * them, then from the terminal. Without a password and without a
 * terminal there is nobody to ask: fail clearly instead of mounting
 * with an empty password.
 */
static int complete_credentials(struct smb3mc_mount *m)
{
	const char *env;
	char *pw;
	int rc;

	env = getenv("USER");
	if (!m->username && env && *env && !strchr(env, ',')) {
		m->username = strdup(env);
		if (!m->username)
			return EX_SYSERR;
	}
	env = getenv("PASSWD");
	if (!m->password && env)
		return smb3mc_set_password(m, env) ? EX_SYSERR : 0;
	if (m->password)
		return 0;
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr,
			PROG ": no password given and no terminal to ask for one: use credentials=FILE, password= or the PASSWD environment variable\n");
		return EX_USAGE;
	}
	pw = ask_password(m);
	if (!pw) {
		fprintf(stderr, PROG ": cannot read the password from the terminal\n");
		return EX_USAGE;
	}
	rc = smb3mc_set_password(m, pw);
	smb3mc_wipe_free(pw);
	return rc ? EX_SYSERR : 0;
}

static bool fs_registered(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *name = strrchr(line, '\t');

		found = name && !strcmp(name + 1, FSTYPE "\n");
	}
	fclose(f);
	return found;
}

/* Load smb3mc with libkmod unless the kernel already knows the type. */
static int load_module(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	struct utsname uts;
	int rc, ret = 0;

	if (fs_registered())
		return 0;
	uname(&uts);
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		fprintf(stderr, PROG ": cannot initialise libkmod\n");
		return EX_SYSERR;
	}
	rc = kmod_module_new_from_name(ctx, FSTYPE, &mod);
	if (!rc && !kmod_module_get_path(mod))
		rc = -ENOENT;
	if (!rc) {
		if (verbose)
			printf(PROG ": loading %s\n", kmod_module_get_path(mod));
		rc = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL,
						     NULL);
	}
	if (rc == -ENOENT) {
		fprintf(stderr,
			PROG ": the smb3mc module is not installed for the running kernel %s\n"
			PROG ": install the smb3mc-dkms package (with the headers for this kernel), or run: dkms install smb3mc/%s -k %s\n",
			uts.release, SMB3MC_VERSION, uts.release);
		ret = EX_SYSERR;
	} else if (rc) {
		fprintf(stderr, PROG ": cannot load the smb3mc module: %s\n",
			strerror(rc < 0 ? -rc : rc));
		ret = EX_SYSERR;
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

static const char *hint(int err)
{
	switch (err) {
	case EACCES:
		return "wrong user name or password?";
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ETIMEDOUT:
	case ECONNREFUSED:
		return "server unreachable: check the address, port= and firewalls";
	case EINVAL:
		return "the module refused the options: see dmesg";
	case ENOENT:
		return "the mount point or share does not exist";
	case ENODEV:
		return "the smb3mc module is not loaded";
	case EPERM:
		return "mounting needs root (CAP_SYS_ADMIN)";
	default:
		return NULL;
	}
}

static int do_mount(const struct smb3mc_mount *m, const char *target,
		    bool fake)
{
	char err[256], *source, *data, *shown;
	int rc = EX_SYSERR, e;

	source = smb3mc_source(m);
	data = smb3mc_mount_data(m, false, err, sizeof(err));
	shown = smb3mc_mount_data(m, true, err, sizeof(err));
	if (!data || !shown) {
		fprintf(stderr, PROG ": %s\n", err);
		rc = EX_USAGE;
		goto out;
	}
	if (!source)
		goto out;
	if (verbose)
		printf(PROG ": mount(\"%s\", \"%s\", \"" FSTYPE "\", 0x%lx, \"%s\")%s\n",
		       source, target, m->flags, shown,
		       fake ? " skipped (-f)" : "");
	rc = 0;
	if (fake)
		goto out;
	rc = load_module();
	if (rc)
		goto out;
	if (mount(source, target, FSTYPE, m->flags, data)) {
		const char *h;

		e = errno;
		h = hint(e);
		fprintf(stderr, PROG ": mounting %s on %s failed: %s%s%s\n",
			source, target, strerror(e), h ? "; " : "", h ? h : "");
		rc = e == EPERM ? EX_USAGE : e == ENOMEM ? EX_SYSERR : EX_FAIL;
	}
out:
	smb3mc_wipe_free(data);
	free(shown);
	free(source);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "options",	required_argument,	NULL, 'o' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "fake",	no_argument,		NULL, 'f' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 },
	};
	struct smb3mc_mount m = { 0 };
	char err[512];
	bool fake = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "o:vfnshVt:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			rc = smb3mc_parse_options(&m, optarg, err, sizeof(err));
			if (rc) {
				fprintf(stderr, PROG ": %s\n",
					rc == -ENOMEM ? "out of memory" : err);
				rc = rc == -ENOMEM ? EX_SYSERR : EX_USAGE;
				goto out;
			}
			break;
		case 'v':
			verbose = true;
			break;
		case 'f':
			fake = true;
			break;
		case 'n':	/* no mtab: there is none to write */
		case 's':	/* sloppy: unknown options fail in the module */
		case 't':	/* mount(8) may name the type again */
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		case 'V':
			printf(PROG " (smb3mc) %s\n", SMB3MC_VERSION);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			rc = EX_USAGE;
			goto out;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		rc = EX_USAGE;
		goto out;
	}

	rc = smb3mc_parse_unc(&m, argv[optind], err, sizeof(err));
	if (!rc && m.prefix) {
		snprintf(err, sizeof(err),
			 "%s: smb3mc mounts whole shares; mount //%s/%s and use the directory %s in it",
			 argv[optind], m.host, m.share, m.prefix);
		rc = -EINVAL;
	}
	if (!rc && m.credentials)
		rc = smb3mc_read_credentials(&m, m.credentials, err,
					     sizeof(err));
	if (rc) {
		fprintf(stderr, PROG ": %s\n",
			rc == -ENOMEM ? "out of memory" : err);
		rc = rc == -ENOMEM ? EX_SYSERR : EX_USAGE;
		goto out;
	}

	/* A remount changes flags only: no new session, no password. */
	if (!(m.flags & MS_REMOUNT)) {
		rc = resolve_server(&m);
		if (!rc)
			rc = complete_credentials(&m);
		if (rc)
			goto out;
	}
	rc = do_mount(&m, argv[optind + 1], fake);
out:
	smb3mc_mount_free(&m);
	return rc;
}
