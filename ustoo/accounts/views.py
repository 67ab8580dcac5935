import orjson
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ustoo.accounts import throttle
from ustoo.accounts.forms import ChangePassphraseForm, ConfirmPassphraseForm, LoginForm, RegisterForm
from ustoo.accounts.member_data import delete_member, export_member_data
from ustoo.core import ratelimit


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    # Limited before the form is read: a refused sign-up costs no passphrase hashing.
    if request.method == "POST" and (wait := ratelimit.hit(request, "register")) is not None:
        typed = {name: (request.POST.get(name) or "")[:254] for name in ("username", "email")}
        return throttle.refused(
            request, "accounts/register.html", {"form": RegisterForm(initial=typed)}, wait
        )
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("accounts:home")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "accounts/login.html", {"form": LoginForm(request)})
    username = (request.POST.get("username") or "")[:40]
    if (wait := throttle.passphrase_attempt(request, username)) is not None:
        # Refused before the passphrase is hashed: the page comes back with the username typed.
        form = LoginForm(request, initial={"username": username})
        return throttle.refused(request, "accounts/login.html", {"form": form}, wait)
    form = LoginForm(request, request.POST)
    if form.is_valid():
        throttle.passphrase_was_right(request, username)
        login(request, form.member)
        return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/login.html", {"form": form}, status=400)


def _safe_next(request: HttpRequest) -> str | None:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return None


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect(settings.LOGOUT_REDIRECT_URL)
    # Ask the browser to drop whatever this site left behind (cookies, storage, cache).
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html")


@login_required
@require_http_methods(["GET", "POST"])
def change_passphrase(request: HttpRequest) -> HttpResponse:
    """The current passphrase, then the new one twice. Wrong current passphrases are throttled like
    every passphrase typed (throttle.passphrase_attempt). This session stays logged in; every other
    session of the member ends at its next request, since Django checks each against a hash of the
    passphrase."""
    form = ChangePassphraseForm(request.user, request.POST or None)
    if request.method == "POST":
        if (wait := throttle.passphrase_attempt(request, request.user.username)) is not None:
            # An unbound form: showing the bound one would check the passphrase after all.
            form = ChangePassphraseForm(request.user)
            return throttle.refused(request, "accounts/change_passphrase.html", {"form": form}, wait)
        if not form.current_passphrase_was_wrong:
            throttle.passphrase_was_right(request, request.user.username)
        if form.is_valid():
            member = form.save()
            update_session_auth_hash(request, member)
            messages.success(request, _("Your passphrase is changed. Other browsers are logged out."))
            return redirect("accounts:home")
    return render(
        request, "accounts/change_passphrase.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST" and (wait := throttle.passphrase_attempt(request, request.user.username)):
        form = ConfirmPassphraseForm(request.user)  # unbound: showing the typed one would check it
        return throttle.refused(request, "accounts/export.html", {"form": form}, wait)
    if request.method == "POST" and form.is_valid():
        throttle.passphrase_was_right(request, request.user.username)
        body = orjson.dumps(export_member_data(request.user), option=orjson.OPT_INDENT_2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="ustoo-my-data.json"'
        return response
    return render(request, "accounts/export.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST" and (wait := throttle.passphrase_attempt(request, request.user.username)):
        form = ConfirmPassphraseForm(request.user)  # unbound: showing the typed one would check it
        return throttle.refused(request, "accounts/delete.html", {"form": form}, wait)
    if request.method == "POST" and form.is_valid():
        member = request.user
        logout(request)
        delete_member(member)
        messages.success(request, _("Your account and everything in it are deleted."))
        response = redirect("stories:wall")
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
