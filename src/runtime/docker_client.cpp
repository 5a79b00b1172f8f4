#include "runtime/docker_client.h"

#include <curl/curl.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "common/clock.h"
#include "common/strings.h"
#include "events/image_ref.h"

namespace vigil {
namespace {

using nlohmann::json;

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
void EnsureCurl() {
  static CurlGlobal global;
}

struct CurlHandle {
  CURL* curl = curl_easy_init();
  ~CurlHandle() {
    if (curl) curl_easy_cleanup(curl);
  }
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const json& Member(const json& j, const char* key) {
  static const json kNull;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kNull;
}

// Config.Healthcheck.Test: ["CMD-SHELL", "cmd"] runs as /bin/sh -c cmd, ["CMD", argv...] as
// is; ["NONE"] or nothing: no health check.
std::vector<std::string> HealthcheckCommand(const json& healthcheck) {
  std::vector<std::string> out;
  auto test = healthcheck.is_object() ? healthcheck.find("Test") : healthcheck.end();
  if (!healthcheck.is_object() || test == healthcheck.end() || !test->is_array() || test->empty() ||
      !(*test)[0].is_string()) {
    return out;
  }
  const std::string kind = (*test)[0].get<std::string>();
  if (kind == "CMD-SHELL" && test->size() == 2 && (*test)[1].is_string()) {
    return {"/bin/sh", "-c", (*test)[1].get<std::string>()};
  }
  if (kind != "CMD") return out;
  for (std::size_t i = 1; i < test->size(); ++i) {
    if ((*test)[i].is_string()) out.push_back((*test)[i].get<std::string>());
  }
  return out;
}

}  // namespace

bool DockerClient::SocketPresent() const {
  struct stat st {};
  return ::stat(socket_path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

Result<json> DockerClient::GetJson(std::string_view path, long timeout_ms) const {
  EnsureCurl();
  CurlHandle h;
  if (!h.curl) return Fail("docker: curl_easy_init failed");
  std::string url = "http://localhost" + std::string(path);
  std::string body;
  curl_easy_setopt(h.curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(h.curl);
  if (rc != CURLE_OK) {
    return Fail("docker {} via {}: {}", path, socket_path_, curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
  json parsed = json::parse(body, nullptr, false);
  if (status != 200) {
    std::string message = parsed.is_object() ? Text(parsed, "message") : body.substr(0, 200);
    return Fail("docker {}: HTTP {}: {}", path, status, message);
  }
  if (parsed.is_discarded()) return Fail("docker {}: the answer is not JSON", path);
  return parsed;
}

namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 (with or without padding); nullopt on any other character.
std::optional<std::string> DecodeBase64(std::string_view text) {
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const int value = Base64Value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

constexpr std::string_view kPathStatHeader = "x-docker-container-path-stat:";

size_t FindPathStat(char* data, size_t size, size_t count, void* user) {
  std::string_view line(data, size * count);
  if (line.size() > kPathStatHeader.size() &&
      ToLower(line.substr(0, kPathStatHeader.size())) == kPathStatHeader) {
    *static_cast<std::string*>(user) = std::string(Trim(line.substr(kPathStatHeader.size())));
  }
  return size * count;
}

}  // namespace

Result<json> DockerClient::StatContainerPath(std::string_view id, std::string_view path,
                                             long timeout_ms) const {
  EnsureCurl();
  CurlHandle h;
  if (!h.curl) return Fail("docker: curl_easy_init failed");
  char* escaped_id = curl_easy_escape(h.curl, id.data(), static_cast<int>(id.size()));
  char* escaped_path = curl_easy_escape(h.curl, path.data(), static_cast<int>(path.size()));
  std::string url = fmt::format("http://localhost/containers/{}/archive?path={}",
                                escaped_id ? escaped_id : "", escaped_path ? escaped_path : "");
  curl_free(escaped_id);
  curl_free(escaped_path);
  std::string header;
  curl_easy_setopt(h.curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.curl, CURLOPT_NOBODY, 1L);  // HEAD
  curl_easy_setopt(h.curl, CURLOPT_HEADERFUNCTION, FindPathStat);
  curl_easy_setopt(h.curl, CURLOPT_HEADERDATA, &header);
  curl_easy_setopt(h.curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(h.curl);
  if (rc != CURLE_OK) {
    return Fail("docker stat {}:{} via {}: {}", id, path, socket_path_, curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(h.curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return Fail("docker stat {}:{}: HTTP {}", id, path, status);
  auto decoded = DecodeBase64(header);
  json parsed = decoded ? json::parse(*decoded, nullptr, false) : json();
  if (!parsed.is_object()) return Fail("docker stat {}:{}: no usable path stat header", id, path);
  return parsed;
}

std::string RepoDigestFor(const json& image, std::string_view repository) {
  auto digests = image.is_object() ? image.find("RepoDigests") : image.end();
  if (!image.is_object() || digests == image.end() || !digests->is_array()) return {};
  for (const auto& d : *digests) {
    if (!d.is_string()) continue;
    ImageRef ref = ParseImageRef(d.get<std::string>());
    if (!ref.digest.empty() && ref.repository == repository) return ref.digest;
  }
  return {};
}

Result<ContainerInfo> ContainerInfoFromInspect(const json& inspect) {
  if (!inspect.is_object()) return Fail("container inspect: not an object");
  ContainerInfo info;
  info.full_id = Text(inspect, "Id");
  if (info.full_id.size() < 12) return Fail("container inspect: no container id");
  info.id = info.full_id.substr(0, 12);
  info.runtime = "docker";
  info.name = Text(inspect, "Name");
  if (!info.name.empty() && info.name.front() == '/') info.name.erase(0, 1);
  const json& config = Member(inspect, "Config");
  info.image = Text(config, "Image");
  info.image_id = Text(inspect, "Image");
  ImageRef ref = ParseImageRef(info.image);
  info.image_repository = ref.repository;
  info.image_tag = ref.tag;
  info.image_digest = ref.digest;
  const json& host_config = Member(inspect, "HostConfig");
  if (auto it = host_config.find("Privileged"); it != host_config.end() && it->is_boolean()) {
    info.privileged = it->get<bool>();
  }
  if (auto labels = config.find("Labels"); labels != config.end() && labels->is_object()) {
    for (const auto& [k, v] : labels->items()) {
      if (v.is_string()) info.labels[k] = v.get<std::string>();
    }
  }
  info.healthcheck = HealthcheckCommand(Member(config, "Healthcheck"));
  if (auto mounts = inspect.find("Mounts"); mounts != inspect.end() && mounts->is_array()) {
    for (const auto& m : *mounts) {
      if (!m.is_object()) continue;
      ContainerMount mount;
      mount.source = Text(m, "Source");
      mount.destination = Text(m, "Destination");
      mount.mode = Text(m, "Mode");
      mount.propagation = Text(m, "Propagation");
      if (auto rw = m.find("RW"); rw != m.end() && rw->is_boolean())
        mount.read_write = rw->get<bool>();
      info.mounts.push_back(std::move(mount));
    }
  }
  info.started_ns = ParseRfc3339(Text(Member(inspect, "State"), "StartedAt"));
  // overlay2: MergedDir while running, UpperDir (the container's writes), LowerDir (image
  // layers, colon-separated, topmost first).
  const json& graph = Member(Member(inspect, "GraphDriver"), "Data");
  for (const char* key : {"MergedDir", "UpperDir", "LowerDir"}) {
    for (auto dir : Split(Text(graph, key), ':')) {
      if (!dir.empty()) info.rootfs_dirs.emplace_back(dir);
    }
  }
  return info;
}

Result<std::string> DockerClient::ContainerLogPath(std::string_view id) const {
  auto answer = GetJson("/containers/" + std::string(id) + "/json");
  if (!answer) return Fail(answer.error());
  const std::string driver = Text(Member(Member(*answer, "HostConfig"), "LogConfig"), "Type");
  const std::string path = Text(*answer, "LogPath");
  if (path.empty() || (driver != "json-file" && !driver.empty())) {
    return Fail("container {} logs through the '{}' driver: only json-file logs can be read", id,
                driver.empty() ? "unknown" : driver);
  }
  return path;
}

Result<ContainerInfo> DockerClient::InspectContainer(std::string_view id) const {
  auto answer = GetJson("/containers/" + std::string(id) + "/json");
  if (!answer) return Fail(answer.error());
  auto info = ContainerInfoFromInspect(*answer);
  if (!info) return info;
  // Created from an image id rather than a name: ask the image for its name. Created by tag:
  // ask for the digest the registry gave it (container.image.digest; baselines key on it).
  const bool by_id = info->image.starts_with("sha256:") || info->image.empty();
  if ((by_id || info->image_digest.empty()) && !info->image_id.empty()) {
    if (auto image = GetJson("/images/" + info->image_id + "/json")) {
      auto tags = image->find("RepoTags");
      if (by_id && tags != image->end() && tags->is_array() && !tags->empty() &&
          (*tags)[0].is_string()) {
        ImageRef ref = ParseImageRef((*tags)[0].get<std::string>());
        info->image_repository = ref.repository;
        info->image_tag = ref.tag;
      }
      if (info->image_digest.empty()) {
        info->image_digest = RepoDigestFor(*image, info->image_repository);
      }
    }
  }
  return info;
}

Result<std::vector<std::string>> DockerClient::ListContainerIds(bool all) const {
  auto answer = GetJson(all ? "/containers/json?all=1" : "/containers/json");
  if (!answer) return Fail(answer.error());
  std::vector<std::string> ids;
  if (!answer->is_array()) return Fail("docker /containers/json: not a list");
  for (const auto& c : *answer) {
    if (c.is_object()) {
      std::string id = Text(c, "Id");
      if (!id.empty()) ids.push_back(id);
    }
  }
  return ids;
}

namespace {
struct StreamState {
  std::string buffer;
  const std::function<void(const json&)>* on_event;
  const std::function<bool()>* keep_going;
};

size_t OnStreamData(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  state->buffer.append(data, size * count);
  std::size_t newline;
  while ((newline = state->buffer.find('\n')) != std::string::npos) {
    json event = json::parse(state->buffer.substr(0, newline), nullptr, false);
    state->buffer.erase(0, newline + 1);
    if (event.is_object()) (*state->on_event)(event);
  }
  if (state->buffer.size() > (1u << 20)) state->buffer.clear();  // garbage: drop it
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* state = static_cast<StreamState*>(user);
  return (*state->keep_going)() ? 0 : 1;  // non-zero aborts the transfer
}
}  // namespace

Status DockerClient::StreamEvents(const std::function<void(const json&)>& on_event,
                                  const std::function<bool()>& keep_going) const {
  EnsureCurl();
  CurlHandle h;
  if (!h.curl) return Fail("docker: curl_easy_init failed");
  StreamState state{"", &on_event, &keep_going};
  std::string url = "http://localhost/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D";
  curl_easy_setopt(h.curl, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(h.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.curl, CURLOPT_WRITEFUNCTION, OnStreamData);
  curl_easy_setopt(h.curl, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(h.curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h.curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(h.curl, CURLOPT_XFERINFODATA, &state);
  curl_easy_setopt(h.curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.curl, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  CURLcode rc = curl_easy_perform(h.curl);
  if (rc == CURLE_ABORTED_BY_CALLBACK || rc == CURLE_OK) return {};
  return Fail("docker /events via {}: {}", socket_path_, curl_easy_strerror(rc));
}

}  // namespace vigil
