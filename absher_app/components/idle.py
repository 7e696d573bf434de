"""The idle-session warning: an alert dialog two minutes before a signed-in session would end.

The browser only keeps time; `SessionState.idle_check` asks the database before warning or
signing out, and "Stay signed in" touches the session on the server.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventChain
from reflex.vars.base import VarData
from reflex_components_core.base.fragment import Fragment

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


def idle_warning() -> rx.Component:
    """The timer and its dialog (role=alertdialog; focus moves into it; Escape = stay)."""
    return rx.fragment(
        IdleTimer.create(),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title(t("session.idle_title")),
                rx.alert_dialog.description(
                    rx.cond(SessionState.idle_ending == "expired", t("session.cap_lead"),
                            t("session.idle_lead"))),
                rx.el.div(
                    rx.cond(
                        SessionState.idle_ending == "expired",
                        rx.el.button(t("register.continue"), type="button", class_name="button",
                                     on_click=SessionState.dismiss_warning, auto_focus=True),
                        rx.el.button(t("dashboard.stay"), type="button", class_name="button",
                                     on_click=SessionState.stay_signed_in, auto_focus=True),
                    ),
                    rx.el.button(t("session.sign_out_now"), type="button",
                                 class_name="button secondary",
                                 on_click=SessionState.sign_out),
                    class_name="button-group",
                ),
                class_name="idle-dialog",
            ),
            open=SessionState.idle_warning,
            on_open_change=SessionState.idle_dialog_open_change,
        ),
    )
