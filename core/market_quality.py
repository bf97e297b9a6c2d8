"""Market quality: snapshots of each book, how liquid a book was over a period, what a market order of a given
size would cost now, and how each market maker met its obligations (as exchanges judge designated sponsors).

Snapshots are system writes (no acting user); everything else is a read for admins and analysts. The figures are
computed in SQL (sql/take_book_snapshot.sql, book_health.sql, market_maker_scorecard.sql …) from the snapshots and
their rollups; this module parses, authorizes and returns records.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from core.auth import require_role
from core.config import PRESENCE_PLACES, get_settings
from core.enums import CertificateType, OrderSide, Role
from core.errors import ValidationError
from core.quality_models import (
    BookSnapshot,
    DepthCell,
    HealthBucket,
    HealthSeries,
    HealthSummary,
    MarketHealth,
    MarketMakerQuote,
    MarketMakerScore,
    Slippage,
)
from core.sqlcall import unit_of_work
from core.validation import FieldFaults, echoed, parse_decimal, parse_enum, parse_eur, parse_moment, parse_period

READERS = (Role.ADMIN, Role.ANALYST)
READ_ACTION = "read market quality"
# a chart shows at most this many buckets; the bucket is the smallest of these that keeps under it
MAX_CHART_BUCKETS = 720
CHART_BUCKETS = tuple(
    timedelta(seconds=s) for s in (60, 120, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
)
CENT = Decimal("0.01")


def _ratio(part: Decimal | int, whole: int, places: Decimal = CENT) -> Decimal:
    """part / whole rounded half up, as PostgreSQL's round() does for every figure computed in SQL."""
    return (Decimal(part) / whole).quantize(places, rounding=ROUND_HALF_UP)


MM_COLUMNS = "taken_at, market_maker_id, side, best_price, value_0_5pct_eur, value_1pct_eur, value_2pct_eur"


def _snapshots(db: Session, cert: CertificateType, start: datetime, end: datetime) -> list[BookSnapshot]:
    """Every snapshot of one book in [start, end] with its market makers, oldest first (call in a repeatable-read
    transaction: two statements). The rows come typed from the database (NUMERIC as Decimal, timestamptz as an
    aware datetime), so the records are built without re-validating a day's 50,000 values one by one."""
    params = {"c": cert.value, "s": start, "e": end}
    points = db.execute(
        text("SELECT * FROM book_snapshot_points WHERE certificate_type = :c AND at BETWEEN :s AND :e ORDER BY at"),
        params,
    ).mappings()
    quotes: dict[datetime, list[MarketMakerQuote]] = defaultdict(list)
    for q in db.execute(
        text(
            f"SELECT {MM_COLUMNS} FROM market_maker_snapshots "
            "WHERE certificate_type = :c AND taken_at BETWEEN :s AND :e ORDER BY taken_at, market_maker_id, side"
        ),
        params,
    ).mappings():
        at, values = q["taken_at"], {name: q[name] for name in MarketMakerQuote.model_fields}
        quotes[at].append(MarketMakerQuote.model_construct(**{**values, "side": OrderSide(q["side"])}))
    return [
        BookSnapshot.model_construct(**{**p, "certificate_type": cert, "market_makers": quotes.get(p["at"], [])})
        for p in points
    ]


def _repeatable_read(db: Session) -> None:
    """Read the rest of this transaction from one view of the database (called before its first statement)."""
    db.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def take_snapshot(db: Session, certificate_type: CertificateType | str, *, at: datetime | None = None) -> BookSnapshot:
    """Record one book as it is now, stamped ``at`` (now by default; a past ``at`` only back-dates the record).
    A system write: no acting user."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    stamp = None if at is None else parse_moment(at, "The snapshot time")
    with unit_of_work(db):
        taken_at = db.execute(
            text("SELECT taken_at FROM take_book_snapshot(:c, coalesce(CAST(:at AS timestamptz), now()))"),
            {"c": cert.value, "at": stamp},
        ).scalar_one()
        (snapshot,) = _snapshots(db, cert, taken_at, taken_at)
    return snapshot


def snapshot_all_books(db: Session, *, at: datetime | None = None) -> list[BookSnapshot]:
    """One snapshot of every book, each in its own transaction (one book's failure does not lose the others')."""
    return [take_snapshot(db, cert, at=at) for cert in CertificateType]


def prune_snapshots(db: Session, *, now: datetime | None = None) -> int:
    """Forget the snapshots older than the retention setting (whole UTC days); returns how many book snapshots
    went. A system write."""
    moment = datetime.now(UTC) if now is None else parse_moment(now, "The pruning time")
    cutoff = moment - timedelta(days=get_settings().snapshot_retention_days)
    with unit_of_work(db):
        return int(db.execute(text("SELECT prune_book_snapshots(:before)"), {"before": cutoff}).scalar_one())


def _summary(row: RowMapping, cert: CertificateType, start: datetime, end: datetime) -> dict[str, object]:
    snapshots, two_sided = int(row["snapshots"]), int(row["two_sided"])
    return {
        **row,
        "certificate_type": cert,
        "start": start,
        "end": end,
        "snapshots": snapshots,
        "two_sided_snapshots": two_sided,
        "two_sided_pct": _ratio(100 * two_sided, snapshots) if snapshots else None,
    }


def health_summary(
    db: Session, certificate_type: CertificateType | str, *, user_id: int, start: datetime, end: datetime
) -> HealthSummary:
    """How liquid one book was over [start, end]: the share of two-sided snapshots and, over those, the mean and
    median spread and the mean depth within ±1 % of mid. Reads the rollups: a month costs a few milliseconds."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    first, last = parse_period(start, end)
    with unit_of_work(db):
        require_role(db, user_id, READERS, READ_ACTION)
        row = db.execute(text("SELECT * FROM book_health(:c, :s, :e)"), {"c": cert.value, "s": first, "e": last})
        return HealthSummary.model_validate(_summary(row.mappings().one(), cert, first, last))


def market_health(
    db: Session, certificate_type: CertificateType | str, *, user_id: int, start: datetime, end: datetime
) -> MarketHealth:
    """The health summary of one book over [start, end] and every snapshot in it (``points``), oldest first."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    first, last = parse_period(start, end)
    with unit_of_work(db):
        _repeatable_read(db)  # the summary and the points describe the same snapshots
        require_role(db, user_id, READERS, READ_ACTION)
        row = db.execute(text("SELECT * FROM book_health(:c, :s, :e)"), {"c": cert.value, "s": first, "e": last})
        summary = _summary(row.mappings().one(), cert, first, last)
        return MarketHealth.model_validate({**summary, "points": _snapshots(db, cert, first, last)})


def chart_bucket(start: datetime, end: datetime) -> timedelta:
    """The bucket of a chart over [start, end]: the snapshot period itself when that keeps the chart small enough,
    else the smallest bucket that does."""
    span = end - start
    for bucket in (timedelta(seconds=get_settings().snapshot_seconds), *CHART_BUCKETS):
        if span / bucket <= MAX_CHART_BUCKETS:
            return bucket
    return CHART_BUCKETS[-1]


def health_series(
    db: Session, certificate_type: CertificateType | str, *, user_id: int, start: datetime, end: datetime
) -> HealthSeries:
    """One book over [start, end] in chart buckets (``chart_bucket``): spread, depth per band, two-sided share."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    first, last = parse_period(start, end)
    bucket = chart_bucket(first, last)
    with unit_of_work(db):
        require_role(db, user_id, READERS, READ_ACTION)
        rows = db.execute(
            text("SELECT * FROM book_health_series(:c, :s, :e, :b)"),
            {"c": cert.value, "s": first, "e": last, "b": bucket},
        ).mappings()
        return HealthSeries(bucket=bucket, buckets=[HealthBucket.model_validate(r) for r in rows])


def depth_heatmap(
    db: Session, certificate_type: CertificateType | str, *, user_id: int, start: datetime, end: datetime
) -> list[DepthCell]:
    """Mean depth of one book by UTC weekday and hour over [start, end], two-sided snapshots only."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    first, last = parse_period(start, end)
    with unit_of_work(db):
        require_role(db, user_id, READERS, READ_ACTION)
        rows = db.execute(text("SELECT * FROM depth_heatmap(:c, :s, :e)"), {"c": cert.value, "s": first, "e": last})
        return [DepthCell.model_validate(r) for r in rows.mappings()]


def slippage(
    db: Session, certificate_type: CertificateType | str, side: OrderSide | str, amount_eur: object, *, user_id: int
) -> Slippage:
    """What a market order for ``amount_eur`` would get from the live book, walked as the engine walks it
    (sql/walk_book.sql): a BUY spends at most the amount, a SELL sells until its proceeds reach it."""
    cert = parse_enum(CertificateType, certificate_type, "certificate type")
    order_side = parse_enum(OrderSide, side, "order side")
    amount = parse_eur(amount_eur, "Amount")
    with unit_of_work(db):
        require_role(db, user_id, READERS, READ_ACTION)
        row = db.execute(
            text("SELECT * FROM book_slippage(:c, :s, :a)"), {"c": cert.value, "s": order_side.value, "a": amount}
        )
        return Slippage.model_validate(
            {**row.mappings().one(), "certificate_type": cert, "side": order_side, "amount_eur": amount}
        )


def _score(row: RowMapping, required_pct: Decimal) -> MarketMakerScore:
    """One scorecard row from the SQL's counts (typed already: built without re-validation)."""
    snapshots, present = int(row["snapshots"]), int(row["present"])
    placed, filled = int(row["placed_quantity"]), int(row["filled_quantity"])
    return MarketMakerScore.model_construct(
        market_maker_id=int(row["market_maker_id"]),
        name=row["name"],
        certificate_type=CertificateType(row["certificate_type"]),
        snapshots=snapshots,
        presence_pct=_ratio(100 * present, snapshots) if snapshots else Decimal(0),
        avg_quoted_eur=_ratio(row["quoted_eur"], snapshots) if snapshots else Decimal(0),
        placed_quantity=placed,
        filled_quantity=filled,
        fill_ratio=_ratio(filled, placed, Decimal("0.0001")) if placed else None,
        traded_value_eur=Decimal(row["traded_value_eur"]),
        # exact, not on the rounded percentage: 69.996 % does not meet 70 %; no snapshot is no evidence
        passes=snapshots > 0 and present * 100 >= required_pct * snapshots,
    )


def parse_presence_target(value: object) -> Decimal:
    """The share of snapshots a market maker must be present in, as typed: a percentage from 0 to 100."""
    if value is None or (isinstance(value, str) and not value.strip()):
        # parse_decimal's "… is required" would read "The required presence is required"
        raise ValidationError("Type the required presence, a percentage from 0 to 100")
    pct = parse_decimal(value, "The required presence")
    if not Decimal(0) <= pct <= Decimal(100):
        raise ValidationError(f"The required presence is a percentage from 0 to 100, got {echoed(pct)}")
    # the scorecard writes a presence to 2 decimals, cut: against 70.555 % a market maker present 70.5556 % of the
    # time passed while its row read "70.55 %" (and one at 70.551 % failed beside the same "70.55 %")
    if pct.normalize().as_tuple().exponent < -PRESENCE_PLACES:
        raise ValidationError(
            f"The required presence has at most {PRESENCE_PLACES} decimals, as the scorecard writes a presence, "
            f"got {echoed(pct)}"
        )
    return pct + 0  # "-0" is 0, and said so: the scorecard read "meet the obligation of -0 % presence"


def parse_obligations(min_quote_eur: object, required_presence_pct: object) -> tuple[Decimal, Decimal]:
    """A scorecard's obligations as typed: the minimum quote (EUR) and the required presence (%); every fault at
    once, each under its parameter (``InvalidFields``), for a form to say each under its field."""
    faults = FieldFaults()
    quote = faults.parse("min_quote_eur", parse_eur, min_quote_eur, "The minimum quote")
    required = faults.parse("required_presence_pct", parse_presence_target, required_presence_pct)
    faults.raise_any()
    return quote, required  # type: ignore[return-value]  (no fault: both parsed)


def mm_scorecard(
    db: Session,
    *,
    user_id: int,
    start: datetime,
    end: datetime,
    certificate_type: CertificateType | str | None = None,
    max_spread_pct: object = None,
    min_quote_eur: object = None,
    required_presence_pct: object = None,
) -> list[MarketMakerScore]:
    """One row per market maker and book with snapshots or orders in [start, end]. The thresholds default to the
    settings (CARBON_SCORECARD_MAX_SPREAD_PCT 1.0, CARBON_SCORECARD_MIN_QUOTE_EUR 10000,
    CARBON_SCORECARD_REQUIRED_PRESENCE_PCT 70); ``max_spread_pct`` must be a recorded band (0.5, 1 or 2)."""
    settings = get_settings()
    cert = None if certificate_type is None else parse_enum(CertificateType, certificate_type, "certificate type")
    first, last = parse_period(start, end)
    band = parse_decimal(settings.scorecard_max_spread_pct if max_spread_pct is None else max_spread_pct, "Max spread")
    quote, required = parse_obligations(
        settings.scorecard_min_quote_eur if min_quote_eur is None else min_quote_eur,
        settings.scorecard_required_presence_pct if required_presence_pct is None else required_presence_pct,
    )
    with unit_of_work(db):
        require_role(db, user_id, READERS, READ_ACTION)
        rows = db.execute(
            text("SELECT * FROM market_maker_scorecard(:s, :e, :c, :band, :quote)"),
            {"s": first, "e": last, "c": cert.value if cert else None, "band": band, "quote": quote},
        ).mappings()
        return [_score(r, required) for r in rows]
