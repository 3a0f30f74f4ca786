"""store.views.corpus.display_paths: file paths as the app shows them."""

from __future__ import annotations

from ess_nlp.store.views.corpus import display_paths


def test_absolute_paths_are_shown_from_the_folder_they_share() -> None:
    shown = display_paths([
        "/srv/ess/corpus/sample/csv/formulaire.csv",
        "/srv/ess/corpus/sample/txt/c01.txt",
        "/srv/ess/corpus/sample/txt/c01.txt",  # the same file twice: one entry
        "import/fiche.pdf",  # an upload of the app: as stored
    ])
    assert shown == {
        "/srv/ess/corpus/sample/csv/formulaire.csv": "csv/formulaire.csv",
        "/srv/ess/corpus/sample/txt/c01.txt": "txt/c01.txt",
        "import/fiche.pdf": "import/fiche.pdf",
    }


def test_a_lone_file_is_its_name_and_no_shared_folder_keeps_full_paths() -> None:
    assert display_paths(["/srv/corpus/c01.docx"]) == {"/srv/corpus/c01.docx": "c01.docx"}
    # only « / » in common: no folder to show them from
    assert display_paths(["/a/c.txt", "/b/c.txt"]) == {"/a/c.txt": "/a/c.txt", "/b/c.txt": "/b/c.txt"}
    assert display_paths([]) == {}


def test_two_paths_never_read_the_same() -> None:
    """A shortened path that would read like an upload's keeps its full form."""
    shown = display_paths(["/srv/corpus/import/fiche.pdf", "/srv/corpus/c01.txt", "import/fiche.pdf"])
    assert shown == {
        "/srv/corpus/import/fiche.pdf": "/srv/corpus/import/fiche.pdf",
        "/srv/corpus/c01.txt": "c01.txt",
        "import/fiche.pdf": "import/fiche.pdf",
    }
    assert len(set(shown.values())) == len(shown)
