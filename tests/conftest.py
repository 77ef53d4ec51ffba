"""Shared fixtures for the whole suite."""

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates render without a collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _uncached_facets(settings):
    """Pages compute their facets, so that query counts pin the real cost.

    The facet cache itself is tested in tests/initiatives/test_facet_cache.py.
    """
    settings.FACET_CACHE_SECONDS = 0
    # Each test starts with an empty cache of its own, not the project's
    # on-disk cache (shared with `make run`; tests/test_settings.py tests it).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    cache.clear()


@pytest.fixture
def catalogue(db):
    """The shipped catalogue: vocabularies, countries and seed initiatives."""
    call_command("load_catalogue", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="a-long-test-password"
    )
    client.force_login(user)
    return client
