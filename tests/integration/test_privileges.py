"""Least privilege: once its probes are attached, `vigil run` keeps only cap_sys_ptrace and
cap_dac_read_search, in every one of its threads (capabilities are per thread), with the
bounding set trimmed and no_new_privs set; alerts, container metadata, SIGHUP reloads and a
program output still work afterwards; drop_capabilities: false keeps everything."""
import json
import os
import shutil
import signal
import socket
import tempfile
import unittest
import urllib.request

import harness
from harness import field
from triggers import free_port, wait_until

CAP_DAC_READ_SEARCH = 2
CAP_NET_BIND_SERVICE = 10
CAP_SYS_PTRACE = 19
CAP_SYS_ADMIN = 21
CAP_PERFMON = 38
CAP_BPF = 39
KEPT = (1 << CAP_SYS_PTRACE) | (1 << CAP_DAC_READ_SEARCH)


def thread_status(pid):
    """{tid: {"CapEff": int, ..., "NoNewPrivs": "1", "Name": ...}} for every thread of pid."""
    threads = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        fields = {}
        try:
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    key, _, value = line.partition(":")
                    value = value.strip()
                    fields[key] = int(value, 16) if key.startswith("Cap") else value
        except FileNotFoundError:
            continue  # the thread ended meanwhile
        threads[tid] = fields
    return threads


def caps_named(mask):
    return [n for n, b in (("cap_sys_admin", CAP_SYS_ADMIN), ("cap_bpf", CAP_BPF),
                           ("cap_perfmon", CAP_PERFMON)) if mask & (1 << b)]


class PrivilegesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-privileges-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)

    def start(self, *args):
        agent = harness.Agent("run", "-o", "json", *args)
        agent.wait_ready()
        return agent

    def stop(self, agent):
        self.assertEqual(agent.stop(), 0, "\n".join(agent.stderr))

    def test_every_thread_keeps_only_what_it_needs_and_alerts_still_work(self):
        config = os.path.join(self.dir, "vigil.yaml")
        with open(config, "w") as f:
            f.write("json_output: true\n")
        program_out = os.path.join(self.dir, "program.out")
        port = free_port()
        # Every kind of thread vigil starts: outputs (stdout, program), metadata, log
        # following, audit, the sensor's reader, the web server.
        agent = self.start("-c", config, "--reader-thread", "on", "--audit",
                           "--set", "webserver.enabled=true",
                           "--set", "webserver.listen_port=%d" % port,
                           "--set", "program_output.enabled=true",
                           "--set", "program_output.program=grep ^Cap /proc/self/status >> " +
                           program_out)
        try:
            log = "\n".join(agent.stderr)
            self.assertIn("reader thread started", log)
            self.assertRegex(log, r"capabilities now: cap_dac_read_search,cap_sys_ptrace "
                                  r"\(dropped: .*cap_sys_admin.*; bounding set: the same\)")
            threads = thread_status(agent.proc.pid)
            self.assertGreaterEqual(len(threads), 6, threads)
            for tid, status in threads.items():
                where = "thread %s (%s)" % (tid, status.get("Name"))
                for key in ("CapEff", "CapPrm", "CapBnd"):
                    self.assertEqual(caps_named(status[key]), [], "%s %s" % (where, key))
                    self.assertEqual(status[key], KEPT, "%s %s=%x" % (where, key, status[key]))
                self.assertEqual(status["CapInh"], 0, where)
                self.assertEqual(status["CapAmb"], 0, where)
                self.assertEqual(status["NoNewPrivs"], "1", where)

            # /proc of container processes (user names from the container's own passwd),
            # container metadata from the Docker socket: as before the drop.
            cid = harness.docker_run("cat", "/etc/sudoers", user="33:33")
            alerts = agent.wait_for(lambda a: field(a, "container.id") == cid and
                                    a["rule"] == "Read sensitive file untrusted")
            self.assertEqual(len(alerts), 1, agent.alerts())
            self.assertEqual(field(alerts[0], "user.name"), "www")
            self.assertEqual(field(alerts[0], "container.image.repository"), harness.IMAGE)

            # The web server answers; the program output's shell got nothing back by exec.
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
                self.assertEqual(r.status, 200)
            def child_status():
                if not os.path.exists(program_out):
                    return {}
                with open(program_out) as f:
                    return {k: int(v, 16) for k, v in
                            (l.split(":") for l in f.read().splitlines() if l.startswith("Cap"))}

            self.assertTrue(wait_until(lambda: "CapEff" in child_status()))
            child = child_status()
            for key in ("CapEff", "CapPrm", "CapBnd"):
                self.assertEqual(caps_named(child[key]), [], "program_output's %s" % key)

            # SIGHUP after the drop: a good reload applies, a bad one is rejected, and alerts
            # keep coming.
            with open(config, "a") as f:
                f.write("priority: warning\n")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: any("reloaded:" in l for l in agent.stderr)),
                            agent.stderr)
            with open(config, "a") as f:
                f.write("bogus_key: 1\n")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(wait_until(lambda: any("reload rejected" in l
                                                   for l in agent.stderr)), agent.stderr)
            cid = harness.docker_run("cat", "/etc/shadow")
            # The audit's alert on the same container (it runs as root) may come too.
            alerts = agent.wait_for(lambda a: field(a, "container.id") == cid and
                                    a["source"] == "syscall")
            self.assertEqual([a["rule"] for a in alerts], ["Read sensitive file untrusted"])
            self.assertEqual(field(alerts[0], "container.image.repository"), harness.IMAGE)
        finally:
            self.stop(agent)

    def test_a_low_web_server_port_keeps_net_bind_service(self):
        port = next(p for p in range(1023, 900, -1) if _port_free(p))
        agent = self.start("--set", "webserver.enabled=true",
                           "--set", "webserver.listen_port=%d" % port)
        try:
            self.assertIn("capabilities now: cap_dac_read_search,cap_net_bind_service,"
                          "cap_sys_ptrace (", "\n".join(agent.stderr))
            for status in thread_status(agent.proc.pid).values():
                self.assertEqual(status["CapEff"], KEPT | (1 << CAP_NET_BIND_SERVICE))
            with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5) as r:
                self.assertEqual(json.loads(r.read()), {"status": "ok"})
        finally:
            self.stop(agent)

    def test_drop_capabilities_false_keeps_them(self):
        agent = self.start("--set", "drop_capabilities=false")
        try:
            self.assertIn("capabilities kept (drop_capabilities: false): ",
                          "\n".join(agent.stderr))
            self.assertNotIn("capabilities now:", "\n".join(agent.stderr))
            status = thread_status(agent.proc.pid)[str(agent.proc.pid)]
            self.assertEqual(caps_named(status["CapEff"]),
                             ["cap_sys_admin", "cap_bpf", "cap_perfmon"])
        finally:
            self.stop(agent)


def _port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


if __name__ == "__main__":
    harness.main()
