// Capture files: the event stream plus the facts needed to evaluate rules on it later
// (container metadata, user names), so `vigil replay` alerts as `vigil run` would have.
//
// Format (little-endian), version 6 (2: 16-bit event types; 3: caps, vpid, exe facts, env;
// 4: syscall arguments; 5: descriptor info; 6: session id, executable's times, group names, data buffers):
//   header  "VIGILCAP" u32 version u32 flags(0)
//   record  u32 kind, u32 payload length, u32 CRC-32 of the payload, payload
//   trailer a record of kind kEnd whose payload is the u64 count of records before it
// A file without the trailer was cut short (the writer was killed) and is rejected as truncated.
// Writers and readers are single-threaded objects.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "common/result.h"
#include "events/container.h"
#include "events/event.h"

namespace vigil {

inline constexpr uint32_t kCaptureVersion = 6;

class CaptureWriter {
 public:
  // Creates or truncates `path`.
  static Result<std::unique_ptr<CaptureWriter>> Create(const std::string& path);
  ~CaptureWriter();
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  Status Write(const Event& event);
  Status Write(const ContainerInfo& container);
  Status Write(const UserInfo& user);
  // Writes the trailer and closes the file. Without it the capture reads as truncated.
  Status Finish();
  uint64_t records() const { return records_; }

 private:
  CaptureWriter(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  Status WriteRecord(uint32_t kind, const std::string& payload);

  std::FILE* file_;
  std::string path_;
  uint64_t records_ = 0;
  std::string buffer_;
};

using CaptureRecord = std::variant<Event, ContainerInfo, UserInfo>;

class CaptureReader {
 public:
  static Result<std::unique_ptr<CaptureReader>> Open(const std::string& path);
  ~CaptureReader();
  CaptureReader(const CaptureReader&) = delete;
  CaptureReader& operator=(const CaptureReader&) = delete;

  // The next record, or std::nullopt at the (verified) end of the capture. Any damage — a
  // cut-short file, a checksum mismatch, an undecodable record — is an error naming the
  // record number and byte offset.
  Result<std::optional<CaptureRecord>> Next();

 private:
  CaptureReader(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  std::FILE* file_;
  std::string path_;
  uint64_t records_ = 0;
  uint64_t offset_ = 0;
  bool done_ = false;
  std::string payload_;
};

// Reads every record of the capture at `path` in order, handing each to `on_record`. Any damage
// (a foreign, truncated or corrupt file) is the error.
Status ForEachRecord(const std::string& path,
                     const std::function<void(CaptureRecord& record)>& on_record);

// Payload codecs, exposed for tests.
std::string EncodeEvent(const Event& event);
Status DecodeEvent(std::string_view payload, Event& out);

}  // namespace vigil
