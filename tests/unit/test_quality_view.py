"""Market Quality page builders: the default period, CSV figures as the app writes them, pass/fail colours and the
heatmap grid."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pandas as pd

from core.quality_models import BookSnapshot, DepthCell, MarketMakerQuote, MarketMakerScore
from ui.quality_view import (
    FAIL_COLOR,
    PASS_COLOR,
    bucket_label,
    depth_figure,
    heatmap_figure,
    no_snapshot_text,
    period_ending,
    points_csv,
    points_frame,
    presence_figure,
    scorecard_csv,
    scorecard_frame,
    scorecard_shown,
    scorecard_style,
    spread_figure,
)

D = Decimal


def test_the_default_period_is_the_last_24_hours_up_to_the_next_snapshot_due():
    now = datetime(2026, 3, 2, 12, 0, 7, 500_000, tzinfo=UTC)

    start, end = period_ending(now, timedelta(hours=24), 10)

    assert end == datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)
    assert end - start == timedelta(hours=24)
    assert period_ending(now + timedelta(seconds=2), timedelta(hours=24), 10) == (start, end)  # same cache key


def test_a_moment_on_the_grid_is_its_own_end():
    now = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)

    assert period_ending(now, timedelta(hours=1), 10)[1] == now


def _score(name: str, passes: bool) -> MarketMakerScore:
    return MarketMakerScore(
        market_maker_id=1, name=name, certificate_type="EUA", snapshots=4, presence_pct=D("75.00"),
        avg_quoted_eur=D("1234.56"), placed_quantity=10, filled_quantity=5, fill_ratio=D("0.5000"),
        traded_value_eur=D("700.00"), passes=passes,
    )  # fmt: skip


def test_each_scorecard_row_is_tinted_by_its_result():
    frame = scorecard_frame([_score("A", True), _score("B", False)])

    html = scorecard_style(frame).to_html()

    assert list(frame["Result"]) == ["Pass", "Fail"]
    assert f"background-color: {PASS_COLOR}" in html and f"background-color: {FAIL_COLOR}" in html


def test_the_scorecard_writes_both_ratios_as_every_percentage_is_written_a_dash_for_none():
    nothing_placed = _score("B", False).model_copy(update={"placed_quantity": 0, "fill_ratio": None})
    frame = scorecard_shown(scorecard_frame([_score("A", True), nothing_placed]))

    html = scorecard_style(frame).to_html()

    assert ">75.00 %<" in html  # presence, to the 2 decimals its obligation is typed with
    assert ">50.0 %<" in html and ">—<" in html  # the fill ratio as percent(v, 1) on the Operations page


def test_a_presence_just_under_its_obligation_never_reads_as_the_obligation_beside_its_fail():
    failing = _score("B", False).model_copy(update={"presence_pct": D("69.996")})
    frame = scorecard_shown(scorecard_frame([failing]))

    html = scorecard_style(frame).to_html()

    assert ">69.99 %<" in html
    assert "70.0" not in html


def test_the_scorecard_grid_shows_both_ratios_in_percent_while_its_csv_keeps_the_fill_ratio_a_fraction():
    frame = scorecard_frame([_score("A", True)])

    shown = scorecard_shown(frame)

    assert (shown.loc[0, "Presence %"], shown.loc[0, "Fill ratio"]) == (75.0, 50.0)
    assert frame.loc[0, "Fill ratio"] == D("0.5000")


def test_the_scorecard_csv_writes_its_eur_to_the_cent_and_its_fill_ratio_as_a_fraction():
    score = _score("A", True).model_copy(update={"avg_quoted_eur": D("74840.2900"), "traded_value_eur": D("0")})

    read = list(csv.DictReader(io.StringIO(scorecard_csv(scorecard_frame([score])).decode("utf-8-sig"))))

    assert (read[0]["Avg quoted (€)"], read[0]["Traded (€)"], read[0]["Fill ratio"]) == ("74840.29", "0.00", "0.5000")


def test_the_points_csv_writes_prices_and_eur_as_the_app_does_and_the_market_makers_of_each_snapshot():
    point = BookSnapshot(
        certificate_type="EUA", at=datetime(2026, 3, 2, tzinfo=UTC), best_bid=D("99.90"), best_ask=D("100.10"),
        mid=D("100.000"), spread_bps=D("20.0"), bid_depth_0_5pct_eur=D("0.10"), ask_depth_0_5pct_eur=D("1"),
        bid_depth_1pct_eur=D("1"), ask_depth_1pct_eur=D("1"), bid_depth_2pct_eur=D("1"), ask_depth_2pct_eur=D("1"),
        market_makers=[MarketMakerQuote(market_maker_id=7, side="BUY", best_price=D("99.90"),
                                        value_0_5pct_eur=D("0.10"), value_1pct_eur=D("0.10"), value_2pct_eur=None)],
    )  # fmt: skip

    frame = points_frame([point])

    assert frame.loc[0, "bid_depth_0_5pct_eur"] == D("0.10")
    header, first = points_csv([point]).decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("at_utc,best_bid,")  # its zone in its name, as the amounts' unit is in theirs
    # as every CSV writes a time (it read "…00:00:00+00:00"), a mid of 100.000 as the app writes a price, and a
    # depth of 1 as EUR: to the cent
    assert first.startswith("2026-03-02 00:00:00,99.90,100.10,100.00,20.0,0.10,1.00,1.00,1.00,1.00,1.00,")
    assert frame.loc[0, "market_makers"] == (
        '[{"market_maker_id":7,"side":"BUY","best_price":"99.90","value_0_5pct_eur":"0.10",'
        '"value_1pct_eur":"0.10","value_2pct_eur":null}]'
    )


def tuesday_3pm(bid_1pct: str, ask_1pct: str) -> DepthCell:
    """The heatmap's cell of Tuesday 15:00 UTC, with these depths within 1 % of mid (the other bands €1)."""
    return DepthCell(
        weekday=2, hour=15, two_sided=3, avg_bid_depth_0_5pct_eur=D(1), avg_ask_depth_0_5pct_eur=D(1),
        avg_bid_depth_1pct_eur=D(bid_1pct), avg_ask_depth_1pct_eur=D(ask_1pct), avg_bid_depth_2pct_eur=D(1),
        avg_ask_depth_2pct_eur=D(1),
    )  # fmt: skip


def test_the_heatmap_has_a_row_per_weekday_and_a_column_per_hour_blank_where_never_two_sided():
    z = heatmap_figure([tuesday_3pm("100.50", "200.25")]).data[0].z

    assert len(z) == 7 and all(len(row) == 24 for row in z)
    assert z[1][15] == 300.75
    assert sum(value is not None for row in z for value in row) == 1


def test_a_bucket_between_gaps_is_drawn_as_a_point_on_the_spread_and_depth_charts():
    times = [datetime(2026, 3, 2, 12, m, tzinfo=UTC) for m in (0, 2, 4)]
    depth = {f"{side} ±{pct} %": [None, 100.0, None] for side in ("Bid", "Ask") for pct in ("0.5", "1", "2")}
    frame = pd.DataFrame({"Time (UTC)": times, "Spread (bps)": [None, 42.0, None], **depth})

    traces = [*spread_figure(frame).data, *depth_figure(frame).data]

    assert len(traces) == 7
    assert all("markers" in trace.mode for trace in traces)  # a line alone draws nothing for one point


def test_the_heatmap_scale_starts_at_zero_euros():
    heatmap = heatmap_figure([tuesday_3pm("19682.60", "19683.00")]).data[0]

    assert (heatmap.zmin, heatmap.zmax) == (0, 39365.6)  # not a colour bar from 39.365k to 39.3658k
    assert heatmap_figure([]).data[0].zmax == 1  # nothing two-sided: still a scale


def test_a_period_of_one_bucket_is_drawn_a_bucket_either_side_of_its_point_never_zoomed_into_its_milliseconds():
    # a year of Custom period in day buckets, with one day of snapshots: the axis read "23:59:59.9995", "00:00:00.0005"
    day = timedelta(days=1)
    at = datetime(2026, 12, 2, tzinfo=UTC)
    depth = {f"{side} ±{pct} %": [100.0] for side in ("Bid", "Ask") for pct in ("0.5", "1", "2")}
    frame = pd.DataFrame({"Time (UTC)": [at], "Spread (bps)": [42.0], "Two-sided %": [93.5], **depth})

    figures = [spread_figure(frame, day), presence_figure(frame, day), depth_figure(frame, day)]

    for figure in figures:
        first, last = (pd.Timestamp(end) for end in figure.layout.xaxis.range)
        assert (first, last) == (pd.Timestamp(at - day), pd.Timestamp(at + day))
    assert figures[1].data[0].width == 0.8 * day.total_seconds() * 1000  # the bar most of its day wide, not 1 ms


def test_a_buckets_bar_is_drawn_inside_its_bucket_never_over_the_time_before_it():
    # a bar is centred on its x by default: the bucket 06:00-07:00 (x = its start) was drawn over 05:36-06:24
    hour = timedelta(hours=1)
    times = [datetime(2026, 12, 4, h, tzinfo=UTC) for h in (6, 7)]
    frame = pd.DataFrame({"Time (UTC)": times, "Two-sided %": [100.0, 50.0]})

    bar = presence_figure(frame, hour).data[0]

    ms = hour.total_seconds() * 1000
    assert (bar.offset, bar.width) == (0.1 * ms, 0.8 * ms)  # from 06:06 to 06:54: within its hour
    assert bar.offset >= 0 and bar.offset + bar.width <= ms


def test_a_charts_bucket_reads_in_the_unit_a_desk_says_it_in():
    labels = [bucket_label(timedelta(seconds=s)) for s in (10, 60, 120, 900, 3600, 3 * 3600, 86400, 2 * 86400)]

    assert labels == ["snapshot", "minute", "2 min", "15 min", "hour", "3 h", "day", "2 days"]  # not "1440 min"


def test_every_euro_a_chart_hovers_is_written_to_the_cent_as_the_headline_writes_it():
    # the heatmap hovered "€301" and "bid €100" for €300.75 of €100.50 and €200.25; the depth chart "€38,026"
    heatmap = heatmap_figure([tuesday_3pm("100.50", "200.25")]).data[0]
    at = datetime(2026, 12, 2, tzinfo=UTC)
    depth = {f"{side} ±{pct} %": [100.5] for side in ("Bid", "Ask") for pct in ("0.5", "1", "2")}
    lines = depth_figure(pd.DataFrame({"Time (UTC)": [at], **depth})).data

    assert heatmap.customdata[1][15] == "€300.75 within ±1 %<br>bid €100.50 · ask €200.25 · 3 snapshots"
    assert "%{z" not in heatmap.hovertemplate
    assert {trace.hovertemplate.split("<extra>")[0] for trace in lines} == {"€%{y:,.2f}"}


def test_a_period_shorter_than_the_time_between_snapshots_says_so_not_that_the_worker_took_none():
    start = datetime(2026, 1, 1, tzinfo=UTC)

    instant = no_snapshot_text("EUA", start, start + timedelta(days=1), 10, end=start)
    day = no_snapshot_text("EUA", start, start + timedelta(days=2), 10, end=start + timedelta(days=1))

    # From and To typed the same read "No snapshot … The worker takes one every 10 s while it runs"
    assert instant.startswith("This period is shorter than the 10 s between two snapshots of the EUA book")
    assert day.startswith("No snapshot of the EUA book in this period.")
