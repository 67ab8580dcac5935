"""The only ways a view reaches a story or statement: one place per permission rule."""

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone

from ustoo.core import keys, receipts
from ustoo.stories.models import Statement, Story

_UNLOCKED = "receipt_statements"


def get_story_for_reader(request: HttpRequest, story_id: int) -> Story:
    """A published story this reader may read, or 404 (the same 404 whether it exists or not)."""
    try:
        return Story.objects.visible_to(request.user).select_related("statement").get(pk=story_id)
    except Story.DoesNotExist:
        raise Http404 from None


def statements_for_author(request: HttpRequest):
    """Statements this visitor may manage: their member statements, named or anonymous, and those
    unlocked with a receipt in this browser session."""
    unlocked = request.session.get(_UNLOCKED, []) if hasattr(request, "session") else []
    queryset = Statement.objects.none()
    if request.user.is_authenticated:
        queryset = Statement.objects.owned_by_member(request.user)
    if unlocked:
        queryset = queryset | Statement.objects.filter(
            pk__in=unlocked, receipt_hash__isnull=False, receipt_blocked=False
        )
    return queryset


def get_statement_for_author(request: HttpRequest, statement_id: int) -> Statement:
    try:
        return statements_for_author(request).get(pk=statement_id)
    except Statement.DoesNotExist:
        raise Http404 from None


def get_story_for_author(request: HttpRequest, statement_id: int) -> Story:
    statement = get_statement_for_author(request, statement_id)
    try:
        return Story.objects.select_related("statement").get(statement=statement)
    except Story.DoesNotExist:
        raise Http404 from None


def unlock_with_receipt(request: HttpRequest, receipt: str) -> Statement | None:
    """Open the statement this receipt belongs to for the rest of the browser session.

    A wrong receipt and an unknown one are indistinguishable: both simply find nothing."""
    statement = find_statement_by_receipt(receipt)
    if statement is None:
        return None
    request.session.cycle_key()
    unlocked = set(request.session.get(_UNLOCKED, []))
    unlocked.add(statement.pk)
    request.session[_UNLOCKED] = sorted(unlocked)
    return statement


def find_statement_by_receipt(receipt: str) -> Statement | None:
    """The statement a receipt opens: not one stopped by a ban, nor one past the receipt lifetime."""
    if not receipts.looks_like_receipt(receipt):
        return None
    statements = Statement.objects.filter(receipt_hash=receipts.receipt_hash(receipt), receipt_blocked=False)
    if settings.RECEIPT_LIFETIME_DAYS:
        oldest = timezone.now() - datetime.timedelta(days=settings.RECEIPT_LIFETIME_DAYS)
        statements = statements.filter(created_at__gte=oldest)
    return statements.first()


def remember_receipt_statement(request: HttpRequest, statement: Statement) -> None:
    """Right after speaking, the same browser session may manage what it just said."""
    unlocked = set(request.session.get(_UNLOCKED, []))
    unlocked.add(statement.pk)
    request.session[_UNLOCKED] = sorted(unlocked)


def forget_statement(request: HttpRequest, statement_id: int) -> None:
    unlocked = [pk for pk in request.session.get(_UNLOCKED, []) if pk != statement_id]
    if unlocked:
        request.session[_UNLOCKED] = unlocked
    else:
        request.session.pop(_UNLOCKED, None)


def has_receipt_open(request: HttpRequest) -> bool:
    """Whether this browser session holds statements opened with a receipt. Without a session cookie
    the session is not touched, so pages for everyone do not vary by cookie."""
    if not hasattr(request, "session"):
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not request.session.modified:
        return False
    return bool(request.session.get(_UNLOCKED))


def forget_receipts(request: HttpRequest) -> None:
    """Close every statement a receipt opened in this browser session. Without an account the whole
    session goes (its solidarity key too); a member stays logged in."""
    if request.user.is_authenticated:
        request.session.pop(_UNLOCKED, None)
        request.session.cycle_key()
    else:
        request.session.flush()


def responder_key(request: HttpRequest) -> bytes:
    """Who is answering, as a keyed hash: the member, or else this browser session."""
    if request.user.is_authenticated:
        identity = f"member:{request.user.pk}"
    else:
        if request.session.session_key is None:
            request.session["solidarity"] = True
            request.session.save()
        identity = f"session:{request.session.session_key}"
    return keys.keyed_hash("responder", identity)


def member_responder_key(member_id: int) -> bytes:
    return keys.keyed_hash("responder", f"member:{member_id}")
