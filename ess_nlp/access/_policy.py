"""Who may see, edit and export what.

- A working group's members (facilitateurs and chercheurs) see, edit and export the syntheses
  of their own groups, and create syntheses in them.
- Staff (rôle « equipe ») see, edit and export every synthesis, and assign syntheses to groups.
- Chercheurs and staff may export the whole corpus (IRaMuTeQ) for cross-checking.
- A synthesis with no group is visible to staff only (on 127.0.0.1 without login, the person
  at the machine is staff: :data:`~ess_nlp.access.LOCAL_USER`).
"""

from __future__ import annotations

from ess_nlp.access._users import User
from ess_nlp.errors import EssNlpError


class AccessDenied(EssNlpError, PermissionError):
    """The user's role or groups do not allow the action (message in French)."""


def can_view(user: User, group: str | None) -> bool:
    return user.staff or (group is not None and group in user.groups)


def can_edit(user: User, group: str | None) -> bool:
    return can_view(user, group)


def can_export(user: User, group: str | None) -> bool:
    return can_view(user, group)


def can_export_corpus(user: User) -> bool:
    return user.role in ("chercheur", "equipe")


def can_create(user: User, group: str | None) -> bool:
    return user.staff or (group is not None and group in user.groups)


def _group_text(group: str | None) -> str:
    return f"du groupe « {group} »" if group else "sans groupe de travail"


def require_view(user: User, group: str | None, title: str = "") -> None:
    if not can_view(user, group):
        what = f"la synthèse « {title} »" if title else "cette synthèse"
        raise AccessDenied(
            f"Accès refusé : {what} est {_group_text(group)} et {user.display} n'en fait pas partie "
            "(seuls ses membres et l'équipe peuvent l'ouvrir)."
        )


def require_edit(user: User, group: str | None, title: str = "") -> None:
    require_view(user, group, title)


def require_export(user: User, group: str | None, title: str = "") -> None:
    require_view(user, group, title)


def require_create(user: User, group: str | None) -> None:
    if not can_create(user, group):
        if group is None:
            raise AccessDenied(
                f"{user.display} doit choisir l'un de ses groupes de travail pour créer une synthèse "
                f"({', '.join(user.groups) or 'aucun groupe : demandez à l’équipe de vous en attribuer un'})."
            )
        raise AccessDenied(
            f"Accès refusé : {user.display} ne fait pas partie du groupe « {group} » et ne peut pas y créer "
            "de synthèse."
        )


def require_export_corpus(user: User) -> None:
    if not can_export_corpus(user):
        raise AccessDenied(
            f"Accès refusé : l'export du corpus entier est réservé aux chercheurs et à l'équipe "
            f"({user.display} est {user.role})."
        )
