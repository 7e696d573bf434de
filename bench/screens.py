"""Screenshots of every main page, Arabic and English, 360 px and 1280 px, with axe on each.

    python -m bench.screens --label before            # builds and starts the app (demo data)
    python -m bench.screens --label after --url http://localhost:3410
    python -m bench.screens --compare before after    # side-by-side pictures of both labels

For looking at a restyle, not a test: the pictures go to test-artifacts/screens/<label>/ as
<page>-<lang>-<width>.png, axe's WCAG A/AA violations per page are printed (and saved as
axe.json). --compare lays each pair side by side (rendered by Chromium itself, so nothing else
needs installing) into test-artifacts/screens/compare/.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.pages import DEFAULT_PORT, DEMO_PERSON_KEY, DEMO_USER, WORK, demo_mobile

SHOTS = WORK.parent / "screens"
WIDTHS = (360, 1280)
LANGS = ("ar", "en")
STAFF_USER = "officer"
# Citizen pages: (name, path). The wizard step and check-your-answers are reached by walking
# the exit/re-entry wizard; the staff console needs a staff session.
PAGES = (
    ("home", "/"),
    ("login", "/login"),
    ("register", "/register"),
    ("inquiries", "/inquiries"),
    ("dashboard", "/dashboard"),
    ("services", "/services"),
    ("transactions", "/transactions"),
    ("family", "/family"),
    ("messages", "/messages"),
    ("appointments-book", "/appointments/book"),
    ("delegations", "/delegations"),
    ("account", "/account"),
)
WIZARD = "/services/exit_reentry_issue"
REVIEW_TITLES = ("Check your answers", "راجع إجاباتك")


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def settle(page) -> None:
    """Hydrated, connected, and the page's loader has had time to answer."""
    from tests.e2e.conftest import wait_until_connected

    wait_until_connected(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)


def axe_violations(page) -> list[str]:
    from tests.e2e.conftest import _AXE, WCAG_TAGS

    found = _AXE.run(page).response["violations"]
    return [f"{v['id']} ({len(v['nodes'])})" for v in found if WCAG_TAGS & set(v["tags"])]


def shoot(page, folder: Path, name: str, lang: str, report: dict) -> None:
    """Both widths of the page as it is now; axe at each width."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_timeout(200)
        page.screenshot(path=str(folder / f"{name}-{lang}-{width}.png"), full_page=True)
        report[f"{name}-{lang}-{width}"] = axe_violations(page)
    page.set_viewport_size({"width": WIDTHS[0], "height": 800})


def walk_wizard(page, folder: Path, lang: str, report: dict) -> None:
    """The wizard's first step, then answers (the first option, 30 days) to check answers."""
    page.goto(WIZARD)
    settle(page)
    shoot(page, folder, "wizard-step", lang, report)
    for _ in range(6):
        heading = page.locator("main h1, main h2").all_inner_texts()
        if any(title in text for text in heading for title in REVIEW_TITLES):
            break
        radios = page.locator("main form input[type=radio]")
        if radios.count():
            radios.first.check()
        texts = page.locator("main form input[type=text], main form input[type=number]")
        for i in range(texts.count()):
            texts.nth(i).fill("30")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_timeout(1200)
    else:
        raise RuntimeError("the wizard did not reach check your answers")
    settle(page)
    shoot(page, folder, "check-answers", lang, report)


def staff_console(browser, base: str, env: dict, folder: Path, lang: str, report: dict,
                  english: Callable) -> None:
    """Sign in as the demo passports officer (password + authenticator code); the console."""
    import pyotp

    from absher_app.domain.demo import DEMO_PASSWORD, DEMO_STAFF

    secret = next(s for u, _r, _o, s in DEMO_STAFF if u == STAFF_USER)
    context = browser.new_context(base_url=base)
    english(context)
    page = context.new_page()
    page.goto("/staff/login")
    settle(page)
    page.get_by_test_id("login-id").fill(STAFF_USER)
    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("otp-code").wait_for()
    for attempt in range(2):
        page.get_by_test_id("otp-code").fill(pyotp.TOTP(secret).now())
        page.get_by_test_id("otp-submit").click()
        try:
            page.wait_for_url(re.compile(r"/staff/?$"), timeout=30_000)
            break
        except Exception:  # noqa: BLE001 - a code used in this 30 s step already
            if attempt:
                raise
            time.sleep(31 - time.time() % 30)
    settle(page)
    shoot(page, folder, "staff-console", lang, report)
    context.close()


def take(base: str, env: dict, label: str) -> dict:
    from playwright.sync_api import sync_playwright

    from absher_app.domain.demo import DEMO_PASSWORD
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.e2e.helpers import sign_in

    folder = SHOTS / label
    folder.mkdir(parents=True, exist_ok=True)
    report: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for lang in LANGS:
            def english(context, lang=lang) -> None:
                if lang == "en":  # the language a person chose, as the app keeps it
                    context.add_init_script("localStorage.setItem('absher_lang','en')")

            progress(f"{label}: {lang}, signed out")
            context = browser.new_context(base_url=base)
            english(context)
            page = context.new_page()
            for name, path in PAGES[:4]:
                page.goto(path)
                settle(page)
                shoot(page, folder, name, lang, report)
            progress(f"{label}: {lang}, signed in as {DEMO_USER}")
            sign_in(page, env, DEMO_USER, DEMO_PASSWORD, demo_mobile(DEMO_PERSON_KEY))
            for name, path in PAGES[4:]:
                page.goto(path)
                settle(page)
                shoot(page, folder, name, lang, report)
            walk_wizard(page, folder, lang, report)
            context.close()
            progress(f"{label}: {lang}, staff console")
            staff_console(browser, base, env, folder, lang, report, english)
        browser.close()
    (folder / "axe.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report


def compare(before: str, after: str) -> None:
    """Each picture of `before` beside the same one of `after`, as one PNG per pair."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    out = SHOTS / "compare"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for left in sorted((SHOTS / before).glob("*.png")):
            right = SHOTS / after / left.name
            if not right.is_file():
                continue
            width = int(left.stem.rsplit("-", 1)[1])
            page.set_viewport_size({"width": 2 * width + 12, "height": 600})
            # about:blank cannot load file:// pictures: inline them.
            figures = "".join(
                f"<figure style='margin:0'><figcaption>{label}</figcaption>"
                f"<img src='data:image/png;base64,{base64.b64encode(shot.read_bytes()).decode()}'>"
                "</figure>" for label, shot in ((before, left), (after, right)))
            page.set_content("<body style='margin:0;display:flex;gap:12px;background:#888;"
                             f"align-items:start;font:14px sans-serif'>{figures}</body>")
            page.screenshot(path=str(out / left.name), full_page=True)
        browser.close()
    progress(f"side by side in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--label", default="now", help="folder name under test-artifacts/screens")
    parser.add_argument("--url", help="an app already running with the demo data (its "
                                      "database named by REFLEX_DB_URL, for the SMS outbox)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT + 2)
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        compare(*args.compare)
        return
    if args.url:
        import os

        from tests.e2e.conftest import app_environment

        env = app_environment(WORK / "pages.db", int(args.url.rsplit(":", 1)[1]))
        env["REFLEX_DB_URL"] = os.environ.get("REFLEX_DB_URL", env["REFLEX_DB_URL"])
        report = take(args.url.rstrip("/"), env, args.label)
    else:
        from bench.pages import app_env, prepare_database
        from bench.run import running

        WORK.mkdir(parents=True, exist_ok=True)
        env = app_env(args.port)
        prepare_database(env)
        progress(f"building and starting the app on :{args.port}")
        with contextlib.ExitStack() as stack:
            stack.enter_context(running(Path(__file__).resolve().parents[1], env, args.port,
                                        WORK / "screens-server.log"))
            report = take(f"http://localhost:{args.port}", env, args.label)
    bad = {k: v for k, v in report.items() if v}
    print(f"{len(report)} screenshots in {SHOTS / args.label}; axe WCAG A/AA violations: "
          + (json.dumps(bad, ensure_ascii=False) if bad else "none"))


if __name__ == "__main__":
    main()
