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
