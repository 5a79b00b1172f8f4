"""Facts about each executed file and process, read at exec: whether the running user could
write the file (proc.is_exe_writable) and whether the process leads its process group
(proc.is_vpgid_leader), in real containers as root, as another user, and read-only."""
import os
import tempfile
import unittest

import harness
from harness import field

RULES = """
- rule: Exec facts
  desc: every exec of true in a container
  condition: evt.type = execve and evt.rawres >= 0 and proc.name = true and container.id != host
  output: "%proc.is_exe_writable %proc.is_vpgid_leader %user.uid %container.id"
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


if __name__ == "__main__":
    harness.main()
