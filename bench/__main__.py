"""`python -m bench [--quick] [--json FILE] [--only SECTION ...] [--service-ms MS]`: prints every table; exits 1 if a
DynamoDB call count misses its floor or a recount after the flash sale finds a lost or double count (never because
of a time)."""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench import env

env.prepare()

from bench import bulk, coldstart, expiry_scale, flashsale, operations, throughput, warm  # noqa: E402
from bench.table import render  # noqa: E402
from bench.write_model import Limits  # noqa: E402

SECTIONS = ("operations", "expiry", "throughput", "coldstart", "warm", "flashsale", "bulk")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()} on {platform.system()} "
            f"{platform.release()}, load average {load}")


ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds (CI)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--service-ms", type=float, default=20.0,
                        help="flashsale: how long a transaction holds its items in the write model (10-25)")
    args = parser.parse_args(argv)
    env.quiet_logs()
    quick = args.quick
    out: dict = {"quick": quick, "machine": machine(), "commit": _commit()}
    broken: list[str] = []
    print(f"# Benchmarks{' (quick)' if quick else ''}\n\nMachine: {out['machine']}\n")

    if "operations" in args.only:
        rows = operations.measure()
        print("## DynamoDB calls per operation (moto, real routes)\n")
        print(render(
            ["operation", "status", "calls", "floor", "ok", "items read", "items written", "RCU", "WCU"],
            [[r.operation, r.status, r.calls, r.floor.text, "yes" if r.ok else "NO", r.usage.items_read,
              r.usage.items_written, r.usage.rcu, r.usage.wcu] for r in rows]))
        print()
        broken += [f"operation {r.operation}: {r.calls} (floor {r.floor.text})" for r in rows if not r.ok]
        out["operations"] = [{"operation": r.operation, "status": r.status, "calls": dict(r.counts),
                              "floor": r.floor.text, "ok": r.ok, "items_read": r.usage.items_read,
                              "items_written": r.usage.items_written, "rcu": r.usage.rcu, "wcu": r.usage.wcu}
                             for r in rows]

    if "expiry" in args.only:
        pending, dues = (2_000, [0, 20, 200]) if quick else (100_000, [0, 1_000, 10_000])
        rows, seeding = expiry_scale.measure(pending, dues, sellers=100 if quick else 1000)
        print(f"## Expiry job at scale: {pending:,} pending requests in moto (seeded in {seeding:.0f} s)\n")
        print(render(
            ["pending", "due", "Query", "BatchGetItem", "TransactWriteItems", "expected", "ok", "items read",
             "items written", "RCU", "WCU", "s (moto)"],
            [[r.pending, r.due, r.counts["Query"], r.counts["BatchGetItem"], r.counts["TransactWriteItems"],
              "/".join(str(r.expected[op]) for op in ("Query", "BatchGetItem", "TransactWriteItems")),
              "yes" if r.ok else "NO", r.usage.items_read, r.usage.items_written, r.usage.rcu, r.usage.wcu,
              r.seconds] for r in rows]))
        print("\nexpected = Query/BatchGetItem/TransactWriteItems from the due requests alone: a Query page per "
              "100 due per shard (+1 per shard), a BatchGetItem per 100 due, a transaction per due request.\n")
        broken += [f"expiry with {r.due} due: {dict(r.counts)} (expected {dict(r.expected)})" for r in rows
                   if not r.ok]
        out["expiry"] = [{"pending": r.pending, "due": r.due, "calls": dict(r.counts), "expected": dict(r.expected),
                          "ok": r.ok, "items_read": r.usage.items_read, "rcu": r.usage.rcu, "wcu": r.usage.wcu,
                          "seconds": r.seconds} for r in rows]

    if "throughput" in args.only:
        default = throughput.default_concurrency()
        levels = [1, default] if quick else sorted({1, 4, 8, default, 32})
        due = 100 if quick else 1_000
        rows = throughput.measure(due, levels, single_seller_due=0 if quick else 100)
        sequential = next(r.rate for r in rows if r.concurrency == 1 and r.label == "one at a time")
        print(f"## Expiry throughput: each DynamoDB call answered after {throughput.LATENCY * 1000:.0f} ms\n")
        print(render(
            ["run", "due", "resolved", "seconds", "resolved/s", "vs one at a time", "CPU ms per request"],
            [[r.label, r.due, r.resolved, r.seconds, r.rate, f"{r.rate / sequential:.1f}x", r.cpu_ms_per_request]
             for r in rows]))
        print()
        broken += [f"throughput {r.label}: {r.resolved}/{r.due} resolved, calls {r.calls}" for r in rows
                   if not r.ok]
        out["throughput"] = [{"run": r.label, "concurrency": r.concurrency, "due": r.due, "resolved": r.resolved,
                              "seconds": r.seconds, "per_second": r.rate, "speedup": r.rate / sequential,
                              "cpu_ms_per_request": r.cpu_ms_per_request, "calls": r.calls} for r in rows]

    if "coldstart" in args.only:
        runs = 3 if quick else 7
        cold = coldstart.measure(runs, handlers=not quick)
        package = cold.package
        built = ("reused (newer than its sources)" if package.build_seconds is None
                 else f"built for this run in {package.build_seconds:.0f} s")
        print(f"## Cold start as Lambda runs it: the deployment package unzipped, median of {runs}\n")
        print(f"Package: {package.zip.relative_to(ROOT) if package.zip.is_relative_to(ROOT) else package.zip.name}, "
              f"{built}; {package.zip_bytes / 1024 / 1024:.1f} MB, {package.sources} modules, "
              f"{package.bytecode} .pyc\n")
        print(render(
            ["bytecode", "bare import ms", "import app ms", "ratio", "app's own ms", "CPU ms bare / app",
             "CPU ratio", "PyJWT loaded"],
            [["with (as built)" if r.compiled else "without (as chalice packages it)", r.bare_ms, r.app_ms,
              f"{r.ratio:.3f}", r.own_ms, f"{r.bare_cpu_ms:.0f} / {r.app_cpu_ms:.0f}", f"{r.cpu_ratio:.3f}",
              "yes" if r.jwt_loaded else "no"] for r in cold.rows]))
        print(f"\n`import app` without bytecode against the bare import with it: {cold.as_chalice_ships_it:.2f}x")
        with_bytecode = cold.rows[0]
        print("\nUp to the first answer: `import app`, then what the route's first request imports (served once from "
              "the package against a stand-in DynamoDB), with bytecode, against the same bare import:\n")
        print(render(
            ["first request", "status", "modules it imports", "ms", "CPU ms", "ratio", "CPU ratio",
             "its imports, CPU ms"],
            [[f"`{a.first.route.label}`", a.first.status, len(a.first.modules), a.wall_ms, a.cpu_ms,
              f"{a.wall_ms / with_bytecode.bare_ms:.3f}", f"{a.cpu_ms / with_bytecode.bare_cpu_ms:.3f}",
              a.cpu_ms - with_bytecode.app_cpu_ms] for a in cold.first_answers]))
        if cold.handlers:
            print("\nEach function's Handler module, with bytecode (the bare import and `import app` again, with the "
                  "modules each loads):\n")
            print(render(["import", "ms", "CPU ms", "modules", "PyJWT loaded"],
                         [[f"`{m.statement}`" if "empty.m1" not in m.statement else
                           f"{m.modules} empty modules (the import system alone)", m.wall_ms, m.cpu_ms, m.modules,
                           "yes" if m.jwt_loaded else "no"] for m in cold.handlers]))
        if cold.own:
            print(f"\nWhere `import app` spends its own time: `-X importtime`, each module's own time, median of "
                  f"{runs}, the {len(cold.own)} modules the bare import does not load, by layer:\n")
            layers = [[f"`{layer}`", count, ms] for layer, count, ms in cold.by_layer()]
            print(render(["layer", "modules", "own ms"],
                         [*layers, ["all", len(cold.own), sum(m.self_ms for m in cold.own)]]))
            print("\nThe costliest modules:\n")
            print(render(["module", "own ms"], [[f"`{m.name}`", m.self_ms] for m in cold.own[:15]]))
        effects = cold.side_effects
        print(f"\n`import app` opens no file but its modules: {'yes' if not effects['files_opened'] else 'NO'} "
              f"{effects['files_opened'] or ''}; creates no DynamoDB connection: "
              f"{'yes' if not effects['connections'] else 'NO'} {effects['connections'] or ''}\n")
        out["import_side_effects"] = effects
        out["coldstart_package"] = {"zip": str(package.zip), "build_seconds": package.build_seconds,
                                    "zip_bytes": package.zip_bytes, "sources": package.sources,
                                    "bytecode": package.bytecode}
        out["coldstart"] = [{"compiled": r.compiled, "bare_ms": r.bare_ms, "app_ms": r.app_ms, "ratio": r.ratio,
                             "bare_cpu_ms": r.bare_cpu_ms, "app_cpu_ms": r.app_cpu_ms, "cpu_ratio": r.cpu_ratio,
                             "runs": r.runs} for r in cold.rows]
        out["coldstart_first_requests"] = [
            {"route": a.first.route.label, "status": a.first.status, "modules": a.first.modules, "ms": a.wall_ms,
             "cpu_ms": a.cpu_ms, "ratio": a.wall_ms / with_bytecode.bare_ms,
             "cpu_ratio": a.cpu_ms / with_bytecode.bare_cpu_ms}
            for a in cold.first_answers]
        out["coldstart_handlers"] = [{"statement": m.statement, "ms": m.wall_ms, "cpu_ms": m.cpu_ms,
                                      "modules": m.modules} for m in cold.handlers]
        out["coldstart_own_modules"] = {m.name: m.self_ms for m in cold.own}

    if "warm" in args.only:
        iterations = 100 if quick else 2_000
        rows = warm.measure(iterations)
        print(f"## Warm path: Lambda handler in-process, DynamoDB answered from memory ({iterations} requests "
              "per route)\n")
        print(render(["route", "status", "DynamoDB calls", "p50 ms", "p99 ms"],
                     [[r.route, r.status, r.calls, r.p50_ms, r.p99_ms] for r in rows]))
        print()
        out["warm"] = [{"route": r.route, "status": r.status, "calls": r.calls, "p50_ms": r.p50_ms,
                        "p99_ms": r.p99_ms} for r in rows]

    inexact: list[str] = []
    if "flashsale" in args.only:
        limits = Limits(transaction_seconds=args.service_ms / 1000)
        figures = flashsale.measure(flashsale.QUICK if quick else flashsale.FULL, limits)
        out["flashsale"] = flashsale.report(figures)
        print(flashsale.render_figures(figures))
        inexact = figures.problems

    if "bulk" in args.only:
        rows = bulk.measure(20 if quick else 50)
        out["bulk"] = bulk.report(rows)
        print(bulk.render_rows(rows))
        inexact += [f"bulk, {r.strategy}: {p}" for r in rows for p in r.problems]

    out["floors_broken"] = broken
    out["counts_inexact"] = inexact
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str))
    if inexact:
        print("COUNTS NOT EXACT:\n  " + "\n  ".join(inexact))
    if broken:
        print("FLOORS BROKEN:\n  " + "\n  ".join(broken))
        return 1
    print("Every DynamoDB call count is at its floor.")
    return 1 if inexact else 0


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=ROOT).stdout.strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n({time.perf_counter() - started:.0f} s)")
    sys.exit(code)
