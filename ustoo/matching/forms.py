from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    """A counselor types their passphrase again to download an export: a session left open is not
    enough to take records away."""

    passphrase = forms.CharField(
        label=_("Your passphrase"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_passphrase(self) -> str:
        passphrase = self.cleaned_data["passphrase"]
        if authenticate(username=self.member.username, password=passphrase) is None:
            raise forms.ValidationError(_("This is not your passphrase."))
        return passphrase
