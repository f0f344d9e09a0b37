"""factory_boy factories: valid objects by default, one keyword away from an edge case."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User

DEFAULT_PASSWORD = "knee-rehab-2026"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    time_zone = "Europe/London"


class TherapistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"therapist{n}@clinic.example")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Therapist{n}")
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save(update_fields=["password"])


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    therapist = factory.SubFactory(TherapistFactory)
    clinic = factory.SelfAttribute("therapist.clinic")
    first_name = factory.Sequence(lambda n: f"Runner{n}")
    last_name = "Doe"
    affected_side = "left"
    preferred_cadence_spm = 170
    target_cadence_spm = 179
    stage_started_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class SessionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionLog

    athlete = factory.SubFactory(AthleteFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    activity = "walk"
    terrain = "uphill"
    surface = "treadmill"
    incline_percent = 8
    duration_min = 30
    intensity = "easy"
    pain_before = 0
    pain_during = 1
    pain_after = 1
    pain_next_morning = 1

    class Params:
        # ``SessionLogFactory(flat_run=True)``: a run on a flat road instead of the walk.
        flat_run = factory.Trait(
            activity="run", terrain="flat", surface="road", incline_percent=None
        )


class PainScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PainScore

    athlete = factory.SubFactory(AthleteFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=1))
    score = 1
    context = "morning"
