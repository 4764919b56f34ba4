from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "bedside.triage"
    label = "triage"
