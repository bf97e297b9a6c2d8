"""The Liquidity Policies page's shaping: the depth history of the runs, and when the next run is due."""

import csv
import io
import textwrap
from datetime import UTC, datetime
from decimal import Decimal

from core.config import LiquidityLevels
from core.enums import CertificateType
from core.policy_models import KillSwitch, LiquidityPolicy, PolicyRun, PolicyStatus, SavedPolicy
from ui.grids import NAME_PADDING_PX, NAME_PX_PER_CHAR
from ui.policies_view import (
    ACTION_LABEL,
    MIN_DEPTH_SPAN,
    depth_history_figure,
    due_text,
    form_values,
    reference_text,
    resume_line,
    run_outcome,
    runs_column_config,
    runs_csv,
    saved_text,
    schedule_text,
    spread_help,
)

D = Decimal


def run(run_id: int, minute: int, bid_before: str, bid_after: str) -> PolicyRun:
    return PolicyRun.model_construct(
        id=run_id,
        created_at=datetime(2026, 12, 1, 16, minute, tzinfo=UTC),
        bid_resting_before_eur=D(bid_before),
        bid_resting_eur=D(bid_after),
        bid_target_eur=D("1000"),
        ask_resting_before_eur=D(0),
        ask_resting_eur=D(0),
        ask_target_eur=D("1000"),
    )


def test_resting_depth_between_runs_is_drawn_as_a_step_never_as_a_slope():
    # placed 955 at 16:00; a pause withdrew it all at once; the 16:30 run found 0 and placed nothing
    runs = [run(2, 30, "0", "0"), run(1, 0, "0", "955")]

    fig = depth_history_figure(runs)

    bid = next(t for t in fig.data if t.name == "BID resting")
    assert list(bid.y) == [0.0, 955.0, 0.0, 0.0]  # oldest first: before and after each run, at its time
    assert bid.line.shape == "hv"  # held at 955 until the next run's time, not a line sloping down to it


def test_the_depth_chart_ends_at_what_rests_now_so_a_pause_since_the_last_run_shows():
    runs = [run(1, 0, "0", "955")]  # one run: placed 955; a pause has withdrawn it all since
    policy = LiquidityPolicy.model_construct(bid_depth_eur=D("1000"), ask_depth_eur=D("1000"))
    now = PolicyStatus.model_construct(policy=policy, bid_resting_eur=D(0), ask_resting_eur=D(0))

    fig = depth_history_figure(runs, now=now)

    bid = next(t for t in fig.data if t.name == "BID resting")
    assert list(bid.y) == [0.0, 955.0, 0.0]  # and 0 now, as the card says
    assert bid.x[-1] > bid.x[0]  # from the run to now: not one instant on a millisecond axis
    target = next(t for t in fig.data if t.name == "BID target")
    assert list(target.y) == [1000.0, 1000.0]


def test_a_first_run_moments_ago_is_drawn_on_minutes_not_on_a_millisecond_axis():
    first = PolicyRun.model_construct(**{**run(1, 0, "0", "955").__dict__, "created_at": datetime.now(UTC)})
    policy = LiquidityPolicy.model_construct(bid_depth_eur=D("1000"), ask_depth_eur=D("1000"))
    now = PolicyStatus.model_construct(policy=policy, bid_resting_eur=D(955), ask_resting_eur=D(0))

    fig = depth_history_figure([first], now=now)

    start, end = fig.layout.xaxis.range  # plotly ticked every 200 ms across the second since the run
    assert end - start == MIN_DEPTH_SPAN and end >= first.created_at >= start


def test_runs_over_a_longer_time_are_drawn_over_all_of_it():
    fig = depth_history_figure([run(2, 30, "0", "0"), run(1, 0, "0", "955")])

    assert fig.layout.xaxis.range is None  # plotly's own range: every run


def test_the_runs_csv_writes_an_operation_id_as_a_whole_number_and_a_missing_one_as_nothing():
    fields = {"certificate_type": CertificateType.EUA, "reason": "why", "placed_orders": 0, "withdrawn_orders": 0,
              "price_source": None, "reference_price": None, "spread_multiplier": D(1), "volatility": None}  # fmt: skip
    placed = run(2, 30, "0", "955").model_copy(update={**fields, "operation_id": 5, "action": "placed"})
    skipped = run(1, 0, "0", "0").model_copy(update={**fields, "operation_id": None, "action": "skipped"})

    lines = runs_csv([placed, skipped]).decode().splitlines()

    assert lines[0].endswith(",Operation id")
    assert lines[1].endswith(",5") and lines[2].endswith(",")  # not 5.0, and not nan


def test_a_run_that_left_a_side_with_a_target_empty_says_so_in_its_label_and_colour():
    ask_only = run(1, 0, "0", "0").model_copy(update={"action": "placed", "ask_resting_eur": D("955")})  # BID short
    both = run(2, 0, "0", "955").model_copy(update={"action": "placed", "ask_resting_eur": D("955")})
    skipped = run(3, 0, "0", "0").model_copy(update={"action": "skipped"})

    assert run_outcome(ask_only) == ("Placed · BID empty", "orange")  # not a green "Placed"
    assert run_outcome(ask_only.model_copy(update={"action": "none"})) == ("No change · BID empty", "orange")
    assert run_outcome(both) == ("Placed", "green")
    assert run_outcome(skipped) == ("Skipped", "orange")  # says it already


def test_the_reference_says_why_it_has_no_price_before_a_first_run_after_one_that_found_none_and_after_a_kill_switch():
    priced = run(1, 0, "0", "955").model_copy(
        update={"action": "placed", "reference_price": D("81.005"), "price_source": "mid"}
    )
    unpriced = priced.model_copy(update={"reference_price": None, "price_source": None})
    withdrawn = unpriced.model_copy(update={"action": "kill_switch"})

    assert reference_text(None) == ("—", "no run yet")
    assert reference_text(unpriced) == ("—", "none at the last run")
    assert reference_text(withdrawn) == ("—", "orders withdrawn by the kill switch")
    assert reference_text(priced) == ("€81.005", "mid of bid and ask")


def test_a_new_policy_s_form_starts_from_save_policy_s_defaults_and_a_stored_one_from_its_values():
    stored = LiquidityPolicy.model_construct(
        bid_depth_eur=D("12.00"), ask_depth_eur=D("0.00"), refresh_tolerance_pct=D("0.250"),
        top_up_below_pct=D("75.000"), max_order_age_minutes=30, price_floor=None, price_ceiling=D("90.00"),
        interval_seconds=5, cron="*/5 * * * *", notes=None, dynamic_spread=True, enabled=False, paused=True,
    )  # fmt: skip

    new, existing = form_values(None), form_values(stored)

    assert new == {
        "bid": "", "ask": "", "tolerance": "0.5", "top_up": "80", "age": "60", "floor": "", "ceiling": "",
        "interval": "60", "cron": "", "runs": "interval", "notes": "", "dynamic": False, "enabled": False,
    }  # fmt: skip
    # paused by the kill switch: the form shows enabled, what the admin chose (a save clears the pause); on a cron,
    # the form runs on it, and choosing an interval instead offers a new policy's, not the 5 the cron overrode
    assert existing == {
        "bid": "12.00", "ask": "0.00", "tolerance": "0.25", "top_up": "75", "age": "30", "floor": "",
        "ceiling": "90.00", "interval": "60", "cron": "*/5 * * * *", "runs": "cron", "notes": "", "dynamic": True,
        "enabled": True,
    }  # fmt: skip


def test_the_save_toast_says_whether_the_policy_runs_and_what_starts_one_that_does_not():
    enabled = SavedPolicy.model_construct(
        certificate_type=CertificateType.EUA, enabled=True, paused=False, resting_orders=0
    )
    disabled = enabled.model_copy(update={"enabled": False})
    disabled_with_orders = disabled.model_copy(update={"resting_orders": 15})
    running, paused = KillSwitch.model_construct(paused=False), KillSwitch.model_construct(paused=True)

    assert saved_text(disabled, running) == "EUA policy saved, disabled: turn on Enabled to start it"
    assert saved_text(disabled, paused) == "EUA policy saved, disabled: turn on Enabled to start it"
    assert saved_text(disabled_with_orders, running) == (
        "EUA policy saved, disabled: 15 of its orders rest in the book, no longer refreshed or topped up. "
        "Withdraw them on Operations, or turn on Enabled to maintain them again"
    )
    assert saved_text(enabled.model_copy(update={"resting_orders": 15}), running) == (
        "EUA policy saved and running: its runs act as you from now on"
    )
    assert saved_text(enabled, running) == "EUA policy saved and running: its runs act as you from now on"
    assert saved_text(enabled, paused) == (
        "EUA policy saved and enabled: it starts when liquidity is resumed (all liquidity is paused)"
    )


def test_what_resume_restarts_names_the_book_its_targets_its_schedule_and_who_it_acts_as():
    every = LiquidityPolicy.model_construct(
        certificate_type=CertificateType.EUA,
        bid_depth_eur=D("12000"),
        ask_depth_eur=D("8000.5"),
        cron=None,
        interval_seconds=60,
        updated_by_username="ops_[x](y)",
    )
    on_cron = every.model_copy(update={"cron": "*/5 * * * *"})

    line = resume_line(every)

    assert line == r"**EUA**: bids €12,000.00 and asks €8,000.50, every 60 s, acting as ops\_\[x\]\(y\)"
    assert r"on cron '\*/5 \* \* \* \*' (UTC)" in resume_line(on_cron)


def test_the_card_says_a_policy_runs_on_its_cron_or_every_so_many_seconds():
    every = LiquidityPolicy.model_construct(
        cron=None, interval_seconds=60, price_floor=None, price_ceiling=None, refresh_tolerance_pct=D("0.5"),
        max_order_age_minutes=60, top_up_below_pct=D("80"), updated_by_username="admin",
    )  # fmt: skip
    on_cron = every.model_copy(update={"cron": "*/2 * * * *", "interval_seconds": None})

    assert schedule_text(every).startswith("Runs every 60 s · refresh beyond 0.5 %")
    assert schedule_text(on_cron).startswith("Runs on cron '*/2 * * * *' (UTC) · ")  # it read "Runs cron '*/2 …'"


def test_when_the_next_run_is_due_reads_in_minutes_hours_or_days_with_the_day_when_not_today():
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # a Tuesday

    def due(at: datetime) -> str:
        status = PolicyStatus.model_construct(schedule_never_comes=False, next_due_at=at)
        return due_text(status, now, KillSwitch.model_construct(paused=False))

    assert due(datetime(2026, 12, 1, 16, 0, 45, tzinfo=UTC)) == "16:00:45 UTC (in 45 s)"
    assert due(datetime(2026, 12, 1, 16, 52, 25, tzinfo=UTC)) == "16:52:25 UTC (in 52 min)"  # was "in 3145 s"
    assert due(datetime(2026, 12, 1, 21, 3, tzinfo=UTC)) == "21:03:00 UTC (in 5 h 3 min)"
    # a weekly cron's next Monday said "07:00:00 UTC (in 486000 s)", as if it were today
    assert due(datetime(2026, 12, 7, 7, 0, tzinfo=UTC)) == "2026-12-07 07:00:00 UTC (in 5 days)"


def test_a_book_with_no_next_run_says_whether_liquidity_is_paused_or_its_policy_disabled():
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    running, paused = KillSwitch.model_construct(paused=False), KillSwitch.model_construct(paused=True)
    enabled = LiquidityPolicy.model_construct(enabled=True, cron=None)
    disabled = LiquidityPolicy.model_construct(enabled=False, cron=None)

    def due(policy: LiquidityPolicy, switch: KillSwitch) -> str:
        status = PolicyStatus.model_construct(policy=policy, schedule_never_comes=False, next_due_at=None)
        return due_text(status, now, switch)

    assert due(disabled, running) == "none. This policy is disabled: turn on Enabled and save to run it"
    # a run skips while liquidity is paused whatever its policy: a policy saved enabled since the pause too
    assert due(enabled, paused) == "none. Liquidity is paused: resume liquidity to run it"
    assert due(disabled, paused) == "none. Liquidity is paused: resume liquidity to run it"


def test_an_analyst_reads_who_can_start_a_policy_that_does_not_run_not_what_to_click():
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    running, paused = KillSwitch.model_construct(paused=False), KillSwitch.model_construct(paused=True)
    disabled = LiquidityPolicy.model_construct(enabled=False, cron=None)
    status = PolicyStatus.model_construct(policy=disabled, schedule_never_comes=False, next_due_at=None)

    # it told them "turn on Enabled and save to run it", a switch and a button their page does not have
    assert due_text(status, now, running, admin=False) == "none. This policy is disabled until an admin turns it on"
    assert due_text(status, now, paused, admin=False) == "none. Liquidity is paused until an admin resumes it"


def test_what_the_kill_switch_withdrew_reads_as_such_in_red_not_as_a_run_that_left_both_sides_empty():
    withdrawn = run(4, 0, "955", "0").model_copy(update={"action": "kill_switch"})

    assert run_outcome(withdrawn) == ("Withdrawn by the kill switch", "red")


def test_the_spread_help_names_the_offsets_configured_not_the_defaults():
    levels = LiquidityLevels(offsets=(D("0.001"), D("0.003")), split=(D("0.6"), D("0.4")))

    # it said "(0.2/0.4/0.5 %)" whatever CARBON_LIQUIDITY_LEVELS set
    assert spread_help(levels).startswith("The level offsets (0.1/0.3 %) times clamp(σ / σ_ref, 1, max)")
    assert spread_help(LiquidityLevels()).startswith("The level offsets (0.2/0.4/0.5 %)")


def test_a_run_due_while_no_job_worker_runs_says_so_and_since_when_one_was_last_heard_from():
    now = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)
    running = KillSwitch.model_construct(paused=False)
    due_now = PolicyStatus.model_construct(
        schedule_never_comes=False, next_due_at=datetime(2026, 12, 1, 15, 50, tzinfo=UTC), worker_running=False
    )
    gone = due_now.model_copy(update={"worker_seen_at": datetime(2026, 12, 1, 15, 49, 30, tzinfo=UTC)})

    # it read "15:50:00 UTC (due now)" for as long as no worker ran, and no run came
    assert due_text(due_now, now, running) == (
        "15:50:00 UTC (due now), but no job worker is running: the policy runs on its schedule only while one does"
    )
    assert "no job worker is running (last heard from at 2026-12-01 15:49:30 UTC)" in due_text(gone, now, running)


def test_the_runs_csv_writes_eur_to_the_cent_and_the_reference_as_the_table_does():
    fields = {"certificate_type": CertificateType.EUA, "reason": "why", "placed_orders": 3, "withdrawn_orders": 0,
              "price_source": "last_trade", "reference_price": D("81.0000"), "spread_multiplier": D(1),
              "volatility": None, "operation_id": 5, "action": "placed"}  # fmt: skip
    placed = run(1, 0, "0", "955.5").model_copy(update=fields)

    (row,) = csv.DictReader(io.StringIO(runs_csv([placed]).decode("utf-8-sig")))

    assert row["Reference"] == "81.00"  # its stored 81.0000
    assert (row["BID resting"], row["ASK resting"], row["BID target"]) == ("955.50", "0.00", "1000.00")


def test_a_resume_reads_as_liquidity_resumed_and_the_card_names_no_reference_for_it():
    resumed = run(1, 0, "0", "0").model_copy(update={"action": "resumed", "reference_price": None})

    assert run_outcome(resumed) == ("Liquidity resumed", "primary")  # not "· BID and ASK empty": nothing ran yet
    assert reference_text(resumed) == ("—", "no run since liquidity resumed")  # not "none at the last run"


def test_every_action_label_wraps_in_two_lines_of_its_column_never_cutting_a_word():
    width = runs_column_config()["action"]["width"]
    chars_per_line = (width - NAME_PADDING_PX) // NAME_PX_PER_CHAR  # the grid's font, as ui.grids sizes text columns

    for label in (*ACTION_LABEL.values(), "Placed · BID and ASK empty"):
        words = label.split()
        assert max(map(len, words)) <= chars_per_line, label  # "small" cut "Withdraw" / "n by the kill switch"
        assert len(textwrap.wrap(label, chars_per_line)) <= 2, label
