"""The idle-session warning: an alert dialog two minutes before a signed-in session would end.

The browser only keeps time; `SessionState.idle_check` asks the database before warning or
signing out, and "Stay signed in" touches the session on the server.

The dialog is the browser's own modal `<dialog>` (no component library): `showModal()` puts
it in the top layer, makes the rest of the page inert and traps Tab inside it; Escape fires
its `cancel` event, which means "stay signed in" as the Radix dialog it replaces did.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventChain
from reflex.vars.base import VarData
from reflex_base.components.component import field
from reflex_base.event import EventHandler, no_args_event_spec
from reflex_components_core.base.fragment import Fragment
from reflex_components_core.el.elements.other import Dialog

from absher_app.state.language import t
from absher_app.state.session import IDLE_WARNING_BEFORE, SessionState


def _callback(phase: str) -> tuple[str, VarData | None]:
    """JavaScript that calls `SessionState.idle_check(phase)`, and what it needs."""
    chain = rx.Var.create(EventChain(events=[SessionState.idle_check(phase)],
                                     args_spec=lambda: []))
    return str(chain), chain._get_all_var_data()


def _timer_hook() -> rx.Var:
    signed_in, seconds, serial = (SessionState.signed_in, SessionState.idle_seconds,
                                  SessionState.idle_serial)
    warn, warn_data = _callback("warn")
    end, end_data = _callback("end")
    before_ms = int(IDLE_WARNING_BEFORE.total_seconds() * 1000)
    code = (
        f"useEffect(() => {{ if (!{signed_in}) {{ return undefined; }} "
        f"const budget = Math.max(0, {seconds}) * 1000; "
        f"const warn = setTimeout(() => ({warn})(), Math.max(0, budget - {before_ms})); "
        f"const end = setTimeout(() => ({end})(), budget); "
        "return () => { clearTimeout(warn); clearTimeout(end); }; "
        f"}}, [{signed_in}, {seconds}, {serial}]);"
    )
    data = VarData.merge(signed_in._get_all_var_data(), seconds._get_all_var_data(),
                         serial._get_all_var_data(), warn_data, end_data,
                         VarData(imports={"react": ["useEffect"]}))
    return rx.Var(_js_expr=code, _var_data=data)


class IdleTimer(Fragment):
    """Renders nothing; runs the idle timer while someone is signed in."""

    def add_hooks(self) -> list[str | rx.Var]:
        """The timer effect, restarted whenever the server restarts the count."""
        return [_timer_hook()]


DIALOG_ID = "idle-warning"
TITLE_ID = "idle-warning-title"
LEAD_ID = "idle-warning-lead"


def _dialog_hook() -> rx.Var:
    """Open the dialog as a modal while the server says so, and close it when it stops.

    Focus goes to the dialog's first button (stay signed in, or OK at the 12-hour cap); when
    the dialog closes the browser returns focus to where it was.
    """
    is_open = SessionState.idle_warning
    code = (
        f"useEffect(() => {{ const dialog = document.getElementById('{DIALOG_ID}'); "
        "if (!dialog) { return; } "
        f"if ({is_open}) {{ if (!dialog.open) {{ dialog.showModal(); }} "
        "const first = dialog.querySelector('button'); if (first) { first.focus(); } } "
        f"else if (dialog.open) {{ dialog.close(); }} }}, [{is_open}]);"
    )
    return rx.Var(_js_expr=code, _var_data=VarData.merge(
        is_open._get_all_var_data(), VarData(imports={"react": ["useEffect"]})))


class ModalDialog(Dialog):
    """`<dialog>` opened with showModal() by a hook; `on_cancel` is the browser's Escape."""

    on_cancel: EventHandler[no_args_event_spec] = field(
        doc="Fired when the person presses Escape (the dialog's cancel event).")

    def add_hooks(self) -> list[str | rx.Var]:
        """The effect that opens and closes the dialog with the state."""
        return [_dialog_hook()]


def idle_warning() -> rx.Component:
    """The timer and its dialog (role=alertdialog; focus moves into it; Escape = stay)."""
    return rx.fragment(
        IdleTimer.create(),
        ModalDialog.create(
            rx.el.h2(t("session.idle_title"), id=TITLE_ID),
            rx.el.p(
                rx.cond(SessionState.idle_ending == "expired", t("session.cap_lead"),
                        t("session.idle_lead")),
                id=LEAD_ID),
            rx.el.div(
                rx.cond(
                    SessionState.idle_ending == "expired",
                    rx.el.button(t("register.continue"), type="button", class_name="button",
                                 on_click=SessionState.dismiss_warning),
                    rx.el.button(t("dashboard.stay"), type="button", class_name="button",
                                 on_click=SessionState.stay_signed_in),
                ),
                rx.el.button(t("session.sign_out_now"), type="button",
                             class_name="button secondary",
                             on_click=SessionState.sign_out),
                class_name="button-group",
            ),
            id=DIALOG_ID,
            role="alertdialog",
            aria_labelledby=TITLE_ID,
            aria_describedby=LEAD_ID,
            # Escape closes the dialog (the browser's part) and means "stay signed in".
            on_cancel=SessionState.idle_dialog_open_change(False),
            class_name="idle-dialog",
        ),
    )
