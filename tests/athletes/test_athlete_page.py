"""The athlete page a PT reviews from: ladder, gate checklist, charts, sessions, history.

The clock is frozen on Wednesday 11 March 2026 (London, the clinic's zone).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from athletes import athlete_page, rtm_page, services
from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import User
from itbrehab.audit.access import READ_EVENT_QUERIES
from progressions.services import stage_change_create, stage_review_decide
from tests.support.athletes import sam
from tests.support.clock import TODAY, days_ago
from tests.support.sessions import walk

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    """Sam, in uphill walking for 20 days, gate at 40 minutes and pain ≤ 1."""
    return sam(therapist, phone="+44 7700 900123", walk_gate_minutes=40, gate_pain_max=1)


def log(athlete: Athlete, days: int, **fields: Any) -> SessionLog:
    """Store a walk at this athlete's gate of 40 minutes, morning pain 0; ``fields`` override."""
    return walk(athlete, days, **{"duration_min": 40, "pain_next_morning": 0, **fields})


def page(client: Client, athlete: Athlete) -> str:
    """The athlete's page as ``client`` (logged in) sees it."""
    response = client.get(f"/athletes/{athlete.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    """Return the ``<section>`` labelled by ``heading_id``."""
    match = re.search(rf'<section aria-labelledby="{heading_id}".*?</section>', html, flags=re.S)
    assert match, heading_id
    return match.group(0)


def chart_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html)
    assert match
    return json.loads(match.group(1))


# --- Who may see it --------------------------------------------------------------------


def test_the_therapist_and_a_colleague_see_the_page(
    pt: Client, athlete: Athlete, colleague: User
) -> None:
    assert "<h1>Sam Okafor</h1>" in page(pt, athlete)
    pt.force_login(colleague)
    assert "<h1>Sam Okafor</h1>" in page(pt, athlete)


def test_an_outsider_gets_404(client: Client, athlete: Athlete, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get(f"/athletes/{athlete.pk}/").status_code == 404


def test_an_unknown_athlete_gets_404(pt: Client, athlete: Athlete) -> None:
    assert pt.get(f"/athletes/{athlete.pk + 1000}/").status_code == 404
    assert pt.get("/athletes/99999999999999999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client: Client, athlete: Athlete) -> None:
    response = client.get(f"/athletes/{athlete.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_page_refuses_writes(pt: Client, athlete: Athlete) -> None:
    assert pt.post(f"/athletes/{athlete.pk}/").status_code == 405


# --- Ladder and gate -------------------------------------------------------------------


def test_the_ladder_marks_the_current_stage(pt: Client, athlete: Athlete) -> None:
    Athlete.objects.filter(pk=athlete.pk).update(stage="flat_run")

    ladder = section(page(pt, athlete), "ladder-h")

    assert ladder.count('aria-current="step"') == 1
    assert re.search(
        r'aria-current="step">\s*<span class="rung">3</span>\s*'
        r'<span class="rung-name">Flat running</span>',
        ladder,
    )
    assert ladder.count("(done)") == 2  # stages 1 and 2, in words for screen readers
    assert "since 19 Feb" in ladder


def test_the_gate_checklist_states_its_numbers_and_links_the_sessions_that_count(
    pt: Client, athlete: Athlete
) -> None:
    older = log(athlete, 6)
    log(athlete, 4, duration_min=30)  # shorter than the gate: neither helps nor hurts
    newer = log(athlete, 2)

    html = page(pt, athlete)
    gate = section(html, "gate-h")

    assert "to Uphill jogging (walk–run)" in gate
    assert "2 most recent uphill walks of ≥ 40 min in the last 14 days" in gate
    assert "pain ≤ 1 during, after and next morning" in gate
    assert '<span class="visually-hidden">Met:</span>' in gate
    links = re.findall(r'href="#session-(\d+)"', gate.split("No red flag")[0])
    assert links == [str(newer.pk), str(older.pk)]
    for session_id in links:
        assert f'<tr id="session-{session_id}" class="evidence-row' in html


def test_an_unmet_gate_says_so_in_words(pt: Client, athlete: Athlete) -> None:
    log(athlete, 2, pain_after=2)  # above this athlete's pain maximum of 1

    gate = section(page(pt, athlete), "gate-h")

    assert '<span class="visually-hidden">Not met:</span>' in gate


def test_red_flags_are_listed_with_their_meaning_and_their_sessions_marked(
    pt: Client, athlete: Athlete
) -> None:
    hurt = log(athlete, 1, pain_during=6, pain_after=7, stopped_early=True)

    html = page(pt, athlete)
    gate = section(html, "gate-h")

    assert '<ul class="red-flags">' in gate
    assert '<span class="flag">Pain &gt; 5</span> Pain during or after passed 5/10' in gate
    assert '<span class="flag">Stopped early</span>' in gate
    assert f'<tr id="session-{hurt.pk}" class="evidence-row flagged-row">' in html
    assert '<span class="badge badge-back_off badge-large">Back off</span>' in html


def test_a_session_that_changed_two_variables_is_warned_about(pt: Client, athlete: Athlete) -> None:
    log(athlete, 5)
    jump = log(athlete, 2, surface="road", duration_min=45)  # surface and duration

    html = page(pt, athlete)
    warnings = section(html, "gate-h").split('<ul class="warnings">')[1]

    assert f'<a href="#session-{jump.pk}">Mon 9 Mar</a>' in warnings
    assert "surface" in warnings
    assert "duration" in warnings
    row = re.search(rf'<tr id="session-{jump.pk}".*?</tr>', html, flags=re.S).group(0)
    assert "⚠ 2 variables changed" in row
    assert 'title="Changed: surface, duration"' in row


def test_the_suggested_next_session_and_the_target_cadence_are_shown(
    pt: Client, athlete: Athlete
) -> None:
    log(athlete, 2, duration_min=30)

    nxt = section(page(pt, athlete), "next-h")

    assert "<dt>Duration</dt><dd>30 min at 8.0%</dd>" in nxt  # done once: repeated
    assert "<strong>179</strong> steps/min (preferred 170)" in nxt


# --- Charts ----------------------------------------------------------------------------


def test_the_chart_data_holds_pain_minutes_cadence_and_the_target(
    pt: Client, athlete: Athlete
) -> None:
    log(athlete, 9, pain_during=2, pain_after=3, pain_next_morning=1)  # Mon 2 Mar
    log(athlete, 8, activity="cross_training", terrain=None, surface=None, incline_percent=None,
        duration_min=45, pain_during=0, pain_after=None, pain_next_morning=None)  # fmt: skip
    log(athlete, 2, activity="walk_run", incline_percent=8, duration_min=30, cadence_spm=176,
        run_interval_sec=60, walk_interval_sec=120, repeats=10, pain_next_morning=None)  # fmt: skip
    log(athlete, 120, duration_min=20)  # older than the 12 weeks the page covers

    data = chart_data(page(pt, athlete))

    assert data["pain"] == [
        {"date": "2026-03-02", "during": 2, "after": 3, "next_morning": 1},
        {"date": "2026-03-03", "during": 0, "after": None, "next_morning": None},
        {"date": "2026-03-09", "during": 1, "after": 1, "next_morning": None},
    ]
    # From the first week with a session, at least 4 weeks: no run of empty weeks.
    assert data["weeks"] == ["2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"]
    assert data["minutes"] == {
        "Walk": [0, 0, 40, 0],
        "Walk–run": [0, 0, 0, 30],
        "Cross-training": [0, 0, 45, 0],
    }
    # Cadence is charted for running sessions only; typed, not measured by a watch.
    assert data["cadence"] == [{"date": "2026-03-09", "spm": 176, "measured": False}]
    assert data["target_cadence"] == 179
    assert data["gate_pain_max"] == 1


def test_cadence_read_from_a_watch_file_is_charted_as_measured(
    pt: Client, athlete: Athlete
) -> None:
    typed = log(athlete, 3, activity="run", terrain="flat", cadence_spm=168)
    measured = log(
        athlete,
        1,
        activity="run",
        terrain="flat",
        cadence_spm=172,
        source="file",
        file_sha256="ab" * 32,
    )

    html = page(pt, athlete)

    assert chart_data(html)["cadence"] == [
        {"date": days_ago(3).isoformat(), "spm": 168, "measured": False},
        {"date": days_ago(1).isoformat(), "spm": 172, "measured": True},
    ]
    rows = {s.pk: _row(html, s.pk) for s in (typed, measured)}
    assert '<span class="watch"' in rows[measured.pk]
    assert '<span class="watch"' not in rows[typed.pk]


def _row(html: str, session_id: int) -> str:
    return re.search(rf'<tr id="session-{session_id}".*?</tr>', html, flags=re.S).group(0)


def test_the_three_charts_have_their_canvases_and_the_vendored_script(
    pt: Client, athlete: Athlete
) -> None:
    html = page(pt, athlete)

    for canvas in ("pain-chart", "minutes-chart", "cadence-chart"):
        assert re.search(rf'<canvas id="{canvas}" role="img" aria-label="[^"]+">', html)
    # The gate line is drawn at this athlete's pain maximum (1), the ceiling at 5.
    assert "(lines at 1 and 5)" in html
    assert '/static/vendor/chartjs-4.6.1/chart.umd.min.js"' in html
    assert '/static/js/athlete-charts.js"' in html


def test_the_session_list_covers_the_last_12_weeks_newest_first(
    pt: Client, athlete: Athlete
) -> None:
    old = log(athlete, 90)
    first = log(athlete, 80)
    second = log(athlete, 3)
    third = log(athlete, 3)  # same day, recorded later

    html = page(pt, athlete)

    rows = re.findall(r'<tr id="session-(\d+)"', section(html, "sessions-h"))
    assert rows == [str(third.pk), str(second.pk), str(first.pk)]
    assert f"session-{old.pk}" not in html
    assert f'href="/athletes/{athlete.pk}/sessions/{first.pk}/edit/"' in html


# --- History, decision, settings, phone link -------------------------------------------


def test_the_stage_history_shows_who_when_why_and_the_recommendation(
    pt: Client, athlete: Athlete, colleague: User
) -> None:
    stage_change_create(
        athlete=athlete,
        to_stage="uphill_jog",
        changed_by=colleague,
        reason="Walked 40 min pain-free twice; started walk–run.",
        effective_date=days_ago(5),
    )

    history = section(page(pt, athlete), "history-h")

    assert '<time datetime="2026-03-06">6 Mar 2026</time>' in history
    assert "Uphill walking → <strong>Uphill jogging (walk–run)</strong>" in history
    assert f"by {colleague.get_full_name()}; recommended hold" in history
    assert "“Walked 40 min pain-free twice; started walk–run.”" in history


def test_without_a_stage_change_the_history_says_since_when(pt: Client, athlete: Athlete) -> None:
    history = section(page(pt, athlete), "history-h")

    assert "In uphill walking since 19 Feb 2026; no stage change recorded yet." in history


def test_the_decision_form_offers_advance_hold_and_back_off_with_a_note(
    pt: Client, athlete: Athlete
) -> None:
    decision = section(page(pt, athlete), "decision-h")

    assert f'action="/athletes/{athlete.pk}/decision/"' in decision
    for value in ("advance", "hold", "back_off"):
        assert f'name="decision" value="{value}"' in decision
    assert '<textarea name="note"' in decision
    assert 'name="back_off_to"' in decision
    assert "Overdue since Mon 9 Mar." in decision  # reviews are due Mondays; today is Wed
    assert "csrfmiddlewaretoken" in decision


def test_a_decided_week_shows_the_decision_instead_of_the_form(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    stage_review_decide(athlete=athlete, decision="hold", reviewed_by=therapist, note="Easy week.")

    decision = section(page(pt, athlete), "decision-h")

    assert "<form" not in decision
    assert f"Recorded <strong>hold</strong> by {therapist.get_full_name()}" in decision
    assert "“Easy week.”" in decision


def test_the_settings_form_shows_the_current_values(pt: Client, athlete: Athlete) -> None:
    settings = section(page(pt, athlete), "settings-h")

    assert f'action="/athletes/{athlete.pk}/settings/"' in settings
    assert 'name="walk_gate_minutes" value="40"' in settings
    assert 'name="gate_pain_max" value="1"' in settings
    assert 'name="preferred_cadence_spm" value="170"' in settings
    # The target follows preferred + 5% until a PT sets it: the box stays empty.
    assert re.search(r'<input type="number" name="target_cadence_spm"(?![^>]*value=)', settings)


def test_help_texts_and_errors_are_tied_to_their_fields(pt: Client, athlete: Athlete) -> None:
    html = page(pt, athlete)

    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for element_id in described.split():
            assert f'id="{element_id}"' in html, element_id


def test_the_phone_link_section_offers_a_link_and_lists_earlier_ones(
    pt: Client, athlete: Athlete, therapist: User
) -> None:
    link, token = services.device_link_create(athlete=athlete, created_by=therapist)

    links = section(page(pt, athlete), "links-h")

    assert f'action="/athletes/{athlete.pk}/links/"' in links
    assert "Create a phone link" in links
    assert f"by {therapist.get_full_name()}" in links
    assert f'action="/athletes/{athlete.pk}/links/{link.pk}/revoke/"' in links
    assert token not in links  # shown once, when created


# --- Query budget ----------------------------------------------------------------------

# session, user, the user's clinic (page header), the athlete (with therapist and
# clinic), then the read model's athlete_page.QUERIES: the stored progression, the sessions
# of the last 12 weeks, the adherence's counts, this week's review, the stage history (with
# who) and the phone links (with who); the remote-monitoring section's rtm_page.QUERIES
# (data days, this month's time); the LEFS section's completed responses (its own query,
# outside the cache); last, the audit's read event.
ATHLETE_PAGE_QUERIES = 4 + athlete_page.QUERIES + rtm_page.QUERIES + 1 + READ_EVENT_QUERIES
# The sessions table, charts and adherence from the cache: no sessions or adherence query.
ATHLETE_PAGE_CACHED = ATHLETE_PAGE_QUERIES - 2
# The first view after sessions written outside the services (bulk_create here) evaluates
# and stores the athlete's answer: the inputs (one query) and the UPDATE.
EVALUATING = 2


def _bulk_sessions(athlete: Athlete, total: int, *, days: int) -> None:
    """Store ``total`` valid sessions spread over the last ``days`` days."""
    SessionLog.objects.bulk_create(
        SessionLog(
            athlete=athlete,
            date=days_ago(n % days),
            activity="run" if n % 3 else "walk",
            terrain="flat" if n % 3 else "uphill",
            surface="road",
            duration_min=30 + n % 20,
            cadence_spm=170 + n % 10 if n % 3 else None,
            intensity="easy",
            pain_during=n % 3,
            pain_after=n % 4,
            pain_next_morning=n % 2,
            changed_variables=["surface", "duration"] if n % 5 == 0 else [],
        )
        for n in range(total)
    )


def _table(html: str) -> str:
    return html[html.index('<section aria-labelledby="sessions-h"') : html.index("</table>")]


def _count_page_queries(
    client: Client, athlete: Athlete, django_assert_max_num_queries: Any
) -> tuple[int, str]:
    """Return the queries and HTML of a view that reads the sessions, checking the views
    around it: the first after the bulk write also stores the answer; the next reads the
    sessions table from the cache, the same table."""
    page = f"/athletes/{athlete.pk}/"
    with django_assert_max_num_queries(ATHLETE_PAGE_QUERIES + EVALUATING) as first:
        assert client.get(page).status_code == 200
    cache.clear()
    with django_assert_max_num_queries(ATHLETE_PAGE_QUERIES) as captured:
        response = client.get(page)
    assert response.status_code == 200
    with django_assert_max_num_queries(ATHLETE_PAGE_CACHED) as cached:
        again = client.get(page)
    assert len(first) == len(captured) + EVALUATING
    assert len(cached) == len(captured) - 2  # no sessions or adherence query
    assert _table(again.content.decode()) == _table(response.content.decode())
    return len(captured), response.content.decode()


def test_the_query_count_does_not_grow_with_sessions(
    pt: Client, athlete: Athlete, therapist: User, django_assert_max_num_queries: Any
) -> None:
    services.device_link_create(athlete=athlete, created_by=therapist)
    stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist, reason="x")

    _bulk_sessions(athlete, 10, days=10)
    with_10, html_10 = _count_page_queries(pt, athlete, django_assert_max_num_queries)
    _bulk_sessions(athlete, 1990, days=400)
    with_2000, html_2000 = _count_page_queries(pt, athlete, django_assert_max_num_queries)

    assert with_10 == with_2000 == ATHLETE_PAGE_QUERIES
    assert html_10.count('<tr id="session-') == 10
    # The last 12 weeks (days 0 to 84) of the 2,000.
    listed = SessionLog.objects.filter(athlete=athlete, date__gte=days_ago(84)).count()
    assert html_2000.count('<tr id="session-') == listed > 10


def test_the_read_model_makes_the_queries_its_docstring_states(
    athlete: Athlete, therapist: User, django_assert_num_queries: Any
) -> None:
    services.device_link_create(athlete=athlete, created_by=therapist)
    stage_change_create(athlete=athlete, to_stage="uphill_jog", changed_by=therapist, reason="x")
    _bulk_sessions(athlete, 30, days=30)
    athlete = Athlete.objects.select_related("clinic", "therapist").get(pk=athlete.pk)

    athlete_page.athlete_page(athlete)  # stores the answer the bulk write emptied
    cache.clear()
    athlete = Athlete.objects.select_related("clinic", "therapist").get(pk=athlete.pk)

    with django_assert_num_queries(athlete_page.QUERIES):
        page = athlete_page.athlete_page(athlete)
        # Everything is loaded: the template's reads make no further query.
        assert page.sessions_html.count('<tr id="session-') == 30
        assert [len(page.history), len(page.links)] == [1, 1]
        assert page.history[0].changed_by == therapist
        assert page.links[0].created_by == therapist
    athlete = Athlete.objects.select_related("clinic", "therapist").get(pk=athlete.pk)
    with django_assert_num_queries(athlete_page.QUERIES - 2):  # the table from the cache
        assert athlete_page.athlete_page(athlete).sessions_html == page.sessions_html


def test_the_minutes_chart_starts_with_the_week_of_the_first_session(athlete: Athlete) -> None:
    tuesday = dt.date(2026, 2, 10)  # five weeks before Wednesday 11 March
    sessions = [SessionLog(athlete=athlete, date=tuesday, activity="walk", duration_min=30)]
    data = athlete_page.chart_data(sessions, athlete, TODAY)
    assert data["weeks"][0] == "2026-02-09"  # that Tuesday's Monday
    assert data["minutes"]["Walk"][0] == 30
