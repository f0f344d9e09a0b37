"""The knee questionnaire (LEFS) on the phone: one item a screen, resumable, one athlete's.

The clock is frozen at 08:00 on Wednesday 11 March 2026 (London, the clinic's zone).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.lefs import services
from athletes.models import Athlete, LefsResponse
from itbrehab.accounts.models import User
from tests.factories import SessionLogFactory
from tests.support.athletes import sam
from tests.support.clock import MORNING, days_ago
from tests.support.lefs import completed_lefs
from tests.support.phones import phone_of

pytestmark = pytest.mark.usefixtures("wednesday_morning")

URL = "/m/questionnaire/"


def answer(phone: Client, athlete: Athlete, item: int, value: int | str) -> Any:
    return phone.post(URL, {"athlete": athlete.pk, "item": item, "answer": value})


def completed(athlete: Athlete, value: int, on: dt.datetime) -> LefsResponse:
    """A LEFS of ``athlete`` completed at ``on`` with every answer ``value``."""
    return completed_lefs(athlete, value * 20, on)


def test_home_offers_the_questionnaire_at_the_start(phone: Client) -> None:
    page = phone.get("/m/").content.decode()

    assert "Knee questionnaire (2 minutes)" in page
    assert "Time for your knee questionnaire" in page
    assert f'href="{URL}"' in page


def test_home_does_not_offer_it_within_4_weeks_of_the_last_one(
    phone: Client, athlete: Athlete
) -> None:
    completed(athlete, 3, MORNING - dt.timedelta(days=27))

    page = phone.get("/m/").content.decode()

    assert "Knee questionnaire" not in page
    assert phone.get(URL)["Location"] == "/m/"


def test_home_offers_it_again_after_28_days(phone: Client, athlete: Athlete) -> None:
    completed(athlete, 3, MORNING - dt.timedelta(days=28))
    assert "Knee questionnaire (2 minutes)" in phone.get("/m/").content.decode()


def test_each_screen_shows_one_item_its_place_and_five_answers(phone: Client) -> None:
    page = phone.get(URL).content.decode()

    assert "1 of 20" in page
    assert "Any of your usual work, housework or school activities" in page
    assert page.count('name="answer"') == 5
    assert "No difficulty" in page
    assert "Extreme difficulty or unable to perform activity" in page
    assert "← Back" not in page
    assert "<script>" not in page  # CSP: no inline script, and none needed
    assert LefsResponse.objects.count() == 0  # nothing is written by looking


def test_each_answer_is_saved_at_once_and_the_next_item_follows(
    phone: Client, athlete: Athlete
) -> None:
    response = answer(phone, athlete, 1, 3)

    assert response.status_code == 302
    assert response["Location"] == URL
    stored = LefsResponse.objects.get(athlete=athlete)
    assert stored.answers[:2] == [3, None]
    assert stored.source == "phone"
    page = phone.get(URL).content.decode()
    assert "2 of 20" in page
    assert "Your usual hobbies, recreational or sporting activities" in page
    assert f'href="{URL}?item=1"' in page  # back


def test_back_shows_the_previous_answer_and_changing_it_returns_to_where_it_was(
    phone: Client, athlete: Athlete
) -> None:
    for item in (1, 2, 3):
        answer(phone, athlete, item, 2)

    page = phone.get(f"{URL}?item=3").content.decode()
    assert "3 of 20" in page
    assert re.search(r'value="2" class="lefs-answer chosen" aria-pressed="true"', page)

    response = answer(phone, athlete, 3, 4)

    assert response["Location"] == URL
    assert LefsResponse.objects.get().answers[:4] == [2, 2, 4, None]
    assert "4 of 20" in phone.get(URL).content.decode()


def test_an_item_not_reached_yet_cannot_be_skipped_to(phone: Client, athlete: Athlete) -> None:
    answer(phone, athlete, 1, 2)
    assert "2 of 20" in phone.get(f"{URL}?item=9").content.decode()
    assert "2 of 20" in phone.get(f"{URL}?item=nine").content.decode()


def test_closing_the_page_and_coming_back_continues(athlete: Athlete, phone: Client) -> None:
    for item in range(1, 6):
        answer(phone, athlete, item, 3)

    again = phone_of(athlete)  # the page closed; the app opened again later
    home = again.get("/m/").content.decode()
    assert "You have answered 5 of 20." in home
    assert "Continue the questionnaire" in home
    assert "6 of 20" in again.get(URL).content.decode()
    assert LefsResponse.objects.count() == 1


def test_the_last_answer_completes_it_and_shows_the_total(phone: Client, athlete: Athlete) -> None:
    for item in range(1, 20):
        answer(phone, athlete, item, 3)

    response = answer(phone, athlete, 20, 4)

    assert response["Location"] == "/m/questionnaire/done/"
    stored = LefsResponse.objects.get()
    assert (stored.total, stored.completed_at) == (61, MORNING)
    page = phone.get(response["Location"]).content.decode()
    assert "Thank you!" in page
    assert re.search(r'<strong class="lefs-total">61</strong> out of 80', page)
    assert "Knee questionnaire" not in phone.get("/m/").content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"item": 1, "answer": 5},
        {"item": 1, "answer": "-1"},
        {"item": 1, "answer": "two"},
        {"item": 1},
        {"item": 21, "answer": 2},
        {"item": "x", "answer": 2},
    ],
    ids=["answer-5", "answer-negative", "answer-word", "no-answer", "item-21", "item-word"],
)
def test_a_bad_answer_is_refused_beside_the_question_and_nothing_is_saved(
    phone: Client, athlete: Athlete, data: dict[str, Any]
) -> None:
    answer(phone, athlete, 1, 2)
    before = list(LefsResponse.objects.values_list("answers", flat=True))

    response = phone.post(URL, {"athlete": athlete.pk, **data})

    assert response.status_code == 400
    assert "choose one of the five answers" in response.content.decode()
    assert list(LefsResponse.objects.values_list("answers", flat=True)) == before


def test_a_post_without_the_athlete_is_a_stale_page_and_saves_nothing(phone: Client) -> None:
    response = phone.post(URL, {"item": 1, "answer": 2})
    assert response["Location"] == "/m/?error=stale"
    assert LefsResponse.objects.count() == 0


def test_a_post_for_another_athlete_is_refused_and_stored_nowhere(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    ben = sam(therapist, first_name="Ben")

    response = phone.post(URL, {"athlete": ben.pk, "item": 1, "answer": 2})

    assert response.status_code == 409
    assert LefsResponse.objects.count() == 0


def test_an_athletes_link_reaches_only_their_own_questionnaire(
    phone: Client, athlete: Athlete, therapist: User
) -> None:
    ben = sam(therapist, first_name="Ben")
    bens = services.lefs_start(athlete=ben)
    services.lefs_answer(response=bens, item=1, answer=0)

    page = phone.get(URL).content.decode()

    assert "1 of 20" in page  # Sam's own, not Ben's item 2
    answer(phone, athlete, 1, 4)
    bens.refresh_from_db()
    assert bens.answers[0] == 0
    assert LefsResponse.objects.get(athlete=athlete).answers[0] == 4


def test_without_a_phone_session_the_questionnaire_is_refused(client: Client) -> None:
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"item": 1, "answer": 2}).status_code == 404
    assert client.get("/m/questionnaire/done/").status_code == 404


def test_the_questionnaire_refuses_other_methods(phone: Client) -> None:
    assert phone.put(URL).status_code == 405
    assert phone.post("/m/questionnaire/done/").status_code == 405


def test_nudges_name_yesterdays_missing_morning_answer(phone: Client, athlete: Athlete) -> None:
    completed(athlete, 3, MORNING - dt.timedelta(days=3))  # no questionnaire nudge
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=None)

    page = phone.get("/m/").content.decode()

    assert "Yesterday's session is waiting for one answer" in page
    assert 'href="#morning-h"' in page
    assert "Time for your knee questionnaire" not in page


def test_no_morning_nudge_once_answered_or_for_an_older_session(
    phone: Client, athlete: Athlete
) -> None:
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_next_morning=2)
    SessionLogFactory(athlete=athlete, date=days_ago(2), pain_next_morning=None)
    assert "Yesterday's session is waiting" not in phone.get("/m/").content.decode()


# The home page's budget grows by one query: the LEFS state (the unfinished response and
# the last completed one, in one query). The questionnaire and its thanks: the phone's
# session, its link with athlete and clinic, the LEFS state.
@pytest.mark.parametrize(("path", "budget"), [("/m/", 9), (URL, 3), ("/m/questionnaire/done/", 3)])
def test_the_questionnaire_pages_cost_the_same_with_2_or_30_responses(
    phone: Client,
    athlete: Athlete,
    path: str,
    budget: int,
    django_assert_max_num_queries: Any,
) -> None:
    def queries_with(count: int) -> int:
        LefsResponse.objects.all().delete()
        for n in range(count):
            completed(athlete, n % 5, MORNING - dt.timedelta(days=30 * (count - n)))
        services.lefs_answer(response=services.lefs_start(athlete=athlete), item=1, answer=2)
        phone.get(path)  # the first view stores the athlete's progression answer
        with CaptureQueriesContext(connection) as captured:
            assert phone.get(path).status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(30)
    with django_assert_max_num_queries(budget):
        phone.get(path)
