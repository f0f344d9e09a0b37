"""The API's athlete-scoped views: ``/athletes/<athlete_pk>/…`` reached through the access helper.

Every nested resource (sessions, pain scores, phone links, stage changes, reviews, the
progression) resolves its athlete with ``athlete_for_user``, so another clinic's athlete
answers 404 exactly as a missing one does, before any body is judged.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from athletes.models import Athlete
from athletes.selectors import athlete_for_user
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS


class AthleteScopedMixin:
    """Resolve ``athlete_pk`` through the clinic-scoped access helper (404 if not yours)."""

    kwargs: dict[str, Any]
    request: Request

    def get_athlete(self) -> Athlete:
        if not hasattr(self, "_athlete"):
            self._athlete = athlete_for_user(self.request.user, self.kwargs["athlete_pk"])
        return self._athlete

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # No docstring: the schema would show it as every create's description.
        self.get_athlete()  # another clinic's athlete answers 404 before the body is judged
        return super().create(request, *args, **kwargs)


class AthleteRecordsViewSet(
    AthleteScopedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """One kind of record of one athlete: GET lists them in ``ordering``, POST adds one.

    A subclass names its model with ``queryset = Model.objects.none()`` (what the schema
    reads; requests never use it), its ``ordering``, and writes through its service in
    ``perform_create`` (or ``create`` when the answer is not the serialized record).
    """

    ordering: tuple[str, ...]

    def get_queryset(self) -> QuerySet[Model]:
        model = self.queryset.model
        return model._default_manager.filter(athlete=self.get_athlete()).order_by(*self.ordering)


def listed_and_created(serializer: type[serializers.BaseSerializer]) -> Any:
    """The schema of an ``AthleteRecordsViewSet`` whose POST answers the new record."""
    return extend_schema_view(
        list=extend_schema(responses={200: serializer, **READ_ERRORS}),
        create=extend_schema(responses={201: serializer, **WRITE_ERRORS}),
    )
