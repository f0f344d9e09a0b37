from django.urls import path

from athletes import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
