from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "bedside.consent"
    label = "consent"
