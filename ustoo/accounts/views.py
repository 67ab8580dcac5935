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
from ustoo.core.views import too_many_requests


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        login(request, member, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome. Your account is ready."))
        return redirect("accounts:home")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        username = request.POST.get("username", "")[:40]
        if throttle.login_blocked(request, username):
            form.is_valid()  # keep what was typed
            form.errors.clear()
            form.add_error(None, _("Too many attempts. Wait a few minutes and try again."))
            status = 429
        elif form.is_valid():
            throttle.record_login_success(username)
            login(request, form.member)
            return redirect(_safe_next(request) or settings.LOGIN_REDIRECT_URL)
        else:
            throttle.record_login_failure(request, username)
            status = 400
    response = render(request, "accounts/login.html", {"form": form}, status=status)
    if status == 429:
        response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
    return response


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
    every re-entry (ratelimit.passphrase_retry_after). This session stays logged in; every other
    session of the member ends at its next request, since Django checks each against a hash of the
    passphrase."""
    if request.method == "POST" and (wait := ratelimit.passphrase_retry_after(request, request.user.pk)):
        return too_many_requests(request, wait)
    form = ChangePassphraseForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            member = form.save()
            update_session_auth_hash(request, member)
            messages.success(request, _("Your passphrase is changed. Other browsers are logged out."))
            return redirect("accounts:home")
        if form.current_passphrase_was_wrong:
            ratelimit.record_passphrase_failure(request, request.user.pk)
    return render(
        request, "accounts/change_passphrase.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (wait := ratelimit.passphrase_retry_after(request, request.user.pk)):
        return too_many_requests(request, wait)
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = orjson.dumps(export_member_data(request.user), option=orjson.OPT_INDENT_2)
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="ustoo-my-data.json"'
        return response
    if request.method == "POST":
        ratelimit.record_passphrase_failure(request, request.user.pk)
    return render(request, "accounts/export.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (wait := ratelimit.passphrase_retry_after(request, request.user.pk)):
        return too_many_requests(request, wait)
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = request.user
        logout(request)
        delete_member(member)
        messages.success(request, _("Your account and everything in it are deleted."))
        response = redirect("stories:wall")
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
    if request.method == "POST":
        ratelimit.record_passphrase_failure(request, request.user.pk)
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)
