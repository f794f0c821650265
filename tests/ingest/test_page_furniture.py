"""The furniture of government web pages (breadcrumbs, share bars, related lists, footers) and their
declared encodings, read the same way from a saved page as from a fetched one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tracker.ingest.furniture import is_furniture_line, page_title
from tracker.ingest.pipeline import parse_file
from tracker.ingest.reading import decode_bytes, html_to_text, read_file

BODY = "<p>一、养老服务</p><p>年内新建长者饭堂不少于20家。</p>"


def page(body: str, head: str = "<title>佛山市民政局2024年工作计划</title>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "line",
    [
        "当前位置：首页 > 政务公开 > 计划总结",
        "您的位置：首页 > 通知公告",
        "发表时间：2024-02-22 11:22 来源：佛山市民政局",
        "发布时间：2024年02月22日 浏览次数：1234",
        "作者：办公室",
        "字号：大 中 小",
        "【字体：大 中 小】",
        "【打印本页】 【关闭窗口】",
        "分享到：微信 微博",
        "上一篇：佛山市民政局2023年工作总结",
        "下一篇 关于印发2025年工作要点的通知",
        "相关文章",
        "相关链接：",
        "主办单位：佛山市民政局 承办单位：佛山市政务服务数据管理局",
        "版权所有：佛山市民政局 粤ICP备05090167号-1",
        "网站标识码：4406000012",
        "网站地图 联系我们",
    ],
)
def test_furniture_lines(line):
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "年内新建长者饭堂不少于20家。",
        "分享交流基层治理经验。",
        "推进居家适老化改造。",
        "关于印发2024年工作计划的通知",
    ],
)
def test_content_lines_are_not_furniture(line):
    assert not is_furniture_line(line)


def test_elements_named_as_furniture_go_and_one_with_the_date_stays():
    html = page(
        '<div class="crumbs">当前位置：首页 &gt; 通知公告</div>'
        '<div class="bdsharebuttonbox"><a>微信</a><a>微博</a></div>'
        '<div id="footer"><p>佛山市民政局主办</p></div>'
        '<div class="share-bar">发布时间：2024-02-22 <a>微信</a></div>'
        f'<div class="footnote">{BODY}</div>'
    )
    lines = html_to_text(html, "p.html").splitlines()
    assert lines == [
        "佛山市民政局2024年工作计划",
        "发布时间：2024-02-22 微信",
        "一、养老服务",
        "年内新建长者饭堂不少于20家。",
    ]


def test_a_related_list_goes_whole_and_the_article_beside_it_stays():
    related = "<h3>相关文章</h3><ul><li><a>2024年将新建长者饭堂50家</a></li><li><a>广州市民政局2024年工作计划</a></li></ul>"
    html = page(f'<div class="main">{BODY}<div class="box">{related}</div></div>')
    assert html_to_text(html, "p.html").splitlines()[1:] == ["一、养老服务", "年内新建长者饭堂不少于20家。"]
    # an old table whose first row is the heading
    table = "<table><tr><td>相关链接：</td></tr><tr><td><a>民政部</a></td><td><a>广东省民政厅</a></td></tr></table>"
    assert html_to_text(page(BODY + table), "p.html").splitlines()[1:] == [
        "一、养老服务",
        "年内新建长者饭堂不少于20家。",
    ]
    # a heading standing in the article itself takes nothing of the article with it
    inline = page(f"<div>{BODY}<p>相关链接：</p><p>全年走访困难群众1000户次。</p></div>")
    assert "全年走访困难群众1000户次。" in html_to_text(inline, "p.html")


def test_the_articles_own_header_stays_and_the_pages_goes():
    html = page(
        "<header>佛山市民政局网站 首页 政务公开</header>"
        "<article><header><h1>佛山市民政局2024年工作计划</h1><p>发布时间：2024-02-22</p></header>"
        f"{BODY}</article><footer>版权所有</footer>",
        head="<title>x</title>",
    )
    assert html_to_text(html, "p.html").splitlines() == [
        "x",
        "佛山市民政局2024年工作计划",
        "发布时间：2024-02-22",
        "一、养老服务",
        "年内新建长者饭堂不少于20家。",
    ]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("佛山市民政局2024年工作计划_佛山市民政局网站", "佛山市民政局2024年工作计划"),
        ("佛山市民政局2024年工作计划 - 佛山市人民政府门户网站", "佛山市民政局2024年工作计划"),
        ("2024年工作计划|广州市民政局", "2024年工作计划"),
        ("Home_佛山市民政局", "Home_佛山市民政局"),
        ("佛山市民政局2024年工作计划", "佛山市民政局2024年工作计划"),
    ],
)
def test_the_site_name_leaves_the_page_title(title, expected):
    assert page_title(title) == expected


def test_a_date_only_in_the_pubdate_meta_dates_the_document(tmp_path: Path):
    path = tmp_path / "p.html"
    head = '<title>佛山市民政局2024年工作计划</title><meta name="PubDate" content="2024-02-22 10:00">'
    path.write_text(page(BODY, head=head), encoding="utf-8")
    assert parse_file(path, display_path="p.html").date == date(2024, 2, 22)
    # a date the page shows comes first
    path.write_text(page("<p>发布日期：2024年3月1日</p>" + BODY, head=head), encoding="utf-8")
    assert parse_file(path, display_path="p.html").date == date(2024, 3, 1)


def test_a_saved_gbk_page_is_decoded_by_its_meta_and_a_stale_meta_does_not_break_utf8(tmp_path: Path):
    text = page(
        BODY.replace("长者饭堂", "镕城长者饭堂"),
        head='<meta charset="gb2312"><title>佛山市民政局2024年工作计划</title>',
    )
    saved = tmp_path / "gbk.html"
    saved.write_bytes(text.encode("gbk"))
    raw = read_file(saved, "gbk.html")
    assert raw.encoding == "GB18030 (meta: gb2312)" and "镕城长者饭堂" in raw.text
    resaved = tmp_path / "utf8.html"
    resaved.write_bytes(text.encode("utf-8"))  # saved again as UTF-8, the old meta kept
    assert read_file(resaved, "utf8.html").encoding == "UTF-8"


def test_a_declared_charset_that_gives_no_chinese_is_passed_over():
    data = "佛山市民政局2024年工作计划".encode("gbk")
    text, encoding = decode_bytes(data, "p.html", [("iso-8859-1", "header"), ("no-such-codec", "meta")])
    assert text == "佛山市民政局2024年工作计划"
    assert encoding == "GB18030"
