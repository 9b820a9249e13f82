#pragma once
/// A small HTTP/1.1 server on Boost.Beast/Asio: keep-alive, many connections served by a few
/// I/O threads (no thread per connection), bounded bodies, header and body read timeouts, and
/// answers that may come later from another thread (the batch worker).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace greenbatch::serve {

/// One complete request as read from a connection.
struct HttpRequest {
  std::string method;                                  ///< "GET", "POST", ...
  std::string target;                                  ///< path and query, e.g. "/v2/models/m/infer"
  std::string body;                                    ///< the whole body (bounded by max_body_bytes)
  std::optional<std::string> inference_header_length;  ///< Inference-Header-Content-Length, raw
};

/// One response.
struct HttpResponse {
  int status = 200;                                          ///< HTTP status code
  std::string content_type = "application/json";             ///< Content-Type
  std::string body;                                          ///< the body
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers (Retry-After, ...)
};

/// Answers one request. Call it exactly once, from any thread; it returns at once (the write
/// happens on the connection's I/O thread).
using Responder = std::function<void(HttpResponse)>;

/// Handles one request on an I/O thread: it must not block for long; it answers now or later
/// through the responder.
using Handler = std::function<void(HttpRequest&&, Responder)>;

/// How the server listens and what it tolerates.
struct HttpServerOptions {
  std::string host = "127.0.0.1";          ///< address to bind (loopback unless told otherwise)
  std::uint16_t port = 8000;               ///< 0: any free port (see HttpServer::port())
  int io_threads = 2;                      ///< threads running the event loop
  std::size_t max_body_bytes = 16u << 20;  ///< larger bodies are answered 413
  double header_timeout_s = 10.0;          ///< a connection that sends no complete header in time is closed
  double body_timeout_s = 30.0;            ///< a body not complete in time closes the connection
};

/// The HTTP server. Construct (binds), start(), later stop_accepting(), wait_answered(), stop().
/// Methods are called from one controlling thread; the handler runs on the I/O threads.
class HttpServer {
 public:
  /// Binds host:port; throws InputError naming the address when it cannot (in use, bad address).
  HttpServer(HttpServerOptions options, Handler handler);
  /// Stops the I/O threads.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port actually bound.
  [[nodiscard]] std::uint16_t port() const;
  /// Starts accepting and the I/O threads.
  void start();
  /// Stops accepting new connections; open connections close after their next answer.
  void stop_accepting();
  /// Blocks until every request handed to the handler has been answered and written, or
  /// `timeout` passes; true when all were.
  bool wait_answered(std::chrono::milliseconds timeout);
  /// Closes every connection and joins the I/O threads.
  void stop();

  struct State;  ///< the event loop, acceptor and counters, shared with the connections

 private:
  std::unique_ptr<State> state_;
};

}  // namespace greenbatch::serve
