"""The account pages in the design system: a summary of the account, titles that name each page (and
say "Error:" first), and error summaries above the heading."""

import re

import pytest
from django.urls import reverse

from ustoo.accounts.models import Role
from ustoo.conftest import make_member

pytestmark = pytest.mark.django_db


def title(html: str) -> str:
    return re.search(r"<title>([^<]*)</title>", html).group(1)


def test_my_account_sums_up_the_account_with_a_way_to_change_the_passphrase(author):
    html = author.get(reverse("accounts:home")).content.decode()
    assert title(html) == "My account – ustoo"
    rows = dict(
        re.findall(
            r'<dt class="summary-list__key">([^<]+)</dt>\s*<dd class="summary-list__value">(.*?)</dd>',
            html,
            re.S,
        )
    )
    assert rows["Username"] == "author"
    assert "None: it is not needed" in rows["E-mail address"]
    assert "Member" in rows["Standing"]
    assert f'href="{reverse("accounts:change_passphrase")}"' in html
    assert f'class="button button--warning" href="{reverse("accounts:delete")}"' in html


def test_a_moderators_account_says_so(client):
    client.force_login(make_member("keeper", role=Role.MODERATOR))
    html = client.get(reverse("accounts:home")).content.decode()
    assert '<strong class="tag tag--blue">Moderator</strong>' in html


@pytest.mark.parametrize(
    ("path", "data", "page"),
    [
        (reverse("accounts:login"), {"username": "author", "passphrase": "wrong"}, "Log in"),
        (reverse("accounts:register"), {"username": "new one!"}, "Create an account"),
    ],
)
def test_forms_sum_up_their_errors_above_the_heading(client, author_member, path, data, page):
    response = client.post(path, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert title(html) == f"Error: {page} – ustoo"
    assert html.index('class="error-summary"') < html.index("<h1>")


@pytest.mark.parametrize("name", ["accounts:export", "accounts:delete"])
def test_re_entry_forms_sum_up_their_errors_above_the_heading(author, name):
    html = author.post(reverse(name), {"passphrase": "wrong"}).content.decode()
    assert title(html).startswith("Error: ")
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert 'href="#id_passphrase"' in html


def test_deleting_is_a_warning_button(author):
    html = author.get(reverse("accounts:delete")).content.decode()
    assert '<button type="submit" class="button button--warning">Delete everything</button>' in html
    assert 'class="warning-text"' in html


def test_registering_points_to_the_terms_guidelines_and_privacy_notice(client):
    html = client.get(reverse("accounts:register")).content.decode()
    for name in ("terms", "guidelines", "privacy"):
        assert f'href="{reverse(name)}"' in html
