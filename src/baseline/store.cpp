#include "baseline/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "events/image_ref.h"

namespace vigil::baseline {
namespace {

// PRAGMA application_id: marks the file as a vigil baseline store ("VGBL").
constexpr int kApplicationId = 0x5647424C;
// PRAGMA user_version: the schema this code writes. A newer one is refused (its meaning is
// unknown here); older ones would be migrated on open.
constexpr int kSchemaVersion = 1;
// A CLI beside a running agent waits this long for the agent's write transaction to end.
constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kSchema = R"sql(
CREATE TABLE profiles (
  key TEXT PRIMARY KEY,
  image TEXT NOT NULL,
  mode TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  changed_ns INTEGER NOT NULL,
  seen_ns INTEGER NOT NULL
);
-- One row per learned item. kind: see ItemKind; a/b/n hold the item's fields.
CREATE TABLE items (
  key TEXT NOT NULL,
  kind INTEGER NOT NULL,
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  n INTEGER NOT NULL
);
CREATE INDEX items_by_key ON items(key);
)sql";

enum ItemKind : int {
  kProcess = 1,    // a = exe, b = parent
  kRead = 2,       // a = pattern
  kWritten = 3,    // a = pattern
  kSyscall = 4,    // a = name
  kListening = 5,  // a = proto, n = port
  kOutbound = 6,   // a = proto, b = address, n = port
  kUser = 7,       // a = name, n = uid
};

// One prepared statement; finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Statement& Bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, int64_t n) {
    sqlite3_bind_int64(stmt_, i, n);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return rc_ = sqlite3_step(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, col)) : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  int rc() const { return rc_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

class SqliteStore final : public ProfileStore {
 public:
  SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  Status Init(bool create);
  Result<std::vector<ProfileSummary>> List() override;
  Result<std::vector<Profile>> LoadAll() override;
  Result<std::optional<Profile>> Load(std::string_view key) override;
  Result<std::optional<Profile>> Find(std::string_view image) override;
  Status Save(const Profile& profile) override { return SaveAll({&profile}); }
  Status SaveAll(const std::vector<const Profile*>& profiles) override;
  Result<bool> Remove(std::string_view key) override;

 private:
  std::unexpected<Error> SqlError(std::string_view what) const {
    return Fail("{}: {}: {}", path_, what, sqlite3_errmsg(db_));
  }
  Status Exec(const char* sql, std::string_view what) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message ? message : sqlite3_errmsg(db_);
      sqlite3_free(message);
      return Fail("{}: {}: {}", path_, what, text);
    }
    return {};
  }
  Result<int64_t> PragmaInt(const char* sql) {
    Statement s(db_, sql);
    if (!s.ok() || s.Step() != SQLITE_ROW) return SqlError(sql);
    return s.Int(0);
  }
  Status LoadItems(Profile& profile);
  Status WriteProfile(const Profile& profile, Statement& upsert, Statement& clear,
                      Statement& insert);

  sqlite3* db_;
  std::string path_;
};

// A transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  // IMMEDIATE: take the write lock now (waiting busy_timeout), so that a reader-turned-writer
  // never deadlocks against another writer.
  bool Begin() {
    return open_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  bool Commit() {
    open_ = false;
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) return true;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  }

 private:
  sqlite3* db_;
  bool open_ = false;
};

Status SqliteStore::Init(bool create) {
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db_, 1);
  // The first read of the file: a file that is not SQLite fails here.
  auto app_id = PragmaInt("PRAGMA application_id");
  if (!app_id) {
    if (sqlite3_errcode(db_) == SQLITE_NOTADB) {
      return Fail("{}: not a vigil baseline store (not an SQLite database)", path_);
    }
    return Fail(app_id.error());
  }
  auto tables = PragmaInt("SELECT count(*) FROM sqlite_master");
  if (!tables) return Fail(tables.error());
  if (*app_id != kApplicationId && (*app_id != 0 || *tables != 0)) {
    return Fail("{}: not a vigil baseline store (an SQLite database of something else)", path_);
  }
  // WAL: readers (a CLI) never block the agent's writes, and a commit is one append to the log,
  // so a process killed mid-write leaves the last committed state. Persistent in the file.
  if (auto mode = Exec("PRAGMA journal_mode=WAL", "set WAL journal"); !mode) return mode;
  // FULL: every commit is fsynced, so a committed profile survives a power loss too (NORMAL in
  // WAL mode survives a process crash but may lose the last commits on power loss). Commits are
  // rare (the agent's periodic flush, CLI edits), so the fsync costs nothing measurable.
  if (auto sync = Exec("PRAGMA synchronous=FULL", "set synchronous"); !sync) return sync;
  if (*app_id == kApplicationId) {
    auto version = PragmaInt("PRAGMA user_version");
    if (!version) return Fail(version.error());
    if (*version > kSchemaVersion) {
      return Fail("{}: written by a newer vigil (store schema {}; this vigil reads up to {})",
                  path_, *version, kSchemaVersion);
    }
    if (*version < 1) return Fail("{}: damaged vigil baseline store (no schema version)", path_);
    return {};
  }
  if (!create) return Fail("{}: not a vigil baseline store (empty database)", path_);
  Transaction tx(db_);
  if (!tx.Begin()) return SqlError("begin");
  // Another process may have created the schema while this one waited for the lock.
  auto again = PragmaInt("PRAGMA application_id");
  if (!again) return Fail(again.error());
  if (*again == kApplicationId) return tx.Commit() ? Status{} : SqlError("commit");
  if (auto s = Exec(kSchema, "create schema"); !s) return s;
  auto pragmas = fmt::format("PRAGMA application_id={}; PRAGMA user_version={}", kApplicationId,
                             kSchemaVersion);
  if (auto s = Exec(pragmas.c_str(), "set schema version"); !s) return s;
  if (!tx.Commit()) return SqlError("commit schema");
  return {};
}

ProfileSummary SummaryOf(const Profile& p) {
  return ProfileSummary{p.key, p.image, p.mode, p.created_ns, p.changed_ns, p.seen_ns, p.Size()};
}

Status ReadHeader(Statement& s, Profile& p, const std::string& path) {
  p.key = s.Text(0);
  p.image = s.Text(1);
  if (!ParseMode(s.Text(2), &p.mode)) {
    return Fail("{}: profile {}: unknown mode '{}'", path, p.key, s.Text(2));
  }
  p.created_ns = static_cast<uint64_t>(s.Int(3));
  p.changed_ns = static_cast<uint64_t>(s.Int(4));
  p.seen_ns = static_cast<uint64_t>(s.Int(5));
  return {};
}

Status SqliteStore::LoadItems(Profile& p) {
  Statement s(db_, "SELECT kind, a, b, n FROM items WHERE key = ?1");
  if (!s.ok()) return SqlError("read items");
  s.Bind(1, p.key);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    const int64_t n = s.Int(3);
    const auto port = static_cast<uint16_t>(std::clamp<int64_t>(n, 0, 65535));
    switch (s.Int(0)) {
      case kProcess:
        p.processes.insert({s.Text(1), s.Text(2)});
        break;
      case kRead:
        p.files_read.insert(s.Text(1));
        break;
      case kWritten:
        p.files_written.insert(s.Text(1));
        break;
      case kSyscall:
        p.syscalls.insert(s.Text(1));
        break;
      case kListening:
        p.listening.insert({s.Text(1), port});
        break;
      case kOutbound:
        p.outbound.insert({s.Text(1), s.Text(2), port});
        break;
      case kUser:
        p.users[static_cast<uint32_t>(n)] = s.Text(1);
        break;
      default:
        return Fail("{}: profile {}: unknown item kind {}", path_, p.key, s.Int(0));
    }
  }
  if (rc != SQLITE_DONE) return SqlError("read items");
  return {};
}

constexpr const char* kSelectProfiles =
    "SELECT key, image, mode, created_ns, changed_ns, seen_ns FROM profiles";

Result<std::vector<Profile>> SqliteStore::LoadAll() {
  std::vector<Profile> profiles;
  // One read transaction: a consistent snapshot while the agent writes.
  if (auto s = Exec("BEGIN", "begin"); !s) return Fail(s.error());
  Statement s(db_, fmt::format("{} ORDER BY key", kSelectProfiles).c_str());
  if (!s.ok()) {
    Exec("ROLLBACK", "rollback");
    return SqlError("read profiles");
  }
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    Profile p;
    Status st = ReadHeader(s, p, path_);
    if (st) st = LoadItems(p);
    if (!st) {
      Exec("ROLLBACK", "rollback");
      return Fail(st.error());
    }
    profiles.push_back(std::move(p));
  }
  Exec("COMMIT", "end read");
  if (rc != SQLITE_DONE) return SqlError("read profiles");
  return profiles;
}

Result<std::vector<ProfileSummary>> SqliteStore::List() {
  auto all = LoadAll();
  if (!all) return Fail(all.error());
  std::vector<ProfileSummary> summaries;
  summaries.reserve(all->size());
  for (const Profile& p : *all) summaries.push_back(SummaryOf(p));
  return summaries;
}

Result<std::optional<Profile>> SqliteStore::Load(std::string_view key) {
  if (auto s = Exec("BEGIN", "begin"); !s) return Fail(s.error());
  Statement s(db_, fmt::format("{} WHERE key = ?1", kSelectProfiles).c_str());
  if (!s.ok()) {
    Exec("ROLLBACK", "rollback");
    return SqlError("read profile");
  }
  s.Bind(1, key);
  std::optional<Profile> found;
  Status st;
  if (int rc = s.Step(); rc == SQLITE_ROW) {
    found.emplace();
    st = ReadHeader(s, *found, path_);
    if (st) st = LoadItems(*found);
  } else if (rc != SQLITE_DONE) {
    st = SqlError("read profile");
  }
  Exec(st ? "COMMIT" : "ROLLBACK", "end read");
  if (!st) return Fail(st.error());
  return found;
}

// Whether `digest` ("sha256:…") is meant by `query` ("sha256:…" in full, or 12+ hex digits of
// its start).
bool DigestMatches(std::string_view digest, std::string_view query) {
  if (!query.starts_with("sha256:") || !digest.starts_with("sha256:")) return false;
  if (query.size() == digest.size()) return query == digest;
  return query.size() >= 7 + 12 && digest.starts_with(query);
}

// Whether a stored profile (its key and image name) is what `query` names.
bool ProfileMatches(const ProfileSummary& p, std::string_view query) {
  if (p.key == query) return true;
  const ImageRef image = ParseImageRef(p.image);
  const ImageRef key = ParseImageRef(p.key);
  if (query.starts_with("sha256:")) {
    // A bare digest (or an image id used as the key).
    return DigestMatches(image.digest, query) || DigestMatches(key.digest, query) ||
           DigestMatches(p.key, query) || DigestMatches(p.image, query);
  }
  const ImageRef q = ParseImageRef(query);
  if (q.repository.empty()) return false;
  if (!q.digest.empty()) {
    return (image.repository == q.repository && DigestMatches(image.digest, q.digest)) ||
           (key.repository == q.repository && DigestMatches(key.digest, q.digest));
  }
  const std::string tag = q.tag.empty() ? "latest" : q.tag;
  auto tag_of = [](const ImageRef& parts) {
    return parts.tag.empty() && parts.digest.empty() ? std::string("latest") : parts.tag;
  };
  return (image.repository == q.repository && tag_of(image) == tag) ||
         (key.repository == q.repository && key.digest.empty() && tag_of(key) == tag);
}

Result<std::optional<Profile>> SqliteStore::Find(std::string_view image) {
  if (auto exact = Load(image); !exact || exact->has_value()) return exact;
  auto summaries = List();
  if (!summaries) return Fail(summaries.error());
  std::vector<std::string> matches;
  for (const ProfileSummary& p : *summaries) {
    if (ProfileMatches(p, image)) matches.push_back(p.key);
  }
  if (matches.empty()) return std::optional<Profile>();
  if (matches.size() > 1) {
    std::string list;
    for (const auto& key : matches) list += (list.empty() ? "" : ", ") + key;
    return Fail("'{}' matches several profiles: {}", image, list);
  }
  return Load(matches.front());
}

Status SqliteStore::WriteProfile(const Profile& p, Statement& upsert, Statement& clear,
                                 Statement& insert) {
  upsert.Reset();
  upsert.Bind(1, p.key).Bind(2, p.image).Bind(3, ModeName(p.mode));
  upsert.Bind(4, static_cast<int64_t>(p.created_ns))
      .Bind(5, static_cast<int64_t>(p.changed_ns))
      .Bind(6, static_cast<int64_t>(p.seen_ns));
  if (upsert.Step() != SQLITE_DONE) return SqlError("write profile " + p.key);
  clear.Reset();
  clear.Bind(1, p.key);
  if (clear.Step() != SQLITE_DONE) return SqlError("write profile " + p.key);
  auto row = [&](int kind, std::string_view a, std::string_view b, int64_t n) {
    insert.Reset();
    insert.Bind(1, p.key).Bind(2, int64_t{kind}).Bind(3, a).Bind(4, b).Bind(5, n);
    return insert.Step() == SQLITE_DONE;
  };
  bool ok = true;
  for (const auto& e : p.processes) ok = ok && row(kProcess, e.exe, e.parent, 0);
  for (const auto& f : p.files_read) ok = ok && row(kRead, f, "", 0);
  for (const auto& f : p.files_written) ok = ok && row(kWritten, f, "", 0);
  for (const auto& s : p.syscalls) ok = ok && row(kSyscall, s, "", 0);
  for (const auto& l : p.listening) ok = ok && row(kListening, l.proto, "", l.port);
  for (const auto& o : p.outbound) ok = ok && row(kOutbound, o.proto, o.address, o.port);
  for (const auto& [uid, name] : p.users) ok = ok && row(kUser, name, "", uid);
  if (!ok) return SqlError("write profile " + p.key);
  return {};
}

Status SqliteStore::SaveAll(const std::vector<const Profile*>& profiles) {
  for (const Profile* p : profiles) {
    if (p->key.empty()) return Fail("{}: cannot save a profile without a key", path_);
  }
  Transaction tx(db_);
  if (!tx.Begin()) return SqlError("begin write");
  Statement upsert(db_,
                   "INSERT INTO profiles (key, image, mode, created_ns, changed_ns, seen_ns) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(key) DO UPDATE SET "
                   "image = excluded.image, mode = excluded.mode, created_ns = "
                   "excluded.created_ns, changed_ns = excluded.changed_ns, seen_ns = "
                   "excluded.seen_ns");
  Statement clear(db_, "DELETE FROM items WHERE key = ?1");
  Statement insert(db_, "INSERT INTO items (key, kind, a, b, n) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!upsert.ok() || !clear.ok() || !insert.ok()) return SqlError("prepare write");
  for (const Profile* p : profiles) {
    if (auto s = WriteProfile(*p, upsert, clear, insert); !s) return s;
  }
  if (!tx.Commit()) return SqlError("commit");
  return {};
}

Result<bool> SqliteStore::Remove(std::string_view key) {
  Transaction tx(db_);
  if (!tx.Begin()) return SqlError("begin write");
  Statement items(db_, "DELETE FROM items WHERE key = ?1");
  Statement profile(db_, "DELETE FROM profiles WHERE key = ?1");
  if (!items.ok() || !profile.ok()) return SqlError("prepare remove");
  items.Bind(1, key);
  profile.Bind(1, key);
  if (items.Step() != SQLITE_DONE || profile.Step() != SQLITE_DONE) return SqlError("remove");
  const bool removed = sqlite3_changes(db_) > 0;
  if (!tx.Commit()) return SqlError("commit");
  return removed;
}

Result<std::unique_ptr<ProfileStore>> OpenStore(const std::string& path, bool create) {
  if (!create) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Fail(
          "{}: no such baseline store (create one with `vigil baseline import` or "
          "`vigil run --baseline`)",
          path);
    }
  }
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Fail("{}: cannot open baseline store: {}", path, why);
  }
  auto store = std::make_unique<SqliteStore>(db, path);
  if (auto s = store->Init(create); !s) return Fail(s.error());
  return std::unique_ptr<ProfileStore>(std::move(store));
}

}  // namespace

Result<std::unique_ptr<ProfileStore>> ProfileStore::Open(const std::string& path) {
  return OpenStore(path, true);
}

Result<std::unique_ptr<ProfileStore>> ProfileStore::OpenExisting(const std::string& path) {
  return OpenStore(path, false);
}

}  // namespace vigil::baseline
