"""The audit log page: a clinic admin browses who read, changed or logged in (SPEC §8).

Filters as the API's (athlete, person, action, dates); a bad filter is shown beside its
field and ignored. A fixed number of queries: the browser session and user, the clinic's
athletes and therapists (names for the filters and the rows), the selector's (scope, two
counts, one page of each kind of event) and the read event this page itself records.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from athletes.models import Athlete
from itbrehab.accounts.models import User
from itbrehab.accounts.team import clinic_admin_required
from itbrehab.api_clients.models import ApiClient
from itbrehab.audit.api import ACTIONS
from itbrehab.audit.context import ANONYMOUS, SYSTEM, therapist_actor
from itbrehab.audit.selectors import AuditEvent, audit_events_for_clinic

PAGE_SIZE = 50
DAY = forms.DateInput({"type": "date"})


class AuditFilterForm(forms.Form):
    athlete = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    actor = forms.ChoiceField(required=False, label="Person")
    action = forms.ChoiceField(
        required=False, choices=[("", "Any"), *((a, a.replace("_", " ")) for a in ACTIONS)]
    )
    date_after = forms.DateField(
        required=False, label="From", widget=forms.DateInput({"type": "date"})
    )
    date_before = forms.DateField(
        required=False, label="To", widget=forms.DateInput({"type": "date"})
    )

    def __init__(self, data: object, *, athletes: dict[int, str], people: dict[str, str]) -> None:
        super().__init__(data)
        self.fields["athlete"].choices = [("", "All athletes"), *athletes.items()]
        self.fields["actor"].choices = [("", "Anyone"), *people.items()]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        after, before = data.get("date_after"), data.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", "Must not be before the From date.")
        return data


def _athlete_name(athlete_id: int | None, athletes: dict[int, str]) -> str:
    if athlete_id is None:
        return ""
    return athletes.get(athlete_id, f"athlete {athlete_id}")


def _record(event: AuditEvent, people: dict[str, str]) -> str:
    """Name what the event is about: "session #12", "athletes (list)", a therapist's name."""
    kind, pk = event["object_type"], event["object_id"]
    if kind == "athlete_list":
        return "athletes (list)"
    if kind == "therapist":
        return people.get(therapist_actor(pk), f"therapist #{pk}") if pk else "therapist"
    return f"{kind.replace('_', ' ')} #{pk}"


@clinic_admin_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The clinic's audit log, newest first, 50 events a page."""
    clinic = request.user.clinic
    athletes = {
        a.pk: a.full_name
        for a in Athlete.objects.filter(clinic=clinic).only("first_name", "last_name")
    }
    therapists = User.objects.filter(clinic=clinic).only("first_name", "last_name", "email")
    people = {therapist_actor(t.pk): str(t) for t in therapists}
    people |= {
        client.actor: f"{client.name} (API client)"
        for client in ApiClient.objects.filter(clinic=clinic).only("name")
    }
    people |= {SYSTEM: "System (tasks, commands)", ANONYMOUS: "Unknown (failed logins)"}
    form = AuditFilterForm(request.GET or None, athletes=athletes, people=people)
    filters = (
        {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        if form.is_valid()
        else {}
    )
    page = Paginator(audit_events_for_clinic(clinic, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            **event,
            # When a row was last saved is the event's own time, shown in its first column.
            "changes": {k: v for k, v in event["changes"].items() if k != "updated_at"},
            "who": people.get(event["actor"], event["actor"]),
            "athlete_name": _athlete_name(event["athlete"], athletes),
            "record": _record(event, people),
            "action_label": event["action"].replace("_", " "),
        }
        for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
