from django.urls import path

from athletes import rtm_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("athletes/new/", views.athlete_create, name="athlete-create"),
    path("athletes/<int:athlete_id>/", views.athlete_detail, name="athlete"),
    path("athletes/<int:athlete_id>/edit/", views.athlete_edit, name="athlete-edit"),
    path("athletes/<int:athlete_id>/status/", views.athlete_status, name="athlete-status"),
    path("athletes/<int:athlete_id>/decision/", views.athlete_decide, name="athlete-decide"),
    path("athletes/<int:athlete_id>/settings/", views.athlete_settings, name="athlete-settings"),
    path("athletes/<int:athlete_id>/links/", views.athlete_link_create, name="athlete-link-create"),
    path(
        "athletes/<int:athlete_id>/links/<int:link_id>/revoke/",
        views.athlete_link_revoke,
        name="athlete-link-revoke",
    ),
    path("athletes/<int:athlete_id>/sessions/new/", views.session_create, name="session-create"),
    path("athletes/<int:athlete_id>/sessions/import/", views.session_import, name="session-import"),
    path(
        "athletes/<int:athlete_id>/sessions/<int:session_id>/edit/",
        views.session_edit,
        name="session-edit",
    ),
    path(
        "athletes/<int:athlete_id>/sessions/<int:session_id>/delete/",
        views.session_delete,
        name="session-delete",
    ),
    # SPEC §11 remote therapeutic monitoring: management time on the athlete page.
    path("athletes/<int:athlete_id>/rtm-time/", rtm_views.rtm_time_create, name="rtm-time-create"),
    path(
        "athletes/<int:athlete_id>/rtm-time/<int:entry_id>/delete/",
        rtm_views.rtm_time_delete,
        name="rtm-time-delete",
    ),
    path("athletes/<int:athlete_id>/rtm-start/", rtm_views.rtm_start, name="rtm-start"),
    path("reports/rtm/", rtm_views.rtm_report_page, name="rtm-report"),
    path("reports/rtm.csv", rtm_views.rtm_report_csv, name="rtm-report-csv"),
]
