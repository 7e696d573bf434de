"""The garbage collector of an app worker, set for serving events.

Every object alive once the worker has started (the compiled app, its pages and state
classes, the ORM's mappers: hundreds of thousands of objects) lives until the worker stops,
yet CPython's full collections walked all of them again every few seconds under load (100–130
ms each at 200 sessions). Frozen, they are left out of every collection. Then an event
allocates much (the state's copies, dicts, rows), nearly all freed at once by reference
counting: collections of the youngest generation every 10 000 allocations rather than 700,
and of the older ones more rarely, cost less for the same garbage. At 500 sessions on one
worker: journey events/s 232–249 → 263–267, journey p95 1318–1390 → 712–769 ms
(bench/README.md)."""

from __future__ import annotations

import gc

# (youngest, middle, oldest): CPython's defaults are (700, 10, 10).
THRESHOLDS = (10_000, 50, 100)


async def tune_for_serving() -> None:
    """Lifespan task of every worker: collect what startup left, freeze the rest, and
    collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
