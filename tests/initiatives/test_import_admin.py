"""The admin's "Import from source document" page."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from initiatives.models import Initiative

DOCUMENTS = Path(__file__).parent / "documents"
IMPORT_URL = reverse("admin:initiatives_initiative_import")

pytestmark = pytest.mark.django_db


def preview(client, **data):
    return client.post(IMPORT_URL, {"format": "auto", "preview": "1", **data})


def test_changelist_links_to_the_import_page(staff_client):
    response = staff_client.get(reverse("admin:initiatives_initiative_changelist"))
    assert IMPORT_URL in response.content.decode()


def test_preview_shows_records_and_warnings_and_writes_nothing(staff_client, catalogue):
    before = Initiative.objects.count()
    response = preview(
        staff_client, text=(DOCUMENTS / "cedefop_full.txt").read_text(), url=""
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Young STEM talent programme" in page
    assert "new draft" in page
    assert "Space tourists" in page
    assert 'name="payload"' in page
    assert Initiative.objects.count() == before


def test_confirm_creates_the_draft_and_opens_its_change_page(staff_client, catalogue):
    response = preview(staff_client, text=(DOCUMENTS / "cedefop_full.txt").read_text())
    payload = response.context["payload"]
    response = staff_client.post(IMPORT_URL, {"payload": payload, "confirm": "1"})
    initiative = Initiative.objects.get(source_reference="12345")
    assert initiative.publication_state == "draft"
    assert response.status_code == 302
    assert response.url == reverse(
        "admin:initiatives_initiative_change", args=[initiative.pk]
    )


def test_several_entries_land_on_the_changelist_filtered_to_them(
    staff_client, catalogue
):
    upload = SimpleUploadedFile(
        "page.txt", (DOCUMENTS / "stemcoalition_country_page.txt").read_bytes()
    )
    response = staff_client.post(
        IMPORT_URL, {"format": "auto", "preview": "1", "file": upload}
    )
    response = staff_client.post(
        IMPORT_URL, {"payload": response.context["payload"], "confirm": "1"}
    )
    assert response.status_code == 302
    assert "id__in=" in response.url
    listing = staff_client.get(response.url)
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Code Camp Nordic" in page and "Robots in the classroom" in page


def test_html_upload_with_title_and_country(staff_client, catalogue):
    upload = SimpleUploadedFile(
        "entry.html",
        b"<html><body><p>- 2020Design</p><p>Background</p><p>Text.</p>"
        b"<p>Bodies responsible</p><ul><li>Ministry X</li></ul></body></html>",
    )
    response = staff_client.post(
        IMPORT_URL,
        {
            "format": "cedefop",
            "preview": "1",
            "file": upload,
            "title": "Given title",
            "country": Initiative._meta.get_field("countries")
            .related_model.objects.get(code="AT")
            .pk,
        },
    )
    assert response.status_code == 200
    assert "Given title" in response.content.decode()
    assert "Austria" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Paste the page or upload a file."),
        ({"text": "Dear colleague, nothing here."}, "no recognisable fields"),
        ({"file": SimpleUploadedFile("a.pdf", b"%PDF")}, "Upload a .txt or .html"),
        (
            {"file": SimpleUploadedFile("a.txt", b"x" * (1024 * 1024 + 1))},
            "larger than 1 MB",
        ),
        ({"file": SimpleUploadedFile("a.txt", b"\x89PNG\x00\x00")}, "binary"),
    ],
)
def test_bad_input_is_explained_on_the_form(staff_client, catalogue, data, message):
    before = Initiative.objects.count()
    response = staff_client.post(IMPORT_URL, {"format": "auto", "preview": "1", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Initiative.objects.count() == before


def test_a_tampered_payload_is_refused(staff_client, catalogue):
    response = staff_client.post(IMPORT_URL, {"payload": "forged", "confirm": "1"})
    assert response.status_code == 302
    assert Initiative.objects.filter(publication_state="draft").count() == 0


def test_users_without_add_permission_cannot_import(
    client, django_user_model, catalogue
):
    user = django_user_model.objects.create_user(
        "viewer", password="a-long-test-password", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_initiative"))
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403
    changelist = client.get(reverse("admin:initiatives_initiative_changelist"))
    assert IMPORT_URL not in changelist.content.decode()
    response = preview(client, text=(DOCUMENTS / "cedefop_full.txt").read_text())
    assert response.status_code == 403


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_posts_need_a_csrf_token(django_user_model, catalogue):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = django_user_model.objects.create_superuser("boss", "b@example.org", "pw")
    client.force_login(user)
    response = preview(client, text=(DOCUMENTS / "cedefop_full.txt").read_text())
    assert response.status_code == 403
