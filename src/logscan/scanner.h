// The scanner: one parsed log line in, the attack classes it shows out. Each request field
// (URI, user agent, referer; a line's message when no request was found) is matched raw and in
// its canonical form (decode.h) against the one signature set; at most one finding per class.
//
// Not thread-safe (scratch buffers are reused between lines): one Scanner per thread. The
// SignatureSet must outlive it.
#pragma once

#include <string>
#include <vector>

#include "logscan/parse.h"
#include "logscan/signatures.h"

namespace vigil::logscan {

struct Finding {
  const AttackClass* attack = nullptr;
  const Signature* signature = nullptr;
  FieldMask field = kFieldUri;
  std::string indicator;  // what matched, in the (decoded) form it matched in
  std::string target;     // the file the request names, for classes that name files
  Priority priority = Priority::kWarning;
};

class Scanner {
 public:
  explicit Scanner(const SignatureSet& signatures) : signatures_(signatures) {}

  std::vector<Finding> Scan(const HttpRecord& record);
  // Parses and scans one line.
  std::vector<Finding> ScanLine(std::string_view line) { return Scan(ParseLine(line)); }

  // Fields longer than this are scanned up to this length (bounds the cost of hostile lines).
  static constexpr std::size_t kMaxFieldBytes = 16 * 1024;

 private:
  void ScanField(std::string_view text, FieldMask field, int status,
                 std::vector<Finding>& findings);
  void Collect(std::string_view text, FieldMask field, int status, std::vector<Finding>& findings);

  const SignatureSet& signatures_;
  std::vector<int> hits_;
};

}  // namespace vigil::logscan
