"""REST API for an athlete's daily pain check-ins outside sessions."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from athletes import services
from athletes.models import PainScore
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_scope import AthleteScopedMixin


class PainScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = PainScore
        fields = ["id", "athlete", "date", "score", "context", "created_at"]
        read_only_fields = ["athlete", "created_at"]


@extend_schema(tags=["pain scores"])
@extend_schema_view(
    list=extend_schema(responses={200: PainScoreSerializer, **READ_ERRORS}),
    create=extend_schema(responses={201: PainScoreSerializer, **WRITE_ERRORS}),
)
class PainScoreViewSet(
    AthleteScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Daily pain check-ins outside sessions (they count toward the weekly pain trend)."""

    serializer_class = PainScoreSerializer
    queryset = PainScore.objects.none()  # for the schema; get_queryset scopes it

    def get_queryset(self) -> QuerySet[PainScore]:
        return PainScore.objects.filter(athlete=self.get_athlete()).order_by("-date", "-id")

    def perform_create(self, serializer: PainScoreSerializer) -> None:
        serializer.instance = services.pain_score_create(
            athlete=self.get_athlete(), **serializer.validated_data
        )
