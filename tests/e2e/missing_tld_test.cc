// `caawatch caa check` against a resolver that answers NXDOMAIN for a top-level domain (a real
// Knot serving the root zone, DNSSEC off, as a broken or rewriting resolver answers): the
// verdict is indeterminate, never "permitted (TLD com does not exist)" (issue 16).
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;

using MissingTldTest = testing::EndToEndFixture;

TEST_F(MissingTldTest, CaaCheckUnderATldTheResolverSaysDoesNotExistIsIndeterminate) {
  // The root zone knows only the TLD test.
  auto root = fakes::KnotServer::Start({{"", ""}, {"test", "www A 127.0.0.2\n"}});
  ASSERT_TRUE(root.ok()) << root.status();
  const auto check = [&](const std::string& name) {
    return testing::RunCommand(
        {caawatch(), "caa", "check", name, "--issuer", "letsencrypt.org", "--dns-server",
         (*root)->address(), "--dnssec", "off", "--data-dir", data_dir()},
        dir());
  };

  const CommandResult missing = check("www.example.com");
  EXPECT_EQ(missing.exit_code, 2) << missing.out << missing.err;
  EXPECT_THAT(missing.out, HasSubstr("verdict: dns_indeterminate"));
  EXPECT_THAT(missing.out, HasSubstr("NXDOMAIN for the top-level domain com"));
  // A name that does not exist under a TLD that does: no CAA, permitted.
  const CommandResult absent = check("www.nothing.test");
  EXPECT_EQ(absent.exit_code, 0) << absent.out << absent.err;
  EXPECT_THAT(absent.out, HasSubstr("verdict: permitted"));
}

}  // namespace
}  // namespace caawatch
