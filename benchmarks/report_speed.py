"""How long every ``tracker report`` format takes on one database, and how much memory it needs.

The target (issue "speed and scale"): every format in under 10 s at about 100,000 commitments, and peak
memory bounded by a chunk of rows, not by the database: at 10,000 documents no more than 1.5x the peak at
1,000. Each run is a child process of its own (``python -m tracker.cli report … -o FILE``), so its peak
RSS (``os.wait4``'s ``ru_maxrss``) is that format's alone and no cache survives from the run before;
the time is the child's wall time, start-up included. The floor is what every run pays before reading
a row: Python starting and importing the CLI (``tracker --version``).

Run by hand, not by pytest, with the venv active and ``PYTHONPATH`` naming the checkout to measure:

    python benchmarks/report_speed.py --db /tmp/n1000.db
    python benchmarks/report_speed.py --db /tmp/n1000.db --formats table,html --runs 1 --json out.json

The database is only read. ``--keep DIR`` keeps each format's output (to diff two versions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: name -> the ``tracker report`` options of that variant (``-o FILE`` added by the runner).
VARIANTS: dict[str, tuple[str, ...]] = {
    "table": ("--format", "table"),
    "table-stdout": ("--format", "table"),  # printed to stdout (a file, not a terminal)
    "md": ("--format", "md"),
    "md-public": ("--format", "md", "--public"),
    "csv": ("--format", "csv"),
    "json": ("--format", "json"),
    "html": ("--format", "html"),
    "html-public": ("--format", "html", "--public"),
}
SUFFIXES = {"table": "txt", "md": "md", "csv": "csv", "json": "json", "html": "html"}
TARGET_SECONDS = 10.0


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system: less swayed than the wall time by other work on the machine
    peak_rss_mb: float
    output_mb: float
    exit_code: int


@dataclass
class VariantResult:
    name: str
    runs: list[Run] = field(default_factory=list)
    error: str = ""

    @property
    def median_s(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(r.cpu_seconds for r in self.runs)

    @property
    def median_rss_mb(self) -> float:
        return statistics.median(r.peak_rss_mb for r in self.runs)

    def as_dict(self) -> dict[str, object]:
        return {
            **asdict(self),
            "median_s": round(self.median_s, 3) if self.runs else None,
            "median_cpu_s": round(self.median_cpu_s, 3) if self.runs else None,
            "median_peak_rss_mb": round(self.median_rss_mb, 1) if self.runs else None,
        }


def _child(arguments: list[str], stdout_path: Path | None) -> tuple[float, float, float, int, str]:
    """Run ``python -m tracker.cli ARGUMENTS``: (wall seconds, CPU seconds, peak RSS MB, exit code,
    stderr)."""
    stdout = open(stdout_path, "wb") if stdout_path is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", *arguments],
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": "160"},
        )
        assert child.stderr is not None
        stderr = child.stderr.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout_path is not None:
            stdout.close()  # type: ignore[union-attr]
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode, stderr


def measure(db: str, name: str, runs: int, out: Path) -> VariantResult:
    result = VariantResult(name)
    options = VARIANTS[name]
    path = out / f"{name}.{SUFFIXES[options[1]]}"
    for _ in range(runs):
        to_stdout = name.endswith("-stdout")
        arguments = ["--db", db, "report", *options, *(() if to_stdout else ("-o", str(path)))]
        seconds, cpu, rss, code, stderr = _child(arguments, path if to_stdout else None)
        size = path.stat().st_size / 1e6 if path.exists() else 0.0
        result.runs.append(Run(round(seconds, 3), round(cpu, 3), round(rss, 1), round(size, 2), code))
        if code != 0:
            result.error = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {code}"
            break
        print(
            f"  {name}: {seconds:.2f} s ({cpu:.2f} s CPU), {rss:.0f} MB, {size:.1f} MB written",
            file=sys.stderr,
        )
    return result


def floor(runs: int) -> float:
    """Median seconds of ``tracker --version``: Python starting and importing the CLI."""
    return statistics.median(_child(["--version"], None)[0] for _ in range(runs))


def counts(db: str) -> dict[str, int]:
    from sqlalchemy import func
    from sqlmodel import select

    from tracker.store.engine import make_engine, read_session
    from tracker.store.models import Achievement, Candidate, Commitment, Document

    engine = make_engine(db if "://" in db else f"sqlite:///{db}")
    with read_session(engine) as session:
        return {
            model.__name__.lower() + "s": session.exec(select(func.count()).select_from(model)).one()
            for model in (Document, Commitment, Achievement, Candidate)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database URL or SQLite file (only read)")
    parser.add_argument("--formats", default=",".join(VARIANTS), help="variants, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per variant (median reported)")
    parser.add_argument("--json", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--keep", type=Path, help="keep each variant's output in this folder")
    args = parser.parse_args()
    names = [n.strip() for n in args.formats.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    import tracker

    sizes = counts(args.db)
    print(f"{tracker.__file__}: {sizes}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="tracker-report-speed-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        start_floor = floor(args.runs)
        results = [measure(args.db, name, args.runs, out) for name in names]
    print(
        f"\n{sizes['commitments']:,} commitments, {sizes['candidates']:,} candidates; "
        f"floor (start-up) {start_floor:.2f} s; medians of {args.runs}"
    )
    print(f"| variant | s | CPU s | peak RSS MB | output MB | under {TARGET_SECONDS:.0f} s |")
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        if r.error:
            print(f"| {r.name} | failed: {r.error} | | | | |")
            continue
        ok = "yes" if r.median_s <= TARGET_SECONDS else "no"
        print(
            f"| {r.name} | {r.median_s:.2f} | {r.median_cpu_s:.2f} | {r.median_rss_mb:.0f} "
            f"| {r.runs[0].output_mb:.1f} | {ok} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "db": args.db,
                    "tracker": tracker.__file__,
                    "counts": sizes,
                    "runs": args.runs,
                    "floor_s": round(start_floor, 3),
                    "variants": [r.as_dict() for r in results],
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
