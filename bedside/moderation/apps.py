from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "bedside.moderation"
    label = "moderation"
    verbose_name = "Comments and moderation"
