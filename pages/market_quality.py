"""Market Quality: how liquid each book is over time, what a market order would cost now, and whether the market
makers meet their obligations (admins and analysts; core refuses anyone else). Reads only, through the read
replica when one is configured."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.config import QUOTE_BANDS_PCT, get_settings
from core.enums import AssetType, CertificateType, OrderSide
from core.errors import CoreError, DatabaseUnavailable, InvalidFields
from core.market_quality import parse_obligations
from core.validation import parse_eur, parse_period
from core.wording import figure
from ui import quality_data as data
from ui.feedback import field_error, field_warning
from ui.format import NO_VALUE, counted, eur, md_escape, percent
from ui.metrics import Metric, metric_row
from ui.navigation import MARKET_QUALITY
from ui.operations_view import priced
from ui.quality_view import (
    FILTERS_CSS,
    PERIODS,
    SCORE_MONEY,
    SCORE_UNITS,
    SLIPPAGE_AMOUNTS,
    as_utc,
    bps,
    bucket_label,
    depth_figure,
    heatmap_figure,
    no_snapshot_text,
    period_ending,
    points_csv,
    presence_figure,
    scorecard_csv,
    scorecard_frame,
    scorecard_shown,
    scorecard_style,
    series_frame,
    slippage_frame,
    slippage_widths,
    spread_figure,
    unscored,
)
from ui.session import require_user
from ui.url_state import (
    UrlChoices,
    choices_from_url,
    choices_to_url,
    dropped_by_url,
    link_note,
    said_by_url,
    say_not_taken,
    typed_from_url,
    typed_to_url,
)

user = require_user()
settings = get_settings()
MONEY = st.column_config.NumberColumn(format="euro")
UNITS = st.column_config.NumberColumn(format="%,d")  # certificates and counts grouped, as every grid writes them
DEPTH_HELP = "Mean resting EUR within ±1 % of mid, over the two-sided snapshots"
DATE_WIDTH = 240  # a UTC date and time, whole
# the book, the period (a Custom one with its dates) and the scorecard's thresholds are kept in the URL: a reload, or
# a link, opens on them. A value a link holds that the page cannot take leaves its field at the default, said so
URL = "query-params"
# the thresholds are kept by ui.url_state, which judges a link's text before the field shows it (a text field bound
# by Streamlit takes any text, so a link's "seventy" would have greyed out the scorecard with no word of a link)
BAND_WORDS = {f"{pct.normalize()}": pct for pct in QUOTE_BANDS_PCT}  # mq_band=0.5
BAND_CHOICE: UrlChoices = {"mq_band": ("mq_band", BAND_WORDS)}
THRESHOLD_FIELDS = {"mq_min_quote": "min_quote_eur", "mq_presence": "required_presence_pct"}  # key: core's parameter
THRESHOLD_DEFAULTS = {
    "mq_min_quote": figure(AssetType.EUR, settings.scorecard_min_quote_eur),
    "mq_presence": f"{settings.scorecard_required_presence_pct:f}",
}
MOMENT_EXAMPLE = "2026-12-01T10:00"
BAND_WIDTH = 210  # px: "±0.5 % | ±1 % | ±2 %" whole (195 px)


def stop_with(message: str) -> None:
    st.error(md_escape(message), icon=":material/error:")  # it may quote what was typed: text, never markup
    st.stop()


def moment_field(label: str, default: datetime, key: str) -> datetime | None:
    """One end of a Custom period: a UTC date and time, to five minutes, kept in the URL as the period is (a reload
    of a Custom period came back on the last 24 hours, still saying Custom)."""
    # every moment a person can type: past the field's own bounds (ten years either side) a typed 1990 was refused in
    # the browser, unsaid, and the page went on with the moment before it
    return st.datetime_input(
        label,
        value=default.replace(tzinfo=None),
        min_value=datetime.min,
        max_value=datetime.max,
        step=timedelta(minutes=5),
        key=key,
        format="YYYY-MM-DD",  # as every day of the app is written, its refusals' too: it read 2030/12/03
        width=DATE_WIDTH,
        bind=URL,
    )


def moment_note(label: str, said: str, shown: object, offered: list[str] | None = None) -> str | None:
    """Why a value of a link's filter was not taken (None when it was the value shown, its default, which Streamlit
    drops from the URL as well): a choice as every page says it (``ui.url_state.link_note``), or a moment."""
    if offered is not None:
        return link_note(label, said, str(shown), offered)
    try:
        if datetime.fromisoformat(said) == shown:
            return None
    except ValueError:
        pass
    when = f"{shown:%Y-%m-%d %H:%M}" if isinstance(shown, datetime) else "the default"
    return f"The link's {label} “{said}” is not a date and time (e.g. {MOMENT_EXAMPLE}): {when} is shown."


def period() -> tuple[CertificateType, tuple[datetime, datetime] | None]:
    """The book, and the period the page is about; a period that makes no sense is refused under the To field (the
    one typed last) and is None: what depends on the period is not read, the rest of the page still is."""
    st.html(FILTERS_CSS)
    said = said_by_url(("mq_cert", "mq_period", "mq_from", "mq_to"))
    start = end = None
    with st.container(border=True, key="mq_filters"):
        with st.container(horizontal=True, vertical_alignment="bottom"):
            cert = st.segmented_control(
                "Certificate", [c.value for c in CertificateType], default="EUA", required=True, key="mq_cert", bind=URL
            )
            choice = st.segmented_control(
                "Period", list(PERIODS), default="Last 24 h", required=True, key="mq_period", bind=URL
            )
        last_day = period_ending(datetime.now(UTC), PERIODS["Last 24 h"], settings.snapshot_seconds)
        under_to = None
        if PERIODS[choice] is None:
            # a row of their own: the To field's refusal has room right below it, and the fields never move
            with st.container(horizontal=True):
                start = moment_field("From (UTC)", last_day[0], "mq_from")
                with st.container(key="mq_to_field"):  # the field and the place for its refusal
                    end = moment_field("To (UTC)", last_day[1], "mq_to")
                    under_to = st.container()
            start, end = as_utc(start), as_utc(end)
        else:
            start, end = period_ending(datetime.now(UTC), PERIODS[choice], settings.snapshot_seconds)
        shown = {"mq_cert": cert, "mq_period": choice, "mq_from": start, "mq_to": end}
        offered = {"mq_cert": [c.value for c in CertificateType], "mq_period": list(PERIODS)}
        labels = {"mq_cert": "Certificate", "mq_period": "Period", "mq_from": "From (UTC)", "mq_to": "To (UTC)"}
        for key, text in dropped_by_url(said).items():  # Streamlit drops a link's value its widget cannot take, unsaid
            moment = shown[key].replace(tzinfo=None) if isinstance(shown[key], datetime) else shown[key]
            field_warning(st.container(), moment_note(labels[key], text, moment, offered.get(key)))
    book = CertificateType(cert or "EUA")
    try:
        return book, parse_period(start, end)
    except CoreError as exc:
        field_error(under_to if under_to is not None else st.container(), exc.message)
        return book, None


def health(cert: CertificateType, start: datetime, end: datetime) -> None:
    summary = data.summary(cert, start, end, user.id)
    two_sided = percent(summary.two_sided_pct, 1)
    st.caption("Spreads in bps of mid. Spreads and depths are averaged over the two-sided snapshots only.")
    # each figure as wide as it is, rows wrapping where the page is narrow: never a cut number or label; the
    # presence and spreads on one row, the two depths together on the next
    metric_row(
        [
            Metric("Snapshots", f"{summary.snapshots:,}"),
            Metric("Two-sided", two_sided, help="Share of snapshots with both a bid and an ask"),
            Metric("Mean spread", bps(summary.avg_spread_bps), help="In basis points of mid (1 bps = 0.01 %)"),
            Metric("Median spread", bps(summary.median_spread_bps), help="In basis points of mid (1 bps = 0.01 %)"),
        ]
    )
    metric_row(
        [
            Metric("Bid depth ±1 %", eur(summary.avg_bid_depth_1pct_eur), help=DEPTH_HELP),
            Metric("Ask depth ±1 %", eur(summary.avg_ask_depth_1pct_eur), help=DEPTH_HELP),
        ]
    )
    if summary.snapshots == 0:
        said = no_snapshot_text(cert, start, datetime.now(UTC), settings.snapshot_seconds, end)
        st.info(said, icon=":material/info:")
        return
    if summary.two_sided_pct:
        charts(cert, start, end)
    else:  # spread and depth exist only where there are a bid and an ask: their charts would be empty frames
        st.info(
            f"The {cert} book was never two-sided in this period ({counted(summary.snapshots, 'snapshot')}, none "
            "with both a bid and an ask), so there is no spread or depth to chart.",
            icon=":material/info:",
        )
    st.download_button(
        "Download every snapshot of the period (CSV)",
        data=lambda: points_csv(data.points(cert, start, end, user.id).points),
        file_name=f"{cert}-snapshots-{start:%Y%m%d%H%M}-{end:%Y%m%d%H%M}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="mq_points_csv",
    )


def charts(cert: CertificateType, start: datetime, end: datetime) -> None:
    """Spread, two-sided presence and depth per bucket of the period, and depth by weekday and hour."""
    series = data.series(cert, start, end, user.id)
    frame = series_frame(series)
    bucket = bucket_label(series.bucket)
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"**Spread** · mean per {bucket}")
        st.plotly_chart(spread_figure(frame, series.bucket), key="mq_spread_chart")
    with right.container(border=True):
        st.markdown(f"**Two-sided presence** · per {bucket}")
        st.plotly_chart(presence_figure(frame, series.bucket), key="mq_presence_chart")
    with st.container(border=True):
        st.markdown(f"**Depth within ±0.5 / 1 / 2 % of mid** · mean per {bucket}, two-sided snapshots")
        st.plotly_chart(depth_figure(frame, series.bucket), key="mq_depth_chart")
    with st.container(border=True):
        st.markdown("**When the book is deep** · mean depth within ±1 % of mid (bid + ask) by weekday and hour, UTC")
        st.plotly_chart(heatmap_figure(data.heatmap(cert, start, end, user.id)), key="mq_heatmap")


def slippage_calculator(cert: CertificateType) -> None:
    st.subheader("Slippage now", anchor=False)
    st.caption(
        "What a market order would get from the live book, walked exactly as the engine walks it: a buy spends at "
        "most the amount, a sell sells until its proceeds reach it, in whole certificates."
    )
    with st.container(horizontal=True, vertical_alignment="bottom"):
        side = st.segmented_control("Side", ["Buy", "Sell"], default="Buy", required=True, key="mq_side")
        typed = st.text_input("Your amount (€)", placeholder="e.g. 250,000", key="mq_amount", width=220)
    order_side = OrderSide.BUY if side == "Buy" else OrderSide.SELL
    amounts = set(SLIPPAGE_AMOUNTS)
    if typed.strip():
        try:
            amounts.add(parse_eur(typed, "Your amount"))
        except CoreError as exc:
            field_error(st.container(), exc.message)  # under the field; the fixed sizes still show
    results = [data.live_slippage(cert, order_side, amount, user.id) for amount in sorted(amounts)]  # smallest first
    columns = {
        "Amount (€)": MONEY,
        "Certificates": UNITS,
        "Filled (€)": MONEY,
        "Average price (€)": st.column_config.NumberColumn(),  # sorted as a number, written by ui.format.price
        "Slippage (bps)": st.column_config.NumberColumn(
            format="%.2f",
            help="The average price's distance from the mid of the best bid and ask, in basis points (1 bp = 0.01 %): "
            "an order filled whole at the best price still pays half the spread",
        ),
        "Book absorbs it": st.column_config.TextColumn(),
    }
    # every figure whole, a typed amount's too: on a phone they were cut at the widths measured before it was typed
    widths = slippage_widths(results)
    st.dataframe(
        priced(slippage_frame(results), ["Amount (€)", "Filled (€)", "Slippage (bps)"], ["Average price (€)"]),
        hide_index=True,
        column_config={name: {**config, "width": widths[name]} for name, config in columns.items()},
        placeholder=NO_VALUE,  # no average or slippage where nothing fills: a dash, as everywhere, not "None"
        key="mq_slippage",
        alt=f"Slippage of market {side.lower()} orders of fixed EUR amounts on the live {cert} book",
    )


def link_threshold_faults(said: dict[str, str]) -> dict[str, str]:
    """Why core refuses each threshold a link holds ({key: why}), read with the others at their defaults."""
    typed = {**THRESHOLD_DEFAULTS, **said}
    try:
        parse_obligations(typed["mq_min_quote"], typed["mq_presence"])
    except InvalidFields as exc:
        return {key: exc.faults[field] for key, field in THRESHOLD_FIELDS.items() if field in exc.faults}
    return {}


def obligations() -> tuple[Decimal, Decimal, Decimal] | None:
    """The scorecard's thresholds from the widgets (defaults from the settings, or a link's), or None with a
    message."""
    labels = {pct: f"±{pct.normalize()} %" for pct in QUOTE_BANDS_PCT}
    default_band = next(p for p in labels if p == settings.scorecard_max_spread_pct)
    unknown_band = choices_from_url(BAND_CHOICE)
    from_link = typed_from_url(THRESHOLD_FIELDS, link_threshold_faults)
    # aligned at the top: a refusal under a field makes its column taller
    with st.container(horizontal=True, vertical_alignment="top", key="mq_obligations"):
        with st.container(width=BAND_WIDTH):  # a link's refused band is said under it, wrapped as the fields' are
            band = st.segmented_control(
                "Maximum spread",
                list(labels),
                default=default_band,
                format_func=labels.__getitem__,
                required=True,
                key="mq_band",
            )
            say_not_taken(st.container(), "maximum spread", unknown_band.get("mq_band"), labels[band], list(BAND_WORDS))
        # text read by core: a number input out of range kept scoring by its last valid value, unsaid
        quote_field, quote_refusal = typed_field(
            "Minimum quote (€)", THRESHOLD_DEFAULTS["mq_min_quote"], "mq_min_quote"
        )
        presence_field, presence_refusal = typed_field(
            "Required presence (%)", THRESHOLD_DEFAULTS["mq_presence"], "mq_presence"
        )
    choices_to_url(BAND_CHOICE, defaults={"mq_band": default_band})
    typed_to_url(THRESHOLD_DEFAULTS)
    for key, where in (("mq_min_quote", quote_refusal), ("mq_presence", presence_refusal)):
        if key in from_link:
            field_warning(where, f"Not taken from the link: {from_link[key]}. The default is used.")
    try:
        minimum, required = parse_obligations(quote_field, presence_field)
    except InvalidFields as exc:  # every fault at once, each under its own field
        field_error(quote_refusal, exc.faults.get("min_quote_eur"))
        field_error(presence_refusal, exc.faults.get("required_presence_pct"))
        return None
    return band, minimum, required


def typed_field(label: str, value: str, key: str) -> tuple[str, DeltaGenerator]:
    """A threshold typed as text, and the place right under it for its refusal."""
    with st.container(key=f"{key}_column", width=180):
        typed = st.text_input(label, value=value, key=key)
        return typed, st.container()


def scorecard(cert: CertificateType, start: datetime, end: datetime) -> None:
    st.subheader("Market-maker scorecard", anchor=False)
    st.caption(
        "Presence: the share of the period's snapshots in which a market maker's resting EUR on its own side, within "
        "the maximum spread of mid, met the minimum quote. Orders placed in the period count with all their fills."
    )
    thresholds = obligations()
    if thresholds is None:
        return
    band, quote, presence = thresholds
    scores = data.scorecard(cert, start, end, band, quote, presence, user.id)
    idle = unscored(data.active_market_makers(user.id), scores, end)
    idle_note = "Not scored, with no order resting or placed on this book in the period: " + ", ".join(
        md_escape(name) for name in idle
    )
    if not scores:
        st.info("No market maker rested or placed orders on this book in the period.", icon=":material/info:")
        if idle:
            st.caption(idle_note)
        return
    frame = scorecard_frame(scores)
    failing = [s.name for s in scores if not s.passes]
    passing = len(scores) - len(failing)
    required = percent(presence.normalize())  # as typed: "70 %", "72.5 %"
    st.markdown(f"**{passing} of {len(scores)}** market makers meet the obligation of {required} presence.")
    if failing:
        st.caption("Below it: " + ", ".join(md_escape(name) for name in failing))
    if idle:
        st.caption(idle_note)
    st.dataframe(
        scorecard_style(scorecard_shown(frame)),
        hide_index=True,
        column_config={
            **{c: MONEY for c in SCORE_MONEY},
            **{c: UNITS for c in SCORE_UNITS},
            "Market maker": st.column_config.TextColumn(),  # first, not pinned (ui.grids: a pinned column is faded)
        },
        key="mq_scorecard",
        alt="Market-maker scorecard: presence, quoted EUR, orders and fills; green rows pass, red rows fail",
    )
    st.download_button(
        "Download the scorecard (CSV)",
        data=scorecard_csv(frame),
        file_name=f"{cert}-scorecard-{start:%Y%m%d%H%M}-{end:%Y%m%d%H%M}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="mq_scorecard_csv",
    )


st.title(MARKET_QUALITY.title, anchor=False)
st.caption(
    f"Spread, depth and two-sided presence of each book from snapshots taken every {settings.snapshot_seconds} s, the "
    "cost of a market order now, and the market makers' obligations, measured as exchanges and data vendors "
    "measure them. Times in UTC."
)
try:
    book, chosen = period()
    if chosen is not None:
        health(book, *chosen)
    slippage_calculator(book)  # the live book: whatever the period
    if chosen is not None:
        scorecard(book, *chosen)
except DatabaseUnavailable:
    raise  # the app shows the outage and recovers by itself
except CoreError as exc:  # e.g. the account was deactivated meanwhile
    stop_with(exc.message)
