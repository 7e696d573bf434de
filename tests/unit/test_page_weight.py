"""What keeps the pages light (issue 14): no page pulls Radix Themes or a web font, and the
production build is compressed with Brotli beside gzip. The figures themselves come from the
benchmark (`python -m bench.pages`), never from a timed test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages():
    from absher_app.absher_app import PAGES

    return PAGES


def test_no_page_imports_radix(pages):
    for route, builder, *_ in pages:
        libraries = builder()._get_all_imports()
        radix = sorted(lib for lib in libraries if "radix" in lib.lower())
        assert not radix, f"{route} pulls {radix}"


def test_the_config_has_no_theme_plugin_and_compresses_with_brotli():
    from reflex.plugins import RadixThemesPlugin

    from rxconfig import config

    assert not [p for p in config.plugins if isinstance(p, RadixThemesPlugin)]
    assert config.frontend_compression_formats[0] == "brotli"
    assert "gzip" in config.frontend_compression_formats


def test_no_stylesheet_downloads_a_font():
    from absher_app.absher_app import app

    for sheet in app.stylesheets:
        css = (ROOT / "assets" / sheet.lstrip("/")).read_text()
        assert "@font-face" not in css and "@import" not in css, sheet
    assert not list((ROOT / "assets").rglob("*.woff*"))
