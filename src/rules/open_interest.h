// Which opens a rule could match, as an OpenFilter the kernel can apply cheaply: for an open
// to satisfy a condition, some necessary signal must hold (a file name in a set, a path prefix,
// an open for writing, ...). The analysis reads the condition's syntax tree with macros and
// lists expanded and is conservative: where it cannot find a necessary signal it lets every
// open through.
#pragma once

#include "events/open_filter.h"
#include "rules/ast.h"
#include "rules/compiler.h"

namespace vigil::rules {

// The opens `condition` could match (it is a rule's condition, exceptions included).
OpenFilter OpenInterest(const Expr& condition, const Definitions& defs);

}  // namespace vigil::rules
