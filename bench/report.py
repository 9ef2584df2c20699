#!/usr/bin/env python3
"""Turn benchmark output into numbers and the results page.

    report.py pgbench OUTPUT LOG...   one JSON line for a pgbench run: its
                                      throughput, latency percentiles from
                                      the per-transaction logs, failures
    report.py markdown OUT_DIR        bench/RESULTS.md from OUT_DIR/results.jsonl
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


def markdown(out):
    rows = [json.loads(line) for line in open(f"{out}/results.jsonl", encoding="utf-8")]
    rss = next((r["peak_rss_kb"] for r in rows if "peak_rss_kb" in r), None)
    runs = {(r["system"], r["scenario"], r["connections"]): r["result"] for r in rows if "system" in r}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("# Benchmark results\n")
    print(f"- date: {datetime.date.today()}")
    print(f"- machine: {machine()}; server, PostgreSQL, wrk and pgbench on the same machine")
    print(f"- commit: {commit}")
    if rss:
        print(f"- server peak RSS: {rss / 1024:.0f} MB")
    print("\n## Dataset\n\n```")
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
