#include "server/http_server.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <fmt/format.h>

#include "core/error.hpp"

namespace maillage::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string percent_decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else if (query && s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq), true);
    out[key] = eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true);
  }
  return out;
}

namespace {

class Session;

// Who is connected: shared with the sessions, whose destructors may run while the io_context is destroyed.
struct Admission {
  std::mutex mu;
  std::unordered_map<std::string, size_t> per_address;
  std::atomic<size_t> connections{0};
  bool admit(const std::string& addr, size_t max_total, size_t max_per_address) {
    std::lock_guard l(mu);
    if (connections >= max_total) return false;
    auto& n = per_address[addr];
    if (max_per_address && n >= max_per_address) return false;
    ++n;
    ++connections;
    return true;
  }
  void release(const std::string& addr) {
    std::lock_guard l(mu);
    if (auto it = per_address.find(addr); it != per_address.end() && --it->second == 0) per_address.erase(it);
    --connections;
  }
};

}  // namespace

struct Server::Impl {
  Options opt;
  Handlers handlers;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::thread_pool light, heavy;
  std::atomic<size_t> light_pending{0}, heavy_pending{0}, in_flight{0};
  std::atomic<size_t> refused{0}, busy{0}, timeouts{0};
  std::atomic<bool> stopping{false};
  std::shared_ptr<Admission> admission = std::make_shared<Admission>();
  std::optional<net::steady_timer> stop_timer;
  Clock::time_point stop_deadline;

  Impl(Options o, Handlers h)
      : opt(std::move(o)),
        handlers(std::move(h)),
        ioc(std::max(1, opt.io_threads)),
        light(static_cast<size_t>(std::max(1, opt.light_workers))),
        heavy(static_cast<size_t>(std::max(1, opt.heavy_workers))) {}

  void accept();
  bool admit(const std::string& addr) {
    return !stopping && admission->admit(addr, opt.max_connections, opt.max_connections_per_address);
  }
  void begin_stop() {
    if (stopping.exchange(true)) return;
    net::post(acceptor.get_executor(), [this] {
      beast::error_code ec;
      acceptor.close(ec);
      stop_deadline = Clock::now() + opt.stop_timeout;
      stop_timer.emplace(ioc);
      wait_for_drain();
    });
  }
  void wait_for_drain() {
    if (in_flight == 0 || Clock::now() > stop_deadline) {
      ioc.stop();
      return;
    }
    stop_timer->expires_after(std::chrono::milliseconds(20));
    stop_timer->async_wait([this](beast::error_code) { wait_for_drain(); });
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& srv, std::string remote)
      : stream_(std::move(socket)), srv_(srv), admission_(srv.admission), remote_(std::move(remote)) {}
  ~Session() { admission_->release(remote_); }

  void start() { read_head(); }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Server::Impl& srv_;
  std::shared_ptr<Admission> admission_;
  std::string remote_;
  Request req_;
  bool keep_alive_ = false, head_ = false, linger_ = false;
  size_t drained_ = 0;
  std::array<char, 16384> drain_buf_{};
  Clock::time_point t0_;

  void read_head() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(srv_.opt.max_head_bytes));
    parser_->body_limit(srv_.opt.max_body_bytes);
    stream_.expires_after(srv_.opt.head_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->on_head(ec); });
  }

  void on_head(beast::error_code ec) {
    if (ec) return fail(ec);
    t0_ = Clock::now();
    auto& h = parser_->get();
    if (h[http::field::expect] == "100-continue" && !parser_->is_done()) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, h.version());
      stream_.expires_after(srv_.opt.write_timeout);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec2, size_t) {
        if (ec2) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_request();
    stream_.expires_after(srv_.opt.body_timeout);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail(ec);
      self->on_request();
    });
  }

  // A read failed: a closed or idle connection closes quietly; a request the server cannot take gets its status.
  void fail(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset)
      return close();
    // A head or body that did not arrive in time: the stream's deadline has already closed the socket, so no
    // 408 can be written (nginx does the same on its client timeouts); counted in the stats.
    if (ec == beast::error::timeout) {
      ++srv_.timeouts;
      return close();
    }
    if (ec == http::error::header_limit)
      return answer_error(Errc::headers_too_large,
                          fmt::format("the request head is over {} bytes", srv_.opt.max_head_bytes));
    if (ec == http::error::body_limit)
      return answer_error(Errc::too_large, fmt::format("the body is over {} bytes", srv_.opt.max_body_bytes));
    answer_error(Errc::bad_http, ec.message());
  }

  void answer_error(Errc code, const std::string& message) {
    keep_alive_ = false;
    linger_ = true;  // the client may still be sending: read and drop it so that it gets this answer
    req_ = Request{};
    req_.remote = remote_;
    if (parser_ && parser_->is_header_done()) {
      req_.method = std::string(parser_->get().method_string());
      req_.target = std::string(parser_->get().target());
    }
    t0_ = Clock::now();
    ++srv_.in_flight;
    write(srv_.handlers.error(code, message));
  }

  void on_request() {
    auto msg = parser_->release();
    req_ = Request{};
    req_.method = std::string(msg.method_string());
    head_ = msg.method() == http::verb::head;
    if (head_) req_.method = "GET";
    req_.target = std::string(msg.target());
    auto qpos = req_.target.find('?');
    req_.path = percent_decode(std::string_view(req_.target).substr(0, qpos), false);
    if (qpos != std::string::npos) req_.query = parse_query(std::string_view(req_.target).substr(qpos + 1));
    for (auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req_.headers[name] = std::string(f.value());
    }
    req_.body = std::move(msg.body());
    req_.remote = remote_;
    keep_alive_ = msg.keep_alive() && !srv_.stopping;
    ++srv_.in_flight;
    Lane lane = srv_.handlers.lane(req_);
    auto& pending = lane == Lane::Heavy ? srv_.heavy_pending : srv_.light_pending;
    size_t limit = lane == Lane::Heavy ? srv_.opt.heavy_queue + srv_.opt.heavy_workers
                                       : srv_.opt.light_queue + srv_.opt.light_workers;
    if (pending.fetch_add(1) >= limit) {
      --pending;
      ++srv_.busy;
      auto res = srv_.handlers.error(Errc::busy, lane == Lane::Heavy ? "too many costly requests at once: retry shortly"
                                                                     : "too many requests at once: retry shortly");
      res.headers.emplace_back("Retry-After", std::to_string(srv_.opt.retry_after_s));
      return write(std::move(res));
    }
    auto job = [self = shared_from_this(), &pending] {
      Response res;
      try {
        res = self->srv_.handlers.handle(self->req_);
      } catch (const std::exception& e) {
        res = self->srv_.handlers.error(Errc::internal, e.what());
      } catch (...) {
        res = self->srv_.handlers.error(Errc::internal, "an exception that is not a std::exception");
      }
      --pending;
      net::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    };
    if (lane == Lane::Heavy)
      net::post(srv_.heavy, std::move(job));
    else
      net::post(srv_.light, std::move(job));
  }

  void write(Response r) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive_ && !srv_.stopping);
    size_t n = r.body.size();
    if (!head_) res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->content_length(n);
    int status = r.status;
    stream_.expires_after(srv_.opt.write_timeout);
    http::async_write(stream_, *res, [self = shared_from_this(), res, status](beast::error_code ec, size_t) {
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - self->t0_).count();
      if (self->srv_.handlers.log) self->srv_.handlers.log(self->req_, status, ms);
      --self->srv_.in_flight;
      if (!ec && self->linger_) return self->linger();
      if (ec || !res->keep_alive()) return self->close();
      self->head_ = false;
      self->read_head();
    });
  }

  // After an error answer: stop sending, then read and drop what the client still sends (at most 16 MiB, 2 s)
  // before closing, as a closed socket would make its writes fail before it reads the answer.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.expires_after(std::chrono::seconds(2));
    stream_.async_read_some(net::buffer(drain_buf_), [self = shared_from_this()](beast::error_code e, size_t n) {
      self->drained_ += n;
      if (e || self->drained_ > (16u << 20)) return self->close();
      self->linger();
    });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }
};

}  // namespace

void Server::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      beast::error_code e2;
      socket.set_option(tcp::no_delay(true), e2);  // small answers must not wait for the delayed ACK
      auto ep = socket.remote_endpoint(e2);
      std::string addr = e2 ? std::string("?") : ep.address().to_string();
      if (admit(addr)) {
        std::make_shared<Session>(std::move(socket), *this, addr)->start();
      } else {
        ++refused;
        socket.close(e2);
      }
    }
    accept();
  });
}

Server::Server(Options options, Handlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}

Server::~Server() {
  impl_->light.join();
  impl_->heavy.join();
}

void Server::bind() {
  auto& a = impl_->acceptor;
  beast::error_code ec;
  auto address = net::ip::make_address(impl_->opt.host, ec);
  if (ec) throw Error(fmt::format("--host {}: not an IP address", impl_->opt.host));
  tcp::endpoint ep(address, static_cast<unsigned short>(impl_->opt.port));
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error(fmt::format("cannot listen on {}:{} ({})", impl_->opt.host, impl_->opt.port, ec.message()));
}

int Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::run(const std::function<void(int)>& on_signal) {
  auto& im = *impl_;
  net::signal_set signals(im.ioc, SIGINT, SIGTERM);
  signals.async_wait([this, on_signal](beast::error_code ec, int sig) {
    if (ec) return;
    if (on_signal) on_signal(sig);
    stop();
  });
  im.accept();
  std::vector<std::thread> extra;
  for (int i = 1; i < im.opt.io_threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
  im.light.join();
  im.heavy.join();
}

void Server::stop() { impl_->begin_stop(); }

Stats Server::stats() const {
  auto& im = *impl_;
  return {
      im.admission->connections, im.in_flight, im.light_pending, im.heavy_pending, im.refused, im.busy, im.timeouts};
}

}  // namespace maillage::server
