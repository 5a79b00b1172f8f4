"""The three upstream Falco rule files loaded by `vigil run`, against real containers: their
rules fire on the behaviour they describe, with Falco's output text, as Falco would. Skipped
when the files are not found (VIGIL_FALCO_RULES_DIR, default ../shared/falco)."""
import os
import unittest

import harness
from harness import field

HERE = os.path.dirname(os.path.abspath(__file__))
UPSTREAM = os.environ.get("VIGIL_FALCO_RULES_DIR",
                          os.path.join(HERE, "..", "..", "..", "shared", "falco"))
FILES = [os.path.join(UPSTREAM, f) for f in
         ("falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml")]


@unittest.skipUnless(all(os.path.exists(f) for f in FILES),
                     "upstream Falco rules not found in %s" % UPSTREAM)
class UpstreamRulesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        args = ["run", "-o", "json"]
        for f in FILES:
            args += ["-r", f]
        cls.agent = harness.Agent(*args)
        cls.agent.wait_ready()

    @classmethod
    def tearDownClass(cls):
        cls.agent.stop()

    def rules_for(self, cid, expected, timeout=15):
        self.agent.wait_for(lambda a: field(a, "container.id") == cid and a["rule"] == expected,
                            timeout)
        return {a["rule"]: a for a in self.agent.alerts() if field(a, "container.id") == cid}

    def test_read_sensitive_file_untrusted(self):
        cid = harness.docker_run("cat", "/etc/shadow")
        got = self.rules_for(cid, "Read sensitive file untrusted")
        alert = got.get("Read sensitive file untrusted")
        self.assertIsNotNone(alert, self.agent.alerts()[-5:])
        self.assertEqual(alert["priority"], "Warning")
        self.assertIn("Sensitive file opened for reading by non-trusted program", alert["output"])
        self.assertIn("file=/etc/shadow", alert["output"])
        self.assertIn("command=cat /etc/shadow", alert["output"])
        self.assertIn("container_id=" + cid, alert["output"])
        self.assertEqual(field(alert, "container.image.repository"), harness.IMAGE)

    def test_terminal_shell_in_container(self):
        cid = harness.docker_run("sh", "-c", "true", extra=["-t"])
        got = self.rules_for(cid, "Terminal shell in container")
        alert = got.get("Terminal shell in container")
        self.assertIsNotNone(alert, self.agent.alerts()[-5:])
        self.assertEqual(alert["priority"], "Notice")
        self.assertIn("A shell was spawned in a container with an attached terminal",
                      alert["output"])

    def test_symlink_over_sensitive_file(self):
        cid = harness.docker_run("ln", "-s", "/etc/shadow", "/tmp/s")
        got = self.rules_for(cid, "Create Symlink Over Sensitive Files")
        alert = got.get("Create Symlink Over Sensitive Files")
        self.assertIsNotNone(alert, self.agent.alerts()[-5:])
        self.assertIn("target=/etc/shadow", alert["output"])

    def test_drop_and_execute_new_binary(self):
        cid = harness.docker_run("sh", "-c", "cp /bin/busybox /tmp/bb && /tmp/bb echo hi")
        got = self.rules_for(cid, "Drop and execute new binary in container")
        alert = got.get("Drop and execute new binary in container")
        self.assertIsNotNone(alert, self.agent.alerts()[-5:])
        self.assertEqual(alert["priority"], "Critical")
        self.assertIn("/tmp/bb", alert["output"])


if __name__ == "__main__":
    harness.main()
