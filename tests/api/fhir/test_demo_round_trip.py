"""Every demo athlete's export parses back with the R4B models and holds exactly one pain
Observation per pain value: counted here from the rows, sessions and check-ins apart."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings
from fhir.resources.R4B.bundle import Bundle

from athletes.demo import load_demo
from athletes.models import PainScore, SessionLog
from tests.api.fhir.conftest import DURATION, PAIN, moment, observations
from tests.support.api import token_client
from tests.support.clock import API_TODAY

SESSION_MOMENTS = {"before", "during", "after", "next-morning"}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_each_demo_athletes_bundle_round_trips_with_one_observation_per_pain_value(
    db: None,
    now: dt.date,
) -> None:
    demo = load_demo(today=API_TODAY)
    athletes = list(demo.clinic.athletes.select_related("therapist"))
    assert len(athletes) >= 8
    for athlete in athletes:
        response = token_client(athlete.therapist).get(f"/api/v1/athletes/{athlete.pk}/fhir/")
        assert response.status_code == 200
        bundle = Bundle.model_validate_json(response.content)
        # Round trip: what the models read back serialises to the same document.
        assert Bundle.model_validate_json(bundle.model_dump_json()) == bundle

        sessions = SessionLog.objects.filter(athlete=athlete)
        session_pains = sum(
            getattr(s, f) is not None
            for s in sessions
            for f in ("pain_before", "pain_during", "pain_after", "pain_next_morning")
        )
        check_ins = PainScore.objects.filter(athlete=athlete).count()
        assert session_pains > 0, athlete

        pains = observations(bundle, PAIN)
        assert sum(moment(o) in SESSION_MOMENTS for o in pains) == session_pains
        assert sum(moment(o).startswith("check-in-") for o in pains) == check_ins
        assert len(pains) == session_pains + check_ins
        assert len(observations(bundle, DURATION)) == sessions.count()
        assert sum(o.valueInteger for o in pains) == (
            sum(p or 0 for s in sessions for p in s.pain_list)
            + sum(PainScore.objects.filter(athlete=athlete).values_list("score", flat=True))
        )
