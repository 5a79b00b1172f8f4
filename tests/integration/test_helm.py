"""The Helm chart (deploy/helm/vigil): its files parse, every .Values path a template reads is
in values.yaml, and template blocks balance. With a helm binary (on PATH, or VIGIL_HELM=path):
`helm lint`, and `helm template` with the default values and with every option set, checked for
the DaemonSet's minimum privileges and mounts (those of deploy/kubernetes/daemonset.yaml), and
the vigil.yaml and rules it renders loaded by vigil itself."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import yaml

import harness
from triggers import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
CHART = os.path.join(REPO, "deploy", "helm", "vigil")
MANIFEST = os.path.join(REPO, "deploy", "kubernetes", "daemonset.yaml")
BUILT_IN_RULES_IN_IMAGE = "/usr/share/vigil/rules/vigil_rules.yaml"

FULL_VALUES = """
image: {repository: registry.example/vigil, tag: "9.9"}
config:
  priority: warning
  outputs: {rate: 5, max_burst: 10}
customRules:
  extra.yaml: |-
    - rule: Helm chart test rule
      desc: a rule from the chart's customRules
      condition: evt.type = execve and proc.name = vigil-helm-never
      output: "helm chart rule (%proc.cmdline)"
      priority: WARNING
httpOutput: {enabled: true, url: "http://falcosidekick.falcosidekick.svc:2801/"}
webserver: {port: 9376, service: {enabled: true}, ssl: {secretName: vigil-tls}}
nodeSelector: {kubernetes.io/os: linux}
tolerations: [{key: dedicated, operator: Equal, value: security, effect: NoSchedule}]
resources: {limits: {memory: 300Mi}}
extraArgs: ["--no-logs"]
"""


def find_helm():
    return os.environ.get("VIGIL_HELM") or shutil.which("helm")


def templates():
    folder = os.path.join(CHART, "templates")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            yield name, f.read()


def container(docs):
    ds = [d for d in docs if d and d.get("kind") == "DaemonSet"]
    assert len(ds) == 1, docs
    return ds[0], ds[0]["spec"]["template"]["spec"]["containers"][0]


class ChartFilesTest(unittest.TestCase):
    def test_chart_and_values_parse(self):
        with open(os.path.join(CHART, "Chart.yaml")) as f:
            chart = yaml.safe_load(f)
        self.assertEqual(chart["apiVersion"], "v2")
        self.assertEqual(chart["name"], "vigil")
        self.assertEqual(chart["type"], "application")
        version = subprocess.run([harness.VIGIL, "--version"], capture_output=True, text=True)
        self.assertEqual(chart["appVersion"], version.stdout.split()[1])
        with open(os.path.join(CHART, "values.yaml")) as f:
            self.assertIsInstance(yaml.safe_load(f), dict)

    def test_every_values_path_a_template_reads_exists(self):
        with open(os.path.join(CHART, "values.yaml")) as f:
            values = yaml.safe_load(f)
        for name, text in templates():
            for path in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", text):
                node = values
                for key in path.strip(".").split("."):
                    self.assertIsInstance(node, dict, "%s: .Values%s" % (name, path))
                    self.assertIn(key, node, "%s: .Values%s is not in values.yaml" % (name, path))
                    node = node[key]

    def test_template_blocks_balance(self):
        for name, text in templates():
            actions = re.findall(r"\{\{-?\s*(\w+)", text)
            opened = sum(1 for a in actions if a in ("if", "range", "with", "define"))
            closed = sum(1 for a in actions if a == "end")
            self.assertEqual(opened, closed, name)
            self.assertEqual(text.count("{{"), text.count("}}"), name)


@unittest.skipUnless(find_helm(), "no helm binary (PATH or VIGIL_HELM): the chart is not "
                     "rendered; the static checks above still ran")
class ChartRenderTest(unittest.TestCase):
    def helm(self, *args, values=None):
        cmd = [find_helm()] + list(args)
        if values is not None:
            path = os.path.join(self.dir, "values.yaml")
            with open(path, "w") as f:
                f.write(values)
            cmd += ["-f", path]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    def render(self, values=None):
        result = self.helm("template", "v", CHART, "--namespace", "security", values=values)
        self.assertEqual(result.returncode, 0, result.stderr)
        return [d for d in yaml.safe_load_all(result.stdout) if d]

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="vigil-helm-")
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        with open(MANIFEST) as f:
            manifest = [d for d in yaml.safe_load_all(f) if d]
        _, self.reference = container(manifest)

    def test_lint(self):
        for values in (None, FULL_VALUES):
            result = self.helm("lint", CHART, "--strict", values=values)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def check_privileges_and_mounts(self, docs):
        ds, c = container(docs)
        pod = ds["spec"]["template"]["spec"]
        self.assertTrue(pod["hostPID"])
        self.assertFalse(c["securityContext"]["privileged"])
        self.assertEqual(c["securityContext"]["capabilities"],
                         self.reference["securityContext"]["capabilities"])
        mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
        for m in self.reference["volumeMounts"]:
            self.assertIn(m["mountPath"], mounts)
            self.assertEqual(mounts[m["mountPath"]].get("readOnly"), m.get("readOnly"),
                             m["mountPath"])
        volumes = {v["name"] for v in pod["volumes"]}
        self.assertEqual(volumes, {m["name"] for m in c["volumeMounts"]})
        return ds, c

    def test_defaults(self):
        docs = self.render()
        self.assertEqual(sorted(d["kind"] for d in docs),
                         ["ConfigMap", "DaemonSet", "ServiceAccount"])
        ds, c = self.check_privileges_and_mounts(docs)
        self.assertEqual(c["image"], "vigil:" + subprocess.run(
            [harness.VIGIL, "--version"], capture_output=True, text=True).stdout.split()[1])
        self.assertEqual(c["args"], ["run", "-c", "/etc/vigil/vigil.yaml"])
        self.assertEqual(c["livenessProbe"]["httpGet"],
                         {"path": "/healthz", "port": "metrics", "scheme": "HTTP"})
        self.assertEqual(ds["spec"]["template"]["spec"]["tolerations"], [{"operator": "Exists"}])
        config = yaml.safe_load(self.config_map(docs)["data"]["vigil.yaml"])
        self.assertEqual(config, {"json_output": True, "webserver": {
            "enabled": True, "listen_address": "0.0.0.0", "listen_port": 8765}})
        self.assertVigilLoads(docs)

    def test_every_option(self):
        docs = self.render(FULL_VALUES)
        self.assertEqual(sorted(d["kind"] for d in docs),
                         ["ConfigMap", "ConfigMap", "DaemonSet", "Service", "ServiceAccount"])
        ds, c = self.check_privileges_and_mounts(docs)
        pod = ds["spec"]["template"]["spec"]
        self.assertEqual(c["image"], "registry.example/vigil:9.9")
        self.assertEqual(c["args"], ["run", "-c", "/etc/vigil/vigil.yaml", "--no-logs"])
        self.assertEqual(c["ports"][0]["containerPort"], 9376)
        self.assertEqual(c["readinessProbe"]["httpGet"]["scheme"], "HTTPS")
        tls = next(v for v in pod["volumes"] if v["name"] == "tls")
        self.assertEqual(tls["secret"]["secretName"], "vigil-tls")
        self.assertEqual(c["resources"], {"limits": {"memory": "300Mi"},  # merged over the default
                                          "requests": {"cpu": "100m", "memory": "64Mi"}})
        self.assertEqual(pod["nodeSelector"], {"kubernetes.io/os": "linux"})
        self.assertEqual(pod["tolerations"][0]["key"], "dedicated")
        self.assertIn("/var/lib/vigil", {m["mountPath"] for m in c["volumeMounts"]})
        service = next(d for d in docs if d["kind"] == "Service")
        self.assertEqual(service["spec"]["ports"][0]["port"], 9376)
        config = yaml.safe_load(self.config_map(docs)["data"]["vigil.yaml"])
        self.assertEqual(config["priority"], "warning")
        self.assertEqual(config["outputs"], {"rate": 5, "max_burst": 10})
        self.assertEqual(config["webserver"], {
            "enabled": True, "listen_address": "0.0.0.0", "listen_port": 9376,
            "ssl_enabled": True, "ssl_certificate": "/etc/vigil-tls/vigil.pem"})
        self.assertEqual(config["http_output"], {
            "enabled": True, "url": "http://falcosidekick.falcosidekick.svc:2801/",
            "spill_file": "/var/lib/vigil/spill"})
        self.assertEqual(config["rules_files"], [BUILT_IN_RULES_IN_IMAGE, "/etc/vigil/rules.d"])
        projected = next(v for v in pod["volumes"] if v["name"] == "config")["projected"]
        self.assertEqual(projected["sources"][1]["configMap"]["items"],
                         [{"key": "extra.yaml", "path": "rules.d/extra.yaml"}])
        self.assertVigilLoads(docs)

    def test_http_output_without_url_is_refused(self):
        result = self.helm("template", "v", CHART, "--set", "httpOutput.enabled=true")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("httpOutput.url is required", result.stderr)

    def config_map(self, docs):
        return next(d for d in docs if d["kind"] == "ConfigMap" and "vigil.yaml" in d["data"])

    def assertVigilLoads(self, docs):
        """vigil starts on the rendered vigil.yaml and rules, the image's paths mapped here."""
        etc = os.path.join(self.dir, "etc")
        os.makedirs(os.path.join(etc, "rules.d"), exist_ok=True)
        text = self.config_map(docs)["data"]["vigil.yaml"]
        text = text.replace(BUILT_IN_RULES_IN_IMAGE,
                            os.path.join(REPO, "rules", "vigil_rules.yaml"))
        text = text.replace("/etc/vigil/rules.d", os.path.join(etc, "rules.d"))
        text = text.replace("/var/lib/vigil/spill", os.path.join(self.dir, "spill"))
        if "/etc/vigil-tls/vigil.pem" in text:
            if not shutil.which("openssl"):
                self.skipTest("no openssl command to make the TLS secret's certificate")
            pem = os.path.join(self.dir, "vigil.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", pem, "-out", pem + ".crt", "-days", "1",
                            "-subj", "/CN=vigil"], check=True, capture_output=True)
            with open(pem, "a") as out, open(pem + ".crt") as crt:
                out.write(crt.read())
            text = text.replace("/etc/vigil-tls/vigil.pem", pem)
        config = os.path.join(etc, "vigil.yaml")
        with open(config, "w") as f:
            f.write(text)
        for d in docs:
            if d["kind"] == "ConfigMap" and "vigil.yaml" not in d["data"]:
                for name, rules in d["data"].items():
                    with open(os.path.join(etc, "rules.d", name), "w") as f:
                        f.write(rules)
        result = subprocess.run(
            [harness.VIGIL, "run", "-c", config, "--duration", "1", "--set",
             "webserver.listen_address=127.0.0.1", "--set",
             "webserver.listen_port=%d" % free_port()],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ready:", result.stderr)
        if "rules_files" in yaml.safe_load(text):
            self.assertIn("Helm chart test rule", subprocess.run(
                [harness.VIGIL, "rules", "list", "-r", os.path.join(etc, "rules.d", "extra.yaml")],
                capture_output=True, text=True).stdout)


if __name__ == "__main__":
    harness.main()
