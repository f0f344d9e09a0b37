"""Helpers for the audit tests: the events written since a point, read as the clinic would."""

from __future__ import annotations

from itbrehab.accounts.models import Clinic
from itbrehab.audit.selectors import AuditEvent, audit_events_for_clinic


def event_ids(clinic: Clinic) -> set[int]:
    """Return the ids of the clinic's events so far (to diff against after a write)."""
    return {event["id"] for event in audit_events_for_clinic(clinic)}


def events_since(clinic: Clinic, seen: set[int]) -> list[AuditEvent]:
    """Return the clinic's events not in ``seen``, newest first."""
    return [event for event in audit_events_for_clinic(clinic) if event["id"] not in seen]


def only_event_since(clinic: Clinic, seen: set[int]) -> AuditEvent:
    """Return the one event written since ``seen``; fail if there is not exactly one."""
    new = events_since(clinic, seen)
    assert len(new) == 1, new
    return new[0]
