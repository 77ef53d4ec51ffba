"""A database that goes away mid-request yields a 503, and the site recovers.

On every database the failure is injected into the connection (an
OperationalError from the driver, as when the server is gone). On PostgreSQL
it is also made real: the connection is pointed at a closed port, or the
server terminates it (pg_terminate_backend), and then given back.
"""

import socket

import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client, RequestFactory

from stemportal.middleware import RETRY_AFTER
from stemportal.views import server_error
from tests.factories import InitiativeFactory

PAGES = ["/", "/initiatives/", "/countries/", "/organisations/"]


def database_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def assert_unavailable_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert "The catalogue is temporarily unavailable" in response.text
    assert "Traceback" not in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_lost_database_gives_a_503_page_and_the_next_request_works(client, path):
    InitiativeFactory(title="Robotics for all")

    with connection.execute_wrapper(database_gone):
        response = client.get(path)
    assert_unavailable_page(response)

    assert client.get(path).status_code == 200


@pytest.mark.django_db
def test_lost_database_gives_json_503_on_the_api(client):
    with connection.execute_wrapper(database_gone):
        response = client.get("/api/initiatives/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response.json()["retry_after"] == RETRY_AFTER
    assert client.get("/api/initiatives/").status_code == 200


def test_errors_outside_views_also_give_a_503():
    """handler500 sees the database error raised in middleware (sessions)."""
    request = RequestFactory().get("/initiatives/")
    try:
        raise OperationalError("could not connect to server")
    except OperationalError:
        response = server_error(request)
    assert_unavailable_page(response)


def test_other_errors_still_give_the_500_page():
    request = RequestFactory().get("/initiatives/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text


# --- For real, on PostgreSQL ------------------------------------------------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a PostgreSQL server"
)


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_unreachable_postgresql_gives_503_and_the_site_recovers():
    InitiativeFactory(title="Robotics for all")
    client = Client(raise_request_exception=False)
    settings_dict = connection.settings_dict
    original = (settings_dict["HOST"], settings_dict["PORT"])
    connection.close()
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", closed_port()
    try:
        for path in PAGES:
            assert_unavailable_page(client.get(path))
    finally:
        settings_dict["HOST"], settings_dict["PORT"] = original
        connection.close()

    response = client.get("/initiatives/")
    assert response.status_code == 200
    assert "Robotics for all" in response.text


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_connection_killed_by_the_server_gives_503_and_is_replaced():
    import psycopg2

    InitiativeFactory(title="Robotics for all")
    client = Client(raise_request_exception=False)
    assert client.get("/initiatives/").status_code == 200
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg2.connect(**params) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

    # The server dropped the connection: the request in flight fails cleanly.
    assert_unavailable_page(client.get("/initiatives/"))

    # The next request starts, as under a real server, by discarding a broken
    # connection (CONN_HEALTH_CHECKS), and works again.
    close_old_connections()
    response = client.get("/initiatives/")
    assert response.status_code == 200
    assert "Robotics for all" in response.text
