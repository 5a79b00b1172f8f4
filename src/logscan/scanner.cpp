#include "logscan/scanner.h"

#include "logscan/correlator.h"
#include "logscan/decode.h"

namespace vigil::logscan {

std::vector<Finding> Scanner::Scan(const HttpRecord& record) {
  std::vector<Finding> findings;
  if (record.has_request()) {
    ScanField(record.uri, kFieldUri, record.status, findings);
    ScanField(record.user_agent, kFieldUserAgent, record.status, findings);
    ScanField(record.referer, kFieldReferer, record.status, findings);
  } else {
    ScanField(record.message, kFieldMessage, record.status, findings);
  }
  return findings;
}

void Scanner::ScanField(std::string_view text, FieldMask field, int status,
                        std::vector<Finding>& findings) {
  if (text.empty()) return;
  if (text.size() > kMaxFieldBytes) text = text.substr(0, kMaxFieldBytes);
  const std::string canonical = Canonicalize(text);
  Collect(canonical, field, status, findings);  // first: its indicator is the decoded one
  Collect(text, field, status, findings);
}

void Scanner::Collect(std::string_view text, FieldMask field, int status,
                      std::vector<Finding>& findings) {
  signatures_.Match(text, hits_);
  for (int index : hits_) {
    const Signature& signature = signatures_.signatures()[index];
    if ((signature.fields & field) == 0) continue;
    const AttackClass& attack = signatures_.classes()[signature.class_index];
    bool seen = false;
    for (const Finding& f : findings) seen = seen || f.attack == &attack;
    if (seen) continue;
    if (attack.confirm == AttackClass::Confirm::kPathEscape &&
        !EscapesRoot(field == kFieldUri ? Canonicalize(text) : std::string(text))) {
      continue;
    }
    Finding finding;
    finding.attack = &attack;
    finding.signature = &signature;
    finding.field = field;
    std::string_view indicator = signatures_.Indicator(index, text);
    // The parameter boundary a pattern anchors on ("=../") is not part of the payload.
    const auto start = indicator.find_first_not_of("=?& \t");
    if (start != std::string_view::npos && start > 0 && indicator.size() - start >= 2) {
      indicator.remove_prefix(start);
    }
    finding.indicator = std::string(indicator);
    if (attack.names_file && field == kFieldUri) {
      finding.target = TargetPath(Canonicalize(text), finding.indicator);
    }
    finding.priority = status >= 200 && status < 300 ? attack.priority_on_success : attack.priority;
    findings.push_back(std::move(finding));
  }
}

}  // namespace vigil::logscan
