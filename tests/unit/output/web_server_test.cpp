#include "output/web_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::output {
namespace {

using testing::HasSubstr;

const std::string kKey = "-----BEGIN PRIVATE KEY-----\nMIIkey\n-----END PRIVATE KEY-----\n";
const std::string kCert = "-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n";
const std::string kChain = "-----BEGIN CERTIFICATE-----\nMIIca\n-----END CERTIFICATE-----\n";

TEST(SplitPem, KeyAndCertificatesInAnyOrder) {
  for (const std::string& text :
       {kKey + kCert + kChain, kCert + kKey + kChain, "# a comment\n" + kCert + kChain + kKey}) {
    auto pem = SplitPem(text, "vigil.pem");
    ASSERT_TRUE(pem) << pem.error().message;
    EXPECT_EQ(pem->key, kKey);
    EXPECT_EQ(pem->certificates, kCert + kChain);  // the server's first, as in the file
  }
}

TEST(SplitPem, RsaAndEcKeys) {
  for (const std::string label : {"RSA PRIVATE KEY", "EC PRIVATE KEY"}) {
    const std::string key = "-----BEGIN " + label + "-----\nx\n-----END " + label + "-----\n";
    auto pem = SplitPem(key + kCert, "vigil.pem");
    ASSERT_TRUE(pem) << pem.error().message;
    EXPECT_EQ(pem->key, key);
  }
}

struct PemError {
  std::string text;
  std::string error;
};

class SplitPemErrors : public testing::TestWithParam<PemError> {};

TEST_P(SplitPemErrors, SayWhatIsWrong) {
  auto pem = SplitPem(GetParam().text, "/etc/vigil/vigil.pem");
  ASSERT_FALSE(pem);
  EXPECT_THAT(pem.error().message, HasSubstr(GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Table, SplitPemErrors,
    testing::Values(
        PemError{"", "/etc/vigil/vigil.pem: no private key"},
        PemError{kCert, "/etc/vigil/vigil.pem: no private key"},
        PemError{kKey, "/etc/vigil/vigil.pem: no certificate"},
        PemError{kKey + kKey + kCert, "2 private keys; one is expected"},
        PemError{"-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----\n" +
                     kCert,
                 "the private key is encrypted"},
        PemError{kKey + "-----BEGIN CERTIFICATE-----\nMIIcert\n",
                 "'-----BEGIN CERTIFICATE-----' has no '-----END CERTIFICATE-----'"}));

}  // namespace
}  // namespace vigil::output
