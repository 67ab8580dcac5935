from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "ALLOW_INDEXING": settings.ALLOW_INDEXING,
    }
