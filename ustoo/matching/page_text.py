"""The kinds of identifier the escrow's entry page offers, in the reader's language (the script's own
words are in frontend/words.js, served by the site's JavaScript catalogue: core/script_text.py)."""

from django.utils.translation import gettext as _


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
