// What QueuedOutput and HttpOutput share: an Output that delivers on a thread of its own, and
// the way it stops. Close(grace) marks it closing with a deadline, wakes the thread and joins
// it; the thread's Run() delivers what it holds until the deadline and returns.
//
// Thread-safety: mutex_ guards what the derived class shares with its thread, and closing()
// and late(); wake_ wakes the thread. Close and the derived class's destructor are called from
// the owner's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "output/output.h"

namespace vigil::output {

class ThreadedOutput : public Output {
 public:
  ~ThreadedOutput() override;
  ThreadedOutput(const ThreadedOutput&) = delete;
  ThreadedOutput& operator=(const ThreadedOutput&) = delete;

  // Idempotent; what is left after `grace` is the derived class's to spill or count.
  void Close(std::chrono::milliseconds grace) final;

 protected:
  ThreadedOutput() = default;

  // Starts Run() on the output's thread: the last statement of the derived constructor, once
  // every member Run() uses exists. The derived destructor must call Close (which joins the
  // thread) before its own members go.
  void StartThread();
  // The thread's body: returns once closing() and its work is done or late().
  virtual void Run() = 0;

  // With mutex_ held: Close was called; and its grace period is over.
  bool closing() const { return closing_; }
  bool late() const { return closing_ && std::chrono::steady_clock::now() >= deadline_; }

  mutable std::mutex mutex_;
  std::condition_variable wake_;

 private:
  bool closing_ = false;                            // guarded by mutex_
  std::chrono::steady_clock::time_point deadline_;  // guarded by mutex_
  bool closed_ = false;                             // the owner's thread only
  std::thread thread_;
};

}  // namespace vigil::output
