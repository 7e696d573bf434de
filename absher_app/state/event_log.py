"""`EventLogMiddleware` (ABSHER_EVENT_LOG=1): one line per event with the worker's PID, so a
test can see which worker process served which event of one browser session."""

from __future__ import annotations

import os
import sys

from reflex.middleware import Middleware


class EventLogMiddleware(Middleware):
    """One log line per event: `event pid=… token=… name=…` (the token is no secret)."""

    async def preprocess(self, app, state, event):
        token = state.router.session.client_token if state.router else ""
        # stderr, not a logger: the server's log file is what the scale-out test reads.
        print(f"event pid={os.getpid()} token={token} name={event.name.rsplit('.', 1)[-1]}",
              file=sys.stderr, flush=True)
        return None
