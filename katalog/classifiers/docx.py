"""A small DOCX (Office Open XML) writer for the published classifier: headings, paragraphs
and tables are all the document needs, so no library is pulled in for it. The package parts
are XML written out as they are, hence the long lines."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Sans" w:hAnsi="DejaVu Sans" w:cs="DejaVu Sans"/><w:sz w:val="18"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:sz w:val="40"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:pageBreakBefore/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="22"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="15"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="Grid"><w:name w:val="Grid"/><w:tblPr><w:tblBorders>
<w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/>
</w:tblBorders></w:tblPr></w:style>
</w:styles>"""


def _run(text: str, *, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def paragraph(text: str, style: str | None = None, *, bold: bool = False, rtl: bool = False) -> str:
    props = ""
    if style or rtl:
        props = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        props += ("<w:bidi/>" if rtl else "") + "</w:pPr>"
    return f"<w:p>{props}{_run(text, bold=bold)}</w:p>"


def table(header: list[str], rows: list[list[str]]) -> str:
    def row(cells: list[str], bold: bool = False) -> str:
        head = "<w:trPr><w:tblHeader/></w:trPr>" if bold else ""
        inner = "".join(f"<w:tc>{paragraph(c, bold=bold)}</w:tc>" for c in cells)
        return f"<w:tr>{head}{inner}</w:tr>"

    body = row(header, bold=True) + "".join(row(r) for r in rows)
    props = '<w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr>'
    return f"<w:tbl>{props}{body}</w:tbl>"


def _title(t: dict[str, Any]) -> str:
    return t["text"] + (f" [{t['lang']}]" if t["fallback"] else "")


def render(content: dict[str, Any]) -> bytes:
    """The published classifier as DOCX, from `publish.document_content`."""
    lab, rtl = content["labels"], content["rtl"]
    t = content["title"]
    parts = [
        paragraph(t["classification"], rtl=rtl),
        paragraph(t["version"], "Title", rtl=rtl),
        paragraph(t["validity"], rtl=rtl),
    ]
    if t["legal_base"]:
        parts.append(paragraph(f"{lab['approved']}: {t['legal_base']}", rtl=rtl))
    if t["as_published"]:
        parts.append(paragraph(t["as_published"], "Note", rtl=rtl))
    parts.append(paragraph(f"{lab['published_by']} {t['generated']}", "Note", rtl=rtl))
    parts.append(paragraph(lab["introduction"], "Heading1", rtl=rtl))
    parts += [paragraph(p, rtl=rtl) for p in content["introduction"]]
    parts.append(
        table(
            [lab["level"], lab["codes"]], [[x["name"], str(x["count"])] for x in content["levels"]]
        )
    )
    if content["fallback_note"]:
        parts.append(paragraph(content["fallback_note"], "Note", rtl=rtl))
    parts.append(paragraph(lab["structure"], "Heading1", rtl=rtl))
    for level in content["structure"]:
        parts.append(paragraph(level["name"], "Heading2", rtl=rtl))
        rows = [
            [i["code"], _title(i["title"]) + (f"\n{i['notes']}" if i["notes"] else "")]
            for i in level["items"]
        ]
        parts.append(table([lab["code"], lab["title"]], rows))
    parts.append(paragraph(lab["index"], "Heading1", rtl=rtl))
    parts.append(
        table([lab["title"], lab["code"]], [[e["title"], e["code"]] for e in content["index"]])
    )
    for n, annex in enumerate(content["annexes"], start=1):
        parts.append(paragraph(f"{lab['annex']} {n}. {annex['title']}", "Heading1", rtl=rtl))
        parts.append(paragraph(annex["note"], "Note", rtl=rtl))
        parts.append(
            table(
                [annex["source"], annex["target"]],
                [[r["code"], r["targets"]] for r in annex["rows"]],
            )
        )
    parts.append(paragraph(lab["changes"], "Heading1", rtl=rtl))
    parts.append(paragraph(content["changes"]["note"], "Note", rtl=rtl))
    changes = content["changes"]["rows"]
    if changes:
        header = [lab["change"], lab["old_codes"], lab["new_codes"], lab["title"]]
        parts.append(table(header, [[r["kind"], r["old"], r["new"], r["title"]] for r in changes]))
    else:
        parts.append(paragraph(lab["no_changes"], rtl=rtl))
    body = "".join(parts)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1247" w:right="1134" w:bottom="1247" w:left="1134"/></w:sectPr>'
        "</w:body></w:document>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(t['version'])}</dc:title><dc:language>{escape(content['lang'])}</dc:language>"
        "</cp:coreProperties>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", STYLES)
        z.writestr("docProps/core.xml", core)
    return out.getvalue()
