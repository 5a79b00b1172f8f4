"""The agent image (deploy/build-image, deploy/image/Dockerfile) builds with `docker build` from
an empty base, no registry, and the vigil inside it runs."""
import os
import subprocess
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_IMAGE = os.path.join(HERE, "..", "..", "deploy", "build-image")
TAG = "vigil-test-agent:ci"


class ImageTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        result = subprocess.run([BUILD_IMAGE, TAG], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise AssertionError("build-image failed:\n" + result.stderr)
        cls.tag = result.stdout.strip()

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["docker", "rmi", "-f", TAG], capture_output=True)

    def run_image(self, *args):
        return subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never",
                               TAG] + list(args), capture_output=True, text=True, timeout=60)

    def test_version(self):
        self.assertEqual(self.tag, TAG)
        result = self.run_image("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^vigil \S+")

    def test_built_in_rules_load_inside_the_image(self):
        result = self.run_image("rules", "validate")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("<built-in>/vigil_rules.yaml: ok", result.stdout)

    def test_the_built_in_rules_file_is_in_the_image(self):
        # The Helm chart's customRules name it beside their own files.
        path = "/usr/share/vigil/rules/vigil_rules.yaml"
        result = self.run_image("rules", "validate", path)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(path + ": ok", result.stdout)


if __name__ == "__main__":
    harness.main()
