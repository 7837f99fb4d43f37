#include "load/error_category.h"

#include <fmt/format.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

namespace stampede::load {

std::string_view TimeoutCategory(Deadline deadline) {
  switch (deadline) {
    case Deadline::kConnect:
      return "timeout.connect";
    case Deadline::kTtfb:
      return "timeout.ttfb";
    case Deadline::kIdle:
      return "timeout.idle";
    case Deadline::kTotal:
    case Deadline::kNone:
      break;
  }
  return "timeout.total";
}

std::string_view TransportCategory(const boost::system::error_code& ec) {
  namespace error = boost::asio::error;
  if (ec == error::connection_refused) return kRefused;
  if (ec == error::connection_reset || ec == error::broken_pipe ||
      ec == error::connection_aborted) {
    return kReset;
  }
  if (ec.category() == boost::asio::error::get_ssl_category() ||
      ec.category() == boost::asio::ssl::error::get_stream_category()) {
    return kTls;
  }
  return kIo;
}

std::string HttpCategory(int status) { return fmt::format("http.{}", status); }

std::string CheckCategory(std::string_view check) { return fmt::format("check.{}", check); }

}  // namespace stampede::load
