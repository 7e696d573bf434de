"""The staff console's charts (on `/staff`): each chart with its numbers in a table beside it.

The figures come from the use case `absher_app.application.staff_dashboard` (no Reflex there);
this module only loads them for the signed-in staff member and draws them with Reflex's
recharts components. The chart is a picture of the table next to it, so it is hidden from
assistive technology (`aria-hidden`, no keyboard stop); the table is the accessible version.
"""

from __future__ import annotations

import reflex as rx

from absher_app.application.staff_dashboard import REQUEST_STATUSES, JobRow, console_figures
from absher_app.state.events import event, use
from absher_app.state.language import is_english, t

# Colours of the request statuses: distinguishable for common colour blindness (Okabe-Ito),
# and each also named in the legend and the table.
STATUS_COLOURS = {"awaiting_payment": "#E69F00", "in_review": "#56B4E9", "approved": "#009E73",
                  "rejected": "#D55E00", "expired": "#999999", "delivered": "#0072B2"}


class StaffDashboardState(rx.State):
    """The console's figures for the signed-in staff member's role."""

    show_requests: bool = False
    requests_by_day: list[dict[str, int | str]] = []
    decision_hours: list[dict[str, float | int | str]] = []
    median_hours: str = ""
    show_appointments: bool = False
    appointments: list[dict[str, int | str]] = []
    show_messages: bool = False
    messages_waiting: list[dict[str, int | str]] = []
    show_jobs: bool = False
    jobs: list[JobRow] = []

    @event
    async def load(self):
        """on_load of /staff (after the staff session check): the figures for this role."""
        view = await use(self, console_figures)
        self.show_requests = view.requests_by_day is not None
        self.requests_by_day = view.requests_by_day or []
        self.decision_hours = view.decision_hours or []
        self.median_hours = "" if view.median_hours is None else f"{view.median_hours:g}"
        self.show_appointments = view.appointments is not None
        self.appointments = view.appointments or []
        self.show_messages = view.messages_waiting is not None
        self.messages_waiting = view.messages_waiting or []
        self.show_jobs = view.jobs is not None
        self.jobs = list(view.jobs or [])
        return None


S = StaffDashboardState


def _number(value) -> rx.Component:
    return rx.el.bdi(value.to_string(), dir="ltr")


def _table(caption_key: str, headers: list[rx.Component], rows, row_fn, testid: str
           ) -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.caption(t(caption_key)),
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headers])),
            rx.el.tbody(rx.foreach(rows, row_fn)),
            class_name="data-table", data_testid=testid),
        # A table wider than a phone scrolls: the region takes the keyboard focus to scroll.
        class_name="table-scroll", tab_index=0, role="region", aria_label=t(caption_key))


def _chart(chart: rx.Component) -> rx.Component:
    return rx.el.div(chart, class_name="chart", aria_hidden="true", dir="ltr")


def _axes(x_key) -> list[rx.Component]:
    return [rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            rx.recharts.x_axis(data_key=x_key), rx.recharts.y_axis(allow_decimals=False),
            rx.recharts.legend()]


def _requests_section() -> rx.Component:
    chart = rx.recharts.bar_chart(
        *_axes("day"),
        *[rx.recharts.bar(data_key=status, stack_id="status", fill=STATUS_COLOURS[status],
                          name=t(f"status.{status}"), is_animation_active=False)
          for status in REQUEST_STATUSES],
        data=S.requests_by_day, height=300, width="100%", custom_attrs={
            "accessibilityLayer": False})

    def row(r) -> rx.Component:
        return rx.el.tr(rx.el.th(rx.el.bdi(r["day"], dir="ltr"), scope="row"),
                        *[rx.el.td(_number(r[status])) for status in REQUEST_STATUSES])

    return rx.el.section(
        rx.el.h2(t("ops.requests.title")),
        rx.el.p(t("ops.requests.lead")),
        rx.el.div(_chart(chart), _table(
            "ops.requests.table", [t("ops.col.day"), *[t(f"status.{s}")
                                                       for s in REQUEST_STATUSES]],
            S.requests_by_day, row, "requests-table"), class_name="chart-pair"),
        class_name="ops-section")


def _decisions_section() -> rx.Component:
    chart = rx.recharts.line_chart(
        *_axes("day"),
        rx.recharts.line(data_key="hours", stroke="#0072B2", name=t("ops.decisions.hours"),
                         is_animation_active=False, dot=True),
        data=S.decision_hours, height=260, width="100%",
        custom_attrs={"accessibilityLayer": False})

    def row(r) -> rx.Component:
        return rx.el.tr(rx.el.th(rx.el.bdi(r["day"], dir="ltr"), scope="row"),
                        rx.el.td(_number(r["hours"])), rx.el.td(_number(r["decisions"])))

    return rx.el.section(
        rx.el.h2(t("ops.decisions.title")),
        rx.cond(S.median_hours != "",
                rx.el.p(t("ops.decisions.median"), " ", rx.el.strong(
                    rx.el.bdi(S.median_hours, dir="ltr"), " ", t("ops.unit.hours")),
                    data_testid="median-hours"),
                rx.el.p(t("ops.decisions.none"))),
        rx.cond(S.decision_hours.length() > 0, rx.el.div(_chart(chart), _table(
            "ops.decisions.table", [t("ops.col.day"), t("ops.decisions.hours"),
                                    t("ops.decisions.count")],
            S.decision_hours, row, "decisions-table"), class_name="chart-pair"),
            rx.fragment()),
        class_name="ops-section")


def _appointments_section() -> rx.Component:
    chart = rx.recharts.bar_chart(
        *_axes("branch"),
        rx.recharts.bar(data_key="booked", fill="#0072B2", name=t("ops.appointments.booked"),
                        is_animation_active=False),
        rx.recharts.bar(data_key="capacity", fill="#BBBBBB",
                        name=t("ops.appointments.capacity"), is_animation_active=False),
        data=S.appointments, height=280, width="100%",
        custom_attrs={"accessibilityLayer": False})

    def row(r) -> rx.Component:
        return rx.el.tr(
            rx.el.th(rx.cond(is_english(), r["name_en"], r["name_ar"]), " ",
                     rx.el.bdi("(", r["branch"], ")", dir="ltr"), scope="row"),
            rx.el.td(_number(r["booked"])), rx.el.td(_number(r["capacity"])),
            rx.el.td(rx.el.bdi(r["percent"].to_string(), "%", dir="ltr")))

    return rx.el.section(
        rx.el.h2(t("ops.appointments.title")),
        rx.el.p(t("ops.appointments.lead")),
        rx.el.div(_chart(chart), _table(
            "ops.appointments.table", [t("ops.col.branch"), t("ops.appointments.booked"),
                                       t("ops.appointments.capacity"),
                                       t("ops.appointments.used")],
            S.appointments, row, "appointments-table"), class_name="chart-pair"),
        class_name="ops-section")


def _messages_section() -> rx.Component:
    chart = rx.recharts.bar_chart(
        *_axes(rx.cond(is_english(), "label_en", "label_ar")),
        rx.recharts.bar(data_key="waiting", fill="#D55E00", name=t("ops.messages.waiting"),
                        is_animation_active=False),
        data=S.messages_waiting, height=260, width="100%",
        custom_attrs={"accessibilityLayer": False})

    def row(r) -> rx.Component:
        return rx.el.tr(rx.el.th(rx.cond(is_english(), r["label_en"], r["label_ar"]),
                                 scope="row"),
                        rx.el.td(_number(r["waiting"])), rx.el.td(_number(r["oldest_days"])))

    return rx.el.section(
        rx.el.h2(t("ops.messages.title")),
        rx.el.div(_chart(chart), _table(
            "ops.messages.table", [t("ops.col.sector"), t("ops.messages.waiting"),
                                   t("ops.messages.oldest")],
            S.messages_waiting, row, "messages-waiting-table"), class_name="chart-pair"),
        class_name="ops-section")


def _jobs_section() -> rx.Component:
    def row(j: JobRow) -> rx.Component:
        return rx.el.tr(rx.el.th(rx.el.bdi(j.name, dir="ltr"), scope="row"),
                        rx.el.td(rx.el.bdi(j.last_run, dir="ltr")),
                        rx.el.td(rx.match(j.outcome, ("ok", t("ops.jobs.ok")),
                                          ("failed", t("ops.jobs.failed")),
                                          ("running", t("ops.jobs.running")),
                                          t("ops.jobs.never")),
                                 class_name="status status-" + j.outcome),
                        rx.el.td(rx.el.bdi(j.summary, dir="ltr")),
                        rx.el.td(rx.el.bdi(j.next_run, dir="ltr")))

    return rx.el.section(
        rx.el.h2(t("ops.jobs.title")),
        rx.el.p(t("ops.jobs.lead")),
        _table("ops.jobs.table", [t("ops.jobs.job"), t("ops.jobs.last_run"),
                                  t("ops.jobs.outcome"), t("ops.jobs.summary"),
                                  t("ops.jobs.next_run")], S.jobs, row, "jobs-table"),
        class_name="ops-section")


def dashboard_section() -> rx.Component:
    """The console's charts, each shown to the roles whose work it is."""
    return rx.el.div(
        rx.cond(S.show_requests, rx.fragment(_requests_section(), _decisions_section()),
                rx.fragment()),
        rx.cond(S.show_appointments, _appointments_section(), rx.fragment()),
        rx.cond(S.show_messages, _messages_section(), rx.fragment()),
        rx.cond(S.show_jobs, _jobs_section(), rx.fragment()),
        class_name="ops-dashboard",
    )
