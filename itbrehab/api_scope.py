"""The API's athlete-scoped views: ``/athletes/<athlete_pk>/…`` reached through the access helper.

Every nested resource (sessions, pain scores, phone links, stage changes, reviews, the
progression) resolves its athlete with ``athlete_for_user``, so another clinic's athlete
answers 404 exactly as a missing one does, before any body is judged.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from athletes.models import Athlete
from athletes.selectors import athlete_for_user


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
