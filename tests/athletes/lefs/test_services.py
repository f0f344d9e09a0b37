"""Starting, answering and completing a LEFS: resumable, validated, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from athletes.lefs import services
from athletes.lefs.selectors import lefs_history, lefs_state
from athletes.models import Athlete, LefsResponse
from athletes.models.lefs import LEFS_ANSWER_RANGE, LEFS_INCOMPLETE
from itbrehab.accounts.models import User
from tests.audit.events import event_ids, events_since
from tests.support.athletes import sam

pytestmark = pytest.mark.usefixtures("wednesday")


@pytest.fixture
def athlete(therapist: User) -> Athlete:
    return sam(therapist)


def answered(athlete: Athlete, answers: list[int]) -> LefsResponse:
    """A response of ``athlete`` with ``answers`` (1–20 of them) given one by one."""
    response = services.lefs_start(athlete=athlete)
    for item, answer in enumerate(answers, start=1):
        services.lefs_answer(response=response, item=item, answer=answer)
    return response


def test_an_unfinished_response_is_continued_not_restarted(athlete: Athlete) -> None:
    first = answered(athlete, [3, 2, 4])

    again = services.lefs_start(athlete=athlete)

    assert again.pk == first.pk
    assert again.answers[:4] == [3, 2, 4, None]
    assert LefsResponse.objects.count() == 1


def test_answering_an_item_again_replaces_the_earlier_answer(athlete: Athlete) -> None:
    response = answered(athlete, [3, 2])
    services.lefs_answer(response=response, item=2, answer=0)
    response.refresh_from_db()
    assert response.answers[:3] == [3, 0, None]


def test_completing_sets_the_total_and_the_moment(athlete: Athlete) -> None:
    response = answered(athlete, [4] * 10 + [2] * 10)

    services.lefs_complete(response=response)

    response.refresh_from_db()
    assert response.total == 60
    assert response.completed_at is not None
    assert services.lefs_start(athlete=athlete).pk != response.pk  # the next one is new


@pytest.mark.parametrize(
    ("item", "answer", "field"),
    [(0, 2, "item"), (21, 2, "item"), (1, 5, "answer"), (1, -1, "answer"), (1, True, "answer")],
)
def test_an_answer_out_of_range_is_refused_and_nothing_is_written(
    athlete: Athlete, item: int, answer: int, field: str
) -> None:
    response = answered(athlete, [3])

    with pytest.raises(ValidationError) as refused:
        services.lefs_answer(response=response, item=item, answer=answer)

    assert field in refused.value.message_dict
    response.refresh_from_db()
    assert response.answers == [3] + [None] * 19


def test_an_incomplete_response_cannot_be_completed(athlete: Athlete) -> None:
    response = answered(athlete, [3] * 19)

    with pytest.raises(ValidationError) as refused:
        services.lefs_complete(response=response)

    assert refused.value.message_dict == {"completed_at": [LEFS_INCOMPLETE]}
    response.refresh_from_db()
    assert (response.completed_at, response.total) == (None, None)


def test_a_completed_response_no_longer_changes(athlete: Athlete) -> None:
    response = services.lefs_complete(response=answered(athlete, [2] * 20))
    with pytest.raises(ValidationError):
        services.lefs_answer(response=response, item=1, answer=4)
    response.refresh_from_db()
    assert response.answers == [2] * 20


def test_the_model_refuses_answers_of_the_wrong_shape(athlete: Athlete) -> None:
    for answers in ([1] * 19, [1] * 19 + ["4"], [1] * 19 + [7], "nope"):
        response = LefsResponse(athlete=athlete, source="phone", answers=answers)
        with pytest.raises(ValidationError) as refused:
            response.full_clean()
        assert "answers" in refused.value.message_dict
    response = LefsResponse(athlete=athlete, source="phone", answers=[1] * 19 + [9])
    with pytest.raises(ValidationError, match=LEFS_ANSWER_RANGE):
        response.full_clean()


def test_the_database_refuses_a_total_without_completion_and_a_second_open_response(
    athlete: Athlete,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LefsResponse.objects.create(athlete=athlete, source="phone", total=40)
    LefsResponse.objects.create(athlete=athlete, source="phone")
    with pytest.raises(IntegrityError), transaction.atomic():
        LefsResponse.objects.create(athlete=athlete, source="phone")
    with pytest.raises(IntegrityError), transaction.atomic():
        LefsResponse.objects.filter(athlete=athlete).update(total=81)


def test_each_answer_is_an_audited_update(athlete: Athlete) -> None:
    seen = event_ids(athlete.clinic)

    response = answered(athlete, [3, 1])

    events = events_since(athlete.clinic, seen)
    assert [(e["action"], e["object_type"]) for e in events] == [
        ("update", "lefs_response"),
        ("update", "lefs_response"),
        ("create", "lefs_response"),
    ]
    assert all(e["object_id"] == response.pk and e["athlete"] == athlete.pk for e in events)
    assert events[0]["changes"]["answers"][1][:2] == [3, 1]


def test_the_state_offers_it_at_the_start_while_unfinished_and_not_just_after(
    athlete: Athlete,
) -> None:
    state = lefs_state(athlete)
    assert (state.due, state.offer, state.open_response) == (True, True, None)

    response = answered(athlete, [3])
    state = lefs_state(athlete)
    assert state.offer
    assert state.open_response == response

    services.lefs_complete(response=answered(athlete, [3] * 20))
    state = lefs_state(athlete)
    assert (state.due, state.offer, state.open_response) == (False, False, None)
    assert state.last_completed == response


def test_the_history_lists_completed_totals_oldest_first_with_their_changes(
    athlete: Athlete, time_machine: Any
) -> None:
    services.lefs_complete(response=answered(athlete, [2] * 20))  # 40
    time_machine.shift(28 * 24 * 3600)
    services.lefs_complete(response=answered(athlete, [3] * 12 + [2] * 8))  # 52
    answered(athlete, [1])  # unfinished: not listed

    history = lefs_history(athlete)

    assert [(r.total, c.change, c.mcid_reached) for r, c in history] == [
        (40, None, False),
        (52, 12, True),
    ]
