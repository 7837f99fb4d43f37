// boost::asio::awaitable, with the include Boost 1.74's awaitable.hpp forgets: it uses
// std::exchange without <utility>, so it fails to compile when it is the first header of a
// translation unit (which include sorting makes likely). Include this instead.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
