"""Users, working groups and roles (facilitateur, chercheur, équipe), and who may do what.

::

    from ess_nlp.access import UsersFile, check_serving, can_view
    users = UsersFile.load("var/users.toml")
    user = users.authenticate("amelie", "…")      # None when wrong
    can_view(user, "t4")                            # a group sees only its own syntheses

On 127.0.0.1 the app needs no login (:data:`LOCAL_USER`, staff); served to others it needs
the users file or OpenID Connect (:func:`check_serving`).
"""

from __future__ import annotations

from ess_nlp.access._policy import (
    ACTION_NAMES,
    ACTION_ROLES,
    AccessDenied,
    Action,
    can,
    can_create,
    can_edit,
    can_export,
    can_export_corpus,
    can_view,
    require,
    require_create,
    require_edit,
    require_export,
    require_export_corpus,
    require_view,
)
from ess_nlp.access._serving import (
    ServingMode,
    check_serving,
    is_loopback,
    login_forced,
    login_required,
    oidc_configured,
    secrets_path,
)
from ess_nlp.access._throttle import LoginLockedError, LoginThrottle
from ess_nlp.access._users import (
    DEFAULT_USERS_PATH,
    LOCAL_USER,
    MAX_CONCURRENT_VERIFICATIONS,
    MIN_PASSWORD,
    ROLE_NAMES,
    ROLES,
    Group,
    LoginBusyError,
    Role,
    User,
    UsersFile,
    users_path,
)

__all__ = [
    "ACTION_NAMES",
    "ACTION_ROLES",
    "DEFAULT_USERS_PATH",
    "LOCAL_USER",
    "MAX_CONCURRENT_VERIFICATIONS",
    "MIN_PASSWORD",
    "ROLES",
    "ROLE_NAMES",
    "AccessDenied",
    "Action",
    "Group",
    "LoginBusyError",
    "LoginLockedError",
    "LoginThrottle",
    "Role",
    "ServingMode",
    "User",
    "UsersFile",
    "can",
    "can_create",
    "can_edit",
    "can_export",
    "can_export_corpus",
    "can_view",
    "check_serving",
    "is_loopback",
    "login_forced",
    "login_required",
    "oidc_configured",
    "require",
    "require_create",
    "require_edit",
    "require_export",
    "require_export_corpus",
    "require_view",
    "secrets_path",
    "users_path",
]
