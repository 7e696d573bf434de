"""Metrics (Prometheus) and structured logs, for operators.

`metrics` holds every metric and the plain API the app calls (`observe_event`, ...);
`collectors` computes the figures that live in the database at scrape time; `logs` configures
JSON logging that never writes a full ID number, mobile, code, token or password.
"""
