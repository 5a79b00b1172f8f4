"""The in-kernel open filter: opens no loaded rule could match stay in the kernel (counted),
and every open a rule could match still reaches it: by file name, directory name, program
name, '../' in the path, writes, and path prefixes (with wildcards)."""
import os
import re
import subprocess
import tempfile
import time
import unittest

import harness
from harness import field

PREFIX_RULES = """
- rule: SSH key read below root
  desc: prefix rule
  condition: evt.type in (open, openat) and fd.num >= 0 and fd.name startswith /root/.ssh/
  output: "ssh key %fd.name in %container.id"
  priority: WARNING
- rule: SSH key read below home
  desc: wildcard prefix rule
  condition: evt.type in (open, openat) and fd.num >= 0 and fd.name glob '/home/*/.ssh/*'
  output: "home ssh key %fd.name in %container.id"
  priority: WARNING
"""


def stopped_stats(agent):
    for line in agent.stderr:
        m = re.search(r"stopped: (\d+) events, (\d+) alerts, (\d+) kernel records sent, "
                      r"(\d+) dropped, \d+ undecodable, (\d+) opens filtered", line)
        if m:
            return {"sent": int(m.group(3)), "filtered": int(m.group(5))}
    raise AssertionError("no stats line:\n" + "\n".join(agent.stderr))

# The built-in traversal rule's shape, without its exclusion of programs started by shells.
TRAVERSAL_RULES = """
- rule: Traversal to a monitored file
  desc: gated '../' scan
  condition: >
    evt.type in (open, openat) and fd.nameraw glob '*../*../*'
    and (fd.name startswith /etc/ or fd.name glob '/home/*/.ssh/*'
         or fd.name startswith /root/.ssh or fd.name contains id_rsa)
  output: "traversal to %fd.name (%fd.nameraw) in %container.id"
  priority: WARNING
"""


class FilterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.loop = os.path.join(os.path.dirname(harness.VIGIL), "bench", "syscall_loop")

    def test_uninteresting_opens_stay_in_the_kernel(self):
        agent = harness.Agent("run", "-o", "json")
        agent.wait_ready()
        self.assertTrue(any("in-kernel filter: writes" in l for l in agent.stderr), agent.stderr)
        subprocess.run([self.loop, "files", "20000"], check=True, capture_output=True)
        cid = harness.docker_run("cat", "/etc/shadow")
        alerts = agent.wait_for(lambda a: field(a, "container.id") == cid)
        self.assertEqual(agent.stop(), 0)
        self.assertEqual([a["rule"] for a in alerts], ["Read sensitive file untrusted"])
        stats = stopped_stats(agent)
        self.assertGreaterEqual(stats["filtered"], 20000)
        self.assertLess(stats["sent"], 10000)  # the 20,000 reads of /etc/hostname never left

    def test_prefix_rules_pass_through_the_trie(self):
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules.yaml")
            with open(rules, "w") as f:
                f.write(PREFIX_RULES)
            agent = harness.Agent("run", "-o", "json", "-r", rules)
            agent.wait_ready()
            cid = harness.docker_run(
                "sh", "-c", "mkdir -p /root/.ssh/sub /home/ann/.ssh && echo k > /root/.ssh/sub/id "
                            "&& echo k > /home/ann/.ssh/id && cat /root/.ssh/sub/id "
                            "/home/ann/.ssh/id /etc/passwd > /dev/null")
            got = agent.wait_for(lambda a: field(a, "container.id") == cid
                                 and a["output"].startswith("home ssh key"))
            self.assertTrue(got, agent.alerts())
            agent.stop()
            # Each file is opened twice (written by the shell, read by cat): both pass.
            outputs = sorted(a["output"] for a in agent.alerts()
                             if field(a, "container.id") == cid)
            self.assertEqual(outputs, ["home ssh key /home/ann/.ssh/id in " + cid] * 2 +
                                      ["ssh key /root/.ssh/sub/id in " + cid] * 2)
            self.assertGreater(stopped_stats(agent)["filtered"], 0)

    def test_directory_verdicts_follow_renames(self):
        """Directory verdicts are cached in the kernel; a directory moved under a prefix (its
        ancestor renamed: the directory itself keeps its name, parent and inode) must not keep
        the verdict it had outside, and files in a directory seen before still pass."""
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules.yaml")
            with open(rules, "w") as f:
                f.write(PREFIX_RULES)
            agent = harness.Agent("run", "-o", "json", "-r", rules)
            agent.wait_ready()
            self.assertTrue(any("directory verdicts cached" in l for l in agent.stderr),
                            agent.stderr)
            # Reads of /tmp/a/.ssh/k first (no prefix: filtered, the directory's verdict
            # cached), then its parent moves below /home; then several reads in /root/.ssh.
            cid = harness.docker_run(
                "sh", "-c", "mkdir -p /tmp/a/.ssh /home /root/.ssh && echo k > /tmp/a/.ssh/k "
                            "&& cat /tmp/a/.ssh/k /tmp/a/.ssh/k > /dev/null "
                            "&& mv /tmp/a /home/a && cat /home/a/.ssh/k > /dev/null "
                            "&& echo k > /root/.ssh/one && echo k > /root/.ssh/two "
                            "&& cat /root/.ssh/one /root/.ssh/two /root/.ssh/one > /dev/null")
            agent.wait_for(lambda a: field(a, "container.id") == cid
                           and a["output"].startswith("home ssh key"))
            agent.wait_for(lambda a: field(a, "container.id") == cid
                           and a["output"].count("/root/.ssh/") and "one" in a["output"], 5)
            time.sleep(0.5)
            agent.stop()
            outputs = sorted(a["output"] for a in agent.alerts()
                             if field(a, "container.id") == cid)
            self.assertEqual(outputs, ["home ssh key /home/a/.ssh/k in " + cid] +
                                      ["ssh key /root/.ssh/one in " + cid] * 3 +
                                      ["ssh key /root/.ssh/two in " + cid] * 2)

    def test_traversal_scans_follow_their_gate(self):
        """The '../' scan of the path as passed runs only for files the traversal rule could
        name (below /etc, ~/.ssh, /root/.ssh, or with id_rsa in their path): each of those
        reached through '../../' still alerts, from a fresh directory and from a cached one."""
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "rules.yaml")
            with open(rules, "w") as f:
                f.write(TRAVERSAL_RULES)
            agent = harness.Agent("run", "-o", "json", "-r", rules)
            agent.wait_ready()
            self.assertTrue(any("paths with ../ to files under 3 prefixes or with 1 names" in l
                                for l in agent.stderr), agent.stderr)
            script = ("mkdir -p /tmp/w/a/b /tmp/keys/a/b /tmp/id_rsa.d/a/b && "
                      "echo k > /tmp/keys/id_rsa && echo k > /tmp/id_rsa.d/f && "
                      "echo k > /tmp/w/f && cd /tmp/w/a/b && cat ../../../../etc/passwd && "
                      "cat ../../f ../../f && cd /tmp/keys/a/b && cat ../../id_rsa && "
                      "cd /tmp/id_rsa.d/a/b && cat ../../f && "
                      "cd /tmp/w/a/b && cat ../../../../etc/group ../../f")
            cid = harness.docker_run("sh", "-c", script)
            agent.wait_for(lambda a: field(a, "container.id") == cid
                           and "/etc/group" in a["output"], 10)
            time.sleep(0.5)
            agent.stop()
        got = sorted(a["output"] for a in agent.alerts() if field(a, "container.id") == cid)
        self.assertEqual(got, [
            "traversal to /etc/group (../../../../etc/group) in " + cid,
            "traversal to /etc/passwd (../../../../etc/passwd) in " + cid,
            "traversal to /tmp/id_rsa.d/f (../../f) in " + cid,
            "traversal to /tmp/keys/id_rsa (../../id_rsa) in " + cid])


if __name__ == "__main__":
    harness.main()
