"""Plain-text renderings: .txt, .md, .html and the CSV form export."""

from __future__ import annotations

import csv
import html
import io

import yaml

from .model import CSV_COLUMNS, CSV_HEADER, DOMAIN_LABELS, Cahier, El

# --------------------------------------------------------------------------------------------
# Plain text renderings (.txt, .md, CSV cells)
# --------------------------------------------------------------------------------------------


def with_notes(el: El, fmt: str) -> str:
    """Element text with footnote markers inserted in the given syntax."""
    text = el.text
    for pos, marker in sorted(el.notes, reverse=True):
        mark = {"txt": f"[{marker}]", "md": f"[^{marker}]"}[fmt]
        text = text[:pos] + mark + text[pos:]
    return text


def render_text_cahier(c: Cahier, fmt: str) -> str:
    """One cahier as .txt or .md text (no trailing newline)."""
    layout = c.style.get("headings")
    out: list[str] = []  # paragraphs; a list block is one paragraph of several lines
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append("\n".join(lines))
            lines.clear()

    for el in c.elements:
        if el.kind in ("item", "alt"):
            indent = "   " * el.depth
            if el.kind == "item":
                lines.append(f"{indent}{el.marker} {with_notes(el, fmt)}")
            else:
                lines.append(f"{indent}{with_notes(el, fmt)}")
            continue
        flush()
        if el.kind == "banner":
            out.append(el.text)
        elif el.kind == "title":
            out.append(("# " if fmt == "md" else "") + el.text)
        elif el.kind == "heading":
            out.append(("## " if fmt == "md" and layout == "markdown" else "") + el.text)
        elif el.kind == "para":
            out.append(with_notes(el, fmt))
        elif el.kind == "table":
            if fmt == "md":
                rows = [f"| {' | '.join(el.rows[0])} |", "|" + "|".join("---" for _ in el.rows[0]) + "|"]
                rows += [f"| {' | '.join(r)} |" for r in el.rows[1:]]
            else:
                rows = [" | ".join(r) for r in el.rows]
            out.append("\n".join(rows))
    flush()
    if c.footnotes:
        if fmt == "md":
            out.append("\n".join(f"[^{f['marker']}]: {f['text']}" for f in c.footnotes))
        else:
            out.append("Notes\n" + "\n".join(f"[{f['marker']}] {f['text']}" for f in c.footnotes))
    return "\n\n".join(out)


def render_text_file(cahiers: list[Cahier], fmt: str) -> bytes:
    parts = []
    for i, c in enumerate(cahiers):
        if i:
            parts.append(c.style["separator"])
        parts.append(render_text_cahier(c, fmt))
    text = "\n\n".join(parts) + "\n"
    encoding = cahiers[0].style.get("encoding", "utf-8")
    return text.encode(encoding)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

HTML_HEAD = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="{charset}">
<title>{title} — Cahiers d'espérance</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
<p class="site-name"><a href="/">États généraux de l'économie sociale et solidaire</a></p>
<nav class="main-nav">
<ul>
<li><a href="/">Accueil</a></li>
<li><a href="/cahiers/">Les cahiers d'espérance</a></li>
<li><a href="/agenda/">Agenda des rencontres</a></li>
<li><a href="/deposer/">Déposer un cahier</a></li>
<li><a href="/contact/">Contact</a></li>
</ul>
</nav>
<p class="breadcrumb"><a href="/">Accueil</a> &gt; <a href="/cahiers/">Cahiers</a> &gt; {domain}</p>
</header>
<main>
<article class="cahier">
"""

HTML_FOOT = """</article>
<aside class="sidebar">
<h3>Derniers cahiers publiés</h3>
<ul>
<li><a href="/cahiers/une-epicerie-solidaire-a-roubaix/">Une épicerie solidaire à Roubaix</a></li>
<li><a href="/cahiers/mutualiser-les-emplois-associatifs/">Mutualiser les emplois associatifs</a></li>
<li><a href="/cahiers/la-monnaie-locale-en-debat/">La monnaie locale en débat</a></li>
</ul>
</aside>
</main>
<footer class="site-footer">
<p>Les contenus publiés engagent leurs seuls auteurs. Mentions légales — Plan du site — Flux RSS</p>
<p>© 2011 Collectif des États généraux de l'ESS</p>
</footer>
</body>
</html>
"""


def html_inline(el: El) -> str:
    text = el.text
    out = []
    last = 0
    for pos, marker in sorted(el.notes):
        out.append(html.escape(text[last:pos], quote=False))
        out.append(f'<sup><a href="#fn{marker}" id="fnref{marker}">{html.escape(marker)}</a></sup>')
        last = pos
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def ol_attrs(pattern: str | None) -> str:
    if pattern and pattern[0] in "aAi":
        return f' type="{pattern[0]}"'
    return ""


def render_html(c: Cahier) -> bytes:
    encoding = c.style.get("encoding", "utf-8")
    charset = "windows-1252" if encoding == "cp1252" else "utf-8"
    out = [
        HTML_HEAD.format(
            charset=charset,
            title=html.escape(c.spec["title"], quote=False),
            domain=html.escape(DOMAIN_LABELS[c.spec["domains"][0]], quote=False),
        )
    ]
    els = c.elements
    i = 0
    while i < len(els):
        el = els[i]
        if el.kind == "banner":
            out.append(f'<p class="banner">{html.escape(el.text, quote=False)}</p>\n')
        elif el.kind == "title":
            out.append(f"<h1>{html.escape(el.text, quote=False)}</h1>\n")
        elif el.kind == "heading":
            out.append(f"<h2>{html.escape(el.text, quote=False)}</h2>\n")
        elif el.kind == "para":
            out.append(f"<p>{html_inline(el)}</p>\n")
        elif el.kind == "table":
            out.append(
                "<table>\n<thead><tr>"
                + "".join(f"<th>{html.escape(h, quote=False)}</th>" for h in el.rows[0])
                + "</tr></thead>\n<tbody>\n"
            )
            for row in el.rows[1:]:
                out.append(
                    "<tr>" + "".join(f"<td>{html.escape(x, quote=False)}</td>" for x in row) + "</tr>\n"
                )
            out.append("</tbody>\n</table>\n")
        elif el.kind == "item":
            lid = el.list_id
            group = []
            while i < len(els) and els[i].list_id == lid and els[i].kind in ("item", "alt"):
                group.append(els[i])
                i += 1
            out.append(render_html_list(group))
            continue
        i += 1
    if c.footnotes:
        out.append('<section class="notes">\n<ol class="footnotes">\n')
        for f in c.footnotes:
            out.append(
                f'<li id="fn{f["marker"]}">{html.escape(f["text"], quote=False)} '
                f'<a href="#fnref{f["marker"]}">↩</a></li>\n'
            )
        out.append("</ol>\n</section>\n")
    out.append(HTML_FOOT)
    return "".join(out).encode(encoding)


def render_html_list(group: list[El]) -> str:
    top = group[0]
    tag = "ol" if top.numbered else "ul"
    out = [f"<{tag}{ol_attrs(top.pattern) if top.numbered else ''}>\n"]
    j = 0
    while j < len(group):
        el = group[j]
        out.append(f"<li>{html_inline(el)}")
        j += 1
        subs = []
        while j < len(group) and group[j].depth == 1:
            subs.append(group[j])
            j += 1
        if subs:
            stag = "ol" if subs[0].numbered else "ul"
            out.append(f"\n<{stag}{ol_attrs(subs[0].pattern) if subs[0].numbered else ''}>\n")
            out.extend(f"<li>{html_inline(s)}</li>\n" for s in subs)
            out.append(f"</{stag}>\n")
        while j < len(group) and group[j].kind == "alt":
            out.append(f'\n<p class="alternative">{html_inline(group[j])}</p>\n')
            j += 1
        out.append("</li>\n")
    out.append(f"</{tag}>\n")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# CSV form export
# --------------------------------------------------------------------------------------------


def csv_cell(c: Cahier, column: str) -> str:
    lines = []
    in_block = False
    for el in c.elements:
        if el.kind == "heading":
            in_block = el.text == column
            continue
        if not in_block:
            continue
        if el.kind == "item":
            lines.append(("   " * el.depth) + el.marker + " " + el.text)
        elif el.kind in ("para", "alt"):
            lines.append(el.text)
    return "\n".join(lines)


def render_csv(cahiers: list[Cahier]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for n, c in enumerate(cahiers, start=1):
        s = c.spec
        org = s["organisations"][0]
        names = " ; ".join(o["name"] for o in s["organisations"])
        t = s["territory"]
        urls = [u for ini in s.get("initiatives") or [] for u in ini.get("urls") or []]
        writer.writerow(
            [
                str(n),
                str(s.get("date", f"{(n % 27) + 1:02d}/01/2011")),
                s["title"],
                names,
                org.get("legal_form") or "",
                t.get("commune") or "",
                t.get("departement") or "",
                t.get("region") or "",
                ", ".join(DOMAIN_LABELS[d] for d in s["domains"]),
                csv_cell(c, "Présentation de l'initiative"),
                csv_cell(c, "Constats"),
                csv_cell(c, "Propositions"),
                urls[0] if urls else "",
            ]
        )
    return buf.getvalue().encode("cp1252")


def render_columns_yaml() -> bytes:
    head = (
        "# Column mapping of formulaire-en-ligne.csv (a sidecar: read by the ingester, never ingested).\n"
        "# Generated by corpus/authoring/build.py; see corpus/authoring/SPEC.md.\n"
    )
    return (head + yaml.safe_dump(CSV_COLUMNS, allow_unicode=True, sort_keys=False)).encode("utf-8")
