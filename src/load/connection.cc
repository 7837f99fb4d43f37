#include "load/connection.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace stampede::load {

namespace asio = boost::asio;
using boost::system::error_code;

Connection::Connection(asio::io_context& io) : io_(io), socket_(io) {}

asio::awaitable<error_code> Connection::Connect(const asio::ip::tcp::endpoint& endpoint,
                                                asio::ssl::context* tls,
                                                const std::string& server_name) {
  Close();
  tls_context_ = tls;
  if (!tls) tls_.reset();
  error_code ec;
  asio::ip::tcp::socket& socket =
      tls_context_ ? tls_.emplace(io_, *tls_context_).next_layer() : socket_;
  co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    socket.close();
    co_return ec;
  }
  open_ = true;
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  if (!tls_context_) {
    socket.non_blocking(true, ec);
    co_return ec;
  }
  // SNI (never for an IP address, RFC 6066 §3), and the name or address the certificate must
  // carry (when the context verifies at all).
  if (asio::ip::make_address(server_name, ec); ec) {
    SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
  }
  ec = {};
  tls_->set_verify_callback(asio::ssl::host_name_verification(server_name));
  co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                 asio::redirect_error(asio::use_awaitable, ec));
  if (tls_buffer_.empty()) tls_buffer_.resize(16 * 1024);
  co_return ec;
}

asio::awaitable<error_code> Connection::Write(std::string_view bytes) {
  error_code ec;
  if (tls_context_) {
    co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return ec;
}

asio::awaitable<error_code> Connection::Read(std::span<char> scratch, std::string_view& got) {
  error_code ec;
  got = {};
  if (tls_context_) {
    const std::size_t n = co_await tls_->async_read_some(
        asio::buffer(tls_buffer_), asio::redirect_error(asio::use_awaitable, ec));
    // A peer that closes without close_notify ends the stream like a plain EOF.
    if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
    got = std::string_view(tls_buffer_.data(), n);
    co_return ec;
  }
  while (true) {
    const std::size_t n = socket_.read_some(asio::buffer(scratch.data(), scratch.size()), ec);
    if (ec != asio::error::would_block && ec != asio::error::try_again) {
      got = std::string_view(scratch.data(), n);
      co_return ec;
    }
    co_await socket_.async_wait(asio::ip::tcp::socket::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec;
  }
}

void Connection::Close() {
  error_code ignored;
  if (tls_) {
    tls_->next_layer().close(ignored);
  } else {
    socket_.close(ignored);
  }
  open_ = false;
}

}  // namespace stampede::load
