#include "ctlog/http_fetcher.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace caawatch::ctlog {
namespace {

constexpr char kUserAgent[] = "caawatch/0.1 (+https://github.com/caawatch)";

// Everything one transfer's callbacks see. Headers are reset on every status line so that
// only the final response of a redirect chain counts.
struct Transfer {
  const absl::Notification* stop = nullptr;
  size_t max_body_bytes = 0;
  bool too_large = false;
  std::string body;
  std::string retry_after;
  std::string date;
  std::string etag;
  std::string last_modified;
  size_t content_length = 0;  // From the final response's header; 0 when absent.
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_body_bytes) {
    t->too_large = true;
    return 0;  // Anything but n aborts the transfer with CURLE_WRITE_ERROR.
  }
  if (t->body.empty() && t->content_length > n) {
    // One allocation for a body of megabytes instead of a copy at every doubling. A
    // Content-Length over the limit was refused by CURLOPT_MAXFILESIZE before any byte came.
    t->body.reserve(std::min(t->content_length, t->max_body_bytes));
  } else if (t->body.size() + n > t->body.capacity()) {
    // Without a length (chunked, or compressed: the length is the encoded one), grow by
    // doubling but never past the limit, which the body cannot exceed.
    t->body.reserve(
        std::min(std::max(2 * t->body.capacity(), t->body.size() + n), t->max_body_bytes));
  }
  t->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  absl::string_view line(data, n);
  if (absl::StartsWith(line, "HTTP/")) {
    t->retry_after.clear();
    t->date.clear();
    t->etag.clear();
    t->last_modified.clear();
    t->content_length = 0;
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return n;
  const absl::string_view name = line.substr(0, colon);
  const std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  if (absl::EqualsIgnoreCase(name, "Retry-After")) t->retry_after = value;
  if (absl::EqualsIgnoreCase(name, "Date")) t->date = value;
  if (absl::EqualsIgnoreCase(name, "ETag")) t->etag = value;
  if (absl::EqualsIgnoreCase(name, "Last-Modified")) t->last_modified = value;
  if (absl::EqualsIgnoreCase(name, "Content-Length") &&
      !absl::SimpleAtoi(value, &t->content_length)) {
    t->content_length = 0;
  }
  return n;
}

// Called by libcurl during a transfer, at least about once a second even when no byte moves.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* t = static_cast<const Transfer*>(user);
  return t->stop != nullptr && t->stop->HasBeenNotified() ? 1 : 0;  // Non-zero aborts.
}

// Retry-After is delta-seconds or an IMF-fixdate; a date is only meaningful relative to the
// server's own Date header, which keeps this free of the local clock.
std::optional<absl::Duration> ParseRetryAfter(const std::string& value, const std::string& date) {
  if (value.empty()) return std::nullopt;
  uint64_t seconds = 0;
  if (absl::SimpleAtoi(value, &seconds)) return absl::Seconds(static_cast<int64_t>(seconds));
  constexpr char kImfFixdate[] = "%a, %d %b %Y %H:%M:%S GMT";
  absl::Time until, server_now;
  std::string error;
  if (!absl::ParseTime(kImfFixdate, value, &until, &error) ||
      !absl::ParseTime(kImfFixdate, date, &server_now, &error)) {
    return std::nullopt;
  }
  return until > server_now ? until - server_now : absl::ZeroDuration();
}

bool IsHttps(absl::string_view url) { return absl::StartsWithIgnoreCase(url, "https://"); }

using UniqueHeaders = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// Sets up `h` for one GET into `t`; the returned list must outlive the transfer.
UniqueHeaders Prepare(CURL* h, const std::string& url, const FetchOptions& options,
                      const std::string& ca_file, const absl::Notification* stop, Transfer* t) {
  curl_easy_reset(h);  // Keeps the connection cache, drops the previous call's options.
  t->max_body_bytes = options.max_body_bytes;
  t->stop = stop;
  UniqueHeaders headers(nullptr, &curl_slist_free_all);
  if (!options.if_none_match.empty()) {
    const std::string line = absl::StrCat("If-None-Match: ", options.if_none_match);
    headers.reset(curl_slist_append(nullptr, line.c_str()));
  }
  if (!options.if_modified_since.empty()) {
    const std::string line = absl::StrCat("If-Modified-Since: ", options.if_modified_since);
    curl_slist* list = curl_slist_append(headers.get(), line.c_str());
    if (list != nullptr) {
      (void)headers.release();  // Appending to a list returns its head, now owning both.
      headers.reset(list);
    }
  }
  const long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(options.timeout));
  // Options that fail only for lack of a feature (HTTP/2, compression) are best effort.
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // Threads: never use SIGALRM for DNS timeouts.
  curl_easy_setopt(h, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  // What was asked over TLS is never answered in the clear (an upgrade to https is fine).
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, IsHttps(url) ? "https" : "http,https");
  if (!ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  // get-entries bodies run to megabytes: large reads mean far fewer syscalls than the 16 KiB
  // default.
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
  if (stop != nullptr) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
  }
  if (headers != nullptr) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  return headers;
}

// The response or error of a finished transfer on `h`.
absl::StatusOr<HttpResponse> Outcome(CURL* h, const std::string& url, const FetchOptions& options,
                                     CURLcode code, Transfer* t) {
  if (t->too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return absl::DataLossError(
        absl::StrCat("GET ", url, ": response too large (limit ", options.max_body_bytes, ")"));
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    return absl::UnavailableError(absl::StrCat("GET ", url, ": stopping"));
  }
  if (code == CURLE_UNSUPPORTED_PROTOCOL && IsHttps(url)) {
    // The https URL itself is supported: what curl refused is where it was redirected to.
    return absl::InvalidArgumentError(
        absl::StrCat("GET ", url, ": refused a redirect from https to a non-https URL"));
  }
  if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
    return absl::InvalidArgumentError(absl::StrCat("GET ", url, ": ", curl_easy_strerror(code)));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(absl::StrCat("GET ", url, ": ", curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  HttpResponse response;
  response.status = static_cast<int>(status);
  response.body = std::move(t->body);
  response.retry_after = ParseRetryAfter(t->retry_after, t->date);
  response.etag = std::move(t->etag);
  response.last_modified = std::move(t->last_modified);
  return response;
}

}  // namespace

CurlGlobal::CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

void CurlHttpFetcher::EasyCleanup::operator()(CURL* handle) const { curl_easy_cleanup(handle); }
void CurlHttpFetcher::MultiCleanup::operator()(CURLM* handle) const { curl_multi_cleanup(handle); }

absl::StatusOr<std::unique_ptr<CurlHttpFetcher>> CurlHttpFetcher::Create(std::string ca_file) {
  UniqueEasy handle(curl_easy_init());
  if (handle == nullptr) return absl::InternalError("curl_easy_init failed");
  return std::unique_ptr<CurlHttpFetcher>(
      new CurlHttpFetcher(std::move(handle), std::move(ca_file)));
}

CurlHttpFetcher::~CurlHttpFetcher() = default;

std::vector<absl::StatusOr<HttpResponse>> HttpFetcher::GetAll(const std::vector<std::string>& urls,
                                                              const FetchOptions& options) {
  std::vector<absl::StatusOr<HttpResponse>> out;
  out.reserve(urls.size());
  for (const std::string& url : urls) out.push_back(Get(url, options));
  return out;
}

absl::StatusOr<HttpResponse> CurlHttpFetcher::Get(const std::string& url,
                                                  const FetchOptions& options) {
  CURL* h = handle_.get();
  Transfer t;
  const UniqueHeaders headers = Prepare(h, url, options, ca_file_, stop_, &t);
  return Outcome(h, url, options, curl_easy_perform(h), &t);
}

std::vector<absl::StatusOr<HttpResponse>> CurlHttpFetcher::GetAll(
    const std::vector<std::string>& urls, const FetchOptions& options) {
  std::vector<absl::StatusOr<HttpResponse>> out(urls.size(),
                                                absl::InternalError("request not performed"));
  if (urls.size() <= 1) {
    if (!urls.empty()) out[0] = Get(urls[0], options);
    return out;
  }
  if (multi_ == nullptr) {
    multi_.reset(curl_multi_init());
    if (multi_ == nullptr) return HttpFetcher::GetAll(urls, options);
  }
  while (multi_handles_.size() < urls.size()) {
    UniqueEasy easy(curl_easy_init());
    if (easy == nullptr) return HttpFetcher::GetAll(urls, options);
    multi_handles_.push_back(std::move(easy));
  }
  std::vector<Transfer> transfers(urls.size());
  std::vector<UniqueHeaders> headers;
  std::vector<bool> done(urls.size(), false);
  for (size_t i = 0; i < urls.size(); ++i) {
    CURL* h = multi_handles_[i].get();
    headers.push_back(Prepare(h, urls[i], options, ca_file_, stop_, &transfers[i]));
    curl_easy_setopt(h, CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    if (curl_multi_add_handle(multi_.get(), h) != CURLM_OK) {
      out[i] = absl::InternalError("curl_multi_add_handle failed");
      done[i] = true;
    }
  }
  int running = 1;
  while (running > 0) {
    if (curl_multi_perform(multi_.get(), &running) != CURLM_OK) break;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* index = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &index);
      const size_t i = reinterpret_cast<size_t>(index);
      out[i] = Outcome(msg->easy_handle, urls[i], options, msg->data.result, &transfers[i]);
      done[i] = true;
    }
    // Each transfer has its own timeout (Prepare), so this loop ends.
    if (running > 0 && curl_multi_poll(multi_.get(), nullptr, 0, 1000, nullptr) != CURLM_OK) {
      break;
    }
  }
  for (size_t i = 0; i < urls.size(); ++i) {
    curl_multi_remove_handle(multi_.get(), multi_handles_[i].get());
    if (!done[i])
      out[i] = absl::UnavailableError(absl::StrCat("GET ", urls[i], ": curl multi failed"));
  }
  return out;
}

}  // namespace caawatch::ctlog
