"""Unit-test fixtures that keep the loop fast.

Passwords are hashed at argon2's smallest cost (ABSHER_PASSWORD_HASH_COST=test): at OWASP's
cost one hash takes 20-60 ms here and the unit tests hash thousands of times (every demo load
hashes five passwords). The tests of the hashing itself ask for `owasp_hashing`; set
ABSHER_PASSWORD_HASH_COST=owasp to run every unit test at the real cost.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from absher_app.db import get_engine
from absher_app.settings import get_settings

os.environ.setdefault("ABSHER_PASSWORD_HASH_COST", "test")
get_settings.cache_clear()  # in case something read the settings before this line


@pytest.fixture
def owasp_hashing(monkeypatch) -> Iterator[None]:
    """Hash at the production cost in this test (it checks the cost itself)."""
    monkeypatch.setattr(get_settings(), "password_hash_cost", "owasp")
    yield


@pytest.fixture(scope="session")
def _upgraded_template(tmp_path_factory) -> Path:
    """A SQLite file that `absher db upgrade` brought to the migration head, made once per
    process; the CLI tests' `upgraded` copies it (every migration for every test was most of
    their time)."""
    from absher_app import cli

    path = tmp_path_factory.mktemp("cli-template") / "cli.db"
    root_logger = logging.getLogger()
    saved_handlers, saved_level = root_logger.handlers[:], root_logger.level
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REFLEX_DB_URL", f"sqlite:///{path}")
        patch.setenv("ABSHER_ENV", "test")
        patch.chdir(path.parent)  # no stray .env file is read
        get_settings.cache_clear()
        get_engine.cache_clear()
        try:
            assert cli.main(["db", "upgrade"]) == 0
        finally:
            get_engine().dispose()  # the last connection closed checkpoints the WAL
            get_settings.cache_clear()
            get_engine.cache_clear()
            # alembic/env.py applies alembic.ini's logging config; undo it.
            root_logger.handlers[:] = saved_handlers
            root_logger.setLevel(saved_level)
    return path
