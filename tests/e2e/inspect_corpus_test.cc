// `caawatch inspect` over every certificate of the shared corpus (../shared/corpus/x509): its
// SAN dNSNames equal OpenSSL's wherever OpenSSL decodes the SAN, and a certificate OpenSSL
// refuses is still reported, without a crash.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/openssl_san.h"

namespace caawatch {
namespace {

using Bytes = std::vector<uint8_t>;

// Names as `inspect --json` prints them: bytes that are not UTF-8 become U+FFFD.
nlohmann::json AsPrinted(const std::vector<std::string>& names) {
  return nlohmann::json::parse(
      nlohmann::json(names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::vector<std::string> CorpusFiles(const std::filesystem::path& root) {
  std::vector<std::string> files;
  for (const auto& file : std::filesystem::recursive_directory_iterator(root)) {
    const std::string ext = file.path().extension().string();
    if (file.is_regular_file() &&
        (ext == ".pem" || ext == ".der" || ext == ".crt" || ext == ".cert")) {
      files.push_back(file.path().string());
    }
  }
  return files;
}

// {file, "certificate N"} -> the printed identity, from `inspect --json` over all files.
std::map<std::pair<std::string, std::string>, nlohmann::json> InspectAll(
    const std::string& caawatch, const std::vector<std::string>& files, const std::string& dir) {
  std::map<std::pair<std::string, std::string>, nlohmann::json> out;
  constexpr size_t kPerRun = 500;
  for (size_t first = 0; first < files.size(); first += kPerRun) {
    std::vector<std::string> argv = {caawatch, "inspect", "--json"};
    for (size_t i = first; i < std::min(files.size(), first + kPerRun); ++i) {
      argv.push_back(files[i]);
    }
    const testing::CommandResult run = testing::RunCommand(argv, dir);
    // Exit 1 names the files it could not decode at all; a crash is a signal (>= 128).
    EXPECT_LT(run.exit_code, 128) << run.err;
    for (const nlohmann::json& j : testing::JsonLines(run.out)) {
      out[{j["file"].get<std::string>(), j["source"].get<std::string>()}] = j;
    }
  }
  return out;
}

using InspectCorpusTest = testing::EndToEndFixture;

TEST_F(InspectCorpusTest, InspectAgreesWithOpenSslOnTheSanNamesOfEveryCorpusCertificate) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  ASSERT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  const std::filesystem::path root = std::filesystem::path(shared) / "corpus" / "x509";
  const std::vector<std::string> files = CorpusFiles(root);
  ASSERT_GT(files.size(), 4000u);
  const auto printed = InspectAll(caawatch(), files, dir());

  std::vector<std::string> mismatches;
  int compared = 0, refused_by_openssl = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    const Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::vector<Bytes> certs = ctlog::CertificatesFromFileBytes(bytes);
    for (size_t i = 0; i < certs.size(); ++i) {
      const std::string where =
          absl::StrCat(std::filesystem::path(file).lexically_relative(root).string(), "#", i);
      const auto it = printed.find({file, absl::StrCat("certificate ", i + 1)});
      if (it == printed.end()) {
        mismatches.push_back(where + ": not printed by inspect");
        continue;
      }
      fakes::UniqueX509 x509 = fakes::OpenSslParse(certs[i]);
      if (x509 == nullptr) {  // OpenSSL refuses it; inspect still printed what it read.
        ++refused_by_openssl;
        continue;
      }
      // BER indefinite lengths: OpenSSL accepts them, our DER walker refuses (parse_error).
      if (where == "google-ct-python/asn1_indefinite_length_encoding.pem#0") continue;
      const std::optional<std::vector<std::string>> expected = fakes::OpenSslDnsNames(x509.get());
      if (!expected.has_value()) continue;  // OpenSSL cannot read the SAN: nothing to compare.
      ++compared;
      if (it->second["names"] != AsPrinted(*expected)) {
        mismatches.push_back(absl::StrCat(where, ": openssl ", AsPrinted(*expected).dump(),
                                          " inspect ", it->second["names"].dump()));
      }
    }
  }
  EXPECT_GT(compared, 4000);
  EXPECT_GT(refused_by_openssl, 0);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches:\n"
                                  << absl::StrJoin(mismatches.begin(),
                                                   mismatches.begin() +
                                                       std::min<size_t>(mismatches.size(), 40),
                                                   "\n");
}

}  // namespace
}  // namespace caawatch
