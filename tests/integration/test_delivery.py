"""Delivery guarantees: a record the kernel produced reaches the rules promptly even when no
process starts or exits to wake the reader, and lost records are said, never silent."""
import os
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import field

RULES = """
- rule: Shell reads hostname
  desc: a shell builtin opening a file, without any exec or exit around it
  condition: evt.type in (open, openat) and fd.name = /etc/hostname and proc.name = sh and container.id != host
  output: "shell read hostname (container_id=%container.id)"
  priority: NOTICE
"""


class DeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.dir = tempfile.mkdtemp(prefix="vigil-delivery-")
        cls.rules = os.path.join(cls.dir, "rules.yaml")
        with open(cls.rules, "w") as f:
            f.write(RULES)

    def test_quiet_open_is_delivered_while_the_process_lives(self):
        agent = harness.Agent("run", "-o", "json", "-r", self.rules)
        try:
            agent.wait_ready()
            container = subprocess.Popen(
                ["docker", "run", "--rm", "--network", "none", "--pull", "never", harness.IMAGE,
                 "sh", "-c", "sleep 2; read x < /etc/hostname; sleep 8"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            started = time.time()
            alerts = agent.wait_for(lambda a: a["rule"] == "Shell reads hostname", timeout=6)
            latency = time.time() - started
            self.assertTrue(alerts, agent.stderr)
            self.assertIsNone(container.poll(), "the container had already exited")
            self.assertLess(latency, 5)  # 2 s of sleep + prompt delivery
            container.kill()
            container.wait()
        finally:
            agent.stop()

    def test_dropped_records_raise_an_internal_alert(self):
        loop = os.path.join(os.path.dirname(harness.VIGIL), "bench", "syscall_loop")
        self.assertTrue(os.path.exists(loop), loop)
        agent = harness.Agent("run", "-o", "json", "-r", self.rules, "--ring-buffer-mb", "1")
        try:
            agent.wait_ready()
            # A stopped reader cannot drain the 1 MiB ring: the flood must overflow it.
            agent.proc.send_signal(signal.SIGSTOP)
            subprocess.run([loop, "files", "100000"], check=True, capture_output=True)
            agent.proc.send_signal(signal.SIGCONT)
            alerts = agent.wait_for(lambda a: a["rule"] == "vigil internal: event drop",
                                    timeout=10)
            self.assertTrue(alerts, agent.alerts())
            a = alerts[0]
            self.assertEqual(a["source"], "internal")
            self.assertEqual(a["priority"], "Critical")
            self.assertRegex(a["output"], r"\d+ events lost since the last report")
            self.assertGreater(field(a, "n_drops"), 0)
            self.assertEqual(field(a, "n_drops"), field(a, "n_drops_buffer"))
            self.assertRegex(field(a, "n_drops_by_kind"), r"open=\d+")
            self.assertRegex(field(a, "n_drops_per_cpu"), r"cpu\d+=\d+")
        finally:
            code = agent.stop()
        self.assertEqual(code, 0)
        stopped = [l for l in agent.stderr if "stopped:" in l]
        self.assertTrue(stopped)
        self.assertNotIn(" 0 dropped", stopped[0])

    def test_stats_lines(self):
        agent = harness.Agent("run", "-o", "json", "-r", self.rules, "--stats",
                              "--stats-interval", "0.5", "--duration", "3")
        agent.wait_ready()
        code = agent.proc.wait(30)
        time.sleep(0.2)
        self.assertEqual(code, 0, agent.stderr)
        lines = [l for l in agent.stderr if "stats:" in l]
        self.assertGreaterEqual(len(lines), 3, agent.stderr)
        self.assertRegex(lines[-1], r"stats: \d+ events/s evaluated, \d+ alerts/s; kernel: \d+ "
                         r"records/s sent, \d+ opens/s filtered, \d+ dropped \(\d+ since start\), "
                         r"\d+ undecodable; agent cpu [\d.]+% of a core, rss [\d.]+ MB \([\d.]+ MB of it maps the 4 MB ring buffer twice\); state: \d+ processes, \d+ containers")


if __name__ == "__main__":
    harness.main()
