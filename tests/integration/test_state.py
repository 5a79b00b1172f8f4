"""State under load: a container that starts 1,000 processes. Every one is seen with the right
parent and container, nothing is dropped, and once they are gone the agent forgets them (and
the removed container): state stays bounded."""
import os
import re
import subprocess
import tempfile
import time
import unittest

import harness
from harness import field

RULES = """
- rule: Sleep started in container
  desc: each of the 1,000 background processes
  condition: evt.type = execve and evt.rawres >= 0 and proc.name = sleep and container.id != host
  output: "sleep started (pid=%proc.pid parent=%proc.pname container_id=%container.id)"
  priority: DEBUG
- rule: Shadow read after the burst
  desc: the process table still resolves ancestry after the burst
  condition: evt.type in (open, openat) and fd.name = /etc/shadow and container.id != host
  output: "shadow read (command=%proc.cmdline parent=%proc.pname gparent=%proc.aname[2] container_id=%container.id image=%container.image.repository)"
  priority: WARNING
"""

STATE = re.compile(r"state: (\d+) processes, (\d+) containers")
BURST = 1000


def state_counts(line):
    m = STATE.search(line)
    return (int(m.group(1)), int(m.group(2))) if m else None


class ThousandProcessesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.dir = tempfile.mkdtemp(prefix="vigil-state-")
        cls.rules = os.path.join(cls.dir, "rules.yaml")
        with open(cls.rules, "w") as f:
            f.write(RULES)

    def stats(self, agent):
        return [c for c in (state_counts(l) for l in list(agent.stderr)) if c]

    def wait_for_stats(self, agent, predicate, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            seen = self.stats(agent)
            if seen and predicate(seen[-1]):
                return seen[-1]
            time.sleep(0.25)
        return self.stats(agent)[-1] if self.stats(agent) else None

    def test_thousand_processes_then_bounded(self):
        agent = harness.Agent("run", "-o", "json", "-r", self.rules, "--stats",
                              "--stats-interval", "0.5")
        try:
            agent.wait_ready()
            before = self.wait_for_stats(agent, lambda s: True, 5)
            self.assertIsNotNone(before, agent.stderr)
            # PID 1 starts 1,000 sleeps in the background, reads the shadow file, waits a little
            # and exits: the kernel then kills every other process of the container. (A path:
            # busybox's shell runs a bare `sleep` in the forked child without any exec. The final
            # `exit`: a last simple command would replace the shell, and the sleeps' parent
            # would then rightly be named after it.)
            script = ("i=0; while [ $i -lt %d ]; do /bin/sleep 60 & i=$((i+1)); done; "
                      "cat /etc/shadow >/dev/null; sleep 3; exit 0" % BURST)
            cid = harness.docker_run("sh", "-c", script)

            sleeps = []
            deadline = time.time() + 30
            while len(sleeps) < BURST and time.time() < deadline:
                time.sleep(0.2)
                # This container's: others on the host may run sleeps too.
                sleeps = [a for a in agent.alerts() if a["rule"] == "Sleep started in container"
                          and field(a, "container.id") == cid]
            self.assertEqual(len(sleeps), BURST)
            self.assertEqual(len({field(a, "proc.pid") for a in sleeps}), BURST)
            self.assertEqual({field(a, "proc.pname") for a in sleeps}, {"sh"})

            shadow = agent.wait_for(lambda a: a["rule"] == "Shadow read after the burst" and
                                    field(a, "container.id") == cid)
            self.assertEqual(len(shadow), 1, agent.alerts()[-3:])
            self.assertEqual(field(shadow[0], "proc.cmdline"), "cat /etc/shadow")
            self.assertEqual(field(shadow[0], "proc.pname"), "sh")
            self.assertEqual(field(shadow[0], "container.id"), cid)
            self.assertEqual(field(shadow[0], "container.image.repository"), harness.IMAGE)

            peak = max(p for p, _ in self.stats(agent))
            self.assertGreaterEqual(peak, before[0] + BURST, "the burst was not tracked")
            # Exited processes are kept 10 s for late lookups, a removed container's metadata
            # 10 s for its last events; then both are forgotten. (The host's own processes come
            # and go meanwhile: a build elsewhere adds a hundred; the burst's 1,000 must leave.)
            after = self.wait_for_stats(
                agent, lambda s: s[0] <= peak - 900 and s[1] <= before[1], 30)
            self.assertLessEqual(after[0], peak - 900, "exited processes were not forgotten")
            self.assertLessEqual(after[0], before[0] + 300, "state grew by more than the host")
            self.assertLessEqual(after[1], before[1], "the removed container was not forgotten")
        finally:
            code = agent.stop()
        self.assertEqual(code, 0, agent.stderr)
        stopped = [l for l in agent.stderr if "stopped:" in l]
        self.assertTrue(stopped, agent.stderr)
        self.assertIn(" 0 dropped", stopped[0])


if __name__ == "__main__":
    harness.main()
