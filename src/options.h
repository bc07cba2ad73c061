/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mount options: the mount string parsed into one plain struct. Parsing is
 * a pure function of its input so that KUnit can test every option, every
 * malformed value and every message without mounting anything.
 */
#ifndef SMB3MC_OPTIONS_H
#define SMB3MC_OPTIONS_H

#include <linux/socket.h>
#include <linux/types.h>
#include <linux/uidgid.h>

/* port= default: SMB2 over TCP (MS-SMB2 2.1) */
#define SMB3MC_PORT	445
/* max_channels=; the session checks that it has as many slots */
#define SMB3MC_OPTS_MAX_CHANNELS	16
#define SMB3MC_DEFAULT_CHANNELS	4
/*
 * echo_interval= default, seconds: a server gone silent is found lost
 * within 25 s (session.c); cifs.ko's 60 s finds it in 180 s.
 */
#define SMB3MC_DEFAULT_ECHO_INTERVAL	10
/* soft_timeout= default and range, seconds */
#define SMB3MC_DEFAULT_SOFT_TIMEOUT	30
#define SMB3MC_MAX_SOFT_TIMEOUT		3600

struct smb3mc_opts {
	char *host;		/* server part of //host/share, for messages */
	char *share;		/* share name */
	char *username;
	char *password;		/* never logged; freed with kfree_sensitive() */
	/*
	 * The option set last was the password: the next one, in a mount
	 * data string, may be the rest of it (a single comma in it).
	 */
	bool password_last;
	char *domain;
	struct sockaddr_storage addr;	/* ip=, port filled in at validation */
	bool have_addr;
	u16 port;
	u16 dialect;		/* 0: the highest the server offers */
	kuid_t uid;
	kgid_t gid;
	umode_t file_mode;
	umode_t dir_mode;
	bool sign;
	bool seal;		/* encrypt everything, MS-SMB2 3.2.4.1.8 */
	bool require_gcm_256;	/* offer and accept only AES-256-GCM */
	bool nobrl;		/* byte-range locks stay on this client */
	bool nolease;		/* ask for no lease (MS-SMB2 3.2.4.3.8) */
	unsigned int max_channels;	/* 0: not given, default applies */
	unsigned int actimeo;		/* seconds */
	unsigned int closetimeo;	/* seconds a last close keeps its handle */
	unsigned int echo_interval;	/* seconds */
	/*
	 * When the server is lost (every channel down, the session gone):
	 * hard (the default) waits until it is back, soft fails a request
	 * with EIO once it waited soft_timeout seconds for it.
	 */
	bool soft;
	unsigned int soft_timeout;	/* seconds */
};

void smb3mc_opts_init(struct smb3mc_opts *opts);
void smb3mc_opts_free(struct smb3mc_opts *opts);
int smb3mc_opts_set(struct smb3mc_opts *opts, const char *key,
		    const char *value, const char **errmsg);
int smb3mc_opts_set_source(struct smb3mc_opts *opts, const char *source,
			   const char **errmsg);
int smb3mc_opts_split(char *data, char **rest, char **key, char **value);
int smb3mc_opts_parse_data(char *data,
			   int (*one)(void *arg, const char *key, char *value),
			   void *arg);
int smb3mc_opts_validate(struct smb3mc_opts *opts, const char **errmsg);

#endif /* SMB3MC_OPTIONS_H */
