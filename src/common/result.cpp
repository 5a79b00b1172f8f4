#include "common/result.h"

#include <cstring>

namespace vigil {

std::string ErrnoText(int err) {
  char buffer[256];
  // GNU strerror_r returns the message pointer, which may or may not be `buffer`.
  return strerror_r(err, buffer, sizeof(buffer));
}

}  // namespace vigil
