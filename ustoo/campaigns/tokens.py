"""The links in campaign e-mails: signed (they cannot be forged), some expiring, and single use
where they carry a nonce that the database forgets once the link has served."""

from django.core import signing


class BadLink(Exception):
    """The link was altered, is for something else, or is not a link at all."""


class ExpiredLink(Exception):
    """The link is genuine but too old."""


def make(purpose: str, pk: int, secret: str) -> str:
    return signing.dumps([pk, secret], salt=f"ustoo.campaigns.{purpose}", compress=False)


def read(purpose: str, token: str, *, max_age_seconds: int | None = None) -> tuple[int, str]:
    """The (id, secret) a link carries. The caller compares the secret with the stored one, so a
    used link (whose secret was emptied or replaced) finds nothing."""
    try:
        pk, secret = signing.loads(token, salt=f"ustoo.campaigns.{purpose}", max_age=max_age_seconds)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink from None
    if not isinstance(pk, int) or not isinstance(secret, str) or not secret:
        raise BadLink
    return pk, secret
