"""Print, one per line, every JSON/YAML/template file below ROOT (relative path) that Python's
json module or PyYAML (CloudFormation `!Tags` allowed) accepts AND that is a CloudFormation
template by SPEC §1. Used by tests/corpus_sweep.rs; needs PyYAML."""
import json
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnLoader(Loader):
    pass


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


CfnLoader.add_multi_constructor("!", _any_tag)

SKIPPED_DIRS = {".git", ".terraform", "node_modules"}


def is_template(doc):
    if not isinstance(doc, dict):
        return False
    if "format_version" in doc and "planned_values" in doc:
        return False
    if "AWSTemplateFormatVersion" in doc:
        return True
    resources = doc.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and r["Type"].startswith("AWS::")
        for r in resources.values()
    )


def load(path, text):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".json" or (ext == ".template" and text.lstrip().startswith("{")):
        return json.loads(text)
    return yaml.load(text, Loader=CfnLoader)


def main(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if not name.lower().endswith((".json", ".yaml", ".yml", ".template")):
                continue
            if name.endswith(".tf.json"):
                continue
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    raw = f.read()
                if len(raw) > 16 * 1024 * 1024:
                    continue
                text = raw.decode("utf-8-sig")
                doc = load(path, text)
            except Exception:
                continue
            if is_template(doc):
                print(os.path.relpath(path, root))


if __name__ == "__main__":
    main(sys.argv[1])
