"""Reader preferences for content warnings: kept with the account, or in the browser session."""

from dataclasses import dataclass

from django.http import HttpRequest

_SESSION_KEY = "cw_preferences"


@dataclass(frozen=True)
class ReaderPreferences:
    expand: frozenset[str] = frozenset()
    hide: frozenset[str] = frozenset()

    @property
    def is_default(self) -> bool:
        return not self.expand and not self.hide

    def opens(self, story) -> bool:
        return bool(story.content_warnings) and set(story.content_warnings) <= self.expand

    def hides(self, story) -> bool:
        return bool(self.hide.intersection(story.content_warnings))


def preferences_for(request: HttpRequest) -> ReaderPreferences:
    if request.user.is_authenticated:
        return ReaderPreferences(frozenset(request.user.cw_expand), frozenset(request.user.cw_hide))
    # Reading the session does not create one: a reader with no preferences costs nothing.
    stored = request.session.get(_SESSION_KEY) if request.COOKIES.get("__Host-session") else None
    if not stored:
        return ReaderPreferences()
    return ReaderPreferences(frozenset(stored.get("expand", [])), frozenset(stored.get("hide", [])))


def save_preferences(request: HttpRequest, *, expand: list[str], hide: list[str]) -> None:
    if request.user.is_authenticated:
        request.user.cw_expand = sorted(expand)
        request.user.cw_hide = sorted(hide)
        request.user.save(update_fields=["cw_expand", "cw_hide"])
    else:
        request.session[_SESSION_KEY] = {"expand": sorted(expand), "hide": sorted(hide)}
