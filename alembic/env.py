"""Alembic environment: the tables of absher_app.models on the configured database."""

from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

import absher_app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from absher_app.db import get_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run migrations on a live connection (a test may pass one in config.attributes)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().connect() as connection:
        _run(connection)
        connection.commit()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `absher db upgrade`")
run_migrations_online()
