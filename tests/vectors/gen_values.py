#!/usr/bin/python3
"""Value vectors from the DataStax Python driver (cassandra.cqltypes).

Writes tests/vectors/values.tsv (with gen_values_node.js adding its node_
lines): one case per line,

    value <TAB> name <TAB> cql type <TAB> expected cql_value_format text <TAB> hex

The hex is what the driver serializes (protocol versions 4 and 5 must
agree, and the driver must read the bytes back to the same value). The
expected text follows the format value.h specifies, computed here from the
Python value, independently of the C formatter.

Run: /usr/bin/python3 tests/vectors/gen_values.py   (then the node script)
Deterministic: same output on every run.
"""

import copy
import datetime
import decimal
import ipaddress
import math
import os
import struct
import sys
import uuid

import cassandra.cqltypes as ct
from cassandra import util

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "values.tsv")


# ---- types: CQL syntax, the driver's class and what the formatter needs --


class T:
    def __init__(self, kind, cql, drv, children=(), fields=None):
        self.kind = kind
        self.cql = cql
        self.drv = drv
        self.children = list(children)
        self.fields = fields  # UDT field names


NATIVE_CLASSES = {
    "ascii": ct.AsciiType, "bigint": ct.LongType, "blob": ct.BytesType,
    "boolean": ct.BooleanType, "counter": ct.CounterColumnType, "date": ct.SimpleDateType,
    "decimal": ct.DecimalType, "double": ct.DoubleType, "duration": ct.DurationType,
    "float": ct.FloatType, "inet": ct.InetAddressType, "int": ct.Int32Type,
    "smallint": ct.ShortType, "text": ct.UTF8Type, "time": ct.TimeType,
    "timestamp": ct.DateType, "timeuuid": ct.TimeUUIDType, "tinyint": ct.ByteType,
    "uuid": ct.UUIDType, "varint": ct.IntegerType,
}


def nat(name):
    return T(name, name, NATIVE_CLASSES[name])


def frozen(t):
    f = copy.copy(t)
    f.cql = "frozen<%s>" % t.cql
    return f


def list_of(e):
    return T("list", "list<%s>" % e.cql, ct.ListType.apply_parameters([e.drv]), [e])


def set_of(e):
    return T("set", "set<%s>" % e.cql, ct.SetType.apply_parameters([e.drv]), [e])


def map_of(k, v):
    return T("map", "map<%s, %s>" % (k.cql, v.cql), ct.MapType.apply_parameters([k.drv, v.drv]),
             [k, v])


def tuple_of(*ts):
    return T("tuple", "tuple<%s>" % ", ".join(t.cql for t in ts),
             ct.TupleType.apply_parameters([t.drv for t in ts]), ts)


UDTS = {}  # "ks.name" -> marshal class string, for the udt lines


def udt(ks, name, fields):
    names = tuple(f for f, _ in fields)
    types = tuple(t.drv for _, t in fields)
    drv = ct.UserType.make_udt_class(ks, name, names, types)
    t = T("udt", "%s.%s" % (ks, name), drv, [t for _, t in fields], list(names))
    t.udt = (ks, name)
    UDTS[t.cql] = marshal_class(t)
    return t


def marshal_class(t):
    """Cassandra's class string (the driver does not write UserType's)."""
    pkg = "org.apache.cassandra.db.marshal."
    if t.kind == "udt":
        ks, name = t.udt
        fields = ",".join("%s:%s" % (f.encode().hex(), marshal_class(c))
                          for f, c in zip(t.fields, t.children))
        return "%sUserType(%s,%s,%s)" % (pkg, ks, name.encode().hex(), fields)
    if t.kind in ("list", "set", "map", "tuple"):
        name = {"list": "ListType", "set": "SetType", "map": "MapType", "tuple": "TupleType"}
        return "%s%s(%s)" % (pkg, name[t.kind], ",".join(marshal_class(c) for c in t.children))
    return t.drv.cass_parameterized_type(full=True)


# ---- the expected text (value.h's format, implemented independently) ----


def shortest_g(x, max_p, same):
    for p in range(1, max_p + 1):
        s = "%.*g" % (p, x)
        if same(float(s)):
            return s
    return "%.*g" % (max_p, x)


FLT_MAX = struct.unpack(">f", b"\x7f\x7f\xff\xff")[0]


def f32(x):
    """x rounded to binary32, as strtof would (struct refuses values past
    FLT_MAX that still round down to it)."""
    if abs(x) > FLT_MAX and not math.isinf(x):
        return math.copysign(FLT_MAX if abs(x) < FLT_MAX + 2.0**103 else math.inf, x)
    return struct.unpack(">f", struct.pack(">f", x))[0]


def fmt_floating(x, single):
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "-Infinity" if x < 0 else "Infinity"
    if single:
        v = f32(x)
        return shortest_g(v, 9, lambda y: f32(y) == v)
    return shortest_g(x, 17, lambda y: y == x)


def fmt_civil(days):
    """Proleptic Gregorian date of a day count; datetime where it reaches."""
    try:
        d = datetime.date(1970, 1, 1) + datetime.timedelta(days=days)
        return "%04d-%02d-%02d" % (d.year, d.month, d.day)
    except OverflowError:
        pass
    # Outside years 1..9999: the 400-year cycle of 146097 days.
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (1 if month <= 2 else 0)
    sign = "-" if year < 0 else ""
    return "%s%04d-%02d-%02d" % (sign, abs(year), month, day)


def fmt_clock(nanos, digits):
    sec, frac = divmod(nanos, 10**9)
    if digits == 3:
        frac //= 10**6
    return "%02d:%02d:%02d.%0*d" % (sec // 3600, sec // 60 % 60, sec % 60, digits, frac)


def fmt_timestamp(ms):
    days, ms_of_day = divmod(ms, 86400000)
    return "'%s %sZ'" % (fmt_civil(days), fmt_clock(ms_of_day * 10**6, 3))


def fmt_duration(d):
    m, dd, n = d.months, d.days, d.nanoseconds
    out = "-" if (m < 0 or dd < 0 or n < 0) else ""
    m, dd, n = abs(m), abs(dd), abs(n)
    parts = [(m // 12, "y"), (m % 12, "mo"), (dd, "d")]
    for size, unit in ((3600 * 10**9, "h"), (60 * 10**9, "m"), (10**9, "s"), (10**6, "ms"),
                       (10**3, "us"), (1, "ns")):
        parts.append((n // size, unit))
        n %= size
    body = "".join("%d%s" % (v, u) for v, u in parts if v)
    return out + (body or "0s")


def fmt_ipv6(packed):
    groups = struct.unpack(">8H", packed)
    best, best_len, i = -1, 0, 0
    while i < 8:
        j = i
        while j < 8 and groups[j] == 0:
            j += 1
        if j - i > best_len and j - i >= 2:
            best, best_len = i, j - i
        i = max(j, i + 1)
    if best < 0:
        return ":".join("%x" % g for g in groups)
    head = ":".join("%x" % g for g in groups[:best])
    tail = ":".join("%x" % g for g in groups[best + best_len:])
    return head + "::" + tail


def fmt_inet(s):
    ip = ipaddress.ip_address(s)
    return "'%s'" % (str(ip) if ip.version == 4 else fmt_ipv6(ip.packed))


def fmt_decimal(d):
    # From the wire's view: unscaled integer and scale, so -0 prints as 0.
    sign, digits, exp = d.as_tuple()
    unscaled = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    wire = decimal.Decimal((1 if unscaled < 0 else 0, tuple(int(c) for c in str(abs(unscaled))),
                            exp))
    return str(wire)


def fmt_ident(name):
    import re
    reserved = {"set", "select", "from", "where", "table", "with"}
    if re.fullmatch(r"[a-z][a-z0-9_]*", name) and name not in reserved and \
            name not in NATIVE_CLASSES and name not in ("list", "map", "tuple", "vector",
                                                        "varchar"):
        return name
    return '"%s"' % name.replace('"', '""')


def fmt(t, v):
    if v is None:
        return "null"
    k = t.kind
    if k == "boolean":
        return "true" if v else "false"
    if k in ("tinyint", "smallint", "int", "bigint", "counter", "varint"):
        return str(int(v))
    if k in ("float", "double"):
        return fmt_floating(v, k == "float")
    if k == "decimal":
        return fmt_decimal(v)
    if k in ("ascii", "text"):
        return "'%s'" % v.replace("'", "''")
    if k == "blob":
        return "0x" + bytes(v).hex()
    if k in ("uuid", "timeuuid"):
        return str(v)
    if k == "inet":
        return fmt_inet(v)
    if k == "date":
        return "'%s'" % fmt_civil(v.days_from_epoch)
    if k == "time":
        return "'%s'" % fmt_clock(v.nanosecond_time, 9)
    if k == "timestamp":
        if isinstance(v, datetime.datetime):
            delta = v - datetime.datetime(1970, 1, 1)
            v = delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000
        return fmt_timestamp(v)
    if k == "duration":
        return fmt_duration(v)
    if k == "list":
        return "[%s]" % ", ".join(fmt(t.children[0], x) for x in v)
    if k == "set":
        return "{%s}" % ", ".join(fmt(t.children[0], x) for x in v)
    if k == "map":
        return "{%s}" % ", ".join("%s: %s" % (fmt(t.children[0], a), fmt(t.children[1], b))
                                  for a, b in v.items())
    if k == "tuple":
        return "(%s)" % ", ".join(fmt(c, x) for c, x in zip(t.children, v))
    if k == "udt":
        return "{%s}" % ", ".join("%s: %s" % (fmt_ident(f), fmt(c, x))
                                  for f, c, x in zip(t.fields, t.children, v))
    raise ValueError(k)


# ---- the cases ----------------------------------------------------------

CASES = []


def case(name, t, value, text=None):
    CASES.append((name, t, value, text))


def scalars():
    i8, i16, i32, i64 = nat("tinyint"), nat("smallint"), nat("int"), nat("bigint")
    for t, bits in ((i8, 8), (i16, 16), (i32, 32), (i64, 64)):
        lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
        for label, v in (("min", lo), ("max", hi), ("zero", 0), ("minus_one", -1), ("one", 1),
                         ("min_plus_one", lo + 1)):
            case("%s_%s" % (t.kind, label), t, v)
    case("int_1000000", i32, 1000000)
    case("bigint_2p40", i64, 1 << 40)
    c = nat("counter")
    for label, v in (("zero", 0), ("neg", -42), ("max", (1 << 63) - 1)):
        case("counter_" + label, c, v)

    b = nat("boolean")
    case("boolean_true", b, True)
    case("boolean_false", b, False)

    fl, db = nat("float"), nat("double")
    for label, v in (("zero", 0.0), ("neg_zero", -0.0), ("one_half", 1.5), ("tenth", 0.1),
                     ("neg", -2.25), ("nan", float("nan")), ("inf", float("inf")),
                     ("neg_inf", float("-inf")), ("max", 3.4028234663852886e38),
                     ("min_normal", 1.1754943508222875e-38),
                     ("min_subnormal", 1.401298464324817e-45), ("big", 1e16),
                     ("pi", math.pi), ("third", 1 / 3), ("million", 1e6)):
        case("float_" + label, fl, v)
    for label, v in (("zero", 0.0), ("neg_zero", -0.0), ("one_half", 1.5), ("tenth", 0.1),
                     ("nan", float("nan")), ("inf", float("inf")), ("neg_inf", float("-inf")),
                     ("max", sys.float_info.max), ("min_normal", sys.float_info.min),
                     ("min_subnormal", 5e-324), ("big", 1e16), ("e15", 1e15),
                     ("small", 1.5e-7), ("pi", math.pi), ("third", 1 / 3), ("neg", -123.456)):
        case("double_" + label, db, v)

    vi = nat("varint")
    for label, v in (("zero", 0), ("one", 1), ("minus_one", -1), ("127", 127), ("128", 128),
                     ("minus_128", -128), ("minus_129", -129), ("255", 255), ("256", 256),
                     ("i64_max", (1 << 63) - 1), ("i64_min", -(1 << 63)), ("2p64", 1 << 64),
                     ("2p200", 1 << 200), ("minus_2p70", -(1 << 70)),
                     ("ten_p40", 10**40), ("minus_ten_p40_plus_one", -(10**40) + 1)):
        case("varint_" + label, vi, v)

    de = nat("decimal")
    D = decimal.Decimal
    for label, v in (("zero", D("0")), ("zero_scale2", D("0.00")), ("one", D("1")),
                     ("one_fifty", D("1.50")), ("neg", D("-3.14159")), ("small", D("0.00012")),
                     ("tiny", D("1.2E-7")), ("neg_scale", D("1.23E+5")), ("neg_scale_big",
                                                                           D("5E+20")),
                     ("huge", D("123456789012345678901234567890.123456789")),
                     ("neg_tiny", D("-4.5E-10")), ("int_like", D("42")),
                     ("zero_neg_scale", D("0E+3")), ("six_zeros", D("0.0000001")),
                     ("five_zeros", D("0.000001"))):
        case("decimal_" + label, de, v)

    for kind in ("text", "ascii"):
        t = nat(kind)
        case(kind + "_empty", t, "")
        case(kind + "_hello", t, "hello")
        case(kind + "_quote", t, "it's")
        case(kind + "_punct", t, "a \"b\" {c} [d] \\ 0x00")
        case(kind + "_del", t, "\x01\x7f")
    tx = nat("text")
    case("text_latin1", tx, "caf\u00e9")
    case("text_cjk", tx, "\u65e5\u672c\u8a9e")
    case("text_emoji", tx, "\U0001F600 smile")
    case("text_max_bmp", tx, "\uffff\ud7ff\ue000")
    case("text_max_code_point", tx, "\U0010ffff")
    case("text_long", tx, "x" * 300)

    bl = nat("blob")
    case("blob_empty", bl, b"")
    case("blob_bytes", bl, b"\x00\x01\x02\xff")
    case("blob_256", bl, bytes(range(256)))

    u, tu = nat("uuid"), nat("timeuuid")
    case("uuid_v4", u, uuid.UUID("f47ac10b-58cc-4372-a567-0e02b2c3d479"))
    case("uuid_v1", u, uuid.UUID("e6c3f2b0-1c3b-11ee-be56-0242ac120002"))
    case("uuid_nil", u, uuid.UUID(int=0))
    case("uuid_max", u, uuid.UUID(int=(1 << 128) - 1))
    case("timeuuid_a", tu, uuid.UUID("e6c3f2b0-1c3b-11ee-be56-0242ac120002"))
    case("timeuuid_min", tu, uuid.UUID("00000000-0000-1000-8080-808080808080"))
    case("timeuuid_max", tu, uuid.UUID("ffffffff-ffff-1fff-bf7f-7f7f7f7f7f7f"))

    ip = nat("inet")
    for label, v in (("v4_loopback", "127.0.0.1"), ("v4_zero", "0.0.0.0"),
                     ("v4_broadcast", "255.255.255.255"), ("v6_loopback", "::1"),
                     ("v6_any", "::"), ("v6_doc", "2001:db8::8a2e:370:7334"),
                     ("v6_full", "2001:db8:1:2:3:4:5:6"), ("v6_mapped", "::ffff:192.0.2.1"),
                     ("v6_two_runs", "1:0:0:2:0:0:0:3"), ("v6_tie", "1:0:0:2:3:0:0:4"),
                     ("v6_single_zero", "1:0:2:3:4:5:6:7"), ("v6_trailing", "fe80::")):
        case("inet_" + label, ip, v)

    dt = nat("date")
    for label, days in (("epoch", 0), ("day_before_epoch", -1), ("y2k", 10957),
                        ("leap_day_2020", 18321), ("year_1", -719162), ("year_9999_end", 2932896),
                        ("min", -(1 << 31)), ("max", (1 << 31) - 1), ("year_0", -719163),
                        ("far_bc", -800000000), ("far_future", 100000000)):
        case("date_" + label, dt, util.Date(days))

    tm = nat("time")
    for label, ns in (("midnight", 0), ("one_ns", 1), ("noon", 12 * 3600 * 10**9),
                      ("last", 86399999999999), ("mixed", 3723004005006)):
        case("time_" + label, tm, util.Time(ns))

    ts = nat("timestamp")
    for label, ms in (("epoch", 0), ("minus_one", -1), ("one", 1),
                      ("y2k", 946684800000), ("neg_1900", -2208988800000),
                      ("max", (1 << 63) - 1), ("min", -(1 << 63)), ("year_1", -62135596800000),
                      ("pre_year_1", -62135596800001), ("future", 253402300799999),
                      ("past_9999", 253402300800000)):
        case("timestamp_" + label, ts, ms)
    case("timestamp_datetime", ts, datetime.datetime(2021, 3, 4, 5, 6, 7, 890000))

    du = nat("duration")
    Du = util.Duration
    for label, v in (("zero", Du(0, 0, 0)), ("pos", Du(14, 3, 4 * 3600 * 10**9 + 5 * 60 * 10**9 +
                                                           6 * 10**9 + 7 * 10**6 + 8 * 10**3 + 9)),
                     ("neg", Du(-1, -2, -3)), ("neg_days", Du(0, -3, 0)),
                     ("months_only", Du(12, 0, 0)), ("nanos_only", Du(0, 0, 1)),
                     ("big", Du((1 << 31) - 1, (1 << 31) - 1, (1 << 63) - 1)),
                     ("most_neg", Du(-(1 << 31), -(1 << 31), -(1 << 63))),
                     ("vint_sizes", Du(64, 8192, 1 << 40))):
        case("duration_" + label, du, v)


def collections():
    i32, tx = nat("int"), nat("text")
    li = list_of(i32)
    case("list_int_empty", li, [])
    case("list_int_three", li, [1, -2, 3])
    case("list_text", list_of(tx), ["a", "", "\u00e9"])
    si = set_of(i32)
    case("set_int_empty", si, [])
    case("set_int_sorted", si, [-5, 0, 7])
    case("set_text", set_of(tx), ["x", "y"])
    mti = map_of(tx, i32)
    case("map_text_int_empty", mti, {})
    case("map_text_int", mti, {"a": 1, "b": 2})
    case("map_uuid_blob", map_of(nat("uuid"), nat("blob")),
         {uuid.UUID("f47ac10b-58cc-4372-a567-0e02b2c3d479"): b"\x01"})
    case("map_int_bigint", map_of(i32, nat("bigint")), {1: -(1 << 63), 2: (1 << 63) - 1})
    case("set_inet", set_of(nat("inet")), ["10.0.0.1", "::1"])
    case("list_timestamp", list_of(nat("timestamp")), [0, -1])
    case("list_boolean", list_of(nat("boolean")), [True, False])
    case("list_double", list_of(nat("double")), [1.5, float("nan"), float("-inf")])
    case("list_decimal", list_of(nat("decimal")), [decimal.Decimal("1.5"),
                                                   decimal.Decimal("-2E+3")])
    case("list_varint", list_of(nat("varint")), [0, 1 << 100])
    case("list_duration", list_of(nat("duration")), [util.Duration(1, 2, 3)])
    case("set_date", set_of(nat("date")), [util.Date(0), util.Date(1)])
    case("set_time", set_of(nat("time")), [util.Time(1)])

    fli = frozen(list_of(i32))
    case("list_frozen_list_int", list_of(fli), [[1, 2], [], [3]])
    case("set_frozen_list_int", set_of(fli), [[1], [1, 2]])
    case("map_frozen_set_int_text", map_of(frozen(set_of(i32)), tx), {(1, 2): "x"})
    nested = map_of(tx, frozen(list_of(frozen(set_of(i32)))))
    case("map_text_frozen_list_frozen_set_int", nested,
         {"a": [[1, 2], [3]], "b": [], "c": [[]]})
    deep = frozen(list_of(frozen(list_of(frozen(list_of(frozen(list_of(i32))))))))
    case("list_4_deep", list_of(deep), [[[[[1]]]]])
    case("map_frozen_map", map_of(i32, frozen(map_of(tx, frozen(list_of(tx))))),
         {1: {"k": ["v", "w"]}})


def tuples_and_udts():
    i32, tx = nat("int"), nat("text")
    tt = tuple_of(i32, tx)
    case("tuple_int_text", tt, (1, "x"))
    case("tuple_nulls", tt, (None, None))
    case("tuple_first_null", tt, (None, "y"))
    case("tuple_second_null", tt, (7, None))
    case("tuple_single", tuple_of(nat("bigint")), (5,))
    case("tuple_mixed", tuple_of(nat("uuid"), nat("double"), nat("blob"), nat("boolean")),
         (uuid.UUID(int=1), -0.5, b"", True))
    case("tuple_nested", tuple_of(i32, frozen(tuple_of(tx, frozen(list_of(i32))))),
         (1, ("a", [2, 3])))
    case("list_frozen_tuple", list_of(frozen(tuple_of(i32, tx))), [(1, "a"), (2, None)])
    case("map_int_frozen_tuple", map_of(i32, frozen(tuple_of(nat("float"), nat("float")))),
         {1: (0.5, -0.5)})

    addr = udt("tx", "addr", [("street", tx), ("zip", i32), ("tags", frozen(set_of(tx)))])
    case("udt_addr", addr, ("Main St", 12345, ["a", "b"]))
    case("udt_addr_nulls", addr, (None, None, None))
    case("udt_addr_partial", addr, ("Elm", None, []))
    pt = udt("tx", "pt", [("x", nat("double")), ("y", nat("double"))])
    case("udt_pt", pt, (1.5, -2.0))
    odd = udt("tx", "odd", [("Mixed", i32), ("select", tx), ("with space", nat("boolean"))])
    case("udt_quoted_fields", odd, (1, "s", False))
    case("list_frozen_udt", list_of(frozen(pt)), [(0.0, 1.0), (2.0, 3.0)])
    outer = udt("tx", "outer", [("inner", frozen(addr)), ("pts", frozen(list_of(frozen(pt))))])
    case("udt_nested", outer, (("S", 1, ["t"]), [(1.0, 2.0)]))
    case("tuple_with_udt", tuple_of(frozen(pt), i32), ((0.25, 0.75), 3))


def build():
    scalars()
    collections()
    tuples_and_udts()
    lines = []
    seen = set()
    for name, t, value, text in CASES:
        assert name not in seen, name
        seen.add(name)
        v4 = t.drv.serialize(value, 4)
        v5 = t.drv.serialize(value, 5)
        assert v4 == v5, name
        try:  # the driver must read its own bytes (where Python's types reach)
            t.drv.deserialize(v4, 4)
        except (OverflowError, ValueError):
            assert t.kind in ("timestamp", "date"), name
        expected = text if text is not None else fmt(t, value)
        for field in (name, t.cql, expected):
            assert "\t" not in field and "\n" not in field, name
        lines.append("\t".join(("value", name, t.cql, expected, v4.hex())))
    lines += ["\t".join(("udt", name, cls)) for name, cls in UDTS.items()]
    return sorted(lines)


def main():
    lines = build()
    keep = []
    if os.path.exists(OUT):  # keep the node script's lines
        with open(OUT, encoding="utf-8") as f:
            keep = [l.rstrip("\n") for l in f if l.startswith("value\tnode_")]
    header = ["# Value vectors: value<TAB>name<TAB>cql type<TAB>cql_value_format text<TAB>hex",
              "# and the UDTs they use: udt<TAB>keyspace.name<TAB>marshal class string",
              "# Generated by tests/vectors/gen_values.py (Python driver %s) and"
              % __import__("cassandra").__version__,
              "# tests/vectors/gen_values_node.js (node_ lines). Do not edit by hand."]
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for l in header + sorted(lines + keep):
            f.write(l + "\n")
    print("%d python cases, %d node cases kept" % (len(lines), len(keep)))


if __name__ == "__main__":
    main()
