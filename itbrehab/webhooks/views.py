"""The Webhooks page, under Team: where a clinic admin sends the clinic's events (SPEC §10).

As the Team and API-clients pages: 403 to anyone but a clinic admin (before any lookup),
404 for another clinic's endpoint or a deleted one. Registering answers the page itself
with the signing secret, once: it is never put in a redirect, a message or the session
(every page answers ``Cache-Control: no-store``); a reload of that answer registers
nothing more (``itbrehab.sent_once``). Each change is a POST through a service
in ``itbrehab.webhooks.services``; a refusal is shown beside the field or as a message,
nothing changed.

Queries: the list page costs the browser session, the user, the clinic (header) and one
for the endpoints; an endpoint's delivery log the same three, the endpoint, and the
page's count and rows (events and who sent them again, joined): fixed, however many rows.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itbrehab.accounts.team import clinic_admin_required
from itbrehab.sent_once import ALREADY_SENT
from itbrehab.webhooks import services
from itbrehab.webhooks.forms import SendAgainForm, WebhookEndpointForm
from itbrehab.webhooks.models import WebhookEndpoint
from itbrehab.webhooks.selectors import (
    webhook_deliveries,
    webhook_endpoint_for_admin,
    webhook_endpoints_for_admin,
    webhook_event_for_admin,
)

PAGE_SIZE = 50
SENT_AGAIN = "Sent again as attempt {attempt}; refresh to see the answer."
ENABLED = (
    "{url} is enabled again: new events are sent to it. Those of the time it was disabled "
    "are not; send any of them again from its delivery log."
)
DELETED = "{url} is deleted: nothing more is sent to it."


def _page(
    request: HttpRequest,
    *,
    form: WebhookEndpointForm | None = None,
    created: WebhookEndpoint | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "webhooks/webhooks.html",
        {
            "endpoints": webhook_endpoints_for_admin(request.user),
            "form": form or WebhookEndpointForm(),
            "created": created,
        },
        status=status,
    )


@clinic_admin_required
@require_GET
def webhooks(request: HttpRequest) -> HttpResponse:
    """The clinic's endpoints (live, failing or disabled) and the form to register one."""
    return _page(request)


@clinic_admin_required
@require_POST
def webhook_create(request: HttpRequest) -> HttpResponse:
    """Register an endpoint and show its signing secret, this once."""
    form = WebhookEndpointForm(request.POST)
    if form.is_valid():
        if form.sent_before(request):  # a reload of the page that showed the secret
            messages.info(request, ALREADY_SENT.format(what="the webhook"))
            return redirect("webhooks")
        values = {name: form.cleaned_data[name] for name in ("url", "events")}
        try:
            endpoint = services.webhook_endpoint_create(admin=request.user, **values)
        except ValidationError as error:
            form.add_error(None, error)  # keyed url or events: shown beside the field
        else:
            form.remember(request)
            return _page(request, created=endpoint)
    return _page(request, form=form, status=400)


@clinic_admin_required
@require_GET
def webhook_detail(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """The endpoint's delivery log, newest first, 50 attempts a page."""
    endpoint = webhook_endpoint_for_admin(request.user, endpoint_id)
    page = Paginator(webhook_deliveries(endpoint), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "webhooks/webhook.html", {"endpoint": endpoint, "page": page})


@clinic_admin_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Ask, then delete the endpoint for good: nothing more is sent to it."""
    endpoint = webhook_endpoint_for_admin(request.user, endpoint_id)
    if request.method == "POST":
        services.webhook_endpoint_delete(admin=request.user, endpoint=endpoint)
        messages.success(request, DELETED.format(url=endpoint.url))
        return redirect("webhooks")
    return render(request, "webhooks/webhook_delete.html", {"endpoint": endpoint})


@clinic_admin_required
@require_POST
def webhook_enable(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Send to an endpoint disabled for failing again; back to the page it was asked from."""
    endpoint = webhook_endpoint_for_admin(request.user, endpoint_id)
    try:
        services.webhook_endpoint_enable(admin=request.user, endpoint=endpoint)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, ENABLED.format(url=endpoint.url))
    if request.POST.get("back") == "log":
        return redirect("webhook-detail", endpoint_id=endpoint.pk)
    return redirect("webhooks")


@clinic_admin_required
@require_POST
def webhook_send_again(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Make the next attempt of one event of the log now (same ``webhook-id``).

    An id this endpoint never got (unknown, another clinic's) or a disabled endpoint is
    refused with a message, nothing sent.
    """
    endpoint = webhook_endpoint_for_admin(request.user, endpoint_id)
    form = SendAgainForm(request.POST)
    event = (
        webhook_event_for_admin(request.user, form.cleaned_data["webhook_id"])
        if form.is_valid()
        else None
    )
    if event is None:
        messages.error(request, services.EVENT_NOT_SENT_HERE)
        return redirect("webhook-detail", endpoint_id=endpoint.pk)
    try:
        attempt = services.webhook_send_again(admin=request.user, endpoint=endpoint, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, SENT_AGAIN.format(attempt=attempt))
    return redirect("webhook-detail", endpoint_id=endpoint.pk)
