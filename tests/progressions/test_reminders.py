"""The weekly stage-review email (SPEC §5): who is due when, exactly once, and what it says.

Time is explicit: ``due_dispatches(now=...)`` and ``send_dispatch(..., now=...)`` get aware
UTC instants (``at()`` turns a clinic's wall-clock time into one); the clinic's own time zone
decides the review hour and the ISO week. Real processes and a real worker are in
``test_reminder_worker.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from athletes.models import Athlete, SessionLog
from itbrehab.accounts.models import Clinic, User, Weekday
from progressions import reminders, tasks
from progressions.models import ReminderDispatch, StageReview
from progressions.selectors import athlete_progression
from tests.factories import (
    AthleteFactory,
    ClinicFactory,
    PainScoreFactory,
    SessionLogFactory,
    TherapistFactory,
)

LOS_ANGELES = "America/Los_Angeles"
LONDON = "Europe/London"
SYDNEY = "Australia/Sydney"
STAGE_SINCE = dt.date(2026, 1, 5)  # long before every week below
SITE = "https://rehab.example"


def at(zone: str, *wall_clock: int, fold: int = 0) -> dt.datetime:
    """Return the UTC instant at which ``zone``'s clocks read ``wall_clock`` (y, m, d, h, min)."""
    return dt.datetime(*wall_clock, tzinfo=ZoneInfo(zone), fold=fold).astimezone(dt.UTC)


def utc(*wall_clock: int) -> dt.datetime:
    return dt.datetime(*wall_clock, tzinfo=dt.UTC)


def pt_with_athlete(zone: str, *, weekday: int = Weekday.MONDAY, hour: int = 8) -> User:
    """Return a therapist with one active athlete, in a clinic reviewing at ``weekday`` ``hour``."""
    clinic = ClinicFactory(time_zone=zone, review_weekday=weekday, review_hour=hour)
    therapist = TherapistFactory(clinic=clinic)
    AthleteFactory(therapist=therapist, stage_started_on=STAGE_SINCE)
    return therapist


def due(now: dt.datetime) -> set[tuple[str, dt.date]]:
    """Return (therapist email, week) of each dispatch ``due_dispatches`` hands out at ``now``."""
    ids = reminders.due_dispatches(now=now)
    assert len(ids) == len(set(ids)), "a dispatch was handed out twice in one sweep"
    return set(
        ReminderDispatch.objects.filter(pk__in=ids).values_list("therapist__email", "week_start")
    )


# --- The clinic's hour and week ----------------------------------------------------------


@pytest.mark.parametrize("zone", [LOS_ANGELES, LONDON, SYDNEY])
def test_a_monday_0800_review_is_due_from_0800_clinic_time_until_the_week_ends(
    db: None, zone: str
) -> None:
    pt = pt_with_athlete(zone)
    week, next_week = dt.date(2026, 6, 8), dt.date(2026, 6, 15)

    assert due(at(zone, 2026, 6, 8, 7, 59)) == set()
    assert due(at(zone, 2026, 6, 8, 8, 0)) == {(pt.email, week)}
    # Not sent (beat was down, the worker crashed): every later sweep that week catches up.
    assert due(at(zone, 2026, 6, 10, 15, 5)) == {(pt.email, week)}
    assert due(at(zone, 2026, 6, 14, 23, 59)) == {(pt.email, week)}
    assert due(at(zone, 2026, 6, 15, 7, 59)) == set()  # a new week, not due yet
    assert due(at(zone, 2026, 6, 15, 8, 0)) == {(pt.email, next_week)}
    assert ReminderDispatch.objects.filter(therapist=pt).count() == 2


def test_the_week_is_the_clinics_even_when_utc_is_still_in_the_previous_one(db: None) -> None:
    pt = pt_with_athlete(SYDNEY)
    # Monday 08:00 in Sydney is Sunday 22:00 UTC: the email belongs to Sydney's new week.
    now = utc(2026, 6, 7, 22, 0)
    assert due(now) == {(pt.email, dt.date(2026, 6, 8))}
    assert reminders.clinic_week(pt.clinic, now) == (dt.date(2026, 6, 8), now)


def test_a_sent_email_is_not_due_again_until_next_weeks_review_hour(
    db: None, mailoutbox: list[mail.EmailMessage]
) -> None:
    pt = pt_with_athlete(LOS_ANGELES)
    monday = at(LOS_ANGELES, 2026, 6, 8, 8, 0)
    [dispatch_id] = reminders.due_dispatches(now=monday)

    assert reminders.send_dispatch(dispatch_id, now=monday)
    assert not reminders.send_dispatch(dispatch_id, now=monday)  # a duplicate task
    assert due(at(LOS_ANGELES, 2026, 6, 8, 9, 5)) == set()
    # Sunday 23:30 in Los Angeles is already Monday in UTC, but still the sent week.
    assert due(at(LOS_ANGELES, 2026, 6, 14, 23, 30)) == set()
    assert due(at(LOS_ANGELES, 2026, 6, 15, 8, 0)) == {(pt.email, dt.date(2026, 6, 15))}
    assert [message.to for message in mailoutbox] == [[pt.email]]
    dispatch = ReminderDispatch.objects.get(pk=dispatch_id)
    assert (dispatch.status, dispatch.attempts) == (ReminderDispatch.Status.SENT, 1)


# Sunday of each 2026 change; the clocks move between 01:00 and 03:00 that night.
DST_CHANGES = [
    pytest.param(LOS_ANGELES, dt.date(2026, 3, 8), -1, id="US-spring-forward"),
    pytest.param(LOS_ANGELES, dt.date(2026, 11, 1), +1, id="US-fall-back"),
    pytest.param(LONDON, dt.date(2026, 3, 29), -1, id="UK-spring-forward"),
    pytest.param(LONDON, dt.date(2026, 10, 25), +1, id="UK-fall-back"),
    pytest.param(SYDNEY, dt.date(2026, 4, 5), +1, id="Sydney-fall-back"),
    pytest.param(SYDNEY, dt.date(2026, 10, 4), -1, id="Sydney-spring-forward"),
]


@pytest.mark.parametrize(("zone", "change_day", "shift_hours"), DST_CHANGES)
def test_the_review_hour_stays_on_the_clinic_clock_across_a_daylight_saving_change(
    db: None, zone: str, change_day: dt.date, shift_hours: int
) -> None:
    monday_pt = pt_with_athlete(zone, weekday=Weekday.MONDAY, hour=8)
    sunday_pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=8)
    week = change_day - dt.timedelta(days=6)  # Monday of the week that ends with the change
    next_week = change_day + dt.timedelta(days=1)

    def local(day: dt.date, hour: int, minute: int) -> dt.datetime:
        return at(zone, day.year, day.month, day.day, hour, minute)

    assert due(local(week, 7, 59)) == set()
    assert due(local(week, 8, 0)) == {(monday_pt.email, week)}
    # The Sunday of the change: 08:00 on the new clock, whatever the offset did overnight.
    assert due(local(change_day, 7, 59)) == {(monday_pt.email, week)}
    assert due(local(change_day, 8, 0)) == {(monday_pt.email, week), (sunday_pt.email, week)}
    assert due(local(next_week, 7, 59)) == set()
    assert due(local(next_week, 8, 0)) == {(monday_pt.email, next_week)}

    # 08:00 one week on is a week plus or minus the hour the clocks moved, in real time.
    _, before = reminders.clinic_week(monday_pt.clinic, local(week, 8, 0))
    _, after = reminders.clinic_week(monday_pt.clinic, local(next_week, 8, 0))
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(
        days=7, hours=shift_hours
    )
    assert (before.hour, after.hour) == (8, 8)


@pytest.mark.parametrize(
    ("zone", "change_day", "review_hour", "first_due", "local_hour"),
    [
        # 02:00 → 03:00 PDT: there is no 02:00 that Sunday, so the email goes at 03:00.
        pytest.param(LOS_ANGELES, dt.date(2026, 3, 8), 2, utc(2026, 3, 8, 10), 3, id="US"),
        pytest.param(LONDON, dt.date(2026, 3, 29), 1, utc(2026, 3, 29, 1), 2, id="UK"),
        pytest.param(SYDNEY, dt.date(2026, 10, 4), 2, utc(2026, 10, 3, 16), 3, id="Sydney"),
    ],
)
def test_a_review_hour_the_clocks_skip_is_sent_when_the_clocks_jump_past_it(
    db: None,
    zone: str,
    change_day: dt.date,
    review_hour: int,
    first_due: dt.datetime,
    local_hour: int,
) -> None:
    pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=review_hour)
    week = change_day - dt.timedelta(days=6)

    assert reminders.clinic_week(pt.clinic, first_due) == (week, first_due)
    _, due_at = reminders.clinic_week(pt.clinic, first_due)
    assert (due_at.date(), due_at.hour, due_at.minute) == (change_day, local_hour, 0)
    assert due(first_due - dt.timedelta(minutes=1)) == set()
    assert due(first_due) == {(pt.email, week)}


@pytest.mark.parametrize(
    ("zone", "change_day", "review_hour", "first_due"),
    [
        # 01:00 happens twice (PDT, then PST an hour later): the first one counts.
        pytest.param(LOS_ANGELES, dt.date(2026, 11, 1), 1, utc(2026, 11, 1, 8), id="US"),
        pytest.param(LONDON, dt.date(2026, 10, 25), 1, utc(2026, 10, 25, 0), id="UK"),
        pytest.param(SYDNEY, dt.date(2026, 4, 5), 2, utc(2026, 4, 4, 15), id="Sydney"),
    ],
)
def test_a_review_hour_the_clocks_repeat_is_sent_once_at_its_first_occurrence(
    db: None,
    mailoutbox: list[mail.EmailMessage],
    zone: str,
    change_day: dt.date,
    review_hour: int,
    first_due: dt.datetime,
) -> None:
    pt = pt_with_athlete(zone, weekday=Weekday.SUNDAY, hour=review_hour)
    week = change_day - dt.timedelta(days=6)
    second = first_due + dt.timedelta(hours=1)
    assert second.astimezone(ZoneInfo(zone)).hour == review_hour  # the repeat

    assert due(first_due - dt.timedelta(minutes=1)) == set()
    assert due(first_due) == {(pt.email, week)}
    [dispatch_id] = reminders.due_dispatches(now=first_due)
    assert reminders.send_dispatch(dispatch_id, now=first_due)
    assert due(second) == set()
    assert len(mailoutbox) == 1


# --- Exactly once -----------------------------------------------------------------------


def test_the_same_dispatch_handed_out_twice_is_sent_once(
    db: None, mailoutbox: list[mail.EmailMessage]
) -> None:
    pts = [pt_with_athlete(LONDON), pt_with_athlete(SYDNEY), pt_with_athlete(LOS_ANGELES)]
    now = utc(2026, 6, 10, 12, 0)  # Wednesday: every clinic's Monday review has passed
    first, second = reminders.due_dispatches(now=now), reminders.due_dispatches(now=now)
    assert sorted(first) == sorted(second)  # two sweeps before any send: the same rows

    sent = [reminders.send_dispatch(pk, now=now) for pk in [*first, *second]]

    assert sent.count(True) == 3
    assert sorted(message.to[0] for message in mailoutbox) == sorted(pt.email for pt in pts)
    assert ReminderDispatch.objects.count() == 3
    assert set(ReminderDispatch.objects.values_list("attempts", flat=True)) == {1}


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """Run ``.delay()`` in-process: the queue itself is tested in ``test_reminder_worker``."""
    from itbrehab.celery import app

    eager = {"task_always_eager": True, "task_eager_propagates": True}
    saved = {key: app.conf[key] for key in eager}
    app.conf.update(eager)
    yield
    app.conf.update(saved)


@pytest.mark.usefixtures("eager_celery")
def test_running_the_sweep_twice_sends_one_email_per_therapist(
    db: None,
    time_machine: Any,
    mailoutbox: list[mail.EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    london, sydney = pt_with_athlete(LONDON), pt_with_athlete(SYDNEY)
    time_machine.move_to(utc(2026, 6, 8, 9, 5), tick=False)  # Monday, the hourly :05 sweep

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stage_review_reminders() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stage_review_reminders() == 0

    assert sorted(message.to[0] for message in mailoutbox) == sorted([london.email, sydney.email])


def test_the_send_task_retries_when_the_mail_server_fails(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import smtplib

    from celery.exceptions import Retry

    pt = pt_with_athlete(LONDON)
    [dispatch_id] = reminders.due_dispatches(now=utc(2026, 6, 8, 9, 5))

    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(Retry):
        tasks.send_stage_review_reminder.apply(args=(dispatch_id,), throw=True)

    dispatch = ReminderDispatch.objects.get(pk=dispatch_id, therapist=pt)
    # Handed back for the retry (or the next sweep), with what went wrong.
    assert (dispatch.status, dispatch.attempts) == (ReminderDispatch.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in dispatch.last_error


def test_a_failure_after_the_lease_ran_out_does_not_release_the_new_claim(
    db: None, settings: Any
) -> None:
    settings.REMINDER_CLAIM_LEASE_SECONDS = 15 * 60
    pt = pt_with_athlete(LONDON)
    claimed = utc(2026, 6, 8, 9, 5)
    [dispatch_id] = reminders.due_dispatches(now=claimed)
    assert reminders.claim(dispatch_id, now=claimed)
    assert not reminders.claim(dispatch_id, now=claimed + dt.timedelta(minutes=1))  # held

    # The first worker hung past its lease; a second one takes the dispatch over...
    later = claimed + dt.timedelta(minutes=15, seconds=1)
    assert reminders.claim(dispatch_id, now=later)
    # ...then the first one's mail server gives up: it must not free the second one's claim.
    reminders.release(dispatch_id, "timed out", claimed_at=claimed)

    dispatch = ReminderDispatch.objects.get(pk=dispatch_id, therapist=pt)
    assert (dispatch.status, dispatch.claimed_at, dispatch.attempts) == ("sending", later, 2)
    assert not reminders.claim(dispatch_id, now=later + dt.timedelta(seconds=1))


# --- send_stage_review_reminders --now and what the email says -----------------------------


WEDNESDAY_10AM = utc(2026, 3, 11, 10, 0)  # London is on GMT
TODAY = dt.date(2026, 3, 11)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


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
        # 1: the active athletes, with their last session's date (a subquery)
        # 3: their progressions (sessions that count, earlier running sessions, pain scores)
        with django_assert_num_queries(4):
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
        with CaptureQueriesContext(connection) as queries:
            assert reminders.send_dispatch(dispatches[pt.pk])
        counts.append(len(queries))
    assert counts[0] == counts[1]
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
