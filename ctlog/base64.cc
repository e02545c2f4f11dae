#include "ctlog/base64.h"

#include <immintrin.h>

#include <array>
#include <cstring>

namespace caawatch::ctlog {
namespace {

constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> MakeBase64Table() {
  std::array<uint8_t, 256> table{};
  for (uint8_t& v : table) v = kInvalid;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = static_cast<uint8_t>(i);
  return table;
}
constexpr std::array<uint8_t, 256> kBase64 = MakeBase64Table();

// Checks the padding; returns how many '=' end `in` (0-2), or -1 when it is malformed.
int Padding(absl::string_view in) {
  if (in.size() % 4 != 0) return -1;
  if (in.empty()) return 0;
  const int pad = (in.back() == '=') + (in[in.size() - 2] == '=');
  if (pad == 1 && in[in.size() - 2] == '=') return -1;  // "x==y"-like padding.
  return pad;
}

// Decodes whole groups of four from `src` to `dst` with the table, then the last (possibly
// padded) group. Returns false if any character was invalid.
bool DecodeTail(const unsigned char* src, size_t groups, int pad, uint8_t* dst) {
  uint8_t bad = 0;
  for (size_t g = 0; g + 1 < groups; ++g, src += 4, dst += 3) {
    const uint8_t a = kBase64[src[0]], b = kBase64[src[1]], c = kBase64[src[2]],
                  d = kBase64[src[3]];
    bad |= (a | b | c | d) & 0x80;
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    dst[0] = static_cast<uint8_t>(v >> 16);
    dst[1] = static_cast<uint8_t>(v >> 8);
    dst[2] = static_cast<uint8_t>(v);
  }
  if (groups == 0) return bad == 0;
  uint32_t v = 0;
  for (int j = 0; j < 4 - pad; ++j) {
    const uint8_t x = kBase64[src[j]];
    bad |= x & 0x80;
    v |= uint32_t{x} << (18 - 6 * j);
  }
  dst[0] = static_cast<uint8_t>(v >> 16);
  if (pad < 2) dst[1] = static_cast<uint8_t>(v >> 8);
  if (pad < 1) dst[2] = static_cast<uint8_t>(v);
  return bad == 0;
}

// 32 characters at a time (Muła and Lemire, "Faster Base64 Encoding and Decoding Using AVX2
// Instructions", 2018): a character's two nibbles index two tables whose AND is zero exactly
// for the 64 alphabet characters; a third table, indexed by the high nibble (and '/'), gives
// the offset from character to value; multiply-adds pack four 6-bit values into three bytes.
// Returns how many characters it consumed (a multiple of 32), leaving at least the last group
// and enough room behind for its 32-byte stores; *bad is set when a block was invalid.
__attribute__((target("avx2"))) size_t DecodeBlocksAvx2(const unsigned char* src, size_t size,
                                                        uint8_t* dst, bool* bad) {
  const __m256i lut_lo =
      _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B,
                       0x1B, 0x1B, 0x1A, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                       0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
  const __m256i lut_hi =
      _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10,
                       0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10,
                       0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
  const __m256i lut_roll =
      _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65,
                       -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i mask_2f = _mm256_set1_epi8(0x2f);
  const __m256i pack_ab_bc = _mm256_set1_epi32(0x01400140);
  const __m256i pack_abc = _mm256_set1_epi32(0x00011000);
  const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1, 2,
                                         1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, -1, -1);
  size_t done = 0;
  // 32 characters make 24 bytes but the store writes 32: keep 44 characters (11 groups, 33
  // bytes of output, the last group possibly padded) for the scalar tail.
  while (size - done >= 32 + 44) {
    const __m256i in = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + done));
    const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(in, 4), mask_2f);
    const __m256i lo = _mm256_and_si256(in, mask_2f);
    const __m256i check =
        _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, lo), _mm256_shuffle_epi8(lut_hi, hi));
    if (!_mm256_testz_si256(check, check)) {
      *bad = true;
      return done;
    }
    const __m256i slash = _mm256_cmpeq_epi8(in, mask_2f);
    const __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(slash, hi));
    const __m256i values = _mm256_add_epi8(in, roll);
    const __m256i ab_bc = _mm256_maddubs_epi16(values, pack_ab_bc);
    const __m256i abc = _mm256_madd_epi16(ab_bc, pack_abc);
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(abc, order), lanes);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + done / 4 * 3), bytes);
    done += 32;
  }
  return done;
}

}  // namespace

namespace base64_internal {

bool HaveAvx2() { return __builtin_cpu_supports("avx2"); }

bool AppendDecodedScalar(absl::string_view in, std::vector<uint8_t>* out) {
  const int pad = Padding(in);
  if (pad < 0) return false;
  const size_t base = out->size();
  out->resize(base + in.size() / 4 * 3);
  if (!DecodeTail(reinterpret_cast<const unsigned char*>(in.data()), in.size() / 4, pad,
                  out->data() + base)) {
    out->resize(base);
    return false;
  }
  out->resize(out->size() - pad);
  return true;
}

bool AppendDecodedAvx2(absl::string_view in, std::vector<uint8_t>* out) {
  const int pad = Padding(in);
  if (pad < 0) return false;
  const size_t base = out->size();
  out->resize(base + in.size() / 4 * 3);
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  uint8_t* dst = out->data() + base;
  bool bad = false;
  const size_t done = DecodeBlocksAvx2(src, in.size(), dst, &bad);
  if (bad || !DecodeTail(src + done, (in.size() - done) / 4, pad, dst + done / 4 * 3)) {
    out->resize(base);
    return false;
  }
  out->resize(out->size() - pad);
  return true;
}

}  // namespace base64_internal

bool AppendBase64Decoded(absl::string_view in, std::vector<uint8_t>* out) {
  // Asked once; the answer cannot change while the process runs.
  static const bool avx2 = base64_internal::HaveAvx2();
  return avx2 ? base64_internal::AppendDecodedAvx2(in, out)
              : base64_internal::AppendDecodedScalar(in, out);
}

}  // namespace caawatch::ctlog
