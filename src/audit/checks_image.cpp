// Checks on the image a container was created from: tag, digest pinning, and the policy's
// trusted registries and allowed/denied images.
#include <fmt/core.h>

#include <algorithm>

#include "audit/check.h"
#include "audit/image_name.h"
#include "common/glob.h"
#include "common/strings.h"

namespace vigil::audit {
namespace {

ImageName ContainerImage(const CheckContext& context) {
  return ParseImageName(JsonString(context.input.container, {"Config", "Image"}));
}

// The names to judge an image by: the reference as written, or, for an image referenced by
// id, the repository tags the engine knows for it.
std::vector<ImageName> JudgedNames(const CheckContext& context) {
  ImageName written = ContainerImage(context);
  if (written.written.empty()) return {};
  if (!written.by_id) return {written};
  std::vector<ImageName> names;
  for (const std::string& tag : JsonStrings(context.input.image, {"RepoTags"})) {
    names.push_back(ParseImageName(tag));
  }
  return names;
}

std::string Shown(const std::string& text) {
  return EscapeForDisplay(text, 256);
}

void ImageLatestTag(const CheckContext& context, FindingSink& sink) {
  ImageName image = ContainerImage(context);
  if (image.written.empty() || image.by_id || !image.digest.empty() || image.tag != "latest")
    return;
  sink.Add(image.tag_written
               ? fmt::format("{} uses the 'latest' tag", Shown(image.written))
               : fmt::format("{} has no tag, so it means 'latest'", Shown(image.written)));
}

void ImageNotPinned(const CheckContext& context, FindingSink& sink) {
  ImageName image = ContainerImage(context);
  if (image.written.empty() || image.by_id || !image.digest.empty()) return;
  const Severity severity = context.policy.require_digest ? Severity::kHigh : Severity::kLow;
  auto digests = JsonStrings(context.input.image, {"RepoDigests"});
  std::string hint =
      digests.empty() ? std::string("the image has no registry digest: built or imported locally")
                      : fmt::format("pin it as {}", Shown(digests.front()));
  sink.Add(severity,
           fmt::format("{} is not pinned by digest ({}){}", Shown(image.written), hint,
                       context.policy.require_digest ? "; the policy requires digests" : ""));
}

bool Trusted(const Policy& policy, const ImageName& image) {
  const std::string repository = image.registry + "/" + image.path;
  return std::any_of(policy.trusted_registries.begin(), policy.trusted_registries.end(),
                     [&](const std::string& pattern) {
                       return pattern.find('/') == std::string::npos
                                  ? GlobMatch(pattern, image.registry, true)
                                  : GlobMatch(pattern, repository, true);
                     });
}

void UntrustedRegistry(const CheckContext& context, FindingSink& sink) {
  if (context.policy.trusted_registries.empty()) return;  // no policy: nothing to judge against
  auto names = JudgedNames(context);
  if (names.empty()) {
    sink.Add("the image has no repository name (referenced by id only): its registry is unknown");
    return;
  }
  if (std::any_of(names.begin(), names.end(),
                  [&](const auto& n) { return Trusted(context.policy, n); })) {
    return;
  }
  sink.Add(fmt::format("{} comes from {}, not a trusted registry ({})",
                       Shown(names.front().written), Shown(names.front().registry),
                       Join(context.policy.trusted_registries, ", ")));
}

bool MatchesAny(const std::vector<std::string>& patterns, const ImageName& image) {
  const std::string qualified = image.FullyQualified();
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return GlobMatch(pattern, image.written) || GlobMatch(pattern, qualified);
  });
}

void ImageNotAllowed(const CheckContext& context, FindingSink& sink) {
  const Policy& policy = context.policy;
  if (policy.allowed_images.empty() && policy.denied_images.empty()) return;
  auto names = JudgedNames(context);
  for (const ImageName& name : names) {
    if (MatchesAny(policy.denied_images, name)) {
      sink.Add(fmt::format("{} matches a denied image pattern", Shown(name.written)));
      return;
    }
  }
  if (policy.allowed_images.empty()) return;
  if (std::any_of(names.begin(), names.end(),
                  [&](const auto& n) { return MatchesAny(policy.allowed_images, n); })) {
    return;
  }
  sink.Add(names.empty()
               ? std::string("the image has no name to match the allowed images against")
               : fmt::format("{} matches no allowed image pattern", Shown(names.front().written)));
}

constexpr Check kChecks[] = {
    {"image-latest-tag", "Image uses the latest tag", Severity::kLow, Scope::kContainer, "",
     "'latest' (written or implied) names whatever was pushed last: the same command runs "
     "different code on different days and hosts, and a poisoned push is picked up silently.",
     "Use an explicit version tag, better a digest (image@sha256:...).", ImageLatestTag},
    {"image-not-pinned", "Image not pinned by digest", Severity::kLow, Scope::kContainer, "",
     "A tag can be moved to other content at any time; only a digest names exactly the image "
     "that was reviewed. High when the policy sets require_digest.",
     "Reference the image by digest: repository:tag@sha256:... (docker inspect --format "
     "'{{index .RepoDigests 0}}' IMAGE shows it).",
     ImageNotPinned},
    {"untrusted-registry", "Image from an untrusted registry", Severity::kHigh, Scope::kContainer,
     "4.2",
     "Images from registries outside the policy's trusted_registries have not gone through "
     "your supply-chain controls (scanning, signing, review). Only active when the policy lists "
     "trusted registries.",
     "Pull the image through a trusted registry (mirror it), or add the registry to "
     "trusted_registries.",
     UntrustedRegistry},
    {"image-not-allowed", "Image not allowed by policy", Severity::kHigh, Scope::kContainer, "4.2",
     "The policy's images.deny patterns name images that must not run; when images.allow is "
     "set, only matching images may run.",
     "Use an allowed image, or change the policy's images.allow / images.deny.", ImageNotAllowed},
};

}  // namespace

std::span<const Check> ImageChecks() {
  return kChecks;
}

}  // namespace vigil::audit
