"""Appointments: `/appointments` (mine), `/appointments/book` (the booking flow, also moving an
appointment) and `/appointments/<reference>` (the slip). The use cases are in
absher_app.application.appointments."""

from absher_app.application.appointments import day_label
from absher_app.pages.appointments.booking import BookingState, book_page
from absher_app.pages.appointments.mine import AppointmentsState, list_page
from absher_app.pages.appointments.slip import SlipState, slip_page

# `day_label`: the dashboard's "next appointment" tile still takes it from here until the
# dashboard moves onto the application layer.
__all__ = ["AppointmentsState", "BookingState", "SlipState", "book_page", "day_label",
           "list_page", "slip_page"]
