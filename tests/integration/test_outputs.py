"""Outputs against real receivers on loopback: HTTP (falcosidekick-style POSTs; the receiver
down then up, every alert delivered exactly once through the spill file), syslog datagrams,
a file reopened on SIGUSR1 after a rename, a program's stdin, and the rate limits and
deduplication with their held-back counts."""
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import harness
from harness import field
from triggers import HttpReceiver, SyslogReceiver, Triggers, free_port, wait_until


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [l for l in f.read().splitlines() if l]


class OutputsTest(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.fail("integration tests need root (BPF)")
        self.t = Triggers()

    def agent(self, *settings):
        args = ["run", "-r", self.t.rules, "-o", "json"]
        for s in settings:
            args += ["--set", s]
        agent = harness.Agent(*args)
        agent.wait_ready()
        return agent

    def stop(self, agent):
        code = agent.stop()
        self.assertEqual(code, 0, "\n".join(agent.stderr))

    def test_http_receiver_down_then_up_delivers_every_alert_once(self):
        port = free_port()
        spill = self.t.path("spill")
        agent = self.agent("http_output.enabled=true",
                           "http_output.url=http://127.0.0.1:%d/" % port,
                           "http_output.spill_file=" + spill,
                           "http_output.retry_initial_backoff=0.05",
                           "http_output.retry_max_backoff=0.5",
                           "http_output.user_agent=vigil-test")
        receiver = None
        try:
            fired = [self.t.fire() for _ in range(5)]
            # The receiver is down: the alerts go to the spill file.
            self.assertTrue(wait_until(lambda: len(read_lines(spill)) == 5, 15),
                            (read_lines(spill), agent.stderr))
            fired += [self.t.fire() for _ in range(3)]
            receiver = HttpReceiver(port)
            fired += [self.t.fire() for _ in range(3)]
            got = lambda: [b["output_fields"]["fd.name"] for b in receiver.bodies
                           if b["rule"] == "Ops trigger read"]
            self.assertTrue(wait_until(lambda: len(got()) >= len(fired), 20),
                            (got(), agent.stderr))
            time.sleep(1)  # duplicates would come now
            self.assertEqual(got(), fired, "each alert once, in order")
            self.assertEqual(read_lines(spill), [], "the replayed spill file is emptied")
            body = receiver.bodies[0]
            for key in ("time", "rule", "priority", "output", "output_fields", "source", "tags",
                        "hostname"):
                self.assertIn(key, body)
            self.assertEqual(receiver.user_agents, {"vigil-test"})
            self.assertLess(receiver.requests, len(fired) + 5)
        finally:
            self.stop(agent)
            if receiver:
                receiver.stop()

    def test_http_spill_survives_a_restart(self):
        port = free_port()
        spill = self.t.path("spill")
        settings = ("http_output.enabled=true", "http_output.url=http://127.0.0.1:%d/" % port,
                    "http_output.spill_file=" + spill, "http_output.retry_initial_backoff=0.05")
        agent = self.agent(*settings)
        fired = [self.t.fire() for _ in range(3)]
        time.sleep(1)
        self.stop(agent)  # the receiver never answered: what is queued goes to the spill file
        self.assertEqual(len(read_lines(spill)), 3, agent.stderr)
        receiver = HttpReceiver(port)
        agent = self.agent(*settings)
        try:
            got = lambda: [b["output_fields"]["fd.name"] for b in receiver.bodies]
            self.assertTrue(wait_until(lambda: len(got()) >= 3), agent.stderr)
            self.assertEqual(got(), fired)
        finally:
            self.stop(agent)
            receiver.stop()

    def test_https_receiver_verified_against_its_ca(self):
        if not shutil.which("openssl"):
            self.skipTest("no openssl command to make a test certificate")
        cert, key = self.t.path("cert.pem"), self.t.path("key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True,
                       capture_output=True)
        port = free_port()
        receiver = HttpReceiver(port, tls=(cert, key))
        try:
            # Unknown CA: refused (the alert waits in the spill file), never sent in clear.
            spill = self.t.path("spill")
            agent = self.agent("http_output.enabled=true",
                               "http_output.url=https://127.0.0.1:%d/" % port,
                               "http_output.spill_file=" + spill,
                               "http_output.retry_initial_backoff=0.05")
            fired = self.t.fire()
            self.assertTrue(wait_until(lambda: len(read_lines(spill)) == 1, 15), agent.stderr)
            self.assertEqual(receiver.bodies, [])
            self.stop(agent)
            # Its CA given: delivered over TLS, the spilled alert first.
            agent = self.agent("http_output.enabled=true",
                               "http_output.url=https://127.0.0.1:%d/" % port,
                               "http_output.spill_file=" + spill, "http_output.ca_cert=" + cert)
            fired2 = self.t.fire()
            got = lambda: [b["output_fields"]["fd.name"] for b in receiver.bodies]
            self.assertTrue(wait_until(lambda: len(got()) >= 2, 15), agent.stderr)
            self.assertEqual(got(), [fired, fired2])
            self.stop(agent)
        finally:
            receiver.stop()

    def test_syslog_datagrams(self):
        socket_path = self.t.path("log.sock")
        receiver = SyslogReceiver(socket_path)
        agent = self.agent("syslog_output.enabled=true", "syslog_output.socket=" + socket_path,
                           "stdout_output.enabled=false")
        try:
            path = self.t.fire()
            self.assertTrue(wait_until(lambda: receiver.messages), agent.stderr)
            message = receiver.messages[0]
            # user.warning, then the time stamp and the tag, then the JSON line.
            self.assertRegex(message, r"^<12>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d vigil\[\d+\]: \{")
            alert = json.loads(message.split("]: ", 1)[1])
            self.assertEqual(field(alert, "fd.name"), path)
            self.assertEqual(agent.lines, [], "stdout_output is disabled")
        finally:
            self.stop(agent)
            receiver.stop()

    def test_file_reopened_on_sigusr1_after_rename(self):
        events = self.t.path("events.json")
        agent = self.agent("file_output.enabled=true", "file_output.keep_alive=true",
                           "file_output.filename=" + events)
        try:
            first = self.t.fire()
            self.assertTrue(wait_until(lambda: read_lines(events)), agent.stderr)
            os.rename(events, events + ".1")  # logrotate
            second = self.t.fire()
            self.assertTrue(wait_until(lambda: len(read_lines(events + ".1")) == 2),
                            "the open file follows the rename until SIGUSR1")
            agent.proc.send_signal(signal.SIGUSR1)
            time.sleep(0.3)
            third = self.t.fire()
            self.assertTrue(wait_until(lambda: read_lines(events)), agent.stderr)
            names = lambda p: [field(json.loads(l), "fd.name") for l in read_lines(p)]
            self.assertEqual(names(events + ".1"), [first, second])
            self.assertEqual(names(events), [third])
        finally:
            self.stop(agent)

    def test_program_output(self):
        for keep_alive in ("true", "false"):
            out = self.t.path("program-%s.out" % keep_alive)
            agent = self.agent("program_output.enabled=true",
                               "program_output.keep_alive=" + keep_alive,
                               "program_output.program=cat >> " + out)
            try:
                fired = [self.t.fire() for _ in range(3)]
                got = lambda: [field(json.loads(l), "fd.name") for l in read_lines(out)]
                self.assertTrue(wait_until(lambda: len(got()) >= 3), agent.stderr)
                self.assertEqual(got(), fired)
            finally:
                self.stop(agent)

    def test_dedup_carries_the_count_and_rate_limit_reports_what_it_held(self):
        agent = self.agent("outputs.dedup_window=60")
        try:
            for _ in range(3):
                self.t.fire("same")
            other = self.t.fire()
            alerts = agent.wait_for(lambda a: field(a, "fd.name") == other)
            self.assertTrue(alerts, agent.lines)
            same = [a for a in agent.alerts() if field(a, "fd.name").endswith("trigger-same")]
            self.assertEqual(len(same), 1)
            self.assertEqual(field(alerts[0], "vigil.suppressed"), 2)
            self.assertIn("(vigil.suppressed=2)", alerts[0]["output"])
        finally:
            self.stop(agent)
        agent = self.agent("outputs.rate=0.001", "outputs.max_burst=2")
        fired = [self.t.fire() for _ in range(5)]
        time.sleep(1)
        self.stop(agent)
        rule = [a for a in agent.alerts() if a["rule"] == "Ops trigger read"]
        self.assertEqual([field(a, "fd.name") for a in rule], fired[:2])
        held = [a for a in agent.alerts() if a["rule"] == "vigil internal: alerts suppressed"]
        self.assertEqual(len(held), 1, agent.alerts())
        self.assertEqual(held[0]["source"], "internal")
        self.assertEqual(field(held[0], "vigil.suppressed"), 3)

    def test_dropped_alerts_are_said(self):
        agent = self.agent("file_output.enabled=true",
                           "file_output.filename=/nonexistent/dir/events.json")
        try:
            self.t.fire()
            alerts = agent.wait_for(lambda a: a["rule"] == "vigil internal: alerts dropped")
            self.assertTrue(alerts, (agent.lines, agent.stderr))
            self.assertEqual(alerts[0]["priority"], "Critical")
            self.assertEqual(field(alerts[0], "n_alerts_dropped_by_output"), "file=1")
            self.assertTrue(any("open /nonexistent/dir/events.json" in l for l in agent.stderr))
        finally:
            self.stop(agent)

    def test_healthz_and_metrics(self):
        port = free_port()
        agent = self.agent("webserver.enabled=true", "webserver.listen_port=%d" % port)
        base = "http://127.0.0.1:%d" % port
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as r:
                self.assertEqual(r.status, 200)
                self.assertEqual(json.loads(r.read()), {"status": "ok"})
            self.t.fire()
            self.assertTrue(agent.wait_for(lambda a: a["rule"] == "Ops trigger read"))

            def metrics():
                with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
                    return r.read().decode()

            line = 'vigil_alerts_by_rule_total{rule="Ops trigger read",priority="Warning"} 1'
            self.assertTrue(wait_until(lambda: line in metrics(), 5), metrics())
            text = metrics()
            self.assertRegex(text, r"\nvigil_events_total [1-9]\d*\n")
            self.assertRegex(text, r'\nvigil_output_delivered_total\{output="stdout"\} 1\n')
            self.assertRegex(text, r'\nvigil_output_queue_depth\{output="stdout"\} 0\n')
            self.assertRegex(text, r"\nvigil_resident_memory_bytes [1-9]\d*\n")
            # Prometheus's own parser reads every family, with its type.
            from prometheus_client.parser import text_string_to_metric_families
            families = {f.name: f for f in text_string_to_metric_families(text)}
            self.assertEqual(families["vigil_events"].type, "counter")
            self.assertGreater(families["vigil_rule_evaluation_seconds"].samples[0].value, 0)
            self.assertEqual(families["vigil_resident_memory_bytes"].type, "gauge")
            by_rule = [s for s in families["vigil_alerts_by_rule"].samples
                       if s.labels.get("rule") == "Ops trigger read"]
            self.assertEqual([(s.labels["priority"], s.value) for s in by_rule], [("Warning", 1.0)])
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(base + "/nothing", timeout=5)
            self.assertEqual(e.exception.code, 404)
        finally:
            self.stop(agent)

    def test_healthz_and_metrics_over_tls(self):
        if not shutil.which("openssl"):
            self.skipTest("no openssl command to make a test certificate "
                          "(scripts/install-deps installs it)")
        key, cert, pem = (self.t.path(n) for n in ("key.pem", "cert.pem", "vigil.pem"))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        with open(pem, "w") as out:  # as Falco's ssl_certificate: the key, then the certificate
            for part in (key, cert):
                with open(part) as f:
                    out.write(f.read())
        port = free_port()
        agent = self.agent("webserver.enabled=true", "webserver.listen_port=%d" % port,
                           "webserver.ssl_enabled=true", "webserver.ssl_certificate=" + pem)
        try:
            self.assertTrue(any("web server on https://127.0.0.1:%d" % port in l
                                for l in agent.stderr), agent.stderr)
            # Verified against the test's own certificate: it is the one served.
            context = ssl.create_default_context(cafile=cert)
            base = "https://127.0.0.1:%d" % port
            with urllib.request.urlopen(base + "/healthz", timeout=5, context=context) as r:
                self.assertEqual(r.status, 200)
                self.assertEqual(json.loads(r.read()), {"status": "ok"})
            with urllib.request.urlopen(base + "/metrics", timeout=5, context=context) as r:
                self.assertIn("vigil_events_total", r.read().decode())
            # Plain HTTP gets no answer.
            with self.assertRaises((http.client.HTTPException, OSError)):
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=5).read()
        finally:
            self.stop(agent)
        # A certificate file that is not there: vigil says so and does not start.
        result = subprocess.run([harness.VIGIL, "run", "-r", self.t.rules,
                                 "--set", "webserver.enabled=true",
                                 "--set", "webserver.listen_port=%d" % port,
                                 "--set", "webserver.ssl_enabled=true",
                                 "--set", "webserver.ssl_certificate=" + self.t.path("none.pem")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("web server: read %s: No such file or directory" % self.t.path("none.pem"),
                      result.stderr)


if __name__ == "__main__":
    harness.main()
