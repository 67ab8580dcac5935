from django.http import HttpRequest

from ustoo.stories import access


def receipt_session(request: HttpRequest) -> dict[str, bool]:
    """Whether this browser holds statements opened with a receipt: every page then lets the quick
    exit close them, and the author's pages offer to forget them."""
    return {"receipt_session": access.has_receipt_open(request)}
