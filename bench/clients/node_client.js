'use strict';
// The Node.js cassandra-driver client of the driver benchmark
// (bench/run_bench.py): same workloads, options and one-line JSON report as
// the C clients (bench/bench_common.h). Keeps `concurrency` promises in
// flight; the scan pages explicitly with fetchSize and pageState.
// Run with NODE_PATH pointing at a node_modules holding cassandra-driver.
const cassandra = require('cassandra-driver');

const Q_SELECT = 'SELECT id, name, score FROM bench.kv WHERE id = ?';
const Q_INSERT = 'INSERT INTO bench.wide (id, name, n, uid, ts, score, payload, tags, attrs, addr) ' +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const Q_SCAN = 'SELECT id, name, n, uid, ts, score, payload, tags, attrs, addr FROM bench.scan';
const KV_ROWS = 10000;
const BATCH_SIZE = 50;

function parseArgs(argv) {
  const a = { host: '127.0.0.1', port: 0, workload: 'select', n: 20000, concurrency: 256,
    'page-size': 5000, warmup: -1, protocol: 0 };
  for (let i = 2; i + 1 < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    a[k] = k === 'host' || k === 'workload' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (a.warmup < 0) a.warmup = Math.min(Math.floor(a.n / 10), 2000);
  return a;
}

const payload = Buffer.alloc(256);
for (let i = 0; i < 256; i++) payload[i] = (i * 7 + 1) & 0xff;
const uid = cassandra.types.Uuid.fromString('5f2c8e10-3a7b-4d21-9c04-61e2b3550d9a');
const ts = new Date(1700000000000);
const tags = ['blue', 'green', 'red'];
const attrs = { a: 1, b: 2, c: 3 };
const addr = { street: '1 Main St', city: 'Springfield', zip: 12345 };
const wide = (id) => [cassandra.types.Long.fromNumber(id), 'bench-user@example.com', 42, uid, ts,
  3.25, payload, tags, attrs, addr];

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function percentiles(lat) {
  lat.sort((x, y) => x - y);
  const at = (q) => (lat.length ? Math.round(lat[Math.round(q * (lat.length - 1))]) : 0);
  return [at(0.5), at(0.99), at(0.999)];
}

// Runs requests [0, total) with `conc` in flight; measuring starts once
// `warmup` requests completed.
function pump(total, warmup, conc, op, st) {
  return new Promise((resolve) => {
    let next = 0;
    let done = 0;
    if (warmup === 0) st.start();
    const issue = () => {
      if (next >= total) return;
      const i = next++;
      const t0 = process.hrtime.bigint();
      op(i).then((rs) => {
        if (rs && rs.rows) for (const row of rs.rows) { row.id; row.name; }
      }, (err) => {
        if (st.errors++ === 0) console.error('node_client: first error:', err.message);
      }).then(() => {
        if (st.t0 && t0 >= st.t0) st.lat.push(Number(process.hrtime.bigint() - t0) / 1000);
        done++;
        if (done === warmup) st.start();
        if (done === total) resolve();
        else issue();
      });
    };
    for (let k = 0; k < Math.min(conc, total); k++) issue();
  });
}

async function main() {
  const a = parseArgs(process.argv);
  const client = new cassandra.Client({
    contactPoints: [`${a.host}:${a.port}`],
    localDataCenter: 'datacenter1',
    queryOptions: { consistency: cassandra.types.consistencies.localOne, prepare: true },
    socketOptions: { readTimeout: 60000 },
  });
  await client.connect();
  const st = { lat: [], errors: 0, t0: 0n, cpu0: 0,
    start() { this.lat = []; this.cpu0 = cpuSeconds(); this.t0 = process.hrtime.bigint(); } };
  let requests = a.n;
  let rows = a.n;
  const total = a.n + a.warmup;
  if (a.workload === 'select') {
    await pump(total, a.warmup, a.concurrency, (i) => client.execute(Q_SELECT, [i % KV_ROWS]), st);
  } else if (a.workload === 'insert') {
    await pump(total, a.warmup, a.concurrency, (i) => client.execute(Q_INSERT, wide(i)), st);
  } else if (a.workload === 'batch') {
    await pump(total, a.warmup, a.concurrency, (i) => {
      const queries = [];
      for (let k = 0; k < BATCH_SIZE; k++) {
        queries.push({ query: Q_INSERT, params: wide(i * BATCH_SIZE + k) });
      }
      return client.batch(queries, { logged: false });
    }, st);
    rows = a.n * BATCH_SIZE;
  } else if (a.workload === 'scan') {
    const scan = async (limit) => {
      let count = 0;
      let pageState;
      let last = process.hrtime.bigint();
      do {
        const rs = await client.execute(Q_SCAN, [], { fetchSize: a['page-size'], pageState });
        for (const row of rs.rows) {
          row.id; row.name; row.n; row.uid; row.ts; row.score; row.payload; row.tags; row.attrs;
          row.addr;
          count++;
        }
        const now = process.hrtime.bigint();
        st.lat.push(Number(now - last) / 1000);
        last = now;
        pageState = rs.pageState;
      } while (pageState && count !== limit);
      return count;
    };
    await scan(a['page-size']); // warm-up: the first page
    st.start();
    rows = await scan(-1);
    requests = st.lat.length;
  } else {
    console.error('node_client: unknown workload', a.workload);
    process.exit(2);
  }
  const elapsed = Number(process.hrtime.bigint() - st.t0) / 1e9;
  const [p50, p99, p999] = percentiles(st.lat);
  const proto = client.controlConnection.protocolVersion;
  console.log(JSON.stringify({ client: 'nodejs', workload: a.workload, requests, rows,
    errors: st.errors, elapsed_s: elapsed, cpu_setup_s: st.cpu0, p50_us: p50, p99_us: p99,
    p999_us: p999, protocol: proto, allocs: -1 }));
  await client.shutdown();
  process.exit(st.errors ? 1 : 0);
}

main().catch((err) => {
  console.error('node_client:', err);
  process.exit(1);
});
