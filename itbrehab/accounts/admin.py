from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from itbrehab.accounts.models import Clinic, User


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "time_zone",
        "review_weekday",
        "review_hour",
        "review_email_counts_only",
        "therapist_count",
    ]
    list_filter = ["time_zone", "review_weekday"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Clinic]:
        return super().get_queryset(request).annotate(therapist_count=Count("therapists"))

    @admin.display(description="Therapists", ordering="therapist_count")
    def therapist_count(self, clinic: Clinic) -> int:
        return clinic.therapist_count  # type: ignore[attr-defined]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "clinic",
        "is_clinic_admin",
        "is_active",
        "is_staff",
    ]
    list_filter = ["clinic", "is_clinic_admin", "is_active", "is_staff", "is_superuser"]
    list_select_related = ["clinic"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Therapist", {"fields": ("first_name", "last_name", "clinic", "is_clinic_admin")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "clinic", "password1", "password2"),
            },
        ),
    )


# Security keys and passkeys: django-otp-webauthn ships this admin without registering it.
# Registered so a superuser can delete the keys of a therapist who lost them all (as with
# "TOTP devices" and "Static devices"); the admin opens to superusers only
# (itbrehab/admin_site.py), so no therapist sees another's keys here. Public keys are
# hidden (OTP_ADMIN_HIDE_SENSITIVE_DATA).
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)
