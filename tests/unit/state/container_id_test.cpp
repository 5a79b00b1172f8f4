#include "state/container_id.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

const std::string kId = "9f54eda270f4fd6881c0b000090eb2b8fc4c2ed1ee5d7623f12a2530623aed17";

struct CgroupCase {
  std::string path;
  std::string runtime;  // empty: the host
};

class ContainerFromCgroupTest : public testing::TestWithParam<CgroupCase> {};

TEST_P(ContainerFromCgroupTest, Recognises) {
  const auto& c = GetParam();
  auto found = ContainerFromCgroupPath(c.path);
  if (c.runtime.empty()) {
    EXPECT_FALSE(found) << c.path;
    return;
  }
  ASSERT_TRUE(found) << c.path;
  EXPECT_EQ(found->runtime, c.runtime) << c.path;
  EXPECT_EQ(found->full_id, kId);
  EXPECT_EQ(found->ShortId(), "9f54eda270f4");
}

INSTANTIATE_TEST_SUITE_P(
    Runtimes, ContainerFromCgroupTest,
    testing::Values(
        // Docker, cgroupfs and systemd drivers, and a container's own sub-cgroup.
        CgroupCase{"/docker/" + kId, "docker"},
        CgroupCase{"/system.slice/docker-" + kId + ".scope", "docker"},
        CgroupCase{"/docker/" + kId + "/init.scope", "docker"},
        // containerd through the CRI plugin.
        CgroupCase{"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1b2c.slice/"
                   "cri-containerd-" + kId + ".scope", "containerd"},
        CgroupCase{"/kubepods/besteffort/pod0f1e2d3c-aaaa-bbbb-cccc-111122223333/" + kId, "cri"},
        // CRI-O, and its monitor, which is not a container.
        CgroupCase{"/kubepods.slice/kubepods-burstable.slice/crio-" + kId + ".scope", "cri-o"},
        CgroupCase{"/kubepods.slice/kubepods-burstable.slice/crio-conmon-" + kId + ".scope", ""},
        // podman, systemd and cgroupfs managers.
        CgroupCase{"/machine.slice/libpod-" + kId + ".scope", "podman"},
        CgroupCase{"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId +
                   ".scope/container", "podman"},
        CgroupCase{"/libpod_parent/libpod-" + kId + "/ctr", "podman"},
        CgroupCase{"/machine.slice/libpod-conmon-" + kId + ".scope", ""},
        // The host: this VM's own cgroups, systemd services, the root.
        CgroupCase{"/process_api/25e557bfe6b78dbffee6c5cd741fd02c", ""},
        CgroupCase{"/system.slice/docker.service", ""},
        CgroupCase{"/system.slice/containerd.service", ""},
        CgroupCase{"/", ""}, CgroupCase{"", ""},
        CgroupCase{"/docker/" + kId.substr(0, 63), ""},         // too short
        CgroupCase{"/docker/" + kId.substr(0, 63) + "g", ""}),
    [](const auto& info) { return std::to_string(info.index); });  // not hex

TEST(ContainerFromProcCgroupTest, ReadsAnyHierarchyLine) {
  std::string v1 = "4:memory:/docker/" + kId + "\n0::/\n";
  auto found = ContainerFromProcCgroup(v1);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->runtime, "docker");
  EXPECT_FALSE(ContainerFromProcCgroup("4:memory:/process_api/25e557bf\n0::/\n"));
  EXPECT_FALSE(ContainerFromProcCgroup("garbage without colons"));
}

}  // namespace
}  // namespace vigil
