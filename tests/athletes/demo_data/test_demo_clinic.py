"""The demo clinic shows a PT a believable caseload (``manage.py load_demo``).

The clinical facts come from ``spec_facts``: SPEC §1's definitions applied straight to the
stored rows, independently of the progression engine, so the demo keeps showing what its
stories say.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from django.db.models import F
from django.http import HttpRequest
from django.test import Client

from athletes.demo import (
    DEMO_CLINIC_NAME,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    SCRIPTS,
    DemoResult,
    load_demo,
)
from athletes.models import Athlete, AthleteStatus, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User, Weekday
from progressions.models import StageChange
from progressions.rules import protocol as p
from progressions.selectors import athlete_progression
from tests.athletes.demo_data.spec_facts import (
    RUNNING,
    TODAY,
    TWO_VARIABLE_SESSIONS,
    _by_athlete,
    _changed_variables,
    _counts,
    _days,
    _in_order,
    _running_pairs,
    _situations,
)

pytestmark = pytest.mark.django_db


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

    def test_the_demo_login_is_the_clinic_admin_and_tom_baxter_a_plain_therapist(
        self, demo: DemoResult
    ) -> None:
        roles = {
            user.email: (user.last_name, user.is_clinic_admin)
            for user in User.objects.filter(clinic=demo.clinic)
        }
        assert roles.pop(DEMO_EMAIL)[1] is True
        assert list(roles.values()) == [("Baxter", False)]

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
