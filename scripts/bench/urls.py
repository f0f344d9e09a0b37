"""The app's URLs plus the benchmark's floor views under ``/bench/floor/`` (bench only)."""

from django.urls import include, path

from scripts.bench import floor

urlpatterns = [
    path("bench/floor/dashboard/", floor.dashboard),
    path("bench/floor/athlete/<int:athlete_id>/", floor.athlete),
    path("bench/floor/sessions/", floor.session_create),
    path("", include("itbrehab.urls")),
]
