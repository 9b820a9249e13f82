// The HTTP/1.1 server on Boost.Beast: an acceptor, one session per connection on a strand, a few
// I/O threads running them all.
#include "greenbatch/serve/http_server.h"

// Asio's scheduler trips GCC's -Wnull-dereference when inlined at -O3 (a false positive in its
// operation queue); silence it for Boost's code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "greenbatch/core/error.h"
#include "greenbatch/core/thread_cpus.h"
#include "greenbatch/serve/inference_protocol.h"

namespace greenbatch::serve {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::State {
  HttpServerOptions options;
  Handler handler;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};
  tcp::acceptor acceptor{net::make_strand(ioc)};  // on a strand: accepts and close() never race
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
  std::atomic<bool> draining{false};
  std::mutex mutex;
  std::condition_variable answered;
  std::size_t in_flight = 0;  // requests handed to the handler whose answer is not yet written

  void finished() {
    const std::lock_guard lock(mutex);
    if (--in_flight == 0) answered.notify_all();
  }
};

namespace {

using State = HttpServer::State;

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

// One connection: read a header (timeout), then its body (timeout, size bound), hand the request
// to the handler, write its answer, and read the next request on the same connection.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, State& state) : stream_(std::move(socket)), state_(state) {}

  void start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(state_.options.max_body_bytes);
    stream_.expires_after(seconds(state_.options.header_timeout_s));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return refuse(ec);
    stream_.expires_after(seconds(state_.options.body_timeout_s));
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      // The client (curl, for bodies over 1 KiB) waits for this before it sends the body.
      continue_ = {http::status::continue_, parser_->get().version()};
      return http::async_write(stream_, continue_, [self = shared_from_this()](beast::error_code ec2, std::size_t) {
        if (ec2) return self->close();
        self->read_body();
      });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  // A request that could not be read: answer what can be answered, then close.
  void refuse(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return write(
          {413,
           "application/json",
           error_json(fmt::format("the body exceeds {} bytes (--max-body-bytes)", state_.options.max_body_bytes)),
           {}},
          /*counted=*/false, /*keep_alive=*/false);
    }
    // A parse error, or a request cut short by the client's end of stream: answer 400 (the
    // client may still read). A clean end of stream before any byte needs no answer.
    if (ec.category() == beast::error_code(http::error::end_of_stream).category() && ec != http::error::end_of_stream) {
      return write({400, "application/json", error_json(fmt::format("malformed HTTP request: {}", ec.message())), {}},
                   /*counted=*/false, /*keep_alive=*/false);
    }
    close();  // end of stream, timeout, reset: nothing to answer
  }

  void on_body(beast::error_code ec) {
    if (ec) return refuse(ec);
    stream_.expires_never();
    auto req = parser_->release();
    version_ = req.version();
    const bool keep_alive = req.keep_alive();
    HttpRequest request{std::string(req.method_string()), std::string(req.target()), std::move(req.body()), {}};
    if (const auto it = req.find("Inference-Header-Content-Length"); it != req.end()) {
      request.inference_header_length = std::string(it->value());
    }
    {
      const std::lock_guard lock(state_.mutex);
      ++state_.in_flight;
    }
    auto self = shared_from_this();
    Responder respond = [self, keep_alive](HttpResponse response) {
      net::post(self->stream_.get_executor(), [self, keep_alive, response = std::move(response)]() mutable {
        self->write(std::move(response), /*counted=*/true, keep_alive);
      });
    };
    state_.handler(std::move(request), std::move(respond));
  }

  void write(HttpResponse response, bool counted, bool keep_alive) {
    response_ = {};
    response_.version(version_);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(http::field::server, "greenbatch");
    response_.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_.set(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive && !state_.draining.load());
    response_.prepare_payload();
    stream_.expires_after(seconds(state_.options.body_timeout_s));  // a client that does not read
    http::async_write(stream_, response_, [self = shared_from_this(), counted](beast::error_code ec, std::size_t) {
      if (counted) self->state_.finished();
      if (ec || !self->response_.keep_alive()) return self->close();
      self->read_header();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  State& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  http::response<http::empty_body> continue_;
  unsigned version_ = 11;
};

void accept(State& state) {
  state.acceptor.async_accept(net::make_strand(state.ioc), [&state](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !state.acceptor.is_open()) return;
    if (!ec) std::make_shared<Session>(std::move(socket), state)->start();
    accept(state);  // a failed accept (e.g. out of descriptors) does not stop the server
  });
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, Handler handler) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
  const auto& o = state_->options;
  beast::error_code ec;
  const auto address = net::ip::make_address(o.host, ec);
  if (ec) throw InputError(fmt::format("--host {} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)", o.host));
  const tcp::endpoint endpoint(address, o.port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw InputError(
        fmt::format("cannot listen on {}:{}: {}; choose another --port or --host", o.host, o.port, ec.message()));
  }
  state_->port = acceptor.local_endpoint().port();
}

HttpServer::~HttpServer() { stop(); }

std::uint16_t HttpServer::port() const { return state_->port; }

void HttpServer::start() {
  accept(*state_);
  for (int i = 0; i < std::max(1, state_->options.io_threads); ++i) {
    state_->threads.emplace_back([this] {
      use_startup_cpus();
      state_->ioc.run();
    });
  }
}

void HttpServer::stop_accepting() {
  state_->draining = true;
  net::post(state_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
  });
}

bool HttpServer::wait_answered(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  return state_->answered.wait_for(lock, timeout, [this] { return state_->in_flight == 0; });
}

void HttpServer::stop() {
  state_->work.reset();
  state_->ioc.stop();
  for (auto& t : state_->threads) t.join();
  state_->threads.clear();
  beast::error_code ignored;
  state_->acceptor.close(ignored);  // no I/O thread runs now: closing cannot race an accept
}

}  // namespace greenbatch::serve
