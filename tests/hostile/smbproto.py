# SPDX-License-Identifier: GPL-2.0
"""Wire formats and crypto of the test server (tests/hostile/server.py).

Only what a small SMB 3.x server needs: the SMB2 header, NTLMSSP with
NTLMv2 (MS-NLMP), a bare SPNEGO wrapper for clients that use one, and the
SMB 3.x key derivation, signing and encryption with AES-128-GCM or
AES-128-CCM (MS-SMB2 3.1.4.1 - 3.1.4.3). MD4 and RC4
are written out here: OpenSSL 3 no longer offers them by default.
"""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM

# Commands, MS-SMB2 2.2.1
NEGOTIATE, SESSION_SETUP, LOGOFF, TREE_CONNECT, TREE_DISCONNECT = range(5)
CREATE, CLOSE, FLUSH, READ, WRITE, LOCK, IOCTL, CANCEL, ECHO = range(5, 14)
QUERY_DIRECTORY, CHANGE_NOTIFY, QUERY_INFO, SET_INFO, OPLOCK_BREAK = range(14, 19)
COMMANDS = ["NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT",
            "TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE",
            "LOCK", "IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY",
            "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK"]

FLAG_RESPONSE = 0x1
FLAG_ASYNC = 0x2
FLAG_RELATED = 0x4
FLAG_SIGNED = 0x8

# NT status values, MS-ERREF 2.3
STATUS_SUCCESS = 0
STATUS_PENDING = 0x00000103
STATUS_NO_MORE_FILES = 0x80000006
STATUS_BUFFER_OVERFLOW = 0x80000005
STATUS_INVALID_INFO_CLASS = 0xC0000003
STATUS_INVALID_PARAMETER = 0xC000000D
STATUS_INVALID_DEVICE_REQUEST = 0xC0000010
STATUS_END_OF_FILE = 0xC0000011
STATUS_MORE_PROCESSING_REQUIRED = 0xC0000016
STATUS_ACCESS_DENIED = 0xC0000022
STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034
STATUS_OBJECT_NAME_COLLISION = 0xC0000035
STATUS_LOGON_FAILURE = 0xC000006D
STATUS_FILE_IS_A_DIRECTORY = 0xC00000BA
STATUS_NOT_SUPPORTED = 0xC00000BB
STATUS_BAD_NETWORK_NAME = 0xC00000CC
STATUS_NOT_A_DIRECTORY = 0xC0000103
STATUS_FILE_CLOSED = 0xC0000128
STATUS_USER_SESSION_DELETED = 0xC0000203
STATUS_NOT_FOUND = 0xC0000225

HDR = struct.Struct("<4sHHIHHIIQIIQ16s")
HDR_SIZE = 64
PROTO = b"\xfeSMB"


class Header:
    """An SMB2 sync header (MS-SMB2 2.2.1.2); async ones reuse the fields."""

    def __init__(self, buf=None):
        if buf is None:
            buf = PROTO + struct.pack("<H", 64) + bytes(58)
        (self.proto, _, self.credit_charge, self.status, self.command,
         self.credits, self.flags, self.next_command, self.mid,
         self.pid, self.tid, self.sid, self.signature) = HDR.unpack_from(buf)

    def pack(self):
        return HDR.pack(self.proto, 64, self.credit_charge, self.status,
                        self.command, self.credits, self.flags,
                        self.next_command, self.mid, self.pid, self.tid,
                        self.sid, self.signature)


# MD4, RFC 1320
def _rotl(x, n):
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def md4(data):
    msg = bytearray(data) + b"\x80"
    msg += bytes((56 - len(msg) % 64) % 64) + struct.pack("<Q", 8 * len(data))
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
    f = (lambda x, y, z: (x & y) | (~x & z),
         lambda x, y, z: (x & y) | (x & z) | (y & z),
         lambda x, y, z: x ^ y ^ z)
    order = (list(range(16)),
             [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15],
             [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15])
    shifts = ((3, 7, 11, 19), (3, 5, 9, 13), (3, 9, 11, 15))
    consts = (0, 0x5A827999, 0x6ED9EBA1)
    for off in range(0, len(msg), 64):
        x = struct.unpack_from("<16I", msg, off)
        a, b, c, d = h
        for r in range(3):
            for i, k in enumerate(order[r]):
                t = (a + f[r](b, c, d) + x[k] + consts[r]) & 0xFFFFFFFF
                a, b, c, d = d, _rotl(t, shifts[r][i % 4]), b, c
        h = [(v + w) & 0xFFFFFFFF for v, w in zip(h, (a, b, c, d))]
    return struct.pack("<4I", *h)


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def hmac_md5(key, data):
    return hmac.new(key, data, hashlib.md5).digest()


# NTLMSSP, MS-NLMP 2.2.1
NTLM_SIG = b"NTLMSSP\0"
NTLMSSP_NEGOTIATE_UNICODE = 0x00000001
NTLMSSP_REQUEST_TARGET = 0x00000004
NTLMSSP_NEGOTIATE_SIGN = 0x00000010
NTLMSSP_NEGOTIATE_SEAL = 0x00000020
NTLMSSP_NEGOTIATE_NTLM = 0x00000200
NTLMSSP_NEGOTIATE_ALWAYS_SIGN = 0x00008000
NTLMSSP_TARGET_TYPE_SERVER = 0x00020000
NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000
NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000
NTLMSSP_NEGOTIATE_VERSION = 0x02000000
NTLMSSP_NEGOTIATE_128 = 0x20000000
NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000
NTLMSSP_NEGOTIATE_56 = 0x80000000
NTLM_SERVER_FLAGS = (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET |
                     NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
                     NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
                     NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
                     NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 |
                     NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56)


def ntlm_challenge(client_flags, challenge, target, timestamp=None):
    """CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) for a NEGOTIATE's flags."""
    name = target.encode("utf-16-le")
    av = b""
    for av_id in (2, 1, 4, 3):  # NetBIOS domain/computer, DNS domain/computer
        av += struct.pack("<HH", av_id, len(name)) + name
    if timestamp is not None:
        av += struct.pack("<HHQ", 7, 8, timestamp)
    av += struct.pack("<HH", 0, 0)
    flags = (client_flags & NTLM_SERVER_FLAGS) | NTLMSSP_TARGET_TYPE_SERVER | \
        NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_UNICODE
    off = 56
    return (NTLM_SIG + struct.pack("<I", 2) +
            struct.pack("<HHI", len(name), len(name), off) +
            struct.pack("<I", flags) + challenge + bytes(8) +
            struct.pack("<HHI", len(av), len(av), off + len(name)) +
            bytes([10, 0]) + struct.pack("<H", 20348) + bytes([0, 0, 0, 15]) +
            name + av)


def _ntlm_field(msg, pos):
    length, _, off = struct.unpack_from("<HHI", msg, pos)
    if off + length > len(msg):
        raise ValueError("NTLMSSP field out of bounds")
    return msg[off:off + length]


def ntlm_authenticate(msg, challenge, user, password):
    """Check an AUTHENTICATE_MESSAGE (MS-NLMP 3.3.2) against the known
    account. Returns (user name sent, exported session key or None)."""
    if msg[:8] != NTLM_SIG or struct.unpack_from("<I", msg, 8)[0] != 3:
        raise ValueError("not an NTLMSSP AUTHENTICATE")
    nt = _ntlm_field(msg, 20)
    domain = _ntlm_field(msg, 28).decode("utf-16-le")
    name = _ntlm_field(msg, 36).decode("utf-16-le")
    enc_key = _ntlm_field(msg, 52)
    flags = struct.unpack_from("<I", msg, 60)[0]
    if len(nt) < 48 or name.upper() != user.upper():
        return name, None
    ntowf = hmac_md5(md4(password.encode("utf-16-le")),
                     (name.upper() + domain).encode("utf-16-le"))
    proof = hmac_md5(ntowf, challenge + nt[16:])
    if not hmac.compare_digest(proof, nt[:16]):
        return name, None
    base = hmac_md5(ntowf, proof)
    if flags & NTLMSSP_NEGOTIATE_KEY_EXCH and len(enc_key) == 16:
        return name, rc4(base, enc_key)
    return name, base


# SPNEGO (RFC 4178), just enough to carry NTLMSSP for smbclient.
OID_SPNEGO = bytes.fromhex("06062b0601050502")
OID_NTLMSSP = bytes.fromhex("060a2b06010401823702020a")


def der(tag, body):
    n = len(body)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82]) + struct.pack(">H", n)
    return bytes([tag]) + length + body


def spnego_hint():
    """NegTokenInit naming NTLMSSP, for the NEGOTIATE response."""
    mechs = der(0x30, OID_NTLMSSP)
    return der(0x60, OID_SPNEGO + der(0xA0, der(0x30, der(0xA0, mechs))))


def spnego_response(state, token=None):
    """NegTokenResp: state 0 accept-completed, 1 accept-incomplete."""
    body = der(0xA0, der(0x0A, bytes([state])))
    if token is not None:
        body += der(0xA1, OID_NTLMSSP) + der(0xA2, der(0x04, token))
    return der(0xA1, der(0x30, body))


def ntlm_token(blob):
    """The NTLMSSP message inside a raw or SPNEGO-wrapped blob."""
    pos = blob.find(NTLM_SIG)
    return blob[pos:] if pos >= 0 else None


# SMB 3.x keys and signatures, MS-SMB2 3.1.4.2 and 3.1.4.1
DIALECT_30, DIALECT_302, DIALECT_311 = 0x0300, 0x0302, 0x0311
SIGN_HMAC_SHA256, SIGN_AES_CMAC, SIGN_AES_GMAC = 0, 1, 2


def kdf(key, label, context):
    """SP800-108 counter mode with HMAC-SHA256, one 128-bit block."""
    data = struct.pack(">I", 1) + label + b"\0" + context + \
        struct.pack(">I", 128)
    return hmac.new(key, data, hashlib.sha256).digest()[:16]


def signing_key(dialect, session_key, preauth):
    if dialect == DIALECT_311:
        return kdf(session_key, b"SMBSigningKey\0", preauth)
    return kdf(session_key, b"SMB2AESCMAC\0", b"SmbSign\0")


# Ciphers, MS-SMB2 2.2.3.1.2; the transform header, 2.2.41
AES128_CCM, AES128_GCM = 1, 2
TRANSFORM_PROTO = b"\xfdSMB"
TRANSFORM_SIZE = 52


def cipher_keys(dialect, session_key, preauth):
    """(client-to-server, server-to-client) keys, MS-SMB2 3.3.5.5.3"""
    if dialect == DIALECT_311:
        return (kdf(session_key, b"SMBC2SCipherKey\0", preauth),
                kdf(session_key, b"SMBS2CCipherKey\0", preauth))
    return (kdf(session_key, b"SMB2AESCCM\0", b"ServerIn \0"),
            kdf(session_key, b"SMB2AESCCM\0", b"ServerOut\0"))


def _aead(cipher, key):
    if cipher == AES128_GCM:
        return AESGCM(key), 12
    return AESCCM(key, tag_length=16), 11


def seal(cipher, key, sid, nonce, msg):
    """A transform message of @msg, MS-SMB2 3.1.4.3; @nonce: 16 bytes"""
    aad = nonce + struct.pack("<IHHQ", len(msg), 0, 1, sid)
    aead, n = _aead(cipher, key)
    out = aead.encrypt(nonce[:n], msg, aad)
    return TRANSFORM_PROTO + out[-16:] + aad + out[:-16]


def transform_sid(data):
    return struct.unpack_from("<Q", data, 44)[0]


def unseal(cipher, key, data):
    """The message inside a transform message; raises on a bad one"""
    size = struct.unpack_from("<I", data, 36)[0]
    aead, n = _aead(cipher, key)
    return aead.decrypt(data[20:20 + n],
                        data[52:52 + size] + data[4:20], data[20:52])


def signature(alg, key, msg, mid, flags):
    """The signature of @msg, whose Signature field is zeroed."""
    if alg == SIGN_AES_GMAC:
        nonce = struct.pack("<QI", mid,
                            (1 if flags & FLAG_RESPONSE else 0))
        return AESGCM(key).encrypt(nonce, b"", msg)[-16:]
    if alg == SIGN_AES_CMAC:
        c = cmac.CMAC(algorithms.AES(key))
        c.update(msg)
        return c.finalize()
    return hmac.new(key, msg, hashlib.sha256).digest()[:16]


def sign(alg, key, msg):
    """Set SMB2_FLAGS_SIGNED and the signature of one message."""
    h = Header(msg)
    h.flags |= FLAG_SIGNED
    h.signature = bytes(16)
    msg = h.pack() + bytes(msg[HDR_SIZE:])
    h.signature = signature(alg, key, msg, h.mid, h.flags)
    return h.pack() + msg[HDR_SIZE:]


def preauth_update(hash_value, msg):
    return hashlib.sha512(hash_value + bytes(msg)).digest()


def utf16(s):
    return s.encode("utf-16-le")
