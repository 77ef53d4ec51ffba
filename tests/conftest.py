"""Shared fixtures for the whole suite."""

import pytest
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
