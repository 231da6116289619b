"""Runs a command against a fresh cqlkit-node, then stops the node.

    run_with_node.py <cqlkit-node> [node args...] -- <command> [args...]

Starts the node on an ephemeral loopback port (--port 0 --ready-file) in
its own process group, waits until it is listening, runs the command with
CQLKIT_NODE_PORT set, and always stops the node afterwards: on success, on
failure, on a timeout and on SIGINT/SIGTERM. Exits with the command's
status (or 1 if the node did not come up); prints the node's log when the
command failed."""
import os
import signal
import subprocess
import sys
import tempfile
import time

READY_TIMEOUT = 15.0
COMMAND_TIMEOUT = float(os.environ.get("CQLKIT_INTEROP_TIMEOUT", "240"))


def stop(proc):
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def main():
    argv = sys.argv[1:]
    if "--" not in argv or argv.index("--") == 0:
        print(__doc__)
        return 2
    split = argv.index("--")
    node_cmd, cmd = argv[:split], argv[split + 1:]
    tmp = tempfile.mkdtemp(prefix="cqlkit-interop-")
    ready = os.path.join(tmp, "ready")
    log_path = os.path.join(tmp, "node.log")
    log = open(log_path, "wb")
    node = subprocess.Popen(node_cmd + ["--port", "0", "--ready-file", ready],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def on_signal(signum, frame):
        stop(node)
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    rc = 1
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        port = None
        while time.monotonic() < deadline and node.poll() is None:
            try:
                text = open(ready).read().strip()
                if text:
                    port = int(text.split()[0])
                    break
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.05)
        if port is None:
            print("run_with_node: the node did not come up (exit %s)" % node.poll())
        else:
            env = dict(os.environ, CQLKIT_NODE_PORT=str(port))
            try:
                rc = subprocess.run(cmd, env=env, timeout=COMMAND_TIMEOUT).returncode
            except subprocess.TimeoutExpired:
                print("run_with_node: %s timed out after %.0f s" % (cmd[0], COMMAND_TIMEOUT))
                rc = 1
    finally:
        stop(node)
        log.close()
        if rc != 0:
            sys.stdout.write("---- cqlkit-node log ----\n")
            sys.stdout.write(open(log_path, errors="replace").read()[-20000:])
        for name in (ready, log_path):
            try:
                os.unlink(name)
            except FileNotFoundError:
                pass
        os.rmdir(tmp)
    return rc


sys.exit(main())
