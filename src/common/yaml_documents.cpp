#include "common/yaml_documents.h"

#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace vigil {
namespace {

// Notes where the first event of a document is, building nothing.
class FirstMark final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> mark;
  void OnDocumentStart(const YAML::Mark& m) override { Note(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { Note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Note(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Note(m);
  }
  void OnMapEnd() override {}

 private:
  void Note(const YAML::Mark& m) {
    if (!mark) mark = m;
  }
};

}  // namespace

std::optional<YamlPosition> SecondYamlDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstMark first, second;
  try {
    if (!parser.HandleNextDocument(first)) return std::nullopt;
  } catch (const YAML::Exception&) {
    return std::nullopt;  // the first document is malformed: YAML::Load says where
  }
  try {
    if (!parser.HandleNextDocument(second)) return std::nullopt;
  } catch (const YAML::Exception& e) {
    return YamlPosition{e.mark.line, e.mark.column};  // malformed text after the first
  }
  const YAML::Mark mark = second.mark.value_or(YAML::Mark::null_mark());
  return YamlPosition{mark.line, mark.column};
}

}  // namespace vigil
