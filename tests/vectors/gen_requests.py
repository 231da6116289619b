#!/usr/bin/python3
"""Generates tests/vectors/requests.tsv: request envelopes for protocol v4
and v5, encoded by the DataStax Python driver (cassandra.protocol).

Run with the Debian interpreter (/usr/bin/python3, python3-cassandra and
python3-lz4 installed); the output goes to stdout:

    /usr/bin/python3 tests/vectors/gen_requests.py > tests/vectors/requests.tsv

Line format: request<TAB><case name><TAB><version><TAB><hex of the envelope>.
tests/unit/test_request_vectors.c builds every case as a cql_request and
must produce the same bytes; the two lists have to name the same cases.

Cases whose name starts with `spec_` cover what the driver cannot express
(skip_metadata, which 3.25 never sets; names for values; now_in_seconds;
a null auth token; an empty custom payload with its flag; an empty v5
keyspace, which the driver gets wrong). Their bytes are assembled below by
hand from the v4/v5 specifications, with helpers that share no code with the
driver; the script first checks those helpers against driver output.

The output is deterministic: no clocks, no random ids, dicts in insertion
order, and LZ4 from the system liblz4 the C side also links.
"""

import struct
import sys

from cassandra import ConsistencyLevel as CL
from cassandra.connection import locally_supported_compressions
from cassandra.protocol import (AuthResponseMessage, BatchMessage, ExecuteMessage,
                                OptionsMessage, PrepareMessage, ProtocolHandler,
                                QueryMessage, RegisterMessage, StartupMessage,
                                _UNSET_VALUE)
from cassandra.query import BatchType

LZ4_COMPRESS = locally_supported_compressions['lz4'][0]

CASES = []  # (name, version, envelope bytes)
NAMES = set()

# ---- shared inputs (the C builders use the same literals) -----------------

Q_LOCAL = 'SELECT * FROM system.local'
Q_UTF8 = "SELECT * FROM ks.t WHERE name = 'h\u00e9llo \u2713'"
Q_INSERT = 'INSERT INTO ks.t (k, v, w, x) VALUES (?, ?, ?, ?)'
Q_NAMED = 'INSERT INTO ks.t (k, v, w) VALUES (:k, :v, :w)'
Q_LONG = 'SELECT a, b, c, d, e, f FROM ks.wide WHERE k IN (' + ', '.join(['?'] * 24) + ')'
Q_COUNTER = 'UPDATE ks.c SET n = n + 1 WHERE k = ?'
QID = bytes(range(0xA0, 0xB0))         # a 16-byte prepared id
MID = bytes(range(0x10, 0x20))         # a 16-byte result metadata id
PAGING = b'\x00\x04abcd\x7f\xff\xff\xff\x00'
TS = 1612345678901234                  # microseconds
NOW = 1700000000
KS = 'ks1'
INT42 = b'\x00\x00\x00\x2a'
VALUES = [INT42, None, _UNSET_VALUE, b'']  # set, null, unset, empty
PAYLOAD = {'k1': b'value', 'nul': None}
TOKEN = b'\x00cassandra\x00cassandra'


def add(name, version, data):
    key = (name, version)
    assert key not in NAMES, key
    NAMES.add(key)
    CASES.append((name, version, data))


def driver(name, versions, stream=1, compress=False, beta=False):
    """Registers a case built by the driver: fn(version) returns the message."""
    def deco(fn):
        for v in versions:
            msg = fn(v)
            data = ProtocolHandler.encode_message(
                msg, stream, v, LZ4_COMPRESS if compress else None, beta)
            add(name, v, data)
        return fn
    return deco


def spec(name, versions):
    """Registers a hand-built case: fn(version) returns the envelope bytes."""
    assert name.startswith('spec_')

    def deco(fn):
        for v in versions:
            add(name, v, fn(v))
        return fn
    return deco


def traced(msg, payload=None):
    msg.tracing = True
    if payload:
        msg.custom_payload = dict(payload)
    return msg


def with_payload(msg):
    msg.custom_payload = dict(PAYLOAD)
    return msg


def with_values(msg, values):
    # QueryMessage takes no values in its constructor; the encoder reads
    # the attribute like ExecuteMessage's.
    msg.query_params = list(values)
    return msg


V45 = (4, 5)

# ---- STARTUP --------------------------------------------------------------

driver('startup_min', V45, stream=0)(lambda v: StartupMessage('3.0.0', {}))
driver('startup_compression', V45, stream=0)(
    lambda v: StartupMessage('3.0.0', {'COMPRESSION': 'lz4'}))
driver('startup_driver', V45, stream=0)(
    lambda v: StartupMessage('3.0.0', {'DRIVER_NAME': 'DataStax Python Driver',
                                       'DRIVER_VERSION': '3.25.0',
                                       'THROW_ON_OVERLOAD': '1'}))

# ---- OPTIONS --------------------------------------------------------------

driver('options', V45, stream=0)(lambda v: OptionsMessage())
driver('options_stream_max', V45, stream=32767)(lambda v: OptionsMessage())
driver('options_beta', (5,), stream=3, beta=True)(lambda v: OptionsMessage())

# ---- QUERY ----------------------------------------------------------------

driver('query_simple', V45)(lambda v: QueryMessage(Q_LOCAL, CL.ONE))
driver('query_utf8', V45, stream=300)(lambda v: QueryMessage(Q_UTF8, CL.LOCAL_QUORUM))
driver('query_page_size', V45)(lambda v: QueryMessage(Q_LOCAL, CL.ONE, fetch_size=5000))
driver('query_paging_state', V45)(
    lambda v: QueryMessage(Q_LOCAL, CL.QUORUM, fetch_size=100, paging_state=PAGING))
driver('query_serial', V45)(
    lambda v: QueryMessage(Q_INSERT, CL.QUORUM, serial_consistency_level=CL.LOCAL_SERIAL))
driver('query_timestamp', V45)(lambda v: QueryMessage(Q_INSERT, CL.ANY, timestamp=TS))
driver('query_all', V45)(
    lambda v: QueryMessage(Q_LOCAL, CL.ALL, serial_consistency_level=CL.SERIAL,
                           fetch_size=1, paging_state=PAGING, timestamp=0))
driver('query_values', V45)(lambda v: with_values(QueryMessage(Q_INSERT, CL.ONE), VALUES))
driver('query_values_empty', V45)(lambda v: with_values(QueryMessage(Q_LOCAL, CL.ONE), []))
driver('query_keyspace', (5,))(lambda v: QueryMessage(Q_LOCAL, CL.ONE, keyspace=KS))
driver('query_keyspace_all', (5,))(
    lambda v: with_values(QueryMessage(Q_INSERT, CL.EACH_QUORUM,
                                       serial_consistency_level=CL.LOCAL_SERIAL,
                                       fetch_size=20, paging_state=PAGING, timestamp=TS,
                                       keyspace=KS), VALUES))
driver('query_tracing', V45)(lambda v: traced(QueryMessage(Q_LOCAL, CL.ONE)))
driver('query_custom_payload', V45)(lambda v: with_payload(QueryMessage(Q_LOCAL, CL.ONE)))
driver('query_tracing_payload', V45)(
    lambda v: traced(QueryMessage(Q_LOCAL, CL.ONE, fetch_size=10), PAYLOAD))
driver('query_lz4', (4,), compress=True)(lambda v: QueryMessage(Q_LOCAL, CL.ONE))
driver('query_lz4_all', (4,), stream=9, compress=True)(
    lambda v: traced(with_values(QueryMessage(Q_LONG, CL.LOCAL_ONE, fetch_size=5000,
                                              timestamp=TS), [INT42] * 24), PAYLOAD))

# ---- PREPARE --------------------------------------------------------------

driver('prepare', V45)(lambda v: PrepareMessage(Q_INSERT))
driver('prepare_keyspace', (5,))(lambda v: PrepareMessage(Q_INSERT, keyspace=KS))
driver('prepare_tracing', V45)(lambda v: traced(PrepareMessage(Q_LOCAL)))
driver('prepare_custom_payload', V45)(lambda v: with_payload(PrepareMessage(Q_LOCAL)))
driver('prepare_lz4', (4,), compress=True)(lambda v: PrepareMessage(Q_LONG))


# ---- EXECUTE --------------------------------------------------------------

def execute(values, cl=CL.ONE, mid=MID, **kw):
    return ExecuteMessage(QID, values, cl, result_metadata_id=mid, **kw)


def execute_keyspace(v):
    msg = execute([INT42])
    msg.keyspace = KS  # the constructor has no keyspace; the encoder reads it
    return msg


driver('execute_no_values', V45)(lambda v: execute(None))
driver('execute_values_empty', V45)(lambda v: execute([]))
driver('execute_values', V45)(lambda v: execute(VALUES, CL.TWO))
driver('execute_paging', V45)(
    lambda v: execute([INT42], CL.THREE, fetch_size=50, paging_state=PAGING))
driver('execute_serial_timestamp', V45)(
    lambda v: execute(VALUES, CL.QUORUM, serial_consistency_level=CL.SERIAL, timestamp=TS))
driver('execute_all', V45)(
    lambda v: execute(VALUES, CL.LOCAL_QUORUM, serial_consistency_level=CL.LOCAL_SERIAL,
                      fetch_size=5000, paging_state=PAGING, timestamp=TS))
driver('execute_keyspace', (5,))(execute_keyspace)
driver('execute_metadata_id_empty', (5,))(lambda v: execute([INT42], mid=b''))
driver('execute_tracing_payload', V45, stream=2)(lambda v: traced(execute(VALUES), PAYLOAD))
driver('execute_lz4', (4,), compress=True)(lambda v: execute([INT42] * 24, fetch_size=5000))

# ---- BATCH ----------------------------------------------------------------

STMTS_SIMPLE = [(False, "INSERT INTO ks.t (k) VALUES (1)", []),
                (False, "INSERT INTO ks.t (k) VALUES (2)", [])]
STMTS_PREPARED = [(True, QID, [INT42, b'\x01']), (True, MID, [None])]
STMTS_MIXED = [(False, Q_INSERT, VALUES), (True, QID, [_UNSET_VALUE, None, b'']),
               (False, "DELETE FROM ks.t WHERE k = 3", [])]
STMTS_COUNTER = [(True, QID, [INT42]), (False, Q_COUNTER, [INT42])]


def batch(kind, stmts, cl=CL.ONE, **kw):
    return BatchMessage(kind, stmts, cl, **kw)


driver('batch_logged_simple', V45)(lambda v: batch(BatchType.LOGGED, STMTS_SIMPLE))
driver('batch_unlogged_prepared', V45)(
    lambda v: batch(BatchType.UNLOGGED, STMTS_PREPARED, CL.QUORUM))
driver('batch_counter', V45)(lambda v: batch(BatchType.COUNTER, STMTS_COUNTER))
driver('batch_mixed', V45)(lambda v: batch(BatchType.LOGGED, STMTS_MIXED, CL.ALL))
driver('batch_serial', V45)(
    lambda v: batch(BatchType.LOGGED, STMTS_SIMPLE, serial_consistency_level=CL.LOCAL_SERIAL))
driver('batch_timestamp', V45)(lambda v: batch(BatchType.UNLOGGED, STMTS_SIMPLE, timestamp=TS))
driver('batch_serial_timestamp', V45)(
    lambda v: batch(BatchType.LOGGED, STMTS_MIXED, CL.TWO,
                    serial_consistency_level=CL.SERIAL, timestamp=TS))
driver('batch_keyspace', (5,))(lambda v: batch(BatchType.LOGGED, STMTS_SIMPLE, keyspace=KS))
driver('batch_all', (5,))(
    lambda v: batch(BatchType.UNLOGGED, STMTS_MIXED, CL.LOCAL_ONE,
                    serial_consistency_level=CL.LOCAL_SERIAL, timestamp=TS, keyspace=KS))
driver('batch_empty', V45)(lambda v: batch(BatchType.LOGGED, []))
driver('batch_tracing_payload', V45)(
    lambda v: traced(batch(BatchType.LOGGED, STMTS_PREPARED), PAYLOAD))
driver('batch_lz4', (4,), compress=True)(
    lambda v: batch(BatchType.UNLOGGED, STMTS_MIXED * 3, timestamp=TS))

# ---- REGISTER -------------------------------------------------------------

EVENTS = ['TOPOLOGY_CHANGE', 'STATUS_CHANGE', 'SCHEMA_CHANGE']
driver('register_all', V45)(lambda v: RegisterMessage(EVENTS))
driver('register_one', V45)(lambda v: RegisterMessage(['SCHEMA_CHANGE']))
driver('register_empty', (4,))(lambda v: RegisterMessage([]))
driver('register_lz4', (4,), compress=True)(lambda v: RegisterMessage(EVENTS))

# ---- AUTH_RESPONSE --------------------------------------------------------

driver('auth_response', V45)(lambda v: AuthResponseMessage(TOKEN))
driver('auth_response_empty', V45)(lambda v: AuthResponseMessage(b''))
driver('auth_response_lz4', (4,), compress=True)(lambda v: AuthResponseMessage(TOKEN))

# ---- hand-built from the specifications -----------------------------------
# Independent of cassandra.protocol: every field spelled out from the spec's
# notation section ([short], [int], [long], [string], [long string], [bytes],
# [short bytes], [value], [string map], [bytes map]).

UNSET = object()
NAMED = [('k', INT42), ('v', None), ('w', UNSET)]


def short(n):
    return struct.pack('>H', n)


def int_(n):
    return struct.pack('>i', n)


def long_(n):
    return struct.pack('>q', n)


def string(s):
    b = s.encode('utf-8') if isinstance(s, str) else s
    return short(len(b)) + b


def long_string(s):
    b = s.encode('utf-8')
    return int_(len(b)) + b


def value(b):
    if b is None:
        return int_(-1)
    if b is UNSET or b is _UNSET_VALUE:
        return int_(-2)
    return int_(len(b)) + b


def flags_field(version, flags):
    # <query_parameters> and BATCH flags: [byte] in v4, [int] in v5.
    return struct.pack('>I' if version >= 5 else '>B', flags)


def bytes_map(pairs):
    return short(len(pairs)) + b''.join(string(k) + value(v) for k, v in pairs)


def envelope(version, opcode, body, stream=1, tracing=False, payload=None):
    flags = 0x02 if tracing else 0
    if payload is not None:
        flags |= 0x04
        body = bytes_map(payload) + body
    return struct.pack('>BBhBi', version, flags, stream, opcode, len(body)) + body


def query_params(version, cl, values=None, named=False, skip_metadata=False, page_size=None,
                 paging_state=None, serial=None, timestamp=None, keyspace=None, now=None):
    flags, tail = 0, b''
    if values is not None:
        flags |= 0x01
        tail += short(len(values))
        for item in values:
            tail += string(item[0]) + value(item[1]) if named else value(item)
    if skip_metadata:
        flags |= 0x02
    if page_size is not None:
        flags, tail = flags | 0x04, tail + int_(page_size)
    if paging_state is not None:
        flags, tail = flags | 0x08, tail + value(paging_state)
    if serial is not None:
        flags, tail = flags | 0x10, tail + short(serial)
    if timestamp is not None:
        flags, tail = flags | 0x20, tail + long_(timestamp)
    if named:
        flags |= 0x40
    if keyspace is not None:
        flags, tail = flags | 0x80, tail + string(keyspace)
    if now is not None:
        flags, tail = flags | 0x100, tail + int_(now)
    return short(cl) + flags_field(version, flags) + tail


def query_body(version, query, **kw):
    return long_string(query) + query_params(version, **kw)


def execute_body(version, **kw):
    head = string(QID) + (string(MID) if version >= 5 else b'')
    return head + query_params(version, **kw)


def batch_body(version, kind, stmts, cl, serial=None, timestamp=None, keyspace=None, now=None):
    out = struct.pack('>B', kind) + short(len(stmts))
    for prepared, text_or_id, values in stmts:
        out += b'\x01' + string(text_or_id) if prepared else b'\x00' + long_string(text_or_id)
        out += short(len(values)) + b''.join(value(x) for x in values)
    flags, tail = 0, b''
    if serial is not None:
        flags, tail = flags | 0x10, tail + short(serial)
    if timestamp is not None:
        flags, tail = flags | 0x20, tail + long_(timestamp)
    if keyspace is not None:
        flags, tail = flags | 0x80, tail + string(keyspace)
    if now is not None:
        flags, tail = flags | 0x100, tail + int_(now)
    return out + short(cl) + flags_field(version, flags) + tail


def prepare_body(version, query, keyspace=None):
    out = long_string(query)
    if version >= 5:
        out += int_(0x01 if keyspace is not None else 0)
        out += string(keyspace) if keyspace is not None else b''
    return out


OP_QUERY, OP_PREPARE, OP_EXECUTE, OP_BATCH, OP_AUTH_RESPONSE = 0x07, 0x09, 0x0A, 0x0D, 0x0F


def check_helpers():
    """The hand-built encoding must agree with the driver where both can."""
    def same(name, version, data):
        got = dict(((n, v), d) for n, v, d in CASES)[(name, version)]
        assert got == data, (name, version, got.hex(), data.hex())
    for v in V45:
        same('query_all', v, envelope(v, OP_QUERY, query_body(
            v, Q_LOCAL, cl=CL.ALL, serial=CL.SERIAL, page_size=1, paging_state=PAGING,
            timestamp=0)))
        same('query_values', v, envelope(v, OP_QUERY, query_body(
            v, Q_INSERT, cl=CL.ONE, values=VALUES)))
        same('execute_all', v, envelope(v, OP_EXECUTE, execute_body(
            v, cl=CL.LOCAL_QUORUM, values=VALUES, serial=CL.LOCAL_SERIAL, page_size=5000,
            paging_state=PAGING, timestamp=TS)))
        same('batch_serial_timestamp', v, envelope(v, OP_BATCH, batch_body(
            v, 0, STMTS_MIXED, CL.TWO, serial=CL.SERIAL, timestamp=TS)))
        same('query_tracing_payload', v, envelope(v, OP_QUERY, query_body(
            v, Q_LOCAL, cl=CL.ONE, page_size=10), tracing=True, payload=PAYLOAD.items()))
        same('prepare', v, envelope(v, OP_PREPARE, prepare_body(v, Q_INSERT)))
    same('query_keyspace_all', 5, envelope(5, OP_QUERY, query_body(
        5, Q_INSERT, cl=CL.EACH_QUORUM, values=VALUES, serial=CL.LOCAL_SERIAL, page_size=20,
        paging_state=PAGING, timestamp=TS, keyspace=KS)))
    same('batch_all', 5, envelope(5, OP_BATCH, batch_body(
        5, 1, STMTS_MIXED, CL.LOCAL_ONE, serial=CL.LOCAL_SERIAL, timestamp=TS, keyspace=KS)))
    same('prepare_keyspace', 5, envelope(5, OP_PREPARE, prepare_body(5, Q_INSERT, KS)))


check_helpers()

spec('spec_query_skip_metadata', V45)(lambda v: envelope(v, OP_QUERY, query_body(
    v, Q_LOCAL, cl=CL.ONE, skip_metadata=True)))
spec('spec_query_named', V45)(lambda v: envelope(v, OP_QUERY, query_body(
    v, Q_NAMED, cl=CL.ONE, values=NAMED, named=True)))
spec('spec_query_now_in_seconds', (5,))(lambda v: envelope(v, OP_QUERY, query_body(
    v, Q_LOCAL, cl=CL.ONE, now=NOW)))
spec('spec_query_every_flag', V45)(lambda v: envelope(v, OP_QUERY, query_body(
    v, Q_NAMED, cl=CL.LOCAL_QUORUM, values=NAMED, named=True, skip_metadata=True,
    page_size=100, paging_state=PAGING, serial=CL.LOCAL_SERIAL, timestamp=TS,
    keyspace=KS if v >= 5 else None, now=NOW if v >= 5 else None)))
spec('spec_execute_skip_metadata', V45)(lambda v: envelope(v, OP_EXECUTE, execute_body(
    v, cl=CL.ONE, values=[INT42], skip_metadata=True, page_size=5000)))
spec('spec_execute_named', V45)(lambda v: envelope(v, OP_EXECUTE, execute_body(
    v, cl=CL.ONE, values=NAMED, named=True)))
spec('spec_execute_now_in_seconds', (5,))(lambda v: envelope(v, OP_EXECUTE, execute_body(
    v, cl=CL.ONE, values=[INT42], now=NOW)))
spec('spec_execute_every_flag', V45)(lambda v: envelope(v, OP_EXECUTE, execute_body(
    v, cl=CL.QUORUM, values=NAMED, named=True, skip_metadata=True, page_size=7,
    paging_state=b'', serial=CL.SERIAL, timestamp=2**63 - 1 if v >= 5 else 0,
    keyspace=KS if v >= 5 else None, now=NOW if v >= 5 else None), stream=5, tracing=True,
    payload=[('k', b'')]))
spec('spec_batch_now_in_seconds', (5,))(lambda v: envelope(v, OP_BATCH, batch_body(
    v, 0, STMTS_SIMPLE, CL.ONE, now=NOW)))
spec('spec_batch_every_flag', (5,))(lambda v: envelope(v, OP_BATCH, batch_body(
    v, 2, STMTS_COUNTER, CL.QUORUM, serial=CL.LOCAL_SERIAL, timestamp=TS, keyspace=KS,
    now=NOW)))
# The driver sets the BATCH keyspace flag only for a non-empty name but
# writes any name, and the reverse for PREPARE: both are malformed for ''.
spec('spec_batch_keyspace_empty', (5,))(lambda v: envelope(v, OP_BATCH, batch_body(
    v, 0, STMTS_SIMPLE, CL.ONE, keyspace='')))
spec('spec_prepare_keyspace_empty', (5,))(lambda v: envelope(
    v, OP_PREPARE, prepare_body(v, Q_LOCAL, keyspace='')))
spec('spec_auth_response_null', V45)(lambda v: envelope(v, OP_AUTH_RESPONSE, value(None)))
spec('spec_custom_payload_empty', V45)(lambda v: envelope(
    v, OP_QUERY, query_body(v, Q_LOCAL, cl=CL.ONE), payload=[]))


def main():
    out = sys.stdout
    out.write('# Generated by tests/vectors/gen_requests.py with the DataStax Python driver\n')
    out.write('# %s; spec_* cases are assembled by hand from the v4/v5 specs.\n' %
              'cassandra-driver 3.25')
    out.write('# request<TAB>name<TAB>version<TAB>envelope hex\n')
    for name, version, data in CASES:
        out.write('request\t%s\t%d\t%s\n' % (name, version, data.hex()))


if __name__ == '__main__':
    main()
