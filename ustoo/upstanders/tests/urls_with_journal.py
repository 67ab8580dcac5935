"""The site's URLs with a page at /journal/, as the journal app will serve it."""

from django.http import HttpResponse
from django.urls import path

from ustoo.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("journal/", lambda request: HttpResponse("journal"), name="journal")]
