"""Helpers for the config and output tests: alerts raised on demand by a host process (`cat`
of a trigger file that a rule watches), and receivers on loopback (HTTP, syslog datagrams)."""
import http.server
import json
import os
import socket
import ssl
import subprocess
import tempfile
import threading
import time

RULE = """
- rule: {name}
  desc: a host cat reading one of the test's trigger files
  condition: evt.type in (open, openat) and fd.name startswith {dir}/trigger- and proc.name = cat
  output: "{prefix} (file=%fd.name)"
  priority: WARNING
"""


class Triggers:
    """A directory of trigger files and a rules file that alerts when `cat` reads one."""

    def __init__(self, rule_name="Ops trigger read", prefix="ops trigger"):
        self.dir = tempfile.mkdtemp(prefix="vigil-ops-")
        self.rules = self.path("rules.yaml")
        self.write_rules(rule_name, prefix)
        self.count = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_rules(self, rule_name, prefix="ops trigger", extra=""):
        with open(self.rules, "w") as f:
            f.write(RULE.format(name=rule_name, dir=self.dir, prefix=prefix) + extra)

    def fire(self, name=None):
        """Reads a trigger file with cat; returns its path (unique unless `name` is given)."""
        if name is None:
            self.count += 1
            name = "trigger-%d" % self.count
        path = self.path(name if name.startswith("trigger-") else "trigger-" + name)
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write("x\n")
        subprocess.run(["cat", path], check=True, stdout=subprocess.DEVNULL)
        return path


def wait_until(predicate, timeout=15, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpReceiver:
    """A falcosidekick stand-in: takes JSON POSTs to / and keeps them. With `tls` (a
    certificate and key file), over HTTPS."""

    def __init__(self, port, tls=None):
        self.bodies = []
        self.requests = 0
        self.user_agents = set()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                receiver.requests += 1
                receiver.user_agents.add(self.headers.get("User-Agent"))
                receiver.bodies.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SyslogReceiver:
    """A unix datagram socket standing in for /dev/log."""

    def __init__(self, path):
        self.path = path
        self.messages = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                self.messages.append(self.sock.recv(65536).decode())
            except socket.timeout:
                pass

    def stop(self):
        self.running = False
        self.thread.join()
        self.sock.close()
