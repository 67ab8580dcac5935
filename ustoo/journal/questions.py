"""The questions of a journal entry, as lawyers ask them to be written down, and of a witness's note
(the "Document" step of bystander intervention). Their ids are the protocol's (PROTOCOL.md: an
entry's `fields`); their words are shown by the journal page, which hands them to the browser, and by
the paper log printed without JavaScript, so both ask the same."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    id: str
    label: str
    hint: str = ""
    lines: int = 3  # how much room it is given: rows of a text area, ruled lines on paper


_WHEN = Question("when", _("When did it happen?"), _("The date and time, as exactly as you can."), 1)
_WHERE = Question(
    "where", _("Where did it happen?"), _("The place: a building, a room, a street, a website."), 1
)
_WORDS = Question(
    "words_or_acts",
    _("What was said or done?"),
    _("The exact words in quotation marks, if you remember them, and what was done, in order."),
    6,
)

KINDS: dict[str, tuple[Question, ...]] = {
    "incident": (
        _WHEN,
        _WHERE,
        Question("who", _("Who did it?"), _("Names, roles, or what they look like."), 2),
        _WORDS,
        Question("witnesses", _("Who saw or heard it?"), _("Anyone nearby, even if they did nothing."), 2),
        Question(
            "response", _("How did you respond?"), _("What you said or did, even if it was nothing."), 3
        ),
        Question("told", _("Whom have you told?"), _("Who, and when you told them."), 2),
        Question("told_answer", _("What did they answer or do?"), "", 3),
        Question(
            "effects",
            _("How has it affected you?"),
            _("Your health, sleep, work, studies, money: anything it changed."),
            3,
        ),
        Question(
            "retaliation",
            _("Has anything happened to you since, because of it?"),
            _("Being moved, left out, threatened or treated differently after you objected or told."),
            3,
        ),
    ),
    "witness": (
        _WHEN,
        _WHERE,
        Question("who_harmed", _("Who did it?"), _("Names, roles, or what they look like."), 2),
        Question("who_targeted", _("Who was it done to?"), _("A name or a description."), 2),
        _WORDS,
        Question("others_present", _("Who else was there?"), "", 2),
        Question("what_i_did", _("What did you do?"), _("Whether you stepped in, got help, or stayed."), 3),
        Question(
            "after",
            _("What happened afterwards?"),
            _("To the person it was done to, and whether you offered them this record."),
            3,
        ),
    ),
}


def for_browser() -> dict[str, list[dict[str, str | int]]]:
    """The questions in the reader's language, for the page's script."""
    return {
        kind: [
            {
                "id": question.id,
                "label": str(question.label),
                "hint": str(question.hint),
                "lines": question.lines,
            }
            for question in questions
        ]
        for kind, questions in KINDS.items()
    }
