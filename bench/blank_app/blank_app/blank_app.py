"""One empty page at /: what any Reflex page costs before the app adds anything."""

import reflex as rx

app = rx.App()
app.add_page(lambda: rx.fragment(), route="/", title="blank")
