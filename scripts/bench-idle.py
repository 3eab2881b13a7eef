#!/usr/bin/env python3
"""Start a daemon, time it to ready, let it idle, then read its resident memory and threads from /proc.

Ready is the first moment its control socket answers: for sbridge a {"op":"status"} line answered on
STATE/control.sock (and, separately, systemd's READY=1 through a NOTIFY_SOCKET of our own); for any other
daemon (Reticulum's rnsd) the first successful connect to --ready-socket ('@name' = abstract namespace).
Several runs; the median is printed, one JSON line per daemon. docs/benchmarks.md has the commands.

  scripts/bench-idle.py --runs 5 --settle 30 --sbridge-state /tmp/b -- java -Xmx.. -jar sbridge.jar run ...
  scripts/bench-idle.py --runs 5 --settle 30 --ready-socket @rns/bench/rpc -- python3 -m RNS.Utilities.rnsd ...
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

def proc_figures(pid):
    status = open(f"/proc/{pid}/status").read()
    field = lambda k: next(int(l.split()[1]) for l in status.splitlines() if l.startswith(k + ":"))
    stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return {"rss_mib": round(field("VmRSS") / 1024, 1), "threads": field("Threads"),
            "cpu_s": round((int(stat[11]) + int(stat[12])) / tick, 2)}

def try_status(path):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(2); s.connect(path)
        s.sendall(b'{"op":"status"}\n'); answer = s.makefile().readline(); s.close()
        return '"ok":true' in answer
    except OSError:
        return False

def try_connect(path):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.settimeout(2)
        s.connect("\0" + path[1:] if path.startswith("@") else path); s.close()
        return True
    except OSError:
        return False

def one_run(args, cmd):
    env = dict(os.environ)
    notify_dir = tempfile.mkdtemp(prefix="bench-notify-")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); notify.bind(notify_dir + "/n"); notify.setblocking(False)
    if args.sbridge_state:
        shutil.rmtree(args.sbridge_state, ignore_errors=True) if args.fresh else None
        env["NOTIFY_SOCKET"] = notify_dir + "/n"
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    ready = notified = None
    try:
        while time.monotonic() - start < 60 and (ready is None or (args.sbridge_state and notified is None)):
            if p.poll() is not None: raise SystemExit(f"{cmd[0]} exited with {p.returncode} before it was ready")
            if ready is None:
                ok = try_status(args.sbridge_state + "/control.sock") if args.sbridge_state else try_connect(args.ready_socket)
                if ok: ready = time.monotonic() - start
            if args.sbridge_state and notified is None:
                try:
                    if b"READY=1" in notify.recv(4096): notified = time.monotonic() - start
                except BlockingIOError:
                    pass
            time.sleep(0.005)
        if ready is None: raise SystemExit("not ready within 60 s")
        at_ready = proc_figures(p.pid)
        time.sleep(args.settle)
        idle = proc_figures(p.pid)
    finally:
        p.terminate()
        try: p.wait(20)
        except subprocess.TimeoutExpired: p.kill()
        notify.close(); shutil.rmtree(notify_dir, ignore_errors=True)
    return {"ready_s": round(ready, 3), "notify_ready_s": None if notified is None else round(notified, 3),
            "cpu_to_ready_s": at_ready["cpu_s"], **{k: idle[k] for k in ("rss_mib", "threads")}}

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--runs", type=int, default=5)
    a.add_argument("--settle", type=float, default=30, help="seconds of idle after ready before measuring")
    a.add_argument("--sbridge-state", help="state directory of an sbridge daemon (ready = status answered)")
    a.add_argument("--fresh", action="store_true", help="delete the sbridge state before each run (first start)")
    a.add_argument("--ready-socket", help="unix socket path, @name for the abstract namespace")
    a.add_argument("--label", default="")
    a.add_argument("cmd", nargs=argparse.REMAINDER)
    args = a.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    if not cmd or not (args.sbridge_state or args.ready_socket): a.error("need a command and --sbridge-state or --ready-socket")
    runs = [one_run(args, cmd) for _ in range(args.runs)]
    med = lambda k: statistics.median(r[k] for r in runs if r[k] is not None) if any(r[k] is not None for r in runs) else None
    print(json.dumps({"label": args.label, "runs": len(runs), **{k: med(k) for k in runs[0]}, "each": runs}))

if __name__ == "__main__":
    main()
