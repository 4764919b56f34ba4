from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from bedside.core.api import api

# The admin signs in through allauth, so MFA and rate limits apply there too.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "bedside practice administration"

handler403 = "bedside.core.views.error_403"
handler404 = "bedside.core.views.error_404"
handler500 = "bedside.core.views.error_500"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("", include("bedside.core.urls")),
    path("consents/", include("bedside.consent.urls")),
    path("access/", include("bedside.accounts.urls")),
    path("reputation/", include("bedside.reputation.urls")),
    path("audit/", include("bedside.audit.urls")),
    path("", include("bedside.messaging.urls")),
    path("", include("bedside.triage.urls")),
    path("fhir/", include("bedside.records.urls")),
    path("", include("bedside.records.web_urls")),
    path("", include("bedside.publishing.urls")),
    path("", include("bedside.moderation.urls")),
    path("", include("bedside.billing.urls")),
    path("followup/", include("bedside.followup.urls")),
]
