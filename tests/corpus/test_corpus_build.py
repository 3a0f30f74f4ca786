"""The corpus build: validation, failures with clear messages, determinism, hyphenation rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from corpus_extract import AUTHORING, CROSS_DIR, GOLD_DIR, SAMPLE_DIR


def test_check_passes_on_committed_specs(
    build_module: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build_module.main(["--check"]) == 0
    out = capsys.readouterr().out
    assert "Vérification réussie" in out
    assert "Par thème" in out and "Mots par cahier" in out


@pytest.mark.slow
def test_committed_outputs_are_up_to_date_and_deterministic(tmp_path: Path) -> None:
    """Rendering again gives byte-identical files to the committed ones (rebuild after editing a spec).

    The build runs in a fresh process: odfpy declares XML namespaces in the order a process
    first used them, so an in-process build after other ODF work writes other bytes.
    """
    build = subprocess.run(
        [sys.executable, str(AUTHORING / "build.py"), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    for sub, committed in (("sample", SAMPLE_DIR), ("crossformat", CROSS_DIR), ("gold", GOLD_DIR)):
        fresh = {p.relative_to(tmp_path / sub) for p in (tmp_path / sub).rglob("*") if p.is_file()}
        assert fresh, f"nothing rendered under {sub}/"
        stale = sorted(
            str(p) for p in fresh if (committed / p).read_bytes() != (tmp_path / sub / p).read_bytes()
        )
        assert not stale, f"committed {sub}/ files differ from a fresh build (run build.py): {stale}"
        orphans = sorted(
            str(p.relative_to(committed))
            for p in committed.rglob("*")
            if p.is_file() and p.relative_to(committed) not in fresh and sub != "gold"
        )
        assert not orphans, f"{sub}/ holds files no spec renders: {orphans}"


def _spec_dir_with(tmp_path: Path, change) -> Path:
    """A copy of spec c01 with one change applied, alone in a fresh specs folder."""
    specs = tmp_path / "specs"
    specs.mkdir()
    data = yaml.safe_load((AUTHORING / "specs" / "c01.yaml").read_text(encoding="utf-8"))
    change(data)
    (specs / "c01.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return specs


def _set(path: list, value: object):
    def change(data: dict) -> None:
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


BAD_SPECS = {
    "constat-not-verbatim": (
        _set(["constats", 0], "Un constat qui n'est pas dans le texte."),
        "ne figure pas mot pour mot",
    ),
    "unknown-domain": (_set(["domains"], ["jardiner"]), "domaine inconnu « jardiner »"),
    "unknown-theme": (_set(["themes"], ["T13"]), "thème inconnu « T13 »"),
    "missing-title": (lambda d: d.pop("title"), "champ obligatoire « title »"),
    "footnote-after-missing": (
        _set(["footnotes", 0, "after"], "mots absents du cahier"),
        "footnotes[0].after",
    ),
    "figure-missing": (
        _set(["initiatives", 0, "figures", 0, "text"], "999 familles"),
        "le chiffre « 999 familles »",
    ),
    "unknown-unit": (_set(["initiatives", 0, "figures", 0, "unit"], "litres"), "unité « litres » inconnue"),
    "bad-insee-code": (_set(["initiatives", 0, "place", "code"], "5951"), "code commune INSEE"),
    "unknown-key": (_set(["auteur"], "x"), "clés inconnues"),
    "prose-proposal-missing": (
        _set(["proposals_in_prose"], ["Il faudrait tout changer."]),
        "proposals_in_prose",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_fails_with_a_message_naming_the_spec(
    build_module: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    change, expected = BAD_SPECS[case]
    specs = _spec_dir_with(tmp_path, change)
    out = tmp_path / "out"
    assert build_module.main(["--specs", str(specs), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "c01.yaml" in err and expected in err, err
    assert not out.exists(), "a failed build must not write anything"


def test_unchanged_copy_of_a_spec_builds(build_module: ModuleType, tmp_path: Path) -> None:
    specs = _spec_dir_with(tmp_path, lambda d: None)
    assert build_module.main(["--specs", str(specs), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "sample" / "docx" / "c01-epicerie-solidaire-roubaix.docx").is_file()
    assert (tmp_path / "out" / "gold" / "sample.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_check_renders_nothing(build_module: ModuleType, tmp_path: Path) -> None:
    specs = _spec_dir_with(tmp_path, lambda d: None)
    assert build_module.main(["--check", "--specs", str(specs), "--out", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out").exists()


def test_hyphenation_points_follow_french_syllables(build_module: ModuleType) -> None:
    from cahiers_build.pdf import hyphen_points

    word = "coopération"
    splits = {word[:p] for p in hyphen_points(word)}
    assert {"coopé", "coopéra"} <= splits
    assert all(len(word[:p]) >= 3 and len(word[p:]) >= 3 for p in hyphen_points(word))
    assert "associa" in {"associations"[:p] for p in hyphen_points("associations")}
    # never inside acronyms, capitalised names, compounds, numbers or short words
    for word in ("PTCE", "Villeurbanne", "Deux-Sèvres", "2011", "maison", "SCIC"):
        assert hyphen_points(word) == [], word
