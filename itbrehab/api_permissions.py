"""Who may use the API: an active therapist of a clinic (clinic isolation is in querysets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsClinicTherapist(BasePermission):
    """Allow authenticated, active users who belong to a clinic."""

    message = "Only a clinic's therapists can use this API."

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.clinic_id)
