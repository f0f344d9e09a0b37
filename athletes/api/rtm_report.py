"""``GET /api/v1/reports/rtm/?month=YYYY-MM``: the clinic's monthly RTM report (SPEC §11)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from athletes import rtm
from athletes.rtm_report import RtmReport, parse_month, rtm_report
from athletes.rtm_services import RTM_OFF
from itbrehab.api_errors import errors

CODES = "98977 (16–30 data days), 98985 (2–15)"


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="The period's last day (start + 29 days), in the month.")
    data_days = serializers.IntegerField(
        help_text="Days with a session or check-in the athlete sent (phone or watch file)."
    )
    device_code = serializers.CharField(
        allow_null=True, help_text=f"The device code the data days support: {CODES}; else null."
    )


class ReportPeriodSerializer(PeriodSerializer):
    complete = serializers.SerializerMethodField(
        help_text="Whether the period is over (false: it ends today or later, in clinic "
        "time, and its data days can still grow)."
    )

    def get_complete(self, period: rtm.Period) -> bool:
        return self.context["report"].complete(period)


class ReportRowSerializer(serializers.Serializer):
    athlete = serializers.IntegerField(source="athlete.pk")
    name = serializers.CharField(source="athlete.full_name")
    periods = ReportPeriodSerializer(
        many=True, help_text="The 30-day periods with data that end in the month."
    )
    minutes = serializers.IntegerField(
        source="management.minutes", help_text="Management minutes logged in the calendar month."
    )
    live_call = serializers.BooleanField(
        source="management.live_call", help_text="A live two-way call took place in the month."
    )
    management_codes = serializers.ListField(
        source="management.codes",
        child=serializers.CharField(),
        help_text="98979 (10–19 min; also 20+ min without a live call), 98980 (first 20 min "
        "with a live call), 98981 (each further full 20 min).",
    )
    needs_live_call = serializers.BooleanField(
        source="management.needs_live_call",
        help_text="20+ minutes without a live call: 98980 would need one.",
    )


class RtmReportSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField()
    statement = serializers.CharField(help_text=rtm.CONFIRM_BEFORE_BILLING)
    athletes = ReportRowSerializer(source="rows", many=True)

    def get_month(self, report: RtmReport) -> str:
        return f"{report.month:%Y-%m}"


@extend_schema(
    tags=["remote monitoring"],
    parameters=[
        OpenApiParameter(
            "month",
            OpenApiTypes.STR,
            required=True,
            pattern=r"^\d{4}-\d{2}$",
            description="The calendar month, YYYY-MM.",
        )
    ],
    responses={200: RtmReportSerializer, **errors(400, 401, 403, 429)},
)
class RtmReportView(APIView):
    """Per athlete of the clinic: the month's periods and management time, and the codes
    they support. A clinician must confirm every code before billing.

    403 when the clinic has remote therapeutic monitoring turned off.
    """

    def get(self, request: Request) -> Response:
        try:
            month = parse_month(request.query_params.get("month"))
        except ValueError as error:
            raise serializers.ValidationError({"month": [str(error)]}) from None
        if not request.user.clinic.rtm_enabled:
            raise PermissionDenied(RTM_OFF)
        report = rtm_report(request.user, month)
        return Response(RtmReportSerializer(report, context={"report": report}).data)
