"""The security suite borrows the unit tests' fixtures: the demo registry and accounts (`ids`),
and the CLI's fresh SQLite database (`db_url`, `upgraded`)."""

from tests.unit.conftest import _upgraded_template  # noqa: F401
from tests.unit.domain.test_accounts import ids  # noqa: F401
from tests.unit.test_cli import db_url, upgraded  # noqa: F401
