"""Driving the admin's forms from tests as a browser would."""

import html
import importlib
import re

from django.urls import reverse


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def formset(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = value
    return data


def errors(response):
    """Form errors of an admin response, for assertion messages."""
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return response.status_code
    errors = [context["adminform"].form.errors]
    errors += [formset.formset.errors for formset in context["inline_admin_formsets"]]
    return errors


def form_values(page):
    """The values a browser would submit for the rendered change form."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'\sname="([^"]+)"', tag)
        if not name or re.search(r'type="(checkbox|submit|file)"', tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(
        r'<select[^>]*\sname="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        selected = re.findall(r'<option value="([^"]*)"[^>]*selected', body)
        if selected:
            data[name] = selected if len(selected) > 1 else selected[0]
    for name, body in re.findall(
        r'<textarea[^>]*\sname="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        data[name] = html.unescape(body.strip())
    data.pop("csrfmiddlewaretoken", None)
    return {k: v for k, v in data.items() if "__prefix__" not in k}


def editorial_group(name):
    """The Editor or Publisher group, as migration 0003 creates it.

    A transactional test (browser, load) flushes the database, and a flush
    does not re-run data migrations: the group is then recreated with the
    migration's own function, so tests always use the real permission lists.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=name).first()
    if group is None:
        migration = importlib.import_module(
            "initiatives.migrations.0003_editorial_groups"
        )
        migration.create_groups(apps, None)
        group = Group.objects.get(name=name)
    return group
