#include "state/domain_names.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "state/name_resolver.h"

namespace vigil {
namespace {

using namespace std::chrono_literals;

NetAddress V4(const char* text) {
  NetAddress a;
  a.family = 4;
  inet_pton(AF_INET, text, a.bytes.data());
  return a;
}

NetAddress V6(const char* text) {
  NetAddress a;
  a.family = 6;
  inet_pton(AF_INET6, text, a.bytes.data());
  return a;
}

// Polls `done` for up to 5 s (the resolver works on its own thread).
template <class Done>
bool Eventually(Done done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(DomainNamesTest, AddressesOfNamesAndNamesOfAddresses) {
  DomainNames names;
  names.Set("b.example", {V4("10.0.0.2"), V6("2001:db8::2")});
  names.Set("a.example", {V4("10.0.0.2")});
  names.Set("gone.example", {});
  EXPECT_TRUE(names.Resolves("b.example", V6("2001:db8::2")));
  EXPECT_FALSE(names.Resolves("b.example", V4("10.0.0.3")));
  EXPECT_FALSE(names.Resolves("unknown.example", V4("10.0.0.2")));
  // Same bytes, other family: not the same address.
  NetAddress v4_as_v6 = V4("10.0.0.2");
  v4_as_v6.family = 6;
  EXPECT_FALSE(names.Resolves("a.example", v4_as_v6));
  std::string name;
  ASSERT_TRUE(names.NameOf(V4("10.0.0.2"), name));
  EXPECT_EQ(name, "a.example");  // the first in byte order
  EXPECT_FALSE(names.NameOf(V4("10.0.0.9"), name));
  EXPECT_EQ(names.resolved_count(), 2u);
  names.Retain({"b.example"});
  EXPECT_FALSE(names.Resolves("a.example", V4("10.0.0.2")));
  ASSERT_TRUE(names.NameOf(V4("10.0.0.2"), name));
  EXPECT_EQ(name, "b.example");
}

TEST(DomainNamesTest, SystemLookupReadsTheHostsFile) {
  // "localhost" comes from /etc/hosts (nsswitch "files" first): no DNS query is sent.
  NameLookup result = SystemLookup("localhost");
  ASSERT_EQ(result.status, NameLookup::Status::kOk) << result.error;
  bool loopback = false;
  for (const auto& a : result.addresses)
    loopback = loopback || a == V4("127.0.0.1") || a == V6("::1");
  EXPECT_TRUE(loopback);
}

struct FakeResolver {
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::map<std::string, NameLookup> answers;

  NameResolver::Options Options(std::chrono::milliseconds base, std::chrono::milliseconds max) {
    NameResolver::Options o;
    o.base_interval = base;
    o.max_interval = max;
    o.lookup = [this](const std::string& name) {
      ++calls;
      std::lock_guard lock(mutex);
      return answers.contains(name) ? answers[name] : NameLookup{};
    };
    return o;
  }
  void Answer(const std::string& name, NameLookup::Status status, std::vector<NetAddress> a = {}) {
    std::lock_guard lock(mutex);
    answers[name] = NameLookup{status, std::move(a), status == NameLookup::Status::kOk ? "" : "no"};
  }
};

TEST(NameResolverTest, LooksUpAtOnceAndFollowsChanges) {
  auto shared = std::make_shared<DomainNames>();
  DomainNames& table = *shared;
  FakeResolver fake;
  fake.Answer("api.example", NameLookup::Status::kOk, {V4("10.1.1.1")});
  NameResolver resolver(shared, fake.Options(20ms, 20ms));
  resolver.Watch({"api.example"});
  resolver.Start();
  EXPECT_TRUE(Eventually([&] { return table.Resolves("api.example", V4("10.1.1.1")); }));
  fake.Answer("api.example", NameLookup::Status::kOk, {V4("10.1.1.2")});
  EXPECT_TRUE(Eventually([&] { return table.Resolves("api.example", V4("10.1.1.2")); }));
  EXPECT_FALSE(table.Resolves("api.example", V4("10.1.1.1")));
  // A resolver that does not answer keeps the last addresses.
  fake.Answer("api.example", NameLookup::Status::kFailed);
  const int before = fake.calls.load();
  EXPECT_TRUE(Eventually([&] { return fake.calls.load() >= before + 2; }));
  EXPECT_TRUE(table.Resolves("api.example", V4("10.1.1.2")));
  // A name that no longer exists has no address.
  fake.Answer("api.example", NameLookup::Status::kNoSuchName);
  EXPECT_TRUE(Eventually([&] { return !table.Resolves("api.example", V4("10.1.1.2")); }));
  resolver.Stop();
}

TEST(NameResolverTest, WaitsLongerWhileAddressesStayTheSame) {
  auto shared = std::make_shared<DomainNames>();
  FakeResolver fake;
  fake.Answer("stable.example", NameLookup::Status::kOk, {V4("10.2.2.2")});
  // 10 ms doubling to 10 s: lookups at about 0, 10, 30, 70, 150, 310 ms. Without the doubling
  // there would be ~40 in 400 ms.
  NameResolver resolver(shared, fake.Options(10ms, 10s));
  resolver.Watch({"stable.example"});
  resolver.Start();
  std::this_thread::sleep_for(400ms);
  resolver.Stop();
  EXPECT_GE(fake.calls.load(), 3);
  EXPECT_LE(fake.calls.load(), 8);
  EXPECT_EQ(resolver.lookups(), static_cast<uint64_t>(fake.calls.load()));
}

TEST(NameResolverTest, WatchForgetsOldNamesAndLooksUpNewOnes) {
  auto shared = std::make_shared<DomainNames>();
  DomainNames& table = *shared;
  FakeResolver fake;
  fake.Answer("old.example", NameLookup::Status::kOk, {V4("10.3.3.3")});
  fake.Answer("new.example", NameLookup::Status::kOk, {V4("10.4.4.4")});
  NameResolver resolver(shared, fake.Options(10s, 10s));  // no second lookup during the test
  resolver.Watch({"old.example"});
  resolver.Start();
  EXPECT_TRUE(Eventually([&] { return table.Resolves("old.example", V4("10.3.3.3")); }));
  resolver.Watch({"new.example"});
  EXPECT_FALSE(table.Resolves("old.example", V4("10.3.3.3")));
  EXPECT_TRUE(Eventually([&] { return table.Resolves("new.example", V4("10.4.4.4")); }));
  resolver.Stop();  // promptly, although the next lookup is 10 s away
}

TEST(NameResolverTest, WaitFirstRoundWaitsForEveryName) {
  auto table = std::make_shared<DomainNames>();
  FakeResolver fake;
  fake.Answer("a.example", NameLookup::Status::kOk, {V4("10.5.5.1")});
  fake.Answer("b.example", NameLookup::Status::kNoSuchName);
  NameResolver resolver(table, fake.Options(10s, 10s));
  EXPECT_TRUE(resolver.WaitFirstRound(0ms));  // nothing to resolve
  resolver.Watch({"a.example", "b.example"});
  EXPECT_FALSE(resolver.WaitFirstRound(50ms));  // not started
  resolver.Start();
  EXPECT_TRUE(resolver.WaitFirstRound(5s));
  EXPECT_EQ(fake.calls.load(), 2);
  EXPECT_TRUE(table->Resolves("a.example", V4("10.5.5.1")));
}

TEST(NameResolverTest, StopDoesNotWaitForASlowLookup) {
  // A resolver that does not answer: getaddrinfo blocks for seconds.
  auto started = std::make_shared<std::atomic<bool>>(false);
  NameResolver::Options options;
  options.stop_wait = 100ms;
  options.lookup = [started](const std::string&) {
    *started = true;
    std::this_thread::sleep_for(2s);
    return NameLookup{};
  };
  auto resolver = std::make_unique<NameResolver>(std::make_shared<DomainNames>(), options);
  resolver->Watch({"slow.example"});
  resolver->Start();
  ASSERT_TRUE(Eventually([&] { return started->load(); }));
  const auto before = std::chrono::steady_clock::now();
  resolver.reset();  // stops
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

}  // namespace
}  // namespace vigil
