"""REST API for watch files (SPEC §9): read one into a session to check, and store nothing.

``POST /api/v1/athletes/{id}/session-files/`` (multipart, field ``file``) answers the
session fields the file gave, rendered as a stored session's are, its ``file_sha256`` and
the reader's summary. The client checks the session, adds the pains and POSTs it with
the ``file_sha256`` to ``…/sessions/``, which stores it with source ``file`` (once per
file and athlete). Nothing of the file is kept: ``athletes.watch_uploads`` reads it and
closes it, and its upload handler keeps no more than 20 MB of it on the way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes.models import SessionLog
from athletes.watch_files import READ_FIELDS, WatchFileError
from athletes.watch_files.errors import FIT_BAD_CRC
from athletes.watch_uploads import read_uploaded_watch_file
from itbrehab.api_errors import ErrorSerializer, errors
from itbrehab.api_scope import AthleteScopedMixin


class WatchFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The FIT, GPX or TCX file of one session, as the watch's app exports it "
        "(at most 20 MB). Its content decides the format, not its name."
    )


class WatchSessionSerializer(serializers.ModelSerializer):
    """The session as the file tells it, null where it cannot (the user fills those in)."""

    class Meta:
        model = SessionLog
        fields = list(READ_FIELDS)
        read_only_fields = fields
        # duration_min is always read (the moving time); the rest may be unknown: an
        # undated file has no date, a treadmill's file no terrain, and so on.
        extra_kwargs = {name: {"allow_null": True} for name in fields if name != "duration_min"}


class WatchCadenceSerializer(serializers.Serializer):
    mean_spm = serializers.FloatField(
        help_text="Mean of the nonzero cadences while moving, steps per minute."
    )
    p10_spm = serializers.FloatField(help_text="10th percentile, steps per minute.")
    p50_spm = serializers.FloatField(help_text="Median, steps per minute.")
    p90_spm = serializers.FloatField(help_text="90th percentile, steps per minute.")
    samples = serializers.IntegerField(help_text="How many samples these come from.")


class WatchLapSerializer(serializers.Serializer):
    start_min = serializers.FloatField(allow_null=True)
    duration_min = serializers.FloatField(allow_null=True)
    distance_km = serializers.FloatField(allow_null=True)
    avg_cadence_spm = serializers.FloatField(
        allow_null=True, help_text="Steps per minute; null for a sport not on foot."
    )


class WatchIntervalSerializer(serializers.Serializer):
    start_min = serializers.FloatField()
    seconds = serializers.IntegerField()
    running = serializers.BooleanField()


class WatchSummarySerializer(serializers.Serializer):
    """What the file held beyond the session fields, to show beside them (never stored)."""

    format = serializers.ChoiceField(choices=["fit", "gpx", "tcx"])
    sport = serializers.CharField(allow_null=True, help_text="The sport the file names.")
    sub_sport = serializers.CharField(allow_null=True)
    device = serializers.CharField(allow_null=True, help_text="The watch or app that wrote it.")
    started_at = serializers.DateTimeField(
        allow_null=True, help_text="The start, in the clinic's time zone; null if undated."
    )
    elapsed_min = serializers.FloatField(allow_null=True, help_text="First to last sample.")
    timer_min = serializers.FloatField(
        allow_null=True, help_text="The watch's timer (pauses left out), where the file has it."
    )
    moving_min = serializers.FloatField(help_text="Moving time: duration_min before rounding.")
    distance_km = serializers.FloatField(allow_null=True)
    ascent_m = serializers.IntegerField(allow_null=True)
    descent_m = serializers.IntegerField(allow_null=True)
    elevation_source = serializers.ChoiceField(
        choices=["device", "smoothed"],
        allow_null=True,
        help_text="Climb and descent: the device's totals, or smoothed from the samples.",
    )
    mean_grade_percent = serializers.FloatField(
        allow_null=True, help_text="(Last − first elevation) / distance: what terrain is read from."
    )
    has_positions = serializers.BooleanField(help_text="False: read as a treadmill session.")
    samples = serializers.IntegerField()
    cadence = WatchCadenceSerializer(allow_null=True, help_text="Null when the file has none.")
    laps = WatchLapSerializer(many=True)
    run_share = serializers.FloatField(
        allow_null=True,
        help_text="The running part of the moving time (0–1): ≥ 0.85 run, ≤ 0.15 walk, "
        "walk–run between.",
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the user should know or check: a field left empty and why, no date, "
        "a capped duration…",
    )
    intervals = WatchIntervalSerializer(
        many=True,
        required=False,
        help_text="A walk–run session only: its run and walk bouts in order (at most 200).",
    )


class WatchFileReadSerializer(serializers.Serializer):
    session = WatchSessionSerializer(
        help_text="The session fields as read, for the user to check: POST them with the "
        "pains and file_sha256 to …/sessions/."
    )
    file_sha256 = serializers.CharField(
        help_text="The SHA-256 of the file (64 lowercase hex): send it with the session."
    )
    summary = WatchSummarySerializer()


# A real answer: ``shared/fixtures/watch-files/fenix2-run-cadence.fit`` (a Garmin fenix 2
# run) read for an athlete of a clinic in Europe/London.
READ_EXAMPLE: dict[str, Any] = {
    "session": {
        "date": "2015-08-15",
        "activity": "run",
        "terrain": "flat",
        "surface": None,
        "incline_percent": None,
        "duration_min": 47,
        "distance_km": "9.01",
        "run_interval_sec": None,
        "walk_interval_sec": None,
        "repeats": None,
        "cadence_spm": 163,
    },
    "file_sha256": "a066d77db247c152c9583bddaecd33d36327bacc0821694ab795fe25671a8327",
    "summary": {
        "format": "fit",
        "sport": "running",
        "sub_sport": None,
        "device": "garmin fenix2",
        "started_at": "2015-08-15T15:45:08+01:00",
        "elapsed_min": 47.2,
        "timer_min": 47.2,
        "moving_min": 47.0,
        "distance_km": 9.01,
        "ascent_m": 64,
        "descent_m": 61,
        "elevation_source": "device",
        "mean_grade_percent": 0.1,
        "has_positions": True,
        "samples": 2809,
        "cadence": {
            "mean_spm": 163.0,
            "p10_spm": 160.0,
            "p50_spm": 166.0,
            "p90_spm": 170.0,
            "samples": 2794,
        },
        "laps": [
            {"start_min": start, "duration_min": minutes, "distance_km": km, "avg_cadence_spm": spm}
            for start, minutes, km, spm in (
                (0.02, 4.5, 0.849, 162.0),
                (4.53, 13.93, 2.988, 166.0),
                (18.48, 12.63, 2.979, 168.0),
                (31.13, 16.1, 2.193, 152.0),
            )
        ],
        "run_share": 0.943,
        "notes": [],
    },
}

REFUSED_EXAMPLE = {"file": [FIT_BAD_CRC]}

NOT_MULTIPART = OpenApiResponse(ErrorSerializer, description="The body is not multipart/form-data.")


# What Django raises for a multipart body it cannot parse, or with too many parts: DRF's
# parser would answer its 400 for the first; here the body is parsed by Django itself.
UNPARSABLE = (MultiPartParserError, TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig)


def _refuse_other_media_types(request: Request) -> None:
    """Answer 415 for a body that is not multipart, as DRF would on reading ``request.data``."""
    if request.content_type and request.negotiator.select_parser(request, request.parsers) is None:
        raise exceptions.UnsupportedMediaType(request.content_type)


@extend_schema(
    tags=["sessions"],
    request={"multipart/form-data": WatchFileUploadSerializer},
    responses={
        200: OpenApiResponse(
            WatchFileReadSerializer,
            description="The file as read. Nothing is stored.",
            examples=[OpenApiExample("A Garmin run", value=READ_EXAMPLE)],
        ),
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description='The file cannot be used: `{"file": ["what is wrong with it"]}` '
            "(none sent, not FIT/GPX/TCX, truncated or damaged, over 20 MB, unsafe XML, no "
            "activity or several, dated in the future); a body that is not valid multipart: "
            '`{"detail", "code": "parse_error"}`. Nothing is stored.',
            examples=[OpenApiExample("A damaged FIT file", value=REFUSED_EXAMPLE)],
        ),
        **errors(401, 403, 404, 429),
        415: NOT_MULTIPART,
    },
)
class SessionFileView(AthleteScopedMixin, APIView):
    """Read a watch file (FIT, GPX or TCX) into a session to check; nothing is stored.

    The answer's ``session`` holds the fields the file gave, null where it could not tell
    (an undated file: ``date`` null, with a note in ``summary.notes``). Check them, add the
    pains, and POST them with ``file_sha256`` to ``…/sessions/``: the session is stored with
    source ``file``, and the same file stored again answers 200 with the stored session.
    """

    parser_classes = [MultiPartParser]

    def post(self, request: Request, athlete_pk: int) -> Response:
        athlete = self.get_athlete()  # another clinic's athlete: 404, the file unread
        _refuse_other_media_types(request)
        try:
            read = read_uploaded_watch_file(request._request, athlete=athlete)
        except WatchFileError as refused:
            raise serializers.ValidationError({"file": [str(refused)]}) from None
        except UNPARSABLE as unparsable:
            raise exceptions.ParseError(f"Multipart form parse error - {unparsable}") from None
        return Response(WatchFileReadSerializer(read).data)
