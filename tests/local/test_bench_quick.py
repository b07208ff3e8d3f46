"""CI runs the benchmark in its quick mode: it fails on a broken DynamoDB call-count floor, never on a time."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_keeps_every_call_count_at_its_floor(tmp_path, package):
    figures = tmp_path / "bench.json"
    # The cold start measures the run's one build (the `package` fixture), which the infra layer checks too.
    run = subprocess.run([sys.executable, "-m", "bench", "--quick", "--json", str(figures)], cwd=ROOT,
                         env=os.environ | {"BENCH_PACKAGE_ZIP": str(package / "deployment.zip")},
                         capture_output=True, text=True, timeout=300)
    assert figures.exists(), run.stdout + run.stderr
    result = json.loads(figures.read_text())
    assert result["floors_broken"] == [], run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
    # Every section ran and measured something; the times themselves are only printed.
    assert {"operations", "expiry", "throughput", "coldstart", "warm", "flashsale"} <= set(result)
    assert all(row["ok"] for row in result["operations"])
    assert [row["due"] for row in result["expiry"]] == [0, 20, 200]
    assert all(row["calls"]["TransactWriteItems"] == row["due"] for row in result["throughput"])
    # The flash sale in the write model: every run recounted exactly, every due request resolved.
    assert result["counts_inexact"] == [], run.stdout
    flash = result["flashsale"]
    assert [row["load"] for row in flash["loads"]] == ["one seller"] * 2 + ["many sellers"] * 2 + ["target"]
    assert all(row["problems"] == [] for row in flash["loads"] + flash["expiry"])
    assert all(row["resolved"] == row["due"] for row in flash["expiry"])
    # A bulk approve in the write model: with a shard per item in flight, no item meets another on a counter.
    rows = {row["strategy"]: row for row in result["bulk"]}
    assert rows["as built"]["conflicts"] == 0 and rows["as built"]["approved"] == rows["as built"]["items"]
    assert all(row["problems"] == [] for row in rows.values())
    # Each first request was served from the package, and imported its own family's views.
    firsts = result["coldstart_first_requests"]
    assert [row["status"] for row in firsts] == [200, 404, 201, 200], firsts
    assert ["chalicelib.api.seller_views" in row["modules"] for row in firsts] == [True, True, False, False]
    assert "chalicelib.api.platform_views" in firsts[2]["modules"]
    # An open route that reads no table loads neither the store nor PynamoDB.
    assert "chalicelib.api.public_views" in firsts[3]["modules"]
    assert not [m for m in firsts[3]["modules"] if m.startswith(("pynamodb", "chalicelib.store"))], firsts[3]
    # Importing the app reads no file and makes no DynamoDB client (architecture.md: settings are lazy).
    assert result["import_side_effects"] == {"files_opened": [], "connections": []}
