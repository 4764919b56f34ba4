from django.urls import path

from bedside.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
