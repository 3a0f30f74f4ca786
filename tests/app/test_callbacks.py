"""A click is never dropped by a newer rerun request (issue 16, item 4; the Chromium test is
``tests/e2e/test_syntheses_e2e.py::test_twenty_quick_edits_are_twenty_versions``): with
:func:`~ess_nlp.app.callbacks.keep_every_click`, Streamlit does not stop a run for a newer request
(``runner.fastReruns`` off), and a run applies its request's widget states and runs their
callbacks before it checks for a newer request."""

from __future__ import annotations

from typing import Any

from streamlit import config
from streamlit.runtime.state.safe_session_state import SafeSessionState

from ess_nlp.app.callbacks import keep_every_click


class Interrupted(Exception):
    """What a yield point raises when a newer request waits (Streamlit's RerunException)."""


def test_the_callbacks_of_a_taken_request_run_before_a_newer_request_is_handled() -> None:
    keep_every_click()
    keep_every_click()  # idempotent: wrapped once
    ran: list[str] = []

    class State:
        def on_script_will_rerun(self, *args: Any, **kwargs: Any) -> None:
            ran.append("callbacks")

    def newer_request_waits() -> None:
        raise Interrupted

    safe = SafeSessionState(State(), newer_request_waits)  # type: ignore[arg-type]
    safe.on_script_will_rerun(None)
    assert ran == ["callbacks"]
    assert config.get_option("runner.fastReruns") is False
    try:  # the run's interruption points are back once the callbacks ran
        safe.reset_state_value("k", 1)
    except Interrupted:
        pass
    else:
        raise AssertionError("the newer request was not handled after the callbacks")
