"""History as the review UI reads it through the desk: the board of the worklist (kinds, dropped, counts
per plan, what each plan was compared with), read again for one agency after a decision, and one
commitment's history in its detail, every text in its shown form."""

from __future__ import annotations

import pytest
from sqlmodel import select
from years import AGENCY, write_years

from tracker.review import decisions
from tracker.review.desk import ReviewDesk
from tracker.review.history import Baseline, histories, history_counts, history_kinds
from tracker.review.matching import match_database
from tracker.review.status import StatusBook
from tracker.store.documents import load_paths
from tracker.store.engine import read_session, write_session
from tracker.store.models import Achievement
from tracker.store.queries import list_commitments

ESC = "\x1b"


@pytest.fixture
def ids(tmp_path, engine) -> dict[tuple[int, str], str]:
    paths = write_years(tmp_path)
    assert not load_paths(engine, paths).errors
    match_database(engine)
    with read_session(engine) as session:
        return {(c.period, c.text): c.id for c in list_commitments(session)}


def test_the_board_holds_each_kind_the_dropped_and_the_counts_the_reports_count(engine, ids):
    board = ReviewDesk(engine, "li").history()
    with read_session(engine) as session:
        expected = history_counts(session, list_commitments(session))
    assert {(a, p, k): n for (a, p), kinds in board.counts.items() for k, n in kinds.items()} == dict(
        expected
    )
    assert board.kinds[ids[(2024, "推进婚俗改革试点")]] == "chronic"
    assert board.kinds[ids[(2024, "建成长者饭堂不少于200个")]] == "repeated"
    assert board.dropped == {ids[(2023, "开展殡葬领域突出问题专项整治")]}
    assert board.counts[(AGENCY, 2024)]["dropped"] == 1
    # 2023 had nothing before it: its "new" means nothing was there to compare, and the UI says so
    assert board.baselines[(AGENCY, 2023)] == Baseline() and not Baseline().compared
    assert board.baselines[(AGENCY, 2024)] == Baseline(summary=2023, plans=(2023,))


def test_one_agencys_history_read_after_a_decision_replaces_its_part_of_the_board(engine, ids):
    desk = ReviewDesk(engine, "li")
    board = desk.history()
    earlier = ids[(2023, "推进婚俗改革试点")]
    with write_session(engine) as session:
        decisions.set_status(session, earlier, "fulfilled", reviewer="li")
        decisions.set_status(session, ids[(2023, "开展殡葬领域突出问题专项整治")], "fulfilled", reviewer="li")
    fresh = desk.history(around=earlier)
    assert fresh.agency == AGENCY
    merged = board.merged(fresh)
    assert merged.kinds[ids[(2024, "推进婚俗改革试点")]] == "repeated"  # its earlier promise is kept now
    assert merged.dropped == frozenset()  # a fulfilled commitment is never dropped
    assert merged.counts == desk.history().counts
    assert desk.history(around="c-gone").agency == ""  # a commitment no longer stored changes nothing
    assert board.merged(desk.history(around="c-gone")) == board


def test_a_detail_carries_its_history_what_it_was_compared_with_and_whether_it_was_dropped(engine, ids):
    desk = ReviewDesk(engine, "li")
    canteens = desk.detail(ids[(2024, "建成长者饭堂不少于200个")])
    history = canteens.history
    assert history.kind == "repeated" and canteens.baseline == Baseline(2023, (2023,))
    assert [p.text for p in history.prior_evidence if p.state == "suggested"] == ["全年建成长者饭堂120个"]
    (earlier,) = [p for p in history.prior_commitments if p.state == "suggested"]
    assert (earlier.period, earlier.status, earlier.target_change["direction"]) == (2023, "fulfilled", "up")
    assert history.target_vs_last_actual[0]["gap"] == 80
    assert canteens.dropped_in is None
    assert desk.detail(ids[(2023, "开展殡葬领域突出问题专项整治")]).dropped_in == 2024
    assert desk.detail(ids[(2023, "建成长者饭堂不少于100个")]).dropped_in is None  # carried on


def test_earlier_texts_reach_the_ui_without_escape_sequences(engine, ids):
    with write_session(engine) as session:
        for achievement in session.exec(select(Achievement)).all():
            achievement.text = f"{achievement.text}{ESC}]52;c;cm0=\x07\u202e"
            session.add(achievement)
    history = ReviewDesk(engine, "li").detail(ids[(2024, "建成长者饭堂不少于200个")]).history
    texts = [p.text for p in history.prior_evidence + history.prior_commitments]
    assert texts and all(ESC not in t and "\x07" not in t and "\u202e" not in t for t in texts)
    assert any("⟨U+202E⟩" in t for t in texts)


def test_the_statuses_of_a_few_commitments_read_alone_are_those_read_with_all(engine, ids):
    wanted = [ids[(2023, "推进婚俗改革试点")], ids[(2023, "建成长者饭堂不少于100个")]]
    with write_session(engine) as session:
        decisions.set_status(session, wanted[0], "partial", reviewer="li")
    with read_session(engine) as session:
        rows = [c for c in list_commitments(session) if c.id in wanted]
        every, few = StatusBook.read(session), StatusBook.read(session, wanted)
        assert [few.of(c) for c in rows] == [every.of(c) for c in rows]
        assert {few.of(c).status for c in rows} == {"partial", "fulfilled"}


def test_the_kinds_read_alone_are_the_kinds_of_the_full_histories(engine, ids):
    with write_session(engine) as session:
        decisions.set_status(session, ids[(2023, "建成长者饭堂不少于100个")], "partial", reviewer="li")
    with read_session(engine) as session:
        commitments = list_commitments(session)
        kinds = history_kinds(session, commitments)
        assert kinds == {cid: h.kind for cid, h in histories(session, commitments).items()}
    assert kinds[ids[(2024, "建成长者饭堂不少于200个")]] == "chronic"  # its earlier promise is partial now
