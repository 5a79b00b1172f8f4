"""`vigil logscan` for real: a busybox httpd container (its CGI logging requests in the combined
format on stderr, as nginx would) whose Docker json-file log is followed; requests sent with
http.client to 127.0.0.1 raise alerts that carry the container's id, name and image, the rule
of each attack class, and the line's number. Also a file and stdin, line numbers, exit codes."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import harness

PREFIX = "vigil-logscan-test-%d-" % os.getpid()

CGI = r"""#!/bin/sh
echo "$REMOTE_ADDR - - [$(date '+%d/%b/%Y:%H:%M:%S +0000')] \"$REQUEST_METHOD $REQUEST_URI HTTP/1.1\" 200 2 \"${HTTP_REFERER:--}\" \"${HTTP_USER_AGENT:--}\"" >&2
printf 'Content-Type: text/plain\r\n\r\nok'
"""

# A CGI with a path traversal bug: it logs the request, then serves /www/<file>.
VULNERABLE_CGI = CGI.replace("printf 'Content-Type: text/plain\\r\\n\\r\\nok'",
                             "printf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
                             "cat \"/www/${QUERY_STRING#file=}\"")

TRAVERSAL = "Path traversal in HTTP request"
LFI = "Local file inclusion in HTTP request"
LOG4SHELL = "Log4Shell JNDI lookup in HTTP request"
SQLI = "SQL injection in HTTP request"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vigil(*args, stdin=None, timeout=60):
    return subprocess.run([harness.VIGIL] + list(args), input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def get(port, path, agent="Mozilla/5.0"):
    for _ in range(50):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"User-Agent": agent})
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.1)
    raise AssertionError("httpd on 127.0.0.1:%d does not answer" % port)


def fields(alert):
    return alert["output_fields"]


class LogscanContainerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.www = tempfile.mkdtemp(prefix="vigil-logscan-www-")
        os.makedirs(os.path.join(cls.www, "cgi-bin"))
        script = os.path.join(cls.www, "cgi-bin", "encode")
        with open(script, "w") as f:
            f.write(CGI)
        os.chmod(script, 0o755)
        vulnerable = os.path.join(cls.www, "cgi-bin", "read")
        with open(vulnerable, "w") as f:
            f.write(VULNERABLE_CGI)
        os.chmod(vulnerable, 0o755)
        cls.port = free_port()
        cls.name = PREFIX + "httpd"
        out = subprocess.run(
            ["docker", "run", "-d", "--name", cls.name, "--network", "host", "--pull", "never",
             "-v", cls.www + ":/www:ro", harness.IMAGE, "httpd", "-f", "-v", "-p",
             "127.0.0.1:%d" % cls.port, "-h", "/www"],
            capture_output=True, text=True, check=True)
        cls.id = out.stdout.strip()[:12]

    @classmethod
    def tearDownClass(cls):
        names = subprocess.run(["docker", "ps", "-aq", "--filter", "name=" + PREFIX],
                               capture_output=True, text=True).stdout.split()
        if names:
            subprocess.run(["docker", "rm", "-f"] + names, capture_output=True)
        shutil.rmtree(cls.www, ignore_errors=True)

    def test_followed_container_log_raises_alerts_with_its_identity(self):
        agent = harness.Agent("logscan", "--container", self.name, "--follow", "-o", "json")
        try:
            agent.wait_ready()
            self.assertEqual(get(self.port, "/cgi-bin/encode?input=../../../etc/passwd"), 200)
            get(self.port, "/cgi-bin/encode?q=hello", agent="${${lower:j}ndi:ldap://127.0.0.1/a}")
            get(self.port, "/cgi-bin/encode?id=1%27%20OR%20%271%27%3D%271")
            get(self.port, "/cgi-bin/encode?page=welcome&lang=en")  # benign
            for rule in (TRAVERSAL, LFI, LOG4SHELL, SQLI):
                found = agent.wait_for(lambda a, r=rule: a["rule"] == r)
                self.assertTrue(found, "%s not raised; alerts: %s" % (rule, agent.alerts()))
                alert = found[0]
                self.assertEqual(alert["source"], "logs")
                self.assertEqual(fields(alert)["container.id"], self.id)
                self.assertEqual(fields(alert)["container.name"], self.name)
                self.assertEqual(fields(alert)["container.image.repository"], harness.IMAGE)
                self.assertEqual(fields(alert)["log.source"], "docker:stderr")
                self.assertIsInstance(fields(alert)["log.lineno"], int)
            traversal = agent.wait_for(lambda a: a["rule"] == TRAVERSAL and
                                       "input=" in fields(a)["http.uri"])[0]
            self.assertEqual(traversal["priority"], "Critical")  # a 2xx answer
            self.assertEqual(fields(traversal)["http.status"], 200)
            self.assertEqual(fields(traversal)["http.method"], "GET")
            self.assertEqual(fields(traversal)["http.uri"],
                             "/cgi-bin/encode?input=../../../etc/passwd")
            log4 = agent.wait_for(lambda a: a["rule"] == LOG4SHELL)[0]
            self.assertEqual(fields(log4)["log.field"], "user_agent")
            self.assertEqual(fields(log4)["log.indicator"], "${jndi:")
            time.sleep(0.5)
            self.assertFalse([a for a in agent.alerts() if "welcome" in fields(a)["http.uri"]])
            # Followed across a restart: the same log file, appended to.
            before = len(agent.alerts())
            subprocess.run(["docker", "restart", "-t", "1", self.name], check=True,
                           capture_output=True)
            get(self.port, "/cgi-bin/encode?f=/proc/self/environ")
            after = agent.wait_for(lambda a: "/proc/self/environ" in (fields(a)["http.uri"] or ""))
            self.assertTrue(after, agent.alerts()[before:])
        finally:
            agent.stop()
        # Without --follow, the whole log is read once: the same alerts, same line numbers.
        once = vigil("logscan", "-c", self.id, "-o", "json")
        self.assertEqual(once.returncode, 0, once.stderr)
        alerts = [json.loads(l) for l in once.stdout.splitlines()]
        rules = {a["rule"] for a in alerts}
        self.assertTrue({TRAVERSAL, LFI, LOG4SHELL, SQLI} <= rules, rules)
        followed = {(a["rule"], fields(a)["log.lineno"]) for a in agent.alerts()}
        self.assertTrue(followed <= {(a["rule"], fields(a)["log.lineno"]) for a in alerts})

    def test_agent_scans_running_containers_logs(self):
        """`vigil run --logs`: lines logged before the agent started are not scanned; new ones are,
        and their alerts carry the container."""
        get(self.port, "/cgi-bin/encode?before=../../../etc/shadow")
        time.sleep(0.3)
        agent = harness.Agent("run", "--logs", "-o", "json")
        try:
            agent.wait_ready()
            time.sleep(1)  # the watcher lists containers as it starts
            get(self.port, "/cgi-bin/encode?after=../../../etc/passwd")
            found = agent.wait_for(lambda a: a["source"] == "logs" and
                                   "after=" in (fields(a)["http.uri"] or ""))
            self.assertTrue(found, agent.alerts())
            self.assertEqual(fields(found[0])["container.id"], self.id)
            self.assertEqual(fields(found[0])["container.name"], self.name)
            self.assertFalse([a for a in agent.alerts() if a["source"] == "logs" and
                              "before=" in (fields(a)["http.uri"] or "")])
        finally:
            agent.stop()

    def test_agent_links_a_traversal_with_the_open_of_its_file(self):
        """The log says a traversal named /etc/shadow; the sensor sees the same container open
        /etc/shadow: one more alert, at priority Alert, linking both."""
        agent = harness.Agent("run", "--logs", "-o", "json")
        try:
            agent.wait_ready()
            time.sleep(1)
            self.assertEqual(get(self.port, "/cgi-bin/read?file=../etc/shadow"), 200)
            linked = agent.wait_for(lambda a: a["rule"] == "HTTP attack opened the file it named")
            self.assertTrue(linked, agent.alerts())
            self.assertEqual(len(linked), 1, linked)
            alert = linked[0]
            self.assertEqual(alert["priority"], "Alert")
            self.assertEqual(fields(alert)["fd.name"], "/etc/shadow")
            self.assertEqual(fields(alert)["container.id"], self.id)
            self.assertEqual(fields(alert)["proc.name"], "cat")
            self.assertEqual(fields(alert)["syscall.rule"], "Read sensitive file untrusted")
            self.assertIn(fields(alert)["log.rule"], (TRAVERSAL, LFI))
        finally:
            agent.stop()

    def test_unknown_container_fails(self):
        result = vigil("logscan", "-c", PREFIX + "does-not-exist")
        self.assertEqual(result.returncode, 1)
        self.assertIn("No such container", result.stderr)


LINES = [
    '10.0.0.1 - - [27/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8"',
    '10.0.0.2 - - [27/Nov/2026:10:00:01 +0000] "GET /dl?f=..%2f..%2f..%2fetc%2fshadow HTTP/1.1" '
    '404 5 "-" "curl/8"',
    '{"remote_addr":"10.0.0.3","request":"GET /?u=http://169.254.169.254/latest/meta-data/ '
    'HTTP/1.1","status":200,"http_user_agent":"sqlmap/1.7"}',
    'plain text line with nothing in it',
    '10.0.0.4 - - [27/Nov/2026:10:00:03 +0000] "GET /.git/config HTTP/1.1" 200 5 "-" "x"',
]


class LogscanFileAndStdinTest(unittest.TestCase):
    def expect_line_numbers(self, alerts, source):
        by_rule = {a["rule"]: fields(a) for a in alerts}
        self.assertEqual(by_rule[TRAVERSAL]["log.lineno"], 2)
        self.assertEqual(by_rule[LFI]["log.lineno"], 2)
        self.assertEqual(by_rule["Server-side request forgery in HTTP request"]["log.lineno"], 3)
        self.assertEqual(by_rule["Vulnerability scanner in HTTP request"]["log.lineno"], 3)
        self.assertEqual(by_rule["Secret file probe in HTTP request"]["log.lineno"], 5)
        self.assertEqual(by_rule["Secret file probe in HTTP request"]["http.status"], 200)
        for f in by_rule.values():
            self.assertEqual(f["log.source"], source)
            self.assertIsNone(f["container.id"])
        self.assertEqual(len(alerts), 5, alerts)

    def test_file_and_stdin(self):
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
            f.write("\n".join(LINES) + "\n")
        try:
            result = vigil("logscan", f.name, "-o", "json")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.expect_line_numbers([json.loads(l) for l in result.stdout.splitlines()], f.name)
            self.assertIn("5 lines, 4 requests, 5 alerts", result.stderr)
            # Findings fail only with --fail-on.
            self.assertEqual(vigil("logscan", f.name, "--fail-on", "critical").returncode, 1)
            self.assertEqual(vigil("logscan", f.name, "--fail-on", "emergency").returncode, 0)
        finally:
            os.unlink(f.name)
        result = vigil("logscan", "-", "-o", "json", stdin="\n".join(LINES) + "\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.expect_line_numbers([json.loads(l) for l in result.stdout.splitlines()], "stdin")
        text = vigil("logscan", "-", stdin=LINES[1] + "\n")
        self.assertRegex(text.stdout, r"^\d\d:\d\d:\d\d\.\d{9}: Warning Path traversal in HTTP")

    def test_follow_a_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "access.log")
            with open(path, "w") as f:
                f.write(LINES[0] + "\n")
            agent = harness.Agent("logscan", path, "--follow", "-o", "json")
            try:
                agent.wait_ready()
                with open(path, "a") as f:
                    f.write(LINES[1] + "\n")
                found = agent.wait_for(lambda a: a["rule"] == TRAVERSAL)
                self.assertEqual(fields(found[0])["log.lineno"], 2)
                os.rename(path, path + ".1")  # rotation
                with open(path, "w") as f:
                    f.write(LINES[4] + "\n")
                found = agent.wait_for(lambda a: a["rule"] == "Secret file probe in HTTP request")
                self.assertTrue(found, agent.alerts())
                self.assertEqual(fields(found[0])["log.lineno"], 3)
            finally:
                self.assertEqual(agent.stop(), 0)

    def test_usage_errors(self):
        self.assertEqual(vigil("logscan").returncode, 2)
        self.assertEqual(vigil("logscan", "-c", "bad/name").returncode, 2)
        self.assertEqual(vigil("logscan", "-", "-o", "xml").returncode, 2)
        self.assertEqual(vigil("logscan", "/nonexistent/file.log").returncode, 1)
        help_text = vigil("logscan", "--help").stdout
        for word in ("--container", "--follow", "--fail-on", "Log4Shell"):
            self.assertIn(word, help_text)


if __name__ == "__main__":
    harness.main()
