from django.urls import path

from athletes import phone

app_name = "phone"

urlpatterns = [
    path("", phone.home, name="home"),
    path("log/", phone.log_session, name="log"),
    path("morning/", phone.morning_answer, name="morning"),
    path("check-in/", phone.check_in, name="check-in"),
    path("metronome/", phone.metronome, name="metronome"),
    path("manifest.webmanifest", phone.manifest, name="manifest"),
    path("sw.js", phone.service_worker, name="service-worker"),
    path("link/<str:token>/", phone.open_link, name="open"),
    path("switch/", phone.switch, name="switch"),
]
