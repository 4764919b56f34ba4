from django.urls import path, re_path

from bedside.records import api

app_name = "fhir"

TYPE = r"(?P<rtype>[A-Z][A-Za-z]{1,40})"
ID = r"(?P<rid>[A-Za-z0-9\-.]{1,64})"

urlpatterns = [
    path("metadata", api.metadata, name="metadata"),
    path(".well-known/smart-configuration", api.smart_configuration, name="smart-configuration"),
    path("auth/token", api.token, name="token"),
    re_path(rf"^Patient/{ID}/\$everything$", api.everything, name="everything"),
    re_path(rf"^{TYPE}/{ID}$", api.read, name="read"),
    re_path(rf"^{TYPE}/?$", api.search, name="search"),
    re_path(r"^(?P<rest>.*)$", api.unknown),
]
