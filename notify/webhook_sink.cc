#include "notify/webhook_sink.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/quoted_input.h"

namespace caawatch::notify {
namespace {

constexpr size_t kMaxAnswerBytes = 1024;  // Of the receiver's answer, kept for the message.

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string UrlPart(CURLU* u, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, 0) != CURLUE_OK || value == nullptr) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  std::string bare = host;
  if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') {
    bare = bare.substr(1, bare.size() - 2);
  }
  in6_addr v6;
  return inet_pton(AF_INET6, bare.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int AbortWhenCancelled(void* cancel, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const absl::Notification*>(cancel)->HasBeenNotified() ? 1 : 0;
}

size_t KeepSome(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * n;
  if (body->size() < kMaxAnswerBytes) {
    body->append(data, std::min(bytes, kMaxAnswerBytes - body->size()));
  }
  return bytes;  // The rest is read and dropped: the answer does not matter beyond its status.
}

}  // namespace

std::string IdempotencyKey(const Notification& n) {
  return absl::StrCat("caawatch-", n.test ? "test-" : "", n.finding.seq());
}

std::string WebhookSignature(const std::string& secret, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  return "sha256=" + HexEncode(absl::Span<const uint8_t>(mac, len));
}

absl::StatusOr<WebhookSink> WebhookSink::Create(WebhookSinkOptions options) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (u == nullptr) return absl::InternalError("curl_url failed");
  if (options.url.find('\0') != std::string::npos ||
      curl_url_set(u.get(), CURLUPART_URL, options.url.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook: not a URL: ", QuoteInput(options.url)));
  }
  const std::string scheme = absl::AsciiStrToLower(UrlPart(u.get(), CURLUPART_SCHEME));
  const std::string host = absl::AsciiStrToLower(UrlPart(u.get(), CURLUPART_HOST));
  const std::string port = UrlPart(u.get(), CURLUPART_PORT);
  std::string display = absl::StrCat(scheme, "://", host, port.empty() ? "" : ":", port,
                                     UrlPart(u.get(), CURLUPART_PATH));
  if (!UrlPart(u.get(), CURLUPART_USER).empty() || !UrlPart(u.get(), CURLUPART_PASSWORD).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook: ", QuoteInput(display),
                     ": credentials in the URL are refused (use the secret for a signature)"));
  }
  std::string resolve;
  if (scheme == "http") {
    if (!IsLoopbackHost(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "webhook: ", QuoteInput(display), ": plain http is allowed only to loopback; use https"));
    }
    if (host == "localhost") {
      resolve = absl::StrCat("localhost:", port.empty() ? "80" : port, ":127.0.0.1");
    }
  } else if (scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("webhook: ", QuoteInput(display), ": the URL must be https"));
  }
  return WebhookSink(std::move(options), std::move(display), std::move(resolve));
}

absl::Status WebhookSink::Deliver(const Notification& n, const absl::Notification* cancel) const {
  return Post(n.finding_json,
              {absl::StrCat(kIdempotencyKeyHeader, ": ", IdempotencyKey(n)),
               absl::StrCat("X-Caawatch-Event: ", EventName(EventOf(n.finding))),
               absl::StrCat("X-Caawatch-Seq: ", n.finding.seq())},
              n.test, cancel);
}

absl::Status WebhookSink::DeliverHeartbeat(const Heartbeat& heartbeat,
                                           const absl::Notification* cancel) const {
  return Post(HeartbeatJson(heartbeat),
              {absl::StrCat(kIdempotencyKeyHeader, ": ", HeartbeatKey(heartbeat)),
               "X-Caawatch-Event: heartbeat"},
              /*test=*/false, cancel);
}

absl::Status WebhookSink::Post(const std::string& body, const std::vector<std::string>& headers_in,
                               bool test, const absl::Notification* cancel) const {
  std::unique_ptr<CURL, EasyDeleter> h(curl_easy_init());
  if (h == nullptr) return absl::UnavailableError("curl_easy_init failed");
  curl_slist* raw = nullptr;
  raw = curl_slist_append(raw, absl::StrCat("Content-Type: ", options_.content_type).c_str());
  for (const std::string& header : headers_in) raw = curl_slist_append(raw, header.c_str());
  if (!options_.secret.empty()) {
    raw = curl_slist_append(
        raw, absl::StrCat(kSignatureHeader, ": ", WebhookSignature(options_.secret, body)).c_str());
  }
  if (test) raw = curl_slist_append(raw, "X-Caawatch-Test: yes");
  raw = curl_slist_append(raw, "Expect:");  // No 100-continue round trip.
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);
  std::unique_ptr<curl_slist, ListDeleter> resolve(
      resolve_.empty() ? nullptr : curl_slist_append(nullptr, resolve_.c_str()));

  std::string answer;
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "caawatch");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepSome);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  if (resolve != nullptr) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (cancel != nullptr) {
    // libcurl calls it about once a second while a request waits: a stop ends the request.
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &AbortWhenCancelled);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, const_cast<absl::Notification*>(cancel));
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(absl::StrCat("webhook ", QuoteInput(display_url_),
                                                    ": no answer within ",
                                                    absl::FormatDuration(options_.timeout)));
  }
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("webhook ", QuoteInput(display_url_), ": ", curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return absl::OkStatus();
  const std::string message =
      absl::StrCat("webhook ", QuoteInput(display_url_), ": HTTP ", status,
                   answer.empty() ? "" : ": ", answer.empty() ? "" : QuoteInput(answer));
  if (status >= 500 || status == 408 || status == 429) return absl::UnavailableError(message);
  return absl::FailedPreconditionError(message);
}

}  // namespace caawatch::notify
