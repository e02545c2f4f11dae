// The base64 decoder's implementations (table and AVX2) must accept the same inputs and give
// the same bytes: any difference aborts.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ctlog/base64.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caawatch::ctlog;
  const absl::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<uint8_t> scalar, chosen;
  const bool scalar_ok = base64_internal::AppendDecodedScalar(in, &scalar);
  const bool chosen_ok = AppendBase64Decoded(in, &chosen);
  if (scalar_ok != chosen_ok || scalar != chosen) std::abort();
  if (base64_internal::HaveAvx2()) {
    std::vector<uint8_t> avx2;
    const bool avx2_ok = base64_internal::AppendDecodedAvx2(in, &avx2);
    if (avx2_ok != scalar_ok || avx2 != scalar) std::abort();
  }
  return 0;
}
