"""`vigil run` against real containers: the seed's two reference alerts, path resolution,
container identity, silence for benign work, the host, and the probe of better hooks."""
import re
import subprocess
import time
import unittest

import harness
from harness import field


class RunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_root_and_docker(cls)
        harness.build_image()
        cls.agent = harness.Agent("run", "-o", "json")
        cls.agent.wait_ready()

    @classmethod
    def tearDownClass(cls):
        code = cls.agent.stop()
        assert code == 0, "vigil exited with %s:\n%s" % (code, "\n".join(cls.agent.stderr))

    def alerts_for(self, cid, rule=None, timeout=15):
        return self.agent.wait_for(
            lambda a: field(a, "container.id") == cid and (rule is None or a["rule"] == rule),
            timeout)

    def test_cat_shadow_in_container(self):
        cid = harness.docker_run("cat", "/etc/shadow")
        alerts = self.alerts_for(cid, "Read sensitive file untrusted")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        a = alerts[0]
        self.assertEqual(a["priority"], "Warning")
        self.assertEqual(a["source"], "syscall")
        self.assertEqual(field(a, "container.id"), cid)
        self.assertEqual(field(a, "container.image.repository"), harness.IMAGE)
        self.assertEqual(field(a, "fd.name"), "/etc/shadow")
        self.assertEqual(field(a, "proc.name"), "cat")
        self.assertEqual(field(a, "proc.cmdline"), "cat /etc/shadow")
        self.assertEqual(field(a, "user.name"), "root")
        self.assertEqual(field(a, "user.loginuid"), -1)
        self.assertIn("Sensitive file opened for reading by non-trusted program (user=root",
                      a["output"])
        self.assertIn("container_id=%s image=%s)" % (cid, harness.IMAGE), a["output"])
        self.assertRegex(a["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$")
        # Exactly one: wait a little longer for duplicates.
        time.sleep(1)
        self.assertEqual(len(self.alerts_for(cid, timeout=0.1)), 1)

    def test_touch_bin_in_container(self):
        cid = harness.docker_run("touch", "/bin/test")
        alerts = self.alerts_for(cid, "Write below binary dir")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        a = alerts[0]
        self.assertEqual(a["priority"], "Error")
        self.assertEqual(field(a, "fd.name"), "/bin/test")
        self.assertEqual(field(a, "proc.cmdline"), "touch /bin/test")
        self.assertIn("File below a known binary directory opened for writing", a["output"])

    def test_relative_path_resolves(self):
        # "; true" keeps sh alive (busybox sh execs a last simple command in place).
        cid = harness.docker_run("sh", "-c", "cd /etc && cat shadow; true")
        alerts = self.alerts_for(cid, "Read sensitive file untrusted")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertEqual(field(alerts[0], "fd.name"), "/etc/shadow")
        self.assertEqual(field(alerts[0], "proc.cmdline"), "cat shadow")
        self.assertEqual(field(alerts[0], "proc.pname"), "sh")

    def test_dotdot_path_resolves(self):
        cid = harness.docker_run("cat", "/tmp/../etc/shadow")
        alerts = self.alerts_for(cid, "Read sensitive file untrusted")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertEqual(field(alerts[0], "fd.name"), "/etc/shadow")

    def test_symlink_resolves_to_the_real_file(self):
        # The kernel's struct file names the file actually opened, not the link.
        cid = harness.docker_run("sh", "-c", "ln -s /etc/shadow /tmp/innocent; cat /tmp/innocent")
        alerts = self.alerts_for(cid, "Read sensitive file untrusted")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertEqual(field(alerts[0], "fd.name"), "/etc/shadow")

    def test_non_root_user_name_from_the_container(self):
        # uid 33 is "www" only in the container's own /etc/passwd; the host has no such name.
        cid = harness.docker_run("cat", "/etc/sudoers", user="33:33")
        alerts = self.alerts_for(cid, "Read sensitive file untrusted")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertEqual(field(alerts[0], "user.name"), "www")
        self.assertIn("user=www ", alerts[0]["output"])

    def test_failed_open_is_not_a_read(self):
        # uid 33 cannot open the 0640 root-owned shadow: nothing was read, no alert.
        cid = harness.docker_run("cat", "/etc/shadow", user="33:33")
        time.sleep(2)
        self.assertEqual(self.alerts_for(cid, timeout=0.1), [])

    def test_benign_container_is_silent(self):
        cid = harness.docker_run("sh", "-c", "ls /; cat /etc/passwd; echo hi >/tmp/x")
        time.sleep(3)
        self.assertEqual(self.alerts_for(cid, timeout=0.1), [])

    def test_kernel_surface_write_attempts(self):
        # Docker mounts /proc/sys read-only and masks /proc/sysrq-trigger: both writes fail,
        # and both attempts are reported.
        cid = harness.docker_run("sh", "-c", "echo '|/tmp/x' > /proc/sys/kernel/core_pattern; "
                                             "echo 1 > /proc/sysrq-trigger")
        rule = "Write attempt to non-namespaced kernel surface from container"
        alerts = self.agent.wait_for(
            lambda a: field(a, "container.id") == cid and a["rule"] == rule
            and field(a, "fd.name") == "/proc/sysrq-trigger")
        self.assertTrue(alerts, self.agent.alerts())
        files = {field(a, "fd.name"): field(a, "evt.res")
                 for a in self.alerts_for(cid, rule, timeout=1)}
        self.assertEqual(files.get("/proc/sys/kernel/core_pattern"), "EROFS")
        self.assertIn("/proc/sysrq-trigger", files)
        self.assertEqual(alerts[0]["priority"], "Warning")

    def test_cgroup_mount_and_notify_on_release_write(self):
        # With CAP_SYS_ADMIN a container can mount the host's cgroup v1 hierarchy and write its
        # release_agent/notify_on_release: the escape's set-up. (Writing 0, the current value.)
        cid = harness.docker_run(
            "sh", "-c", "mkdir /tmp/cg && mount -t cgroup -o memory cgroup /tmp/cg && "
                        "echo 0 > /tmp/cg/notify_on_release",
            extra=["--cap-add", "SYS_ADMIN"])
        mount = self.alerts_for(cid, "Mount of kernel file system in container")
        self.assertEqual(len(mount), 1, self.agent.alerts())
        self.assertEqual(mount[0]["priority"], "Critical")
        self.assertEqual(field(mount[0], "evt.arg.type"), "cgroup")
        self.assertEqual(field(mount[0], "evt.arg.dir"), "/tmp/cg")
        write = self.alerts_for(cid, "Write to non-namespaced kernel surface from container")
        self.assertEqual(len(write), 1, self.agent.alerts())
        self.assertEqual(field(write[0], "fd.name"), "/tmp/cg/notify_on_release")
        self.assertEqual(write[0]["priority"], "Critical")

    def test_drop_and_execute_new_binary(self):
        # A program copied into the container after it started lives on the overlay's upper
        # layer; the image's own busybox does not.
        cid = harness.docker_run("sh", "-c", "cp /bin/busybox /tmp/bb && /tmp/bb echo hi")
        alerts = self.alerts_for(cid, "Drop and execute new binary in container")
        self.assertEqual(len(alerts), 1, self.agent.alerts())
        self.assertEqual(alerts[0]["priority"], "Critical")
        self.assertIn("exepath=/tmp/bb ", alerts[0]["output"])

    def test_fileless_execution_from_memfd(self):
        program = ("import os\n"
                   "fd = os.memfd_create('payload')\n"
                   "os.write(fd, open('/bin/true', 'rb').read())\n"
                   "os.execv('/proc/self/fd/%d' % fd, ['payload'])\n")
        subprocess.run(["python3", "-c", program], check=True, timeout=30)
        alerts = self.agent.wait_for(
            lambda a: a["rule"] == "Fileless execution via memfd_create"
            and field(a, "container.id") == "host")
        self.assertTrue(alerts, self.agent.alerts())
        self.assertIn("memfd:payload", alerts[0]["output"])

    def test_links_over_sensitive_files(self):
        cid = harness.docker_run("sh", "-c", "ln -s /etc/shadow /tmp/s; ln /etc/shadow /tmp/h")
        sym = self.alerts_for(cid, "Create Symlink Over Sensitive Files")
        self.assertEqual(len(sym), 1, self.agent.alerts())
        self.assertEqual(field(sym[0], "evt.arg.target"), "/etc/shadow")
        self.assertEqual(field(sym[0], "evt.arg.linkpath"), "/tmp/s")
        hard = self.alerts_for(cid, "Create Hardlink Over Sensitive Files")
        self.assertEqual(len(hard), 1, self.agent.alerts())
        self.assertEqual(field(hard[0], "evt.arg.newpath"), "/tmp/h")

    def test_host_process_is_host(self):
        subprocess.run(["cat", "/etc/shadow"], check=True, capture_output=True)
        alerts = self.agent.wait_for(
            lambda a: field(a, "container.id") == "host" and field(a, "proc.name") == "cat"
            and field(a, "fd.name") == "/etc/shadow")
        self.assertTrue(alerts, self.agent.alerts())
        self.assertIsNone(field(alerts[0], "container.image.repository"))

    def test_better_hooks_are_probed_and_nothing_stays_loaded(self):
        line = [l for l in self.agent.stderr if "kernel hooks beyond tracepoints" in l]
        self.assertEqual(len(line), 1, self.agent.stderr)
        self.assertRegex(line[0], r"fentry/fexit: (allowed \(not used yet\)|refused \([^)]+\)); "
                                  r"BPF-LSM: (allowed \(not used yet\)|refused \([^)]+\)); "
                                  r"the sensor uses tracepoints")
        # This machine kind's kernel refuses both (EPERM): the agent runs on tracepoints.
        with open("/proc/version") as f:
            if re.search(r"Linux version 6\.18", f.read()):
                self.assertIn("fentry/fexit: refused (Operation not permitted)", line[0])
        programs = subprocess.run(["bpftool", "prog", "list"], check=True, capture_output=True,
                                  text=True).stdout
        self.assertNotIn("vigil_probe", programs)
        self.assertIn("vigil_exit_open", programs)


if __name__ == "__main__":
    harness.main()
