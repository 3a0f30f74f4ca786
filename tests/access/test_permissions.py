"""Every action that changes what everyone sees, or shows personal data, is checked by role in
the library (issue 18): the matrix below is the specification; no role does what it lacks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ess_nlp import uploads as importing
from ess_nlp.access import ACTION_ROLES, AccessDenied, User, can, require
from ess_nlp.annotate import retraining
from ess_nlp.export import export
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store
from ess_nlp.topics import edit_topics, rename_edit

FACILITATEUR = User("amelie", "Amélie", "facilitateur", ("t4",))
CHERCHEUR = User("bea", "Béa", "chercheur", ("t5",))
EQUIPE = User("sam", "Sam", "equipe")
USERS = {"facilitateur": FACILITATEUR, "chercheur": CHERCHEUR, "equipe": EQUIPE}

# action: roles allowed (written out here, not read from the code)
MATRIX = {
    "import": {"equipe"},
    "retrain": {"chercheur", "equipe"},
    "make_current": {"equipe"},
    "edit_topics": {"chercheur", "equipe"},
    "unmask": {"equipe"},
    "export_corpus": {"chercheur", "equipe"},
    "annotate": {"facilitateur", "chercheur", "equipe"},
}


def test_the_policy_is_the_matrix() -> None:
    assert set(ACTION_ROLES) == set(MATRIX)
    allowed_without_right = [
        (role, action) for action, roles in MATRIX.items() for role, user in USERS.items() if can(user, action) != (role in roles)
    ]
    assert allowed_without_right == []


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_a_refusal_names_the_action_and_the_roles_in_french(action: str) -> None:
    for role, user in USERS.items():
        if role in MATRIX[action]:
            require(user, action)  # type: ignore[arg-type]
        else:
            with pytest.raises(AccessDenied, match=r"^Accès refusé : .* est réservé aux rôles"):
                require(user, action)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "db.sqlite3")
    text = "Un cahier\n\nNous proposons de mutualiser les locaux. Contact : marie.dupont@exemple.fr"
    doc = Document(source="a.txt", text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    store.add_document(doc, split_document(doc))
    return store


def _denied(call: object, user: User) -> bool:
    try:
        call(user)  # type: ignore[operator]
    except AccessDenied:
        return True
    return False


def test_the_library_refuses_every_action_a_role_lacks(store: Store) -> None:
    sources = store.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    calls = {
        "import": lambda user: importing.import_upload(store, "b.txt", b"Autre cahier\n\nTexte.", user=user),
        "retrain": lambda user: retraining.retrain(store, facets=["domains"], user=user),
        "make_current": lambda user: retraining.make_current(store, object(), user=user),  # type: ignore[arg-type]
        "edit_topics": lambda user: edit_topics(store, "sentence", rename_edit(0, "x", who="w"), user=user),
        "unmask": lambda user: export(store, fmt="md", theme="T4", mask=False, user=user),
        "export_corpus": lambda user: export(store, fmt="iramuteq", theme="T4", user=user),
    }
    for action, call in calls.items():
        for role, user in USERS.items():
            if role not in MATRIX[action]:
                assert _denied(call, user), (role, action)
    assert store.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == sources  # nothing imported
