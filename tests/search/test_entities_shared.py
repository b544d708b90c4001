"""Entity names and facet labels live in the shared cache under a version every process checks:
a change made in one process is seen by the next search in any other, never a stale label."""

import pytest
from django.core.cache import cache
from django.db import connection

from policies.models import Bureau
from search import entities
from search.segmentation import squash

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    entities.clear_entity_cache()
    yield
    entities.clear_entity_cache()


def test_a_process_keeps_its_copy_while_the_shared_version_is_unchanged(
    django_assert_num_queries,
):
    first = entities.facet_labels()
    with django_assert_num_queries(0):
        assert entities.facet_labels() is first


def test_a_change_made_in_another_process_is_seen_here(django_assert_max_num_queries):
    bureau = Bureau.objects.named("市经信局").get()
    assert entities.facet_labels()[f"b:{bureau.pk}"] == "市经信局"
    # Another process renames the bureau and its signal drops the shared version; this process
    # never ran a signal (the raw UPDATE stands for that other process's write).
    table = Bureau._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET short_name = %s WHERE id = %s", ["经信局新简称", bureau.pk]
        )
    cache.delete(entities.VERSION_KEY)
    assert entities.facet_labels()[f"b:{bureau.pk}"] == "经信局新简称"
    assert entities.entity_map()[squash("经信局新简称")] == (entities.bureau_token(bureau.pk),)


def test_a_process_that_built_the_labels_shares_them(django_assert_num_queries):
    labels = entities.facet_labels()
    entities._local.clear()  # another process: nothing of its own yet
    with django_assert_num_queries(0):
        assert entities.facet_labels() == labels


def test_without_a_shared_cache_the_local_copy_serves(monkeypatch, django_assert_num_queries):
    labels = entities.facet_labels()
    monkeypatch.setattr(entities.cache, "get", lambda *a, **k: None)
    monkeypatch.setattr(entities.cache, "add", lambda *a, **k: False)
    with django_assert_num_queries(0):
        assert entities.facet_labels() == labels
