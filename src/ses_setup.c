// SPDX-License-Identifier: GPL-2.0
/*
 * Setting a session up on a channel: NEGOTIATE (MS-SMB2 3.2.4.2.2),
 * SESSION_SETUP with NTLMSSP/NTLMv2 (3.2.4.2.3, MS-NLMP 3.1.5) and key
 * derivation (3.2.5.3.1) on the first channel, and the binding of every
 * further one (3.2.5.3.3).
 */

#include <linux/fs_context.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>

#include "nterr.h"
#include "ntlmssp.h"
#include "options.h"
#include "pdu_hdr.h"
#include "pdu_session.h"
#include "session.h"

/* Largest single READ or WRITE we issue, whatever the server allows. */
#define SMB3MC_MAX_IO		(8 * 1024 * 1024)
/* NT time of the Unix epoch, MS-FSCC 2.1.1 */
#define NT_EPOCH_DELTA		116444736000000000ULL

/* Send on @chan before it is usable for dispatch: negotiate and setup. */
static int ses_call_setup(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			  struct smb3mc_call *call, int len)
{
	struct smb2_hdr *hdr;

	if (len < 0)
		return len;
	smb3mc_call_prepare(call, len, 0);
	hdr = call->req.iov[0].iov_base;
	hdr->session_id = cpu_to_le64(ses->id);
	/*
	 * MS-SMB2 3.2.4.2.3: a binding request is signed with the session's
	 * key, its answer with the channel's, which only exists once the
	 * exchange ends: that one is verified then.
	 */
	if (chan->signer_ready) {
		call->req.sign = true;
		call->req.skip_verify = true;
	}
	return smb3mc_chan_call(chan, &call->req);
}

/*
 * One NEGOTIATE exchange on @chan offering @dialects (MS-SMB2 3.2.4.2.2);
 * fills @info and, for 3.1.1, the channel's preauth hash (3.2.5.2).
 */
static int ses_negotiate_once(struct smb3mc_ses *ses,
			      struct smb3mc_chan *chan,
			      const u16 *dialects, unsigned int nr_dialects,
			      struct smb3mc_negotiate_info *info,
			      u8 preauth[SMB3MC_PREAUTH_HASH_SIZE])
{
	struct smb3mc_negotiate_args args = {
		.dialect_count = nr_dialects,
		.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED,
		.capabilities = SMB3MC_CLIENT_CAPS,
		.signing_algs = { SMB2_SIGNING_AES_GMAC,
				  SMB2_SIGNING_AES_CMAC },
		.signing_alg_count = 2,
		.netname = ses->server,
	};
	struct smb3mc_call *call;
	const char *what;
	struct kvec rsp;
	u16 value;
	int rc;

	smb3mc_negotiate_offer_ciphers(&args, ses->gcm256_only);
	memcpy(args.dialects, dialects, nr_dialects * sizeof(*dialects));
	memcpy(args.client_guid, ses->client_guid, sizeof(args.client_guid));
	get_random_bytes(args.salt, sizeof(args.salt));

	call = smb3mc_call_alloc(1024);
	if (!call)
		return -ENOMEM;
	rc = ses_call_setup(ses, chan, call,
			    smb3mc_build_negotiate(call->buf, call->size,
						   &args));
	if (!rc)
		rc = smb3mc_req_errno(&call->req);
	if (!rc)
		rc = smb3mc_parse_negotiate_rsp(call->req.rsp,
						call->req.rsp_len, info);
	/* A choice we did not offer is a downgrade: refuse it. */
	if (!rc) {
		rc = smb3mc_negotiate_check_offered(&args, info, &what, &value);
		if (rc)
			pr_warn_ratelimited("smb3mc: %s: NEGOTIATE picked %s %#x, which was not offered\n",
					    chan->name, what, value);
	}
	memset(preauth, 0, SMB3MC_PREAUTH_HASH_SIZE);
	if (!rc && info->dialect == SMB311_DIALECT) {
		rsp.iov_base = call->req.rsp;
		rsp.iov_len = call->req.rsp_len;
		rc = smb3mc_preauth_update(preauth, call->req.iov, 1);
		if (!rc)
			rc = smb3mc_preauth_update(preauth, &rsp, 1);
	}
	smb3mc_call_free(call);
	return rc;
}

/*
 * The sizes of @info's READ, WRITE and transactions as the client uses
 * them: without LARGE_MTU every request is one credit, 64 KiB at most,
 * and none is over SMB3MC_MAX_IO. Returns -EIO when one is too small:
 * each READ or WRITE of the page cache moves whole pages.
 */
static int ses_io_sizes(struct smb3mc_negotiate_info *info)
{
	u32 most = info->capabilities & SMB2_GLOBAL_CAP_LARGE_MTU ?
		   SMB3MC_MAX_IO : SMB2_CREDIT_PAYLOAD;

	info->max_read_size = min(info->max_read_size, most);
	info->max_write_size = min(info->max_write_size, most);
	info->max_transact_size = min(info->max_transact_size, most);
	if (info->max_read_size < PAGE_SIZE ||
	    info->max_write_size < PAGE_SIZE ||
	    info->max_transact_size < SZ_4K)
		return -EIO;
	return 0;
}

/**
 * smb3mc_ses_negotiate - NEGOTIATE the session on its first channel
 * @ses: the session being opened
 * @chan: its first channel, connected
 * @opts: the mount's dialect and signing
 * @preauth: set to the channel's preauth hash, for 3.1.1
 * @log: for messages to the user
 *
 * Sets the dialect, the server's identity and capabilities, the I/O sizes
 * and whether the session signs.
 */
int smb3mc_ses_negotiate(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 const struct smb3mc_opts *opts,
			 u8 preauth[SMB3MC_PREAUTH_HASH_SIZE],
			 struct p_log *log)
{
	static const u16 all[] = {
		SMB30_DIALECT, SMB302_DIALECT, SMB311_DIALECT
	};
	struct smb3mc_negotiate_info info;
	int rc;

	ses->gcm256_only = opts->require_gcm_256;
	if (opts->dialect) {
		ses->dialects[0] = opts->dialect;
		ses->nr_dialects = 1;
	} else if (ses->gcm256_only) {
		/* AES-256-GCM exists only in 3.1.1 (MS-SMB2 2.2.3.1.2). */
		ses->dialects[0] = SMB311_DIALECT;
		ses->nr_dialects = 1;
	} else {
		memcpy(ses->dialects, all, sizeof(all));
		ses->nr_dialects = ARRAY_SIZE(all);
	}
	rc = ses_negotiate_once(ses, chan, ses->dialects, ses->nr_dialects,
				&info, preauth);
	if (rc) {
		error_plog(log, "%s: NEGOTIATE failed (%d)", ses->server, rc);
		return rc;
	}

	if (ses->gcm256_only && info.cipher != SMB2_ENCRYPTION_AES256_GCM) {
		error_plog(log, "%s: require_gcm_256: server does not offer AES-256-GCM",
			   ses->server);
		return -EOPNOTSUPP;
	}
	if (opts->seal && !info.cipher) {
		error_plog(log, "%s: seal: server cannot encrypt (no cipher in common)",
			   ses->server);
		return -EOPNOTSUPP;
	}
	/* Set before any request goes through dispatch: ses_stamp(). */
	ses->encrypt = opts->seal;
	ses->dialect = info.dialect;
	ses->security_mode = info.security_mode;
	ses->server_caps = info.capabilities;
	ses->cipher = info.cipher;
	ses->sign_alg = info.signing_alg;
	memcpy(ses->server_guid, info.server_guid, sizeof(ses->server_guid));
	if (ses_io_sizes(&info)) {
		error_plog(log, "%s: server offers READ or WRITE sizes below the page size (%lu bytes), or transactions below 4 KiB",
			   ses->server, PAGE_SIZE);
		return -EIO;
	}
	ses->max_read = info.max_read_size;
	ses->max_write = info.max_write_size;
	ses->max_trans = info.max_transact_size;
	chan->max_rsp = max(ses->max_read, ses->max_trans) + PAGE_SIZE;

	/* A server that requires signing gets it even with nosign. */
	ses->sign = opts->sign ||
		    (info.security_mode & SMB2_NEGOTIATE_SIGNING_REQUIRED);
	return 0;
}

/*
 * A server back from a restart may take less than before (its settings
 * changed): from now on READs, WRITEs and transactions are no larger
 * than it takes, and those made before go in pieces (dispatch.c). Never
 * more than before: what was sized for the old session stays valid.
 */
static int ses_io_renew(struct smb3mc_ses *ses,
			struct smb3mc_negotiate_info *info,
			struct smb3mc_chan *chan)
{
	if (ses_io_sizes(info)) {
		pr_warn_ratelimited("smb3mc: %s: the server came back with READ or WRITE sizes below the page size, or transactions below 4 KiB\n",
				    chan->name);
		return -EIO;
	}
	if (info->max_read_size >= ses->max_read &&
	    info->max_write_size >= ses->max_write &&
	    info->max_transact_size >= ses->max_trans)
		return 0;
	WRITE_ONCE(ses->max_read, min(ses->max_read, info->max_read_size));
	WRITE_ONCE(ses->max_write, min(ses->max_write, info->max_write_size));
	WRITE_ONCE(ses->max_trans, min(ses->max_trans,
				       info->max_transact_size));
	pr_info_ratelimited("smb3mc: %s: the server came back taking less: READ %u, WRITE %u, transactions %u bytes at most\n",
			    chan->name, ses->max_read, ses->max_write,
			    ses->max_trans);
	return 0;
}

/**
 * smb3mc_ses_renew - a new session in place of one the server lost
 * @ses: the session, every channel of which is gone
 * @chan: a fresh connection to the server
 *
 * MS-SMB2 3.2.4.2.2, 3.2.4.2.3: NEGOTIATE as at mount, which must give
 * the dialect and cipher the session had (its requests are built for
 * them), then SESSION_SETUP anew with PreviousSessionId the lost
 * SessionId, so that the server drops what it may still hold of it. New
 * SessionId, keys and signing key of @chan; the ciphers are keyed again.
 *
 * Return: 0 with @chan authenticated, not yet known to dispatch.
 */
int smb3mc_ses_renew(struct smb3mc_ses *ses, struct smb3mc_chan *chan)
{
	u8 preauth[SMB3MC_PREAUTH_HASH_SIZE];
	struct p_log log = { .prefix = "smb3mc" };
	struct smb3mc_negotiate_info info;
	int rc;

	/* No SessionId until the server gives the new one. */
	ses->id = 0;
	rc = ses_negotiate_once(ses, chan, ses->dialects, ses->nr_dialects,
				&info, preauth);
	if (rc)
		return rc;
	if (info.dialect != ses->dialect || info.cipher != ses->cipher) {
		pr_warn_ratelimited("smb3mc: %s: the server came back with dialect %#x cipher %#x, not %#x %#x\n",
				    chan->name, info.dialect, info.cipher,
				    ses->dialect, ses->cipher);
		return -EPROTO;
	}
	/*
	 * Another server at the address, or one that does not keep its
	 * GUID across a restart: a new session needs no more of it
	 * (MS-SMB2 3.2.4.2.2 names no check of the ServerGuid, 3.2.5.2
	 * stores it), and each file opened again by name must be the file
	 * it had, by its file id (tcon.c).
	 */
	if (memcmp(info.server_guid, ses->server_guid, sizeof(info.server_guid)))
		pr_warn_ratelimited("smb3mc: %s: the server came back with another ServerGuid %pUb\n",
				    chan->name, info.server_guid);
	memcpy(ses->server_guid, info.server_guid, sizeof(ses->server_guid));
	ses->security_mode = info.security_mode;
	ses->server_caps = info.capabilities;
	ses->sign_alg = info.signing_alg;
	rc = ses_io_renew(ses, &info, chan);
	if (rc)
		return rc;
	chan->max_rsp = max(ses->max_read, ses->max_trans) + PAGE_SIZE;
	return smb3mc_ses_authenticate(ses, chan, preauth, &log);
}

/* A new channel must meet the very server and dialect of its session. */
static int ses_negotiate_bind(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			      u8 preauth[SMB3MC_PREAUTH_HASH_SIZE])
{
	struct smb3mc_negotiate_info info;
	int rc;

	rc = ses_negotiate_once(ses, chan, &ses->dialect, 1, &info, preauth);
	if (rc)
		return rc;
	/* The channel encrypts with the session's keys: the same cipher. */
	if (info.dialect != ses->dialect || info.cipher != ses->cipher ||
	    memcmp(info.server_guid, ses->server_guid, sizeof(info.server_guid))) {
		pr_warn_ratelimited("smb3mc: %s: another server, dialect or cipher answers there\n",
				    chan->name);
		return -EIO;
	}
	chan->max_rsp = max(ses->max_read, ses->max_trans) + PAGE_SIZE;
	return 0;
}

/* FILETIME now, for the NTLMv2 blob when the server sends no timestamp. */
static u64 ntlm_now(void)
{
	return div_u64(ktime_get_real_ns(), 100) + NT_EPOCH_DELTA;
}

/* The state of one NTLMSSP exchange. */
struct ses_auth {
	u8 neg[64];
	int neg_len;
	u8 *chal;
	size_t chal_len;
	u8 *auth;
	int auth_len;
	u8 session_key[NTLMSSP_SESSION_KEY_SIZE];
	bool encrypt_data;		/* SMB2_SESSION_FLAG_ENCRYPT_DATA */
};

/* Build the AUTHENTICATE_MESSAGE for the server's CHALLENGE_MESSAGE. */
static int ses_ntlm_authenticate(struct smb3mc_ses *ses, struct ses_auth *a)
{
	struct smb3mc_ntlmssp_challenge chal;
	struct smb3mc_ntlmssp_auth_args args = {};
	u8 proof[NTLMSSP_NTPROOFSTR_SIZE];
	u8 base_key[SMB3MC_NTLM_KEY_SIZE], enc_key[SMB3MC_NTLM_KEY_SIZE];
	u8 client_chal[8], *blob;
	struct kvec msgs[3];
	size_t blob_max, auth_max, mic_off;
	int blob_len, rc;

	rc = smb3mc_ntlmssp_parse_challenge(a->chal, a->chal_len, &chal);
	if (rc)
		return rc;
	blob_max = sizeof(struct ntlmv2_client_challenge) +
		   chal.target_info_len + 64;
	blob = kmalloc(blob_max, GFP_KERNEL);
	auth_max = sizeof(struct ntlmssp_authenticate_msg) + 24 +
		   NTLMSSP_NTPROOFSTR_SIZE + blob_max +
		   NTLMSSP_SESSION_KEY_SIZE +
		   2 * (strlen(ses->username) + strlen(ses->domain) +
			strlen(utsname()->nodename)) + 16;
	a->auth = kmalloc(auth_max, GFP_KERNEL);
	if (!blob || !a->auth) {
		rc = -ENOMEM;
		goto out;
	}

	get_random_bytes(client_chal, sizeof(client_chal));
	blob_len = smb3mc_ntlmv2_build_blob(blob, blob_max, &chal, ntlm_now(),
					    client_chal);
	if (blob_len < 0) {
		rc = blob_len;
		goto out;
	}
	rc = smb3mc_ntlmv2_proof(ses->ntowfv2, chal.server_challenge, blob,
				 blob_len, proof);
	if (!rc)
		rc = smb3mc_ntlmv2_session_base_key(ses->ntowfv2, proof,
						    base_key);
	if (rc)
		goto out;

	/* MS-NLMP 3.1.5.1.2: with KEY_EXCH a random key is sent sealed. */
	args.flags = SMB3MC_NTLMSSP_CLIENT_FLAGS & chal.flags;
	if (args.flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		get_random_bytes(a->session_key, sizeof(a->session_key));
		smb3mc_ntlm_encrypt_session_key(base_key, a->session_key,
						enc_key);
		args.encrypted_session_key = enc_key;
	} else {
		memcpy(a->session_key, base_key, sizeof(a->session_key));
	}
	args.domain = ses->domain;
	args.user = ses->username;
	args.workstation = utsname()->nodename;
	args.nt_proof_str = proof;
	args.blob = blob;
	args.blob_len = blob_len;
	args.mic = chal.has_timestamp;
	a->auth_len = smb3mc_ntlmssp_build_authenticate(a->auth, auth_max,
							&args, &mic_off);
	if (a->auth_len < 0) {
		rc = a->auth_len;
		goto out;
	}
	if (args.mic) {
		msgs[0] = (struct kvec){ a->neg, a->neg_len };
		msgs[1] = (struct kvec){ a->chal, a->chal_len };
		msgs[2] = (struct kvec){ a->auth, a->auth_len };
		rc = smb3mc_ntlm_mic(a->session_key, msgs, 3,
				     a->auth + mic_off);
	}
out:
	memzero_explicit(proof, sizeof(proof));
	memzero_explicit(base_key, sizeof(base_key));
	memzero_explicit(enc_key, sizeof(enc_key));
	kfree_sensitive(blob);
	return rc;
}

static int ses_setup_leg(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_call *call, const void *blob, int len,
			 u8 preauth[SMB3MC_PREAUTH_HASH_SIZE],
			 struct smb3mc_sess_setup_info *info)
{
	struct smb3mc_sess_setup_args args = {
		.flags = chan->signer_ready ? SMB2_SESSION_FLAG_BINDING : 0,
		.security_mode = SMB2_NEGOTIATE_SIGNING_ENABLED,
		.sec_blob = blob,
		.sec_blob_len = len,
	};

	u64 id;
	int rc;

	/* MS-SMB2 3.2.4.2.3: a new session names the one it replaces. */
	if (!args.flags)
		args.previous_session_id = ses->lost_id;

	rc = ses_call_setup(ses, chan, call,
			    smb3mc_build_sess_setup(call->buf, call->size,
						    &args));
	if (rc)
		return rc;
	if (call->req.status != STATUS_SUCCESS &&
	    call->req.status != STATUS_MORE_PROCESSING_REQUIRED)
		return smb3mc_req_errno(&call->req);
	/* A binding answer is about the session being bound, no other. */
	id = le64_to_cpu(((struct smb2_hdr *)call->req.rsp)->session_id);
	if (args.flags & SMB2_SESSION_FLAG_BINDING && id != ses->id) {
		pr_warn_ratelimited("smb3mc: %s: binding answered with SessionId %#llx, not the session's %#llx\n",
				    chan->name, id, ses->id);
		return -EIO;
	}
	rc = smb3mc_parse_sess_setup_rsp(call->req.rsp, call->req.rsp_len,
					 info);
	if (rc || ses->dialect != SMB311_DIALECT)
		return rc;
	/* MS-SMB2 3.2.5.3: hash each request, and each response but the last. */
	rc = smb3mc_preauth_update(preauth, call->req.iov, 1);
	if (!rc && info->status == STATUS_MORE_PROCESSING_REQUIRED) {
		struct kvec rsp = {
			.iov_base = call->req.rsp,
			.iov_len = call->req.rsp_len,
		};

		rc = smb3mc_preauth_update(preauth, &rsp, 1);
	}
	return rc;
}

static void ses_auth_error(struct smb3mc_ses *ses, struct smb3mc_call *call,
			   int rc, struct p_log *log)
{
	if (call->req.status == STATUS_LOGON_FAILURE ||
	    call->req.status == STATUS_WRONG_PASSWORD)
		error_plog(log, "%s: wrong user name or password", ses->server);
	else if (call->req.status != STATUS_SUCCESS &&
		 call->req.status != STATUS_MORE_PROCESSING_REQUIRED)
		error_plog(log, "%s: session setup failed: %s", ses->server,
			   smb3mc_status_name(call->req.status));
	else
		error_plog(log, "%s: session setup failed (%d)", ses->server,
			   rc);
}

/*
 * Verify the final SESSION_SETUP response with the new key, 3.2.5.3.1. It
 * must be signed with 3.1.1, and when binding on any dialect: the
 * signature is all that proves the new channel reaches the same server.
 */
static int ses_verify_final(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			    struct smb3mc_call *call, bool binding)
{
	struct smb2_hdr *hdr = call->req.rsp;
	struct kvec rsp = {
		.iov_base = call->req.rsp,
		.iov_len = call->req.rsp_len,
	};

	if (!(hdr->flags & SMB2_FLAGS_SIGNED))
		return binding || ses->dialect == SMB311_DIALECT ? -EACCES : 0;
	return smb3mc_verify(&chan->signer, &rsp, 1);
}

/*
 * The two SESSION_SETUP legs of NTLMSSP on @chan (MS-SMB2 3.2.4.2.3,
 * MS-NLMP 3.1.5.1). On success @call holds the final response and
 * @a->session_key the key this authentication produced.
 */
static int ses_ntlm_legs(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_call *call, struct ses_auth *a,
			 u8 preauth[SMB3MC_PREAUTH_HASH_SIZE])
{
	struct smb3mc_sess_setup_info info;
	struct smb2_hdr *hdr;
	int rc;

	a->neg_len = smb3mc_ntlmssp_build_negotiate(a->neg, sizeof(a->neg),
						    SMB3MC_NTLMSSP_CLIENT_FLAGS);
	rc = ses_setup_leg(ses, chan, call, a->neg, a->neg_len, preauth,
			   &info);
	if (rc)
		return rc;
	if (info.status != STATUS_MORE_PROCESSING_REQUIRED)
		return -EIO;
	/* The server names a new session; a binding keeps its own. */
	hdr = call->req.rsp;
	if (!chan->signer_ready)
		ses->id = le64_to_cpu(hdr->session_id);
	a->chal_len = info.sec_blob_len;
	a->chal = kmemdup(info.sec_blob, a->chal_len, GFP_KERNEL);
	if (!a->chal)
		return -ENOMEM;
	rc = ses_ntlm_authenticate(ses, a);
	if (rc)
		return rc;
	rc = ses_setup_leg(ses, chan, call, a->auth, a->auth_len, preauth,
			   &info);
	if (rc)
		return rc;
	if (info.status != STATUS_SUCCESS)
		return -EIO;
	/* MS-SMB2 3.2.5.3.3: a guest cannot sign, so it cannot bind either. */
	if (info.session_flags & (SMB2_SESSION_FLAG_IS_GUEST |
				  SMB2_SESSION_FLAG_IS_NULL))
		return -EACCES;
	/* MS-SMB2 3.2.5.3.1: the server wants the session encrypted. */
	if (info.session_flags & SMB2_SESSION_FLAG_ENCRYPT_DATA) {
		if (!ses->cipher)
			return -EOPNOTSUPP;
		a->encrypt_data = true;
	}
	return 0;
}

static void ses_auth_free(struct ses_auth *a)
{
	memzero_explicit(a->session_key, sizeof(a->session_key));
	kfree(a->chal);
	kfree_sensitive(a->auth);
}

/*
 * Key the session's ciphers, when it negotiated one, with the keys just
 * derived (MS-SMB2 3.2.5.3.1), and let its first channel decrypt.
 */
static int ses_seal_init(struct smb3mc_ses *ses, struct smb3mc_chan *chan)
{
	int rc;

	if (!ses->cipher)
		return 0;
	/* A new session replacing a lost one: no channel uses the old keys. */
	if (ses->seal_ready) {
		ses->seal_ready = false;
		smb3mc_seal_free(&ses->seal);
	}
	rc = smb3mc_seal_init(&ses->seal, ses->cipher, &ses->keys, ses->id);
	if (rc)
		return rc;
	ses->seal_ready = true;
	/* The receive thread sees the ciphers keyed once it sees them. */
	smp_store_release(&chan->seal, &ses->seal);
	return 0;
}

/**
 * smb3mc_ses_authenticate - SESSION_SETUP of the session on its first channel
 * @ses: the session, negotiated
 * @chan: the channel it negotiated on
 * @preauth: the channel's preauth hash from smb3mc_ses_negotiate()
 * @log: for messages to the user
 *
 * Authenticates with NTLMSSP, derives the session's keys and verifies the
 * signature of the final response with them.
 */
int smb3mc_ses_authenticate(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			    u8 preauth[SMB3MC_PREAUTH_HASH_SIZE],
			    struct p_log *log)
{
	struct ses_auth a = {};
	struct smb3mc_call *call;
	int rc;

	call = smb3mc_call_alloc(PAGE_SIZE * 4);
	if (!call)
		return -ENOMEM;
	rc = ses_ntlm_legs(ses, chan, call, &a, preauth);
	if (rc == -EACCES && call->req.status == STATUS_SUCCESS) {
		error_plog(log, "%s: server logged us on as guest: wrong user name?",
			   ses->server);
		goto out;
	}
	if (rc == -EOPNOTSUPP) {
		error_plog(log, "%s: server requires encryption, but no cipher is in common",
			   ses->server);
		goto out;
	}
	if (rc) {
		ses_auth_error(ses, call, rc, log);
		goto out;
	}

	memcpy(ses->session_key, a.session_key, sizeof(ses->session_key));
	rc = smb3mc_derive_keys(ses->dialect, ses->session_key,
				sizeof(ses->session_key), preauth,
				ses->cipher ? ses->cipher :
				SMB2_ENCRYPTION_AES128_CCM, &ses->keys);
	if (!rc)
		rc = smb3mc_signer_init(&chan->signer, ses->sign_alg,
					ses->keys.signing);
	if (rc)
		goto out;
	chan->signer_ready = true;
	rc = ses_verify_final(ses, chan, call, false);
	if (rc) {
		error_plog(log, "%s: SESSION_SETUP response has a bad signature",
			   ses->server);
		goto out;
	}
	/*
	 * A kernel without the cipher fails only a mount that must encrypt
	 * now; a share that asks for it later is refused (tcon.c).
	 */
	rc = ses_seal_init(ses, chan);
	if (rc && (ses->encrypt || a.encrypt_data)) {
		error_plog(log, "%s: cannot set up %s (%d)", ses->server,
			   smb3mc_cipher_name(ses->cipher), rc);
		goto out;
	}
	if (rc)
		pr_warn_ratelimited("smb3mc: %s: cannot set up %s (%d): the session will not encrypt\n",
				    ses->server, smb3mc_cipher_name(ses->cipher), rc);
	rc = 0;
	if (a.encrypt_data)
		ses->encrypt = true;
out:
	ses_auth_free(&a);
	/* It held the AUTHENTICATE_MESSAGE. */
	memzero_explicit(call->buf, call->size);
	smb3mc_call_free(call);
	return rc;
}

/*
 * One ECHO on a newly bound channel, for its first round trip: the binding
 * requests do not count (smb3mc_times_link()), and a channel that goes on to
 * carry only READs and WRITEs would have none. The binding is proven
 * already, by the final SESSION_SETUP response signed with the channel's
 * own key (ses_verify_final()); in clear the ECHO stays outside the
 * session (smb3mc_cmd_in_session()), and its answer is a round trip.
 */
static int ses_time_chan(struct smb3mc_ses *ses, struct smb3mc_chan *chan,
			 struct smb3mc_call *call)
{
	struct smb2_hdr *hdr;
	int len, rc;

	len = smb3mc_build_echo(call->buf, call->size);
	if (len < 0)
		return len;
	smb3mc_call_prepare(call, len, 0);
	/* MS-SMB2 3.2.4.1.1: an encrypted request is not signed. */
	call->req.seal = ses->encrypt;
	if (smb3mc_cmd_in_session(SMB2_ECHO, call->req.seal)) {
		hdr = call->req.iov[0].iov_base;
		hdr->session_id = cpu_to_le64(ses->id);
		call->req.sign = ses->sign && !call->req.seal;
	}
	rc = smb3mc_chan_call(chan, &call->req);
	return rc ?: smb3mc_req_errno(&call->req);
}

/**
 * smb3mc_ses_bind - bind a freshly connected channel to the session
 * @ses: an established session
 * @chan: connected, not yet negotiated; usable for dispatch on success
 *
 * MS-SMB2 3.2.4.2.3 / 3.2.5.3.3: NEGOTIATE the session's dialect with the
 * same ClientGuid, then authenticate again with SMB2_SESSION_FLAG_BINDING
 * and the existing SessionId, signing with the session's key. The
 * channel's own signing key comes from this authentication's key (and,
 * with 3.1.1, from this channel's preauth hash); the encryption keys stay
 * the session's.
 */
int smb3mc_ses_bind(struct smb3mc_ses *ses, struct smb3mc_chan *chan)
{
	u8 preauth[SMB3MC_PREAUTH_HASH_SIZE];
	u8 key[SMB3MC_SIGNING_KEY_SIZE];
	struct ses_auth a = {};
	struct smb3mc_call *call;
	int rc;

	rc = ses_negotiate_bind(ses, chan, preauth);
	if (rc)
		return rc;
	/*
	 * MS-SMB2 3.2.5.3.1, 3.3.5.5.3: the channel encrypts and decrypts
	 * with the session's keys; the binding itself is never encrypted
	 * (3.2.4.1.8).
	 */
	if (ses->seal_ready)	/* as in ses_seal_init() */
		smp_store_release(&chan->seal, &ses->seal);
	call = smb3mc_call_alloc(PAGE_SIZE * 4);
	if (!call)
		return -ENOMEM;
	rc = smb3mc_signer_init(&chan->signer, ses->sign_alg,
				ses->keys.signing);
	if (rc)
		goto out;
	chan->signer_ready = true;
	rc = ses_ntlm_legs(ses, chan, call, &a, preauth);
	if (rc) {
		if (call->req.status)
			pr_warn_ratelimited("smb3mc: %s: binding refused: %s (%d)\n",
					    chan->name,
					    smb3mc_status_name(call->req.status), rc);
		else
			pr_warn_ratelimited("smb3mc: %s: binding failed (%d)\n",
					    chan->name, rc);
		goto out;
	}
	rc = smb3mc_derive_signing_key(ses->dialect, a.session_key,
				       sizeof(a.session_key), preauth, key);
	if (rc)
		goto out;
	smb3mc_signer_free(&chan->signer);
	chan->signer_ready = false;
	rc = smb3mc_signer_init(&chan->signer, ses->sign_alg, key);
	memzero_explicit(key, sizeof(key));
	if (rc)
		goto out;
	chan->signer_ready = true;
	rc = ses_verify_final(ses, chan, call, true);
	if (rc) {
		pr_warn_ratelimited("smb3mc: %s: binding response unsigned or badly signed\n",
				    chan->name);
		goto out;
	}
	rc = ses_time_chan(ses, chan, call);
	if (rc)
		pr_warn_ratelimited("smb3mc: %s: ECHO after binding failed (%d)\n",
				    chan->name, rc);
out:
	ses_auth_free(&a);
	/* It held the AUTHENTICATE_MESSAGE. */
	memzero_explicit(call->buf, call->size);
	smb3mc_call_free(call);
	return rc;
}
