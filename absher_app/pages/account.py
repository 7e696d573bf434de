"""`/account` (حسابي): profile, language, password, mobile, authenticator app and backup codes,
sign-in history, signed-in devices, "this wasn't me", download my data, close account.

Every handler asks the database who is signed in (the page guard is only a redirect) and runs
the domain call off the event loop. Nothing secret is kept in a var the browser receives, with
two deliberate, short-lived exceptions that are the point of their step: the authenticator key
while it is being scanned, and the new backup codes until the person says they saved them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import reflex as rx
import segno
from sqlmodel import Session

from absher_app import routes
from absher_app.components.forms import (
    NO_PROBLEM,
    checkbox_field,
    error_summary,
    form_values,
    localized,
    problem,
    radio_group,
    submit_button,
    text_field,
)
from absher_app.components.layout import page_layout
from absher_app.components.text import t_with
from absher_app.db import session_scope
from absher_app.domain import account_settings
from absher_app.domain.errors import DomainError
from absher_app.domain.identity import CATEGORIES, mask_mobile
from absher_app.domain.passwords import strength
from absher_app.i18n import LANGUAGES, translate
from absher_app.models import Account
from absher_app.pages.account_access import access_section
from absher_app.pages.register import strength_meter
from absher_app.providers.clock import RIYADH, SystemClock
from absher_app.providers.sms import get_sms_sender
from absher_app.state.language import LanguageState, document_language_script, is_english, t
from absher_app.state.session import SignedIn, signed_in_account
from absher_app.state.tab import reset_tab

CLOCK = SystemClock()
T = TypeVar("T")
NO_NOTICE: dict[str, str] = {"ar": "", "en": ""}
MAX_SECRET_INPUT = 1024  # longer than any password we accept; anything longer is no password
SIGNED_OUT_SCRIPT = f"window.location.replace('{routes.AUTH_SIGNED_OUT}')"

# Which field each error belongs to, per form (the rest go to the summary only).
PASSWORD_FIELDS = {
    "current_password_wrong": "current_password", "reauth_locked": "current_password",
    "password_too_short": "new_password", "password_too_long": "new_password",
    "password_common": "new_password", "password_personal": "new_password",
    "password_weak": "new_password", "password_unchanged": "new_password",
    "password_mismatch": "new_password_confirm",
}
MOBILE_FIELDS = {
    "current_password_wrong": "mobile_password", "reauth_locked": "mobile_password",
    "mobile_invalid": "new_mobile", "mobile_not_mobile": "new_mobile",
    "mobile_unchanged": "new_mobile", "code_send_wait": "new_mobile",
    "code_format": "mobile_code", "code_wrong": "mobile_code", "code_used": "mobile_code",
    "code_expired": "mobile_code", "code_locked": "mobile_code",
}
CODE_ERRORS = ("code_format", "code_wrong", "code_locked", "backup_code_wrong")
REAUTH_CODES = ("current_password_wrong", "reauth_locked")


def notice(key: str, **params: Any) -> dict[str, str]:
    """A bilingual success message (shown with role=status)."""
    return {lang: translate(key, lang, **params) for lang in LANGUAGES}


def riyadh_time(moment: datetime | None) -> str:
    """YYYY-MM-DD HH:MM in the Kingdom."""
    return f"{moment.astimezone(RIYADH):%Y-%m-%d %H:%M}" if moment else ""


def when(value: rx.Var) -> rx.Component:
    """A 'YYYY-MM-DD HH:MM' value that may wrap between the date and the time, nowhere else."""
    return rx.el.bdi(
        rx.el.span(value.to(str).split(" ")[0], class_name="nowrap"), " ",
        rx.el.span(value.to(str).split(" ")[1], class_name="nowrap"),
        dir="ltr",
    )


def secret_field(form_data: dict, name: str) -> str:
    """A password as typed (not stripped: spaces are part of it), or '' when not a sane string."""
    value = form_data.get(name, "")
    return value if isinstance(value, str) and len(value) <= MAX_SECRET_INPUT else ""


def ticked(form_data: dict, name: str) -> bool:
    """True when the checkbox `name` was ticked."""
    return form_data.get(name) == "yes"


def user_agent(state: rx.State) -> str:
    """The browser's user agent, for the audit trail and the device list."""
    return (state.router.headers.user_agent or "")[:200] if state.router else ""


class NotSignedIn(Exception):
    """The session ended (or the account is no longer active) since the page loaded."""


async def as_signed_in(state: rx.State, work: Callable[[Session, Account, SignedIn], T]) -> T:
    """Run `work` for the signed-in account in one transaction, off the event loop.

    Raises:
        NotSignedIn: nobody is signed in on this browser, or the account is not active.
        DomainError: whatever `work` refuses.
    """
    who = await signed_in_account(state)
    if who is None:
        raise NotSignedIn

    def _run() -> T:
        with session_scope() as session:
            account = session.get(Account, who.account_id)
            if account is None or account.status != "active":
                raise NotSignedIn
            return work(session, account, who)

    return await asyncio.to_thread(_run)


def _snapshot(session: Session, account: Account, who: SignedIn) -> dict[str, Any]:
    shown = account_settings.profile(session, account)
    now = CLOCK.now()
    history = [
        {"at": riyadh_time(e.at), "device": e.device, "failed": "1" if e.failed else "",
         "what_ar": translate(f"account.event.{e.kind}", "ar"),
         "what_en": translate(f"account.event.{e.kind}", "en")}
        for e in account_settings.sign_in_history(session, account)
    ]
    sessions = [
        {"started": riyadh_time(s.started), "last_seen": riyadh_time(s.last_seen),
         "device": s.device, "current": "1" if s.current else ""}
        for s in account_settings.active_sessions(session, account, now=now,
                                                  current_session_id=who.session_id)
    ]
    return {"name_ar": shown.name_ar, "name_en": shown.name_en,
            "masked_id": shown.masked_id_number, "masked_mobile": shown.masked_mobile,
            "email": shown.email, "username": shown.username, "category": shown.category,
            "language": shown.language, "totp_enabled": shown.totp_enabled,
            "backup_codes_left": shown.backup_codes_left, "history": history,
            "sessions": sessions}


class AccountState(rx.State):
    """What the page shows about the account, and the one-button/one-field sections."""

    loaded: bool = False
    name_ar: str = ""
    name_en: str = ""
    masked_id: str = ""
    masked_mobile: str = ""
    email: str = ""
    username: str = ""
    category: str = ""
    language: str = "ar"
    totp_enabled: bool = False
    backup_codes_left: int = 0
    history: list[dict[str, str]] = []
    sessions: list[dict[str, str]] = []
    language_error: dict[str, str] = NO_PROBLEM
    language_notice: dict[str, str] = NO_NOTICE
    not_me_error: dict[str, str] = NO_PROBLEM
    close_error: dict[str, str] = NO_PROBLEM
    busy: bool = False

    async def refresh(self) -> bool:
        """Reload everything shown; False when nobody is signed in any more."""
        try:
            snapshot = await as_signed_in(self, _snapshot)
        except NotSignedIn:
            return False
        for name, value in snapshot.items():
            setattr(self, name, value)
        return True

    @rx.event
    async def load(self):
        """on_load: fresh forms, then the account as it is now."""
        self.loaded = False
        self.language_error = self.not_me_error = self.close_error = NO_PROBLEM
        self.language_notice, self.busy = NO_NOTICE, False
        for form in (PasswordFormState, MobileFormState, AuthenticatorState):
            (await self.get_state(form)).clear()
        yield
        if await self.refresh():
            self.loaded = True

    @rx.event
    async def save_language(self, form_data: dict):
        """Store the language preference and switch the page to it."""
        lang = form_values(form_data, "language")["language"]

        def _save(session: Session, account: Account, _who: SignedIn) -> None:
            account_settings.set_language(session, account, lang, now=CLOCK.now())

        try:
            await as_signed_in(self, _save)
        except NotSignedIn:
            return rx.redirect(routes.LOGIN)
        except DomainError as error:
            self.language_error, self.language_notice = problem(error, "language"), NO_NOTICE
            return None
        self.language, self.language_error = lang, NO_PROBLEM
        self.language_notice = notice("account.language.saved")
        (await self.get_state(LanguageState)).lang = lang
        return rx.call_script(document_language_script(lang))

    @rx.event
    async def sign_out_everywhere(self):
        """End every session of the account, this one too, then clear this browser's cookie."""
        device = user_agent(self)

        def _end(session: Session, account: Account, _who: SignedIn) -> None:
            account_settings.sign_out_everywhere(session, account, now=CLOCK.now(),
                                                 device=device)

        with contextlib.suppress(NotSignedIn):
            await as_signed_in(self, _end)
        return await self._signed_out()

    async def _signed_out(self):
        await reset_tab(self)
        return rx.call_script(SIGNED_OUT_SCRIPT)

    @rx.event
    async def report_not_me(self, form_data: dict):
        """Lock the account ("this wasn't me"), end every session, sign this browser out."""
        confirmed, device = ticked(form_data, "not_me_confirm"), user_agent(self)

        def _lock(session: Session, account: Account, _who: SignedIn) -> None:
            account_settings.report_not_me(session, account, confirmed=confirmed,
                                           now=CLOCK.now(), sms=get_sms_sender(), device=device)

        try:
            await as_signed_in(self, _lock)
        except NotSignedIn:
            return rx.redirect(routes.LOGIN)
        except DomainError as error:
            self.not_me_error = problem(error, "not_me_confirm")
            return None
        return await self._signed_out()

    @rx.event
    async def download_data(self):
        """Download everything held about the person, as JSON (PDPL)."""
        device = user_agent(self)

        def _export(session: Session, account: Account, _who: SignedIn) -> tuple[str, str]:
            now = CLOCK.now()
            data = account_settings.export_personal_data(session, account, now=now,
                                                         device=device)
            return (json.dumps(data, ensure_ascii=False, indent=2),
                    account_settings.export_filename(now))

        try:
            text, filename = await as_signed_in(self, _export)
        except NotSignedIn:
            return rx.redirect(routes.LOGIN)
        await self.refresh()  # the download is in the history now
        return rx.download(data=text, filename=filename, mime_type="application/json")

    @rx.event
    async def close_account(self, form_data: dict):
        """Close the account (password and the explicit confirmation), then sign out."""
        password, confirmed = secret_field(form_data, "close_password"), ticked(form_data,
                                                                                "close_confirm")
        device = user_agent(self)

        def _close(session: Session, account: Account, _who: SignedIn) -> None:
            account_settings.close_account(session, account, password=password,
                                           confirmed=confirmed, now=CLOCK.now(),
                                           sms=get_sms_sender(), device=device)

        self.busy = True
        yield
        try:
            await as_signed_in(self, _close)
        except NotSignedIn:
            self.busy = False
            yield rx.redirect(routes.LOGIN)
            return
        except DomainError as error:
            field = "close_password" if error.code in REAUTH_CODES else "close_confirm"
            self.close_error, self.busy = problem(error, field), False
            return
        self.busy = False
        yield await self._signed_out()


class PasswordFormState(rx.State):
    """Change password."""

    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_NOTICE
    strength: int = -1
    busy: bool = False

    def clear(self) -> None:
        """Back to an empty form."""
        self.error, self.done, self.strength, self.busy = NO_PROBLEM, NO_NOTICE, -1, False

    @rx.event
    def measure(self, password: str):
        """Strength meter: the score only; the password is not kept."""
        self.strength = strength(password[:256]) if isinstance(password, str) and password else -1

    @rx.event
    async def change(self, form_data: dict):
        """Check the current password, store the new one, text the person."""
        current = secret_field(form_data, "current_password")
        new = secret_field(form_data, "new_password")
        confirm = secret_field(form_data, "new_password_confirm")
        end_others, device = ticked(form_data, "end_others"), user_agent(self)

        def _change(session: Session, account: Account, who: SignedIn) -> int:
            return account_settings.change_password(
                session, account, current=current, new=new, confirm=confirm,
                end_other_sessions=end_others, current_session_id=who.session_id,
                now=CLOCK.now(), sms=get_sms_sender(), device=device)

        self.busy, self.done = True, NO_NOTICE
        yield
        try:
            ended = await as_signed_in(self, _change)
        except NotSignedIn:
            self.busy = False
            yield rx.redirect(routes.LOGIN)
            return
        except DomainError as error:
            self.error, self.busy = problem(error, PASSWORD_FIELDS.get(error.code, "")), False
            return
        self.error, self.busy, self.strength = NO_PROBLEM, False, -1
        self.done = (notice("account.password.done_ended", count=ended) if ended
                     else notice("account.password.done"))
        await (await self.get_state(AccountState)).refresh()
        yield rx.call_script("document.getElementById('password-form').reset()")


class MobileFormState(rx.State):
    """Change mobile: password and new number, then the code sent to that number."""

    step: str = "start"
    masked_new: str = ""
    error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_NOTICE
    busy: bool = False

    def clear(self) -> None:
        """Back to the first step."""
        self.step, self.masked_new, self.busy = "start", "", False
        self.error, self.done = NO_PROBLEM, NO_NOTICE

    @rx.event
    def cancel(self):
        """Give up this change (the code simply expires)."""
        self.clear()

    @rx.event
    async def start(self, form_data: dict):
        """Re-authenticate and text a code to the new number."""
        password = secret_field(form_data, "mobile_password")
        new_mobile = form_values(form_data, "new_mobile")["new_mobile"][:32]
        device = user_agent(self)

        def _start(session: Session, account: Account, _who: SignedIn) -> str:
            return account_settings.start_mobile_change(
                session, account, password=password, new_mobile=new_mobile, now=CLOCK.now(),
                sms=get_sms_sender(), device=device).masked_mobile

        self.busy, self.done = True, NO_NOTICE
        yield
        try:
            masked = await as_signed_in(self, _start)
        except NotSignedIn:
            self.busy = False
            yield rx.redirect(routes.LOGIN)
            return
        except DomainError as error:
            self.error, self.busy = problem(error, MOBILE_FIELDS.get(error.code, "")), False
            return
        self.step, self.masked_new, self.error, self.busy = "code", masked, NO_PROBLEM, False

    @rx.event
    async def confirm(self, form_data: dict):
        """Accept the code: the new number replaces the old, which is told by SMS."""
        code = form_values(form_data, "mobile_code")["mobile_code"][:16]
        device = user_agent(self)

        def _confirm(session: Session, account: Account, _who: SignedIn) -> str:
            return account_settings.confirm_mobile_change(
                session, account, code=code, now=CLOCK.now(), sms=get_sms_sender(),
                device=device)

        self.busy = True
        yield
        try:
            new = await as_signed_in(self, _confirm)
        except NotSignedIn:
            self.busy = False
            yield rx.redirect(routes.LOGIN)
            return
        except DomainError as error:
            self.error, self.busy = problem(error, MOBILE_FIELDS.get(error.code, "")), False
            if error.code == "mobile_change_none":
                self.step = "start"
            return
        self.clear()
        self.done = notice("account.mobile.done", mobile=mask_mobile(new))
        await (await self.get_state(AccountState)).refresh()


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code (no request leaves the page for it)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000000", light="#ffffff")


class AuthenticatorState(rx.State):
    """Authenticator app: enrolment, backup codes, turning it off.

    `enrol_secret`/`enrol_secret_qr` (while scanning) and `fresh_backup_codes` (until the person
    says they saved them) are sent to the browser on purpose: showing them is the step. They are
    emptied when the step ends and on every page load.
    """

    step: str = "idle"
    enrol_secret: str = ""
    enrol_secret_qr: str = ""
    fresh_backup_codes: list[str] = []
    error: dict[str, str] = NO_PROBLEM  # set-up (password, then the code from the app)
    regenerate_error: dict[str, str] = NO_PROBLEM
    disable_error: dict[str, str] = NO_PROBLEM
    done: dict[str, str] = NO_NOTICE
    busy: bool = False

    def clear(self) -> None:
        """Forget anything shown once, back to the start."""
        self.step, self.enrol_secret, self.enrol_secret_qr = "idle", "", ""
        self.fresh_backup_codes, self.done, self.busy = [], NO_NOTICE, False
        self.error = self.regenerate_error = self.disable_error = NO_PROBLEM

    @staticmethod
    def _problem(error: DomainError, password_field: str, code_field: str = "") -> dict:
        if error.code in REAUTH_CODES:
            return problem(error, password_field)
        return problem(error, code_field if error.code in CODE_ERRORS else "")

    async def _run(self, work: Callable[[Session, Account, SignedIn], T]) -> tuple[bool, Any]:
        try:
            return True, await as_signed_in(self, work)
        except NotSignedIn:
            self.busy = False
            return False, rx.redirect(routes.LOGIN)

    @rx.event
    async def start(self, form_data: dict):
        """Re-authenticate and show a new key as a QR code and as text."""
        password, device = secret_field(form_data, "totp_password"), user_agent(self)

        def _begin(session: Session, account: Account, _who: SignedIn):
            return account_settings.begin_totp_enrolment(session, account, password=password,
                                                         now=CLOCK.now(), device=device)

        self.busy, self.done = True, NO_NOTICE
        yield
        try:
            ok, result = await self._run(_begin)
        except DomainError as error:
            self.error, self.busy = self._problem(error, "totp_password"), False
            return
        if not ok:
            yield result
            return
        secret = result.secret
        self.enrol_secret = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        self.enrol_secret_qr = qr_data_uri(result.uri)
        self.step, self.error, self.busy = "scan", NO_PROBLEM, False

    @rx.event
    async def confirm(self, form_data: dict):
        """A current code from the app turns it on; the backup codes are shown once."""
        code, device = form_values(form_data, "totp_code")["totp_code"][:16], user_agent(self)
        if self.step != "scan":
            return

        def _confirm(session: Session, account: Account, _who: SignedIn) -> list[str]:
            return account_settings.confirm_totp_enrolment(
                session, account, code=code, now=CLOCK.now(), sms=get_sms_sender(),
                device=device)

        self.busy = True
        yield
        try:
            ok, result = await self._run(_confirm)
        except DomainError as error:
            self.error, self.busy = self._problem(error, "", "totp_code"), False
            if error.code in ("totp_not_started", "totp_already_enabled"):
                self.enrol_secret, self.enrol_secret_qr, self.step = "", "", "idle"
            return
        if not ok:
            yield result
            return
        self.enrol_secret, self.enrol_secret_qr = "", ""
        self.fresh_backup_codes, self.step, self.busy = result, "codes", False
        self.error, self.done = NO_PROBLEM, notice("account.totp.enabled_done")
        await (await self.get_state(AccountState)).refresh()

    @rx.event
    def cancel(self):
        """Stop enrolling (the pending key is replaced at the next start)."""
        self.clear()

    @rx.event
    def codes_saved(self):
        """The person has the codes: forget them."""
        self.fresh_backup_codes, self.step = [], "idle"

    @rx.event
    async def download_codes(self):
        """The backup codes as a text file."""
        if not self.fresh_backup_codes:
            return None
        if await signed_in_account(self) is None:
            self.clear()
            return rx.redirect(routes.LOGIN)
        lang = (await self.get_state(LanguageState)).lang
        text = "\n".join([translate("account.backup.file_title", lang), "",
                          *self.fresh_backup_codes, ""])
        return rx.download(data=text, filename="absher-backup-codes.txt")

    @rx.event
    async def regenerate(self, form_data: dict):
        """Password, then ten new backup codes (the old ones stop working)."""
        password, device = secret_field(form_data, "backup_password"), user_agent(self)

        def _new(session: Session, account: Account, _who: SignedIn) -> list[str]:
            return account_settings.regenerate_backup_codes(session, account, password=password,
                                                            now=CLOCK.now(), device=device)

        self.busy, self.done = True, NO_NOTICE
        yield
        try:
            ok, result = await self._run(_new)
        except DomainError as error:
            self.regenerate_error, self.busy = self._problem(error, "backup_password"), False
            return
        if not ok:
            yield result
            return
        self.fresh_backup_codes, self.step, self.busy = result, "codes", False
        self.regenerate_error = NO_PROBLEM
        await (await self.get_state(AccountState)).refresh()

    @rx.event
    async def disable(self, form_data: dict):
        """Password plus an app code (or a backup code): back to SMS codes."""
        password = secret_field(form_data, "disable_password")
        code = form_values(form_data, "disable_code")["disable_code"][:32]
        device = user_agent(self)

        def _off(session: Session, account: Account, _who: SignedIn) -> None:
            account_settings.disable_totp(session, account, password=password, code=code,
                                          now=CLOCK.now(), sms=get_sms_sender(), device=device)

        self.busy, self.done = True, NO_NOTICE
        yield
        try:
            ok, result = await self._run(_off)
        except DomainError as error:
            self.disable_error = self._problem(error, "disable_password", "disable_code")
            self.busy = False
            return
        if not ok:
            yield result
            return
        self.clear()
        self.done = notice("account.totp.disabled_done")
        await (await self.get_state(AccountState)).refresh()


# --- Page ---------------------------------------------------------------------------------------

SECTIONS = (
    ("profile", "account.profile.title"), ("language", "account.language.title"),
    ("password", "account.password.title"), ("mobile", "account.mobile.title"),
    ("authenticator", "account.totp.title"), ("history", "account.history.title"),
    ("record-access", "access.title"),
    ("sessions", "account.sessions.title"), ("not-me", "account.not_me.title"),
    ("my-data", "account.data.title"), ("close", "account.close.title"),
)


def _section(anchor: str, title_key: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t(title_key), id=f"{anchor}-title"),
        *children,
        id=anchor,
        aria_labelledby=f"{anchor}-title",
        class_name="account-section",
    )


def status_message(message: rx.Var) -> rx.Component:
    """A success message, announced politely."""
    return rx.el.div(
        rx.cond(message["ar"] != "", rx.el.p(localized(message), class_name="notice")),
        role="status",
    )


def password_input(name: str, label_key: str, error: rx.Var, autocomplete: str,
                   **props: Any) -> rx.Component:
    """A password field (shows its own error)."""
    return text_field(name, label_key, error, input_type="password", autocomplete=autocomplete,
                      dir="ltr", **props)


def _contents() -> rx.Component:
    return rx.el.nav(
        rx.el.h2(t("account.contents"), id="contents-title", class_name="contents-title"),
        rx.el.ul(*[rx.el.li(rx.el.a(t(key), href=f"#{anchor}")) for anchor, key in SECTIONS],
                 class_name="contents-list"),
        aria_labelledby="contents-title",
        class_name="contents",
    )


def _row(label_key: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.el.div(rx.el.dt(t(label_key)), rx.el.dd(value), class_name="summary-row")


def _profile() -> rx.Component:
    state = AccountState
    return _section(
        "profile", "account.profile.title",
        rx.el.dl(
            _row("account.profile.name", rx.cond(is_english(), state.name_en, state.name_ar)),
            _row("account.profile.id", rx.el.bdi(state.masked_id, dir="ltr")),
            _row("account.profile.mobile", rx.el.bdi(state.masked_mobile, dir="ltr")),
            _row("account.profile.email", rx.el.bdi(state.email, dir="ltr")),
            _row("account.profile.username", rx.el.bdi(state.username, dir="ltr")),
            _row("account.profile.category",
                 rx.match(state.category,
                          *[(c, t(f"register.category.{c}")) for c in CATEGORIES], "")),
            class_name="summary-list",
        ),
        rx.el.p(t("account.profile.registry_note"), class_name="field-hint"),
    )


def _language() -> rx.Component:
    error = AccountState.language_error
    return _section(
        "language", "account.language.title",
        rx.el.form(
            error_summary(error),
            radio_group("language", "account.language.legend",
                        [("ar", "account.language.ar"), ("en", "account.language.en")], error,
                        default=AccountState.language),
            submit_button("account.language.save"),
            status_message(AccountState.language_notice),
            on_submit=AccountState.save_language,
            class_name="form",
        ),
    )


def _password() -> rx.Component:
    error = PasswordFormState.error
    new_invalid = error["field"] == "new_password"
    return _section(
        "password", "account.password.title",
        rx.el.form(
            error_summary(error),
            password_input("current_password", "account.current_password", error,
                           "current-password"),
            rx.el.div(
                rx.el.label(t("account.password.new"), html_for="field-new_password",
                            class_name="field-label"),
                rx.el.p(t("register.password_hint"), id="field-new_password-hint",
                        class_name="field-hint"),
                rx.cond(new_invalid, rx.el.p(localized(error), id="field-new_password-error",
                                             class_name="field-error")),
                rx.el.input(
                    id="field-new_password", name="new_password", type="password",
                    auto_complete="new-password", dir="ltr",
                    aria_invalid=rx.cond(new_invalid, "true", "false"),
                    aria_describedby=rx.cond(new_invalid,
                                             "field-new_password-error field-new_password-hint",
                                             "field-new_password-hint"),
                    class_name=rx.cond(new_invalid, "field-input invalid", "field-input"),
                    on_change=PasswordFormState.measure.debounce(250),
                ),
                strength_meter(PasswordFormState.strength),
                class_name=rx.cond(new_invalid, "field field-has-error", "field"),
            ),
            password_input("new_password_confirm", "account.password.confirm", error,
                           "new-password"),
            checkbox_field("end_others", "account.password.end_others", error),
            submit_button("account.password.submit", loading=PasswordFormState.busy),
            status_message(PasswordFormState.done),
            on_submit=PasswordFormState.change,
            id="password-form",
            class_name="form",
        ),
    )


def _mobile() -> rx.Component:
    error = MobileFormState.error
    return _section(
        "mobile", "account.mobile.title",
        rx.el.p(t("account.mobile.lead")),
        status_message(MobileFormState.done),
        rx.cond(
            MobileFormState.step == "code",
            rx.fragment(
                rx.el.p(t_with("account.mobile.code_sent",
                               {"mobile": rx.el.bdi(MobileFormState.masked_new, dir="ltr")})),
                rx.el.form(
                    error_summary(error),
                    text_field("mobile_code", "account.code", error, input_mode="numeric",
                               autocomplete="one-time-code", max_length=6, dir="ltr"),
                    rx.el.div(
                        submit_button("account.mobile.confirm", loading=MobileFormState.busy),
                        rx.el.button(t("account.cancel"), type="button",
                                     class_name="button secondary",
                                     on_click=MobileFormState.cancel),
                        class_name="button-group",
                    ),
                    on_submit=MobileFormState.confirm,
                    class_name="form",
                ),
            ),
            rx.el.form(
                error_summary(error),
                password_input("mobile_password", "account.current_password", error,
                               "current-password"),
                text_field("new_mobile", "account.mobile.new", error,
                           hint_key="account.mobile.hint", input_type="tel",
                           autocomplete="tel-national", dir="ltr", max_length=16),
                submit_button("account.mobile.send", loading=MobileFormState.busy),
                on_submit=MobileFormState.start,
                class_name="form",
            ),
        ),
    )


def _backup_codes_shown() -> rx.Component:
    return rx.el.div(
        rx.el.h3(t("account.backup.title")),
        rx.el.p(t("account.backup.lead")),
        rx.el.ul(
            rx.foreach(AuthenticatorState.fresh_backup_codes,
                       lambda code: rx.el.li(rx.el.code(code, dir="ltr"))),
            aria_label=t("account.backup.list"),
            class_name="backup-codes-list",
        ),
        rx.el.div(
            rx.el.button(t("account.backup.download"), type="button",
                         class_name="button secondary",
                         on_click=AuthenticatorState.download_codes),
            rx.el.button(t("account.backup.print"), type="button",
                         class_name="button secondary",
                         on_click=rx.call_script("window.print()")),
            rx.el.button(t("account.backup.saved"), type="button", class_name="button",
                         on_click=AuthenticatorState.codes_saved),
            class_name="button-group no-print",
        ),
        class_name="panel backup-codes",
    )


def _scan_step() -> rx.Component:
    error = AuthenticatorState.error
    return rx.el.div(
        rx.el.h3(t("account.totp.scan_title")),
        rx.el.p(t("account.totp.scan")),
        rx.el.img(src=AuthenticatorState.enrol_secret_qr, alt=t("account.totp.qr_alt"),
                  width="205", height="205", class_name="totp-qr"),
        rx.el.p(t("account.totp.manual"), id="totp-key-label"),
        rx.el.p(rx.el.code(AuthenticatorState.enrol_secret, dir="ltr"),
                aria_labelledby="totp-key-label", class_name="totp-key",
                **{"data-testid": "totp-key"}),
        rx.el.form(
            error_summary(error),
            text_field("totp_code", "account.totp.code", error, input_mode="numeric",
                       autocomplete="one-time-code", max_length=7, dir="ltr"),
            rx.el.div(
                submit_button("account.totp.confirm", loading=AuthenticatorState.busy),
                rx.el.button(t("account.cancel"), type="button", class_name="button secondary",
                             on_click=AuthenticatorState.cancel),
                class_name="button-group",
            ),
            on_submit=AuthenticatorState.confirm,
            reset_on_submit=True,
            class_name="form",
        ),
    )


def _totp_on() -> rx.Component:
    return rx.fragment(
        rx.el.p(t("account.totp.on")),
        rx.el.p(t_with("account.totp.codes_left",
                       {"count": AccountState.backup_codes_left.to_string()})),
        rx.el.h3(t("account.backup.regenerate_title"), id="regenerate-title"),
        rx.el.form(
            error_summary(AuthenticatorState.regenerate_error),
            password_input("backup_password", "account.current_password",
                           AuthenticatorState.regenerate_error, "current-password",
                           hint_key="account.backup.regenerate_hint"),
            submit_button("account.backup.regenerate", loading=AuthenticatorState.busy),
            on_submit=AuthenticatorState.regenerate,
            aria_labelledby="regenerate-title",
            class_name="form",
        ),
        rx.el.h3(t("account.totp.disable_title"), id="totp-off-title"),
        rx.el.form(
            error_summary(AuthenticatorState.disable_error),
            password_input("disable_password", "account.current_password",
                           AuthenticatorState.disable_error, "current-password"),
            text_field("disable_code", "account.totp.disable_code",
                       AuthenticatorState.disable_error,
                       autocomplete="one-time-code", max_length=12, dir="ltr"),
            submit_button("account.totp.disable", loading=AuthenticatorState.busy),
            on_submit=AuthenticatorState.disable,
            aria_labelledby="totp-off-title",
            class_name="form",
        ),
    )


def _totp_off() -> rx.Component:
    error = AuthenticatorState.error
    return rx.fragment(
        rx.el.p(t("account.totp.off")),
        rx.el.form(
            error_summary(error),
            password_input("totp_password", "account.current_password", error,
                           "current-password"),
            submit_button("account.totp.start", loading=AuthenticatorState.busy),
            on_submit=AuthenticatorState.start,
            class_name="form",
        ),
    )


def _authenticator() -> rx.Component:
    return _section(
        "authenticator", "account.totp.title",
        status_message(AuthenticatorState.done),
        rx.match(
            AuthenticatorState.step,
            ("scan", _scan_step()),
            ("codes", _backup_codes_shown()),
            rx.cond(AccountState.totp_enabled, _totp_on(), _totp_off()),
        ),
    )


def _history_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(when(row["at"])),
        rx.el.td(
            rx.cond(is_english(), row["what_en"], row["what_ar"]),
            rx.cond(row["failed"] == "1",
                    rx.el.span(t("account.history.refused"), class_name="tag tag-refused")),
        ),
        rx.el.td(rx.cond(row["device"] != "", rx.el.bdi(row["device"], dir="ltr"),
                         t("account.device.unknown"))),
    )


def _history() -> rx.Component:
    return _section(
        "history", "account.history.title",
        rx.el.p(t_with("account.history.lead",
                       {"count": str(account_settings.HISTORY_LIMIT)})),
        rx.cond(
            AccountState.history.length() > 0,
            rx.el.table(
                rx.el.thead(rx.el.tr(
                    rx.el.th(t("account.history.time"), scope="col"),
                    rx.el.th(t("account.history.what"), scope="col"),
                    rx.el.th(t("account.history.device"), scope="col"),
                )),
                rx.el.tbody(rx.foreach(AccountState.history, _history_row)),
                class_name="data-table compact-table",
                aria_labelledby="history-title",
            ),
            rx.el.p(t("account.history.empty")),
        ),
        rx.el.p(t("account.time_note"), class_name="field-hint"),
    )


def _session_row(row: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.cond(row["device"] != "", rx.el.bdi(row["device"], dir="ltr"),
                    t("account.device.unknown")),
            rx.cond(row["current"] == "1",
                    rx.el.span(t("account.sessions.this_device"), class_name="tag")),
        ),
        rx.el.td(when(row["started"])),
        rx.el.td(when(row["last_seen"])),
    )


def _sessions() -> rx.Component:
    return _section(
        "sessions", "account.sessions.title",
        rx.el.table(
            rx.el.thead(rx.el.tr(
                rx.el.th(t("account.sessions.device"), scope="col"),
                rx.el.th(t("account.sessions.started"), scope="col"),
                rx.el.th(t("account.sessions.last_seen"), scope="col"),
            )),
            rx.el.tbody(rx.foreach(AccountState.sessions, _session_row)),
            class_name="data-table compact-table",
            aria_labelledby="sessions-title",
        ),
        rx.el.p(t("account.sessions.hint"), id="sign-out-all-hint", class_name="field-hint"),
        rx.el.button(t("account.sessions.sign_out_all"), type="button",
                     class_name="button secondary", aria_describedby="sign-out-all-hint",
                     on_click=AccountState.sign_out_everywhere),
    )


def _not_me() -> rx.Component:
    error = AccountState.not_me_error
    return _section(
        "not-me", "account.not_me.title",
        rx.el.p(t("account.not_me.lead")),
        rx.el.form(
            error_summary(error),
            checkbox_field("not_me_confirm", "account.not_me.confirm", error),
            rx.el.button(t("account.not_me.submit"), type="submit", class_name="button warning"),
            on_submit=AccountState.report_not_me,
            class_name="form",
        ),
    )


def _my_data() -> rx.Component:
    return _section(
        "my-data", "account.data.title",
        rx.el.p(t("account.data.lead")),
        rx.el.button(t("account.data.download"), type="button", class_name="button",
                     on_click=AccountState.download_data),
    )


def _close() -> rx.Component:
    error = AccountState.close_error
    return _section(
        "close", "account.close.title",
        rx.el.p(t("account.close.lead")),
        rx.el.form(
            error_summary(error),
            password_input("close_password", "account.current_password", error,
                           "current-password"),
            checkbox_field("close_confirm", "account.close.confirm", error),
            rx.el.button(t("account.close.submit"), type="submit", class_name="button warning",
                         disabled=AccountState.busy),
            on_submit=AccountState.close_account,
            class_name="form",
        ),
    )


def page() -> rx.Component:
    """The account page."""
    return page_layout(
        "account.title",
        rx.cond(
            AccountState.loaded,
            rx.fragment(
                _contents(),
                _profile(),
                _language(),
                _password(),
                _mobile(),
                _authenticator(),
                _history(),
                access_section(),
                _sessions(),
                _not_me(),
                _my_data(),
                _close(),
            ),
            rx.el.p(t("account.loading"), role="status", class_name="lead"),
        ),
        lead_key="account.lead",
    )
