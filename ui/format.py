"""Display formatting for money, quantities and user-entered text (display only; never fed back into calculations)."""

import html
import re
from datetime import UTC, datetime
from decimal import Decimal

from core.enums import AssetType
from core.wording import amount_text as amount_text  # and "€1,000.50", "500 CEA"
from core.wording import counted as counted  # one home for core and ui: "1 operation", "2 policies"
from core.wording import eur as eur  # "€1,000.50"
from core.wording import figure as figure  # "1,000.50", "5,000": a prefilled amount field's text
from core.wording import percent as percent  # and "0.70 %"

# Markdown and Streamlit directives (:red[...], :material/x:, $math$) that typed text must not trigger.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$])")
# GFM autolinks (http://…, www.…, a@b.c) and Streamlit's directives (:red[…], :material/x:) ignore escapes: an
# invisible zero-width space breaks each one where it would start, so a typed "http://evil" reads as typed and links
# nowhere. Only a colon that something follows at once can start one: "Amount: …" keeps no invisible character, to
# be copied along with the message (checked in Chromium: no link, icon or colour either way), and neither does a
# colon before one or two digits alone, as in a time (22:41:56): no shortcode or directive is two digits
_AUTOLINK_START = re.compile(r"(?<=:)(?!\d{1,2}(?!\w))(?=\S)|(?<=\bwww)(?=\\?\.)|(?<=@)", re.IGNORECASE)
ZERO_WIDTH_SPACE = "\u200b"
# Streamlit's Markdown turns "--", "->", "<-", "<->", ">=", "<=" and "~=" standing between spaces into —, →, ←, ↔, ≥,
# ≤ and ≈, escaped or not: an invisible word joiner inside each keeps what was typed ("DROP TABLE x; -- y")
_TYPOGRAPHIC_TOKEN = re.compile(r"(?:(?<=\s)|^)(?=(?:<->|->|<-|--|>=|<=|~=)(?:\s|$))(.)")
WORD_JOINER = "\u2060"


def utc_time(moment: datetime) -> str:
    """A moment as every table and CSV of the app writes it: UTC, to the second, "2026-12-01 10:00:00", its header
    saying "(UTC)". A naive moment is taken as the UTC it always is here (the page's fields are UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{aware:%Y-%m-%d %H:%M:%S}"


NO_VALUE = "—"  # a figure or a table cell that has none (a MARKET order's limit price)


CENT = Decimal("0.01")
PRICE_STEP = Decimal("0.0001")  # the finest a price is written: a mid of two ticks, an average


def price_figure(value: Decimal | int) -> Decimal:
    """A price's number as ``price`` writes it: to the cent (81.00), more decimals only where the value has them, up
    to four (80.005, 81.0333), never padding zeros (a stored reference price of 81.0000 is 81.00). What a CSV holds,
    so that a spreadsheet reads the figure the screen shows."""
    shown = Decimal(value).quantize(PRICE_STEP)
    exponent = shown.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return shown.quantize(Decimal(1).scaleb(-places))


def price(value: Decimal | int | None) -> str:
    """A price: "€81.00", "€80.005" (``price_figure``), thousands grouped."""
    return NO_VALUE if value is None else f"€{price_figure(value):,f}"


def cents(value: Decimal | int) -> Decimal:
    """An amount of EUR's number as ``eur`` writes it, to the cent: 0 is 0.00, 1234.5600 is 1234.56."""
    return Decimal(value).quantize(CENT)


def units(value: Decimal | int | None) -> str:
    return NO_VALUE if value is None else f"{int(value):,}"


def signed_amount_text(asset: AssetType | str, change: Decimal | int) -> str:
    """An amount that moved, with its unit and its direction, as a signed figure reads elsewhere in the app ("+1.25
    %"): "+€500.00" in, "-€1,000.00" out, "-150 CEA"; no change, no sign ("€0.00")."""
    sign = "+" if change > 0 else "-" if change < 0 else ""
    return sign + amount_text(asset, abs(change))


def md_escape(text: str) -> str:
    """Text a person typed (a name, a note, a refusal quoting one), shown through Markdown exactly as typed:
    no emphasis, links, autolinks or colours."""
    plain = _TYPOGRAPHIC_TOKEN.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return _AUTOLINK_START.sub(ZERO_WIDTH_SPACE, _MARKDOWN_SPECIAL.sub(r"\\\1", plain))


def md_escape_lines(text: str) -> str:
    """Typed text of several lines (a note) shown through Markdown as typed, line for line: each line escaped by
    ``md_escape``, each break kept as a hard line break (Markdown would join them into one line)."""
    return "  \n".join(md_escape(line) for line in text.splitlines())


def plot_text(text: str) -> str:
    """Text a person typed (a market maker's name) as a plotly label or hover: plotly draws <a href>, <b>, <br> and
    their kin in any text it is given, so a name typed "MM <a href='http://…'>click</a>" became a link on the
    Operations page's resting depth chart. Its angle brackets and ampersands go as entities, which plotly shows as
    the characters typed."""
    return html.escape(text, quote=False)


def clipped(text: str, limit: int) -> str:
    """``text`` whole when it has at most ``limit`` characters, else cut at the last word boundary before the
    limit, with "…": for a line that must stay one line or two, the whole text shown beside it."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(maxsplit=1)[0] if " " in cut.strip() else cut).rstrip(" ,.;:") + "…"
