"""Facts about each executed file and process, read at exec: whether the running user could
write the file (proc.is_exe_writable) and whether the process leads its process group
(proc.is_vpgid_leader), in real containers as root, as another user, and read-only; the
executed file's times (proc.exe_ino.*), the session leader (proc.sname) and the group's name
from the container's own /etc/group (group.name)."""
import os
import tempfile
import time
import unittest

import harness
from harness import field

RULES = """
- rule: Exec facts
  desc: every exec of true in a container
  condition: evt.type = execve and evt.rawres >= 0 and proc.name = true and container.id != host
  output: "%proc.is_exe_writable %proc.is_vpgid_leader %user.uid %container.id"
  priority: DEBUG
- rule: Dropped binary
  desc: a file copied in the container, then run
  condition: evt.type = execve and evt.rawres >= 0 and proc.name = dropped and container.id != host
  output: >
    dropped sname=%proc.sname ctime=%proc.exe_ino.ctime mtime=%proc.exe_ino.mtime
    since=%proc.exe_ino.ctime_duration_proc_start group=%group.name
  priority: DEBUG
"""


class ExecFactsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.dir = tempfile.mkdtemp(prefix="vigil-exec-facts-")
        cls.rules = os.path.join(cls.dir, "rules.yaml")
        with open(cls.rules, "w") as f:
            f.write(RULES)
        cls.agent = harness.Agent("run", "-o", "json", "-r", cls.rules)
        cls.agent.wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def facts(self, cid):
        alerts = self.agent.wait_for(lambda a: field(a, "container.id") == cid)
        self.assertTrue(alerts, self.agent.alerts())
        return sorted((field(a, "proc.is_exe_writable"), field(a, "proc.is_vpgid_leader"))
                      for a in self.agent.alerts() if field(a, "container.id") == cid)

    def test_root_can_write_its_programs(self):
        # The first true is forked by the shell (its group is the shell's); the second replaces
        # the shell, which leads the container's process group.
        cid = harness.docker_run("sh", "-c", "/bin/true; /bin/true")
        self.assertEqual(self.facts(cid), [(True, False), (True, True)])

    def test_another_user_cannot_write_roots_programs(self):
        cid = harness.docker_run("sh", "-c", "/bin/true; /bin/true", user="33")
        self.assertEqual(self.facts(cid), [(False, False), (False, True)])

    def test_nothing_is_writable_on_a_read_only_root(self):
        cid = harness.docker_run("sh", "-c", "/bin/true; /bin/true", extra=["--read-only"])
        self.assertEqual(self.facts(cid), [(False, False), (False, True)])

    def test_a_dropped_binary_has_fresh_times_its_session_and_group(self):
        before_ns = time.time_ns()
        cid = harness.docker_run("sh", "-c", "cp /bin/busybox /tmp/dropped; sleep 1; /tmp/dropped; true",
                                 user="0:33")
        alerts = self.agent.wait_for(lambda a: field(a, "container.id") == cid and
                                     a["rule"] == "Dropped binary")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        a = alerts[0]
        ctime, mtime = field(a, "proc.exe_ino.ctime"), field(a, "proc.exe_ino.mtime")
        # Written by cp just now (the clocks are the same machine's).
        self.assertGreaterEqual(ctime, before_ns - 1_000_000_000, a)
        self.assertLessEqual(ctime, time.time_ns(), a)
        self.assertLessEqual(mtime, ctime, a)
        # The shell forked the process after `sleep 1` (not the last command, so not exec'd
        # in place of the shell): it started at least a second after the copy.
        since = field(a, "proc.exe_ino.ctime_duration_proc_start")
        self.assertGreaterEqual(since, 900_000_000, a)
        self.assertLess(since, 30_000_000_000, a)
        # runc makes the container's first process a session leader.
        self.assertEqual(field(a, "proc.sname"), "sh", a)
        self.assertEqual(field(a, "group.name"), "webgrp", a)


if __name__ == "__main__":
    harness.main()
