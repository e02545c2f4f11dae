#include "store/holder.h"

#include <unistd.h>

#include <fstream>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "store/open_failure.h"
#include "store/replaced_file.h"

namespace caawatch::store {
namespace {

constexpr char kFileName[] = "/holder";
constexpr size_t kMaxAddressBytes = 512;

bool Printable(const std::string& s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return !s.empty();
}

// "pid N\naddress A\n"; nullopt when it is not that.
std::optional<StoreHolder> ReadRecord(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxAddressBytes + 64, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  StoreHolder holder;
  if (lines.size() != 3 || !lines[2].empty() || !absl::StartsWith(lines[0], "pid ") ||
      !absl::SimpleAtoi(lines[0].substr(4), &holder.pid) || holder.pid <= 0 ||
      !absl::StartsWith(lines[1], "address ")) {
    return std::nullopt;
  }
  holder.address = lines[1].substr(8);
  if (!Printable(holder.address)) return std::nullopt;
  return holder;
}

}  // namespace

std::optional<StoreHolder> LiveStoreHolder(const std::string& dir) {
  std::optional<StoreHolder> holder = ReadRecord(dir + kFileName);
  if (!holder) return std::nullopt;
  // The lock is the truth: a record outlives a killed process, and PIDs are reused.
  const std::optional<pid_t> locker = LockHolder(dir + "/LOCK");
  if (!locker || *locker != holder->pid) return std::nullopt;
  return holder;
}

absl::StatusOr<std::unique_ptr<StoreHolderRecord>> StoreHolderRecord::Write(
    const std::string& dir, const std::string& address) {
  if (address.size() > kMaxAddressBytes || !Printable(address)) {
    return absl::InvalidArgumentError("a gRPC address to record must be printable and short");
  }
  const std::string path = dir + kFileName;
  absl::Status written =
      ReplaceFile(path, absl::StrCat("pid ", ::getpid(), "\naddress ", address, "\n"));
  if (!written.ok()) return written;
  return absl::WrapUnique(new StoreHolderRecord(path));
}

StoreHolderRecord::~StoreHolderRecord() {
  // Another `run` can only have replaced it after this one let go of the lock.
  const std::optional<StoreHolder> now = ReadRecord(path_);
  if (now && now->pid == ::getpid()) ::unlink(path_.c_str());
}

}  // namespace caawatch::store
