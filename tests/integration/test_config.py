"""`vigil run -c FILE`, flags and --set over it, errors with positions (exit 2), Falco keys
accepted with a warning, and SIGHUP reloads of the config and rules (good and bad)."""
import os
import signal
import subprocess
import time
import unittest

import harness
from triggers import Triggers, wait_until


def vigil(*args, timeout=60):
    return subprocess.run([harness.VIGIL] + list(args), capture_output=True, text=True,
                          timeout=timeout)


class ConfigTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.fail("integration tests need root (BPF)")
        self.t = Triggers()

    def write(self, name, text):
        path = self.t.path(name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_bad_config_exits_2_with_every_error_and_its_position(self):
        config = self.write("bad.yaml", "json_output: maybe\nfile_output:\n  filname: x\n"
                            "ring_buffer_mb: 0\nplugins: []\n")
        result = vigil("run", "-c", config, "--set", "outputs.rate=-1")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("%s:1:14: error: 'json_output' must be true or false\n"
                      "  json_output: maybe\n               ^" % config, result.stderr)
        self.assertIn("%s:3:3: error: unknown key 'file_output.filname' (did you mean "
                      "'file_output.filename'?)" % config, result.stderr)
        self.assertIn("%s:4:17: error: 'ring_buffer_mb' must be a whole number" % config,
                      result.stderr)
        self.assertIn("--set outputs.rate=-1: error: 'outputs.rate'", result.stderr)
        self.assertIn("configuration rejected", result.stderr)
        self.assertEqual(vigil("run", "--set", "nonsense").returncode, 2)
        self.assertEqual(vigil("run", "-c", "/nonexistent.yaml").returncode, 2)

    def test_falco_keys_load_with_warnings_and_precedence(self):
        # A falco.yaml-like file: keys vigil has no use for are warnings, not errors.
        config = self.write("falco.yaml", """
rules_files:
  - %s
json_output: false
priority: debug
plugins: []
load_plugins: []
engine:
  kind: modern_ebpf
webserver:
  enabled: false
  threadiness: 0
stdout_output:
  enabled: true
outputs:
  rate: 0
  max_burst: 1000
""" % self.t.rules)
        # -o json overrides the file's json_output: false.
        agent = harness.Agent("run", "-c", config, "-o", "json")
        try:
            agent.wait_ready()
            path = self.t.fire()
            alerts = agent.wait_for(lambda a: a["output_fields"].get("fd.name") == path)
            self.assertEqual(len(alerts), 1, agent.lines)
        finally:
            self.assertEqual(agent.stop(), 0)
        warnings = "\n".join(agent.stderr)
        self.assertIn("%s:6:1: warning: Falco key 'plugins' ignored" % config, warnings)
        self.assertIn("Falco key 'engine' ignored", warnings)
        self.assertIn("Falco key 'webserver.threadiness' ignored", warnings)
        # --set overrides the flag: text lines again.
        agent = harness.Agent("run", "-c", config, "-o", "json", "--set", "json_output=false")
        try:
            agent.wait_ready()
            path = self.t.fire()
            line = wait_until(lambda: [l for l in agent.lines if path in l])
            self.assertTrue(line, agent.lines)
            self.assertRegex(line[0], r"^\d\d:\d\d:\d\d\.\d{9}: Warning ops trigger")
        finally:
            self.assertEqual(agent.stop(), 0)

    def reloaded(self, agent, count):
        return wait_until(lambda: len([l for l in agent.stderr if "reload" in l and
                                       ("reloaded:" in l or "rejected" in l)]) >= count, 10)

    def test_sighup_reload_good_and_bad(self):
        config = self.write("vigil.yaml", "rules_files: [%s]\njson_output: true\n" % self.t.rules)
        agent = harness.Agent("run", "-c", config)
        try:
            agent.wait_ready()
            # Alerts keep coming during the reload: each one is raised by the old rule or the
            # new, none is lost.
            stop = False
            fired = []

            def fire_loop():
                while not stop:
                    fired.append(self.t.fire())
                    time.sleep(0.01)

            import threading
            thread = threading.Thread(target=fire_loop)
            thread.start()
            time.sleep(0.5)
            self.t.write_rules("Ops trigger read v2", prefix="ops trigger v2")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(self.reloaded(agent, 1), agent.stderr)
            time.sleep(0.5)
            stop = True
            thread.join()
            by_file = lambda: {a["output_fields"]["fd.name"]: a["rule"] for a in agent.alerts()}
            self.assertTrue(wait_until(lambda: set(fired) <= set(by_file())),
                            set(fired) - set(by_file()))
            rules = [by_file()[f] for f in fired]
            ours = [a for a in agent.alerts() if a["rule"].startswith("Ops trigger read")]
            self.assertEqual(len(ours), len(fired), "one alert per read")
            self.assertEqual(rules[0], "Ops trigger read")
            self.assertEqual(rules[-1], "Ops trigger read v2")
            # Once the new rule alerts, the old one never does again.
            first_new = rules.index("Ops trigger read v2")
            self.assertNotIn("Ops trigger read", rules[first_new:])

            # A broken rules file: the running rules stay, and the log says why.
            self.t.write_rules("Broken", extra="- rule: x\n  desc: d\n  condition: proc.nme = a\n"
                               "  output: o\n  priority: WARNING\n")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(self.reloaded(agent, 2), agent.stderr)
            path = self.t.fire()
            alerts = agent.wait_for(lambda a: a["output_fields"]["fd.name"] == path)
            self.assertEqual([a["rule"] for a in alerts], ["Ops trigger read v2"])
            log = "\n".join(agent.stderr)
            self.assertIn("reload rejected, the running config and rules stay: the rules do not "
                          "load", log)
            self.assertIn("unknown field 'proc.nme'", log)

            # A broken config: the same.
            self.t.write_rules("Ops trigger read v3")
            with open(config, "a") as f:
                f.write("bogus_key: 1\n")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(self.reloaded(agent, 3), agent.stderr)
            self.assertIn("%s:3:1: error: unknown key 'bogus_key'" % config,
                          "\n".join(agent.stderr))
            path = self.t.fire()
            alerts = agent.wait_for(lambda a: a["output_fields"]["fd.name"] == path)
            self.assertEqual([a["rule"] for a in alerts], ["Ops trigger read v2"])

            # Rules that need what the sensor does not send (opens by another program).
            with open(config, "w") as f:
                f.write("rules_files: [%s]\njson_output: true\n" % self.t.rules)
            with open(self.t.rules, "w") as f:
                f.write("- rule: Head\n  desc: d\n  condition: evt.type = openat and "
                        "proc.name = head\n  output: o\n  priority: WARNING\n")
            agent.proc.send_signal(signal.SIGHUP)
            self.assertTrue(self.reloaded(agent, 4), agent.stderr)
            self.assertIn("need events the sensor was not started for", "\n".join(agent.stderr))
            self.assertIn("restart vigil", "\n".join(agent.stderr))
        finally:
            self.assertEqual(agent.stop(), 0)


if __name__ == "__main__":
    harness.main()
