// Shell-style wildcard matching on string views, without allocation: '*' any run (slashes
// included, as Falco's glob), '?' one character, '[abc]', '[a-z]', '[!x]' classes.
#pragma once

#include <string_view>

namespace vigil {

bool GlobMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

}  // namespace vigil
