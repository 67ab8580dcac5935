from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _

from ustoo.accounts.models import Member
from ustoo.core.validators import validate_encodable


def new_passphrase_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. A few random words are easy to remember and hard to guess."),
        validators=[validate_encodable],
    )


def passphrase_again_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def check_new_passphrase(form: forms.Form, member: Member) -> None:
    """The rules every new passphrase follows (AUTH_PASSWORD_VALIDATORS), and the same twice: errors
    go on the form's `passphrase` and `passphrase_again` fields."""
    first, second = form.cleaned_data.get("passphrase"), form.cleaned_data.get("passphrase_again")
    if first and second and first != second:
        form.add_error("passphrase_again", _("The two passphrases are different."))
    if first:
        try:
            password_validation.validate_password(first, member)
        except forms.ValidationError as error:
            form.add_error("passphrase", error)


class RegisterForm(forms.ModelForm):
    passphrase = new_passphrase_field(_("Passphrase"))
    passphrase_again = passphrase_again_field(_("Passphrase again"))

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
        check_new_passphrase(self, Member(username=cleaned.get("username", "")))
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


class ChangePassphraseForm(forms.Form):
    current_passphrase = forms.CharField(
        label=_("Your current passphrase"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    passphrase = new_passphrase_field(_("New passphrase"))
    passphrase_again = passphrase_again_field(_("New passphrase again"))

    def __init__(self, member, *args, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_current_passphrase(self):
        passphrase = self.cleaned_data["current_passphrase"]
        if not self.member.check_password(passphrase):
            raise forms.ValidationError(_("That passphrase is not right."), code="invalid")
        return passphrase

    def clean(self):
        cleaned = super().clean()
        check_new_passphrase(self, self.member)
        return cleaned

    @property
    def current_passphrase_was_wrong(self) -> bool:
        return self.has_error("current_passphrase", "invalid")

    def save(self) -> Member:
        self.member.set_password(self.cleaned_data["passphrase"])
        self.member.save(update_fields=["password"])
        return self.member
