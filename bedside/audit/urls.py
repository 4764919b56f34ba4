from django.urls import path

from bedside.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export_csv, name="export"),
    path("patients/<int:patient_id>/", views.patient_access, name="patient"),
]
