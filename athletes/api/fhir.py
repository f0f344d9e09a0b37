"""REST API: ``GET /api/v1/athletes/{id}/fhir/``, the athlete's record as FHIR R4 (SPEC §10).

The Bundle is built by ``athletes.fhir`` (fhir.resources' R4B models) and answered as
``application/fhir+json`` whatever the ``Accept`` header says (the only form there is;
``application/json`` clients get it too). Errors keep the API's JSON shape
(``{"detail","code"}``, a 400 naming ``since``) as ``application/json``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import dateparse, timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from fhir.resources.R4B.resource import Resource
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes import fhir
from athletes.models import Athlete, LefsResponse, PainScore, SessionLog
from itbrehab.accounts.models import Clinic, User
from itbrehab.api_errors import errors
from itbrehab.api_scope import AthleteScopedMixin

SINCE_INVALID = (
    "Give a date (YYYY-MM-DD) or an ISO 8601 date-time (2026-03-01T09:30:00Z; "
    "write a + offset as %2B in the address)."
)


class FhirJSONRenderer(JSONRenderer):
    """Render an R4B resource as FHIR JSON (``application/fhir+json``)."""

    media_type = fhir.MEDIA_TYPE
    format = "fhir"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, Resource):
            return data.model_dump_json().encode()
        return super().render(data, accepted_media_type, renderer_context)


class FhirOnly(BaseContentNegotiation):
    """Answer FHIR JSON to any ``Accept``: FHIR clients send ``application/json`` as often."""

    def select_parser(self, request: Request, parsers: list[Any]) -> None:
        return None  # GET only: there is no body to read

    def select_renderer(
        self, request: Request, renderers: list[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        return renderers[0], renderers[0].media_type


def parse_since(value: str, clinic: Clinic) -> dt.datetime:
    """Return the moment ``?since=`` names; raise a 400 naming ``since`` if it names none.

    A date is the start of that day in the clinic's time zone; a date-time without an
    offset is read in the clinic's time zone too.
    """
    try:
        moment = dateparse.parse_datetime(value)
        if moment is None and (day := dateparse.parse_date(value)) is not None:
            moment = dt.datetime.combine(day, dt.time.min)
    except ValueError:  # well formed but no such day or hour (2026-02-30)
        moment = None
    if moment is None:
        raise serializers.ValidationError({"since": [SINCE_INVALID]})
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=clinic.zone)
    return moment


# --- The schema's words and example ---------------------------------------------------

_SITE = "{SITE_URL}"
DESCRIPTION = f"""\
The athlete's record as a FHIR R4 `Bundle` of type `collection` (`{fhir.MEDIA_TYPE}`),
valid against the FHIR R4 (R4B) resource models. It holds:

- the athlete as a **Patient** (name; email and phone as `telecom` when recorded; the
  therapist as `generalPractitioner`), and the therapist as a **Practitioner** (name,
  email as `telecom`): always, `since` or not;
- each live session (oldest first) as an **Observation of its duration**: LOINC
  `{fhir.DURATION_CODE[0]}` "{fhir.DURATION_CODE[1]}" (`{fhir.LOINC}`), `valueQuantity` in
  minutes (UCUM `{fhir.MINUTES[0]}`, system `{fhir.UCUM}`), category `activity`
  (`{fhir.OBSERVATION_CATEGORY}`), with one `component` for the activity: LOINC
  `{fhir.ACTIVITY_CODE[0]}` "{fhir.ACTIVITY_CODE[1]}", its value coded in
  `{fhir.activity_system(_SITE)}` (the API's `activity` codes: walk, walk_run, run,
  cross_training, strength) and in words (`text`);
- each pain value as an **Observation**: LOINC `{fhir.PAIN_CODE[0]}` "{fhir.PAIN_CODE[1]}",
  category `survey`, `valueInteger` 0–10, status `final`, `subject` and `performer` the
  Patient, `effectiveDateTime` the session's date (for a session's four pains, the
  next-morning one included) or the check-in's date; one per pain value a session holds
  (before, during, after, next morning) and one per daily check-in. Which moment it was
  is the extension `{fhir.pain_moment_extension(_SITE)}` (`valueCodeableConcept`, not a
  modifier) coded in `{fhir.pain_moment_system(_SITE)}`:
  {", ".join(f"`{code}` ({words})" for code, words in fhir.PAIN_MOMENTS.items())};
- each completed Lower Extremity Functional Scale (LEFS, SPEC §11; oldest first) as a
  **QuestionnaireResponse**: status `completed`, `authored` when it was completed,
  `subject`, `author` and `source` the Patient, `questionnaire`
  `{fhir.lefs_questionnaire(_SITE)}`; one `item` per question (`linkId` `1`–`20`, the
  question as `text`, `answer[0].valueInteger` 0 extreme difficulty … 4 no difficulty),
  then the **total as one more item** (`linkId` `{fhir.LEFS_TOTAL_LINK_ID}`,
  `valueInteger` 0–80), not as an Observation.

Resource ids are stable (`athlete-12`, `therapist-3`, `session-40-duration`,
`session-40-pain-during`, `pain-score-7`, `lefs-5`) and each `fullUrl` is a `urn:uuid` derived from
the site and that id, the same in every export. `meta.lastUpdated` says when the row last
changed (for a LEFS, when it was completed). `{_SITE}` is this site's address. Deleted
sessions and unfinished LEFS are never exported.
"""

SINCE_PARAMETER = OpenApiParameter(
    "since",
    OpenApiTypes.STR,
    description="Only what changed at or after this moment: sessions by when they were last "
    "changed, check-ins by when they were recorded, LEFS by when they were completed (the "
    "Patient and Practitioner are always there). A date (`2026-03-01`, from the start of "
    "that day in the clinic's time zone) or an ISO 8601 date-time (`2026-03-01T09:30:00Z`; "
    "without an offset, clinic time). Anything else: 400 naming `since`.",
    # No ``examples=``: schemathesis would draw them at collection (tests/api/test_schema_fuzz).
)


def _example() -> dict[str, Any]:
    """Return the Bundle of a made-up athlete, built by the export's own code."""
    when = dt.datetime(2026, 3, 4, 9, 0, tzinfo=dt.UTC)
    therapist = User(pk=3, first_name="Hannah", last_name="Reid", email="pt@clinic.example")
    athlete = Athlete(pk=12, first_name="Sam", last_name="Okafor", updated_at=when)
    session = SessionLog(
        pk=40,
        date=dt.date(2026, 3, 3),
        activity="walk_run",
        duration_min=30,
        pain_before=0,
        pain_during=2,
        pain_after=1,
        pain_next_morning=None,  # not answered yet: no Observation
        updated_at=when,
        incline_percent=Decimal("8.0"),
    )
    check_in = PainScore(pk=7, date=dt.date(2026, 3, 4), score=1, context="morning")
    check_in.created_at = when
    lefs = LefsResponse(
        pk=5, answers=[3] * 15 + [2] * 5, total=55, completed_at=when, source="phone"
    )
    bundle = fhir.build_bundle(
        athlete,
        therapist,
        [session],
        [check_in],
        site_url=settings.SITE_URL,
        timestamp=when,
        lefs_responses=[lefs],
    )
    return json.loads(bundle.model_dump_json())


@extend_schema(
    tags=["athletes"],
    summary="The athlete's record as FHIR R4",
    description=DESCRIPTION,
    parameters=[SINCE_PARAMETER],
    responses={
        (200, fhir.MEDIA_TYPE): OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="A FHIR R4 Bundle (type collection).",
            examples=[OpenApiExample("One session, one check-in and one LEFS", value=_example())],
        ),
        **{
            (code, "application/json"): answer
            for code, answer in errors(400, 401, 403, 404, 429).items()
        },
    },
)
class AthleteFhirView(AthleteScopedMixin, APIView):
    """The athlete's Patient, therapist, sessions and pains as a FHIR R4 Bundle."""

    renderer_classes = [FhirJSONRenderer]
    content_negotiation_class = FhirOnly

    def get(self, request: Request, athlete_pk: str) -> Response:
        athlete = self.get_athlete()  # another clinic's athlete: 404
        raw = request.query_params.get("since")
        since = None if raw is None else parse_since(raw, athlete.clinic)
        return Response(fhir.export_bundle(athlete, since=since))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if response.status_code >= 400:
            # An error is the API's JSON, not a FHIR resource.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
