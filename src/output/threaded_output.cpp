#include "output/threaded_output.h"

namespace vigil::output {

ThreadedOutput::~ThreadedOutput() {
  // Normally joined by the derived destructor's Close; this only keeps std::thread from
  // terminating the process if one forgot.
  Close(std::chrono::milliseconds(0));
}

void ThreadedOutput::StartThread() {
  thread_ = std::thread([this] { Run(); });
}

void ThreadedOutput::Close(std::chrono::milliseconds grace) {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    deadline_ = std::chrono::steady_clock::now() + grace;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

}  // namespace vigil::output
