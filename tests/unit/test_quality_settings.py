"""Market-quality settings and periods: a bad configuration fails at start-up, a bad period is refused clearly."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError as SettingsError

from core.config import Settings
from core.errors import ValidationError
from core.quality_jobs import snapshot_cron
from core.validation import parse_period


def test_snapshots_default_to_every_ten_seconds_kept_ninety_days_judged_at_one_percent():
    settings = Settings()

    assert (settings.snapshot_seconds, settings.snapshot_retention_days) == (10, 90)
    assert (
        settings.scorecard_max_spread_pct,
        settings.scorecard_min_quote_eur,
        settings.scorecard_required_presence_pct,
    ) == (Decimal("1.0"), Decimal("10000"), Decimal("70"))


def test_the_snapshot_period_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CARBON_SNAPSHOT_SECONDS", "30")

    assert Settings().snapshot_seconds == 30


@pytest.mark.parametrize("seconds", [7, 45, 90, 0])
def test_a_snapshot_period_that_cannot_be_scheduled_evenly_is_refused(seconds):
    with pytest.raises(SettingsError, match="snapshot_seconds"):
        Settings(snapshot_seconds=seconds)


@pytest.mark.parametrize("seconds", [1, 5, 20, 60, 300, 3600])
def test_periods_that_divide_the_minute_or_the_hour_are_accepted(seconds):
    assert Settings(snapshot_seconds=seconds).snapshot_seconds == seconds


def test_the_scorecard_spread_must_be_a_recorded_band():
    with pytest.raises(SettingsError, match=r"recorded band \(0.5 %, 1 % or 2 %\), got 1.5"):
        Settings(scorecard_max_spread_pct="1.5")


def test_a_configured_required_presence_has_at_most_the_two_decimals_the_page_takes(monkeypatch):
    monkeypatch.setenv("CARBON_SCORECARD_REQUIRED_PRESENCE_PCT", "70.555")  # its field would refuse its own default

    with pytest.raises(SettingsError, match="no more than 2 decimal places"):
        Settings()


def test_a_period_running_backwards_names_both_ends_in_utc():
    start = datetime(2026, 1, 6, 12, 30, tzinfo=UTC)
    end = datetime(2026, 1, 6, 9, 0, tzinfo=UTC)

    backwards = r"starts \(2026-01-06 12:30 UTC\) after it ends \(2026-01-06 09:00 UTC\)"
    with pytest.raises(ValidationError, match=backwards):
        parse_period(start, end)


def test_a_period_without_a_time_zone_is_refused():
    with pytest.raises(ValidationError, match="needs a time zone"):
        parse_period(datetime(2026, 1, 6), datetime(2026, 1, 7, tzinfo=UTC))


@pytest.mark.parametrize(("seconds", "cron"), [(10, "* * * * * */10"), (1, "* * * * * */1"), (120, "*/2 * * * *")])
def test_the_snapshot_period_becomes_a_cron_of_seconds_or_of_minutes(seconds, cron):
    assert snapshot_cron(seconds) == cron
