"""The site's URLs, plus the magnitude API router if the main API does not carry it yet."""

from django.urls import path
from ninja import NinjaAPI

from ustoo import api as main_api
from ustoo.magnitude.api import router
from ustoo.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)

if not any(mounted is router for _prefix, mounted in main_api.api._routers):
    test_api = NinjaAPI(urls_namespace="magnitude_test_api", renderer=main_api.OrjsonRenderer())
    test_api.add_exception_handler(main_api.ApiError, main_api._api_error)
    test_api.add_router("/", router)
    urlpatterns.insert(0, path("api/v1/", test_api.urls))
