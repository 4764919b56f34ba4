from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "bedside.messaging"
    label = "messaging"
