"""`vigil audit` against real containers: each insecure setting produces its finding, a hardened
container none of the high or critical ones, --fail-on sets the exit code, SARIF and JSON parse,
drift in a running container names the executable written into /bin, policy errors point at
their line and column."""
import json
import os
import subprocess
import tempfile
import time
import unittest

import harness

PREFIX = "vigil-audit-test-%d-" % os.getpid()

# name -> extra `docker create` arguments, and the check each must trigger.
INSECURE = {
    "privileged": (["--privileged"], "privileged"),
    "sysadmin": (["--cap-add", "SYS_ADMIN"], "capabilities-added"),
    "hostroot": (["-v", "/:/host"], "sensitive-mount"),
    "socket": (["-v", "/var/run/docker.sock:/var/run/docker.sock"], "docker-socket-mount"),
    "hostpid": (["--pid", "host"], "host-pid"),
    "hostipc": (["--ipc", "host"], "host-ipc"),
    "seccomp": (["--security-opt", "seccomp=unconfined"], "seccomp-unconfined"),
    "systempaths": (["--security-opt", "systempaths=unconfined"], "unmasked-paths"),
    "root": ([], "root-user"),
}

HARDENED = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--user", "1000:1000", "--memory", "64m", "--cpus", "0.5", "--pids-limit", "64",
            "--health-cmd", "true"]


def vigil(*args, timeout=120):
    return subprocess.run([harness.VIGIL] + list(args), capture_output=True, text=True,
                          timeout=timeout)


def docker(*args, check=True):
    return subprocess.run(["docker"] + list(args), capture_output=True, text=True, check=check,
                          timeout=120)


def create(name, extra, command=("sleep", "600")):
    """`docker create` (privileged containers cannot start on this VM); returns the 12-char id."""
    result = docker("create", "--name", PREFIX + name, "--pull", "never", "--network", "none",
                    *extra, harness.IMAGE, *command)
    return result.stdout.strip()[:12]


def findings_by_name(report):
    return {c["container"]["name"]: c for c in report["containers"]}


class AuditTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.dir = tempfile.mkdtemp(prefix="vigil-audit-")
        cls.ids = {}
        try:
            for name, (extra, _) in INSECURE.items():
                cls.ids[name] = create(name, extra)
            cls.ids["hardened"] = create("hardened", HARDENED)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        names = docker("ps", "-a", "--filter", "name=" + PREFIX, "--format", "{{.Names}}",
                       check=False).stdout.split()
        if names:
            docker("rm", "-f", *names, check=False)

    def audit_json(self, *args):
        result = vigil("audit", "-o", "json", *args)
        self.assertIn(result.returncode, (0, 1), result.stderr)
        return json.loads(result.stdout)

    def audit_of(self, name, *args):
        report = self.audit_json("-c", PREFIX + name, *args)
        self.assertEqual(len(report["containers"]), 1, report)
        return report["containers"][0]

    def test_each_insecure_setting_has_its_finding(self):
        args = []
        for name in INSECURE:
            args += ["-c", PREFIX + name]
        report = findings_by_name(self.audit_json(*args))
        for name, (_, check) in INSECURE.items():
            with self.subTest(name=name):
                container = report[PREFIX + name]
                self.assertEqual(container["container"]["id"], self.ids[name])
                self.assertEqual(container["container"]["state"], "created")
                self.assertEqual(container["image"], harness.IMAGE)
                checks = [f["check"] for f in container["findings"]]
                self.assertIn(check, checks, json.dumps(container["findings"], indent=1))
                for finding in container["findings"]:
                    for key in ("check", "severity", "title", "detail", "rationale",
                                "remediation", "cis"):
                        self.assertIn(key, finding)

    def test_details_name_what_was_seen(self):
        privileged = self.audit_of("privileged")["findings"]
        self.assertEqual(privileged[0]["check"], "privileged")
        self.assertEqual(privileged[0]["severity"], "critical")
        self.assertEqual(privileged[0]["cis"], "5.5")
        caps = [f for f in self.audit_of("sysadmin")["findings"]
                if f["check"] == "capabilities-added"]
        self.assertEqual(caps[0]["severity"], "critical")
        self.assertIn("SYS_ADMIN added", caps[0]["detail"])
        mounts = [f for f in self.audit_of("hostroot")["findings"]
                  if f["check"] == "sensitive-mount"]
        self.assertEqual(mounts[0]["severity"], "critical")
        self.assertIn("host / mounted read-write at /host", mounts[0]["detail"])
        sock = [f for f in self.audit_of("socket")["findings"]
                if f["check"] == "docker-socket-mount"]
        self.assertIn("/var/run/docker.sock", sock[0]["detail"])
        unmasked = [f for f in self.audit_of("systempaths")["findings"]
                    if f["check"] == "unmasked-paths"]
        self.assertTrue(any("/proc/sys" in f["detail"] and f["severity"] == "high"
                            for f in unmasked), unmasked)

    def test_hardened_container_has_no_high_or_critical_finding(self):
        container = self.audit_of("hardened")
        serious = [f for f in container["findings"] if f["severity"] in ("high", "critical")]
        self.assertEqual(serious, [])
        checks = {f["check"] for f in container["findings"]}
        for check in ("root-user", "no-new-privileges", "readonly-rootfs", "memory-limit",
                      "cpu-limit", "pids-limit", "healthcheck", "capabilities-not-dropped"):
            self.assertNotIn(check, checks)

    def test_fail_on_high(self):
        for name in ("privileged", "sysadmin", "socket", "hostpid", "seccomp"):
            with self.subTest(name=name):
                self.assertEqual(vigil("audit", "-c", PREFIX + name, "--fail-on", "high").returncode, 1)
        result = vigil("audit", "-c", PREFIX + "hardened", "--fail-on", "high")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # No --fail-on: a report, exit 0, even with critical findings.
        self.assertEqual(vigil("audit", "-c", PREFIX + "privileged").returncode, 0)

    def test_sarif(self):
        result = vigil("audit", "-o", "sarif", "-c", PREFIX + "privileged", "-c",
                       PREFIX + "hardened")
        self.assertEqual(result.returncode, 0, result.stderr)
        log = json.loads(result.stdout)
        self.assertEqual(log["version"], "2.1.0")
        run = log["runs"][0]
        rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        self.assertIn("privileged", rule_ids)
        results = [r for r in run["results"]
                   if r["locations"][0]["logicalLocations"][0]["name"] == PREFIX + "privileged"]
        self.assertIn("privileged", [r["ruleId"] for r in results])
        for r in run["results"]:
            self.assertEqual(rule_ids[r["ruleIndex"]], r["ruleId"])
            self.assertIn(r["level"], ("error", "warning", "note"))
            self.assertTrue(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])

    def test_table(self):
        result = vigil("audit", "-c", PREFIX + "privileged", "-c", PREFIX + "hardened")
        self.assertEqual(result.returncode, 0, result.stderr)
        out = result.stdout
        self.assertNotIn("\033[", out, "no colour when stdout is not a terminal")
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith("CONTAINER"), out)
        # Worst first: the privileged row above the hardened one.
        rows = [l for l in lines[1:4] if l.startswith((self.ids["privileged"], self.ids["hardened"]))]
        self.assertEqual([r[:12] for r in rows], [self.ids["privileged"], self.ids["hardened"]], out)
        self.assertRegex(out, r"\n  CRITICAL privileged +runs privileged")

    def test_a_container_named_twice_is_audited_once(self):
        report = self.audit_json("-c", PREFIX + "root", "-c", self.ids["root"])
        self.assertEqual([c["container"]["id"] for c in report["containers"]], [self.ids["root"]])

    def test_default_audits_every_container_and_running_filters(self):
        names = set(findings_by_name(self.audit_json()))
        self.assertTrue({PREFIX + n for n in INSECURE} <= names, names)
        running = set(findings_by_name(self.audit_json("--running")))
        self.assertFalse(any(n.startswith(PREFIX) for n in running), running)

    def test_drift_in_a_running_container(self):
        name = "drift"
        docker("run", "-d", "--name", PREFIX + name, "--pull", "never", "--network", "none",
               harness.IMAGE, "sleep", "600")
        try:
            docker("exec", PREFIX + name, "sh", "-c",
                   "printf '#!/bin/sh\\necho owned\\n' > /bin/vigil-dropped; "
                   "chmod 755 /bin/vigil-dropped; echo note > /tmp/notes.txt")
            container = self.audit_of(name, "--running")
            self.assertEqual(container["container"]["state"], "running")
            drift = [f for f in container["findings"] if f["check"] == "drift"]
            self.assertEqual(len(drift), 1, container["findings"])
            self.assertEqual(drift[0]["severity"], "high")
            self.assertIn("executable paths: /bin/vigil-dropped (added, mode 0755, executable bits, "
                          "under a binary/library directory)", drift[0]["detail"])
            self.assertIn("/tmp/notes.txt (added)", drift[0]["detail"])
            self.assertEqual(vigil("audit", "-c", PREFIX + name, "--fail-on", "high").returncode, 1)
        finally:
            docker("rm", "-f", PREFIX + name, check=False)

    def test_policy(self):
        policy = os.path.join(self.dir, "policy.yaml")
        with open(policy, "w") as f:
            f.write("trusted_registries: [registry.example.com]\n"
                    "allowed_capabilities: [SYS_ADMIN]\n"
                    "severity: {root-user: critical}\n"
                    "exemptions:\n"
                    "  - labels: {vigil.test/role: agent}\n"
                    "    checks: [host-pid]\n"
                    "    reason: test agent\n")
        docker("create", "--name", PREFIX + "labelled", "--pull", "never", "--network", "none",
               "--pid", "host", "--label", "vigil.test/role=agent", harness.IMAGE, "true")
        report = findings_by_name(self.audit_json("-p", policy, "-c", PREFIX + "sysadmin",
                                                  "-c", PREFIX + "labelled"))
        sysadmin = {f["check"]: f for f in report[PREFIX + "sysadmin"]["findings"]}
        self.assertNotIn("capabilities-added", sysadmin)
        self.assertEqual(sysadmin["root-user"]["severity"], "critical")
        self.assertIn("not a trusted registry", sysadmin["untrusted-registry"]["detail"])
        labelled = report[PREFIX + "labelled"]
        self.assertNotIn("host-pid", [f["check"] for f in labelled["findings"]])
        self.assertEqual([(e["check"], e["reason"]) for e in labelled["exempted"]],
                         [("host-pid", "test agent")])

    def test_bad_policy_is_rejected_with_its_position(self):
        policy = os.path.join(self.dir, "bad.yaml")
        with open(policy, "w") as f:
            f.write("severity:\n  privileged: loud\n")
        result = vigil("audit", "-p", policy)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.yaml:2:15: error: severity of 'privileged' must be", result.stderr)
        self.assertIn("    privileged: loud\n                ^", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_usage_and_failures(self):
        for args in (["audit", "-o", "xml"], ["audit", "--fail-on", "loud"],
                     ["audit", "-c", "../info"], ["audit", "-p", "/nonexistent.yaml"]):
            self.assertEqual(vigil(*args).returncode, 2, args)
        result = vigil("audit", "-c", PREFIX + "no-such-container")
        self.assertEqual(result.returncode, 1)
        self.assertIn("No such container", result.stderr)
        result = vigil("audit", "--docker-socket", "/nonexistent.sock")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot reach the Docker engine", result.stderr)
        help_text = vigil("audit", "--help").stdout
        for option in ("--container", "--running", "--policy", "--output", "--fail-on",
                       "--docker-socket", "--list-checks"):
            self.assertIn(option, help_text)
        checks = vigil("audit", "--list-checks").stdout
        self.assertIn("docker-socket-mount", checks)


class RunAuditTest(unittest.TestCase):
    """`vigil run --audit`: a container that starts with findings raises one alert (source
    "audit"); a hardened one raises none."""

    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()

    def tearDown(self):
        names = docker("ps", "-a", "--filter", "name=" + PREFIX + "run-", "--format",
                       "{{.Names}}", check=False).stdout.split()
        if names:
            docker("rm", "-f", *names, check=False)

    def start(self, name, extra):
        docker("run", "-d", "--name", PREFIX + name, "--pull", "never", "--network", "none",
               *extra, harness.IMAGE, "sleep", "600")

    def test_container_start_raises_an_audit_alert(self):
        agent = harness.Agent("run", "-o", "json", "--audit")
        try:
            agent.wait_ready()
            # The hardened container starts first: once the insecure one's alert is out, the
            # watcher (which handles start events in order) has judged the hardened one too.
            self.start("run-hardened", HARDENED)
            self.start("run-sysadmin", ["--cap-add", "SYS_ADMIN", "--pid", "host"])
            alerts = agent.wait_for(
                lambda a: a.get("source") == "audit"
                and harness.field(a, "container.name") == PREFIX + "run-sysadmin", timeout=20)
            self.assertEqual(len(alerts), 1, agent.alerts())
            alert = alerts[0]
            self.assertEqual(alert["rule"], "Container started with insecure configuration")
            self.assertEqual(alert["priority"], "Critical")
            self.assertEqual(harness.field(alert, "audit.worst"), "critical")
            self.assertIn("capabilities-added(critical)", harness.field(alert, "audit.findings"))
            self.assertIn("host-pid(high)", harness.field(alert, "audit.findings"))
            self.assertEqual(harness.field(alert, "container.image.repository"), harness.IMAGE)
            cid = docker("inspect", "--format", "{{.Id}}", PREFIX + "run-sysadmin").stdout.strip()
            self.assertEqual(harness.field(alert, "container.id"), cid[:12])
            self.assertEqual([a for a in agent.alerts() if a.get("source") == "audit"
                              and harness.field(a, "container.name") == PREFIX + "run-hardened"],
                             [])
        finally:
            code = agent.stop()
        self.assertEqual(code, 0, "\n".join(agent.stderr))

    def test_bad_policy_refuses_to_start(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write("allow_root: sometimes\n")
        try:
            result = vigil("run", "--audit-policy", f.name)
            self.assertEqual(result.returncode, 1)
            self.assertIn(":1:13: error: 'allow_root' must be true or false", result.stderr)
            self.assertIn("audit policy failed to load; not starting", result.stderr)
        finally:
            os.unlink(f.name)


if __name__ == "__main__":
    harness.main()
