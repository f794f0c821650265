"""How fast ingest and matching are on 50 to 10,000 documents, against a floor and a peer measured in the same run.

The targets (issue #16): 1,000 documents ingested and matched in <= 10 s on 2 cores, within 10x the
segmentation floor, faster than the peer; peak memory of ingest and match at 10,000 documents no more
than 1.5x that at 1,000; one more document ingested into a 10,000-document database in under a second.

- floor: ``rjieba.cut`` over the concatenated text of the corpus, once (tracker segments with rjieba;
  every pipeline that reads Chinese word by word pays at least that).
- peer: ``benchmarks/peer.py``, the 50-line matcher a user might write instead (sentences, one global
  character TF-IDF, top five per commitment, SQLite ``executemany``), over the same folder.
- ingest: ``tracker.store.documents.load_paths`` into a fresh SQLite file.
- match: ``tracker.review.matching.match_database`` on it with ``--processes`` (default: what ``tracker
  match`` and ``tracker ingest`` use, every core from 5,000 commitments).
- one more: ``tracker ingest`` of one more document into the matched database, through the command
  line's own code in-process (incremental matching included), and as a whole ``tracker`` process.

Each stage runs in a child process of its own, so its peak RSS (ru_maxrss) is that stage's alone and no
cache survives from the previous one; a stage's warm-up (imports, dictionaries, one seed parsed) is not
timed. Each size is measured ``--repeats`` times (stages in the same order each time, so a repeat's floor
and peer saw the same machine as its ingest and match); the table shows medians, and the ratios are the
medians of each repeat's own ratio. ``--json`` writes every repeat's figures and the medians.

Run by hand, not by pytest: ``python benchmarks/speed.py --sizes 50,200,1000,10000 --json speed.json``.
``--profile DIR`` writes cProfile files for ingest and match (times are then inflated).
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import corpus

HERE = Path(__file__).resolve().parent
TARGET_DOCS = 1000
TARGET_SECONDS = 10.0
TARGET_RATIO = 10.0
TARGET_MEMORY_GROWTH = 1.5  # peak RSS at 10,000 documents over that at 1,000
TARGET_ONE_MORE_S = 1.0
DEFAULT_SIZES = (50, 200, 1000)
STAGES = ("floor", "peer", "ingest", "match", "one_more")


def _rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _children_rss_mb() -> float:
    """The largest peak RSS of this process's finished children (ingest's parsing workers)."""
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


@contextmanager
def _profiled(path: Path | None, label: str):  # type: ignore[no-untyped-def]
    """cProfile around a block when ``path`` is set; the top functions by own time go to stderr."""
    if path is None:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        profiler.dump_stats(path)
        print(f"\n== {label}: {path} (top 25 by own time)", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)


def _warm_up() -> None:
    """Parse one seed without saving and segment a line, so one-off loads and compiles are not timed."""
    from tracker.ingest.pipeline import parse_file
    from tracker.match.terms import content_terms

    seed = corpus.SEEDS / corpus.SOURCES["004"].filename
    parse_file(seed, display_path=seed.name)
    content_terms("建成社区居家养老服务中心")


def _texts(folder: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))]


# -- stages: each runs in a child process and returns a dict of figures ---------------------------------


def stage_floor(args: argparse.Namespace) -> dict[str, Any]:
    import rjieba

    text = "\n".join(_texts(args.folder))
    rjieba.cut("预热")
    start = time.perf_counter()
    tokens = len(rjieba.cut(text))
    return {"seconds": time.perf_counter() - start, "tokens": tokens, "chars": len(text)}


def stage_peer(args: argparse.Namespace) -> dict[str, Any]:
    import peer

    with tempfile.TemporaryDirectory(prefix="tracker-peer-") as tmp:
        figures = peer.main(args.folder, Path(tmp) / "peer.db")
    return figures | {"peak_rss_mb": _rss_mb()}


def stage_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from tracker.store.documents import load_paths
    from tracker.store.engine import make_engine

    _warm_up()
    engine = make_engine(args.db)
    warm = _rss_mb()
    profile = args.profile / f"ingest_{args.n}.prof" if args.profile else None
    start = time.perf_counter()
    with _profiled(profile, f"ingest N={args.n}"):
        loaded = load_paths(engine, [str(args.folder)], base=args.folder)
    seconds = time.perf_counter() - start
    errors = [str(e) for e in loaded.errors]
    del loaded
    figures = {
        "seconds": seconds,
        "peak_rss_mb": _rss_mb(),
        "rss_after_warmup_mb": warm,
        "workers_peak_rss_mb": _children_rss_mb(),
        "errors": errors[:5],
        "error_count": len(errors),
    }
    figures |= _count(engine, args.folder)
    engine.dispose()
    return figures


def stage_match(args: argparse.Namespace) -> dict[str, Any]:
    from dataclasses import asdict, is_dataclass

    from tracker.review.matching import match_database
    from tracker.store.engine import make_engine

    _warm_up()
    engine = make_engine(args.db)
    options: dict[str, Any] = {"progress": None}
    if "processes" in inspect.signature(match_database).parameters:
        options["processes"] = args.processes  # None: tracker's own choice
    profile = args.profile / f"match_{args.n}.prof" if args.profile else None
    start = time.perf_counter()
    with _profiled(profile, f"match N={args.n}"):
        summary = match_database(engine, **options)
    seconds = time.perf_counter() - start
    engine.dispose()
    return {
        "seconds": seconds,
        "peak_rss_mb": _rss_mb(),
        "workers_peak_rss_mb": _children_rss_mb(),
        "summary": _summary(asdict(summary)) if is_dataclass(summary) else {"repr": repr(summary)},
        "options": {k: v for k, v in options.items() if k != "progress"},
    }


def stage_one_more(args: argparse.Namespace) -> dict[str, Any]:
    """``tracker ingest FILE`` into the matched database: in-process (the work) and as a whole process."""
    from tracker.cli.main import cli

    _warm_up()
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()) as printed:
        try:
            cli(["--db", args.db, "ingest", str(args.file)], prog_name="tracker", standalone_mode=False)
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise RuntimeError(f"tracker ingest exited {stop.code}: {printed.getvalue()}") from None
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_rss_mb": _rss_mb(), "printed": printed.getvalue().strip()[-400:]}


def _count(engine: Any, folder: Path) -> dict[str, Any]:
    from sqlalchemy import func
    from sqlmodel import select

    from tracker.store.engine import read_session
    from tracker.store.models import Achievement, Commitment, Document

    with read_session(engine) as session:
        commitments = session.exec(select(func.count()).select_from(Commitment)).one()
        achievements = session.exec(select(func.count()).select_from(Achievement)).one()
        plans = set(session.exec(select(Commitment.agency, Commitment.period).distinct()).all())
        summaries = set(session.exec(select(Achievement.agency, Achievement.period).distinct()).all())
        detected = dict(session.exec(select(Document.path, Document.agency)).all())
    mismatches = [
        f"{d.file}: {detected[d.file]} (expected {d.agency})"
        for d in corpus.read_manifest(folder)
        if d.file in detected and detected[d.file] != d.agency
    ]
    return {
        "docs": len(detected),
        "commitments": commitments,
        "achievements": achievements,
        "blocks": len(plans & summaries),
        "agencies": len(set(detected.values())),
        "agency_mismatches": mismatches[:5],
    }


CHILD_STAGES = {
    "floor": stage_floor,
    "peer": stage_peer,
    "ingest": stage_ingest,
    "match": stage_match,
    "one_more": stage_one_more,
}


# -- the parent: sizes, repeats, medians ---------------------------------------------------------------


def _child(stage: str, n: int, args: argparse.Namespace, **paths: Path | str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--n", str(n)]
    for key, value in paths.items():
        command += [f"--{key}", str(value)]
    if args.processes is not None:
        command += ["--processes", str(args.processes)]
    if args.profile and stage in ("ingest", "match"):
        command += ["--profile", str(args.profile)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, check=False)
    if args.profile:
        sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"{stage} N={n} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _whole_process(db: str, file: Path, timeout: float | None) -> float:
    """Wall time of ``tracker --db DB ingest FILE`` as a user runs it (interpreter start and imports included)."""
    start = time.perf_counter()
    done = subprocess.run(
        ["tracker", "--db", db, "ingest", str(file)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"tracker ingest {file} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - start


def measure_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every stage of one size, ``args.repeats`` times; the corpus is generated once."""
    keep = args.keep / f"n{n}" if args.keep else None
    with tempfile.TemporaryDirectory(prefix=f"tracker-speed-{n}-") as tmp:
        root = keep or Path(tmp)
        folder, extra = root / "corpus", root / "extra"
        start = time.perf_counter()
        documents = corpus.generate(folder, n, seed=args.seed)
        # The documents added one at a time: another seed, so they are new files of the same cities.
        additions = corpus.generate(extra, 2 * args.repeats, seed=args.seed + 1)
        generated = time.perf_counter() - start
        mb_text = sum((folder / d.file).stat().st_size for d in documents) / 1e6
        repeats: list[dict[str, Any]] = []
        for repeat in range(args.repeats):
            print(f"N={n} repeat {repeat + 1}/{args.repeats} …", file=sys.stderr, flush=True)
            db_file = root / "bench.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db_file}{suffix}").unlink(missing_ok=True)
            db = f"sqlite:///{db_file}"
            figures: dict[str, Any] = {}
            figures["floor"] = _child("floor", n, args, folder=folder)
            if not args.no_peer:
                figures["peer"] = _child("peer", n, args, folder=folder)
            figures["ingest"] = _child("ingest", n, args, folder=folder, db=db)
            figures["match"] = _child("match", n, args, db=db)
            figures["one_more"] = _child("one_more", n, args, db=db, file=extra / additions[2 * repeat].file)
            figures["one_more"]["process_seconds"] = _whole_process(
                db, extra / additions[2 * repeat + 1].file, args.timeout
            )
            repeats.append(figures)
            print(f"  {_line(figures)}", file=sys.stderr, flush=True)
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return {"n": n, "docs": len(documents), "mb_text": mb_text, "generate_s": generated, "repeats": repeats}


def _line(figures: dict[str, Any]) -> str:
    parts = [f"{stage} {figures[stage]['seconds']:.2f} s" for stage in STAGES if stage in figures]
    return ", ".join(parts)


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(size: dict[str, Any]) -> dict[str, Any]:
    """The medians of one size's repeats, and each repeat's own ratios' median."""
    runs = size["repeats"]

    def med(stage: str, key: str = "seconds") -> float | None:
        return _median([run[stage][key] for run in runs if stage in run and key in run[stage]])

    totals = [run["ingest"]["seconds"] + run["match"]["seconds"] for run in runs]
    first = runs[0]["ingest"]
    return {
        "n": size["n"],
        "docs": first["docs"],
        "mb_text": size["mb_text"],
        "commitments": first["commitments"],
        "achievements": first["achievements"],
        "blocks": first["blocks"],
        "repeats": len(runs),
        "ingest_s": med("ingest"),
        "match_s": med("match"),
        "total_s": _median(totals),
        "floor_s": med("floor"),
        "peer_s": med("peer"),
        "total_over_floor": _median(
            [t / run["floor"]["seconds"] for t, run in zip(totals, runs, strict=True)]
        ),
        "total_over_peer": _median(
            [t / run["peer"]["seconds"] for t, run in zip(totals, runs, strict=True) if "peer" in run]
        ),
        "ingest_rss_mb": med("ingest", "peak_rss_mb"),
        "ingest_workers_rss_mb": med("ingest", "workers_peak_rss_mb"),
        "match_rss_mb": med("match", "peak_rss_mb"),
        "match_workers_rss_mb": med("match", "workers_peak_rss_mb"),
        "one_more_s": med("one_more"),
        "one_more_process_s": med("one_more", "process_seconds"),
        "match_summary": runs[0]["match"]["summary"],
        "errors": first["error_count"],
        "agency_mismatches": first["agency_mismatches"],
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def table(rows: list[dict[str, Any]]) -> str:
    """The markdown table, one row per size (medians)."""
    head = (
        "| N docs | MB text | commitments | ingest s | match s | total s | floor s | total / floor "
        "| peer s | total / peer | ingest RSS MB | match RSS MB | +1 doc s (process) |"
    )
    lines = [head, "|" + "---:|" * 13]
    for r in rows:
        lines.append(
            f"| {r['docs']:,} | {r['mb_text']:.2f} | {r['commitments']:,} | {_fmt(r['ingest_s'])} "
            f"| {_fmt(r['match_s'])} | **{_fmt(r['total_s'])}** | {_fmt(r['floor_s'])} "
            f"| **{_fmt(r['total_over_floor'], 1)}** | {_fmt(r['peer_s'])} | {_fmt(r['total_over_peer'], 2)} "
            f"| {_fmt(r['ingest_rss_mb'], 0)} | {_fmt(r['match_rss_mb'], 0)} "
            f"| {_fmt(r['one_more_s'])} ({_fmt(r['one_more_process_s'])}) |"
        )
    return "\n".join(lines)


def verdicts(rows: list[dict[str, Any]]) -> list[str]:
    """Each target against the figures that decide it."""
    lines = [
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()}; medians of {max(r['repeats'] for r in rows)} repeats"
    ]
    by_n = {r["n"]: r for r in rows}
    for r in rows:
        lines.append(
            f"- N={r['n']}: {r['blocks']} (agency, period) blocks with plans and summaries, "
            f"{r['errors']} ingest errors, {len(r['agency_mismatches'])} agency mismatches; "
            f"match: {json.dumps(r['match_summary'], ensure_ascii=False)}"
        )
    if TARGET_DOCS in by_n:
        r = by_n[TARGET_DOCS]
        ok = r["total_s"] <= TARGET_SECONDS and r["total_over_floor"] <= TARGET_RATIO
        faster = r["total_over_peer"] is not None and r["total_over_peer"] < 1
        lines.append(
            f"- target 1,000 docs <= {TARGET_SECONDS:.0f} s and <= {TARGET_RATIO:.0f}x floor: "
            f"{r['total_s']:.1f} s, {r['total_over_floor']:.1f}x — {'met' if ok else 'not met'}; "
            f"faster than the peer: {'yes' if faster else 'no'} ({_fmt(r['total_over_peer'])}x the peer's time)"
        )
    if TARGET_DOCS in by_n and 10 * TARGET_DOCS in by_n:
        small, big = by_n[TARGET_DOCS], by_n[10 * TARGET_DOCS]
        for key in ("ingest_rss_mb", "match_rss_mb"):
            growth = big[key] / small[key]
            verdict = "met" if growth <= TARGET_MEMORY_GROWTH else "not met"
            lines.append(f"- {key} 10,000 / 1,000: {growth:.2f} (<= {TARGET_MEMORY_GROWTH}) — {verdict}")
        one = big["one_more_s"]
        lines.append(
            f"- one more document into 10,000: {one:.2f} s in-process, {big['one_more_process_s']:.2f} s as a "
            f"process (< {TARGET_ONE_MORE_S:.0f} s) — {'met' if one < TARGET_ONE_MORE_S else 'not met'}"
        )
    return lines


def _summary(summary: dict[str, Any]) -> dict[str, Any]:
    """A match summary with its agencies counted, not listed."""
    if isinstance(summary.get("agencies"), set | frozenset | list):
        summary["agencies"] = len(summary["agencies"])
    return summary


def _plain(value: Any) -> Any:
    """JSON for what a summary holds beyond plain types (sets of agency-years)."""
    return sorted(map(str, value)) if isinstance(value, set | frozenset) else str(value)


def _sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 50,200,1000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time ingest and matching on synthetic corpora against the rjieba floor and a peer.",
        epilog="example: python benchmarks/speed.py --sizes 50,200,1000,10000 --json speed.json",
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=list(DEFAULT_SIZES), help="corpus sizes (50,200,1000)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of every stage per size (default 3)")
    parser.add_argument(
        "--processes", type=int, help="worker processes for matching (default: tracker's own)"
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus random seed (default 0)")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--keep", type=Path, help="keep each corpus and database under this folder")
    parser.add_argument("--profile", type=Path, help="write cProfile files for ingest and match here")
    parser.add_argument("--no-peer", action="store_true", help="skip the peer script")
    parser.add_argument("--timeout", type=float, help="give up on a stage after this many seconds")
    parser.add_argument("--stage", choices=sorted(CHILD_STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    for folder in (args.keep, args.profile):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    if args.stage is not None:
        print(json.dumps(CHILD_STAGES[args.stage](args), ensure_ascii=False, default=_plain))
        return 0
    if args.keep:
        taken = [n for n in args.sizes if (args.keep / f"n{n}").exists()]
        if taken:
            parser.error(f"{args.keep} already holds n{taken[0]}; choose an empty --keep folder")

    sizes: list[dict[str, Any]] = []
    for n in args.sizes:
        try:
            sizes.append(measure_size(n, args))
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"speed: N={n}: {exc}", file=sys.stderr)
    if not sizes:
        return 1
    rows = [summarise(size) for size in sizes]
    print(table(rows))
    print()
    print("\n".join(verdicts(rows)))
    if args.json:
        payload = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "system": platform.system(),
            },
            "targets": {
                "documents": TARGET_DOCS,
                "seconds": TARGET_SECONDS,
                "floor_ratio": TARGET_RATIO,
                "memory_growth_10x": TARGET_MEMORY_GROWTH,
                "one_more_seconds": TARGET_ONE_MORE_S,
            },
            "medians": rows,
            "sizes": sizes,
        }
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if len(sizes) == len(args.sizes) else 1


if __name__ == "__main__":
    sys.exit(main())
