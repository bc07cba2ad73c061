#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Capture SMB traffic on an interface, then look at what went in clear.

The guest has no tcpdump; an AF_PACKET socket sees the same frames.

  smbcap.py capture IFACE FILE    until SIGTERM: every frame on IFACE,
                                  each as a 4-byte length and the bytes
  smbcap.py check FILE MARKER     the TCP streams to and from port 445,
                                  reassembled per connection and direction

check prints one line per connection, "C>S" or "S>C", then each SMB
message's kind in order: "T" for a transform message (0xFD 'SMB'), else
the command name of an SMB2 message (0xFE 'SMB'), with a "*" if it is
signed (SMB2_FLAGS_SIGNED) or a "~" if it is an interim response (async,
STATUS_PENDING: MS-SMB2 3.3.4.2 says a server should not sign one), and
then "MARKER" if MARKER appears anywhere
in that stream in clear. Frames are Ethernet with
IPv4, as on the test's veth links.
"""
import signal
import socket
import struct
import sys

ETH_P_ALL = 3
STATUS_PENDING = 0x00000103
COMMANDS = ["NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT",
            "TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE",
            "LOCK", "IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY",
            "CHANGE_NOTIFY", "QUERY_INFO", "SET_INFO", "OPLOCK_BREAK"]


def capture(iface, path):
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                         socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    sock.settimeout(0.2)
    with open(path, "wb") as out:
        # The caller waits for this file before it makes traffic.
        open(path + ".ready", "w").close()
        while not stop:
            try:
                frame = sock.recv(1 << 18)
            except socket.timeout:
                continue
            except InterruptedError:
                continue
            out.write(struct.pack("<I", len(frame)) + frame)


def tcp_segments(path):
    """(src, sport, dst, dport, flags, seq, payload) of each IPv4 TCP frame"""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        frame = data[pos + 4:pos + 4 + n]
        pos += 4 + n
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xf) * 4
        total = struct.unpack_from(">H", ip, 2)[0]
        if ip[9] != 6 or len(ip) < ihl + 20:
            continue
        # A GSO frame may say 0; else trust the IP length over padding.
        ip = ip[:total] if total else ip
        tcp = ip[ihl:]
        sport, dport, seq = struct.unpack_from(">HHI", tcp, 0)
        off = (tcp[12] >> 4) * 4
        yield (ip[12:16], sport, ip[16:20], dport, tcp[13], seq, tcp[off:])


def streams(path):
    """{(client port, direction): bytes} for connections to port 445"""
    isn = {}
    parts = {}
    for src, sport, dst, dport, flags, seq, payload in tcp_segments(path):
        if 445 not in (sport, dport):
            continue
        key = (dport, "S>C") if sport == 445 else (sport, "C>S")
        if flags & 0x02:  # SYN
            isn[key] = seq
        if payload:
            parts.setdefault(key, {})[seq] = payload
    out = {}
    for key, segs in parts.items():
        if key not in isn:
            continue  # the connection began before the capture
        base = (isn[key] + 1) & 0xffffffff
        buf = bytearray()
        for seq in sorted(segs, key=lambda s: (s - base) & 0xffffffff):
            off = (seq - base) & 0xffffffff
            seg = segs[seq]
            if off > len(buf):
                break  # a hole: what follows cannot be framed
            buf[off:off + len(seg)] = seg
        out[key] = bytes(buf)
    return out


def kinds(stream):
    """The kind of each Direct TCP message (MS-SMB2 2.1) of a stream"""
    pos = 0
    while pos + 4 <= len(stream):
        n = struct.unpack_from(">I", stream, pos)[0] & 0xffffff
        msg = stream[pos + 4:pos + 4 + n]
        pos += 4 + n
        if msg[:4] == b"\xfdSMB":
            yield "T"
        elif msg[:4] == b"\xfeSMB" and len(msg) >= 20:
            status, cmd, flags = struct.unpack_from("<IH2xI", msg, 8)
            name = COMMANDS[cmd] if cmd < len(COMMANDS) else hex(cmd)
            if flags & 0x8:
                name += "*"
            elif flags & 0x2 and status == STATUS_PENDING:
                name += "~"
            yield name
        else:
            yield "?"


def check(path, marker):
    for (port, way), stream in sorted(streams(path).items()):
        words = [way] + list(kinds(stream))
        if marker.encode() in stream:
            words.append("MARKER")
        print(port, " ".join(words))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "capture":
        capture(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
