"""Times as the database keeps them (naive UTC) and as files and reports write them (ISO 8601, ``Z``)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken as UTC (as the database stores it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_utc(moment: datetime) -> str:
    """``2026-11-22T10:00:00Z``: to the second, for reports."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_exact(moment: datetime) -> str:
    """``2026-11-22T10:00:00.123456Z``: UTC with microseconds, so a time survives an export round trip."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_utc() -> datetime:
    return datetime.now(UTC)
