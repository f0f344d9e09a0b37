"""The phone's addresses under /m/: the link exchange, the pages and the web app files."""

from django.urls import path

from athletes.phone import access, lefs, views

app_name = "phone"

urlpatterns = [
    path("", views.home, name="home"),
    path("log/", views.log_session, name="log"),
    path("log/import/", views.import_watch_file, name="log-import"),
    path("morning/", views.morning_answer, name="morning"),
    path("check-in/", views.check_in, name="check-in"),
    path("metronome/", views.metronome, name="metronome"),
    path("questionnaire/", lefs.questionnaire, name="questionnaire"),
    path("questionnaire/done/", lefs.questionnaire_done, name="questionnaire-done"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("link/<str:token>/", access.open_link, name="open"),
    path("switch/", access.switch, name="switch"),
]
