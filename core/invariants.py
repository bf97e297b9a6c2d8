"""Invariants: the rules the books must always satisfy, checked by ``check_invariants()`` in PostgreSQL.

``verify_ledger`` proves each balance against its own ledger; ``check_invariants`` proves the whole against
itself (conservation per asset, locks equal open orders, no crossed book, liquidity actuals, tickets).
"""

from sqlalchemy.orm import Session

from core.models import Record
from core.sqlcall import fetch_all


class InvariantViolation(Record):
    invariant: str
    subject: str
    detail: str


def check_invariants(db: Session) -> list[InvariantViolation]:
    """Every violated invariant, one row per offending subject; an empty list means healthy."""
    rows = fetch_all(db, "SELECT * FROM check_invariants() ORDER BY invariant, subject")
    return [InvariantViolation.model_validate(r) for r in rows]
