"""``tracker ingest URL``: a web page is fetched and read as a saved page is, named by its address, and
every way a fetch fails is one line, a non-zero exit and the database as it was.

The site is local (``local_site``), never the internet.
"""

from __future__ import annotations

import html
import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_site import Page, Site, closed_port, serve
from pdfs import make_pdf

from tracker.cli.main import cli
from tracker.ingest import reading
from tracker.ingest.pipeline import parse_file, parse_url
from tracker.review.detail import load_detail
from tracker.review.worklist import load_rows
from tracker.store.engine import make_engine, read_session

TABLES = ("document", "part", "commitment", "achievement", "commitmentstatus", "decision")
PLAN_URL_PATH = "/zwgk/2024/jh.html"


def government_page(*, charset_meta: str | None = None, views: int = 1234, extra: str = "") -> str:
    """A plan as a city's government site shows it: breadcrumb, publication and share bars, the text,
    print and close links, previous and next, related articles, the footer."""
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'
        if charset_meta
        else ""
    )
    return f"""<!DOCTYPE html><html><head>{meta}
<title>佛山市民政局2024年工作计划_佛山市民政局网站</title>
<script>var pv = {views};</script></head><body>
<div class="top"><a href="/">无障碍浏览</a> <a href="#">长者模式</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 计划总结</div>
<div class="article"><h1>佛山市民政局2024年工作计划</h1>
<div class="info">发布时间：2024-02-22 11:22　来源：佛山市民政局　浏览次数：{views}　字号：<a>大</a> <a>中</a> <a>小</a></div>
<div class="bdsharebuttonbox"><span>分享到：</span><a>微信</a><a>微博</a><a>QQ空间</a></div>
<div class="content">
<p>一、构建完善养老服务体系</p>
<p>持续发展社区居家养老服务,年内新建长者饭堂不少于20家。</p>
<p>二、加强社会救助</p>
<p>完善最低生活保障制度,全年走访困难群众不少于1000户次。{extra}</p>
</div>
<div class="print"><a>【打印本页】</a> <a>【关闭窗口】</a></div>
<div>上一篇：<a>佛山市民政局2023年工作总结</a></div>
<div>下一篇：<a>关于印发2025年工作要点的通知</a></div>
<div class="box"><h3>相关文章</h3><ul><li><a>广州市民政局2024年工作计划</a></li>
<li><a>2024年民生实事将新建长者饭堂50家</a></li></ul></div></div>
<table><tr><td>相关链接：</td></tr><tr><td><a>中华人民共和国民政部</a></td><td><a>广东省民政厅</a></td></tr></table>
<div class="foot"><p>主办单位：佛山市民政局　承办单位：佛山市政务服务数据管理局</p>
<p>版权所有：佛山市民政局　粤ICP备05090167号-1　网站标识码：4406000012</p></div>
</body></html>"""


COMMITMENTS = [
    "持续发展社区居家养老服务",
    "年内新建长者饭堂不少于20家",
    "完善最低生活保障制度",
    "全年走访困难群众不少于1000户次",
]


def dump(tmp_path: Path) -> list[tuple]:
    db = tmp_path / "commitments.db"
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        return [
            (table, *row)
            for table in TABLES
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        ]


def commitments(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "commitments.db") as connection:
        return [row[0] for row in connection.execute("SELECT text FROM commitment ORDER BY position")]


def documents(tmp_path: Path) -> list[tuple]:
    with sqlite3.connect(tmp_path / "commitments.db") as connection:
        return connection.execute("SELECT path, source_url, encoding FROM document ORDER BY path").fetchall()


def html_page(body: bytes, content_type: str = "text/html; charset=utf-8") -> Page:
    return Page(body, headers={"Content-Type": content_type})


@pytest.fixture
def site(monkeypatch) -> Iterator[Site]:
    yield from serve(monkeypatch)


@pytest.fixture
def seeded(runner, tmp_path) -> list[tuple]:
    """A database that holds a document already: a failed fetch must leave it exactly so."""
    (tmp_path / "plan.txt").write_text(
        "广州市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n", encoding="utf-8"
    )
    assert runner.invoke(cli, ["ingest", "plan.txt", "--no-match"]).exit_code == 0
    return dump(tmp_path)


def test_a_utf8_page_is_read_without_its_furniture_and_named_by_its_address(runner, site, tmp_path):
    site.pages[PLAN_URL_PATH] = html_page(government_page().encode("utf-8"))
    url = site.url(PLAN_URL_PATH)
    result = runner.invoke(cli, ["ingest", url, "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines()[0] == f"{url}  [UTF-8]  佛山市民政局  (inserted)"
    assert (
        "plan    2024  佛山市民政局  4 commitments  佛山市民政局2024年工作计划  dated 2024-02-22"
        in result.output
    )
    # breadcrumb, share bar, print links, previous/next, related articles and footer are gone; the
    # related article "将新建长者饭堂50家" is not taken for a commitment of this plan
    assert commitments(tmp_path) == COMMITMENTS
    assert documents(tmp_path) == [(url, url, "UTF-8")]

    report = runner.invoke(cli, ["report", "--format", "json"])
    (commitment,) = [c for c in json.loads(report.output)["commitments"] if "长者饭堂" in c["text"]]
    assert (commitment["document"], commitment["source_url"]) == (url, url)
    markdown = runner.invoke(cli, ["report", "--format", "md"]).output
    assert f"[`{url}`](<{url}>)" in markdown
    html = runner.invoke(cli, ["report", "--format", "html"]).output
    assert f'<a href="{url}" rel="noopener noreferrer">{url}</a>' in html
    csv = runner.invoke(cli, ["report", "--format", "csv"]).output
    assert f",{url},{url},plan," in csv


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        # GB2312 named, GBK bytes (镕 is not in GB2312): decoded as GB18030, which holds both
        pytest.param(
            html_page(
                government_page(charset_meta="gb2312", extra="推进镕城社区长者饭堂建设。").encode("gbk"),
                "text/html",
            ),
            "GB18030 (meta: gb2312)",
            id="charset-in-meta-only",
        ),
        pytest.param(
            html_page(
                government_page(extra="推进镕城社区长者饭堂建设。").encode("gbk"), "text/html; charset=GB2312"
            ),
            "GB18030 (header: gb2312)",
            id="charset-in-header-only",
        ),
    ],
)
def test_a_gbk_page_is_decoded_by_its_declared_charset(runner, site, tmp_path, page, encoding):
    site.pages[PLAN_URL_PATH] = page
    url = site.url(PLAN_URL_PATH)
    result = runner.invoke(cli, ["ingest", url, "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert f"[{encoding}]" in result.output
    assert commitments(tmp_path) == [*COMMITMENTS, "推进镕城社区长者饭堂建设"]


def test_a_redirect_is_followed_and_the_page_keeps_the_address_given(runner, site, tmp_path):
    site.pages[PLAN_URL_PATH] = html_page(government_page().encode("utf-8"))
    site.pages["/old/jh.html"] = Page(status=302, headers={"Location": PLAN_URL_PATH})
    given, final = site.url("/old/jh.html"), site.url(PLAN_URL_PATH)
    result = runner.invoke(cli, ["ingest", given, "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert f"{given}  [UTF-8]  佛山市民政局  (inserted; read from {final})" in result.output
    assert documents(tmp_path) == [(given, final, "UTF-8")]
    # the review UI's 来源 line names both
    engine = make_engine(f"sqlite:///{tmp_path / 'commitments.db'}")
    with read_session(engine) as session:
        (first, *_rest) = load_rows(session)
        detail = load_detail(session, first.id)
    engine.dispose()
    assert detail is not None
    assert detail.source.describe() == f"{given} (→ {final}) · 计划 2024 · 佛山市民政局2024年工作计划"


def test_an_unchanged_page_changes_nothing_and_a_changed_one_replaces_it(runner, site, tmp_path):
    """The page's visit counter changes on every request; its text does not, so it is unchanged."""
    views = iter(range(100, 200))
    site.pages[PLAN_URL_PATH] = html_page(b"")
    site.pages[PLAN_URL_PATH].body = lambda: government_page(views=next(views)).encode("utf-8")
    url = site.url(PLAN_URL_PATH)
    assert runner.invoke(cli, ["ingest", url]).exit_code == 0
    first = commitments(tmp_path)[1]
    report = runner.invoke(cli, ["report", "--format", "json"])
    target = next(c["id"] for c in json.loads(report.output)["commitments"] if c["text"] == first)
    assert runner.invoke(cli, ["annotate", "note", target, "已核对"]).exit_code == 0
    before = dump(tmp_path)

    again = runner.invoke(cli, ["ingest", url])
    assert again.exit_code == 0, again.stderr
    assert f"{url}: unchanged, nothing to do" in again.output
    assert dump(tmp_path) == before

    site.pages[PLAN_URL_PATH].body = lambda: government_page(extra="年底前建成救助服务站5个。").encode(
        "utf-8"
    )
    changed = runner.invoke(cli, ["ingest", url])
    assert changed.exit_code == 0, changed.stderr
    assert f"{url}  [UTF-8]  佛山市民政局  (replaced)" in changed.output
    assert "年底前建成救助服务站5个" in commitments(tmp_path)
    report = json.loads(runner.invoke(cli, ["report", "--format", "json"]).output)
    noted = next(c for c in report["commitments"] if c["id"] == target)
    assert [n["text"] for n in noted["notes"]] == ["已核对"]  # the reviewer's note is still in force


def test_a_plain_text_address_is_read_as_text(runner, site, tmp_path):
    text = "佛山市民政局2024年工作计划\n一、养老服务\n年内新建长者饭堂不少于20家。\n"
    site.pages["/jh.txt"] = Page(text.encode("gbk"), headers={"Content-Type": "text/plain; charset=gbk"})
    result = runner.invoke(cli, ["ingest", site.url("/jh.txt"), "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert commitments(tmp_path) == ["年内新建长者饭堂不少于20家"]


def test_a_pdf_attachment_is_read_as_a_pdf_file_is(runner, site, tmp_path):
    made = tmp_path / "made.pdf"
    make_pdf(made, ["佛山市民政局2024年工作计划", "一、养老服务", "年内新建长者饭堂不少于20家。"])
    site.pages["/fujian/jh"] = Page(made.read_bytes(), headers={"Content-Type": "application/pdf"})
    result = runner.invoke(cli, ["ingest", site.url("/fujian/jh"), "--no-match"])
    assert result.exit_code == 0, result.stderr
    assert "PDF, 1 page" in result.stdout
    assert commitments(tmp_path) == ["年内新建长者饭堂不少于20家"]


def test_a_seed_published_as_a_web_page_gives_the_commitments_of_its_text(site):
    """seeds/004 as a government site would publish it (a paragraph per line inside the page's
    breadcrumb, share bar, related links and footer, in GBK) gives exactly what its .txt gives."""
    seed = next(Path(__file__).resolve().parents[2].joinpath("seeds").glob("004_*.txt"))
    text = seed.read_text(encoding="utf-8")
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines())
    saved = parse_file(seed, display_path=seed.name)
    title = html.escape(saved.title)  # 佛山市民政局2023年主要工作情况和2024年工作计划
    page = f"""<html><head><meta charset="gbk"><title>{title}_佛山市民政局网站</title></head><body>
<div class="position">当前位置：<a href="/">首页</a> &gt; 政务公开</div>
<div class="bdsharebuttonbox"><span>分享到：</span><a>微信</a><a>微博</a></div>
<div class="content">{paragraphs}</div>
<div class="box"><h3>相关文章</h3><ul><li><a>广州市民政局2024年工作计划</a></li></ul></div>
<div class="foot"><p>版权所有：佛山市民政局　粤ICP备05090167号-1</p></div></body></html>"""
    site.pages["/seed.html"] = Page(page.encode("gb18030"), headers={"Content-Type": "text/html"})
    fetched = parse_url(site.url("/seed.html"), display_path="seed.html")

    def statements(document):  # type: ignore[no-untyped-def]
        return [
            (p.kind, p.period, s.text, s.section, s.topic, s.quantities)
            for p in document.parts
            for s in p.statements
        ]

    assert len(statements(saved)) == 128
    assert statements(fetched) == statements(saved)
    assert fetched.agency == saved.agency and fetched.date == saved.date


def bad_cases(local: Site) -> dict[str, tuple[str, str]]:
    """Address -> (the problem and hint the one line says)."""
    local.pages["/gone.html"] = Page(status=404)
    local.pages["/broken.html"] = Page(b"oops", status=500)
    local.pages["/slow.html"] = Page(government_page().encode(), delay=3)
    local.pages["/loop.html"] = Page(status=302, headers={"Location": "/loop.html"})
    local.pages["/big.html"] = Page(
        b"<p>", headers={"Content-Length": str(10**10), "Content-Type": "text/html"}
    )
    local.pages["/endless.html"] = Page(b"<html><body>", headers={"Content-Type": "text/html"}, endless=True)
    local.pages["/fujian.pdf"] = Page(b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    local.pages["/photo"] = Page(b"\x89PNG", headers={"Content-Type": "image/png"})
    local.pages["/english.html"] = html_page(b"<p>No Chinese here.</p>")
    return {
        local.url("/gone.html"): ("HTTP 404 Not Found", "check the address: the page is not there"),
        local.url("/broken.html"): ("HTTP 500 Internal Server Error", "the site failed: try again later"),
        local.url("/slow.html"): ("the site sent nothing for 0.5 s (timed out)", "--timeout SECONDS"),
        local.url("/loop.html"): ("more than 10 redirects", "the address it ends at"),
        local.url("/big.html"): ("larger than 65,536 bytes", "split the document"),
        local.url("/endless.html"): ("larger than 65,536 bytes", "split the document"),
        local.url("/fujian.pdf"): ("PDF cannot be read (damaged or truncated)", "export or download"),
        local.url("/photo"): ("unsupported file type '.png'", "use .txt"),
        local.url("/english.html"): ("no Chinese text found", "Chinese plans and summaries"),
        f"http://127.0.0.1:{closed_port()}/jh.html": ("connection refused", "the site may be down"),
        f"https://127.0.0.1:{local.port}/jh.html": ("TLS handshake failed", "http:// or https://"),
        "http://[::1/jh.html": ("not a valid web address", "check the address"),
        "ftp://127.0.0.1/jh.html": ("not a web address tracker fetches", "http:// or https://"),
    }


def test_every_failed_fetch_is_one_line_a_non_zero_exit_and_no_change(
    runner, site, seeded, tmp_path, monkeypatch
):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 64 * 1024)
    for url, (problem, hint) in bad_cases(site).items():
        result = runner.invoke(cli, ["ingest", url, "--timeout", "0.5"])
        assert result.exit_code == 1, (url, result.output, result.stderr)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"tracker: {url}: {problem}"), line
        assert hint in line, line
        assert result.stdout == ""
        assert dump(tmp_path) == seeded, url


def test_a_host_that_is_not_found_is_named(runner, site, seeded, tmp_path, monkeypatch):
    import socket

    def no_such_host(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    result = runner.invoke(cli, ["ingest", "http://www.nosuch.example/jh.html"])
    assert result.exit_code == 1
    assert result.stderr == (
        "tracker: http://www.nosuch.example/jh.html: host not found (DNS) (check the address and the network)\n"
    )
    assert dump(tmp_path) == seeded


def test_a_certificate_that_cannot_be_verified_is_named(runner, tmp_path, seeded):
    """A TLS server with a self-signed certificate, as some government sites have."""
    import ssl
    import threading
    from http.server import HTTPServer, SimpleHTTPRequestHandler

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip("openssl cannot make a certificate here")
    server = HTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/jh.html"
        result = runner.invoke(cli, ["ingest", url])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"tracker: {url}: the site's TLS certificate cannot be verified (self"), line
    assert "save it as .html and ingest that file" in line
    assert dump(tmp_path) == seeded


def test_a_page_and_a_file_go_in_together_and_a_bad_page_does_not_stop_the_file(runner, site, tmp_path):
    site.pages[PLAN_URL_PATH] = html_page(government_page().encode("utf-8"))
    site.pages["/gone.html"] = Page(status=404)
    (tmp_path / "plan.txt").write_text(
        "广州市民政局2024年工作计划\n一、养老服务\n建成长者饭堂不少于200个。\n", encoding="utf-8"
    )
    result = runner.invoke(
        cli, ["ingest", site.url("/gone.html"), "plan.txt", site.url(PLAN_URL_PATH), "--no-match"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"tracker: {site.url('/gone.html')}: HTTP 404 Not Found (check the address: the page is not there, or has moved)"
    ]
    assert [path for path, _url, _enc in documents(tmp_path)] == [site.url(PLAN_URL_PATH), "plan.txt"]
