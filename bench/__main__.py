"""`make bench`: every benchmark of issue 7 on SQLite and PostgreSQL, a table of figure,
baseline, ratio and target, and bench/results/latest.json.

    .venv/bin/python -m bench            # the full run (about 13 minutes on 2 cores)
    .venv/bin/python -m bench posting    # some of posting, imports, linear, reads, years,
                                         # datev, aging; merged into latest.json
    FOLIO_BENCH_QUICK=1 .venv/bin/python -m bench    # a smoke run with small sizes
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import aging, datev, env, imports, posting, reads, years

QUICK = os.environ.get("FOLIO_BENCH_QUICK") == "1"
SECONDS = int(os.environ.get("FOLIO_BENCH_SECONDS", "3" if QUICK else "20"))
IMPORT_ROWS = 1000 if QUICK else 10_000
LINEAR_ROWS = (1000, 10_000) if QUICK else (10_000, 100_000)
MEMORY_ROWS = 5000 if QUICK else 100_000
RESULTS = Path(__file__).parent / "results" / "latest.json"


def _ratio(figure: float, baseline: float) -> float:
    return round(figure / baseline, 3) if baseline else 0.0


def table(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the table: what, engine, figure, baseline, ratio, target, holds, load."""
    rows: list[dict[str, Any]] = []

    def add(what: str, engine: str, figure: float, baseline: float, ratio: float,
            target: str, holds: bool, load: str, unit: str) -> None:  # fmt: skip
        rows.append({
            "what": what, "engine": engine, "figure": figure, "baseline": baseline,
            "ratio": ratio, "target": target, "holds": holds, "load": load, "unit": unit,
        })  # fmt: skip

    for kind in env.ENGINES:
        post = results.get("posting", {}).get(kind)
        if post:
            spread, framework, raw = post["post_spread"], post["framework"], post["raw_driver"]
            bare = post.get("bare_echo")
            if bare:
                r = _ratio(spread["rate"], bare["rate"])
                target, floor = (">= 0.25", 0.25) if kind == "sqlite" else ("-", 0.0)
                add("1 posting/s vs bare FastAPI echo", kind, spread["rate"], bare["rate"],
                    r, target, r >= floor, spread["load"], "req/s")  # fmt: skip
                one_cpu = post.get("post_one_cpu")
                if one_cpu:
                    r = _ratio(one_cpu["rate"], bare["rate"])
                    add("1 posting/s vs bare FastAPI echo, server on one CPU (FOLIO_CPU=auto)",
                        kind, one_cpu["rate"], bare["rate"], r, target, r >= floor,
                        one_cpu["load"], "req/s")  # fmt: skip
            batch = post.get("batch")
            if batch:
                want = 10_000 if kind == "sqlite" else 5_000
                per_entry = _ratio(batch["entries_per_s"], spread["rate"])
                add("9 batch posting, 1,000-entry batches (ratio = vs single posting)", kind,
                    batch["entries_per_s"], spread["rate"], per_entry, f">= {want:,}/s",
                    batch["entries_per_s"] >= want, batch["load"], "entries/s")  # fmt: skip
            workers = post.get("post_workers")
            if workers:
                r = _ratio(workers["rate"], spread["rate"])
                add(f"8 posting/s, {workers['workers']} workers vs 1 (info)", kind,
                    workers["rate"], spread["rate"], r, "-", True, workers["load"],
                    "req/s")  # fmt: skip
            if kind == "sqlite":
                r = _ratio(spread["rate"], framework["rate"])
                add("1 posting/s vs Folio's own echo (info)", kind, spread["rate"],
                    framework["rate"], r, "-", True, spread["load"], "req/s")  # fmt: skip
                r2 = _ratio(spread["rate"], raw["rate"])
                add("1 posting/s vs raw driver (info)", kind, spread["rate"], raw["rate"], r2,
                    "-", True, raw["load"], "req/s")  # fmt: skip
            else:
                r = _ratio(spread["rate"], raw["rate"])
                add("1 posting/s vs raw-driver loop", kind, spread["rate"], raw["rate"], r,
                    ">= 1.0", r >= 1.0, spread["load"], "req/s")  # fmt: skip
                r2 = _ratio(spread["rate"], framework["rate"])
                add("1 posting/s vs framework (info)", kind, spread["rate"], framework["rate"],
                    r2, "-", True, framework["load"], "req/s")  # fmt: skip
                hot = post["post_hot"]
                r = _ratio(hot["rate"], spread["rate"])
                add("5 hot offset ledger vs spread", kind, hot["rate"], spread["rate"], r,
                    ">= 0.80", r >= 0.8, hot["load"], "req/s")  # fmt: skip
            add("6 server peak RSS during 1", kind, post["server_peak_rss_mb"], 0, 0, "-", True,
                spread["load"], "MB")  # fmt: skip
        imp = results.get("imports", {}).get(kind)
        if imp:
            raw = imp["raw"]
            for label in ("api", "cli"):
                got = imp[label]
                r = _ratio(got["rate"], raw["rate"])
                holds = got["seconds"] <= 1.0 and r >= 0.3
                add(f"2 import {IMPORT_ROWS:,} rows, {label.upper()} (s; ratio = rate/raw)",
                    kind, got["seconds"], raw["seconds"], r, "<= 1 s, >= 0.30", holds,
                    got["load"], "s")  # fmt: skip
            own_size = imp.get("rows_rss_mb", imp["rows_size_mb"])
            small, large = sorted(own_size, key=int)
            grow = imp["cli_large"]["peak_rss_mb"] - imp["cli"]["peak_rss_mb"]
            own = own_size[large] - own_size[small]
            r = _ratio(grow, own)
            add(f"6 CLI RSS growth {int(small):,} -> {int(large):,} rows vs rows' own size",
                kind, round(grow, 1), round(own, 1), r, "<= 1.0", r <= 1.0,
                imp["cli_large"]["load"], "MB")  # fmt: skip
        lin = results.get("linear", {}).get(kind)
        if lin:
            small, large = sorted(lin, key=int)
            r = _ratio(lin[large]["seconds"], lin[small]["seconds"])
            bound = int(large) / int(small)
            add(f"2 import {int(large):,} vs {int(small):,} rows, fresh database (s)", kind,
                lin[large]["seconds"], lin[small]["seconds"], r, f"<= {bound:g}",
                r <= bound and lin[large]["verified"], lin[large]["load"], "s")  # fmt: skip
            if "raw_seconds" in lin[large] and "raw_seconds" in lin[small]:
                big, little = lin[large]["raw_seconds"], lin[small]["raw_seconds"]
                add(f"2 raw insert {int(large):,} vs {int(small):,} rows, fresh database "
                    "(info: the engine's own growth)", kind, big, little,
                    _ratio(big, little), "-", True, lin[large]["load"], "s")  # fmt: skip
            if "cpu_seconds" in lin[large] and "cpu_seconds" in lin[small]:
                big, little = lin[large]["cpu_seconds"], lin[small]["cpu_seconds"]
                add(f"2 import {int(large):,} vs {int(small):,} rows, CPU s, client + server "
                    "(info)", kind, big, little,
                    _ratio(big, little), "-", True, lin[large]["load"], "s")  # fmt: skip
        rd = results.get("reads", {}).get(kind)
        if rd:
            for what in ("now", "as_of"):
                for pct in ("p50", "p99"):
                    big, small = rd[f"balance_{what}_1m"], rd[f"balance_{what}_1k"]
                    r = _ratio(big[f"{pct}_ms"], small[f"{pct}_ms"])
                    add(f"3 balance {what} {pct}, 1M-line vs 1k-line ledger", kind,
                        big[f"{pct}_ms"], small[f"{pct}_ms"], r, "<= 1.2", r <= 1.2,
                        big["load"], "ms")  # fmt: skip
            hl = results.get("reads", {}).get("hledger", {})
            for what, key in (
                ("trial balance", "trial_balance"),
                ("balance sheet", "balance_sheet"),
            ):
                mine = rd[key]["p50_ms"]
                theirs = hl.get("bal_ms" if key == "trial_balance" else "bs_ms", 0)
                r = round(theirs / mine, 1) if mine else 0.0
                add(f"4 {what} as of a past date, 1.1M lines (ratio = hledger/folio)", kind,
                    mine, theirs, r, "<= 200 ms, >= 20x", mine <= 200 and r >= 20,
                    rd[key]["load"], "ms")  # fmt: skip
        for step, unit, label in (
            ("datev", "booking", "12 DATEV Buchungsstapel import, {large:,} vs {small:,} bookings"),
            ("aging", "line", "13 aged receivables, {large:,} vs {small:,} control-ledger lines"),
        ):
            # a step timed at two sizes, per unit of input: linear when the ratio stays near 1
            got = results.get(step, {}).get(kind)
            if got:
                small, large = sorted(int(n) for n in got if n.isdigit())
                r, per = got[f"ratio_per_{unit}"], f"us_per_{unit}"
                add(label.format(large=large, small=small) + f" (us/{unit})", kind,
                    got[str(large)][per], got[str(small)][per], r, "<= 1.5", r <= 1.5,
                    got[str(large)]["load"], "us")  # fmt: skip
        ag = results.get("aging", {}).get(kind, {})
        largest = max((int(n) for n in ag if n.isdigit()), default=None)
        big = ag[str(largest)] if largest else {}
        if "party_p50_ms" in big:
            add(f"13 one customer's items vs the aged report, {largest:,} lines (info: "
                f"{aging.CUSTOMERS} customers)", kind, big["party_p50_ms"], big["p50_ms"],
                _ratio(big["party_p50_ms"], big["p50_ms"]), "-", True, big["load"],
                "ms")  # fmt: skip
        yr = results.get("years", {}).get(kind)
        if yr:
            five, one = yr["five_years"]["p50_ms"], yr["one_year"]["p50_ms"]
            r = _ratio(five, one)
            lines = results["years"]["lines"]
            add(f"11 trial balance of the last of 5 fiscal years vs a one-year book, {lines:,} "
                "lines", kind, five, one, r, "<= 1.2", r <= 1.2, yr["five_years"]["load"],
                "ms")  # fmt: skip
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    head = ("what", "engine", "figure", "baseline", "ratio", "target", "holds", "load")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['engine']} | {row['figure']} {row['unit']} | "
            f"{row['baseline'] or '-'} | {row['ratio'] or '-'} | {row['target']} | "
            f"{'yes' if row['holds'] else '**no**'} | {row['load']} |"
        )
    return "\n".join(lines)


STEPS = ("posting", "imports", "linear", "reads", "years", "datev", "aging")


def main() -> int:
    started = time.time()
    unknown = [arg for arg in sys.argv[1:] if arg not in STEPS]
    if unknown:  # a typo or --help must not start a full run of half an hour
        print(__doc__)
        if unknown != ["--help"] and unknown != ["-h"]:
            print(f"unknown step {unknown[0]!r}; the steps are {', '.join(STEPS)}", file=sys.stderr)
            return 2
        return 0
    steps = list(sys.argv[1:]) or list(STEPS)
    env.ensure_tools()
    results: dict[str, Any] = {}
    if steps != list(STEPS) and RESULTS.exists():
        results = json.loads(RESULTS.read_text())
        # The machine of a partial rerun is its own: `machine` is the last full run's.
        results.setdefault("partial_reruns", []).append(
            {"steps": steps, "machine": env.machine(), "at": time.strftime("%Y-%m-%d %H:%M")}
        )
    else:
        results = {"machine": env.machine()}
    results.update(quick=QUICK, seconds=SECONDS)
    dbs = env.Databases()
    failed = []
    try:
        for name, step in (
            ("posting", lambda kind: posting.run(dbs, kind, SECONDS)),
            ("imports", lambda kind: imports.run(dbs, kind, IMPORT_ROWS, MEMORY_ROWS)),
            ("linear", lambda kind: imports.linear(dbs, kind, LINEAR_ROWS)),
            ("datev", lambda kind: datev.run(dbs, kind, LINEAR_ROWS)),
            ("aging", lambda kind: aging.run(dbs, kind, LINEAR_ROWS)),
        ):
            if name not in steps:
                continue
            for kind in env.ENGINES:
                try:
                    results.setdefault(name, {})[kind] = step(kind)
                except Exception:
                    failed.append(f"{name}/{kind}")
                    traceback.print_exc()
        journal, source = None, None
        for kind in env.ENGINES if "reads" in steps else ():
            try:
                got, journal, written = reads.run(dbs, kind, journal, source)
                source = source or written
                hledger = got.pop("hledger", None)
                hl_numbers = got.pop("hledger_numbers", None)
                if hledger is not None:
                    results.setdefault("reads", {})["hledger"] = hledger
                    results["reads"]["hledger_numbers"] = hl_numbers
                folio_numbers = got.pop("folio_numbers")
                theirs = results.get("reads", {}).get("hledger_numbers", {})
                got["same_numbers_as_hledger"] = all(
                    theirs.get(number, 0) == value for number, value in folio_numbers.items()
                ) and all(folio_numbers.get(number, 0) == value for number, value in theirs.items())
                results.setdefault("reads", {})[kind] = got
            except Exception:
                failed.append(f"reads/{kind}")
                traceback.print_exc()
        results["reads"].pop("hledger_numbers", None) if "reads" in results else None
        if "years" in steps:
            try:
                results["years"] = years.run(dbs)
            except Exception:
                failed.append("years")
                traceback.print_exc()
    finally:
        dbs.close()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    rows = table(results)
    results["table"] = rows
    results["failed"] = failed
    results.setdefault("elapsed_seconds", 0)
    if steps == list(STEPS):
        results["elapsed_seconds"] = round(time.time() - started)
        results["load_at_end"] = env.load()
    else:
        results["partial_reruns"][-1]["elapsed_seconds"] = round(time.time() - started)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(render(rows))
    if steps == list(STEPS):
        print(f"\nfull run {results['elapsed_seconds']} s; load "
              f"{results['machine']['load_at_start']} at start, {results.get('load_at_end')} at "
              f"end; written to {RESULTS}")  # fmt: skip
    else:
        rerun = results["partial_reruns"][-1]
        print(f"\n{' '.join(steps)}: {rerun['elapsed_seconds']} s; load "
              f"{rerun['machine']['load_at_start']} at start, {env.load()} at end; merged into "
              f"{RESULTS}")  # fmt: skip
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
