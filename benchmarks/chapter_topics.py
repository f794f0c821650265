"""How well summary chapters are aligned with the plan chapters they answer (tracker.ingest.chapters).

The development sets are 民政 documents and keep the civil-affairs vocabulary, but they are the only
real plan/summary pairs with gold links, so chapter topics are forced on them here: every statement of
the plan part and of the outcome gets its chapter's topic, and each summary chapter is aligned with a
plan chapter by :func:`tracker.ingest.chapters.align_chapters`. The right plan chapter of a summary
chapter is the one its gold links lead to most often (a summary chapter without gold links has none and
should keep its own topic). For each floor of a grid the script prints, per set, how many summary
chapters were aligned right, aligned wrong, kept their own topic though a plan chapter was right
(missed), or kept it rightly (no gold link), and the share of gold links whose two ends then share a
topic (the pairs the matcher's same-topic flag fires for).

    python benchmarks/chapter_topics.py
    python benchmarks/chapter_topics.py --floors 0.1,0.15,0.2
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from tracker.ingest import chapters
from tracker.ingest.chapters import align_chapters, chapter_topics
from tracker.ingest.parsed import Part
from tracker.ingest.pipeline import parse_file
from tracker.textnorm import normalize

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "dev-benchmark"
SETS = {"fs2024": ("004_ff62929cf9cd0f9d.txt", 2024), "zs2025": ("001_0d46cd3eb0266ada.txt", 2025)}


def _part(path: Path, kind: str, period: int) -> Part:
    parsed = parse_file(path, display_path=path.name)
    return next(p for p in parsed.parts if p.kind == kind and p.period == period)


def _gold_pairs(name: str, plan: list[str], summary: list[str]) -> list[tuple[int, int]]:
    """(commitment index, achievement index) for every gold link whose substrings resolve."""
    pairs: set[tuple[int, int]] = set()
    for line in (DEV / f"{name}_gold.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "evidence" not in row or row.get("optional"):
            continue
        evidence = normalize(row["evidence"])
        achievements = [i for i, text in enumerate(summary) if evidence in text]
        for commitment in row["commitments"]:
            needle = normalize(commitment)
            for c in (i for i, text in enumerate(plan) if needle in text):
                pairs.update((c, a) for a in achievements)
    return sorted(pairs)


def evaluate(name: str, floors: list[float]) -> list[dict[str, object]]:
    seed, period = SETS[name]
    plan_part = _part(REPO / "seeds" / seed, "plan", period)
    summary_part = _part(DEV / f"{name}_outcome.txt", "summary", period)
    plan_topics = chapter_topics([s.section for s in plan_part.statements])
    own_topics = chapter_topics([s.section for s in summary_part.statements])
    plan_texts = [s.normalized for s in plan_part.statements]
    summary_texts = [s.normalized for s in summary_part.statements]
    gold = _gold_pairs(name, plan_texts, summary_texts)
    truth: dict[str, Counter[str]] = {}
    for c, a in gold:
        truth.setdefault(own_topics[a], Counter())[plan_topics[c]] += 1
    plan_chapters: dict[str, list[str]] = {}
    for topic, text in zip(plan_topics, plan_texts, strict=True):
        plan_chapters.setdefault(topic, []).append(text)
    summary_chapters: dict[str, list[str]] = {}
    for topic, text in zip(own_topics, summary_texts, strict=True):
        summary_chapters.setdefault(topic, []).append(text)
    rows = []
    for floor in floors:
        chapters.ALIGN_FLOOR = floor
        mapping = align_chapters(summary_chapters, plan_chapters)
        counts: Counter[str] = Counter()
        for topic, taken in mapping.items():
            right = truth[topic].most_common(1)[0][0] if topic in truth else None
            if right is None:
                counts["no gold, kept" if taken == topic else "no gold, aligned"] += 1
            elif taken == right:
                counts["right"] += 1
            elif taken == topic:
                counts["missed"] += 1
            else:
                counts["wrong"] += 1
        shared = sum(1 for c, a in gold if plan_topics[c] == mapping[own_topics[a]])
        rows.append(
            {
                "set": name,
                "floor": floor,
                "chapters": len(mapping),
                **counts,
                "gold links": len(gold),
                "same topic": round(shared / max(1, len(gold)), 3),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--floors", default="0,0.05,0.1,0.15,0.2,0.25,0.3", help="comma-separated floors")
    args = parser.parse_args(argv)
    floors = [float(f) for f in args.floors.split(",")]
    keys = ["right", "wrong", "missed", "no gold, kept", "no gold, aligned"]
    print(
        f"{'set':8} {'floor':>5} {'chapters':>8} "
        + " ".join(f"{k:>16}" for k in keys)
        + "  same-topic gold links"
    )
    for name in SETS:
        for row in evaluate(name, floors):
            cells = " ".join(f"{row.get(k, 0):>16}" for k in keys)
            print(
                f"{name:8} {row['floor']:>5} {row['chapters']:>8} {cells}  {row['same topic']} of {row['gold links']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
