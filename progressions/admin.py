from django.contrib import admin
from django.http import HttpRequest

from progressions.models import StageChange, StageReview


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    """Read-only: the stage history is the clinical record and is never edited."""

    list_display = [
        "effective_date",
        "athlete",
        "from_stage",
        "to_stage",
        "recommendation",
        "changed_by",
        "created_at",
    ]
    list_filter = ["to_stage", "recommendation"]
    list_select_related = ["athlete", "changed_by"]
    search_fields = ["athlete__first_name", "athlete__last_name", "reason"]
    date_hierarchy = "effective_date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # stage changes go through the service, which checks the rules

    def has_change_permission(self, request: HttpRequest, obj: StageChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StageChange | None = None) -> bool:
        return False


@admin.register(StageReview)
class StageReviewAdmin(admin.ModelAdmin):
    list_display = ["week_start", "due_date", "athlete", "decision", "reviewed_by", "reviewed_at"]
    list_filter = ["decision", "week_start"]
    list_select_related = ["athlete", "reviewed_by"]
    search_fields = ["athlete__first_name", "athlete__last_name", "note"]
    date_hierarchy = "week_start"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: StageReview | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: StageReview | None = None) -> bool:
        return False
