#include "common/host.h"

#include <unistd.h>

namespace vigil {

std::string Hostname() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

}  // namespace vigil
