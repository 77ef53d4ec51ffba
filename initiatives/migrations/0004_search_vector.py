"""The stored search vector, its GIN index, and indexes for the facets.

The GIN index and the vectors' first computation are PostgreSQL only: SQLite
accepts the column (and leaves it empty) but has no GIN indexes. The
many-to-many tables get an index per term and initiative, so that counting
and filtering by a term read the index alone.
"""

import django.contrib.postgres.search
from django.db import migrations

GIN_INDEX = "initiative_search_vector_gin"

# (table, term column) of the many-to-many tables the filters and facets read.
TERM_TABLES = [
    ("initiatives_initiative_countries", "country_id"),
    ("initiatives_initiative_regions", "region_id"),
    ("initiatives_initiative_education_levels", "educationlevel_id"),
    ("initiatives_initiative_target_groups", "targetgroup_id"),
    ("initiatives_initiative_themes", "thematiccategory_id"),
    ("initiatives_initiative_priorities", "europeanpriority_id"),
]


def index_name(table):
    return f"{table.removeprefix('initiatives_')}_term_initiative"[:63]


def add_indexes(apps, schema_editor):
    connection = schema_editor.connection
    for table, column in TERM_TABLES:
        schema_editor.execute(
            f"CREATE INDEX {index_name(table)} ON {table} ({column}, initiative_id)"
        )
    if connection.vendor != "postgresql":
        return
    from initiatives.search import search_document

    Initiative = apps.get_model("initiatives", "Initiative")
    Initiative.objects.update(
        search_vector=search_document(
            apps.get_model("initiatives", "Objective"),
            apps.get_model("initiatives", "InitiativeOrganisation"),
        )
    )
    schema_editor.execute(
        f"CREATE INDEX {GIN_INDEX} ON initiatives_initiative USING gin (search_vector)"
    )


def remove_indexes(apps, schema_editor):
    for table, _column in TERM_TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(table)}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0003_editorial_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(add_indexes, remove_indexes),
    ]
