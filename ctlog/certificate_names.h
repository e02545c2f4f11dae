// The DNS names of one certificate as views, so that matching entry after entry copies no name:
// each points into the certificate's DER when it holds the name as matched (nearly always), else
// into a copy the list keeps (a name that had to be lowercased, escaped or converted).
#ifndef CAAWATCH_CTLOG_CERTIFICATE_NAMES_H_
#define CAAWATCH_CTLOG_CERTIFICATE_NAMES_H_

#include <forward_list>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::ctlog {

class CertificateNames {
 public:
  CertificateNames() = default;
  // Move-only: a copy's views would point into the kept copies of the list it came from.
  CertificateNames(CertificateNames&&) = default;
  CertificateNames& operator=(CertificateNames&&) = default;
  CertificateNames(const CertificateNames&) = delete;
  CertificateNames& operator=(const CertificateNames&) = delete;

  // Valid while this list (moves included) and the DER the names were read from are.
  absl::Span<const absl::string_view> names() const { return names_; }
  std::vector<std::string> ToStrings() const;

  // Appends `name`, which must stay valid as long as this list: a view into the DER, or one
  // that Keep() returned.
  void Add(absl::string_view name) { names_.push_back(name); }
  // Keeps `text` as long as this list, and returns a view of it.
  absl::string_view Keep(std::string text);
  // Removes repeated names, keeping each first occurrence in place.
  void RemoveRepeats();

  // False when the certificate was damaged where names are kept, so that it may carry names
  // this list lacks: whether it concerns a watcher cannot be told from the list alone.
  bool complete() const { return complete_; }
  void MarkIncomplete() { complete_ = false; }

 private:
  // Inline: a certificate has a handful of names. Most have no kept copy, and an empty
  // forward_list allocates nothing; its nodes never move, so views into them survive moves.
  absl::InlinedVector<absl::string_view, 4> names_;
  std::forward_list<std::string> kept_;
  bool complete_ = true;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_CERTIFICATE_NAMES_H_
