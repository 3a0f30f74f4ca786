"""Streamlit's own words in French: the labels its components write themselves (« Upload »,
« 200MB per file », « No results », « Press Enter to apply », « Help for … »), which no
option of Streamlit translates.

What Streamlit's config and parameters can do is done there first (``streamlit.toml``: the
toolbar in its minimal mode, no "Deploy"; the upload size; ``placeholder=`` on every select box;
``select_all=False``; plotly charts without their toolbar; titles without their anchor link).
What remains is listed here, English → French, and rewritten in the page by a short script
(:func:`render`, drawn once per run by the frame) that watches the page as Streamlit draws it:
it only changes the text of a text node or the value of an attribute (``aria-label``, ``title``,
``placeholder``), never the structure React manages. The list is the project's, written here;
no text from a document or a user goes through the script.

``tests/e2e/test_french_ui.py`` visits every page in Chromium and fails on any English word of
:data:`ENGLISH_UI` (and on any ``aria-label``, ``title`` or ``placeholder`` in English).
"""

from __future__ import annotations

import json

import streamlit as st

# Exact strings (text nodes and attributes), English → French.
WORDS: dict[str, str] = {
    # file uploader
    "Upload": "Parcourir",
    "Upload directories": "Parcourir les dossiers",
    "Drag and drop files here": "Déposez les fichiers ici",
    "Drag and drop file here": "Déposez le fichier ici",
    "file upload": "dépôt de fichiers",
    "Add files": "Ajouter des fichiers",
    "Remove file": "Retirer le fichier",
    # select boxes and multiselects
    "Select all": "Tout sélectionner",
    "No results": "Aucun résultat",
    "No options to select": "Aucun choix possible",
    "Choose an option": "Choisissez",
    "Choose options": "Choisissez",
    "Selected values": "Valeurs choisies",
    "Selectbox options": "Choix possibles",
    "Clear all": "Tout effacer",
    "Clear value": "Effacer",
    "Open": "Ouvrir",
    "Close": "Fermer",
    # input instructions
    "Press Enter to apply": "Entrée pour valider",
    "Press Enter to submit form": "Entrée pour envoyer",
    "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
    "Press Ctrl+Enter to submit form": "Ctrl+Entrée pour envoyer",
    "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
    "Press ⌘+Enter to submit form": "⌘+Entrée pour envoyer",
    # frame, sidebar and menus
    "Skip to main content": "Aller au contenu",
    "App pages": "Pages de l'application",
    "Sidebar": "Menu latéral",
    "Collapse sidebar": "Replier le menu",
    "Expand sidebar": "Déplier le menu",
    "Main menu": "Menu principal",
    "Link to heading": "Lien vers ce titre",
    "Running...": "Calcul en cours…",
    "Stop": "Arrêter",
    "Stop script": "Arrêter",
    "Rerun": "Relancer",
    "Settings": "Réglages",
    "Print": "Imprimer",
    "Clear cache": "Vider le cache",
    "Deploy": "Déployer",
    "Page not found": "Page introuvable",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    # tables (st.dataframe's toolbar and menus)
    "Download as CSV": "Télécharger (CSV)",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Clear selection": "Effacer la sélection",
    "Dataframe column menu": "Menu de la colonne",
    "Copy column name": "Copier le nom de la colonne",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Previous Result": "Résultat précédent",
    "Next Result": "Résultat suivant",
    "Button action menu": "Menu du bouton",
    # plotly's toolbar (the charts that keep it: the document map of « Explorer »)
    "Zoom": "Zoom",
    "Pan": "Déplacer",
    "Box Select": "Sélection rectangulaire",
    "Lasso Select": "Sélection au lasso",
    "Zoom in": "Agrandir",
    "Zoom out": "Réduire",
    "Autoscale": "Échelle automatique",
    "Reset axes": "Revenir aux axes de départ",
    "Reset view": "Revenir à la vue de départ",
    "Download plot as a png": "Télécharger l'image (PNG)",
    "Download plot as a PNG": "Télécharger l'image (PNG)",
    "Toggle Spike Lines": "Lignes de repère",
    "Show closest data on hover": "Au survol : le point le plus proche",
    "Compare data on hover": "Au survol : comparer",
    "Double-click to zoom back out": "Double-cliquez pour revenir en arrière",
}
# Inside a drop-down list, only these are Streamlit's (the other options are the page's data).
OPTION_WORDS = ("Select all", "No results", "No options to select")

# Strings with a variable part: (JavaScript regular expression, replacement).
PATTERNS: list[tuple[str, str]] = [
    (r"^(\d+(?:[.,]\d+)?)\s?KB per file", "$1 Ko par fichier"),
    (r"^(\d+(?:[.,]\d+)?)\s?MB per file", "$1 Mo par fichier"),
    (r"^(\d+(?:[.,]\d+)?)\s?GB per file", "$1 Go par fichier"),
    (r"^Help for (.+)$", "Aide : $1"),
    (r"^Select (\d+) matches$", "Choisir les $1 résultats"),
    (r"^Remove (.+)$", "Retirer $1"),
    (r"^Upload (.+)$", "Parcourir : $1"),
    (
        r"^You can only select up to (\d+) options?\. Remove an option first\.$",
        "$1 choix au plus : retirez-en un d'abord.",
    ),
    (
        r"^You have requested page /(.*), but no corresponding file was found.*$",
        "La page « /$1 » n'existe pas.",
    ),
    (
        r"^The page that you have requested does not seem to exist\. Running the app's main page\.$",
        "Cette adresse ne correspond à aucune page : voici la page d'accueil.",
    ),
    (r"^(.*)\. Running the app's main page\.$", "$1. Voici la page d'accueil."),
]

# Words of Streamlit's interface that must never show: the end-to-end test looks for each one.
ENGLISH_UI: tuple[str, ...] = (
    # the words French shares (« Zoom », « Notifications ») and those a page's own text may hold are left out
    *(
        k
        for k, v in WORDS.items()
        if k != v and k not in {"Open", "Close", "Stop", "Print", "Search", "Sidebar", "Pan"}
    ),
    "per file",
    "Help for",
    "Browse files",
    "Press Enter",
    "Press Ctrl+Enter",
    "Running the app's main page",
    "does not seem to exist",
    "Download as",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Download plot as a png",
    "Produced with Plotly",
    "Made with Streamlit",
    "Box Select",
    "Lasso Select",
)

_SCRIPT = """
<script>
(() => {
  if (window.__essFrench) return;
  window.__essFrench = true;
  const words = new Map(Object.entries(%(words)s));
  const patterns = %(patterns)s.map(([re, to]) => [new RegExp(re), to]);
  const optionWords = new Set(%(options)s);
  const attributes = ["aria-label", "title", "placeholder", "data-title", "alt"];
  const translate = (value) => {
    const trimmed = value.trim();
    if (!trimmed) return null;
    if (words.has(trimmed)) return value.replace(trimmed, words.get(trimmed));
    for (const [re, to] of patterns) if (re.test(trimmed)) return value.replace(trimmed, trimmed.replace(re, to));
    return null;
  };
  const fixText = (node) => {
    const parent = node.parentElement;
    if (!parent || parent.closest('[data-testid="stIconMaterial"], .stHtml')) return;
    // Markdown holds the page's own text (a cahier may say "Search"): only a button's label is Streamlit's.
    if (parent.closest('.stMarkdown, [data-testid="stMarkdownContainer"]') && !parent.closest("button")) return;
    if (parent.closest('[role="option"]') && !optionWords.has(node.nodeValue.trim()) && !/^Select \\d+ matches$/.test(node.nodeValue.trim())) return;
    const to = translate(node.nodeValue);
    if (to !== null && to !== node.nodeValue) node.nodeValue = to;
  };
  const fixElement = (el) => {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (value) {
        const to = translate(value);
        if (to !== null && to !== value) el.setAttribute(name, to);
      }
    }
  };
  const walk = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { fixText(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    for (const el of root.querySelectorAll("*")) fixElement(el);
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (texts.nextNode()) fixText(texts.currentNode);
  };
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  walk(doc.body);
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") fixText(change.target);
      else if (change.type === "attributes") fixElement(change.target);
      else for (const node of change.addedNodes) walk(node);
    }
  }).observe(doc.body, {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: attributes});
})();
</script>
"""


def script() -> str:
    """The script that rewrites Streamlit's own English words (project text only)."""
    return _SCRIPT % {
        "words": json.dumps(WORDS, ensure_ascii=False),
        "patterns": json.dumps(PATTERNS),
        "options": json.dumps(OPTION_WORDS),
    }


def render() -> None:
    """Draw the script (once per page run; it installs itself once per browser tab)."""
    st.html(script(), unsafe_allow_javascript=True)
