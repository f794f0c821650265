"""Write a new migration: ``python -m tracker.store.migrations revision -m "add decision.source"``.

Alembic builds a scratch SQLite database with the existing migrations, compares it with the models and
writes ``versions/vNNNN_<message>.py`` with the operations it finds. Read and complete that file (data
moves, defaults for new NOT NULL columns), then set ``HEAD`` in ``__init__.py`` to its number.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from tracker.store.migrations import HEAD, runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker.store.migrations", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    revision = commands.add_parser("revision", help="write the next numbered migration")
    revision.add_argument(
        "-m", "--message", required=True, help="what the migration does, e.g. 'add decision.source'"
    )
    revision.add_argument("--empty", action="store_true", help="write empty upgrade/downgrade functions")
    args = parser.parse_args(argv)

    number = f"{int(HEAD) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        with engine.begin() as connection:
            cfg = runner.config(connection)
            command.upgrade(cfg, "head")
            written = command.revision(cfg, message=args.message, autogenerate=not args.empty, rev_id=number)
        engine.dispose()
    scripts = written if isinstance(written, list) else [written]
    for script in scripts:
        if script is not None:
            print(f"wrote {script.path}")
    print(f"now complete it and set HEAD = {number!r} in {runner.FOLDER / '__init__.py'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
