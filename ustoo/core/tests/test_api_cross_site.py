"""Another site cannot write through the JSON API with its visitors' browsers.

A page elsewhere can make a browser POST a "simple" request without asking first: a text/plain, form or
multipart body (an HTML form, or fetch with mode "no-cors"). Every JSON write answers such a body 415,
naming the Content-Type header, and answers 403 to a write a browser says comes from another site
(Origin, Sec-Fetch-Site), before reading anything. Scripts and apps, which send neither header, and this
site's own pages are served as before; the HTML forms are not the API and keep Django's CSRF check."""

import json

import pytest

from ustoo.campaigns.models import Signature
from ustoo.campaigns.tests.conftest import make_campaign
from ustoo.conftest import make_story
from ustoo.stories.models import Solidarity, Statement

pytestmark = pytest.mark.django_db

STORY = {"text": "It happened at work. #MeToo", "content_warnings": ["harassment"]}
SIGNER = {"name": "Ada Lovelace", "email": "ada@example.org", "country": "GB"}


@pytest.fixture
def writes(db):
    """Each JSON write: its address, a body it accepts, and how to count what it stored."""
    story = make_story().story
    campaign = make_campaign()
    return {
        "statement": ("/api/v1/statements", {"story": STORY}, Statement.objects.count),
        "solidarity": (
            f"/api/v1/stories/{story.pk}/solidarity",
            {"kind": "me_too"},
            Solidarity.objects.count,
        ),
        "signature": (f"/api/v1/campaigns/{campaign.slug}/signatures", SIGNER, Signature.objects.count),
    }


WRITES = ["statement", "solidarity", "signature"]


def _form(body: dict) -> str:
    from urllib.parse import urlencode

    return urlencode({key: json.dumps(value) for key, value in body.items()})


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("content_type", "encode"),
    [
        ("text/plain", json.dumps),
        ("text/plain;charset=UTF-8", json.dumps),
        ("application/x-www-form-urlencoded", _form),
        ("multipart/form-data; boundary=BoUnDaRy", None),
        ("", json.dumps),
    ],
    ids=["text", "text-charset", "form", "multipart", "none"],
)
def test_a_body_that_is_not_declared_json_is_refused_with_415(client, writes, write, content_type, encode):
    path, body, stored = writes[write]
    before = stored()
    if encode is None:
        data = (
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'
            f"{json.dumps(body)}\r\n--BoUnDaRy--\r\n"
        )
    else:
        data = encode(body)
    response = client.generic(
        "POST",
        path,
        data=data,
        content_type=content_type,
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
        if content_type == "text/plain"
        else {},
    )
    assert response.status_code in (403, 415)
    if content_type != "text/plain":  # without the browser's headers, only the type is wrong
        assert response.status_code == 415
        answer = response.json()
        assert "Content-Type" in answer["fields"]
        assert "application/json" in answer["fields"]["Content-Type"]
    assert response["Content-Type"].startswith("application/json")
    assert stored() == before


@pytest.mark.parametrize("write", WRITES)
def test_an_empty_body_without_a_type_is_refused(client, writes, write):
    """fetch(url, {method: "POST", mode: "no-cors"}) from another site sends no body and no type."""
    path, _body, stored = writes[write]
    before = stored()
    response = client.post(path, data=b"", content_type="")
    assert response.status_code == 415
    assert stored() == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # the right host, the wrong scheme
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a neighbouring subdomain is another site's pages too
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["origin", "null-origin", "scheme", "cross-site", "same-site", "both"],
)
def test_a_write_from_another_site_is_refused_with_403(client, writes, write, headers):
    path, body, stored = writes[write]
    before = stored()
    response = client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["error"]
    assert stored() == before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script, an app, curl
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},  # this site's own pages
        {"Sec-Fetch-Site": "none"},  # typed by the person, not sent by a page
    ],
    ids=["no-browser", "same-origin", "person"],
)
def test_scripts_and_this_sites_pages_still_write(client, writes, write, headers):
    path, body, stored = writes[write]
    before = stored()
    response = client.post(
        path, data=json.dumps(body), content_type="application/json; charset=utf-8", headers=headers
    )
    assert response.status_code in (201, 202), response.content
    assert stored() == before + 1


def test_the_html_forms_keep_working_without_javascript_and_keep_their_csrf_check(csrf_client):
    """The speak form is not the API: posted by this site's page it counts, from elsewhere CSRF refuses."""
    import re

    page = csrf_client.get("/speak/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    once = re.search(r'name="once" value="([^"]+)"', page).group(1)
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    response = csrf_client.post("/speak/", {"csrfmiddlewaretoken": token, "once": once}, headers=own)
    assert response.status_code == 200 and "receipt" in response.context
    assert Statement.objects.count() == 1
    elsewhere = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    response = csrf_client.post("/speak/", {"csrfmiddlewaretoken": token}, headers=elsewhere)
    assert response.status_code == 403
    assert Statement.objects.count() == 1
