"""The forms of the Webhooks page: register an endpoint, send an event again. The services
check the rest (the URL's address, the event types, the endpoint's state)."""

from __future__ import annotations

from django import forms

from itbrehab.sent_once import SentOnceForm
from itbrehab.webhooks.models import EVENT_TYPES
from itbrehab.webhooks.services import EVENTS_REQUIRED


class WebhookEndpointForm(SentOnceForm):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://ehr.example.org/itb-hooks"}),
        help_text="Where the events are POSTed: https, to a public address.",
    )
    events = forms.MultipleChoiceField(
        choices=[(event, f"{event}: {meaning}") for event, meaning in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": EVENTS_REQUIRED},
    )


class SendAgainForm(forms.Form):
    # The event's ``webhook-id``, as its row in the delivery log shows it.
    webhook_id = forms.CharField(max_length=40)
