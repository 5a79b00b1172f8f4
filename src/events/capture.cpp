#include "events/capture.h"

#include <cerrno>
#include <cstring>

#include <zlib.h>

namespace vigil {
namespace {

constexpr char kMagic[8] = {'V', 'I', 'G', 'I', 'L', 'C', 'A', 'P'};
constexpr uint32_t kMaxPayload = 16u << 20;

enum RecordKind : uint32_t {
  kEventRecord = 1,
  kContainerRecord = 2,
  kUserRecord = 3,
  kGroupRecord = 4,  // as kUserRecord, the id a gid
  kEnd = 0x00444e45,  // "END"
};

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) { out_.clear(); }
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Raw(&v, sizeof(v)); }
  void U32(uint32_t v) { Raw(&v, sizeof(v)); }
  void U64(uint64_t v) { Raw(&v, sizeof(v)); }
  void I64(int64_t v) { Raw(&v, sizeof(v)); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }

 private:
  void Raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  bool U8(uint8_t& v) { return Raw(&v, sizeof(v)); }
  bool U16(uint16_t& v) { return Raw(&v, sizeof(v)); }
  bool U32(uint32_t& v) { return Raw(&v, sizeof(v)); }
  bool I32(int32_t& v) { return Raw(&v, sizeof(v)); }
  bool U64(uint64_t& v) { return Raw(&v, sizeof(v)); }
  bool I64(int64_t& v) { return Raw(&v, sizeof(v)); }
  bool Str(std::string& s) {
    uint32_t n = 0;
    if (!U32(n) || n > in_.size() - pos_) return false;
    s.assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  bool Raw(void* p, std::size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

uint32_t Crc(std::string_view data) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

void EncodeContainer(const ContainerInfo& c, std::string& out) {
  ByteWriter w(out);
  w.Str(c.id);
  w.Str(c.full_id);
  w.Str(c.runtime);
  w.Str(c.name);
  w.Str(c.image);
  w.Str(c.image_repository);
  w.Str(c.image_tag);
  w.Str(c.image_digest);
  w.Str(c.image_id);
  w.U8(c.privileged ? 1 : 0);
  w.U32(static_cast<uint32_t>(c.labels.size()));
  for (const auto& [k, v] : c.labels) {
    w.Str(k);
    w.Str(v);
  }
  w.U32(static_cast<uint32_t>(c.rootfs_dirs.size()));
  for (const auto& d : c.rootfs_dirs) w.Str(d);
  w.U64(c.started_ns);
  w.U32(static_cast<uint32_t>(c.mounts.size()));
  for (const auto& m : c.mounts) {
    w.Str(m.source);
    w.Str(m.destination);
    w.Str(m.mode);
    w.U8(m.read_write ? 1 : 0);
    w.Str(m.propagation);
  }
}

bool DecodeContainer(std::string_view payload, ContainerInfo& c) {
  ByteReader r(payload);
  uint8_t privileged = 0;
  uint32_t labels = 0;
  if (!(r.Str(c.id) && r.Str(c.full_id) && r.Str(c.runtime) && r.Str(c.name) && r.Str(c.image) &&
        r.Str(c.image_repository) && r.Str(c.image_tag) && r.Str(c.image_digest) &&
        r.Str(c.image_id) && r.U8(privileged) && r.U32(labels))) {
    return false;
  }
  c.privileged = privileged != 0;
  for (uint32_t i = 0; i < labels; ++i) {
    std::string k, v;
    if (!r.Str(k) || !r.Str(v)) return false;
    c.labels.emplace(std::move(k), std::move(v));
  }
  uint32_t dirs = 0;
  if (!r.U32(dirs) || dirs > payload.size()) return false;
  c.rootfs_dirs.resize(dirs);
  for (auto& d : c.rootfs_dirs) {
    if (!r.Str(d)) return false;
  }
  uint32_t mounts = 0;
  if (!r.U64(c.started_ns) || !r.U32(mounts) || mounts > payload.size()) return false;
  c.mounts.resize(mounts);
  for (auto& m : c.mounts) {
    uint8_t rw = 0;
    if (!(r.Str(m.source) && r.Str(m.destination) && r.Str(m.mode) && r.U8(rw) &&
          r.Str(m.propagation))) {
      return false;
    }
    m.read_write = rw != 0;
  }
  return r.AtEnd();
}

}  // namespace

std::string EncodeEvent(const Event& e) {
  std::string out;
  ByteWriter w(out);
  w.U16(static_cast<uint16_t>(e.type));
  w.U64(e.num);
  w.U64(e.ts_ns);
  w.U32(e.pid);
  w.U32(e.tid);
  w.U32(e.ppid);
  w.U32(e.uid);
  w.U32(e.gid);
  w.U32(e.loginuid);
  w.U64(e.cgroup_id);
  w.Str(e.comm);
  w.Str(e.exe_path);
  w.Str(e.exe_filename);
  w.U32(static_cast<uint32_t>(e.args.size()));
  for (const auto& a : e.args) w.Str(a);
  w.Str(e.cwd);
  w.Str(e.cgroup_path);
  w.U32(e.tty);
  w.U32(static_cast<uint32_t>(e.exit_code));
  w.I64(e.ret);
  w.U32(e.open_flags);
  w.U32(e.open_mode);
  w.U32(static_cast<uint32_t>(e.dirfd));
  w.U32(e.file_mode);
  w.Str(e.path_raw);
  w.Str(e.path);
  w.U8(e.path_truncated ? 1 : 0);
  w.U32(e.vpid);
  w.U64(e.cap_effective);
  w.U64(e.cap_permitted);
  w.U8(static_cast<uint8_t>((e.caps_known ? 1 : 0) | (e.exe_facts_known ? 2 : 0) |
                            (e.exe_upper_layer ? 4 : 0) | (e.exe_from_memfd ? 8 : 0) |
                            (e.exe_writable ? 16 : 0) | (e.pgid_known ? 32 : 0) |
                            (e.pgid_leader ? 64 : 0)));
  w.Str(e.buffer);
  w.U32(e.sid);
  w.U64(e.exe_mtime_ns);
  w.U64(e.exe_ctime_ns);
  w.U32(static_cast<uint32_t>(e.env.size()));
  for (const auto& v : e.env) w.Str(v);
  for (auto a : e.syscall_args) w.U64(a);
  for (std::size_t i = 0; i < e.syscall_strings.size(); ++i) {
    w.U8(static_cast<uint8_t>(e.syscall_string_arg[i]));
    w.Str(e.syscall_strings[i]);
  }
  const auto& f = e.fd_info;
  w.U8(static_cast<uint8_t>(f.kind));
  w.U8(f.sock_type);
  w.U16(f.protocol);
  w.U16(f.local_port);
  w.U16(f.remote_port);
  for (auto b : f.local_addr) w.U8(b);
  for (auto b : f.remote_addr) w.U8(b);
  w.I64(f.fd);
  w.U8(f.peer_from_call ? 1 : 0);
  return out;
}

Status DecodeEvent(std::string_view payload, Event& e) {
  e.Reset();
  ByteReader r(payload);
  uint16_t type = 0;
  uint8_t truncated = 0;
  uint32_t nargs = 0;
  bool ok = r.U16(type) && r.U64(e.num) && r.U64(e.ts_ns) && r.U32(e.pid) && r.U32(e.tid) &&
            r.U32(e.ppid) && r.U32(e.uid) && r.U32(e.gid) && r.U32(e.loginuid) &&
            r.U64(e.cgroup_id) && r.Str(e.comm) && r.Str(e.exe_path) && r.Str(e.exe_filename) &&
            r.U32(nargs);
  if (!ok) return Fail("event record too short");
  if (type == 0 || type >= kEventTypeCount) return Fail("unknown event type {}", type);
  e.type = static_cast<EventType>(type);
  if (nargs > payload.size()) return Fail("argument count {} exceeds the record", nargs);
  e.args.resize(nargs);
  for (auto& a : e.args) {
    if (!r.Str(a)) return Fail("event record too short");
  }
  uint8_t facts = 0;
  uint32_t nenv = 0;
  ok = r.Str(e.cwd) && r.Str(e.cgroup_path) && r.U32(e.tty) && r.I32(e.exit_code) && r.I64(e.ret) &&
       r.U32(e.open_flags) && r.U32(e.open_mode) && r.I32(e.dirfd) && r.U32(e.file_mode) &&
       r.Str(e.path_raw) && r.Str(e.path) && r.U8(truncated) && r.U32(e.vpid) &&
       r.U64(e.cap_effective) && r.U64(e.cap_permitted) && r.U8(facts) && r.Str(e.buffer) && r.U32(e.sid) &&
       r.U64(e.exe_mtime_ns) && r.U64(e.exe_ctime_ns) && r.U32(nenv);
  if (!ok) return Fail("event record too short");
  if (nenv > payload.size()) return Fail("environment count {} exceeds the record", nenv);
  e.env.resize(nenv);
  for (auto& v : e.env) {
    if (!r.Str(v)) return Fail("event record too short");
  }
  for (auto& a : e.syscall_args) {
    if (!r.U64(a)) return Fail("event record too short");
  }
  for (std::size_t i = 0; i < e.syscall_strings.size(); ++i) {
    uint8_t arg = 0;
    if (!r.U8(arg) || !r.Str(e.syscall_strings[i])) return Fail("event record too short");
    e.syscall_string_arg[i] = static_cast<int8_t>(arg);
  }
  {
    auto& f = e.fd_info;
    uint8_t kind = 0;
    bool fd_ok = r.U8(kind) && r.U8(f.sock_type) && r.U16(f.protocol) && r.U16(f.local_port) &&
                 r.U16(f.remote_port);
    for (auto& b : f.local_addr) fd_ok = fd_ok && r.U8(b);
    for (auto& b : f.remote_addr) fd_ok = fd_ok && r.U8(b);
    uint8_t fd_flags = 0;
    fd_ok = fd_ok && r.I64(f.fd) && r.U8(fd_flags);
    if (!fd_ok) return Fail("event record too short");
    f.peer_from_call = fd_flags & 1;
    if (kind > static_cast<uint8_t>(Event::FdInfo::Kind::kOther)) return Fail("bad descriptor kind");
    f.kind = static_cast<Event::FdInfo::Kind>(kind);
  }
  e.caps_known = facts & 1;
  e.exe_facts_known = facts & 2;
  e.exe_upper_layer = facts & 4;
  e.exe_from_memfd = facts & 8;
  e.exe_writable = facts & 16;
  e.pgid_known = facts & 32;
  e.pgid_leader = facts & 64;
  if (!r.AtEnd()) return Fail("event record has trailing bytes");
  e.path_truncated = truncated != 0;
  return {};
}

// ------------------------------------------------------------------------------------ writer

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return Fail("create capture {}: {}", path, ErrnoText(errno));
  std::unique_ptr<CaptureWriter> writer(new CaptureWriter(file, path));
  uint32_t header[2] = {kCaptureVersion, 0};
  if (std::fwrite(kMagic, sizeof(kMagic), 1, file) != 1 ||
      std::fwrite(header, sizeof(header), 1, file) != 1) {
    return Fail("write capture {}: {}", path, ErrnoText(errno));
  }
  return writer;
}

CaptureWriter::~CaptureWriter() {
  if (file_) std::fclose(file_);
}

Status CaptureWriter::WriteRecord(uint32_t kind, const std::string& payload) {
  if (!file_) return Fail("write capture {}: already finished", path_);
  uint32_t head[3] = {kind, static_cast<uint32_t>(payload.size()), Crc(payload)};
  if (std::fwrite(head, sizeof(head), 1, file_) != 1 ||
      (!payload.empty() && std::fwrite(payload.data(), payload.size(), 1, file_) != 1)) {
    return Fail("write capture {}: {}", path_, ErrnoText(errno));
  }
  ++records_;
  return {};
}

Status CaptureWriter::Write(const Event& event) { return WriteRecord(kEventRecord, EncodeEvent(event)); }

Status CaptureWriter::Write(const ContainerInfo& container) {
  EncodeContainer(container, buffer_);
  return WriteRecord(kContainerRecord, buffer_);
}

Status CaptureWriter::Write(const UserInfo& user) {
  ByteWriter w(buffer_);
  w.Str(user.container_id);
  w.U32(user.uid);
  w.Str(user.name);
  return WriteRecord(user.group ? kGroupRecord : kUserRecord, buffer_);
}

Status CaptureWriter::Finish() {
  ByteWriter w(buffer_);
  w.U64(records_);
  if (auto s = WriteRecord(kEnd, buffer_); !s) return s;
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Fail("close capture {}: {}", path_, ErrnoText(errno));
  return {};
}

// ------------------------------------------------------------------------------------ reader

Result<std::unique_ptr<CaptureReader>> CaptureReader::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return Fail("open capture {}: {}", path, ErrnoText(errno));
  std::unique_ptr<CaptureReader> reader(new CaptureReader(file, path));
  char magic[8];
  uint32_t header[2];
  if (std::fread(magic, sizeof(magic), 1, file) != 1 || std::memcmp(magic, kMagic, 8) != 0) {
    return Fail("{}: not a vigil capture (no VIGILCAP header)", path);
  }
  if (std::fread(header, sizeof(header), 1, file) != 1) {
    return Fail("{}: truncated capture header", path);
  }
  if (header[0] != kCaptureVersion) {
    return Fail("{}: capture format version {} is not supported (this vigil reads version {})",
                path, header[0], kCaptureVersion);
  }
  reader->offset_ = sizeof(magic) + sizeof(header);
  return reader;
}

CaptureReader::~CaptureReader() {
  if (file_) std::fclose(file_);
}

Result<std::optional<CaptureRecord>> CaptureReader::Next() {
  if (done_) return std::optional<CaptureRecord>();
  uint32_t head[3];
  std::size_t got = std::fread(head, 1, sizeof(head), file_);
  if (got == 0 && std::feof(file_)) {
    return Fail("{}: truncated: the capture ends after {} records without its end marker "
                "(was the writer killed?)", path_, records_);
  }
  if (got != sizeof(head)) {
    return Fail("{}: truncated at byte {}: record {} header incomplete", path_, offset_, records_ + 1);
  }
  const uint32_t kind = head[0], length = head[1], crc = head[2];
  if (length > kMaxPayload) {
    return Fail("{}: corrupt at byte {}: record {} claims {} bytes", path_, offset_, records_ + 1,
                length);
  }
  payload_.resize(length);
  if (length && std::fread(payload_.data(), 1, length, file_) != length) {
    return Fail("{}: truncated at byte {}: record {} is cut short", path_, offset_, records_ + 1);
  }
  if (Crc(payload_) != crc) {
    return Fail("{}: corrupt at byte {}: record {} fails its checksum", path_, offset_, records_ + 1);
  }
  const uint64_t record_offset = offset_;
  offset_ += sizeof(head) + length;
  auto corrupt = [&](const std::string& why) {
    return Fail("{}: corrupt at byte {}: record {}: {}", path_, record_offset, records_ + 1, why);
  };
  switch (kind) {
    case kEnd: {
      uint64_t count = 0;
      if (length != sizeof(count)) return corrupt("bad end marker");
      std::memcpy(&count, payload_.data(), sizeof(count));
      if (count != records_) {
        return corrupt(fmt::format("end marker counts {} records, the file has {}", count, records_));
      }
      done_ = true;
      return std::optional<CaptureRecord>();
    }
    case kEventRecord: {
      Event event;
      if (auto s = DecodeEvent(payload_, event); !s) return corrupt(s.error().message);
      ++records_;
      return std::optional<CaptureRecord>(std::move(event));
    }
    case kContainerRecord: {
      ContainerInfo container;
      if (!DecodeContainer(payload_, container)) return corrupt("bad container record");
      ++records_;
      return std::optional<CaptureRecord>(std::move(container));
    }
    case kUserRecord:
    case kGroupRecord: {
      UserInfo user;
      user.group = kind == kGroupRecord;
      ByteReader r(payload_);
      if (!(r.Str(user.container_id) && r.U32(user.uid) && r.Str(user.name) && r.AtEnd())) {
        return corrupt("bad user record");
      }
      ++records_;
      return std::optional<CaptureRecord>(std::move(user));
    }
    default:
      return corrupt(fmt::format("unknown record kind {}", kind));
  }
}

Status ForEachRecord(const std::string& path,
                     const std::function<void(CaptureRecord& record)>& on_record) {
  auto reader = CaptureReader::Open(path);
  if (!reader) return Fail(reader.error());
  while (true) {
    auto record = (*reader)->Next();
    if (!record) return Fail(record.error());
    if (!*record) return {};
    on_record(**record);
  }
}

}  // namespace vigil
