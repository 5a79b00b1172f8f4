"""deploy/vigil.service: systemd accepts the unit, and vigil works within what it grants. These
machines do not run systemd as init, so the unit's capability bound and no_new_privs are applied
the way systemd applies them (setpriv), and the agent must start, alert on a container and keep
the capabilities it says it keeps."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness
from harness import field

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, "..", "..", "deploy", "vigil.service")


def unit_setting(name):
    with open(UNIT) as f:
        for line in f:
            if line.startswith(name + "="):
                return line.split("=", 1)[1].strip()
    return None


class SystemdUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()

    def test_systemd_accepts_the_unit(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("no systemd-analyze")
        with tempfile.TemporaryDirectory() as d:
            with open(UNIT) as f:
                text = f.read().replace("/usr/local/bin/vigil", harness.VIGIL)
            path = os.path.join(d, "vigil.service")
            with open(path, "w") as f:
                f.write(text)
            out = subprocess.run(["systemd-analyze", "verify", path], capture_output=True,
                                 text=True)
        complaints = [l for l in (out.stdout + out.stderr).splitlines() if "vigil.service" in l]
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(complaints, [])

    def test_vigil_runs_within_the_units_capabilities(self):
        bound = unit_setting("CapabilityBoundingSet").split()
        self.assertEqual(unit_setting("NoNewPrivileges"), "yes")
        caps = ",".join("+" + c.lower().replace("cap_", "") for c in bound)
        cmd = ["setpriv", "--bounding-set", "-all," + caps, "--inh-caps", "-all",
               "--no-new-privs", "--", harness.VIGIL, "run", "-o", "json", "--no-logs"]
        agent = SetprivAgent(cmd)
        agent.wait_ready()
        try:
            cid = harness.docker_run("cat", "/etc/shadow")
            got = agent.wait_for(lambda a: field(a, "container.id") == cid)
            self.assertTrue(got, "\n".join(agent.stderr))
            self.assertEqual(field(got[0], "fd.name"), "/etc/shadow")
            with open("/proc/%d/status" % agent.proc.pid) as f:
                status = f.read()
            eff = int(re.search(r"CapEff:\s+([0-9a-f]+)", status).group(1), 16)
            bnd = int(re.search(r"CapBnd:\s+([0-9a-f]+)", status).group(1), 16)
            # CAP_DAC_READ_SEARCH 2, CAP_SYS_PTRACE 19 kept; CAP_SYS_ADMIN 21, CAP_BPF 39 gone.
            self.assertEqual(eff, (1 << 2) | (1 << 19), hex(eff))
            self.assertEqual(bnd & ~((1 << 2) | (1 << 19) | (1 << 21) | (1 << 38) | (1 << 39)), 0)
            self.assertTrue(any("capabilities now:" in l for l in agent.stderr), agent.stderr)
        finally:
            self.assertEqual(agent.stop(), 0, "\n".join(agent.stderr))


class SetprivAgent(harness.Agent):
    """harness.Agent for a command line that wraps vigil (setpriv … -- vigil run …)."""

    def __init__(self, cmd):
        saved = harness.VIGIL
        harness.VIGIL = cmd[0]
        try:
            super().__init__(*cmd[1:])
        finally:
            harness.VIGIL = saved


if __name__ == "__main__":
    harness.main()
