#pragma once
// An HTTP/1.1 server on Boost.Beast (Asio), event-driven: a connection costs a socket and a small buffer, not a
// thread, so idle or slow clients cannot take the workers away from the others. Every phase has a deadline (the
// request head, the body, the write; a keep-alive wait is a head read), every input a size limit (head and body,
// whatever the method), and the number of connections a limit in all and per address. Requests are handled by
// two pools of workers, light and heavy, each with a bounded queue: when a queue is full the answer is 503 with
// Retry-After, and costly requests never hold the workers of cheap ones. Knows nothing of the API: a `Handlers`
// struct says which pool a request goes to, handles it and logs it.
#include <any>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace maillage::server {

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;
  int io_threads = 1;                              // event loop: accepting, reading, parsing, writing (cheap)
  int light_workers = 4;                           // handlers of cheap requests
  int heavy_workers = 2;                           // handlers of costly requests (coverage, indicators, planning)
  size_t light_queue = 1024;                       // requests waiting for a light worker before 503
  size_t heavy_queue = 16;                         // requests waiting for a heavy worker before 503
  std::chrono::milliseconds head_timeout{10000};   // the request line and headers (and a keep-alive wait)
  std::chrono::milliseconds body_timeout{30000};   // the body, once the head is in
  std::chrono::milliseconds write_timeout{60000};  // the response
  std::chrono::milliseconds stop_timeout{60000};   // on stop: how long requests in flight may still take
  size_t max_connections = 10000;
  size_t max_connections_per_address = 2000;  // 0: no limit (behind a reverse proxy every client is the proxy)
  size_t max_head_bytes = 16 * 1024;
  size_t max_body_bytes = 1 << 20;
  int retry_after_s = 5;
};

struct Request {
  std::string method;                          // "GET" (HEAD requests are handled as GET and answered without a body)
  std::string target;                          // as sent: path and query, percent-encoded
  std::string path;                            // percent-decoded
  std::map<std::string, std::string> query;    // percent-decoded; a repeated parameter keeps its last value
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote;  // the client's address
  std::any context;    // set by Handlers::lane for Handlers::handle (the API's matched route)
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

enum class Lane { Light, Heavy };

struct Handlers {
  std::function<Lane(Request&)> lane;              // on the event loop: must be cheap; may set the context
  std::function<Response(const Request&)> handle;  // on a worker; an exception becomes a 500
  std::function<void(const Request&, int status, double ms)> log;  // after the response is written
  // Errors the server answers itself (bad_http, too_large, headers_too_large, busy, internal): the answer for the
  // code of the catalogue (core/error.hpp) and what exactly was wrong.
  std::function<Response(Errc code, const std::string& detail)> error;
};

struct Stats {
  size_t connections = 0, in_flight = 0, light_pending = 0, heavy_pending = 0;
  size_t refused_connections = 0, busy_answers = 0, timeouts = 0;
};

class Server {
 public:
  Server(Options options, Handlers handlers);
  ~Server();
  // Binds and listens; Error when the address cannot be used.
  void bind();
  // Serves until stop() or SIGINT/SIGTERM (when `on_signal` is given, it is called with the signal first).
  void run(const std::function<void(int)>& on_signal = {});
  // Stops accepting, lets the requests in flight finish (within stop_timeout), then returns from run().
  void stop();
  Stats stats() const;
  int port() const;  // the bound port (useful with port 0)

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Percent-decoding ("+" is a space in query strings only); invalid escapes are kept as they are.
std::string percent_decode(std::string_view s, bool query);
// "a=1&b=%C3%A9" -> {a: 1, b: é}; a repeated name keeps its last value.
std::map<std::string, std::string> parse_query(std::string_view q);

}  // namespace maillage::server
