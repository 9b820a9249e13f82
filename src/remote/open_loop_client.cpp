// The open-loop client: a schedule timer, a backlog for sends beyond the in-flight bound, and a
// pool of keep-alive Beast connections on one event loop.
#include "greenbatch/remote/open_loop_client.h"

#include <fmt/format.h>

// Asio's scheduler trips GCC's -Wnull-dereference when inlined at -O3 (a false positive, as in
// serve/http_server.cpp); silence it for Boost's code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#pragma GCC diagnostic pop
#include <charconv>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "greenbatch/core/error.h"

namespace greenbatch::remote {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SpanBody = http::span_body<const char>;

// The server's per-request figures from the JSON part of a 200 answer; false when it is not JSON.
bool read_parameters(std::string_view json_part, RemoteRequest& r) {
  const auto root = nlohmann::json::parse(json_part, nullptr, false);
  if (!root.is_object()) return false;
  const auto params = root.find("parameters");
  if (params == root.end() || !params->is_object()) return true;
  const auto number = [&](const char* key) -> std::optional<double> {
    const auto it = params->find(key);
    return it != params->end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
  };
  const auto integer = [&](const char* key) -> std::optional<std::int64_t> {
    const auto it = params->find(key);
    return it != params->end() && it->is_number_integer() ? std::optional(it->get<std::int64_t>()) : std::nullopt;
  };
  r.server_queue_ms = number("queue_ms");
  r.server_service_ms = number("service_ms");
  r.server_batch_size = integer("batch_size");
  r.server_batch_id = integer("batch_id");
  r.server_energy_j = number("energy_j");
  if (const auto it = params->find("energy_source"); it != params->end() && it->is_string())
    r.server_energy_source = it->get<std::string>();
  return true;
}

class LoadClient;

// One keep-alive connection carrying one request at a time.
class Connection {
 public:
  Connection(LoadClient& client, asio::io_context& io) : client_(client), socket_(io), deadline_(io) {}
  void send(std::size_t index);

 private:
  void connect();
  void write();
  void on_error(const boost::system::error_code& error, bool before_answer);
  void finish(bool reusable);

  LoadClient& client_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  bool open_ = false;
  bool reused_ = false;   // the connection served an earlier request
  bool retried_ = false;  // this request is being sent a second time
  bool timed_out_ = false;
  std::size_t index_ = 0;
  std::optional<http::request<SpanBody>> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  beast::flat_buffer buffer_;
};

class LoadClient {
 public:
  LoadClient(const ClientOptions& options, std::span<const double> schedule, std::span<const EncodedBody> bodies,
             std::chrono::steady_clock::time_point start)
      : options_(options), schedule_(schedule), bodies_(bodies), start_(start), timer_(io_), records_(schedule.size()) {
    for (std::size_t i = 0; i < schedule.size(); ++i) {
      records_[i].id = static_cast<std::int64_t>(i);
      records_[i].scheduled_s = schedule[i];
    }
    try {
      tcp::resolver resolver(io_);
      addresses_ = resolver.resolve(options.endpoint.host, std::to_string(options.endpoint.port));
    } catch (const boost::system::system_error& e) {
      throw InputError(fmt::format("--target {}: cannot resolve host '{}' ({}); correct the URL",
                                   options.endpoint.url(), options.endpoint.host, e.code().message()));
    }
  }

  std::vector<RemoteRequest> run() {
    if (!schedule_.empty()) arm();
    io_.run();
    return std::move(records_);
  }

  [[nodiscard]] double now_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  const tcp::resolver::results_type& addresses() const { return addresses_; }
  const ClientOptions& options() const { return options_; }
  RemoteRequest& record(std::size_t i) { return records_[i]; }
  const EncodedBody& body(std::size_t i) const { return bodies_[i % bodies_.size()]; }

  // A request ended (answered or failed) on `connection`; it goes back to the pool when reusable.
  void done(Connection* connection, bool reusable) {
    --in_flight_;
    (reusable ? idle_ : retired_).push_back(connection);
    if (!backlog_.empty()) {
      const auto next = backlog_.front();
      backlog_.pop_front();
      dispatch(next);
    }
  }

 private:
  // Waits for the next scheduled send; every request due by then goes out or joins the backlog.
  void arm() {
    timer_.expires_at(start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(schedule_[next_])));
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      const double now = now_s();
      while (next_ < schedule_.size() && schedule_[next_] <= now) {
        if (in_flight_ < options_.max_in_flight && backlog_.empty()) {
          dispatch(next_);
        } else {
          backlog_.push_back(next_);  // late: it goes out when an answer frees a slot
        }
        ++next_;
      }
      if (next_ < schedule_.size()) arm();
    });
  }

  void dispatch(std::size_t index) {
    ++in_flight_;
    Connection* connection = nullptr;
    if (!idle_.empty()) {
      connection = idle_.back();
      idle_.pop_back();
    } else if (!retired_.empty()) {
      connection = retired_.back();  // a closed one, reconnected
      retired_.pop_back();
    } else {
      pool_.push_back(std::make_unique<Connection>(*this, io_));
      connection = pool_.back().get();
    }
    connection->send(index);
  }

  const ClientOptions& options_;
  std::span<const double> schedule_;
  std::span<const EncodedBody> bodies_;
  std::chrono::steady_clock::time_point start_;
  asio::io_context io_{1};
  asio::steady_timer timer_;
  tcp::resolver::results_type addresses_;
  std::vector<RemoteRequest> records_;
  std::size_t next_ = 0;                           // the next request to schedule
  std::size_t in_flight_ = 0;                      // sent (or connecting), not yet ended
  std::deque<std::size_t> backlog_;                // due, waiting for a free slot
  std::vector<std::unique_ptr<Connection>> pool_;  // every connection (they outlive their handlers)
  std::vector<Connection*> idle_, retired_;        // open and free; closed and free
};

void Connection::send(std::size_t index) {
  index_ = index;
  retried_ = false;
  timed_out_ = false;
  client_.record(index).sent_s = client_.now_s();  // taken up: connecting (if needed) counts as response time
  const auto& body = client_.body(index);
  request_.emplace(http::verb::post, client_.options().infer_path, 11);
  request_->set(http::field::host, client_.options().endpoint.host);
  request_->set(http::field::content_type, "application/octet-stream");
  request_->set("Inference-Header-Content-Length", std::to_string(body.json_length));
  request_->body() = SpanBody::value_type(body.bytes.data(), body.bytes.size());
  request_->keep_alive(true);
  request_->prepare_payload();
  deadline_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(client_.options().timeout_s)));
  deadline_.async_wait([this, index](const boost::system::error_code& error) {
    if (error || index != index_ || client_.record(index).completed_s || client_.record(index).fault != Fault::none)
      return;
    timed_out_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);  // the pending operation ends with an error: recorded as a timeout
  });
  if (open_) {
    write();
  } else {
    connect();
  }
}

void Connection::connect() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  asio::async_connect(socket_, client_.addresses(),
                      [this](const boost::system::error_code& error, const tcp::endpoint&) {
                        if (error) return on_error(error, true);
                        open_ = true;
                        reused_ = false;
                        socket_.set_option(tcp::no_delay(true));
                        write();
                      });
}

void Connection::write() {
  buffer_.clear();
  parser_.emplace();
  parser_->body_limit(std::uint64_t{256} << 20);
  http::async_write(socket_, *request_, [this](const boost::system::error_code& error, std::size_t) {
    if (error) return on_error(error, true);
    http::async_read(socket_, buffer_, *parser_, [this](const boost::system::error_code& read_error, std::size_t) {
      if (read_error) return on_error(read_error, !parser_->got_some());
      auto& r = client_.record(index_);
      r.completed_s = client_.now_s();
      const auto& response = parser_->get();
      r.http_status = static_cast<int>(response.result_int());
      if (r.http_status != 200) {
        r.fault = Fault::http;
      } else {
        std::string_view body = response.body();
        if (const auto length = response.find("Inference-Header-Content-Length"); length != response.end()) {
          std::size_t n = 0;
          const auto text = length->value();
          const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
          if (ec == std::errc() && ptr == text.data() + text.size() && n <= body.size()) body = body.substr(0, n);
        }
        if (!read_parameters(body, r)) r.fault = Fault::protocol;
      }
      finish(parser_->keep_alive());
    });
  });
}

void Connection::on_error(const boost::system::error_code& error, bool before_answer) {
  auto& r = client_.record(index_);
  const bool stale = error == http::error::end_of_stream || error == asio::error::connection_reset ||
                     error == asio::error::broken_pipe || error == asio::error::eof;
  if (!timed_out_ && before_answer && reused_ && stale && !retried_) {
    // The server closed this kept-alive connection while it was idle: send again, once, on a new one.
    retried_ = true;
    open_ = false;
    return connect();
  }
  if (timed_out_) {
    r.fault = Fault::timeout;
  } else if (error == asio::error::connection_refused) {
    r.fault = Fault::refused;
  } else if (error.category() == boost::beast::http::make_error_code(http::error::end_of_stream).category() &&
             error != http::error::end_of_stream) {
    r.fault = Fault::protocol;
  } else {
    r.fault = Fault::reset;
  }
  finish(false);
}

void Connection::finish(bool reusable) {
  deadline_.cancel();
  retried_ = false;
  if (!reusable) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    open_ = false;
  }
  reused_ = reusable;
  client_.done(this, reusable);
}

}  // namespace

std::vector<RemoteRequest> run_open_loop(const ClientOptions& options, std::span<const double> schedule,
                                         std::span<const EncodedBody> bodies,
                                         std::chrono::steady_clock::time_point start) {
  if (bodies.empty()) throw std::invalid_argument("run_open_loop needs at least one body");
  LoadClient client(options, schedule, bodies, start);
  return client.run();
}

}  // namespace greenbatch::remote
