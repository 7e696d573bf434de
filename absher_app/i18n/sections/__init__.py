"""One module per part of the portal, each holding that part's `AR` and `EN` strings side by side.

`absher_app.i18n` merges every module here into the two catalogues and refuses a key defined
twice, so parts can be added without editing one ever-growing file.
"""
