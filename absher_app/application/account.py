"""The signed-in person's own account (حسابي), as its pages use it: the overview (details,
language, who accessed my record) and one page per task: password, mobile, authenticator app
and backup codes, sign-in history and devices (with "this wasn't me"), my data, close account.

Every use case runs for the person the session cookie proves (an account that is no longer
active has no session: `SignInRequired`). Changes that weaken or move a factor ask for the
current password again (absher_app.domain.account_settings).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import segno

from absher_app.application.fields import fields_named
from absher_app.application.identity import SignedIn
from absher_app.application.inputs import Form, checkbox, text
from absher_app.application.unit import Tx, use_case
from absher_app.application.views import both, local_time
from absher_app.domain import access_log, account_settings
from absher_app.domain.identity import mask_mobile
from absher_app.i18n import EN, translate

# Transport bounds far above the rules (whose messages say the real limits): longer than any
# password the rules accept, than any mobile or code however it is written.
SECRET_MAX = 1024
MOBILE_MAX = 64
CODE_MAX = 32


# --- Typed inputs --------------------------------------------------------------------------------

def secret() -> Any:
    """A password field: kept exactly as typed (spaces are part of it)."""
    return text(max_length=SECRET_MAX, raw=True)


@dataclasses.dataclass(frozen=True)
class LanguageForm(Form):
    # Absent when no radio button is chosen: the rule then asks for a choice.
    language: str = text(max_length=8, required=False)


@dataclasses.dataclass(frozen=True)
class PasswordForm(Form):
    current_password: str = secret()
    new_password: str = secret()
    new_password_confirm: str = secret()
    end_others: bool = checkbox()


@dataclasses.dataclass(frozen=True)
class MobileForm(Form):
    mobile_password: str = secret()
    new_mobile: str = text(max_length=MOBILE_MAX)


@dataclasses.dataclass(frozen=True)
class MobileCodeForm(Form):
    mobile_code: str = text(max_length=CODE_MAX)


@dataclasses.dataclass(frozen=True)
class TotpStartForm(Form):
    totp_password: str = secret()


@dataclasses.dataclass(frozen=True)
class TotpCodeForm(Form):
    totp_code: str = text(max_length=CODE_MAX)


@dataclasses.dataclass(frozen=True)
class RegenerateForm(Form):
    backup_password: str = secret()


@dataclasses.dataclass(frozen=True)
class DisableTotpForm(Form):
    disable_password: str = secret()
    disable_code: str = text(max_length=CODE_MAX)


@dataclasses.dataclass(frozen=True)
class NotMeForm(Form):
    not_me_confirm: bool = checkbox()


@dataclasses.dataclass(frozen=True)
class CloseForm(Form):
    close_password: str = secret()
    close_confirm: bool = checkbox()


# --- Views ---------------------------------------------------------------------------------------

@dataclasses.dataclass
class ProfileView:
    """The person's details as the overview shows them (identifiers masked)."""

    name_ar: str = ""
    name_en: str = ""
    masked_id: str = ""
    masked_mobile: str = ""
    email: str = ""
    username: str = ""
    category: str = ""
    language: str = "ar"


@dataclasses.dataclass
class AccessRow:
    """One time someone opened the person's record: who (staff by role, never by name), where,
    when, why."""

    when: str
    who_ar: str
    who_en: str
    office_ar: str
    office_en: str
    purpose_ar: str
    purpose_en: str


@dataclasses.dataclass
class Overview:
    profile: ProfileView
    accesses: list[AccessRow]


@dataclasses.dataclass
class AuthenticatorView:
    """Whether the authenticator app is on, and how many backup codes are left."""

    enabled: bool = False
    codes_left: int = 0


@dataclasses.dataclass(frozen=True)
class Enrolment:
    """The new authenticator key while it is being scanned: as text in groups of four, and as
    a QR code (an inline SVG: no request leaves the page for it)."""

    key: str
    qr: str


@dataclasses.dataclass
class HistoryRow:
    at: str
    what_ar: str
    what_en: str
    device: str
    failed: bool


@dataclasses.dataclass
class DeviceRow:
    started: str
    last_seen: str
    device: str
    current: bool


@dataclasses.dataclass
class DevicesView:
    history: list[HistoryRow]
    devices: list[DeviceRow]


@dataclasses.dataclass(frozen=True)
class Download:
    """A file to hand to the browser."""

    text: str
    filename: str


# --- Overview ------------------------------------------------------------------------------------

def _both_or(key: str, fallback: str) -> tuple[str, str]:
    """Catalogue string `key` in both languages, or `fallback` twice when there is none."""
    return both(key) if key in EN else (fallback, fallback)


def _access_row(entry: access_log.AccessEntry) -> AccessRow:
    # Staff are named by role (never by name); other actors by the label they were given.
    who = (_both_or(f"staff.role.{entry.actor_label}", entry.actor_label)
           if entry.actor_kind == "staff" else (entry.actor_label, entry.actor_label))
    kind = _both_or(f"access.kind.{entry.actor_kind}", entry.actor_kind)
    office = ((entry.office_ar, entry.office_en) if entry.office_ar
              else _both_or("staff.office.hq", "") if entry.actor_kind == "staff"
              else ("—", "—"))
    return AccessRow(local_time(entry.created_at), f"{kind[0]}: {who[0]}",
                     f"{kind[1]}: {who[1]}", *office,
                     *_both_or(f"access.purpose.{entry.purpose}", entry.purpose))


@use_case()
def account_overview(tx: Tx, who: SignedIn) -> Overview:
    """The person's details, language, and who accessed their record."""
    shown = account_settings.profile(tx.session, who.account)
    return Overview(
        ProfileView(shown.name_ar, shown.name_en, shown.masked_id_number, shown.masked_mobile,
                    shown.email, shown.username, shown.category, shown.language),
        [_access_row(e) for e in access_log.accesses_of(tx.session, who.person_id)])


@use_case()
def save_language(tx: Tx, who: SignedIn, form: LanguageForm) -> str:
    """Store the language the portal speaks to the person in; returns it."""
    account_settings.set_language(tx.session, who.account, form.language, now=tx.now)
    return form.language


# --- Password and mobile -------------------------------------------------------------------------

@use_case()
def change_password(tx: Tx, who: SignedIn, form: PasswordForm) -> int:
    """Check the current password, store the new one, text the person (slow: argon2id, run
    it in the hashing pool). Returns how many other sessions were ended."""
    with fields_named(password="new_password", password_confirm="new_password_confirm"):
        return account_settings.change_password(
            tx.session, who.account, current=form.current_password, new=form.new_password,
            confirm=form.new_password_confirm, end_other_sessions=form.end_others,
            current_session_id=who.session_id, now=tx.now, sms=tx.sms,
            device=tx.caller.device)


@use_case()
def start_mobile_change(tx: Tx, who: SignedIn, form: MobileForm) -> str:
    """Re-authenticate and text a code to the new number; returns that number, masked."""
    # A code asked for too soon is about the number it would go to.
    with fields_named(unattached="new_mobile", current_password="mobile_password",
                      mobile="new_mobile"):
        return account_settings.start_mobile_change(
            tx.session, who.account, password=form.mobile_password, new_mobile=form.new_mobile,
            now=tx.now, sms=tx.sms, device=tx.caller.device).masked_mobile


@use_case()
def confirm_mobile_change(tx: Tx, who: SignedIn, form: MobileCodeForm) -> str:
    """Accept the code sent to the new number: it replaces the old one, which is told by SMS.
    Returns the new number, masked."""
    with fields_named(code="mobile_code"):
        new = account_settings.confirm_mobile_change(
            tx.session, who.account, code=form.mobile_code, now=tx.now, sms=tx.sms,
            device=tx.caller.device)
    return mask_mobile(new)


# --- Authenticator app and backup codes ----------------------------------------------------------

@use_case()
def authenticator_status(tx: Tx, who: SignedIn) -> AuthenticatorView:
    """Whether the app is on and how many backup codes are left."""
    shown = account_settings.profile(tx.session, who.account)
    return AuthenticatorView(shown.totp_enabled, shown.backup_codes_left)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000000", light="#ffffff")


@use_case()
def begin_authenticator(tx: Tx, who: SignedIn, form: TotpStartForm) -> Enrolment:
    """Re-authenticate, then a new pending key to scan (the app is on only once a code from
    it is accepted)."""
    with fields_named(current_password="totp_password"):
        started = account_settings.begin_totp_enrolment(
            tx.session, who.account, password=form.totp_password, now=tx.now,
            device=tx.caller.device)
    key = " ".join(started.secret[i:i + 4] for i in range(0, len(started.secret), 4))
    return Enrolment(key, qr_data_uri(started.uri))


@use_case()
def confirm_authenticator(tx: Tx, who: SignedIn, form: TotpCodeForm) -> list[str]:
    """A current code from the app turns it on; returns the ten backup codes (shown once)."""
    with fields_named(code="totp_code"):
        return account_settings.confirm_totp_enrolment(
            tx.session, who.account, code=form.totp_code, now=tx.now, sms=tx.sms,
            device=tx.caller.device)


@use_case()
def regenerate_backup_codes(tx: Tx, who: SignedIn, form: RegenerateForm) -> list[str]:
    """Password, then ten new backup codes (the old ones stop working)."""
    with fields_named(current_password="backup_password"):
        return account_settings.regenerate_backup_codes(
            tx.session, who.account, password=form.backup_password, now=tx.now,
            device=tx.caller.device)


@use_case()
def turn_off_authenticator(tx: Tx, who: SignedIn, form: DisableTotpForm) -> None:
    """Password plus an app code (or a backup code): back to SMS codes."""
    with fields_named(current_password="disable_password", code="disable_code"):
        account_settings.disable_totp(tx.session, who.account, password=form.disable_password,
                                      code=form.disable_code, now=tx.now, sms=tx.sms,
                                      device=tx.caller.device)


@use_case()
def backup_codes_file(tx: Tx, who: SignedIn, codes: tuple[str, ...]) -> Download:
    """The backup codes just shown, as a text file in the person's language (only while
    signed in: the codes are the person's to save, not the tab's)."""
    title = translate("account.backup.file_title", tx.lang)
    return Download("\n".join([title, "", *codes, ""]), "absher-backup-codes.txt")


# --- Sign-in history and devices -----------------------------------------------------------------

@use_case()
def sign_ins_and_devices(tx: Tx, who: SignedIn) -> DevicesView:
    """The sign-in history (newest first) and the signed-in devices (this one first)."""
    history = [HistoryRow(local_time(e.at), *both(f"account.event.{e.kind}"), e.device,
                          e.failed)
               for e in account_settings.sign_in_history(tx.session, who.account)]
    devices = [DeviceRow(local_time(s.started), local_time(s.last_seen), s.device, s.current)
               for s in account_settings.active_sessions(tx.session, who.account, now=tx.now,
                                                         current_session_id=who.session_id)]
    return DevicesView(history, devices)


@use_case()
def sign_out_everywhere(tx: Tx, who: SignedIn) -> int:
    """End every session of the account, this one too; returns how many ended."""
    return account_settings.sign_out_everywhere(tx.session, who.account, now=tx.now,
                                                device=tx.caller.device)


@use_case()
def report_not_me(tx: Tx, who: SignedIn, form: NotMeForm) -> None:
    """Lock the account until a password reset ("this wasn't me") and end every session."""
    with fields_named(confirm="not_me_confirm"):
        account_settings.report_not_me(tx.session, who.account, confirmed=form.not_me_confirm,
                                       now=tx.now, sms=tx.sms, device=tx.caller.device)


# --- My data and closing -------------------------------------------------------------------------

@use_case()
def download_my_data(tx: Tx, who: SignedIn) -> Download:
    """Everything held about the person, as JSON (PDPL right of access)."""
    data = account_settings.export_personal_data(tx.session, who.account, now=tx.now,
                                                 device=tx.caller.device)
    return Download(json.dumps(data, ensure_ascii=False, indent=2),
                    account_settings.export_filename(tx.now))


@use_case()
def close_account(tx: Tx, who: SignedIn, form: CloseForm) -> None:
    """Close the account (password and the explicit confirmation); every session ends."""
    with fields_named(current_password="close_password", confirm="close_confirm"):
        account_settings.close_account(tx.session, who.account, password=form.close_password,
                                       confirmed=form.close_confirm, now=tx.now, sms=tx.sms,
                                       device=tx.caller.device)
