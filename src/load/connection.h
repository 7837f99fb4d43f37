// One client connection, plain TCP or TLS. Plain reads wait for readability and then read
// without blocking into the worker's shared scratch buffer, so an idle stream costs no buffer
// of its own; TLS connections keep their own buffer because the TLS layer reads ahead.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "asio/awaitable.h"

namespace stampede::load {

class Connection {
 public:
  explicit Connection(boost::asio::io_context& io);

  // Closes any open connection first. `tls` is null for plain HTTP; `server_name` is sent as
  // SNI and verified against the certificate unless the context was set not to verify.
  boost::asio::awaitable<boost::system::error_code> Connect(
      const boost::asio::ip::tcp::endpoint& endpoint, boost::asio::ssl::context* tls,
      const std::string& server_name);
  boost::asio::awaitable<boost::system::error_code> Write(std::string_view bytes);
  // Waits for bytes and sets `got` to them (in `scratch` for plain connections). A clean close
  // by the peer is boost::asio::error::eof.
  boost::asio::awaitable<boost::system::error_code> Read(std::span<char> scratch,
                                                         std::string_view& got);
  // Closes the socket; pending operations complete with operation_aborted. Idempotent.
  void Close();
  bool is_open() const { return open_; }

 private:
  boost::asio::io_context& io_;
  boost::asio::ssl::context* tls_context_ = nullptr;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
  std::vector<char> tls_buffer_;
  bool open_ = false;
};

}  // namespace stampede::load
