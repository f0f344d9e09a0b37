"""REST API for an athlete's daily pain check-ins outside sessions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from athletes import services
from athletes.models import PainScore, PainSource
from itbrehab.api_scope import AthleteRecordsViewSet, listed_and_created


class PainScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = PainScore
        fields = ["id", "athlete", "date", "score", "context", "source", "created_at"]
        # Set by the server: a check-in sent through the API is "api" (SPEC §11: not
        # an RTM data day; only the athlete's phone's are).
        read_only_fields = ["athlete", "source", "created_at"]


@extend_schema(tags=["pain scores"])
@listed_and_created(PainScoreSerializer)
class PainScoreViewSet(AthleteRecordsViewSet):
    """Daily pain check-ins outside sessions (they count toward the weekly pain trend)."""

    serializer_class = PainScoreSerializer
    queryset = PainScore.objects.none()
    ordering = ("-date", "-id")

    def perform_create(self, serializer: PainScoreSerializer) -> None:
        serializer.instance = services.pain_score_create(
            athlete=self.get_athlete(), source=PainSource.API, **serializer.validated_data
        )
