"""The REST API's routes: ``/api/v1/`` (SPEC §3), its schema and its docs."""

from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from athletes.api import (
    athletes,
    device_links,
    fhir,
    lefs,
    pain_scores,
    rtm_report,
    rtm_time,
    session_files,
    sessions,
)
from itbrehab.accounts.api import TokenView
from itbrehab.api_clients.api import ApiClientViewSet
from itbrehab.api_errors import not_found
from itbrehab.audit.api import AuditEventListView
from itbrehab.webhooks.api import WebhookEndpointViewSet
from progressions import api as progressions_api

router = SimpleRouter(trailing_slash=True)
router.register("athletes", athletes.AthleteViewSet, basename="athlete")
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/sessions",
    sessions.AthleteSessionViewSet,
    basename="athlete-session",
)
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/pain-scores",
    pain_scores.PainScoreViewSet,
    basename="athlete-pain-score",
)
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/stage-changes",
    progressions_api.StageChangeViewSet,
    basename="athlete-stage-change",
)
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/reviews",
    progressions_api.StageReviewViewSet,
    basename="athlete-review",
)
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/device-links",
    device_links.AthleteDeviceLinkViewSet,
    basename="athlete-device-link",
)
router.register("sessions", sessions.SessionViewSet, basename="session")
# SPEC §11 remote therapeutic monitoring: management time.
router.register(
    r"athletes/(?P<athlete_pk>[0-9]+)/rtm-time",
    rtm_time.AthleteRtmTimeViewSet,
    basename="athlete-rtm-time",
)
router.register("rtm-time", rtm_time.RtmTimeViewSet, basename="rtm-time")
router.register("device-links", device_links.DeviceLinkViewSet, basename="device-link")
router.register("api-clients", ApiClientViewSet, basename="api-client")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path(
        "athletes/<int:athlete_pk>/progression/",
        progressions_api.ProgressionView.as_view(),
        name="athlete-progression",
    ),
    path(
        "athletes/<int:athlete_pk>/session-files/",
        session_files.SessionFileView.as_view(),
        name="athlete-session-files",
    ),
    path("athletes/<int:athlete_pk>/fhir/", fhir.AthleteFhirView.as_view(), name="athlete-fhir"),
    path("athletes/<int:athlete_pk>/lefs/", lefs.AthleteLefsView.as_view(), name="athlete-lefs"),
    path("stages/", progressions_api.StageListView.as_view(), name="stage-list"),
    path("audit-events/", AuditEventListView.as_view(), name="audit-event-list"),
    path("reports/rtm/", rtm_report.RtmReportView.as_view(), name="rtm-report"),
    *router.urls,
]

urlpatterns = [
    path("api/v1/", include((v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[]), name="schema"),
    # Under the site's CSP: the init script is fetched from ``/api/docs/?script`` (the split
    # view) rather than inlined, the page's own rules come from a stylesheet, and Swagger
    # UI's stylesheet draws its icons from ``data:`` images, allowed on this page only.
    path(
        "api/docs/",
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="schema", template_name="api/swagger_ui.html", permission_classes=[]
            )
        ),
        name="api-docs",
    ),
    # Anything else under /api/ (with its trailing slash) answers the API's JSON 404.
    re_path(r"^api/(?:[\s\S]*/)?\Z", not_found, name="api-not-found"),
]
