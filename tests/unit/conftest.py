# provisional: replaced later by the `session`/`engine` fixtures of tests/conftest.py.
import pytest
from sqlmodel import Session, SQLModel

import absher_app.models  # noqa: F401  (registers every table)
from absher_app.db import get_engine


@pytest.fixture
def engine(tmp_path):
    engine = get_engine.__wrapped__(f"sqlite:///{tmp_path / 't.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session
