// The interop scenario for the Node.js cassandra-driver (npm, v4) against a
// cqlkit-node, protocol v4. Run through run_with_node.py, which sets
// CQLKIT_NODE_PORT; the driver comes from tests/vectors/node/node_modules
// (NODE_PATH). The same steps as scenario.py and scenario_gocql.go. Prints
// every mismatch as a want/got diff; exits 1 if any step failed.
'use strict';
const assert = require('assert');
const cassandra = require('cassandra-driver');
const { types } = cassandra;

const KS = 'interop_js';
const failures = [];

// Deep comparison on the driver's value classes through a canonical form.
function canon(v) {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return 'blob:' + v.toString('hex');
  if (v instanceof types.Long) return 'long:' + v.toString();
  if (v instanceof types.Integer) return 'varint:' + v.toString();
  if (v instanceof types.BigDecimal) return 'decimal:' + v.toString();
  if (v instanceof types.LocalDate) return 'date:' + v.toString();
  if (v instanceof types.LocalTime) return 'time:' + v.toString();
  if (v instanceof types.Duration) return 'duration:' + v.toString();
  if (v instanceof types.InetAddress) return 'inet:' + v.toString();
  if (v instanceof types.Uuid) return 'uuid:' + v.toString();
  if (v instanceof types.Tuple) return { tuple: v.values().map(canon) };
  if (v instanceof Date) return 'ts:' + v.toISOString();
  if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [canon(k), canon(x)]) };
  if (v instanceof Set) return { set: [...v].map(canon) };
  if (Array.isArray(v)) return v.map(canon);
  if (typeof v === 'object') {
    const o = {};
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k]);
    return o;
  }
  return v;
}

function check(what, got, want) {
  try {
    assert.deepStrictEqual(canon(got), canon(want));
  } catch (e) {
    failures.push(what);
    console.log(`MISMATCH ${what}\n  want: ${JSON.stringify(canon(want))}\n  got:  ${JSON.stringify(canon(got))}`);
  }
}

function checkRow(what, row, want) {
  if (!row) {
    check(`${what} row present`, null, 'a row');
    return;
  }
  for (const col of Object.keys(want)) check(`${what}.${col}`, row[col], want[col]);
  check(`${what} columns`, Object.keys(row).sort(), Object.keys(want).sort());
}

const COLS = ['k', 'a', 'b', 'bl', 'bo', 'd', 'de', 'db', 'du', 'f', 'i', 'i6', 'sm', 't', 'tm', 'ts',
  'tu', 'ti', 'u', 'vc', 'vi', 'l', 'st', 'm', 'tp', 'ad', 'ad2', 'nest', 'ms'];

const ALL_TYPES = `CREATE TABLE IF NOT EXISTS all_types (
  k int PRIMARY KEY, a ascii, b bigint, bl blob, bo boolean, d date, de decimal, db double,
  du duration, f float, i inet, i6 inet, sm smallint, t text, tm time, ts timestamp,
  tu timeuuid, ti tinyint, u uuid, vc varchar, vi varint, l list<int>, st set<text>,
  m map<text, int>, tp tuple<int, text, boolean>, ad frozen<addr>, ad2 addr,
  nest frozen<list<map<text, int>>>, ms map<int, frozen<set<text>>>)`;

function row1() {
  return {
    k: 1, a: 'ascii', b: types.Long.fromString('-1099511627776'), bl: Buffer.from([0, 1, 255]),
    bo: true, d: types.LocalDate.fromString('2020-01-02'), de: types.BigDecimal.fromString('-3.1415'),
    db: 2.5, du: new types.Duration(1, 2, types.Long.fromString('3000000004')), f: 0.5,
    i: types.InetAddress.fromString('10.0.0.1'), i6: types.InetAddress.fromString('::1'), sm: -7,
    t: 'text \u00e9\u4e2d', tm: types.LocalTime.fromString('01:02:03.000000004'),
    ts: new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 8)),
    tu: types.TimeUuid.fromString('d2177dd0-eaa2-11de-a572-001b779c76e3'), ti: -128,
    u: types.Uuid.fromString('12345678-1234-5678-1234-567812345678'), vc: 'varchar',
    vi: types.Integer.fromString('-1180591620717411303424'), l: [3, 1, 2], st: ['b', 'a'],
    m: { k: 1, j: -2 }, tp: new types.Tuple(7, 'seven', false),
    ad: { street: 'main st', zip: 12345, tags: ['x', 'y'] }, ad2: { street: 'side st', zip: null, tags: null },
    nest: [{ a: 1 }, {}], ms: { 2: ['q'], 1: ['p', 'o'] },
  };
}

function wantRow1() {
  const r = row1();
  // read back: sets sorted as arrays, maps as objects in key order, UDT fields in order
  return Object.assign(r, {
    tu: types.TimeUuid.fromString('d2177dd0-eaa2-11de-a572-001b779c76e3'),
    st: ['a', 'b'], m: { j: -2, k: 1 }, ad: { street: 'main st', zip: 12345, tags: ['x', 'y'] },
    ms: { 1: ['o', 'p'], 2: ['q'] },
  });
}

async function stepTypes(c) {
  await c.execute('CREATE TYPE IF NOT EXISTS addr (street text, zip int, tags frozen<set<text>>)');
  await c.execute('CREATE TYPE IF NOT EXISTS addr (street text)');
  await c.execute(ALL_TYPES);
  await c.execute(ALL_TYPES);
  const ins = `INSERT INTO all_types (${COLS.join(', ')}) VALUES (${COLS.map(() => '?').join(', ')})`;
  const r1 = row1();
  await c.execute(ins, COLS.map((n) => r1[n]), { prepare: true });
  await c.execute(ins, [2].concat(COLS.slice(1).map(() => null)), { prepare: true });
  let rs = await c.execute('SELECT * FROM all_types WHERE k = 1');
  checkRow('all_types k=1', rs.first(), wantRow1());
  rs = await c.execute('SELECT * FROM all_types WHERE k = ?', [2], { prepare: true });
  const nulls = {};
  for (const n of COLS) nulls[n] = null;
  nulls.k = 2;
  checkRow('all_types k=2', rs.first(), nulls);
  await c.execute("UPDATE all_types SET l = l + [4], l = [0] + l, st = st - {'a'}, m['z'] = 26, " +
    "m = m - {'j'} WHERE k = 1");
  rs = await c.execute('SELECT l, st, m FROM all_types WHERE k = 1');
  checkRow('collections after update', rs.first(), { l: [0, 3, 1, 2, 4], st: ['b'], m: { k: 1, z: 26 } });
}

async function stepPaging(c) {
  await c.execute('CREATE TABLE IF NOT EXISTS pages (p int, c int, v text, PRIMARY KEY (p, c))');
  const ins = 'INSERT INTO pages (p, c, v) VALUES (?, ?, ?)';
  const params = [];
  for (let i = 0; i < 10000; i++) params.push([i % 10, Math.floor(i / 10), 'v' + i]);
  await cassandra.concurrent.executeConcurrent(c, ins, params, { concurrencyLevel: 64 });
  let n = 0;
  let pages = 0;
  let pageState;
  const seen = new Set();
  do {
    const rs = await c.execute('SELECT p, c, v FROM pages', [], { fetchSize: 100, pageState, autoPage: false });
    pages++;
    if (rs.rows.length > 100) check('page size', rs.rows.length, 100);
    for (const row of rs.rows) {
      n++;
      seen.add(row.p * 100000 + row.c);
      if (row.v !== 'v' + (row.c * 10 + row.p)) check(`pages value at (${row.p}, ${row.c})`, row.v, 'v' + (row.c * 10 + row.p));
    }
    pageState = rs.pageState;
  } while (pageState);
  check('paged rows', n, 10000);
  check('distinct paged rows', seen.size, 10000);
  check('pages', pages, 100);
  // one partition, prepared, with the driver's own paging (eachRow / autoPage)
  const cs = [];
  await new Promise((resolve, reject) => {
    c.eachRow('SELECT c FROM pages WHERE p = ?', [3], { prepare: true, fetchSize: 100, autoPage: true },
      (i, row) => cs.push(row.c), (err) => (err ? reject(err) : resolve()));
  });
  check('partition 3 clustering order', cs, Array.from({ length: 1000 }, (_, i) => i));
  const rs = await c.execute('SELECT COUNT(*) FROM pages WHERE p = 3');
  check('count(*)', rs.first().count, types.Long.fromNumber(1000));
}

async function stepMarkers(c) {
  let rs = await c.execute('SELECT v FROM pages WHERE p = ? AND c IN ?', [4, [1, 2]], { prepare: true });
  check('positional markers', rs.rows.map((r) => r.v), ['v14', 'v24']);
  rs = await c.execute('SELECT v FROM pages WHERE p = :pp AND c >= :lo AND c < :hi',
    { pp: 5, lo: 998, hi: 1000 }, { prepare: true });
  check('named markers', rs.rows.map((r) => r.v), ['v9985', 'v9995']);
  rs = await c.execute('SELECT v FROM pages WHERE p = ? AND c = ?', [6, 7], { hints: ['int', 'int'] });
  check('unprepared bound values', rs.rows.map((r) => r.v), ['v76']);
}

async function stepBatch(c) {
  await c.execute('CREATE TABLE IF NOT EXISTS kv (k text, c int, v text, PRIMARY KEY (k, c))');
  await c.batch([
    { query: 'INSERT INTO kv (k, c, v) VALUES (?, ?, ?)', params: ['batch', 1, 'one'] },
    { query: "INSERT INTO kv (k, c, v) VALUES ('batch', 2, 'two')" },
    { query: 'UPDATE kv SET v = ? WHERE k = ? AND c = ?', params: ['three', 'batch', 3] },
  ], { prepare: true });
  await c.batch([
    { query: 'INSERT INTO kv (k, c, v) VALUES (?, ?, ?)', params: ['other', 1, 'x'] },
    { query: "DELETE FROM kv WHERE k = 'batch' AND c = 2" },
  ], { prepare: true, logged: false });
  const rs = await c.execute("SELECT c, v FROM kv WHERE k = 'batch'");
  check('batch rows', rs.rows.map((r) => [r.c, r.v]), [[1, 'one'], [3, 'three']]);
}

async function stepLwt(c) {
  let rs = await c.execute("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'first') IF NOT EXISTS");
  check('LWT insert applied', rs.wasApplied(), true);
  check('LWT insert applied row', Object.keys(rs.first()), ['[applied]']);
  rs = await c.execute("INSERT INTO kv (k, c, v) VALUES ('lwt', 1, 'second') IF NOT EXISTS");
  check('LWT insert not applied', rs.wasApplied(), false);
  checkRow('LWT insert existing row', rs.first(), { '[applied]': false, k: 'lwt', c: 1, v: 'first' });
  rs = await c.execute("UPDATE kv SET v = 'third' WHERE k = 'lwt' AND c = 1 IF v = 'nope'");
  checkRow('LWT update not applied', rs.first(), { '[applied]': false, v: 'first' });
  rs = await c.execute("UPDATE kv SET v = 'third' WHERE k = 'lwt' AND c = 1 IF v = 'first'");
  checkRow('LWT update applied', rs.first(), { '[applied]': true });
  rs = await c.execute("DELETE FROM kv WHERE k = 'lwt' AND c = 2 IF EXISTS");
  checkRow('LWT delete not applied', rs.first(), { '[applied]': false });
  rs = await c.execute('UPDATE kv SET v = ? WHERE k = ? AND c = ? IF v = ?', ['fourth', 'lwt', 1, 'third'],
    { prepare: true });
  check('prepared LWT applied', rs.wasApplied(), true);
  rs = await c.execute("SELECT v FROM kv WHERE k = 'lwt' AND c = 1");
  check('LWT final value', rs.first().v, 'fourth');
}

async function stepCounters(c) {
  await c.execute('CREATE TABLE IF NOT EXISTS cnt (k text PRIMARY KEY, n counter, m counter)');
  await c.execute("UPDATE cnt SET n = n + 5 WHERE k = 'a'");
  await c.execute("UPDATE cnt SET n = n - 2, m = m + 1 WHERE k = 'a'");
  await c.execute('UPDATE cnt SET n = n + ? WHERE k = ?', [types.Long.fromNumber(10), 'a'], { prepare: true });
  await c.batch([
    { query: 'UPDATE cnt SET n = n + ? WHERE k = ?', params: [types.Long.fromNumber(100), 'b'] },
    { query: "UPDATE cnt SET m = m + 7 WHERE k = 'b'" },
  ], { prepare: true, counter: true });
  const rs = await c.execute('SELECT k, n, m FROM cnt');
  const got = {};
  for (const r of rs.rows) got[r.k] = [r.n, r.m];
  check('counters', got, { a: [types.Long.fromNumber(13), types.Long.fromNumber(1)],
    b: [types.Long.fromNumber(100), types.Long.fromNumber(7)] });
}

async function stepTtl(c) {
  await c.execute("INSERT INTO kv (k, c, v) VALUES ('ttl', 1, 'short') USING TTL 1");
  await c.execute("INSERT INTO kv (k, c, v) VALUES ('ttl', 2, 'long') USING TTL 1000 AND TIMESTAMP 123456");
  let rs = await c.execute("SELECT TTL(v), WRITETIME(v) FROM kv WHERE k = 'ttl' AND c = 2");
  const row = rs.first();
  check('TTL(v) in range', row['ttl(v)'] >= 990 && row['ttl(v)'] <= 1000, true);
  check('WRITETIME(v)', row['writetime(v)'], types.Long.fromNumber(123456));
  await new Promise((r) => setTimeout(r, 2200));
  rs = await c.execute("SELECT c FROM kv WHERE k = 'ttl'");
  check('rows after TTL expiry', rs.rows.map((r) => r.c), [2]);
}

async function expectError(c, what, query, code, fragment) {
  try {
    await c.execute(query);
    check(`${what} raised`, 'no error', `ResponseError ${code}`);
  } catch (e) {
    check(`${what} class`, e instanceof cassandra.errors.ResponseError, true);
    check(`${what} code`, e.code, code);
    check(`${what} message`, String(e.message).includes(fragment), true);
  }
}

async function stepUseAndErrors(port) {
  const c2 = new cassandra.Client({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1',
    protocolOptions: { port, maxVersion: 4 } });
  await c2.connect();
  await c2.execute(`USE ${KS}`);
  check('USE switches keyspace', c2.keyspace, KS);
  const rs = await c2.execute("SELECT v FROM kv WHERE k = 'batch' AND c = 1");
  check('query after USE', rs.rows.map((r) => r.v), ['one']);
  const codes = types.responseErrorCodes;
  await expectError(c2, 'syntax error', 'SELEC broken', codes.syntaxError, 'line 1:0');
  await expectError(c2, 'unknown table', 'SELECT * FROM no_such_table', codes.invalid,
    'table no_such_table does not exist');
  await expectError(c2, 'unknown keyspace', 'USE no_such_keyspace', codes.invalid,
    "Keyspace 'no_such_keyspace' does not exist");
  await c2.shutdown();
}

async function main() {
  const port = parseInt(process.env.CQLKIT_NODE_PORT, 10);
  const admin = new cassandra.Client({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1',
    protocolOptions: { port, maxVersion: 4 } });
  await admin.connect();
  check('negotiated protocol version', admin.controlConnection.protocolVersion, 4);
  await admin.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
  await admin.execute(`CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.execute(`CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await admin.shutdown();
  const c = new cassandra.Client({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', keyspace: KS,
    protocolOptions: { port, maxVersion: 4 } });
  await c.connect();
  for (const step of [stepTypes, stepPaging, stepMarkers, stepBatch, stepLwt, stepCounters, stepTtl]) {
    try {
      await step(c);
    } catch (e) {
      check(`${step.name} threw`, `${e.name}: ${e.message}`, 'no exception');
    }
  }
  try {
    await stepUseAndErrors(port);
  } catch (e) {
    check('stepUseAndErrors threw', `${e.name}: ${e.message}`, 'no exception');
  }
  // the driver read the schema through system_schema like with Cassandra
  const tm = await c.metadata.getTable(KS, 'all_types');
  check('driver table metadata columns', tm ? tm.columns.length : null, COLS.length);
  const udt = await c.metadata.getUdt(KS, 'addr');
  check('driver UDT metadata', udt ? udt.fields.map((f) => f.name) : null, ['street', 'zip', 'tags']);
  await c.shutdown();
  if (failures.length) {
    console.log(`FAILED: ${failures.length} mismatches`);
    process.exit(1);
  }
  console.log('interop nodejs v4: all steps passed');
}

main().catch((e) => {
  console.log('FATAL', e);
  process.exit(1);
});
