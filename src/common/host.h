// Facts about the machine vigil runs on.
#pragma once

#include <string>

namespace vigil {

// The host name, as alerts carry it.
std::string Hostname();

}  // namespace vigil
