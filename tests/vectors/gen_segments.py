#!/usr/bin/python3
"""Writes segments.tsv: framing vectors for cqlkit's envelope and segment code.

Oracle: the DataStax Python driver (Debian python3-cassandra 3.25) and its LZ4
glue (python3-lz4). Envelopes are real driver messages
(cassandra.protocol.ProtocolHandler.encode_message), segments come from
cassandra.segment.SegmentCodec (plain, and the driver's LZ4 codec
cassandra.connection.segment_codec_lz4), v4 compressed bodies from
cassandra.connection.lz4_compress. Run with /usr/bin/python3 from anywhere;
the output is deterministic (run it twice and diff). It also writes the seed
corpora of tests/fuzz/fuzz_segment.c and fuzz_reader.c (tests/fuzz/corpus/
segment and reader) from these vectors and the recorded transcripts.

Byte fields are *recipes* so that 128 KiB payloads need not be stored as hex.
A recipe is one or more parts joined by '+', expanded left to right:
  hex:<hex digits>          the bytes themselves (may be empty: "hex:")
  repeat:<hex byte>:<count> <count> copies of one byte
  pattern:<seed>:<start>:<count>
                            bytes start..start+count-1 of the pattern stream
                            for <seed> (decimal), where byte i is
                              x = (i * 0x9E3779B1 mod 2^32) xor
                                  (seed * 0x85EBCA77 mod 2^32)
                              x ^= x >> 15; x = x * 0x85EBCA77 mod 2^32
                              x ^= x >> 13; byte = x >> 24
                            (incompressible, and any piece of it can be
                            named without the bytes before it)

Lines (tab-separated; '#' lines are comments):
  segment <name> <lz4 0|1> <self-contained 0|1> <envelopes> <payload> <segment>
      SegmentCodec._encode_segment(payload): one segment. <envelopes> is how
      many whole envelopes the payload holds, or -1 when it is not a run of
      whole envelopes (raw bytes, or a piece of a split envelope).
  frame <name> <lz4 0|1> <envelopes> <input> <segments>
      What cqlkit's cql_segment_frame must produce for <input> (a run of
      <envelopes> whole envelopes): the driver's SegmentCodec.encode of each
      group of envelopes, grouped as Cassandra packs them (whole envelopes in
      order while they fit in 131071 bytes; an envelope larger than that is
      sent alone, cut by the driver into 131071-byte non-self-contained
      pieces).
  header <name> <version> <flags> <stream> <opcode> <length> <hex>
      A 9-byte envelope header (version byte as sent, decimal fields).
  v4body <name> <body> <compressed>
      cassandra.connection.lz4_compress(body): v4 body compression.
"""

import io
import json
import os
import struct
import sys

from cassandra.connection import lz4_compress, lz4_decompress, segment_codec_lz4
from cassandra.marshal import v3_header_pack
from cassandra.protocol import (ExecuteMessage, OptionsMessage, PrepareMessage, ProtocolHandler,
                                QueryMessage, StartupMessage)
from cassandra.segment import Segment, SegmentCodec

MAX = Segment.MAX_PAYLOAD_LENGTH
PLAIN = SegmentCodec()
LZ4 = segment_codec_lz4
M32 = 0xFFFFFFFF


# ---- recipes ---------------------------------------------------------------

def pattern_bytes(seed, start, count):
    out = bytearray(count)
    for k in range(count):
        x = (((start + k) * 0x9E3779B1) ^ (seed * 0x85EBCA77)) & M32
        x ^= x >> 15
        x = (x * 0x85EBCA77) & M32
        x ^= x >> 13
        out[k] = x >> 24
    return bytes(out)


def expand(recipe):
    out = bytearray()
    for part in recipe.split('+'):
        kind, _, rest = part.partition(':')
        if kind == 'hex':
            out += bytes.fromhex(rest)
        elif kind == 'repeat':
            byte, count = rest.split(':')
            out += bytes([int(byte, 16)]) * int(count)
        elif kind == 'pattern':
            seed, start, count = (int(v) for v in rest.split(':'))
            out += pattern_bytes(seed, start, count)
        else:
            raise ValueError(part)
    return bytes(out)


class Recipes:
    """Writes bytes as recipes, naming long runs and pieces of the pattern
    streams it was told about; everything else is hex."""

    MIN_RUN = 32

    def __init__(self):
        self.windows = {}
        self.streams = {}

    def know_pattern(self, seed, count):
        if len(self.streams.get(seed, b'')) >= count:
            return
        data = pattern_bytes(seed, 0, count)
        self.streams[seed] = data
        for i in range(count - 7):
            self.windows.setdefault(data[i:i + 8], (seed, i))

    def _pattern_at(self, data, pos):
        hit = self.windows.get(data[pos:pos + 8])
        if not hit:
            return None
        seed, start = hit
        stream = self.streams[seed]
        n = 0
        while pos + n < len(data) and start + n < len(stream) and data[pos + n] == stream[start + n]:
            n += 1
        return (seed, start, n) if n >= self.MIN_RUN else None

    def write(self, data):
        parts, lit, pos = [], bytearray(), 0

        def flush():
            if lit:
                parts.append('hex:' + lit.hex())
                lit.clear()

        while pos < len(data):
            run = pos
            while run < len(data) and data[run] == data[pos]:
                run += 1
            if run - pos >= self.MIN_RUN:
                flush()
                parts.append('repeat:%02x:%d' % (data[pos], run - pos))
                pos = run
                continue
            hit = self._pattern_at(data, pos)
            if hit:
                flush()
                parts.append('pattern:%d:%d:%d' % hit)
                pos += hit[2]
                continue
            lit.append(data[pos])
            pos += 1
        flush()
        recipe = '+'.join(parts) if parts else 'hex:'
        assert expand(recipe) == data, 'recipe does not reproduce its bytes'
        return recipe


RECIPES = Recipes()


# ---- realistic envelopes -------------------------------------------------------

def envelope(msg, stream, version=5):
    return ProtocolHandler.encode_message(msg, stream, version, None, False)


def options(stream):
    return envelope(OptionsMessage(), stream)


def query(text, stream, version=5):
    return envelope(QueryMessage(text, 1), stream, version)


def query_of_size(size, stream, fill='a'):
    """A QUERY envelope of exactly `size` bytes: a string literal padded out."""
    base = len(query("SELECT * FROM ks.t WHERE k = ''", stream))
    text = "SELECT * FROM ks.t WHERE k = '" + fill * (size - base) + "'"
    env = query(text, stream)
    assert len(env) == size
    return env


def execute_blob(blob, stream, version=5):
    """An EXECUTE of a prepared INSERT binding one blob value."""
    msg = ExecuteMessage(b'\x5a' * 16, [b'key', blob], 1, result_metadata_id=b'\x3c' * 16)
    return envelope(msg, stream, version)


def execute_of_size(size, stream, seed):
    """An EXECUTE envelope of exactly `size` bytes whose blob is pattern bytes."""
    base = len(execute_blob(b'', stream))
    RECIPES.know_pattern(seed, size - base)
    env = execute_blob(pattern_bytes(seed, 0, size - base), stream)
    assert len(env) == size
    return env


def schema_queries(n, first_stream):
    tables = ['local', 'peers', 'peers_v2', 'keyspaces', 'tables', 'columns', 'types',
              'functions', 'aggregates', 'triggers', 'indexes', 'views']
    out = []
    for i in range(n):
        t = tables[i % len(tables)]
        ks = 'system' if i < 3 else 'system_schema'
        out.append(query('SELECT * FROM %s.%s' % (ks, t), first_stream + i))
    return out


# ---- line writers ------------------------------------------------------------

LINES = []


def count_envelopes(data):
    n, pos = 0, 0
    while pos < len(data):
        if len(data) - pos < 9:
            return -1
        length = struct.unpack('>i', data[pos + 5:pos + 9])[0]
        if length < 0 or len(data) - pos - 9 < length:
            return -1
        pos += 9 + length
        n += 1
    return n


def segment(name, codec, payload, self_contained=True):
    buf = io.BytesIO()
    codec._encode_segment(buf, payload, self_contained)
    out = buf.getvalue()
    check_decodes(codec, out, [payload])
    LINES.append(['segment', name, '1' if codec is LZ4 else '0', '1' if self_contained else '0',
                  str(count_envelopes(payload)), RECIPES.write(payload), RECIPES.write(out)])


def pack(envelopes):
    """Groups envelopes the way Cassandra fills self-contained frames."""
    groups, cur = [], b''
    for env in envelopes:
        if len(env) > MAX:
            if cur:
                groups.append(cur)
                cur = b''
            groups.append(env)
        elif len(cur) + len(env) > MAX:
            groups.append(cur)
            cur = env
        else:
            cur += env
    if cur:
        groups.append(cur)
    return groups


def frame(name, codec, envelopes):
    buf = io.BytesIO()
    for group in pack(envelopes):
        codec.encode(buf, group)
    out = buf.getvalue()
    data = b''.join(envelopes)
    check_decodes(codec, out, None, data)
    LINES.append(['frame', name, '1' if codec is LZ4 else '0', str(len(envelopes)),
                  RECIPES.write(data), RECIPES.write(out)])


def check_decodes(codec, wire, payloads, joined=None):
    """The driver's own decoder reads the bytes back."""
    buf = io.BytesIO(wire)
    got = []
    while buf.tell() < len(wire):
        seg = codec.decode(buf, codec.decode_header(buf))
        got.append(seg.payload)
    if payloads is not None:
        assert got == payloads
    if joined is not None:
        assert b''.join(got) == joined


def header(name, version, flags, stream, opcode, length):
    hdr = v3_header_pack(version, flags, stream, opcode) + struct.pack('>i', length)
    LINES.append(['header', name, str(version), str(flags), str(stream), str(opcode), str(length),
                  hdr.hex()])


def v4body(name, body):
    out = lz4_compress(body)
    assert lz4_decompress(out) == body
    LINES.append(['v4body', name, RECIPES.write(body), RECIPES.write(out)])


# ---- the cases ---------------------------------------------------------------

def segment_cases():
    big_text = query_of_size(MAX, 1)
    big_random = execute_of_size(MAX, 2, seed=7)
    three = options(0) + query('SELECT release_version FROM system.local', 1) + \
        execute_blob(b'\x01\x02\x03\x04', 2)
    eight = b''.join(schema_queries(8, 10))
    half = execute_blob(pattern_bytes(11, 0, 3000) + b'\x00' * 3000, 5)
    RECIPES.know_pattern(11, 3000)
    random_2000 = execute_of_size(2000, 4, seed=3)
    piece = query_of_size(200000, 9, fill='x')[:1000]
    for prefix, codec in (('plain', PLAIN), ('lz4', LZ4)):
        segment(prefix + '_empty', codec, b'')
        segment(prefix + '_one_byte', codec, b'\x07')
        segment(prefix + '_options', codec, options(0))
        segment(prefix + '_query_100', codec, query_of_size(100, 3))
        segment(prefix + '_query', codec, query('SELECT peer, data_center, rack, tokens '
                                               'FROM system.peers', 42))
        segment(prefix + '_three_envelopes', codec, three)
        segment(prefix + '_eight_envelopes', codec, eight)
        segment(prefix + '_max_text', codec, big_text)
        segment(prefix + '_max_random', codec, big_random)
        segment(prefix + '_random_2000', codec, random_2000)
        segment(prefix + '_half_random', codec, half)
        segment(prefix + '_piece', codec, piece, self_contained=False)


def frame_cases():
    small = schema_queries(5, 100)
    huge_text = query_of_size(200000, 7)
    huge_random = execute_of_size(150000, 8, seed=21)
    sixty = [query_of_size(60000, 20 + i, fill='bcd'[i]) for i in range(3)]
    for prefix, codec in (('plain', PLAIN), ('lz4', LZ4)):
        frame(prefix + '_single', codec, [options(1)])
        frame(prefix + '_packed', codec, small)
        frame(prefix + '_exact_max', codec, [query_of_size(MAX, 3)])
        frame(prefix + '_max_plus_one', codec, [query_of_size(MAX + 1, 4)])
        frame(prefix + '_huge_text', codec, [huge_text])
        frame(prefix + '_huge_random', codec, [huge_random])
        frame(prefix + '_pack_overflow', codec, sixty)
        frame(prefix + '_mixed', codec, [small[0], huge_text, small[1], small[2]])


def header_cases():
    header('v4_options_request', 0x04, 0, 0, 0x05, 0)
    header('v4_query_request', 0x04, 0, 0x1234, 0x07, 58)
    header('v4_compressed_request', 0x04, 0x01, 3, 0x07, 21)
    header('v4_result_response', 0x84, 0, 7, 0x08, 1055)
    header('v4_event', 0x84, 0, -1, 0x0C, 39)
    header('v4_all_flags', 0x84, 0x1F, 32767, 0x08, 4)
    header('v4_min_stream', 0x04, 0x02, -32768, 0x0A, 100)
    header('v4_max_length', 0x84, 0, 1, 0x08, 0x7FFFFFFF)
    header('v5_ready', 0x85, 0, 0, 0x02, 0)
    header('v3_request', 0x03, 0, 1, 0x01, 22)


def v4body_cases():
    def body(env):
        return env[9:]
    v4body('empty', b'')
    v4body('one_byte', b'\x00')
    v4body('startup', body(envelope(StartupMessage('3.0.0', {'COMPRESSION': 'lz4'}), 0, 4)))
    v4body('query', body(query('SELECT * FROM system.local WHERE key=\'local\'', 1, 4)))
    v4body('prepare', body(envelope(PrepareMessage('INSERT INTO ks.t (k, v) VALUES (?, ?)'), 2, 4)))
    RECIPES.know_pattern(5, 1000)
    v4body('random_1000', body(execute_blob(pattern_bytes(5, 0, 1000), 3, 4)))
    v4body('text_200000', body(query("SELECT '" + 'y' * 200000 + "'", 4, 4)))


# ---- fuzz seed corpora ---------------------------------------------------------

def transcript_stream(path, conn, direction, limit):
    """The first `limit` bytes one side sent on a recorded connection."""
    out = b''
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if o['conn'] == conn and o['dir'] == direction:
                out += bytes.fromhex(o['hex'])
    return out[:limit]


def chunked(opts, data):
    """fuzz_reader's input: an option byte, then (length - 1, bytes) chunks
    of a few different sizes."""
    out, pos, sizes = bytearray([opts]), 0, [1, 7, 64, 256, 200, 3]
    i = 0
    while pos < len(data):
        n = min(sizes[i % len(sizes)], len(data) - pos)
        out += bytes([n - 1]) + data[pos:pos + n]
        pos += n
        i += 1
    return bytes(out)


def write_corpora(root):
    """Seeds for tests/fuzz: real segments for fuzz_segment, real streams
    (vectors and the Cassandra transcripts) for fuzz_reader."""
    seg_dir = os.path.join(root, 'tests', 'fuzz', 'corpus', 'segment')
    rd_dir = os.path.join(root, 'tests', 'fuzz', 'corpus', 'reader')
    for d in (seg_dir, rd_dir):
        os.makedirs(d, exist_ok=True)
    lines = {(l[0], l[1]): l for l in LINES}

    def put(d, name, data):
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

    for name in ('plain_empty', 'plain_query', 'plain_three_envelopes', 'plain_piece',
                 'lz4_options', 'lz4_query_100', 'lz4_three_envelopes', 'lz4_eight_envelopes',
                 'lz4_half_random', 'lz4_piece'):
        l = lines[('segment', name)]
        put(seg_dir, name, bytes([int(l[2])]) + expand(l[6]))
    for name in ('plain_packed', 'lz4_packed', 'lz4_mixed'):
        l = lines[('frame', name)]
        put(seg_dir, 'frame_' + name, bytes([int(l[2])]) + expand(l[5]))
        # as a server reads them: segments (LZ4 or not) of requests
        put(rd_dir, 'segments_' + name, chunked(0x09 | (2 if l[2] == '1' else 0), expand(l[5])))
    put(rd_dir, 'plain_packed', chunked(0x08, expand(lines[('frame', 'plain_packed')][4])))
    ref = os.path.join(root, '..', 'shared', 'reference', 'transcripts')
    streams = [
        # (file, conn, direction, options)
        ('cassandra-4.0.0-v5-lz4.jsonl', 1, 's2c', 0x30),
        ('cassandra-4.0.0-v5-lz4.jsonl', 1, 'c2s', 0x38),
        ('cassandra-4.0.0-v5-none.jsonl', 2, 's2c', 0x10),
        ('cassandra-4.0.0-v5-auth.jsonl', 2, 'c2s', 0x38),
        ('cassandra-4.0.0-v4-auth.jsonl', 2, 's2c', 0x04),
        ('cassandra-4.0.0-v4-gocql.jsonl', 2, 'c2s', 0x08),
    ]
    for file, conn, direction, opts in streams:
        data = transcript_stream(os.path.join(ref, file), conn, direction, 3000)
        name = '%s-conn%d-%s' % (file[len('cassandra-4.0.0-'):-len('.jsonl')], conn, direction)
        put(rd_dir, name, chunked(opts, data))


def main():
    segment_cases()
    frame_cases()
    header_cases()
    v4body_cases()
    here = os.path.dirname(os.path.abspath(__file__))
    write_corpora(os.path.dirname(os.path.dirname(here)))
    doc = __doc__.strip().splitlines()
    with open(os.path.join(here, 'segments.tsv'), 'w') as f:
        f.write('# Generated by tests/vectors/gen_segments.py; do not edit.\n')
        for line in doc[1:]:
            f.write(('# ' + line).rstrip() + '\n')
        for fields in LINES:
            assert all('\t' not in x and '\n' not in x for x in fields)
            f.write('\t'.join(fields) + '\n')
    print('%d vectors' % len(LINES), file=sys.stderr)


if __name__ == '__main__':
    main()
