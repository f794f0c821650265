"""Matching at scale: a full ``tracker match`` with 1, 2, 4 … processes, its peak memory, and the
incremental match after an ingest of one more document, on SQLite or PostgreSQL.

Every measurement runs in a child process of its own (peak RSS is that run's alone, the largest of the
process and its workers), on a copy of the database without matcher output, as after ``tracker ingest
--no-match``. Wall time is reported with CPU time (the process and its workers) and the machine's load
average, since wall time on a shared machine says little by itself.

    python benchmarks/match_scale.py --db /tmp/n1000.db --processes 1,2 --runs 3
    python benchmarks/match_scale.py --db /tmp/n3000.db --add /tmp/c3001/03000_003.txt
    python benchmarks/match_scale.py --db /tmp/n1000.db --postgres postgresql+psycopg://u@host/bench --processes 1,2,4

``--db`` is a SQLite database with documents ingested (``python benchmarks/corpus.py OUT -n 1000``, then
``tracker --db N.db ingest --no-match OUT``); ``--postgres`` copies its documents into that (emptied)
PostgreSQL database once and measures there. ``--add FILE`` measures ``tracker ingest FILE`` after a
full match: the ingest as a whole and its incremental match.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

#: Tables ingest fills, copied to PostgreSQL in this order (foreign keys).
STATEMENT_TABLES = ("document", "part", "commitment", "achievement")
#: Tables a match fills, emptied before each run.
MATCH_TABLES = (
    "candidate",
    "history_candidate",
    "commitmentstatus",
    "corpus_document",
    "corpus_term",
    "match_queue",
)


def _child(args: argparse.Namespace) -> dict[str, Any]:
    """One measurement, in this (child) process."""
    from tracker.store.engine import make_engine

    engine = make_engine(args.url)
    from tracker.review.matching import match_database

    started, cpu = time.perf_counter(), time.process_time()
    if args.add:
        from tracker.store.documents import load_paths

        load_paths(engine, [args.add])
        loaded = time.perf_counter()
        summary = match_database(engine, changed=True, processes=args.child_processes)
        match_s = time.perf_counter() - loaded
    else:
        summary = match_database(engine, processes=args.child_processes)
        match_s = time.perf_counter() - started
    wall = time.perf_counter() - started
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    engine.dispose()
    return {
        "processes": summary.processes,
        "wall_s": round(wall, 2),
        "match_s": round(match_s, 2),
        "cpu_s": round(time.process_time() - cpu + workers.ru_utime + workers.ru_stime, 2),
        "peak_rss_mb": round(max(own.ru_maxrss, workers.ru_maxrss) / 1024),
        "commitments": summary.commitments,
        "blocks": summary.blocks,
        "candidates": summary.candidates,
        "load": os.getloadavg()[0],
    }


def _empty_copy(source: Path, folder: Path) -> str:
    """A copy of the SQLite database without matcher output; its URL."""
    target = folder / "bench.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    url = f"sqlite:///{target}"
    _empty(url)
    return url


def _empty(url: str) -> None:
    """Remove the matcher output (and the statistics) from the database at ``url``."""
    from sqlalchemy import inspect, text

    from tracker.store.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as connection:
        present = set(inspect(connection).get_table_names())
        for table in MATCH_TABLES:
            if table in present:
                connection.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


def _to_postgres(source: Path, url: str) -> None:
    """Copy the documents of the SQLite database into the PostgreSQL one (emptied first)."""
    from sqlalchemy import MetaData, create_engine, text

    from tracker.store.engine import make_engine

    make_engine(url).dispose()  # the schema
    target = create_engine(url)
    lite = create_engine(f"sqlite:///{source}")
    meta = MetaData()
    meta.reflect(bind=target)
    with target.begin() as connection:
        for table in reversed((*STATEMENT_TABLES, *MATCH_TABLES, "decision", "retraction")):
            connection.execute(text(f"DELETE FROM {table}"))
        for table in STATEMENT_TABLES:
            rows = [dict(row._mapping) for row in lite.connect().execute(text(f"SELECT * FROM {table}"))]
            columns = meta.tables[table]
            kinds = {column.name: str(column.type) for column in columns.columns}
            for row in rows:
                for name, value in row.items():
                    if isinstance(value, str) and kinds[name] == "JSON":
                        row[name] = json.loads(value)
                    elif isinstance(value, int) and kinds[name] == "BOOLEAN":
                        row[name] = bool(value)
            for start in range(0, len(rows), 5000):
                connection.execute(columns.insert(), rows[start : start + 5000])
    target.dispose()
    lite.dispose()


def _measure(url: str, processes: int | None, add: str | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", url, "--child-processes", str(processes or 0)]
    if add:
        command += ["--add", add]
    done = subprocess.run(
        command, stdout=subprocess.PIPE, text=True, check=True, env=os.environ | {"PYTHONPATH": str(REPO)}
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="SQLite database with documents ingested")
    parser.add_argument("--postgres", help="measure on this PostgreSQL database (its content is replaced)")
    parser.add_argument("--processes", default="1", help="comma-separated process counts (0: the default)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--add", help="a document to ingest after a full match (the incremental run)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-processes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.url = args.child
        args.child_processes = args.child_processes or None
        print(json.dumps(_child(args)))
        return 0
    if args.db is None:
        parser.error("--db is required")
    counts = [int(p) for p in args.processes.split(",")]
    with tempfile.TemporaryDirectory(prefix="match-scale-") as tmp:
        if args.postgres:
            _to_postgres(args.db, args.postgres)
        for run in range(args.runs):
            for processes in counts:
                url = args.postgres or _empty_copy(args.db, Path(tmp))
                if args.postgres:
                    _empty(url)
                if args.add:
                    full = _measure(url, processes, None)
                    result = _measure(url, 1, args.add) | {"full_match_s": full["wall_s"]}
                else:
                    result = _measure(url, processes, None)
                print(json.dumps({"run": run + 1, "asked": processes} | result), flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
