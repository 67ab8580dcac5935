"""The words the escrow's script shows, in the reader's language: the page hands them to it as JSON, so
they go through gettext like every template string. `%(name)s` is filled in by the script; a key with
a count comes in two forms (`key_one`, `key_other`), which the script picks by the language's plural
rule."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.core.script_text import counted


def for_browser() -> dict[str, str]:
    return {
        # Errors, shown at the top of the form and at the field they are about
        "error_prefix": _("Error:"),
        "error_title": _("There is a problem"),
        "nothing_lost": _("Nothing you typed is lost, and nothing was sent."),
        "error_unexpected": _("Something went wrong. Nothing you typed is lost: try again."),
        "error_network": _(
            "The site could not be reached. Nothing you typed is lost: check the connection and try again."
        ),
        "error_server": _(
            "The site could not do this just now. Nothing you typed is lost: try again in a moment."
        ),
        "error_service": _(
            "The matching service is not answering just now. Your entry was not sent; nothing you typed is "
            "lost. Try again later."
        ),
        "error_too_many": _(
            "You have used the checks this account has for now. Your entry was not sent; nothing you typed "
            "is lost. You can send it again after %(time)s."
        ),
        "error_budget_short": _(
            "This entry names %(count)s ways of reaching the person, and this account can check %(left)s "
            "more today. Remove some, or come back tomorrow."
        ),
        "error_budget_none": _(
            "This account has used the checks it has for now. You can make an entry again tomorrow, or in "
            "the days after if this month's are used too."
        ),
        "error_proof": _(
            "Your entry was not sent. The matching service answered with another key than the one this site "
            "publishes, so its answer cannot be trusted. Nothing you typed was sent to anyone. Please tell "
            "the people who run this site."
        ),
        "error_no_key": _(
            "No counselor is ready to receive entries yet. Your entry was not sent; try again later."
        ),
        "error_identifier_missing": _("Write a phone number, an e-mail address or a handle."),
        "error_too_many_identifiers": _("An entry names one person, with 1 to 5 ways of reaching them."),
        "error_on_match": _("Choose what you want to happen if someone else names the same person."),
        "error_contact_missing": _("Write how a counselor can reach you, or choose not to be contacted."),
        "error_record_too_long": _(
            "What you wrote is longer than an entry can hold (about 16,000 characters in all). Shorten it."
        ),
        # Why an identifier is refused (identifiers.js names the rule)
        "reason_phone_characters": _(
            "A phone number holds only the digits 0 to 9, spaces and + - ( ) . / (one + at most, no "
            "extension)."
        ),
        "reason_phone_unparsed": _(
            "This is not a phone number. If it does not start with +, choose its country."
        ),
        "reason_phone_length": _(
            "This number has too many or too few digits for its country. Write it with its area code."
        ),
        "reason_email_shape": _("An e-mail address looks like name@example.org."),
        "reason_email_domain": _(
            "Write the part after @ in plain letters, digits, dots and dashes (an accented domain as its "
            "xn-- form)."
        ),
        "reason_email_local_empty": _("The part before @ is empty."),
        "reason_handle": _("This is not a handle or profile address on this platform."),
        "reason_mastodon": _("A fediverse handle looks like @name@example.social."),
        "reason_kind": _("Choose what kind of identifier this is."),
        "reason_too_long": _("This is too long to be an identifier."),
        "identifier_field": _("Identifier %(number)s"),
        "country_label": _("Country of this number"),
        "country_none": _("Choose (not needed if it starts with +)"),
        # Progress and outcomes
        "checking": _(
            "Checking with the matching service, without telling it what you wrote. This takes a few seconds…"
        ),
        "locking": _("Locking your entry in this browser and sending it…"),
        **counted(
            "budget_left",
            lambda n: ngettext(
                "This account can check %(count)s more phone number, address or handle today.",
                "This account can check %(count)s more phone numbers, addresses or handles today.",
                n,
            ),
        ),
        "budget_month": _("(%(count)s more in the next 30 days.)"),
        "held_since": _("Held since %(date)s."),
        "remove_identifier": _("Remove"),
        "remove_identifier_named": _("Remove identifier %(number)s"),
        "in_hours": _("about %(count)s hours"),
        "in_minutes": _("about %(count)s minutes"),
    }


def identifier_kinds() -> list[tuple[str, str, str, str]]:
    """(kind, its name, the label of its text field, what to write) for each kind of identifier, in the
    order the page offers them (PROTOCOL.md §1 names the kinds)."""
    handle = _("The handle or the profile's address")
    handle_hint = _("The handle (@name), or the address of the profile as the browser shows it.")
    return [
        (
            "phone",
            _("Phone number"),
            _("The phone number"),
            _("Written as you know it. If it does not start with +, choose its country above."),
        ),
        ("email", _("E-mail address"), _("The e-mail address"), _("For example name@example.org.")),
        ("instagram", "Instagram", handle, handle_hint),
        ("tiktok", "TikTok", handle, handle_hint),
        ("facebook", "Facebook", handle, _("The address of the profile, or its username.")),
        ("snapchat", "Snapchat", handle, handle_hint),
        ("x", "X (Twitter)", handle, handle_hint),
        ("telegram", "Telegram", handle, handle_hint),
        ("linkedin", "LinkedIn", _("The profile's address"), _("For example linkedin.com/in/name.")),
        ("bluesky", "Bluesky", handle, _("The handle (name.bsky.social), or the address of the profile.")),
        (
            "mastodon",
            _("Mastodon or another fediverse server"),
            _("The full handle or the profile's address"),
            _("For example @name@example.social."),
        ),
    ]
