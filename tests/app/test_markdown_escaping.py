"""Text from documents, users and URLs never reaches Streamlit's Markdown unescaped (issue 19).

The scan reads every module of ``ess_nlp/app`` (AST, no import) and checks each call that
renders Markdown (``st.markdown``, captions, alerts, titles, widget, tab and expander labels,
toasts, page links…): its text must be a literal, or built only of literals, numbers, project
constants and values passed through ``md_escape`` / ``md_quote``. A value that is not must go
through the helper, so a cahier title such as ``![p](http://…)`` shows as text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ess_nlp.app.components.common import WORD_JOINER, md_escape

UI = Path(__file__).resolve().parents[2] / "ess_nlp" / "app"

# Streamlit calls whose text (first argument, ``label``, ``body``, ``help``) is rendered as Markdown.
MARKDOWN_CALLS = {
    "markdown", "caption", "write", "title", "header", "subheader",
    "info", "warning", "error", "success", "toast", "exception",
    "expander", "popover", "status", "spinner", "tabs", "page_link", "link_button",
    "button", "form_submit_button", "download_button", "checkbox", "toggle", "radio",
    "selectbox", "multiselect", "pills", "segmented_control", "text_input", "text_area",
    "number_input", "slider", "select_slider", "date_input", "file_uploader", "metric",
    "page_header",  # the project's title and caption (ess_nlp/app/components/common.py)
}  # fmt: skip
TEXT_KEYWORDS = {"label", "body", "help", "captions"}
# Receivers that are not Streamlit (loggers) and whose methods share a name.
NOT_STREAMLIT = {"logger", "log", "logging", "warnings"}
# The helpers whose result is inert, and calls that return numbers.
SAFE_CALLS = {"md_escape", "md_quote", "fr_int", "len", "int", "float", "round", "sum"}
# Fields that hold numbers (versions, counts, ids of syntheses), interpolated as they are.
NUMERIC_FIELDS = {"version", "n_texts", "cahiers", "page", "id"}
# A call whose lines carry this comment renders text the project builds (its pieces escaped
# where they are built); the comment says why, for the reader of the page.
MARKER = "# md:"


def is_safe(node: ast.expr) -> bool:
    """Whether ``node`` builds text only from literals, numbers, constants and escaped values."""
    match node:
        case ast.Constant():
            return True
        case ast.JoinedStr(values=values):
            return all(is_safe(v) for v in values)
        case ast.FormattedValue(value=value):
            return is_safe(value)
        case ast.BinOp(op=ast.Sub() | ast.Div() | ast.FloorDiv()):
            return True  # arithmetic: a number
        case ast.BinOp(left=left, right=right):
            return is_safe(left) and is_safe(right)
        case ast.IfExp(body=body, orelse=orelse):
            return is_safe(body) and is_safe(orelse)
        case ast.BoolOp(values=values):
            return all(is_safe(v) for v in values)
        case ast.List(elts=elts) | ast.Tuple(elts=elts):
            return all(is_safe(e) for e in elts)
        case ast.GeneratorExp(elt=elt) | ast.ListComp(elt=elt):
            return is_safe(elt)
        case ast.Call(func=ast.Attribute(attr="join", value=ast.Constant()), args=[arg]):
            return is_safe(arg)
        case ast.Call(func=ast.Name(id=name)) | ast.Call(func=ast.Attribute(attr=name)) if name in SAFE_CALLS:
            return True
        case ast.Call(func=ast.Attribute(attr="get", value=ast.Name(id=name)), args=[_, *rest]) if name.isupper():
            return all(is_safe(a) for a in rest)  # a project table's entry, its default checked
        case ast.Name(id=name):
            return name.isupper() or name in NUMERIC_FIELDS  # a module constant, a number
        case ast.Subscript(value=ast.Name(id=name)):
            return name.isupper()  # an entry of a project table
        case ast.Attribute(attr=attr):
            return attr in NUMERIC_FIELDS
    return False


def markdown_texts(tree: ast.AST, lines: list[str]) -> list[tuple[int, str, ast.expr]]:
    """``(line, call, text)`` for each text given to a call that renders Markdown."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute):
            name, receiver = node.func.attr, node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in NOT_STREAMLIT:
                continue
        elif isinstance(node.func, ast.Name) and node.func.id == "page_header":
            name = "page_header"
        else:
            continue
        if name not in MARKDOWN_CALLS or any(MARKER in line for line in lines[node.lineno - 1 : node.end_lineno]):
            continue
        texts = [k.value for k in node.keywords if k.arg in TEXT_KEYWORDS]
        if name == "page_header":
            texts += list(node.args) + [k.value for k in node.keywords if k.arg in ("title", "caption")]
        elif name != "page_link":  # page_link(page, label=…): the page is a path, not text
            texts += list(node.args[:1])
        found += [(node.lineno, name, text) for text in texts]
    return found


def unescaped_calls(source: str, name: str = "<page>") -> list[str]:
    return [
        f"{name}:{line}: st.{call}({ast.unparse(text)[:120]})"
        for line, call, text in markdown_texts(ast.parse(source), source.splitlines())
        if not is_safe(text)
    ]


def test_no_page_renders_an_unescaped_value_as_markdown() -> None:
    modules = sorted(UI.rglob("*.py"))
    assert len(modules) > 15
    problems = [p for path in modules for p in unescaped_calls(path.read_text(encoding="utf-8"), path.name)]
    assert not problems, "values rendered as Markdown without md_escape:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "st.subheader(row['title'])",
        "st.warning(f'Le cahier « {wanted} » n’existe pas')",
        "st.caption(' · '.join(bits))",
        "cols[0].markdown('**' + name + '**')",
        "st.expander(label)",
        "st.error(str(err))",
        "st.page_link(path, label=f'Ouvrir « {title} »')",
        "st.toast(flash)",
        "st.caption(f'{s.title} — {s.version}')",
    ],
)
def test_the_scan_catches_unescaped_values(source: str) -> None:
    assert unescaped_calls(source)


@pytest.mark.parametrize(
    "source",
    [
        "st.subheader(md_escape(row['title']))",
        "st.warning(f'Le cahier « {md_escape(wanted)} » n’existe pas')",
        "st.caption(' · '.join(md_escape(b) for b in bits))",
        "st.markdown(f'**{fr_int(len(rows))}** cahier(s), version {stored.version}')",
        "st.tabs(['Par domaine', 'Par thème'])",
        "st.toggle(LABEL, help=HELP)",
        "logger.warning(message)",
    ],
)
def test_the_scan_accepts_escaped_values_and_literals(source: str) -> None:
    assert not unescaped_calls(source)


@pytest.mark.parametrize(
    "payload",
    [
        "Cahier — ![p](http://127.0.0.1:8799/t.png) [Reconnectez-vous](http://127.0.0.1:8799/x)",
        "<img src=x onerror=alert(1)> <a href='http://x'>x</a>",
        "http://127.0.0.1:8799/x www.example.org contact@example.org",
        ":red[rouge] :material/warning: $x^2$ ~~barré~~ `code` # titre",
    ],
)
def test_md_escape_leaves_no_markdown_link_image_or_html(payload: str) -> None:
    escaped = md_escape(payload)
    assert not re.search(r"(?<!\\)[!\[\]()<>:@`$~#*_.&|]", escaped), escaped  # each one escaped
    text = escaped.replace("\\", "")  # what the Markdown parser leaves: no bare URL nor e-mail to link
    assert not re.search(r"(?i)https?:|www\.|[\w.+-]@", text), text
    assert text.replace(WORD_JOINER, "") == " ".join(payload.split())  # shows the same characters
