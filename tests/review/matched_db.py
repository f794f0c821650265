"""A small matched database for the review tests: 广州 2024 plans against a 2024 summary, a 2023 summary
in the plan document (evidence the matcher never offers for 2024), and 佛山 with no 2024 summary.

:func:`template` builds it once per backend and session; a test takes a copy (``databases.copy_of``).

Importable as ``matched_db`` from the tests in this folder (pytest puts the folder on sys.path).
"""

from __future__ import annotations

from dataclasses import dataclass

from backends import Backend, Template
from factories import make_document
from sqlalchemy.engine import Engine

from tracker.review.matching import match_database
from tracker.store.documents import save_document
from tracker.store.engine import make_engine, read_session, write_session
from tracker.store.queries import list_achievements, list_commitments

GZ, FS = "广州市民政局", "佛山市民政局"
PLAN_PATH, SUMMARY_PATH, FS_PATH = "plans/gz2024.txt", "summaries/gz2024.txt", "plans/fs2024.txt"

#: 广州 2024 plan, in document order.
PLAN = ["建成长者饭堂示范点100个", "出台养老服务条例", "推进婚俗改革", "开展慈善宣传活动"]
#: 广州 2024 summary: the matcher suggests the draft regulation for 出台养老服务条例 (so it is in progress)
#: and nothing for 推进婚俗改革 (no evidence).
SUMMARY = ["建成长者饭堂120个", "养老服务条例草案已提交审议", "完成区级福利院改造", "召开工作会议"]
#: 广州 2023, in the plan document: never a candidate for a 2024 commitment.
EARLIER = ["完成婚俗改革试点"]
FS_PLAN = ["建设社区养老服务中心"]
FS_EARLIER = ["完成婚俗改革试点工作总结"]


@dataclass(frozen=True)
class Ids:
    """Stored ids by statement text (an achievement's text is unique per agency here)."""

    commitments: dict[str, str]
    achievements: dict[tuple[str, str], str]  # (agency, text) -> id

    def c(self, text: str) -> str:
        return self.commitments[text]

    def a(self, text: str, agency: str = GZ) -> str:
        return self.achievements[(agency, text)]


def build(engine: Engine, *, match: bool = True) -> Ids:
    """Save the four documents and (by default) match them; the ids of what was stored."""
    with write_session(engine) as session:
        save_document(session, make_document(PLAN_PATH, plan=PLAN, summary=EARLIER))
        save_document(session, make_document(SUMMARY_PATH, summary=SUMMARY, summary_period=2024))
        save_document(session, make_document(FS_PATH, agency=FS, plan=FS_PLAN))
        save_document(session, make_document("summaries/fs2023.txt", agency=FS, summary=FS_EARLIER))
    if match:
        match_database(engine)
    with read_session(engine) as session:
        return Ids(
            commitments={c.text: c.id for c in list_commitments(session)},
            achievements={(a.agency, a.text): a.id for a in list_achievements(session)},
        )


def _build_at(url: str) -> Ids:
    engine = make_engine(url)
    try:
        return build(engine)
    finally:
        engine.dispose()


def template(backend: Backend) -> Template[Ids]:
    """The database :func:`build` makes (matched), built once per backend and session, with its ids."""
    return backend.template("matched", _build_at)
