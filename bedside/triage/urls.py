from django.urls import path

from bedside.triage import views

app_name = "triage"

urlpatterns = [
    path("metrics/", views.metrics, name="metrics"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<int:pk>/cancel/", views.coverage_cancel, name="coverage_cancel"),
]
