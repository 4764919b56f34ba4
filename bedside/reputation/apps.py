from django.apps import AppConfig


class ReputationConfig(AppConfig):
    name = "bedside.reputation"
    label = "reputation"
    verbose_name = "Reputation"
