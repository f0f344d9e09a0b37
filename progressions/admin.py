from django.contrib import admin

from itbrehab.admin_site import ReadOnlyAdminMixin
from progressions.models import StageChange, StageReview


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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


@admin.register(StageReview)
class StageReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reviews are decided on the athlete page or through the API."""

    list_display = ["week_start", "due_date", "athlete", "decision", "reviewed_by", "reviewed_at"]
    list_filter = ["decision", "week_start"]
    list_select_related = ["athlete", "reviewed_by"]
    search_fields = ["athlete__first_name", "athlete__last_name", "note"]
    date_hierarchy = "week_start"
