"""GET /api/v1/export/: the whole knowledge base as a zip of CSV files with a README, or JSON."""

import csv
import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/export/"


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="zjtx-knowledge-base-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def table(archive, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode("utf-8-sig"))))


def test_the_zip_holds_a_readme_and_a_csv_per_resource_and_nested_list(archive):
    names = set(archive.namelist())
    assert "README.md" in names
    assert {
        "measures.csv",
        "measures_bureaus.csv",
        "measures_targets.csv",
        "bureaus.csv",
        "tiers.csv",
        "targets.csv",
        "replies.csv",
        "replies_sections.csv",
        "themes.csv",
    } <= names


def test_measures_csv_has_all_25_measures_with_flattened_chapters(archive):
    measures = table(archive, "measures")
    assert len(measures) == 25
    m16 = next(m for m in measures if m["number"] == "16")
    assert m16["title"] == "提升金融服务质效"
    assert m16["chapter.number"] == "3"


def test_measure_17s_bureaus_are_rows_keyed_by_the_measure(archive, measure):
    m17 = measure(17)
    rows = [r for r in table(archive, "measures_bureaus") if r["measures_id"] == str(m17.pk)]
    assert rows[0]["short_name"] == "市发改委" and rows[0]["role"] == "lead"
    assert "市商务局" in {r["short_name"] for r in rows}
    assert len(rows) == m17.responsibilities.count()


def test_the_readme_describes_every_column_of_every_file(archive):
    readme = archive.read("README.md").decode()
    for name in archive.namelist():
        if not name.endswith(".csv"):
            continue
        assert f"## {name} (" in readme
        header = next(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        section = readme.split(f"## {name} (")[1].split("\n## ")[0]
        for column in header:
            assert f"| `{column}` |" in section, (name, column)
    assert "| `title` | 标题 |" in readme


def test_the_json_export_is_the_same_data_as_the_api_lists(measure):
    api = APIClient()
    response = api.get(EXPORT, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    assert set(data) >= {"measures", "bureaus", "tiers", "targets", "replies", "themes"}
    api_m17 = api.get(f"/api/v1/measures/{measure(17).pk}/").json()
    assert next(m for m in data["measures"] if m["number"] == 17) == api_m17
    assert len(data["bureaus"]) == api.get("/api/v1/bureaus/").json()["count"]


def test_an_unknown_export_format_is_a_404(measure):
    assert APIClient().get(EXPORT, {"format": "xlsx"}).status_code == 404


def test_the_export_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert APIClient().get(EXPORT, {"format": "json"}).status_code == 200
