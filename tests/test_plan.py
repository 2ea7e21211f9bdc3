"""The reading plan's maths (issue #15, part 3): what fits in N minutes, and the day-by-day
schedule before the class."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from coursemate.course.model import Course
from coursemate.course.reader import load_course
from coursemate.progress.plan import (
    PlanItem,
    build_plan,
    deadline_line,
    fit,
    plan_json,
    spread,
)
from helpers import FIRST, REFERENCE, SECOND, write_course

TODAY = date(2025, 11, 2)  # five days before the reference course's first session (7 Nov)

ITEMS = st.lists(
    st.builds(
        PlanItem,
        key=st.just(""),
        title=st.just(""),
        minutes=st.integers(min_value=0, max_value=180),
        last_day=st.one_of(
            st.none(), st.integers(min_value=-3, max_value=25).map(lambda n: TODAY + timedelta(n))
        ),
    ),
    max_size=30,
).map(
    lambda items: [
        PlanItem(f"k{i}", f"t{i}", it.minutes, it.last_day) for i, it in enumerate(items)
    ]
)


@given(ITEMS, st.integers(min_value=1, max_value=600))
def test_fit_never_splits_stays_within_budget_and_keeps_course_order(
    items: list[PlanItem], budget: int
) -> None:
    chosen = fit(items, budget)
    assert sum(item.minutes for item in chosen) <= budget
    # Whole items, in course order: a subsequence of the items themselves.
    positions = [items.index(item) for item in chosen]
    assert positions == sorted(positions)
    # One is skipped only when it did not fit in what was left at its turn.
    used = 0
    for item in items:
        if item in chosen:
            used += item.minutes
        else:
            assert used + item.minutes > budget


def test_fit_skips_a_long_item_and_keeps_going() -> None:
    items = [PlanItem("a", "A", 20), PlanItem("b", "B", 30), PlanItem("c", "C", 10)]
    assert [item.key for item in fit(items, 30)] == ["a", "c"]


@given(ITEMS, st.integers(min_value=0, max_value=20))
def test_schedule_holds_every_item_once_on_or_before_its_deadline(
    items: list[PlanItem], span: int
) -> None:
    last = TODAY + timedelta(days=span)
    days = spread(items, TODAY, last)
    placed = [(day.day, item) for day in days for item in day.items]
    assert sorted(item.key for _, item in placed) == sorted(item.key for item in items)
    assert sum(day.minutes for day in days) == sum(item.minutes for item in items)
    assert [day.day for day in days] == sorted({day.day for day in days})
    for when, item in placed:
        assert TODAY <= when <= last
        if item.last_day is not None and item.last_day >= TODAY:
            assert when <= item.last_day, item  # feasible: never late
    # Course order among items due the same day.
    for i, (day_a, a) in enumerate(placed):
        for day_b, b in placed[i + 1 :]:
            if a.last_day == b.last_day and items.index(b) < items.index(a):
                assert day_b <= day_a


@given(st.lists(st.integers(min_value=0, max_value=120), max_size=30), st.integers(0, 15))
def test_schedule_spreads_evenly_when_everything_has_the_same_deadline(
    minutes: list[int], span: int
) -> None:
    last = TODAY + timedelta(days=span)
    items = [PlanItem(f"k{i}", "", m, last) for i, m in enumerate(minutes)]
    days = {day.day: day.minutes for day in spread(items, TODAY, last)}
    total = sum(minutes)
    longest = max(minutes, default=0)
    read = 0
    for d in range(span + 1):
        read += days.get(TODAY + timedelta(days=d), 0)
        share = total * (d + 1) / (span + 1)
        # Within half an item of an even share (whole items only), every day.
        assert abs(read - share) <= longest / 2 + 1e-9


def test_reference_course_deadlines_come_from_the_sessions(course: Course) -> None:
    plan = build_plan(course, frozenset({FIRST}), TODAY)
    assert plan.deadline == date(2025, 11, 8)  # module 4-6 are taught on day 2
    assert plan.first_due == date(2025, 11, 7)
    assert plan.days_left == 6  # 2 Nov to 7 Nov, today included
    assert plan.minutes_left == 551 - 11
    assert plan.minutes_per_day == -(-540 // 6)
    assert FIRST not in {item.key for item in plan.items}
    module_day = {item.key: day.day for day in plan.days for item in day.items}
    for module in course.modules[:3]:  # taught on 7 Nov: read by 6 Nov
        for res in module.resources:
            if res.key != FIRST:
                assert module_day[res.key] <= date(2025, 11, 6)
    assert sum(day.minutes for day in plan.days) == plan.minutes_left
    assert deadline_line(plan) == ("Class 7–8 Nov: 6 days left · 540 min left · 90 min a day")


def test_budget_and_json_shape(course: Course) -> None:
    plan = build_plan(course, frozenset(), TODAY, budget=18)
    # 11 + 7 fits exactly; the rest is longer than what is left.
    assert [item.key for item in plan.next] == [FIRST, SECOND]
    data = plan_json(plan)
    assert set(data) == {
        "today", "deadline", "days_left", "minutes_left", "minutes_per_day", "next", "days",
    }  # fmt: skip
    assert data["next"] == [
        {"key": FIRST, "title": "What’s Driving Your Need For Agility?", "minutes": 11},
        {"key": SECOND, "title": "What is a Product?", "minutes": 7},
    ]


def test_by_is_a_day_to_read_on_and_a_past_deadline_has_no_schedule(course: Course) -> None:
    plan = build_plan(course, frozenset(), TODAY, by=TODAY)
    assert plan.days_left == 1 and len(plan.days) == 1
    assert plan.days[0].minutes == 551
    late = build_plan(course, frozenset(), date(2025, 11, 9))
    assert late.past and late.days == () and late.minutes_per_day is None
    assert deadline_line(late) == "Class 7–8 Nov has passed: 551 min left"


def test_pre_reading_is_due_at_the_first_session(tmp_path: Path) -> None:
    path = write_course(
        tmp_path / "c.md",
        """
title: Two days
syllabusBefore:
  - {title: Guide, duration: 30}
syllabus:
  - id: 1
    title: Late module
    learningResources:
      - {title: Late read, duration: 40}
events:
  - start_date: 2025-11-10
    sessions:
      - {start_datetime: 2025-11-05T09:00:00, end_datetime: 2025-11-05T17:00:00, syllabus_ids: []}
      - {start_datetime: 2025-11-10T09:00:00, end_datetime: 2025-11-10T17:00:00, syllabus_ids: [1]}
""",
    )
    plan = build_plan(load_course(path), frozenset(), TODAY)
    due = {item.title: item.last_day for item in plan.items}
    assert due == {"Guide": date(2025, 11, 4), "Late read": date(2025, 11, 9)}
    placed = {item.title: day.day for day in plan.days for item in day.items}
    assert placed["Guide"] <= date(2025, 11, 4)


REFERENCE_COURSE = load_course(REFERENCE)
REFERENCE_KEYS = [res.key for res in REFERENCE_COURSE.all_resources()]


@given(
    st.sets(st.sampled_from(REFERENCE_KEYS)),
    st.integers(min_value=-20, max_value=10).map(lambda n: date(2025, 11, 7) + timedelta(n)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=300)),
)
def test_reference_plans_add_up_and_are_never_late(
    done: set[str], today: date, budget: int | None
) -> None:
    plan = build_plan(REFERENCE_COURSE, frozenset(done), today, budget=budget)
    assert [item.key for item in plan.items] == [k for k in REFERENCE_KEYS if k not in done]
    if plan.days:
        assert plan.days[0].day >= today
        assert sum(day.minutes for day in plan.days) == plan.minutes_left
        for day in plan.days:
            for item in day.items:
                if item.last_day is not None and item.last_day >= today:
                    assert day.day <= item.last_day
    else:
        assert plan.past or not plan.items
    if budget is not None:
        assert sum(item.minutes for item in plan.next) <= budget
