"""The admin's "Import from source document" page: paste or upload, preview,
confirm.

The preview is a dry run (written and rolled back), so it shows exactly what
the import will do. The document travels from the preview to the confirmation
in a signed, compressed hidden field: nothing is kept on the server between
the two requests, and a tampered payload is refused.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Country
from .common import MAX_BYTES, SourceError
from .service import import_document

SALT = "initiatives.import-source"
MAX_AGE = 60 * 60  # a preview can be confirmed for an hour
EXTENSIONS = (".txt", ".html", ".htm")


class ImportForm(forms.Form):
    text = forms.CharField(
        label=_("Paste the page"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        help_text=_("Copy the whole entry from the source page, or upload it below."),
    )
    file = forms.FileField(
        label=_("…or upload a file"),
        required=False,
        help_text=_("A .txt or .html file of at most 1 MB, in UTF-8."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("auto", _("Recognise automatically")),
            ("stemcoalition", _("EU STEM Coalition page")),
            ("cedefop", _("Cedefop timeline entry")),
        ],
        initial="auto",
    )
    url = forms.URLField(label=_("Source URL"), required=False, assume_scheme="https")
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_("For a copy without its title line."),
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        required=False,
        help_text=_("For entries that name no country."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if not upload.name.lower().endswith(EXTENSIONS):
                raise ValidationError(_("Upload a .txt or .html file."))
            if upload.size > MAX_BYTES:
                raise ValidationError(_("The file is larger than 1 MB."))
            data["document"] = upload.read()
        elif data.get("text", "").strip():
            data["document"] = data["text"].encode("utf-8")
            if len(data["document"]) > MAX_BYTES:
                raise ValidationError(_("The text is longer than 1 MB."))
        else:
            raise ValidationError(_("Paste the page or upload a file."))
        return data


def import_source_view(request, model_admin):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import from source document"),
    }
    if request.method == "POST" and "confirm" in request.POST:
        return confirm(request, model_admin, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        options = {
            "fmt": form.cleaned_data["format"],
            "url": form.cleaned_data["url"],
            "title": form.cleaned_data["title"],
            "country_code": (
                form.cleaned_data["country"].code
                if form.cleaned_data["country"]
                else ""
            ),
        }
        document = form.cleaned_data["document"]
        try:
            result = import_document(document, dry_run=True, **options)
        except (SourceError, ValidationError) as exc:
            form.add_error(None, error_message(exc))
        else:
            payload = signing.dumps(
                {"document": document.decode("utf-8", "replace"), **options},
                salt=SALT,
                compress=True,
            )
            return render(
                request,
                "admin/initiatives/import_preview.html",
                {**context, "result": result, "payload": payload},
            )
    return render(
        request, "admin/initiatives/import_form.html", {**context, "form": form}
    )


def error_message(exc):
    if isinstance(exc, ValidationError):
        return _("A value was refused, nothing was imported: %(m)s") % {
            "m": "; ".join(exc.messages)
        }
    return str(exc)


def confirm(request, model_admin, context):
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=SALT, max_age=MAX_AGE
        )
    except signing.BadSignature:
        messages.error(request, _("The preview expired or was altered: start again."))
        return HttpResponseRedirect(request.path)
    document = payload.pop("document").encode("utf-8")
    try:
        result = import_document(document, label="the admin import", **payload)
    except (SourceError, ValidationError) as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(request.path)
    imported = []
    for outcome in result.outcomes:
        if outcome.action == "created":
            model_admin.log_addition(request, outcome.initiative, [{"added": {}}])
        elif outcome.action == "updated":
            model_admin.log_change(
                request, outcome.initiative, "Updated from a source document."
            )
        if outcome.action in ("created", "updated"):
            imported.append(outcome.initiative)
            messages.success(
                request, f"{outcome.action.capitalize()} draft: {outcome.title}"
            )
        else:
            messages.warning(
                request,
                f"Skipped “{outcome.title}”: a published initiative has this "
                "title; it was left unchanged.",
            )
    if len(imported) == 1:
        return HttpResponseRedirect(
            reverse("admin:initiatives_initiative_change", args=[imported[0].pk])
        )
    url = reverse("admin:initiatives_initiative_changelist")
    if imported:
        url += "?id__in=" + ",".join(str(obj.pk) for obj in imported)
    return HttpResponseRedirect(url)
