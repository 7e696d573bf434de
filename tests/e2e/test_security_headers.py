"""Security suite, browser and HTTP half ("Headers and defaults", demo mode, enumeration): against
the production build the journeys run on.

- every response (HTML pages, plain and gzip, the static scripts, /ping, /health, the auth
  endpoints, the attachment download, 404s, sitemap.xml) carries the security headers, and a
  page's policy allows exactly its own inline scripts;
- a sign-in journey (and registration, inquiries, the language switch, sign-out) runs in
  Chromium under that policy without one violation;
- the demo banner is on every page in both languages, a labelled landmark, not an alert;
- registration answers an unknown ID and a wrong mobile alike; the sitemap lists no dev, demo
  or staff page.
"""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from absher_app.domain.demo import DEMO_PASSWORD, demo_id
from absher_app.security_headers import inline_script_hashes
from tests.e2e.conftest import REVIEW_SHOTS, assert_accessible, screenshot, visit
from tests.e2e.helpers import sign_in
from tests.e2e.messaging import english, mobile_of
from tests.e2e.test_accounts import _record

pytestmark = pytest.mark.e2e

HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
# Records a policy violation however it happens (script, style, connection, eval).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' +
                    (e.sample || '').slice(0, 80));
});
"""


def fetch(url: str, gzip_ok: bool = False) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body, without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip_ok
                                     else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    body = response.read()
    headers = {k.lower(): v for k, v in response.headers.items()}
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, headers, body


def policy_of(headers: dict[str, str]) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in headers["content-security-policy"].split("; ")}


def assert_secured(path: str, headers: dict[str, str]) -> None:
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (path, name, headers.get(name))
    assert "camera=()" in headers.get("permissions-policy", ""), path
    policy = policy_of(headers)
    assert policy.get("frame-ancestors") == ["'none'"] or "sandbox" in policy, path
    assert "strict-transport-security" not in headers, path  # the test app is plain http


def test_every_response_carries_the_security_headers(app_url: str):
    status, headers, page_html = fetch(f"{app_url}/login/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    scripts = re.findall(r'(?:src|href)="(/assets/[^"]+\.js)"', page_html.decode())
    assert scripts, "no script in the page"
    checked = {}
    for path, expect_status in [
        ("/", 200), ("/login/", 200), ("/register/", 200), ("/dashboard/", 200),
        (scripts[0], 200), (scripts[-1], 200), ("/ping", 200), ("/health", 200),
        ("/sitemap.xml", 200), ("/auth/session?ticket=forged", 303), ("/auth/signed-out", 303),
        ("/auth/staff-session?ticket=forged", 303), ("/files/attachments/1", 404),
        ("/staff/files/attachments/1", 404), ("/no/such/page", 404),
    ]:
        for gzip_ok in (False, True):
            status, headers, body = fetch(f"{app_url}{path}", gzip_ok=gzip_ok)
            assert status == expect_status, (path, status)
            assert_secured(path, headers)
            checked[path] = headers
            if headers.get("content-type", "").startswith("text/html"):
                # The policy allows exactly this page's inline scripts (and they are there).
                allowed = set(policy_of(headers)["script-src"])
                hashes = inline_script_hashes(body)
                assert hashes and set(hashes) <= allowed, path
                assert "'unsafe-inline'" not in allowed
    assert len(checked) == 15


def test_a_sign_in_journey_runs_under_the_policy_without_a_violation(page: Page, app_env):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    visit(page, "/register")
    visit(page, "/inquiries")
    sign_in(page, app_env, "mohammed", DEMO_PASSWORD, mobile_of("c1"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if page.locator("html").get_attribute("lang") == "en":  # the account's language
        page.get_by_role("button", name="العربية").click()
        expect(page.locator("html")).to_have_attribute("lang", "ar")
    english(page)
    visit(page, "/account")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the head script ran
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(re.compile(r"/login/?$"))
    expect(page.get_by_test_id("login-id")).to_be_visible()
    violations = page.evaluate("window.__csp")
    assert violations == [] and console == [], (violations, console)


@pytest.mark.parametrize(("lang", "label", "text"), [
    ("ar", "نسخة تجريبية", "جميع الأشخاص والبيانات خيالية"),
    ("en", "Demo", "Every person and record here is fictional"),
])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_demo_banner_is_on_every_page(page: Page, lang, label, text, width):
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("/", "/login", "/register", "/inquiries", "/staff/login", "/dev/sms"):
        visit(page, path)
        if lang == "en":
            english(page)
        banner = page.get_by_role("complementary", name=label)
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(text)
        assert banner.get_attribute("role") != "alert"
        expect(page.get_by_role("alert")).to_have_count(0)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the viewport"
    visit(page, "/")
    assert_accessible(page)
    screenshot(page, f"demo-banner-{lang}-{width}", REVIEW_SHOTS)


def _register_details(page: Page, id_number: str, mobile: str) -> str:
    visit(page, "/register")
    english(page)
    page.get_by_label("Citizen", exact=True).check()
    page.get_by_label("ID, iqama or border number").fill(id_number)
    page.get_by_label("Mobile number").fill(mobile)
    page.get_by_label("Username").fill("someone_else")
    page.get_by_label("Email").fill("x@example.org")
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(page.get_by_label("ID, iqama or border number")).to_have_value(id_number)
    return alert.inner_text()


def test_registration_answers_an_unknown_id_and_a_wrong_mobile_alike(page: Page):
    person = _record("c3")  # a demo citizen without an account
    unknown = _register_details(page, demo_id("1", 99999), person["mobile"])
    wrong_mobile = _register_details(page, person["id_number"], "0500000009")
    assert unknown == wrong_mobile
    assert "do not match the civil registry" in unknown


def test_the_sitemap_lists_public_pages_only(app_url: str):
    _status, _headers, body = fetch(f"{app_url}/sitemap.xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", body.decode())
    paths = {re.sub(r"^https?://[^/]+", "", loc).rstrip("/") or "/" for loc in locations}
    assert paths == {"/", "/register", "/login", "/forgot-password", "/inquiries", "/verify"}
