// Attack signatures as data (rules/logscan_signatures.yaml, built into the binary): attack
// classes (rule name, priorities, tags) and the signatures of each, every pattern compiled
// into ONE RE2::Set so a text is matched against all of them in a single pass.
//
// Immutable once loaded; Match and Indicator are const and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "events/alert.h"

namespace vigil::logscan {

// Which parts of a request a signature looks at.
enum FieldMask : uint8_t {
  kFieldUri = 1,
  kFieldUserAgent = 2,
  kFieldReferer = 4,
  kFieldMessage = 8,  // a plain or JSON line where no request was found
};
// "uri", "user_agent", "referer", "message".
std::string_view FieldName(FieldMask field);

struct AttackClass {
  std::string name;  // path_traversal, sqli, …
  std::string rule;  // "Path traversal in HTTP request"
  Priority priority = Priority::kWarning;
  // The priority when the server answered 2xx (the attack probably worked); else `priority`.
  Priority priority_on_success = Priority::kWarning;
  std::vector<std::string> tags;
  // A check in code that a match must also pass (reduces false alarms where a pattern alone
  // is too broad); kNone: the match suffices.
  enum class Confirm { kNone, kPathEscape } confirm = Confirm::kNone;
  // Its findings name a file on the server (traversal, inclusion): alerts carry log.target.
  bool names_file = false;
};

struct Signature {
  std::string id;  // "traversal.dotdot"
  std::size_t class_index = 0;
  std::string pattern;  // RE2 syntax, matched case-insensitively
  uint8_t fields = kFieldUri;
  std::string description;
};

class SignatureSet {
 public:
  SignatureSet(SignatureSet&&) noexcept;
  SignatureSet& operator=(SignatureSet&&) noexcept;
  ~SignatureSet();

  // Parses and compiles a signature file. Errors name the source, line and column
  // ("sigs.yaml:12:14: signature 'x': missing ')'").
  static Result<SignatureSet> Load(std::string_view yaml_text, std::string_view source_name);
  static Result<SignatureSet> LoadFile(const std::string& path);
  // The signatures built into vigil (rules/logscan_signatures.yaml).
  static Result<SignatureSet> BuiltIn();

  const std::vector<AttackClass>& classes() const { return classes_; }
  const std::vector<Signature>& signatures() const { return signatures_; }

  // Replaces `hits` with the indices (into signatures()) of every signature matching `text`.
  void Match(std::string_view text, std::vector<int>& hits) const;
  // The part of `text` signature `index` matched (empty if it does not match).
  std::string_view Indicator(int index, std::string_view text) const;

 private:
  struct Compiled;
  SignatureSet();

  std::vector<AttackClass> classes_;
  std::vector<Signature> signatures_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace vigil::logscan
