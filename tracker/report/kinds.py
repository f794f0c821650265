"""The report formats by name: what ``tracker report --format`` offers, without loading any writer (the
command line builds its options from these on every start)."""

from __future__ import annotations

#: The formats of ``report --format``, the default first.
FORMATS: tuple[str, ...] = ("table", "md", "csv", "json", "html")
#: The formats a report to publish comes in (``--public``, ``--title``).
PUBLISHABLE: tuple[str, ...] = ("md", "html")
