"""Reviewers deciding while the matcher and an ingest run on the same SQLite file: how many decisions
are kept.

Builds a synthetic corpus (``benchmarks/corpus.py``) of N documents into a fresh database, then starts
at once: ``--reviewers`` processes that each take ``--decisions`` decisions through ``tracker annotate``
(status, note, confirm in turn, each its own command), ``tracker match`` run twice, and one
``tracker ingest`` of a further part of the corpus. Only the command line is used, so the same script
measures any version of tracker (``PYTHONPATH=/path/to/other/checkout``).

    python benchmarks/review_while_matching.py                  # N = 200, 4 reviewers x 25
    python benchmarks/review_while_matching.py -n 400 --runs 3

Prints, per run, the decisions the log holds against those asked for, the annotate commands that
failed (and why), and how long each match took.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATUSES = ("fulfilled", "partial", "in_progress", "no_evidence", "not_fulfilled", "unverifiable")


def tracker(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker.cli", "--db", str(db), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def corpus(folder: Path, documents: int) -> tuple[list[Path], list[Path]]:
    """The corpus, split into what is ingested first and what is ingested during the review."""
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "corpus.py"), str(folder), "-n", str(documents)],
        check=True, capture_output=True,
    )  # fmt: skip
    files = sorted(folder.glob("*.txt"))
    later = files[-max(1, documents // 20) :]
    return [f for f in files if f not in later], later


def reviewer_script(db: Path, name: str, pairs: Path, count: int) -> str:
    """A reviewer process: ``count`` annotate commands in a row; prints failures as JSON lines."""
    return f"""
import json, subprocess, sys
pairs = json.load(open({str(pairs)!r}))
statuses = {STATUSES!r}
for step in range({count}):
    cid, aid = pairs[(step * 7 + {hash(name) % 97}) % len(pairs)]
    kind = step % 3
    args = (["status", cid, statuses[step % len(statuses)]] if kind == 0
            else ["note", cid, "第%d条" % step] if kind == 1 else ["confirm", cid, aid])
    done = subprocess.run([sys.executable, "-m", "tracker.cli", "--db", {str(db)!r}, "annotate", *args,
                           "--reviewer", {name!r}], capture_output=True, text=True)
    if done.returncode:
        print(json.dumps({{"step": step, "error": done.stderr.strip()}}, ensure_ascii=False), flush=True)
"""


def one_run(documents: int, reviewers: int, decisions: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="review-while-matching-"))
    try:
        first, later = corpus(work / "corpus", documents)
        db = work / "t.db"
        staged = work / "first"
        staged.mkdir()
        for file in first:
            shutil.copy(file, staged / file.name)
        assert tracker(db, "ingest", str(staged)).returncode == 0
        report = json.loads(tracker(db, "report", "--format", "json").stdout)
        pairs = work / "pairs.json"
        pairs.write_text(
            json.dumps(
                [(c["id"], c["evidence"][0]["id"]) for c in report["commitments"] if c["evidence"]][:500]
            )
        )
        late = work / "late"
        late.mkdir()
        for file in later:
            shutil.copy(file, late / file.name)
        started = time.monotonic()
        people = [
            subprocess.Popen(
                [sys.executable, "-c", reviewer_script(db, f"r{n}", pairs, decisions)],
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for n in range(reviewers)
        ]
        ingest = subprocess.Popen([sys.executable, "-m", "tracker.cli", "--db", str(db), "ingest", str(late)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        matches = []
        for _ in range(2):
            began = time.monotonic()
            matched = tracker(db, "match")
            matches.append((round(time.monotonic() - began, 1), matched.returncode, matched.stderr.strip()))
        failures = [json.loads(line) for person in people for line in person.communicate()[0].splitlines()]
        ingest_error = ingest.communicate()[1].strip()
        with sqlite3.connect(db) as connection:
            stored = connection.execute("SELECT count(*) FROM decision").fetchone()[0]
        return {
            "documents": documents,
            "asked": reviewers * decisions,
            "stored": stored,
            "failed": len(failures),
            "errors": sorted({f["error"] for f in failures})[:3],
            "matches (s, exit, stderr)": matches,
            "ingest": ingest_error or ingest.returncode,
            "seconds": round(time.monotonic() - started, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--documents", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--decisions", type=int, default=25)
    parser.add_argument("--runs", type=int, default=1)
    options = parser.parse_args()
    results = [one_run(options.documents, options.reviewers, options.decisions) for _ in range(options.runs)]
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    print(
        f"stored {statistics.median(r['stored'] for r in results)} of {results[0]['asked']} (median of "
        f"{len(results)}), failed {statistics.median(r['failed'] for r in results)}"
    )


if __name__ == "__main__":
    main()
