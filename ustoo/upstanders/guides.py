"""The five ways of stepping in, written for this site: what each is, when it fits, how to do it
safely, and an example in each of the places where harassment happens. The guide pages and the
"I stepped up" form read them from here."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ustoo.upstanders.models import Approach

# The places each way is shown in, in the order the guides list them.
EXAMPLE_PLACES = (
    ("street", _("In the street or on public transport")),
    ("work", _("At work")),
    ("school", _("At school or university")),
    ("online", _("Online")),
    ("home", _("At home or in the family")),
)

APPROACH_SUMMARY = {
    Approach.DISTRACT: _("I interrupted, without confronting anyone"),
    Approach.DELEGATE: _("I got someone else to help"),
    Approach.DOCUMENT: _("I recorded what happened, for the person targeted"),
    Approach.DELAY: _("I checked on the person afterwards"),
    Approach.DIRECT: _("I told the person doing it to stop"),
}


@dataclass(frozen=True)
class Way:
    """One of the five Ds."""

    slug: str
    name: Promise
    what: Promise
    when: Promise
    steps: tuple[Promise, ...]
    careful: Promise
    examples: dict[str, Promise]


FIVE_DS = (
    Way(
        slug=Approach.DISTRACT,
        name=Approach.DISTRACT.label,
        what=_(
            "Interrupt what is happening without mentioning it. You break the moment, so the person being "
            "targeted can move away or get help."
        ),
        when=_("When speaking up could make things worse, or you are not sure it is safe to."),
        steps=(
            _("Talk to the person being targeted about anything: ask the time, the way, which stop this is."),
            _("Act as if you know them, and stay with them until the moment has passed."),
            _("If it is safe, stand or sit between them and the person doing it."),
            _("Make a small interruption: drop your keys, spill a drink, ask a loud question."),
        ),
        careful=_("You do not have to say anything about the harassment: breaking the moment is enough."),
        examples={
            "street": _(
                "On a bus, a man keeps pressing against a passenger who looks frozen. You move next to her "
                "and ask whether this is the stop for the market, and keep talking until her stop."
            ),
            "work": _(
                "At after-work drinks, a colleague has cornered a new intern. You walk over with two "
                "glasses: "
                "“There you are, the others are asking for you.”"
            ),
            "school": _(
                "In a corridor, a group circles a student and comments on their body. You call the student "
                "by name as if you had been looking for them: “Quick, we are late for class.”"
            ),
            "online": _(
                "In a group chat, someone starts posting sexual comments about a classmate. You post a "
                "question about something else so the thread moves on, then write to the classmate privately."
            ),
            "home": _(
                "At a family meal, an uncle keeps touching your cousin while she pulls away. You ask her to "
                "come and help you in the kitchen."
            ),
        },
    ),
    Way(
        slug=Approach.DELEGATE,
        name=Approach.DELEGATE.label,
        what=_(
            "Get help from someone better placed to act: a driver, a manager, a security guard, a teacher, "
            "a moderator, or a friend of the person being targeted."
        ),
        when=_("When someone else has more power to stop it, or you cannot act safely yourself."),
        steps=(
            _("If you can, ask the person being targeted first: “Do you want me to get someone?”"),
            _("Tell the person you ask exactly what is happening, and where."),
            _("If someone is in danger now, call the emergency number and say so."),
            _("Stay nearby if it is safe, so the person targeted is not left alone."),
        ),
        careful=_("Asking for help is acting: it is often the safest and most effective thing to do."),
        examples={
            "street": _(
                "You go to the bus driver and say quietly: “The man in the grey jacket at the back keeps "
                "touching the woman next to him.”"
            ),
            "work": _(
                "You tell your manager, or the person your workplace names for this, what you saw in the "
                "meeting, and ask what they will do about it."
            ),
            "school": _("You tell a teacher or a counsellor what you saw in the changing room, and when."),
            "online": _(
                "You report the posts and the account with the platform's harassment report, and alert the "
                "group's moderators."
            ),
            "home": _(
                "You call a domestic violence helpline to ask how to help a relative; if someone is in "
                "danger now, you call the emergency number."
            ),
        },
    ),
    Way(
        slug=Approach.DOCUMENT,
        name=Approach.DOCUMENT.label,
        what=_(
            "Record what is happening, from a safe distance, so the person targeted has evidence if they "
            "ever want it."
        ),
        when=_(
            "When someone else is already helping, or the person targeted is not in immediate danger. If "
            "nobody is helping, use another D first."
        ),
        steps=(
            _("Keep a safe distance. Say the date, time and place aloud, or note them."),
            _("Film the person doing it, not the face of the person targeted."),
            _("Afterwards, ask the person targeted what they want done with it, and give it to them."),
            _("Never post it or share it without their consent: it is theirs to use or delete."),
        ),
        careful=_("A recording posted without consent can harm the person targeted a second time."),
        examples={
            "street": _(
                "While another passenger is talking with the woman being harassed, you film the man "
                "shouting at her, saying the line and the time aloud, and then offer her the video."
            ),
            "work": _(
                "You keep the messages a manager sent to the team, with their dates, and offer copies to the "
                "colleague they were about."
            ),
            "school": _(
                "You take screenshots of comments posted about a classmate in a class forum, and give them "
                "to "
                "the classmate."
            ),
            "online": _(
                "Before they can be deleted, you take screenshots showing the account, the date and the "
                "messages, and send them privately to the person targeted."
            ),
            "home": _(
                "You write down what you heard through the wall, with the date and time, and let your "
                "neighbour know, when you can do so safely, that you have it if they ever want it."
            ),
        },
    ),
    Way(
        slug=Approach.DELAY,
        name=Approach.DELAY.label,
        what=_(
            "When it is over, go to the person who was targeted. It is never too late to show you are with "
            "them."
        ),
        when=_("When you could not act in the moment, or it happened too fast. And after any other D."),
        steps=(
            _("Ask whether they are all right, and what they need."),
            _("Offer to stay with them, walk with them, or help them reach someone."),
            _("Tell them what you saw, if they want to know, and that it was not their fault."),
            _("Respect it if they do not want to talk."),
        ),
        careful=_("Many people say the worst part was that nobody did anything. Checking in changes that."),
        examples={
            "street": _(
                "After the man gets off the train, you sit by the woman he was harassing: “That was not "
                "okay. "
                "Are you all right? Can I do anything?”"
            ),
            "work": _(
                "After a meeting where a colleague was the target of sexual jokes, you go to their desk, say "
                "it was not acceptable, and that you will back them up if they report it."
            ),
            "school": _(
                "You message a classmate after class: “I saw what they did at lunch. Do you want to talk, or "
                "go and see someone together?”"
            ),
            "online": _(
                "You write privately to the person targeted: “I saw those replies. You did not deserve that. "
                "I reported them. Can I help with anything?”"
            ),
            "home": _(
                "The day after a family gathering, you call your cousin to say you saw how your uncle "
                "treated "
                "her, that it was wrong, and that you believe her."
            ),
        },
    ),
    Way(
        slug=Approach.DIRECT,
        name=Approach.DIRECT.label,
        what=_(
            "Speak up to the person doing it: short, calm and clear. Then turn back to the person targeted."
        ),
        when=_("Only when you and the person targeted both seem safe, and it is unlikely to turn violent."),
        steps=(
            _("Say one short sentence: “That is not okay.” “Leave them alone.” “Stop, they said no.”"),
            _("Do not argue, insult or debate: you are not there to win, but to stop it."),
            _("Then ask the person targeted whether they are all right."),
            _("If it escalates, step back and use another D: get help, or call the emergency number."),
        ),
        careful=_("Direct is the riskiest D. Any of the other four is a real help too."),
        examples={
            "street": _(
                "A man shouts comments at a woman walking past. You say loudly and calmly: “Leave her "
                "alone.” "
                "Then you ask her whether she is all right."
            ),
            "work": _(
                "In a meeting, a colleague comments on a co-worker's body. You say: “That is not "
                "appropriate. "
                "Let us get back to the agenda.”"
            ),
            "school": _(
                "A student tries to photograph a classmate under a table. You say: “Stop. Delete that now.”"
            ),
            "online": _("You reply in the thread: “This is harassment. Stop.” Then you report the account."),
            "home": _(
                "At dinner, a relative jokes about forcing a woman. You say: “That is not funny. Forcing "
                "someone is not a joke.”"
            ),
        },
    ),
)

BY_SLUG = {way.slug: way for way in FIVE_DS}
