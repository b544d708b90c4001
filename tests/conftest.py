"""Shared fixtures: the five real documents ingested once per test session, and the personas."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MEASURES_FILE = FIXTURES / "003_37a99eada62a0cb8.txt"


@pytest.fixture(scope="session", autouse=True)
def _media_root(tmp_path_factory):
    """Uploaded originals go to a temporary folder, never the project's media/."""
    from django.conf import settings

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    _media_root,
):
    """The test database, holding every bundled document as `make run` would.

    pytest-django's own fixture sets up only the databases that collected tests ask for with the
    `django_db` mark or the `db`/`transactional_db`/`live_server` fixtures. The staff browser
    tests reach the database through session fixtures instead (no test transaction may hold it),
    so a run of those tests alone set up nothing, and the ingest below then ran against the
    configured database ("no such table" on a fresh SQLite file; the developer's data otherwise).
    This project has one database: whoever needs it gets the test database.
    """
    from django.test.utils import setup_databases, teardown_databases

    keepdb = django_db_keepdb and not django_db_createdb
    with django_db_blocker.unblock():
        config = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            keepdb=keepdb,
            aliases={"default"},  # type: ignore[arg-type]  # any collection of aliases
            serialized_aliases=set(),
        )
        call_command("ingest", stdout=StringIO())
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def _no_lists_kept_from_another_test():
    """Each test starts without champion lists kept from an earlier one: a test's transaction
    rolls back the lists it built, while this process would go on using them (correct results,
    champion rankings, KEPT_SECONDS long) where a test expects the exact one of no lists."""
    from search.champions import kept

    kept.forget()


@pytest.fixture(autouse=True)
def _no_ssl_redirect(settings):
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def measure(db):
    """Look up a measure of the 003 draft by its number."""
    from policies.models import Measure

    def get(number: int) -> Measure:
        return Measure.objects.get(document__source_file=MEASURES_FILE.name, number=number)

    return get


def _staff(username: str, bureau: str):
    from django.contrib.auth import get_user_model

    from policies.models import Bureau, BureauMembership

    user = get_user_model().objects.create_user(username, password="correct horse battery")
    BureauMembership.objects.create(user=user, bureau=Bureau.objects.named(bureau).get())
    return user


@pytest.fixture
def alice(db):
    """Staff of 市经信局 (responsible for most measures)."""
    return _staff("alice", "市经信局")


@pytest.fixture
def bob(db):
    """Staff of 市商务局 (responsible for measures 4, 5, 12, 17, 22, 23)."""
    return _staff("bob", "市商务局")


@pytest.fixture
def charlie(db):
    """A superuser."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(
        "charlie", "c@example.org", "correct horse battery"
    )
