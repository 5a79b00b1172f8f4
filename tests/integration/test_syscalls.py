"""Each family of traced syscalls, made by a real program (helpers/syscall_families.c) in a
real container: vigil must report every call, with its result, its arguments as Falco names and
renders them (`evt.args`), and the file or socket it is about."""
import os
import subprocess
import tempfile
import unittest

import harness
from harness import field

TYPES = """unlink, unlinkat, rename, renameat, renameat2, mkdir, mkdirat, rmdir, symlink, symlinkat,
    link, linkat, chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat, setuid, setgid,
    setresuid, setresgid, setreuid, setregid, ptrace, mount, umount2, memfd_create, dup, dup2,
    dup3, unshare, setns, bpf, userfaultfd, kill, tkill, tgkill, chdir, fchdir, prctl, capset,
    io_uring_setup, socket, connect, accept, accept4, bind, listen, sendto, recvfrom, sendmsg,
    recvmsg, open, openat, openat2, creat, execve, execveat"""

RULES = """
- rule: Family call
  desc: every traced syscall of the helper program
  condition: >
    evt.type in (%s)
    and container.id != host
    and (proc.exepath endswith vigil-syscalls or evt.type = execveat)
  output: "%%evt.type|%%evt.res|%%evt.args|%%fd.name|%%container.id|%%proc.name|%%evt.arg.filename"
  priority: DEBUG
""" % TYPES

# (family, event type, result, substrings of evt.args, fd.name or None)
EXPECTED = [
    ("files", "mkdir", "SUCCESS", ["path=/tmp/fam ", "mode=S_IRUSR|S_IWUSR|S_IXUSR|S_IRGRP"], None),
    ("files", "mkdirat", "SUCCESS", ["dirfd=-100", "path=/tmp/fam/sub", "mode=S_IRUSR|S_IWUSR|S_IXUSR"], None),
    ("files", "creat", "SUCCESS", ["name=/tmp/fam/c", "flags=O_WRONLY|O_CREAT|O_TRUNC"], "/tmp/fam/c"),
    ("files", "chmod", "SUCCESS", ["filename=/tmp/fam/a", "mode=S_ISUID|S_IRUSR"], None),
    ("files", "fchmod", "SUCCESS", ["fd=3", "mode=S_IRUSR|S_IWUSR"], None),
    ("files", "fchown", "SUCCESS", ["fd=3", "uid=0", "gid=0"], None),
    ("files", "fchmodat", "SUCCESS", ["filename=/tmp/fam/a", "mode=S_IRUSR|S_IWUSR|S_IRGRP|S_IROTH"], None),
    ("files", "chown", "SUCCESS", ["path=/tmp/fam/a", "uid=1", "gid=1"], None),
    ("files", "lchown", "SUCCESS", ["path=/tmp/fam/a"], None),
    ("files", "fchownat", "SUCCESS", ["pathname=/tmp/fam/a"], None),
    ("files", "symlink", "SUCCESS", ["target=/etc/passwd", "linkpath=/tmp/fam/sym"], None),
    ("files", "symlinkat", "SUCCESS", ["target=/etc/passwd", "linkpath=/tmp/fam/sym2"], None),
    ("files", "link", "SUCCESS", ["oldpath=/tmp/fam/a", "newpath=/tmp/fam/hard"], None),
    ("files", "linkat", "SUCCESS", ["oldpath=/tmp/fam/a", "newpath=/tmp/fam/hard2"], None),
    ("files", "rename", "SUCCESS", ["oldpath=/tmp/fam/hard", "newpath=/tmp/fam/renamed"], None),
    ("files", "renameat", "SUCCESS", ["oldpath=/tmp/fam/hard2", "newpath=/tmp/fam/renamed2"], None),
    ("files", "renameat2", "SUCCESS", ["oldpath=/tmp/fam/renamed2", "newpath=/tmp/fam/renamed3"], None),
    ("files", "unlink", "SUCCESS", ["path=/tmp/fam/renamed"], None),
    ("files", "unlinkat", "SUCCESS", ["name=/tmp/fam/renamed3"], None),
    ("files", "rmdir", "SUCCESS", ["path=/tmp/fam/sub"], None),
    ("files", "chdir", "SUCCESS", ["path=/tmp/fam"], None),
    ("files", "fchdir", "SUCCESS", ["fd=3"], None),
    ("identity", "setgid", "SUCCESS", ["gid=0"], None),
    ("identity", "setuid", "SUCCESS", ["uid=0"], None),
    ("identity", "setresgid", "SUCCESS", ["rgid=0 egid=0 sgid=0"], None),
    ("identity", "setresuid", "SUCCESS", ["ruid=0 euid=0 suid=0"], None),
    ("identity", "setregid", "SUCCESS", ["rgid=0 egid=0"], None),
    ("identity", "setreuid", "SUCCESS", ["ruid=0 euid=0"], None),
    ("process", "prctl", "SUCCESS", ["option=15"], None),
    ("process", "kill", "SUCCESS", ["sig=0"], None),
    ("process", "tkill", "SUCCESS", ["sig=0"], None),
    ("process", "tgkill", "SUCCESS", ["sig=0"], None),
    ("process", "memfd_create", "SUCCESS", ["name=fam-memfd"], None),
    ("process", "userfaultfd", None, ["flags=0"], None),
    ("process", "bpf", "EPERM", ["cmd=BPF_PROG_LOAD"], None),  # Docker's seccomp profile
    ("process", "io_uring_setup", None, ["entries=4"], None),
    ("process", "unshare", "EPERM", ["flags=CLONE_NEWUTS"], None),
    ("process", "setns", "EPERM", ["nstype=CLONE_NEWUTS"], None),
    ("process", "ptrace", "SUCCESS", ["request=PTRACE_TRACEME"], None),
    ("dup", "dup", "SUCCESS", ["oldfd=3"], None),
    ("dup", "dup2", "SUCCESS", ["oldfd=3", "newfd=10"], None),
    ("dup", "dup3", "SUCCESS", ["oldfd=3", "newfd=11"], None),
    ("net", "bind", "SUCCESS", ["addr=127.0.0.1:4455"], "127.0.0.1:4455"),
    ("net", "listen", "SUCCESS", ["backlog=4"], "127.0.0.1:4455"),
    ("mount", "mount", "SUCCESS", ["dev=tmpfs", "dir=/tmp/fam-mnt", "type=tmpfs",
                                   "flags=MS_NOSUID|MS_NODEV"], None),
    ("mount", "umount2", "SUCCESS", ["name=/tmp/fam-mnt"], None),
]


class SyscallFamiliesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.helper = os.path.join(os.path.dirname(harness.VIGIL), "tests", "vigil-syscalls")
        assert os.path.exists(cls.helper), cls.helper
        cls.rules = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        cls.rules.write(RULES)
        cls.rules.close()
        cls.agent = harness.Agent("run", "-o", "json", "-r", cls.rules.name)
        cls.agent.wait_ready()
        cls.calls = {}  # family -> [(type, res, args, fd.name)]
        for family in ("files", "identity", "process", "dup", "net", "exec", "mount"):
            extra = ["-v", cls.helper + ":/usr/local/bin/vigil-syscalls:ro"]
            if family == "mount":
                extra += ["--cap-add", "SYS_ADMIN"]
            cid = harness.docker_run("vigil-syscalls", family, extra=extra)
            cls.calls[family] = cid
        cls.agent.wait_for(lambda a: field(a, "container.id") == cls.calls["mount"]
                           and field(a, "evt.type") == "umount2")
        code = cls.agent.stop()
        os.unlink(cls.rules.name)
        assert code == 0, "\n".join(cls.agent.stderr)

    def events(self, family):
        cid = self.calls[family]
        return [(field(a, "evt.type"), field(a, "evt.res"), field(a, "evt.args") or "",
                 field(a, "fd.name")) for a in self.agent.alerts()
                if field(a, "container.id") == cid]

    def test_every_family_call_is_seen_with_its_arguments(self):
        for family, etype, res, parts, fd_name in EXPECTED:
            with self.subTest(family=family, type=etype):
                got = [e for e in self.events(family) if e[0] == etype]
                self.assertTrue(got, "no %s in %s: %s" % (etype, family, self.events(family)))
                matching = [e for e in got if all(p in e[2] for p in parts)]
                self.assertTrue(matching, "%s args %s not in %s" % (etype, parts, got))
                if res is not None:
                    self.assertEqual(matching[0][1], res, matching)
                if fd_name is not None:
                    self.assertEqual(matching[0][3], fd_name, matching)

    def test_capset_reports_the_capabilities_set(self):
        got = [e for e in self.events("identity") if e[0] == "capset"]
        self.assertEqual(len(got), 1, self.events("identity"))
        effective = got[0][2].split("cap_permitted=")[0]
        self.assertIn("CAP_CHOWN", effective)
        self.assertNotIn("CAP_NET_RAW", effective)  # the helper dropped it
        self.assertIn("CAP_NET_RAW", got[0][2].split("cap_permitted=")[1])

    def test_sockets_name_both_ends(self):
        events = self.events("net")
        types = [e[0] for e in events]
        for t in ("socket", "bind", "listen", "connect", "accept4", "sendto", "recvfrom",
                  "sendmsg", "recvmsg"):
            self.assertIn(t, types)
        connect = [e for e in events if e[0] == "connect"][0]
        self.assertRegex(connect[3], r"^127\.0\.0\.1:\d+->127\.0\.0\.1:4455$")
        # One connection: every call on either end names it the same way.
        for t in ("accept4", "recvfrom", "sendmsg", "recvmsg"):
            e = [x for x in events if x[0] == t][0]
            self.assertEqual(e[3], connect[3], (t, events))
        self.assertIn("tuple=" + connect[3], connect[2])
        udp = [e for e in events if e[0] == "sendto" and e[3].endswith(":4456")]
        self.assertEqual(len(udp), 1, events)
        self.assertRegex(udp[0][3], r"^0\.0\.0\.0:\d+->127\.0\.0\.1:4456$")
        sockets = [e for e in events if e[0] == "socket"]
        self.assertIn("domain=AF_INET type=SOCK_STREAM|SOCK_CLOEXEC", " ".join(s[2] for s in sockets))
        self.assertIn("domain=AF_INET type=SOCK_DGRAM", " ".join(s[2] for s in sockets))

    def test_failed_execve_and_execveat(self):
        cid = self.calls["exec"]
        alerts = [a for a in self.agent.alerts() if field(a, "container.id") == cid]
        failed = [a for a in alerts
                  if field(a, "evt.type") == "execve" and field(a, "evt.res") != "SUCCESS"]
        self.assertEqual(len(failed), 1, alerts)
        self.assertEqual(field(failed[0], "evt.res"), "ENOENT")
        self.assertEqual(field(failed[0], "evt.arg.filename"), "/no/such/program")
        # The process that failed keeps its image: proc.* is still the helper.
        self.assertEqual(field(failed[0], "proc.name"), "vigil-syscalls")
        replaced = [a for a in alerts if field(a, "evt.type") == "execveat"]
        self.assertEqual(len(replaced), 1, alerts)
        self.assertEqual(field(replaced[0], "evt.res"), "SUCCESS")
        self.assertEqual(field(replaced[0], "proc.name"), "true")

    def test_open_family(self):
        events = self.events("files")
        opens = [e for e in events if e[0] == "openat" and e[3] == "/tmp/fam/a"]
        self.assertTrue(any("flags=O_WRONLY|O_CREAT|O_TRUNC" in e[2] for e in opens), opens)
        self.assertTrue(any("flags=O_RDONLY" in e[2] for e in opens), opens)
        self.assertTrue(any(e[0] == "openat" and e[3] == "/tmp" and "O_DIRECTORY" in e[2]
                            for e in events), events)


if __name__ == "__main__":
    harness.main()
