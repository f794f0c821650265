"""Loading many files saves them in groups, one transaction each: what a user sees is unchanged (every
file saved or refused on its own, the database as it was for a refused one), a file is reported only
once it is stored, and what an ingest keeps of a saved file is its header, not its statements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factories import make_document
from sqlalchemy import func
from sqlmodel import select

from tracker.ingest.parsed import DocumentHeader, ParsedDocument
from tracker.store import documents
from tracker.store.documents import FileOutcome, load_paths
from tracker.store.engine import read_session
from tracker.store.models import Achievement, Commitment, Document, Part

NAMES = [f"plan{i}.txt" for i in range(5)]


def _documents(broken: str | None = None) -> dict[str, ParsedDocument]:
    made = {}
    for i, name in enumerate(NAMES):
        doc = make_document(
            name, plan=[f"建成第{i}批社区长者饭堂", f"完成第{i}项养老服务改革"], summary=[f"新建站点{i}个"]
        )
        if name == broken:
            doc.parts[1].statements[-1].text = None  # type: ignore[assignment]  # NOT NULL: the database refuses it
        made[name] = doc
    return made


def _load(engine, made: dict[str, ParsedDocument], on_file=None):
    files = [Path(name) for name in NAMES]
    return load_paths(
        engine,
        NAMES,
        parse=lambda path, display_path, **_: made[display_path],
        collect=lambda paths: (files, [], []),
        on_file=on_file,
    )


def _stored(engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Document, Part, Commitment, Achievement)
        }


def test_a_file_the_database_refuses_fails_alone_and_leaves_nothing(engine):
    result = _load(engine, _documents(broken="plan2.txt"))
    assert [o.path for o in result.outcomes if not o.ok] == ["plan2.txt"]
    assert "plan2.txt: not saved" in str(result.errors[0])
    assert [o.saved.outcome for o in result.outcomes if o.saved] == ["inserted"] * 4
    assert _stored(engine) == {"Document": 4, "Part": 8, "Commitment": 8, "Achievement": 4}
    with read_session(engine) as session:
        assert "plan2.txt" not in set(session.exec(select(Document.path)).all())


@pytest.mark.parametrize("group", [1, 2, 100])
def test_each_file_is_reported_in_order_once_it_is_stored(engine, monkeypatch, group):
    monkeypatch.setattr(documents, "GROUP_FILES", group)
    seen: list[tuple[str, bool]] = []

    def on_file(outcome: FileOutcome) -> None:
        with read_session(engine) as session:  # another connection: sees only what is committed
            stored = session.exec(select(Document.path).where(Document.path == outcome.path)).first()
        seen.append((outcome.path, stored is not None))

    _load(engine, _documents(), on_file)
    assert seen == [(name, True) for name in NAMES]


def test_a_saved_file_is_kept_as_its_header_only(engine):
    result = _load(engine, _documents())
    headers = [o.parsed for o in result.outcomes]
    assert all(isinstance(h, DocumentHeader) for h in headers)
    assert not any(hasattr(h, "parts") for h in headers)
    assert [h.path for h in headers if h] == NAMES
    assert [len(o.saved.parts) for o in result.outcomes if o.saved] == [2] * 5


def test_loading_again_and_with_a_date_is_unchanged_then_redated(engine):
    made = _documents()
    _load(engine, made)
    again = _load(engine, made)
    assert {o.saved.outcome for o in again.outcomes if o.saved} == {"unchanged"}
    files = [Path(name) for name in NAMES]
    dated = load_paths(
        engine,
        NAMES,
        date=dt.date(2024, 6, 30),
        parse=lambda path, display_path, **_: made[display_path],
        collect=lambda paths: (files, [], []),
    )
    assert {o.saved.outcome for o in dated.outcomes if o.saved} == {"redated"}
    with read_session(engine) as session:
        assert {p.as_of.isoformat() for p in session.exec(select(Part)).all() if p.as_of} == {"2024-06-30"}
