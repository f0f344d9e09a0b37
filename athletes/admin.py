from django.contrib import admin
from django.http import HttpRequest

from athletes.models import Athlete, PainScore, SessionLog
from itbrehab.admin_site import ReadOnlyAdminMixin


@admin.register(Athlete)
class AthleteAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "clinic",
        "therapist",
        "stage",
        "stage_started_on",
        "status",
        "affected_side",
    ]
    list_filter = ["status", "stage", "clinic", "affected_side"]
    list_select_related = ["clinic", "therapist"]
    search_fields = ["first_name", "last_name", "email"]
    date_hierarchy = "stage_started_on"

    def get_readonly_fields(self, request: HttpRequest, obj: Athlete | None = None) -> list[str]:
        # The stage is set on arrival; afterwards it moves only through recorded stage
        # changes, never by editing the row.
        changes = ["stage_changed_at", "stage_entry_session"]  # written by stage changes only
        if obj is None:
            return [*changes, "created_at", "updated_at"]
        return ["stage", "stage_started_on", *changes, "created_at", "updated_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Athlete | None = None) -> bool:
        return False  # Athletes are never deleted: discharge them.


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: a session is corrected on the athlete page, where the checks run."""

    list_display = [
        "date",
        "athlete",
        "activity",
        "terrain",
        "surface",
        "duration_min",
        "pain_during",
        "pain_after",
        "pain_next_morning",
        "stopped_early",
        "source",
    ]
    list_filter = ["activity", "terrain", "surface", "intensity", "stopped_early", "source"]
    list_select_related = ["athlete"]
    search_fields = ["athlete__first_name", "athlete__last_name", "notes"]
    date_hierarchy = "date"
    raw_id_fields = ["athlete"]


@admin.register(PainScore)
class PainScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: check-ins come from the athlete's phone or the API."""

    list_display = ["date", "athlete", "score", "context"]
    list_filter = ["context"]
    list_select_related = ["athlete"]
    search_fields = ["athlete__first_name", "athlete__last_name"]
    date_hierarchy = "date"
    raw_id_fields = ["athlete"]
