"""The README's "The e-services and their delegability" lists every service of the catalogue,
once, with its delegability as the catalogue says and the real Absher service it models."""

from __future__ import annotations

import re
from pathlib import Path

from absher_app.domain import catalogue

README = Path(__file__).resolve().parents[2] / "README.md"


def _rows() -> dict[str, tuple[str, str]]:
    """Service code -> (delegable cell, real service cell) of the README's table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## The e-services and their delegability", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        found = re.match(r"\| `([a-z_]+)` \| [^|]* \| ([^|]*) \| ([^|]*) \|", line)
        if found:
            assert found.group(1) not in rows, f"{found.group(1)} listed twice"
            rows[found.group(1)] = (found.group(2).strip(), found.group(3).strip())
    return rows


def test_every_service_is_listed_with_its_delegability_and_the_real_service():
    rows = _rows()
    assert set(rows) == {s.code for s in catalogue.SERVICES}
    for service in catalogue.SERVICES:
        delegable, real = rows[service.code]
        assert real, f"{service.code}: which real service it models is missing"
        if service.code == "delegation":
            continue
        said = delegable.startswith("yes")
        assert said == service.delegable, (service.code, delegable)
    assert sum(1 for s in catalogue.SERVICES if s.delegable) >= 21
