"""The issuing body, also for cities jieba's dictionary does not tag as places."""

from __future__ import annotations

import pytest
from conftest import SEED_NAMES, SEEDS, TESTS

from tracker.ingest.agency import detect_agency


# jieba tags 石家庄 as a person's name, 大连 as an adverb, 保定 and 包头 as verbs; 呼和浩特 holds 和.
@pytest.mark.parametrize("city", ["石家庄", "大连", "保定", "包头", "呼和浩特", "齐齐哈尔", "东莞"])
@pytest.mark.parametrize(
    ("seed", "own_city"), [("001", "中山"), ("003", "广州"), ("004", "佛山"), ("000", "珠海")]
)
def test_agency_of_any_city(seed: str, own_city: str, city: str) -> None:
    text = (SEEDS / SEED_NAMES[seed]).read_text(encoding="utf-8").replace(own_city, city)
    assert detect_agency(text) == f"{city}市民政局"


def test_verbs_before_shi_are_not_places() -> None:
    text = (
        "加强市老龄办对老龄工作的统筹协调。" * 3
        + "建设市、区、镇街、村居四级示范站点。全市民政系统。中山市民政局。"
    )
    assert detect_agency(text) == "中山市民政局"


def _bureau_text(system: str, short: str) -> str:
    """A summary that never writes its issuer in full: 全市…系统, the short name, the city once with 市."""
    return (
        "2024年工作总结\n"
        f"2024年，全市{system}系统在市委、市政府的坚强领导下扎实推进各项工作，湖州市{system}事业取得新进展。\n"
        f"{short}牵头完成年度重点任务12项。\n"
        f"2025年，{short}将继续推动湖州{system}事业高质量发展。\n"
    )


@pytest.mark.parametrize(
    ("system", "short", "agency"),
    [
        ("教育", "市教育局", "湖州市教育局"),
        ("卫生健康", "市卫健委", "湖州市卫生健康委员会"),
        ("住房城乡建设", "市住建局", "湖州市住房和城乡建设局"),
        ("人力资源社会保障", "市人社局", "湖州市人力资源和社会保障局"),
        ("交通运输", "市交通局", "湖州市交通运输局"),
    ],
)
def test_other_bureaus_by_their_short_names(system: str, short: str, agency: str) -> None:
    assert detect_agency(_bureau_text(system, short)) == agency


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("湖州市卫健委2024年工作要点", "湖州市卫生健康委员会"),
        ("湖州市住房和城乡建设局2024年工作总结", "湖州市住房和城乡建设局"),
        ("湖州市人力资源和社会保障局关于2024年工作的报告", "湖州市人力资源和社会保障局"),
        ("湖州市吴兴区人民政府2024年重点工作计划", "吴兴区人民政府"),
        ("长兴县政府2024年工作安排", "长兴县人民政府"),
        ("织里镇人民政府2024年工作总结", "织里镇人民政府"),
        ("爱山街道办事处2024年工作计划", "爱山街道办事处"),
    ],
)
def test_the_body_a_title_names_issued_the_document(title: str, agency: str) -> None:
    body = "全市民政系统协助做好相关工作。市民政局配合。" if "政府" in title else ""
    assert detect_agency(f"{title}\n2024年，各项工作有序推进。{body}\n") == agency


def test_district_government_plan_is_the_district_governments() -> None:
    # No name in the title; 区政府 speaks, and the 区教育局 / 区住建局 it tasks do not make it a bureau.
    text = (TESTS / "data" / "bureaus" / "district_plan_2024.txt").read_text(encoding="utf-8")
    assert detect_agency(text) == "吴兴区人民政府"


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        (
            "2024年，我镇新建村级养老服务站3个。镇政府将全力推进。沙溪镇全年完成投资1亿元。沙溪镇农村公路提升30公里。",
            "沙溪镇人民政府",
        ),
        (
            "2024年，本街道完成老旧小区改造5个。街道办将持续推进。东湖街道新增托位100个。东湖街道社区食堂覆盖率达到80%。",
            "东湖街道办事处",
        ),
    ],
)
def test_town_and_subdistrict_governments(text: str, agency: str) -> None:
    assert detect_agency(text) == agency


def test_a_district_bureau_is_not_its_districts_government() -> None:
    text = (
        "2024年，在区委、区政府的坚强领导下，全区民政系统扎实推进各项工作。"
        "区民政局新建长者饭堂10个。南湖区养老服务体系更加健全。区民政局完成低保扩围。南湖区民政事业稳步发展。"
    )
    assert detect_agency(text) == "南湖区民政局"


def test_a_district_government_tasking_several_bureaus_is_the_government() -> None:
    text = (
        "2024年工作总结\n2024年，全区上下团结奋斗，西湖区经济社会发展取得新成效。"
        "区教育局新建中小学校3所。区教育局新增学位2000个。区教育局完成教师招聘。"
        "区卫健局建成社区卫生服务中心2个。区卫健局完成家庭医生签约。区住建局改造老旧小区12个。"
        "西湖区全年新增就业1.2万人。区政府将继续推动西湖区高质量发展。\n"
    )
    assert detect_agency(text) == "西湖区人民政府"
