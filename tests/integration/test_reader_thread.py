"""The sensor's reader thread: the ring buffer drained and decoded on a second core while rules
are evaluated. Forced on, alerts are the same and nothing is lost at stop; in auto mode it
starts when evaluation falls behind (the ring more than half full), unless the agent is behind
because it is starved of CPU (a cgroup quota), where a second thread would not help."""
import os
import re
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import field

EVERY_OPEN = """
- rule: every open
  desc: keeps the in-kernel filter open, so each open is a record
  condition: evt.type in (open, openat, openat2) and fd.name contains /no-such-dir-vigil/
  output: x
  priority: DEBUG
"""

# 200 more rules on every open: evaluation slow enough (~2 us per record) that the agent stays
# behind, busy, for longer than the 20 ms over which it measures its share of a core.
SLOW_RULES = "".join("""
- rule: slow open %d
  desc: one more rule evaluated on every open
  condition: evt.type in (open, openat, openat2) and fd.name contains /no-such-dir-%d/
  output: x
  priority: DEBUG
""" % (i, i) for i in range(200))


def stopped_counts(agent):
    for line in agent.stderr:
        m = re.search(r"stopped: (\d+) events, \d+ alerts, (\d+) kernel records sent, (\d+) "
                      r"dropped, (\d+) undecodable", line)
        if m:
            return {"events": int(m.group(1)), "sent": int(m.group(2)),
                    "dropped": int(m.group(3)), "undecodable": int(m.group(4))}
    raise AssertionError("no stop line:\n" + "\n".join(agent.stderr))


class ReaderThreadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.loop = os.path.join(os.path.dirname(harness.VIGIL), "bench", "syscall_loop")

    def test_forced_on_alerts_as_usual(self):
        agent = harness.Agent("run", "-o", "json", "--reader-thread", "on")
        try:
            agent.wait_ready()
            self.assertTrue(any("reader thread started" in l for l in agent.stderr),
                            agent.stderr)
            cid = harness.docker_run("cat", "/etc/shadow")
            alerts = agent.wait_for(lambda a: field(a, "container.id") == cid)
            self.assertEqual([a["rule"] for a in alerts], ["Read sensitive file untrusted"])
            self.assertIn("command=cat /etc/shadow", alerts[0]["output"])
        finally:
            self.assertEqual(agent.stop(), 0)

    def test_auto_starts_when_behind_and_loses_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules.yaml")
            with open(rules, "w") as f:
                f.write(EVERY_OPEN + SLOW_RULES)
            agent = harness.Agent("run", "-o", "json", "-r", rules, "--ring-buffer-mb", "16")
            agent.wait_ready()
            self.addCleanup(agent.stop)  # also when an assertion below fails
            self.assertFalse(any("reader thread started" in l for l in agent.stderr))
            # A stopped agent cannot drain: 85,000 opens (~150 bytes each) fill the 16 MiB ring
            # past half without overflowing it; once resumed, the agent finds itself behind and
            # hands the ring to a reader thread.
            agent.proc.send_signal(signal.SIGSTOP)
            time.sleep(0.2)
            subprocess.run([self.loop, "files", "85000"], check=True, capture_output=True)
            agent.proc.send_signal(signal.SIGCONT)
            deadline = time.time() + 10
            while time.time() < deadline and not any("reader thread started" in l
                                                     for l in agent.stderr):
                time.sleep(0.1)
            self.assertTrue(any("reader thread started" in l for l in agent.stderr),
                            agent.stderr)
            subprocess.run([self.loop, "files", "20000"], check=True, capture_output=True)
            self.assertEqual(agent.stop(), 0)
        counts = stopped_counts(agent)
        self.assertEqual(counts["dropped"], 0, counts)
        self.assertEqual(counts["undecodable"], 0, counts)
        # Every open of the two loops was evaluated (other processes add more; "sent" is read
        # after the final drain and may count records made since, so it is not compared).
        self.assertGreaterEqual(counts["events"], 105000, counts)

    def test_auto_starts_no_thread_when_starved_of_cpu(self):
        cgroup = "/sys/fs/cgroup/cpu/vigil-test-starved"
        if not os.path.exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"):
            self.skipTest("no cgroup v1 cpu controller to hold the agent with")
        os.makedirs(cgroup, exist_ok=True)
        self.addCleanup(os.rmdir, cgroup)
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules.yaml")
            with open(rules, "w") as f:
                f.write(EVERY_OPEN)
            agent = harness.Agent("run", "-o", "json", "-r", rules, "--ring-buffer-mb", "16")
            agent.wait_ready()
            self.addCleanup(agent.stop)
            # Stopped while 85,000 opens fill the 16 MiB ring past half (without overflowing
            # it), then resumed held to 1 ms of CPU per second (CFS lets it overrun that by a
            # 5 ms slice): behind, and starved.
            agent.proc.send_signal(signal.SIGSTOP)
            time.sleep(0.2)
            subprocess.run([self.loop, "files", "85000"], check=True, capture_output=True)
            with open(os.path.join(cgroup, "cpu.cfs_period_us"), "w") as f:
                f.write("1000000")
            with open(os.path.join(cgroup, "cpu.cfs_quota_us"), "w") as f:
                f.write("1000")
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(agent.proc.pid))
            agent.proc.send_signal(signal.SIGCONT)
            deadline = time.time() + 10
            while time.time() < deadline and not any("starved of CPU" in l for l in agent.stderr):
                time.sleep(0.1)
            self.assertTrue(any("starved of CPU" in l for l in agent.stderr), agent.stderr)
            with open(os.path.join(cgroup, "cpu.cfs_quota_us"), "w") as f:
                f.write("-1")
            with open("/sys/fs/cgroup/cpu/cgroup.procs", "w") as f:
                f.write(str(agent.proc.pid))
            self.assertEqual(agent.stop(), 0)
        self.assertFalse(any("reader thread started" in l for l in agent.stderr), agent.stderr)
        counts = stopped_counts(agent)
        self.assertEqual(counts["dropped"], 0, counts)
        self.assertGreaterEqual(counts["events"], 85000, counts)


if __name__ == "__main__":
    harness.main()
