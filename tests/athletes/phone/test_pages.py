"""The phone's other pages: home, metronome, manifest, service worker, query budgets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete, SessionLog
from tests.support.clock import days_ago

pytestmark = pytest.mark.usefixtures("wednesday_morning")


# --- Home -------------------------------------------------------------------------------


def test_home_greets_by_first_name_with_todays_session_and_cadence(
    phone: Client,
) -> None:
    page = phone.get("/m/").content.decode()

    assert "Hi Sam" in page
    assert "Today: 20 min uphill walk on the treadmill at 5%" in page
    assert "<strong>179</strong> steps/min" in page
    assert 'aria-current="step">Uphill walking' in page


# --- Metronome and installable app -------------------------------------------------------


def test_the_metronome_shows_target_and_usual_cadence_and_why(phone: Client) -> None:
    page = phone.get("/m/metronome/").content.decode()

    assert 'data-target="179"' in page
    assert '<output id="spm" aria-live="polite">179</output>' in page
    assert "You usually run at <strong>170</strong>" in page
    assert "your target is <strong>179</strong>" in page
    assert "Why:" in page
    assert "Heiderscheit" in page


def test_the_manifest_is_valid_json_scoped_to_the_phone_pages(db: None) -> None:
    response = Client().get("/m/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["scope"] == "/m/"
    assert manifest["start_url"] == "/m/"
    assert manifest["display"] == "standalone"
    assert manifest["name"]
    assert all(icon["src"].startswith("/static/") for icon in manifest["icons"])


def test_the_service_worker_may_control_the_phone_pages(db: None) -> None:
    response = Client().get("/m/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/m/"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert body.startswith('const SHELL = ["/m/", "/m/log/", "/m/metronome/"')
    assert 'addEventListener("fetch"' in body


# --- Query budgets ----------------------------------------------------------------------


def _fill_history(athlete: Athlete, count: int) -> None:
    """Store ``count`` sessions spread over the stage so far (all of them count)."""
    SessionLog.objects.bulk_create(
        SessionLog(
            athlete=athlete,
            date=days_ago(i % 20),
            activity="walk",
            terrain="uphill",
            surface="treadmill",
            incline_percent=8,
            duration_min=30,
            intensity="easy",
            pain_during=1,
            pain_after=1,
            pain_next_morning=None if i % 20 == 1 else 1,
        )
        for i in range(count)
    )


# Both pages: the phone's session row; its link with athlete and clinic; the progression
# (sessions that count, the last running session before them, pain check-ins). The home
# page adds the morning question, the three recent sessions, today's check-in and the
# LEFS state (the unfinished questionnaire and the last completed one, one query).
@pytest.mark.parametrize(("path", "budget"), [("/m/", 9), ("/m/log/", 5)])
def test_phone_pages_run_a_fixed_number_of_queries(
    phone: Client,
    athlete: Athlete,
    path: str,
    budget: int,
    django_assert_max_num_queries: Any,
) -> None:
    def queries_for(history: int) -> int:
        SessionLog.objects.all().delete()
        _fill_history(athlete, history)
        with CaptureQueriesContext(connection) as captured:
            assert phone.get(path).status_code == 200
        return len(captured)

    assert queries_for(10) == queries_for(2000)
    with django_assert_max_num_queries(budget):
        phone.get(path)
