"""The OpenAPI document lists every status each journal operation can answer, with its reason, the
Authorization header of those that name a journal, and the bodies and answers that are not JSON."""

import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = [
    ("/api/v1/journal/journals", "post", False, {"201", "400", "403", "409", "413", "415", "422", "429"}),
    ("/api/v1/journal/open", "post", True, {"200", "401", "403", "404", "422", "429"}),
    (
        "/api/v1/journal/entries",
        "post",
        True,
        {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503"},
    ),
    (
        "/api/v1/journal/attachments",
        "post",
        True,
        {"201", "400", "401", "403", "404", "411", "413", "415", "422", "429", "507"},
    ),
    ("/api/v1/journal/attachments/{attachment_id}", "get", True, {"200", "401", "404", "422"}),
    (
        "/api/v1/journal/accesses",
        "post",
        True,
        {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429"},
    ),
    ("/api/v1/journal/accesses/current", "delete", True, {"204", "401", "403", "404", "409", "422"}),
    ("/api/v1/journal/proofs", "get", True, {"200", "401", "404", "422"}),
    ("/api/v1/journal/journals/current", "delete", True, {"204", "401", "403", "404", "422"}),
    ("/api/v1/journal/log/heads", "get", False, {"200", "400", "422"}),
    ("/api/v1/journal/log/consistency", "get", False, {"200", "422"}),
]


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


def test_every_journal_path_is_documented(document):
    documented = {path for path in document["paths"] if path.startswith("/api/v1/journal/")}
    assert documented == {path for path, *_ in OPERATIONS}


@pytest.mark.parametrize(("path", "method", "named", "statuses"), OPERATIONS)
def test_each_operation_lists_every_status_and_the_header_it_needs(document, path, method, named, statuses):
    operation = document["paths"][path][method]
    assert set(operation["responses"]) == statuses
    for status, response in operation["responses"].items():
        assert response["description"] and response["description"] != "Unknown Status Code"
        if status.startswith("4") or status.startswith("5"):
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
        if status == "429":
            assert "Retry-After" in response["headers"]
    headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
    assert [h["name"] for h in headers] == (["Authorization"] if named else [])


def test_the_upload_and_the_attachment_are_bytes(document):
    upload = document["paths"]["/api/v1/journal/attachments"]["post"]
    assert list(upload["requestBody"]["content"]) == ["application/octet-stream"]
    read = document["paths"]["/api/v1/journal/attachments/{attachment_id}"]["get"]
    assert list(read["responses"]["200"]["content"]) == ["application/octet-stream"]
