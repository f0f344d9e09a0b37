"""The knee questionnaire on the phone: the LEFS one item a screen (SPEC §11).

Offered from the home page when due (at the start, then every 4 weeks) or started and not
finished. Each screen shows one item with the five answers as large buttons; each answer
is a plain form POST (no script), saved at once, and the phone goes on to the first item
not answered yet, so closing the page and coming back continues where the athlete left
off. "Back" shows the previous item with its answer marked, to change it. The twentieth
answer completes the response and shows the total. Nothing is written before the first
answer, and nothing of the answers appears in an address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from athletes.lefs import ANSWER_LABELS, ITEM_COUNT, ITEMS, QUESTION, TOTAL_MAX
from athletes.lefs import services as lefs_services
from athletes.lefs.selectors import LefsState, lefs_state
from athletes.models import LefsResponse, LefsSource
from athletes.phone.access import PhoneRequest, phone_login_required, post_for_another_athlete

CHOOSE_AN_ANSWER = "That did not save: choose one of the five answers."


@never_cache
@require_http_methods(["GET", "POST"])
@phone_login_required
def questionnaire(request: PhoneRequest) -> HttpResponse:
    """Show one item (GET; ``?item=`` to go back) or save the answer to one (POST).

    Not offered (nothing unfinished and not due): back to the home page. A post that is
    not one item and one answer is shown the same item again with the message, 400, and
    saves nothing.
    """
    athlete = request.phone_athlete
    state = lefs_state(athlete)
    if not state.offer:
        return redirect("phone:home")
    response = state.open_response
    if request.method == "POST":
        if conflict := post_for_another_athlete(request):
            return conflict
        if not request.POST.get("athlete"):
            return redirect(f"{reverse('phone:home')}?error=stale")
        item, answer = _whole(request.POST.get("item")), _whole(request.POST.get("answer"))
        if item is None or not 1 <= item <= ITEM_COUNT:
            return _item_page(request, state, _first_unanswered(response), error=True)
        if answer is None:
            return _item_page(request, state, item, error=True)
        response = response or lefs_services.lefs_start(athlete=athlete, source=LefsSource.PHONE)
        try:
            lefs_services.lefs_answer(response=response, item=item, answer=answer)
        except ValidationError:
            return _item_page(request, state, item, error=True)
        if _first_unanswered(response) > ITEM_COUNT:
            lefs_services.lefs_complete(response=response)
            return redirect("phone:questionnaire-done")
        return redirect("phone:questionnaire")
    first_open = _first_unanswered(response)
    wanted = _whole(request.GET.get("item"))
    # Back to any item already answered, or on to the first one that is not: no skipping.
    item = wanted if wanted is not None and 1 <= wanted <= first_open else first_open
    return _item_page(request, state, min(item, ITEM_COUNT))


@never_cache
@require_GET
@phone_login_required
def questionnaire_done(request: PhoneRequest) -> HttpResponse:
    """Thank the athlete and show the total of the questionnaire just completed."""
    athlete = request.phone_athlete
    state = lefs_state(athlete)
    if state.last_completed is None:
        return redirect("phone:home")
    return render(
        request,
        "athletes/phone/lefs_done.html",
        {"athlete": athlete, "total": state.last_completed.total, "total_max": TOTAL_MAX},
    )


def _item_page(
    request: PhoneRequest, state: LefsState, item: int, *, error: bool = False
) -> HttpResponse:
    """Render item ``item`` (1–20) with its saved answer marked; 400 with ``error``."""
    response = state.open_response
    chosen = response.answers[item - 1] if response is not None else None
    return render(
        request,
        "athletes/phone/lefs.html",
        {
            "athlete": request.phone_athlete,
            "question": QUESTION,
            "item": item,
            "item_text": ITEMS[item - 1],
            "item_count": ITEM_COUNT,
            "answers": [(value, label, value == chosen) for value, label in ANSWER_LABELS.items()],
            "previous": item - 1 if item > 1 else None,
            "error": CHOOSE_AN_ANSWER if error else "",
        },
        status=400 if error else 200,
    )


def _first_unanswered(response: LefsResponse | None) -> int:
    """Return the first item (1–20) without an answer; ``ITEM_COUNT`` + 1 when all have one."""
    if response is None:
        return 1
    return next((i for i, a in enumerate(response.answers, start=1) if a is None), ITEM_COUNT + 1)


def _whole(value: str | None) -> int | None:
    """Return ``value`` as a whole number, or None when it is not one."""
    try:
        return int(value or "")
    except ValueError:
        return None
