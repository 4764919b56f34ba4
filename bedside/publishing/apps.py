from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "bedside.publishing"
    label = "publishing"
    verbose_name = "Public presence"
