"""Building blocks for the default Word templates (used by build_templates.py).

Calibri is the font: it is what municipal Word documents use, Word has it everywhere,
and LibreOffice substitutes the metric-compatible Carlito (installed with
fonts-crosextra-carlito), so line and page breaks in the PDF match the DOCX.
"""

from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Calibri"
# The language Word spell-checks and hyphenates in, and that the PDF declares to screen
# readers. A school writing nynorsk uploads its own template declaring "nn-NO"; the
# engine keeps a template's language (trygg/documents/package.py).
LANGUAGE = "nb-NO"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MARK_RED = RGBColor(0x9C, 0x1C, 0x1C)
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "DCE3EC"
LABEL_FILL = "F2F4F7"


def new_document(title: str, landscape: bool = False) -> DocumentObject:
    doc = Document()
    props = doc.core_properties
    # Neutral metadata; the engine sets title/subject per document after rendering.
    props.title, props.author, props.last_modified_by = title, "Trygg", "Trygg"
    props.subject, props.keywords, props.comments = "Opplæringslova kapittel 12", "", ""
    props.language = LANGUAGE
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.6), Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)
    _styles(doc)
    _language(doc)
    _drop_styles_with_effects(doc)
    return doc


def _language(doc: DocumentObject) -> None:
    # python-docx's default template says en-US in the default run properties and the
    # theme font language: Word then spell-checks Norwegian as English.
    lang = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if lang is not None:
        element = lang.find(qn("w:lang"))
        if element is None:
            element = OxmlElement("w:lang")
            lang.append(element)
        element.set(qn("w:val"), LANGUAGE)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)


def _drop_styles_with_effects(doc: DocumentObject) -> None:
    # A Word 2010 copy of styles.xml (430 KB) that no current Word or LibreOffice reads;
    # it would keep the old language and double every template's size.
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(r_id)


def _font(style_font: object, size: float, bold: bool = False) -> None:
    style_font.name = FONT  # type: ignore[attr-defined]
    style_font.size = Pt(size)  # type: ignore[attr-defined]
    style_font.bold = bold  # type: ignore[attr-defined]


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    _font(normal.font, 10.5)
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    for name, size, before in (("Title", 20, 0), ("Heading 1", 13, 14), ("Heading 2", 11, 8)):
        style = doc.styles[name]
        _font(style.font, size, bold=True)
        style.font.color.rgb = ACCENT
        style.font.italic = False
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:asciiTheme"), "minorHAnsi")
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            style.element.rPr.rFonts.attrib.pop(qn(attr), None)
    title = doc.styles["Title"]
    # python-docx's Title style has a thick blue bottom border; a plain rule reads calmer.
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    title.paragraph_format.space_after = Pt(2)
    # The built-in header/footer styles carry centre and right tab stops for US Letter;
    # they would catch our right-aligned text in the middle of an A4 page.
    for name in ("Header", "Footer"):
        ppr = doc.styles[name].element.get_or_add_pPr()
        for tabs in ppr.findall(qn("w:tabs")):
            ppr.remove(tabs)


def _border(paragraph: Paragraph, side: str, color: str = "8A99AD") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", color)):
        line.set(qn(key), value)
    borders.append(line)
    ppr.append(borders)


def _field(paragraph: Paragraph, instruction: str, size: float) -> None:
    # A complex field (begin/instr/separate/end) is what Word writes and LibreOffice reads.
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def header_and_footer(doc: DocumentObject, marked: bool = True) -> None:
    """Municipality, school, reference and date; `marked` adds the confidentiality line,
    which only the case documents carry (a kvittering holds nothing confidential)."""
    section = doc.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    header = section.header
    first = header.paragraphs[0]
    first.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    first.add_run("{{ municipality }}").bold = True
    first.add_run("\tRef.: {{ reference }}")
    second = header.add_paragraph()
    second.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    second.add_run("{{ school_name }}")
    second.add_run("\tDato: {{ document_date }}")
    if marked:
        mark = header.add_paragraph()
        run = mark.add_run("{{ marking }}")
        run.font.size, run.font.color.rgb, run.bold = Pt(9), MARK_RED, True
    _border(header.paragraphs[-1], "bottom")
    for paragraph in header.paragraphs:
        paragraph.paragraph_format.space_after = Pt(0)

    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    label = footer.add_run("{{ document_title }} · Ref. {{ reference }}")
    label.font.size, label.font.color.rgb = Pt(8.5), GREY
    footer.add_run("\tSide ").font.size = Pt(8.5)
    _field(footer, "PAGE", 8.5)
    footer.add_run(" av ").font.size = Pt(8.5)
    _field(footer, "NUMPAGES", 8.5)
    _border(footer, "top")


def title(doc: DocumentObject, text: str, subtitle: str) -> None:
    doc.add_paragraph(text, style="Title")
    sub = doc.add_paragraph()
    run = sub.add_run(subtitle)
    run.italic, run.font.color.rgb = True, GREY
    sub.paragraph_format.space_after = Pt(10)


def heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    # Keep-with-next is in the heading styles too; set on the paragraph as well, since a
    # municipality may restyle the headings, and a heading alone at a page foot is ugly.
    doc.add_heading(text, level=level).paragraph_format.keep_with_next = True


def text(
    doc: DocumentObject, content: str, *, small: bool = False, italic: bool = False
) -> Paragraph:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(content)
    run.italic = italic
    if small:
        run.font.size, run.font.color.rgb = Pt(9), GREY
    return paragraph


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shading.set(qn(key), value)
    tcpr.append(shading)


def _row_flag(row: object, flag: str) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(OxmlElement(f"w:{flag}"))


def _keep_with_next(table: Table) -> None:
    # Word keeps a row whose paragraphs are keep-with-next on the page of the next row,
    # and LibreOffice reads a table of such rows as "keep with next paragraph".
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _cell_text(cell: _Cell, content: str, bold: bool = False, size: float = 10) -> None:
    lines = content.split("\n")
    cell.paragraphs[0].text = ""
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(1)
        run = paragraph.add_run(line)
        run.bold, run.font.size = bold, Pt(size)


def _table(doc: DocumentObject, widths: Sequence[float], rows: int) -> Table:
    table = doc.add_table(rows=rows, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    return table


def facts(
    doc: DocumentObject, pairs: Sequence[tuple[str, str]], widths: Sequence[float] = (4.0, 12.6)
) -> None:
    """A key/value box: labels shaded on the left."""
    table = _table(doc, widths, len(pairs))
    for row, (label, value) in zip(table.rows, pairs, strict=True):
        _cell_text(row.cells[0], label, bold=True)
        _shade(row.cells[0], LABEL_FILL)
        _cell_text(row.cells[1], value)
        _row_flag(row, "cantSplit")
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def loop_table(
    doc: DocumentObject,
    headers: Sequence[str],
    cells: Sequence[str],
    widths: Sequence[float],
    loop: str,
    keep_with_next: bool = False,
) -> Paragraph:
    """Header row repeated on every page, then one unsplittable row per item of the loop.

    `loop` is "m in measures"; the {%tr %} tags sit in rows of their own, which docxtpl
    removes, as its row-loop rules require. `keep_with_next` keeps the table's end on the
    page of what follows (the signature block). Returns the spacer paragraph after it.
    """
    table = _table(doc, widths, 4)
    head, opener, body, closer = table.rows
    for cell, label in zip(head.cells, headers, strict=True):
        _cell_text(cell, label, bold=True, size=9.5)
        _shade(cell, HEADER_FILL)
    _row_flag(head, "tblHeader")
    _row_flag(head, "cantSplit")
    _cell_text(opener.cells[0], f"{{%tr for {loop} %}}")
    for cell, content in zip(body.cells, cells, strict=True):
        _cell_text(cell, content)
    _row_flag(body, "cantSplit")
    _cell_text(closer.cells[0], "{%tr endfor %}")
    if keep_with_next:
        _keep_with_next(table)
    spacer = doc.add_paragraph()
    spacer.paragraph_format.space_after = Pt(2)
    spacer.paragraph_format.keep_with_next = keep_with_next
    return spacer


def legend(doc: DocumentObject) -> None:
    """The labels' key. It ends every case document and is kept with the signature block
    after it, so a page never holds the signatures alone."""
    heading(doc, "Forklaring av betegnelser")
    text(
        doc,
        "Andre elever og deres foresatte er anonymisert i dette dokumentet. Koblingen "
        "mellom navn og betegnelse oppbevares i skolens saksbehandlingssystem.",
        small=True,
    ).paragraph_format.keep_with_next = True
    loop_table(
        doc,
        ("Betegnelse", "Beskrivelse"),
        ("{{ l.label }}", "{{ l.description }}"),
        (5.0, 11.6),
        "l in legend",
        keep_with_next=True,
    )
    text(doc, "{%p if not legend %}")
    none = text(doc, "Ingen andre personer er omtalt i dokumentet.")
    none.paragraph_format.keep_with_next = True
    text(doc, "{%p endif %}")


def signature(doc: DocumentObject, signers: Sequence[str]) -> None:
    """One column per signer: the role, then a labelled cell for place and date and one
    for the signature; then the end marker the post-render guard looks for.

    Every paragraph keeps with the next, down to the end marker: the block never splits,
    and with the keep on what precedes it (legend, list) it never stands alone on a page.
    """
    heading(doc, "Underskrift")
    width = 16.6 / 2
    table = _table(doc, [width] * len(signers), 3)
    role, place, sign = table.rows
    for index, signer in enumerate(signers):
        _cell_text(role.cells[index], signer, bold=True, size=9.5)
        _shade(role.cells[index], LABEL_FILL)
        _cell_text(place.cells[index], "Sted og dato\n", size=9)
        _cell_text(sign.cells[index], "Underskrift\n\n", size=9)
    for row in table.rows:
        _row_flag(row, "cantSplit")
    _keep_with_next(table)
    end = doc.add_paragraph()
    end.paragraph_format.space_before = Pt(12)
    end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = end.add_run("{{ end_marker }}")
    run.font.size, run.font.color.rgb = Pt(8), GREY
