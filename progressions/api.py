"""REST API for progression: the engine's answer, stage changes, reviews, the ladder."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from itbrehab.api_errors import READ_ERRORS
from itbrehab.api_scope import (
    AthleteRecordsViewSet,
    AthleteScopedMixin,
    acting_therapist,
    listed_and_created,
)
from progressions import services
from progressions.models import StageChange, StageReview
from progressions.rules import AthleteSettings, describe_gate
from progressions.rules.protocol import (
    DEFAULT_LADDER,
    Activity,
    CriterionCode,
    Intensity,
    Recommendation,
    RedFlagCode,
    SessionVariable,
    StageCode,
    Surface,
    Terrain,
    WarningCode,
)
from progressions.stored import stored_progression

# --- Progression (response shapes for the schema) ---------------------------------------


class StageInfoSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=StageCode.choices())
    name = serializers.CharField()
    order = serializers.IntegerField()


class CriterionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CriterionCode.choices())
    description = serializers.CharField()
    met = serializers.BooleanField()
    evidence = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ids of the sessions that count."
    )


class RedFlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=RedFlagCode.choices())
    description = serializers.CharField()
    session_ids = serializers.ListField(child=serializers.IntegerField())
    dates = serializers.ListField(child=serializers.DateField())


class WarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=WarningCode.choices())
    session_id = serializers.IntegerField()
    date = serializers.DateField()
    variables = serializers.ListField(
        child=serializers.ChoiceField(choices=SessionVariable.choices())
    )
    description = serializers.CharField()


class CadenceSerializer(serializers.Serializer):
    target_spm = serializers.IntegerField(allow_null=True)
    session_id = serializers.IntegerField(allow_null=True)
    actual_spm = serializers.IntegerField(allow_null=True)
    difference_spm = serializers.IntegerField(allow_null=True)


class SuggestedSessionSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=StageCode.choices(),
        help_text="The stage the session belongs to: the current one for the suggested next "
        "session, the next one for next_stage_first_session.",
    )
    rest_day = serializers.BooleanField(
        help_text="True on a rest day (a recent red flag): rest or cross-train, the PT has "
        "been alerted. Every session field is then null."
    )
    activity = serializers.ChoiceField(choices=Activity.choices(), allow_null=True)
    terrain = serializers.ChoiceField(choices=Terrain.choices(), allow_null=True)
    surface = serializers.ChoiceField(choices=Surface.choices(), allow_null=True)
    incline_percent = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    duration_min = serializers.IntegerField(allow_null=True)
    intensity = serializers.ChoiceField(choices=Intensity.choices(), allow_null=True)
    run_interval_sec = serializers.IntegerField(allow_null=True)
    walk_interval_sec = serializers.IntegerField(allow_null=True)
    repeats = serializers.IntegerField(allow_null=True)
    changed_variable = serializers.ChoiceField(
        choices=SessionVariable.choices(),
        allow_null=True,
        help_text="The one variable changed from the session it is based on; null for a "
        "repeat, an entry session or a rest day.",
    )
    reason = serializers.CharField(help_text="Why, in words for the PT.")
    based_on_session_id = serializers.IntegerField(
        allow_null=True, help_text="The logged session it derives from; null for an entry session."
    )


class ProgressionSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    stage = StageInfoSerializer()
    next_stage = StageInfoSerializer(allow_null=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices())
    criteria = CriterionSerializer(many=True)
    red_flags = RedFlagSerializer(many=True)
    warnings = WarningSerializer(many=True)
    cadence = CadenceSerializer()
    suggested_next_session = SuggestedSessionSerializer(
        help_text="Always of the current stage: nothing of the next stage before a PT "
        "records the change."
    )
    next_stage_first_session = SuggestedSessionSerializer(
        allow_null=True,
        help_text="What advancing would start: the next stage's first session. Null unless "
        "the recommendation is advance.",
    )


@extend_schema(tags=["progression"], responses={200: ProgressionSerializer, **READ_ERRORS})
class ProgressionView(AthleteScopedMixin, APIView):
    """The engine's recommendation for the athlete today (clinic time). Read-only."""

    def get(self, request: Request, athlete_pk: str) -> Response:
        athlete = self.get_athlete()
        return Response(stored_progression(athlete, today=athlete.clinic.today()).as_dict())


# --- Stage changes --------------------------------------------------------------------


class StageChangeSerializer(serializers.ModelSerializer):
    to_stage = serializers.ChoiceField(
        choices=StageCode.choices(),
        help_text="The next stage, any earlier stage, or the current stage (a restart: the "
        "PT backs off within the stage; only what is recorded after it counts).",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Required for a restart, and to advance when the recommendation is not advance.",
    )
    effective_date = serializers.DateField(
        required=False, help_text="Defaults to today; not in the future nor before the last change."
    )
    recommendation_snapshot = ProgressionSerializer(read_only=True)
    next_stage_first_session = SuggestedSessionSerializer(
        read_only=True,
        allow_null=True,
        help_text="The next stage's first session offered when the change was recorded: "
        "what the new stage starts with. Null unless it advanced on an advance "
        "recommendation.",
    )

    class Meta:
        model = StageChange
        fields = [
            "id", "athlete", "from_stage", "to_stage", "effective_date", "reason",
            "changed_by", "created_at", "recommendation", "recommendation_snapshot",
            "next_stage_first_session",
        ]  # fmt: skip
        read_only_fields = [
            "athlete", "from_stage", "changed_by", "created_at", "recommendation",
        ]  # fmt: skip


@extend_schema(tags=["progression"])
@listed_and_created(StageChangeSerializer)
class StageChangeViewSet(AthleteRecordsViewSet):
    """The athlete's stage history, newest first.

    POST moves forward one stage, back to any earlier stage, or restarts the current one.
    An API client (a clinic system relaying a therapist's decision) names that therapist
    in ``changed_by``; a therapist's own token records the therapist.
    """

    serializer_class = StageChangeSerializer
    queryset = StageChange.objects.none()
    ordering = ("-effective_date", "-id")

    def perform_create(self, serializer: StageChangeSerializer) -> None:
        serializer.instance = services.stage_change_create(
            athlete=self.get_athlete(),
            changed_by=acting_therapist(self.request, "changed_by"),
            **serializer.validated_data,
        )


# --- Weekly reviews -------------------------------------------------------------------


class StageReviewSerializer(serializers.ModelSerializer):
    decision = serializers.ChoiceField(choices=Recommendation.choices())
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    back_off_to = serializers.ChoiceField(
        choices=StageCode.choices(),
        required=False,
        write_only=True,
        help_text="With back_off: the earlier stage to return to, or the current stage to "
        "restart it (the note is then required). Default: one stage back (at the first "
        "stage: no stage change).",
    )

    class Meta:
        model = StageReview
        fields = [
            "id", "athlete", "week_start", "due_date", "decision", "note", "back_off_to",
            "reviewed_by", "reviewed_at", "stage_change",
        ]  # fmt: skip
        read_only_fields = [
            "athlete", "week_start", "due_date", "reviewed_by", "reviewed_at", "stage_change",
        ]  # fmt: skip


@extend_schema(tags=["progression"])
@listed_and_created(StageReviewSerializer)
class StageReviewViewSet(AthleteRecordsViewSet):
    """Weekly reviews, newest first. POST records this week's decision (once a week).

    An API client (a clinic system relaying a therapist's decision) names that therapist
    in ``reviewed_by``; a therapist's own token records the therapist.
    """

    serializer_class = StageReviewSerializer
    queryset = StageReview.objects.none()
    ordering = ("-week_start",)

    def perform_create(self, serializer: StageReviewSerializer) -> None:
        serializer.instance = services.stage_review_decide(
            athlete=self.get_athlete(),
            reviewed_by=acting_therapist(self.request, "reviewed_by"),
            **serializer.validated_data,
        )


# --- The ladder -----------------------------------------------------------------------


class GateSerializer(serializers.Serializer):
    description = serializers.CharField()
    activities = serializers.ListField(child=serializers.ChoiceField(choices=Activity.choices()))
    terrain = serializers.ChoiceField(choices=Terrain.choices(), allow_null=True)
    intensity = serializers.ChoiceField(choices=Intensity.choices(), allow_null=True)
    min_minutes = serializers.IntegerField(
        help_text="Default minimum; the uphill-walk gate uses each athlete's walk_gate_minutes."
    )
    min_minutes_setting = serializers.CharField(allow_null=True)
    sessions_required = serializers.IntegerField()
    window_days = serializers.IntegerField()
    pain_max_default = serializers.IntegerField()
    source = serializers.CharField()


class StageSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=StageCode.choices())
    name = serializers.CharField()
    order = serializers.IntegerField()
    gate = GateSerializer(allow_null=True)


def ladder() -> list[dict[str, Any]]:
    """Return the default ladder with each gate in words and numbers."""
    from progressions.rules import gate_min_minutes
    from progressions.rules.protocol import (
        GATE_PAIN_MAX_DEFAULT,
        GATE_SESSIONS_REQUIRED,
        GATE_WINDOW_DAYS,
    )

    defaults = AthleteSettings()
    stages = []
    for stage in DEFAULT_LADDER:
        gate = stage.gate
        stages.append(
            {
                "code": stage.code,
                "name": stage.name,
                "order": stage.order,
                "gate": None
                if gate is None
                else {
                    "description": describe_gate(gate, defaults),
                    "activities": sorted(gate.activities),
                    "terrain": gate.terrain,
                    "intensity": gate.intensity,
                    "min_minutes": gate_min_minutes(gate, defaults),
                    "min_minutes_setting": "walk_gate_minutes"
                    if gate.uses_walk_gate_minutes
                    else None,
                    "sessions_required": GATE_SESSIONS_REQUIRED,
                    "window_days": GATE_WINDOW_DAYS,
                    "pain_max_default": GATE_PAIN_MAX_DEFAULT,
                    "source": gate.source,
                },
            }
        )
    return stages


class StagePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StageSerializer(many=True)


@extend_schema(tags=["progression"], responses={200: StagePageSerializer, **READ_ERRORS})
class StageListView(APIView):
    """The stage ladder with each gate in words and numbers (one page of six)."""

    def get(self, request: Request) -> Response:
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()
        page = paginator.paginate_queryset(ladder(), request, view=self)
        return paginator.get_paginated_response(StageSerializer(page, many=True).data)
