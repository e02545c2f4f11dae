// Fuzzes checkpoint notes: parsing, and verification against a real log key (Google
// Arche2026h1 staging) under the origin the input's first line claims.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"

namespace {

constexpr char kArcheKey[] =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ+3YKoZTMruov4cmlImbk4MckBNzEdCyMuHlwGgJ8BUrzFLlR5U06"
    "19xDDXIXespkpBgCNVQAkhMTTXakM6KMg==";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view note(reinterpret_cast<const char*>(data), size);
  (void)caawatch::ctlog::ParseCheckpoint(note);
  std::string der;
  if (!absl::Base64Unescape(kArcheKey, &der)) return 0;
  auto key = caawatch::ctlog::LogKey::FromDer(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(der.data()), der.size()));
  if (!key.ok()) return 0;
  (void)caawatch::ctlog::VerifyCheckpoint(note, *key, note.substr(0, note.find('\n')));
  return 0;
}
