from django.urls import include, path
from django.views.i18n import set_language

from ustoo.api import api
from ustoo.core import script_text
from ustoo.core import views as core_views

# The API and the health check come first: they are the most frequent requests, and every pattern
# tried before a match costs a regular expression.
urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots_txt"),
    path("", include("ustoo.stories.urls")),
    path("account/", include("ustoo.accounts.urls")),
    path("help/", include("ustoo.moderation.help_urls")),
    path("moderate/campaigns/", include("ustoo.campaigns.moderation_urls")),
    path("moderate/upstanders/", include("ustoo.upstanders.moderation_urls")),
    path("moderate/", include("ustoo.moderation.urls")),
    path("flag/", include("ustoo.moderation.flag_urls")),
    path("magnitude/", include("ustoo.magnitude.urls")),
    path("movement/", include("ustoo.movement.urls")),
    path("campaigns/", include("ustoo.campaigns.urls")),
    path("matching/", include("ustoo.matching.urls")),
    path("journal/", include("ustoo.journal.log_urls")),
    path("journal/", include("ustoo.journal.urls")),
    path("step-up/", include("ustoo.upstanders.urls")),
    path("language/", core_views.language, name="language"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/script-words/<str:language>.js", script_text.catalogue, name="script_words"),
    path("about/", core_views.about, name="about"),
    path("privacy/", core_views.privacy, name="privacy"),
    # Linked from the forms where people speak and reply: keep these names.
    path("terms/", core_views.terms, name="terms"),
    path("guidelines/", core_views.guidelines, name="guidelines"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("contact/", core_views.contact, name="contact"),
    path("contact/sent/", core_views.contact_sent, name="contact_sent"),
]

handler400 = "ustoo.core.views.bad_request"
handler403 = "ustoo.core.views.permission_denied"
handler404 = "ustoo.core.views.not_found"
handler500 = "ustoo.core.views.server_error"
