"""Replays the requests of a recorded Cassandra 4.0 transcript through
cqlkit-node's engine (the cqlkit_node_replay tool) and compares each answer
with Cassandra's: result kinds, column metadata, row counts and values,
prepared metadata, schema changes, error codes and messages.

Usage: /usr/bin/python3 replay_transcript.py <replay-tool> <transcript.jsonl> [--strict]
           [--known FILE]
Prints one line per difference; exits 1 with --strict when any is found
that FILE does not list as known (lines "<transcript file name><TAB><the
difference as printed>"; # starts a comment).
Reads v4 and v5 transcripts, with or without LZ4 compression. Values that
must differ (host ids, schema versions, timestamps, tokens, timeuuids) are
not compared."""
import json
import struct
import subprocess
import sys

import lz4.block
from cassandra.protocol import ProtocolHandler, ResultMessage, ErrorMessage

VARIABLE_COLUMNS = {"host_id", "schema_version", "tokens", "gossip_generation", "id",
                    "truncated_at", "writetime(t)", "base_table_id"}


def envelopes(path):
    streams = {}
    order = []
    for line in open(path):
        o = json.loads(line)
        key = (o["conn"], o["dir"])
        if key not in streams:
            streams[key] = b""
        streams[key] += bytes.fromhex(o["hex"])
        order.append((o["t"], key))
    out = {}
    for key, buf in streams.items():
        pos, msgs = 0, []
        while pos + 9 <= len(buf):
            ver, flags, stream, op, ln = struct.unpack(">BBhBI", buf[pos:pos + 9])
            msgs.append((ver & 0x7F, flags, stream, op, buf[pos + 9:pos + 9 + ln]))
            pos += 9 + ln
        out[key] = msgs
    return out


class Stream:
    """Envelopes of one connection direction, fed chunk by chunk. With
    v5 the envelopes travel in segments once READY (s2c) or STARTUP (c2s)
    has passed. Compression (LZ4, as STARTUP asked for it in `conn`, a dict
    both directions of a connection share) is undone: v4 bodies with the
    compression flag, v5 segments with an uncompressed length."""

    def __init__(self, c2s, conn):
        self.c2s = c2s
        self.conn = conn
        self.raw = b""
        self.env = b""
        self.framed = False

    def segment(self):
        """Moves one whole segment's payload from raw to env; False if none."""
        lz4_on = self.conn.get("lz4", False)
        hlen = 8 if lz4_on else 6
        if len(self.raw) < hlen:
            return False
        bits = int.from_bytes(self.raw[:5 if lz4_on else 3], "little")
        plen = bits & 0x1FFFF
        if len(self.raw) < hlen + plen + 4:
            return False
        payload = self.raw[hlen:hlen + plen]
        ulen = (bits >> 17) & 0x1FFFF if lz4_on else 0
        if ulen:
            payload = lz4.block.decompress(payload, uncompressed_size=ulen)
        self.env += payload
        self.raw = self.raw[hlen + plen + 4:]
        return True

    def feed(self, data):
        self.raw += data
        out = []
        while True:
            if self.framed:
                if not self.segment():
                    break
            else:
                self.env += self.raw
                self.raw = b""
            while len(self.env) >= 9:
                ver, flags, stream, op, ln = struct.unpack(">BBhBI", self.env[:9])
                if len(self.env) < 9 + ln:
                    break
                body = self.env[9:9 + ln]
                self.env = self.env[9 + ln:]
                if (ver & 0x7F) < 5 and flags & 0x01 and ln >= 4:
                    body = lz4.block.decompress(body[4:], uncompressed_size=int.from_bytes(body[:4], "big"))
                    flags &= ~0x01
                if self.c2s and op == 1 and b"COMPRESSION" in body and b"lz4" in body:
                    self.conn["lz4"] = True
                out.append((ver & 0x7F, flags, stream, op, body))
                if (ver & 0x7F) >= 5 and not self.framed and \
                        ((self.c2s and op == 1) or (not self.c2s and op in (2, 3))):
                    self.framed = True
                    self.raw, self.env = self.env + self.raw, b""
                    break
            if not self.framed or not self.raw:
                break
        return out


def read_string(b, p, size=2):
    n = int.from_bytes(b[p:p + size], "big", signed=True)
    return b[p + size:p + size + max(n, 0)], p + size + max(n, 0)


def swap_paging_state(op, body, mapping, ver):
    """Replaces a Cassandra paging state in QUERY/EXECUTE params by ours."""
    if op == 7:
        _, p = read_string(body, 0, 4)
    elif op == 10:
        _, p = read_string(body, 0, 2)
        if ver >= 5:
            _, p = read_string(body, p, 2)  # result metadata id
    else:
        return body
    start = p
    p += 2  # consistency
    if ver >= 5:
        flags = struct.unpack(">I", body[p:p + 4])[0]
        p += 4
    else:
        flags = body[p]
        p += 1
    if flags & 0x01:
        n = struct.unpack(">H", body[p:p + 2])[0]
        p += 2
        for _ in range(n):
            if flags & 0x40:
                _, p = read_string(body, p, 2)
            _, p = read_string(body, p, 4)
    if flags & 0x04:
        p += 4
    if flags & 0x08:
        state, q = read_string(body, p, 4)
        ours = mapping.get(state)
        if ours is None:
            return body
        return body[:p] + struct.pack(">i", len(ours)) + ours + body[q:]
    return body


def decode(ver, flags, stream, op, body, result_metadata=None):
    return ProtocolHandler.decode_message(ver, {}, stream, flags, op, body, None, result_metadata)


def describe_cols(cols):
    return [(c[0], c[1], c[2], c[3].cql_parameterized_type()) for c in (cols or [])]


def compare(label, want, got, diffs):
    if type(want) is not type(got):
        diffs.append("%s: kind %s vs ours %s%s" % (label, type(want).__name__, type(got).__name__,
                     (" (" + got.summary_msg() + ")") if isinstance(got, ErrorMessage) else ""))
        return
    if isinstance(want, ErrorMessage):
        if want.code != got.code or want.message != got.message:
            diffs.append("%s: error 0x%x %r vs ours 0x%x %r" % (label, want.code, want.message,
                                                                got.code, got.message))
        return
    if want.kind != got.kind:
        diffs.append("%s: result kind %d vs ours %d" % (label, want.kind, got.kind))
        return
    if want.kind == 2:
        wc, gc = describe_cols(want.column_metadata), describe_cols(got.column_metadata)
        if wc != gc:
            diffs.append("%s: columns\n   %s\n   vs ours\n   %s" % (label, wc, gc))
            return
        wr, gr = want.parsed_rows or [], got.parsed_rows or []
        if len(wr) != len(gr):
            diffs.append("%s: %d rows vs ours %d" % (label, len(wr), len(gr)))
        names = [c[2] for c in (want.column_metadata or [])]
        for i, (a, b) in enumerate(zip(wr, gr)):
            for n, x, y in zip(names, a, b):
                if n in VARIABLE_COLUMNS or x == y:
                    continue
                diffs.append("%s: row %d %s = %r vs ours %r" % (label, i, n, x, y))
        if bool(want.paging_state) != bool(got.paging_state):
            diffs.append("%s: paging state present %s vs ours %s" % (label, bool(want.paging_state),
                                                                     bool(got.paging_state)))
    elif want.kind == 4:
        for attr in ("query_id", "result_metadata_id"):
            if getattr(want, attr) != getattr(got, attr):
                diffs.append("%s: %s %r vs ours %r" % (label, attr, getattr(want, attr), getattr(got, attr)))
        if describe_cols(want.bind_metadata) != describe_cols(got.bind_metadata):
            diffs.append("%s: bind metadata %s vs ours %s" % (label, describe_cols(want.bind_metadata),
                                                              describe_cols(got.bind_metadata)))
        if (want.pk_indexes or []) != (got.pk_indexes or []):
            diffs.append("%s: pk indexes %s vs ours %s" % (label, want.pk_indexes, got.pk_indexes))
        if describe_cols(want.column_metadata) != describe_cols(got.column_metadata):
            diffs.append("%s: result metadata %s vs ours %s" % (label, describe_cols(want.column_metadata),
                                                                describe_cols(got.column_metadata)))
    elif want.kind == 5:
        if want.schema_change_event != got.schema_change_event:
            diffs.append("%s: schema change %s vs ours %s" % (label, want.schema_change_event,
                                                              got.schema_change_event))
    elif want.kind == 3:
        if want.new_keyspace != got.new_keyspace:
            diffs.append("%s: keyspace %s vs ours %s" % (label, want.new_keyspace, got.new_keyspace))


def main():
    tool, path = sys.argv[1], sys.argv[2]
    strict = "--strict" in sys.argv
    # Requests and responses in arrival order.
    parsers = {}
    conns = {}
    requests = []
    responses = {}
    for line in open(path):
        o = json.loads(line)
        key = (o["conn"], o["dir"])
        if key not in parsers:
            parsers[key] = Stream(o["dir"] == "c2s", conns.setdefault(o["conn"], {}))
        for m in parsers[key].feed(bytes.fromhex(o["hex"])):
            if o["dir"] == "c2s":
                requests.append((o["conn"],) + m)
            else:
                responses.setdefault((o["conn"], m[2]), []).append(m)
    proc = subprocess.Popen([tool], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    paging_map = {}
    prepared_meta = {}
    diffs = []
    count = 0
    for conn, ver, flags, stream, op, body in requests:
        if op not in (7, 9, 10, 13):
            continue
        want_list = responses.get((conn, stream), [])
        if not want_list:
            continue
        want_raw = want_list.pop(0)
        while want_raw[3] not in (0, 8) and want_list:
            want_raw = want_list.pop(0)
        body2 = swap_paging_state(op, body, paging_map, ver)
        proc.stdin.write(("%d %d %d %d %s\n" % (conn, ver, op, stream, body2.hex())).encode())
        proc.stdin.flush()
        line = proc.stdout.readline().decode().strip()
        count += 1
        label = "#%d %s" % (count, (body[4:4 + struct.unpack(">I", body[:4])[0]].decode(errors="replace")[:90]
                                     if op in (7, 9) else {10: "EXECUTE", 13: "BATCH"}[op]))
        if not line or line.startswith(("DECODE", "ENCODE")):
            diffs.append("%s: engine said %s" % (label, line))
            continue
        raw = bytes.fromhex(line)
        gv, gflags, gstream, gop, glen = struct.unpack(">BBhBI", raw[:9])
        rmeta = None
        if op == 10:
            qid, _ = read_string(body, 0, 2)
            rmeta = prepared_meta.get(qid)
        got = decode(gv & 0x7F, gflags, gstream, gop, raw[9:], rmeta)
        want = decode(*want_raw, rmeta)
        if isinstance(want, ResultMessage) and want.kind == 4:
            prepared_meta[want.query_id] = want.column_metadata
        if isinstance(want, ResultMessage) and isinstance(got, ResultMessage) and want.kind == 2 \
                and want.paging_state and got.paging_state:
            paging_map[want.paging_state] = got.paging_state
        compare(label, want, got, diffs)
    proc.stdin.close()
    proc.wait()
    known = set()
    if "--known" in sys.argv:
        name = path.rsplit("/", 1)[-1]
        for line in open(sys.argv[sys.argv.index("--known") + 1]):
            if line.strip() and not line.startswith("#") and "\t" in line:
                f, d = line.rstrip("\n").split("\t", 1)
                if f == name:
                    known.add(d)
    unknown = 0
    for d in diffs:
        print(("known: " if d in known else "") + d)
        unknown += d not in known
    print("%d requests replayed, %d differences, %d of them unexplained" % (count, len(diffs), unknown))
    sys.exit(1 if strict and unknown else 0)


main()
