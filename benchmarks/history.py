"""How well continuation is found: the history of seeds/004's 2024 plan against the hand-made gold.

``tests/data/history_fs2024_gold.jsonl`` says, for each of the 32 commitments of 佛山's 2024 plan, which
achievements of its 2023 summary the commitment carries on (none: the commitment is new); lines marked
optional are left out. The seeds are ingested and matched as ``tracker`` does; then

- pairs: precision and recall of the suggested prior evidence against the gold pairs;
- commitments: precision and recall of ``continuing`` (a commitment with at least one suggested
  prior evidence) against the commitments the gold says continue;
- the same at other thresholds on the link decision's probability, to show how the choice trades off
  (the threshold used is the link decision's own; the gold is too small to fit one on).

    python benchmarks/history.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from sqlmodel import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.match.history import PRIOR_EVIDENCE  # noqa: E402
from tracker.match.model import shipped_model  # noqa: E402
from tracker.review.matching import match_database  # noqa: E402
from tracker.store.documents import load_paths  # noqa: E402
from tracker.store.engine import make_engine, read_session  # noqa: E402
from tracker.store.models import Achievement, Commitment, HistoryCandidate  # noqa: E402
from tracker.textnorm import normalize  # noqa: E402

GOLD = ROOT / "tests" / "data" / "history_fs2024_gold.jsonl"
SEED = ROOT / "seeds" / "004_ff62929cf9cd0f9d.txt"
AGENCY, PERIOD = "佛山市民政局", 2024


def _one(texts: dict[str, str], substring: str) -> str:
    wanted = normalize(substring)
    found = [i for i, text in texts.items() if wanted in normalize(text)]
    if len(found) != 1:
        raise SystemExit(f"{GOLD.name}: {substring!r} names {len(found)} statements, not one")
    return found[0]


def scores(threshold: float | None = None) -> dict[str, float]:
    """Pair and commitment precision and recall (``threshold``: probability 0-1; default the model's)."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'history.db'}")
        assert not load_paths(engine, [str(SEED)]).errors
        match_database(engine)
        with read_session(engine) as session:
            commitments = {
                c.id: c.text
                for c in session.exec(
                    select(Commitment).where(Commitment.agency == AGENCY, Commitment.period == PERIOD)
                )
            }
            achievements = {
                a.id: a.text
                for a in session.exec(
                    select(Achievement).where(Achievement.agency == AGENCY, Achievement.period == PERIOD - 1)
                )
            }
            pairs = session.exec(
                select(HistoryCandidate).where(HistoryCandidate.relation == PRIOR_EVIDENCE)
            ).all()
        engine.dispose()
    cut = 100.0 * (shipped_model().link_threshold if threshold is None else threshold)
    predicted = {
        (p.commitment_id, p.other_id)
        for p in pairs
        if p.commitment_id in commitments
        and (p.score >= cut if threshold is not None else p.state == "suggested")
    }
    gold: set[tuple[str, str]] = set()
    judged: set[str] = set()
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        cid = _one(commitments, entry["commitment"])
        if entry.get("optional"):
            continue
        judged.add(cid)
        gold.update((cid, _one(achievements, text)) for text in entry["prior_evidence"])
    predicted = {pair for pair in predicted if pair[0] in judged}
    true = predicted & gold
    continuing = {cid for cid, _a in gold}
    said = {cid for cid, _a in predicted}
    return {
        "pair_precision": len(true) / max(len(predicted), 1),
        "pair_recall": len(true) / max(len(gold), 1),
        "continuing_precision": len(said & continuing) / max(len(said), 1),
        "continuing_recall": len(said & continuing) / max(len(continuing), 1),
        "judged": len(judged),
        "continuing": len(continuing),
        "said_continuing": len(said),
    }


def main() -> None:
    shipped = scores()
    print(
        f"seeds/004, {AGENCY} {PERIOD} against {PERIOD - 1}: {shipped['judged']} commitments judged, "
        f"{shipped['continuing']} continuing in the gold"
    )
    print(f"{'threshold':>10} {'pair P':>7} {'pair R':>7} {'cont. P':>8} {'cont. R':>8} {'said':>5}")
    for label, threshold in [("shipped", None), *((f"{t:.2f}", t) for t in (0.3, 0.4, 0.5, 0.6, 0.7))]:
        s = shipped if threshold is None else scores(threshold)
        print(
            f"{label:>10} {s['pair_precision']:7.3f} {s['pair_recall']:7.3f} "
            f"{s['continuing_precision']:8.3f} {s['continuing_recall']:8.3f} {s['said_continuing']:5d}"
        )


if __name__ == "__main__":
    main()
