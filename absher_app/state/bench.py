"""Diagnostics for the load benchmark (bench/) and the scale-out journeys; off by default.

`BenchState` is registered only when ABSHER_BENCH=1 (refused in production): its `ping` is the
framework's floor, an event that does no work of the app's own (it bumps a counter, because
Reflex sends nothing back for an event that changes nothing, and a round trip needs an answer);
`whoami` tells which worker process handled the event; `measure` reports how large each state
class of this browser session is once serialized, as the state manager (disk or Redis) stores it.
"""

from __future__ import annotations

import os

import reflex as rx


class BenchState(rx.State):
    """The benchmark's probes. Nothing here is secret: a counter, a PID, byte counts."""

    pongs: int = 0
    worker_pid: int = 0
    state_bytes: dict[str, int] = {}

    @rx.event
    def ping(self):
        """The no-op event: one counter up, so that the browser gets an answer."""
        self.pongs += 1

    @rx.event
    def whoami(self):
        """Which worker process handled this event."""
        self.worker_pid = os.getpid()
        self.pongs += 1

    @rx.event
    async def measure(self):
        """Serialized size of every state class of this session (bytes, as stored)."""
        root = self._get_root_state()
        sizes: dict[str, int] = {}
        pending = [type(root)]
        while pending:
            cls = pending.pop()
            pending.extend(cls.get_substates())
            if cls is BenchState:
                continue
            state = await root.get_state(cls)
            sizes[cls.get_name()] = len(state._serialize())
        self.state_bytes = sizes
        self.pongs += 1
