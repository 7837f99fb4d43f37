// Micro-benchmarks of the per-event hot path: SSE parsing, chunked decoding through the HTTP
// response parser, and histogram recording.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "protocol/http_response_parser.h"
#include "protocol/sse_parser.h"
#include "stats/histogram.h"

namespace {

using namespace stampede;

std::string SseStream(int events) {
  std::string out;
  for (int i = 0; i < events; ++i) {
    out += "id: " + std::to_string(i) +
           "\ndata: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n";
  }
  return out;
}

void BM_SseParser(benchmark::State& state) {
  const std::string stream = SseStream(1000);
  const std::size_t piece = static_cast<std::size_t>(state.range(0));
  std::int64_t events = 0;
  protocol::SseParser parser([&](const protocol::SseEvent&) { ++events; });
  for (auto _ : state) {
    parser.Reset();
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      benchmark::DoNotOptimize(parser.Feed(std::string_view(stream).substr(at, piece)));
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_SseParser)->Arg(64)->Arg(1460)->Arg(16384);

class CountingHandler final : public protocol::HttpResponseParser::Handler {
 public:
  void OnHead(const protocol::HttpResponseHead&) override {}
  void OnBody(std::string_view data) override { bytes += static_cast<std::int64_t>(data.size()); }
  void OnChunkEnd(std::int64_t) override { ++chunks; }
  void OnComplete() override {}
  std::int64_t bytes = 0;
  std::int64_t chunks = 0;
};

void BM_ChunkedResponse(benchmark::State& state) {
  std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 1000; ++i) response += "10\r\n0123456789abcdef\r\n";
  response += "0\r\n\r\n";
  CountingHandler handler;
  protocol::HttpResponseParser parser(handler);
  for (auto _ : state) {
    parser.Reset();
    for (std::size_t at = 0; at < response.size(); at += 1460) {
      benchmark::DoNotOptimize(parser.Feed(std::string_view(response).substr(at, 1460)));
    }
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_ChunkedResponse);

void BM_HistogramRecord(benchmark::State& state) {
  stats::Histogram histogram = stats::Histogram::ForDurations();
  std::mt19937_64 random(42);
  std::lognormal_distribution<double> latency(18.0, 1.0);  // around 65 ms in ns
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(latency(random));
  std::size_t i = 0;
  for (auto _ : state) {
    histogram.Record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramRecord);

}  // namespace
