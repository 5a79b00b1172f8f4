"""Baselines on real containers: `vigil run --baseline` learns a workload, the same workload in
detect mode raises nothing, and a new program, a new file written under /etc and a new outbound
port raise one alert each; auto mode promotes a quiet image; the learned syscalls become a
seccomp profile Docker runs the workload under, and that refuses what the workload never did."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

import harness
from harness import field

# The workload: a listener and a client on loopback, a file read, files written.
WORKLOAD = ("/bin/nc -l -p 8080 >/dev/null & /bin/sleep 0.5; "
            "echo hi | /bin/nc -w 1 127.0.0.1 8080; "
            "/bin/cat /etc/passwd >/dev/null; /bin/date > /tmp/out.1; /bin/date > /tmp/out.2; wait")


def baseline_alerts(agent, cid):
    return [a for a in agent.alerts()
            if a.get("source") == "baseline" and field(a, "container.id") == cid]


class BaselineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.tag = "%s:baseline-%d" % (harness.IMAGE, os.getpid())
        harness.run(["docker", "tag", harness.IMAGE + ":latest", cls.tag])
        cls.dir = tempfile.mkdtemp(prefix="vigil-baseline-")
        cls.store = os.path.join(cls.dir, "profiles.db")
        agent = cls.start("--baseline-mode", "learn")
        # Learned twice: the second run adds nothing the first did not have.
        cls.learned = [cls.run_container("sh", "-c", WORKLOAD) for _ in range(2)]
        time.sleep(1.5)  # the last syscall bitmap read and the flush
        cls.learn_stderr = agent.stderr
        agent.stop()

    @classmethod
    def tearDownClass(cls):
        harness.run(["docker", "rmi", cls.tag], check=False)
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def start(cls, *args, store=None):
        agent = harness.Agent("run", "-o", "json", "--no-logs", "--baseline", store or cls.store,
                              *args)
        agent.wait_ready()
        return agent

    @classmethod
    def run_container(cls, *command, extra=()):
        with tempfile.TemporaryDirectory() as d:
            cidfile = os.path.join(d, "cid")
            subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never",
                            "--cidfile", cidfile] + list(extra) + [cls.tag] + list(command),
                           check=False, capture_output=True, timeout=60)
            with open(cidfile) as f:
                return f.read().strip()[:12]

    def profile(self, store=None):
        out = harness.run([harness.VIGIL, "baseline", "export", self.tag, "--store",
                           store or self.store, "-f", "json"])
        return json.loads(out.stdout)

    def test_learned_profile(self):
        p = self.profile()
        self.assertEqual(p["image"], self.tag)
        exes = {e["exe"] for e in p["processes"]}
        self.assertIn("/bin/busybox (as nc)", exes, p["processes"])
        self.assertIn("/bin/busybox (as cat)", exes)
        self.assertIn("/etc/passwd", p["files_read"])
        self.assertTrue(any(f.startswith("/tmp/out.") for f in p["files_written"]),
                        p["files_written"])
        self.assertIn("tcp/8080", p["listening"])
        self.assertIn("tcp/127.0.0.1:8080", p["outbound"])
        self.assertIn("execve", p["syscalls"])
        self.assertIn("connect", p["syscalls"])
        self.assertNotIn("unshare", p["syscalls"])
        self.assertEqual(p["users"], [{"uid": 0, "name": "root"}])

    def test_detect_mode(self):
        agent = self.start("--baseline-mode", "detect")
        try:
            same = self.run_container("sh", "-c", WORKLOAD)
            # Each new behaviour three times: one alert each.
            new = self.run_container("sh", "-c",
                                     "for i in 1 2 3; do /bin/cp /bin/busybox /tmp/bb; "
                                     "/tmp/bb true; echo x > /etc/newfile; done; "
                                     "/bin/nc -l -p 9090 >/dev/null & /bin/sleep 0.5; "
                                     "for i in 1 2 3; do echo hi | /bin/nc -w 1 127.0.0.1 9090; "
                                     "done; wait")
            agent.wait_for(lambda a: field(a, "container.id") == new and
                           a["rule"] == "Unexpected outbound connection in container", 15)
            time.sleep(1.5)
        finally:
            agent.stop()
        self.assertEqual(baseline_alerts(agent, same), [])
        got = baseline_alerts(agent, new)
        rules = [a["rule"] for a in got]
        self.assertEqual(rules.count("Unexpected outbound connection in container"), 1, rules)
        self.assertEqual(rules.count("Unexpected listening port in container"), 1, rules)
        processes = [a for a in got if a["rule"] == "Unexpected process in container"]
        # cp was never run while learning, nor /tmp/bb (each once, though run three times).
        self.assertEqual(sorted(field(a, "proc.exepath") for a in processes),
                         ["/bin/busybox (as cp)", "/tmp/bb"], processes)
        writes = [field(a, "fd.name") for a in got
                  if a["rule"] == "Unexpected file write in container"]
        self.assertEqual(writes.count("/etc/newfile"), 1, writes)
        self.assertIn("/tmp/bb", writes)
        outbound = [a for a in got if a["rule"] == "Unexpected outbound connection in container"]
        self.assertIn("connection=tcp/127.0.0.1:9090", outbound[0]["output"])
        self.assertIn("image=" + self.tag, outbound[0]["output"])
        self.assertEqual(outbound[0]["priority"], "Warning")

    def test_unexpected_syscall(self):
        agent = self.start("--baseline-mode", "detect")
        try:
            # Docker's default seccomp profile stops unshare before the syscall tracepoint
            # (seccomp runs first): unconfined, the call reaches the kernel.
            cid = self.run_container("unshare", "-U", "true",
                                     extra=["--security-opt", "seccomp=unconfined"])
            got = agent.wait_for(lambda a: field(a, "container.id") == cid and
                                 a["rule"] == "Unexpected syscall in container", 15)
        finally:
            agent.stop()
        self.assertIn("syscall=unshare", " ".join(a["output"] for a in got), got)

    def test_auto_mode_promotes_a_quiet_image(self):
        store = os.path.join(self.dir, "auto.db")
        agent = self.start("--baseline-mode", "auto", "--baseline-quiet", "3", store=store)
        try:
            self.run_container("sh", "-c", WORKLOAD)
            deadline = time.time() + 20
            while time.time() < deadline and not any("now in detect mode" in l
                                                     for l in agent.stderr):
                time.sleep(0.2)
            self.assertTrue(any("now in detect mode" in l for l in agent.stderr), agent.stderr)
            cid = self.run_container("sh", "-c", WORKLOAD + "; /bin/cp /bin/busybox /tmp/x; /tmp/x true")
            got = agent.wait_for(lambda a: field(a, "container.id") == cid and
                                 field(a, "proc.exepath") == "/tmp/x", 15)
        finally:
            agent.stop()
        self.assertIn("/tmp/x", [field(a, "proc.exepath") for a in got])
        self.assertEqual(self.profile(store)["mode"], "detecting")

    def test_health_checks_stay_out_and_exec_sessions_count(self):
        store = os.path.join(self.dir, "health.db")
        agent = self.start("--baseline-mode", "learn", store=store)
        name = "vigil-baseline-health-%d" % os.getpid()
        try:
            harness.run(["docker", "run", "-d", "--name", name, "--network", "none", "--pull",
                         "never", "--health-cmd", "/bin/wc -c /etc/hostname",
                         "--health-interval", "1s", self.tag, "sleep", "30"])
            deadline = time.time() + 20
            while time.time() < deadline:  # a few health checks have run
                out = harness.run(["docker", "inspect", "-f", "{{len .State.Health.Log}}", name],
                                  check=False).stdout.strip()
                if out.isdigit() and int(out) >= 3:
                    break
                time.sleep(0.5)
            harness.run(["docker", "exec", name, "/bin/ls", "/tmp"])
            # The health check's shape, not the health check: learned.
            harness.run(["docker", "exec", name, "/bin/sh", "-c", "/bin/wc -c /etc/passwd"])
            time.sleep(1.5)
        finally:
            harness.run(["docker", "rm", "-f", name], check=False)
            agent.stop()
        p = self.profile(store)
        exes = {e["exe"] for e in p["processes"]}
        self.assertIn("/bin/busybox (as sleep)", exes)
        self.assertIn("/bin/busybox (as ls)", exes)
        self.assertNotIn("/etc/hostname", p.get("files_read", []))
        self.assertIn("/etc/passwd", p.get("files_read", []))

    def test_without_syscalls_no_program_on_every_syscall(self):
        store = os.path.join(self.dir, "nosyscalls.db")
        agent = self.start("--baseline-mode", "learn", "--set", "baseline.syscalls=false",
                           store=store)
        try:
            ready = [l for l in agent.stderr if "ready" in l]
            self.assertNotIn("sys_enter", ready[0])
            self.run_container("sh", "-c", WORKLOAD)
            time.sleep(1.5)
        finally:
            agent.stop()
        p = self.profile(store)
        self.assertIn("/bin/busybox (as nc)", {e["exe"] for e in p["processes"]})
        self.assertEqual(p.get("syscalls", []), [])

    def test_a_removed_containers_syscall_bitmap_is_forgotten(self):
        # The kernel keeps a syscall bitmap per container cgroup; 10 s after the engine removed
        # the container, the agent deletes its entry (the LRU map bounds it anyway).
        store = os.path.join(self.dir, "forget.db")
        agent = self.start("--baseline-mode", "learn", store=store)

        def entries():
            out = harness.run(["bpftool", "-j", "map", "dump", "name", "container_sysca"])
            return len(json.loads(out.stdout))

        try:
            before = entries()
            self.run_container("sh", "-c", "true")
            deadline = time.time() + 5
            while time.time() < deadline and entries() == before:
                time.sleep(0.2)
            self.assertEqual(entries(), before + 1)
            deadline = time.time() + 30
            while time.time() < deadline and entries() != before:
                time.sleep(0.5)
            self.assertEqual(entries(), before, "the bitmap outlived its container")
        finally:
            agent.stop()

    def test_seccomp_profile_runs_the_workload_and_refuses_the_rest(self):
        profile = os.path.join(self.dir, "seccomp.json")
        harness.run([harness.VIGIL, "baseline", "seccomp", self.tag, "--store", self.store,
                     "-o", profile])
        opt = ["--security-opt", "seccomp=" + profile]
        ok = subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never"] +
                            opt + [self.tag, "sh", "-c", WORKLOAD + "; echo done"],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        self.assertIn("done", ok.stdout)
        refused = subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never"]
                                 + opt + [self.tag, "unshare", "-U", "true"],
                                 capture_output=True, text=True, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("Operation not permitted", refused.stderr)


if __name__ == "__main__":
    harness.main()
