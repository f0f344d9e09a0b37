"""The API-clients page, under Team: a clinic admin's integrations (SPEC §10).

As the Team page: 403 to anyone but a clinic admin, 404 for another clinic's client.
Creating one answers the page itself with the client secret, once: it is never put in
a redirect, a message or the session, and the page answers ``Cache-Control: no-store``;
a reload of that answer creates nothing more (``itbrehab.sent_once``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from itbrehab.accounts.team import clinic_admin_required
from itbrehab.api_clients import services
from itbrehab.api_clients.forms import ApiClientForm
from itbrehab.api_clients.models import ApiClient
from itbrehab.api_clients.selectors import api_client_for_admin, api_clients_for_admin
from itbrehab.sent_once import ALREADY_SENT


def _page(
    request: HttpRequest,
    *,
    form: ApiClientForm | None = None,
    created: tuple[ApiClient, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "api_clients/api_clients.html",
        {
            "clients": api_clients_for_admin(request.user),
            "form": form or ApiClientForm(),
            "created": created,
        },
        status=status,
    )


@clinic_admin_required
@require_GET
def api_clients(request: HttpRequest) -> HttpResponse:
    """The clinic's API clients (live first, then revoked) and the form to create one."""
    return _page(request)


@clinic_admin_required
@require_POST
def api_client_create(request: HttpRequest) -> HttpResponse:
    """Create a client and show its id and secret, this once."""
    form = ApiClientForm(request.POST)
    if form.is_valid():
        if form.sent_before(request):  # a reload of the page that showed the secret
            messages.info(request, ALREADY_SENT.format(what="the client"))
            return redirect("api-clients")
        values = {name: form.cleaned_data[name] for name in ("name", "scopes")}
        try:
            client, secret = services.api_client_create(admin=request.user, **values)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form.remember(request)
            return _page(request, created=(client, secret))
    return _page(request, form=form, status=400)


@clinic_admin_required
@require_POST
def api_client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    """Revoke a client: its tokens stop working now."""
    client = api_client_for_admin(request.user, client_id)
    try:
        services.api_client_revoke(admin=request.user, api_client=client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{client.name} is revoked: its tokens no longer work.")
    return redirect("api-clients")
