#!/usr/bin/env python3
"""Turn benchmark output into numbers and the results page.

    report.py pgbench OUTPUT LOG...   one JSON line for a pgbench run: its
                                      throughput, latency percentiles from
                                      the per-transaction logs, failures
    report.py markdown OUT_DIR        bench/RESULTS.md from OUT_DIR/results.jsonl
                                      and OUT_DIR/curve.jsonl, and the scale
                                      curve's chart, bench/scale.svg
"""
import datetime
import json
import os
import re
import subprocess
import sys


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def pgbench(output, logs):
    text = open(output, encoding="utf-8").read()
    tps = re.search(r"tps = ([\d.]+)", text)
    done = re.search(r"number of transactions actually processed: (\d+)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    latencies = []
    for log in logs:
        if not os.path.exists(log):
            continue
        with open(log, encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000)
    latencies.sort()
    errors = int(failed.group(1)) if failed else 0
    if not tps:
        errors = max(errors, 1)
        sys.stderr.write(text)
    print(json.dumps({
        "rps": float(tps.group(1)) if tps else 0.0,
        "p50_ms": round(percentile(latencies, 50), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
        "requests": int(done.group(1)) if done else 0,
        "errors": errors,
    }))


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB"


READS = ["fund_page", "register_search", "trace", "dashboard", "region"]
CURVE = ["fund_page", "trace", "dashboard"]


def lines(path):
    if not os.path.exists(path):
        return []
    return [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]


def curve_points(out, runs, full):
    """{scenario: {donations: result}} at 8 connections: the smaller datasets
    from curve.jsonl, the full one from the main run."""
    points = {name: {} for name in CURVE}
    for r in lines(f"{out}/curve.jsonl"):
        points[r["scenario"]][r["donations"]] = r["result"]
    for name in CURVE:
        if ("shanlian", name, 8) in runs and full:
            points[name][full] = runs[("shanlian", name, 8)]
    return points


def chart(points, path):
    """The scale curve as an SVG: p50 latency against donations, log x."""
    import matplotlib
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "shanlian"  # the same file for the same numbers
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for name, by_size in points.items():
        sizes = sorted(by_size)
        if sizes:
            ax.plot(sizes, [by_size[n]["p50_ms"] for n in sizes], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("donations in the database")
    ax.set_ylabel("p50 latency, ms (8 connections)")
    ax.set_title("Scale curve")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def verdict(ok):
    return "met" if ok else "**missed**"


def targets(runs, points, rss):
    """Each target of issue #9 with what was measured and whether it is met."""
    rows = []
    for (system, scenario, conns), ours in runs.items():
        if system != "shanlian":
            continue
        sql = runs.get(("sql", scenario, conns))
        pg = runs.get(("postgraphile", scenario, conns))
        if scenario == "record_donation" and sql and sql["rps"]:
            ratio = ours["rps"] / sql["rps"]
            rows.append((f"recordDonation ≥ 0.5× its SQL, {conns} conns", f"{ratio:.2f}×", ratio >= 0.5))
        if scenario in READS and pg and pg["rps"]:
            ratio = ours["rps"] / pg["rps"]
            rows.append((f"{scenario} ≥ 2× PostGraphile, {conns} conns", f"{ratio:.2f}×", ratio >= 2))
        if scenario in READS and conns == 64:
            ok = ours["p99_ms"] < 50 and ours["errors"] == 0
            rows.append((f"{scenario} p99 < 50 ms at 64 conns", f"{ours['p99_ms']:.1f} ms, {ours['errors']} errors", ok))
    for name, by_size in points.items():
        sizes = sorted(by_size)
        if len(sizes) >= 2 and by_size[sizes[0]]["p50_ms"]:
            ratio = by_size[sizes[-1]]["p50_ms"] / by_size[sizes[0]]["p50_ms"]
            rows.append((f"{name} p50 {sizes[-1]:,}/{sizes[0]:,} donations < 1.5", f"{ratio:.2f}", ratio < 1.5))
    if rss:
        rows.append(("server peak RSS < 200 MB", f"{rss / 1024:.0f} MB", rss / 1024 < 200))
    print("## Targets\n")
    print("| target | measured | verdict |")
    print("| --- | ---: | --- |")
    for target, measured, ok in rows:
        print(f"| {target} | {measured} | {verdict(ok)} |")
    print()


def markdown(out):
    rows = lines(f"{out}/results.jsonl")
    rss = next((r["peak_rss_kb"] for r in rows if "peak_rss_kb" in r), None)
    full = next((r["donations"] for r in rows if "donations" in r and "system" not in r), None)
    runs = {(r["system"], r["scenario"], r["connections"]): r["result"] for r in rows if "system" in r}
    points = curve_points(out, runs, full)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("# Benchmark results\n")
    print(f"- date: {datetime.date.today()}")
    print(f"- machine: {machine()}; server, PostgreSQL, wrk and pgbench on the same machine")
    print(f"- commit: {commit}")
    if rss:
        print(f"- server peak RSS: {rss / 1024:.0f} MB")
    print()
    targets(runs, points, rss)
    print("## Dataset\n\n```")
    print(open(f"{out}/generate.txt", encoding="utf-8").read().strip())
    print("```\n")
    print("## Throughput and latency\n")
    print("`ours` is the GraphQL API over HTTP (wrk); `SQL` is the same work as SQL through pgbench, under the same")
    print("non-owner role and row-level security. A 200 carrying GraphQL errors counts as an error.\n")
    print("| scenario | conns | ours req/s | ours p50 ms | ours p99 ms | ours errors | SQL tx/s | SQL p50 ms | SQL p99 ms "
          "| ours/SQL | PostGraphile req/s | PostGraphile p99 ms | PostGraphile errors | ours/PostGraphile |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for (system, scenario, conns), ours in runs.items():
        if system != "shanlian":
            continue
        sql = runs.get(("sql", scenario, conns), {})
        pg = runs.get(("postgraphile", scenario, conns))
        ratio = ours["rps"] / sql["rps"] if sql.get("rps") else 0
        pg_cells = (f"{pg['rps']:.0f} | {pg['p99_ms']:.1f} | {pg['errors']} | "
                    f"{ours['rps'] / pg['rps'] if pg['rps'] else 0:.2f}") if pg else "— | — | — | —"
        print(f"| {scenario} | {conns} | {ours['rps']:.0f} | {ours['p50_ms']:.1f} | {ours['p99_ms']:.1f} | "
              f"{ours['errors']} | {sql.get('rps', 0):.0f} | {sql.get('p50_ms', 0):.1f} | {sql.get('p99_ms', 0):.1f} | "
              f"{ratio:.2f} | {pg_cells} |")
    if any(points.values()):
        sizes = sorted({n for by_size in points.values() for n in by_size})
        print("\n## Scale curve\n")
        print("The same queries at 8 connections on datasets of each size (organizations and funds as in the main")
        print("run; disbursements, relief cases and audit records in proportion to the donations).\n")
        print("![p50 latency against donations](scale.svg)\n")
        print("| scenario | " + " | ".join(f"{n:,} p50 ms (req/s)" for n in sizes) + " | p50 ratio largest/smallest |")
        print("| --- | " + " | ".join("---:" for _ in sizes) + " | ---: |")
        for name, by_size in points.items():
            cells = [f"{by_size[n]['p50_ms']:.1f} ({by_size[n]['rps']:.0f})" if n in by_size else "—" for n in sizes]
            have = sorted(by_size)
            ratio = by_size[have[-1]]["p50_ms"] / by_size[have[0]]["p50_ms"] if len(have) >= 2 else 0
            print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} |")
        chart(points, os.path.join(os.path.dirname(__file__), "scale.svg"))
    findings = os.path.join(os.path.dirname(__file__), "findings.md")
    if os.path.exists(findings):
        print()
        print(open(findings, encoding="utf-8").read().strip())


if __name__ == "__main__":
    if sys.argv[1:2] == ["pgbench"]:
        pgbench(sys.argv[2], sys.argv[3:])
    elif sys.argv[1:2] == ["markdown"]:
        markdown(sys.argv[2])
    else:
        sys.exit(__doc__)
