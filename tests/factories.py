"""Hand-built parsed documents, so store/report/CLI tests need no extraction code.

Importable as ``factories`` from any test: pytest puts tests/ on sys.path for the root conftest.
"""

from __future__ import annotations

import hashlib

from tracker.ingest.parsed import ParsedDocument, Part, Statement


def statement(text: str, position: int = 0, **extra) -> Statement:
    """A statement whose normalized form is its text; extra fields override defaults."""
    fields = {"normalized": text, "section": "一、总体", "topic": "养老服务"} | extra
    return Statement(text=text, position=position, **fields)


def make_document(
    path: str = "seeds/demo.txt",
    *,
    plan: list[str] | None = None,
    summary: list[str] | None = None,
    agency: str = "广州市民政局",
    plan_period: int = 2024,
    summary_period: int = 2023,
    content: str | None = None,
) -> ParsedDocument:
    """A document with an optional summary part followed by an optional plan part; each statement is a
    sentence of its own (as a list of results or tasks is written)."""
    parts = []
    if summary is not None:
        parts.append(
            Part(
                "summary",
                summary_period,
                agency,
                f"{summary_period}年工作总结",
                0,
                [statement(t, i, sentence=i) for i, t in enumerate(summary)],
            )
        )
    if plan is not None:
        parts.append(
            Part(
                "plan",
                plan_period,
                agency,
                f"{plan_period}年工作计划",
                1,
                [statement(t, i, sentence=i) for i, t in enumerate(plan)],
            )
        )
    body = content if content is not None else "|".join((plan or []) + (summary or []))
    return ParsedDocument(
        path=path,
        sha256=hashlib.sha256(body.encode()).hexdigest(),
        encoding="utf-8",
        title=path.rsplit("/", 1)[-1],
        agency=agency,
        parts=parts,
    )
