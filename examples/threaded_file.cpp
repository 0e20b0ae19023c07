// SPDX-License-Identifier: BSL-1.0
// threaded_file: a file read on a worker thread (blocking reads), its chunks crossing to the
// flow's thread through the SPSC tunnel, cut into lines and counted there.
#include <coflow/coflow.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <unistd.h>

namespace {
// A next()-style reader for `threaded`: each call reads one chunk; empty at the end of the file.
auto chunks_of(const std::filesystem::path& path) {
  return [path] {
    return [in = std::ifstream(path, std::ios::binary)]() mutable -> std::optional<std::string> {
      std::string chunk(4096, '\0');
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.resize(static_cast<std::size_t>(in.gcount()));
      if (chunk.empty()) return std::nullopt;
      return chunk;
    };
  };
}

struct counts {
  std::size_t lines = 0, long_lines = 0, bytes = 0;
};
}  // namespace

int main() {
  auto path = std::filesystem::temp_directory_path() /
              ("coflow_threaded_file_" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    for (int i = 0; i < 10000; ++i) out << "line " << i << (i % 10 == 0 ? " with a longer tail" : "") << '\n';
  }
  auto total =
      coflow::threaded(chunks_of(path)) | coflow::line_break() |
      coflow::fold(counts{}, [](counts c, const std::string& line) {
        return counts{c.lines + 1, c.long_lines + (line.size() > 12 ? 1 : 0), c.bytes + line.size() + 1};
      });
  std::filesystem::remove(path);
  std::cout << total.lines << " lines, " << total.long_lines << " long, " << total.bytes << " bytes\n";
}
