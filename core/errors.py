"""Typed errors with messages a person can act on.

Stored functions raise with a project SQLSTATE (class ``CB``); ``translate_db_error`` maps those, and the
constraint violations PostgreSQL raises on its own, onto these classes, so no raw driver error ever
reaches a caller.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal


class CoreError(Exception):
    """Base of every error the service layer raises on purpose."""

    sqlstate = "CB000"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # the input the refusal is about, as the parser named it ("Amount", "Market maker name"), so a form can
        # show it under that field; None when it is about no one input (a permission, a conflict with the state)
        self.field = field


class ValidationError(CoreError):
    """The input is malformed or breaks a business rule; nothing was changed."""

    sqlstate = "CB400"


class InvalidFields(ValidationError):
    """Several fields of one input refused at once, so a form can say each under its field: ``faults`` maps each
    field (the core function's parameter name) to why it was refused. The message is every distinct reason, for a
    caller that shows one sentence. (A parser's refusal of one value names it in ``field``; this collects a whole
    input's, see ``core.validation.FieldFaults``.)"""

    def __init__(self, faults: Mapping[str, str]) -> None:
        self.faults = dict(faults)
        super().__init__("; ".join(dict.fromkeys(self.faults.values())))


class PermissionDenied(CoreError):
    sqlstate = "CB403"


class NotFound(CoreError):
    sqlstate = "CB404"


class Conflict(CoreError):
    """The request clashes with the current state (duplicate name, open orders, already cancelled...)."""

    sqlstate = "CB409"


class InsufficientFunds(CoreError):
    """An account does not hold enough available balance for the request."""

    sqlstate = "CB402"


class RateLimited(CoreError):
    sqlstate = "CB429"


class AuthenticationFailed(CoreError):
    """Wrong username or password, an inactive account, or a locked-out account."""


def unreachable_reason(exc: BaseException) -> str:
    """Why the database could not be reached, in one line of the driver's words (a SQLAlchemy error carries the
    driver's as ``orig``; the rest of its text is a link to SQLAlchemy's docs): for a process's log or an operator's
    terminal, where a trace would say less to the person who must start the server."""
    driver = getattr(exc, "orig", None) or exc
    return (str(driver).strip().splitlines() or [type(driver).__name__])[0]


class DatabaseUnavailable(CoreError):
    """The database cannot be reached; retry later."""


class InsufficientAssetsError(CoreError):
    """Liquidity cannot be created: one or more asset shortfalls (design: Error Handling).

    ``asset_type``/``required``/``available``/``shortfall`` describe the first shortfall, as in the
    design; ``shortfalls`` lists every one.
    """

    def __init__(
        self,
        asset_type: str,
        required: Decimal,
        available: Decimal,
        shortfall: Decimal,
        shortfalls: list | None = None,
        message: str | None = None,
    ) -> None:
        self.asset_type = asset_type
        self.required = required
        self.available = available
        self.shortfall = shortfall
        self.shortfalls = shortfalls if shortfalls is not None else []
        super().__init__(
            message or f"Insufficient {asset_type}: {required} required, {available} available, short by {shortfall}."
        )


SQLSTATE_ERRORS: dict[str, type[CoreError]] = {
    cls.sqlstate: cls for cls in (ValidationError, PermissionDenied, NotFound, Conflict, InsufficientFunds, RateLimited)
}


@contextmanager
def conflicts_name(field: str) -> Iterator[None]:
    """Around a creation whose only conflict is a name already taken: its ``Conflict`` is about the input ``field``
    (a form shows it under the name typed)."""
    try:
        yield
    except Conflict as exc:
        exc.field = exc.field or field
        raise
