// A seeded random source. Each thread owns one (never shared), so runs replay from a seed.
#pragma once

#include <cstdint>
#include <random>

namespace stampede::core {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t Next() { return engine_(); }
  // Uniform in [0, 1).
  double Uniform01() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  // Uniform in [low, high].
  double Uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
  }
  double Normal(double mean, double stdev) {
    return std::normal_distribution<double>(mean, stdev)(engine_);
  }
  // exp(N(mu, sigma)).
  double Lognormal(double mu, double sigma) {
    return std::lognormal_distribution<double>(mu, sigma)(engine_);
  }
  double Exponential(double rate) { return std::exponential_distribution<double>(rate)(engine_); }
  // True with probability p.
  bool Chance(double p) { return p > 0 && Uniform01() < p; }

  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace stampede::core
