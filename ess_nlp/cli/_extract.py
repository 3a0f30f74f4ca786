"""Command ``ess-nlp extract``: proposals, findings and initiative cards of files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, cast

import typer

from ess_nlp.cli._common import JsonOption, QuietOption, progress_bar
from ess_nlp.errors import EssNlpError

FilesArgument = Annotated[list[Path], typer.Argument(help="Fichiers ou dossiers (parcourus récursivement).")]
KindOption = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help="Ne garder que ce type : proposal, constat ou initiative (répétable)."),
]
KINDS = ("proposal", "constat", "initiative")


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(files: FilesArgument, json_output: JsonOption = False, kind: KindOption = None,
            quiet: QuietOption = False) -> None:
    """Extrait les propositions, les constats et les initiatives de fichiers.

    Avec --json, une ligne JSON par objet, avec "kind" parmi proposal, constat, initiative :
    proposal {kind, id, text, source, start, end, cahier, section, number, parent, kind_score} ;
    constat {kind, id, text, source, start, end, cahier, section, kind_score} ;
    initiative {kind, id, name, text, source, start, end, porteur, organisations, legal_forms,
    places [{name, level, code}], urls, figures [{text, value, unit}]}.
    start/end indexent le texte affiché par « ess-nlp text FILE ». Un document qui n'est qu'une
    table des matières le dit en une phrase sur la sortie d'erreur.
    """
    from ess_nlp.extract import extract_units, extraction_pipeline
    from ess_nlp.ingest import iter_source_files, read_document
    from ess_nlp.segment import split_document

    wanted = set(kind or KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        typer.echo(
            f"--kind : type « {sorted(unknown)[0]} » inconnu ; types permis : {', '.join(KINDS)}.", err=True
        )
        raise typer.Exit(2)
    failed = False
    try:
        paths = list(iter_source_files(files))
        nlp = extraction_pipeline()
    except EssNlpError as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from err
    with progress_bar("Extraction", quiet or json_output or len(paths) < 2) as bar:
        for done, path in enumerate(paths, start=1):
            try:
                extraction = extract_units(split_document(read_document(path)), nlp=nlp)
            except EssNlpError as err:
                typer.echo(str(err), err=True)
                failed = True
                continue
            for note in extraction.notes:
                typer.echo(note, err=True)
            for record in extraction.records():
                data = record.to_json()
                if data["kind"] not in wanted:
                    continue
                if json_output:
                    typer.echo(json.dumps(data, ensure_ascii=False))
                else:
                    typer.echo(_line(data))
            bar(done, len(paths))
    if failed:
        raise typer.Exit(1)


def _line(data: dict[str, object]) -> str:
    kind = data["kind"]
    if kind == "proposal":
        number = f"{data['number']} " if data.get("number") else ""
        child = "  ↳ " if data.get("parent") else ""
        return f"[proposition] {child}{number}{_short(data['text'])}"
    if kind == "constat":
        return f"[constat] {_short(data['text'])}"
    places = ", ".join(str(p["name"]) for p in cast("list[dict[str, object]]", data.get("places", [])))
    figures = ", ".join(str(f["text"]) for f in cast("list[dict[str, object]]", data.get("figures", [])))
    parts = [f"[initiative] {data.get('name') or '(sans nom)'}"]
    if places:
        parts.append(f"lieux : {places}")
    if figures:
        parts.append(f"chiffres : {figures}")
    return " — ".join(parts)


def _short(text: object, width: int = 160) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
