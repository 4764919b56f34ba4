from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "bedside.records"
    label = "records"
