"""Build the benchmark's file sets as hard-linked trees under OUT, from the corpus at ROOT.

Every tool is then pointed at the same directory (checkov, privlint) or at the same list of
files (cfn-lint, written to OUT/<set>.files), so all of them read exactly the same files.

Sets:
  bulk-tf      *.tf and auto-loaded *.tfvars below bulk/
  bulk-cfn     CloudFormation templates below bulk/
  focused-tf   *.tf and auto-loaded *.tfvars below focused/
  focused-cfn  CloudFormation templates below focused/
  focused      focused-tf + focused-cfn
  all          bulk + focused, both kinds

A template is a .json/.yaml/.yml/.template file that Python's json or PyYAML (CloudFormation
tags allowed) parses into a mapping with a non-empty Resources mapping whose entries have a
`Type` string starting with `AWS::`. Left out, for every tool alike, are the templates that make
a peer abort its whole run (../shared/PEERS.md): a resource `Type` that is not a string
(checkov: `unhashable type: 'dict'`), `Parameters:` present but empty (cfn-lint exits 1 with no
output), and SAM's `function_with_event_dest_conditional.json` (checkov).

Usage: python3 bench/sets.py ROOT OUT
"""
import json
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnLoader(Loader):
    pass


def _any_tag(loader, suffix, node):
    # `!Ref x` -> {"Ref": x}, as the peers read it: a tagged resource `Type` (`!Rain::Module`)
    # is then a mapping, and filtered out below.
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)
    return {suffix: value}


CfnLoader.add_multi_constructor("!", _any_tag)

SKIPPED_DIRS = {".git", ".terraform", "node_modules"}
PEER_ABORTS = {"function_with_event_dest_conditional.json"}


def is_tf(name):
    return name.endswith(".tf") or name == "terraform.tfvars" or name.endswith(".auto.tfvars")


def is_peer_safe_template(path):
    name = os.path.basename(path)
    if name in PEER_ABORTS or name.endswith(".tf.json"):
        return False
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8-sig")
        if path.endswith(".json") or (path.endswith(".template") and text.lstrip().startswith("{")):
            doc = json.loads(text)
        else:
            doc = yaml.load(text, Loader=CfnLoader)
    except Exception:
        return False
    if not isinstance(doc, dict):
        return False
    if "format_version" in doc and "planned_values" in doc:
        return False
    resources = doc.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return False
    if "Parameters" in doc and not doc["Parameters"]:
        return False
    types = [r.get("Type") if isinstance(r, dict) else None for r in resources.values()]
    if not all(isinstance(t, str) for t in types):
        return False
    return any(t.startswith("AWS::") for t in types)


def collect(root, part):
    tf, cfn = [], []
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, part)):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if is_tf(name):
                tf.append(path)
            elif name.lower().endswith((".json", ".yaml", ".yml", ".template")):
                if is_peer_safe_template(path):
                    cfn.append(path)
    return tf, cfn


def link_set(root, out, name, files):
    base = os.path.join(out, name)
    listed = []
    for path in files:
        rel = os.path.relpath(path, root)
        target = os.path.join(base, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            try:
                os.link(path, target)
            except OSError:
                with open(path, "rb") as src, open(target, "wb") as dst:
                    dst.write(src.read())
        listed.append(target)
    with open(os.path.join(out, name + ".files"), "w") as f:
        f.write("\n".join(listed) + "\n")
    print(f"{name}: {len(files)} files")


def main(root, out):
    bulk_tf, bulk_cfn = collect(root, "bulk")
    focused_tf, focused_cfn = collect(root, "focused")
    sets = {
        "bulk-tf": bulk_tf,
        "bulk-cfn": bulk_cfn,
        "focused-tf": focused_tf,
        "focused-cfn": focused_cfn,
        "focused": focused_tf + focused_cfn,
        "all": bulk_tf + bulk_cfn + focused_tf + focused_cfn,
    }
    for name, files in sets.items():
        link_set(root, out, name, files)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]))
