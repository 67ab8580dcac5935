"""Words a page's script shows, handed to it as JSON so that they go through gettext like any template."""

from collections.abc import Callable


def counted(key: str, words: Callable[[int], str]) -> dict[str, str]:
    """Both forms of a counted message (`key_one`, `key_other`), `words` being an ngettext call written
    out where it is used, so that makemessages finds its strings."""
    return {f"{key}_one": words(1), f"{key}_other": words(2)}
