#!/usr/bin/env bash
# privlint against checkov, cfn-lint (and cfn-guard when installed) on the same files of
# $PRIVLINT_CORPUS; writes bench/RESULTS.md. Not part of `cargo test`. See bench/README.md.
#
# Knobs (environment):
#   (an empty value turns a step off, e.g. CHECKOV_SETS= )
#   RUNS=5                       privlint and parse-only runs per set
#   PEER_RUNS=1                  runs per peer and set (checkov takes minutes per run)
#   SETS="bulk-tf bulk-cfn focused-tf focused-cfn focused all"   sets privlint is timed on
#   CHECKOV_SETS="focused-cfn bulk-tf"            sets checkov is timed on
#   CFNLINT_SETS="focused-cfn"                    sets cfn-lint is timed on
#   GUARD_SETS="focused-cfn"                      sets cfn-guard is timed on (if installed)
#   SCALES="1 4 16"              copies of the whole corpus for the scaling run
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

: "${PRIVLINT_CORPUS:?set PRIVLINT_CORPUS to the corpus directory}"
CORPUS=$(cd "$PRIVLINT_CORPUS" && pwd)
RUNS=${RUNS-5}
PEER_RUNS=${PEER_RUNS-1}
SETS=${SETS-"bulk-tf bulk-cfn focused-tf focused-cfn focused all"}
CHECKOV_SETS=${CHECKOV_SETS-"focused-cfn bulk-tf"}
CFNLINT_SETS=${CFNLINT_SETS-"focused-cfn"}
GUARD_SETS=${GUARD_SETS-"focused-cfn"}
SCALES=${SCALES-"1 4 16"}
WORK=$REPO/.bench            # git-ignored
RAW=$WORK/raw.tsv

mkdir -p "$WORK"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}

echo "== building privlint (release) and the parse-only binary"
cargo build --release --quiet
PRIVLINT=$CARGO_TARGET_DIR/release/privlint
PARSE_ONLY=$(cargo bench --bench parse_only --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p' | tail -1)
[ -x "$PARSE_ONLY" ] || { echo "parse-only binary not found" >&2; exit 1; }

echo "== peers"
if [ ! -x "$WORK/venv/bin/checkov" ] || [ ! -x "$WORK/venv/bin/cfn-lint" ]; then
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install --quiet checkov cfn-lint
fi
CHECKOV=$WORK/venv/bin/checkov
CFNLINT=$WORK/venv/bin/cfn-lint
GUARD=$(command -v cfn-guard || true)
[ -z "$GUARD" ] && [ -x "$WORK/cfn-guard/bin/cfn-guard" ] && GUARD=$WORK/cfn-guard/bin/cfn-guard
# No network for the peers: in a fresh network namespace when the kernel allows it.
NONET=()
if unshare -n true 2>/dev/null; then NONET=(unshare -n); fi
export BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=true CHECKOV_PARALLELIZATION_TYPE=none

echo "== file sets"
rm -rf "$WORK/sets"
"$WORK/venv/bin/python" bench/sets.py "$CORPUS" "$WORK/sets" | tee "$WORK/sets.txt"
SETDIR=$WORK/sets

# measure TOOL SET CMD... : one timed run, appended to $RAW as
# tool, set, wall seconds, peak RSS KiB, exit code, 1-minute load average before the run.
measure() {
  local tool=$1 set=$2; shift 2
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local rc=0
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt" || rc=$?
  local wall rss
  read -r wall rss < <(tail -1 "$WORK/time.txt")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$set" "$wall" "$rss" "$rc" "$load" >>"$RAW"
  printf '  %-15s %-12s %8ss %8s KiB rc=%s load=%s\n' "$tool" "$set" "$wall" "$rss" "$rc" "$load"
  # The last run's output of each tool and set, to check that it really ran to the end.
  mkdir -p "$WORK/outputs"
  cp "$WORK/out.txt" "$WORK/outputs/$tool-$set.out"
  cp "$WORK/err.txt" "$WORK/outputs/$tool-$set.err"
}

privlint_run() { measure privlint "$1" "$PRIVLINT" check "$SETDIR/$1" --format json --fail-on never; }
parse_only_run() { measure parse-only "$1" "$PARSE_ONLY" "$SETDIR/$1"; }
parse_only_read_run() { measure parse-only-read "$1" "$PARSE_ONLY" --prefilter "$SETDIR/$1"; }

: >"$RAW"
echo "== privlint and parse-only, $RUNS runs each, alternating"
for _ in $(seq "$RUNS"); do
  for set in $SETS; do
    privlint_run "$set"
    parse_only_run "$set"
    parse_only_read_run "$set"
  done
done

echo "== scaling: the whole corpus copied x1, x4, x16 (privlint only)"
for k in $SCALES; do
  dir=$WORK/scale-$k
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    for i in $(seq "$k"); do cp -al "$SETDIR/all" "$dir/copy-$i"; done
  fi
  for _ in $(seq "$RUNS"); do
    measure privlint "scale-x$k" "$PRIVLINT" check "$dir" --format json --fail-on never
  done
done

echo "== peers (each run between two privlint runs of the same set)"
for set in $CFNLINT_SETS; do
  for _ in $(seq "$PEER_RUNS"); do
    privlint_run "$set"
    mapfile -t files <"$SETDIR/$set.files"
    measure cfn-lint "$set" "${NONET[@]}" "$CFNLINT" --format json -- "${files[@]}"
    privlint_run "$set"
  done
done
if [ -n "$GUARD" ]; then
  cat >"$WORK/rules.guard" <<'GUARD'
rule rest_api_has_policy {
  Resources.*[ Type == 'AWS::ApiGateway::RestApi' ] {
    Properties.Policy exists
  }
}
rule endpoint_is_interface {
  Resources.*[ Type == 'AWS::EC2::VPCEndpoint' ] {
    Properties.VpcEndpointType == 'Interface'
  }
}
GUARD
  for set in $GUARD_SETS; do
    for _ in $(seq "$PEER_RUNS"); do
      privlint_run "$set"
      measure cfn-guard "$set" "${NONET[@]}" "$GUARD" validate -r "$WORK/rules.guard" -d "$SETDIR/$set" -S fail -o json
      privlint_run "$set"
    done
  done
fi
for set in $CHECKOV_SETS; do
  for _ in $(seq "$PEER_RUNS"); do
    privlint_run "$set"
    measure checkov "$set" "${NONET[@]}" "$CHECKOV" -d "$SETDIR/$set" --framework terraform cloudformation -o json --quiet --skip-download
    privlint_run "$set"
  done
done

echo "== writing bench/RESULTS.md"
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "nproc=$(nproc)"
  echo "memory=$(free -m | awk '/^Mem:/ {print $2 " MiB"}')"
  echo "cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "privlint=$("$PRIVLINT" --version)"
  echo "checkov=$("$CHECKOV" --version 2>/dev/null | tail -1)"
  echo "cfn-lint=$("$CFNLINT" --version 2>/dev/null | tail -1)"
  echo "cfn-guard=$([ -n "$GUARD" ] && "$GUARD" --version 2>/dev/null | tail -1 || echo 'not installed')"
  echo "network=$([ ${#NONET[@]} -gt 0 ] && echo 'peers run under unshare -n (no network)' || echo 'unshare unavailable: peers run with the offline flags only')"
} >"$WORK/machine.txt"
"$WORK/venv/bin/python" bench/report.py "$RAW" "$WORK/machine.txt" "$WORK/sets.txt" >bench/RESULTS.md
echo "done: bench/RESULTS.md"
