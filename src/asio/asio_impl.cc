// The one translation unit that compiles Asio, Asio's SSL support and Beast (separate
// compilation, BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION), so the
// rest of the code includes only their declarations and rebuilds in seconds.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
