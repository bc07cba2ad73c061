#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A small SMB 3.x server that misbehaves on request, for smb3mc's tests.

It speaks SMB 3.0, 3.0.2 and 3.1.1 far enough for a mount: NEGOTIATE,
NTLMSSP SESSION_SETUP (it knows the test account, verifies the NTLMv2
proof and signs with the key it derives), channel binding, TREE_CONNECT to
one share and IPC$, the two FSCTLs multichannel uses, and CREATE,
QUERY_INFO, QUERY_DIRECTORY, READ, WRITE, FLUSH, LOCK, CLOSE and ECHO over
an in-memory tree: a root directory holding hello.txt.

    server.py --addr 198.18.1.101 --port 4450 --case frame0/READ
    server.py --serve frame0/READ@198.18.1.101:4450 \\
              --serve bad-sig/CREATE/2@198.18.1.102:4450
    server.py --list-cases

A case is NAME[/COMMAND[/N]]: the misbehaviour NAME, applied to the Nth
response to COMMAND (N 0: to every one). Without COMMAND a case applies
where its description says. Every request is logged as one line,
"ADDR:PORT CASE PEER COMMAND mid=M", with "-> CASE" once the case changed
the answer, so that a test can tell what the client did.
"""
import argparse
import itertools
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
import smbproto as p  # noqa: E402

HELLO = b"hello from the smb3mc hostile server\n"
# ino0's second file: as long as HELLO, and as old, so that only its
# contents and its name tell it from hello.txt.
OTHER = b"other file on the smb3mc hostile one\n"
SERVER_GUID = bytes.fromhex("534d42336d632d686f7374696c652121")
CAP_LEASING, CAP_LARGE_MTU, CAP_MULTI_CHANNEL, CAP_ENC = 0x2, 0x4, 0x8, 0x40
CAP_PERSISTENT_HANDLES = 0x10
SHARE_CAP_CA = 0x10
DHANDLE_FLAG_PERSISTENT = 0x2
OPLOCK_BREAK = 0x12
OPLOCK_LEVEL_LEASE = 0xFF
LEASE_R, LEASE_H, LEASE_W = 0x1, 0x2, 0x4
# Lease breaks each CREATE answer of break-storm is followed by.
STORM = 2000
# What each answer credits-forged sends ahead of a real one grants.
FORGED_CREDITS = 1000
# Headers of no request compound-many chains to each answer: 64 bytes
# each, the message then just under the client's 1 MiB + 4 KiB limit.
MANY = 16000
SESSION_FLAG_ENCRYPT_DATA = 0x4
# What iface-unreachable lists after its restart: on link 1, past the
# cases' addresses, held by nobody; t50 has the client send them to a
# MAC address nobody has either, so that every SYN is lost.
UNREACHABLE = ("198.18.1.251", "198.18.1.252", "198.18.1.253")
# What iface-refused lists beside its own address: Samba's, which refuses
# a connection to the port the hostile servers listen on.
REFUSING = "198.18.1.2"
STATUS_REQUEST_NOT_ACCEPTED = 0xC00000D0
STATUS_CANCELLED = 0xC0000120
STATUS_DISK_FULL = 0xC000007F
STATUS_FILE_NOT_AVAILABLE = 0xC0000467
STATUS_LOCK_NOT_GRANTED = 0xC0000055
FLAG_REPLAY = 0x20000000
# The name whose CREATE split-drop and split-replay answer alone
SPLIT_NAMES = {"split-drop": "hello.txt", "split-replay": "replay.txt"}
# The request at which root-drop and tcon-drop drop their connection
DROP_AT = {"root-drop": p.CREATE, "tcon-drop": p.TREE_CONNECT}
# dir-resend: the files beside hello.txt, 64 KiB of entries three times;
# dir-resend-twice: five times
DIR_MANY = {"dir-resend": 1500, "dir-resend-twice": 2500}
# The QUERY_DIRECTORYs going on with a listing, counted from 1, that
# dir-resend and dir-resend-twice run and leave unanswered
DIR_DROPS = {"dir-resend": (1,), "dir-resend-twice": (2, 3)}
# The name whose first CREATE create-replay and dir-replay run and
# leave unanswered
REPLAY_NAMES = {"create-replay": "excl.txt", "dir-replay": "sub"}
TRANS_16K = 16384
STATUS_RANGE_NOT_LOCKED = 0xC000007E
LOCKFLAG_EXCLUSIVE, LOCKFLAG_UNLOCK = 0x2, 0x4
FSCTL_QUERY_NETWORK_INTERFACE_INFO = 0x001401FC
MAX_IO = 1024 * 1024
SMALL_IO = 64 * 1024  # restart-smaller: MaxRead/WriteSize after the restart
WRITE_GAP_AT = 32768  # write-gap: the WRITE of this byte is refused
# create-late: the name whose CREATE is answered late; create-forged:
# answered at once; each with a copy of the answer, its signature bad,
# ahead of it
LATE_NAME = "late.txt"
FORGED_NAME = "forged.txt"
# credits-forged: CREATEs of names that start so are answered 3 s late
HELD_PREFIX = "held"
# open-listing-race: the file another client rewrites shorter, with a new
# mtime (RACE_TIME), once an open here asks for a lease on it; the
# QUERY_INFO that open sends then is answered RACE_HOLD s late
RACE_NAME = "race.txt"
RACE_OLD = (b"race.txt as this client has it cached; " * 26)[:1000]
RACE_NEW = b"rewritten shorter by another client;"
RACE_TIME = 1700000000
RACE_HOLD = 3
# truncate-race: the file this client truncates while the server holds a
# QUERY_INFO of it, answered with the size it had when asked, once this
# client looked up RELEASE_NAME
TRUNC_NAME = "shrunk.txt"
TRUNC_DATA = b"first-" + b"-" * 16378
RELEASE_NAME = "release"
# read-close: READs from this offset on are answered this many s late
READ_HOLD_FROM = 1 << 20
READ_HOLD = 2
# chmod-race: hello.txt as another client rewrites it, and the hold
CHMOD_DATA = HELLO.upper()
CHMOD_HOLD = 2
# The cases that hold that QUERY_INFO: append-race appends instead
RACE_CASES = ("truncate-race", "append-race")
# dir-stale-larger: the size every file is listed with, as a server lists
# the size a file open there had before it was truncated
STALE_LARGER = 16384
# The body of an error response (MS-SMB2 2.2.2), no error data.
ERROR_BODY = struct.pack("<HBBI", 9, 0, 0, 0) + b"\0"
NT_EPOCH = 116444736000000000

# name: (default command or None for "see below", default N, description)
CASES = {
    "none": (None, 0, "behave"),
    "frame0": (p.READ, 1, "send a frame of length 0 instead of the answer"),
    "frame63": (p.READ, 1, "send the answer's first 63 bytes as a frame"),
    "frame-huge": (p.READ, 1, "frame length 0xFFFFFF, then the answer"),
    "bad-protocol": (p.READ, 1, "ProtocolId \\xfeSMC"),
    "truncated": (p.QUERY_DIRECTORY, 1, "answer cut after the header"),
    "next-past": (p.READ, 1, "NextCommand pointing past the frame"),
    "next-garbage": (p.QUERY_DIRECTORY, 1,
                     "NextCommand chaining to a garbage header"),
    "compound-many": (None, 0, f"chain {MANY} headers of no request "
                      "behind each answer after TREE_CONNECT"),
    "dir-empty": (p.QUERY_DIRECTORY, 0, "answer every QUERY_DIRECTORY "
                  "STATUS_SUCCESS with no entries, never "
                  "STATUS_NO_MORE_FILES"),
    "dir-dots": (p.QUERY_DIRECTORY, 0, "answer every QUERY_DIRECTORY with "
                 "\".\" and \"..\" only, never STATUS_NO_MORE_FILES"),
    "dir-badnames": (p.QUERY_DIRECTORY, 0, "answer every QUERY_DIRECTORY "
                     "with names Linux cannot represent (bad/N), as many "
                     "as fit, never STATUS_NO_MORE_FILES"),
    "dir-stale-size": (None, 0, "list every file with EndOfFile and "
                       "AllocationSize 0, a size older than the client's "
                       "writes"),
    "dir-stale-cached": (None, 0, "as dir-stale-size; grant the lease a "
                         "CREATE asks for, with handle caching, and break "
                         "none"),
    "dir-stale-larger": (None, 0, "as dir-stale-cached, every file listed "
                         f"with EndOfFile {STALE_LARGER}: larger than what "
                         "the client's truncate left"),
    "dir-stale-link": (None, 0, "as dir-stale-cached; a file created as "
                       "twin gets a second name, twin.2, listed before it: "
                       "a hard link, its IndexNumber the same"),
    "open-listing-race": (None, 0, f"{RACE_NAME} beside hello.txt, "
                          f"{len(RACE_OLD)} bytes, rewritten "
                          f"{len(RACE_NEW)} bytes long with a new mtime, as "
                          "by another client, at the first CREATE of it "
                          "that asks for a lease; answer the next "
                          "QUERY_INFO of it (its compound) "
                          f"{RACE_HOLD} s late, logging each "
                          "QUERY_DIRECTORY answered meanwhile; grant the "
                          "lease a CREATE asks for, with handle caching, "
                          "and break none"),
    "truncate-race": (None, 0, f"{TRUNC_NAME} beside hello.txt, "
                      f"{len(TRUNC_DATA)} bytes; once a SET_INFO of its "
                      "times came, answer the next QUERY_INFO of it (its "
                      "compound) as the file is then, but only once a "
                      f"CREATE of {RELEASE_NAME} came; grant the lease a "
                      "CREATE asks for, with handle caching, and break "
                      "none"),
    "append-race": (None, 0, "as truncate-race"),
    "read-close": (None, 0, f"answer a READ from offset {READ_HOLD_FROM} on "
                   f"{READ_HOLD} s late, and log whether its FileId was "
                   "still open then"),
    "chmod-race": (None, 0, "once a SET_INFO of hello.txt's basic "
                   "information comes, rewrite hello.txt, as long, with a "
                   "new LastWriteTime, as another client would, and answer "
                   f"that SET_INFO {CHMOD_HOLD} s late"),
    "link-race": (None, 0, "once a SET_INFO of hello.txt's link "
                  "information comes, give hello.txt NumberOfLinks 0 and "
                  "DeletePending, as a server does for a file whose last "
                  f"name is being deleted, and answer that SET_INFO "
                  f"{CHMOD_HOLD} s late"),
    "mkdir-root-id": (None, 0, "give a directory a CREATE makes the "
                      "IndexNumber of the share's root"),
    "dir-id-reuse": (None, 0, "give a directory a CREATE makes the "
                     "IndexNumber of the directory removed last, as a file "
                     "system that reuses inode numbers does"),
    "dir-loop": (p.QUERY_DIRECTORY, 0, "list a directory \"loop\" that "
                 "has the IndexNumber of the directory listed"),
    "unknown-mid": (p.READ, 1, "answer with a MessageId never sent"),
    "compound-part-missing": (p.QUERY_INFO, 2, "leave the answer to a "
                              "QUERY_INFO out of its compound's answer"),
    "duplicate": (p.CREATE, 0, "send each answer twice"),
    "credits-65535": (None, 0, "CreditResponse 65535 on every answer"),
    "few-credits": (None, 0, "grant 8 credits with NEGOTIATE, then as "
                    "many as each request was charged: never the 16 a "
                    "READ or WRITE of 1 MiB needs; grant the lease a "
                    "CREATE asks for, with write caching, and break none"),
    "zero-credits": (None, 0, "CreditResponse 0 on every answer after "
                     "SESSION_SETUP (finding 6)"),
    "bad-sig": (p.READ, 1, "flip a bit of the signature"),
    "eof-frame-sig": (p.READ, 0, "sign each error answer to READ as "
                      "ksmbd does: over the 4-byte transport header too"),
    "eof-frame-bad": (p.READ, 0, "as eof-frame-sig, over a transport "
                      "header one greater than the one sent"),
    "tcon-twice": (p.TREE_CONNECT, 0, "refuse a TREE_CONNECT as ksmbd "
                   "does: the ERROR answer after a copy of it, signed over "
                   "the second copy only"),
    "tcon-twice-bad": (p.TREE_CONNECT, 0, "as tcon-twice, with both "
                       "copies' signature wrong"),
    "silent": (p.NEGOTIATE, 0, "never answer"),
    "unlock-silent": (p.LOCK, 2, "never answer the second LOCK, the unlock "
                      "of the first lock; grant the lease a CREATE asks "
                      "for, with handle caching, and break none"),
    "read-killed": (p.READ, 0, "never answer a READ; grant the lease a "
                    "CREATE asks for, with write caching, and break none"),
    "read-late": (p.READ, 0, "answer each READ 15 s late; grant the lease "
                  "a CREATE asks for, with write caching, and break none"),
    "write-late": (p.WRITE, 0, "answer each WRITE 6 s late, writing its "
                   "data then"),
    "create-late": (None, 0, f"answer each CREATE of {LATE_NAME} (and the "
                    "rest of its compound) 12 s late, opening it then, a "
                    "copy with a bad signature ahead of it; log a CLOSE "
                    "of the FileId it handed out, refused unless signed "
                    "and in the session and tree of the CREATE"),
    "create-forged": (None, 0, "as create-late, but the CREATE of "
                      f"{FORGED_NAME} answered at once, its copy with a "
                      "bad signature 1 s ahead; grant 8 credits with "
                      "NEGOTIATE, then as many as each request was "
                      "charged"),
    "interims": (p.READ, 0, "answer STATUS_PENDING every second, never "
                 "the final answer (finding 3)"),
    "pending-sync": (p.READ, 0, "answer STATUS_PENDING without "
                     "SMB2_FLAGS_ASYNC_COMMAND, signed, as the final "
                     "answer: no interim response (MS-SMB2 3.2.5.1.5)"),
    "credits-forged": (p.READ, 1, "grant 8 credits with NEGOTIATE, then "
                       "as many as each request was charged; ahead of each "
                       "answer after TREE_CONNECT send a copy with a "
                       "MessageId never sent, and ahead of this READ's one "
                       "with a bad signature, each granting "
                       f"{FORGED_CREDITS}; answer each READ, and each "
                       f"CREATE of a name {HELD_PREFIX}*, 3 s late; log "
                       "a request past the credits granted"),
    "stop-reading": (p.WRITE, 0, "stop reading the socket from this "
                     "request on, holding the connection open"),
    "other-channel": (p.READ, 0, "offer multichannel with our own address, "
                      "and answer each READ on another connection of its "
                      "session (waiting up to 10 s for one to be bound)"),
    "dialect-not-offered": (None, 0, "NEGOTIATE picks a dialect the client "
                            "did not offer (finding 7)"),
    "sign-alg-0": (None, 0, "3.1.1 signing context names HMAC-SHA256, "
                   "which the client did not offer, then signs with "
                   "AES-CMAC (finding 7)"),
    "iface-loopback": (None, 0, "interface list of 127.0.0.1, 0.0.0.0, "
                       "169.254.1.1 and our own address (finding 9)"),
    "iface-malformed": (None, 0, "interface list whose Next points into "
                        "the middle of the next entry"),
    "iface-many-refused": (None, 0, "interface list of 20 addresses no "
                           "channel may go to (loopback, unspecified, "
                           "link-local), then our own"),
    "iface-refused": (None, 0, "interface list of our own address and "
                      f"{REFUSING}, where nothing listens on our port, "
                      "as fast"),
    "mc-gone": (p.READ, 1, "offer multichannel with our own address; "
                "restart at the first READ, then no longer offer it, "
                "refusing every bind STATUS_REQUEST_NOT_ACCEPTED"),
    "iface-unreachable": (p.READ, 1, "fail the interface query; restart "
                          "at the first READ, then list our own address "
                          "and three that never answer, and drop every "
                          "connection 2 s after sending that list, once"),
    "nlink0": (None, 0, "NumberOfLinks 0 for hello.txt (finding 5)"),
    "nlink-max": (None, 0, "NumberOfLinks 2^32 - 1 for hello.txt"),
    "eof-huge": (None, 0, "EndOfFile 2^63 + 4096 for hello.txt "
                 "(finding 5)"),
    "ino0": (None, 0, "IndexNumber 0 for every file, and other.txt beside "
             "hello.txt: as long, as old, other contents (finding 5)"),
    "ino-dup": (None, 0, "a directory dup whose IndexNumber is hello.txt's "
                "(finding 5)"),
    "read-extra": (p.READ, 0, "READ returns 4 KiB more than asked, data "
                   "right after the header (zero-copy framing)"),
    "read-extra-padded": (p.READ, 0, "READ returns 4 KiB more than asked, "
                          "data at DataOffset 0x70 (padded framing)"),
    # A case of CACHING_CASES grants the lease a CREATE asks for, read and
    # write caching, as a server does to the only opener of a file.
    "read-cut": (p.READ, 0, "answer every READ with half the data there is "
                 "for it (1 byte at least): short of the end of file"),
    "read-dribble": (p.READ, 0, "answer every READ with 1 byte of the data "
                     "there is for it"),
    "create-dir": (None, 0, "what a CREATE creates is of the other type: "
                   "a new directory a file from its CREATE answer on, a "
                   "new file a directory from the next answer on "
                   "(finding 2)"),
    "write-full": (p.WRITE, 0, "answer every WRITE STATUS_DISK_FULL"),
    # By offset, not by the Nth WRITE: the pieces of one write are signed
    # and sent by workers, and reach the server in no fixed order.
    "write-gap": (p.WRITE, 0, "answer STATUS_DISK_FULL the WRITE of the "
                  f"byte at {WRITE_GAP_AT}, and write the others"),
    "busy-teardown": (None, 0, "offer multichannel, and answer every "
                      "TREE_DISCONNECT and LOGOFF STATUS_FILE_NOT_AVAILABLE"),
    "busy": (None, 0, "offer multichannel, and answer every CREATE of "
             "hello.txt STATUS_FILE_NOT_AVAILABLE, which asks a "
             "multichannel client to send it again"),
    "write-cut": (p.WRITE, 0, "write the first half of every WRITE (1 byte "
                  "at least), and answer so"),
    "write-none": (p.WRITE, 0, "answer every WRITE STATUS_SUCCESS with "
                   "Count 0, writing nothing"),
    "answer-mid-write": (p.WRITE, 0, "stop reading at the first WRITE over 64 "
                         "KiB; 3 s later answer it STATUS_ACCESS_DENIED "
                         "while it is still being sent, then read on, "
                         "answering every later WRITE so as soon as its "
                         "header came (finding 1)"),
    "bind-sessionid": (None, 0, "offer multichannel with our own address, "
                       "and answer a binding SESSION_SETUP with another "
                       "SessionId (finding 4)"),
    "bind-echo": (None, 0, "offer multichannel with our own address, "
                  "and answer each ECHO on a bound connection "
                  "STATUS_ACCESS_DENIED"),
    "bind-drop": (None, 0, "offer multichannel with our own address, "
                  "and drop each bound connection 0.5 s after answering "
                  "the ECHO that follows its bind, the channel in use"),
    "bind-refuse": (None, 0, "offer multichannel with our own address, "
                    "and answer each binding SESSION_SETUP's AUTHENTICATE "
                    "STATUS_ACCESS_DENIED"),
    "ifaces-pending": (None, 0, "offer multichannel with our own address; "
                       "drop the first bound connection as bind-drop does, "
                       "and keep each interface query after the first "
                       "pending (an interim), never answered"),
    # The seal cases negotiate a cipher (AES-128-GCM, with 3.0 AES-128-CCM)
    # and have the client encrypt with SMB2_SESSION_FLAG_ENCRYPT_DATA.
    "seal-none": (None, 0, "encrypt, and behave"),
    "seal-vneg": (None, 0, "encrypt, and require no signing; answer "
                  "VALIDATE_NEGOTIATE with "
                  "capabilities other than the NEGOTIATE's, as a NEGOTIATE "
                  "a man in the middle changed would leave them"),
    "seal-bad-tag": (p.READ, 1, "flip a bit of the transform's Signature"),
    "seal-truncated": (p.READ, 1, "OriginalMessageSize 64 bytes past the "
                       "transform message"),
    "seal-clear": (p.READ, 1, "answer an encrypted request in clear, "
                   "signed"),
    "seal-echo-clear": (p.ECHO, 0, "offer multichannel with our own "
                        "address, and answer each encrypted ECHO in clear "
                        "and unsigned, as ksmbd does"),
    "seal-forged-echo": (p.READ, 0, "answer each encrypted READ in "
                         "clear and unsigned, as an ECHO with "
                         "STATUS_END_OF_FILE"),
    "seal-replay": (p.READ, 0, "send each encrypted READ answer twice, "
                    "nonce and all, as a replay on the wire would"),
    # Leasing too: the lease a CREATE asks for is granted, read and write
    # caching, and broken to read caching right after the CREATE answer.
    "seal-break": (None, 0, "grant the lease a CREATE asks for, then "
                   "break it (acknowledgment required), encrypted"),
    "seal-break-clear": (None, 0, "as seal-break, the break in clear, "
                         "SessionId 0, as Samba sends it"),
    "ack-unsigned": (p.OPLOCK_BREAK, 0, "as seal-break-clear on a session "
                     "not encrypted, the answer to the acknowledgment "
                     "unsigned, as ksmbd sends it"),
    "close-late": (None, 0, "grant the lease a CREATE asks for, with "
                   "handle caching, and break none; answer each CLOSE "
                   "sent alone 3 s late, reading on meanwhile, and log a "
                   "delete or rename of its file that comes before that "
                   "answer"),
    # ksmbd's answers to a cancelled LOCK: the SIGNED flag set, the
    # Signature zero, in clear.
    "cancel-unsigned": (p.LOCK, 0, "keep each LOCK pending (an interim), "
                        "and answer the CANCEL of it with its final answer "
                        "STATUS_CANCELLED, unsigned, as ksmbd does"),
    "seal-cancel-clear": (p.LOCK, 0, "encrypt, and as cancel-unsigned, the "
                          "final answer in clear"),
    "lock-pending": (p.LOCK, 1, "keep the first LOCK pending (an interim) "
                     "and ignore the CANCEL of it; grant the lease a CREATE "
                     "asks for, with handle caching, and break none"),
    "cancelled-unasked": (p.LOCK, 0, "answer each LOCK STATUS_CANCELLED "
                          "at once, unsigned, as ksmbd answers a cancelled "
                          "one"),
    "lock-replay": (None, 0, "offer multichannel with our own address; "
                    "grant the lease a CREATE asks for, with handle "
                    "caching, and a durable handle; keep each open's locks "
                    "and lock sequence buckets as MS-SMB2 3.3.5.14 says "
                    "(a LOCK over an exclusive one of the same open is "
                    "refused); apply the first LOCK, then drop its "
                    "connection without answering it"),
    "getlk-replay": (None, 0, "as lock-replay"),
    "fuzz": (None, 0, "once a CREATE names fuzz-start, spoil one answer in "
             "four at random (--seed) before signing it: bytes of its body "
             "flipped, a field set to a bound, its end cut or padded, or "
             "another status, credits or flags"),
    "seal-fuzz": (None, 0, "encrypt, and as fuzz: the answers spoiled "
                  "before they are encrypted"),
    # The break cases offer leasing and grant no lease.
    "break-unknown": (None, 0, "after each CREATE answer, a lease break "
                      "(acknowledgment required) of a key never granted"),
    "break-storm": (None, 0, f"after each CREATE answer, {STORM} lease "
                    "breaks of random keys"),
    "break-malformed": (None, 0, "after each CREATE answer, a lease break "
                        "cut short and an oplock break"),
    # Leases granted, as CACHING_CASES grant them, with handle caching.
    "break-after-close": (None, 0, "at the first CLOSE of a handle with a "
                          "lease, break that lease to epoch 2 "
                          "(acknowledgment required) before answering, "
                          "as a server does whose other client's open came "
                          "first; grant the next CREATE a new lease, at "
                          "epoch 1 again, and break it to epoch 2 right "
                          "after the answer"),
    # The restart cases have other.txt beside hello.txt, and forget every
    # session, tree and open at the READ they apply to, dropping every
    # connection without answering it: a server restarted.
    "fid-reuse": (p.READ, 1, "restart, then hand out the FileIds that were "
                  "open again, from the highest down, so that a file "
                  "opened again gets another's old FileId"),
    "reopen-drop": (p.READ, 1, "restart, drop the connection at the "
                    "second CREATE after it, and answer the NEGOTIATE "
                    "after that 8 s late"),
    "silent-reconnect": (p.READ, 1, "restart, then take connections and "
                         "never answer NEGOTIATE"),
    "guid-change": (p.READ, 1, "restart with another ServerGuid"),
    "restart-smaller": (p.READ, 1, "restart, then offer MaxReadSize and "
                        f"MaxWriteSize {SMALL_IO // 1024} KiB, and refuse a "
                        "READ or WRITE of more (STATUS_INVALID_PARAMETER), "
                        "as a server whose settings changed"),
    "session-deleted": (p.READ, 1, "forget the session, its trees and "
                        "opens, at the first READ, keeping the connection: "
                        "that READ, and all after it in that session, are "
                        "answered STATUS_USER_SESSION_DELETED, unsigned"),
    "go-silent": (p.READ, 1, "offer multichannel; answer the first READ, "
                  "then nothing more, on any connection, new ones too"),
    "bind-restart": (p.READ, 1, "offer multichannel; answer the last leg "
                     "of a bind 4 s late, and restart at the first READ "
                     "meanwhile"),
    "relapse": (p.READ, 1, "offer multichannel; restart, then again at "
                "each new session's first interface query, which the client "
                "sends once it set the session up"),
    "link-restart": (p.SET_INFO, 1, "make the hard link a SET_INFO asks for, "
                     "then restart without answering it"),
    "close-race": (p.READ, 1, "offer multichannel; restart, then answer "
                   "the second CREATE after it 6 s late and the TREE_CONNECT "
                   "to IPC$ after that 3 s late, and log each CLOSE with "
                   "its file"),
    "split-replay": (None, 0, "as split-drop, for the first open of "
                     "replay.txt whose compound has no CLOSE; grant the lease "
                     "a CREATE asks for, with handle caching, and a durable "
                     "handle; answer a CREATE sent again (the replay flag) "
                     "with a durable handle request of a CreateGuid seen "
                     "before as that one was (MS-SMB2 3.3.5.9.10)"),
    "dir-replay": (None, 0, "a directory sub; as create-replay, for sub "
                   "(the compound that lists it)"),
    "root-drop": (None, 0, "drop the connection at the first CREATE, "
                  "unanswered, and every connection after it at its first "
                  "request"),
    "tcon-drop": (None, 0, "as root-drop, at the first TREE_CONNECT"),
    "dir-resend": (None, 0, f"offer multichannel with our own address; "
                   f"{DIR_MANY['dir-resend']} more files, m0000 on; run "
                   "the first QUERY_DIRECTORY that goes on with a listing "
                   "(no RESTART_SCANS or REOPEN), moving on past the "
                   "entries it would answer, then drop its connection "
                   "without answering"),
    "dir-resend-twice": (None, 0, "as dir-resend, with "
                         f"{DIR_MANY['dir-resend-twice']} more files, for "
                         "the second and the third such QUERY_DIRECTORY"),
    "create-replay": (None, 0, "offer multichannel with our own address; "
                      "run the first CREATE of excl.txt whose compound has "
                      "no CLOSE, then drop its "
                      "connection without answering; answer a CREATE sent "
                      "again as split-replay does, granting no lease and "
                      "no durable handle"),
    "trans-16k": (None, 0, "MaxTransactSize 16 KiB; refuse a "
                  "QUERY_DIRECTORY for more, as MS-SMB2 3.3.5.18 says"),
    "split-drop": (None, 0, "offer multichannel with our own address; "
                   "answer the CREATE of the first compound that opens "
                   "hello.txt alone, then drop its connection without "
                   "running the rest; log a CLOSE of that handle"),
    "close-race-pending": (p.READ, 1, "as close-race, and keep the CLOSE "
                           "of hello.txt after the restart pending (an "
                           "interim), never answered"),
    # The durable cases offer leasing, grant no lease, and answer a CREATE
    # that asks for a durable handle (DH2Q) with a DH2Q context; like every
    # case, they refuse to reclaim one (DH2C): no open outlives its session.
    "dh2q-malformed": (None, 0, "the DH2Q context of a CREATE answer has 4 "
                       "bytes of data, not 8"),
    "dh2c-refused": (p.READ, 1, "grant durable handles, and send a frame "
                     "of length 0 instead of the answer"),
    # Except on a continuously available share, whose persistent handles
    # outlive a restart (MS-SMB2 3.3.5.9.10, 3.3.5.9.12); it offers
    # leasing and grants no lease, as the durable cases.
    "ca-restart": (p.READ, 1, "offer persistent handles on a continuously "
                   "available share, grant those asked for, and restart, "
                   "keeping them for DH2C to reclaim"),
    "ca-break": (p.READ, 1, "as ca-restart; grant the lease a CREATE asks "
                 "for, with handle caching, and break none; grant a reclaim "
                 "(DH2C) that lease again, and break it right after the "
                 "answer (acknowledgment required), in clear, as Samba "
                 "sends it, on that connection"),
}
FUZZ_CASES = ("fuzz", "seal-fuzz")
CACHING_CASES = ("close-late", "unlock-silent", "read-cut", "write-full",
                 "write-gap", "write-cut", "write-none", "read-killed",
                 "few-credits", "read-late", "break-after-close",
                 "lock-pending", "dir-stale-cached", "dir-stale-larger",
                 "dir-stale-link", "open-listing-race", "truncate-race",
                 "append-race",
                 "lock-replay", "getlk-replay", "split-replay", "ca-break")
CA_CASES = ("ca-restart", "ca-break")
RESTART_CASES = ("fid-reuse", "reopen-drop", "silent-reconnect",
                 "guid-change", "restart-smaller", "close-race",
                 "close-race-pending",
                 "bind-restart", "ca-restart", "ca-break",
                 "relapse", "iface-unreachable", "mc-gone")


class Case:
    """One misbehaviour and when it applies; counts across connections."""

    def __init__(self, spec, seed=1):
        parts = spec.split("/")
        self.name = parts[0]
        if self.name not in CASES:
            raise ValueError(f"unknown case {self.name}")
        cmd, nth, _ = CASES[self.name]
        if len(parts) > 1:
            cmd = p.COMMANDS.index(parts[1].upper())
        if len(parts) > 2:
            nth = int(parts[2])
        self.cmd, self.nth = cmd, nth
        self.seen = {}
        self.lock = threading.Lock()
        self.rng = random.Random(seed)  # fuzz

    def fuzz_hit(self):
        """fuzz: whether to spoil this answer."""
        with self.lock:
            return self.rng.random() < 0.25

    def fuzz(self, rsp):
        """fuzz: @rsp spoiled one way at random; the way, for the log."""
        statuses = (p.STATUS_SUCCESS, p.STATUS_BUFFER_OVERFLOW,
                    p.STATUS_NO_MORE_FILES, p.STATUS_END_OF_FILE,
                    p.STATUS_ACCESS_DENIED, p.STATUS_INVALID_PARAMETER,
                    p.STATUS_OBJECT_NAME_NOT_FOUND)
        bounds = (0, 1, 0x7F, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF,
                  len(rsp), len(rsp) + 1)
        with self.lock:
            r = self.rng
            body = len(rsp) - p.HDR_SIZE
            way = r.choice(("flip", "field", "cut", "pad", "status",
                            "credits", "flags") if body > 0 else
                           ("pad", "status", "credits", "flags"))
            if way == "flip":
                for _ in range(r.randint(1, 3)):
                    rsp[p.HDR_SIZE + r.randrange(body)] ^= 1 << r.randrange(8)
            elif way == "field":
                size = r.choice((2, 4))
                off = p.HDR_SIZE + r.randrange(0, max(1, body - size + 1), 2)
                rsp[off:off + size] = (r.choice(bounds) & (
                    (1 << 8 * size) - 1)).to_bytes(size, "little")
            elif way == "cut":
                rsp = rsp[:p.HDR_SIZE + r.randrange(body)]
            elif way == "pad":
                rsp += bytes(r.getrandbits(8) for _ in range(r.randint(1, 64)))
            elif way == "status":
                struct.pack_into("<I", rsp, 8, r.choice(statuses))
            elif way == "credits":
                struct.pack_into("<H", rsp, 14, r.choice((0, 1, 65535)))
            else:
                rsp[16] ^= r.choice((p.FLAG_ASYNC, p.FLAG_RELATED))
        return rsp, way

    def __str__(self):
        return self.name

    def hits(self, cmd):
        """Whether this answer to @cmd is the one to spoil."""
        if self.cmd is None or cmd != self.cmd:
            return False
        with self.lock:
            self.seen[cmd] = self.seen.get(cmd, 0) + 1
            return self.nth == 0 or self.seen[cmd] == self.nth


def filetime(t=None):
    return int((time.time() if t is None else t) * 10000000) + NT_EPOCH


class Node:
    """A file or directory of the in-memory share."""
    ids = itertools.count(100)

    def __init__(self, name, is_dir, data=b""):
        self.name, self.is_dir = name, is_dir
        self.data = bytearray(data)
        self.index = next(Node.ids)
        self.time = filetime(1600000000)

    def attrs(self):
        return 0x10 if self.is_dir else 0x80

    def basic(self):
        t = self.time
        return struct.pack("<QQQQII", t, t, t, t, self.attrs(), 0)


class Server:
    """What every connection to one listening address shares."""

    def __init__(self, args, case, where, log):
        self.args, self.case, self.where, self.log_file = args, case, where, log
        self.sessions = {}
        self.session_ids = itertools.count(0x1000)
        self.lock = threading.Lock()
        # Trees and opens outlive a connection: a client may reconnect
        # or bind another channel and go on using them.
        self.trees = {}
        self.tree_ids = itertools.count(1)
        # Every connection, in a session or not: a restart drops them all.
        self.conns = set()
        self.opens = {}
        # ca-restart: CreateGuid -> Open, of the handles granted persistent
        self.persistent = {}
        self.root = Node("", True)
        self.files = {"hello.txt": Node("hello.txt", False, HELLO)}
        if case.name == "ino0" or case.name in RESTART_CASES:
            self.files["other.txt"] = Node("other.txt", False, OTHER)
        if case.name == "open-listing-race":
            self.files[RACE_NAME] = Node(RACE_NAME, False, RACE_OLD)
        # open-listing-race: the QUERY_INFO of RACE_NAME is being held
        self.race_held = False
        if case.name in RACE_CASES:
            self.files[TRUNC_NAME] = Node(TRUNC_NAME, False, TRUNC_DATA)
        # truncate-race: a CREATE of RELEASE_NAME came
        self.released = threading.Event()
        # The restart cases: FileIds to hand out first, and what comes
        # after the restart (reopen-drop).
        self.reuse = []
        self.stage = self.creates = 0
        # cancel-unsigned: MessageId -> the header of a LOCK kept pending
        self.pending = {}
        # close-late: the names of the files whose CLOSE is held
        self.closing = set()
        # ifaces-pending: interface queries seen, a bound connection dropped
        self.iface_queries = 0
        self.dropped = False
        # dir-id-reuse: the IndexNumber of the directory removed last
        self.removed_dir = 0
        # split-replay: FileId and answer of each CREATE by CreateGuid
        self.replays = {}
        self.guid = SERVER_GUID
        if case.name == "dir-replay":
            self.files["sub"] = Node("sub", True)
        for i in range(DIR_MANY.get(case.name, 0)):
            self.files[f"m{i:04}"] = Node(f"m{i:04}", False)
        # dir-resend: the QUERY_DIRECTORYs going on with a listing
        self.dir_queries = 0
        if case.name == "ino-dup":
            dup = Node("dup", True)
            dup.index = self.files["hello.txt"].index
            self.files["dup"] = dup
        self.addr = where[0]

    def log(self, text):
        line = f"{self.where[0]}:{self.where[1]} {self.case} {text}\n"
        with self.lock:
            self.log_file.write(line)
            self.log_file.flush()

    def lookup(self, path):
        path = path.strip("\\")
        if not path:
            return self.root
        return self.files.get(path.lower())


class Session:
    def __init__(self, sid):
        self.sid = sid
        self.challenge = os.urandom(8)
        self.preauth = b""
        self.key = None
        self.user = None
        self.conns = []
        # Encryption: the cipher, both keys and the nonces we used.
        self.cipher = None
        self.c2s = self.s2c = None
        self.nonces = itertools.count(1)


class Open:
    ids = itertools.count(1)

    def __init__(self, node, delete_on_close=False, fid=None):
        self.node = node
        self.fid = next(Open.ids) if fid is None else fid
        self.dir_done = False
        self.dir_pos = 0  # the next entry a listing answers
        self.delete_on_close = delete_on_close
        self.lease = None  # (key, state) of the lease granted, if any
        # lock-replay: (offset, length, exclusive) of each lock, and the
        # LockSequenceNumber of each bucket valid (MS-SMB2 3.3.5.14)
        self.locks = []
        self.lock_seq = {}


class MidSend:
    """answer-mid-write: answers arrive while the client still sends."""

    def max_write(self):
        if self.case.name == "answer-mid-write":
            return 8 * MAX_IO
        return self.max_read()

    def max_read(self):
        """MaxReadSize: restart-smaller's after the restart, or MAX_IO."""
        if self.case.name == "restart-smaller" and self.srv.stage:
            return SMALL_IO
        return MAX_IO

    def too_large(self, what, length):
        """restart-smaller: a READ or WRITE of more than the NEGOTIATE
        after the restart offered, logged."""
        if length <= self.max_read():
            return False
        self.srv.log(f"{self.peer} {what} of {length} bytes refused")
        return True

    def answer_mid_write(self, length):
        head = self.recv_exact(min(length, p.HDR_SIZE))
        h = p.Header(head)
        blocked = getattr(self, "blocked", False)
        if blocked and h.command == p.WRITE:
            # Every later WRITE is denied before its data is read: one
            # signed and sent out of MessageId order may cover an offset
            # below the blocked one's and must not succeed either (the
            # client would return a short write, the caller write the
            # rest).
            self.deny(h, h.mid)
            self.recv_exact(length - len(head))
            return
        if blocked or length <= 64 * 1024 or not self.case.hits(h.command):
            self.handle(head + self.recv_exact(length - len(head)))
            return
        # Read nothing until the client's buffers are full and the WRITE is
        # blocked half sent; then deny it, and read on.
        self.srv.log(f"{self.peer} WRITE mid={h.mid} sid={h.sid:#x} -> "
                     f"{self.case} after its header of {length} bytes")
        time.sleep(3)
        self.blocked = True
        self.deny(h, h.mid)
        self.recv_exact(length - len(head))

    def deny(self, h, mid):
        r = p.Header()
        r.command, r.status, r.mid = h.command, p.STATUS_ACCESS_DENIED, mid
        r.flags = p.FLAG_RESPONSE
        r.credit_charge, r.credits = h.credit_charge, h.credit_charge
        r.tid, r.sid = h.tid, h.sid
        rsp = r.pack() + ERROR_BODY
        key = self.signer(rsp)
        if key is not None:
            rsp = p.sign(self.sign_alg, key, rsp)
        self.send_raw(struct.pack(">I", len(rsp)) + rsp)


class Conn(MidSend):
    """One TCP connection: the framing, the dispatch and the case."""

    def __init__(self, server, sock, peer):
        self.srv, self.sock, self.peer = server, sock, peer
        self.case = server.case
        self.dialect = None
        self.sign_alg = p.SIGN_AES_CMAC
        self.preauth = bytes(64)
        self.client_dialects = []
        self.client_caps = 0
        self.client_guid = bytes(16)
        self.client_secmode = 0
        self.channel_keys = {}
        self.pending_bind = {}
        self.opens = server.opens
        self.trees = server.trees
        self.tree_ids = server.tree_ids
        self.wlock = threading.Lock()
        self.stop = False
        self.cipher = None      # negotiated, for the seal cases
        self.sealed = False     # the request being answered came encrypted
        # credits-forged: MessageIds below this are granted (MS-SMB2
        # 3.3.1.1: { 0 } at first, one more for each credit granted), and
        # how many answers were forged
        self.granted = 1
        self.forged = 0

    # framing
    def recv_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        return buf

    def send_raw(self, data):
        with self.wlock:
            self.sock.sendall(data)

    def run(self):
        with self.srv.lock:
            self.srv.conns.add(self)
        try:
            while True:
                frame = self.recv_exact(4)
                length = struct.unpack(">I", frame)[0] & 0xFFFFFF
                if self.case.name == "answer-mid-write":
                    self.answer_mid_write(length)
                else:
                    self.handle(self.unseal(self.recv_exact(length)))
                if self.stop:
                    # stop-reading: hold the connection, read nothing more.
                    while True:
                        time.sleep(3600)
        except (ConnectionError, OSError):
            pass
        except Exception as e:  # a bug of ours: say so, drop the client
            self.srv.log(f"{self.peer} server error: {e!r}")
            raise
        finally:
            with self.srv.lock:
                self.srv.conns.discard(self)
            self.sock.close()

    # MS-SMB2 3.3.5.2.1.1: decrypt with the session's key
    def unseal(self, msg):
        self.sealed = msg[:4] == p.TRANSFORM_PROTO
        if not self.sealed:
            return msg
        s = self.srv.sessions.get(p.transform_sid(msg))
        if s is None or s.c2s is None:
            raise ConnectionError("transform of an unknown session")
        return p.unseal(s.cipher, s.c2s, msg)

    def credits_check(self, msg):
        """credits-forged: log each request of the chain @msg that takes a
        MessageId past the credits granted (MS-SMB2 3.3.5.2.3)."""
        pos = 0
        while True:
            h = p.Header(msg[pos:])
            end = h.mid + max(1, h.credit_charge)
            with self.wlock:
                granted = self.granted
            if h.command != p.CANCEL and end > granted:
                self.srv.log(f"{self.peer} client exceeded its credits: "
                             f"command {h.command} mid={h.mid} "
                             f"charge={h.credit_charge}, MessageIds below "
                             f"{granted} granted")
            if not h.next_command:
                return
            pos += h.next_command

    # the chain of requests in one frame, MS-SMB2 3.3.5.2.7
    def handle(self, msg):
        if msg[:4] != p.PROTO:
            self.srv.log(f"{self.peer} not SMB2: {msg[:4].hex()}")
            raise ConnectionError("not SMB2")
        if self.case.name == "credits-forged":
            self.credits_check(msg)
        h = p.Header(msg)
        if self.case.name in DROP_AT and \
                (self.srv.dropped or h.command == DROP_AT[self.case.name]):
            self.srv.log(f"{self.peer} {p.COMMANDS[h.command]} "
                         "unanswered, connection dropped")
            self.srv.dropped = True
            self.drop()
            return
        if self.case.name == "close-late" and h.command == p.CLOSE and \
                not h.next_command:
            threading.Thread(target=self.close_late, args=(h, msg),
                             daemon=True).start()
            return
        if (self.case.name in ("read-late", "write-late") and
                h.command == self.case.cmd or
                self.case.name == "credits-forged" and
                h.command == p.READ) and not h.next_command:
            threading.Thread(target=self.answer_late, args=(h, msg),
                             daemon=True).start()
            return
        if self.case.name in ("split-drop", "split-replay") and \
                not self.srv.dropped and h.command == p.CREATE and \
                h.next_command and \
                self.create_name(msg).strip("\\").lower() == \
                SPLIT_NAMES[self.case.name] and \
                (self.case.name == "split-drop" or
                 self.chain_last(msg) != p.CLOSE):
            self.split(h, msg)
            return
        if self.case.name in REPLAY_NAMES and not self.srv.dropped and \
                h.command == p.CREATE and \
                self.create_name(msg).strip("\\").lower() == \
                REPLAY_NAMES[self.case.name] and \
                self.chain_last(msg) != p.CLOSE:
            self.srv.dropped = True
            self.chain_answers(msg)
            self.srv.log(f"{self.peer} CREATE of "
                         f"{REPLAY_NAMES[self.case.name]} run, its "
                         "connection dropped unanswered")
            self.drop()
            return
        if self.case.name in DIR_DROPS and \
                h.command == p.QUERY_DIRECTORY and not h.next_command and \
                not msg[p.HDR_SIZE + 3] & 0x11:
            self.srv.dir_queries += 1
            if self.srv.dir_queries in DIR_DROPS[self.case.name]:
                self.chain_answers(msg)
                self.srv.log(f"{self.peer} QUERY_DIRECTORY going on with a "
                             "listing run, its connection dropped "
                             "unanswered")
                self.drop()
                return
        if self.case.name == "create-late" and h.command == p.CREATE and \
                self.create_name(msg).strip("\\").lower() == LATE_NAME:
            self.srv.log(f"{self.peer} CREATE of {LATE_NAME} held 12 s")
            threading.Thread(target=self.chain_late, args=(msg,),
                             daemon=True).start()
            return
        if self.case.name == "credits-forged" and h.command == p.CREATE and \
                self.create_name(msg).strip("\\").lower().startswith(
                    HELD_PREFIX):
            self.srv.log(f"{self.peer} CREATE mid={h.mid} of "
                         f"{self.create_name(msg)} held 3 s")
            threading.Thread(target=self.chain_late, args=(msg,),
                             daemon=True).start()
            return
        if self.case.name in RACE_CASES and self.srv.stage == 1 and \
                self.race_query(msg, TRUNC_NAME):
            self.srv.stage = 2
            out = self.chain_answers(msg)
            self.srv.log(f"{self.peer} QUERY_INFO of {TRUNC_NAME} held, "
                         f"EndOfFile {len(self.srv.files[TRUNC_NAME].data)}")
            threading.Thread(target=self.answer_released, args=(out,),
                             daemon=True).start()
            return
        if self.case.name == "read-close" and h.command == p.READ and \
                struct.unpack_from("<Q", msg, p.HDR_SIZE + 8)[0] >= \
                READ_HOLD_FROM:
            threading.Thread(target=self.read_held, args=(msg,),
                             daemon=True).start()
            return
        if self.case.name == "chmod-race" and not self.srv.stage and \
                self.set_info_query(msg, 4):
            self.srv.stage = 1
            node = self.srv.files["hello.txt"]
            node.data = bytearray(CHMOD_DATA)
            node.time = filetime(RACE_TIME)
            self.srv.log(f"{self.peer} SET_INFO of hello.txt held "
                         f"{CHMOD_HOLD} s, the file rewritten meanwhile")
            threading.Thread(target=self.chain_late, args=(msg,),
                             daemon=True).start()
            return
        if self.case.name == "link-race" and not self.srv.stage and \
                self.set_info_query(msg, 11):
            self.srv.stage = 1
            self.srv.log(f"{self.peer} SET_INFO link of hello.txt held "
                         f"{CHMOD_HOLD} s, its NumberOfLinks 0 meanwhile")
            threading.Thread(target=self.chain_late, args=(msg,),
                             daemon=True).start()
            return
        if self.case.name == "open-listing-race" and self.srv.stage == 1 \
                and self.race_query(msg):
            self.srv.stage = 2
            self.srv.race_held = True
            self.srv.log(f"{self.peer} QUERY_INFO of {RACE_NAME} held "
                         f"{RACE_HOLD} s")
            threading.Thread(target=self.chain_late, args=(msg,),
                             daemon=True).start()
            return
        self.answer_chain(msg)

    def race_query(self, msg, name=RACE_NAME):
        """open-listing-race, truncate-race: whether the chain @msg opens
        @name and asks for its attributes, as a revalidation does
        (CREATE, QUERY_INFO, CLOSE)."""
        h = p.Header(msg)
        return h.command == p.CREATE and bool(h.next_command) and \
            self.create_name(msg).strip("\\").lower() == name and \
            p.Header(msg[h.next_command:]).command == p.QUERY_INFO

    def read_held(self, msg):
        """read-close: the READ @msg answered READ_HOLD s late."""
        time.sleep(READ_HOLD)
        fid = struct.unpack_from("<Q", msg, p.HDR_SIZE + 24)[0]
        self.srv.log(f"{self.peer} READ held {READ_HOLD} s, its FileId "
                     f"{'open' if fid in self.opens else 'closed'}")
        try:
            self.answer_chain(msg)
        except OSError:
            pass

    def set_info_query(self, msg, cls):
        """chmod-race, link-race: whether the chain @msg opens hello.txt
        and sets its information of class @cls, as a chmod (basic, 4) or
        a link (11) does: CREATE, SET_INFO, CLOSE."""
        h = p.Header(msg)
        if h.command != p.CREATE or not h.next_command or \
                self.create_name(msg).strip("\\").lower() != "hello.txt":
            return False
        part = msg[h.next_command:]
        return p.Header(part).command == p.SET_INFO and \
            part[p.HDR_SIZE + 3] == cls

    @staticmethod
    def chain_last(msg):
        """The command of the last request of the chain @msg."""
        h = p.Header(msg)
        pos = 0
        while h.next_command:
            pos += h.next_command
            h = p.Header(msg[pos:])
        return h.command

    def split(self, h, msg):
        """split-drop, split-replay: answer the CREATE of the chain @msg
        alone, its header @h, then drop the connection."""
        self.srv.dropped = True
        rsp = self.answer(h, msg[:h.next_command], None)
        self.srv.split_fid = getattr(h, "fid", None)
        self.srv.log(f"{self.peer} CREATE of {SPLIT_NAMES[self.case.name]} "
                     f"answered alone, FileId {self.srv.split_fid}: "
                     "connection dropped")
        self.send_chain([(rsp, h)])
        self.drop()

    def answer_chain(self, msg):
        """Answer the requests of @msg, a chain, in one message."""
        self.send_chain(self.chain_answers(msg))

    def chain_answers(self, msg):
        """The answers to the requests of @msg, a chain, to send."""
        out = []
        pos = 0
        last_fid = None
        while True:
            h = p.Header(msg[pos:])
            end = pos + h.next_command if h.next_command else len(msg)
            req = msg[pos:end]
            if h.flags & p.FLAG_RELATED and out:
                h.sid = h.sid or out[-1][1].sid
                h.tid = h.tid or out[-1][1].tid
            rsp = self.answer(h, req, last_fid)
            if rsp is not None:
                last_fid = getattr(h, "fid", last_fid)
                if not (h.hit and self.case.name == "compound-part-missing"
                        and (pos or h.next_command)):
                    out.append((rsp, h))
            if not h.next_command:
                break
            pos = end
        return out

    def answer(self, h, req, last_fid):
        name = p.COMMANDS[h.command] if h.command < len(p.COMMANDS) else \
            str(h.command)
        hit = self.case.hits(h.command)
        self.srv.log(f"{self.peer} {name} mid={h.mid} sid={h.sid:#x}"
                     + (f" -> {self.case}" if hit else ""))
        if self.case.name in FUZZ_CASES:
            hit = self.srv.stage == 1 and h.command > p.TREE_CONNECT and \
                self.case.fuzz_hit()
        h.hit = hit
        if hit and self.case.name in ("silent", "unlock-silent",
                                      "read-killed"):
            return None
        if self.srv.stage and self.case.name == "go-silent":
            return None
        if hit and self.case.name == "stop-reading":
            self.stop = True
            return None
        if hit and self.case.name == "interims":
            threading.Thread(target=self.interims, args=(h,),
                             daemon=True).start()
            return None
        if hit and self.case.name in RESTART_CASES and not self.srv.stage:
            self.restart()
        if self.srv.stage and self.case.name == "relapse" and \
                h.command == p.IOCTL and h.sid in self.srv.sessions:
            self.restart()
        if self.srv.stage and self.case.name == "silent-reconnect" and \
                h.command == p.NEGOTIATE:
            return None
        if hit and self.case.name == "lock-pending":
            self.srv.lock_fid = struct.unpack_from("<Q", req,
                                                   p.HDR_SIZE + 16)[0]
        if hit and self.case.name in ("cancel-unsigned",
                                      "seal-cancel-clear", "lock-pending"):
            self.pend(h)
            return None
        if self.srv.stage == 1 and self.case.name == "close-race-pending" \
                and h.command == p.CLOSE:
            o = self.get_open(h, req[p.HDR_SIZE:], 8, last_fid)
            if o is not None and o.node.name == "hello.txt":
                self.srv.log(f"{self.peer} CLOSE of hello.txt kept pending")
                self.pend(h)
                return None
        if self.case.name == "ifaces-pending" and h.command == p.IOCTL \
                and self.iface_query_later(req):
            self.srv.log(f"{self.peer} IOCTL mid={h.mid} -> {self.case}: "
                         "interface query kept pending")
            self.pend(h)
            return None
        if h.command == p.CANCEL and self.case.name == "lock-pending":
            self.srv.log(f"{self.peer} CANCEL mid={h.mid} ignored")
            return None
        if h.command == p.CANCEL:
            self.cancelled(h)
            return None
        if hit and self.case.name == "session-deleted":
            self.srv.sessions.pop(h.sid, None)
            self.trees.clear()
            self.opens.clear()
            self.srv.log(f"{self.peer} session {h.sid:#x} deleted")
        body = req[p.HDR_SIZE:]
        handler = getattr(self, "do_" + name.lower(), None)
        status, out = p.STATUS_NOT_SUPPORTED, None
        # MS-SMB2 3.3.5.2.9: a request in a session there is not.
        if h.sid and h.sid not in self.srv.sessions and \
                h.command not in (p.NEGOTIATE, p.SESSION_SETUP):
            handler = None
            status = p.STATUS_USER_SESSION_DELETED
        if self.case.name == "busy-teardown" and \
                h.command in (p.TREE_DISCONNECT, p.LOGOFF):
            handler = None
            status = STATUS_FILE_NOT_AVAILABLE
        if hit and self.case.name == "pending-sync":
            handler = None
            status = p.STATUS_PENDING
        if handler:
            try:
                status, out = handler(h, body, req, last_fid)
            except (struct.error, ValueError, KeyError, IndexError) as e:
                self.srv.log(f"{self.peer} {name}: bad request: {e}")
                status, out = p.STATUS_INVALID_PARAMETER, None
        if getattr(h, "unanswered", False):
            self.drop()
            return None
        if out is None:
            out = ERROR_BODY
        r = p.Header()
        r.command, r.status, r.mid = h.command, status, h.mid
        r.flags = p.FLAG_RESPONSE | (h.flags & p.FLAG_RELATED)
        r.credit_charge = h.credit_charge
        r.tid, r.sid = h.tid, getattr(h, "rsp_sid", h.sid)
        r.credits = max(1, min(h.credits, 512))
        if self.case.name == "credits-65535":
            r.credits = 65535
        if self.case.name == "zero-credits" and h.command > p.SESSION_SETUP:
            r.credits = 0
        if self.case.name in ("few-credits", "credits-forged",
                              "create-forged"):
            r.credits = 8 if h.command == p.NEGOTIATE else \
                max(1, h.credit_charge)
        rsp = r.pack() + out
        if hit and self.case.name == "go-silent":
            self.srv.stage = 1
        if hasattr(h, "after"):
            h.after(rsp)
        return rsp

    def iface_query_later(self, req):
        """ifaces-pending: whether the IOCTL @req is an interface query
        after the first."""
        code = struct.unpack_from("<I", req, p.HDR_SIZE + 4)[0]
        if code != FSCTL_QUERY_NETWORK_INTERFACE_INFO:
            return False
        with self.srv.lock:
            self.srv.iface_queries += 1
            return self.srv.iface_queries > 1

    def restart(self):
        """Forget every session, tree and open, and drop every connection."""
        srv = self.srv
        live = sorted(self.opens, reverse=True)
        with srv.lock:
            conns = list(srv.conns)
        srv.sessions.clear()
        self.trees.clear()
        self.opens.clear()
        if self.case.name == "fid-reuse":
            srv.reuse = live
        if self.case.name == "guid-change":
            srv.guid = bytes(reversed(SERVER_GUID))
        srv.stage, srv.creates = 1, 0
        srv.log(f"{self.peer} restart: FileIds {live} were open")
        for c in conns:
            if c is not self:
                try:
                    c.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        raise ConnectionError("restart")

    def drop_all(self):
        """iface-unreachable, from a timer: as restart(), every
        connection dropped, this one too."""
        srv = self.srv
        with srv.lock:
            conns = list(srv.conns)
        srv.sessions.clear()
        self.trees.clear()
        self.opens.clear()
        srv.log(f"{self.peer} dropped every connection ({len(conns)})")
        for c in conns:
            try:
                c.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @staticmethod
    def async_answer(h, status, flags=0):
        """An answer to @h with @status and an ERROR body, its AsyncId
        @h's MessageId (MS-SMB2 2.2.1.1), unsigned."""
        r = p.Header()
        r.command, r.status, r.mid = h.command, status, h.mid
        r.flags = p.FLAG_RESPONSE | p.FLAG_ASYNC | flags
        r.pid, r.tid, r.sid, r.credits = h.mid, 0, h.sid, 1
        return r.pack() + ERROR_BODY

    def interims(self, h):
        """STATUS_PENDING for @h, unsigned, every second, for ever."""
        msg = self.async_answer(h, p.STATUS_PENDING)
        try:
            while True:
                self.send_raw(struct.pack(">I", len(msg)) + msg)
                time.sleep(1)
        except OSError:
            pass

    def close_late(self, h, req):
        """close-late: the answer to the CLOSE @h, 3 s late; its file
        counts as open until then, as a server's does."""
        o = self.get_open(h, req[p.HDR_SIZE:], 8, None)
        name = o.node.name if o else None
        self.srv.closing.add(name)
        self.srv.log(f"{self.peer} CLOSE of {name} held 3 s")
        time.sleep(3)
        self.srv.closing.discard(name)
        self.srv.log(f"{self.peer} CLOSE of {name} answered")
        try:
            self.send_chain([(self.answer(h, req, None), h)])
        except OSError:
            pass

    def chain_late(self, msg):
        """create-late: the answers to the chain @msg, 12 s late;
        credits-forged: 3 s, logged once sent; open-listing-race:
        RACE_HOLD s, logged once sent, the hold over before; chmod-race,
        link-race: CHMOD_HOLD s, link-race's NumberOfLinks 0 over before."""
        forged = self.case.name == "credits-forged"
        race = self.case.name == "open-listing-race"
        time.sleep(3 if forged else RACE_HOLD if race else
                   CHMOD_HOLD if self.case.name in ("chmod-race", "link-race")
                   else 12)
        if race:
            self.srv.race_held = False
        if self.case.name == "link-race":
            self.srv.stage = 2
        try:
            self.answer_chain(msg)
        except OSError:
            return
        if forged:
            self.srv.log(f"{self.peer} CREATE mid={p.Header(msg).mid} of "
                         f"{self.create_name(msg)} answered 3 s late")
        if race:
            self.srv.log(f"{self.peer} QUERY_INFO of {RACE_NAME} answered "
                         f"{RACE_HOLD} s late")

    def forged_name(self):
        """create-late, create-forged: the name whose CREATE's answer
        has a copy with a bad signature ahead of it; else None."""
        return {"create-late": LATE_NAME,
                "create-forged": FORGED_NAME}.get(self.case.name)

    def answer_released(self, out):
        """truncate-race: the answers @out, made when their requests
        came, once a CREATE of RELEASE_NAME came (at most 30 s on)."""
        released = self.srv.released.wait(30)
        try:
            self.send_chain(out)
        except OSError:
            return
        self.srv.log(f"{self.peer} QUERY_INFO of {TRUNC_NAME} answered "
                     f"{'after' if released else 'without'} the release")

    def answer_late(self, h, req):
        """read-late: the answer to @h, 15 s late; write-late: 6 s;
        credits-forged: 3 s."""
        time.sleep({"read-late": 15, "credits-forged": 3}.get(
            self.case.name, 6))
        try:
            self.send_chain([(self.answer(h, req, None), h)])
        except OSError:
            pass

    def pend(self, h):
        """cancel-unsigned: the interim answer to @h, unsigned (MS-SMB2
        3.3.4.2), encrypted as the final one must be; @h waits for its
        CANCEL."""
        msg = self.async_answer(h, p.STATUS_PENDING)
        if self.sealed:
            msg = self.seal(h.sid, msg, None)
        self.srv.pending[h.mid] = h
        self.send_raw(struct.pack(">I", len(msg)) + msg)

    def cancelled(self, h):
        """The final answer to the request a CANCEL names, if pending, as
        ksmbd sends it: STATUS_CANCELLED, the SIGNED flag set, the
        Signature zero, in clear."""
        orig = self.srv.pending.pop(h.mid, None)
        if orig is None:
            return
        msg = self.async_answer(orig, STATUS_CANCELLED, p.FLAG_SIGNED)
        self.srv.log(f"{self.peer} LOCK mid={h.mid} cancelled, answered "
                     "unsigned")
        self.send_raw(struct.pack(">I", len(msg)) + msg)

    # responses: case, signature, framing
    def signer(self, msg):
        h = p.Header(msg)
        s = self.srv.sessions.get(h.sid)
        if h.command == p.NEGOTIATE or not s or not s.key:
            return None
        if h.command == p.SESSION_SETUP and h.status != p.STATUS_SUCCESS:
            return None
        return self.channel_keys.get(h.sid, s.key)

    def signed_by(self, h, req):
        """Whether the request @req (header @h) carries the signature
        its session's key makes (MS-SMB2 3.3.5.2.4), where it has one and
        the request came in clear."""
        key = self.signer(req)
        if key is None or self.sealed:
            return True
        return bool(h.flags & p.FLAG_SIGNED) and \
            p.sign(self.sign_alg, key, req) == bytes(req)

    def send_chain(self, out):
        msgs = []
        many = self.case.name == "compound-many" and \
            out[-1][1].command > p.TREE_CONNECT
        for i, (rsp, h) in enumerate(out):
            rsp = bytearray(rsp)
            if h.hit:
                rsp = self.spoil(rsp)
            last = i == len(out) - 1 and not many
            if not last:
                rsp += bytes(-len(rsp) % 8)
                struct.pack_into("<I", rsp, 20, len(rsp))
            key = self.signer(rsp)
            if h.hit and self.case.name in ("seal-echo-clear",
                                            "seal-forged-echo"):
                key = None
            if h.hit and self.case.name in ("ack-unsigned",
                                            "cancelled-unasked"):
                struct.pack_into("<I", rsp, 16, p.Header(rsp).flags |
                                 p.FLAG_SIGNED)
                key = None
            if key is not None:
                rsp = bytearray(p.sign(self.sign_alg, key, rsp))
            if h.hit and self.case.name == "bad-sig":
                rsp[48] ^= 0x01
            if (h.hit and key is not None and self.case.name in
                    ("eof-frame-sig", "eof-frame-bad") and
                    p.Header(rsp).status != p.STATUS_SUCCESS):
                rsp = bytearray(self.frame_signed(key, rsp))
            if (h.hit and key is not None and self.case.name in
                    ("tcon-twice", "tcon-twice-bad") and
                    p.Header(rsp).status != p.STATUS_SUCCESS):
                rsp = bytearray(self.sent_twice(rsp))
            msgs.append(bytes(rsp))
        if not msgs:
            return
        if many:
            x = p.Header()
            x.flags = p.FLAG_RESPONSE
            for k in range(MANY):
                x.mid = 1 << 48 | k
                x.next_command = p.HDR_SIZE if k < MANY - 1 else 0
                msgs.append(x.pack())
        data = b"".join(msgs)
        hit = any(h.hit for _, h in out)
        name = self.case.name if hit else None
        if self.case.name == "credits-forged":
            self.send_forged(msgs, out)
        if self.forged_name() and not self.sealed and any(
                h.command == p.CREATE and
                getattr(h, "fid", None) == getattr(self.srv, "late_fid", 0)
                for _, h in out):
            bad = bytearray(data)
            bad[48] ^= 0x01
            self.send_raw(struct.pack(">I", len(bad)) + bytes(bad))
            self.srv.log(f"{self.peer} CREATE of {self.forged_name()}: "
                         "answer with a bad signature sent ahead")
            # create-forged: the real one once that one was refused
            if self.case.name == "create-forged":
                time.sleep(1)
        # MS-SMB2 3.3.4.1.4: an encrypted request's answer is encrypted.
        if self.sealed and name not in ("seal-clear", "seal-echo-clear",
                                        "seal-forged-echo"):
            data = self.seal(out[0][1].sid, data, name)
        if name in ("frame0", "dh2c-refused"):
            self.send_raw(struct.pack(">I", 0))
        elif name == "frame63":
            self.send_raw(struct.pack(">I", 63) + data[:63])
        elif name == "frame-huge":
            self.send_raw(struct.pack(">I", 0xFFFFFF) + data)
        elif name == "other-channel":
            self.other_conn(out[0][1].sid).send_raw(
                struct.pack(">I", len(data)) + data)
        elif name in ("duplicate", "seal-replay"):
            self.send_raw(struct.pack(">I", len(data)) + data)
            time.sleep(0.2)
            self.send_raw(struct.pack(">I", len(data)) + data)
        else:
            self.send_raw(struct.pack(">I", len(data)) + data)
        if self.case.name in ("break-unknown", "break-storm",
                              "break-malformed") and \
                any(h.command == p.CREATE for _, h in out):
            self.send_breaks()
        for _, h in out:
            if getattr(h, "lease_key", None):
                self.break_granted(h)

    def send_forged(self, msgs, out):
        """credits-forged: ahead of the answers @msgs (to @out), after
        TREE_CONNECT, a copy of the first with a MessageId never sent,
        and one of the hit READ's with a bad signature, each granting
        FORGED_CREDITS; then count what the real ones grant, before the
        client can read them."""
        forged = []
        if out[-1][1].command > p.TREE_CONNECT:
            m = bytearray(msgs[0])
            with self.wlock:
                self.forged += 1
                n = self.forged
            struct.pack_into("<H", m, 14, FORGED_CREDITS)
            struct.pack_into("<I", m, 20, 0)
            struct.pack_into("<Q", m, 24, 1 << 48 | n)
            forged.append(m)
        for i, (_, h) in enumerate(out):
            if h.hit:
                m = bytearray(msgs[i])
                struct.pack_into("<H", m, 14, FORGED_CREDITS)
                struct.pack_into("<I", m, 20, 0)
                m[48] ^= 0x01
                forged.append(m)
                self.srv.log(f"{self.peer} READ mid={h.mid}: answer with "
                             "a bad signature sent ahead")
        for m in forged:
            self.send_raw(struct.pack(">I", len(m)) + bytes(m))
        with self.wlock:
            self.granted += sum(p.Header(m).credits for m in msgs)

    def send_breaks(self):
        """The break cases: notifications, MS-SMB2 2.2.23, unsigned."""
        r = p.Header()
        r.command, r.mid, r.flags = OPLOCK_BREAK, 0xFFFFFFFFFFFFFFFF, \
            p.FLAG_RESPONSE
        # Lease Break Notification, 2.2.23.2: RW to R, from epoch 2 on
        def lease_break(key):
            return r.pack() + struct.pack("<HHI16sIIIII", 44, 2, 1, key,
                                          0x5, 0x1, 0, 0, 0)
        if self.case.name == "break-unknown":
            msgs = [lease_break(os.urandom(16))]
        elif self.case.name == "break-storm":
            msgs = [lease_break(os.urandom(16)) for _ in range(STORM)]
        else:
            # cut after its key; an oplock break (2.2.23.1) of a handle
            msgs = [lease_break(os.urandom(16))[:p.HDR_SIZE + 24],
                    r.pack() + struct.pack("<HBBIQQ", 24, 1, 0, 0, 1, 1)]
        for m in msgs:
            self.send_raw(struct.pack(">I", len(m)) + m)

    def break_granted(self, h):
        """seal-break: break the lease @h's CREATE granted; encrypted,
        in clear for the others."""
        self.lease_break(h.lease_key, h.lease_state,
                         h.sid if self.case.name == "seal-break" else 0,
                         " after CREATE")

    def lease_break(self, key, state, sid, when):
        """A Lease Break Notification (MS-SMB2 2.2.23.2) of @key from
        @state, write caching taken, to epoch 2, acknowledgment required:
        encrypted for session @sid, or in clear as Samba sends it
        (SessionId 0, no session's key)."""
        r = p.Header()
        r.command, r.mid, r.flags = OPLOCK_BREAK, 0xFFFFFFFFFFFFFFFF, \
            p.FLAG_RESPONSE
        r.sid = sid
        msg = r.pack() + struct.pack("<HHI16sIIIII", 44, 2, 1, key, state,
                                     state & ~LEASE_W, 0, 0, 0)
        if sid:
            msg = self.seal(sid, msg, None)
        self.srv.log(f"{self.peer} lease break sent"
                     f"{'' if sid else ' in clear'} of {key.hex()}{when}")
        self.send_raw(struct.pack(">I", len(msg)) + msg)

    def other_conn(self, sid):
        """other-channel: a connection of session @sid that is not this
        one, once the client has bound one; this one after 10 s."""
        s = self.srv.sessions.get(sid)
        for _ in range(100):
            other = [c for c in (s.conns if s else []) if c is not self]
            if other:
                self.srv.log(f"{self.peer} answer sent on {other[0].peer}")
                return other[0]
            time.sleep(0.1)
        return self

    def seal(self, sid, data, name):
        s = self.srv.sessions[sid]
        nonce = struct.pack("<Q", next(s.nonces)) + bytes(8)
        data = bytearray(p.seal(s.cipher, s.s2c, sid, nonce, data))
        if name == "seal-bad-tag":
            data[4] ^= 0x01
        elif name == "seal-truncated":
            struct.pack_into("<I", data, 36, len(data) + 64)
        return bytes(data)

    def frame_signed(self, key, rsp):
        """@rsp signed over its transport header as well, as ksmbd signs
        an error answer to READ (AES-CMAC, the one algorithm it signs
        with); eof-frame-bad's transport header is one greater."""
        frame = len(rsp) + (self.case.name == "eof-frame-bad")
        h = p.Header(rsp)
        h.signature = bytes(16)
        msg = h.pack() + bytes(rsp[p.HDR_SIZE:])
        h.signature = p.signature(p.SIGN_AES_CMAC, key,
                                  struct.pack(">I", frame) + msg, h.mid,
                                  h.flags)
        return h.pack() + msg[p.HDR_SIZE:]

    def sent_twice(self, rsp):
        """@rsp, a signed ERROR answer (73 bytes), as ksmbd sends a
        TREE_CONNECT it refuses: the TREE_CONNECT answer it had queued,
        80 bytes with the ERROR answer written over their start, then the
        ERROR answer again; both copies carry the one signature, made over
        the second. tcon-twice-bad's is wrong."""
        rsp = bytearray(rsp)
        if self.case.name == "tcon-twice-bad":
            rsp[48] ^= 0x01
        first = bytes(rsp) + bytes(3) + struct.pack("<I", 0x001F01A9)
        return first + bytes(rsp)

    def spoil(self, rsp):
        """The changes a case makes inside a message, before signing."""
        name = self.case.name
        if name == "bad-protocol":
            rsp[0:4] = b"\xfeSMC"
        elif name == "truncated":
            rsp = rsp[:p.HDR_SIZE + 4]
        elif name == "next-past":
            struct.pack_into("<I", rsp, 20, (len(rsp) + 64 + 7) & ~7)
        elif name == "next-garbage":
            rsp += bytes(-len(rsp) % 8)
            struct.pack_into("<I", rsp, 20, len(rsp))
            rsp += b"\xfeSMB" + os.urandom(60) + b"\xff" * 16
        elif name == "seal-forged-echo":
            # an ERROR body (2.2.2) behind the READ's header made an ECHO's
            rsp = rsp[:p.HDR_SIZE] + ERROR_BODY
            struct.pack_into("<IH", rsp, 8, p.STATUS_END_OF_FILE, p.ECHO)
        elif name == "unknown-mid":
            struct.pack_into("<Q", rsp, 24,
                             struct.unpack_from("<Q", rsp, 24)[0] + 0x10000)
        elif name in FUZZ_CASES:
            rsp, way = self.case.fuzz(rsp)
            self.srv.log(f"{self.peer} {p.COMMANDS[p.Header(rsp).command]} "
                         f"fuzz {way}")
        return rsp

    # NEGOTIATE, MS-SMB2 3.3.5.4
    def do_negotiate(self, h, body, req, _):
        if self.srv.stage == 2 and self.case.name == "reopen-drop":
            self.srv.stage = 3
            self.srv.log(f"{self.peer} NEGOTIATE delayed")
            time.sleep(8)
        (_, count, secmode, _, caps, guid, ctx_off, ctx_count) = \
            struct.unpack_from("<HHHHI16sIH", body)
        dialects = list(struct.unpack_from(f"<{count}H", body, 36))
        self.client_dialects, self.client_caps = dialects, caps
        self.client_guid, self.client_secmode = guid, secmode
        offered = [d for d in (p.DIALECT_311, p.DIALECT_302, p.DIALECT_30)
                   if d in dialects]
        if not offered:
            return p.STATUS_NOT_SUPPORTED, None
        dialect = offered[0]
        if self.case.name == "dialect-not-offered":
            dialect = next(d for d in (p.DIALECT_302, p.DIALECT_30,
                                       p.DIALECT_311) if d not in dialects)
        self.dialect = dialect
        client_algs, ciphers = [], []
        if p.DIALECT_311 in dialects and ctx_count:
            client_algs = self.client_algs(req, ctx_off, ctx_count, 8)
            ciphers = self.client_algs(req, ctx_off, ctx_count, 2)
        seal = self.case.name.startswith("seal-")
        ctxs = b""
        nctx = 0
        if dialect == p.DIALECT_311:
            salt = os.urandom(32)
            ctxs = struct.pack("<HHI", 1, 38, 0) + \
                struct.pack("<HHH", 1, 32, 1) + salt
            nctx = 1
            if client_algs or self.case.name == "sign-alg-0":
                want = p.SIGN_AES_GMAC if self.srv.args.sign == "gmac" \
                    else p.SIGN_AES_CMAC
                # As ksmbd, which signs with nothing else.
                if self.case.name in ("eof-frame-sig", "eof-frame-bad"):
                    want = p.SIGN_AES_CMAC
                alg = want if want in client_algs else p.SIGN_AES_CMAC
                self.sign_alg = alg
                if self.case.name == "sign-alg-0":
                    alg, self.sign_alg = p.SIGN_HMAC_SHA256, \
                        p.SIGN_AES_CMAC
                ctxs += bytes(-len(ctxs) % 8)
                ctxs += struct.pack("<HHIHH", 8, 4, 0, 1, alg)
                nctx += 1
            if seal and p.AES128_GCM in ciphers:
                self.cipher = p.AES128_GCM
                ctxs += bytes(-len(ctxs) % 8)
                ctxs += struct.pack("<HHIHH", 2, 4, 0, 1, self.cipher)
                nctx += 1
        else:
            self.sign_alg = p.SIGN_AES_CMAC
        blob = p.spnego_hint()
        caps = CAP_LARGE_MTU
        if self.case.name.startswith(("break-", "dh2", "seal-break", "ca-",
                                      "ack-")) or \
                self.case.name in CACHING_CASES:
            caps |= CAP_LEASING
        if self.case.name in CA_CASES:
            caps |= CAP_PERSISTENT_HANDLES
        if self.srv.args.multichannel or \
                self.case.name.startswith(("iface", "bind-", "other-",
                                           "close-race", "go-silent",
                                           "relapse", "seal-echo",
                                           "busy", "lock-replay",
                                           "getlk-replay",
                                           "split-drop", "split-replay",
                                           "create-replay", "dir-re")) or \
                self.case.name == "mc-gone" and not self.srv.stage:
            caps |= CAP_MULTI_CHANNEL
        if seal and dialect != p.DIALECT_311 and self.client_caps & CAP_ENC:
            caps |= CAP_ENC
            self.cipher = p.AES128_CCM
        self.server_caps = caps
        # signing enabled and required; seal-vneg: enabled only
        self.server_secmode = 0x1 if self.case.name == "seal-vneg" else 0x3
        blob_off = p.HDR_SIZE + 64
        ctx_off = (blob_off + len(blob) + 7) & ~7 if nctx else 0
        out = struct.pack("<HHHH16sIIIIQQHHI", 65, self.server_secmode,
                          dialect, nctx, self.srv.guid, caps,
                          self.max_transact(), self.max_read(),
                          self.max_write(),
                          filetime(), 0, blob_off, len(blob), ctx_off)
        out += blob
        if nctx:
            out += bytes(ctx_off - p.HDR_SIZE - len(out)) + ctxs
        if dialect == p.DIALECT_311:
            def hash_answer(rsp):
                self.preauth = p.preauth_update(
                    p.preauth_update(bytes(64), req), rsp)
            h.after = hash_answer
        return p.STATUS_SUCCESS, out

    @staticmethod
    def client_algs(req, off, count, want):
        """The algorithms of the client's context @want (2: ciphers,
        8: signing)"""
        algs = []
        for _ in range(count):
            off = (off + 7) & ~7
            ctype, dlen = struct.unpack_from("<HH", req, off)
            data = req[off + 8:off + 8 + dlen]
            if ctype == want:
                n = struct.unpack_from("<H", data)[0]
                algs = list(struct.unpack_from(f"<{n}H", data, 2))
            off += 8 + dlen
        return algs

    # SESSION_SETUP, MS-SMB2 3.3.5.5, with NTLMSSP
    def do_session_setup(self, h, body, req, _):
        flags = body[2]
        blob_off, blob_len = struct.unpack_from("<HH", body, 12)
        blob = req[blob_off:blob_off + blob_len]
        spnego = not blob.startswith(p.NTLM_SIG)
        token = p.ntlm_token(blob)
        if token is None:
            return p.STATUS_LOGON_FAILURE, None
        binding = flags & 0x1
        msg_type = struct.unpack_from("<I", token, 8)[0]
        s = self.pending_bind.get(h.sid) if binding else \
            self.srv.sessions.get(h.sid)
        # MS-SMB2 3.3.5.5.2: a channel binds only to a session there is;
        # one a restart forgot while the bind went on is gone too.
        if binding and h.sid not in self.srv.sessions:
            self.pending_bind.pop(h.sid, None)
            return p.STATUS_USER_SESSION_DELETED, None
        if msg_type == 1:
            sid = h.sid if binding else next(self.srv.session_ids)
            if not binding:
                prev = struct.unpack_from("<Q", body, 16)[0]
                self.srv.log(f"{self.peer} new session {sid:#x} "
                             f"previous {prev:#x}")
            s = Session(sid)
            s.preauth = self.preauth
            if binding:
                self.pending_bind[sid] = s
            else:
                self.srv.sessions[sid] = s
            s.preauth = p.preauth_update(s.preauth, req)
            chal = p.ntlm_challenge(struct.unpack_from("<I", token, 12)[0],
                                    s.challenge, "HOSTILE",
                                    filetime() if self.srv.args.timestamp
                                    else None)
            out_blob = p.spnego_response(1, chal) if spnego else chal
            out = struct.pack("<HHHH", 9, 0, p.HDR_SIZE + 8,
                              len(out_blob)) + out_blob
            h.rsp_sid = sid
            if binding and self.case.name == "bind-sessionid":
                h.rsp_sid = sid + 0x10000

            def hash_answer(rsp):
                s.preauth = p.preauth_update(s.preauth, rsp)
            h.after = hash_answer
            return p.STATUS_MORE_PROCESSING_REQUIRED, out
        if s is None or msg_type != 3:
            return p.STATUS_USER_SESSION_DELETED, None
        s.preauth = p.preauth_update(s.preauth, req)
        user, key = p.ntlm_authenticate(token, s.challenge, self.srv.args.user,
                                        self.srv.args.password)
        self.srv.log(f"{self.peer} NTLM user={user} "
                     f"{'ok' if key else 'wrong password'}"
                     f"{' binding' if binding else ''}")
        if key is None:
            self.srv.sessions.pop(h.sid, None)
            return p.STATUS_LOGON_FAILURE, None
        if binding and self.case.name == "mc-gone" and self.srv.stage:
            self.srv.log(f"{self.peer} bind refused: multichannel gone")
            self.pending_bind.pop(h.sid, None)
            return STATUS_REQUEST_NOT_ACCEPTED, None
        if binding and self.case.name == "bind-refuse":
            self.pending_bind.pop(h.sid, None)
            return p.STATUS_ACCESS_DENIED, None
        sign_key = p.signing_key(self.dialect, key, s.preauth)
        if binding and self.case.name == "bind-restart" and \
                not self.srv.stage:
            self.srv.log(f"{self.peer} bind delayed")
            time.sleep(4)
        if binding:
            self.pending_bind.pop(h.sid, None)
            if h.sid not in self.srv.sessions:
                return p.STATUS_USER_SESSION_DELETED, None
            self.channel_keys[h.sid] = sign_key
            self.srv.sessions[h.sid].conns.append(self)
        else:
            s.key, s.user = sign_key, user
            s.conns.append(self)
        flags = 0
        if self.cipher and not binding:
            s.cipher = self.cipher
            s.c2s, s.s2c = p.cipher_keys(self.dialect, key, s.preauth)
            flags = SESSION_FLAG_ENCRYPT_DATA
        out_blob = p.spnego_response(0) if spnego else b""
        return p.STATUS_SUCCESS, struct.pack("<HHHH", 9, flags,
                                             p.HDR_SIZE + 8,
                                             len(out_blob)) + out_blob

    def do_logoff(self, h, body, req, _):
        # The session stays: its key signs this answer.
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    def session_ok(self, h):
        s = self.srv.sessions.get(h.sid)
        return s is not None and s.key is not None

    # TREE_CONNECT, MS-SMB2 3.3.5.7
    def do_tree_connect(self, h, body, req, _):
        if not self.session_ok(h):
            return p.STATUS_USER_SESSION_DELETED, None
        off, length = struct.unpack_from("<HH", body, 4)
        path = req[off:off + length].decode("utf-16-le")
        share = path.rsplit("\\", 1)[-1]
        if share.upper() == "IPC$":
            kind = 2
            if self.srv.stage == 1 and \
                    self.case.name.startswith("close-race") and \
                    self.srv.creates >= 2:
                self.srv.log(f"{self.peer} TREE_CONNECT delayed")
                time.sleep(3)
        elif share.lower() == self.srv.args.share.lower():
            kind = 1
        else:
            return p.STATUS_BAD_NETWORK_NAME, None
        tid = next(self.tree_ids)
        self.trees[tid] = kind
        h.tid = tid
        caps = SHARE_CAP_CA if kind == 1 and self.case.name in CA_CASES \
            else 0
        return p.STATUS_SUCCESS, struct.pack("<HBBIII", 16, kind, 0, 0, caps,
                                             0x001F01FF)

    def do_tree_disconnect(self, h, body, req, _):
        self.trees.pop(h.tid, None)
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    def do_echo(self, h, body, req, _):
        if self.case.name == "bind-echo" and self.channel_keys:
            self.srv.log(f"{self.peer} ECHO on a bound connection -> "
                         f"{self.case}")
            return p.STATUS_ACCESS_DENIED, None
        # The client puts a channel to use once the ECHO after its bind is
        # answered: a drop before that would fail the bind instead, as
        # 0.1 s did once with two guests side by side (2026-12-07).
        if self.channel_keys and (self.case.name == "bind-drop" or (
                self.case.name == "ifaces-pending" and not self.srv.dropped)):
            self.srv.dropped = True
            self.srv.log(f"{self.peer} ECHO on a bound connection -> "
                         f"{self.case} in 0.5 s")
            drop = threading.Timer(0.5, self.drop)
            drop.daemon = True
            drop.start()
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    def drop(self):
        """bind-drop, ifaces-pending, lock-replay, getlk-replay, split-drop,
        split-replay, create-replay, dir-replay, dir-resend, root-drop,
        tcon-drop: end this connection, as a server that closes it."""
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def get_open(self, h, body, off, last_fid):
        _, fid = struct.unpack_from("<QQ", body, off)
        if fid == 0xFFFFFFFFFFFFFFFF and last_fid is not None:
            fid = last_fid
        h.fid = fid
        return self.opens.get(fid)

    def attrs_block(self, node):
        """Times, sizes and attributes as CREATE and CLOSE return them."""
        size = len(node.data)
        if self.case.name == "eof-huge" and not node.is_dir:
            size = (1 << 63) + 4096
        t = node.time
        return struct.pack("<QQQQQQI", t, t, t, t, (len(node.data) + 4095) &
                           ~4095, size, node.attrs())

    @staticmethod
    def create_name(req):
        """The name a CREATE request @req opens, MS-SMB2 2.2.13."""
        name_off, name_len = struct.unpack_from("<HH", req, p.HDR_SIZE + 44)
        return req[name_off:name_off + name_len].decode("utf-16-le")

    # CREATE, MS-SMB2 3.3.5.9
    def do_create(self, h, body, req, _):
        if h.tid not in self.trees:
            return 0xC00000C9, None  # STATUS_NETWORK_NAME_DELETED
        (disp, options) = struct.unpack_from("<II", body, 36)
        path = self.create_name(req)
        if self.case.name in FUZZ_CASES and \
                path.strip("\\") == "fuzz-start":
            self.srv.stage = 1
            self.srv.log(f"{self.peer} fuzzing from now on")
        if self.trees[h.tid] == 2:
            return p.STATUS_OBJECT_NAME_NOT_FOUND, None
        if self.case.name == "busy" and path.lower() == "hello.txt":
            return STATUS_FILE_NOT_AVAILABLE, None
        if self.case.name in RACE_CASES and \
                path.strip("\\").lower() == RELEASE_NAME:
            self.srv.log(f"{self.peer} {RELEASE_NAME} looked up")
            self.srv.released.set()
        ctxs = self.create_contexts(body, req)
        guid = None
        if self.case.name in ("split-replay", "create-replay",
                              "dir-replay") and b"DH2Q" in ctxs:
            guid = self.ctx_data(body, req, b"DH2Q")[16:32]
            done = self.srv.replays.get(guid)
            if h.flags & FLAG_REPLAY and done is not None:
                h.fid = done[0]
                self.srv.log(f"{self.peer} CREATE of {path} replayed: "
                             f"FileId {h.fid} again")
                return done[1]
        # A reclaim: no open outlives its session here (MS-SMB2 3.3.5.9.12),
        # but a persistent one.
        if b"DH2C" in ctxs:
            return self.reclaim(h, self.ctx_data(body, req, b"DH2C"))
        node = self.srv.lookup(path)
        action = 1  # FILE_OPENED
        if node is None:
            if disp in (1, 4) or "\\" in path.strip("\\"):
                return p.STATUS_OBJECT_NAME_NOT_FOUND, None
            node = Node(path.strip("\\"), bool(options & 0x1))
            if self.case.name == "dir-id-reuse" and node.is_dir and \
                    self.srv.removed_dir:
                node.index = self.srv.removed_dir
                self.srv.log(f"{self.peer} {node.name} made with the "
                             "IndexNumber of the directory removed last")
            if self.case.name == "mkdir-root-id" and node.is_dir:
                node.index = self.srv.root.index
                self.srv.log(f"{self.peer} {node.name} made with the "
                             "root's IndexNumber")
            if self.case.name == "dir-stale-link" and node.name == "twin":
                # another client's hard link, made with the file and so
                # listed first
                self.srv.files["twin.2"] = node
            self.srv.files[node.name.lower()] = node
            action = 2  # FILE_CREATED
        elif disp == 2:
            return p.STATUS_OBJECT_NAME_COLLISION, None
        elif disp in (0, 4, 5) and not node.is_dir:
            node.data = bytearray()
            action = 3  # FILE_OVERWRITTEN
        if options & 0x1 and not node.is_dir:
            return p.STATUS_NOT_A_DIRECTORY, None
        if options & 0x40 and node.is_dir:
            return p.STATUS_FILE_IS_A_DIRECTORY, None
        if self.srv.stage == 1 and self.case.name == "reopen-drop":
            self.srv.creates += 1
            if self.srv.creates == 2:
                self.srv.stage = 2
                self.srv.log(f"{self.peer} CREATE dropped")
                raise ConnectionError("reopen-drop")
        if self.srv.stage == 1 and self.case.name.startswith("close-race"):
            self.srv.creates += 1
            if self.srv.creates == 2:
                self.srv.log(f"{self.peer} CREATE delayed")
                time.sleep(6)
        if self.case.name == "open-listing-race" and not self.srv.stage \
                and path.strip("\\").lower() == RACE_NAME and \
                self.lease_asked(body, req) is not None:
            self.race_change(node)
        o = Open(node, bool(options & 0x1000),
                 self.srv.reuse.pop(0) if self.srv.reuse else None)
        self.opens[o.fid] = o
        h.fid = o.fid
        if path.strip("\\").lower() == self.forged_name():
            self.srv.late_fid = o.fid
            self.srv.late_tid, self.srv.late_sid = h.tid, h.sid
            late = " 12 s late" if self.case.name == "create-late" else ""
            self.srv.log(f"{self.peer} CREATE of {self.forged_name()} "
                         f"answered{late}: FileId {o.fid}")
        block = self.attrs_block(node)
        if self.case.name == "create-dir" and action == 2:
            node.is_dir = not node.is_dir
            if not node.is_dir:
                block = self.attrs_block(node)
        level, ctx = 0, b""
        key = self.lease_asked(body, req) \
            if self.case.name.startswith(("seal-break", "ack-")) or \
            self.case.name in CACHING_CASES else None
        if key is not None:
            # MS-SMB2 2.2.14.2.10: RqLs v2, read and write caching, epoch 1
            # (a new lease's: the request's, 0, plus 1, as Samba counts);
            # close-late, unlock-silent, break-after-close, lock-pending,
            # the dir-stale cases but dir-stale-size, open-listing-race:
            # handle caching too;
            # no break (lease_key) for CACHING_CASES but the CREATE after
            # break-after-close's break at CLOSE
            level, state = OPLOCK_LEVEL_LEASE, LEASE_R | LEASE_W
            if self.case.name in ("close-late", "unlock-silent",
                                  "break-after-close", "lock-pending",
                                  "dir-stale-cached", "dir-stale-larger",
                                  "dir-stale-link", "open-listing-race",
                                  "truncate-race", "append-race",
                                  "lock-replay", "getlk-replay",
                                  "split-replay", "ca-break"):
                state |= LEASE_H
            o.lease = (key, state)
            if self.case.name not in CACHING_CASES:
                h.lease_key, h.lease_state = key, state
            elif self.case.name == "break-after-close" and \
                    self.srv.stage == 1:
                h.lease_key, h.lease_state = key, state
                self.srv.stage = 2
            ctx = self.lease_ctx(key, state)
        # The DH2Q response, MS-SMB2 2.2.14.2.12: Timeout 60 s, no flags.
        if b"DH2Q" in ctxs and self.case.name.startswith("dh2"):
            dlen = 4 if self.case.name == "dh2q-malformed" else 8
            ctx = struct.pack("<IHHHHI", 0, 16, 4, 0, 24, dlen) + \
                b"DH2Q" + bytes(4) + struct.pack("<II", 60000, 0)
        # lock-replay, split-replay, ca-break: the lease's context, then a
        # DH2Q response, 8-aligned
        if b"DH2Q" in ctxs and ctx and \
                self.case.name in ("lock-replay", "getlk-replay",
                                   "split-replay"):
            ctx = struct.pack("<I", 80) + ctx[4:] + bytes(4) + \
                struct.pack("<IHHHHI", 0, 16, 4, 0, 24, 8) + b"DH2Q" + \
                bytes(4) + struct.pack("<II", 60000, 0)
        elif b"DH2Q" in ctxs and self.case.name in CA_CASES:
            dh2q = self.persist(o, self.ctx_data(body, req, b"DH2Q"))
            ctx = struct.pack("<I", 80) + ctx[4:] + bytes(4) + dh2q \
                if ctx else dh2q
        ctx_off = p.HDR_SIZE + 88 if ctx else 0
        out = p.STATUS_SUCCESS, struct.pack("<HBBI", 89, level, 0,
                                            action) + block + \
            struct.pack("<IQQII", 0, o.fid, o.fid, ctx_off, len(ctx)) + ctx
        if guid is not None:
            self.srv.replays[guid] = (o.fid, out)
        return out

    def race_change(self, node):
        """open-listing-race: @node rewritten shorter, with a new mtime,
        as another client would before the open whose CREATE this is;
        the next QUERY_INFO of it is held (handle())."""
        old = len(node.data)
        node.data = bytearray(RACE_NEW)
        node.time = filetime(RACE_TIME)
        self.srv.stage = 1
        self.srv.log(f"{self.peer} {node.name} rewritten as by another "
                     f"client: {old} -> {len(node.data)} bytes, a new mtime")

    @staticmethod
    def create_contexts(body, req):
        """The names of a CREATE request's contexts, MS-SMB2 2.2.13.2."""
        names = set()
        off, length = struct.unpack_from("<II", body, 48)
        end = off + length
        while length and off + 16 <= min(end, len(req)):
            nxt, noff, nlen = struct.unpack_from("<IHH", req, off)
            names.add(bytes(req[off + noff:off + noff + nlen]))
            if not nxt:
                break
            off += nxt
        return names

    @staticmethod
    def ctx_data(body, req, name):
        """The data of a CREATE request's context @name, or None."""
        off, length = struct.unpack_from("<II", body, 48)
        while length:
            nxt, noff, nlen, _, doff, dlen = struct.unpack_from("<IHHHHI",
                                                                req, off)
            if req[off + noff:off + noff + nlen] == name:
                return req[off + doff:off + doff + dlen]
            if not nxt:
                break
            off += nxt
        return None

    @staticmethod
    def lease_ctx(key, state):
        """The lease context of a CREATE answer, MS-SMB2 2.2.14.2.10: RqLs
        v2 of @key, @state, epoch 1 (a new lease's: the request's, 0, plus
        1, as Samba counts)."""
        return struct.pack("<IHHHHI4s4x", 0, 16, 4, 0, 24, 52, b"RqLs") + \
            struct.pack("<16sIIQ16sHH", key, state, 0, 0, bytes(16), 1, 0)

    def lease_asked(self, body, req):
        """The key of the RqLs context of a CREATE request, or None."""
        data = self.ctx_data(body, req, b"RqLs")
        return data[:16] if data is not None and len(data) >= 32 else None

    def persist(self, o, dh2q):
        """ca-restart: the DH2Q response to @dh2q, persistent if asked."""
        _, flags, _, guid = struct.unpack("<IIQ16s", dh2q)
        flags &= DHANDLE_FLAG_PERSISTENT
        if flags:
            self.srv.persistent[guid] = o
            self.srv.log(f"{self.peer} CREATE {o.node.name} fid={o.fid} "
                         "-> persistent")
        return struct.pack("<IHHHHI", 0, 16, 4, 0, 24, 8) + b"DH2Q" + \
            bytes(4) + struct.pack("<II", 60000, flags)

    def reclaim(self, h, dh2c):
        """DH2C (MS-SMB2 3.3.5.9.12): only a persistent open is kept."""
        fid, _, guid, flags = struct.unpack("<QQ16sI", dh2c)
        o = self.srv.persistent.get(guid)
        if o is None or o.fid != fid or \
                not flags & DHANDLE_FLAG_PERSISTENT:
            self.srv.log(f"{self.peer} DH2C fid={fid} -> not found")
            return p.STATUS_OBJECT_NAME_NOT_FOUND, None
        self.opens[o.fid] = o
        h.fid = o.fid
        self.srv.log(f"{self.peer} DH2C {o.node.name} fid={fid} -> reclaimed")
        level, ctx = 0, b""
        if o.lease is not None:
            # ca-break: the lease again, broken once this answer is out
            level, ctx = OPLOCK_LEVEL_LEASE, self.lease_ctx(*o.lease)
            h.lease_key, h.lease_state = o.lease
        return p.STATUS_SUCCESS, struct.pack("<HBBI", 89, level, 0, 1) + \
            self.attrs_block(o.node) + \
            struct.pack("<IQQII", 0, o.fid, o.fid,
                        p.HDR_SIZE + 88 if ctx else 0, len(ctx)) + ctx

    # CLOSE, MS-SMB2 3.3.5.10
    def do_close(self, h, body, req, last_fid):
        flags = struct.unpack_from("<H", body, 2)[0]
        o = self.get_open(h, body, 8, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        if self.forged_name() and \
                o.fid == getattr(self.srv, "late_fid", None) and \
                (h.tid != self.srv.late_tid or h.sid != self.srv.late_sid or
                 not self.signed_by(h, req)):
            self.srv.log(f"{self.peer} CLOSE refused: TreeId {h.tid}, "
                         f"SessionId {h.sid:#x}, signed "
                         f"{self.signed_by(h, req)}")
            return p.STATUS_ACCESS_DENIED, None
        del self.opens[o.fid]
        if self.case.name == "break-after-close" and o.lease and \
                not self.srv.stage:
            # Another client's open, handled before this CLOSE, broke the
            # lease (MS-SMB2 3.3.4.7): the break goes out first.
            self.srv.stage = 1
            self.lease_break(*o.lease, 0, " at CLOSE")
        if self.case.name.startswith("close-race"):
            self.srv.log(f"{self.peer} CLOSE of {o.node.name}")
        if o.fid == getattr(self.srv, "split_fid", None):
            self.srv.log(f"{self.peer} CLOSE of the split compound's handle")
        if self.case.name == "lock-pending" and \
                o.fid == getattr(self.srv, "lock_fid", None):
            self.srv.log(f"{self.peer} CLOSE of the pending LOCK's handle")
        if self.forged_name() and \
                o.fid == getattr(self.srv, "late_fid", None):
            kind = self.case.name.split("-")[1]
            self.srv.log(f"{self.peer} CLOSE of the {kind} CREATE's handle")
        if o.delete_on_close and o.node is not self.srv.root:
            self.srv.files.pop(o.node.name.lower(), None)
            if o.node.is_dir:
                self.srv.removed_dir = o.node.index
        block = self.attrs_block(o.node) if flags & 1 else bytes(52)
        return p.STATUS_SUCCESS, struct.pack("<HHI", 60, flags, 0) + block

    # LOCK, MS-SMB2 3.3.5.14: granted, or as the case says
    def do_lock(self, h, body, req, last_fid):
        o = self.get_open(h, body, 8, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        if self.case.name in ("lock-replay", "getlk-replay"):
            return self.lock_replay(h, o, body)
        if h.hit and self.case.name == "cancelled-unasked":
            return STATUS_CANCELLED, None
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    def lock_replay(self, h, o, body):
        """lock-replay, getlk-replay: one range of a LOCK on @o, its lock sequence
        checked first (MS-SMB2 3.3.5.14); the first lock applied is
        left unanswered, its connection dropped."""
        seq, = struct.unpack_from("<I", body, 4)
        idx, num = seq >> 4, seq & 0xF
        off, length, flags = struct.unpack_from("<QQI", body, 24)
        what = f"LOCK of {length} at {off}, bucket {idx} number {num}"
        if 1 <= idx <= 64 and o.lock_seq.get(idx) == num:
            self.srv.log(f"{self.peer} {what}: done already, not again")
            return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)
        o.lock_seq.pop(idx, None)
        if flags & LOCKFLAG_UNLOCK:
            mine = [lk for lk in o.locks if lk[:2] == (off, length)]
            if not mine:
                return STATUS_RANGE_NOT_LOCKED, None
            o.locks.remove(mine[0])
        else:
            excl = bool(flags & LOCKFLAG_EXCLUSIVE)
            for lo, ll, lx in o.locks:
                if (lx or excl) and lo < off + length and off < lo + ll:
                    self.srv.log(f"{self.peer} {what}: over a lock of "
                                 "its own open, refused")
                    return STATUS_LOCK_NOT_GRANTED, None
            o.locks.append((off, length, excl))
            if not self.srv.dropped:
                self.srv.dropped = True
                self.srv.log(f"{self.peer} {what}: applied, its connection "
                             "dropped unanswered")
                h.unanswered = True
        if 1 <= idx <= 64:
            o.lock_seq[idx] = num
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    # Lease Break Acknowledgment, MS-SMB2 3.3.5.22.2: the response repeats it
    def do_oplock_break(self, h, body, req, _):
        _, _, _, key, state = struct.unpack_from("<HHI16sI", body)
        self.srv.log(f"{self.peer} lease break acknowledged, state {state}")
        return p.STATUS_SUCCESS, struct.pack("<HHI16sIQ", 36, 0, 0, key,
                                             state, 0)

    def do_flush(self, h, body, req, last_fid):
        if self.get_open(h, body, 8, last_fid) is None:
            return p.STATUS_FILE_CLOSED, None
        return p.STATUS_SUCCESS, struct.pack("<HH", 4, 0)

    # READ, MS-SMB2 3.3.5.12
    def do_read(self, h, body, req, last_fid):
        padding, _, length, offset = struct.unpack_from("<BBIQ", body, 2)
        o = self.get_open(h, body, 16, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        if o.node.is_dir:
            return p.STATUS_INVALID_DEVICE_REQUEST, None
        if self.too_large("READ", length):
            return p.STATUS_INVALID_PARAMETER, None
        data = bytes(o.node.data[offset:offset + length])
        data_off = 0x50
        if h.hit and self.case.name in ("read-extra", "read-extra-padded"):
            data += b"X" * 4096
            if self.case.name == "read-extra-padded":
                data_off = 0x70
        elif not data:
            return p.STATUS_END_OF_FILE, None
        elif h.hit and self.case.name == "read-cut":
            data = data[:max(len(data) // 2, 1)]
        elif h.hit and self.case.name == "read-dribble":
            data = data[:1]
        out = struct.pack("<HBBIII", 17, data_off, 0, len(data), 0, 0)
        out += bytes(data_off - p.HDR_SIZE - len(out))
        return p.STATUS_SUCCESS, out + data

    # WRITE, MS-SMB2 3.3.5.13
    def do_write(self, h, body, req, last_fid):
        data_off, length, offset = struct.unpack_from("<HIQ", body, 2)
        o = self.get_open(h, body, 16, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        if h.hit and self.case.name == "write-full":
            return STATUS_DISK_FULL, None
        if self.too_large("WRITE", length):
            return p.STATUS_INVALID_PARAMETER, None
        if (h.hit and self.case.name == "write-gap" and
                offset <= WRITE_GAP_AT < offset + length):
            return STATUS_DISK_FULL, None
        data = req[data_off:data_off + length]
        if h.hit and self.case.name == "write-cut":
            data = data[:max(len(data) // 2, 1)]
        elif h.hit and self.case.name == "write-none":
            data = b""
        node = o.node
        if len(node.data) < offset:
            node.data += bytes(offset - len(node.data))
        node.data[offset:offset + len(data)] = data
        return p.STATUS_SUCCESS, struct.pack("<HHIIHH", 17, 0, len(data), 0,
                                             0, 0)

    # QUERY_DIRECTORY, MS-SMB2 3.3.5.18, MS-FSCC 2.4
    def max_transact(self):
        """MaxTransactSize: trans-16k's, or MAX_IO."""
        return TRANS_16K if self.case.name == "trans-16k" else MAX_IO

    def do_query_directory(self, h, body, req, last_fid):
        cls, flags = body[2], body[3]
        # MS-SMB2 3.3.5.18: no more than MaxTransactSize
        out_len, = struct.unpack_from("<I", body, 28)
        if out_len > self.max_transact():
            self.srv.log(f"{self.peer} QUERY_DIRECTORY for {out_len} bytes "
                         "refused")
            return p.STATUS_INVALID_PARAMETER, None
        o = self.get_open(h, body, 8, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        if not o.node.is_dir:
            return p.STATUS_INVALID_PARAMETER, None
        if self.case.name == "open-listing-race" and self.srv.race_held:
            self.srv.log(f"{self.peer} QUERY_DIRECTORY answered while the "
                         f"QUERY_INFO of {RACE_NAME} is held")
        if h.hit and self.case.name == "dir-empty":
            return p.STATUS_SUCCESS, struct.pack("<HHIB", 9, p.HDR_SIZE + 8,
                                                 0, 0)
        maxlen = struct.unpack_from("<I", body, 28)[0]
        if flags & 0x11:
            o.dir_done = False
            o.dir_pos = 0
        if o.dir_done:
            return p.STATUS_NO_MORE_FILES, None
        endless = h.hit and self.case.name in ("dir-dots", "dir-badnames")
        entries = [(".", self.srv.root), ("..", self.srv.root)]
        if self.case.name == "dir-badnames" and h.hit:
            entries = [(f"bad/{i}", self.srv.root) for i in range(1000)]
        elif not endless:
            # A hard link by its own name (lowercase, as link() keeps it)
            entries += [(n.name if k == n.name.lower() else k, n)
                        for k, n in self.srv.files.items()]
        if h.hit and self.case.name == "dir-loop":
            entries.append(("loop", o.node))
        out = bytearray()
        last = None
        pos = 0 if endless else o.dir_pos
        for name, node in entries[pos:]:
            e = self.dir_entry(cls, name, node)
            if e is None:
                return p.STATUS_INVALID_INFO_CLASS, None
            e += bytes(-len(e) % 8)
            if len(out) + len(e) > maxlen:
                break
            if last is not None:
                struct.pack_into("<I", out, last, len(out) - last)
            last = len(out)
            out += e
            pos += 1
            if flags & 0x2:
                break
        o.dir_pos = pos
        o.dir_done = not endless and pos == len(entries)
        return p.STATUS_SUCCESS, struct.pack("<HHI", 9, p.HDR_SIZE + 8,
                                             len(out)) + bytes(out)

    def index(self, node):
        """The IndexNumber of @node: ino0 has the server give none."""
        return 0 if self.case.name == "ino0" else node.index

    def dir_entry(self, cls, name, node):
        n = p.utf16(name)
        t = node.time
        size = len(node.data)
        if self.case.name in ("dir-stale-size", "dir-stale-cached",
                              "dir-stale-link"):
            size = 0
        elif self.case.name == "dir-stale-larger":
            size = STALE_LARGER
        common = struct.pack("<IIQQQQQQI", 0, 0, t, t, t, t, size,
                             (size + 4095) & ~4095, node.attrs())
        if cls == 1:  # FileDirectoryInformation
            return common + struct.pack("<I", len(n)) + n
        if cls == 2:  # FileFullDirectoryInformation
            return common + struct.pack("<II", len(n), 0) + n
        if cls == 3:  # FileBothDirectoryInformation
            return common + struct.pack("<IIBB", len(n), 0, 0, 0) + \
                bytes(24) + n
        if cls == 0x25:  # FileIdBothDirectoryInformation
            return common + struct.pack("<IIBB", len(n), 0, 0, 0) + \
                bytes(24) + struct.pack("<HQ", 0, self.index(node)) + n
        if cls == 0x26:  # FileIdFullDirectoryInformation
            return common + struct.pack("<IIIQ", len(n), 0, 0,
                                        self.index(node)) + n
        if cls == 0x0C:  # FileNamesInformation
            return struct.pack("<III", 0, 0, len(n)) + n
        return None

    # QUERY_INFO, MS-SMB2 3.3.5.20, MS-FSCC 2.4 and 2.5
    def do_query_info(self, h, body, req, last_fid):
        info_type, cls, maxlen = struct.unpack_from("<BBI", body, 2)
        o = self.get_open(h, body, 24, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        out = self.file_info(cls, o.node) if info_type == 1 else \
            self.fs_info(cls) if info_type == 2 else None
        if out is None:
            return p.STATUS_INVALID_INFO_CLASS, None
        status = p.STATUS_SUCCESS
        if len(out) > maxlen:
            out, status = out[:maxlen], p.STATUS_BUFFER_OVERFLOW
        return status, struct.pack("<HHI", 9, p.HDR_SIZE + 8, len(out)) + out

    def file_info(self, cls, node):
        size = len(node.data)
        if self.case.name == "eof-huge" and not node.is_dir:
            size = (1 << 63) + 4096
        links, pending = 1, 0
        if self.case.name == "nlink0" and not node.is_dir:
            links = 0
        if self.case.name == "link-race" and self.srv.stage == 1 and \
                node.name == "hello.txt":
            links, pending = 0, 1
        if self.case.name == "nlink-max" and not node.is_dir:
            links = 0xFFFFFFFF
        standard = struct.pack("<QQIBBH", (len(node.data) + 4095) & ~4095,
                               size, links, pending, int(node.is_dir), 0)
        name = p.utf16("\\" + node.name)
        if cls == 4:
            return node.basic()
        if cls == 5:
            return standard
        if cls == 6:  # FileInternalInformation
            return struct.pack("<Q", self.index(node))
        if cls == 0x12:  # FileAllInformation
            return node.basic() + standard + struct.pack(
                "<QIIQII", self.index(node), 0, 0x001F01FF, 0, 0, 0) + \
                struct.pack("<I", len(name)) + name
        if cls == 0x22:  # FileNetworkOpenInformation
            t = node.time
            return struct.pack("<QQQQQQII", t, t, t, t,
                               (len(node.data) + 4095) & ~4095, size,
                               node.attrs(), 0)
        if cls == 0x23:  # FileAttributeTagInformation
            return struct.pack("<II", node.attrs(), 0)
        if cls == 0x16:  # FileStreamInformation
            if not node.is_dir:
                return b""
            n = p.utf16("::$DATA")
            return struct.pack("<IIQQ", 0, len(n), size, size) + n
        return None

    @staticmethod
    def fs_info(cls):
        if cls == 1:  # FileFsVolumeInformation
            label = p.utf16("hostile")
            return struct.pack("<QIIBB", filetime(1600000000), 0x5eed,
                               len(label), 0, 0) + label
        if cls == 3:  # FileFsSizeInformation
            return struct.pack("<QQII", 1 << 20, 1 << 19, 8, 512)
        if cls == 4:  # FileFsDeviceInformation
            return struct.pack("<II", 7, 0x20)
        if cls == 5:  # FileFsAttributeInformation
            n = p.utf16("NTFS")
            return struct.pack("<IiI", 0x0000008F, 255, len(n)) + n
        if cls == 7:  # FileFsFullSizeInformation
            return struct.pack("<QQQII", 1 << 20, 1 << 19, 1 << 19, 8, 512)
        if cls == 0x0B:  # FileFsSectorSizeInformation
            return struct.pack("<IIIIIIII", 512, 512, 512, 512, 0, 0, 0, 0)
        return None

    def do_set_info(self, h, body, req, last_fid):
        info_type, cls, length, off = struct.unpack_from("<BBIH", body, 2)
        o = self.get_open(h, body, 16, last_fid)
        if o is None:
            return p.STATUS_FILE_CLOSED, None
        data = req[off:off + length]
        if info_type != 1:
            return p.STATUS_NOT_SUPPORTED, None
        if cls == 20:  # FileEndOfFileInformation
            size = struct.unpack_from("<Q", data)[0]
            o.node.data = o.node.data[:size] + \
                bytes(max(0, size - len(o.node.data)))
        elif cls == 13:  # FileDispositionInformation
            o.delete_on_close = bool(data[0])
            if o.node.name in self.srv.closing:
                self.srv.log(f"{self.peer} delete of {o.node.name} while "
                             "its CLOSE is unanswered")
        elif cls == 10:  # FileRenameInformation, MS-FSCC 2.4.42.2
            return self.rename(o, data)
        elif cls == 11:  # FileLinkInformation, MS-FSCC 2.4.21.2
            return self.link(h, o, data)
        elif cls != 4:  # FileBasicInformation: times are not kept
            return p.STATUS_NOT_SUPPORTED, None
        elif self.case.name in RACE_CASES and not self.srv.stage and \
                o.node.name == TRUNC_NAME:
            self.srv.stage = 1
            self.srv.log(f"{self.peer} times of {TRUNC_NAME} set")
        return p.STATUS_SUCCESS, struct.pack("<H", 2)

    def new_name(self, data):
        """The name a FileRenameInformation or FileLinkInformation (MS-FSCC
        2.4.42.2, 2.4.21.2, one layout) gives, and the status: an error
        for a name this flat tree cannot take or that is taken."""
        replace, nlen = struct.unpack_from("<B15xI", data)
        name = data[20:20 + nlen].decode("utf-16-le").strip("\\")
        if "\\" in name:
            return p.STATUS_ACCESS_DENIED, name
        if name.lower() in self.srv.files and not replace:
            return p.STATUS_OBJECT_NAME_COLLISION, name
        return p.STATUS_SUCCESS, name

    def rename(self, o, data):
        """@o's file under another name."""
        status, name = self.new_name(data)
        old = o.node.name
        if o.node is self.srv.root:
            status = p.STATUS_ACCESS_DENIED
        if status != p.STATUS_SUCCESS:
            return status, None
        if old in self.srv.closing:
            self.srv.log(f"{self.peer} rename of {old} while its CLOSE is "
                         "unanswered")
        self.srv.files.pop(old.lower(), None)
        o.node.name = name
        self.srv.files[name.lower()] = o.node
        return p.STATUS_SUCCESS, struct.pack("<H", 2)

    def link(self, h, o, data):
        """A hard link to @o's file; link-restart restarts after it."""
        status, name = self.new_name(data)
        name = name.lower()
        if o.node.is_dir:
            status = p.STATUS_ACCESS_DENIED
        if status != p.STATUS_SUCCESS:
            return status, None
        self.srv.files[name] = o.node
        if h.hit and self.case.name == "link-restart":
            self.srv.log(f"{self.peer} linked {o.node.name} as {name}")
            self.restart()
        return p.STATUS_SUCCESS, struct.pack("<H", 2)

    # IOCTL, MS-SMB2 3.3.5.15
    def do_ioctl(self, h, body, req, _):
        code = struct.unpack_from("<I", body, 4)[0]
        in_off, in_len = struct.unpack_from("<II", body, 24)
        if code == 0x00140204:  # FSCTL_VALIDATE_NEGOTIATE_INFO
            caps = self.server_caps
            if self.case.name == "seal-vneg":
                caps ^= CAP_LEASING
                self.srv.log(f"{self.peer} VALIDATE_NEGOTIATE answered "
                             "with other capabilities")
            out = struct.pack("<I16sHH", caps, self.srv.guid,
                              self.server_secmode, self.dialect)
        elif code == FSCTL_QUERY_NETWORK_INTERFACE_INFO:
            if self.case.name == "iface-unreachable":
                if not self.srv.stage:
                    return p.STATUS_NOT_SUPPORTED, None
                if self.srv.stage == 1:
                    self.srv.stage = 2
                    self.srv.log(f"{self.peer} unreachable interfaces "
                                 "listed")
                    threading.Timer(2, self.drop_all).start()
            out = self.iface_list()
        else:
            return 0xC000019C, None  # STATUS_FS_DRIVER_REQUIRED
        return p.STATUS_SUCCESS, struct.pack(
            "<HHIQQIIIIII", 49, 0, code, 0xFFFFFFFFFFFFFFFF,
            0xFFFFFFFFFFFFFFFF, 0, 0, p.HDR_SIZE + 48, len(out), 0, 0) + out

    def iface_list(self):
        addrs = list(self.srv.args.iface) or [self.srv.addr]
        if self.case.name == "iface-loopback":
            addrs = ["127.0.0.1", "0.0.0.0", "169.254.1.1", self.srv.addr]
        if self.case.name == "iface-unreachable":
            addrs = [self.srv.addr, *UNREACHABLE]
        if self.case.name == "iface-refused":
            addrs = [self.srv.addr, REFUSING]
        if self.case.name == "iface-many-refused":
            addrs = [f"127.0.0.{i + 1}" for i in range(8)] + \
                [f"169.254.1.{i + 1}" for i in range(11)] + \
                ["0.0.0.0", self.srv.addr]
        out = bytearray()
        for i, a in enumerate(addrs):
            e = struct.pack("<IIIIQ", 152 if i < len(addrs) - 1 else 0,
                            i + 1, 0, 0, 1000000000)
            e += struct.pack("<HH4s", 2, 0, socket.inet_aton(a)) + bytes(120)
            out += e
        if self.case.name == "iface-malformed":
            struct.pack_into("<I", out, 0, 100)
            if len(addrs) == 1:
                out = out + bytes(out)
        return bytes(out)




def listen(server):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(server.where)
    sock.listen(16)

    def accept():
        while True:
            conn, peer = sock.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c = Conn(server, conn, f"{peer[0]}:{peer[1]}")
            threading.Thread(target=c.run, daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=4450)
    ap.add_argument("--case", default="none",
                    help="NAME[/COMMAND[/N]] for --addr:--port")
    ap.add_argument("--serve", action="append", default=[],
                    metavar="CASE@ADDR:PORT",
                    help="another listener with its own case")
    ap.add_argument("--user", default="smbtest")
    ap.add_argument("--password", default="smbtest-Pa55")
    ap.add_argument("--share", default="share")
    ap.add_argument("--sign", choices=("gmac", "cmac"), default="gmac",
                    help="3.1.1 signing algorithm, if the client offers it")
    ap.add_argument("--multichannel", action="store_true",
                    help="offer SMB2_GLOBAL_CAP_MULTI_CHANNEL (the iface "
                    "cases always do)")
    ap.add_argument("--iface", action="append", default=[],
                    help="an IPv4 address for the interface list "
                    "(default: the listening one)")
    ap.add_argument("--timestamp", action="store_true",
                    help="send MsvAvTimestamp, so the client adds a MIC")
    ap.add_argument("--seed", type=int, default=1, help="for fuzz")
    ap.add_argument("--log", default="-", help="request log (default stdout)")
    ap.add_argument("--list-cases", action="store_true")
    args = ap.parse_args()
    if args.list_cases:
        for name, (cmd, nth, text) in CASES.items():
            where = f"{p.COMMANDS[cmd]}/{nth}" if cmd is not None else "-"
            print(f"{name:20} {where:18} {text}")
        return
    log = sys.stdout if args.log == "-" else open(args.log, "a", buffering=1)
    listeners = [(args.case, args.addr, args.port)] if not args.serve else []
    for spec in args.serve:
        case, _, where = spec.rpartition("@")
        addr, _, port = where.rpartition(":")
        listeners.append((case, addr, int(port)))
    for case, addr, port in listeners:
        listen(Server(args, Case(case, args.seed), (addr, port), log))
    log.write("ready\n")
    log.flush()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
