"""A state or a decision agrees with what it is about (Spanish and Italian give "published" the gender
and number of a story, a campaign or someone's words), so each has its own context; and the Spanish
"Us too" is the movement's own triad."""

import pytest
from django.utils import translation

from ustoo.campaigns.models import DecisionAction
from ustoo.moderation.models import Action
from ustoo.stories.models import Status
from ustoo.upstanders.models import WordsStatus

LABELS = {
    "es": {
        "campaign": ("Publicada", "Rechazada", "Cerrada"),
        "story": ("Publicado", "No publicado", "Rechazado"),
        "words": ("Publicadas", "No publicadas"),
    },
    "it": {
        "campaign": ("Pubblicata", "Rifiutata", "Chiusa"),
        "story": ("Pubblicata", "Non pubblicata", "Rifiutata"),
        "words": ("Pubblicate", "Non pubblicate"),
    },
}


@pytest.mark.parametrize("code", LABELS)
def test_published_and_rejected_agree_with_what_they_are_about(code):
    with translation.override(code):
        campaign = tuple(
            map(str, (DecisionAction.PUBLISH.label, DecisionAction.REJECT.label, DecisionAction.CLOSE.label))
        )
        story = tuple(map(str, (Status.PUBLISHED.label, Status.REJECTED.label, Action.REJECT.label)))
        words = tuple(map(str, (WordsStatus.PUBLISHED.label, WordsStatus.REJECTED.label)))
    assert campaign == LABELS[code]["campaign"]
    assert story == LABELS[code]["story"]
    assert words == LABELS[code]["words"]


def test_us_too_in_spanish_is_the_movements_triad(stranger):
    page = stranger.get("/step-up/", headers={"accept-language": "es"}).content.decode()
    assert "Yo también. Tú también. Nosotras y nosotros también." in page
    assert "Nos toca" not in page
