#pragma once
// Error types shared by every module. Exceptions are for I/O, corrupt files and start-up; user input problems
// carry a location (file:line:column) so the message says exactly where the input is wrong.
#include <stdexcept>
#include <string>

namespace maillage {

// Where in an input something is: file, 1-based line, 1-based column (CSV field number), field name.
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;
  // "file:line:column" (parts that are unknown are left out)
  std::string str() const;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: the message reads "file:line:column: reason".
class InputError : public Error {
 public:
  InputError(const Location& where, const std::string& reason);
  const Location& where() const { return where_; }
  const std::string& reason() const { return reason_; }

 private:
  Location where_;
  std::string reason_;
};

// A request that names something that does not exist (place id, commune code...).
class NotFound : public Error {
 public:
  using Error::Error;
};

}  // namespace maillage
