"""Helpers shared by the tables."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now, for created/updated columns (stored as UTC)."""
    return datetime.now(UTC)
