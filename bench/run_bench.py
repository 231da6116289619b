#!/usr/bin/python3
"""The driver benchmark: cqlkit against the raw floor and the peer drivers,
on one cqlkit-node, in one run (issue 6).

    run_bench.py --build-dir BUILD [--quick] [--strict] [--clients a,b] [--workloads a,b]
                 [--results-dir DIR] [--no-chart] [--no-allocs]

Starts one cqlkit-node on an ephemeral loopback port, creates the schema
(bench/schema.cql) and loads the tables once, then runs each workload with
every client, one client process after another, all with the same
parameters. Each client prints one JSON line (requests, rows, errors, the
measured phase's wall time, its CPU time before that phase, latency
percentiles); the harness adds the client's CPU (user+sys) and peak RSS
from os.wait4 and the node's CPU from /proc. A second, smaller run under a
counting allocator gives heap allocations per request for the C clients.

Prints a table per workload, writes DIR/<timestamp>.json and DIR/latest.json
and a PNG chart (gnuplot). Exit status: 0; 1 when --strict and a client
that is built failed; 77 when there is no cqlkit-node to run against.
Python 3 standard library only.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = "/usr/bin/python3"
NODE_MODULES = os.path.join(ROOT, "tests", "vectors", "node", "node_modules")
GOCODE = "/usr/share/gocode/src/github.com/gocql/gocql"

# Request counts: (quick, full). Batches count batches of 50 rows.
COUNTS = {"select": (10000, 200000), "insert": (10000, 200000), "batch": (200, 4000),
          "scan": (50000, 1000000)}
ALLOC_COUNTS = {"select": 5000, "insert": 5000, "batch": 100, "scan": 0}
WORKLOADS = ["select", "insert", "batch", "scan"]
TITLES = {
    "select": "prepared single-row SELECT by key (bench.kv, 3 columns)",
    "insert": "prepared INSERT of a 10-column row (bench.wide)",
    "batch": "UNLOGGED batches of 50 prepared INSERTs (bench.wide)",
    "scan": "full scan, page size 5,000, every column decoded (bench.scan)",
}
UNITS = {"select": "req", "insert": "req", "batch": "batch", "scan": "row"}
CLIENTS = ["raw", "raw-v4", "cqlkit-typed", "cqlkit-generic", "python", "nodejs", "gocql"]
CQLKIT = ("cqlkit-typed", "cqlkit-generic")
SATURATED = 0.85  # node CPU share of one core above which it is the bottleneck


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---- clients ------------------------------------------------------------


def client_commands(build):
    """name -> (argv prefix, env additions) or a reason it is not available."""
    bench = os.path.join(build, "bench")
    out = {}

    def exe(name, binary, extra=()):
        path = os.path.join(bench, binary)
        out[name] = ([path, *extra], {}) if os.access(path, os.X_OK) else "not built"

    exe("raw", "raw_client", ("--protocol", "5"))
    exe("raw-v4", "raw_client", ("--protocol", "4"))
    exe("cqlkit-typed", "cqlkit_typed")
    exe("cqlkit-generic", "cqlkit_generic")
    try:
        subprocess.run([PY, "-c", "import cassandra.cluster"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out["python"] = ([PY, "-B", os.path.join(HERE, "clients", "py_client.py"),
                          "--protocol", "5"], {})
    except (OSError, subprocess.CalledProcessError):
        out["python"] = "not built (python3-cassandra missing)"
    node = shutil.which("node")
    if node and os.path.isdir(os.path.join(NODE_MODULES, "cassandra-driver")):
        out["nodejs"] = ([node, os.path.join(HERE, "clients", "node_client.js")],
                         {"NODE_PATH": NODE_MODULES})
    else:
        out["nodejs"] = "not built (node or cassandra-driver in tests/vectors/node missing)"
    gobin = os.path.join(bench, "gocql_client")
    gosrc = os.path.join(HERE, "clients", "gocql_client", "main.go")
    stale = (not os.access(gobin, os.X_OK) or
             os.path.getmtime(gobin) < os.path.getmtime(gosrc))
    if stale and shutil.which("go") and os.path.isdir(GOCODE):
        subprocess.run([os.path.join(HERE, "clients", "build_gocql.sh"), gobin],
                       stdout=subprocess.DEVNULL)
    out["gocql"] = (([gobin], {"GOMAXPROCS": "1"}) if os.access(gobin, os.X_OK)
                    else "not built (go or golang-github-gocql-gocql-dev missing)")
    return out


def proc_cpu(pid):
    """User+system CPU seconds of a running process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run_client(argv, env_add, node_pid, timeout, tmp, need_report=True):
    """Runs one client to completion. Returns a dict: the client's report plus
    cpu_s, maxrss_kb, wall_s, node_cpu_s, or error."""
    env = dict(os.environ, **env_add)
    out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        node0, t0 = proc_cpu(node_pid), time.monotonic()
        p = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        status, ru = None, None
        while status is None:
            pid, st, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                status, ru = st, usage
            elif time.monotonic() - t0 > timeout:
                os.killpg(p.pid, 9)
                _, status, ru = os.wait4(p.pid, 0)
                status = "timeout"
            else:
                time.sleep(0.02)
        p.returncode = 0  # reaped above; keep Popen from waiting again
        wall, node1 = time.monotonic() - t0, proc_cpu(node_pid)
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    res = {"cpu_s": ru.ru_utime + ru.ru_stime, "maxrss_kb": ru.ru_maxrss, "wall_s": wall,
           "node_cpu_s": node1 - node0}
    report = None
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                report = json.loads(line)
            except ValueError:
                pass
    code = ("timed out" if status == "timeout" else
            os.waitstatus_to_exitcode(status))
    if (report is None and need_report) or code != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        res["error"] = f"exit {code}: {tail or 'no report'}"
    if report:
        res.update(report)
    return res


# ---- the node -----------------------------------------------------------


class Node:
    def __init__(self, build, tmp):
        self.exe = os.path.join(build, "node", "cqlkit-node")
        self.tmp = tmp
        self.proc = None
        self.port = None

    def start(self):
        ready = os.path.join(self.tmp, "node.ready")
        self.log = open(os.path.join(self.tmp, "node.log"), "wb")
        # 1M scan rows and 200k wide rows take about 1.4 GB of table data.
        self.proc = subprocess.Popen([self.exe, "--port", "0", "--ready-file", ready,
                                      "--max-store-mb", "4096"],
                                     stdout=self.log, stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cqlkit-node exited with {self.proc.returncode}")
            try:
                with open(ready) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError("cqlkit-node did not become ready in 20 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()


def setup_data(raw, node, counts, tmp):
    """Schema and tables, through the raw client: the rows the reads need,
    and every key the writes will write, so that all clients overwrite
    (the first one would otherwise pay for growing the table)."""
    wide_rows = max(counts["insert"], counts["batch"] * 50)
    steps = [["--ddl", os.path.join(HERE, "schema.cql")],
             ["--workload", "load-kv", "--n", "10000", "--concurrency", "256"],
             ["--workload", "load-wide", "--n", str(wide_rows), "--concurrency", "256"],
             ["--workload", "load-scan", "--n", str(counts["scan"]), "--concurrency", "256"]]
    for step in steps:
        res = run_client(raw + ["--port", str(node.port)] + step, {}, node.proc.pid, 600, tmp,
                         need_report=step[0] != "--ddl")
        if "error" in res:
            raise RuntimeError(f"setup {' '.join(step)} failed: {res['error']}")


# ---- derived figures and tables -------------------------------------------


def derive(r, workload):
    """Adds rate, cpu per unit, rss in MiB and node CPU share to a result."""
    if "error" in r and "elapsed_s" not in r:
        return r
    units = r["rows"] if workload == "scan" else r["requests"]
    el = max(r["elapsed_s"], 1e-9)
    cpu = r["cpu_s"] - r.get("cpu_setup_s", 0)
    r["rate"] = units / el
    r["cpu_us"] = cpu * 1e6 / max(units, 1)
    r["rss_mib"] = r["maxrss_kb"] / 1024
    r["node_cpu_share"] = r["node_cpu_s"] / el
    r["node_cpu_us"] = r["node_cpu_s"] * 1e6 / max(units, 1)
    return r


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(workload, results, allocs):
    unit = UNITS[workload]
    head = ["client", "proto", f"{unit}/s", f"CPU us/{unit}", "p50 us", "p99 us", "p99.9 us",
            "RSS MiB", "node CPU", f"allocs/{unit}", "rate/cqlkit", "CPU/cqlkit"]
    def ok(r):
        return isinstance(r, dict) and "rate" in r and "error" not in r

    ref = next((results[c] for c in CQLKIT if ok(results.get(c))), None)
    rows, notes = [], []
    for name, r in results.items():
        if isinstance(r, str):
            rows.append([name, r] + [""] * (len(head) - 2))
            continue
        if "error" in r or "rate" not in r:
            rows.append([name, "FAILED: " + r["error"].splitlines()[0][:60]] +
                        [""] * (len(head) - 2))
            continue
        a = allocs.get(name)
        rows.append([name, str(r.get("protocol", "?")), fmt(r["rate"], ",.0f"),
                     fmt(r["cpu_us"], ".2f"), str(r["p50_us"]), str(r["p99_us"]),
                     str(r["p999_us"]), fmt(r["rss_mib"], ".1f"),
                     fmt(100 * r["node_cpu_share"], ".0f") + "%",
                     fmt(a, ".2f") if a is not None else "-",
                     fmt(r["rate"] / ref["rate"], ".2f") + "x" if ref else "-",
                     fmt(r["cpu_us"] / ref["cpu_us"], ".2f") + "x" if ref else "-"])
    raw = results.get("raw")
    if ok(raw):
        if raw["node_cpu_share"] >= SATURATED:
            notes.append(f"node-bound: the raw baseline keeps the node {100 * raw['node_cpu_share']:.0f}% "
                         f"busy (one loop), so req/s compares the node, not the clients; "
                         f"CPU us/{unit} still compares the clients.")
        for c in CQLKIT:
            r = results.get(c)
            if ok(r):
                notes.append(f"{c} vs raw: {r['rate'] / raw['rate']:.2f}x the rate, "
                             f"{r['cpu_us'] / raw['cpu_us']:.2f}x the CPU per {unit}.")
    widths = [max(len(str(x[i])) for x in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                       for i, (c, w) in enumerate(zip(row, widths))).rstrip()
             for row in [head] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines, notes


def machine():
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version()}


def chart(doc, png):
    if not shutil.which("gnuplot"):
        log("run_bench: gnuplot not found (Debian gnuplot-nox); no chart")
        return
    with tempfile.TemporaryDirectory() as tmp:
        plots = []
        for w in WORKLOADS:
            res = doc["workloads"].get(w, {}).get("results", {})
            ok = [(c, res[c]) for c in CLIENTS
                  if isinstance(res.get(c), dict) and "rate" in res[c] and "error" not in res[c]]
            if not ok:
                continue
            dat = os.path.join(tmp, w + ".dat")
            with open(dat, "w") as f:
                for c, r in ok:
                    f.write(f'"{c}" {r["cpu_us"]:.4f} {r["rate"]:.1f}\n')
            plots.append((w, dat, 3 * max(r["cpu_us"] for _, r in ok)))
        if not plots:
            return
        script = [f"set terminal png size {420 * len(plots)},460 noenhanced",
                  f'set output "{png}"', f"set multiplot layout 1,{len(plots)} title "
                  f'"cqlkit bench: client CPU per unit of work, log scale (lower is better), '
                  f'{doc["mode"]} run"',
                  "set style data histograms", "set style fill solid 0.8",
                  "set xtics rotate by -45", "set grid ytics", "unset key",
                  "set logscale y"]
        for w, dat, top in plots:  # room above the tallest bar for its label
            script += [f'set title "{w} (CPU us/{UNITS[w]})"', f"set yrange [0.1:{top:.1f}]",
                       f'plot "{dat}" using 2:xtic(1) lc rgb "#4472c4", '
                       f'"" using 0:2:(sprintf("%.1f", $2)) with labels offset 0,0.7 notitle']
        script.append("unset multiplot")
        p = subprocess.run(["gnuplot"], input="\n".join(script), text=True,
                           capture_output=True)
        if p.returncode != 0:
            log("run_bench: gnuplot failed:", p.stderr.strip()[:300])


# ---- main ---------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--quick", action="store_true", help="small counts, under two minutes")
    ap.add_argument("--strict", action="store_true", help="fail when a built client fails")
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--concurrency", type=int, default=256)
    ap.add_argument("--batch-concurrency", type=int, default=32,
                    help="batches in flight (each carries 50 rows)")
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    ap.add_argument("--results-dir", default=os.path.join(HERE, "results"))
    ap.add_argument("--no-chart", action="store_true")
    ap.add_argument("--no-allocs", action="store_true")
    ap.add_argument("--timeout", type=float, default=0, help="per client run, seconds")
    a = ap.parse_args()
    build = os.path.abspath(a.build_dir)
    clients = [c for c in a.clients.split(",") if c]
    workloads = [w for w in a.workloads.split(",") if w]
    for c in clients:
        if c not in CLIENTS:
            ap.error(f"unknown client {c}; known: {', '.join(CLIENTS)}")
    for w in workloads:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w}; known: {', '.join(WORKLOADS)}")
    mode = "quick" if a.quick else "full"
    counts = {w: max(1, int(COUNTS[w][0 if a.quick else 1] * a.scale)) for w in WORKLOADS}
    timeout = a.timeout or (60 if a.quick else 900)
    conc = {w: a.batch_concurrency if w == "batch" else a.concurrency for w in WORKLOADS}

    if not os.access(os.path.join(build, "node", "cqlkit-node"), os.X_OK):
        log(f"run_bench: no {build}/node/cqlkit-node; build it first")
        return 77
    cmds = client_commands(build)
    if not isinstance(cmds["raw"], tuple):
        log("run_bench: raw_client is not built; it creates the schema and loads the data")
        return 77

    doc = {"timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "mode": mode, "machine": machine(),
           "params": {"counts": counts, "concurrency": conc, "page_size": 5000,
                      "batch_size": 50, "kv_rows": 10000},
           "workloads": {}}
    failed = []
    with tempfile.TemporaryDirectory(prefix="cqlkit-bench-") as tmp:
        node = Node(build, tmp)
        try:
            node.start()
            log(f"run_bench: cqlkit-node on 127.0.0.1:{node.port}; loading "
                f"{counts['scan']:,} scan rows")
            setup_data(cmds["raw"][0], node, counts, tmp)
            for w in workloads:
                results = {}
                for c in clients:
                    cmd = cmds[c]
                    if isinstance(cmd, str):
                        results[c] = cmd
                        continue
                    argv = cmd[0] + ["--port", str(node.port), "--workload", w,
                                     "--n", str(counts[w]), "--concurrency", str(conc[w]),
                                     "--page-size", "5000"]
                    r = derive(run_client(argv, cmd[1], node.proc.pid, timeout, tmp), w)
                    if "error" in r:
                        failed.append(f"{w}/{c}: {r['error']}")
                        log(f"run_bench: {w}/{c} FAILED: {r['error']}")
                    else:
                        log(f"run_bench: {w}/{c}: {r['rate']:,.0f} {UNITS[w]}/s, "
                            f"{r['cpu_us']:.2f} CPU us/{UNITS[w]}")
                    results[c] = r
                doc["workloads"][w] = {"title": TITLES[w], "unit": UNITS[w], "n": counts[w],
                                       "results": results, "allocs": {}}
            if not a.no_allocs:
                alloc_run(build, cmds, clients, workloads, node, doc, tmp, failed)
        except RuntimeError as e:
            log(f"run_bench: {e}")
            return 1
        finally:
            node.stop()

    print()
    print(f"cqlkit bench ({mode}) {doc['timestamp']} on {doc['machine']['cpu']}, "
          f"{doc['machine']['cores']} cores; one cqlkit-node on loopback, clients one after another")
    for w in workloads:
        wd = doc["workloads"][w]
        lines, notes = table(w, wd["results"], wd["allocs"])
        wd["table"], wd["notes"] = lines, notes
        print(f"\n== {w}: {TITLES[w]}; n={counts[w]:,}"
              f"{'' if w == 'scan' else f', concurrency {conc[w]}'}")
        print("\n".join(lines))
        for n in notes:
            print("  " + n)
    os.makedirs(a.results_dir, exist_ok=True)
    stamp = doc["timestamp"].replace(":", "").replace("-", "")
    for name in (f"{stamp}.json", "latest.json"):
        with open(os.path.join(a.results_dir, name), "w") as f:
            json.dump(doc, f, indent=1, sort_keys=True)
            f.write("\n")
    if not a.no_chart:
        chart(doc, os.path.join(a.results_dir, "latest.png"))
    print(f"\nresults: {a.results_dir}/latest.json")
    if failed:
        log("run_bench: failures:\n  " + "\n  ".join(failed))
        if a.strict:
            return 1
    return 0


def alloc_run(build, cmds, clients, workloads, node, doc, tmp, failed):
    """Heap allocations per request of the C clients, under the counting
    allocator, in runs of their own (counting slows allocation down)."""
    lib = os.path.join(build, "bench", "libbench_alloc_count.so")
    if not os.path.exists(lib):
        log("run_bench: libbench_alloc_count.so not built; no allocation counts")
        return
    for w in workloads:
        n = ALLOC_COUNTS[w] or doc["params"]["counts"]["scan"]
        for c in ("raw",) + CQLKIT:
            cmd = cmds.get(c)
            if c not in clients or not isinstance(cmd, tuple):
                continue
            argv = cmd[0] + ["--port", str(node.port), "--workload", w, "--n", str(n),
                             "--concurrency", str(doc["params"]["concurrency"][w]),
                             "--page-size", "5000"]
            r = run_client(argv, dict(cmd[1], LD_PRELOAD=lib), node.proc.pid, 120, tmp)
            if "error" in r or r.get("allocs", -1) < 0:
                failed.append(f"allocs {w}/{c}: {r.get('error', 'no count')}")
                continue
            units = r["rows"] if w == "scan" else r["requests"]
            doc["workloads"][w]["allocs"][c] = r["allocs"] / max(units, 1)


if __name__ == "__main__":
    sys.exit(main())
