"""The liquidity kill switch: whether liquidity is paused, and the one step that pauses it (every policy order of
both books withdrawn, every policy paused) or lifts it. The stored functions do the work in one transaction each
(sql/pause_liquidity.sql, sql/resume_liquidity.sql); core checks the role and the reason first."""

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.enums import Role
from core.errors import ValidationError
from core.policy_models import KillSwitch, PauseResult, ResumeResult
from core.sqlcall import unit_of_work
from core.validation import parse_notes

ADMIN = Role.ADMIN
READERS = (Role.ADMIN, Role.ANALYST)

_KILL_SWITCH_SQL = """
SELECT k.paused, k.reason, k.changed_by, u.username AS changed_by_username, k.changed_at,
       (SELECT count(*) FROM liquidity_policies WHERE enabled) AS policies_running
  FROM liquidity_kill_switch k LEFT JOIN users u ON u.id = k.changed_by
"""


def kill_switch_state(db: Session) -> KillSwitch:
    """The kill switch as it is now (inside the caller's unit of work, no role check: for core's own use)."""
    return KillSwitch.model_validate(db.execute(text(_KILL_SWITCH_SQL)).mappings().one())


def get_kill_switch(db: Session, *, user_id: int) -> KillSwitch:
    """Whether liquidity is paused, since when, by whom and why, and how many policies run (admins, analysts)."""
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view the liquidity kill switch")
        return kill_switch_state(db)


def pause_liquidity(db: Session, *, user_id: int, reason: object) -> PauseResult:
    """The kill switch: in one transaction, withdraw every resting order any policy placed (both books), unlock
    exactly what they held, and pause every policy. Admins only; audited; ``reason`` is required."""
    why = parse_notes(reason, "The reason")
    if why is None:
        raise ValidationError("Say why liquidity is paused: the reason is shown to everyone until it resumes")
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "pause liquidity")
        row = db.execute(text("SELECT * FROM pause_liquidity(:by, :why)"), {"by": user_id, "why": why}).mappings()
        return PauseResult.model_validate(row.one())


def resume_liquidity(db: Session, *, user_id: int) -> ResumeResult:
    """Lift the pause and re-enable exactly the policies it disabled (admins only; audited)."""
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "resume liquidity")
        row = db.execute(text("SELECT * FROM resume_liquidity(:by)"), {"by": user_id}).mappings()
        return ResumeResult.model_validate(row.one())
