// A TCP socket, by reference, whose reads first return the bytes an earlier reader already took
// from it (the HTTP parser reads past the request it parses), then read the socket itself. It is
// the next layer of the WebSocket stream after an upgrade, so a frame that arrived together with
// the upgrade request is not lost. The socket and the buffer stay the Connection's: closing the
// socket ends every operation on this stream.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

namespace stampede::server {

class PrefetchedSocket {
 public:
  using executor_type = boost::asio::ip::tcp::socket::executor_type;

  // Both must outlive the PrefetchedSocket.
  PrefetchedSocket(boost::asio::ip::tcp::socket& socket, boost::beast::flat_buffer& prefetched)
      : socket_(&socket), prefetched_(&prefetched) {}

  executor_type get_executor() noexcept { return socket_->get_executor(); }
  // Makes the socket Beast's lowest layer, which its timeouts close.
  boost::asio::ip::tcp::socket& next_layer() noexcept { return *socket_; }

  template <typename MutableBufferSequence, typename ReadHandler>
  auto async_read_some(const MutableBufferSequence& buffers, ReadHandler&& handler) {
    return boost::asio::async_initiate<ReadHandler, void(boost::system::error_code, std::size_t)>(
        [this](auto&& completion, const MutableBufferSequence& target) {
          if (prefetched_->size() == 0) {
            socket_->async_read_some(target, std::forward<decltype(completion)>(completion));
            return;
          }
          const std::size_t copied = boost::asio::buffer_copy(target, prefetched_->data());
          prefetched_->consume(copied);
          // Completed through the executor, as an Asio operation never completes inline.
          boost::asio::post(
              socket_->get_executor(),
              boost::beast::bind_front_handler(std::forward<decltype(completion)>(completion),
                                               boost::system::error_code(), copied));
        },
        handler, buffers);
  }

  template <typename ConstBufferSequence, typename WriteHandler>
  auto async_write_some(const ConstBufferSequence& buffers, WriteHandler&& handler) {
    return socket_->async_write_some(buffers, std::forward<WriteHandler>(handler));
  }

  // Beast's WebSocket close handshake ends with these (found by argument-dependent lookup).
  friend void teardown(boost::beast::role_type role, PrefetchedSocket& stream,
                       boost::system::error_code& ec) {
    boost::beast::websocket::teardown(role, *stream.socket_, ec);
  }
  template <typename TeardownHandler>
  friend void async_teardown(boost::beast::role_type role, PrefetchedSocket& stream,
                             TeardownHandler&& handler) {
    boost::beast::websocket::async_teardown(role, *stream.socket_,
                                            std::forward<TeardownHandler>(handler));
  }

 private:
  boost::asio::ip::tcp::socket* socket_;
  boost::beast::flat_buffer* prefetched_;
};

}  // namespace stampede::server
