from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from ustoo.accounts.models import Member
from ustoo.core.validators import validate_encodable


class RegisterForm(forms.ModelForm):
    passphrase = forms.CharField(
        label=_("Passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few random words are easy to remember and hard to guess."),
        validators=[validate_encodable],
    )
    passphrase_again = forms.CharField(
        label=_("Passphrase again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Member
        fields = ["username", "email"]
        widgets = {"username": forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"})}

    def clean_username(self):
        username = self.cleaned_data["username"]
        if Member.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."), code="unique")
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("passphrase"), cleaned.get("passphrase_again")
        if first and second and first != second:
            self.add_error("passphrase_again", _("The two passphrases are different."))
        if first:
            try:
                password_validation.validate_password(first, Member(username=cleaned.get("username", "")))
            except forms.ValidationError as error:
                self.add_error("passphrase", error)
        return cleaned

    def save(self, commit=True):
        member = super().save(commit=False)
        member.set_password(self.cleaned_data["passphrase"])
        if commit:
            member.save()
        return member


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.member = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username, passphrase = cleaned.get("username"), cleaned.get("passphrase")
        if username and passphrase:
            self.member = authenticate(self.request, username=username, password=passphrase)
            if self.member is None:
                raise forms.ValidationError(
                    _("That username and passphrase do not match."), code="invalid_login"
                )
        return cleaned


class ConfirmPassphraseForm(forms.Form):
    """Asked again before anything irreversible or revealing (export, deletion)."""

    passphrase = forms.CharField(
        label=_("Your passphrase"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, member, *args, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_passphrase(self):
        passphrase = self.cleaned_data["passphrase"]
        if not self.member.check_password(passphrase):
            raise forms.ValidationError(_("That passphrase is not right."), code="invalid")
        return passphrase
