"""Indexes for the listings at scale (issue 8).

Scope (the catalogue's scope filter, EU-wide initiatives); creation order
(newest first: home, a country's EU-wide initiatives, feeds); and, on
PostgreSQL only, start year newest first with missing years last, the
catalogue's "Start year" sort and a country's strategies. SQLite cannot index
NULLS LAST; that index stays out of the model's state, like the search
vector's GIN index (0004).
"""

from django.db import migrations, models

START_YEAR_INDEX = "initiative_newest_start_idx"


def add_start_year_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {START_YEAR_INDEX} ON initiatives_initiative "
            "(year_start DESC NULLS LAST, title, id)"
        )


def remove_start_year_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {START_YEAR_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0004_search_vector"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(fields=["scope"], name="initiatives_scope_f54c3b_idx"),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["created", "id"], name="initiatives_created_7bf59e_idx"
            ),
        ),
        migrations.RunPython(add_start_year_index, remove_start_year_index),
    ]
