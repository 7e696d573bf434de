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
                                                            journey_rate=600.0, before=200.0)]}
    table = targets(runs, {}, None, argparse.Namespace(saturate=200), "5180997")
    row = _row(table, "saturation ≥ 3 × today's")
    assert "3.0 × (600/200 events/s, this code/the code at 5180997" in row
    assert "200 sessions thinking 0.05 s" in row
    # The closed loop is no level of N people: the 200-session target does not read it.
    assert "not run" in _row(table, "journey p95 ≤ 100 ms at 200 sessions")


def test_rounds_of_the_closed_loop_give_the_median_of_their_back_to_back_ratios():
    """Each round is paired with the code at --baseline run right after it: the machine's
    speed drifts within minutes, so each ratio compares like with like, and the median of
    the ratios is the figure (not the best round, not a ratio of rates from apart)."""
    rounds = [(300.0, 100.0), (250.0, 104.0), (280.0, 90.0)]  # ratios 3.0, 2.4, 3.1
    runs = {"sqlite": [Level(200, journey_rate=150.0)] + [
        Level(200, saturation=True, journey_rate=now, before=before) for now, before in rounds]}
    table = targets(runs, {}, None, argparse.Namespace(saturate=200), "5180997")
    row = _row(table, "saturation ≥ 3 × today's")
    assert row.split("|")[2].strip().startswith("3.0 × (300/100, 250/104, 280/90 events/s")
    assert "median of 3 rounds" in row and "ratios 2.4–3.1" in row
    # Against the 110/s: the median rate, not the best round.
    assert "280/s (2.5 × 110/s" in _row(table, "saturation ≥ 3 × 110")


def test_without_a_closed_loop_the_busiest_level_is_named_as_the_offered_load():
    runs = {"sqlite": [Level(50, journey_rate=40.0), Level(500, journey_rate=360.0,
                                                          before=180.0)]}
    table = targets(runs, {}, None, argparse.Namespace(saturate=0), "5180997")
    row = _row(table, "saturation ≥ 3 × 110")
    assert "360/s" in row and "below saturation it is the offered load" in row
    assert "2.0 × (360/180 events/s" in _row(table, "saturation ≥ 3 × today's")


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
