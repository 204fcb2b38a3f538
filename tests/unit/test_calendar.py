"""The working-day calendar (domain.md §4) and deadline arithmetic (domain.md §3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.domain import deadlines
from engine.domain.calendar import DAYS, WORKING_DAYS, WorkingCalendar
from engine.domain.errors import DefinitionError, NonWorkingDay, OutOfCalendar
from engine.io.calendars import load_calendar, load_calendar_spec
from engine.io.resources import workflows_dir

D = dt.date
SHIPPED = workflows_dir() / "calendars" / "vn.yaml"


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return load_calendar([SHIPPED])


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# -- holidays and swaps -----------------------------------------------------------------------
@pytest.mark.parametrize("day", days(D(2024, 2, 8), D(2024, 2, 14)))
def test_every_day_of_tet_2024_is_a_day_off(cal: WorkingCalendar, day: dt.date) -> None:
    assert not cal.is_working_day(day)


@pytest.mark.parametrize("day", days(D(2025, 1, 27), D(2025, 1, 31)))
def test_every_day_of_tet_2025_is_a_day_off(cal: WorkingCalendar, day: dt.date) -> None:
    assert not cal.is_working_day(day)


@pytest.mark.parametrize("day", [D(2024, 2, 7), D(2024, 2, 15), D(2025, 1, 24), D(2025, 2, 3)])
def test_the_working_days_around_tet_stay_working_days(cal: WorkingCalendar, day: dt.date) -> None:
    assert cal.is_working_day(day)


@pytest.mark.parametrize("day", [D(2024, 4, 29), D(2025, 5, 2), D(2026, 1, 2), D(2026, 8, 31)])
def test_a_swapped_weekday_is_a_day_off(cal: WorkingCalendar, day: dt.date) -> None:
    assert day.weekday() < 5
    assert not cal.is_working_day(day)
    assert cal.why_off(day)


@pytest.mark.parametrize("day", [D(2024, 5, 4), D(2025, 4, 26), D(2026, 1, 10), D(2026, 8, 22)])
def test_a_make_up_saturday_is_a_working_day(cal: WorkingCalendar, day: dt.date) -> None:
    assert day.weekday() == 5
    assert cal.is_working_day(day)
    assert cal.why_off(day) is None


def test_an_ordinary_saturday_and_sunday_are_days_off_named_by_weekday(cal: WorkingCalendar) -> None:
    assert cal.why_off(D(2024, 5, 11)) == "Thứ Bảy"
    assert cal.why_off(D(2024, 5, 12)) == "Chủ Nhật"


def test_january_2nd_2026_is_off_and_named_as_the_swap_in_the_data_file(cal: WorkingCalendar) -> None:
    assert "Tết Dương lịch" in (cal.why_off(D(2026, 1, 2)) or "")


# -- domain.md §3 worked examples ---------------------------------------------------------------
def test_ten_working_days_from_monday_5_february_2024_skip_tet_and_end_on_26_february(cal: WorkingCalendar) -> None:
    assert cal.add(D(2024, 2, 5), 10, WORKING_DAYS) == D(2024, 2, 26)


def test_seven_days_from_27_august_2024_end_on_4_september_because_3_september_is_a_holiday(
        cal: WorkingCalendar) -> None:
    assert cal.add(D(2024, 8, 27), 7, DAYS) == D(2024, 9, 4)


def test_two_working_days_from_2_may_2024_end_on_the_make_up_saturday_4_may(cal: WorkingCalendar) -> None:
    assert cal.add(D(2024, 5, 2), 2, WORKING_DAYS) == D(2024, 5, 4)


def test_ten_days_from_3_june_2024_are_due_on_13_june(cal: WorkingCalendar) -> None:
    clock = deadlines.start_clock("appraisal", 1, 10, DAYS, "resume", 0, D(2024, 6, 3), cal)
    assert clock.due_date == D(2024, 6, 13)


@pytest.mark.parametrize("policy, due", [("resume", D(2024, 6, 17)), ("restart", D(2024, 6, 20))])
def test_a_pause_on_6_june_and_resumption_on_10_june_give_the_due_date_of_the_policy(
        cal: WorkingCalendar, policy: str, due: dt.date) -> None:
    clock = deadlines.start_clock("appraisal", 1, 10, DAYS, policy, 0, D(2024, 6, 3), cal)
    clock = deadlines.pause(clock, D(2024, 6, 6), cal)
    assert clock.used_before == 3  # 4, 5 and 6 June
    assert clock.due_date is None
    assert clock.paused
    assert clock.used(D(2024, 6, 9), cal) == 3  # paused time never counts
    clock = deadlines.resume(clock, D(2024, 6, 10), cal)
    assert clock.policy == policy
    assert clock.due_date == due
    assert clock.paused_days == 4


def test_the_resume_policy_keeps_the_used_days_and_the_restart_policy_forgets_them(cal: WorkingCalendar) -> None:
    kept = deadlines.start_clock("s", 1, 10, DAYS, "resume", 0, D(2024, 6, 3), cal)
    reset = deadlines.start_clock("s", 1, 10, DAYS, "restart", 0, D(2024, 6, 3), cal)
    kept, reset = (deadlines.resume(deadlines.pause(c, D(2024, 6, 6), cal), D(2024, 6, 10), cal)
                   for c in (kept, reset))
    assert kept.used(D(2024, 6, 11), cal) == 4
    assert reset.used(D(2024, 6, 11), cal) == 1
    assert kept.remaining(D(2024, 6, 11), cal) == 6
    assert reset.remaining(D(2024, 6, 11), cal) == 9


# -- deadlines landing on days off --------------------------------------------------------------
@pytest.mark.parametrize("start, n, due", [
    (D(2024, 2, 1), 7, D(2024, 2, 15)),     # 8/2 is Tết: moved past the whole break
    (D(2024, 4, 22), 7, D(2024, 5, 2)),     # 29/4 swapped, 30/4, 1/5 holidays
    (D(2025, 1, 20), 8, D(2025, 2, 3)),     # 28/1 Tết 2025
    (D(2024, 5, 1), 3, D(2024, 5, 4)),      # 4/5/2024 is a make-up Saturday: it stays
    (D(2024, 5, 8), 3, D(2024, 5, 13)),     # an ordinary Saturday moves to Monday
    (D(2025, 12, 25), 8, D(2026, 1, 5)),    # 2/1/2026 swapped off, then the weekend
])
def test_a_calendar_day_deadline_on_a_day_off_moves_to_the_next_working_day(
        cal: WorkingCalendar, start: dt.date, n: int, due: dt.date) -> None:
    assert cal.add(start, n, DAYS) == due
    assert cal.is_working_day(due)


def test_a_working_day_deadline_is_always_a_working_day(cal: WorkingCalendar) -> None:
    for start in days(D(2024, 1, 1), D(2026, 12, 1))[::11]:
        for n in (1, 5, 12, 20, 60):
            assert cal.is_working_day(cal.add(start, n, WORKING_DAYS))


def test_adding_working_days_counts_from_a_day_off_as_if_from_the_previous_working_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2024, 2, 10), 1) == D(2024, 2, 15)
    assert cal.add_working_days(D(2024, 2, 7), 1) == D(2024, 2, 15)


def test_adding_zero_or_negative_working_days_goes_nowhere_or_backwards(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2024, 2, 26), 0) == D(2024, 2, 26)
    assert cal.add_working_days(D(2024, 2, 15), -1) == D(2024, 2, 7)


# -- working_days_between -----------------------------------------------------------------------
def test_working_days_between_excludes_the_start_and_includes_the_end(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(D(2024, 2, 5), D(2024, 2, 26)) == 10
    assert cal.working_days_between(D(2024, 5, 2), D(2024, 5, 4)) == 2
    assert cal.working_days_between(D(2024, 6, 3), D(2024, 6, 3)) == 0


def test_working_days_between_is_negative_when_the_end_comes_first(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(D(2024, 2, 26), D(2024, 2, 5)) == -10


def test_working_days_between_inverts_adding_working_days(cal: WorkingCalendar) -> None:
    for start in days(D(2024, 1, 1), D(2025, 12, 1))[::7]:
        for n in (1, 3, 10, 25):
            assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_calendar_days_between_two_dates_are_plain_differences(cal: WorkingCalendar) -> None:
    assert cal.units_between(D(2024, 8, 27), D(2024, 9, 4), DAYS) == 8


# -- refusing a day off -------------------------------------------------------------------------
def test_requiring_a_working_day_on_tet_names_the_holiday_and_the_next_working_day(cal: WorkingCalendar) -> None:
    with pytest.raises(NonWorkingDay) as err:
        cal.require_working_day(D(2024, 2, 12), "Ngày tiếp nhận")
    assert err.value.details["next_working_day"] == "2024-02-15"
    assert "15/02/2024" in (err.value.hint or "")
    assert "12/02/2024" in err.value.message
    assert err.value.exit_code == 2


def test_requiring_a_working_day_on_a_make_up_saturday_passes(cal: WorkingCalendar) -> None:
    cal.require_working_day(D(2025, 4, 26))
    assert cal.next_working_day(D(2025, 4, 26)) == D(2025, 4, 26)


def test_the_next_working_day_after_a_swapped_day_off_skips_it(cal: WorkingCalendar) -> None:
    assert cal.next_working_day(D(2024, 4, 27)) == D(2024, 5, 2)
    assert cal.next_working_day(D(2024, 5, 3), include_self=False) == D(2024, 5, 4)


def test_a_day_outside_the_loaded_years_is_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(OutOfCalendar):
        cal.is_working_day(D(2041, 1, 2))


# -- province override --------------------------------------------------------------------------
def test_a_province_calendar_override_adds_a_day_off_without_editing_the_shipped_file(tmp_path: Path) -> None:
    before = SHIPPED.read_bytes()
    province = tmp_path / "province.yaml"
    province.write_text(
        "id: vn-public-servants\noverride: true\n"
        "extra_days_off:\n  - {date: 2026-12-01, name: Nghỉ theo quyết định của UBND tỉnh}\n"
        "make_up_working_days:\n  - {date: 2026-12-05, name: Làm bù}\n",
        encoding="utf-8")
    base = load_calendar([SHIPPED])
    local = load_calendar([SHIPPED, province])
    assert base.is_working_day(D(2026, 12, 1))
    assert not local.is_working_day(D(2026, 12, 1))
    assert local.why_off(D(2026, 12, 1)) == "Nghỉ theo quyết định của UBND tỉnh"
    assert local.is_working_day(D(2026, 12, 5))
    # the shipped swaps are kept
    assert local.is_working_day(D(2026, 8, 22)) and not local.is_working_day(D(2026, 1, 2))
    assert base.add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 1)
    assert local.add_working_days(D(2026, 11, 30), 1) == D(2026, 12, 2)
    assert SHIPPED.read_bytes() == before


def test_a_second_calendar_file_with_the_same_id_but_no_override_flag_is_refused(tmp_path: Path) -> None:
    province = tmp_path / "province.yaml"
    province.write_text("id: vn-public-servants\nextra_days_off: [2026-12-01]\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_calendar_spec([SHIPPED, province])
    assert str(province) in err.value.message
    assert "override" in err.value.message


def test_a_calendar_file_with_a_bad_date_names_the_file_and_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nextra_days_off:\n  - {date: 31/12/2026}\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_calendar_spec([bad])
    assert str(bad) in err.value.message
    assert "extra_days_off[0].date" in err.value.message


def test_a_province_can_declare_a_package_holiday_a_working_day(tmp_path: Path) -> None:
    province = tmp_path / "province.yaml"
    province.write_text("id: vn-public-servants\noverride: true\nnot_days_off: [2026-11-24]\n", encoding="utf-8")
    assert not load_calendar([SHIPPED]).is_working_day(D(2026, 11, 24))
    assert load_calendar([SHIPPED, province]).is_working_day(D(2026, 11, 24))


def test_the_app_layers_a_calendar_from_the_province_rules_path_over_the_shipped_one(tmp_path: Path) -> None:
    from engine.bootstrap import App
    from engine.io.settings import Settings

    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "dong-nai.yaml").write_text(
        "id: vn-public-servants\noverride: true\nextra_days_off: [2026-12-01]\n", encoding="utf-8")
    local = App(Settings().with_(rules_path=(tmp_path,)))
    assert not local.calendar.is_working_day(D(2026, 12, 1))
    assert local.services.due_date(D(2026, 11, 30), 1, "working-days") == D(2026, 12, 2)
    assert App(Settings()).calendar.is_working_day(D(2026, 12, 1))


def test_the_statutory_holidays_are_read_from_the_cache_after_the_first_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys
    import types

    from engine.io.calendars import public_holidays

    spec = load_calendar_spec([SHIPPED])
    first = public_holidays(spec, tmp_path)
    assert len(list(tmp_path.glob("holidays-*.json"))) == 1
    assert D(2024, 2, 10) in first and D(2025, 9, 2) in first

    def rebuilt(*args: object, **kwargs: object) -> None:
        raise AssertionError("the holidays were computed again")

    package = types.ModuleType("holidays")
    package.__spec__ = importlib.util.find_spec("holidays")
    package.country_holidays = rebuilt  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "holidays", package)
    assert public_holidays(spec, tmp_path) == first
    monkeypatch.undo()
    # a cache folder that cannot be written only costs time
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    assert public_holidays(spec, blocked / "cache") == first
