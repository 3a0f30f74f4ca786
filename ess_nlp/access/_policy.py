"""Who may see, edit and export what.

- A working group's members (facilitateurs and chercheurs) see, edit and export the syntheses
  of their own groups, and create syntheses in them.
- Staff (rôle « equipe ») see, edit and export every synthesis, and assign syntheses to groups.
- Chercheurs and staff may export the whole corpus (IRaMuTeQ) for cross-checking.
- A synthesis with no group is visible to staff only (on 127.0.0.1 without login, the person
  at the machine is staff: :data:`~ess_nlp.access.LOCAL_USER`).
- Actions that change what everyone sees, or show personal data, need a role
  (:data:`ACTION_ROLES`, checked by :func:`require` in the library, for the app and the command
  line alike): importing or replacing documents, making a model current and unmasking personal
  data are for staff; retraining, editing topics and exporting the whole corpus for
  researchers and staff; annotating for everyone.

A refusal never names another group's synthesis or group.
"""

from __future__ import annotations

from typing import Literal

from ess_nlp.access._users import ROLE_NAMES, Role, User
from ess_nlp.errors import EssNlpError

Action = Literal["import", "retrain", "make_current", "edit_topics", "unmask", "export_corpus", "annotate"]

ACTION_ROLES: dict[Action, tuple[Role, ...]] = {
    "import": ("equipe",),
    "retrain": ("chercheur", "equipe"),
    "make_current": ("equipe",),
    "edit_topics": ("chercheur", "equipe"),
    "unmask": ("equipe",),
    "export_corpus": ("chercheur", "equipe"),
    "annotate": ("facilitateur", "chercheur", "equipe"),
}
ACTION_NAMES: dict[Action, str] = {
    "import": "importer ou remplacer des documents",
    "retrain": "réentraîner le classifieur",
    "make_current": "rendre courant un modèle pour tout le monde",
    "edit_topics": "modifier les thèmes émergents",
    "unmask": "afficher ou exporter les données personnelles non masquées",
    "export_corpus": "exporter le corpus entier",
    "annotate": "annoter",
}


class AccessDenied(EssNlpError, PermissionError):
    """The user's role or groups do not allow the action (message in French)."""


def can_view(user: User, group: str | None) -> bool:
    return user.staff or (group is not None and group in user.groups)


def can_edit(user: User, group: str | None) -> bool:
    return can_view(user, group)


def can_export(user: User, group: str | None) -> bool:
    return can_view(user, group)


def can(user: User, action: Action) -> bool:
    """Whether ``user``'s role allows ``action`` (:data:`ACTION_ROLES`)."""
    return user.role in ACTION_ROLES[action]


def require(user: User, action: Action) -> None:
    """Raise :class:`AccessDenied` (in French, naming the action and the roles that may) unless
    ``user``'s role allows ``action``."""
    if not can(user, action):
        roles = ", ".join(ROLE_NAMES[r] for r in ACTION_ROLES[action])
        raise AccessDenied(
            f"Accès refusé : {ACTION_NAMES[action]} est réservé aux rôles {roles} "
            f"({user.display} : {ROLE_NAMES.get(user.role, user.role)})."
        )


def can_export_corpus(user: User) -> bool:
    return can(user, "export_corpus")


def can_create(user: User, group: str | None) -> bool:
    return user.staff or (group is not None and group in user.groups)


def _group_text(group: str | None) -> str:
    return f"du groupe « {group} »" if group else "sans groupe de travail"


def require_view(user: User, group: str | None, title: str = "") -> None:
    """Refuse a synthesis ``user`` may not see; the message names neither its title nor its
    group (``title`` is accepted for callers, not shown)."""
    del title
    if not can_view(user, group):
        raise AccessDenied(
            f"Accès refusé : cette synthèse appartient à un groupe de travail dont {user.display} ne fait pas "
            "partie (seuls ses membres et l'équipe peuvent l'ouvrir)."
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
    require(user, "export_corpus")
