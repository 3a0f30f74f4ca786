"""Widget callbacks that a rerun cannot cut in the middle.

Streamlit runs the callbacks of a run before drawing the page, and every access to
``st.session_state`` is a point where a newer rerun request (the next click or edit, arriving
while this one is being handled) interrupts the callback: the rest of it is skipped and the
other callbacks of the run go on. A callback that had already saved to the database but not yet
recorded the new version in the session then leaves the session one version behind (its next
save conflicts with itself), and an edit whose callback is skipped looks unchanged at the next
run, so it is never saved. :func:`uninterrupted` runs a callback with those interruption points
turned off: the newer request is handled as soon as the callbacks are done, and every click and
edit takes effect (issue 16, item 4).

A click can also be lost before any callback runs. A click is a one-time "trigger" value: the
browser sends it once, with the rerun request of that click, and never again. Two races of
Streamlit drop that request (seen in Chromium: 1 to 3 of 4 quick delete clicks lost in 5 of 6
runs of ``tests/e2e/test_syntheses_e2e.py::test_twenty_quick_edits_are_twenty_versions``):

- with ``runner.fastReruns`` (Streamlit's default), a newer request stops the run that holds the
  click and starts a new one; when the stop lands before the stopped run dispatched its
  callbacks, the click is gone (the newer request no longer carries it);
- without it, requests that wait are merged and keep their clicks, but the run that took them
  checks once more for a newer request just before dispatching its callbacks, and a request that
  arrived in that instant replaces the taken one, clicks included.

:func:`keep_every_click` (called by the frame at each run) turns ``fastReruns`` off and makes
that last check wait until the callbacks of the taken request have run; the newer request is
handled right after them, by the next interruption point.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def _no_yield() -> None:
    return None


def uninterrupted(callback: F) -> F:
    """Decorate a widget callback so that no rerun request interrupts it."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        from streamlit.runtime.state.session_state_proxy import get_session_state

        state = get_session_state()
        check = getattr(state, "_yield_callback", None)
        if check is None or check is _no_yield:
            return callback(*args, **kwargs)
        object.__setattr__(state, "_yield_callback", _no_yield)
        try:
            return callback(*args, **kwargs)
        finally:
            object.__setattr__(state, "_yield_callback", check)

    return run  # type: ignore[return-value]


def keep_every_click() -> None:
    """Make Streamlit dispatch the callbacks of every request it takes (see the module's
    docstring): ``runner.fastReruns`` off, and no interruption while a run applies the widget
    states of its request and runs their callbacks. Idempotent; does nothing on a Streamlit
    without these internals."""
    from streamlit import config
    from streamlit.runtime.state.safe_session_state import SafeSessionState

    if config.get_option("runner.fastReruns"):
        config.set_option("runner.fastReruns", False, where_defined="ess_nlp.app.callbacks")
    original = getattr(SafeSessionState, "on_script_will_rerun", None)
    if original is None or getattr(original, "_keeps_clicks", False):
        return

    @functools.wraps(original)
    def on_script_will_rerun(self: Any, *args: Any, **kwargs: Any) -> Any:
        check = getattr(self, "_yield_callback", None)
        if check is None:
            return original(self, *args, **kwargs)
        object.__setattr__(self, "_yield_callback", _no_yield)
        try:
            return original(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_yield_callback", check)

    on_script_will_rerun._keeps_clicks = True  # type: ignore[attr-defined]
    SafeSessionState.on_script_will_rerun = on_script_will_rerun  # type: ignore[method-assign]
