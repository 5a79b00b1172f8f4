"""The command line: help, usage errors (exit 2), rule validation with positions (exit 1)."""
import json
import os
import subprocess
import tempfile
import unittest

import harness


def vigil(*args):
    return subprocess.run([harness.VIGIL] + list(args), capture_output=True, text=True,
                          timeout=60)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-cli-")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_help_and_version(self):
        for args in (["--help"], ["run", "--help"], ["rules", "validate", "--help"],
                     ["capture", "--help"], ["replay", "--help"]):
            result = vigil(*args)
            self.assertEqual(result.returncode, 0, args)
            self.assertIn("Usage", result.stdout + result.stderr)
        self.assertRegex(vigil("--version").stdout, r"^vigil \d+\.\d+\.\d+")

    def test_usage_errors_exit_2(self):
        for args in ([], ["--bogus"], ["run", "-o", "xml"], ["run", "-r", "/nonexistent.yaml"],
                     ["capture"], ["rules"], ["run", "--min-priority", "loud"]):
            self.assertEqual(vigil(*args).returncode, 2, args)

    def test_validate_good_and_bad(self):
        good = self.write("good.yaml", "- rule: r\n  desc: d\n  condition: proc.name = cat\n"
                                       "  output: o %proc.name\n  priority: INFO\n")
        result = vigil("rules", "validate", good)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ok (1 rules)", result.stdout)
        bad = self.write("bad.yaml", "- rule: r\n  desc: d\n  condition: proc.nme = cat\n"
                                     "  output: o\n  priority: INFO\n")
        result = vigil("rules", "validate", bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.yaml:3:14: error: unknown field 'proc.nme'", result.stderr)
        self.assertIn("    condition: proc.nme = cat\n               ^", result.stderr)
        self.assertEqual(vigil("rules", "validate", good, bad).returncode, 1)
        result = vigil("rules", "validate", "/nonexistent.yaml")
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot read rules file", result.stderr)

    def test_golden_errors(self):
        # Every error of a file with many, in file order, each with its line and caret.
        data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
        result = subprocess.run([harness.VIGIL, "rules", "validate", "bad_rules.yaml"], cwd=data,
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        with open(os.path.join(data, "bad_rules.expected")) as f:
            self.assertEqual(result.stderr + result.stdout, f.read())

    def test_run_refuses_bad_rules(self):
        bad = self.write("bad.yaml", "- rule: r\n  desc: d\n  condition: (proc.name = cat\n"
                                     "  output: o\n  priority: INFO\n")
        result = vigil("run", "-r", bad)
        self.assertEqual(result.returncode, 1)
        self.assertIn("bad.yaml:3:14: error: unbalanced '('", result.stderr)

    def test_fields_doc_is_current(self):
        doc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                           "FIELDS.md")
        with open(doc) as f:
            self.assertEqual(f.read(), vigil("rules", "fields", "--markdown").stdout,
                             "docs/FIELDS.md is stale: regenerate with "
                             "`vigil rules fields --markdown > docs/FIELDS.md`")

    def test_validate_builtin_rules(self):
        result = vigil("rules", "validate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"<built-in>/vigil_rules.yaml: ok \(\d+ rules\)")
        # Every field and event type is observed; the domain name the built-in rules compare
        # matches only while the agent resolves names, and validate says so.
        self.assertNotIn("is not produced by vigil yet", result.stderr)
        self.assertNotIn("is not captured by vigil yet", result.stderr)
        self.assertIn("note: compares addresses with 1 domain name "
                      "(kubernetes.default.svc.cluster.local): they match only while `vigil run` "
                      "resolves names (--resolve-names)", result.stdout)

    def test_rules_list_and_fields(self):
        result = vigil("rules", "list", "--json")
        self.assertEqual(result.returncode, 0)
        names = [r["rule"] for r in json.loads(result.stdout)]
        self.assertIn("Read sensitive file untrusted", names)
        self.assertIn("Write below binary dir", names)
        self.assertIn("Write to non-namespaced kernel surface from container", names)
        fields = json.loads(vigil("rules", "fields", "--json").stdout)
        by_name = {f["name"]: f for f in fields}
        self.assertEqual(by_name["proc.name"]["type"], "string")
        self.assertEqual(by_name["proc.aname"]["arg"], "optional-index")
        self.assertEqual(by_name["proc.apid"]["arg"], "optional-index")
        self.assertEqual(by_name["container.label"]["arg"], "key")
        self.assertTrue(by_name["fd.name"]["produced"])
        self.assertTrue(by_name["fd.sip"]["produced"])
        self.assertEqual(by_name["fd.sip"]["type"], "ipaddr")
        self.assertTrue(by_name["fd.sip.name"]["produced"])
        self.assertIn("fd.name", vigil("rules", "fields").stdout)


if __name__ == "__main__":
    harness.main()
