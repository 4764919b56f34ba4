from django.apps import AppConfig


class MailConfig(AppConfig):
    """No models of its own: an app so that `manage.py smtpd` and the Huey tasks are discovered."""

    name = "bedside.records.mail"
    label = "records_mail"
    verbose_name = "Inbound mail"
