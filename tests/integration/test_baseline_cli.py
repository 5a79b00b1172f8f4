"""`vigil baseline` end to end: import a YAML profile into a new store, list (table and JSON),
show, export and re-import in both formats (round trip), merge on a second import, Find by
repository:tag and digest prefix, reset, the errors and exit codes (missing store, unknown image,
usage), and a seccomp export that Docker runs a container under."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness

DIGEST = "sha256:" + "4f2c1e9a7b3d5f60" * 4

PROFILES = """\
image: {image}:latest
mode: learning
created: 2026-11-27T05:00:00Z
processes:
  - {{exe: /bin/sh}}
  - {{exe: /bin/cat, parent: /bin/sh}}
files_read: [/etc/passwd, /proc/*/status]
syscalls: [getppid, getuid, readlink, sendfile, uname]
listening: [tcp/8080]
outbound: [tcp/127.0.0.1:5432]
users: [{{uid: 0, name: root}}]
---
image: nginx:1.27@{digest}
mode: detecting
syscalls: [read]
"""


def vigil(*args, stdin=None):
    return subprocess.run([harness.VIGIL] + list(args), capture_output=True, text=True,
                          timeout=60, input=stdin)


class BaselineCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-baseline-cli-")
        self.store = os.path.join(self.dir, "baseline.db")
        self.document = os.path.join(self.dir, "profiles.yaml")
        with open(self.document, "w") as f:
            f.write(PROFILES.format(image=harness.IMAGE, digest=DIGEST))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def baseline(self, *args, code=0, stdin=None):
        result = vigil("baseline", *args, stdin=stdin)
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        return result

    def test_import_list_show(self):
        out = self.baseline("import", "--store", self.store, self.document).stdout
        self.assertIn("created %s:latest (12 items, learning)" % harness.IMAGE, out)
        self.assertIn("created nginx@" + DIGEST, out)
        again = self.baseline("import", "--store", self.store, self.document).stdout
        self.assertIn("merged into %s:latest: 0 new items" % harness.IMAGE, again)

        table = self.baseline("list", "--store", self.store).stdout.splitlines()
        self.assertEqual(table[0].split()[:3], ["IMAGE", "MODE", "ITEMS"])
        row = [line for line in table if line.startswith(harness.IMAGE)][0].split()
        self.assertEqual(row[1:4], ["learning", "12", "2026-11-27T05:00:00Z"])
        listed = json.loads(self.baseline("list", "--store", self.store, "--json").stdout)
        self.assertEqual(sorted(p["key"] for p in listed),
                         sorted(["nginx@" + DIGEST, harness.IMAGE + ":latest"]))
        nginx = [p for p in listed if p["key"].startswith("nginx")][0]
        self.assertEqual((nginx["mode"], nginx["items"]), ("detecting", 1))

        shown = self.baseline("show", "--store", self.store, harness.IMAGE).stdout
        self.assertIn("  - {exe: /bin/cat, parent: /bin/sh}", shown)
        self.assertIn("  - tcp/127.0.0.1:5432", shown)
        # By tag although keyed by digest, and by a digest prefix.
        for name in ("nginx:1.27", DIGEST[:19], "nginx@" + DIGEST):
            shown = self.baseline("show", "--store", self.store, name).stdout
            self.assertIn("key: nginx@" + DIGEST, shown)

    def test_export_import_round_trip(self):
        self.baseline("import", "--store", self.store, self.document)
        for fmt in ("yaml", "json"):
            exported = os.path.join(self.dir, "export." + fmt)
            self.baseline("export", "--store", self.store, harness.IMAGE, "-f", fmt, "-o",
                          exported)
            other = os.path.join(self.dir, fmt + ".db")
            self.baseline("import", "--store", other, exported)
            again = self.baseline("export", "--store", other, harness.IMAGE, "-f", fmt).stdout
            with open(exported) as f:
                self.assertEqual(again, f.read())
        # stdin works too
        text = self.baseline("export", "--store", self.store, "nginx:1.27").stdout
        out = self.baseline("import", "--store", os.path.join(self.dir, "stdin.db"), "-",
                            stdin=text).stdout
        self.assertIn("created nginx@" + DIGEST, out)

    def test_merge_adds_new_items(self):
        self.baseline("import", "--store", self.store, self.document)
        extra = os.path.join(self.dir, "extra.yaml")
        with open(extra, "w") as f:
            f.write("image: %s\nsyscalls: [uname, mkdir]\nfiles_written: [/tmp/*]\n" %
                    harness.IMAGE)
        out = self.baseline("import", "--store", self.store, extra).stdout
        self.assertIn("merged into %s:latest: 2 new items (14 in all)" % harness.IMAGE, out)

    def test_reset(self):
        self.baseline("import", "--store", self.store, self.document)
        out = self.baseline("reset", "--store", self.store, harness.IMAGE).stdout
        self.assertIn("removed %s:latest" % harness.IMAGE, out)
        listed = json.loads(self.baseline("list", "--store", self.store, "--json").stdout)
        self.assertEqual([p["key"] for p in listed], ["nginx@" + DIGEST])
        self.baseline("reset", "--store", self.store, harness.IMAGE, code=1)

    def test_errors_and_exit_codes(self):
        missing = self.baseline("list", "--store", os.path.join(self.dir, "none.db"), code=1)
        self.assertIn("none.db", missing.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "none.db")))
        self.baseline("import", "--store", self.store, self.document)
        unknown = self.baseline("show", "--store", self.store, "redis", code=1)
        self.assertIn("no profile for 'redis'", unknown.stderr)
        self.assertIn(harness.IMAGE + ":latest", unknown.stderr)  # says which exist
        self.baseline("list", code=2)  # --store is required
        self.baseline(code=2)
        self.baseline("export", "--store", self.store, harness.IMAGE, "-f", "xml", code=2)
        bad = os.path.join(self.dir, "bad.yaml")
        with open(bad, "w") as f:
            f.write("image: x\nmode: enforcing\n")
        error = self.baseline("import", "--store", self.store, bad, code=1)
        self.assertIn("bad.yaml:2:7: unknown mode 'enforcing'", error.stderr)
        not_store = os.path.join(self.dir, "not.db")
        with open(not_store, "w") as f:
            f.write("plain text, not a database at all\n" * 10)
        error = self.baseline("list", "--store", not_store, code=1)
        self.assertIn("not a vigil baseline store", error.stderr)
        self.assertIn("Usage", vigil("baseline", "--help").stdout)

    def test_seccomp_runs_a_container(self):
        self.baseline("import", "--store", self.store, self.document)
        seccomp = os.path.join(self.dir, "seccomp.json")
        self.baseline("seccomp", "--store", self.store, harness.IMAGE, "-o", seccomp)
        result = subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never",
                                 "--security-opt", "seccomp=" + seccomp, harness.IMAGE, "sh",
                                 "-c", "echo hi; cat /etc/passwd"], capture_output=True,
                                text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("hi", result.stdout)
        denied = subprocess.run(["docker", "run", "--rm", "--network", "none", "--pull", "never",
                                 "--security-opt", "seccomp=" + seccomp, harness.IMAGE,
                                 "unshare", "-U", "true"], capture_output=True, text=True,
                                timeout=120)
        self.assertIn("Operation not permitted", denied.stderr)


if __name__ == "__main__":
    harness.main()
