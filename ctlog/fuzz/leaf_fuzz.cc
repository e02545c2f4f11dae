// Fuzzes get-entries decoding: the first two octets give the size of leaf_input, the rest is
// split into leaf_input and extra_data. Also feeds the whole input to the PEM reader.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "ctlog/leaf.h"
#include "ctlog/log_types.h"
#include "ctlog/pem.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)caawatch::ctlog::PemCertificates(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  if (size < 2) return 0;
  const size_t split = std::min<size_t>((size_t{data[0]} << 8 | data[1]), size - 2);
  caawatch::ctlog::RawEntry raw;
  raw.leaf_input.assign(data + 2, data + 2 + split);
  raw.extra_data.assign(data + 2 + split, data + size);
  (void)caawatch::ctlog::DecodeLogEntry(0, raw);
  return 0;
}
