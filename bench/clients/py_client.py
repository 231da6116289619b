#!/usr/bin/python3
"""The DataStax Python driver client of the driver benchmark (run_bench.py).

Same workloads, options and one-line JSON report as the C clients
(bench/bench_common.h). Requests go through execute_async with callbacks,
keeping `concurrency` in flight from the driver's event loop thread; the
scan iterates the driver's ResultSet, which fetches page after page.
"""
import argparse
import datetime
import itertools
import json
import resource
import sys
import threading
import time
import uuid

from cassandra import ConsistencyLevel
from cassandra.cluster import Cluster, ExecutionProfile, EXEC_PROFILE_DEFAULT
from cassandra.policies import RoundRobinPolicy
from cassandra.query import BatchStatement, BatchType

Q_SELECT = "SELECT id, name, score FROM bench.kv WHERE id = ?"
Q_INSERT = ("INSERT INTO bench.wide (id, name, n, uid, ts, score, payload, tags, attrs, addr) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
Q_SCAN = "SELECT id, name, n, uid, ts, score, payload, tags, attrs, addr FROM bench.scan"
KV_ROWS = 10000
BATCH_SIZE = 50

PAYLOAD = bytes((i * 7 + 1) & 0xFF for i in range(256))
UID = uuid.UUID(bytes=bytes([0x5f, 0x2c, 0x8e, 0x10, 0x3a, 0x7b, 0x4d, 0x21,
                             0x9c, 0x04, 0x61, 0xe2, 0xb3, 0x55, 0x0d, 0x9a]))
TS = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)  # 1700000000000 ms
TAGS = {"blue", "green", "red"}
ATTRS = {"a": 1, "b": 2, "c": 3}
ADDR = ("1 Main St", "Springfield", 12345)  # a tuple binds a UDT by field position


def wide(i):
    return (i, "bench-user@example.com", 42, UID, TS, 3.25, PAYLOAD, TAGS, ATTRS, ADDR)


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Pump:
    """Keeps `conc` requests in flight: each completion issues the next."""

    def __init__(self, session, total, warmup, conc, make):
        self.session, self.total, self.warmup, self.conc = session, total, warmup, conc
        self.make = make
        self.next = itertools.count()
        self.lock = threading.Lock()
        self.done = 0
        self.errors = 0
        self.lat = []
        self.finished = threading.Event()
        self.t0 = None
        self.cpu0 = None
        if warmup == 0:
            self.start_measuring()

    def start_measuring(self):
        self.lat = []
        self.cpu0 = cpu_seconds()
        self.t0 = time.perf_counter()

    def issue(self):
        i = next(self.next)
        if i >= self.total:
            return
        t0 = time.perf_counter()
        fut = self.session.execute_async(*self.make(i))
        fut.add_callbacks(self.ok, self.fail, callback_args=(t0,), errback_args=(t0,))

    def ok(self, rows, t0):
        for row in rows or ():  # touch what was decoded
            row[0], row[1]
        self.complete(t0)

    def fail(self, exc, t0):
        with self.lock:
            self.errors += 1
            if self.errors == 1:
                print("py_client: first error:", exc, file=sys.stderr)
        self.complete(t0)

    def complete(self, t0):
        if self.t0 is not None and t0 >= self.t0:  # sent inside the measured phase
            self.lat.append(time.perf_counter() - t0)
        with self.lock:
            self.done += 1
            done = self.done
        if done == self.warmup:
            self.start_measuring()
        if done == self.total:
            self.t1 = time.perf_counter()
            self.finished.set()
        else:
            self.issue()

    def run(self):
        for _ in range(min(self.conc, self.total)):
            self.issue()
        self.finished.wait()
        return self.t1 - self.t0


def percentiles(lat):
    lat = sorted(lat)
    if not lat:
        return 0, 0, 0
    def at(q):
        return int(lat[int(q * (len(lat) - 1) + 0.5)] * 1e6)
    return at(0.50), at(0.99), at(0.999)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workload", default="select")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--page-size", type=int, default=5000)
    ap.add_argument("--protocol", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=-1)
    a = ap.parse_args()
    warmup = a.warmup if a.warmup >= 0 else min(a.n // 10, 2000)

    profile = ExecutionProfile(load_balancing_policy=RoundRobinPolicy(),
                               consistency_level=ConsistencyLevel.LOCAL_ONE, request_timeout=60)
    kw = {"protocol_version": a.protocol} if a.protocol else {}
    cluster = Cluster([a.host], port=a.port, execution_profiles={EXEC_PROFILE_DEFAULT: profile},
                      **kw)
    session = cluster.connect()
    requests = rows = a.n
    if a.workload == "select":
        ps = session.prepare(Q_SELECT)
        pump = Pump(session, a.n + warmup, warmup, a.concurrency,
                    lambda i: (ps, (i % KV_ROWS,)))
        elapsed = pump.run()
    elif a.workload == "insert":
        ps = session.prepare(Q_INSERT)
        pump = Pump(session, a.n + warmup, warmup, a.concurrency, lambda i: (ps, wide(i)))
        elapsed = pump.run()
    elif a.workload == "batch":
        ps = session.prepare(Q_INSERT)

        def make(i):
            b = BatchStatement(batch_type=BatchType.UNLOGGED)
            for k in range(BATCH_SIZE):
                b.add(ps, wide(i * BATCH_SIZE + k))
            return (b,)
        pump = Pump(session, a.n + warmup, warmup, a.concurrency, make)
        elapsed = pump.run()
        rows = a.n * BATCH_SIZE
    elif a.workload == "scan":
        ps = session.prepare(Q_SCAN)
        ps.fetch_size = a.page_size

        def scan(limit):
            count, lat = 0, []
            last = time.perf_counter()
            for row in session.execute(ps):
                (row.id, row.name, row.n, row.uid, row.ts, row.score, row.payload, row.tags,
                 row.attrs, row.addr)
                count += 1
                if count == limit:
                    break
                if count % a.page_size == 0:
                    now = time.perf_counter()
                    lat.append(now - last)
                    last = now
            return count, lat
        scan(a.page_size)  # warm-up: the first page
        pump = Pump(session, 0, 0, 0, None)
        rows, pump.lat = scan(-1)
        elapsed = time.perf_counter() - pump.t0
        requests = len(pump.lat)
    else:
        print("py_client: unknown workload", a.workload, file=sys.stderr)
        return 2
    p50, p99, p999 = percentiles(pump.lat)
    print(json.dumps({"client": "python", "workload": a.workload, "requests": requests,
                      "rows": rows, "errors": pump.errors, "elapsed_s": elapsed,
                      "cpu_setup_s": pump.cpu0, "p50_us": p50, "p99_us": p99, "p999_us": p999,
                      "protocol": cluster.protocol_version, "allocs": -1}), flush=True)
    cluster.shutdown()
    return 1 if pump.errors else 0


if __name__ == "__main__":
    sys.exit(main())
