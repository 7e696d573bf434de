"""absher_app.db.create_database: what the scaled run, the bench and the scaled journeys use."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy

from absher_app.db import create_database
from tests.conftest import _PG_SKIP_REASON, PG_URL


def test_recreating_a_sqlite_database_removes_the_file(tmp_path):
    path = tmp_path / "x.db"
    path.write_text("old")
    assert create_database(f"sqlite:///{path}") is False
    assert path.exists()
    assert create_database(f"sqlite:///{path}", recreate=True) is True
    assert not path.exists()


@pytest.mark.parametrize("name", ["test", "postgres", "template1"])
def test_the_shared_databases_are_never_dropped(name):
    with pytest.raises(ValueError, match=name):
        create_database(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", recreate=True)


@pytest.mark.postgresql
@pytest.mark.skipif(bool(_PG_SKIP_REASON), reason=_PG_SKIP_REASON or "")
def test_postgresql_database_is_created_once_and_recreated_empty():
    url = sqlalchemy.engine.make_url(PG_URL).set(database=f"unit_{uuid.uuid4().hex[:10]}")
    text = url.render_as_string(hide_password=False)
    try:
        assert create_database(text) is True
        assert create_database(text) is False
        engine = sqlalchemy.create_engine(url)
        with engine.begin() as c:
            c.execute(sqlalchemy.text("create table leftover (id int)"))
        engine.dispose()
        assert create_database(text, recreate=True) is True
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as c:
            assert not sqlalchemy.inspect(c).has_table("leftover")
        engine.dispose()
    finally:
        admin = sqlalchemy.create_engine(url.set(database="postgres"),
                                         isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sqlalchemy.text(f'drop database if exists "{url.database}" with (force)'))
        admin.dispose()
