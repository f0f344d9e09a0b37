from django.urls import path

from athletes import phone

app_name = "phone"

urlpatterns = [
    path("", phone.home, name="home"),
    path("link/<str:token>/", phone.open_link, name="open"),
]
