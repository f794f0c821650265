"""Schema migrations: Alembic revisions shipped inside the package and run by ``make_engine``.

Nothing here imports Alembic, so opening an up-to-date database (the common case, on every command) only
compares its stored revision with :data:`HEAD`; :mod:`tracker.store.migrations.runner` does the rest.
"""

from __future__ import annotations

from typing import Final

#: The newest revision in ``versions/``; a test checks it against Alembic's own view of the scripts.
HEAD: Final = "0011"

#: How to place a database made before migrations existed: the first of these tables it has tells its
#: revision (the schema ``create_all`` made then). Newest first.
BASELINES: Final[tuple[tuple[str, str], ...]] = (("retraction", "0002"), ("decision", "0001"))
