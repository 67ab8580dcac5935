"""The journal in the JSON API, /api/v1/journal/ (PROTOCOL.md, "API"). A journal is named by the header
`Authorization: Journal <lookup id>`; the server keeps only an HMAC of it. Every answer is no-store
(core.middleware)."""

import re
from typing import Annotated

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from ustoo.core.api import (
    INVALID,
    NOT_JSON,
    OTHER_SITE,
    TOO_MANY,
    ApiError,
    json_write,
    rate_limited,
    refusals,
    same_site_write,
)
from ustoo.journal import attachments as attachment_files
from ustoo.journal import authority, log, params, services, timestamps
from ustoo.journal.codec import BadValue, b64u, from_b64u, from_hex
from ustoo.journal.errors import Refused
from ustoo.journal.models import Access, Entry, TreeHead

router = Router(tags=["journal"])

LOOKUP_BYTES = 32
_HEADER = re.compile(r"Journal ([A-Za-z0-9_-]{43})")

# Why each status is answered (the OpenAPI document lists them per operation).
NO_JOURNAL = "No journal has this lookup id (unknown, or a wrong codename or passphrase: the same answer)."
NO_HEADER = "The header `Authorization: Journal <lookup id as base64url>` is missing or malformed."
BAD_VALUE = "A value is not what its description says (base64url, hex, a size); `fields` names it."
TOO_LARGE_JSON = "The body is larger than 1 MiB, or the entry larger than the deployment's limit."
FULL = "The journal, or the request, is over one of the deployment's limits; the message says which."
AUTHORIZATION = {
    "name": "Authorization",
    "in": "header",
    "required": True,
    "description": "`Journal `, then the lookup id derived from the journal's secrets, base64url "
    "(43 characters).",
    "schema": {"type": "string", "pattern": "^Journal [A-Za-z0-9_-]{43}$"},
}


def _answers(
    answers: dict,
    errors: dict[int, str],
    *,
    named: bool = True,
    body: dict | None = None,
    binary_answer: str = "",
) -> dict:
    """refusals(), with the Authorization header, and a body or an answer that is not JSON, documented."""
    documented = refusals(answers, errors)
    extra = documented["openapi_extra"]
    if named:
        extra["parameters"] = [AUTHORIZATION]
    if body:
        extra["requestBody"] = body
    if binary_answer:
        extra["responses"][200] = {
            "description": binary_answer,
            "content": {"application/octet-stream": {"schema": _BINARY}},
        }
    return documented


_BINARY = {"type": "string", "format": "binary"}


def _refused(refusal: Refused | BadValue) -> ApiError:
    if isinstance(refusal, BadValue):
        return ApiError(422, _("Some fields are not valid."), {refusal.field: refusal.message})
    return ApiError(
        refusal.status,
        refusal.message,
        {refusal.field: refusal.message} if refusal.field else None,
        extra=refusal.extra,
    )


def _access(request: HttpRequest) -> Access:
    """The access named by the request's Authorization header: 401 without one, 404 for a lookup id
    the server does not have (the same answer for an unknown journal and a wrong secret)."""
    match = _HEADER.fullmatch(request.headers.get("Authorization", ""))
    if match is None:
        raise ApiError(
            401,
            _("Say which journal: send the header Authorization: Journal <lookup id>."),
            {"Authorization": _("Journal, a space, and the lookup id in base64url (43 characters).")},
            headers={"WWW-Authenticate": "Journal"},
        )
    try:
        from_b64u("Authorization", match[1], size=LOOKUP_BYTES)
    except BadValue as bad:
        raise _refused(bad) from None
    access = services.access_for(match[1])
    if access is None:
        # The one answer whether the journal does not exist or a secret is wrong: the server cannot
        # tell them apart, and says nothing more.
        raise ApiError(404, _("No journal opens with these secrets."))
    return access


B64U = r"^[A-Za-z0-9_-]*$"


class AccessIn(Schema):
    lookup: str = Field(
        ...,
        pattern=B64U,
        min_length=43,
        max_length=43,
        description="The lookup id derived from this secret, base64url (32 bytes).",
    )
    wrapped_key: str = Field(
        ...,
        pattern=B64U,
        min_length=80,
        max_length=80,
        description="nonce(12) || AES-256-GCM(kek, journal key) with its tag: 60 bytes, base64url.",
    )


class JournalIn(Schema):
    accesses: list[AccessIn] = Field(
        ...,
        min_length=1,
        max_length=2,
        description="The codename's (and passphrase's), and a recovery key's.",
    )


class Empty(Schema):
    pass


class EntryOut(Schema):
    seq: int
    ciphertext: str = Field(..., description="base64url")
    commitment: str = Field(..., description="SHA-256 of the committed bytes, lowercase hex")
    token: str = Field(..., description="The RFC 3161 TimeStampResp (DER), base64url")
    leaf_index: int = Field(..., description="The token's place in the log")
    time: str = Field(..., description="The token's time (genTime), ISO 8601 in UTC to the millisecond")
    attachments: list[str] = Field(..., description="The ids of the attachments the entry names")


class AttachmentOut(Schema):
    id: str
    size: int = Field(..., description="Bytes of ciphertext")


class OpenOut(Schema):
    wrapped_key: str = Field(..., description="This access's wrapped journal key, base64url")
    entries: list[EntryOut] = Field(..., description="Every entry, by seq")
    attachments: list[AttachmentOut] = Field(
        ..., description="Every attachment, named by an entry or not yet"
    )


class EntryIn(Schema):
    seq: int = Field(..., ge=1, le=2**31 - 1, description="1 for the first entry, then the next number")
    # No maxLength: a ciphertext over the deployment's limit is answered 413, as PROTOCOL.md says.
    ciphertext: str = Field(
        ...,
        pattern=B64U,
        description="nonce(12) || AES-256-GCM(entry key, padded body) with its tag, base64url; at most "
        "the deployment's limit (its journal page's parameters say it).",
    )
    commitment: str = Field(
        ..., pattern=r"^[0-9a-f]{64}$", description="SHA-256(salt || body), lowercase hex"
    )
    nonce: str | None = Field(
        None,
        pattern=r"^[0-9a-f]{1,32}$",
        description="Optional: up to 128 bits in lowercase hex, copied into the token as its nonce.",
    )
    attachments: list[Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]] = Field(
        default_factory=list,
        max_length=params.ATTACHMENTS_PER_ENTRY,
        description="The ids of the uploaded attachments it names (in clear, so that unnamed ones can go).",
    )


class Stamped(Schema):
    token: str = Field(..., description="The RFC 3161 TimeStampResp (DER), base64url")
    leaf_index: int
    time: str = Field(..., description="The token's time (genTime), ISO 8601 in UTC to the millisecond")


class UploadOut(Schema):
    id: str = Field(..., description="The attachment's id: 32 lowercase hex digits")


class TreeHeadOut(Schema):
    tree_size: int
    timestamp: int = Field(..., description="Milliseconds since 1970-01-01 UTC")
    sha256_root_hash: str = Field(..., description="lowercase hex")
    signature: str = Field(
        ..., description="ECDSA P-256 / SHA-256 over RFC 6962's TreeHeadSignature bytes, DER, base64url"
    )


class ProofOut(Schema):
    leaf_index: int
    audit_path: list[str] = Field(..., description="RFC 6962 §2.1.1, lowercase hex, from the leaf up")


class Certificates(Schema):
    ca: str = Field(..., description="The deployment's CA, PEM")
    tsa: str = Field(..., description="The time-stamping certificate, PEM")
    log: str = Field(..., description="The log's certificate (signs tree heads), PEM")


class ProofsOut(Schema):
    tree_head: TreeHeadOut | None = Field(..., description="The newest published head; null before the first")
    proofs: list[ProofOut]
    pending: list[int] = Field(
        ..., description="Leaves issued after that head: proofs come with the next one"
    )
    certificates: Certificates


class ConsistencyOut(Schema):
    proof: list[str] = Field(..., description="RFC 6962 §2.1.2, lowercase hex")


def _head(head) -> dict:
    return {
        "tree_size": head.tree_size,
        "timestamp": head.timestamp,
        "sha256_root_hash": bytes(head.root_hash).hex(),
        "signature": b64u(bytes(head.signature)),
    }


@router.post(
    "/journal/journals",
    summary="Make a journal",
    **_answers(
        {201: Empty},
        {
            400: "The body is not a JSON object in UTF-8.",
            403: OTHER_SITE,
            409: "These secrets already open a journal.",
            413: TOO_LARGE_JSON,
            415: NOT_JSON,
            422: f"{INVALID} {BAD_VALUE}",
            429: TOO_MANY,
        },
        named=False,
    ),
)
@decorate_view(json_write)
def create_journal(request: HttpRequest, payload: JournalIn):
    """A new, empty journal, opened by each access's lookup id. Nothing links it to anyone."""
    rate_limited(request, "journal_create")
    try:
        accesses = [
            (
                _lookup_id(f"accesses.{i}.lookup", access.lookup),
                from_b64u(f"accesses.{i}.wrapped_key", access.wrapped_key, size=services.WRAPPED_KEY_BYTES),
            )
            for i, access in enumerate(payload.accesses)
        ]
        if len({lookup for lookup, _key in accesses}) != len(accesses):
            raise BadValue("accesses", _("Each access needs its own secret."))
        services.create_journal(accesses)
    except (Refused, BadValue) as refusal:
        raise _refused(refusal) from None
    return Status(201, {})


def _lookup_id(field: str, text: str) -> str:
    from_b64u(field, text, size=LOOKUP_BYTES)
    return text


@router.post(
    "/journal/open",
    summary="Open a journal: its wrapped key, entries and attachments",
    **_answers(
        {200: OpenOut}, {401: NO_HEADER, 403: OTHER_SITE, 404: NO_JOURNAL, 422: BAD_VALUE, 429: TOO_MANY}
    ),
)
# A POST, so that no cache or history keeps it, but it takes no body: what it reads is named by the
# Authorization header, which no other site's page can send without asking first.
@decorate_view(same_site_write(None))
def open_journal(request: HttpRequest):
    """Everything the journal holds, as ciphertext, for the browser to decrypt. Send no body. Counted
    against the opening rate limit before the lookup id is even read."""
    rate_limited(request, "journal_open")
    access = _access(request)
    journal = access.journal
    entries = Entry.objects.filter(journal=journal).select_related("leaf").prefetch_related("attachments")
    return {
        "wrapped_key": b64u(bytes(access.wrapped_key)),
        "entries": [
            {
                "seq": entry.seq,
                "ciphertext": b64u(bytes(entry.ciphertext)),
                "commitment": bytes(entry.commitment).hex(),
                "token": b64u(timestamps.response(bytes(entry.leaf.token))),
                "leaf_index": entry.leaf_id,
                "time": timestamps.iso_utc(timestamps.gen_time(bytes(entry.leaf.token))),
                "attachments": sorted(attachment.pk for attachment in entry.attachments.all()),
            }
            for entry in entries
        ],
        "attachments": [
            {"id": pk, "size": size}
            for pk, size in journal.attachments.order_by("pk").values_list("pk", "size")
        ],
    }


@router.post(
    "/journal/entries",
    summary="Write the next entry and get its time-stamp",
    **_answers(
        {201: Stamped},
        {
            400: "The body is not a JSON object in UTF-8.",
            401: NO_HEADER,
            403: OTHER_SITE,
            404: NO_JOURNAL,
            409: "This entry's seq is already written (a replay): `next_seq` says the next.",
            413: TOO_LARGE_JSON + " " + FULL,
            415: NOT_JSON,
            422: f"{INVALID} {BAD_VALUE} Also a seq that skips one (`next_seq` says the next), or an "
            "attachment that is not the journal's.",
            429: TOO_MANY,
            503: "This app server holds no keys of the deployment's time-stamping authority (its log says "
            "what to do): nothing was kept.",
        },
    ),
)
@decorate_view(json_write)
def write_entry(request: HttpRequest, payload: EntryIn):
    """Keeps the entry and answers its RFC 3161 time-stamp token, appended to the public log. Entries
    are numbered 1, 2, 3, …: an entry already written is never overwritten (409)."""
    rate_limited(request, "journal_entry")
    access = _access(request)
    try:
        ciphertext = from_b64u("ciphertext", payload.ciphertext)
        commitment = from_hex("commitment", payload.commitment, size=32)
        written = services.write_entry(
            journal=access.journal,
            seq=payload.seq,
            ciphertext=ciphertext,
            commitment=commitment,
            nonce=int(payload.nonce, 16) if payload.nonce else None,
            attachment_ids=payload.attachments,
        )
    except (Refused, BadValue) as refusal:
        raise _refused(refusal) from None
    except authority.Unavailable:
        raise ApiError(
            503,
            _(
                "The server cannot time-stamp entries at the moment: nothing was kept. Try again later; "
                "what the journal already holds is safe."
            ),
        ) from None
    return Status(
        201,
        {
            "token": b64u(timestamps.response(written.issued.token)),
            "leaf_index": written.entry.leaf_id,
            "time": timestamps.iso_utc(written.issued.time),
        },
    )


@router.post(
    "/journal/attachments",
    summary="Upload an attachment's ciphertext",
    **_answers(
        {201: UploadOut},
        {
            400: "The upload ended before its Content-Length.",
            401: NO_HEADER,
            403: OTHER_SITE,
            404: NO_JOURNAL,
            411: "No Content-Length: uploads say their length.",
            413: "Larger than the deployment's limit for an attachment, or the journal is full (count, "
            "bytes).",
            415: "The body is not declared as `application/octet-stream`.",
            422: "The length is not that of an attachment's ciphertext (28 bytes more than a multiple of "
            "64 KiB).",
            429: TOO_MANY,
            507: "The server could not store it (its disk may be full): nothing was kept.",
        },
        body={"required": True, "content": {"application/octet-stream": {"schema": _BINARY}}},
    ),
)
@decorate_view(same_site_write("application/octet-stream"))
def upload_attachment(request: HttpRequest):
    """The body is the ciphertext itself. An attachment no entry names within a day is deleted."""
    rate_limited(request, "journal_attachment")
    access = _access(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        raise ApiError(
            411,
            _("Say the upload's length: send the header Content-Length."),
            {"Content-Length": _("Missing.")},
        ) from None
    try:
        attachment = services.store_attachment(access.journal, request, length)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, {"id": attachment.pk})


AttachmentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The attachment's id")]


@router.get(
    "/journal/attachments/{attachment_id}",
    summary="An attachment's ciphertext",
    **_answers(
        {},
        {401: NO_HEADER, 404: NO_JOURNAL + " Or no such attachment in it.", 422: INVALID},
        binary_answer="The ciphertext, as uploaded",
    ),
)
def read_attachment(request: HttpRequest, attachment_id: AttachmentId):
    access = _access(request)
    if not access.journal.attachments.filter(pk=attachment_id).exists():
        raise ApiError(404, _("This journal has no such attachment."))
    return FileResponse(attachment_files.read(attachment_id), content_type="application/octet-stream")


@router.post(
    "/journal/accesses",
    summary="Add a way in (a recovery key, or a new passphrase)",
    **_answers(
        {201: Empty},
        {
            400: "The body is not a JSON object in UTF-8.",
            401: NO_HEADER,
            403: OTHER_SITE,
            404: NO_JOURNAL,
            409: "These secrets already open a journal, or the journal has 8 ways in already.",
            413: TOO_LARGE_JSON,
            415: NOT_JSON,
            422: f"{INVALID} {BAD_VALUE}",
            429: TOO_MANY,
        },
    ),
)
@decorate_view(json_write)
def add_access(request: HttpRequest, payload: AccessIn):
    rate_limited(request, "journal_create")
    access = _access(request)
    try:
        services.add_access(
            access.journal,
            _lookup_id("lookup", payload.lookup),
            from_b64u("wrapped_key", payload.wrapped_key, size=services.WRAPPED_KEY_BYTES),
        )
    except (Refused, BadValue) as refusal:
        raise _refused(refusal) from None
    return Status(201, {})


@router.delete(
    "/journal/accesses/current",
    summary="Remove the way in this request used",
    **_answers(
        {204: None},
        {
            401: NO_HEADER,
            403: OTHER_SITE,
            404: NO_JOURNAL,
            409: "It is the journal's only way in.",
            422: BAD_VALUE,
        },
    ),
)
@decorate_view(same_site_write(None))
def remove_access(request: HttpRequest):
    """Refused while it is the only one: add the new way in first, then remove the old."""
    access = _access(request)
    try:
        services.remove_access(access)
    except Refused as refusal:
        raise _refused(refusal) from None
    return Status(204, None)


@router.get(
    "/journal/proofs",
    summary="Inclusion proofs of the journal's tokens, against the newest published tree head",
    **_answers({200: ProofsOut}, {401: NO_HEADER, 404: NO_JOURNAL, 422: BAD_VALUE}),
)
def proofs(request: HttpRequest):
    """What the evidence bundle needs besides the entries: the newest signed tree head, the audit path
    of each token issued before it, the leaves still pending, and the certificates to check them."""
    access = _access(request)
    indexes = list(
        Entry.objects.filter(journal=access.journal).order_by("seq").values_list("leaf_id", flat=True)
    )
    head = log.latest_head()
    size = head.tree_size if head else 0
    included = [index for index in indexes if index < size]
    paths = log.audit_paths(included, size) if included else {}
    deployment = authority.current()
    return {
        "tree_head": _head(head) if head else None,
        "proofs": [{"leaf_index": i, "audit_path": [h.hex() for h in paths[i]]} for i in included],
        "pending": [index for index in indexes if index >= size],
        "certificates": {name: deployment.pem(name) for name in ("ca", "tsa", "log")},
    }


@router.delete(
    "/journal/journals/current",
    summary="Delete the journal: its entries, attachments and ways in",
    **_answers({204: None}, {401: NO_HEADER, 403: OTHER_SITE, 404: NO_JOURNAL, 422: BAD_VALUE}),
)
@decorate_view(same_site_write(None))
def delete_journal(request: HttpRequest):
    """Gone at once, files included. Its tokens stay in the public log: they hold only commitments."""
    services.delete_journal(_access(request).journal)
    return Status(204, None)


HEADS_PER_PAGE = 100


class TreeHeadPage(Schema):
    heads: list[TreeHeadOut] = Field(..., description="At most 100, newest first")
    next: str | None = Field(..., description="Pass as ?before= for the next, older page; null on the last.")


# A page token is the number of the last head shown (heads are never deleted: it stays good).
HeadToken = Annotated[
    str,
    Query(
        pattern=r"^[1-9][0-9]{0,17}$",
        description="The `next` of the page before, to read older heads; leave out for the newest.",
    ),
]


@router.get(
    "/journal/log/heads",
    summary="The published signed tree heads, newest first, a page at a time",
    **refusals(
        {200: TreeHeadPage},
        {
            400: "`before` is not a page token from an earlier answer; `fields` names it.",
            422: f"{INVALID} `before` is not a page token.",
        },
    ),
)
def tree_heads(request: HttpRequest, before: HeadToken = ""):
    after = None
    if before:
        after = TreeHead.objects.filter(pk=int(before)).first()
        if after is None:
            raise ApiError(
                400, _("Some fields are not valid."), {"before": _("This is not a page token from us.")}
            )
    page = log.heads_page(size=HEADS_PER_PAGE, after=after)
    return {
        "heads": [_head(head) for head in page.heads],
        "next": str(page.next_after.pk) if page.next_after else None,
    }


class ConsistencyQuery(Schema):
    first: int = Field(..., ge=1, le=2**63 - 1, description="The smaller tree size")
    second: int = Field(
        ..., ge=1, le=2**63 - 1, description="The larger tree size, at most the newest head's"
    )


@router.get(
    "/journal/log/consistency",
    summary="A consistency proof between two tree sizes (RFC 6962 §2.1.2)",
    **refusals(
        {200: ConsistencyOut}, {422: INVALID + " Or the sizes are out of order or beyond the newest head."}
    ),
)
def consistency(request: HttpRequest, query: Query[ConsistencyQuery]):
    head = log.latest_head()
    newest = head.tree_size if head else 0
    if query.second > newest:
        message = ngettext(
            "The newest published tree head has %(size)s leaf.",
            "The newest published tree head has %(size)s leaves.",
            newest,
        ) % {"size": newest}
        raise ApiError(422, message, {"second": message})
    if query.first > query.second:
        message = _("This must not be larger than second.")
        raise ApiError(422, message, {"first": message})
    return {"proof": [h.hex() for h in log.consistency_proof(query.first, query.second)]}
