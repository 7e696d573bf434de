"""A worker's garbage collector once it serves: startup's objects frozen, collections rarer."""

from __future__ import annotations

import asyncio
import gc

from absher_app import garbage_collection
from absher_app.absher_app import app


def test_a_serving_worker_freezes_what_startup_made_and_collects_less_often():
    before = gc.get_threshold()
    try:
        asyncio.run(garbage_collection.tune_for_serving())
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == garbage_collection.THRESHOLDS
        assert all(new > old for new, old in zip(gc.get_threshold(), before, strict=True))
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_every_worker_runs_it_at_startup():
    assert garbage_collection.tune_for_serving in app.get_lifespan_tasks()
