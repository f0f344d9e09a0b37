"""The form of the API-clients page: a name and the scopes; the service checks the rest."""

from __future__ import annotations

from django import forms

from itbrehab.api_clients.models import READ, SCOPES, WRITE
from itbrehab.sent_once import SentOnceForm

SCOPE_LABELS = {
    READ: "read: see the clinic's athletes and their records",
    WRITE: "write: add and change records (sessions, pain scores, athletes)",
}


class ApiClientForm(SentOnceForm):
    name = forms.CharField(
        max_length=100,
        help_text="What the integration is, e.g. “Front desk scheduling”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        initial=[READ],
        error_messages={"required": "Choose at least one scope: read, write or both."},
    )
