"""The Market Quality page (AppTest): health of the book over the last 24 h by default, charts, the slippage
calculator and the scorecard with pass/fail, each refusing bad input next to where it was typed; names shown
exactly as typed."""

import json
import re
import time
from datetime import datetime
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from core.enums import Role
from core.market_makers import create_market_maker, deactivate_market_maker
from core.market_quality import take_snapshot
from tests.quality_helpers import holder, leaving_and_moving, provider, quote
from tests.ui.conftest import (
    APP,
    field_errors,
    grid_texts,
    linkable,
    open_url,
    pinned_columns,
    refusal_under,
    shown,
    sign_in_as,
    texts,
)
from ui.navigation import PAGES

PAGE = "pages/market_quality.py"
HOSTILE = "MM [pwn](http://example.invalid/x)"


def frame(at, key: str):
    """The slippage table comes first, the scorecard second (AppTest does not expose a grid's key)."""
    return at.dataframe[{"mq_slippage": 0, "mq_scorecard": 1}[key]].value


def test_the_page_is_for_admins_and_analysts_only():
    roles = next(p.roles for p in PAGES if p.title == "Market Quality")

    assert set(roles) == {Role.ADMIN, Role.ANALYST}
    assert next(p.url_path for p in PAGES if p.title == "Market Quality") == "market-quality"


def test_an_analyst_sees_the_last_24_hours_of_the_book_with_charts_and_the_scorecard(open_app, db, actors):
    leaving_and_moving(db, actors)  # four CEA snapshots just now

    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Market Quality"]  # the menu's title, as every page's heading
    assert at.segmented_control(key="mq_period").value == "Last 24 h"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Snapshots"] == "4"
    assert metrics["Two-sided"] == "100.0 %"
    assert (metrics["Mean spread"], metrics["Median spread"]) == ("56.8 bps", "39.1 bps")  # the unit on the card
    assert all(re.fullmatch(r"€[\d,]+\.\d\d", metrics[f"{side} depth ±1 %"]) for side in ("Bid", "Ask"))  # cents
    assert len(at.get("plotly_chart")) == 4  # spread, two-sided presence, depth, weekday x hour
    assert len(at.get("download_button")) == 2  # every snapshot, the scorecard


def test_a_book_never_two_sided_in_the_period_says_so_instead_of_drawing_empty_charts(open_app, db, actors):
    quote(db, actors, holder(db, actors, "AH"), "EUA", "81.00", 10)  # asks only
    take_snapshot(db, "EUA")
    take_snapshot(db, "EUA")

    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Snapshots"], metrics["Two-sided"], metrics["Mean spread"]) == ("2", "0.0 %", "—")
    assert [i.value for i in at.info] == [
        "The EUA book was never two-sided in this period (2 snapshots, none with both a bid and an ask), so there is "
        "no spread or depth to chart."
    ]
    assert not at.get("plotly_chart")
    assert len(at.get("download_button")) == 2  # the snapshots are still there to download, and the scorecard


def test_the_scorecard_uses_the_thresholds_typed_on_the_page(open_app, db, actors):
    leaving_and_moving(db, actors)
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    at.text_input(key="mq_min_quote").input("1,000").run()
    at.text_input(key="mq_presence").input("50").run()

    scores = frame(at, "mq_scorecard")
    assert dict(zip(scores["Market maker"], scores["Result"], strict=True)) == {"Alpha": "Pass", "Beta": "Fail"}
    assert dict(zip(scores["Market maker"], scores["Presence %"], strict=True)) == {"Alpha": 50.0, "Beta": 25.0}
    assert "**1 of 2** market makers meet the obligation of 50 % presence." in texts(at.markdown)


def test_an_active_market_maker_with_nothing_to_score_is_named_under_the_scorecard(open_app, db, actors):
    leaving_and_moving(db, actors)  # Alpha and Beta quote CEA
    create_market_maker(db, "Gamma", "LIQUIDITY_PROVIDER", actors.admin.id)  # never quotes
    retired = create_market_maker(db, "Retired", "ASSET_HOLDER", actors.admin.id)
    deactivate_market_maker(db, retired.id, actors.admin.id)

    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    assert sorted(frame(at, "mq_scorecard")["Market maker"]) == ["Alpha", "Beta"]
    assert "Not scored, with no order resting or placed on this book in the period: Gamma" in texts(at.caption)


def test_the_minimum_quote_is_prefilled_as_the_app_writes_an_amount_and_scores_as_it_reads(open_app, db, actors):
    leaving_and_moving(db, actors)  # CEA snapshots

    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    assert at.text_input(key="mq_min_quote").value == "10,000.00"  # core.wording.figure: to the cent, as everywhere
    assert not field_errors(at)
    assert len(at.dataframe) == 2  # the slippage table and the scorecard the prefilled thresholds judged


def test_certificates_and_counts_are_grouped_in_thousands_as_in_every_grid(open_app, db, actors):
    leaving_and_moving(db, actors)  # CEA snapshots
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_cert").set_value("CEA").run()

    formats = [
        {
            column: json.loads(grid.proto.columns).get(column, {}).get("type_config", {}).get("format")
            for column in names
        }
        for grid, names in ((at.dataframe[0], ["Certificates"]), (at.dataframe[1], ["Placed", "Filled", "Snapshots"]))
    ]

    assert formats == [  # "1231" certificates beside "€99,969.71" read as another kind of number
        {"Certificates": "%,d"},
        {"Placed": "%,d", "Filled": "%,d", "Snapshots": "%,d"},
    ]


def test_a_required_presence_left_empty_is_asked_for_without_saying_required_twice(open_app, db, actors):
    leaving_and_moving(db, actors)
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_presence").input(" ").run()

    assert refusal_under(at, "mq_presence") == "Type the required presence, a percentage from 0 to 100"


@pytest.mark.parametrize("typed", ["150", "-5", "seventy", "70.555"])
def test_a_required_presence_that_is_no_percentage_is_refused_under_it_and_scores_nothing(open_app, db, actors, typed):
    leaving_and_moving(db, actors)
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_presence").input(typed).run()

    (refusal,) = field_errors(at)
    assert refusal.startswith("The required presence")
    assert len(at.dataframe) == 1  # the slippage table only: no scorecard for a threshold the field does not show
    assert not any("meet the obligation" in m for m in texts(at.markdown))


def test_a_market_makers_name_is_shown_exactly_as_typed(open_app, db, actors):
    hostile = provider(db, actors, HOSTILE)
    quote(db, actors, hostile, "EUA", "80.00", 10)  # placed in the period, never snapshotted: it fails

    at = open_app(actors.analyst, PAGE)

    assert list(frame(at, "mq_scorecard")["Market maker"]) == [HOSTILE]
    # Streamlit draws a pinned column at 60 % opacity: every name read greyed beside its Pass or Fail
    assert [pinned_columns(grid) for grid in at.dataframe] == [[], []]
    caption = next(c for c in texts(at.caption) if c.startswith("Below it:"))
    assert caption == f"Below it: {HOSTILE}"  # read exactly as typed
    assert not [c for c in at.caption if linkable(str(c.value))]  # never a link


def test_the_slippage_calculator_shows_ten_and_a_hundred_thousand_and_a_typed_amount(open_app, db, actors):
    ah = holder(db, actors, "AH")
    quote(db, actors, ah, "EUA", "80.00", 2000)  # €160,000 of asks
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_amount").input("250,000").run()

    table = frame(at, "mq_slippage")
    assert list(table["Amount (€)"]) == [10000.0, 100000.0, 250000.0]
    assert list(table["Certificates"]) == [125, 1250, 2000]
    assert list(table["Book absorbs it"]) == ["yes", "yes", "no: the book is too thin"]
    assert grid_texts(at.dataframe[0], "Average price (€)") == ["€80.00", "€80.00", "€80.00"]  # not €80.0000
    assert list(table["Average price (€)"]) == [80.0, 80.0, 80.0]  # a number: its header sorts it as one

    at.text_input(key="mq_amount").input("5,000").run()
    assert list(frame(at, "mq_slippage")["Amount (€)"]) == [5000.0, 10000.0, 100000.0]  # in order, not last

    at.segmented_control(key="mq_side").set_value("Sell").run()
    assert set(frame(at, "mq_slippage")["Book absorbs it"]) == {"no: no bid fills any of it"}  # empty, not thin

    at.segmented_control(key="mq_side").set_value("Buy").run()
    at.text_input(key="mq_amount").input("0.01").run()
    assert list(frame(at, "mq_slippage")["Book absorbs it"]) == ["no: it buys less than one certificate", "yes", "yes"]


def test_every_figure_of_the_slippage_table_has_room_whole_a_typed_amounts_too(open_app, db, actors):
    quote(db, actors, holder(db, actors, "AH"), "EUA", "80.00", 20_000)  # €1,600,000 of asks
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_amount").input("1,250,000").run()

    widths = {name: config.get("width") for name, config in json.loads(at.dataframe[0].proto.columns).items()}
    # measured in Chromium, in the grid's 14 px font, and 8 px of padding either side: the grid kept the widths it
    # measured on €10,000.00 and €100,000.00, and at 390 px showed "1,250,000.00" and "149,691.78", cut at their start
    needed = {"Amount (€)": 80 + 16, "Filled (€)": 80 + 16, "Certificates": 66 + 16, "Book absorbs it": 91 + 16}
    assert list(frame(at, "mq_slippage")["Filled (€)"]) == [10_000.0, 100_000.0, 1_250_000.0]
    assert {name: (widths[name] or 0) >= px for name, px in needed.items()} == dict.fromkeys(needed, True)


def test_a_slippage_the_book_cannot_give_shows_a_dash_not_none(open_app, db, actors):
    at = open_app(actors.analyst, PAGE)  # an empty book: nothing fills, no average, no slippage

    (grid,) = [d for d in at.dataframe if "Slippage (bps)" in d.value.columns]

    assert grid.value["Slippage (bps)"].isna().all()
    assert grid.proto.placeholder == "—"


def test_the_slippage_column_says_it_is_measured_from_the_mid(open_app, db, actors):
    at = open_app(actors.analyst, PAGE)

    (grid,) = [d for d in at.dataframe if "Slippage (bps)" in d.value.columns]

    # 20.99 bps for an order filled whole at the best ask read as a fault without its reference
    assert "from the mid of the best bid and ask" in json.loads(grid.proto.columns)["Slippage (bps)"]["help"]


def test_a_careless_amount_is_refused_next_to_the_field_and_the_fixed_sizes_still_show(open_app, db, actors):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_amount").input("ten grand").run()

    assert not at.exception
    assert field_errors(at) == ["Your amount must be a number, got 'ten grand'"]
    assert len(frame(at, "mq_slippage")) == 2


def test_typed_text_quoted_in_a_refusal_is_shown_as_text_never_as_markup(open_app, db, actors):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_amount").input("[x](http://e.vil) **bold** :red[R]").run()
    at.text_input(key="mq_min_quote").input("[x](http://evil.example)").run()

    refusals = [str(c.value) for c in at.caption if str(c.value).startswith(":red[")]
    assert field_errors(at) == [
        "Your amount must be a number, got '[x](http://e.vil) **bold** :red[R]'",
        "The minimum quote must be a number, got '[x](http://evil.example)'",
    ]
    assert len(refusals) == 2 and not [r for r in refusals if linkable(r)]
    assert not [r for r in refusals if "**bold**" in r]  # escaped: \*\*bold\*\*


def test_a_custom_periods_fields_write_their_days_as_the_app_and_its_refusals_do(open_app, actors):
    at = open_app(actors.analyst, PAGE)

    at.segmented_control(key="mq_period").set_value("Custom").run()

    # "2030/12/03" in the field, "2030-12-03 08:45 UTC" in the refusal under it
    assert {at.datetime_input(key=key).proto.format for key in ("mq_from", "mq_to")} == {"YYYY-MM-DD"}


def test_a_period_that_ends_before_it_starts_is_refused_under_the_to_field_and_the_live_slippage_still_shows(
    open_app, actors
):
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_period").set_value("Custom").run()

    at.datetime_input(key="mq_from").set_value(datetime(2026, 3, 2, 12, 0)).run()
    at.datetime_input(key="mq_to").set_value(datetime(2026, 3, 1, 9, 30)).run()

    assert not at.exception and not at.error
    assert refusal_under(at, "mq_to") == (
        "The period starts (2026-03-02 12:00 UTC) after it ends (2026-03-01 09:30 UTC): choose an end after the start"
    )
    assert not at.metric  # nothing is read for a period that makes no sense
    assert [s.value for s in at.subheader] == ["Slippage now"]  # the live book does not depend on the period
    assert len(at.dataframe) == 1  # the slippage table, not the scorecard


def test_both_thresholds_refused_at_once_are_each_said_under_their_own_field(open_app, db, actors):
    leaving_and_moving(db, actors)
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_min_quote").set_value("-1")
    at.text_input(key="mq_presence").input("150").run()

    assert refusal_under(at, "mq_min_quote") == "The minimum quote must be greater than zero, got -1"
    assert refusal_under(at, "mq_presence") == "The required presence is a percentage from 0 to 100, got 150"
    assert len(at.dataframe) == 1  # the slippage table only


def test_a_minimum_quote_that_is_not_an_amount_is_refused_and_no_scorecard_is_shown(open_app, db, actors):
    leaving_and_moving(db, actors)
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_min_quote").input("-5").run()

    assert field_errors(at) == ["The minimum quote must be greater than zero, got -5"]
    assert len(at.dataframe) == 1  # the slippage table only


def test_a_typed_period_stays_as_typed_while_time_goes_by(open_app, actors, monkeypatch):
    from core.config import get_settings

    monkeypatch.setenv("CARBON_SNAPSHOT_SECONDS", "1")  # the default period moves every second
    get_settings.cache_clear()
    try:
        at = open_app(actors.analyst, PAGE)
        at.segmented_control(key="mq_period").set_value("Custom").run()
        at.datetime_input(key="mq_from").set_value(datetime(2026, 3, 1, 9, 30)).run()
        time.sleep(1.2)

        at.run()
    finally:
        get_settings.cache_clear()

    assert at.datetime_input(key="mq_from").value == datetime(2026, 3, 1, 9, 30)


def test_a_click_on_a_chosen_option_keeps_it_chosen(open_app, actors):
    at = open_app(actors.analyst, PAGE)

    keys = [c.key for c in at.segmented_control]

    assert set(keys) == {"mq_cert", "mq_period", "mq_side", "mq_band"}
    assert all(at.segmented_control(key=k).proto.required for k in keys)


def test_a_reload_opens_on_the_book_and_the_period_the_url_keeps(app_env, db, actors, actor_sessions):
    leaving_and_moving(db, actors)  # CEA snapshots just now
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, actors.analyst, actor_sessions[actors.analyst.id])
    at.query_params.update({"mq_cert": "CEA", "mq_period": "Last 7 days"})

    open_url(at, "market-quality")  # a new session on a URL the page wrote: it came back on EUA, last 24 h

    assert not at.exception
    assert (at.segmented_control(key="mq_cert").value, at.segmented_control(key="mq_period").value) == (
        "CEA",
        "Last 7 days",
    )
    assert at.get("plotly_chart")  # the CEA book's snapshots, charted


def test_a_reload_of_a_custom_period_opens_on_the_dates_the_url_keeps(app_env, db, actors, actor_sessions):
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, actors.analyst, actor_sessions[actors.analyst.id])
    at.query_params.update({"mq_period": "Custom", "mq_from": "2026-11-30T08:15", "mq_to": "2026-12-01T10:00"})

    open_url(at, "market-quality")  # it came back on Custom over the last 24 hours, not the period typed

    assert not at.exception
    assert at.segmented_control(key="mq_period").value == "Custom"
    assert at.datetime_input(key="mq_from").value == datetime(2026, 11, 30, 8, 15)
    assert at.datetime_input(key="mq_to").value == datetime(2026, 12, 1, 10, 0)


@pytest.mark.parametrize(
    ("start", "end", "said"),
    [
        (datetime(1990, 1, 1), datetime(1990, 1, 2), "No snapshot of the EUA book in this period."),
        (datetime(9999, 12, 30), datetime(9999, 12, 31, 23, 55), "This period has not begun:"),
    ],
    ids=["decades-ago", "year-9999"],
)
def test_a_custom_period_decades_away_is_taken_as_typed_and_says_why_it_holds_no_snapshot(
    open_app, actors, start, end, said
):
    at = open_app(actors.analyst, PAGE)
    at.segmented_control(key="mq_period").set_value("Custom").run()

    at.datetime_input(key="mq_from").set_value(start).run()
    at.datetime_input(key="mq_to").set_value(end).run()

    assert not at.exception and not at.error
    # the field's own bounds were ten years either side: the browser refused 1990 unsaid and kept the moment before
    fields = [at.datetime_input(key=k) for k in ("mq_from", "mq_to")]
    assert [f.value for f in fields] == [start, end]
    assert all(f.proto.min.startswith("0001-01-01") and f.proto.max.startswith("9999-12-31") for f in fields)
    assert any(i.value.startswith(said) for i in at.info)


def warnings_said(at) -> list[str]:
    """The warnings drawn under fields (ui.feedback.field_warning), as a reader sees them."""
    return [shown(str(c.value)) for c in at.caption if str(c.value).startswith(":orange[")]


def opened_at(app_env, actors, actor_sessions, params: dict[str, str]) -> AppTest:
    """Market Quality opened by the analyst on a link holding ``params``: a new session, as a reload or a shared
    link opens it."""
    at = AppTest.from_file(APP, default_timeout=30)
    sign_in_as(at, actors.analyst, actor_sessions[actors.analyst.id])
    at.query_params.update(params)
    return open_url(at, "market-quality")


def test_a_reload_opens_on_the_scorecards_thresholds_the_url_keeps(app_env, db, actors, actor_sessions):
    leaving_and_moving(db, actors)  # CEA snapshots
    link = {"mq_cert": "CEA", "mq_band": "2", "mq_min_quote": "1,000", "mq_presence": "50"}

    at = opened_at(app_env, actors, actor_sessions, link)  # they came back on ±1 %, 10,000.00 and 70

    assert not at.exception and not warnings_said(at)
    assert at.segmented_control(key="mq_band").value == Decimal("2")
    assert (at.text_input(key="mq_min_quote").value, at.text_input(key="mq_presence").value) == ("1,000", "50")
    assert "**1 of 2** market makers meet the obligation of 50 % presence." in texts(at.markdown)


def test_thresholds_typed_on_the_page_are_kept_in_the_url_and_left_out_at_their_defaults(open_app, actors):
    at = open_app(actors.analyst, PAGE)

    at.text_input(key="mq_presence").input("85").run()
    at.segmented_control(key="mq_band").set_value(Decimal("2")).run()

    assert (at.query_params.get("mq_presence"), at.query_params.get("mq_band")) == ("85", "2")
    assert "mq_min_quote" not in at.query_params  # at its default: a clean URL, as Streamlit keeps the bound ones


def test_a_links_thresholds_the_page_cannot_take_fall_back_to_the_defaults_each_saying_so_under_its_field(
    app_env, db, actors, actor_sessions
):
    leaving_and_moving(db, actors)  # EUA has no snapshot: the scorecard needs none to show its thresholds
    link = {"mq_band": "3", "mq_min_quote": "-5", "mq_presence": "seventy"}

    at = opened_at(app_env, actors, actor_sessions, link)

    assert not at.exception and not field_errors(at)
    assert at.segmented_control(key="mq_band").value == Decimal("1.0")
    assert (at.text_input(key="mq_min_quote").value, at.text_input(key="mq_presence").value) == ("10,000.00", "70")
    assert warnings_said(at) == [  # a link's "seventy" filled the field and hid the scorecard, no word of the link
        "The link's maximum spread “3” is not one of 0.5, 1, 2: ±1 % is shown.",
        "Not taken from the link: The minimum quote must be greater than zero, got -5. The default is used.",
        "Not taken from the link: The required presence must be a number, got 'seventy'. The default is used.",
    ]


def test_a_links_book_period_or_dates_the_page_cannot_take_are_said_not_dropped_unsaid(app_env, actors, actor_sessions):
    at = opened_at(app_env, actors, actor_sessions, {"mq_cert": "XYZ", "mq_period": "Forever"})

    assert not at.exception
    assert (at.segmented_control(key="mq_cert").value, at.segmented_control(key="mq_period").value) == (
        "EUA",
        "Last 24 h",
    )
    assert warnings_said(at) == [
        "The link's Certificate “XYZ” is not one of CEA, EUA: EUA is shown.",
        "The link's Period “Forever” is not one of Last 24 h, Last 7 days, Last 30 days, Custom: Last 24 h is shown.",
    ]

    at = opened_at(app_env, actors, actor_sessions, {"mq_period": "Custom", "mq_from": "yesterday"})

    assert at.segmented_control(key="mq_period").value == "Custom"
    (said,) = warnings_said(at)
    assert said.startswith("The link's From (UTC) “yesterday” is not a date and time (e.g. 2026-12-01T10:00): ")
