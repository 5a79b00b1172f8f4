"""Network syscalls on a real kernel: both ends of TCP connections as the kernel's sockets hold
them (connect and accept, in a container on its loopback), a unix socket's path, the peer of an
unconnected UDP sendto, IPv6, the built-in reverse-shell rule on `nc -e /bin/sh`, the data
of a recvfrom (evt.buffer) for Falco's Java class file rule, and domain names (fd.sip.name).

Domain names are tested with "localhost" only: it comes from /etc/hosts, and no other name may
be looked up here (that would send a DNS query off this machine)."""
import os
import signal
import socket
import tempfile
import threading
import time
import unittest

import harness
from harness import field

NETWORK_RULES = """
- rule: Test connect
  desc: t
  condition: evt.type = connect and fd.sport in (4444, 4445)
  output: "connect %proc.name %fd.name proto=%fd.l4proto type=%fd.typechar tuple=%evt.arg.tuple %container.id"
  priority: NOTICE
- rule: Test accept
  desc: t
  condition: evt.type in (accept, accept4) and fd.sport = 4444
  output: "accept %fd.name server=%fd.sip:%fd.sport client=%fd.cip:%fd.cport %container.id"
  priority: NOTICE
- rule: Test listen
  desc: t
  condition: evt.type = listen and fd.lport = 4444 and container.id != host
  output: "listen %fd.name backlog=%evt.arg.backlog %container.id"
  priority: NOTICE
- rule: Test unix connect
  desc: t
  condition: evt.type in (connect, bind) and fd.type = unix and fd.name startswith /tmp/vigil-net-
  output: "unix %evt.type %fd.name %fd.sockfamily %container.id"
  priority: NOTICE
- rule: Test udp sendto
  desc: t
  condition: evt.type = sendto and fd.l4proto = udp and fd.rport = 4446
  output: "udp %fd.name connected=%fd.connected"
  priority: NOTICE
- rule: Test udp recvfrom
  desc: t
  condition: evt.type = recvfrom and fd.l4proto = udp and fd.lport = 4452
  output: "udp in %fd.name server=%fd.sip:%fd.sport client=%fd.cip:%fd.cport changed=%fd.name_changed connected=%fd.connected"
  priority: NOTICE
- rule: Test udp msg
  desc: t
  condition: evt.type in (sendmsg, recvmsg) and fd.l4proto = udp and fd.sport = 4453
  output: "udp msg %evt.type %fd.name server=%fd.sip:%fd.sport client=%fd.cip:%fd.cport changed=%fd.name_changed"
  priority: NOTICE
- rule: Test ipv6 connect
  desc: t
  condition: evt.type = connect and fd.typechar = 6 and fd.sport = 4447 and fd.ip = "::1"
  output: "v6 %fd.name"
  priority: NOTICE
- rule: Test class file received
  desc: Falco's log4shell rule, on any program
  condition: evt.type = recvfrom and fd.lport = 4448 and evt.buffer bcontains cafebabe
  output: "class file %evt.buffer"
  priority: NOTICE
"""


class NetworkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.rules = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.rules.write(NETWORK_RULES)
        cls.rules.close()
        cls.agent = harness.Agent("run", "-o", "json", "-r", cls.rules.name)
        cls.builtin = harness.Agent("run", "-o", "json")
        cls.agent.wait_ready()
        cls.builtin.wait_ready()

    @classmethod
    def tearDownClass(cls):
        os.unlink(cls.rules.name)
        for agent in (cls.agent, cls.builtin):
            code = agent.stop()
            assert code == 0, "vigil exited with %s:\n%s" % (code, "\n".join(agent.stderr))

    def for_container(self, agent, cid, rule, timeout=15):
        return agent.wait_for(
            lambda a: field(a, "container.id") == cid and a["rule"] == rule, timeout)

    def test_tcp_connect_and_accept_in_a_container(self):
        cid = harness.docker_run(
            "sh", "-c", "nc -l -p 4444 > /dev/null & sleep 0.5; echo hi | nc -w 2 127.0.0.1 4444;"
            " wait")
        connects = self.for_container(self.agent, cid, "Test connect")
        self.assertEqual(len(connects), 1, self.agent.alerts())
        c = connects[0]
        self.assertRegex(field(c, "fd.name"), r"^127\.0\.0\.1:\d+->127\.0\.0\.1:4444$")
        self.assertEqual(field(c, "fd.l4proto"), "tcp")
        self.assertEqual(field(c, "fd.typechar"), "4")
        self.assertEqual(field(c, "evt.arg.tuple"), field(c, "fd.name"))
        self.assertEqual(field(c, "proc.name"), "nc")
        accepts = self.for_container(self.agent, cid, "Test accept")
        self.assertEqual(len(accepts), 1, self.agent.alerts())
        a = accepts[0]
        # The same connection, seen from the server: the client port matches.
        self.assertEqual(field(a, "fd.name"), field(c, "fd.name"))
        self.assertEqual(field(a, "fd.sip"), "127.0.0.1")
        self.assertEqual(field(a, "fd.sport"), 4444)
        listens = self.for_container(self.agent, cid, "Test listen")
        self.assertEqual(len(listens), 1, self.agent.alerts())
        # busybox listens on a dual-stack socket: IPv6 until a connection maps IPv4 onto it.
        self.assertIn(field(listens[0], "fd.name"), ("0.0.0.0:4444", ":::4444"))

    def test_reverse_shell_is_detected(self):
        # nc -e puts the connected socket on stdin, stdout and stderr, then runs the shell.
        cid = harness.docker_run(
            "sh", "-c", "(echo exit | nc -l -p 4445 > /dev/null) & sleep 0.5;"
            " nc -w 2 127.0.0.1 4445 -e /bin/sh; wait")
        rule = "Redirect STDOUT/STDIN to Network Connection in Container"
        alerts = self.for_container(self.builtin, cid, rule)
        self.assertGreaterEqual(len(alerts), 1, self.builtin.alerts())
        a = alerts[0]
        self.assertRegex(field(a, "fd.name"), r"^127\.0\.0\.1:\d+->127\.0\.0\.1:4445$")
        self.assertIn("Redirect stdout/stdin to network connection", a["output"])
        # The plain client of the other test never redirects its standard streams.
        self.assertEqual(self.builtin.wait_for(
            lambda x: x["rule"] == rule and "4444" in (field(x, "fd.name") or ""), 0.5), [])

    def test_unix_socket_path(self):
        path = "/tmp/vigil-net-%d.sock" % os.getpid()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(1)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(path)
        client.close()
        server.close()
        os.unlink(path)
        alerts = self.agent.wait_for(
            lambda a: a["rule"] == "Test unix connect" and field(a, "fd.name") == path)
        kinds = sorted({field(a, "evt.type") for a in alerts})
        self.assertEqual(kinds, ["bind", "connect"], self.agent.alerts())
        self.assertEqual(field(alerts[0], "fd.sockfamily"), "unix")
        self.assertEqual(field(alerts[0], "container.id"), "host")

    def test_unconnected_udp_sendto_names_its_peer(self):
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 4446))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(b"x", ("127.0.0.1", 4446))
        sender.close()
        receiver.close()
        alerts = self.agent.wait_for(lambda a: a["rule"] == "Test udp sendto")
        self.assertGreaterEqual(len(alerts), 1, self.agent.alerts())
        # The kernel holds no source address for an unconnected UDP socket (it picks one per
        # datagram): the local end reads 0.0.0.0, the peer comes from the call's address.
        self.assertRegex(field(alerts[0], "fd.name"), r"^0\.0\.0\.0:\d+->127\.0\.0\.1:4446$")
        self.assertIs(field(alerts[0], "fd.connected"), False)

    @staticmethod
    def udp_exchange(port, send, receive):
        """One datagram between two unconnected UDP sockets on 127.0.0.1: send(sender, peer),
        then receive(receiver). Returns the sender's port."""
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            receiver.bind(("127.0.0.1", port))
            sender.bind(("127.0.0.1", 0))
            send(sender, ("127.0.0.1", port))
            receive(receiver)
            return sender.getsockname()[1]
        finally:
            sender.close()
            receiver.close()

    def test_unconnected_udp_recvfrom_names_its_sender(self):
        sender_port = self.udp_exchange(4452, lambda s, peer: s.sendto(b"x", peer),
                                        lambda r: r.recvfrom(16))
        alerts = self.agent.wait_for(lambda a: a["rule"] == "Test udp recvfrom")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        # As Falco: the sender (from the call's src_addr) is the client, the receiver serves.
        self.assertEqual(field(alerts[0], "fd.name"), "127.0.0.1:%d->127.0.0.1:4452" % sender_port)
        self.assertEqual(field(alerts[0], "fd.cport"), sender_port)
        self.assertEqual(field(alerts[0], "fd.sport"), 4452)
        self.assertIs(field(alerts[0], "fd.name_changed"), True)
        self.assertIs(field(alerts[0], "fd.connected"), False)

    def test_unconnected_udp_sendmsg_and_recvmsg_name_the_peer(self):
        # sendmsg's msg_name names the peer; the kernel writes the sender into recvmsg's.
        sender_port = self.udp_exchange(4453, lambda s, peer: s.sendmsg([b"x"], [], 0, peer),
                                        lambda r: r.recvmsg(16))
        self.agent.wait_for(lambda a: a["rule"] == "Test udp msg"
                            and field(a, "evt.type") == "recvmsg")
        alerts = self.agent.wait_for(lambda a: a["rule"] == "Test udp msg")
        by_type = {field(a, "evt.type"): a for a in alerts}
        self.assertEqual(sorted(by_type), ["recvmsg", "sendmsg"], self.agent.alerts())
        tuple_ = "127.0.0.1:%d->127.0.0.1:4453" % sender_port
        for evt_type in ("sendmsg", "recvmsg"):
            a = by_type[evt_type]
            self.assertEqual(field(a, "fd.name"), tuple_, a)
            self.assertEqual(field(a, "fd.cport"), sender_port, a)
            self.assertIs(field(a, "fd.name_changed"), True, a)

    def test_received_data_is_compared_as_bytes(self):
        receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        receiver.bind(("127.0.0.1", 4448))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(b"text that says cafebabe", ("127.0.0.1", 4448))
        sender.sendto(b"\xca\xfe\xba\xbe\x00\x00\x004 Exploit.class", ("127.0.0.1", 4448))
        for _ in range(2):
            receiver.recvfrom(100)
        sender.close()
        receiver.close()
        alerts = self.agent.wait_for(lambda a: a["rule"] == "Test class file received")
        self.assertEqual([field(a, "evt.buffer") for a in alerts],
                         [".......4 Exploit.class"], self.agent.alerts())
        # The agent without such a rule keeps no data: it traces no recvfrom at all.
        self.assertFalse(any("recvfrom" in l and "probes:" in l for l in self.builtin.stderr),
                         self.builtin.stderr)

    def test_tcp_data_no_rule_can_match_stays_in_the_kernel(self):
        # Falco's outbound macro wants sendto on UDP only: TCP send() calls are dropped in the
        # kernel, UDP ones still alert.
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "udp.yaml")
            with open(rules, "w") as f:
                f.write("- rule: udp send\n  desc: t\n  condition: evt.type = sendto and "
                        "fd.l4proto != tcp and fd.rport = 4449\n  output: udp %fd.name\n"
                        "  priority: NOTICE\n")
            agent = harness.Agent("run", "-o", "json", "-r", rules)
            agent.wait_ready()
            try:
                ready = [l for l in agent.stderr if "ready" in l][0]
                self.assertIn("on TCP sockets, dropped in the kernel: sendto", ready)
                loop = os.path.join(os.path.dirname(harness.VIGIL), "bench", "syscall_loop")
                harness.run([loop, "net", "5000"])  # 5,000 TCP send() calls
                sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sender.sendto(b"x", ("127.0.0.1", 4449))
                sender.close()
                alerts = agent.wait_for(lambda a: a["rule"] == "udp send")
                self.assertEqual(len(alerts), 1, agent.alerts())
            finally:
                self.assertEqual(agent.stop(), 0)
            stopped = [l for l in agent.stderr if "stopped:" in l][0]
            sent = int(stopped.split("kernel records sent")[0].split(",")[-1])
            self.assertLess(sent, 1000, stopped)

    def test_ipv6_connect(self):
        try:
            server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            server.bind(("::1", 4447))
        except OSError as e:
            self.skipTest("no IPv6 loopback: %s" % e)
        server.listen(1)
        accepted = []
        t = threading.Thread(target=lambda: accepted.append(server.accept()))
        t.start()
        client = socket.create_connection(("::1", 4447))
        t.join(5)
        client.close()
        for conn, _ in accepted:
            conn.close()
        server.close()
        alerts = self.agent.wait_for(lambda a: a["rule"] == "Test ipv6 connect")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertRegex(field(alerts[0], "fd.name"), r"^::1:\d+->::1:4447$")


NAME_RULES = """
- rule: Test connect by name
  desc: t
  condition: evt.type = connect and fd.sport = 4450 and fd.sip.name = localhost
  output: "by name %fd.sip.name %fd.name %container.id"
  priority: NOTICE
- rule: Test connect not by name
  desc: t
  condition: evt.type = connect and fd.sport = 4450 and fd.sip.name != localhost
  output: "not by name %fd.sip.name %fd.name %container.id"
  priority: NOTICE
"""

PORT_ONLY_RULE = """
- rule: Test connect by port
  desc: t
  condition: evt.type = connect and fd.sport = 4451
  output: "by port %fd.name"
  priority: NOTICE
"""


class DomainNameTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()

    def rules_file(self, text):
        f = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        f.write(text)
        f.close()
        self.addCleanup(os.unlink, f.name)
        return f.name

    def connect_in_container(self, port):
        return harness.docker_run(
            "sh", "-c", "nc -l -p %d > /dev/null & sleep 0.5; echo hi | nc -w 2 127.0.0.1 %d;"
            " wait" % (port, port))

    def test_names_match_only_while_resolved(self):
        rules = self.rules_file(NAME_RULES)
        resolving = harness.Agent("run", "-o", "json", "-r", rules, "--resolve-names")
        off = harness.Agent("run", "-o", "json", "-r", rules)
        try:
            resolving.wait_ready()
            off.wait_ready()
            self.assertTrue(any("domain names: 1 of 1 the rules compare resolved" in l
                                for l in resolving.stderr), resolving.stderr)
            self.assertTrue(any("name resolution is off" in l and "localhost" in l
                                for l in off.stderr), off.stderr)
            cid = self.connect_in_container(4450)
            by_name = resolving.wait_for(lambda a: field(a, "container.id") == cid)
            self.assertEqual([a["rule"] for a in by_name], ["Test connect by name"])
            self.assertEqual(field(by_name[0], "fd.sip.name"), "localhost")
            self.assertRegex(field(by_name[0], "fd.name"), r"^127\.0\.0\.1:\d+->127\.0\.0\.1:4450$")
            # Without resolution no address is localhost's: '!=' holds, the name is unknown.
            not_by_name = off.wait_for(lambda a: field(a, "container.id") == cid)
            self.assertEqual([a["rule"] for a in not_by_name], ["Test connect not by name"])
            self.assertIsNone(field(not_by_name[0], "fd.sip.name"))
        finally:
            self.assertEqual(resolving.stop(), 0, resolving.stderr)
            self.assertEqual(off.stop(), 0, off.stderr)

    def test_a_reload_resolves_the_new_rules_names(self):
        rules = self.rules_file(PORT_ONLY_RULE + NAME_RULES.replace("4450", "4451"))
        with open(rules, "w") as f:
            f.write(PORT_ONLY_RULE)
        agent = harness.Agent("run", "-o", "json", "-r", rules, "--resolve-names")
        try:
            agent.wait_ready()
            with open(rules, "w") as f:
                f.write(PORT_ONLY_RULE + NAME_RULES.replace("4450", "4451"))
            agent.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 15
            while time.time() < deadline and not any(
                    "domain names: 1 of 1" in l for l in agent.stderr):
                time.sleep(0.1)
            self.assertTrue(any("reloaded:" in l for l in agent.stderr), agent.stderr)
            cid = self.connect_in_container(4451)
            alerts = agent.wait_for(lambda a: field(a, "container.id") == cid
                                    and a["rule"] == "Test connect by name")
            self.assertEqual(len(alerts), 1, agent.alerts())
        finally:
            self.assertEqual(agent.stop(), 0, agent.stderr)


if __name__ == "__main__":
    harness.main()
