// SPDX-License-Identifier: BSL-1.0
// Text: a file read in chunks, cut into lines by `line_break` (strings) and
// `line_break_views` (views valid until the next pull), the lines counted and their bytes
// summed; against a `std::getline` loop over an `std::ifstream` and a hand loop of `fread` +
// `memchr` over the same chunks. One binary, so ratios hold on any machine.
//
//     bench_text [--mib=N] [google benchmark flags]
//
// --mib: size of the text file written at start-up into the temporary directory (default 64;
// lines of 0 to 120 bytes, a fixed pseudo-random sequence). It is read from the page cache.
#include <coflow/coflow.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::size_t mib = 64;
std::string path;
constexpr std::size_t chunk_size = 64 * 1024;

struct tally {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};
tally expected;

void write_text() {
  path = (std::filesystem::temp_directory_path() / "coflow_bench_text.txt").string();
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  std::mt19937_64 rng{42};
  std::string line;
  for (std::uint64_t written = 0; written < mib * 1024 * 1024;) {
    line.assign(rng() % 121, 'x');
    for (char& c : line) c = static_cast<char>('a' + rng() % 26);
    out << line << '\n';
    written += line.size() + 1;
    ++expected.lines;
    expected.bytes += line.size();
  }
}

void check(benchmark::State& state, const tally& t) {
  if (t.lines != expected.lines || t.bytes != expected.bytes) state.SkipWithError("wrong count");
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(expected.bytes + expected.lines));
}

// The file as a source of chunks: each a view of this stage's buffer, valid until its next pull.
class file_chunks : public coflow::stage_base<> {
 public:
  using value_type = std::string_view;
  static constexpr bool can_cooperate = false;

  explicit file_chunks(const std::string& p) : f_{std::fopen(p.c_str(), "rb")}, buf_(chunk_size, '\0') {}
  file_chunks(file_chunks&& o) noexcept : f_{std::exchange(o.f_, nullptr)}, buf_{std::move(o.buf_)} {}
  file_chunks& operator=(file_chunks&&) = delete;
  ~file_chunks() {
    if (f_) std::fclose(f_);
  }

  coflow::step<std::string_view> next() {
    const std::size_t n = f_ ? std::fread(buf_.data(), 1, buf_.size(), f_) : 0;
    if (n == 0) return coflow::done;
    return std::string_view{buf_.data(), n};
  }

 private:
  std::FILE* f_;
  std::string buf_;
};

auto count_lines = coflow::fold(tally{}, [](tally t, std::string_view l) {
  ++t.lines;
  t.bytes += l.size();
  return t;
});

// ---- baselines ---------------------------------------------------------------------------

void getline_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::ifstream in{path, std::ios::binary};
    tally t;
    for (std::string line; std::getline(in, line);) {
      ++t.lines;
      t.bytes += line.size();
    }
    check(state, t);
  }
}

// The same chunks as coflow's, cut with memchr; a line that spans chunks is copied.
void hand_memchr_loop(benchmark::State& state) {
  for (auto _ : state) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    std::string buf(chunk_size, '\0'), carry;
    tally t;
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) != 0;) {
      const char* p = buf.data();
      const char* end = p + n;
      while (const char* nl =
                 static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) {
        ++t.lines;
        t.bytes += carry.size() + static_cast<std::size_t>(nl - p);
        carry.clear();
        p = nl + 1;
      }
      carry.append(p, end);
    }
    std::fclose(f);
    check(state, t);
  }
}

// ---- coflow ------------------------------------------------------------------------------

void coflow_line_break_views(benchmark::State& state) {
  for (auto _ : state) check(state, file_chunks{path} | coflow::line_break_views() | count_lines);
}

void coflow_line_break_strings(benchmark::State& state) {
  for (auto _ : state) check(state, file_chunks{path} | coflow::line_break() | count_lines);
}

}  // namespace

BENCHMARK(getline_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(hand_memchr_loop)->Unit(benchmark::kMillisecond);
BENCHMARK(coflow_line_break_views)->Unit(benchmark::kMillisecond);
BENCHMARK(coflow_line_break_strings)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--mib=", 6) == 0)
      mib = static_cast<std::size_t>(std::strtoull(argv[i] + 6, nullptr, 10));
    else
      rest.push_back(argv[i]);
  }
  write_text();
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove(path);
}
