"""The formats documents come in, recognised from their bytes (the extension only breaks ties):
plain text (UTF-8 or GB18030), a saved web page, a Word .docx and a PDF with a text layer.
Each becomes plain text with one paragraph a line, which the parsers read."""

from __future__ import annotations

import io
import re
import statistics
import zipfile

from .errors import IngestError
from .text import SENTENCE_END, decode_bytes

ACCEPTED = (
    ".txt (UTF-8 or GB18030), .html (a saved web page), .docx (Word) or .pdf with a text layer"
)
# A .docx is a zip: its XML is refused past this size before it is parsed (a zip bomb is small).
MAX_UNZIPPED = 40 * 1024 * 1024
_HTML_START = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)


_IMAGES = (
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def detect(name: str, data: bytes) -> str:
    """ "txt", "html", "docx" or "pdf"; anything else is an IngestError naming what is accepted."""
    head = data[:2048]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            raise IngestError("a damaged zip or .docx file") from None
        raise IngestError(f"a zip archive that is not a Word .docx; accepted: {ACCEPTED}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            f"an old Word .doc (or other Office 97) file: save it as .docx; accepted: {ACCEPTED}"
        )
    if head.startswith(b"{\\rtf"):
        raise IngestError(f"an RTF file: save it as .docx; accepted: {ACCEPTED}")
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(stripped) or (
        name.lower().endswith((".html", ".htm")) and b"<" in stripped
    ):
        return "html"
    for magic, label in _IMAGES:
        if head.startswith(magic):
            raise IngestError(
                f"a binary {label} image, not a document: OCR it first; accepted: {ACCEPTED}"
            )
    if b"\x00" in head or _looks_binary(head):
        raise IngestError(f"a binary file, not a format the portal reads; accepted: {ACCEPTED}")
    return "txt"


def _looks_binary(head: bytes) -> bool:
    controls = sum(1 for b in head if b < 32 and b not in b"\n\r\t\f")
    return controls > max(3, len(head) // 100)


def extract_text(name: str, data: bytes) -> tuple[str, str]:
    """(format, text) for a file's bytes."""
    if not data.strip():
        raise IngestError("the file is empty")
    fmt = detect(name, data)
    text = {"txt": decode_bytes, "html": html_text, "docx": docx_text, "pdf": pdf_text}[fmt](data)
    return fmt, text


# --- HTML ------------------------------------------------------------------------------------------


def html_text(data: bytes) -> str:
    """The main text of a saved web page, without the site's navigation, menus and footer."""
    import trafilatura
    from trafilatura.settings import Document

    html = _decode_html(data)
    extracted = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=True,
        with_metadata=True,
    )
    # A Document, or None when nothing was found (a dict only with as_dict=True).
    result = extracted if isinstance(extracted, Document) else None
    text = (result.text if result is not None else "") or ""
    title = (result.title if result is not None else "") or ""
    # Publishing sites put the document's own title in the page's heading, which the article
    # body may leave out; the parsers need it.
    if title and title.strip() not in text[: len(title) + 200]:
        heading = _main_heading(html, title)
        if heading:
            text = heading + "\n" + text
    if not text.strip():
        raise IngestError("the web page has no main text")
    return decode_bytes(text.encode("utf-8"))


def _decode_html(data: bytes) -> str:
    """HTML bytes to text: the declared charset, else UTF-8, else GB18030."""
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    encodings = [declared.group(1).decode("ascii").lower()] if declared else []
    for encoding in [*encodings, "utf-8-sig", "gb18030"]:
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise IngestError("the web page is neither UTF-8 nor GB18030 text")


def _main_heading(html: str, title: str) -> str:
    """The page's <h1> (or its <title> without the site's name after a separator)."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return ""
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if text:
            return text
    return re.split(r"\s*[-_|｜—]\s*", title)[0].strip()


# --- Word .docx ---------------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    """The paragraphs (and table cells) of a .docx in document order, one a line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
            raise IngestError(
                "the .docx unpacks to more than any real document; is it the right file?"
            )
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise IngestError(f"a damaged .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append(" ".join(cell.text for cell in row.cells))
    return decode_bytes("\n".join(lines).encode("utf-8"))


# --- PDF --------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    """The text layer of a PDF, with lines wrapped by the layout joined back into paragraphs."""
    import pdfplumber

    paragraphs: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if pdf.doc.is_extractable is False:
                raise IngestError("the PDF does not allow its text to be extracted")
            for page in pdf.pages:
                _page_paragraphs(page, paragraphs)
                page.flush_cache()
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged or encrypted file
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise IngestError("the PDF is password-protected") from None
        raise IngestError(f"a damaged or unreadable PDF file ({name})") from None
    text = "\n".join(p.rstrip(_CONTINUES) for p in paragraphs)
    if not text.strip():
        raise IngestError("the PDF has no text layer (a scanned document): OCR it first")
    return decode_bytes(text.encode("utf-8"))


_CONTINUES = "\x00"  # marks a paragraph that runs on at the top of the next page
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def _page_paragraphs(page, paragraphs: list[str]) -> None:
    """A line continues the paragraph above when that line ran to the right margin, the gap
    between them is an ordinary line gap and the line is not indented."""
    lines = [
        line
        for line in page.extract_text_lines(layout=False, strip=True, return_chars=True)
        if line["text"].strip()
    ]
    if not lines:
        return
    right = max(line["x1"] for line in lines)
    left = min(line["x0"] for line in lines)
    sizes = [c["size"] for line in lines for c in line["chars"][:5] if c.get("size")]
    char = statistics.median(sizes) if sizes else 10
    gaps = [
        b["top"] - a["top"] for a, b in zip(lines, lines[1:], strict=False) if b["top"] > a["top"]
    ]
    line_gap = statistics.median(gaps) if gaps else char * 1.5
    continues = bool(paragraphs) and paragraphs[-1].endswith(_CONTINUES)
    if continues:
        paragraphs[-1] = paragraphs[-1][: -len(_CONTINUES)]
    previous = None
    for line in lines:
        text = line["text"].strip()
        indented = line["x0"] > left + char
        if previous is not None and line["top"] - previous["top"] > line_gap * 1.25:
            continues = False
        if continues and not indented:
            paragraphs[-1] = _join(paragraphs[-1], text)
        else:
            paragraphs.append(text)
        continues = line["x1"] >= right - 1.5 * char
        previous = line
    # Across a page break there is no gap or indent to go by: a full last line that ends a
    # sentence ends its paragraph (the parsers rejoin a paragraph cut mid-sentence anyway).
    if continues and not paragraphs[-1].endswith(tuple(SENTENCE_END)):
        paragraphs[-1] += _CONTINUES


def _join(paragraph: str, line: str) -> str:
    """Wrapped lines of Chinese text join directly; words of a Latin paragraph get a space."""
    latin = not _CJK_CHAR.search(paragraph) and paragraph[-1:].isalpha() and line[:1].isalpha()
    return paragraph + (" " if latin else "") + line
