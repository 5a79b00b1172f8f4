"""Shared helpers for vigil's integration tests: root, BPF, a real Docker engine.

The tests build their own image from Debian's busybox-static (no registry is reachable),
start `vigil` as a subprocess, drive real containers and read the alerts it prints.
"""
import argparse
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

IMAGE = "vigil-test-busybox"
VIGIL = None  # set by main()


def main():
    global VIGIL
    parser = argparse.ArgumentParser()
    parser.add_argument("--vigil", required=True, help="path to the vigil binary")
    args, rest = parser.parse_known_args()
    VIGIL = os.path.abspath(args.vigil)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


def run(cmd, check=True, **kwargs):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kwargs)


def require_root_and_docker(test):
    if os.geteuid() != 0:
        test.fail("integration tests need root (BPF, Docker)")
    if run(["docker", "version", "--format", "{{.Server.Version}}"], check=False).returncode:
        test.fail("no Docker engine answers: run scripts/ensure-dockerd")


def build_image():
    """A minimal image: busybox with its applets, a passwd and a shadow. No /bin/test, so
    `touch /bin/test` creates a file (busybox would otherwise only update the applet link)."""
    busybox = shutil.which("busybox") or "/bin/busybox"
    root = tempfile.mkdtemp(prefix="vigil-image-")
    try:
        for d in ("bin", "etc", "tmp", "root", "proc", "sys", "dev"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
        applets = run([busybox, "--list"]).stdout.split()
        for applet in applets:
            if applet in ("test", "[", "[["):
                continue
            link = os.path.join(root, "bin", applet)
            if not os.path.exists(link):
                os.symlink("busybox", link)
        with open(os.path.join(root, "etc", "passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/tmp:/bin/sh\n")
        with open(os.path.join(root, "etc", "group"), "w") as f:
            f.write("root:x:0:\nwebgrp:x:33:www\n")  # the host's 33 is www-data
        with open(os.path.join(root, "etc", "shadow"), "w") as f:
            f.write("root:*:19000:0:99999:7:::\nwww:*:19000:0:99999:7:::\n")
        os.chmod(os.path.join(root, "etc", "shadow"), 0o640)
        with open(os.path.join(root, "etc", "sudoers"), "w") as f:
            f.write("root ALL=(ALL) ALL\n")
        os.chmod(os.path.join(root, "etc", "sudoers"), 0o644)  # readable: a non-root reader
        tar = subprocess.Popen(["tar", "-C", root, "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(["docker", "import", "-", IMAGE + ":latest"], stdin=tar.stdout,
                       check=True, capture_output=True)
        tar.stdout.close()
        tar.wait()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def docker_run(*command, user=None, extra=()):
    """Runs a container to completion; returns its 12-character id."""
    with tempfile.TemporaryDirectory() as d:
        cidfile = os.path.join(d, "cid")
        cmd = ["docker", "run", "--rm", "--network", "none", "--pull", "never",
               "--cidfile", cidfile]
        if user:
            cmd += ["--user", user]
        cmd += list(extra) + [IMAGE] + list(command)
        subprocess.run(cmd, check=False, capture_output=True, timeout=60)
        with open(cidfile) as f:
            return f.read().strip()[:12]


_AGENTS = []


@atexit.register
def _stop_leftover_agents():
    """An agent a failed test did not stop would keep its probes attached for the next test."""
    for agent in _AGENTS:
        if agent.proc.poll() is None:
            agent.proc.kill()
            agent.proc.wait()


class Agent:
    """`vigil run` (or capture) as a subprocess; collects stdout lines as they come."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([VIGIL] + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        _AGENTS.append(self)
        self.lines = []
        self.stderr = []
        self._ready = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line.rstrip("\n"))
            if "ready" in line:
                self._ready.set()

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        while not self._ready.wait(0.1):
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise AssertionError("vigil did not become ready:\n" + "\n".join(self.stderr))

    def alerts(self):
        with self._lock:
            return [json.loads(l) for l in self.lines if l.startswith("{")]

    def wait_for(self, predicate, timeout=15):
        """Waits until some alert satisfies predicate; returns all alerts that do."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [a for a in self.alerts() if predicate(a)]
            if found:
                return found
            time.sleep(0.1)
        return []

    def stop(self, timeout=30, sig=signal.SIGINT):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.2)  # let the reader threads take the last lines
        return self.proc.returncode


def field(alert, name):
    return alert.get("output_fields", {}).get(name)
