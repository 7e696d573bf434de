"""One near-empty page at /: what any Reflex page costs before the app adds anything.

It shows one short paragraph (plain HTML, no component library) because Lighthouse needs a
page that paints something (bench/pages.py); a fragment alone paints nothing (NO_FCP).
"""

import reflex as rx

app = rx.App()
app.add_page(lambda: rx.el.p("Blank Reflex page."), route="/", title="blank")
