"""REST API: ``GET /api/v1/athletes/{id}/lefs/``, the athlete's completed LEFS (SPEC §11).

Read-only: the athlete answers the LEFS on the phone. Each completed response with its
date, total, the 20 answers, the change from the previous total and whether that change
reached the minimal clinically important difference (9 points).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.lefs import ANSWER_MAX, ANSWER_MIN, ITEM_COUNT, MCID, TOTAL_MAX
from athletes.lefs.selectors import lefs_history
from athletes.models import LefsResponse
from itbrehab.api_errors import READ_ERRORS
from itbrehab.api_scope import AthleteScopedMixin


class LefsSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    date = serializers.DateField(
        read_only=True, help_text="The day it was completed, in the clinic's time zone."
    )
    completed_at = serializers.DateTimeField(read_only=True)
    total = serializers.IntegerField(
        read_only=True, min_value=0, max_value=TOTAL_MAX, help_text="0–80, higher is better."
    )
    answers = serializers.ListField(
        child=serializers.IntegerField(min_value=ANSWER_MIN, max_value=ANSWER_MAX),
        read_only=True,
        min_length=ITEM_COUNT,
        max_length=ITEM_COUNT,
        help_text=f"The {ITEM_COUNT} answers in the scale's order, each 0 (extreme difficulty "
        "or unable) to 4 (no difficulty) (Binkley et al. 1999).",
    )
    change = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The total minus the previous completed total; null for the first.",
    )
    mcid_reached = serializers.BooleanField(
        read_only=True,
        help_text=f"Whether the change is at least the minimal clinically important "
        f"difference, {MCID} points, up or down.",
    )
    source = serializers.CharField(read_only=True, help_text="phone or api.")


@extend_schema(tags=["athletes"], responses={200: LefsSerializer(many=True), **READ_ERRORS})
class AthleteLefsView(AthleteScopedMixin, generics.ListAPIView):
    """The athlete's completed LEFS, newest first, each with its change from the one before."""

    serializer_class = LefsSerializer
    queryset = LefsResponse.objects.none()  # the schema's; requests read ``lefs_history``

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        athlete = self.get_athlete()  # another clinic's athlete: 404
        rows = [
            {
                "id": response.pk,
                "date": change.completed_on,
                "completed_at": response.completed_at,
                "total": change.total,
                "answers": response.answers,
                "change": change.change,
                "mcid_reached": change.mcid_reached,
                "source": response.source,
            }
            for response, change in reversed(lefs_history(athlete))
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
