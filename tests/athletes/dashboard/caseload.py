"""Helpers shared by the tests in this folder."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from athletes.models import Athlete
from itbrehab.accounts.models import User
from tests.factories import AthleteFactory, SessionLogFactory
from tests.support.clock import days_ago

DASHBOARD = "/dashboard/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "athlete-table"}


def make_athlete(therapist: User, name: str, *, stage_days: int = 20, **fields: Any) -> Athlete:
    first, last = name.split()
    return AthleteFactory(
        therapist=therapist,
        first_name=first,
        last_name=last,
        stage_started_on=days_ago(stage_days),
        **fields,
    )


def make_back_off(athlete: Athlete, *, pain: int = 6) -> None:
    """A walk yesterday that hurt past the ceiling: red flag pain_above_ceiling."""
    SessionLogFactory(athlete=athlete, date=days_ago(1), pain_during=pain, pain_after=pain)


def make_advance(athlete: Athlete) -> None:
    """Two tolerated 30-minute uphill walks this week: the stage-1 gate is met."""
    SessionLogFactory(athlete=athlete, date=days_ago(3))
    SessionLogFactory(athlete=athlete, date=days_ago(1))


def make_hold(athlete: Athlete) -> None:
    """One tolerated walk: no red flag, gate not met yet."""
    SessionLogFactory(athlete=athlete, date=days_ago(2))


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/athletes/\d+/">([^<]+)</a>', html)


def row_of(html: str, name: str) -> str:
    """Return the table row (``<tr …>…</tr>``) of the athlete called ``name``."""
    for row in re.findall(r"<tr class=\"urgency-.*?</tr>", html, flags=re.S):
        if f">{name}</a>" in row:
            return row
    raise AssertionError(f"no row for {name}")


def get(client: Client, query: str = "", **headers: str) -> str:
    response = client.get(DASHBOARD + query, **headers)
    assert response.status_code == 200
    return response.content.decode()
