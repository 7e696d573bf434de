"""The benchmark's reading of its own runs: which rate is the saturation, and when a Lighthouse
run is tried again. (The load generator itself: tests/e2e/test_bench_journey.py.)"""

from __future__ import annotations

import argparse
import subprocess

import pytest

from bench import pages
from bench.run import Level, targets


def _row(table: str, starts: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(f"| {starts}"))


def test_the_saturation_is_the_closed_loops_rate_not_the_busiest_levels():
    runs = {"sqlite": [Level(500, journey_rate=360.0), Level(200, saturation=True,
                                                            journey_rate=600.0)]}
    table = targets(runs, {}, None, argparse.Namespace(saturate=200), ("5180997", 200.0))
    row = _row(table, "saturation ≥ 3 × today's")
    assert "600/s (3.0 × 200/s of the code at 5180997" in row
    assert "200 sessions thinking 0.05 s" in row
    # The closed loop is no level of N people: the 200-session target does not read it.
    assert "not run" in _row(table, "journey p95 ≤ 100 ms at 200 sessions")


def test_without_a_closed_loop_the_busiest_level_is_named_as_the_offered_load():
    runs = {"sqlite": [Level(50, journey_rate=40.0), Level(500, journey_rate=360.0)]}
    row = _row(targets(runs, {}, None, argparse.Namespace(saturate=0)), "saturation ≥ 3 × 110")
    assert "360/s" in row and "below saturation it is the offered load" in row


def _lighthouse_answers(monkeypatch, tmp_path, answers: list[tuple[int, str]]) -> list[int]:
    calls: list[int] = []
    report = tmp_path / "page.json"

    def run(command, **kwargs):
        code, stderr = answers[len(calls)]
        calls.append(code)
        if code == 0:
            report.write_text("{}")
        return subprocess.CompletedProcess(command, code, "", stderr)

    monkeypatch.setattr(pages, "ensure_lighthouse", lambda: tmp_path / "cli.js")
    monkeypatch.setattr(pages.subprocess, "run", run)
    monkeypatch.setattr(pages, "parse_report", lambda lhr: "parsed")
    monkeypatch.setattr(pages, "progress", lambda message: None)
    return calls


def test_a_badly_recorded_trace_is_run_again(monkeypatch, tmp_path):
    again = "Runtime error encountered: ... Please run Lighthouse again. (NO_NAVSTART)"
    calls = _lighthouse_answers(monkeypatch, tmp_path, [(1, again), (0, "")])
    assert pages.lighthouse("http://localhost/x", tmp_path / "page.json", None) == "parsed"
    assert calls == [1, 0]


def test_any_other_lighthouse_failure_stops_at_once(monkeypatch, tmp_path):
    calls = _lighthouse_answers(monkeypatch, tmp_path, [(1, "Chrome could not be found")] * 3)
    with pytest.raises(RuntimeError, match="Chrome could not be found"):
        pages.lighthouse("http://localhost/x", tmp_path / "page.json", None)
    assert calls == [1]
