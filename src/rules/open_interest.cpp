#include "rules/open_interest.h"

#include <algorithm>
#include <map>

#include "common/paths.h"
#include "common/strings.h"
#include "rules/condition_walk.h"

namespace vigil::rules {
namespace {

// The kernel compares names in fixed-size keys; longer names cannot be checked there.
constexpr std::size_t kMaxKernelName = 31;  // VIGIL_FILTER_NAME_LEN - 1
constexpr std::size_t kMaxComm = 15;

// One necessary signal. Ranked by how cheap and selective the kernel check is: names are a
// lookup, "../" a scan of the path as passed, writes a flag test but common, prefixes need the
// full path walk, failures are frequent (library search paths).
// kContains (a file path containing a name part) has no kernel test of its own: it only gates
// a "../" scan (kDotdotGated: a "../" in the path as passed, for a file at one of `gate`'s
// prefixes or with one of its name parts).
struct Signal {
  enum class Kind { kLeaf, kParent, kComm, kDotdot, kDotdotGated, kPrefix, kWrite, kFailed,
                    kContains };
  Kind kind;
  std::string name;                 // kLeaf, kParent, kComm, kContains
  std::vector<std::string> prefix;  // kPrefix
  std::vector<Signal> gate;         // kDotdotGated: kPrefix and kContains signals
};

int Rank(Signal::Kind k) {
  switch (k) {
    case Signal::Kind::kLeaf:
    case Signal::Kind::kParent:
    case Signal::Kind::kComm: return 1;
    case Signal::Kind::kDotdotGated: return 2;
    case Signal::Kind::kDotdot: return 2;
    case Signal::Kind::kWrite: return 3;
    case Signal::Kind::kPrefix: return 4;
    case Signal::Kind::kFailed: return 5;
    case Signal::Kind::kContains: return 9;  // no kernel test alone: worse than any other
  }
  return 9;
}

// What an open must show to satisfy an expression: nothing possible (never), anything
// (always), or one of `signals`. `needs_success`: the expression also requires the open to
// have succeeded.
struct Need {
  enum class Kind { kNever, kAlways, kSignals };
  Kind kind = Kind::kAlways;
  std::vector<Signal> signals;
  bool needs_success = false;
  // The expression also requires an open for writing (a failed one can be tested for that).
  bool needs_write = false;

  static Need Never() { return Need{Kind::kNever, {}, false, false}; }
  static Need Always() { return Need{Kind::kAlways, {}, false, false}; }
  static Need Of(Signal s) {
    const bool write = s.kind == Signal::Kind::kWrite;
    return Need{Kind::kSignals, {std::move(s)}, false, write};
  }
  int Score() const {
    if (kind == Kind::kNever) return 0;
    if (kind == Kind::kAlways) return 10;
    int worst = 0;
    for (const auto& s : signals) worst = std::max(worst, Rank(s.kind));
    // Many signals are many kernel lookups: prefer the smaller set among equals.
    return worst;
  }
};

std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> out;
  for (auto part : Split(path, '/')) {
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// The directory components a glob pins down: '/home/*/.ssh/*' -> home, *, .ssh.
std::vector<std::string> GlobPrefix(std::string_view pattern) {
  std::vector<std::string> out;
  if (pattern.empty() || pattern.front() != '/') return out;
  for (auto& c : Components(pattern)) {
    if (c == "*") {
      out.push_back(c);
    } else if (HasWildcard(c)) {
      break;
    } else {
      out.push_back(c);
    }
  }
  // A trailing "*" adds nothing a prefix check needs.
  while (!out.empty() && out.back() == "*") out.pop_back();
  return out;
}

class Analyzer {
 public:
  explicit Analyzer(const Definitions& defs) : defs_(defs) {}

  Need Of(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kAnd: return And(e);
      case Expr::Kind::kOr: return Or(e);
      case Expr::Kind::kNot: return Need::Always();  // a negation pins nothing down
      case Expr::Kind::kMacro: return Macro(e);
      case Expr::Kind::kCompare: return Compare(e);
    }
    return Need::Always();
  }

 private:
  static bool AllOf(const Need& n, std::initializer_list<Signal::Kind> kinds) {
    if (n.kind != Need::Kind::kSignals || n.signals.empty()) return false;
    return std::all_of(n.signals.begin(), n.signals.end(), [&](const Signal& s) {
      return std::find(kinds.begin(), kinds.end(), s.kind) != kinds.end();
    });
  }

  // Every conjunct must hold, so any conjunct's need is the expression's: take the best one.
  // A "../" need is narrowed by a conjunct that places the file (prefixes, name parts).
  Need And(const Expr& e) {
    Need best = Need::Always();
    bool needs_success = false;
    bool needs_write = false;
    std::vector<Need> needs;
    for (const auto& child : e.children) {
      Need n = Of(*child);
      needs_success = needs_success || n.needs_success;
      needs_write = needs_write || n.needs_write;
      if (n.kind == Need::Kind::kNever) return Need::Never();
      if (n.Score() < best.Score() ||
          (n.Score() == best.Score() && n.signals.size() < best.signals.size())) {
        best = n;
      }
      needs.push_back(std::move(n));
    }
    if (AllOf(best, {Signal::Kind::kDotdot})) {
      const Need* gate = nullptr;
      for (const auto& n : needs) {
        if (AllOf(n, {Signal::Kind::kPrefix, Signal::Kind::kContains}) &&
            (!gate || n.signals.size() < gate->signals.size())) {
          gate = &n;
        }
      }
      if (gate) best = Need::Of(Signal{Signal::Kind::kDotdotGated, "", {}, gate->signals});
    }
    best.needs_success = best.needs_success || needs_success;
    best.needs_write = best.needs_write || needs_write;
    return best;
  }

  // Any disjunct may hold: their signals together. It needs success if every disjunct that
  // can hold does ("open_read or open_directory": both say fd.num >= 0).
  Need Or(const Expr& e) {
    Need out = Need::Never();
    bool all_need_success = true;
    bool all_need_write = true;
    bool always = false;
    for (const auto& child : e.children) {
      Need n = Of(*child);
      if (n.kind == Need::Kind::kNever) continue;
      all_need_success = all_need_success && n.needs_success;
      all_need_write = all_need_write && n.needs_write;
      if (n.kind == Need::Kind::kAlways) always = true;
      if (always) continue;
      out.kind = Need::Kind::kSignals;
      for (auto& s : n.signals) out.signals.push_back(std::move(s));
    }
    if (always) out = Need::Always();
    out.needs_success = out.kind != Need::Kind::kNever && all_need_success;
    out.needs_write = out.kind != Need::Kind::kNever && all_need_write;
    return out;
  }

  Need Macro(const Expr& e) {
    const Expr* condition = macros_.Enter(e.name);
    if (!condition) return Need::Always();
    Need n = Of(*condition);
    macros_.Leave();
    return n;
  }

  std::vector<std::string> Values(const Expr& e) { return OperandValues(e, defs_); }

  static Need Names(Signal::Kind kind, const std::vector<std::string>& names, std::size_t limit) {
    Need n = Need::Never();
    for (const auto& name : names) {
      if (name.empty() || name.size() > limit) {
        if (kind == Signal::Kind::kComm) continue;  // a comm that long can never match
        return Need::Always();
      }
      n.kind = Need::Kind::kSignals;
      n.signals.push_back(Signal{kind, name, {}, {}});
    }
    return n;
  }

  static Need Prefixes(const std::vector<std::vector<std::string>>& prefixes) {
    Need n = Need::Never();
    for (const auto& p : prefixes) {
      if (p.empty()) return Need::Always();  // "/" is everything
      n.kind = Need::Kind::kSignals;
      n.signals.push_back(Signal{Signal::Kind::kPrefix, "", p, {}});
    }
    return n;
  }

  Need Compare(const Expr& e) {
    if (!e.left.transformers.empty() || e.value_field) return Need::Always();
    const std::string& field = e.left.field;
    const Op op = e.op;
    const bool equality = op == Op::kEq || op == Op::kIn || op == Op::kIntersects;

    if (field == "evt.type" && equality) {
      bool open = false, only_creat = true;
      for (const auto& name : Values(e)) {
        auto t = EventTypeFromName(name);
        if (t && IsOpenFamily(*t)) {
          open = true;
          only_creat = only_creat && *t == EventType::kCreat;
        }
      }
      if (!open) return Need::Never();  // this check cannot hold for an open
      // creat is always an open for writing (O_CREAT|O_WRONLY|O_TRUNC).
      return only_creat ? Need::Of(Signal{Signal::Kind::kWrite, "", {}, {}}) : Need::Always();
    }
    if (field == "fd.name" || field == "fd.directory") {
      const bool directory = field == "fd.directory";
      if (equality) {
        std::vector<std::string> names;
        for (const auto& v : Values(e)) {
          if (v.empty() || v.front() != '/') return Need::Always();
          std::string norm = NormalizePath(v);
          if (norm == "/") return Need::Always();
          names.emplace_back(BaseName(norm));
        }
        return Names(directory ? Signal::Kind::kParent : Signal::Kind::kLeaf, names,
                     kMaxKernelName);
      }
      if (op == Op::kStartsWith || op == Op::kPmatch) {
        std::vector<std::vector<std::string>> prefixes;
        for (const auto& v : Values(e)) {
          if (v.empty() || v.front() != '/') return Need::Always();
          auto parts = Components(v);
          // startswith /dev/sd: the last component is partial, keep the directories.
          if (op == Op::kStartsWith && !v.ends_with('/') && !parts.empty()) parts.pop_back();
          for (const auto& p : parts) {
            if (p.size() > kMaxKernelName || HasWildcard(p)) return Need::Always();
          }
          prefixes.push_back(std::move(parts));
        }
        return Prefixes(prefixes);
      }
      if (op == Op::kContains && !directory && !e.value.empty() &&
          e.value.find('/') == std::string::npos) {
        return Need::Of(Signal{Signal::Kind::kContains, e.value, {}, {}});
      }
      if (op == Op::kGlob) {
        auto prefix = GlobPrefix(e.value);
        for (const auto& p : prefix) {
          if (p.size() > kMaxKernelName) return Need::Always();
        }
        return Prefixes({prefix});
      }
      return Need::Always();
    }
    if (field == "fd.filename" && equality) {
      return Names(Signal::Kind::kLeaf, Values(e), kMaxKernelName);
    }
    if (field == "fd.nameraw" && (op == Op::kContains || op == Op::kGlob) &&
        e.value.find("../") != std::string::npos) {
      return Need::Of(Signal{Signal::Kind::kDotdot, "", {}, {}});
    }
    if (field == "proc.name" && equality) return Names(Signal::Kind::kComm, Values(e), kMaxComm);
    if ((field == "evt.is_open_write" || field == "evt.is_open_exec" ||
         field == "evt.is_open_create") && op == Op::kEq && ToLower(e.value) == "true") {
      return Need::Of(Signal{Signal::Kind::kWrite, "", {}, {}});
    }
    if (field == "evt.arg.flags" && op == Op::kContains &&
        (e.value == "O_CREAT" || e.value == "O_TRUNC" || e.value == "O_WRONLY" ||
         e.value == "O_RDWR" || e.value == "O_TMPFILE")) {
      return Need::Of(Signal{Signal::Kind::kWrite, "", {}, {}});
    }
    if (field == "fd.num" || field == "evt.rawres") {
      auto n = ParseInt(e.value);
      if (n && ((op == Op::kGe && *n >= 0) || (op == Op::kGt && *n >= -1))) {
        Need always = Need::Always();
        always.needs_success = true;
        return always;
      }
      if (n && ((op == Op::kLt && *n <= 0) || (op == Op::kLe && *n < 0))) {
        return Need::Of(Signal{Signal::Kind::kFailed, "", {}, {}});
      }
    }
    if (field == "evt.failed" && op == Op::kEq && ToLower(e.value) == "true") {
      return Need::Of(Signal{Signal::Kind::kFailed, "", {}, {}});
    }
    return Need::Always();
  }

  const Definitions& defs_;
  MacroStack macros_{defs_};
};

}  // namespace

OpenFilter OpenInterest(const Expr& condition, const Definitions& defs) {
  Need need = Analyzer(defs).Of(condition);
  if (need.kind == Need::Kind::kNever) return OpenFilter::PassNone();
  if (need.kind == Need::Kind::kAlways) {
    // Only "it must succeed" is known: the kernel has no cheaper test than sending it.
    return OpenFilter::PassAll();
  }
  OpenFilter f = OpenFilter::PassNone();
  for (const auto& s : need.signals) {
    if (s.kind == Signal::Kind::kContains) return OpenFilter::PassAll();  // no kernel test
  }
  for (const auto& s : need.signals) {
    switch (s.kind) {
      case Signal::Kind::kContains: break;
      case Signal::Kind::kDotdotGated:
        f.gated_dotdot = true;
        for (const auto& g : s.gate) {
          if (g.kind == Signal::Kind::kPrefix) f.dotdot_gate_prefixes.push_back(g.prefix);
          if (g.kind == Signal::Kind::kContains) f.dotdot_gate_contains.insert(g.name);
        }
        break;
      case Signal::Kind::kLeaf: f.leaves.insert(s.name); break;
      case Signal::Kind::kParent: f.parents.insert(s.name); break;
      case Signal::Kind::kComm: f.comms.insert(s.name); break;
      case Signal::Kind::kDotdot: f.raw_dotdot = true; break;
      case Signal::Kind::kPrefix: f.prefixes.push_back(s.prefix); break;
      case Signal::Kind::kWrite: f.writes = true; break;
      case Signal::Kind::kFailed: f.failures = true; break;
    }
    // A failed open has no file to name: name signals cannot be checked on it, so failures
    // pass unless the condition requires success.
    bool by_name = s.kind == Signal::Kind::kLeaf || s.kind == Signal::Kind::kParent ||
                   s.kind == Signal::Kind::kPrefix;
    if (by_name && !need.needs_success) {
      if (need.needs_write) {
        f.failed_writes = true;  // only a failed open for writing can match
      } else {
        f.failures = true;
      }
    }
  }
  return f;
}

}  // namespace vigil::rules
