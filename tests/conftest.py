import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from mpact.users.models import COORDINATORS_GROUP
from mpact.users.roles import coordinators_group_sync
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
            )
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(
                pytest.mark.skip(reason="needs the Redis broker: run with REDIS_URL=redis://…")
            )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages and rate limits of one test must not
    leak into the next."""
    cache.clear()
    yield


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


# --- Personas: every protected view is tried as each of these -----------------------------


@pytest.fixture
def resident(db):
    return UserFactory(email="resident@example.org", name="Rosa Bewoner")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Buurtgroep Noord", slug="buurtgroep-noord")


@pytest.fixture
def org_member(organisation):
    user = UserFactory(email="member@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=user)
    return user


@pytest.fixture
def coordinator(db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="coordinator@example.org", name="Cora Coördinator", is_staff=True)
    coordinators_group_sync()
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client
