"""What a liquidity target is, as a person types it: a side's EUR amount, blank meaning none, per book. Pure: read by
Create Liquidity (``core.liquidity_service``) and by a liquidity policy (``core.liquidity_policies``)."""

from collections.abc import Mapping
from decimal import Decimal

from core.enums import CertificateType
from core.errors import ValidationError
from core.planning import SIDE_FIELD, target_field
from core.validation import FieldFaults, parse_enum, parse_eur
from core.wording import a_or_an


def blank_is_zero(typed: object) -> object:
    """A side left empty, or holding only spaces, asks for no liquidity there: one side alone is fine. The one rule
    for a side's target as typed, in Create Liquidity and in a liquidity policy."""
    return "0" if typed is None or (isinstance(typed, str) and not typed.strip()) else typed


def parse_liquidity_targets(targets: object) -> list[tuple[CertificateType, Decimal, Decimal]]:
    """``{"CEA": (bid_eur, ask_eur), "EUA": (bid_eur, ask_eur)}`` → parsed, each book once, in book order; with
    several books each refusal names its book ("CEA ASK liquidity: …"). Every fault at once (``InvalidFields``), each
    under its ``target_field``: what the Create Liquidity page checks the typed amounts with before a preview."""
    if not isinstance(targets, Mapping) or not targets:
        raise ValidationError('Liquidity for several books takes targets like {"CEA": (bid_eur, ask_eur), ...}')
    named, faults = len(targets) > 1, FieldFaults()
    parsed: dict[CertificateType, tuple[CertificateType, Decimal | None, Decimal | None]] = {}
    for certificate_type, amounts in targets.items():
        if not isinstance(amounts, tuple | list) or len(amounts) != 2:
            raise ValidationError(f"The targets of {certificate_type} are a pair (BID EUR, ASK EUR), got {amounts!r}")
        cert = parse_enum(CertificateType, certificate_type, "certificate type")
        if cert in parsed:
            raise ValidationError(f"The {cert} book appears twice in the targets")
        book = f"{cert} " if named else ""
        bid, ask = (
            faults.parse(target_field(cert, side), parse_eur, typed, f"{book}{side.upper()} liquidity", allow_zero=True)
            for side, typed in zip(SIDE_FIELD.values(), map(blank_is_zero, amounts), strict=True)
        )
        if bid == 0 and ask == 0:
            fault = f"Enter {a_or_an(f'{book}BID')} or {book}ASK liquidity amount above zero (one side alone is fine)"
            faults.refuse(target_field(cert), fault)
        parsed[cert] = (cert, bid, ask)
    faults.raise_any()
    return [parsed[c] for c in sorted(parsed)]  # type: ignore[misc]  (no fault: every amount parsed)
