"""The "send a new code" button with a live countdown of the resend cooldown.

The server decides how long to wait (`codes.send_wait_seconds`) and still refuses a code asked
for too soon; the browser only counts down. The page's state holds two ints: `wait`, the
seconds the server gave, and `serial`, bumped every time it gives them (two sends in a row
both give 60, and the countdown must restart each time).
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import VarData

from absher_app.components.text import t_with
from absher_app.state.language import t


def seconds_left(wait: rx.Var[int], serial: rx.Var[int]) -> rx.Var[int]:
    """A client-side var: `wait` seconds counted down from when `wait`/`serial` last changed.

    Its React hooks travel with the var (VarData), so whichever component renders it gets them.
    """
    w, s = str(wait), str(serial)
    depends = VarData.merge(
        wait._get_all_var_data(), serial._get_all_var_data(),
        VarData(imports={"react": ["useState", "useEffect", "useMemo"]}),
    )
    hooks = {
        "const [absherResendNow, setAbsherResendNow] = useState(() => Date.now());": None,
        # When the server gives a new wait, the count starts again from the browser's now.
        f"const absherResendFrom = useMemo(() => Date.now(), [{w}, {s}]);": depends,
        (f"const absherResendLeft = Math.max(0, Math.min({w}, {w} - "
         "Math.floor((absherResendNow - absherResendFrom) / 1000)));"): None,
        ("useEffect(() => { if (absherResendLeft <= 0) { return undefined; } "
         "const id = setTimeout(() => setAbsherResendNow(Date.now()), 1000); "
         "return () => clearTimeout(id); }, [absherResendNow, absherResendFrom, absherResendLeft]);"
         ): None,
    }
    return rx.Var(_js_expr="absherResendLeft", _var_type=int,
                  _var_data=VarData(hooks=hooks)).guess_type()


def resend_countdown(wait: rx.Var[int], serial: rx.Var[int], on_resend) -> rx.Component:
    """The resend button, disabled while the countdown runs, and the countdown itself.

    Args:
        wait: seconds until the server allows another code (state var).
        serial: bumped by the state whenever it sets `wait` (state var).
        on_resend: the event handler that asks the server for a new code.
    """
    left = seconds_left(wait, serial)
    return rx.el.div(
        rx.el.button(t("login.resend"), type="button", class_name="button secondary",
                     on_click=on_resend, disabled=left > 0,
                     aria_describedby="resend-countdown"),
        rx.el.p(
            rx.cond(left > 0, t_with("login.resend_in", {"seconds": rx.el.bdi(left)}),
                    rx.fragment()),
            id="resend-countdown",
            class_name="field-hint",
        ),
        class_name="resend",
    )
