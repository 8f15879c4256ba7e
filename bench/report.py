"""Turn bench/run.sh's raw measurements into bench/RESULTS.md (printed to stdout).

Usage: python3 bench/report.py RAW.tsv MACHINE.txt SETS.txt
"""
import statistics
import sys
from collections import defaultdict

raw_path, machine_path, sets_path = sys.argv[1:4]

runs = defaultdict(list)  # (tool, set) -> [(wall, rss_kib, rc, load)]
loads = []
for line in open(raw_path):
    tool, fileset, wall, rss, rc, load = line.rstrip("\n").split("\t")
    runs[(tool, fileset)].append((float(wall), int(rss), int(rc), float(load)))
    loads.append(float(load))

machine = dict(line.rstrip("\n").split("=", 1) for line in open(machine_path) if "=" in line)
set_sizes = dict(
    (line.split(":")[0], line.split(":")[1].strip()) for line in open(sets_path) if ":" in line
)


def median_wall(key):
    return statistics.median(w for w, _, _, _ in runs[key])


def peak_rss_mib(key):
    return max(r for _, r, _, _ in runs[key]) / 1024


def fmt_s(seconds):
    if seconds >= 60:
        return f"{int(seconds // 60)} min {seconds % 60:04.1f} s"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


out = []
w = out.append
w("# privlint benchmark results")
w("")
w("Written by `bench/run.sh` (see `bench/README.md` for what each number means and how to")
w("reproduce it). Wall times are medians; peak RSS is the largest of the runs.")
w("")
w(f"- date: {machine.get('date')}")
w(f"- machine: {machine.get('nproc')} cores ({machine.get('cpu')}), {machine.get('memory')} memory")
w(f"- load: the machine is shared; 1-minute load average before each run: "
  f"min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}")
w(f"- {machine.get('privlint')}; checkov {machine.get('checkov')}; {machine.get('cfn-lint')}; "
  f"cfn-guard: {machine.get('cfn-guard')}")
w(f"- network: {machine.get('network')}")
peer_runs = sorted({len(v) for (tool, _), v in runs.items() if tool not in ("privlint", "parse-only", "parse-only-read")})
if peer_runs:
    w(f"- peer runs per set: {', '.join(map(str, peer_runs))} (one checkov run takes minutes; "
      "privlint and parse-only: the `runs` column)")
w("- exit codes: checkov 1 = failed checks; cfn-lint's is a bit mask (2 errors, 4 warnings, "
  "8 info); privlint 2 = some corpus files do not parse (reported, the rest checked)")
w("")
w("## File sets")
w("")
w("| set | files |")
w("|---|---:|")
for name, size in set_sizes.items():
    w(f"| {name} | {size.replace(' files', '')} |")
w("")

w("## privlint")
w("")
w("`parse-only`: read and parse every file of the set, no evaluation (`benches/parse_only.rs`).")
w("`parse-only (read)`: the same, minus the JSON/YAML files privlint's prefilter never parses:")
w("the files privlint must read.")
w("")
w("| set | runs | privlint | peak RSS | parse-only | parse-only (read) | privlint / parse-only (read) |")
w("|---|---:|---:|---:|---:|---:|---:|")
for fileset in set_sizes:
    key = ("privlint", fileset)
    if key not in runs or ("parse-only", fileset) not in runs:
        continue
    p = median_wall(key)
    po = median_wall(("parse-only", fileset))
    por = median_wall(("parse-only-read", fileset))
    w(f"| {fileset} | {len(runs[key])} | {fmt_s(p)} | {peak_rss_mib(key):.0f} MiB | {fmt_s(po)} "
      f"| {fmt_s(por)} | {p / por:.2f}x |")
w("")

w("## Against the peers (same files)")
w("")
w("Ratio: the peer's median wall time over privlint's on the same set (privlint timed right")
w("before and after each peer run, plus the runs above). RSS: privlint's peak over the peer's.")
w("")
w("| set | tool | runs | wall | x privlint | peak RSS | privlint RSS / peer RSS | exit |")
w("|---|---|---:|---:|---:|---:|---:|---|")
for (tool, fileset), values in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    if tool in ("privlint", "parse-only", "parse-only-read") or fileset.startswith("scale"):
        continue
    mine = ("privlint", fileset)
    p = median_wall(mine)
    t = median_wall((tool, fileset))
    codes = ",".join(sorted({str(rc) for _, _, rc, _ in values}))
    w(f"| {fileset} | {tool} | {len(values)} | {fmt_s(t)} | **{t / p:.0f}x** | "
      f"{peak_rss_mib((tool, fileset)):.0f} MiB | {peak_rss_mib(mine) / peak_rss_mib((tool, fileset)):.2f} | {codes} |")
    w(f"| {fileset} | privlint | {len(runs[mine])} | {fmt_s(p)} | 1x | {peak_rss_mib(mine):.0f} MiB | | |")
w("")

# Peer times measured earlier on this machine (../shared/PEERS.md), for sets this run did not
# time the peer on: (tool, set, seconds, peak MiB, what PEERS.md measured).
PEERS_MD = [
    ("checkov", "bulk-cfn", 413, 1220, "bulk CloudFormation only (~3,440 templates)"),
    ("checkov", "focused-tf", 1268, 1270, "focused Terraform only (~1,140 files)"),
    ("cfn-lint", "bulk-cfn", 349, 251, "bulk CloudFormation (3,432 templates)"),
    ("cfn-guard", "focused-cfn", 1.6, 123, "focused templates (879), two small rules"),
]
cited = [row for row in PEERS_MD if (row[0], row[1]) not in runs and ("privlint", row[1]) in runs]
if cited:
    w("### Peer times cited from `../shared/PEERS.md` (not re-measured in this run)")
    w("")
    w("Measured earlier on this machine, on the corpus sets named in the last column (nearly")
    w("but not exactly this run's sets: this run leaves out the few templates that abort a")
    w("peer). The ratio divides that time by privlint's median on the corresponding set here.")
    w("")
    w("| set | tool | wall (PEERS.md) | x privlint | peak RSS | privlint RSS / peer RSS | PEERS.md run |")
    w("|---|---|---:|---:|---:|---:|---|")
    for tool, fileset, secs, mib, what in cited:
        mine = ("privlint", fileset)
        w(f"| {fileset} | {tool} | {fmt_s(secs)} | {secs / median_wall(mine):.0f}x | {mib} MiB | "
          f"{peak_rss_mib(mine) / mib:.2f} | {what} |")
    w("")

scales = sorted(
    (int(fs.split("x")[1]), fs) for (tool, fs) in runs if tool == "privlint" and fs.startswith("scale-x")
)
if scales:
    w("## Scaling (privlint, the whole corpus copied)")
    w("")
    w("| copies | runs | wall | x the x1 time | peak RSS |")
    w("|---:|---:|---:|---:|---:|")
    base = median_wall(("privlint", scales[0][1]))
    for k, fs in scales:
        m = median_wall(("privlint", fs))
        w(f"| x{k} | {len(runs[('privlint', fs)])} | {fmt_s(m)} | {m / base:.2f} | "
          f"{peak_rss_mib(('privlint', fs)):.0f} MiB |")
    w("")

print("\n".join(out))
