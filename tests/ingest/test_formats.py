"""The formats documents come in: each is built here from a bundled document's text, and must
parse exactly as the .txt does. The format is recognised from the content, not the name."""

from __future__ import annotations

import dataclasses
import html
import io
import zipfile

import pytest

from ingest.errors import IngestError
from ingest.formats import detect, extract_text
from ingest.parse import parse_document, parse_text
from tests.conftest import FIXTURES, MEASURES_FILE

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
DOCUMENTS = [
    FIXTURES / "000_406adca998e2ee8f.txt",
    FIXTURES / "002_97421f7f839ef75e.txt",
    MEASURES_FILE,
]


def lines_of(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def same_parse(path, fmt: str, data: bytes, name: str = "doc"):
    got_format, text = extract_text(name, data)
    assert got_format == fmt
    expected = dataclasses.asdict(parse_document(path.read_bytes()))
    assert dataclasses.asdict(parse_text(text)) == expected


# --- builders --------------------------------------------------------------------------------------


def as_html(lines: list[str], charset: str = "utf-8") -> bytes:
    """A saved page of a bureau's site: header, menu, breadcrumbs and footer around the text."""
    title, *body = lines
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in body if line.strip())
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{charset}"><title>{html.escape(title)}_武汉市人民政府</title>
<link rel="stylesheet" href="/css/main.css"><script src="/js/jquery.js"></script></head>
<body>
<div class="top"><a href="/">武汉市人民政府</a> <a href="/en/">English</a> <a href="/wza/">无障碍</a></div>
<nav class="menu"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/bsfw/">办事服务</a></li><li><a href="/zjwh/">走进武汉</a></li></ul></nav>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 建议提案办理</div>
<div class="article"><h1>{html.escape(title)}</h1>
<div class="meta">信息来源：本站 字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a> 打印本页</div>
<div class="content">{paragraphs}</div>
<div class="share">分享到：微信 微博</div></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="/a">国务院</a></li><li><a href="/b">湖北省人民政府</a></li></ul></div>
<footer><p>主办：武汉市人民政府办公厅 承办：武汉市大数据中心</p>
<p>鄂ICP备05003313号 鄂公网安备42010202000000号 网站标识码4201000003</p>
<a href="/sitemap/">网站地图</a> <a href="/contact/">联系我们</a></footer>
</body></html>"""
    return page.encode(charset)


def as_docx(lines: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(lines: list[str]) -> bytes:
    """A4 pages in a CJK font, one paragraph per line of the text, wrapped by the layout."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_font("wqy", fname=CJK_FONT)
    pdf.set_font("wqy", size=12)
    pdf.add_page()
    for line in lines:
        if line.strip():
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT", wrapmode=WrapMode.CHAR)
            pdf.ln(2)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF holding only a picture of a page, as a scanner makes it."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (600, 800), color=255)
    for x in range(100, 500):
        image.putpixel((x, 100), 0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(buffer, x=10, y=10, w=180)
    return bytes(pdf.output())


# --- the same parse from every format ------------------------------------------------------------


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_gb18030_text_parses_as_the_utf8_text(path):
    same_parse(path, "txt", path.read_text(encoding="utf-8").encode("gb18030"))


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_a_saved_web_page_parses_as_the_text(path):
    same_parse(path, "html", as_html(lines_of(path)), name="page.html")


def test_a_gbk_web_page_is_decoded_by_its_declared_charset():
    path = DOCUMENTS[0]
    same_parse(path, "html", as_html(lines_of(path), charset="gbk"), name="page.htm")


def test_the_site_furniture_is_dropped():
    _, text = extract_text("page.html", as_html(lines_of(DOCUMENTS[0])))
    for furniture in ("政务公开", "网站地图", "鄂ICP备", "分享到", "当前位置", "相关链接"):
        assert furniture not in text


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_a_word_document_parses_as_the_text(path):
    same_parse(path, "docx", as_docx(lines_of(path)), name="答复.docx")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name[:3])
def test_a_pdf_with_a_text_layer_parses_as_the_text(path):
    data = as_pdf(lines_of(path))
    assert data.count(b"/Type /Page") >= 3 or path != MEASURES_FILE  # spans pages
    same_parse(path, "pdf", data, name="答复.pdf")


def test_a_scanned_pdf_asks_for_ocr():
    with pytest.raises(IngestError, match="no text layer .*: OCR it first"):
        extract_text("scan.pdf", scanned_pdf())


# --- recognised from the content ----------------------------------------------------------------


def test_the_format_comes_from_the_content_not_the_name():
    lines = lines_of(DOCUMENTS[0])
    assert detect("reply.txt", as_docx(lines)) == "docx"
    assert detect("reply.txt", as_html(lines)) == "html"
    assert detect("reply.docx", "\n".join(lines).encode()) == "txt"
    assert detect("reply.html", as_pdf(lines[:3])) == "pdf"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Word .doc"),
        (b"{\\rtf1\\ansi hello}", "RTF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image, not a document: OCR it first"),
        (b"%PDF-1.4 garbage that is no pdf", "damaged or unreadable PDF"),
    ],
    ids=["doc", "rtf", "png", "broken-pdf"],
)
def test_other_formats_get_a_clear_error_naming_what_is_accepted(data, reason):
    with pytest.raises(IngestError, match=reason) as exc:
        extract_text("file.bin", data)
    if "damaged" not in reason:
        assert ".txt (UTF-8 or GB18030), .html" in str(exc.value)


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(IngestError, match="zip archive that is not a Word .docx"):
        extract_text("表格.xlsx", buffer.getvalue())


def test_a_docx_bomb_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    with pytest.raises(IngestError, match="unpacks to more than any real document"):
        extract_text("bomb.docx", data)


@pytest.mark.django_db
def test_the_command_takes_a_word_document(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from replies.models import Reply

    lines = [line.replace("20250597", "20259003") for line in lines_of(DOCUMENTS[0])]
    path = tmp_path / "答复.docx"
    path.write_bytes(as_docx(lines))
    out = StringIO()
    call_command("ingest", str(path), stdout=out)
    assert "答复.docx: created · " in out.getvalue()
    assert "20259003, 17 sections" in out.getvalue()
    assert Reply.objects.get(proposal_number="20259003").sections.count() == 17
