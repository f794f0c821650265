"""A synthetic corpus for the speed benchmark: many cities' civil-affairs plans and summaries, made from the seeds.

Five seeds are too few to time anything, and copies of them would not do: a byte-identical file is
skipped by ingest, and one agency would put every commitment in the same matching block. So every
generated document takes a real document, moves it to another real prefecture-level city (its own city
name and, where they are distinctive, its district names are replaced), shifts all its years by the
same amount, and shuffles its paragraphs under their headings. The text stays real bureaucratic Chinese
of realistic length and structure, each document gets its own agency, and no two files are alike.

Documents are made in bundles that share one city and one year shift, so plans meet summaries of the
same (agency, period) and matching has real work to do:

- seeds/004 (佛山 2023 summary + 2024 plan) with the dev benchmark's fs2024_outcome.txt (its 2024 summary);
- seeds/003 (广州 2024 plan) with seeds/001 (中山 2024 summary + 2025 plan);
- seeds/000 (珠海 2023 results + 2024 plans) with seeds/001;
- seeds/002 alone (珠海 mid-2021 progress with its 预计今年底 targets: a 2021 plan and summary in one).

Each (city, year shift) pair is used by at most one bundle, so statements never collide across
documents; with the default city list a city hosts about three bundles at N=1000.

Run ``python benchmarks/corpus.py OUT -n 200 --seed 0``; OUT gets the .txt files and a
``manifest.jsonl`` (ignored by ingest) naming each file's source, city, year shift and expected agency.
``--bureau`` rewrites the documents as other bureaus' or local governments' (``benchmarks/bureaus.py``),
to measure agency detection; without it the output is the civil-affairs corpus, byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from bureaus import CIVIL_AFFAIRS, KINDS, place_for, rewrite

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DEV_OUTCOME = REPO.parent / "shared" / "dev-benchmark" / "fs2024_outcome.txt"
MANIFEST = "manifest.jsonl"


def _names(block: str) -> tuple[str, ...]:
    """Names written as whitespace-separated text, one province to a line, so the lists stay readable."""
    return tuple(block.split())


# Real prefecture-level cities, by province, that tracker.ingest.agency reads correctly as
# "<city>市民政局" in every template (checked at commit 513d41b). Left out: the four seed cities and the
# cities a seed already mentions (韶关, 茂名, 宜宾, 安康), whose extra mentions would skew agency detection.
CITIES = _names(
    """
    邯郸 邢台 沧州 廊坊 衡水
    太原 晋城 朔州 晋中 忻州 临汾
    乌海 赤峰 鄂尔多斯 巴彦淖尔 乌兰察布
    沈阳 鞍山 抚顺 丹东 锦州 阜新 辽阳 葫芦岛
    长春 四平 辽源 白山 松原 白城
    哈尔滨 鸡西 鹤岗 双鸭山 大庆 佳木斯 七台河 牡丹江 黑河 绥化
    南京 无锡 徐州 常州 苏州 淮安 盐城 扬州 镇江 泰州
    杭州 宁波 温州 湖州 绍兴 衢州 舟山 台州 丽水
    芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
    福州 厦门 莆田 泉州 漳州 南平
    南昌 萍乡 九江 鹰潭 赣州 吉安 宜春 抚州 上饶
    济南 青岛 淄博 枣庄 东营 潍坊 济宁 泰安 威海 临沂 德州 聊城 滨州 菏泽
    郑州 洛阳 平顶山 安阳 鹤壁 新乡 濮阳 漯河 三门峡 南阳 驻马店
    武汉 十堰 宜昌 襄阳 鄂州 荆门 荆州 黄冈 咸宁 随州
    长沙 株洲 湘潭 衡阳 益阳 郴州 永州
    深圳 汕头 江门 湛江 肇庆 惠州 梅州 汕尾 阳江 东莞 潮州 揭阳 云浮
    南宁 柳州 梧州 北海 防城港 钦州 贵港 贺州 河池
    三亚 儋州
    成都 泸州 德阳 绵阳 遂宁 内江 乐山 南充 眉山 广安 达州 雅安 巴中
    贵阳 六盘水
    昆明 保山 丽江 普洱 临沧
    日喀则 昌都
    西安 铜川 咸阳 渭南 延安 汉中 榆林
    兰州 嘉峪关 张掖 庆阳 定西 陇南
    西宁 海东
    石嘴山 固原 中卫
    乌鲁木齐 吐鲁番
    """
)

# Real prefecture-level cities that tracker.ingest.agency misreads at commit 513d41b in most templates
# (111 of 145 documents of a 500-document --all-cities corpus), even where the text states
# "<city>市民政局" in full: jieba's dictionary does not tag them as places (ns), so the document becomes
# 广东省民政厅, 大湾区民政局, 城南区民政局 … or fails with "cannot tell which body issued this document".
# ``--all-cities`` adds them, to exercise agency detection rather than speed.
UNRECOGNISED_CITIES = _names(
    """
    石家庄 唐山 秦皇岛 保定 张家口 承德 大同 阳泉 长治 运城 吕梁 呼和浩特 包头 通辽 呼伦贝尔
    大连 本溪 营口 盘锦 铁岭 通化 齐齐哈尔 伊春 南通 连云港 宿迁 嘉兴 金华 合肥 三明 龙岩 宁德
    景德镇 新余 烟台 日照 开封 焦作 许昌 商丘 信阳 周口 黄石 孝感 邵阳 岳阳 常德 张家界 怀化
    娄底 河源 清远 桂林 玉林 百色 来宾 崇左 海口 自贡 攀枝花 广元 资阳 遵义 安顺 毕节 铜仁 曲靖
    玉溪 昭通 拉萨 林芝 那曲 宝鸡 商洛 金昌 白银 天水 武威 平凉 酒泉 银川 吴忠 克拉玛依 哈密
    """
)

# Stand-ins for the seeds' district and town names; neutral so they never look like the issuer.
DISTRICTS = ("城东", "城西", "城南", "城北", "江北", "江南", "河东", "河西", "湖滨", "滨江", "新华", "开元")

# Year shifts, in the order they are handed out: every city is used once with the first shift before
# any city gets the second. The first ten serve up to about 3,400 documents; the later ones (years back to
# the 1990s) let the 10,000-document corpus keep every (city, year) bundle apart.
SHIFTS = (0, -1, -2, -3, 1, -4, -5, -6, -7, -8, *range(-9, -40, -1))


@dataclass(frozen=True)
class Source:
    """A real document the corpus is made from, with the place names that make it local."""

    key: str
    filename: str
    city: str
    # Replaced wherever they occur (distinctive enough not to be ordinary words).
    places: tuple[str, ...] = ()
    # Replaced only before 区 ("南海区", not the sea; "高明区", not the adjective).
    districts: tuple[str, ...] = ()


SOURCES = {
    "000": Source("000", "000_d36dd9587975b4cd.txt", "珠海", places=("香洲", "斗门", "金湾", "横琴")),
    "001": Source("001", "001_0d46cd3eb0266ada.txt", "中山", places=("小榄", "三乡", "翠亨")),
    "002": Source("002", "002_d7df08f17250d1a6.txt", "珠海", places=("香洲", "斗门", "金湾", "横琴")),
    "003": Source("003", "003_45c4ba556c53b084.txt", "广州", places=("南沙",)),
    "004": Source(
        "004", "004_ff62929cf9cd0f9d.txt", "佛山", places=("禅城", "顺德"), districts=("南海", "三水", "高明")
    ),
    "fs2024": Source(
        "fs2024", "fs2024_outcome.txt", "佛山", places=("禅城", "顺德"), districts=("南海", "三水", "高明")
    ),
}

BUNDLES: tuple[tuple[str, ...], ...] = (
    ("004", "fs2024"),
    ("003", "001"),
    ("000", "001"),
    ("002",),
)


@dataclass
class GeneratedDocument:
    """One file of the corpus and what it should ingest as (one line of the manifest)."""

    file: str
    source: str
    bundle: int
    city: str
    agency: str
    year_shift: int
    chars: int
    sha256: str
    bureau: str = CIVIL_AFFAIRS  # the kind of issuing body (``--bureau``); left out of the default manifest

    def as_line(self) -> str:
        fields = asdict(self)
        if self.bureau == CIVIL_AFFAIRS:
            del fields["bureau"]
        return json.dumps(fields, ensure_ascii=False)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|-\d{1,2}-\d{1,2}|\s*[-—至到]\s*(?:19|20)\d{2}\s*年)")
_SENTENCE_END = "。！？；!?;"
_MAX_HEADING = 60
_MIN_BROKEN_LINE = 40


def shift_years(text: str, shift: int) -> str:
    """Every year (2024年, 2024-02-22, 2023-2025年) moved by ``shift``; amounts such as 2096元 stay."""
    if shift == 0:
        return text
    return _YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)


def relocate(text: str, source: Source, city: str, rng: random.Random) -> str:
    """The text about ``city`` instead of the source's city, its districts renamed to neutral ones."""
    names = list(source.places) + list(source.districts)
    stand_ins = dict(zip(names, rng.sample(DISTRICTS, len(names)), strict=True))
    for name in source.places:
        text = text.replace(name, stand_ins[name])
    for name in source.districts:
        text = text.replace(f"{name}区", f"{stand_ins[name]}区")
    return text.replace(source.city, city)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    return len(stripped) <= _MAX_HEADING and not any(ch in _SENTENCE_END for ch in stripped)


def _continues(line: str) -> bool:
    """A long line that stops mid-sentence: ingest joins it with the next, so they move together."""
    stripped = line.rstrip()
    return len(stripped) >= _MIN_BROKEN_LINE and stripped[-1] not in _SENTENCE_END + "”」）)"


def shuffle_paragraphs(text: str, rng: random.Random) -> str:
    """Paragraphs shuffled among their own slots under each heading.

    Headings, blank lines and the first paragraph under each heading stay where they are: the first
    paragraph often carries the year or tense that the rest of the section inherits, and keeping every
    paragraph under its own heading keeps its section path. Lines broken mid-sentence move as one.
    """
    lines = text.split("\n")
    # Items: None for a blank line, ("h", [line]) for a heading, ("p", [lines]) for a paragraph.
    items: list[tuple[str, list[str]] | None] = []
    for line in lines:
        if not line.strip():
            items.append(None)
            continue
        previous = items[-1] if items else None
        if previous is not None and previous[0] == "p" and _continues(previous[1][-1]):
            previous[1].append(line)
        elif _is_heading(line):
            items.append(("h", [line]))
        else:
            items.append(("p", [line]))

    section: list[int] = []
    sections: list[list[int]] = [section]
    for index, item in enumerate(items):
        if item is None:
            continue
        if item[0] == "h":
            section = []
            sections.append(section)
        else:
            section.append(index)
    for slots in sections:
        movable = slots[1:]
        if len(movable) < 2:
            continue
        contents = [items[i] for i in movable]
        rng.shuffle(contents)
        for slot, content in zip(movable, contents, strict=True):
            items[slot] = content
    return "\n".join("" if item is None else "\n".join(item[1]) for item in items)


def make_document(text: str, source: Source, city: str, shift: int, rng: random.Random) -> str:
    """One synthetic document: ``text`` moved to ``city``, its years shifted, its paragraphs shuffled."""
    return shuffle_paragraphs(shift_years(relocate(text, source, city, rng), shift), rng)


def load_sources(seeds: Path = SEEDS, outcome: Path | None = DEV_OUTCOME) -> dict[str, str]:
    """The text of every source; the dev benchmark outcome only when it exists (it lives outside the repo)."""
    texts: dict[str, str] = {}
    for key, source in SOURCES.items():
        path = outcome if key == "fs2024" else seeds / source.filename
        if path is None or not path.is_file():
            if key == "fs2024":
                continue
            raise FileNotFoundError(f"seed {path} not found")
        texts[key] = path.read_text(encoding="utf-8")
    return texts


def generate(
    out: Path,
    n: int,
    *,
    seed: int = 0,
    seeds: Path = SEEDS,
    outcome: Path | None = DEV_OUTCOME,
    cities: tuple[str, ...] = CITIES,
    bureaus: tuple[str, ...] = (CIVIL_AFFAIRS,),
) -> list[GeneratedDocument]:
    """Write ``n`` documents into the folder ``out`` (created; must hold no .txt yet) and the manifest.

    Deterministic: the same ``n``, ``seed`` and inputs give byte-identical files. ``bureaus`` are the
    kinds of issuing body (``benchmarks/bureaus.py``) handed to the bundles in turn; their names come
    from a random generator of their own, so the cities, year shifts and shuffles are those of the
    civil-affairs corpus, which the default still writes byte for byte.

    Raises:
        FileExistsError: ``out`` already holds .txt files.
        ValueError: more (city, year shift) pairs are needed than the city list and SHIFTS allow.
    """
    out.mkdir(parents=True, exist_ok=True)
    if any(out.glob("*.txt")):
        raise FileExistsError(f"{out} already holds .txt files; use an empty folder")
    texts = load_sources(seeds, outcome)
    bundles = [b for b in BUNDLES if all(key in texts for key in b)]
    if len(bundles) < len(BUNDLES):
        print(f"corpus: {outcome} not found; generating without the 004 + fs2024 bundle", file=sys.stderr)
    rng = random.Random(seed)
    names = random.Random(f"{seed}:bureau")
    order = list(cities)
    rng.shuffle(order)

    documents: list[GeneratedDocument] = []
    digests: set[str] = set()
    bundle_index = 0
    while len(documents) < n:
        lap, slot = divmod(bundle_index, len(order))
        if lap >= len(SHIFTS):
            raise ValueError(f"{n} documents need more than {len(order)} cities x {len(SHIFTS)} year shifts")
        city, shift = order[slot], SHIFTS[lap]
        bundle = rng.choice(bundles)[: n - len(documents)]
        kind = bureaus[bundle_index % len(bureaus)]
        place = place_for(kind, names)
        for key in bundle:
            text, agency = rewrite(
                make_document(texts[key], SOURCES[key], city, shift, rng), kind, city, place
            )
            data = text.encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            if digest in digests:
                raise AssertionError(f"generated a duplicate document from {key} for {city}")
            digests.add(digest)
            name = f"{len(documents):05d}_{key}.txt"
            (out / name).write_bytes(data)
            documents.append(
                GeneratedDocument(
                    file=name,
                    source=key,
                    bundle=bundle_index,
                    city=city,
                    agency=agency,
                    year_shift=shift,
                    chars=len(text),
                    sha256=digest,
                    bureau=kind,
                )
            )
        bundle_index += 1
    with (out / MANIFEST).open("w", encoding="utf-8") as handle:
        for document in documents:
            handle.write(document.as_line() + "\n")
    return documents


def read_manifest(folder: Path) -> list[GeneratedDocument]:
    """The manifest that :func:`generate` wrote into ``folder``."""
    with (folder / MANIFEST).open(encoding="utf-8") as handle:
        return [GeneratedDocument(**json.loads(line)) for line in handle if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic corpus of civil-affairs plans and summaries from the seeds.",
        epilog="example: python benchmarks/corpus.py /tmp/corpus200 -n 200 --seed 0",
    )
    parser.add_argument("out", type=Path, help="folder to write into (created; must hold no .txt files)")
    parser.add_argument("-n", "--documents", type=int, default=200, help="number of documents (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--seeds", type=Path, default=SEEDS, help=f"seed folder (default {SEEDS})")
    parser.add_argument(
        "--outcome", type=Path, default=DEV_OUTCOME, help=f"the fs2024 outcome (default {DEV_OUTCOME})"
    )
    parser.add_argument(
        "--all-cities",
        action="store_true",
        help="also use the cities today's agency detection misreads (tests detection, not speed)",
    )
    parser.add_argument(
        "--bureau",
        default=CIVIL_AFFAIRS,
        help=f"kinds of issuing body, comma-separated, handed to the bundles in turn, or 'all' "
        f"(default {CIVIL_AFFAIRS}; one of {', '.join(KINDS)})",
    )
    args = parser.parse_args(argv)
    if args.documents < 1:
        parser.error("--documents must be at least 1")
    bureaus = KINDS if args.bureau == "all" else tuple(args.bureau.split(","))
    unknown = [kind for kind in bureaus if kind not in KINDS]
    if unknown:
        parser.error(f"unknown --bureau {', '.join(unknown)} (one of {', '.join(KINDS)} or all)")
    cities = CITIES + UNRECOGNISED_CITIES if args.all_cities else CITIES
    try:
        documents = generate(
            args.out,
            args.documents,
            seed=args.seed,
            seeds=args.seeds,
            outcome=args.outcome,
            cities=cities,
            bureaus=bureaus,
        )
    except (OSError, ValueError) as exc:
        print(f"corpus: {exc}", file=sys.stderr)
        return 1
    chars = sum(d.chars for d in documents)
    agencies = len({d.agency for d in documents})
    print(f"wrote {len(documents)} documents ({chars:,} characters, {agencies} agencies) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
