"""A login sent without a form body while the client is locked out: the lockout page, never a 500."""

import re

import pytest

from ustoo.conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"", "application/x-www-form-urlencoded"), (b"{}", "application/json"), (b"hello", "text/plain")],
)
def test_a_bodiless_login_during_a_lockout_is_refused_with_the_lockout_page(
    csrf_client, settings, body, content_type
):
    settings.LOGIN_FAILURE_LIMIT = 1  # the client is locked out after 4 failures, whatever the name
    make_member("author")
    page = csrf_client.get("/account/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for number in range(4):
        wrong = {"username": f"name{number}", "passphrase": "wrong", "csrfmiddlewaretoken": token}
        assert csrf_client.post("/account/login/", wrong).status_code == 400
    response = csrf_client.post(
        "/account/login/", data=body, content_type=content_type, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0
