// Rule exceptions (Falco's `exceptions:` key), compiled as Falco does: each exception becomes
// `and not (...)` on the rule's condition.
//   fields: [proc.name, fd.name]   comps: [=, startswith]
//   values: [[nginx, /usr/bin/nginx], [apache, /bin]]
//     -> and not ((proc.name = nginx and fd.name startswith /usr/bin/nginx) or (...))
//   fields: proc.name   comps: in (the default for one field)   values: [nginx, apache]
//     -> and not proc.name in (nginx, apache)
#pragma once

#include <string>
#include <vector>

#include "rules/ast.h"

namespace vigil::rules {

// One entry of a values tuple: a scalar, or a list (for in, intersects, pmatch).
struct ExceptionValue {
  std::string text;
  bool is_list = false;
  std::vector<ListItem> list;
  Location location;
};

struct ExceptionDef {
  std::string name;
  Location location;
  bool single_field = false;           // `fields:` was a scalar
  std::vector<std::string> fields;
  std::vector<Location> field_locations;
  std::vector<std::string> comps;      // one per field; defaults filled by the loader
  std::vector<std::vector<ExceptionValue>> values;  // tuples (one entry each when single_field)
};

// The expression an exception excludes (the part after `and not`), or null when it has no
// values. Operators are checked here; fields are checked by the compiler like any other.
// Errors are appended to `diagnostics`.
ExprPtr BuildExceptionExpr(const ExceptionDef& exception, std::vector<Diagnostic>& diagnostics);

// `condition and not e1 and not e2 ...`
ExprPtr ApplyExceptions(ExprPtr condition, std::vector<ExprPtr> excluded);

}  // namespace vigil::rules
