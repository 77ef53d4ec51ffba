"""Production security: headers on every response, admin login throttling,
uploaded images checked and served safely."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from initiatives.models import Initiative
from tests.admin_forms import form_values
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"

PAGES = [
    "/",
    "/initiatives/",
    "/countries/",
    "/organisations/",
    "/api/",
    "/api/docs/",
    "/initiatives/feed/",
    "/initiatives/export.csv",
    "/sitemap.xml",
    "/robots.txt",
    "/no-such-page/",
    f"/{settings.ADMIN_URL}login/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if "html" in response.get("Content-Type", ""):
        assert response["X-Frame-Options"] == "DENY"


def test_https_requests_get_hsts_and_http_is_redirected(client, settings):
    """What production (HTTPS on) sends; the settings test checks the values."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    plain = client.get("/initiatives/")
    secure = client.get("/initiatives/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/initiatives/"
    assert secure.status_code == 200
    assert (
        secure["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_session_and_csrf_cookies_are_http_only(client, django_user_model, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)
    login = reverse("admin:login")
    page = client.get(login)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        login,
        {"username": "editor", "password": PASSWORD, "next": "/"},
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]

    assert csrf["httponly"] and csrf["secure"]
    assert session["httponly"] and session["secure"]


# --- Admin login throttling --------------------------------------------------------


def test_admin_login_is_locked_after_repeated_failures(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)
    login = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.text

    locked = client.post(login, {"username": "editor", "password": "wrong"})
    # Even the right password is refused while locked.
    still_locked = client.post(login, {"username": "editor", "password": PASSWORD})

    assert locked.status_code == still_locked.status_code == 429
    assert "Too many failed logins" in still_locked.text
    assert "_auth_user_id" not in client.session

    # An administrator lifts the lock (README: manage.py axes_reset_username).
    call_command("axes_reset_username", "editor")
    response = client.post(
        login, {"username": "editor", "password": PASSWORD, "next": "/"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_lockout_is_per_username_not_for_everyone(client, django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)
    django_user_model.objects.create_superuser("other", "o@example.org", PASSWORD)
    login = reverse("admin:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "editor", "password": "wrong"})

    response = client.post(login, {"username": "other", "password": PASSWORD})

    assert response.status_code == 302


# --- Uploaded images ---------------------------------------------------------------


def image_bytes(image_format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(staff_client, initiative, upload_file):
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    data = form_values(staff_client.get(url).text)
    data["image"] = upload_file
    return staff_client.post(url, data)


def test_a_real_image_is_accepted_and_served_as_an_image(
    staff_client, client, media_root
):
    initiative = InitiativeFactory()
    png = SimpleUploadedFile("logo.png", image_bytes(), content_type="image/png")

    response = upload(staff_client, initiative, png)

    assert response.status_code == 302
    initiative.refresh_from_db()
    served = client.get(initiative.image.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert (
        served["Content-Security-Policy"]
        == "default-src 'none'; img-src 'self'; sandbox"
    )
    assert b"".join(served.streaming_content) == image_bytes()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.png",
            b"<html><script>alert(1)</script></html>",
            "Upload a valid image",
        ),
        ("notes.txt", b"just text", "Upload a valid image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "Upload a valid image",
        ),
        (
            "logo.jpg",
            image_bytes("PNG"),
            "The name ends in “.jpg” but the file is PNG.",
        ),
        ("logo.bmp", image_bytes("BMP"), "Images must be PNG, JPEG, GIF or WebP"),
    ],
)
def test_files_that_are_not_safe_images_are_refused_with_a_clear_message(
    staff_client, media_root, name, content, message
):
    initiative = InitiativeFactory()

    response = upload(staff_client, initiative, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.text
    initiative.refresh_from_db()
    assert not initiative.image
    assert not any(media_root.rglob("*.*"))


def test_an_oversized_image_is_refused(staff_client, media_root):
    initiative = InitiativeFactory()
    # A valid PNG padded past 2 MB (trailing bytes after IEND).
    big = image_bytes() + b"\0" * (2 * 1024 * 1024)

    response = upload(staff_client, initiative, SimpleUploadedFile("big.png", big))

    assert response.status_code == 200
    assert "the limit is 2 MB" in response.text
    initiative.refresh_from_db()
    assert not initiative.image


@pytest.mark.parametrize(
    "name", ["page.html", "drawing.svg", "notes.txt", "../settings.py", "script.js"]
)
def test_media_serves_nothing_but_images(client, media_root, name):
    (media_root / "page.html").write_text("<script>alert(1)</script>")
    (media_root / "drawing.svg").write_text("<svg onload='alert(1)'/>")
    (media_root / "notes.txt").write_text("hello")
    (media_root / "script.js").write_text("alert(1)")

    response = client.get(f"/{settings.MEDIA_URL.strip('/')}/{name}")

    assert response.status_code == 404


def test_media_missing_image_is_a_404(client, media_root):
    assert (
        client.get(f"/{settings.MEDIA_URL.strip('/')}/missing.png").status_code == 404
    )
    assert Initiative.objects.count() == 0
