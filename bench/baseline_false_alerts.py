#!/usr/bin/env python3
"""False alerts of baselines on a benign workload (issue 5's measure): `vigil run --baseline`
learns a web-serving container in auto mode until its profile is promoted, then a new
container of the same image runs the same workload in detect mode for a while; every baseline
alert then is a false one. Also the agent's memory with many profiles loaded.

usage: bench/baseline_false_alerts.py BUILD_DIR [--learn-minutes M] [--detect-minutes M]
Needs root, Docker and the vigil-test-busybox image (the integration tests build it),
tagged vigil-bench-web:1 for the run."""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

# A tag of its own: other containers of the test image (tests running meanwhile) stay apart.
IMAGE = "vigil-bench-web:1"
# busybox httpd on loopback, a client fetching pages, timestamped logs written and rotated,
# the passwd file read, a child process per step: what a small web container does.
WORKLOAD = r"""
mkdir -p /www /var/log/app; echo '<h1>hi</h1>' > /www/index.html
/bin/httpd -f -p 127.0.0.1:8080 -h /www &
while true; do
  /bin/wget -q -O /tmp/page.$$ http://127.0.0.1:8080/index.html
  /bin/date >> /var/log/app/access.$(/bin/date +%Y%m%d%H%M).log
  /bin/cat /etc/passwd > /dev/null
  /bin/ls /var/log/app > /dev/null
  n=$(/bin/ls /var/log/app | /bin/wc -l)
  if [ "$n" -gt 3 ]; then /bin/rm -f $(/bin/ls -d /var/log/app/* | /bin/head -1); fi
  /bin/rm -f /tmp/page.*
  /bin/sleep 1
done
"""


def start_agent(vigil, store, *args):
    proc = subprocess.Popen([vigil, "run", "-o", "json", "--no-logs", "--baseline", store] +
                            list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines, errs = [], []
    ready = threading.Event()

    def out():
        for l in proc.stdout:
            lines.append(l)

    def err():
        for l in proc.stderr:
            errs.append(l)
            if "ready" in l:
                ready.set()

    threading.Thread(target=out, daemon=True).start()
    threading.Thread(target=err, daemon=True).start()
    if not ready.wait(60):
        raise SystemExit("vigil did not start:\n" + "".join(errs))
    return proc, lines, errs


def stop(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    time.sleep(0.3)


def container(name):
    subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    subprocess.run(["docker", "run", "-d", "--name", name, "--network", "none", "--pull", "never",
                    IMAGE, "sh", "-c", WORKLOAD], check=True, capture_output=True)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--learn-minutes", type=float, default=3)
    ap.add_argument("--detect-minutes", type=float, default=10)
    args = ap.parse_args()
    vigil = os.path.join(os.path.abspath(args.build), "vigil")
    subprocess.run(["docker", "tag", "vigil-test-busybox:latest", IMAGE], check=True)
    d = tempfile.mkdtemp(prefix="vigil-bench-baseline-")
    store = os.path.join(d, "profiles.db")
    quiet = max(10, int(args.learn_minutes * 60 / 3))

    # Learn: auto mode until the profile is promoted (nothing new for `quiet` seconds).
    proc, lines, errs = start_agent(vigil, store, "--baseline-mode", "auto",
                                    "--baseline-quiet", str(quiet))
    container("vigil-bench-learn")
    t0 = time.time()
    while time.time() - t0 < args.learn_minutes * 60 * 4:
        if any("now in detect mode" in l for l in errs):
            break
        time.sleep(1)
    learned_s = time.time() - t0
    promoted = any("now in detect mode" in l for l in errs)
    stop(proc)
    subprocess.run(["docker", "rm", "-f", "vigil-bench-learn"], capture_output=True)
    if not promoted:
        raise SystemExit("the profile was not promoted within %.0f s" % learned_s)
    profile = json.loads(subprocess.run([vigil, "baseline", "export", IMAGE, "--store", store,
                                         "-f", "json"], check=True, capture_output=True,
                                        text=True).stdout)
    items = sum(len(profile.get(k, [])) for k in ("processes", "files_read", "files_written",
                                                   "syscalls", "listening", "outbound", "users"))
    print("learned %s in %.0f s (quiet period %d s): %d items" % (IMAGE, learned_s, quiet, items))

    # Detect: a new container of the image, the same workload.
    proc, lines, errs = start_agent(vigil, store, "--baseline-mode", "detect")
    container("vigil-bench-detect")
    time.sleep(args.detect_minutes * 60)
    stop(proc)
    subprocess.run(["docker", "rm", "-f", "vigil-bench-detect"], capture_output=True)
    alerts = [json.loads(l) for l in lines if l.startswith("{")]
    # Only this image's: containers of other images (tests running meanwhile) have profiles
    # of their own, learned from other workloads.
    false = [a for a in alerts if a.get("source") == "baseline" and
             a.get("output_fields", {}).get("baseline.image") == IMAGE]
    per_hour = len(false) * 60.0 / args.detect_minutes
    print("detect mode, %.0f min of the same workload: %d baseline alerts (%.1f per hour)" % (
        args.detect_minutes, len(false), per_hour))
    for a in false:
        print("  false alert: %s" % a["output"])

    # Memory: the agent with 200 copies of the learned profile in its store, against none.
    doc = dict(profile)
    many = os.path.join(d, "many.db")
    copies = []
    for i in range(200):
        p = dict(doc)
        p["image"] = "bench/app-%d:1.0" % i
        p["key"] = "bench/app-%d:1.0" % i
        copies.append(p)
    with open(os.path.join(d, "many.json"), "w") as f:
        json.dump(copies, f)
    subprocess.run([vigil, "baseline", "import", os.path.join(d, "many.json"), "--store", many],
                   check=True, capture_output=True)
    sizes = {}
    for label, s in (("empty", os.path.join(d, "empty.db")), ("200 profiles", many)):
        proc, _, _ = start_agent(vigil, s, "--baseline-mode", "detect")
        time.sleep(2)
        sizes[label] = rss_kb(proc.pid)
        stop(proc)
    print("agent RSS: %d kB with an empty store, %d kB with 200 profiles of %d items: %.1f kB "
          "per profile" % (sizes["empty"], sizes["200 profiles"], items,
                           (sizes["200 profiles"] - sizes["empty"]) / 200.0))


if __name__ == "__main__":
    main()
