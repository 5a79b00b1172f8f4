// Decoders that undo the encodings attackers use to slip a payload past signatures: repeated
// percent-encoding, '+', %uXXXX, overlong UTF-8, HTML entities, backslashes, NUL bytes, dotted
// path tricks and case. Pure functions on untrusted bytes: any input is accepted, output never
// grows beyond the input's size (except %uXXXX, at most 3 bytes for 6), nothing throws.
#pragma once

#include <string>
#include <string_view>

namespace vigil::logscan {

// One pass of %XX (and %uXXXX, as UTF-8; fullwidth ASCII forms U+FF01..FF5E fold to ASCII)
// decoding; '+' becomes a space when `plus_as_space`. Malformed escapes stay as they are.
std::string PercentDecodeOnce(std::string_view in, bool plus_as_space = true);
// Overlong UTF-8 encodings of ASCII (C0 AF, E0 80 AF, F0 80 80 AF for '/') become the ASCII
// byte; everything else is copied.
std::string DecodeOverlongUtf8(std::string_view in);
// &lt; &gt; &quot; &apos; &amp; and a few more by name, &#60; &#x3c; (';' optional, leading
// zeros allowed). Unknown entities stay as they are.
std::string DecodeHtmlEntities(std::string_view in);
// Backslashes become '/', NUL bytes are dropped, runs of '/' collapse (not after ':', so
// "http://" survives), "/./" becomes "/", and three or more dots before a slash ("....//",
// ".../") become "../" (the shapes left after a filter strips "../" once).
std::string NormalizePath(std::string_view in);

// Log4j lookups resolved as Log4j would, innermost first: ${lower:j} and ${upper:j} give "j",
// ${env:X:-j} and ${::-j} their default "j", ${date:'j'} "j"; ${jndi:…} and lookups without a
// known value stay as written. Nesting deeper than 8 is copied unresolved.
std::string ResolveLog4jLookups(std::string_view in);

// True when the path of `uri`, or one of its parameter values, climbs above where it starts
// through ".." segments ("../x", "/a/../../x", "/static/..;/..;/x"); "/a/b/../c" does not.
// Expects a canonical text (NormalizePath applied).
bool EscapesRoot(std::string_view uri);

// The canonical form signatures see: percent, overlong UTF-8 and HTML decoding repeated until
// nothing changes (at most 4 rounds: double and triple encoding), Log4j lookups resolved (when
// "${" occurs), then NormalizePath, then ASCII lower case.
std::string Canonicalize(std::string_view in);

}  // namespace vigil::logscan
