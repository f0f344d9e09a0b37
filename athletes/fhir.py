"""An athlete's record as a FHIR R4 Bundle (SPEC §10), built with fhir.resources' R4B models.

The Bundle (type ``collection``) holds, in this order:

- the athlete as a **Patient**: name, email and phone as ``telecom`` when the app has
  them, the therapist as ``generalPractitioner`` (the nominated care provider); no
  identifier, since the app assigns none beyond its own id;
- their therapist as a **Practitioner**: name and email (``telecom``);
- per live session, oldest first: an **Observation of its duration** (LOINC 55411-3
  "Exercise duration", ``valueQuantity`` in UCUM ``min``, category ``activity``) whose
  one ``component`` names the activity (LOINC 73985-4 "Exercise activity", coded in
  our activity CodeSystem and in words), then one **pain Observation** per pain value
  the session holds (before, during, after, next morning);
- per daily check-in, oldest first: one pain Observation;
- per completed LEFS (SPEC §11), oldest first: a **QuestionnaireResponse** (status
  ``completed``, ``authored`` when it was completed, ``subject``, ``author`` and ``source``
  the Patient, ``questionnaire`` our canonical ``lefs_questionnaire(site)``): one ``item``
  per question (``linkId`` "1"–"20", the question's words as ``text``, one
  ``answer.valueInteger`` 0–4), then the total as one more item (``linkId`` "total",
  ``valueInteger`` 0–80). The total is an item, not an Observation: it is the instrument's
  own score, read with the answers it sums, and needs no code of its own.

Every pain Observation is LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating
[Score] - Reported", category ``survey``, ``valueInteger``, status ``final``, ``subject``
and ``performer`` the Patient (the athlete reports it), ``effectiveDateTime`` the date it
describes: the session's date for a session's pains (the next-morning pain too: its
moment says it is the morning after that date), the check-in's date for a check-in.
Which moment it was is the ``pain-moment`` extension (``PAIN_MOMENT_EXTENSION``), a
CodeableConcept from our ``pain-moment`` CodeSystem (``PAIN_MOMENTS``): an extension,
not a ``component`` (the moment qualifies the one value, it is no second value) and not
a second ``code.coding`` (codings of one concept must mean the same thing). It is not a
modifier: a reader that ignores it still reads a true pain score on that date.

Identity. Each resource's ``id`` is stable (``athlete-12``, ``therapist-3``,
``session-40-duration``, ``session-40-pain-during``, ``pain-score-7``, ``lefs-5``), and its
``fullUrl`` a ``urn:uuid`` derived from the site and that id (UUID v5), so the same row
keeps the same ``fullUrl`` in every export and references resolve inside the Bundle.
``meta.lastUpdated`` is when the row last changed (a session's ``updated_at``, a
check-in's ``created_at``, a LEFS's ``completed_at``): what ``?since=`` compares.

This module is pure apart from ``export_bundle``'s three reads: ``build_bundle`` takes rows
and returns the Bundle, so the schema's example is built by the same code.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.meta import Meta
from fhir.resources.R4B.observation import Observation, ObservationComponent
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.resource import Resource

from athletes.lefs import ITEMS, TOTAL_MAX
from athletes.models import Athlete, LefsResponse, PainScore, SessionLog
from itbrehab.accounts.models import User
from progressions.rules.protocol import Activity

MEDIA_TYPE = "application/fhir+json"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# LOINC 72514-3, as SPEC §10 names it.
PAIN_CODE = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
# LOINC 55411-3 "Exercise duration", with UCUM min: as the HL7 Physical Activity IG
# (hl7.org/fhir/us/physical-activity, STU1, example "Activity Measure - Duration") uses it.
DURATION_CODE = ("55411-3", "Exercise duration")
# LOINC 73985-4 "Exercise activity": the same IG's code for the kind of exercise.
ACTIVITY_CODE = ("73985-4", "Exercise activity")
MINUTES = ("min", "min")  # UCUM code, unit shown

# Observation categories (terminology.hl7.org observation-category): a 0–10 rating the
# athlete gives is a survey instrument's answer; a session is bodily activity.
SURVEY = ("survey", "Survey")
ACTIVITY = ("activity", "Activity")

# The moment a pain value describes: code → display.
BEFORE, DURING, AFTER, NEXT_MORNING = "before", "during", "after", "next-morning"
PAIN_MOMENTS: dict[str, str] = {
    BEFORE: "Before the session",
    DURING: "During the session",
    AFTER: "After the session",
    NEXT_MORNING: "The morning after the session",
    "check-in-morning": "Daily check-in: morning",
    "check-in-rest": "Daily check-in: at rest",
    "check-in-other": "Daily check-in: other",
}
# The session's pain fields in time order, with their moment.
SESSION_PAINS = (
    ("pain_before", BEFORE),
    ("pain_during", DURING),
    ("pain_after", AFTER),
    ("pain_next_morning", NEXT_MORNING),
)


def pain_moment_system(site_url: str) -> str:
    """Return the URL of our CodeSystem of pain moments (under the site)."""
    return f"{site_url}/fhir/CodeSystem/pain-moment"


def pain_moment_extension(site_url: str) -> str:
    """Return the URL of our extension that carries a pain Observation's moment."""
    return f"{site_url}/fhir/StructureDefinition/pain-moment"


def lefs_questionnaire(site_url: str) -> str:
    """Return the canonical URL of the LEFS Questionnaire our QuestionnaireResponses answer."""
    return f"{site_url}/fhir/Questionnaire/lefs"


LEFS_TOTAL_LINK_ID = "total"
LEFS_TOTAL_TEXT = f"LEFS total (0-{TOTAL_MAX}, higher is better)"


def activity_system(site_url: str) -> str:
    """Return the URL of our CodeSystem of activities: the API's ``activity`` codes."""
    return f"{site_url}/fhir/CodeSystem/activity"


@dataclass(frozen=True, slots=True)
class _Entry:
    resource: Resource
    full_url: str


class _Builder:
    """Resources of one athlete's Bundle, each with its stable id and ``fullUrl``."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url

    def full_url(self, resource_type: str, resource_id: str) -> str:
        name = f"{self.site_url}/fhir/{resource_type}/{resource_id}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def reference(self, resource_type: str, resource_id: str) -> Reference:
        return Reference(reference=self.full_url(resource_type, resource_id))

    def patient(self, athlete: Athlete, therapist_id: str, therapist_name: str) -> _Entry:
        telecom = []
        if athlete.email:
            telecom.append(ContactPoint(system="email", value=athlete.email))
        if athlete.phone:
            telecom.append(ContactPoint(system="phone", value=athlete.phone, use="mobile"))
        practitioner = self.reference("Practitioner", therapist_id)
        practitioner.display = therapist_name
        patient = Patient(
            id=_athlete_id(athlete),
            meta=Meta(lastUpdated=athlete.updated_at),
            name=[_name(athlete.first_name, athlete.last_name)],
            telecom=telecom or None,
            generalPractitioner=[practitioner],
        )
        return _Entry(patient, self.full_url("Patient", patient.id))

    def practitioner(self, therapist: User) -> _Entry:
        named = therapist.first_name or therapist.last_name
        practitioner = Practitioner(
            id=_therapist_id(therapist),
            name=[_name(therapist.first_name, therapist.last_name)] if named else None,
            telecom=[ContactPoint(system="email", value=therapist.email, use="work")],
        )
        return _Entry(practitioner, self.full_url("Practitioner", practitioner.id))

    def duration(self, session: SessionLog, patient: Reference) -> _Entry:
        activity = Activity(session.activity)
        observation = Observation(
            id=f"session-{session.pk}-duration",
            meta=Meta(lastUpdated=session.updated_at),
            status="final",
            category=[_concept(OBSERVATION_CATEGORY, *ACTIVITY)],
            code=_concept(LOINC, *DURATION_CODE),
            subject=patient,
            performer=[patient],
            effectiveDateTime=session.date,
            valueQuantity=Quantity(
                value=session.duration_min, unit=MINUTES[1], system=UCUM, code=MINUTES[0]
            ),
            component=[
                ObservationComponent(
                    code=_concept(LOINC, *ACTIVITY_CODE),
                    valueCodeableConcept=_concept(
                        activity_system(self.site_url), activity.value, activity.label
                    ),
                )
            ],
        )
        return _Entry(observation, self.full_url("Observation", observation.id))

    def pain(
        self,
        *,
        resource_id: str,
        score: int,
        on: dt.date,
        moment: str,
        changed_at: dt.datetime,
        patient: Reference,
    ) -> _Entry:
        observation = Observation(
            id=resource_id,
            meta=Meta(lastUpdated=changed_at),
            extension=[
                Extension(
                    url=pain_moment_extension(self.site_url),
                    valueCodeableConcept=_concept(
                        pain_moment_system(self.site_url), moment, PAIN_MOMENTS[moment]
                    ),
                )
            ],
            status="final",
            category=[_concept(OBSERVATION_CATEGORY, *SURVEY)],
            code=_concept(LOINC, *PAIN_CODE),
            subject=patient,
            performer=[patient],
            effectiveDateTime=on,
            valueInteger=score,
        )
        return _Entry(observation, self.full_url("Observation", observation.id))

    def lefs(self, response: LefsResponse, patient: Reference) -> _Entry:
        items = [
            _lefs_item(str(number), text, answer)
            for number, (text, answer) in enumerate(zip(ITEMS, response.answers, strict=True), 1)
        ]
        items.append(_lefs_item(LEFS_TOTAL_LINK_ID, LEFS_TOTAL_TEXT, response.total))
        questionnaire_response = QuestionnaireResponse(
            id=f"lefs-{response.pk}",
            meta=Meta(lastUpdated=response.completed_at),
            questionnaire=lefs_questionnaire(self.site_url),
            status="completed",
            subject=patient,
            authored=response.completed_at,
            author=patient,
            source=patient,
            item=items,
        )
        return _Entry(
            questionnaire_response,
            self.full_url("QuestionnaireResponse", questionnaire_response.id),
        )


def _lefs_item(link_id: str, text: str, value: int | None) -> QuestionnaireResponseItem:
    return QuestionnaireResponseItem(
        linkId=link_id,
        text=text,
        answer=[QuestionnaireResponseItemAnswer(valueInteger=value)],
    )


def build_bundle(
    athlete: Athlete,
    therapist: User,
    sessions: Iterable[SessionLog],
    pain_scores: Iterable[PainScore],
    *,
    site_url: str,
    timestamp: dt.datetime,
    lefs_responses: Iterable[LefsResponse] = (),
) -> Bundle:
    """Return the athlete's Bundle of ``sessions``, ``pain_scores`` and completed
    ``lefs_responses``, in the order given.

    Pure: reads only the rows given (the caller chooses them: live sessions, ``since``).
    A session contributes its duration Observation and one pain Observation per pain
    value it holds (a missing one is no Observation); a check-in, one pain Observation.
    """
    build = _Builder(site_url)
    practitioner = build.practitioner(therapist)
    patient = build.patient(athlete, practitioner.resource.id, str(therapist))
    subject = build.reference("Patient", patient.resource.id)
    entries = [patient, practitioner]
    for session in sessions:
        entries.append(build.duration(session, subject))
        entries.extend(
            build.pain(
                resource_id=f"session-{session.pk}-pain-{moment}",
                score=score,
                on=session.date,
                moment=moment,
                changed_at=session.updated_at,
                patient=subject,
            )
            for field, moment in SESSION_PAINS
            if (score := getattr(session, field)) is not None
        )
    entries.extend(
        build.pain(
            resource_id=f"pain-score-{pain.pk}",
            score=pain.score,
            on=pain.date,
            moment=f"check-in-{pain.context}",
            changed_at=pain.created_at,
            patient=subject,
        )
        for pain in pain_scores
    )
    entries.extend(build.lefs(response, subject) for response in lefs_responses)
    return Bundle(
        type="collection",
        timestamp=timestamp,
        entry=[BundleEntry(fullUrl=e.full_url, resource=e.resource) for e in entries],
    )


def export_bundle(athlete: Athlete, *, since: dt.datetime | None = None) -> Bundle:
    """Return the athlete's Bundle: every live session, check-in and completed LEFS, or
    those changed since.

    ``since`` keeps the sessions changed (``updated_at``), the check-ins recorded
    (``created_at``; they are never edited) and the LEFS completed (``completed_at``; they
    no longer change) at or after it; the Patient and Practitioner are always there.
    Deleted sessions and unfinished LEFS are never exported. Three queries (sessions,
    check-ins, LEFS) whatever the history; the athlete must come with its therapist joined (the
    access helper's ``select_related``).
    """
    sessions = SessionLog.objects.filter(athlete=athlete)  # the live ones
    pain_scores = PainScore.objects.filter(athlete=athlete)
    lefs = LefsResponse.objects.filter(athlete=athlete, completed_at__isnull=False)
    if since is not None:
        sessions = sessions.filter(updated_at__gte=since)
        pain_scores = pain_scores.filter(created_at__gte=since)
        lefs = lefs.filter(completed_at__gte=since)
    return build_bundle(
        athlete,
        athlete.therapist,
        sessions.order_by("date", "id"),
        pain_scores.order_by("date", "id"),
        site_url=settings.SITE_URL,
        timestamp=timezone.now(),
        lefs_responses=lefs.order_by("completed_at", "id"),
    )


def _athlete_id(athlete: Athlete) -> str:
    return f"athlete-{athlete.pk}"


def _therapist_id(therapist: User) -> str:
    return f"therapist-{therapist.pk}"


def _name(first: str, last: str) -> HumanName:
    return HumanName(family=last or None, given=[first] if first else None)


def _concept(system: str, code: str, display: str) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)], text=display)
