"""What the demo database is made of and how it is kept apart from a user's work.

The documents: the checkout's ``seeds/`` (five real documents, named ``seeds/…``) and the illustrative
summary beside this module (named ``demo/…``), which gives the 2024 plan of seeds/004 an outcome to be
matched against. The reviewer decisions: a handful of examples by :data:`EXAMPLE_REVIEWER`, each with a
note saying it is an example, so the demo shows a confirmed link, rejected suggestions and the two
statuses only a reviewer sets (未兑现, 无法核查). Loading and matching are the ordinary ingest and match;
the command line drives them with its progress bars.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from tracker.errors import TrackerError
from tracker.review.decisions import add_note, decide_pair, set_status
from tracker.store.documents import needs_matching
from tracker.store.models import Achievement, Commitment, Decision
from tracker.store.queries import list_documents

#: The illustrative outcome document (package data: it is installed with the package).
DOCUMENT = Path(__file__).with_name("illustrative_foshan_2024_summary.txt")
#: The checkout this package was installed from in editable mode (its seeds are the demo's).
CHECKOUT = Path(__file__).resolve().parents[2]
#: The plan the illustrative summary answers, and whose commitments the examples decide.
AGENCY, PERIOD = "佛山市民政局", 2024
#: Who takes the example decisions: a name no person has, saying what they are.
EXAMPLE_REVIEWER = "示例审核员"


@dataclass(frozen=True)
class Example:
    """One example decision on a commitment of the plan, named by texts (ids follow from them)."""

    commitment: str
    action: str  # confirm, reject or status
    achievement: str = ""  # confirm, reject: the achievement's text
    status: str = ""  # status: the status set
    note: str = ""  # said with the decision, beginning 示例


EXAMPLES: tuple[Example, ...] = (
    Example(
        "制定实施《佛山市基本养老服务清单》",
        "confirm",
        achievement="印发实施《佛山市基本养老服务清单》",
        note="示例：审核人员确认这条成效就是承诺的兑现。",
    ),
    Example(
        "进一步推进《佛山市养老服务条例》立法工作",
        "reject",
        achievement="社区居家养老服务持续发展",
        note="示例：居家养老服务的成效与条例立法无关，两条建议被否决；余下的草案征求意见说明仍在推进。",
    ),
    Example(
        "进一步推进《佛山市养老服务条例》立法工作",
        "reject",
        achievement="全年新增社区居家养老服务站点36个,为2.1万名居家老年人提供上门服务",
    ),
    Example(
        "加强对慈善活动监督管理",
        "reject",
        achievement="新培育慈善品牌项目8个",
        note="示例：总结没有写慈善活动的监督管理，建议的两条成效都不相关；否决后变为未见佐证。",
    ),
    Example(
        "加强对慈善活动监督管理",
        "reject",
        achievement="开展慈善文化宣传进社区、进学校、进企业活动120场",
    ),
    Example(
        "提升慈善事业公信力",
        "status",
        status="unverifiable",
        note="示例：原则性表述，没有可以核查的具体内容，审核人员设为无法核查。",
    ),
    Example(
        "开展跨部门综合监管试点工作",
        "status",
        status="not_fulfilled",
        note="示例：假设审核人员从总结以外的材料得知试点尚未开展（演示用的假设，不是真实情况）。",
    ),
)


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is a checkout of this project: ``seeds/`` beside a pyproject.toml naming it."""
    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return (folder / "seeds").is_dir() and project.get("name") == "tracker"


def seeds_folder(cwd: Path | None = None) -> Path:
    """The demo's seed documents: those of the checkout one stands in, else of the checkout this package
    runs from.

    Raises:
        TrackerError: neither is a checkout (the package was installed without its seeds).
    """
    for folder in (cwd or Path.cwd(), CHECKOUT):
        if is_checkout(folder):
            return folder / "seeds"
    raise TrackerError(
        "the demo's documents (seeds/) are not installed",
        "install from the project's checkout with 'pip install -e .', or run 'tracker ingest FILE...'",
    )


def sources(seeds: Path) -> list[tuple[Path, Path]]:
    """What to load, each with the folder its name is relative to: ``seeds/…`` and ``demo/…``."""
    return [(seeds, seeds.parent), (DOCUMENT, DOCUMENT.parent.parent)]


def _files(seeds: Path) -> dict[str, Path]:
    """The name each of the demo's files is stored under -> the file."""
    files = {f"seeds/{p.name}": p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")}
    files[f"{DOCUMENT.parent.name}/{DOCUMENT.name}"] = DOCUMENT
    return files


def document_names(seeds: Path) -> set[str]:
    """The names the demo's documents are stored under."""
    return set(_files(seeds))


def up_to_date(session: Session, seeds: Path) -> bool:
    """Whether every demo file is stored as it is now and matched: reopening the demo then reads
    nothing again (parsing the seeds only to find them unchanged takes seconds)."""
    stored = {d.path: d.sha256 for d in list_documents(session)}
    for name, path in _files(seeds).items():
        if stored.get(name) != hashlib.sha256(path.read_bytes()).hexdigest():
            return False
    return not needs_matching(session)


def other_documents(session: Session, seeds: Path) -> list[str]:
    """The stored documents that are not the demo's: a database holding any is someone's work."""
    names = document_names(seeds)
    return [d.path for d in list_documents(session) if d.path not in names]


def add_examples(session: Session) -> int:
    """Take the example decisions not taken yet (the caller commits); returns how many were taken.

    Nothing is added once any example decision is in the log (undone ones count: an example someone
    took back stays taken back), and no commitment that already has a decision gets one: a reviewer's
    work is never overruled by an example.
    """
    taken = session.exec(select(Decision.id).where(Decision.reviewer == EXAMPLE_REVIEWER).limit(1)).first()
    if taken is not None:
        return 0
    commitments = _ids_by_text(session, Commitment)
    achievements = _ids_by_text(session, Achievement)
    decided = set(session.exec(select(Decision.commitment_id).distinct()).all())
    count = 0
    for example in EXAMPLES:
        cid = commitments.get(example.commitment)
        aid = achievements.get(example.achievement) if example.achievement else None
        if cid is None or cid in decided or (example.achievement and aid is None):
            continue
        if example.action == "status":
            set_status(session, cid, example.status, reviewer=EXAMPLE_REVIEWER)
        else:
            decide_pair(session, example.action, cid, aid or "", reviewer=EXAMPLE_REVIEWER)
        count += 1
        if example.note:
            add_note(session, cid, example.note, reviewer=EXAMPLE_REVIEWER)
            count += 1
    return count


def _ids_by_text(session: Session, model: type[Commitment] | type[Achievement]) -> dict[str, str]:
    """Text -> id of the plan's commitments or its year's achievements (the first of equal texts)."""
    query = (
        select(model.id, model.text)  # type: ignore[call-overload]
        .where(model.agency == AGENCY, model.period == PERIOD)
        .order_by(col(model.position), col(model.id))
    )
    found: dict[str, str] = {}
    for row_id, text in session.exec(query).all():
        found.setdefault(text, row_id)
    return found
