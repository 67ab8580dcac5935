"""What campaigns hold about a member, for their export and their account deletion."""

from django.db import transaction
from django.utils import timezone

from ustoo.campaigns import services
from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature, SignatureStatus, Sponsor


def export_campaign_data(member) -> dict:
    address = ConfirmedEmail.objects.filter(member=member).first()
    return {
        "started": [
            {"slug": c.slug, "title": c.title, "status": c.status, "created_at": c.created_at.isoformat()}
            for c in Campaign.objects.filter(starter=member).order_by("created_at")
        ],
        "supported": list(Sponsor.objects.filter(member=member).values_list("campaign__slug", flat=True)),
        "signatures": [
            {
                "campaign": s.campaign.slug,
                "status": s.status,
                "name": s.name,
                "name_shown": s.show_name,
                "email": s.email,
                "country": str(s.country),
                "postcode": s.postcode,
                "reason": s.reason,
                "shown_on_page": s.show_on_page,
                "updates": s.wants_updates,
                "signed_at": s.created_at.isoformat(),
            }
            for s in Signature.objects.filter(member=member).select_related("campaign").order_by("created_at")
        ],
        "signing_email": None
        if address is None
        else {
            "email": address.email,
            "name": address.name,
            "country": str(address.country),
            "confirmed": address.is_confirmed,
        },
    }


def erase_campaign_data(member) -> None:
    """Signatures on open campaigns, and those not counted, are deleted (the counted ones stop
    counting); on closed campaigns counted ones stay counted but are anonymised like every
    signature six months after closing. Campaigns the member started stay, without their starter."""
    now = timezone.now()
    with transaction.atomic():
        for signature in Signature.objects.filter(member=member).select_related("campaign"):
            if signature.status == SignatureStatus.INVALIDATED:
                signature.delete()  # not counted: nothing to move
            elif signature.campaign.accepts_signatures() or signature.status != SignatureStatus.CONFIRMED:
                services.withdraw_signature(signature=signature)
        Signature.objects.filter(member=member).anonymise(now)
        Sponsor.objects.filter(member=member).delete()
        Campaign.objects.filter(starter=member).update(starter=None)
