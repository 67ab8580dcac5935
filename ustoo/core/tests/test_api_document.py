"""The OpenAPI document says every answer an operation can give, and every answer of the API is JSON,
a method an address does not take included."""

import json

import pytest

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/api/v1/statements",
    "/api/v1/stories",
    "/api/v1/stories/1",
    "/api/v1/stories/1/solidarity",
    "/api/v1/magnitude",
    "/api/v1/magnitude/upstanders",
    "/api/v1/campaigns",
    "/api/v1/campaigns/a-campaign",
    "/api/v1/campaigns/a-campaign/signatures",
    "/api/v1/matching/params",
    "/api/v1/matching/oprf-key",
    "/api/v1/matching/evaluate",
    "/api/v1/matching/entries",
    "/api/v1/matching/entries/a-reference",
    "/api/v1/pledges",
    "/api/v1/interventions",
    "/api/v1/openapi.json",
]


def _document(client) -> dict:
    """The served document, refused if any object in it repeats a key (a reader keeps one of them)."""

    def no_repeated_keys(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), f"repeated keys: {keys}"
        return dict(pairs)

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content, object_pairs_hook=no_repeated_keys)


# The journal's paths, methods and statuses are checked in ustoo/journal/tests/test_api_document.py.
JOURNAL = "/api/v1/journal/"


def test_the_document_covers_every_path_of_the_api(client):
    documented = {
        path.replace("{story_id}", "1").replace("{slug}", "a-campaign").replace("{reference}", "a-reference")
        for path in _document(client)["paths"]
        if not path.startswith(JOURNAL)
    }
    assert documented == set(API_PATHS) - {"/api/v1/openapi.json"}


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/statements", "post", {"201", "400", "403", "413", "415", "422", "429"}),
        ("/api/v1/stories", "get", {"200", "400"}),
        ("/api/v1/stories/{story_id}", "get", {"200", "404", "422"}),
        (
            "/api/v1/stories/{story_id}/solidarity",
            "post",
            {"200", "201", "400", "403", "404", "413", "415", "422", "429"},
        ),
        ("/api/v1/magnitude", "get", {"200", "400"}),
        ("/api/v1/magnitude/upstanders", "get", {"200", "400"}),
        ("/api/v1/pledges", "post", {"200", "201", "400", "403", "413", "415", "422", "429"}),
        ("/api/v1/interventions", "post", {"200", "201", "400", "403", "413", "415", "422", "429"}),
        ("/api/v1/campaigns", "get", {"200", "422"}),
        ("/api/v1/campaigns/{slug}", "get", {"200", "404", "422"}),
        (
            "/api/v1/campaigns/{slug}/signatures",
            "post",
            {"202", "400", "403", "404", "409", "413", "415", "422", "429"},
        ),
    ],
)
def test_each_operation_lists_every_status_it_can_answer_with_its_reason(client, path, method, statuses):
    responses = _document(client)["paths"][path][method]["responses"]
    assert set(responses) == statuses
    for status, response in responses.items():
        if status.startswith("4"):
            assert response["description"] and response["description"] != "Unknown Status Code"
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
        if status == "429":
            assert "Retry-After" in response["headers"]


def test_the_magnitude_is_json_by_default_and_csv_when_asked(client):
    ok = _document(client)["paths"]["/api/v1/magnitude"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["application/json", "text/csv"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MagnitudeOut"}
    assert client.get("/api/v1/magnitude")["Content-Type"].startswith("application/json")


def test_ids_and_slugs_say_what_they_refuse(client):
    paths = _document(client)["paths"]
    (story_id,) = paths["/api/v1/stories/{story_id}"]["get"]["parameters"]
    assert story_id["schema"]["minimum"] == 1 and story_id["schema"]["maximum"] == 2**63 - 1
    (slug,) = paths["/api/v1/campaigns/{slug}"]["get"]["parameters"]
    assert slug["schema"]["pattern"] and slug["schema"]["maxLength"] == 80
    (status,) = paths["/api/v1/campaigns"]["get"]["parameters"]
    assert status["schema"]["enum"] == ["", "open", "closed"]


# An escrow entry is withdrawn with DELETE: every other address takes neither PUT, DELETE nor PATCH.
TAKES_DELETE = {"/api/v1/matching/entries/a-reference"}


@pytest.mark.parametrize(
    "method, path",
    [
        (method, path)
        for path in API_PATHS
        for method in ("put", "delete", "patch")
        if not (method == "delete" and path in TAKES_DELETE)
    ],
)
def test_a_method_an_address_does_not_take_is_a_json_405_naming_those_it_takes(client, path, method):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    allowed = {name.strip() for name in response["Allow"].split(",")}
    assert allowed and allowed <= {"GET", "HEAD", "POST", "DELETE"} and method.upper() not in allowed
    assert method.upper() in response.json()["error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/stories/99999999999999999999", "/api/v1/stories/0", "/api/v1/campaigns/a%00b"]
)
def test_an_id_or_slug_out_of_range_is_a_422_naming_it(client, path):
    response = client.get(path)
    assert response.status_code == 422
    assert set(response.json()["fields"]) <= {"story_id", "slug"}
