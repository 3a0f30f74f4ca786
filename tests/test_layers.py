"""The library core knows nothing of Streamlit or the CLI: only ``ess_nlp/app`` imports streamlit
and only ``ess_nlp/cli`` imports typer (read from the source, no import)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ess_nlp"
FRONTS = {"streamlit": "app", "typer": "cli", "click": "cli"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_the_app_imports_streamlit_and_only_the_cli_imports_typer() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        folder = path.relative_to(PACKAGE).parts[0]
        roots = imported_roots(path)  # parsed once, not once per front
        for module, owner in FRONTS.items():
            if module in roots and folder != owner:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {module}")
    assert not offenders, offenders


def test_the_scan_sees_the_app_and_the_cli() -> None:
    # Guards the test above against scanning nothing (a moved package would make it pass vacuously).
    assert "streamlit" in imported_roots(PACKAGE / "app" / "frame.py")
    assert "typer" in imported_roots(PACKAGE / "cli" / "__init__.py")


def test_the_app_pages_import_no_page() -> None:
    # Pages are scripts Streamlit runs; shared pieces live in components/ (one direction only).
    for path in sorted((PACKAGE / "app" / "components").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "from ess_nlp.app.pages" not in source, path.name
