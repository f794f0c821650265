"""Inter-coder agreement: κ, α and percent agreement checked against hand arithmetic, the reader over a
double-coded database, and the three renderings."""

from __future__ import annotations

import json

import pytest
from factories import make_document
from rich.console import Console

from tracker.review.agreement import (
    COARSE_SPLIT,
    Agreement,
    Disagreement,
    Figures,
    Overall,
    PairAgreement,
    as_dict,
    coarse,
    cohen_kappa,
    confusion,
    krippendorff_alpha,
    percent_agreement,
    read_agreement,
    render_json,
    render_markdown,
    render_table,
    summary_line,
)
from tracker.review.decisions import decide_pair, set_status
from tracker.statuses import STATUSES
from tracker.store.assignments import add_assignments
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.models import Decision
from tracker.store.queries import list_achievements, list_commitments


def _pairs(matrix: list[list[int]], categories: list[str]) -> list[tuple[str, str]]:
    """The (a, b) pairs a confusion matrix counts."""
    return [
        (a, b)
        for i, a in enumerate(categories)
        for j, b in enumerate(categories)
        for _ in range(matrix[i][j])
    ]


def test_kappa_of_two_categories_over_ten_units():
    matrix = [[4, 1], [2, 3]]
    pairs = _pairs(matrix, ["yes", "no"])
    # p_o = (4 + 3) / 10 = 7/10
    # coder a: yes 5, no 5; coder b: yes 4 + 2 = 6, no 1 + 3 = 4
    # p_e = (5·6 + 5·4) / 10² = 50/100 = 1/2
    # κ = (7/10 − 1/2) / (1 − 1/2) = (2/10) / (1/2) = 2/5
    assert percent_agreement(pairs) == pytest.approx(7 / 10)
    assert cohen_kappa(pairs, ["yes", "no"]) == pytest.approx(2 / 5)
    assert confusion(pairs, ["yes", "no"]) == matrix


def test_kappa_of_three_categories():
    categories = ["fulfilled", "partial", "no_evidence"]
    matrix = [[3, 1, 0], [0, 2, 1], [1, 0, 2]]
    pairs = _pairs(matrix, categories)
    # p_o = (3 + 2 + 2) / 10 = 7/10
    # rows (coder a): 4, 3, 3; columns (coder b): 3 + 0 + 1 = 4, 1 + 2 + 0 = 3, 0 + 1 + 2 = 3
    # p_e = (4·4 + 3·3 + 3·3) / 100 = 34/100
    # κ = (70/100 − 34/100) / (66/100) = 36/66 = 6/11
    assert percent_agreement(pairs) == pytest.approx(7 / 10)
    assert cohen_kappa(pairs, categories) == pytest.approx(6 / 11)
    assert confusion(pairs, categories) == matrix


def test_kappa_of_coders_who_always_disagree_is_minus_one():
    # p_o = 0; marginals 1, 1 each: p_e = (1·1 + 1·1) / 4 = 1/2; κ = (0 − 1/2) / (1/2) = −1
    assert cohen_kappa([("a", "b"), ("b", "a")], ["a", "b"]) == pytest.approx(-1.0)


def test_degenerate_cases():
    assert percent_agreement([]) is None
    assert cohen_kappa([], ["a", "b"]) is None
    assert confusion([], ["a", "b"]) == [[0, 0], [0, 0]]
    # one category for both coders: p_e = 5·5 / 5² = 1, κ = 0/0, defined as 1.0 (p_o = 1)
    assert cohen_kappa([("a", "a")] * 5, ["a", "b"]) == 1.0
    with pytest.raises(ValueError, match="not among the categories"):
        cohen_kappa([("a", "c")], ["a", "b"])


def test_alpha_of_two_coders_with_a_missing_value():
    units = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("a", None)]
    # The last unit has one value: not pairable, left out. Coincidences (each ordered pair of values in
    # a unit of m values weighs 1/(m − 1) = 1): o_aa = 2, o_ab = o_ba = 1, o_bb = 2 + 2 = 4.
    # n_a = 2 + 1 = 3, n_b = 1 + 4 = 5, n = 8.
    # α = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c·n_k = 1 − 7 · 2 / (2 · 3 · 5) = 1 − 14/30 = 8/15
    assert krippendorff_alpha(units) == pytest.approx(8 / 15)


def test_alpha_of_three_coders():
    units = [
        ("a", "a", "a"),  # m = 3, weight 1/2: o_aa += 6 · 1/2 = 3
        ("a", "a", "b"),  # o_aa += 2 · 1/2 = 1; o_ab += 2 · 1/2 = 1, o_ba += 1
        ("b", "b", None),  # m = 2, weight 1: o_bb += 2
        ("c", "b", "c"),  # o_cc += 1; o_cb += 1, o_bc += 1
        ("a", None, None),  # one value: not pairable
    ]
    # o_aa = 4, o_ab = o_ba = 1, o_bb = 2, o_bc = o_cb = 1, o_cc = 1
    # n_a = 4 + 1 = 5, n_b = 1 + 2 + 1 = 4, n_c = 1 + 1 = 2, n = 11 (3 + 3 + 2 + 3 values)
    # Σ_{c≠k} o_ck = 4; Σ_{c≠k} n_c·n_k = 2 · (5·4 + 5·2 + 4·2) = 76
    # α = 1 − (11 − 1) · 4 / 76 = 1 − 40/76 = 9/19
    assert krippendorff_alpha(units) == pytest.approx(9 / 19)


def test_alpha_of_krippendorffs_own_example():
    """The nominal example of Krippendorff (2011), as the package's documentation gives it: 0.691."""
    coders = [
        [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
        [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
        [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
    ]
    assert krippendorff_alpha(list(zip(*coders, strict=True))) == pytest.approx(0.691358, abs=1e-6)


def test_alpha_without_variation_or_pairs_is_none():
    assert krippendorff_alpha([]) is None
    assert krippendorff_alpha([("a", None), (None, "b")]) is None
    # every pairable value the same: expected disagreement 0, α = 0/0 (the lone "b" is not pairable)
    assert krippendorff_alpha([("a", "a"), ("a", "a"), ("b", None)]) is None


def test_coarse_split_covers_every_status():
    assert set(COARSE_SPLIT) == set(STATUSES)
    addressed = {s for s in STATUSES if coarse(s) == "addressed"}
    assert addressed == {"fulfilled", "partial", "in_progress"}


#: Statuses of 张三 and 李四 on commitments 0–5 (None: not coded); commitment 0 is assigned to both.
CODED = [
    ("fulfilled", "fulfilled"),
    ("fulfilled", "partial"),
    ("partial", "partial"),
    ("no_evidence", "no_evidence"),
    ("in_progress", "not_fulfilled"),
    ("unverifiable", None),
]
PLAN = [
    "建成长者饭堂100个",
    "出台养老服务条例",
    "开展培训3期",
    "新增床位200张",
    "改造老旧小区",
    "完善救助体系",
]


def _double_coded(url: str) -> tuple[list[str], list[str]]:
    engine = make_engine(url)
    with write_session(engine) as session:
        save_document(session, make_document("plan.txt", plan=PLAN))
        save_document(
            session,
            make_document("sum.txt", summary=["建成长者饭堂120个", "条例已出台"], summary_period=2024),
        )
    with write_session(engine) as session:
        cids = [c.id for c in list_commitments(session)]
        aids = [a.id for a in list_achievements(session)]
        first = cids[0]
        add_assignments(session, [(first, 1, "张三", 0, PLAN[0]), (first, 2, "李四", 0, PLAN[0])])
        for cid, (zhang, li) in zip(cids, CODED, strict=True):
            set_status(session, cid, zhang, reviewer="张三")
            if li is not None:
                set_status(session, cid, li, reviewer="李四")
        set_status(session, first, "no_evidence", reviewer="王五")  # not a coder of commitment 0
        for c, a, zhang, li in [
            (0, 0, "confirm", "confirm"),
            (1, 0, "confirm", "reject"),
            (1, 1, "reject", "unlink"),
            (2, 1, "link", "confirm"),
        ]:
            decide_pair(session, zhang, cids[c], aids[a], reviewer="张三")
            decide_pair(session, li, cids[c], aids[a], reviewer="李四")
        decide_pair(session, "confirm", cids[3], aids[0], reviewer="张三")  # single-coded pair
        decide_pair(session, "reject", first, aids[1], reviewer="张三")
        decide_pair(session, "confirm", first, aids[1], reviewer="王五")  # not a coder: no unit
        for reviewer in ("张三", "李四"):  # a commitment no longer stored
            session.add(Decision(commitment_id="gone", action="status", value="fulfilled", reviewer=reviewer))
    engine.dispose()
    return cids, aids


@pytest.fixture
def coded(databases) -> tuple[str, list[str]]:
    template = databases.backend.template("agreement", _double_coded)
    return databases.copy_of(template), template.value[0]


def _read(url: str, **where) -> Agreement:
    engine = make_engine(url)
    with read_session(engine) as session:
        found = read_agreement(session, **where)
    engine.dispose()
    return found


def test_read_agreement_counts_the_assigned_coders_only(coded):
    url, cids = coded
    found = _read(url)
    assert found.reviewers == ("张三", "李四")
    assert found.units == 5
    (pair,) = found.pairs
    assert (pair.first, pair.second) == ("张三", "李四")
    statuses = pair.statuses
    # n = 5, agreeing on commitments 0, 2, 3: p_o = 3/5
    # 张三: fulfilled 2, partial 1, in_progress 1, no_evidence 1, not_fulfilled 0
    # 李四: fulfilled 1, partial 2, in_progress 0, no_evidence 1, not_fulfilled 1
    # p_e = (2·1 + 1·2 + 1·0 + 1·1 + 0·1) / 25 = 5/25; κ = (3/5 − 1/5) / (4/5) = 1/2
    assert (statuses.n, statuses.percent, statuses.kappa) == (5, pytest.approx(3 / 5), pytest.approx(1 / 2))
    assert statuses.categories == ("fulfilled", "partial", "in_progress", "no_evidence", "not_fulfilled")
    assert statuses.confusion == (
        (1, 1, 0, 0, 0),
        (0, 1, 0, 0, 0),
        (0, 0, 0, 0, 1),
        (0, 0, 0, 1, 0),
        (0, 0, 0, 0, 0),
    )
    # coarse: only commitment 4 differs (addressed / not): p_o = 4/5; 张三 addressed 4, not 1; 李四 3, 2
    # p_e = (4·3 + 1·2) / 25 = 14/25; κ = (20/25 − 14/25) / (11/25) = 6/11
    assert (pair.coarse.percent, pair.coarse.kappa) == (pytest.approx(4 / 5), pytest.approx(6 / 11))
    assert pair.coarse.confusion == ((3, 1), (0, 1))
    # links, 4 pairs both decided, 3 agreeing: p_o = 3/4; 张三 confirmed 3, rejected 1; 李四 2, 2
    # p_e = (3·2 + 1·2) / 16 = 1/2; κ = (3/4 − 1/2) / (1/2) = 1/2
    links = pair.links
    assert (links.n, links.percent, links.kappa) == (4, pytest.approx(3 / 4), pytest.approx(1 / 2))
    assert links.confusion == ((2, 1), (0, 1))
    assert [(d.commitment_id, d.statuses) for d in found.disagreements] == [
        (cids[1], {"张三": "fulfilled", "李四": "partial"}),
        (cids[4], {"张三": "in_progress", "李四": "not_fulfilled"}),
    ]
    # α on statuses: n = 10 values; n_c = fulfilled 3, partial 3, in_progress 1, no_evidence 2,
    # not_fulfilled 1; Σ_{c≠k} o_ck = 4 (commitments 1 and 4, both ways)
    # Σ_{c≠k} n_c·n_k = 10² − (9 + 9 + 1 + 4 + 1) = 76; α = 1 − 9 · 4 / 76 = 10/19
    assert found.statuses.alpha == pytest.approx(10 / 19)
    assert found.statuses.percent == pytest.approx(3 / 5)
    # coarse α: addressed 7, not 3; Σ o_ck = 2; α = 1 − 9 · 2 / (2 · 7 · 3) = 4/7
    assert found.coarse.alpha == pytest.approx(4 / 7)
    # links α: confirmed 5, rejected 3, n = 8; Σ o_ck = 2; α = 1 − 7 · 2 / (2 · 5 · 3) = 8/15
    assert (found.links.units, found.links.alpha) == (4, pytest.approx(8 / 15))


def test_read_agreement_filters_by_agency_and_period(coded):
    url, _ = coded
    assert _read(url, agency="广州市民政局", period=2024).units == 5
    assert _read(url, period=2023).units == 0
    other = _read(url, agency="佛山市民政局")
    assert (other.units, other.pairs, other.disagreements, other.statuses.alpha) == (0, (), (), None)


def test_json_holds_the_figures(coded):
    url, cids = coded
    data = json.loads(render_json(_read(url)))
    assert data == as_dict(_read(url))
    assert data["reviewers"] == ["张三", "李四"]
    assert data["overall"]["statuses"] == {"units": 5, "percent_agreement": 0.6, "alpha": round(10 / 19, 3)}
    pair = data["pairs"][0]
    assert pair["coders"] == ["张三", "李四"]
    assert (pair["statuses"]["n"], pair["statuses"]["kappa"]) == (5, 0.5)
    assert pair["coarse"]["kappa"] == round(6 / 11, 3)
    assert pair["links"]["confusion"] == [[2, 1], [0, 1]]
    assert data["disagreements"][0] == {
        "commitment_id": cids[1],
        "statuses": {"张三": "fulfilled", "李四": "partial"},
    }


def test_markdown_has_the_headings_and_kappa(coded):
    url, _ = coded
    text = render_markdown(_read(url))
    assert text.startswith("## 编码一致性 Agreement\n")
    assert "| 状态 statuses | 5 | 0.600 | 0.500 |" in text
    assert "| 着手与否 addressed or not | 5 | 0.800 | 0.545 |" in text
    assert "| 张三 \\ 李四 | 已兑现 | 部分兑现 | 推进中 | 未见佐证 | 未兑现 |" in text
    assert "### 分歧 Disagreements" in text


def test_table_shows_the_reviewers(coded):
    url, _ = coded
    console = Console(record=True, width=120)
    render_table(_read(url), console)
    shown = console.export_text()
    assert "张三 × 李四" in shown
    assert "0.500" in shown and "已兑现" in shown


def test_names_are_shown_safely_and_missing_figures_as_a_dash():
    empty = Figures(0, None, None, (), ())
    agreement = Agreement(
        agency=None,
        period=None,
        reviewers=("a\x1b[31m|b", "c"),
        statuses=Overall(1, 0.0, None),
        coarse=Overall(1, 1.0, None),
        links=Overall(0, None, None),
        pairs=(
            PairAgreement(
                "a\x1b[31m|b",
                "c",
                Figures(1, 0.0, 0.0, ("fulfilled", "partial"), ((0, 1), (0, 0))),
                empty,
                empty,
            ),
        ),
        disagreements=(Disagreement("c1", {"a\x1b[31m|b": "fulfilled", "c": "partial"}),),
    )
    text = render_markdown(agreement)
    assert "\x1b" not in text and "a\\|b × c" in text
    assert "| 佐证 links | 0 | – | – |" in text
    assert json.loads(render_json(agreement))["overall"]["links"] == {
        "units": 0,
        "percent_agreement": None,
        "alpha": None,
    }
    console = Console(record=True, width=120)
    render_table(agreement, console)
    shown = console.export_text()
    assert "\x1b[31m" not in shown and "a|b × c" in shown
    assert summary_line(agreement).endswith("κ 0.000 (状态 statuses), α –, 一致率 agreement 0.000")


def test_summary_line(coded):
    url, _ = coded
    assert summary_line(_read(url)) == (
        "编码一致性 agreement: 2 位编码员 coders, 5 条双重编码 double-coded; "
        "κ 0.500 (状态 statuses), α 0.526, 一致率 agreement 0.600"
    )
