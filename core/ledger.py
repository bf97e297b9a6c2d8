"""Ledger health: the rows where balances and their ledger disagree (none means healthy)."""

from sqlalchemy.orm import Session

from core.models import LedgerProblem
from core.sqlcall import fetch_all


def verify_ledger(db: Session) -> list[LedgerProblem]:
    return [LedgerProblem.model_validate(r) for r in fetch_all(db, "SELECT * FROM verify_ledger()")]
