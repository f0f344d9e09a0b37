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
from itbrehab.accounts.models import User
from itbrehab.api_errors import READ_ERRORS, WRITE_ERRORS
from itbrehab.api_permissions import is_api_client

DECIDER_REQUIRED_FOR_API_CLIENT = (
    "An API client must name the therapist who made this decision: the id of an active "
    "therapist of the clinic."
)


class ClinicTherapistField(serializers.PrimaryKeyRelatedField):
    """A therapist id, accepted only from the requester's own clinic."""

    def get_queryset(self) -> QuerySet[User]:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return User.objects.none()
        return User.objects.filter(clinic_id=request.user.clinic_id, is_active=True)

    def to_internal_value(self, data: Any) -> User:
        # A whole number only: the database would read 1.5 or true as therapist 1.
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


def acting_therapist(request: Request, field: str) -> User:
    """Return the therapist a write records as its author (``changed_by``, ``reviewed_by``,
    ``created_by``): the requester, or for an API client the therapist it names in
    ``field`` of the body.

    An API client is a clinic system, not a person: it may relay a stage decision, a
    review or a phone link, but a therapist of the clinic made it, and the record says who
    (the audit log names the client as the one who sent it). Raises ``ValidationError``
    (400 naming ``field``) when the client names none, or no active therapist of its clinic.
    """
    if not is_api_client(request):
        return request.user

    class Named(serializers.Serializer):
        therapist = ClinicTherapistField()

    named = Named(data={"therapist": request.data.get(field)}, context={"request": request})
    if request.data.get(field) is None:
        raise serializers.ValidationError({field: [DECIDER_REQUIRED_FOR_API_CLIENT]})
    if not named.is_valid():
        raise serializers.ValidationError({field: named.errors["therapist"]})
    return named.validated_data["therapist"]


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
