"""Liquidity policies: standing targets that keep each book quoted, run by the worker (core.policy_jobs) or now.

A run (``run_policy``) is one transaction: ``begin_policy_run`` takes the locks every liquidity write takes (the
acting admin's, the book's, the policy row's, the balance rows' in id order), everything is read under them,
``core.policy_rules.decide`` says what to do, and the orders go through the same stored function as Create
Liquidity (``create_liquidity_operation``), linked to the policy. Every run is recorded, skipped ones included.
The kill switch (``pause_liquidity``, in core.kill_switch) withdraws every policy order of both books and pauses
every policy at once; schedules and each book at a glance are in core.policy_schedule.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from croniter import CroniterBadDateError, croniter
from sqlalchemy import text
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import get_settings
from core.enums import CertificateType, OrderSide, Role
from core.errors import Conflict, ValidationError
from core.kill_switch import get_kill_switch, kill_switch_state, pause_liquidity, resume_liquidity
from core.limits import notes_max_length
from core.liquidity_models import FundedMarketMaker, LiquidityPreview
from core.liquidity_service import market_volatility, place_operation, side_roles
from core.liquidity_targets import blank_is_zero
from core.market import book_tick
from core.policy_models import LiquidityPolicy, PolicyRun, SavedPolicy
from core.policy_rules import Decision, OwnOrder, RunInputs, band_warning, decide, unplaceable_targets
from core.sqlcall import fetch_one, unit_of_work
from core.validation import (
    FieldFaults,
    echoed,
    echoed_number,
    is_blank,
    parse_decimal,
    parse_enum,
    parse_eur,
    parse_notes,
    parse_price,
    parse_whole_number,
)

ADMIN = Role.ADMIN
READERS = (Role.ADMIN, Role.ANALYST)
MAX_RUNS_PAGE = 1000
AGE_MINUTES = (1, 10_080, "minutes")  # a week
INTERVAL = (5, 86_400, "seconds")  # a day
DEFAULT_INTERVAL_SECONDS = 60
TARGET_FIELD = {OrderSide.BUY: "bid_depth_eur", OrderSide.SELL: "ask_depth_eur"}  # save_policy's parameters
TARGETS_FIELD = "targets"  # how a refusal names the pair of targets together (InvalidFields), as Create Liquidity does
SCHEDULE_FIELD = "schedule"  # how a refusal names the interval and the cron together: a policy runs on one of them
# the schedules a policy runs on (save_policy's ``runs_on``): every ``interval_seconds``, or on its ``cron``
RUNS_ON = ("interval", "cron")
# each typed parameter of save_policy by the name its field shows (the form's label, short enough for one line
# beside its neighbours): a refusal names the field as the person reads it
POLICY_LABELS = {
    "bid_depth_eur": "BID target (EUR)",
    "ask_depth_eur": "ASK target (EUR)",
    "refresh_tolerance_pct": "Tolerance (%)",
    "top_up_below_pct": "Top up below (%)",
    "max_order_age_minutes": "Max age (min)",
    "price_floor": "Price floor (EUR)",
    "price_ceiling": "Price ceiling (EUR)",
    "interval_seconds": "Run interval (seconds)",
    "cron": "Cron (UTC)",
    "notes": "Notes (optional)",
}

_POLICY_SQL = """
SELECT p.*, u.username AS updated_by_username
  FROM liquidity_policies p JOIN users u ON u.id = p.updated_by
 WHERE CAST(:c AS certificate_type) IS NULL OR p.certificate_type = CAST(:c AS certificate_type)
 ORDER BY p.certificate_type
"""
_RUNS_SQL = """
SELECT * FROM liquidity_policy_runs
 WHERE CAST(:c AS certificate_type) IS NULL OR certificate_type = CAST(:c AS certificate_type)
 ORDER BY created_at DESC, id DESC
 LIMIT :lim OFFSET :off
"""
# the book as others made it: the best prices without the policy's own resting orders (walking the book's
# price index from the top, skipping the policy's own)
_OTHERS_BEST_SQL = """
SELECT (SELECT price FROM orders o
         WHERE o.certificate_type = :c AND o.side = 'BUY' AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
           AND NOT EXISTS (SELECT 1 FROM liquidity_operations lo
                            WHERE lo.id = o.liquidity_operation_id AND lo.policy_id = :p)
         ORDER BY o.price DESC, o.seq LIMIT 1) AS best_bid,
       (SELECT price FROM orders o
         WHERE o.certificate_type = :c AND o.side = 'SELL' AND o.status IN ('OPEN', 'PARTIALLY_FILLED')
           AND NOT EXISTS (SELECT 1 FROM liquidity_operations lo
                            WHERE lo.id = o.liquidity_operation_id AND lo.policy_id = :p)
         ORDER BY o.price ASC, o.seq LIMIT 1) AS best_ask,
       (SELECT last_price FROM best_prices(:c)) AS last_price,
       (SELECT reference_price FROM liquidity_policy_runs
         WHERE policy_id = :p AND reference_price IS NOT NULL ORDER BY id DESC LIMIT 1) AS previous_reference,
       clock_timestamp() AS now
"""
_OWN_COLUMNS = ", ".join(OwnOrder.__dataclass_fields__)  # in the dataclass's order
# the active market makers' side accounts, as the planner sees them: a run's, only the balance rows it locked
_MARKET_MAKERS_SQL = """
SELECT m.id, m.name, m.mm_type, b.available
  FROM balances b JOIN market_maker_clients m ON m.id = b.market_maker_id
 WHERE m.is_active AND b.asset = order_asset(market_maker_side(m.mm_type), :c) {locked}
 ORDER BY m.id
"""


# ---- saving and reading policies -------------------------------------------------------------------------------


def _label(param: str) -> str:
    """The name a refusal gives ``param``: its field's label (``POLICY_LABELS``), without "(optional)"."""
    return POLICY_LABELS[param].removesuffix(" (optional)")


def _parse_pct(value: object, what: str) -> Decimal:
    number = parse_decimal(value, what)
    if not Decimal(0) < number <= 100:
        raise ValidationError(f"{what} is a percentage above 0 and at most 100, got {echoed_number(value, number)}")
    if number != number.quantize(Decimal("0.001")):
        raise ValidationError(f"{what} has at most 3 decimals, got {echoed_number(value, number)}")
    return number


def _parse_price_bound(value: object, what: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_price(value, what)  # a bound past the maximum is refused as a price, not as "one operation"


def parse_cron(value: object) -> str | None:
    """A standard 5-field cron expression (minute hour day month weekday, in UTC), or None for none."""
    if _blank(value):
        return None
    if not isinstance(value, str):
        raise ValidationError(f"The cron schedule is text like '*/5 * * * *', got {value!r}")
    fields = value.split()
    if len(fields) != 5 or not croniter.is_valid(" ".join(fields)):
        raise ValidationError(f"'{echoed(value.strip())}' is not a cron schedule: {_cron_fault(fields)}")
    cron = " ".join(fields)
    if next_cron_time(cron, datetime.now(UTC)) is None:
        raise ValidationError(
            f"'{cron}' never comes: no month has the day it names (like 31 April or 30 February), so the policy "
            "would never run"
        )
    return cron


CRON_FIELDS = (
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day of the month", "1-31"),
    ("month", "1-12 or JAN-DEC"),
    ("day of the week", "0-7 (0 and 7 are Sunday) or SUN-SAT"),
)


def _cron_fault(fields: list[str]) -> str:
    """What is wrong with a cron that croniter refuses: its count of fields, else the first field it refuses alone."""
    if len(fields) == 5:
        for i, (name, allowed) in enumerate(CRON_FIELDS):
            alone = " ".join(field if j == i else "*" for j, field in enumerate(fields))
            if not croniter.is_valid(alone):
                return f"the {name} field '{echoed(fields[i])}' is not valid ({allowed})"
    return (
        "5 fields (minute hour day-of-month month day-of-week), e.g. '*/5 * * * *' for every five minutes or "
        "'0 7-18 * * 1-5' hourly on weekdays"
    )


def next_cron_time(cron: str, after: datetime) -> datetime | None:
    """The first time ``cron`` (UTC) comes after ``after``; None when it never comes (a day no month it names has)."""
    try:
        return croniter(cron, after).get_next(datetime)
    except CroniterBadDateError:
        return None


def _parse_runs_on(value: object, cron: object) -> str:
    """The schedule chosen (``RUNS_ON``); None: the one typed (the cron when one is, else the interval)."""
    if value is None:
        return "interval" if _blank(cron) else "cron"
    if value not in RUNS_ON:
        raise ValidationError(f"A policy runs on an interval or on a cron ('interval' or 'cron'), got {value!r}")
    return value


def _parse_required_cron(value: object) -> str:
    """The cron of a policy chosen to run on one: blank is refused as required, never read as "no cron" (which is
    the default interval)."""
    cron = parse_cron(value)
    if cron is None:
        raise ValidationError(
            f"{_label('cron')} is required to run on a cron: 5 fields (minute hour day-of-month month day-of-week), "
            "e.g. '*/5 * * * *' for every five minutes"
        )
    return cron


def _parse_interval(value: object) -> int:
    """The run interval, in seconds; blank (without a cron: beside one it is no interval) is refused as required."""
    if _blank(value):
        raise ValidationError(f"{_label('interval_seconds')} is required, or a cron instead")
    return parse_whole_number(value, _label("interval_seconds"), *INTERVAL)


def _parse_bool(value: object, what: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{what} is yes or no (True or False), got {value!r}")
    return value


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and is_blank(value))


def save_policy(
    db: Session,
    certificate_type: object,
    *,
    user_id: int,
    bid_depth_eur: object,
    ask_depth_eur: object,
    refresh_tolerance_pct: object = Decimal("0.5"),
    top_up_below_pct: object = Decimal("80"),
    max_order_age_minutes: object = 60,
    price_floor: object = None,
    price_ceiling: object = None,
    dynamic_spread: object = False,
    interval_seconds: object = None,
    cron: object = None,
    runs_on: object = None,
    enabled: object = False,  # a new standing policy places real orders: it starts only when turned on
    notes: object = None,
    expected_updated_at: datetime | Literal[False] | None = False,
) -> SavedPolicy:
    """Create or update the one policy of a book (admins only; audited with the policy before and after).

    Its runs act as the admin who saved it last. A policy runs on one schedule: every ``interval_seconds``
    (``DEFAULT_INTERVAL_SECONDS`` when not given), or on ``cron`` (5 fields, UTC), never both: an interval typed
    beside a cron is refused under the pair (``SCHEDULE_FIELD``), for it would be ignored (a policy saved with both
    ran on the cron, and the interval typed was kept unused, said only in the cron field's help). A policy on a
    cron stores no interval (the table's CHECK holds one schedule). ``runs_on`` ("interval" or "cron", ``RUNS_ON``)
    is the schedule the admin chose, whose field is then required: a form that offers one field at a time sends it
    (a cron left blank was saved as the default 60 s interval); None reads the schedule from what is typed.
    ``expected_updated_at`` is the version a form showed: the policy's ``updated_at``, or None when it showed no
    policy; a ``Conflict`` when another save came in between, so one admin's change is never overwritten unseen by
    another's (False: no check). A policy runs only when saved with ``enabled``: a new one starts disabled, and the
    admin switches it on deliberately.

    Bad input saves nothing and raises ``InvalidFields`` naming every fault at once, each under the parameter it
    belongs to. The saved policy comes back with ``warnings`` under a target a run cannot place now (too small for
    one certificate per level at the current reference price, ``core.policy_rules.unplaceable_targets``), and under
    a price bound the current reference lies beyond (``core.policy_rules.band_warning``).
    """
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    faults = FieldFaults()  # every field's fault at once, under its parameter's name, in the form's order
    on_cron = faults.parse("runs_on", _parse_runs_on, runs_on, cron) == "cron"
    if interval_seconds is None and not on_cron:  # not given: the default; typed blank is refused as required
        interval_seconds = DEFAULT_INTERVAL_SECONDS
    params = {
        "c": cert.value,
        # a side left empty is no liquidity there, as in Create Liquidity: one side alone is fine
        "bid": faults.parse(
            "bid_depth_eur", parse_eur, blank_is_zero(bid_depth_eur), _label("bid_depth_eur"), allow_zero=True
        ),
        "ask": faults.parse(
            "ask_depth_eur", parse_eur, blank_is_zero(ask_depth_eur), _label("ask_depth_eur"), allow_zero=True
        ),
        "tolerance": faults.parse(
            "refresh_tolerance_pct", _parse_pct, refresh_tolerance_pct, _label("refresh_tolerance_pct")
        ),
        "top_up": faults.parse("top_up_below_pct", _parse_pct, top_up_below_pct, _label("top_up_below_pct")),
        "age": faults.parse(
            "max_order_age_minutes",
            parse_whole_number,
            max_order_age_minutes,
            _label("max_order_age_minutes"),
            *AGE_MINUTES,
        ),
        "floor": faults.parse("price_floor", _parse_price_bound, price_floor, _label("price_floor")),
        "ceiling": faults.parse("price_ceiling", _parse_price_bound, price_ceiling, _label("price_ceiling")),
        "dynamic": faults.parse("dynamic_spread", _parse_bool, dynamic_spread, "Dynamic spread"),
        "interval": None
        if on_cron and _blank(interval_seconds)
        else faults.parse("interval_seconds", _parse_interval, interval_seconds),
        "cron": faults.parse("cron", _parse_required_cron if runs_on == "cron" else parse_cron, cron),
        "enabled": faults.parse("enabled", _parse_bool, enabled, "Enabled"),
        "notes": faults.parse("notes", parse_notes, notes, notes_max_length(db)),
        "by": user_id,
    }
    if params["bid"] == 0 and params["ask"] == 0:  # the pair's fault, said once under both, not under each
        faults.refuse(TARGETS_FIELD, "Set a BID or an ASK target above zero (one side alone is fine)")
    if params["interval"] is not None and params["cron"] is not None:  # both typed, and each valid alone
        faults.refuse(
            SCHEDULE_FIELD,
            f"Run on an interval or on a cron, not both: clear the run interval to run on cron '{params['cron']}', "
            f"or clear the cron to run every {params['interval']} s",
        )
    floor, ceiling = params["floor"], params["ceiling"]
    if floor is not None and ceiling is not None and floor >= ceiling:
        faults.refuse("price_ceiling", f"The price floor €{floor} must be below the price ceiling €{ceiling}")
    faults.raise_any()
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "save a liquidity policy")
        if expected_updated_at is not False:
            _refuse_a_save_in_between(db, cert, expected_updated_at)
        db.execute(
            text(
                "SELECT save_liquidity_policy(:c, :bid, :ask, :tolerance, :top_up, :age, :floor, :ceiling, :dynamic, "
                ":interval, :cron, :enabled, :notes, :by)"
            ),
            params,
        )
        inputs = _read_inputs(db, cert)  # as a run would see the book now, without its locks
        warnings = {TARGET_FIELD[side]: why for side, why in unplaceable_targets(inputs).items()}
        warnings.update(band_warning(inputs))
        return SavedPolicy(**inputs.policy.model_dump(), warnings=warnings, resting_orders=len(inputs.own))


def _refuse_a_save_in_between(db: Session, cert: CertificateType, expected: datetime | None) -> None:
    # the policy row's lock, the only one save_liquidity_policy takes, held to the commit: no save slips in after
    row = fetch_one(
        db,
        "SELECT p.updated_at, u.username FROM liquidity_policies p JOIN users u ON u.id = p.updated_by "
        "WHERE p.certificate_type = :c FOR UPDATE OF p",
        {"c": cert.value},
    )
    if row is None or row["updated_at"] == expected:
        return
    verb = "created" if expected is None else "saved"
    raise Conflict(
        f"{row['username']} {verb} the {cert} policy at {row['updated_at'].astimezone(UTC):%H:%M:%S} UTC, after "
        "this form was filled in: nothing was saved. The form now shows the policy as it is; make your change again."
    )


def policies_now(db: Session, cert: CertificateType | None = None) -> list[LiquidityPolicy]:
    """The policies as they are (inside the caller's unit of work, no role check: for core's own use)."""
    rows = db.execute(text(_POLICY_SQL), {"c": cert.value if cert else None}).mappings()
    return [LiquidityPolicy.model_validate(r) for r in rows]


def get_policies(db: Session, *, user_id: int) -> list[LiquidityPolicy]:
    """Every book's policy (admins and analysts)."""
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view liquidity policies")
        return policies_now(db)


def get_resuming_policies(db: Session, *, user_id: int) -> list[LiquidityPolicy]:
    """The policies that run once liquidity resumes, whose runs then place afresh: those the kill switch paused
    (``resume_liquidity`` re-enables them) and those an admin saved enabled during the pause (a save clears the
    pause's mark: the resume dialog left such a policy out, and said resuming "places no order", before its first
    run placed the whole target). A policy an admin disabled stays off. Admins and analysts."""
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view liquidity policies")
        return [p for p in policies_now(db) if p.paused or p.enabled]


def get_policy_runs(
    db: Session, *, user_id: int, certificate_type: object = None, limit: int = 100, offset: int = 0
) -> list[PolicyRun]:
    """Runs, newest first (admins and analysts); ``offset`` pages further back."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type") if certificate_type is not None else None
    lim = parse_whole_number(limit, "Number of runs", 1, MAX_RUNS_PAGE, "runs")
    off = parse_whole_number(offset, "Offset", 0, 10**9, "runs")
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view liquidity policy runs")
        rows = db.execute(text(_RUNS_SQL), {"c": cert.value if cert else None, "lim": lim, "off": off}).mappings()
        return [PolicyRun.model_validate(r) for r in rows]


def count_policy_runs(db: Session, *, user_id: int, certificate_type: object = None) -> int:
    cert = parse_enum(CertificateType, certificate_type, "certificate type") if certificate_type is not None else None
    with unit_of_work(db):
        require_role(db, user_id, READERS, "view liquidity policy runs")
        return db.execute(
            text(
                "SELECT count(*) FROM liquidity_policy_runs "
                "WHERE CAST(:c AS certificate_type) IS NULL OR certificate_type = CAST(:c AS certificate_type)"
            ),
            {"c": cert.value if cert else None},
        ).scalar_one()


# ---- one run ----------------------------------------------------------------------------------------------------


def run_policy(db: Session, certificate_type: object, *, user_id: int) -> PolicyRun:
    """One maintenance cycle of the book's policy, now, in one transaction, acting as ``user_id`` (an admin).

    What it does and why is in the returned run (``core.policy_rules`` has the rules); it is recorded whatever
    it did. Two runs at the same moment queue on the locks: the second sees what the first placed.
    """
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    with unit_of_work(db):
        require_role(db, user_id, ADMIN, "run a liquidity policy")
        locked = db.execute(text("SELECT begin_policy_run(:c, :by)"), {"c": cert.value, "by": user_id}).scalar_one()
        inputs = _read_inputs(db, cert, locked)
        decision = decide(inputs)
        return _carry_out(db, inputs, decision, user_id)


def _read_inputs(db: Session, cert: CertificateType, locked_balance_ids: list[int] | None = None) -> RunInputs:
    """What the run decides from, read under its locks (the market makers of ``locked_balance_ids``); without them,
    as a run would see it now (every active market maker)."""
    settings = get_settings()
    policy = policies_now(db, cert)[0]
    book = db.execute(text(_OTHERS_BEST_SQL), {"c": cert.value, "p": policy.id}).mappings().one()
    own = db.execute(text(f"SELECT {_OWN_COLUMNS} FROM liquidity_policy_orders WHERE policy_id = :p"), {"p": policy.id})
    locked = "" if locked_balance_ids is None else "AND b.id = ANY (:ids)"
    makers = db.execute(
        text(_MARKET_MAKERS_SQL.format(locked=locked)), {"ids": locked_balance_ids, "c": cert.value}
    ).mappings()
    sigma, multiplier = market_volatility(db, cert)
    return RunInputs(
        policy=policy,
        kill_switch=kill_switch_state(db),
        now=book["now"],
        own=[OwnOrder(r[0], OrderSide(r[1]), *r[2:]) for r in own],
        others_best_bid=book["best_bid"],
        others_best_ask=book["best_ask"],
        last_price=book["last_price"],
        previous_reference=book["previous_reference"],
        default_price=settings.default_prices[cert],
        market_makers=[FundedMarketMaker.model_validate(m) for m in makers],
        roles=side_roles(db, cert),
        volatility=sigma,
        spread_multiplier=multiplier if policy.dynamic_spread else Decimal(1),
        levels=settings.liquidity_levels,
        tick=book_tick(db, cert),
    )


def _carry_out(db: Session, inputs: RunInputs, decision: Decision, user_id: int) -> PolicyRun:
    """Withdraw, place, record: the decision's writes, in the run's transaction."""
    policy = inputs.policy
    withdrawn = 0
    if decision.withdraw:
        withdrawn = db.execute(
            text(
                "SELECT coalesce(sum(orders_cancelled), 0) "
                "FROM withdraw_liquidity_orders(CAST(:ids AS bigint[]), :by, :why)"
            ),
            {
                "ids": decision.withdraw,
                "by": user_id,
                "why": f"{policy.certificate_type} policy run: {decision.action}",
            },
        ).scalar_one()
    operation = None
    if decision.plans:
        bid_plan, ask_plan = decision.plans.get(OrderSide.BUY), decision.plans.get(OrderSide.SELL)
        reference, source = decision.placed_around or (decision.reference, decision.price_source)
        preview = LiquidityPreview(
            certificate_type=policy.certificate_type,
            bid_amount_eur=policy.bid_depth_eur if bid_plan else Decimal(0),
            ask_amount_eur=policy.ask_depth_eur if ask_plan else Decimal(0),
            reference_price=reference,
            price_source=source,
            best_bid=inputs.others_best_bid,
            best_ask=inputs.others_best_ask,
            last_price=inputs.last_price,
            bid_plan=bid_plan,
            ask_plan=ask_plan,
            spread_multiplier=decision.spread_multiplier,
            volatility=inputs.volatility,
        )
        note = f"Liquidity policy run ({decision.action.replace('_', ' ')})"
        operation = place_operation(db, preview, user_id, notes=note, policy_id=policy.id)
    row = (
        db.execute(
            text(
                "SELECT * FROM record_policy_run(:p, :action, :reason, :op, :placed, :withdrawn, :ref, :source, "
                ":multiplier, :volatility, :by, :bid_before, :ask_before)"
            ),
            {
                "p": policy.id,
                "action": decision.action,
                "reason": decision.reason,
                "op": operation.id if operation else None,
                "placed": operation.orders_count if operation else 0,
                "withdrawn": withdrawn,
                "ref": decision.reference,
                "source": decision.price_source,
                "multiplier": decision.spread_multiplier,
                "volatility": inputs.volatility,
                "by": user_id,
                "bid_before": sum((o.resting_eur for o in inputs.own if o.side is OrderSide.BUY), Decimal(0)),
                "ask_before": sum((o.resting_eur for o in inputs.own if o.side is OrderSide.SELL), Decimal(0)),
            },
        )
        .mappings()
        .one()
    )
    return PolicyRun.model_validate(row)


# the kill switch lives in core.kill_switch; its calls are part of this module's API too
__all__ = [
    "POLICY_LABELS",
    "RUNS_ON",
    "SCHEDULE_FIELD",
    "count_policy_runs",
    "get_kill_switch",
    "get_policies",
    "get_policy_runs",
    "get_resuming_policies",
    "parse_cron",
    "pause_liquidity",
    "policies_now",
    "resume_liquidity",
    "run_policy",
    "save_policy",
]
