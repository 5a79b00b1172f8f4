#include "rules/tcp_data_interest.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/strings.h"
#include "rules/condition_walk.h"

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
    const Expr* condition = macros_.Enter(e.name);
    if (!condition) return Tri::kUnknown;
    Tri t = Of(*condition);
    macros_.Leave();
    return t;
  }

  // A comparison of a field whose value is known (`actual`) with the operand: = and in hold
  // when the operand names it, != when it does not; anything else is unknown.
  Tri Known(const Expr& e, std::string_view actual) {
    if (e.op != Op::kIn && e.op != Op::kEq && e.op != Op::kNe) return Tri::kUnknown;
    const std::vector<std::string> values = OperandValues(e, defs_);
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
  MacroStack macros_{defs_};
  std::string type_;
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
