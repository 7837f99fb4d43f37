// Maps a request to the route that answers it. Routes know nothing of sockets: they read the
// request and write through a Responder, so new endpoints are added here and in their own file.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "asio/awaitable.h"
#include "server/responder.h"
#include "server/server_state.h"

namespace stampede::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// Answers `request` completely (or until the client goes); never throws for network outcomes.
boost::asio::awaitable<void> Route(const HttpRequest& request, Responder& responder,
                                   RouteContext& context);

}  // namespace stampede::server
