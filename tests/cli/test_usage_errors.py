"""Command-line mistakes are told in French, one sentence and the help to run, exit status 2."""

from __future__ import annotations

import pytest

from ess_nlp.cli import main

ENGLISH = ("Invalid", "Missing", "No such", "requires", "Usage", "Error", "Try ", "Got unexpected")


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    return int(stop.value.code or 0), capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "sentence", "help_line"),
    [
        (
            ("run", "corpus/sample", "--workers", "abc"),
            "Valeur invalide pour --workers : « abc » n'est pas un nombre entier.",
            "Aide : ess-nlp run --help",
        ),
        (
            ("topics", "--seed", "1.5"),
            "Valeur invalide pour --seed : « 1.5 » n'est pas un nombre entier.",
            None,
        ),
        (("run",), "Argument manquant : PATHS.", "Aide : ess-nlp run --help"),
        (
            ("export", "--format", "md"),
            "Option obligatoire manquante : --out / -o.",
            "Aide : ess-nlp export --help",
        ),
        (("run", "--bogus"), "Option inconnue : --bogus.", None),
        (("run", "--worker", "2"), "Option inconnue : --worker. Vouliez-vous dire --workers ?", None),
        (("runn",), "Commande inconnue : « runn ». Vouliez-vous dire « run » ?", "Aide : ess-nlp --help"),
        (("run", "corpus/sample", "--workers"), "L'option --workers attend une valeur.", None),
    ],
)
def test_usage_mistakes_are_one_french_sentence(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], sentence: str, help_line: str | None
) -> None:
    status, err = run_main(capsys, *args)
    assert status == 2
    lines = err.strip().splitlines()
    assert lines[0] == sentence
    assert len(lines) == 2 and lines[1].startswith("Aide : ess-nlp")
    if help_line is not None:
        assert lines[1] == help_line
    assert not any(word in err for word in ENGLISH)


def test_no_arguments_prints_the_help_only(capsys: pytest.CaptureFixture[str]) -> None:
    status, err = run_main(capsys)
    out = capsys.readouterr().out
    assert status == 2
    assert "Ligne de commande" not in err + out


def test_a_good_command_still_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])  # returns: no SystemExit, so status 0
    assert "Fouille de textes" in capsys.readouterr().out
