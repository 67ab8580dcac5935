"""The public page of the time-stamp log, /journal/log/: every signed tree head, and the certificates
that let anyone check a token or a head against this site's. Nothing on it is about anyone."""

import datetime

from cryptography.hazmat.primitives import hashes
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ustoo.journal import authority, log

HEADS_PER_PAGE = 50


def _chunks(text: str, size: int = 16) -> list[str]:
    """Long hex in pieces, so that a narrow screen can wrap it where the template puts <wbr>."""
    return [text[i : i + size] for i in range(0, len(text), size)]


@require_safe
def tree_heads(request: HttpRequest) -> HttpResponse:
    page = Paginator(log.published_heads(), HEADS_PER_PAGE).get_page(request.GET.get("page"))
    heads = [
        {
            "published": datetime.datetime.fromtimestamp(head.timestamp / 1000, tz=datetime.UTC),
            "tree_size": head.tree_size,
            "root": _chunks(bytes(head.root_hash).hex()),
        }
        for head in page
    ]
    deployment = authority.current()
    certificates = [
        {
            "name": name,
            # In pieces of 8 bytes, where the template lets a narrow screen wrap it.
            "fingerprint": _chunks(deployment_certificate.fingerprint(hashes.SHA256()).hex(":"), 24),
            "pem": deployment.pem(name),
        }
        for name, deployment_certificate in (
            ("ca", deployment.ca),
            ("tsa", deployment.tsa),
            ("log", deployment.log),
        )
    ]
    return render(request, "journal/log.html", {"page": page, "heads": heads, "certificates": certificates})
