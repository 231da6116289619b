#!/usr/bin/env node
// Value vectors from the Node.js cassandra-driver (the only local encoder of
// `vector` values), as a second opinion next to gen_values.py.
//
// Adds `node_` lines to tests/vectors/values.tsv, keeping the Python
// driver's lines:
//   value <TAB> node_<name> <TAB> cql type <TAB> cql_value_format text <TAB> hex
// The hex is the driver's Encoder output (protocol v4); the text follows
// value.h's format, computed here from the JavaScript value.
//
// Setup: cd tests/vectors/node && npm install   (cassandra-driver 4.x)
// Run:   node tests/vectors/gen_values_node.js  Deterministic.
'use strict';

const fs = require('fs');
const path = require('path');
const cassandra = require('./node/node_modules/cassandra-driver');

const types = cassandra.types;
const dt = types.dataTypes;
const encoder = new cassandra.Encoder(4, {});
const OUT = path.join(__dirname, 'values.tsv');

// ---- types ----------------------------------------------------------------

function nat(name) {
  return { kind: name, cql: name, info: { code: dt[name] } };
}
function vector(elem, n) {
  return {
    kind: 'vector', cql: `vector<${elem.cql}, ${n}>`, elem,
    info: { code: dt.custom, info: [elem.info, n], customTypeName: 'vector' },
  };
}
function frozen(t) {
  return Object.assign({}, t, { cql: `frozen<${t.cql}>` });
}
function listOf(elem) {
  return { kind: 'list', cql: `list<${elem.cql}>`, elem, info: { code: dt.list, info: elem.info } };
}
function setOf(elem) {
  return { kind: 'set', cql: `set<${elem.cql}>`, elem, info: { code: dt.set, info: elem.info } };
}
function mapOf(key, val) {
  return {
    kind: 'map', cql: `map<${key.cql}, ${val.cql}>`, key, val,
    info: { code: dt.map, info: [key.info, val.info] },
  };
}
function tupleOf(...elems) {
  return {
    kind: 'tuple', cql: `tuple<${elems.map((e) => e.cql).join(', ')}>`, elems,
    info: { code: dt.tuple, info: elems.map((e) => e.info) },
  };
}
function udt(ks, name, fields) {
  return {
    kind: 'udt', cql: `${ks}.${name}`, fields,
    info: {
      code: dt.udt,
      info: { keyspace: ks, name, fields: fields.map(([n, t]) => ({ name: n, type: t.info })) },
    },
  };
}

// ---- expected text (value.h's format) ---------------------------------------

// C's "%.<p>g"; the values used here avoid exact decimal ties, where
// JavaScript rounds half up and C rounds half to even.
function gfmt(x, p) {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [m, e] = x.toExponential(p - 1).split('e');
  const exp = parseInt(e, 10);
  const strip = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= p) {
    return `${strip(m)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(x.toFixed(p - 1 - exp));
}

function fmtFloating(x, single) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  const maxP = single ? 9 : 17;
  for (let p = 1; p <= maxP; p++) {
    const s = gfmt(x, p);
    const back = single ? Math.fround(parseFloat(s)) : parseFloat(s);
    if (Object.is(back, x) || back === x) return s;
  }
  return gfmt(x, maxP);
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

function fmtDate(d) { // Date (UTC) to 'YYYY-MM-DD HH:MM:SS.mmmZ'
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
  return `'${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.` +
    `${pad(d.getUTCMilliseconds(), 3)}Z'`;
}

function fmtDuration(d) {
  const months = BigInt(d.months), days = BigInt(d.days);
  let ns = BigInt(d.nanoseconds.toString());
  const neg = months < 0n || days < 0n || ns < 0n;
  const abs = (v) => (v < 0n ? -v : v);
  const m = abs(months);
  ns = abs(ns);
  const parts = [[m / 12n, 'y'], [m % 12n, 'mo'], [abs(days), 'd']];
  for (const [size, unit] of [[3600000000000n, 'h'], [60000000000n, 'm'], [1000000000n, 's'],
    [1000000n, 'ms'], [1000n, 'us'], [1n, 'ns']]) {
    parts.push([ns / size, unit]);
    ns %= size;
  }
  const body = parts.filter(([v]) => v !== 0n).map(([v, u]) => `${v}${u}`).join('');
  return (neg ? '-' : '') + (body || '0s');
}

function fmt(t, v) {
  if (v === null || v === undefined) return 'null';
  switch (t.kind) {
    case 'boolean': return v ? 'true' : 'false';
    case 'int': case 'smallint': case 'tinyint': case 'bigint': case 'varint':
      return v.toString();
    case 'float': return fmtFloating(Math.fround(v), true);
    case 'double': return fmtFloating(v, false);
    case 'decimal': return v.toString(); // the driver's BigDecimal prints as Java's
    case 'text': case 'ascii': return `'${v.replace(/'/g, "''")}'`;
    case 'blob': return `0x${v.toString('hex')}`;
    case 'uuid': case 'timeuuid': return v.toString();
    case 'inet': return `'${v.toString()}'`;
    case 'timestamp': return fmtDate(v);
    case 'date': return `'${v.toString()}'`;
    case 'time': {
      const n = BigInt(v.getTotalNanoseconds().toString());
      const s = n / 1000000000n;
      return `'${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.` +
        `${pad(n % 1000000000n, 9)}'`;
    }
    case 'duration': return fmtDuration(v);
    case 'vector': case 'list':
      return `[${Array.from(v).map((x) => fmt(t.elem, x)).join(', ')}]`;
    case 'set': return `{${v.map((x) => fmt(t.elem, x)).join(', ')}}`;
    case 'map':
      return `{${Object.keys(v).map((k) => `${fmt(t.key, k)}: ${fmt(t.val, v[k])}`).join(', ')}}`;
    case 'tuple':
      return `(${t.elems.map((e, i) => fmt(e, v.get(i))).join(', ')})`;
    case 'udt':
      return `{${t.fields.map(([n, ft]) => `${n}: ${fmt(ft, v[n])}`).join(', ')}}`;
    default: throw new Error(`no formatter for ${t.kind}`);
  }
}

// ---- cases --------------------------------------------------------------------

const cases = [];
function add(name, t, value) {
  cases.push({ name: `node_${name}`, t, value });
}
const V = (arr) => new types.Vector(arr);
const Long = types.Long;
const uuidA = types.Uuid.fromString('f47ac10b-58cc-4372-a567-0e02b2c3d479');
const tuuidA = types.TimeUuid.fromString('e6c3f2b0-1c3b-11ee-be56-0242ac120002');

function vectors() {
  const fl = nat('float');
  add('vector_float_3', vector(fl, 3), V(new Float32Array([1.5, -2, 0.1])));
  add('vector_float_nan', vector(fl, 2), V([NaN, -0]));
  add('vector_float_limits', vector(fl, 4), V([Infinity, -Infinity, 3.4028234663852886e38,
    1.401298464324817e-45]));
  add('vector_float_1', vector(fl, 1), V([0.25]));
  add('vector_double_2', vector(nat('double'), 2), V([Math.PI, -1e300]));
  add('vector_int_4', vector(nat('int'), 4), V([0, -1, 2147483647, -2147483648]));
  add('vector_bigint_2', vector(nat('bigint'), 2), V([Long.MIN_VALUE, Long.MAX_VALUE]));
  add('vector_boolean_3', vector(nat('boolean'), 3), V([true, false, true]));
  add('vector_uuid_2', vector(nat('uuid'), 2),
    V([uuidA, types.Uuid.fromString('00000000-0000-0000-0000-000000000000')]));
  add('vector_timeuuid_1', vector(nat('timeuuid'), 1), V([tuuidA]));
  add('vector_timestamp_2', vector(nat('timestamp'), 2), V([new Date(0), new Date(-1)]));
  // variable-size elements: an unsigned vint length before each
  add('vector_text_3', vector(nat('text'), 3), V(['a', '', '\u00fcn\u00ef']));
  add('vector_text_long', vector(nat('text'), 1), V(['y'.repeat(200)]));
  add('vector_ascii_2', vector(nat('ascii'), 2), V(['x', 'yz']));
  add('vector_smallint_3', vector(nat('smallint'), 3), V([1, -1, 32767]));
  add('vector_tinyint_2', vector(nat('tinyint'), 2), V([-128, 127]));
  add('vector_varint_2', vector(nat('varint'), 2),
    V([types.Integer.fromNumber(0), types.Integer.fromString('-1180591620717411303424')]));
  add('vector_decimal_1', vector(nat('decimal'), 1), V([types.BigDecimal.fromString('1.50')]));
  add('vector_blob_2', vector(nat('blob'), 2), V([Buffer.from([1, 2]), Buffer.alloc(0)]));
  add('vector_inet_2', vector(nat('inet'), 2),
    V([types.InetAddress.fromString('127.0.0.1'), types.InetAddress.fromString('::1')]));
  add('vector_date_1', vector(nat('date'), 1), V([new types.LocalDate(2020, 2, 29)]));
  add('vector_time_1', vector(nat('time'), 1),
    V([new types.LocalTime(Long.fromString('3723004005006'))]));
  add('vector_duration_1', vector(nat('duration'), 1), V([new types.Duration(1, 2, 3)]));
  // nested: fixed inside fixed packs flat; variable inside keeps prefixes
  add('vector_vector_float', vector(vector(fl, 2), 2), V([V([1, 2]), V([3, 4])]));
  add('vector_vector_text', vector(vector(nat('text'), 1), 2), V([V(['a']), V(['bc'])]));
  add('vector_list_int', vector(frozen(listOf(nat('int'))), 2), V([[1, 2], [3]])); // an empty list encodes as null: the driver then fails
  add('vector_map_text_int', vector(frozen(mapOf(nat('text'), nat('int'))), 1), V([{ k: 7 }]));
  add('vector_tuple', vector(frozen(tupleOf(nat('int'), nat('text'))), 1),
    V([new types.Tuple(1, 'z')]));
  add('list_vector_float', listOf(vector(fl, 2)), [V([0.5, 1]), V([-0.5, 2])]);
}

function others() {
  add('int', nat('int'), -7);
  add('bigint', nat('bigint'), Long.fromString('-9223372036854775808'));
  add('varint', nat('varint'), types.Integer.fromString('1606938044258990275541962092341162602522202993782792835301376'));
  add('decimal', nat('decimal'), types.BigDecimal.fromString('-123.4500'));
  add('double', nat('double'), 0.1);
  add('float', nat('float'), 3.4028234663852886e38);
  add('text', nat('text'), "caf\u00e9 'x'");
  add('blob', nat('blob'), Buffer.from('00ff', 'hex'));
  add('uuid', nat('uuid'), uuidA);
  add('timeuuid', nat('timeuuid'), tuuidA);
  add('inet6', nat('inet'), types.InetAddress.fromString('2001:db8::8a2e:370:7334'));
  add('timestamp', nat('timestamp'), new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 890)));
  add('timestamp_neg', nat('timestamp'), new Date(-2208988800000));
  add('date', nat('date'), new types.LocalDate(1969, 12, 31));
  add('time', nat('time'), new types.LocalTime(Long.fromString('86399999999999')));
  add('duration', nat('duration'),
    new types.Duration(-14, -3, Long.fromString('-3723004005006')));
  add('list_int', listOf(nat('int')), [3, 2, 1]);
  add('set_text', setOf(nat('text')), ['a', 'b']);
  add('map_text_int', mapOf(nat('text'), nat('int')), { a: 1, b: -1 });
  add('tuple', tupleOf(nat('int'), nat('text'), nat('boolean')), new types.Tuple(1, null, true));
  add('udt', udt('tx', 'pt', [['x', nat('double')], ['y', nat('double')]]), { x: 1.5, y: -2 });
  add('list_frozen_set', listOf(frozen(setOf(nat('int')))), [[1, 2], [3]]);
}

vectors();
others();

const lines = cases.map(({ name, t, value }) => {
  let hex;
  try {
    hex = encoder.encode(value, t.info).toString('hex');
  } catch (e) {
    throw new Error(`${name}: the driver cannot encode it: ${e.message}`);
  }
  const text = fmt(t, value);
  for (const f of [name, t.cql, text]) {
    if (/[\t\n]/.test(f)) throw new Error(`tab or newline in ${name}`);
  }
  return ['value', name, t.cql, text, hex].join('\t');
});

const existing = fs.existsSync(OUT) ? fs.readFileSync(OUT, 'utf8').split('\n') : [];
const header = existing.filter((l) => l.startsWith('#'));
const keep = existing.filter((l) => l && !l.startsWith('#') && !l.startsWith('value\tnode_'));
const sorted = keep.concat(lines).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
fs.writeFileSync(OUT, header.concat(sorted).join('\n') + '\n');
console.log(`${lines.length} node cases, ${keep.length} python lines kept`);
