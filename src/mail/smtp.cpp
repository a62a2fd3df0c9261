// Sending through SMTP with libcurl: the message as MIME (multipart/alternative: plain text, then HTML, both
// UTF-8 in quoted-printable), the headers with RFC 2047 encoded words where they are not ASCII.
#include <curl/curl.h>
#include <sodium.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "mail/mail.hpp"

namespace maillage::mail {

namespace {

void curl_ready() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("libcurl could not be initialised");
    if (sodium_init() < 0) throw Error("libsodium could not be initialised");
  });
}

bool ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// RFC 2047 encoded words, each at most 75 characters, cut between UTF-8 characters.
std::string encode_words(const std::string& s) {
  if (ascii(s)) return s;
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t n = std::min<size_t>(45, s.size() - i);
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) --n;  // not inside a char
    char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, reinterpret_cast<const unsigned char*>(s.data() + i), n,
                      sodium_base64_VARIANT_ORIGINAL);
    if (!out.empty()) out += "\r\n ";
    out += fmt::format("=?UTF-8?B?{}?=", b64);
    i += n;
  }
  return out;
}

// "Name <addr>" or "addr" -> (name, addr).
std::pair<std::string, std::string> split_address(const std::string& s) {
  auto lt = s.find('<'), gt = s.rfind('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return {"", std::string(text::trim(s))};
  return {std::string(text::trim(s.substr(0, lt))), s.substr(lt + 1, gt - lt - 1)};
}

std::string rfc5322_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool header_safe(const std::string& s) {
  return s.find_first_of("\r\n") == std::string::npos && text::text_problem(s).empty();
}

std::string env(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

}  // namespace

Config Config::from_env() {
  Config c;
  c.smtp_url = env("MAILLAGE_SMTP_URL");
  c.from = env("MAILLAGE_MAIL_FROM", c.from);
  c.user = env("MAILLAGE_SMTP_USER");
  c.tls = env("MAILLAGE_SMTP_TLS", c.tls);
  c.public_url = env("MAILLAGE_PUBLIC_URL", c.public_url);
  while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
  if (auto f = env("MAILLAGE_SMTP_PASSWORD_FILE"); !f.empty()) {
    std::ifstream in(f);
    if (!in) throw Error(fmt::format("MAILLAGE_SMTP_PASSWORD_FILE: cannot read {}", f));
    std::getline(in, c.password);
  }
  if (!c.smtp_url.empty() && !c.smtp_url.starts_with("smtp://") && !c.smtp_url.starts_with("smtps://"))
    throw Error("MAILLAGE_SMTP_URL: expected smtp://host:port or smtps://host:port");
  if (c.tls != "none" && c.tls != "try" && c.tls != "required")
    throw Error("MAILLAGE_SMTP_TLS: expected none, try or required");
  if (!c.public_url.starts_with("http://") && !c.public_url.starts_with("https://"))
    throw Error("MAILLAGE_PUBLIC_URL: expected http(s)://host[:port]");
  if (!header_safe(c.from) || split_address(c.from).second.find('@') == std::string::npos)
    throw Error("MAILLAGE_MAIL_FROM: expected 'Name <address@domain>' or an address");
  return c;
}

std::string Config::describe() const {
  return fmt::format(
      "smtp url     {}\nfrom         {}\nuser         {}\npassword     {}\ntls          {}\npublic url   {}\n",
      smtp_url.empty() ? "(none: mail waits in the outbox)" : smtp_url, from, user.empty() ? "(none)" : user,
      password.empty() ? "(none)" : "(set)", tls, public_url);
}

void send(const Config& c, const Message& m) {
  curl_ready();
  if (c.smtp_url.empty()) throw Error("no SMTP server configured (MAILLAGE_SMTP_URL)");
  if (!header_safe(m.to) || m.to.find('@') == std::string::npos) throw Error("bad recipient address");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) throw Error("libcurl: no handle");
  CURL* e = h.get();
  auto [from_name, from_addr] = split_address(c.from);
  curl_easy_setopt(e, CURLOPT_URL, c.smtp_url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT, static_cast<long>(c.timeout_s));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(e, CURLOPT_USE_SSL,
                   c.tls == "none"       ? CURLUSESSL_NONE
                   : c.tls == "required" ? CURLUSESSL_ALL
                                         : CURLUSESSL_TRY);
  if (!c.user.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, c.user.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, c.password.c_str());
  }
  auto mail_from = "<" + from_addr + ">";
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, mail_from.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, ("<" + m.to + ">").c_str()), curl_slist_free_all);
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt.get());

  unsigned char id[12];
  randombytes_buf(id, sizeof id);
  char hex[25];
  sodium_bin2hex(hex, sizeof hex, id, sizeof id);
  auto domain = from_addr.substr(from_addr.find('@') + 1);
  std::vector<std::string> lines = {
      "Date: " + rfc5322_date(),
      "From: " + (from_name.empty() ? from_addr : encode_words(from_name) + " <" + from_addr + ">"),
      "To: <" + m.to + ">",
      "Subject: " + encode_words(m.subject),
      fmt::format("Message-ID: <{}@{}>", hex, domain),
      "Auto-Submitted: auto-generated",
      "X-Maillage-Event: " + m.event,
  };
  curl_slist* headers = nullptr;
  for (auto& l : lines) headers = curl_slist_append(headers, l.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hdrs(headers, curl_slist_free_all);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs.get());

  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(curl_mime_init(e), curl_mime_free);
  curl_mime* alt = curl_mime_init(e);
  auto add = [&](const std::string& body, const char* type) {
    auto* p = curl_mime_addpart(alt);
    curl_mime_data(p, body.data(), body.size());
    curl_mime_type(p, type);
    curl_mime_encoder(p, "quoted-printable");
  };
  add(m.text, "text/plain; charset=utf-8");
  add(m.html, "text/html; charset=utf-8");
  auto* part = curl_mime_addpart(mime.get());
  curl_mime_subparts(part, alt);  // the root owns it from here
  curl_mime_type(part, "multipart/alternative");
  curl_easy_setopt(e, CURLOPT_MIMEPOST, mime.get());

  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
  auto rc = curl_easy_perform(e);
  if (rc != CURLE_OK)
    throw Error(fmt::format("SMTP {}: {}", text::printable(c.smtp_url, 100), *err ? err : curl_easy_strerror(rc)));
}

}  // namespace maillage::mail
