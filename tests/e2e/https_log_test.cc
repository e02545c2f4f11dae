// An https log behind a real TLS server (nginx, a certificate of the test's own CA), against
// `caawatch run --once` (issue 15): the monitor trusts the CA named by `log_ca_file`, reads the
// log over TLS, and refuses a redirect from https to plain http, where anyone on the path could
// answer — the http server it is sent to is never even connected to.
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/nginx_server.h"
#include "tests/fakes/self_signed_tls.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

class HttpsLogTest : public testing::EndToEndFixture {
 protected:
  // Starts the test log and, in front of it, nginx over TLS: /proxied/ passes every request to
  // the log, /down/ answers every request with a redirect to `clear_url` (plain http).
  void StartTlsFront(const std::string& clear_url) {
    log_ = StartLog({.noise = 50, .plants = {"--plant", "www.forbidden.test:letsencrypt"}});
    const nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
    std::string log_url = list["operators"][0]["logs"][0]["url"];
    absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls("IP:127.0.0.1");
    ASSERT_TRUE(tls.ok()) << tls.status();
    ca_file_ = WriteFile("log-ca.pem", tls->cert_pem);
    fakes::NginxOptions options;
    options.gzip = false;
    options.tls_cert_file = ca_file_;
    options.tls_key_file = WriteFile("log-key.pem", tls->key_pem);
    options.server_directives =
        absl::StrCat("    location /proxied/ { proxy_pass ", log_url, "; }\n",
                     "    location /down/ { return 302 ", clear_url, "$request_uri; }\n");
    std::filesystem::create_directories(dir() + "/www");
    absl::StatusOr<std::unique_ptr<fakes::NginxServer>> nginx =
        fakes::NginxServer::Start(dir() + "/www", dir() + "/nginx", options);
    ASSERT_TRUE(nginx.ok()) << nginx.status();
    nginx_ = *std::move(nginx);
  }

  // `caawatch run --once` on a fresh store in `name`, the log listed at nginx's `path`, with a
  // configuration file naming `ca_file` ("" = none).
  CommandResult RunOnce(const std::string& name, const std::string& path,
                        const std::string& ca_file) {
    nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
    list["operators"][0]["logs"][0]["url"] = nginx_->url() + path;
    const std::string list_file = WriteFile(name + "-loglist.json", list.dump());
    nlohmann::json config = nlohmann::json::object();
    if (!ca_file.empty()) config["log_ca_file"] = ca_file;
    std::vector<std::string> args =
        RunArgs({"--once", "--config", WriteFile(name + ".json", config.dump())});
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--log-list") args[i + 1] = list_file;
      if (args[i] == "--data-dir") args[i + 1] = dir() + "/" + name;
    }
    return testing::RunCommand(args, dir(), absl::Seconds(120));
  }

  // `caawatch findings --json` of the store in `name`.
  std::vector<nlohmann::json> Findings(const std::string& name) {
    CommandResult listed = testing::RunCommand(
        {caawatch(), "findings", "--data-dir", dir() + "/" + name, "--json"}, dir());
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return JsonLines(listed.out);
  }

  std::unique_ptr<Subprocess> log_;
  std::unique_ptr<fakes::NginxServer> nginx_;
  std::string ca_file_;
};

TEST_F(HttpsLogTest, TrustsTheConfiguredCaAndRefusesADowngradeRedirect) {
  // The plain-http server a downgrade would reach.
  absl::StatusOr<std::unique_ptr<fakes::HttpServer>> clear =
      fakes::HttpServer::Start([](const fakes::HttpRequest&) {
        fakes::HttpReply reply;
        reply.body = "{}";
        return reply;
      });
  ASSERT_TRUE(clear.ok()) << clear.status();
  StartTlsFront(absl::StrCat("http://127.0.0.1:", (*clear)->port()));
  ASSERT_FALSE(HasFatalFailure());

  // Trusting the test CA, the log is read over TLS and its watched certificate found.
  CommandResult trusted = RunOnce("trusted", "proxied/", ca_file_);
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
  const std::vector<nlohmann::json> found = Findings("trusted");
  ASSERT_EQ(found.size(), 1u) << trusted.err;
  EXPECT_EQ(found[0]["watched_names"], nlohmann::json::array({"www.forbidden.test"}));
  EXPECT_EQ(found[0]["entries"][0]["log_url"], nginx_->url() + "proxied/");

  // Without it, the system's store does not know the test CA: the TLS handshake fails.
  CommandResult untrusted = RunOnce("untrusted", "proxied/", "");
  EXPECT_NE(untrusted.err.find("certificate"), std::string::npos) << untrusted.err;
  EXPECT_TRUE(Findings("untrusted").empty());

  // A redirect from the https log to plain http is refused before anything is asked there.
  CommandResult down = RunOnce("down", "down/", ca_file_);
  EXPECT_NE(down.err.find("refused a redirect from https"), std::string::npos) << down.err;
  EXPECT_EQ((*clear)->connections_accepted(), 0u) << "the plain-http server was connected to";
  EXPECT_TRUE(Findings("down").empty());

  // A CA file that holds no certificate is refused at start, naming the key.
  CommandResult bad = RunOnce("bad", "proxied/", WriteFile("empty.pem", "not a certificate\n"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("log_ca_file"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace caawatch
