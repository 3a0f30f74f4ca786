"""Page « Annoter »: label units (domains, themes, and whether a sentence is a proposal, a
constat or an initiative) with the machine's suggestion pre-filled, most useful units first;
several annotators, each save kept with who and when; agreement per label; retraining."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ess_nlp.access import User, can
from ess_nlp.annotate import annotations as saved
from ess_nlp.annotate import retraining
from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import fr_int, md_escape, page_header, require_corpus
from ess_nlp.app.components.detached import render_detached
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.errors import EssNlpError
from ess_nlp.store.views import names as label_names_view

LEVELS = {"cahier": "Cahiers", "section": "Sections", "sentence": "Phrases"}
FACETS = {
    "domains": "Domaines",
    "themes": "Thèmes de travail",
    saved.KIND_FACET: "Proposition / constat / initiative",
}


def page() -> None:
    page_header(
        "Annoter",
        "Corrigez la machine : chaque étiquette enregistrée est gardée avec votre nom et la date, "
        "et sert à réentraîner le classifieur.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    annotator = st.text_input(
        "Votre nom (annotateur)", key="annotate_annotator", placeholder="ex. : Claire D."
    ).strip()
    render_detached(db, annotator)
    tabs = st.tabs(["File d'annotation", "Accord entre annotateurs", "Réentraîner le modèle"])
    with tabs[0]:
        if not annotator:
            st.info(
                "Indiquez votre nom ci-dessus pour commencer : chaque annotation est enregistrée à votre nom."
            )
        else:
            render_queue(db, token, annotator)
    with tabs[1]:
        render_agreement(db, token)
    with tabs[2]:
        render_retrain(db, token)


def facet_labels(facet: str) -> dict[str, str]:
    if facet == saved.KIND_FACET:
        return dict(saved.KIND_LABELS)
    return label_names_view.label_names(facet)


def render_queue(db: str, token: cache.Token, annotator: str) -> None:
    cols = st.columns(2)
    level = cols[0].radio(
        "Unités", list(LEVELS), format_func=LEVELS.__getitem__, horizontal=True, key="annotate_level"
    )
    facet_choices = [saved.KIND_FACET] if level == "sentence" else ["domains", "themes"]
    facet_choices = facet_choices + (["domains", "themes"] if level == "sentence" else [])
    facet = cols[1].radio(
        "Étiquettes", facet_choices, format_func=FACETS.__getitem__, horizontal=True, key="annotate_facet"
    )
    names = facet_labels(facet)
    if not names:
        st.error(
            f"La taxonomie ne définit aucune étiquette pour « {md_escape(FACETS.get(facet, facet))} » : "
            "vérifiez le fichier de taxonomie."
        )
        return
    machine = cache.availability(db, token)["classification"] and facet != saved.KIND_FACET
    order = st.radio(
        "Ordre de la file",
        ["model", "others"] if machine else ["others"],
        format_func={
            "model": "D'abord les unités où le modèle hésite le plus",
            "others": "D'abord les unités déjà annotées par d'autres (pour mesurer l'accord)",
        }.__getitem__,
        horizontal=True,
        key="annotate_order",
    )
    queue = cache.annotation_queue(db, token, level, facet, annotator, order == "others")
    if not queue:
        st.success("Plus rien à annoter à ce niveau : merci ! Changez de niveau ou d'étiquettes.")
        return
    position_key = f"annotate_pos_{level}_{facet}"
    position = min(st.session_state.get(position_key, 0), len(queue) - 1)
    unit_id = queue[position]
    unit = cache.unit(db, token, unit_id)
    if unit is None:
        st.warning("Cette unité vient d'être retirée de la base ; passez à la suivante.")
        return
    st.caption(f"Unité {fr_int(position + 1)} sur {len(queue)} dans la file (les plus utiles d'abord).")
    render_unit(unit)
    seen_key = f"annotate_seen_{unit_id}_{facet}"
    if seen_key not in st.session_state:
        st.session_state[seen_key] = cache.latest_revision(db, token, unit_id, facet)
    mine = cache.unit_annotations(db, token, unit_id, facet)
    suggested = cache.suggestion(db, token, unit_id, facet)
    unknown = [label for label in suggested if label not in names]
    if unknown:
        st.warning(
            f"Le modèle propose des étiquettes absentes de la taxonomie ({md_escape(', '.join(unknown))}) : "
            "elles sont ignorées ici ; vérifiez que le modèle a été entraîné sur cette taxonomie."
        )
    previous = mine.get(annotator)
    default = [label for label in (previous if previous is not None else suggested) if label in names]
    prefilled = default if previous is None and suggested else None  # the machine's suggestion, shown as is
    form_key = f"annotate_labels_{unit_id}_{facet}"
    chosen = st.multiselect(
        "Étiquettes de cette unité" + (" (suggestion de la machine pré-remplie)" if previous is None else ""),
        list(names),
        default=default,
        format_func=names.__getitem__,
        placeholder="Tous",
        key=form_key,
    )
    others = {k: v for k, v in mine.items() if k != annotator}
    if others:
        st.caption(
            "Déjà annoté par : "
            + " ; ".join(
                md_escape(f"{who} → {', '.join(names.get(x, x) for x in labs) or 'aucune'}")
                for who, labs in others.items()
            )
        )
    checked = False
    if prefilled is not None:
        checked = st.checkbox(
            "J'ai vérifié : la suggestion de la machine est juste",
            key=f"annotate_checked_{unit_id}_{facet}",
            help="Une suggestion enregistrée sans être vérifiée ni modifiée sert à l'entraînement, jamais à comparer "
            "les modèles (elle favoriserait le modèle qui l'a faite).",
        )
    with st.container(horizontal=True):
        save = st.button("Enregistrer et suivant", type="primary", key="annotate_save")
        skip = st.button("Passer", key="annotate_skip")
    if save:
        try:
            with cache.open_store(db) as store:
                result = saved.save_annotation(
                    store,
                    unit_id,
                    facet,
                    chosen,
                    annotator=annotator,
                    seen=st.session_state[seen_key],
                    allowed=list(names),
                    prefilled=prefilled,
                    confirmed=checked,
                )
        except EssNlpError as err:
            st.error(md_escape(err))
            return
        st.session_state[seen_key] = result.saved.revision
        if result.conflict is not None:
            st.session_state["annotate_conflict"] = (unit_id, facet, result.conflict, list(chosen))
        else:
            st.session_state.pop("annotate_conflict", None)
            st.session_state["annotate_flash"] = "Annotation enregistrée."
        st.session_state[position_key] = position  # the saved unit leaves the queue: same index = next unit
        st.rerun()
    if skip:
        st.session_state[position_key] = (position + 1) % len(queue)
        st.rerun()
    flash = st.session_state.pop("annotate_flash", None)
    if flash:
        st.toast(md_escape(flash), icon=":material/check_circle:")
    render_conflict(db, annotator, names)


def render_unit(unit: object) -> None:
    from ess_nlp.records import Unit

    assert isinstance(unit, Unit)
    with st.container(border=True):
        if unit.level in ("cahier", "section") and unit.title:
            st.markdown(f"**{md_escape(unit.title)}**")
        text = unit.text if len(unit.text) < 4000 else unit.text[:4000] + " […]"
        st.html('<div class="ess-text">' + html.escape(text) + "</div>")
    if unit.cahier or unit.level == "cahier":
        link_to_cahier(unit.cahier or unit.id, "Lire dans son cahier", unit=unit.id)


def render_conflict(db: str, annotator: str, names: dict[str, str]) -> None:
    pending = st.session_state.get("annotate_conflict")
    if not pending:
        return
    unit_id, facet, other, mine = pending

    def label(labs: Sequence[str]) -> str:
        return ", ".join(names.get(x, x) for x in labs) or "aucune étiquette"

    st.warning(
        f"Pendant que vous annotiez, {md_escape(other.annotator)} a enregistré « {md_escape(label(other.labels))} » pour cette unité "
        f"({md_escape(other.created_at[:19].replace('T', ' '))} UTC). Votre choix « {md_escape(label(mine))} » est bien enregistré "
        "lui aussi : rien n'est perdu, et les deux comptent dans l'accord entre annotateurs."
    )
    cols = st.columns(2)
    if cols[0].button("Garder mon choix", key="annotate_keep_mine"):
        st.session_state.pop("annotate_conflict", None)
        st.rerun()
    if cols[1].button(f"Reprendre le choix de {md_escape(other.annotator)}", key="annotate_take_other"):
        with cache.open_store(db) as store:
            saved.save_annotation(
                store, unit_id, facet, list(other.labels), annotator=annotator, seen=other.revision
            )
        st.session_state.pop("annotate_conflict", None)
        st.session_state["annotate_flash"] = f"Choix de {other.annotator} repris à votre nom."
        st.rerun()


def render_agreement(db: str, token: cache.Token) -> None:
    current = cache.current_annotations(db, token)
    if current.empty:
        st.info(
            "Aucune annotation pour l'instant : l'accord apparaîtra quand deux personnes auront annoté les mêmes unités."
        )
        return
    counts = current.groupby(["annotator", "facet"]).size().unstack(fill_value=0)
    counts = counts.rename(columns=FACETS)
    st.markdown("**Annotations par personne**")
    st.dataframe(counts, key="annotate_counts")
    facet = st.selectbox(
        "Étiquettes", list(FACETS), format_func=FACETS.__getitem__, key="annotate_agreement_facet"
    )
    names = facet_labels(facet)
    rows = saved.agreement(current, facet, list(names))
    if not rows or rows[0].units == 0:
        st.info("Aucune unité n'a encore été annotée par au moins deux personnes pour ces étiquettes.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "étiquette": [names.get(r.label, r.label) for r in rows],
                "kappa": [None if r.kappa is None else round(r.kappa, 3) for r in rows],
                "méthode": [r.method for r in rows],
                "accord observé": [None if r.observed is None else round(r.observed, 3) for r in rows],
                "unités communes": [r.units for r in rows],
                "annotateurs": [r.annotators for r in rows],
            }
        ),
        hide_index=True,
        key="annotate_agreement_table",
    )
    st.caption(
        "Kappa de Cohen pour deux annotateurs, de Fleiss au-delà ; vide quand il n'est pas défini "
        "(tout le monde a toujours dit la même chose). Au-dessus de 0,6 : accord substantiel."
    )


def _show(bar: DeltaGenerator, fraction: float, *, text: str) -> None:
    """Move a progress bar (a callback for the library's ``progress(done, total)``)."""
    bar.progress(fraction, text=text)


def render_retrain(db: str, token: cache.Token) -> None:
    """Retrain on the annotations, compare per label with the current model, choose."""
    made = st.session_state.pop("annotate_made_current", None)
    if made:
        st.success(
            f"Le modèle {md_escape(made[0])} version {md_escape(made[1])} est désormais le modèle courant, "
            "enregistré avec les autres versions du modèle ; toutes les unités ont été reclassées.",
            icon=":material/check_circle:",
        )
    info = cache.current_model_info(db, token)
    if info:
        st.markdown(
            f"Modèle courant : **{md_escape(info['name'])}** version **{md_escape(info['version'])}** "
            f"; type : {md_escape(retraining.model_kind_name(info['kind']))}."
        )
    else:
        st.info("Aucun modèle de classification n'a encore tourné sur cette base (« ess-nlp run » le lance).")
    cols = st.columns(3)
    facets = cols[0].multiselect(
        "Étiquettes à réentraîner",
        ["domains", "themes"],
        default=["domains", "themes"],
        format_func=FACETS.__getitem__,
        placeholder="Aucune",
        key="annotate_train_facets",
    )
    level = cols[1].selectbox(
        "Annotations de quel niveau",
        [None, *LEVELS],
        format_func=lambda v: "tous les niveaux" if v is None else LEVELS[v],
        key="annotate_train_level",
    )
    min_examples = cols[2].number_input("Exemples minimum par étiquette", 1, 100, 5, key="annotate_train_min")
    user = current_user()
    if not can(user, "retrain"):
        st.info(
            "Le réentraînement du classifieur est réservé aux chercheur·ses et à l'équipe : "
            "vos annotations sont enregistrées et serviront au prochain réentraînement."
        )
        render_versions(db, token)
        return
    if st.button("Réentraîner et évaluer", type="primary", disabled=not facets, key="annotate_retrain"):
        bar = st.progress(0.0, text="Entraînement…")
        try:
            with cache.open_store(db) as store:
                trained = retraining.retrain(
                    store,
                    facets=list(facets),
                    level=level,
                    min_examples=int(min_examples),
                    progress=lambda done, total: _show(
                        bar,
                        min(done / max(total, 1), 1.0), text="Entraînement…"
                    ),
                    user=user,
                )
        except EssNlpError as err:
            bar.empty()
            st.error(md_escape(err))
            return
        bar.progress(1.0, text="Entraînement terminé.")
        st.session_state["annotate_candidate"] = trained
    result: retraining.Candidate | None = st.session_state.get("annotate_candidate")
    if result is None:
        st.caption(
            "Le nouveau modèle est entraîné sur les annotations de la base, sauf un quart mis de côté ; les deux "
            "modèles sont comparés sur ce quart, étiquette par étiquette, avec les seules annotations choisies ou "
            "vérifiées par une personne. Vous voyez aussi ce qui changerait avant de choisir. "
            "L'entraînement peut prendre plusieurs minutes."
        )
        return
    render_comparison(result)
    render_impact(result)
    if not can(user, "make_current"):
        st.caption(
            "Rendre courant un modèle change les étiquettes de tout le monde : c'est l'équipe qui le décide, "
            "au vu de cette comparaison."
        )
    else:
        render_make_current(db, result, user)
    render_versions(db, token)


def render_make_current(db: str, result: retraining.Candidate, user: User) -> None:
    """« Rendre courant »: at once when the new model is not worse on the held-out confirmed
    annotations; otherwise only after an explicit confirmation naming why."""
    pending_key = "annotate_confirm_worse"
    confirmed = False
    if st.session_state.get(pending_key) == result.version:
        st.warning(
            "Ce modèle est moins bon que le modèle courant, ou n'a pas pu lui être comparé : "
            + md_escape(" ".join(result.reasons(_facet_names())))
            + " Le rendre courant quand même ?",
            icon=":material/warning:",
        )
        cols = st.columns(2)
        confirmed = cols[0].button("Oui, le rendre courant malgré tout", key="annotate_make_current_confirm", type="primary")
        if cols[1].button("Non, garder le modèle courant", key="annotate_make_current_cancel"):
            st.session_state.pop(pending_key, None)
            st.rerun()
    clicked = st.button(
        f"Rendre courant le modèle {md_escape(result.name)} version {result.version}", key="annotate_make_current"
    )
    if clicked and result.needs_confirmation and not confirmed:
        st.session_state[pending_key] = result.version
        st.rerun()
    if not (clicked or confirmed):
        return
    bar = st.progress(0.0, text="Enregistrement du modèle…")
    try:
        with cache.open_store(db) as store:
            retraining.make_current(
                store,
                result,
                progress=lambda done, total: _show(
                    bar,
                    min(done / max(total, 1), 1.0), text=f"Nouveau classement des unités : {done}/{total}"
                ),
                user=user,
                confirm_worse=confirmed,
            )
    except EssNlpError as err:
        bar.empty()
        st.error(md_escape(err))
        return
    st.session_state.pop("annotate_candidate", None)
    st.session_state.pop(pending_key, None)
    # Said at the top of the tab after a new run, which shows the new current model (and no
    # longer the comparison nor the question). No folder path (users never see file paths): the
    # model is named by its name and version, as in « Versions du modèle ».
    st.session_state["annotate_made_current"] = (result.name, result.version)
    st.rerun()


def _facet_names() -> dict[str, str]:
    return {f: n.lower() for f, n in FACETS.items()}


def render_impact(result: retraining.Candidate) -> None:
    """What would change if the new model became current (before « Rendre courant »)."""
    found = result.impact
    if found is None:
        return
    st.markdown(
        f"**Si ce modèle devient courant** : {int(found.cahiers_changed)} cahier(s) sur {int(found.cahiers_total)} "
        f"changeraient d'étiquettes (hors étiquettes annotées, qui restent) ; {len(found.syntheses)} synthèse(s) seraient signalées."
    )
    if found.cahiers:
        names = {**facet_labels("domains"), **facet_labels("themes")}
        table = found.frame(names)
        table["étiquettes"] = [FACETS.get(f, f) for f in table["étiquettes"]]
        st.dataframe(table, hide_index=True, key="annotate_impact_cahiers")
    if found.syntheses:
        st.markdown(
            "\n".join(
                f"- n° {s.id} · « {md_escape(s.title)} » (groupe {md_escape(s.group or '—')}) : "
                f"{int(s.passages)} passage(s) cité(s) changeraient d'étiquettes"
                for s in found.syntheses
            )
        )


def render_comparison(result: retraining.Candidate) -> None:
    held = sum(result.held_out.values())
    st.markdown(
        f"**Nouveau modèle {md_escape(result.name)} version {result.version}** — entraîné sur "
        f"{result.n_texts} unité(s) annotée(s) ; comparé au modèle courant sur {int(held)} unité(s) annotée(s) "
        "et confirmée(s) par une personne, mises de côté (jamais apprises)."
    )
    for note in result.notes:
        st.warning(md_escape(note))
    worse = set(result.worse_facets())
    for facet, table in result.comparison().items():
        names = facet_labels(facet)
        shown = table.assign(étiquette=[names.get(x, x) for x in table["label"]]).drop(columns=["label"])
        verdict = " — :red[**moins bon que le modèle courant**]" if facet in worse else ""
        st.markdown(
            f"*{md_escape(FACETS.get(facet, facet))}* — F1 macro sur les {int(result.held_out.get(facet, 0))} unité(s) mises "
            f"de côté : courant {md_escape(result.current_macro(facet))}, nouveau {md_escape(result.new_macro(facet))}"
            + verdict  # md: project text
        )
        if table.empty:
            st.info("Aucune annotation confirmée mise de côté pour ces étiquettes : comparaison impossible.")
            continue
        st.dataframe(
            shown[
                [
                    "étiquette",
                    "f1 courant",
                    "f1 nouveau",
                    "écart",
                    "précision nouveau",
                    "rappel nouveau",
                    "exemples",
                ]
            ],
            hide_index=True,
            key=f"annotate_compare_{facet}",
        )
    st.caption(
        "Les deux modèles sont évalués sur les mêmes unités mises de côté (un quart des unités annotées, toujours "
        "les mêmes), et seulement sur des étiquettes choisies ou vérifiées par une personne : une suggestion de la "
        "machine enregistrée sans vérification favoriserait le modèle qui l'a faite."
    )


def render_versions(db: str, token: cache.Token) -> None:
    versions = cache.model_versions(db, token)
    if len(versions) < 2:
        return
    with st.expander(f"Versions du modèle ({len(versions)})"):
        st.dataframe(versions, hide_index=True, key="annotate_versions")


if __name__ == "__main__":
    page()
