"""Scoring one gold set: resolve its substrings to stored statements, then compare its links,
ranking, statuses and non-commitments with the predictions (the rules are in
:mod:`tracker.evaluate.scoring`'s docstring)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tracker.evaluate.gold import GoldLine
from tracker.evaluate.scores import TOP_K, Pair, Problem, Scope, SetResult
from tracker.match.resolve import PairKey
from tracker.store.models import Achievement, Commitment
from tracker.textnorm import normalize

#: Prefix of a placeholder id standing for an unresolved substring (stable ids start c-/a-).
_UNRESOLVED = "?"

RowT = TypeVar("RowT", Commitment, Achievement)


@dataclass
class Predictions:
    """What is scored: the links that count, the ranking per commitment and the current statuses."""

    links: set[PairKey]
    ranked: dict[str, list[str]]  # commitment id -> achievement ids, best first
    statuses: dict[str, str]


class SetScorer:
    """Resolves one set's substrings and compares its gold with the predictions."""

    def __init__(
        self,
        name: str,
        lines: list[GoldLine],
        commitments: list[Commitment],
        achievements: list[Achievement],
        predictions: Predictions,
    ) -> None:
        self.lines = lines
        self.predictions = predictions
        self.commitment_order = {c.id: i for i, c in enumerate(commitments)}
        self.achievement_order = {a.id: i for i, a in enumerate(achievements)}
        self.commitment_rows = {c.id: c for c in commitments}
        self.achievement_rows = {a.id: a for a in achievements}
        self.evidence_hits = {
            i: _containing(achievements, line.text) for i, line in enumerate(lines) if line.kind == "evidence"
        }
        scope = _vote(self.evidence_hits.values()) or _vote(
            _containing(commitments, text) for text in self._commitment_texts()
        )
        self.scope_commitments = [c for c in commitments if (c.agency, c.period) == scope]
        self.result = SetResult(name, scope)
        self._problems: dict[tuple[str, str], Problem] = {}
        self._lost = 0  # gold links with an unresolved side (set by _gold_links)
        self._resolved: dict[str, Commitment | None] = {}

    def _commitment_texts(self) -> list[str]:
        texts: list[str] = []
        for line in self.lines:
            texts.extend(line.commitments if line.kind == "evidence" else [line.text])
        return texts

    def score(self) -> SetResult:
        self._links()
        self._statuses()
        self._non_commitments()
        self.result.scores.unresolved = len(self.result.unresolved)
        self.result.scores.ambiguous = len(self.result.ambiguous)
        return self.result

    def _problem(self, line: GoldLine, kind: str, text: str, matches: int, reason: str = "") -> None:
        if (kind, text) in self._problems:
            return
        problem = self._problems[(kind, text)] = Problem(line.where, kind, text, matches, reason)
        (self.result.unresolved if matches == 0 else self.result.ambiguous).append(problem)

    def _commitment(self, line: GoldLine, text: str) -> Commitment | None:
        if text not in self._resolved:
            matches = _containing(self.scope_commitments, text)
            self._resolved[text] = min(matches, key=lambda c: len(c.normalized)) if matches else None
            if len(matches) != 1:
                self._problem(line, "commitment", text, len(matches), "" if matches else "in no commitment")
        return self._resolved[text]

    def _achievements(self, index: int, line: GoldLine) -> list[Achievement]:
        hits = self.evidence_hits[index]
        found = [a for a in hits if (a.agency, a.period) == self.result.scope]
        if not found:
            reason = "only outside the set's agency and period" if hits else "in no achievement"
            self._problem(line, "evidence", line.text, 0, reason)
        elif len(found) > 1:
            self._problem(line, "evidence", line.text, len(found))
        return found

    def _pair(self, key: PairKey) -> Pair:
        cid, aid = key
        commitment = self.commitment_rows.get(cid)
        achievement = self.achievement_rows.get(aid)
        return Pair(cid, aid, commitment.text if commitment else "", achievement.text if achievement else "")

    def _pairs(self, keys: Iterable[PairKey]) -> list[Pair]:
        def order(key: PairKey) -> tuple[int, int, str, str]:
            big = len(self.commitment_order) + len(self.achievement_order)
            return (self.commitment_order.get(key[0], big), self.achievement_order.get(key[1], big), *key)

        return [self._pair(key) for key in sorted(keys, key=order)]

    def _links(self) -> None:
        gold, optional, judged, touched = self._gold_links()
        scope_achievements = {
            a.id for a in self.achievement_rows.values() if (a.agency, a.period) == self.result.scope
        }
        scope_commitments = {c.id for c in self.scope_commitments}
        true_pos: set[PairKey] = set()
        false_pos: set[PairKey] = set()
        unjudged: set[PairKey] = set()
        ignored = 0
        for pair in self.predictions.links:
            cid, aid = pair
            if aid in judged:
                if pair in gold:
                    true_pos.add(pair)
                elif pair in optional:
                    ignored += 1
                else:
                    false_pos.add(pair)
            elif aid in touched:
                ignored += 1
            elif aid in scope_achievements or cid in scope_commitments:
                unjudged.add(pair)

        ranked = self.predictions.ranked
        missed = {(cid, aid) for cid, aid in gold if aid not in ranked.get(cid, [])[:TOP_K]}
        scores = self.result.scores
        scores.gold_links = len(gold)
        scores.predicted_links = len(true_pos) + len(false_pos)
        scores.true_positives = len(true_pos)
        scores.unjudged_links = len(unjudged)
        scores.ignored_links = ignored
        scores.unresolved_gold_links = self._lost
        scores.top_k_hits = len(gold) - len(missed)
        self.result.false_positives = self._pairs(false_pos)
        self.result.false_negatives = self._pairs(gold - true_pos)
        self.result.unjudged = self._pairs(unjudged)
        self.result.missed_top_k = self._pairs(missed)

    def _gold_links(self) -> tuple[set[PairKey], set[PairKey], set[str], set[str]]:
        """The gold links, the optional ones, the judged achievements and those only optional lines
        touch; gold pairs with an unresolved side are counted as lost, on their problem too."""
        gold: set[PairKey] = set()
        optional: set[PairKey] = set()
        lost: set[tuple[str, str]] = set()
        judged: set[str] = set()
        touched: set[str] = set()
        for index, line in enumerate(self.lines):
            if line.kind != "evidence":
                continue
            found = [a.id for a in self._achievements(index, line)]
            (touched if line.optional else judged).update(found)
            a_keys = found or [_UNRESOLVED + line.text]
            for text in line.commitments:
                commitment = self._commitment(line, text)
                for aid in a_keys:
                    if commitment is None or aid.startswith(_UNRESOLVED):
                        if not line.optional:
                            lost.add((commitment.id if commitment else _UNRESOLVED + text, aid))
                    else:
                        (optional if line.optional else gold).add((commitment.id, aid))
        for ckey, akey in lost:
            for kind, key in (("commitment", ckey), ("evidence", akey)):
                if key.startswith(_UNRESOLVED):
                    self._problems[(kind, key[1:])].lost_links += 1
        self._lost = len(lost)
        return gold, optional, judged, touched

    def _statuses(self) -> None:
        scores = self.result.scores
        for line in self.lines:
            if line.kind != "status" or line.status is None:
                continue
            commitment = self._commitment(line, line.text)
            if commitment is None:
                continue
            predicted = self.predictions.statuses.get(commitment.id, "pending")
            scores.status_total += 1
            scores.confusion[(line.status, predicted)] += 1
            if predicted == line.status:
                scores.status_correct += 1
            else:
                self.result.status_errors.append(
                    {
                        "where": line.where,
                        "commitment_id": commitment.id,
                        "commitment": commitment.text,
                        "gold": line.status,
                        "predicted": predicted,
                    }
                )

    def _non_commitments(self) -> None:
        scores = self.result.scores
        for line in self.lines:
            if line.kind != "non_commitment":
                continue
            scores.non_commitments_total += 1
            needle = normalize(line.text)
            inside = next((c for c in self.scope_commitments if needle in c.normalized), None)
            if inside is not None:
                scores.non_commitments_found += 1
                self.result.non_commitments_found.append(
                    {
                        "where": line.where,
                        "text": line.text,
                        "commitment_id": inside.id,
                        "commitment": inside.text,
                    }
                )


def _containing(rows: Sequence[RowT], text: str) -> list[RowT]:
    """The rows whose normalised text contains ``text`` in normal form."""
    needle = normalize(text)
    return [row for row in rows if needle in row.normalized]


def _vote(groups: Iterable[Sequence[Achievement] | Sequence[Commitment]]) -> Scope | None:
    """The (agency, period) most groups have a row in (the first seen wins a tie); None when none has."""
    votes: Counter[Scope] = Counter()
    for rows in groups:
        for scope in dict.fromkeys((row.agency, row.period) for row in rows):
            votes[scope] += 1
    return votes.most_common(1)[0][0] if votes else None
