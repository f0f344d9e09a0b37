"""The demo clinic shows a PT a believable caseload (``manage.py load_demo``).

The clinical facts are computed here straight from the stored rows with SPEC §1's
definitions (tolerated, gate met, red flags, changed variables), independently of the
progression engine, so the demo keeps showing what its stories say.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from io import StringIO
from statistics import mean
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.test import Client, override_settings

from athletes.demo import (
    DEMO_CLINIC_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_URL,
    SCRIPTS,
    DemoResult,
    demo_clinic_today,
    load_demo,
)
from athletes.models import Athlete, AthleteStatus, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User, Weekday
from progressions.models import StageChange
from progressions.rules import protocol as p
from progressions.selectors import athlete_progression

TODAY = dt.date(2026, 3, 2)
RUNNING = {a.value for a in p.RUNNING_TYPE_ACTIVITIES}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TWO_VARIABLE_SESSIONS = {"Chris Thornton": [{"surface", "duration"}]}

if TYPE_CHECKING:
    from pytest_django import DjangoDbBlocker

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoResult]:
    """Load the demo once for a class of read-only tests, and roll it back afterwards.

    Every session passes ``full_clean()`` and its CHECK-constraint queries (~3 s a load),
    so the tests that only look at the demo share one; each still runs in its own
    savepoint through ``db``.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield load_demo(today=TODAY)
        transaction.set_rollback(True)


# --- SPEC §1, computed from the rows ---------------------------------------------------


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _in_order(sessions: Iterable[SessionLog]) -> list[SessionLog]:
    """Oldest first: by date, then by the order the sessions were recorded."""
    return sorted(sessions, key=lambda s: (s.date, s.pk))


def _counts_for_stage(athlete: Athlete, session: SessionLog | PainScore) -> bool:
    """SPEC §1: after the stage change, or on its date and recorded after it."""
    if session.date != athlete.stage_started_on:
        return session.date > athlete.stage_started_on
    return athlete.stage_changed_at is None or session.created_at > athlete.stage_changed_at


def _tolerated(session: SessionLog, pain_max: int) -> bool:
    pains = (session.pain_during, session.pain_after, session.pain_next_morning)
    return not session.stopped_early and all(v is not None and v <= pain_max for v in pains)


def _gate_met(athlete: Athlete, sessions: list[SessionLog], today: dt.date) -> bool:
    gate = p.stage_definition(athlete.stage).gate
    if gate is None:
        return False
    minutes = athlete.walk_gate_minutes if gate.uses_walk_gate_minutes else gate.min_minutes
    matching = [
        s
        for s in sessions
        if today - _days(p.GATE_WINDOW_DAYS - 1) <= s.date <= today
        and _counts_for_stage(athlete, s)
        and s.activity in gate.activities
        and (gate.terrain is None or s.terrain == gate.terrain)
        and (gate.intensity is None or s.intensity == gate.intensity)
        and s.duration_min >= minutes
    ]
    latest_per_day = {s.date: s for s in _in_order(matching)}  # one next morning a day
    last_two = list(latest_per_day.values())[-p.GATE_SESSIONS_REQUIRED :]
    if len(last_two) < p.GATE_SESSIONS_REQUIRED:
        return False
    since = last_two[0].date
    blocked = any(
        s.is_running_type
        and since <= s.date <= today
        and _counts_for_stage(athlete, s)
        and (
            s.stopped_early
            or any(
                v is not None and v > athlete.gate_pain_max
                for v in (s.pain_before, s.pain_during, s.pain_after, s.pain_next_morning)
            )
        )
        for s in sessions
    )
    return not blocked and all(_tolerated(s, athlete.gate_pain_max) for s in last_two)


def _rest_scores(
    sessions: list[SessionLog], scores: list[PainScore], first: dt.date, last: dt.date
) -> list[tuple[dt.date, int]]:
    """The knee at rest: check-ins and next-morning pains (on the session's date)."""
    return [
        (s.date, s.pain_next_morning)
        for s in sessions
        if first <= s.date <= last and s.pain_next_morning is not None
    ] + [(c.date, c.score) for c in scores if first <= c.date <= last]


def _red_flags(
    athlete: Athlete, sessions: list[SessionLog], scores: list[PainScore], today: dt.date
) -> set[str]:
    window_start = today - _days(p.RED_FLAG_WINDOW_DAYS - 1)
    recent = [
        s for s in sessions if window_start <= s.date <= today and _counts_for_stage(athlete, s)
    ]
    mornings = {c.date: c.score for c in scores if c.context == "morning"}
    flags = set()
    if any(
        v is not None and v > p.PAIN_CEILING for s in recent for v in (s.pain_during, s.pain_after)
    ):
        flags.add("pain_above_ceiling")
    if any(
        s.pain_next_morning is not None
        and s.pain_next_morning
        > max(
            s.pain_before if s.pain_before is not None else mornings.get(s.date, 0),
            2,
            athlete.gate_pain_max,
        )
        for s in recent
    ):
        flags.add("pain_not_settled")
    if any(s.pain_before is not None and s.pain_before > 5 for s in recent) or any(
        window_start <= c.date <= today and _counts_for_stage(athlete, c) and c.score > 5
        for c in scores
    ):
        flags.add("rest_pain_high")
    if any(s.stopped_early for s in recent):
        flags.add("stopped_early")
    this_week = _rest_scores(sessions, scores, today - _days(6), today)
    week_before = _rest_scores(sessions, scores, today - _days(13), today - _days(7))
    if (
        len({d for d, _ in this_week}) >= 2
        and len({d for d, _ in week_before}) >= 2
        and mean(v for _, v in this_week) - mean(v for _, v in week_before) >= p.PAIN_TREND_RISE
        and mean(v for _, v in this_week) > athlete.gate_pain_max
    ):
        flags.add("pain_rising_week_to_week")
    return flags


def _recommendation(
    athlete: Athlete, sessions: list[SessionLog], scores: list[PainScore], today: dt.date
) -> tuple[str, set[str]]:
    flags = _red_flags(athlete, sessions, scores, today)
    if flags:
        return p.Recommendation.BACK_OFF.value, flags
    if _gate_met(athlete, sessions, today):
        return p.Recommendation.ADVANCE.value, flags
    return p.Recommendation.HOLD.value, flags


def _changed_variables(previous: SessionLog, session: SessionLog) -> set[str]:
    changed = {
        name
        for name in ("activity", "terrain", "surface", "intensity")
        if getattr(previous, name) != getattr(session, name)
    }
    inclines = (previous.incline_percent, session.incline_percent)
    if None not in inclines and abs(inclines[1] - inclines[0]) > 1:
        changed.add("incline")
    if abs(session.duration_min - previous.duration_min) > 0.10 * previous.duration_min:
        changed.add("duration")
    if previous.activity == session.activity == p.Activity.WALK_RUN:
        intervals = ("run_interval_sec", "walk_interval_sec", "repeats")
        if any(getattr(previous, f) != getattr(session, f) for f in intervals):
            changed.add("intervals")
    cadences = (previous.cadence_spm, session.cadence_spm)
    if None not in cadences and abs(cadences[1] - cadences[0]) > 0.03 * cadences[0]:
        changed.add("cadence")
    return changed


def _running_pairs(sessions: list[SessionLog]) -> list[tuple[SessionLog, SessionLog]]:
    running = _in_order(s for s in sessions if s.activity in RUNNING)
    return list(itertools.pairwise(running))


def _by_athlete(clinic: Clinic) -> dict[Athlete, tuple[list[SessionLog], list[PainScore]]]:
    sessions: dict[int, list[SessionLog]] = defaultdict(list)
    scores: dict[int, list[PainScore]] = defaultdict(list)
    for session in SessionLog.objects.filter(athlete__clinic=clinic):
        sessions[session.athlete_id].append(session)
    for score in PainScore.objects.filter(athlete__clinic=clinic):
        scores[score.athlete_id].append(score)
    return {a: (sessions[a.pk], scores[a.pk]) for a in Athlete.objects.filter(clinic=clinic)}


def _situations(clinic: Clinic, today: dt.date) -> dict[str, tuple[str, set[str]]]:
    """Return each active athlete's recommendation and red flags, by full name."""
    return {
        athlete.full_name: _recommendation(athlete, sessions, scores, today)
        for athlete, (sessions, scores) in _by_athlete(clinic).items()
        if athlete.status == AthleteStatus.ACTIVE
    }


def _counts() -> dict[str, int]:
    models = (Clinic, User, Athlete, SessionLog, PainScore)
    return {model.__name__: model.objects.count() for model in models}


class TestDemoClinic:
    """The demo loaded for 2 March 2026, as a PT would look at it."""

    # --- The caseload ---------------------------------------------------------------------

    def test_demo_clinic_has_at_least_eight_active_athletes(self, demo: DemoResult) -> None:
        assert demo.created
        assert demo.clinic.name == DEMO_CLINIC_NAME
        assert Athlete.objects.filter(clinic=demo.clinic).active().count() >= 8

    def test_demo_clinic_runs_on_london_time_and_reviews_monday_at_eight(
        self, demo: DemoResult
    ) -> None:
        assert demo.clinic.time_zone == "Europe/London"
        assert (demo.clinic.review_weekday, demo.clinic.review_hour) == (Weekday.MONDAY, 8)

    def test_every_stage_has_an_active_athlete(self, demo: DemoResult) -> None:
        stages = set(
            Athlete.objects.filter(clinic=demo.clinic).active().values_list("stage", flat=True)
        )
        assert stages == {stage.value for stage in p.StageCode}

    def test_two_therapists_share_the_caseload(self, demo: DemoResult) -> None:
        per_therapist = {
            user.email: user.athletes.count() for user in User.objects.filter(clinic=demo.clinic)
        }
        assert per_therapist[DEMO_EMAIL] >= 8
        assert len(per_therapist) == 2
        assert all(count >= 1 for count in per_therapist.values())

    def test_one_athlete_is_discharged(self, demo: DemoResult) -> None:
        discharged = Athlete.objects.filter(clinic=demo.clinic, status=AthleteStatus.DISCHARGED)
        assert discharged.count() == 1
        assert discharged.get().sessions.exists()

    def test_each_athlete_has_four_to_eight_weeks_of_history(self, demo: DemoResult) -> None:
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            first = min(s.date for s in sessions)
            assert 28 <= (TODAY - first).days <= 56, athlete.full_name

    def test_every_athlete_logged_a_session_the_day_their_stage_began(
        self, demo: DemoResult
    ) -> None:
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            assert athlete.stage_started_on in {s.date for s in sessions}, athlete.full_name
            assert athlete.stage_started_on <= TODAY

    def test_athletes_train_three_or_four_times_a_week(self, demo: DemoResult) -> None:
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            running = _in_order(s for s in sessions if s.activity in RUNNING)
            weeks = ((running[-1].date - running[0].date).days + 1) / 7
            assert 3 <= len(running) / weeks <= 4.5, athlete.full_name

    def test_no_session_or_pain_score_is_dated_after_today(self, demo: DemoResult) -> None:
        assert not SessionLog.objects.filter(date__gt=TODAY).exists()
        assert not PainScore.objects.filter(date__gt=TODAY).exists()

    def test_most_pain_check_ins_are_morning_ones(self, demo: DemoResult) -> None:
        contexts = list(PainScore.objects.values_list("context", flat=True))
        assert len(contexts) >= 5 * len(SCRIPTS)
        assert contexts.count("morning") > 0.7 * len(contexts)

    def test_next_morning_pain_is_missing_only_for_the_latest_sessions(
        self, demo: DemoResult
    ) -> None:
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            ordered = _in_order(sessions)
            missing = [s for s in ordered if s.pain_next_morning is None]
            assert all(s in ordered[-2:] for s in missing), athlete.full_name

    def test_morning_check_ins_agree_with_the_next_morning_pain(self, demo: DemoResult) -> None:
        for athlete, (sessions, scores) in _by_athlete(demo.clinic).items():
            answered = {s.date + _days(1): s.pain_next_morning for s in sessions}
            for score in scores:
                if score.context == "morning" and answered.get(score.date) is not None:
                    assert score.score == answered[score.date], (athlete.full_name, score.date)

    def test_sessions_are_mostly_logged_from_phones(self, demo: DemoResult) -> None:
        sources = list(SessionLog.objects.values_list("source", flat=True))
        assert {"phone", "web"} <= set(sources)
        assert sources.count("phone") > len(sources) / 2

    # --- Clinical situations ---------------------------------------------------------------

    def test_every_active_athlete_shows_the_situation_their_story_tells(
        self, demo: DemoResult
    ) -> None:
        expected = {s.name: (s.expect.value, set(s.red_flags)) for s in SCRIPTS if not s.discharged}
        assert _situations(demo.clinic, TODAY) == expected

    def test_two_athletes_in_different_stages_are_ready_to_advance(self, demo: DemoResult) -> None:
        situations = _situations(demo.clinic, TODAY)
        ready = {name for name, (rec, flags) in situations.items() if rec == "advance"}
        stages = {
            a.stage for a in Athlete.objects.filter(clinic=demo.clinic) if a.full_name in ready
        }
        assert len(stages) >= 2

    def test_each_deliberate_red_flag_shows_in_the_last_seven_days(self, demo: DemoResult) -> None:
        flags = [flag for _rec, fs in _situations(demo.clinic, TODAY).values() for flag in fs]
        for flag in ("pain_above_ceiling", "pain_not_settled", "stopped_early"):
            assert flags.count(flag) == 1, flag
        assert "pain_rising_week_to_week" in flags

    def test_some_athletes_are_on_hold_mid_progress(self, demo: DemoResult) -> None:
        situations = _situations(demo.clinic, TODAY)
        assert sum(rec == "hold" and not flags for rec, flags in situations.values()) >= 3

    def test_only_the_deliberate_session_changes_two_variables(self, demo: DemoResult) -> None:
        multiple: dict[str, list[set[str]]] = defaultdict(list)
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            for previous, session in _running_pairs(sessions):
                changed = _changed_variables(previous, session)
                if len(changed) >= 2:
                    multiple[athlete.full_name].append(changed)
        assert dict(multiple) == TWO_VARIABLE_SESSIONS

    def test_each_level_is_repeated_twice_before_one_variable_changes(
        self, demo: DemoResult
    ) -> None:
        for athlete, (sessions, _scores) in _by_athlete(demo.clinic).items():
            repeated, after_mistake = 1, False
            for previous, session in _running_pairs(sessions):
                changed = _changed_variables(previous, session)
                if not changed:
                    repeated += 1
                    continue
                # The one exception: the PT sends the athlete back after the two-variable jump.
                assert repeated >= 2 or after_mistake, (athlete.full_name, session.date)
                repeated, after_mistake = 1, len(changed) >= 2

    def test_walk_run_intervals_grow_only_on_walk_runs(self, demo: DemoResult) -> None:
        walk_runs = SessionLog.objects.filter(activity="walk_run")
        others = SessionLog.objects.exclude(activity="walk_run")
        assert walk_runs.exists()
        assert not walk_runs.filter(repeats__isnull=True).exists()
        assert not others.filter(repeats__isnull=False).exists()

    def test_run_cadence_stays_near_the_target(self, demo: DemoResult) -> None:
        runs = SessionLog.objects.filter(activity="run").select_related("athlete")
        with_cadence = [s for s in runs if s.cadence_spm is not None]
        assert len(with_cadence) > len(runs) / 2
        assert all(abs(s.cadence_spm - s.athlete.target_cadence_spm) <= 2 for s in with_cadence)

    def test_distances_match_a_plausible_pace(self, demo: DemoResult) -> None:
        for session in SessionLog.objects.filter(activity__in=RUNNING):
            kmh = float(session.distance_km) / (session.duration_min / 60)
            assert 4.5 <= kmh <= 14, session

    # --- Each suggestion rule shows on a real athlete (issue 11) --------------------------

    def _suggestion(self, clinic: Clinic, first_name: str) -> Any:
        athlete = Athlete.objects.get(clinic=clinic, first_name=first_name)
        return athlete_progression(athlete, today=TODAY)

    def test_sophie_stopped_yesterday_so_today_is_a_rest_day(self, demo: DemoResult) -> None:
        suggestion = self._suggestion(demo.clinic, "Sophie").suggested_next_session
        assert suggestion.rest_day
        assert suggestion.activity is None

    def test_aishas_back_off_does_not_ratchet(self, demo: DemoResult) -> None:
        result = self._suggestion(demo.clinic, "Aisha")
        suggestion = result.suggested_next_session
        assert result.recommendation == "back_off"
        last = SessionLog.objects.filter(athlete__first_name="Aisha").latest("date", "id")
        assert suggestion.based_on_session_id == last.pk
        assert (suggestion.duration_min, suggestion.changed_variable) == (22, None)
        assert "(no ratchet)" in suggestion.reason

    def test_owens_pt_restarted_his_stage_and_he_repeats_the_level_once_done(
        self, demo: DemoResult
    ) -> None:
        owen = Athlete.objects.get(clinic=demo.clinic, first_name="Owen")
        restart = owen.stage_changes.get(from_stage=F("to_stage"))
        assert restart.to_stage == owen.stage == "uphill_jog"
        assert restart.reason
        assert owen.stage_started_on == restart.effective_date
        suggestion = self._suggestion(demo.clinic, "Owen").suggested_next_session
        assert suggestion.changed_variable is None
        assert suggestion.reason.startswith("Repeat Owen's walk–run")

    def test_priya_did_her_level_twice_and_steps_up_one_variable(self, demo: DemoResult) -> None:
        suggestion = self._suggestion(demo.clinic, "Priya").suggested_next_session
        assert (suggestion.duration_min, suggestion.changed_variable) == (40, "duration")
        assert suggestion.reason.startswith("Step up: Priya's level was tolerated twice")

    def test_daniels_gate_is_met_but_his_session_stays_in_his_stage(self, demo: DemoResult) -> None:
        result = self._suggestion(demo.clinic, "Daniel")
        assert result.recommendation == "advance"
        assert result.suggested_next_session.activity == "walk"
        assert result.next_stage_first_session.activity == "walk_run"

    def test_every_advance_kept_the_session_it_offered(self, demo: DemoResult) -> None:
        advances = StageChange.objects.filter(
            athlete__clinic=demo.clinic, recommendation="advance"
        ).exclude(from_stage=F("to_stage"))
        assert advances.exists()
        for change in advances:
            offered = change.recommendation_snapshot["next_stage_first_session"]
            assert change.next_stage_first_session == offered
            assert offered["stage"] == change.to_stage

    # --- Integrity and repeat runs ---------------------------------------------------------

    def test_every_stored_row_passes_full_clean(self, demo: DemoResult) -> None:
        demo.clinic.full_clean()
        for model in (User, Athlete, SessionLog, PainScore):
            for row in model.objects.all():
                row.full_clean()

    def test_loading_twice_changes_nothing(self, demo: DemoResult) -> None:
        before = _counts()
        again = load_demo(today=TODAY)
        assert not again.created
        assert again.clinic == demo.clinic
        assert again.athlete_count == demo.athlete_count
        assert _counts() == before

    def test_demo_login_works(self, demo: DemoResult, client: Client) -> None:
        # django-axes needs the request that Client.login() leaves out.
        assert client.login(request=HttpRequest(), email=DEMO_EMAIL, password=DEMO_PASSWORD)
        assert User.objects.get(email=DEMO_EMAIL).clinic == demo.clinic


# --- Fresh loads ------------------------------------------------------------------------


def test_loading_for_a_day_after_today_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="after the clinic's today"):
        load_demo(today=demo_clinic_today() + _days(1))
    assert not Clinic.objects.exists()


def test_default_today_is_the_clinics_today(db: None) -> None:
    result = load_demo()
    today = demo_clinic_today()
    expected = {s.name: (s.expect.value, set(s.red_flags)) for s in SCRIPTS if not s.discharged}
    assert result.created
    assert SessionLog.objects.latest("date").date == today
    assert not SessionLog.objects.filter(date__gt=today).exists()
    assert _situations(result.clinic, today) == expected


@pytest.fixture
def development(settings: Any) -> None:
    """``make run``'s DEBUG=true (pytest-django runs tests with DEBUG off)."""
    settings.DEBUG = True


@pytest.mark.usefixtures("development")
def test_command_loads_the_demo_and_prints_the_login(db: None) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    athletes = len(SCRIPTS)
    assert f"Demo clinic '{DEMO_CLINIC_NAME}' ready ({athletes} athletes)." in out.getvalue()
    assert f"Open {DEMO_URL} and log in as {DEMO_EMAIL} / {DEMO_PASSWORD}" in out.getvalue()


@pytest.mark.usefixtures("development")
def test_command_run_twice_reports_already_loaded(db: None) -> None:
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert _counts() == before


def test_command_refuses_to_run_with_debug_off(db: None, settings: Any) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="refuses to run with DEBUG=false"):
        call_command("load_demo", stdout=StringIO())

    assert set(_counts().values()) == {0}
