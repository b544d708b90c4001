"""POST /api/v1/documents/: the plan as JSON (?dry_run=1), applying it, and the same rules and
permissions as the command and the upload page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ingest.models import IngestRun
from policies.models import Measure
from replies.models import Reply
from tests.conftest import FIXTURES, MEASURES_FILE

pytestmark = pytest.mark.django_db

REPLY_000 = FIXTURES / "000_406adca998e2ee8f.txt"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def new_reply(number="20259002") -> str:
    return REPLY_000.read_text(encoding="utf-8").replace("20250597", number)


def test_anonymous_posts_get_401():
    response = api().post("/api/v1/documents/", {"text": new_reply()}, format="json")
    assert response.status_code == 401
    assert not Reply.objects.filter(proposal_number="20259002").exists()


def test_a_dry_run_answers_the_plan_and_writes_nothing(alice):
    response = api(alice).post(
        "/api/v1/documents/?dry_run=1",
        {"text": new_reply(), "name": "r.txt", "bureau": "市经信局"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    plan = response.json()
    assert (plan["status"], plan["action"], plan["dry_run"], plan["url"]) == (
        "planned",
        "create",
        True,
        None,
    )
    assert plan["preview"]["proposal_number"] == "20259002"
    assert plan["preview"]["bureau"] == "武汉市经济和信息化局"
    assert plan["created"][0] == {
        "what": "reply",
        "key": "20259002",
        "label": plan["preview"]["title"],
    }
    assert [i["key"] for i in plan["created"][1:4]] == ["一、", "一、（一）", "一、（二）"]
    assert plan["removed"] == [] and plan["kept"] == []
    assert not Reply.objects.filter(proposal_number="20259002").exists()
    assert IngestRun.objects.get(pk=plan["run"]).outcome == "planned"


def test_a_multipart_upload_is_applied_and_answers_201(alice):
    upload = SimpleUploadedFile("新答复.txt", new_reply().encode("gb18030"))
    response = api(alice).post(
        "/api/v1/documents/", {"file": upload, "bureau": "市经信局"}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    reply = Reply.objects.get(proposal_number="20259002")
    assert response.json()["url"] == reply.get_absolute_url()
    assert reply.bureau.short_name == "市经信局"
    run = IngestRun.objects.get(pk=response.json()["run"])
    assert (run.via, run.user, run.outcome, run.format) == ("api", alice, "created", "txt")
    assert run.original.read() == new_reply().encode("gb18030")


def test_the_same_text_again_is_already_ingested(alice):
    client = api(alice)
    body = {"text": new_reply(), "name": "a.txt", "bureau": "市经信局"}
    assert client.post("/api/v1/documents/", body, format="json").status_code == 201
    again = client.post("/api/v1/documents/", {**body, "name": "b.txt"}, format="json")
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["message"]) == (
        "duplicate",
        "already ingested as a.txt: nothing written",
    )
    assert Reply.objects.filter(proposal_number="20259002").count() == 1


def test_a_cut_off_file_is_400_with_one_line(charlie):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    response = api(charlie).post(
        "/api/v1/documents/",
        {"text": text[: text.index("14.")], "name": MEASURES_FILE.name, "allow_removals": True},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{MEASURES_FILE.name}: the file looks cut off")
    assert Measure.objects.filter(document__source_file=MEASURES_FILE.name).count() == 25


def test_removals_by_bureau_staff_are_403(alice):
    response = api(alice).post(
        "/api/v1/documents/",
        {"text": new_reply(), "bureau": "市经信局", "allow_removals": True},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "only a superuser may accept removals"


def test_policy_documents_by_bureau_staff_are_403(bob):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    response = api(bob).post("/api/v1/documents/", {"text": text, "name": "x.txt"}, format="json")
    assert response.status_code == 403
    assert "policy documents are taken in by a superuser" in response.json()["detail"]


def test_an_oversized_file_is_413(charlie, settings):
    settings.INGEST_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.txt", new_reply().encode())
    response = api(charlie).post("/api/v1/documents/", {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert "over the 1 KB limit" in response.json()["detail"]


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/documents/"]["post"]
    assert {"multipart/form-data", "application/json"} <= set(post["requestBody"]["content"])
    assert "dry_run" in [p["name"] for p in post["parameters"]]
    assert {"200", "201", "400", "403"} <= set(post["responses"])
