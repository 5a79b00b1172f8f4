# Script mode helper for embed_text(): writes INPUT as a C++ string constant SYMBOL into OUTPUT.
file(READ ${INPUT} content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT}; do not edit.\n#include <cstddef>\nnamespace vigil::embedded {\nextern const char ${SYMBOL}[];\nextern const std::size_t ${SYMBOL}_size;\nconst char ${SYMBOL}[] = {${bytes} '\\0'};\nconst std::size_t ${SYMBOL}_size = ${byte_count};\n}\n")
