"""The public pages base.html links to, plus the help pages: enough to render them on their own.

The help tests use this instead of the site's urlconf so that they test the help pages alone, whatever
state the rest of the site's URLs are in while moderation is being built.
"""

from django.urls import include, path
from django.views.i18n import set_language

from ustoo.core import views as core_views

urlpatterns = [
    path("", include("ustoo.stories.urls")),
    path("account/", include("ustoo.accounts.urls")),
    path("help/", include("ustoo.moderation.help_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("about/", core_views.about, name="about"),
]
