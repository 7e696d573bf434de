"""One module per route; each module's `page()` builds it and its state sits beside it."""
