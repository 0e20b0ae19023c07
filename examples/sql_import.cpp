// SPDX-License-Identifier: BSL-1.0
// sql_import: a CSV file imported into SQLite, as one flow.
//
//   threaded(read chunks of the file) | line_break | map(parse) | sqlite::insert(...)
//
// A worker thread reads the file in 64 KiB chunks (blocking reads stay off the flow's thread),
// `line_break` cuts the text into lines, `map` parses each line into a typed row, and
// `sqlite::insert` writes the rows on a second worker thread, in transactions of 1,000 rows
// (or of what arrived within 10 s).
// A row that breaks a constraint stops the import: the program then reports the row and how
// many rows were committed before it. The program writes its own input (10,000 rows, then a
// second file whose row 2,500 repeats an id) into a temporary directory.
#include <coflow/coflow.hpp>
#include <coflow/sql/sqlite.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

using namespace coflow::sql::literals;
using row = std::tuple<std::int64_t, std::string, double>;

// "id,name,price" -> a row; a malformed line is a failure of the flow.
row parse(const std::string& line) {
  const auto a = line.find(','), b = line.rfind(',');
  if (a == std::string::npos || a == b) throw std::invalid_argument("not id,name,price: " + line);
  std::int64_t id = 0;
  std::from_chars(line.data(), line.data() + a, id);
  // std::stod, not std::from_chars: libc++ 16 has no floating-point from_chars.
  const double price = std::stod(line.substr(b + 1));
  return {id, line.substr(a + 1, b - a - 1), price};
}

// The file's text, 64 KiB at a time: what the worker thread of `threaded` produces.
struct file_chunks {
  std::ifstream in;
  std::optional<std::string> operator()() {
    std::string chunk(64 * 1024, '\0');
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<std::size_t>(in.gcount()));
    if (chunk.empty()) return std::nullopt;
    return chunk;
  }
};

std::int64_t import(const coflow::sqlite::database& db, const std::filesystem::path& csv) {
  return coflow::threaded([csv] {
           return file_chunks{std::ifstream{csv, std::ios::binary}};
         }) |
         coflow::line_break('\n') | coflow::map(parse) |
         coflow::sqlite::insert(db, "INSERT INTO products(id, name, price) VALUES (?, ?, ?)"_sql,
                                {.batch_rows = 1000, .batch_time = std::chrono::seconds{10}});
}

void write_csv(const std::filesystem::path& path, int first, int rows, int repeated_at) {
  std::ofstream out{path};
  for (int i = 0; i < rows; ++i) {
    const int id = i == repeated_at ? first : first + i;
    out << id << ",product " << id << "," << id % 100 << ".5\n";
  }
}

int main() {
  const auto dir = std::filesystem::temp_directory_path() / "coflow_sql_import";
  std::filesystem::create_directories(dir);
  coflow::sqlite::database db{"file:coflow_sql_import?mode=memory&cache=shared"};
  db.execute("CREATE TABLE products(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL)");

  write_csv(dir / "products.csv", 1, 10'000, -1);
  std::cout << "imported " << import(db, dir / "products.csv") << " rows\n";

  write_csv(dir / "more.csv", 20'001, 5'000, 2'500);  // row 2500 repeats id 20001
  try {
    import(db, dir / "more.csv");
  } catch (const coflow::sqlite::insert_error& e) {
    std::cout << "more.csv: row " << e.row() << " failed (" << e.db_message() << "), " << e.rows_committed()
              << " rows committed before it\n";
  }
  auto total = db.begin().query<std::int64_t, double>("SELECT count(*), sum(price) FROM products").front();
  std::cout << "products: " << std::get<0>(total) << " rows\n";
  std::filesystem::remove_all(dir);
}
