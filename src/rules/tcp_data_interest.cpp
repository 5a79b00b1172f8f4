#include "rules/tcp_data_interest.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/strings.h"

namespace vigil::rules {
namespace {

enum class Tri { kFalse, kTrue, kUnknown };

Tri Negate(Tri t) {
  return t == Tri::kTrue ? Tri::kFalse : t == Tri::kFalse ? Tri::kTrue : Tri::kUnknown;
}

// Evaluates a condition for "a `type` call on a TCP socket", knowing only the event type and
// the protocol.
class Analyzer {
 public:
  Analyzer(const Definitions& defs, EventType type) : defs_(defs), type_(EventTypeName(type)) {}

  Tri Of(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kAnd: {
        Tri out = Tri::kTrue;
        for (const auto& child : e.children) {
          Tri t = Of(*child);
          if (t == Tri::kFalse) return Tri::kFalse;
          if (t == Tri::kUnknown) out = Tri::kUnknown;
        }
        return out;
      }
      case Expr::Kind::kOr: {
        Tri out = Tri::kFalse;
        for (const auto& child : e.children) {
          Tri t = Of(*child);
          if (t == Tri::kTrue) return Tri::kTrue;
          if (t == Tri::kUnknown) out = Tri::kUnknown;
        }
        return out;
      }
      case Expr::Kind::kNot: return e.children.empty() ? Tri::kUnknown : Negate(Of(*e.children[0]));
      case Expr::Kind::kMacro: return Macro(e);
      case Expr::Kind::kCompare: return Compare(e);
    }
    return Tri::kUnknown;
  }

 private:
  Tri Macro(const Expr& e) {
    auto it = defs_.macros.find(e.name);
    if (it == defs_.macros.end() || !it->second.condition) return Tri::kUnknown;
    if (std::find(expanding_.begin(), expanding_.end(), e.name) != expanding_.end()) {
      return Tri::kUnknown;
    }
    expanding_.push_back(e.name);
    Tri t = Of(*it->second.condition);
    expanding_.pop_back();
    return t;
  }

  void Expand(const std::vector<ListItem>& items, std::vector<std::string>& out, int depth) {
    for (const auto& item : items) {
      auto it = item.quoted ? defs_.lists.end() : defs_.lists.find(item.text);
      if (it != defs_.lists.end() && depth < 32) {
        Expand(it->second.items, out, depth + 1);
      } else {
        out.push_back(item.text);
      }
    }
  }

  // A comparison of a field whose value is known (`actual`) with the operand: = and in hold
  // when the operand names it, != when it does not; anything else is unknown.
  Tri Known(const Expr& e, std::string_view actual) {
    std::vector<std::string> values;
    if (e.op == Op::kIn) {
      Expand(e.list, values, 0);
    } else if (e.op == Op::kEq || e.op == Op::kNe) {
      values.push_back(e.value);
    } else {
      return Tri::kUnknown;
    }
    const bool named = std::any_of(values.begin(), values.end(),
                                   [&](const std::string& v) { return ToLower(v) == actual; });
    if (e.op == Op::kNe) return named ? Tri::kFalse : Tri::kTrue;
    return named ? Tri::kTrue : Tri::kFalse;
  }

  Tri Compare(const Expr& e) {
    if (!e.left.transformers.empty() || e.value_field) return Tri::kUnknown;
    if (e.left.field == "evt.type") return Known(e, type_);
    if (e.left.field == "fd.l4proto") return Known(e, "tcp");
    return Tri::kUnknown;
  }

  const Definitions& defs_;
  std::string type_;
  std::vector<std::string> expanding_;
};

}  // namespace

bool IsDataCall(EventType type) {
  return type == EventType::kSendto || type == EventType::kSendmsg ||
         type == EventType::kRecvfrom || type == EventType::kRecvmsg;
}

TcpDataTypes TcpDataInterest(const Expr& condition, const Definitions& defs) {
  TcpDataTypes out;
  for (EventType type : {EventType::kSendto, EventType::kSendmsg, EventType::kRecvfrom,
                         EventType::kRecvmsg}) {
    if (Analyzer(defs, type).Of(condition) != Tri::kFalse) out.set(static_cast<std::size_t>(type));
  }
  return out;
}

}  // namespace vigil::rules
