// Arrays of fixed-size values written back to back, each as a 64-bit count and the values'
// bytes in the machine's order: the form of a saved watchlist index (LabelTrie, Watchlist).
// The reader checks every count against the bytes left, so any input gives arrays that exist or
// false, never a read out of bounds or a huge allocation.
#ifndef CAAWATCH_WATCH_FLAT_ARRAYS_H_
#define CAAWATCH_WATCH_FLAT_ARRAYS_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"

namespace caawatch::watch {

class FlatWriter {
 public:
  explicit FlatWriter(std::string* out) : out_(out) {}

  void Count(uint64_t n) { Raw(&n, sizeof n); }
  template <typename T>
  void Array(const std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>);
    Count(values.size());
    Raw(values.data(), values.size() * sizeof(T));
  }
  void Bytes(absl::string_view bytes) {
    Count(bytes.size());
    Raw(bytes.data(), bytes.size());
  }

 private:
  void Raw(const void* data, size_t size) { out_->append(static_cast<const char*>(data), size); }
  std::string* out_;
};

class FlatReader {
 public:
  explicit FlatReader(absl::string_view in) : in_(in) {}

  [[nodiscard]] bool Count(uint64_t* n) { return Raw(n, sizeof *n); }
  template <typename T>
  [[nodiscard]] bool Array(std::vector<T>* values) {
    static_assert(std::is_trivially_copyable_v<T>);
    uint64_t n = 0;
    if (!Count(&n) || n > in_.size() / sizeof(T)) return false;
    values->resize(n);
    return Raw(values->data(), n * sizeof(T));
  }
  [[nodiscard]] bool Bytes(std::string* bytes) {
    uint64_t n = 0;
    if (!Count(&n) || n > in_.size()) return false;
    bytes->assign(in_.data(), n);
    in_.remove_prefix(n);
    return true;
  }
  size_t remaining() const { return in_.size(); }

 private:
  bool Raw(void* data, size_t size) {
    if (size > in_.size()) return false;
    if (size > 0) std::memcpy(data, in_.data(), size);
    in_.remove_prefix(size);
    return true;
  }
  absl::string_view in_;
};

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_FLAT_ARRAYS_H_
