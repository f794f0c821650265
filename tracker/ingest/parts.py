"""Assigning every sentence to a part: plan or summary, and the year it is about.

Explicit part headings ("2024年工作总结", "二、2025年工作计划", "主要做法及成效") decide where they exist.
Elsewhere (interviews, progress articles) each sentence is read for its year and tense, and a
sentence with neither inherits the reading of the sentence before it under the same heading.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tracker.ingest.structure import Heading, SentenceUnit, Structure
from tracker.ingest.tense import deadline_in, is_backward, is_forward, years_in


@dataclass
class PlacedSentence:
    unit: SentenceUnit
    kind: str
    period: int
    preamble: bool


def reference_year(structure: Structure) -> int | None:
    """The year the document is written from: the latest year it mentions more than once."""
    counts: Counter[int] = Counter(structure.title_years)
    counts.update(h.part_year for h in structure.part_headings if h.part_year)
    for unit in structure.units:
        counts.update(years_in(unit.text))
    if not counts:
        return None
    repeated = [year for year, n in counts.items() if n >= 2]
    return max(repeated or counts)


def _heading_years(structure: Structure, reference: int | None) -> list[int | None]:
    """Fill in the year of part headings that do not state one, from their neighbours."""
    headings = structure.part_headings
    result: list[int | None] = []
    for index, heading in enumerate(headings):
        if heading.part_year is not None:
            result.append(heading.part_year)
            continue
        later = [h.part_year for h in headings[index + 1 :] if h.part_year]
        earlier = [h.part_year for h in headings[:index] if h.part_year]
        titles = structure.title_years
        if heading.part_kind == "summary":
            year = later[0] - 1 if later else (min(titles) if titles else reference)
        else:
            year = earlier[-1] + 1 if earlier else (max(titles) if titles else reference)
        result.append(year)
    return result


def place_sentences(
    structure: Structure, *, kind_override: str | None = None, period_override: int | None = None
) -> list[PlacedSentence]:
    """Kind and period for every sentence; ``kind_override``/``period_override`` force single-kind files."""
    reference = period_override or reference_year(structure)
    if reference is None:
        return []
    heading_years = _heading_years(structure, reference)
    default_kind = kind_override or _default_kind(structure)
    default_years = _usual_years(structure, reference)
    placed: list[PlacedSentence] = []
    context: tuple[str, int] | None = None
    last_section: tuple[str, ...] | None = None
    numbered_parts = _parts_with_numbered_sections(structure)
    titles: list[SentenceUnit] = []  # lead titles waiting for the sentence after them
    for unit in structure.units:
        if unit.lead_title:
            titles.append(unit)
            continue
        if unit.section[:1] != (last_section or ())[:1]:
            context = None
        last_section = unit.section
        preamble = not unit.section and not unit.numbered_section and unit.part_index in numbered_parts
        period: int | None
        if kind_override:
            kind, period = kind_override, period_override or _explicit_year(unit, reference)
        elif unit.part_index is not None:
            heading: Heading = structure.part_headings[unit.part_index]
            kind, period = _within_part(
                unit, heading.part_kind or default_kind, heading_years[unit.part_index]
            )
        else:
            kind, period = _read_sentence(unit, context, default_kind, default_years)
            # Only a dated or clearly past sentence sets the reading for the undated ones after it:
            # "预计…" in the middle of a report is one target, not the start of a plan.
            if years_in(unit.text) or kind == "summary":
                context = (kind, period)
        if period_override:
            period = period_override
        waiting, titles = titles, []
        if period is None:
            continue
        placed.extend(
            PlacedSentence(unit=u, kind=kind, period=period, preamble=preamble) for u in waiting + [unit]
        )
    return placed


def _parts_with_numbered_sections(structure: Structure) -> set[int | None]:
    return {unit.part_index for unit in structure.units if unit.numbered_section}


def _explicit_year(unit: SentenceUnit, reference: int) -> int:
    years = years_in(unit.text)
    return max(years) if years else reference


def _default_kind(structure: Structure) -> str:
    forward = sum(1 for unit in structure.units if _forward(unit.text))
    backward = sum(1 for unit in structure.units if is_backward(unit.text))
    return "plan" if forward >= backward else "summary"


def _forward(text: str) -> bool:
    deadline = deadline_in(text)
    return is_forward(text) or (deadline is not None and not is_backward(text))


def _within_part(unit: SentenceUnit, kind: str, year: int | None) -> tuple[str, int | None]:
    """Inside an explicit part: a past result quoted in a plan, or next year's intent in a summary."""
    years = years_in(unit.text)
    if year is None:
        return kind, (max(years) if years else None)
    if kind == "plan" and years and max(years) < year and is_backward(unit.text):
        return "summary", max(years)
    if kind == "summary" and years and min(years) > year and _forward(unit.text):
        return "plan", min(years)
    return kind, year


def _usual_years(structure: Structure, reference: int) -> dict[str, int]:
    """For each kind, the year its dated sentences most often name: the year of undated ones."""
    counts: dict[str, Counter[int]] = {"plan": Counter(), "summary": Counter()}
    for unit in structure.units:
        years = years_in(unit.text)
        if years:
            kind = "plan" if _forward(unit.text) else "summary"
            counts[kind].update(years)
    usual = {kind: c.most_common(1)[0][0] for kind, c in counts.items() if c}
    usual.setdefault("plan", reference)
    usual.setdefault("summary", reference if usual["plan"] != reference else reference - 1)
    return usual


def _read_sentence(
    unit: SentenceUnit, context: tuple[str, int] | None, default_kind: str, default_years: dict[str, int]
) -> tuple[str, int]:
    reference = default_years["plan"]
    years = years_in(unit.text)
    forward = _forward(unit.text)
    backward = is_backward(unit.text)
    if "去年" in unit.text and not years:
        return "summary", reference - 1
    if years:
        if forward and (not backward or max(years) >= reference):
            return "plan", max(years)
        if backward or min(years) < reference:
            return "summary", min(years)
        return (context[0] if context else default_kind), max(years)
    if forward and not backward:
        if context and context[0] == "summary":
            # A target announced inside a report: the summary reading keeps only dated ones.
            return context
        return "plan", default_years["plan"]
    if backward:
        if context and context[0] == "summary":
            return "summary", context[1]
        return "summary", default_years["summary"]
    if context:
        return context
    return default_kind, default_years[default_kind]
