"""The Liquidity Policies page (AppTest): a card per book, the edit form and its refusals, Run now, the runs, the
kill switch; analysts read; typed text is shown exactly as typed."""

import json

import pytest
from sqlalchemy import text

from core import sessions
from core.enums import Role
from core.liquidity_policies import get_kill_switch, get_policies, pause_liquidity, run_policy
from tests.policy_helpers import fund_market, policy
from tests.ui.conftest import field_errors, header_sort_of, linkable, pinned_columns, refusal_under, shown, texts
from ui.feedback import WARNING_ICON
from ui.grids import NEWEST_FIRST
from ui.navigation import PAGES
from ui.policies_view import REASON_COLUMN_PX, RUNS_ROW_PX
from ui.session import TOKEN_KEY

PAGE = "pages/liquidity_policies.py"
HOSTILE = "Firm [pwn](http://example.invalid/x)"


def _runs_table(at):
    return next(f.value for f in at.dataframe if "reason" in f.value.columns)


def _under(at, cert: str, field: str) -> list[str]:
    """What is said under a field of the policy form (in its own column), as a reader sees it."""
    return [shown(str(c.value)) for c in at.get_by_key(f"pol_field_{cert}_{field}").caption]


def _save(at, cert: str, runs: str | None = None, **fields):
    """Type ``fields`` into the form and save it; ``runs`` chooses the schedule's kind first (its field alone shows)."""
    if runs is not None:
        at.segmented_control(key=f"pol_{cert}_runs").set_value(runs).run()
    for name, value in fields.items():
        widget = at.text_area(key=f"pol_{cert}_{name}") if name == "notes" else at.text_input(key=f"pol_{cert}_{name}")
        widget.set_value(value)
    return at.button(key=f"FormSubmitter:pol_form_{cert}-Save policy").click().run()


def test_an_admin_creates_a_policy_from_its_card_and_runs_it_now(open_app, db, actors):
    fund_market(db, actors)
    at = open_app(actors.admin, PAGE)
    assert not at.exception
    assert any("No policy yet" in c for c in texts(at.caption))
    assert at.text_area(key="pol_CEA_notes").help == "At most 2,000 characters"  # the limit, before typing
    at.toggle(key="pol_CEA_enabled").set_value(True)  # a new policy starts disabled: switched on deliberately

    at = _save(at, "CEA", bid="10000", ask="8000", notes=f"{HOSTILE}\nsecond line")

    assert not at.exception and not at.error
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.bid_depth_eur, saved.ask_depth_eur, saved.notes) == (10000, 8000, f"{HOSTILE}\nsecond line")
    assert saved.enabled
    assert texts(at.toast) == ["CEA policy saved and running: its runs act as you from now on"]
    at.button(key="pol_run_CEA").click().run()
    assert not at.exception
    (said,) = texts(at.toast)  # what the run did, as the runs table records it
    assert said.startswith("CEA policy run: Placed. Nothing was resting: BID €9,934.54 and ASK €7,950.56")
    markdown = " ".join(texts(at.markdown))
    assert "Nothing was resting" in markdown
    assert f"Notes: {HOSTILE}  \nsecond line" in texts(at.caption)  # read exactly as typed, line for line
    assert not [c for c in at.caption if linkable(str(c.value))]  # and never a link
    runs = _runs_table(at)
    assert list(runs["action"]) == ["Placed"]
    assert "Page 1 of 1 · 1 run" in texts(at.caption)  # one run, not "1 runs"
    (grid,) = [d for d in at.dataframe if "reason" in d.value.columns]
    assert grid.proto.placeholder == "—"  # a skipped run's missing reference reads as a dash, not "None"
    assert header_sort_of(grid) == {"sorts": False, "says": {NEWEST_FIRST}}  # a page of runs: no header re-sorts it


def test_the_card_and_its_last_run_measure_what_rests_against_the_same_target(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)  # BID €9,934.54 of €10,000.00: whole certificates at three levels
    run_policy(db, "CEA", user_id=actors.admin.id)  # no change: its reason says how each side stands

    at = open_app(actors.admin, PAGE)

    assert not at.exception
    card = at.get_by_key("pol_card_CEA")
    notes = {m.label: m.delta for m in card.metric}
    assert notes["BID resting"] == "99 % of the €10,000.00 target"  # it read "99 % of €10,000.00"
    last_run = " ".join(str(m.value) for m in card.markdown)
    # the same share of the same target, beside it; it read "BID at 100 % of a full plan"
    assert "BID €9,934.54 resting, 99 % of its €10,000.00 target, top-up below" in shown(last_run)
    assert "100 % of a full plan" not in shown(last_run)


def test_each_run_s_reason_reads_whole_in_rows_tall_enough_for_it_to_wrap(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors, bid_depth_eur="5000000")
    run_policy(db, "CEA", user_id=actors.admin.id)  # skipped: its reason names the shortfall, a long sentence

    at = open_app(actors.admin, PAGE)

    grid = next(d for d in at.dataframe if "reason" in d.value.columns)
    assert grid.proto.row_height == RUNS_ROW_PX  # four lines: the grid wraps a text column into a tall row
    assert json.loads(grid.proto.columns)["reason"]["width"] == REASON_COLUMN_PX  # in one line it was cut
    assert pinned_columns(grid) == []  # Streamlit draws a pinned column at 60 % opacity: each Time read greyed


def test_a_new_policy_starts_disabled_and_its_save_says_so_and_how_to_start_it(open_app, db, actors):
    fund_market(db, actors, certs=("EUA",))  # both sides can be placed: no warning joins what the save says
    at = open_app(actors.admin, PAGE)
    assert at.toggle(key="pol_EUA_enabled").value is False

    at = _save(at, "EUA", bid="10000", ask="8000")

    assert not at.exception and not at.error
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert saved.enabled is False
    assert texts(at.toast) == ["EUA policy saved, disabled: turn on Enabled to start it"]
    badges = [m.value for m in at.get_by_key("pol_card_EUA").markdown if "-badge[" in m.value]
    assert badges == [":gray-badge[Disabled]"]
    run_now = at.button(key="pol_run_EUA")  # a run would only record "Skipped": it says why before, and runs none
    assert run_now.disabled
    assert run_now.help == "This policy is disabled: turn on Enabled and save to run it"


def test_every_fault_of_the_form_is_shown_under_its_own_field_at_once_and_nothing_is_saved(open_app, db, actors):
    at = open_app(actors.admin, PAGE)

    at = _save(at, "EUA", bid="abc", ask="-5", tolerance="1e3", age="", interval="1.5", floor="15", ceiling="14")

    assert _under(at, "EUA", "bid") == ["BID target (EUR) must be a number, got 'abc'"]
    assert _under(at, "EUA", "ask") == ["ASK target (EUR) must be zero or more, got -5"]
    assert _under(at, "EUA", "tolerance") == [
        "Tolerance (%): type the number in full, like 1000 (no exponent), got '1e3'"
    ]
    assert _under(at, "EUA", "age") == ["Max age (min) is required: enter a number"]
    assert _under(at, "EUA", "interval") == [
        "Run interval (seconds) is a whole number of seconds from 5 to 86,400, got 1.5"
    ]
    assert _under(at, "EUA", "ceiling") == ["The price floor €15.00 must be below the price ceiling €14.00"]
    for field in ("bid", "ask", "tolerance", "age", "interval"):  # each refusal names its field as labelled
        label = at.text_input(key=f"pol_EUA_{field}").label
        assert _under(at, "EUA", field)[0].startswith(label), field
    assert _under(at, "EUA", "top_up") == _under(at, "EUA", "floor") == []
    assert not at.error and not at.exception  # nothing under the Save button: each is where it was typed
    assert at.text_input(key="pol_EUA_bid").value == "abc"  # and stays there, to be corrected
    assert get_policies(db, user_id=actors.admin.id) == []


def test_a_corrected_field_loses_its_refusal_and_a_corrected_form_saves(open_app, db, actors):
    at = _save(open_app(actors.admin, PAGE), "EUA", runs="cron", bid="abc", ask="1000", cron="61 * * * *")

    at = _save(at, "EUA", bid="1000")

    assert _under(at, "EUA", "bid") == []
    assert _under(at, "EUA", "cron") == [
        "'61 * * * *' is not a cron schedule: the minute field '61' is not valid (0-59)"
    ]
    assert get_policies(db, user_id=actors.admin.id) == []

    at = _save(at, "EUA", cron="*/5 * * * *")

    assert not field_errors(at) and not at.error
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.bid_depth_eur, saved.cron, saved.interval_seconds) == (1000, "*/5 * * * *", None)


def test_a_target_left_empty_is_no_liquidity_on_that_side_and_two_zeros_are_refused_once_under_the_pair(
    open_app, db, actors
):
    fund_market(db, actors)
    at = open_app(actors.admin, PAGE)

    at = _save(at, "CEA", bid="0", ask="0")

    why = "Set a BID or an ASK target above zero (one side alone is fine)"
    assert field_errors(at) == [why]  # once, not under each field
    assert _under(at, "CEA", "targets") == [why]
    assert get_policies(db, user_id=actors.admin.id) == []

    at = _save(at, "CEA", bid="50000", ask="")  # as Create Liquidity reads it: ASK empty is no ASK

    assert not field_errors(at) and not at.error
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.bid_depth_eur, saved.ask_depth_eur) == (50000, 0)


def test_a_target_beyond_what_the_market_makers_hold_is_saved_with_a_warning_saying_what_they_hold(
    open_app, db, actors
):
    fund_market(db, actors)  # two liquidity providers with €100,000 each
    at = open_app(actors.admin, PAGE)

    at = _save(at, "CEA", bid="5000000", ask="0")

    assert get_policies(db, user_id=actors.admin.id)[0].bid_depth_eur == 5_000_000
    (warning,) = at.get_by_key("pol_field_CEA_bid").caption
    assert str(warning.value).startswith(":orange[")  # a warning, not a refusal
    assert "2 market makers hold €200,000.00 of the €4,999,966.12 they need" in shown(str(warning.value))


def test_run_now_says_a_skipped_run_as_a_warning_with_its_reason_not_as_a_success(open_app, db, actors):
    fund_market(db, actors)  # two liquidity providers with €100,000 each
    at = open_app(actors.admin, PAGE)
    at.toggle(key="pol_CEA_enabled").set_value(True)
    at = _save(at, "CEA", bid="5000000", ask="0")

    at = at.button(key="pol_run_CEA").click().run()

    (said,) = at.toast
    assert said.icon == WARNING_ICON
    assert str(said.value).startswith("CEA policy run: Skipped.") and "BID short by" in str(said.value)


def test_a_target_too_small_to_place_is_saved_with_a_warning_under_its_field_until_it_is_changed(open_app, db, actors):
    fund_market(db, actors)  # an empty CEA book: runs quote around the configured €14.00
    at = open_app(actors.admin, PAGE)

    at = _save(at, "CEA", bid="12", ask="10000")

    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert saved.bid_depth_eur == 12  # saved, for prices move
    (warning,) = at.get_by_key("pol_field_CEA_bid").caption
    assert str(warning.value).startswith(":orange[")  # a warning, not a refusal
    assert shown(str(warning.value)) == (
        "The CEA book has no price now (no bid and ask, no trade): runs quote around the configured €14.00, where "
        "€12.00 cannot buy one CEA at each of the 3 BID levels: a BID target needs at least €69.65"
    )
    assert _under(at, "CEA", "ask") == [] and not field_errors(at) and not at.error

    at = _save(at, "CEA", bid="5000")

    assert _under(at, "CEA", "bid") == []


def test_a_save_by_another_admin_since_the_form_was_filled_is_refused_and_the_form_shows_it(open_app, db, actors):
    policy(db, actors, "EUA", bid_depth_eur="10000", ask_depth_eur="10000")
    at = open_app(actors.admin, PAGE)
    policy(db, actors, "EUA", bid_depth_eur="20000", ask_depth_eur="10000")  # another admin, meanwhile

    at = _save(at, "EUA", ask="15000")  # only the ASK changed here; the form still showed BID 10000

    assert any("saved the EUA policy at" in e and "nothing was saved" in e for e in texts(at.error))
    (kept,) = get_policies(db, user_id=actors.admin.id)
    assert (kept.bid_depth_eur, kept.ask_depth_eur) == (20000, 10000)  # the other admin's change stands
    assert at.text_input(key="pol_EUA_bid").value == "20000.00"  # the form now shows the policy as it is

    at = _save(at, "EUA", ask="15000")  # the change made again, on what is there

    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.bid_depth_eur, saved.ask_depth_eur) == (20000, 15000)


def test_a_save_refused_as_another_admin_moved_the_policy_to_a_cron_refills_the_form_on_that_cron(open_app, db, actors):
    policy(db, actors, "EUA", bid_depth_eur="10000", ask_depth_eur="10000")
    at = open_app(actors.admin, PAGE)
    policy(db, actors, "EUA", cron="0 9 * * 1-5")  # another admin, meanwhile

    at = _save(at, "EUA", interval="30")

    assert any("nothing was saved" in e for e in texts(at.error))
    assert at.segmented_control(key="pol_EUA_runs").value == "cron"  # the form shows the schedule as it now is
    assert at.text_input(key="pol_EUA_cron").value == "0 9 * * 1-5"
    assert get_policies(db, user_id=actors.admin.id)[0].cron == "0 9 * * 1-5"


@pytest.mark.parametrize(
    ("field", "typed", "refusal"),
    [
        ("age", "1.5", "Max age (min) is a whole number of minutes from 1 to 10,080, got 1.5"),
        ("age", "0", "Max age (min) is a whole number of minutes from 1 to 10,080, got 0"),
        ("interval", "1", "Run interval (seconds) is a whole number of seconds from 5 to 86,400, got 1"),
        ("interval", "", "Run interval (seconds) is required, or a cron instead"),
        ("tolerance", "-1", "Tolerance (%) is a percentage above 0 and at most 100, got -1"),
        (
            "age",
            "9" * 5_000,
            "Max age (min) is a whole number of minutes from 1 to 10,080, got "
            "999999999999999999999999999999… (5,000 characters)",
        ),  # a paste, by its start
    ],
)
def test_a_number_out_of_range_is_refused_under_its_field_and_saves_nothing(
    open_app, db, actors, field, typed, refusal
):
    at = open_app(actors.admin, PAGE)

    at = _save(at, "EUA", bid="1000", ask="1000", **{field: typed})

    assert _under(at, "EUA", field) == [refusal]
    assert field_errors(at) == [refusal]  # and nowhere else
    assert get_policies(db, user_id=actors.admin.id) == []


def test_a_new_policy_runs_every_60_s_unless_a_cron_is_chosen_and_each_choice_shows_its_own_field_alone(
    open_app, db, actors
):
    fund_market(db, actors)
    at = open_app(actors.admin, PAGE)
    assert at.segmented_control(key="pol_CEA_runs").value == "interval"
    assert at.text_input(key="pol_CEA_interval").value == "60"
    assert not [t for t in at.text_input if t.key == "pol_CEA_cron"]

    # the interval was prefilled beside the cron field: a cron typed there was refused until 60 was cleared
    at = _save(at, "CEA", runs="cron", bid="10000", ask="8000", cron="*/5 7-18 * * 1-5")

    assert not [t for t in at.text_input if t.key == "pol_CEA_interval"]
    assert not at.exception and not at.error and not field_errors(at)
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.cron, saved.interval_seconds) == ("*/5 7-18 * * 1-5", None)
    at = _save(at, "CEA", notes="saved again as shown")
    assert not field_errors(at) and get_policies(db, user_id=actors.admin.id)[0].notes == "saved again as shown"


def test_a_cron_chosen_and_left_empty_is_refused_under_it_and_the_policy_is_not_saved_on_an_interval(
    open_app, db, actors
):
    at = open_app(actors.admin, PAGE)

    at = _save(at, "EUA", runs="cron", bid="1000", ask="1000")

    assert _under(at, "EUA", "cron") == [
        "Cron (UTC) is required to run on a cron: 5 fields (minute hour day-of-month month day-of-week), e.g. "
        "'*/5 * * * *' for every five minutes"
    ]
    assert field_errors(at) == _under(at, "EUA", "cron")  # and nowhere else
    assert get_policies(db, user_id=actors.admin.id) == []


def test_a_policy_on_a_cron_opens_on_its_cron_and_choosing_an_interval_saves_it_on_that_interval_alone(
    open_app, db, actors
):
    fund_market(db, actors)
    policy(db, actors, "CEA", cron="0 9 * * 1-5")
    at = open_app(actors.admin, PAGE)
    # it opened on the interval's empty field beside the cron: a save as shown was refused, one schedule or none
    assert at.segmented_control(key="pol_CEA_runs").value == "cron"
    assert at.text_input(key="pol_CEA_cron").value == "0 9 * * 1-5"

    at.segmented_control(key="pol_CEA_runs").set_value("interval").run()
    assert at.text_input(key="pol_CEA_interval").value == "60"  # a new policy's interval, to change or keep
    at.segmented_control(key="pol_CEA_runs").set_value("cron").run()
    assert at.text_input(key="pol_CEA_cron").value == "0 9 * * 1-5"  # the cron comes back as it was
    at = _save(at, "CEA", runs="interval", interval="30")

    assert not at.exception and not at.error and not field_errors(at)
    (saved,) = get_policies(db, user_id=actors.admin.id)
    assert (saved.interval_seconds, saved.cron) == (30, None)
    assert at.segmented_control(key="pol_CEA_runs").value == "interval"


def test_a_schedule_that_never_comes_is_refused_and_one_stored_earlier_is_shown_without_breaking_the_page(
    open_app, db, actors
):
    fund_market(db, actors)
    policy(db, actors, "CEA", cron="0 9 * * *")
    at = open_app(actors.admin, PAGE)

    at = _save(at, "EUA", runs="cron", bid="1000", ask="1000", cron="0 9 31 4 *")  # 31 April
    assert any("'0 9 31 4 *' never comes" in e for e in _under(at, "EUA", "cron"))
    assert [p.certificate_type for p in get_policies(db, user_id=actors.admin.id)] == ["CEA"]

    db.execute(text("UPDATE liquidity_policies SET cron = '0 0 30 2 *' WHERE certificate_type = 'CEA'"))
    db.commit()  # as saved before such schedules were refused
    at = open_app(actors.admin, PAGE)

    assert not at.exception and not at.error
    assert any("never: cron '0 0 30 2 *' never comes" in m for m in texts(at.markdown) + texts(at.caption))


def test_analysts_read_the_cards_and_runs_but_cannot_edit_or_run(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)

    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    assert not [b for b in at.button if b.key and b.key.startswith(("pol_run_", "ks_pause"))]
    assert not at.expander
    assert list(_runs_table(at)["action"]) == ["Placed"]


def test_an_analyst_reads_that_an_admin_starts_a_disabled_policy_not_to_turn_on_a_switch_they_lack(
    open_app, db, actors
):
    fund_market(db, actors)
    policy(db, actors, enabled=False)

    at = open_app(actors.analyst, PAGE)

    assert "Next run: none. This policy is disabled until an admin turns it on" in texts(at.caption)


def test_the_kill_switch_asks_for_a_reason_then_pauses_and_shows_it_exactly_as_typed(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_pause_page").click().run()
    at.button(key="ks_confirm").click().run()
    assert "Say why" in (refusal_under(at, "ks_reason") or "")  # right under the field, not below the buttons
    assert not at.error
    assert not get_kill_switch(db, user_id=actors.admin.id).paused

    at.text_input(key="ks_reason").set_value(HOSTILE)
    at.button(key="ks_confirm").click().run()

    assert not at.exception
    switch = get_kill_switch(db, user_id=actors.admin.id)
    assert switch.paused and switch.reason == HOSTILE
    paused = [e for e in texts(at.error) if "Liquidity paused" in e]
    assert paused and HOSTILE in paused[0]
    assert not [e for e in at.error if linkable(str(e.value))]
    assert at.button(key="ks_resume_page")


def test_the_runs_show_what_the_kill_switch_withdrew_of_each_policy_and_why(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_pause_page").click().run()
    at.text_input(key="ks_reason").set_value("Exchange outage")
    at.button(key="ks_confirm").click().run()

    assert not at.exception
    runs = _runs_table(at)
    # the Runs table read "Placed" alone: its orders were gone and nothing there said why
    assert list(runs["action"]) == ["Withdrawn by the kill switch", "Placed"]
    assert runs["withdrawn"].iloc[0] == 12
    assert runs["reason"].iloc[0].startswith("Liquidity paused by admin: Exchange outage. Withdrew 12 resting orders")
    card = at.get_by_key("pol_card_CEA")
    badges = [m.value for m in card.markdown if "-badge[" in m.value]
    assert ":red-badge[Withdrawn by the kill switch]" in badges  # the card's last run says it too


def test_a_long_pause_reason_is_cut_in_the_banner_and_read_whole_in_the_expander_under_it(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)
    reason = "EUA feed stale since the open, " * 60  # 1,860 characters
    pause_liquidity(db, user_id=actors.admin.id, reason=reason)

    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    banners = [e for e in texts(at.error) if "Liquidity paused" in e]  # the sidebar's and the page's
    shown = [b.split("UTC: ", 1)[1] for b in banners]
    assert shown and all(len(s) <= 160 and s.endswith("…") and reason.startswith(s[:-1]) for s in shown)
    assert [(x.label, [t.value for t in x.text]) for x in at.expander] == [
        ("The whole reason", [reason.strip()])
    ] * len(banners)


def test_a_kill_switch_reason_of_a_zero_width_space_alone_is_asked_for_and_pauses_nothing(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_pause_page").click().run()
    at.text_input(key="ks_reason").set_value("\u200b")  # pasted: shows as an empty reason
    at.button(key="ks_confirm").click().run()

    assert not at.exception
    assert "Say why" in (refusal_under(at, "ks_reason") or "")
    assert not get_kill_switch(db, user_id=actors.admin.id).paused


def test_a_kill_switch_reason_that_would_show_backwards_is_refused_under_it_and_pauses_nothing(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_pause_page").click().run()
    at.text_input(key="ks_reason").set_value("Feed frozen, \u202eevil")  # the red banner read "Feed frozen, live"
    at.button(key="ks_confirm").click().run()

    assert not at.exception
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in (refusal_under(at, "ks_reason") or "")
    assert not get_kill_switch(db, user_id=actors.admin.id).paused


def test_resume_asks_first_naming_each_book_policy_that_will_run_again_and_cancel_changes_nothing(open_app, db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    policy(db, actors, "CEA", bid_depth_eur="12000", ask_depth_eur="8000")
    policy(db, actors, "EUA", enabled=False)
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_resume_page").click().run()

    assert not at.exception
    assert get_kill_switch(db, user_id=actors.admin.id).paused  # one click only asks
    listed = " ".join(texts(at.markdown))
    assert "CEA" in listed and "€12,000.00" in listed and "€8,000.00" in listed
    assert "EUA" not in listed  # disabled by an admin before the pause: resume leaves it off
    at.button(key="ks_resume_cancel").click().run()
    assert not at.exception and not [b for b in at.button if b.key == "ks_resume_confirm"]
    assert get_kill_switch(db, user_id=actors.admin.id).paused


def test_a_policy_saved_enabled_during_a_pause_is_named_by_resume_among_those_that_will_place_orders(
    open_app, db, actors
):
    fund_market(db, actors)
    policy(db, actors)
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    at = open_app(actors.admin, PAGE)
    at = _save(at, "CEA", bid="12000")  # changed during the pause, Enabled left on as the form shows it

    at.button(key="ks_resume_page").click().run()

    assert not at.exception
    # it said "No policy was running when liquidity paused: resuming lifts the pause and places no order", and the
    # policy's first run after the resume placed €20,000 of orders
    assert not [i for i in texts(at.info) if "places no order" in i]
    listed = " ".join(texts(at.markdown))
    assert "**CEA**" in listed and "€12,000.00" in listed


def test_a_paused_book_says_so_and_resume_brings_the_policies_back(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")
    at = open_app(actors.admin, PAGE)

    at.button(key="ks_resume_page").click().run()
    at.button(key="ks_resume_confirm").click().run()

    assert not at.exception
    assert not get_kill_switch(db, user_id=actors.admin.id).paused
    assert get_policies(db, user_id=actors.admin.id)[0].enabled
    # the Runs table and the card's last run say who resumed: the orders came back unsaid (revision 0034)
    assert list(_runs_table(at)["action"])[:2] == ["Liquidity resumed", "Withdrawn by the kill switch"]
    card = at.get_by_key("pol_card_CEA")
    assert ":primary-badge[Liquidity resumed]" in [m.value for m in card.markdown if "-badge[" in m.value]


def test_while_liquidity_is_paused_run_now_is_greyed_saying_so_and_the_next_run_says_why_there_is_none(
    open_app, db, actors
):
    fund_market(db, actors)
    policy(db, actors)
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")

    at = open_app(actors.admin, PAGE)

    assert not at.exception
    run_now = at.button(key="pol_run_CEA")  # a click recorded a Skipped run saying "Liquidity is paused: Drill."
    assert run_now.disabled
    assert run_now.help == "Liquidity is paused: resume liquidity to run it"
    # it read "not scheduled (paused or disabled)", whichever it was
    assert "Next run: none. Liquidity is paused: resume liquidity to run it" in texts(at.caption)


def test_run_now_clicked_after_another_window_paused_liquidity_runs_nothing_and_says_why(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    at = open_app(actors.admin, PAGE)
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")  # another admin, or this admin's other tab
    runs = db.execute(text("SELECT count(*) FROM liquidity_policy_runs")).scalar_one()
    db.rollback()

    at.button(key="pol_run_CEA").click().run()  # live when clicked, greyed in the run the click starts

    assert not at.exception
    assert db.execute(text("SELECT count(*) FROM liquidity_policy_runs")).scalar_one() == runs
    db.rollback()
    # the click went unanswered, unsaid
    assert "Nothing was run. Liquidity is paused: resume liquidity to run it." in texts(at.warning)
    assert at.button(key="pol_run_CEA").disabled


def test_admins_and_analysts_have_the_page_in_their_menu():
    spec = next(p for p in PAGES if p.url_path == "liquidity-policies")

    assert spec.title == "Liquidity Policies" and set(spec.roles) == {Role.ADMIN, Role.ANALYST}


def test_a_save_from_a_tab_signed_out_in_another_window_saves_nothing_and_the_tab_says_why(open_app, db, actors):
    at = open_app(actors.admin, PAGE)
    sessions.revoke(db, at.session_state[TOKEN_KEY])  # Sign out in another window, before this tab noticed

    at = _save(at, "CEA", bid="10000", ask="8000")

    assert not at.exception
    assert get_policies(db, user_id=actors.admin.id) == []  # Save's callback ran before the page saw the sign-out
    assert texts(at.info) == ["You were signed out in another window. Please sign in again."]


def test_a_pause_another_admin_made_first_closes_the_dialog_and_the_page_says_so_as_it_is_now(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    at = open_app(actors.admin, PAGE)
    at.button(key="ks_pause_page").click().run()
    at.text_input(key="ks_reason").set_value("Feed frozen")
    pause_liquidity(db, user_id=actors.admin.id, reason="Drill")  # another admin, or this admin's other tab

    at.button(key="ks_confirm").click().run()

    assert not at.exception
    assert "ks_confirm" not in [b.key for b in at.button]
    # the dialog vanished and its click went unanswered, unsaid
    assert [w for w in texts(at.warning) if "paused meanwhile" in w]
    assert get_kill_switch(db, user_id=actors.admin.id).reason == "Drill"
    assert at.button(key="ks_resume_page")  # the switch as it now is
    at.button(key="ks_resume_page").click().run()
    assert at.button(key="ks_resume_confirm")  # and its other dialog opens


def test_the_runs_open_on_page_one_without_a_refusal_under_a_page_field_nobody_typed_in(open_app, db, actors):
    fund_market(db, actors)
    policy(db, actors)
    run_policy(db, "CEA", user_id=actors.admin.id)

    at = open_app(actors.analyst, PAGE)

    assert not at.exception
    assert at.text_input(key="pol_runs_page").value == "1"
    assert field_errors(at) == []  # "Page is a whole number, got nothing", in red, on every first view


def test_choosing_another_book_for_the_runs_opens_its_first_page_without_a_refusal_nobody_caused(open_app, db, actors):
    fund_market(db, actors, certs=("CEA", "EUA"))
    run_policy(db, "CEA", user_id=policy(db, actors, "CEA").updated_by)
    eua = policy(db, actors, "EUA").id
    for _ in range(30):  # two pages of runs in all, one of them the CEA's alone
        db.execute(
            text("SELECT record_policy_run(:p, 'none', 'x', NULL, 0, 0, NULL, NULL, 1, NULL, :by, NULL, NULL)"),
            {"p": eua, "by": actors.admin.id},
        )
    db.commit()
    at = open_app(actors.analyst, PAGE)
    at.text_input(key="pol_runs_page").set_value("2").run()
    assert "Page 2 of 2 · 31 runs" in texts(at.caption)

    at.segmented_control(key="pol_runs_book").set_value("CEA").run()

    assert not at.exception
    assert field_errors(at) == []  # it read "There is no page 2: showing page 1 of 1", in red
    assert at.text_input(key="pol_runs_page").value == "1"
    assert "Page 1 of 1 · 1 run" in texts(at.caption)
    assert list(_runs_table(at)["book"]) == ["CEA"]
