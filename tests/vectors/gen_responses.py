#!/usr/bin/python3
"""Response vectors: responses the Cassandra transcripts do not cover.

Builds response envelopes (header + body) from the native protocol spec
(v4/v5 section 4.2 and 8), decodes each with the DataStax Python driver's own
decoder (cassandra.protocol.ProtocolHandler.decode_message) and writes what
the driver decoded as k=v text next to the hex, in responses.tsv:

    response<TAB>name<TAB>version<TAB>fields<TAB>envelope hex

The C test (tests/unit/test_response_vectors.c) decodes each envelope,
formats the decoded struct the same way, compares, and re-encodes to the
same bytes.

Fields come from the driver's decoded object. The driver does not read a
few things the spec defines (the v5 CAS contention count, the body of
CAS_WRITE_UNKNOWN, a null auth token); those fields carry a `spec.` prefix
and come from the values the case was built with, and the script checks
the driver left exactly those bytes unread. Every other case must be read
by the driver to its last byte.

Run with /usr/bin/python3 (Debian's python3-cassandra 3.25). The output is
deterministic.
"""
import io
import os
import socket
import struct
import sys
import types
import uuid

import cassandra.protocol as proto
from cassandra import cqltypes as ct
from cassandra.policies import WriteType

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "responses.tsv")

# ---- spec encoders -------------------------------------------------------


def short(n):
    return struct.pack(">H", n)


def int_(n):
    return struct.pack(">i", n)


def string(s):
    b = s.encode("utf-8") if isinstance(s, str) else s
    return short(len(b)) + b


def bytes_(b):
    return int_(-1) if b is None else int_(len(b)) + b


def short_bytes(b):
    return short(len(b)) + b


def string_list(items):
    return short(len(items)) + b"".join(string(s) for s in items)


def bytes_map(pairs):
    return short(len(pairs)) + b"".join(string(k) + bytes_(v) for k, v in pairs)


def multimap(pairs):
    return short(len(pairs)) + b"".join(string(k) + string_list(v) for k, v in pairs)


def inetaddr(addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    raw = socket.inet_pton(fam, addr)
    return bytes([len(raw)]) + raw


def inet(addr, port):
    return inetaddr(addr) + int_(port)


# [option] types as (wire bytes, canonical text) built together.
NATIVE = {
    "ascii": 0x01, "bigint": 0x02, "blob": 0x03, "boolean": 0x04, "counter": 0x05,
    "decimal": 0x06, "double": 0x07, "float": 0x08, "int": 0x09, "timestamp": 0x0B,
    "uuid": 0x0C, "varchar": 0x0D, "varint": 0x0E, "timeuuid": 0x0F, "inet": 0x10,
    "date": 0x11, "time": 0x12, "smallint": 0x13, "tinyint": 0x14, "duration": 0x15,
}


def t_native(name):
    return short(NATIVE[name])


def t_list(e):
    return short(0x20) + e


def t_set(e):
    return short(0x22) + e


def t_map(k, v):
    return short(0x21) + k + v


def t_tuple(*items):
    return short(0x31) + short(len(items)) + b"".join(items)


def t_udt(ks, name, fields):
    return (short(0x30) + string(ks) + string(name) + short(len(fields)) +
            b"".join(string(n) + t for n, t in fields))


def t_custom(cls):
    return short(0x00) + string(cls)


def col_spec(name, typ, ks=None, table=None):
    head = b"" if ks is None else string(ks) + string(table)
    return head + string(name) + typ


def rows_metadata(flags, ncols, cols=b"", paging=None, new_id=None, global_spec=None):
    out = int_(flags) + int_(ncols)
    if paging is not None:
        out += bytes_(paging)
    if new_id is not None:
        out += short_bytes(new_id)
    if global_spec is not None:
        out += string(global_spec[0]) + string(global_spec[1])
    return out + cols


def rows_content(rows):
    return int_(len(rows)) + b"".join(bytes_(c) for r in rows for c in r)


# ---- the driver's view, as k=v text ----------------------------------------

CODE_NAMES = {v: k for k, v in proto.ResultMessage.type_codes.items()}
NATIVE_BY_CODE = {v: k for k, v in NATIVE.items()}


def fmt_type(cls):
    """Canonical text of a driver type class (the C test prints the same)."""
    if issubclass(cls, ct.UserType):
        fields = ",".join("%s:%s" % (n, fmt_type(t)) for n, t in zip(cls.fieldnames, cls.subtypes))
        return "udt<%s.%s{%s}>" % (cls.keyspace, cls.typename, fields)
    for base, name in ((ct.TupleType, "tuple"), (ct.MapType, "map"), (ct.SetType, "set"),
                       (ct.ListType, "list")):
        if issubclass(cls, base) and cls.subtypes:
            return "%s<%s>" % (name, ",".join(fmt_type(t) for t in cls.subtypes))
    code = CODE_NAMES.get(cls)
    if code is not None:
        return NATIVE_BY_CODE[code]
    # a class the driver does not know (it would map known marshal classes
    # to their native type, while cqlkit keeps a custom type custom)
    assert issubclass(cls, ct._UnrecognizedType), cls
    return "custom<%s>" % cls.cassname


def fmt_cols(cols):
    return "[" + ",".join("%s.%s.%s:%s" % (c[0], c[1], c[2], fmt_type(c[3])) for c in cols) + "]"


def fmt_list(items):
    return "[" + "|".join(items) + "]"


def fmt_hex(b):
    return "null" if b is None else b.hex()


def fmt_schema_change(ev):
    out = [("change", ev["change_type"]), ("target", ev["target_type"]),
           ("keyspace", ev["keyspace"])]
    target = ev["target_type"]
    if target in ("TABLE", "TYPE"):
        out.append(("name", ev[target.lower()]))
    elif target in ("FUNCTION", "AGGREGATE"):
        desc = ev[target.lower()]
        out.append(("name", desc.name))
        out.append(("args", fmt_list(desc.argument_types)))
    return out


def fmt_error(m, version):
    out = [("code", "0x%04x" % m.code), ("message", m.message)]
    info = m.info
    code = m.code
    if code == 0x1000:
        out += [("cl", info["consistency"]), ("required", info["required_replicas"]),
                ("alive", info["alive_replicas"])]
    elif code in (0x1100, 0x1200, 0x1300, 0x1500):
        out += [("cl", info["consistency"]), ("received", info["received_responses"]),
                ("blockfor", info["required_responses"])]
        if code in (0x1300, 0x1500):
            out.append(("failures", info["failures"]))
            if info["error_code_map"] is not None:
                reasons = ",".join("%s:%d" % kv for kv in info["error_code_map"].items())
                out.append(("reasons", "{" + reasons + "}"))
        if code in (0x1200, 0x1300):
            out.append(("data_present", int(info["data_retrieved"])))
        if code in (0x1100, 0x1500):
            out.append(("write_type", WriteType.value_to_name[info["write_type"]]))
    elif code == 0x1400:
        out += [("keyspace", info["keyspace"]), ("function", info["function"]),
                ("arg_types", fmt_list(info["arg_types"]))]
    elif code == 0x2400:
        out += [("keyspace", info["keyspace"]), ("table", info["table"])]
    elif code == 0x2500:
        out.append(("id", info.hex()))
    return out


RESULT_KINDS = {1: "Void", 2: "Rows", 3: "SetKeyspace", 4: "Prepared", 5: "SchemaChange"}


def cells_of(m, version):
    rows = []
    for row in m.parsed_rows:
        rows.append(fmt_list([fmt_hex(None if v is None else t.to_binary(v, version))
                              for t, v in zip(m.column_types, row)]))
    return "[" + ",".join(rows) + "]"


def fmt_result(m, version):
    out = [("kind", RESULT_KINDS[m.kind])]
    if m.kind == 2:
        if m.paging_state is not None:
            out.append(("paging_state", m.paging_state.hex()))
        if getattr(m, "result_metadata_id", None) is not None:
            out.append(("new_metadata_id", m.result_metadata_id.hex()))
        if m.column_metadata is not None:
            out.append(("columns", fmt_cols(m.column_metadata)))
        out.append(("rows", cells_of(m, version)))
    elif m.kind == 3:
        out.append(("keyspace", m.new_keyspace))
    elif m.kind == 4:
        out.append(("id", m.query_id.hex()))
        if version >= 5:
            out.append(("result_metadata_id", m.result_metadata_id.hex()))
        if version >= 4:
            out.append(("pk", fmt_list(str(i) for i in m.pk_indexes)))
        out.append(("bind", fmt_cols(m.bind_metadata)))
        if m.column_metadata is not None:
            out.append(("columns", fmt_cols(m.column_metadata)))
    elif m.kind == 5:
        out += fmt_schema_change(m.schema_change_event)
    return out


def fmt_event(m):
    out = [("event", m.event_type)]
    if m.event_type == "SCHEMA_CHANGE":
        return out + fmt_schema_change(m.event_args)
    addr, port = m.event_args["address"]
    host = "[%s]" % addr if ":" in addr else addr
    return out + [("change", m.event_args["change_type"]), ("address", "%s:%d" % (host, port))]


def fmt_message(m, version):
    out = [("op", m.name), ("stream", m.stream_id)]
    if m.trace_id is not None:
        out.append(("trace", str(m.trace_id)))
    if m.warnings is not None:
        out.append(("warnings", fmt_list(m.warnings)))
    if m.custom_payload is not None:
        out.append(("payload", "{" + ",".join("%s:%s" % (k, fmt_hex(v))
                                               for k, v in m.custom_payload.items()) + "}"))
    if m.opcode == 0x00:
        out += fmt_error(m, version)
    elif m.opcode == 0x03:
        out.append(("authenticator", m.authenticator))
    elif m.opcode == 0x06:
        opts = list(m.options.items()) + [("CQL_VERSION", m.cql_versions)]
        out.append(("options", "{" + ",".join("%s:%s" % (k, fmt_list(v)) for k, v in opts) + "}"))
    elif m.opcode == 0x08:
        out += fmt_result(m, version)
    elif m.opcode == 0x0C:
        out += fmt_event(m)
    elif m.opcode in (0x0E, 0x10):
        tok = m.challenge if m.opcode == 0x0E else m.token
        if isinstance(tok, str):
            tok = tok.encode("utf-8")
        out.append(("token", fmt_hex(tok)))
    return out


# ---- driving the driver ----------------------------------------------------

_made = []


class _TrackingBytesIO(io.BytesIO):
    """The driver wraps the body in io.BytesIO; this one remembers itself so
    we can see how many bytes the driver read."""

    def __init__(self, *a):
        super().__init__(*a)
        _made.append(self)


proto.io = types.SimpleNamespace(BytesIO=_TrackingBytesIO)


def decode(version, flags, stream, opcode, body, result_metadata):
    _made.clear()
    m = proto.ProtocolHandler.decode_message(version, {}, stream, flags, opcode, body, None,
                                             result_metadata)
    left = len(body) - _made[-1].tell()
    return m, left


TRACING, PAYLOAD, WARNING = 0x02, 0x04, 0x08
cases = []


def case(name, version, opcode, body, stream=0, flags=0, spec=(), unread=b"", result_metadata=None,
         override=()):
    """`spec`: fields the driver does not decode, from the spec and the
    values the body was built with; `unread`: the bytes the driver leaves
    (they must end the body); `override`: fields where the driver's reading
    is replaced by the spec's (see the docstring)."""
    env = bytes([0x80 | version, flags]) + struct.pack(">hBI", stream, opcode, len(body)) + body
    m, left = decode(version, flags, stream, opcode, body, result_metadata)
    if left != len(unread) or (unread and not body.endswith(unread)):
        sys.exit("%s: the driver left %d bytes unread, expected %d" % (name, left, len(unread)))
    fields = fmt_message(m, version)
    over = dict(override)
    fields = [(k, over.pop(k, v)) for k, v in fields]
    assert not over, name
    fields += [("spec." + k, v) for k, v in spec]
    text = ";".join("%s=%s" % (k, v) for k, v in fields)
    for bad in "\t\n":
        assert bad not in text, name
    cases.append("response\t%s\t%d\t%s\t%s" % (name, version, text, env.hex()))


# ---- ERROR ----------------------------------------------------------------


def err(code, msg, extra=b""):
    return int_(code) + string(msg) + extra


def cl_counts(cl, received, blockfor):
    return short(cl) + int_(received) + int_(blockfor)


def reasons(pairs):
    return int_(len(pairs)) + b"".join(inetaddr(a) + short(c) for a, c in pairs)


case("error_server_error", 4, 0x00, err(0x0000, "java.lang.NullPointerException"), stream=3)
case("error_protocol_error", 5, 0x00, err(0x000A, "Invalid or unsupported protocol version (6)"))
case("error_bad_credentials", 4, 0x00,
     err(0x0100, "Provided username cassandra and/or password are incorrect"), stream=1)
case("error_unavailable_v4", 4, 0x00,
     err(0x1000, "Cannot achieve consistency level QUORUM", short(4) + int_(2) + int_(1)))
case("error_unavailable_v5", 5, 0x00,
     err(0x1000, "Cannot achieve consistency level ALL", short(5) + int_(3) + int_(0)), stream=77)
case("error_overloaded", 5, 0x00, err(0x1001, "Server is in overloaded state"))
case("error_is_bootstrapping", 4, 0x00, err(0x1002, "Cannot read from a bootstrapping node"))
case("error_truncate", 4, 0x00, err(0x1003, "Error during truncate: timeout"))
case("error_write_timeout_simple_v4", 4, 0x00,
     err(0x1100, "Operation timed out - received only 0 responses.",
         cl_counts(1, 0, 1) + string("SIMPLE")))
case("error_write_timeout_cas_v4", 4, 0x00,
     err(0x1100, "CAS operation timed out", cl_counts(8, 1, 2) + string("CAS")))
case("error_write_timeout_cas_v5", 5, 0x00,
     err(0x1100, "CAS operation timed out: contended", cl_counts(9, 1, 2) + string("CAS") + short(3)),
     spec=[("contentions", 3)], unread=short(3))
case("error_write_timeout_batch_log_v5", 5, 0x00,
     err(0x1100, "Batchlog write timed out", cl_counts(4, 1, 2) + string("BATCH_LOG")))
case("error_write_timeout_counter_v5", 5, 0x00,
     err(0x1100, "Counter write timed out", cl_counts(1, 0, 1) + string("COUNTER")))
case("error_read_timeout_v4", 4, 0x00,
     err(0x1200, "Operation timed out - received only 1 responses.",
         cl_counts(4, 1, 2) + b"\x01"))
case("error_read_timeout_v5", 5, 0x00,
     err(0x1200, "Operation timed out - received only 0 responses.",
         cl_counts(10, 0, 1) + b"\x00"))
case("error_read_failure_v4", 4, 0x00,
     err(0x1300, "Operation failed - received 0 responses and 2 failures",
         cl_counts(5, 0, 3) + int_(2) + b"\x00"))
case("error_read_failure_v5", 5, 0x00,
     err(0x1300, "Operation failed - received 1 responses and 2 failures",
         cl_counts(4, 1, 2) + reasons([("127.0.0.2", 0), ("2001:db8::7", 1)]) + b"\x01"))
case("error_read_failure_v5_no_reasons", 5, 0x00,
     err(0x1300, "Operation failed - received 0 responses and 0 failures",
         cl_counts(1, 0, 1) + reasons([]) + b"\x00"))
case("error_function_failure_v4", 4, 0x00,
     err(0x1400, "execution of 'ks.fdiv[int, int]' failed: java.lang.ArithmeticException",
         string("ks") + string("fdiv") + string_list(["int", "int"])))
case("error_function_failure_v5", 5, 0x00,
     err(0x1400, "execution of 'ks.now_ms[]' failed", string("ks") + string("now_ms") +
         string_list([])))
case("error_write_failure_v4", 4, 0x00,
     err(0x1500, "Operation failed - received 1 responses and 1 failures",
         cl_counts(4, 1, 2) + int_(1) + string("COUNTER")))
case("error_write_failure_v5", 5, 0x00,
     err(0x1500, "Operation failed - received 0 responses and 1 failures",
         cl_counts(6, 0, 2) + reasons([("10.1.2.3", 2)]) + string("BATCH")))
case("error_write_failure_view_v5", 5, 0x00,
     err(0x1500, "Operation failed on view update",
         cl_counts(1, 0, 1) + reasons([("10.1.2.4", 1), ("10.1.2.5", 3)]) + string("VIEW")))
case("error_cdc_write_failure", 5, 0x00, err(0x1600, "Rejecting mutation to table with CDC"))
case("error_cas_write_unknown_v5", 5, 0x00,
     err(0x1700, "CAS operation result is unknown - proposal accepted by 1 but not a quorum.",
         cl_counts(8, 1, 2)),
     spec=[("cl", 8), ("received", 1), ("blockfor", 2)], unread=cl_counts(8, 1, 2))
case("error_cas_write_unknown_v4", 4, 0x00,
     err(0x1700, "CAS operation result is unknown", cl_counts(9, 0, 1)),
     spec=[("cl", 9), ("received", 0), ("blockfor", 1)], unread=cl_counts(9, 0, 1))
case("error_syntax", 4, 0x00, err(0x2000, "line 1:0 no viable alternative at input 'SELEC'"))
case("error_unauthorized", 5, 0x00,
     err(0x2100, "User bob has no SELECT permission on <table ks.t> or any of its parents"))
case("error_invalid", 4, 0x00, err(0x2200, "Keyspace 'nope' does not exist"))
case("error_config", 5, 0x00, err(0x2300, "Cannot add a counter column in a non counter table"))
case("error_already_exists_keyspace", 4, 0x00,
     err(0x2400, "Keyspace tx already exists", string("tx") + string("")))
case("error_already_exists_table", 5, 0x00,
     err(0x2400, "Object kitchen already exists", string("tx") + string("kitchen")))
case("error_unprepared_v4", 4, 0x00,
     err(0x2500, "Prepared query with ID 0123 not found",
         short_bytes(bytes.fromhex("0123456789abcdef0123456789abcdef"))), stream=9)
case("error_unprepared_v5", 5, 0x00,
     err(0x2500, "Prepared query not found", short_bytes(bytes.fromhex("deadbeef"))))
case("error_unknown_code", 4, 0x00, err(0x7777, "a code from a future server"))

# ---- EVENT ----------------------------------------------------------------

case("event_topology_new_node", 4, 0x0C,
     string("TOPOLOGY_CHANGE") + string("NEW_NODE") + inet("127.0.0.2", 9042), stream=-1)
case("event_topology_removed_node_v6addr", 5, 0x0C,
     string("TOPOLOGY_CHANGE") + string("REMOVED_NODE") + inet("fe80::1:2", 9043), stream=-1)
case("event_status_up", 4, 0x0C, string("STATUS_CHANGE") + string("UP") + inet("10.0.0.5", 9042),
     stream=-1)
case("event_status_down", 5, 0x0C,
     string("STATUS_CHANGE") + string("DOWN") + inet("10.0.0.6", 19042), stream=-1)
case("event_schema_keyspace_created", 4, 0x0C,
     string("SCHEMA_CHANGE") + string("CREATED") + string("KEYSPACE") + string("tx"), stream=-1)
case("event_schema_table_updated", 5, 0x0C,
     string("SCHEMA_CHANGE") + string("UPDATED") + string("TABLE") + string("tx") +
     string("kitchen"), stream=-1)
case("event_schema_type_dropped", 4, 0x0C,
     string("SCHEMA_CHANGE") + string("DROPPED") + string("TYPE") + string("tx") + string("addr"),
     stream=-1)
case("event_schema_function_created", 5, 0x0C,
     string("SCHEMA_CHANGE") + string("CREATED") + string("FUNCTION") + string("tx") +
     string("fdiv") + string_list(["int", "frozen<list<text>>"]), stream=-1)
case("event_schema_function_no_args", 4, 0x0C,
     string("SCHEMA_CHANGE") + string("UPDATED") + string("FUNCTION") + string("tx") +
     string("now_ms") + string_list([]), stream=-1)
case("event_schema_aggregate_dropped", 4, 0x0C,
     string("SCHEMA_CHANGE") + string("DROPPED") + string("AGGREGATE") + string("tx") +
     string("average") + string_list(["double"]), stream=-1)

# ---- RESULT -----------------------------------------------------------------

TRACE = uuid.UUID("2c3cb9b0-6d1e-11ee-8c99-0242ac120002").bytes
VOID = int_(1)

case("result_void", 4, 0x08, VOID, stream=12)
case("result_void_tracing", 4, 0x08, TRACE + VOID, flags=TRACING, stream=5)
case("result_void_warnings", 5, 0x08,
     string_list(["Aggregation query used without partition key", "second warning"]) + VOID,
     flags=WARNING)
case("result_void_all_prefixes", 4, 0x08,
     TRACE + string_list(["Batch for [tx.kitchen] is of size 6.1KiB"]) +
     bytes_map([("k1", b"\x01\x02"), ("nothing", None), ("empty", b"")]) + VOID,
     flags=TRACING | WARNING | PAYLOAD)
case("result_void_payload_only_v5", 5, 0x08, bytes_map([("proxy", b"yes")]) + VOID,
     flags=PAYLOAD)
case("result_void_tracing_payload_v5", 5, 0x08, TRACE + bytes_map([]) + VOID,
     flags=TRACING | PAYLOAD)
case("result_set_keyspace", 5, 0x08, int_(3) + string("tx"))
case("result_schema_change_keyspace", 4, 0x08,
     int_(5) + string("DROPPED") + string("KEYSPACE") + string("old"))
case("result_schema_change_function", 4, 0x08,
     int_(5) + string("CREATED") + string("FUNCTION") + string("tx") + string("fdiv") +
     string_list(["int", "int"]))
case("result_schema_change_aggregate", 5, 0x08,
     int_(5) + string("UPDATED") + string("AGGREGATE") + string("tx") + string("avg2") +
     string_list(["tuple<int, bigint>"]))

# Rows
I32 = t_native("int")
TXT = t_native("varchar")
case("result_rows_global", 4, 0x08,
     int_(2) + rows_metadata(0x0001, 2, col_spec("k", I32) + col_spec("t", TXT),
                             global_spec=("tx", "kitchen")) +
     rows_content([[int_(1)[0:4], b"one"], [b"\x00\x00\x00\x02", None]]))
case("result_rows_per_column_specs", 5, 0x08,
     int_(2) + rows_metadata(0x0000, 2, col_spec("key", t_native("blob"), "system", "local") +
                             col_spec("n", t_native("bigint"), "tx", "cnt")) +
     rows_content([[b"local", struct.pack(">q", 3)]]))
case("result_rows_zero_rows_v5", 5, 0x08,
     int_(2) + rows_metadata(0x0001, 1, col_spec("c", TXT), global_spec=("tx", "kitchen")) +
     rows_content([]))
case("result_rows_paged_v4", 4, 0x08,
     int_(2) + rows_metadata(0x0003, 1, col_spec("c", TXT), paging=bytes.fromhex("0004c0ffee01f07ffffff6"),
                             global_spec=("tx", "kitchen")) +
     rows_content([[b"c000"], [b"c001"]]))
NOMETA_COLS = [("tx", "kitchen", "k", ct.Int32Type), ("tx", "kitchen", "c", ct.UTF8Type)]
case("result_rows_no_metadata_paged_v5", 5, 0x08,
     int_(2) + rows_metadata(0x0006, 2, paging=bytes.fromhex("00123456")) +
     rows_content([[int_(2), b"c005"], [int_(2), b"c006"]]),
     result_metadata=NOMETA_COLS)
case("result_rows_no_metadata_v4", 4, 0x08,
     int_(2) + rows_metadata(0x0004, 2) + rows_content([[int_(7), None]]),
     result_metadata=NOMETA_COLS)
case("result_rows_metadata_changed_v5", 5, 0x08,
     int_(2) + rows_metadata(0x0009, 2, col_spec("k", I32) + col_spec("extra", I32),
                             new_id=bytes.fromhex("a1b2c3d4e5f60718293a4b5c6d7e8f90"),
                             global_spec=("tx", "kitchen")) +
     rows_content([[int_(3), None]]))
case("result_rows_metadata_changed_paged_v5", 5, 0x08,
     int_(2) + rows_metadata(0x000b, 1, col_spec("t", TXT),
                             paging=b"\x01\x02", new_id=bytes.fromhex("00ff"),
                             global_spec=("tx", "kitchen")) +
     rows_content([[b"v"]]))
ADDR = t_udt("tx", "addr", [("street", TXT), ("zip", I32), ("tags", t_set(TXT))])
case("result_rows_complex_types", 4, 0x08,
     int_(2) + rows_metadata(0x0001, 7,
                             col_spec("l", t_list(I32)) + col_spec("st", t_set(TXT)) +
                             col_spec("m", t_map(TXT, I32)) +
                             col_spec("tp", t_tuple(I32, TXT)) + col_spec("ad", ADDR) +
                             col_spec("nest", t_map(TXT, t_list(t_tuple(I32, t_native("uuid"))))) +
                             col_spec("cu", t_custom("com.example.cqlkit.PointType")),
                             global_spec=("tx", "kitchen")) +
     rows_content([[int_(2) + int_(4) + int_(1) + int_(4) + int_(2),
                    int_(1) + int_(1) + b"a",
                    int_(1) + int_(1) + b"k" + int_(4) + int_(1),
                    int_(4) + int_(1) + int_(3) + b"one",
                    int_(1) + b"s" + int_(4) + int_(1) + int_(-1),
                    int_(0),
                    b"\xca\xfe"]]))
# One value per native type except counter, in NATIVE's order.
NATIVE_ROW = [
    b"abc",                                                   # ascii
    struct.pack(">q", -(2 ** 40)),                            # bigint
    b"\x00\x01\xfe",                                          # blob
    b"\x01",                                                  # boolean
    int_(2) + b"\x01\x3a",                                    # decimal 3.14
    struct.pack(">d", 2.5),                                   # double
    struct.pack(">f", 0.5),                                   # float
    int_(-7),                                                 # int
    struct.pack(">q", 1614834367000),                         # timestamp
    uuid.UUID("12345678-1234-5678-1234-567812345678").bytes,  # uuid
    "h\u00e9llo".encode("utf-8"),                              # varchar
    bytes.fromhex("c0"),                                      # varint -64
    uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3").bytes,  # timeuuid
    bytes([10, 0, 0, 1]),                                     # inet
    struct.pack(">I", 2 ** 31 + 18263),                       # date
    struct.pack(">q", 1000),                                  # time
    struct.pack(">h", 7),                                     # smallint
    b"\x01",                                                  # tinyint
    bytes([0x02, 0x04, 0x06]),                                # duration 1mo 2d 3ns
]
case("result_rows_all_natives_v5", 5, 0x08,
     int_(2) + rows_metadata(0x0001, len(NATIVE) - 1,
                             b"".join(col_spec("c_" + n, t_native(n)) for n in NATIVE
                                      if n != "counter"),
                             global_spec=("tx", "natives")) +
     rows_content([[None] * (len(NATIVE) - 1), NATIVE_ROW]))

# Prepared
case("result_prepared_v4", 4, 0x08,
     int_(4) + short_bytes(bytes.fromhex("6a1d3b0f1d4a3b1e6e1fd2cd4b7c9f1e")) +
     int_(0x0001) + int_(3) + int_(2) + short(1) + short(0) + string("tx") + string("kitchen") +
     col_spec("c", TXT) + col_spec("k", I32) + col_spec("t", TXT) +
     rows_metadata(0x0004, 0))
case("result_prepared_select_v4", 4, 0x08,
     int_(4) + short_bytes(bytes.fromhex("00112233445566778899aabbccddeeff")) +
     int_(0x0001) + int_(2) + int_(1) + short(0) + string("tx") + string("kitchen") +
     col_spec("k", I32) + col_spec("cs", t_list(TXT)) +
     rows_metadata(0x0001, 1, col_spec("t", TXT), global_spec=("tx", "kitchen")))
case("result_prepared_v5", 5, 0x08,
     int_(4) + short_bytes(bytes.fromhex("ffeeddccbbaa99887766554433221100")) +
     short_bytes(bytes.fromhex("0102030405060708090a0b0c0d0e0f10")) +
     int_(0x0001) + int_(1) + int_(1) + short(0) + string("tx") + string("cnt") +
     col_spec("k", TXT) +
     rows_metadata(0x0001, 2, col_spec("k", TXT) + col_spec("n", t_native("counter")),
                   global_spec=("tx", "cnt")))
case("result_prepared_no_markers_v5", 5, 0x08,
     int_(4) + short_bytes(b"\x42" * 16) + short_bytes(b"\x24" * 16) +
     int_(0) + int_(0) + int_(0) + rows_metadata(0x0004, 0))
case("result_prepared_per_column_v5", 5, 0x08,
     int_(4) + short_bytes(b"\x07" * 16) + short_bytes(b"") +
     int_(0) + int_(2) + int_(0) +
     col_spec("a", I32, "ks1", "t1") + col_spec("b", I32, "ks2", "t2") +
     rows_metadata(0x0000, 1, col_spec("a", I32, "ks1", "t1")))
case("result_prepared_v3", 3, 0x08,
     int_(4) + short_bytes(b"\x33" * 16) +
     int_(0x0001) + int_(1) + string("tx") + string("kitchen") + col_spec("k", I32) +
     rows_metadata(0x0004, 0))

# ---- the rest -----------------------------------------------------------------

case("supported_v4", 4, 0x06,
     multimap([("PROTOCOL_VERSIONS", ["3/v3", "4/v4", "5/v5"]),
               ("COMPRESSION", ["snappy", "lz4"]), ("CQL_VERSION", ["3.4.5"])]))
case("supported_v5_empty_list", 5, 0x06,
     multimap([("COMPRESSION", []), ("CQL_VERSION", ["3.4.5", "3.4.6"])]), stream=1)
case("authenticate", 4, 0x03, string("org.apache.cassandra.auth.PasswordAuthenticator"))
case("auth_challenge", 5, 0x0E, bytes_(b"\x00challenge\xff"), stream=2)
case("auth_success_null", 4, 0x10, bytes_(None), override=[("token", "null")])
case("auth_success_token", 5, 0x10, bytes_(b"ok"))
case("auth_success_empty", 5, 0x10, bytes_(b""))
case("ready_v4", 4, 0x02, b"")
case("ready_v5_payload", 5, 0x02, bytes_map([("k", None)]), flags=PAYLOAD)


def write_seeds():
    """With --seeds: the RESULT, ERROR and EVENT cases also become seeds of
    the fuzz corpora (tests/fuzz/corpus/<target>/vec_<name>), in the fuzz
    targets' input layout: a version byte (3 + b % 3), a flags byte, the
    body."""
    root = os.path.join(os.path.dirname(OUT), "..", "fuzz", "corpus")
    targets = {0x08: "result", 0x00: "error", 0x0C: "event"}
    for line in cases:
        _, name, version, _, hexenv = line.split("\t")
        env = bytes.fromhex(hexenv)
        target = targets.get(env[4])
        if target is None:
            continue
        seed = bytes([int(version) - 3, env[1]]) + env[9:]
        with open(os.path.join(root, target, "vec_" + name), "wb") as f:
            f.write(seed)


if "--seeds" in sys.argv:
    write_seeds()

with open(OUT, "w") as f:
    f.write("# Generated by tests/vectors/gen_responses.py from the native protocol spec; checked\n")
    f.write("# against the DataStax Python driver's decoder. Do not edit.\n")
    f.write("# response<TAB>name<TAB>version<TAB>fields<TAB>envelope hex\n")
    for line in cases:
        f.write(line + "\n")
print("%d cases -> %s" % (len(cases), OUT))
