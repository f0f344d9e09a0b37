"""Forms whose success shows a secret once (an API client, a webhook): a reload of the
page that answered must not create a second one.

The secret is never put in a redirect, a message or the session, so those pages answer
the POST itself, and a reload sends the form again. Each such form carries a random
``once`` token (a hidden field, new on every blank form); the session remembers the
tokens of the forms it took (the last ``REMEMBERED``), and a form sent again with one of
them is answered with ``ALREADY_SENT`` instead, nothing created.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.http import HttpRequest

SESSION_KEY = "sent_once"
REMEMBERED = 20
ALREADY_SENT = (
    "This form was sent already: {what} is created (see the list), and its secret was "
    "shown that once. Lost it? Remove it and create a new one."
)


class SentOnceForm(forms.Form):
    once = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["once"] = secrets.token_urlsafe(16)

    def sent_before(self, request: HttpRequest) -> bool:
        """Whether this form (valid) was taken already in this browser session."""
        token = self.cleaned_data.get("once")
        return bool(token) and token in request.session.get(SESSION_KEY, [])

    def remember(self, request: HttpRequest) -> None:
        """Record that this form was taken: the same one sent again is refused."""
        if token := self.cleaned_data.get("once"):
            taken = request.session.get(SESSION_KEY, [])
            request.session[SESSION_KEY] = [*taken, token][-REMEMBERED:]
