"""`vigil capture` then `vigil replay`: the same alerts, container identity included, from a
file; damaged files rejected with a clear error; domain names resolved for a replay when asked
(with "localhost" only, from /etc/hosts: no other name may be looked up here)."""
import json
import os
import signal
import subprocess
import tempfile
import unittest

import harness
from harness import field


class CaptureReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.dir = tempfile.mkdtemp(prefix="vigil-capture-")
        cls.capture = os.path.join(cls.dir, "events.vcap")
        agent = harness.Agent("capture", "-w", cls.capture)
        agent.wait_ready()
        cls.shadow_cid = harness.docker_run("cat", "/etc/shadow")
        cls.touch_cid = harness.docker_run("touch", "/bin/test")
        cls.user_cid = harness.docker_run("cat", "/etc/sudoers", user="33:33")
        cls.connect_cid = harness.docker_run(
            "sh", "-c", "nc -l -p 4460 > /dev/null & sleep 0.5; echo hi | nc -w 2 127.0.0.1 4460;"
            " wait")
        code = agent.stop(sig=signal.SIGTERM)  # SIGTERM, as systemd and Docker stop agents
        assert code == 0, "capture exited with %s:\n%s" % (code, "\n".join(agent.stderr))

    def replay(self, path, *extra):
        return subprocess.run([harness.VIGIL, "replay", path, "-o", "json"] + list(extra),
                              capture_output=True, text=True, timeout=120)

    def test_replay_raises_the_alerts_run_would(self):
        result = self.replay(self.capture)
        self.assertEqual(result.returncode, 0, result.stderr)
        alerts = [json.loads(l) for l in result.stdout.splitlines()]
        shadow = [a for a in alerts if field(a, "container.id") == self.shadow_cid]
        self.assertEqual(len(shadow), 1, alerts)
        self.assertEqual(shadow[0]["rule"], "Read sensitive file untrusted")
        self.assertEqual(field(shadow[0], "container.image.repository"), harness.IMAGE)
        self.assertEqual(field(shadow[0], "fd.name"), "/etc/shadow")
        self.assertEqual(field(shadow[0], "user.name"), "root")
        touch = [a for a in alerts if field(a, "container.id") == self.touch_cid]
        self.assertEqual([a["rule"] for a in touch], ["Write below binary dir"])
        user = [a for a in alerts if field(a, "container.id") == self.user_cid]
        self.assertEqual(len(user), 1, alerts)
        self.assertEqual(field(user[0], "user.name"), "www")  # recorded from the container

    def test_replay_with_other_rules(self):
        rules = os.path.join(self.dir, "execs.yaml")
        with open(rules, "w") as f:
            f.write("- rule: Exec in container\n  desc: d\n"
                    "  condition: evt.type = execve and container.id != host\n"
                    "  output: exec %proc.cmdline in %container.id\n  priority: NOTICE\n")
        result = self.replay(self.capture, "-r", rules)
        self.assertEqual(result.returncode, 0, result.stderr)
        outputs = [json.loads(l)["output"] for l in result.stdout.splitlines()]
        self.assertIn("exec cat /etc/shadow in %s" % self.shadow_cid, outputs)

    def test_replay_resolves_domain_names_when_asked(self):
        rules = os.path.join(self.dir, "names.yaml")
        with open(rules, "w") as f:
            f.write("- rule: Connect to localhost\n  desc: d\n"
                    "  condition: evt.type = connect and fd.sport = 4460 and "
                    "fd.sip.name = localhost\n"
                    "  output: connect to %fd.sip.name in %container.id\n  priority: NOTICE\n")
        resolved = self.replay(self.capture, "-r", rules, "--resolve-names")
        self.assertEqual(resolved.returncode, 0, resolved.stderr)
        outputs = [json.loads(l)["output"] for l in resolved.stdout.splitlines()]
        self.assertEqual(outputs, ["connect to localhost in %s" % self.connect_cid])
        unresolved = self.replay(self.capture, "-r", rules)
        self.assertEqual(unresolved.returncode, 0, unresolved.stderr)
        self.assertEqual(unresolved.stdout, "")
        self.assertIn("without --resolve-names they never match", unresolved.stderr)

    def test_truncated_capture_is_rejected(self):
        with open(self.capture, "rb") as f:
            data = f.read()
        cut = os.path.join(self.dir, "cut.vcap")
        with open(cut, "wb") as f:
            f.write(data[: len(data) * 2 // 3])
        result = self.replay(cut)
        self.assertEqual(result.returncode, 1)
        self.assertIn("truncated", result.stderr)

    def test_foreign_file_is_rejected(self):
        result = self.replay("/etc/hostname")
        self.assertEqual(result.returncode, 1)
        self.assertIn("not a vigil capture", result.stderr)


if __name__ == "__main__":
    harness.main()
