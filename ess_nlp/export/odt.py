"""OpenDocument text (.odt) export with odfpy, made for print: an A4 page layout (margins, page
numbers in the footer, a cover page without them), French (``fo:language="fr"
fo:country="FR"``) in the default style and the metadata, a cover (logo, title, scope, working
group, version and date, organisation), headings with outline levels, proposals in a real
numbered list (``text:list`` with a list style: 1., a), i)), initiative cards, clickable web
addresses (``text:a``), and real footnotes (``text:note`` of class footnote) whose number is a
superscript call in the text and hangs apart from the note's text at the foot of the page."""

from __future__ import annotations

import datetime as dt
import io

from odf import dc, meta, teletype
from odf.draw import Frame, Image
from odf.element import Element
from odf.opendocument import OpenDocumentText
from odf.style import (
    DefaultStyle,
    FontFace,
    Footer,
    FooterStyle,
    HeaderFooterProperties,
    ListLevelLabelAlignment,
    ListLevelProperties,
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TextProperties,
)
from odf.text import (
    A,
    H,
    List,
    ListHeader,
    ListItem,
    ListLevelStyleBullet,
    ListLevelStyleNumber,
    ListStyle,
    Note,
    NoteBody,
    NoteCitation,
    NotesConfiguration,
    P,
    PageNumber,
    Span,
)

from ess_nlp.export._model import UNSOURCED, Block, Prepared, card_continues, clean_text, link_parts
from ess_nlp.export.template import ExportTemplate

_NUMBER_FORMATS = (("1", "."), ("a", ")"), ("i", ")"), ("1", "."))


def _font_family(name: str) -> str:
    return f"'{name}'" if " " in name else name


def _page(doc: OpenDocumentText, title: str) -> tuple[MasterPage, MasterPage]:
    """The A4 page layout; the master page of the body (footer with page numbers) and of the
    cover (no footer)."""
    layouts = []
    for name in ("pm1", "pm2"):
        layout = PageLayout(name=name)
        layout.addElement(
            PageLayoutProperties(
                pagewidth="21cm", pageheight="29.7cm", printorientation="portrait", margintop="2cm",
                marginbottom="1.5cm", marginleft="2.5cm", marginright="2.5cm",
            )
        )  # fmt: skip
        if name == "pm1":
            footer_style = FooterStyle()
            footer_style.addElement(HeaderFooterProperties(minheight="0.6cm", margintop="0.4cm"))
            layout.addElement(footer_style)
        doc.automaticstyles.addElement(layout)
        layouts.append(layout)
    footer_text = Style(name="Footer", family="paragraph", parentstylename="Standard")
    footer_text.addElement(ParagraphProperties(textalign="center"))
    footer_text.addElement(TextProperties(fontsize="8pt"))
    doc.styles.addElement(footer_text)
    body = MasterPage(name="Standard", pagelayoutname=layouts[0])
    footer = Footer()
    line = P(stylename=footer_text)
    teletype.addTextToElement(line, clean_text(title)[:90] + " — page ")
    line.addElement(PageNumber(selectpage="current", text="1"))
    footer.addElement(line)
    body.addElement(footer)
    cover = MasterPage(name="First_20_Page", displayname="First Page", pagelayoutname=layouts[1], nextstylename="Standard")
    doc.masterstyles.addElement(body)
    doc.masterstyles.addElement(cover)
    return body, cover


def _styles(doc: OpenDocumentText, template: ExportTemplate, cover_page: MasterPage) -> dict[str, Style]:
    colour = "#" + template.heading_colour
    for name in dict.fromkeys((template.font, template.headings)):
        doc.fontfacedecls.addElement(
            FontFace(name=name, fontfamily=_font_family(name), fontfamilygeneric="swiss", fontpitch="variable")
        )
    default = DefaultStyle(family="paragraph")
    default.addElement(TextProperties(fontname=template.font, fontsize="11pt", language="fr", country="FR"))
    doc.styles.addElement(default)
    standard = Style(name="Standard", family="paragraph")
    standard.addElement(TextProperties(fontname=template.font, language="fr", country="FR"))
    doc.styles.addElement(standard)

    def paragraph(name: str, *, size: str = "11pt", bold: bool = False, italic: bool = False,
                  margin_left: str = "0cm", indent: str = "0cm", outline: int | None = None,
                  space_before: str = "0.1cm", space_after: str = "0.15cm", heading: bool = False,
                  **extra: str) -> Style:  # fmt: skip
        attrs = {"name": name, "family": "paragraph", "parentstylename": "Standard"}
        if outline is not None:
            attrs["defaultoutlinelevel"] = str(outline)
        style = Style(**attrs)
        text_props = {"fontsize": size}
        if bold:
            text_props["fontweight"] = "bold"
        if italic:
            text_props["fontstyle"] = "italic"
        if heading:
            text_props |= {"fontname": template.headings, "color": colour}
        style.addElement(TextProperties(**text_props))
        style.addElement(
            ParagraphProperties(
                marginleft=margin_left, textindent=indent, margintop=space_before, marginbottom=space_after, **extra
            )
        )
        doc.styles.addElement(style)
        return style

    styles = {
        "title": paragraph("Title", size="24pt", bold=True, outline=1, space_before="0.5cm", heading=True),
        "subtitle": paragraph("Subtitle", size="14pt", space_before="0.2cm", heading=True),
        "cover": paragraph("Cover_20_line", size="12pt", space_before="0.1cm"),
        "cover_top": paragraph("Cover_20_top", space_before="5cm"),
        "organisation": paragraph("Cover_20_organisation", bold=True, space_before="8cm", breakafter="page"),
        "heading": paragraph(
            "Heading_20_1", size="15pt", bold=True, outline=1, space_before="0.4cm", heading=True, keepwithnext="always"
        ),
        "subheading": paragraph(
            "Heading_20_2", size="12.5pt", bold=True, outline=2, space_before="0.3cm", heading=True, keepwithnext="always"
        ),
        "paragraph": paragraph("Text_20_body"),
        "list": paragraph("List_20_Contents", space_before="0.05cm"),
        "field": paragraph("Initiative_20_card", margin_left="0.4cm", space_before="0cm", space_after="0.05cm"),
        "field_keep": paragraph(
            "Initiative_20_card_20_line", margin_left="0.4cm", space_before="0cm", space_after="0.05cm",
            keepwithnext="always",
        ),
        "footnote": paragraph(
            "Footnote", size="9pt", margin_left="0.5cm", indent="-0.5cm", space_before="0cm", space_after="0.05cm"
        ),
    }
    # the first paragraph of the cover opens the cover's page (no footer)
    first = Style(name="Cover_20_first", family="paragraph", parentstylename="Standard", masterpagename=cover_page)
    first.addElement(ParagraphProperties(margintop="0cm"))
    doc.styles.addElement(first)
    styles["cover_first"] = first
    for name, props in (
        ("Strong_20_Emphasis", {"fontweight": "bold"}),
        ("Emphasis", {"fontstyle": "italic"}),
        ("Internet_20_link", {"color": "#0563C1", "textunderlinestyle": "solid", "textunderlinewidth": "auto",
                              "textunderlinecolor": "font-color"}),
        ("Footnote_20_anchor", {"textposition": "super 58%"}),
        ("Footnote_20_Symbol", {}),
    ):  # fmt: skip
        text_style = Style(name=name, family="text")
        if props:
            text_style.addElement(TextProperties(**props))
        doc.styles.addElement(text_style)
        styles[name] = text_style
    doc.styles.addElement(
        NotesConfiguration(
            noteclass="footnote", citationstylename="Footnote_20_Symbol", citationbodystylename="Footnote_20_anchor",
            defaultstylename="Footnote", numformat="1", startvalue="0", footnotesposition="page",
            startnumberingat="document",
        )
    )  # fmt: skip
    return styles


def _list_styles(doc: OpenDocumentText, numbered: bool) -> tuple[ListStyle, ListStyle]:
    """The proposals' numbered list style (1. / a) / i)) and the bullets' list style."""

    def level(props_holder: Element, n: int) -> None:
        props = ListLevelProperties(listlevelpositionandspacemode="label-alignment")
        props.addElement(
            ListLevelLabelAlignment(
                labelfollowedby="listtab", listtabstopposition=f"{0.9 * (n + 1)}cm", textindent="-0.9cm",
                marginleft=f"{0.9 * (n + 1)}cm",
            )
        )  # fmt: skip
        props_holder.addElement(props)

    proposals = ListStyle(name="Propositions")
    for n, (fmt, suffix) in enumerate(_NUMBER_FORMATS):
        attrs = {"level": str(n + 1), "numformat": fmt if numbered else "", "stylename": "Strong_20_Emphasis"}
        if numbered:
            attrs["numsuffix"] = suffix
        style = ListLevelStyleNumber(**attrs)
        level(style, n)
        proposals.addElement(style)
    bullets = ListStyle(name="Puces")
    for n in range(2):
        bullet = ListLevelStyleBullet(level=str(n + 1), bulletchar="–")
        level(bullet, n)
        bullets.addElement(bullet)
    doc.styles.addElement(proposals)
    doc.styles.addElement(bullets)
    return proposals, bullets


class _Writer:
    def __init__(self, doc: OpenDocumentText, prepared: Prepared, template: ExportTemplate) -> None:
        self.doc, self.prepared, self.template = doc, prepared, template
        _, cover_page = _page(doc, prepared.title)
        self.styles = _styles(doc, template, cover_page)
        self.proposal_list, self.bullet_list = _list_styles(doc, prepared.doc.numbered)
        self.notes = {n.number: n for n in prepared.notes}
        self.stack: list[tuple[Element, Element | None]] = []  # (list, its last item) per level
        self.bullets: Element | None = None

    def text(self, el: Element, text: str) -> None:
        for piece, target in link_parts(clean_text(text)):
            if not piece:
                continue
            if target is None:
                teletype.addTextToElement(el, piece)
            else:
                link = A(href=target, type="simple", stylename=self.styles["Internet_20_link"])
                teletype.addTextToElement(link, piece)
                el.addElement(link)

    def note(self, el: Element, number: int) -> None:
        note = Note(id=f"ftn{number}", noteclass="footnote")
        note.addElement(NoteCitation(text=str(number)))
        body = NoteBody()
        p = P(stylename=self.styles["footnote"])
        self.text(p, self.notes[number].text)
        body.addElement(p)
        note.addElement(body)
        el.addElement(note)

    def paragraph(self, block: Block, style: Style, *, lead: str = "", label: str = "") -> P:
        el = P(stylename=style)
        if lead or label:
            strong = Span(stylename=self.styles["Strong_20_Emphasis"])
            teletype.addTextToElement(strong, lead or f"{label} : ")
            el.addElement(strong)
        self.text(el, block.text)
        if block.unsourced:
            flag = Span(stylename=self.styles["Emphasis"])
            teletype.addTextToElement(flag, " " + UNSOURCED)
            el.addElement(flag)
        if block.note is not None:
            self.note(el, block.note)
        return el

    def cover(self) -> None:
        cover, styles = self.prepared.front, self.styles
        top = P(stylename=styles["cover_first"])
        if self.template.logo is not None:
            logo = self.template.logo
            width = 4.5 if logo.ratio <= 1 else 4.5 / logo.ratio
            href = self.doc.addPicture(str(logo.path))
            frame = Frame(anchortype="as-char", width=f"{width:.2f}cm", height=f"{width * logo.ratio:.2f}cm", name="Logo")
            frame.addElement(Image(href=href, type="simple", show="embed", actuate="onLoad"))
            top.addElement(frame)
        self.doc.text.addElement(top)
        self.doc.text.addElement(P(stylename=styles["cover_top"]))
        title = H(outlinelevel=1, stylename=styles["title"])
        teletype.addTextToElement(title, clean_text(cover.title))
        self.doc.text.addElement(title)
        for n, line in enumerate(cover.lines()):
            p = P(stylename=styles["subtitle"] if n == 0 else styles["cover"])
            teletype.addTextToElement(p, clean_text(line))
            self.doc.text.addElement(p)
        closing = P(stylename=styles["organisation"])
        teletype.addTextToElement(closing, clean_text(self.template.organisation))
        self.doc.text.addElement(closing)

    def proposal(self, block: Block) -> None:
        depth = min(block.depth, len(_NUMBER_FORMATS) - 1)
        alternative = block.number == "Ou :"
        p = self.paragraph(block, self.styles["list"], lead="Ou : " if alternative else "")
        if not self.stack:
            top = List(stylename=self.proposal_list)
            self.doc.text.addElement(top)
            self.stack.append((top, None))
        del self.stack[depth + 1 :]
        if alternative:  # unnumbered: a second paragraph of the item before it
            holder = self._last_item(depth)
            if holder is None:
                header = ListHeader()
                header.addElement(p)
                self.stack[0][0].addElement(header)
            else:
                holder.addElement(p)
            return
        while len(self.stack) <= depth:  # open the sub-list in the last item of the level above
            parent = self.stack[-1][1]
            if parent is None:
                parent = ListItem()
                self.stack[-1][0].addElement(parent)
                self.stack[-1] = (self.stack[-1][0], parent)
            sub = List()
            parent.addElement(sub)
            self.stack.append((sub, None))
        item = ListItem()
        item.addElement(p)
        self.stack[depth][0].addElement(item)
        self.stack[depth] = (self.stack[depth][0], item)

    def _last_item(self, depth: int) -> Element | None:
        for level in range(min(depth, len(self.stack) - 1), -1, -1):
            found = self.stack[level][1]
            if found is not None:
                return found
        return None

    def block(self, block: Block, *, keep: bool = False) -> None:
        """Write ``block``; ``keep`` keeps it on the page of the next one (a card's lines)."""
        if block.kind != "proposal":
            self.stack = []
        if block.kind != "bullet":
            self.bullets = None
        styles = self.styles
        if block.kind == "title":
            self.cover()
        elif block.kind in ("heading", "subheading"):
            el = H(outlinelevel=1 if block.kind == "heading" else 2, stylename=styles[block.kind])
            teletype.addTextToElement(el, clean_text(block.text))
            self.doc.text.addElement(el)
        elif block.kind == "proposal":
            self.proposal(block)
        elif block.kind == "bullet":
            if self.bullets is None:
                self.bullets = List(stylename=self.bullet_list)
                self.doc.text.addElement(self.bullets)
            item = ListItem()
            item.addElement(self.paragraph(block, styles["list"]))
            self.bullets.addElement(item)
        elif block.kind == "field":
            style = styles["field_keep" if keep else "field"]
            self.doc.text.addElement(self.paragraph(block, style, label=block.label))
        else:
            self.doc.text.addElement(self.paragraph(block, styles["paragraph"]))


def _metadata(doc: OpenDocumentText, prepared: Prepared, template: ExportTemplate) -> None:
    cover = prepared.front
    author = f"Groupe de travail {cover.group}" if cover.group else template.organisation or "ess-nlp"
    moment = dt.datetime.combine(cover.date, dt.time(12, 0)).isoformat()
    doc.meta.addElement(dc.Title(text=clean_text(prepared.title)))
    doc.meta.addElement(dc.Subject(text=clean_text(cover.scope)))
    doc.meta.addElement(dc.Language(text="fr-FR"))
    doc.meta.addElement(dc.Creator(text=clean_text(author)))
    doc.meta.addElement(meta.InitialCreator(text=clean_text(author)))
    doc.meta.addElement(meta.CreationDate(text=moment))
    doc.meta.addElement(dc.Date(text=moment))
    doc.meta.addElement(dc.Description(text=cover.version))


def write_odt(prepared: Prepared, template: ExportTemplate | None = None) -> bytes:
    """The synthesis as an .odt file (bytes), laid out with ``template`` (defaults if None)."""
    template = template or ExportTemplate()
    doc = OpenDocumentText()
    writer = _Writer(doc, prepared, template)
    for at, block in enumerate(prepared.blocks):
        writer.block(block, keep=card_continues(prepared.blocks, at))
    _metadata(doc, prepared, template)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
