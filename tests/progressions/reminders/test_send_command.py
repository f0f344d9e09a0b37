"""``send_stage_review_reminders --now``: what the email says, carries (SPEC §7) and costs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import Clinic, User, Weekday
from progressions import reminders
from progressions.models import ReminderDispatch, StageReview
from progressions.selectors import athlete_progression
from tests.factories import (
    AthleteFactory,
    PainScoreFactory,
    SessionLogFactory,
    TherapistFactory,
)
from tests.progressions.reminders.clinics import (
    SITE,
    utc,
)
from tests.support.clock import TODAY, days_ago

WEDNESDAY_10AM = utc(2026, 3, 11, 10, 0)  # London is on GMT


def make_athlete(therapist: User, name: str, **fields: Any) -> Athlete:
    first, last = name.split()
    fields.setdefault("stage_started_on", days_ago(20))
    return AthleteFactory(therapist=therapist, first_name=first, last_name=last, **fields)


@pytest.fixture
def caseload(clinic: Clinic, therapist: User, time_machine: Any, settings: Any) -> dict[str, Any]:
    """The therapist's athletes, one per recommendation, named so alphabetical order is wrong.

    The clinic reviews on Fridays at 17:00 and the clock reads Wednesday 10:00: not due.
    """
    time_machine.move_to(WEDNESDAY_10AM, tick=False)
    settings.SITE_URL = SITE
    clinic.review_weekday, clinic.review_hour = Weekday.FRIDAY, 17
    clinic.save()
    hold = make_athlete(therapist, "Abe Abbott")
    SessionLogFactory(athlete=hold, date=days_ago(2))  # one tolerated walk: gate not met
    advance = make_athlete(therapist, "Vic Vance")
    for day in (3, 1):  # two tolerated 30-minute uphill walks: the stage-1 gate is met
        SessionLogFactory(athlete=advance, date=days_ago(day))
    back_off = make_athlete(therapist, "Will Wright")
    SessionLogFactory(athlete=back_off, date=days_ago(1), pain_during=6, pain_after=6)
    new = make_athlete(therapist, "Zoe Zimmer")  # nothing logged yet: hold
    gone = make_athlete(therapist, "Emma Gone", status="discharged")
    SessionLogFactory(athlete=gone, date=days_ago(1), pain_during=7)
    return {"hold": hold, "advance": advance, "back_off": back_off, "new": new, "gone": gone}


def therapist_email(mailbox: list[mail.EmailMessage], therapist: User) -> mail.EmailMessage:
    [message] = [message for message in mailbox if message.to == [therapist.email]]
    return message


def test_send_now_ignores_the_review_day_and_hour_and_still_sends_once_a_week(
    caseload: dict[str, Any],
    therapist: User,
    colleague: User,
    outsider: User,
    mailoutbox: list[mail.EmailMessage],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_athlete(colleague, "Dora Done", status="discharged")  # only discharged athletes
    TherapistFactory(clinic=therapist.clinic)  # no athletes at all
    assert reminders.due_dispatches() == []  # Friday 17:00 has not come yet
    make_athlete(outsider, "Otto Elsewhere")  # another clinic, also sent to with --now

    call_command("send_stage_review_reminders", "--now")
    call_command("send_stage_review_reminders", "--now")

    assert capsys.readouterr().out.splitlines() == [
        "Sent 2 stage-review emails.",
        "Sent 0 stage-review emails.",
    ]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [therapist.email, outsider.email]
    )
    assert "Otto" not in therapist_email(mailoutbox, therapist).body
    assert ReminderDispatch.objects.filter(week_start=dt.date(2026, 3, 9)).count() == 2


def test_send_without_now_refuses_and_sends_nothing(
    caseload: dict[str, Any], mailoutbox: list[mail.EmailMessage]
) -> None:
    with pytest.raises(CommandError, match="--now"):
        call_command("send_stage_review_reminders")
    assert mailoutbox == []
    assert ReminderDispatch.objects.count() == 0


def test_the_email_lists_back_off_then_advance_then_the_rest_in_text_and_html(
    caseload: dict[str, Any], therapist: User, mailoutbox: list[mail.EmailMessage]
) -> None:
    call_command("send_stage_review_reminders", "--now")

    message = therapist_email(mailoutbox, therapist)
    assert isinstance(message, mail.EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert message.message().get_content_type() == "multipart/alternative"
    assert message.subject == "Stage review, week of 9 Mar: 1 to back off, 1 ready to advance"
    names = ["Will Wright", "Vic Vance", "Abe Abbott", "Zoe Zimmer"]
    for part in (message.body, html):
        positions = [part.index(name) for name in names]
        assert positions == sorted(positions), part
        assert "Emma Gone" not in part

    # One block per athlete, in the text part; each with its stage, recommendation, red
    # flags, days since the last session and an absolute link to the athlete page.
    blocks = re.split(r"\n(?=\d+\. )", message.body.split("\nAll athletes:")[0])[1:]
    url = {key: f"{SITE}/athletes/{athlete.pk}/" for key, athlete in caseload.items()}
    [flag] = athlete_progression(caseload["back_off"]).red_flags
    red_flag = flag.description  # "Pain during or after passed 5/10 in 1 session …"
    assert blocks[0].splitlines() == [
        "1. Will Wright — BACK OFF",
        "   Stage 1/6: Uphill walking",
        "   Last session: 1 day ago",
        f"   Red flag: {red_flag}",
        f"   {url['back_off']}",
    ]
    assert blocks[1].splitlines()[:3] == [
        "2. Vic Vance — READY TO ADVANCE",
        "   Stage 1/6: Uphill walking",
        "   Last session: 1 day ago",
    ]
    assert blocks[2].splitlines()[0] == "3. Abe Abbott — HOLD"
    assert "   Last session: 2 days ago" in blocks[2].splitlines()
    assert "   Last session: none logged yet" in blocks[3].splitlines()
    for block, key in zip(blocks, ["back_off", "advance", "hold", "new"], strict=True):
        assert block.splitlines()[-1] == f"   {url[key]}"
        assert ("Red flag:" in block) == (key == "back_off")
    assert f"{SITE}/dashboard/" in message.body

    # The HTML part says the same, with the links clickable.
    for key in ("back_off", "advance", "hold", "new"):
        assert f'<a href="{url[key]}"' in html
    assert html.count("Stage 1/6: Uphill walking") == 4
    assert red_flag in html
    for label in ("Back off", "Ready to advance", "Hold"):
        assert f">{label}</span>" in html
    assert "last session 1 day ago" in html
    assert "last session none logged yet" in html


def test_sending_opens_this_weeks_review_of_each_active_athlete_once(
    caseload: dict[str, Any], therapist: User
) -> None:
    call_command("send_stage_review_reminders", "--now")
    call_command("send_stage_review_reminders", "--now")

    reviews = StageReview.objects.order_by("athlete__last_name")
    assert [review.athlete.last_name for review in reviews] == [
        "Abbott",
        "Vance",
        "Wright",
        "Zimmer",
    ]  # the discharged athlete gets none
    assert {(r.week_start, r.due_date, r.decision) for r in reviews} == {
        (dt.date(2026, 3, 9), dt.date(2026, 3, 13), "")  # due on the clinic's Friday
    }


def test_the_dashboard_shows_the_opened_reviews_due_then_overdue_until_decided(
    therapist: User, time_machine: Any, client: Client, mailoutbox: list[mail.EmailMessage]
) -> None:
    time_machine.move_to(utc(2026, 3, 9, 8, 5), tick=False)  # Monday, London's review hour
    athlete = make_athlete(therapist, "Sam Okafor", stage_started_on=dt.date(2026, 2, 1))
    [dispatch_id] = reminders.due_dispatches()
    assert reminders.send_dispatch(dispatch_id)
    review = StageReview.objects.get(athlete=athlete)
    assert review.is_open
    client.force_login(therapist)

    def review_cell() -> str:
        html = client.get("/dashboard/").content.decode()
        [cell] = re.findall(r'<td class="review (review-\w+)">\s*([^<]*?)\s*</td>', html)
        return " ".join(cell)

    assert review_cell() == "review-due_today Due today"
    time_machine.move_to(utc(2026, 3, 11, 12, 0), tick=False)  # Wednesday
    client.force_login(therapist)  # two days idle ended the session (SPEC §7)
    assert review_cell() == "review-overdue Overdue since Mon 9 Mar"

    response = client.post(
        f"/athletes/{athlete.pk}/decision/", {"decision": "hold", "note": "One more week."}
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.decision, review.reviewed_by, review.note) == (
        "hold",
        therapist,
        "One more week.",
    )
    assert StageReview.objects.count() == 1  # the email's review was closed, not a new one
    assert review_cell() == "review-reviewed Reviewed"
    assert len(mailoutbox) == 1


# --- Query budget --------------------------------------------------------------------------


def pt_with_caseload(clinic: Clinic, size: int) -> User:
    """Return a therapist with ``size`` athletes, each with sessions and pain check-ins."""
    therapist = TherapistFactory(clinic=clinic)
    athletes = AthleteFactory.create_batch(size, therapist=therapist, stage_started_on=days_ago(20))
    SessionLog.objects.bulk_create(
        SessionLogFactory.build(athlete=athlete, date=days_ago(day))
        for athlete in athletes
        for day in (1, 3, 30)
    )
    for athlete in athletes[:3]:
        PainScoreFactory(athlete=athlete, date=days_ago(1))
    AthleteFactory(therapist=therapist, status="discharged", stage_started_on=days_ago(20))
    return User.objects.select_related("clinic").get(pk=therapist.pk)


def test_building_one_therapists_email_takes_the_same_queries_for_5_or_100_athletes(
    clinic: Clinic, time_machine: Any, django_assert_num_queries: Callable[..., Any]
) -> None:
    time_machine.move_to(WEDNESDAY_10AM, tick=False)
    for size in (5, 100):
        pt = pt_with_caseload(clinic, size)
        # The caseload was written by factories, outside the services: their progressions
        # are not stored yet, and the first email evaluates and stores them (1 + 1).
        with django_assert_num_queries(1 + 2):
            reminders.email_lines(pt, TODAY)
        # 1: the active athletes, with their last session's date (a subquery) and their
        # stored progression (a join); nothing else.
        with django_assert_num_queries(1):
            lines = reminders.email_lines(pt, TODAY)
            message = reminders.build_email(pt, dt.date(2026, 3, 9), lines).message()
        assert len(lines) == size
        assert message.get_content_type() == "multipart/alternative"


def test_sending_one_therapists_email_takes_the_same_queries_for_5_or_100_athletes(
    clinic: Clinic, time_machine: Any, mailoutbox: list[mail.EmailMessage]
) -> None:
    time_machine.move_to(WEDNESDAY_10AM, tick=False)
    small, large = pt_with_caseload(clinic, 5), pt_with_caseload(clinic, 100)
    dispatches = dict(
        ReminderDispatch.objects.filter(
            pk__in=reminders.due_dispatches(ignore_schedule=True)
        ).values_list("therapist_id", "pk")
    )
    counts = []
    for pt in (small, large):
        reminders.email_lines(pt, TODAY)  # stores the progressions the factories did not
        with CaptureQueriesContext(connection) as queries:
            assert reminders.send_dispatch(dispatches[pt.pk])
        counts.append(len(queries))
    # The claim, the dispatch (therapist, clinic), the athletes with their stored
    # progressions, the reviews opened, "sent".
    assert counts == [5, 5]
    assert StageReview.objects.filter(athlete__therapist=large).count() == 100
    assert len(mailoutbox) == 2


# --- What the email may carry (SPEC §7) --------------------------------------------------


def test_the_email_never_lists_an_athlete_of_another_clinic(
    caseload: dict[str, Any],
    therapist: User,
    outsider: User,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    # A row that should not exist (the services refuse it): the therapist's athlete filed
    # under another clinic. The email is the last place it could leak from.
    Athlete.objects.create(
        clinic=outsider.clinic,
        therapist=therapist,
        first_name="Stray",
        last_name="Record",
        affected_side="left",
        stage_started_on=days_ago(10),
    )

    call_command("send_stage_review_reminders", "--now")

    message = therapist_email(mailoutbox, therapist)
    [(html, _)] = message.alternatives
    assert "Will Wright" in message.body
    assert "Stray" not in message.body
    assert "Stray" not in html
    assert not StageReview.objects.filter(athlete__first_name="Stray").exists()


def test_a_clinic_can_keep_names_stages_and_pain_out_of_the_email(
    caseload: dict[str, Any],
    clinic: Clinic,
    therapist: User,
    mailoutbox: list[mail.EmailMessage],
) -> None:
    clinic.review_email_counts_only = True
    clinic.save()

    call_command("send_stage_review_reminders", "--now")

    message = therapist_email(mailoutbox, therapist)
    [(html, _)] = message.alternatives
    assert message.subject == "Stage review, week of 9 Mar: 1 to back off, 1 ready to advance"
    for part in (message.body, html):
        assert "1 to back off" in part
        assert "1 ready to advance" in part
        assert "2 to hold" in part
        assert f"{SITE}/dashboard/" in part
        assert "names and details out of email" in part
        for athlete in caseload.values():
            assert athlete.first_name not in part
            assert athlete.last_name not in part
            assert f"/athletes/{athlete.pk}/" not in part
        for words in ("Uphill walking", "Stage 1/6", "Red flag", "⚑", "pain"):
            assert words not in part
    # The week's reviews are still opened for the PT to decide on the dashboard.
    assert StageReview.objects.count() == 4
