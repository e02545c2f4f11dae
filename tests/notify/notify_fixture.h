// Shared by the notify tests: a private temporary directory, files, and real certificates from
// the shared corpus as a Notification.
#ifndef CAAWATCH_TESTS_NOTIFY_NOTIFY_FIXTURE_H_
#define CAAWATCH_TESTS_NOTIFY_NOTIFY_FIXTURE_H_

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "notify/notification.h"

namespace caawatch::notify::testing {

inline std::string CorpusPath(const std::string& relative) {
  const char* dir = std::getenv("CAAWATCH_SHARED_DIR");
  return std::string(dir == nullptr ? "../shared" : dir) + "/corpus/" + relative;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFile(const std::string& path, const std::string& contents, mode_t mode = 0600) {
  std::ofstream(path, std::ios::binary) << contents;
  ::chmod(path.c_str(), mode);
}

// The output of a shell command (for independent reference values: openssl, date).
inline std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "notify_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<std::vector<uint8_t>> CorpusCertificates(const std::string& relative) {
  auto certs = ctlog::PemCertificates(ReadFile(CorpusPath(relative)));
  EXPECT_FALSE(certs.empty()) << relative;
  return certs;
}

// A forbidden finding for the real *.google.com certificate (Argon2025h2), its precertificate
// and final certificate both logged.
inline Notification GoogleFinding() {
  Notification n;
  auto final_chain = CorpusCertificates("ct/rfc6962-argon2025/google-com-chain.pem");
  n.chain = final_chain;
  store::FindingRecord& f = n.finding;
  f.set_seq(42);
  f.set_kind("certificate");
  f.set_verdict("forbidden");
  f.set_severity("critical");
  f.set_reason("google.com: CAA at google.com allows only letsencrypt.org");
  f.add_names("*.google.com");
  f.add_watched_names("*.google.com");
  f.mutable_issuer()->set_dn("C=US, O=Google Trust Services, CN=WR2");
  f.mutable_issuer()->set_ca_owner("Google Trust Services");
  f.mutable_issuer()->add_caa_identifiers("pki.goog");
  store::EntryRef* pre = f.add_entries();
  pre->set_log_url("https://ct.googleapis.com/logs/us1/argon2025h2/");
  pre->set_index(912557348);
  pre->set_precert(true);
  pre->set_timestamp_ms(1748856930000);
  store::EntryRef* fin = f.add_entries();
  fin->set_log_url("https://ct.googleapis.com/logs/us1/argon2025h2/");
  fin->set_index(912600001);
  fin->set_precert(false);
  fin->set_timestamp_ms(1748857000000);
  store::CaaNameRecord* caa = f.add_caa();
  caa->set_name("*.google.com");
  caa->set_relevant_name("google.com");
  store::CaaRecordPb* rec = caa->add_records();
  rec->set_flags(0);
  rec->set_tag("issue");
  rec->set_value("letsencrypt.org");
  caa->set_reason("no issue property names pki.goog");
  caa->set_verdict("forbidden");
  n.watch_item = ".google.com";
  n.finding_json = R"({"seq":42,"verdict":"forbidden"})";
  return n;
}

// KEY=value lines (as `env` prints them) to a map; a value with a newline is not expected.
inline std::map<std::string, std::string> ParseEnvLines(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace caawatch::notify::testing

#endif  // CAAWATCH_TESTS_NOTIFY_NOTIFY_FIXTURE_H_
