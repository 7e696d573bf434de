"""The application layer: one function per use case, between the pages and the domain.

A use case takes the caller's identity and a typed input, runs in one database transaction
(`unit.run`), calls the domain and returns a plain view object for the page. No Reflex here:
pages, the CLI, a future API or a worker call the same functions.
"""
