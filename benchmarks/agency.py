"""Agency detection on the synthetic corpus, per kind of issuing body.

Generates a corpus with ``corpus.py`` (``--bureau all`` by default: 民政局, five other bureaus and four
kinds of local government, handed to the bundles in turn) into a temporary folder, or reads one
already written (``--corpus``), ingests every document as ``tracker ingest`` reads it
(:func:`tracker.ingest.pipeline.parse_file`) and compares the agency with the manifest's:

    python benchmarks/agency.py                                  # -n 500 --all-cities --bureau all
    python benchmarks/agency.py -n 200 --bureau education,district
    python benchmarks/agency.py --corpus /tmp/corpus500

Prints one row per kind (documents, right, accuracy) and the most frequent wrong answers.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import corpus
from bureaus import KINDS

from tracker.errors import TrackerError
from tracker.ingest.pipeline import parse_file


def detect(folder: Path) -> list[tuple[str, str, str | None]]:
    """(kind, expected agency, detected agency or None) for every document of the corpus in ``folder``."""
    rows = []
    for document in corpus.read_manifest(folder):
        try:
            found: str | None = parse_file(folder / document.file, display_path=document.file).agency
        except TrackerError:
            found = None
        rows.append((document.bureau, document.agency, found))
    return rows


def report(rows: list[tuple[str, str, str | None]], examples: int = 3) -> str:
    lines = [f"{'kind':16} {'documents':>9} {'right':>6} {'accuracy':>8}  wrong (most frequent)"]
    kinds = [kind for kind in KINDS if any(row[0] == kind for row in rows)]
    for kind in [*kinds, "all"]:
        chosen = [row for row in rows if kind in ("all", row[0])]
        right = sum(1 for _, expected, found in chosen if found == expected)
        wrong = Counter(f"{expected} -> {found}" for _, expected, found in chosen if found != expected)
        shown = "; ".join(f"{text} ({n})" for text, n in wrong.most_common(examples))
        lines.append(f"{kind:16} {len(chosen):>9} {right:>6} {right / len(chosen):>8.3f}  {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="a folder corpus.py wrote (else one is generated)")
    parser.add_argument(
        "-n", "--documents", type=int, default=500, help="documents to generate (default 500)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--bureau", default="all", help="kinds of issuing body, as corpus.py takes them")
    parser.add_argument("--cities-known-only", action="store_true", help="leave out corpus.py's --all-cities")
    args = parser.parse_args(argv)
    if args.corpus is not None:
        print(report(detect(args.corpus)))
        return 0
    bureaus = KINDS if args.bureau == "all" else tuple(args.bureau.split(","))
    if any(kind not in KINDS for kind in bureaus):
        parser.error(f"--bureau takes {', '.join(KINDS)} or all")
    cities = corpus.CITIES if args.cities_known_only else corpus.CITIES + corpus.UNRECOGNISED_CITIES
    with tempfile.TemporaryDirectory() as folder:
        corpus.generate(Path(folder), args.documents, seed=args.seed, cities=cities, bureaus=bureaus)
        print(report(detect(Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
