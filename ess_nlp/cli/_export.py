"""Commands over syntheses and people: ``export``, ``syntheses`` (list) and ``users …``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ess_nlp.cli._common import DbOption, JsonOption, fail

UsersOption = Annotated[
    Path | None,
    typer.Option("--users", help="Fichier d'utilisateurs (défaut : $ESS_NLP_USERS ou var/users.toml)."),
]

users_app = typer.Typer(
    help="Comptes, rôles (facilitateur, chercheur, equipe) et groupes de travail de l'application servie à une équipe.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("syntheses")(syntheses)
    app.add_typer(users_app, name="users")


def _db_path(db: Path | None) -> Path:
    from ess_nlp.settings import resolve_db

    return resolve_db(db)


def _open_store(db: Path | None):  # type: ignore[no-untyped-def]
    from ess_nlp.store import Store

    path = _db_path(db)
    if not path.exists():
        fail(f"Base « {path} » introuvable : lancez d'abord « ess-nlp run DOSSIER --db {path} ».")
    return Store(path)


def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Fichier à écrire.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="docx, odt, md, pdf, csv, xlsx, json ou iramuteq.")
    ] = "docx",
    synthesis: Annotated[int | None, typer.Option("--synthesis", help="Numéro de la synthèse.")] = None,
    theme: Annotated[str | None, typer.Option("--theme", help="Thème de travail (T1 … T12).")] = None,
    domain: Annotated[str | None, typer.Option("--domain", help="Domaine (financer, se_loger…).")] = None,
    topic: Annotated[str | None, typer.Option("--topic", help="Thème émergent « modèle:numéro ».")] = None,
    no_mask: Annotated[
        bool, typer.Option("--no-mask", help="Ne pas masquer courriels, téléphones et noms de personnes.")
    ] = False,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Exporte une synthèse (ou celle d'un thème, d'un domaine : son brouillon s'il n'y en a pas)."""
    from ess_nlp.export import export as run_export
    from ess_nlp.export import write_export

    with _open_store(db) as store:
        result = run_export(
            store, fmt=fmt, synthesis_id=synthesis, theme=theme, domain=domain, topic=topic, mask=not no_mask
        )
        path = write_export(result, out)
    for warning in result.warnings:  # the export template's mistakes: the file was still written
        typer.echo(warning, err=True)
    if json_output:
        typer.echo(
            json.dumps(
                {
                    "out": str(path),
                    "format": result.fmt,
                    "bytes": len(result.data),
                    "draft": result.draft,
                    "synthesis": result.saved.id if result.saved else None,
                    "version": result.saved.version if result.saved else None,
                    "masked": not no_mask,
                    "title": result.doc.title,
                },
                ensure_ascii=False,
            )
        )
        return
    what = "brouillon de " if result.draft else ""
    size = f"{len(result.data):,}".replace(",", "\u202f")
    masked = "données personnelles masquées" if not no_mask else "sans masquage"
    typer.echo(f"{path} : {what}« {result.doc.title} » ({result.fmt}, {size} octets, {masked})")


def syntheses(
    db: DbOption = None,
    deleted: Annotated[bool, typer.Option("--deleted", help="Inclure les synthèses supprimées.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Liste les synthèses de la base (numéro, titre, portée, groupe, version, alertes)."""
    from ess_nlp.synthesis import flagged_syntheses, list_syntheses, refresh_flags

    with _open_store(db) as store:
        refresh_flags(store)
        flags = flagged_syntheses(store)
        found = list_syntheses(store, include_deleted=deleted)
    for s in found:
        row = {
            "id": s.id, "title": s.title, "scope": s.scope.key, "group": s.group, "version": s.version,
            "updated_by": s.updated_by, "updated_at": s.updated_at, "items": s.doc.size, "flags": flags.get(s.id, 0),
            "deleted": s.deleted,
        }  # fmt: skip
        if json_output:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            extra = f", {row['flags']} alerte(s)" if row["flags"] else ""
            gone = " [supprimée]" if s.deleted else ""
            typer.echo(
                f"{s.id}\t{s.title}{gone}\t{s.scope.key}\tgroupe {s.group or '—'}\tv{s.version}\t{s.doc.size} éléments{extra}"
            )
    if not found and not json_output:
        typer.echo("Aucune synthèse dans cette base.")


# --- users ------------------------------------------------------------------------------------


def _users(path: Path | None, *, missing_ok: bool = True):  # type: ignore[no-untyped-def]
    from ess_nlp.access import UsersFile

    return UsersFile.load(path, missing_ok=missing_ok)


def _read_password(login: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("Aucun mot de passe lu sur l'entrée standard (une ligne attendue).")
        return line
    return str(typer.prompt(f"Mot de passe de {login}", hide_input=True, confirmation_prompt="Confirmez"))


@users_app.command("add")
def users_add(
    login: Annotated[str, typer.Argument(help="Identifiant (minuscules, chiffres, . _ @ -).")],
    role: Annotated[str, typer.Option("--role", help="facilitateur, chercheur ou equipe.")],
    name: Annotated[str, typer.Option("--name", help="Nom affiché.")] = "",
    group: Annotated[list[str] | None, typer.Option("--group", "-g", help="Groupe de travail (répétable).")] = None,
    email: Annotated[str, typer.Option("--email", help="Courriel (connexion OpenID Connect).")] = "",
    password: Annotated[bool, typer.Option("--password", help="Demander un mot de passe.")] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")
    ] = False,
    users: UsersOption = None,
) -> None:
    """Ajoute (ou remplace) un compte."""
    f = _users(users)
    secret = _read_password(login, password_stdin) if (password or password_stdin) else None
    keep_hash = f.hashes.get(login.strip().lower())
    user = f.add_user(login, role=role, name=name, groups=group or [], email=email, password=secret)
    if secret is None and keep_hash:
        f.hashes[user.login] = keep_hash
    path = f.save()
    how = "avec mot de passe" if user.login in f.hashes else "sans mot de passe (OpenID Connect seulement)"
    typer.echo(f"{path} : compte « {user.login} » ({user.role}, groupes : {', '.join(user.groups) or 'aucun'}) {how}.")


@users_app.command("passwd")
def users_passwd(
    login: str,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Lire le mot de passe sur l'entrée standard.")] = False,
    users: UsersOption = None,
) -> None:
    """Change le mot de passe d'un compte."""
    f = _users(users, missing_ok=False)
    f.set_password(login, _read_password(login, password_stdin))
    typer.echo(f"{f.save()} : mot de passe de « {login} » changé.")


@users_app.command("remove")
def users_remove(login: str, users: UsersOption = None) -> None:
    """Supprime un compte."""
    f = _users(users, missing_ok=False)
    f.remove_user(login)
    typer.echo(f"{f.save()} : compte « {login} » supprimé.")


@users_app.command("group")
def users_group(
    group_id: Annotated[str, typer.Argument(help="Identifiant du groupe (ex. t4-banques).")],
    name: Annotated[str, typer.Option("--name", help="Nom affiché du groupe.")] = "",
    users: UsersOption = None,
) -> None:
    """Crée ou renomme un groupe de travail."""
    f = _users(users)
    group = f.add_group(group_id, name)
    typer.echo(f"{f.save()} : groupe « {group.id} » ({group.name}).")


@users_app.command("join")
def users_join(
    login: str,
    groups: Annotated[list[str], typer.Argument(help="Groupes du compte (remplacent les précédents).")],
    users: UsersOption = None,
) -> None:
    """Fixe les groupes de travail d'un compte."""
    f = _users(users, missing_ok=False)
    user = f.set_groups(login, groups)
    typer.echo(f"{f.save()} : « {login} » dans {', '.join(user.groups) or 'aucun groupe'}.")


@users_app.command("list")
def users_list(users: UsersOption = None, json_output: JsonOption = False) -> None:
    """Liste les groupes et les comptes (jamais les mots de passe)."""
    f = _users(users)
    for g in f.groups.values():
        if json_output:
            typer.echo(json.dumps({"group": g.id, "name": g.name}, ensure_ascii=False))
        else:
            typer.echo(f"groupe\t{g.id}\t{g.name}")
    for u in f.users.values():
        row = {"login": u.login, "name": u.name, "role": u.role, "groups": list(u.groups), "email": u.email,
               "password": u.login in f.hashes}  # fmt: skip
        if json_output:
            typer.echo(json.dumps(row, ensure_ascii=False))
        else:
            typer.echo(f"compte\t{u.login}\t{u.name}\t{u.role}\t{', '.join(u.groups) or '—'}\t{'mot de passe' if row['password'] else 'OIDC'}")
