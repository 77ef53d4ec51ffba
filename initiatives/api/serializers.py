"""How the catalogue looks as JSON.

Codes and slugs identify things (`"BE"`, `"upper-secondary"`): they are the
values the query parameters take. Fixed sets (kind, status, role...) give the
stored value and, next to it, its English label (`kind` and `kind_label`).

Serializers read only what the viewsets prefetched: no serializer runs a
query of its own, so a page costs the same number of queries at any size.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    KPI,
    Country,
    EducationLevel,
    EuropeanPriority,
    Funding,
    Initiative,
    InitiativeOrganisation,
    Language,
    Milestone,
    Objective,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)


def absolute(request, path):
    return request.build_absolute_uri(path) if request is not None else path


class PageURLField(serializers.Field):
    """The absolute address of the object's public page (its get_absolute_url)."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return absolute(self.context.get("request"), obj.get_absolute_url())


extend_schema_field(OpenApiTypes.URI)(PageURLField)


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class SlugListField(serializers.Field):
    """The slugs (or codes) of a prefetched list of related rows."""

    def __init__(self, slug_field="slug", **kwargs):
        self.slug_field = slug_field
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return [getattr(item, self.slug_field) for item in value]


class LabelField(serializers.CharField):
    """The label of a choice field: `kind_label` next to `kind`."""

    def __init__(self, field_name, **kwargs):
        kwargs["source"] = f"get_{field_name}_display"
        kwargs["read_only"] = True
        super().__init__(**kwargs)


# --- Error bodies (for the schema) -------------------------------------------


class ParameterErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField(
        allow_null=True,
        help_text="The query parameter; null for a rule across parameters.",
    )
    value = serializers.CharField(help_text="The value that was not understood.")
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """Every error answer: a sentence, and the parameters at fault if any."""

    detail = serializers.CharField()
    errors = ParameterErrorSerializer(many=True, required=False)
    retry_after = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Seconds to wait before the next request (429).",
    )


# --- Places, languages, vocabularies -----------------------------------------


class CountryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class RegionRefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Region
        fields = ["slug", "name", "country"]


class RegionNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["slug", "name"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class CountrySerializer(serializers.ModelSerializer):
    url = PageURLField(help_text="The country's page.")
    api_url = serializers.SerializerMethodField()
    initiative_count = serializers.IntegerField(
        read_only=True,
        help_text="Published initiatives in the country or one of its regions.",
    )
    regions = RegionNameSerializer(many=True, read_only=True)

    class Meta:
        model = Country
        fields = [
            "code",
            "name",
            "slug",
            "is_eu_member",
            "initiative_count",
            "regions",
            "url",
            "api_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, country):
        return absolute(
            self.context.get("request"),
            reverse("api:country-detail", args=[country.code.lower()]),
        )


class TermRefSerializer(serializers.Serializer):
    """A vocabulary term as an initiative carries it."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    parent = serializers.SlugField(
        source="parent.slug",
        allow_null=True,
        read_only=True,
        help_text="The slug of the top-level term, if this is a sub-term.",
    )


class VocabularySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    initiative_count = serializers.IntegerField(
        read_only=True,
        help_text="Published initiatives tagged with the term or one of its sub-terms.",
    )
    url = PageURLField(help_text="The catalogue filtered by the term.")

    class Meta:
        fields = [
            "slug",
            "name",
            "description",
            "order",
            "parent",
            "initiative_count",
            "url",
        ]


class EducationLevelSerializer(VocabularySerializer):
    class Meta(VocabularySerializer.Meta):
        model = EducationLevel
        fields = [
            *VocabularySerializer.Meta.fields[:4],
            "isced",
            *VocabularySerializer.Meta.fields[4:],
        ]


class TargetGroupSerializer(VocabularySerializer):
    class Meta(VocabularySerializer.Meta):
        model = TargetGroup


class ThematicCategorySerializer(VocabularySerializer):
    class Meta(VocabularySerializer.Meta):
        model = ThematicCategory


class EuropeanPrioritySerializer(VocabularySerializer):
    class Meta(VocabularySerializer.Meta):
        model = EuropeanPriority


# --- Organisations -------------------------------------------------------------


class OrganisationRefSerializer(serializers.ModelSerializer):
    url = PageURLField()
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name", "acronym", "url", "api_url"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = LabelField("kind")
    network_role_label = LabelField("network_role")
    country = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    region = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    initiative_count = serializers.IntegerField(
        read_only=True, help_text="Published initiatives it has a role in."
    )
    url = PageURLField(help_text="The organisation's page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )

    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "acronym",
            "kind",
            "kind_label",
            "network_role",
            "network_role_label",
            "country",
            "region",
            "website",
            "description",
            "initiative_count",
            "url",
            "api_url",
        ]


class InitiativeRefSerializer(serializers.ModelSerializer):
    url = PageURLField()
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:initiative-detail", lookup_field="slug"
    )

    class Meta:
        model = Initiative
        fields = ["slug", "title", "url", "api_url"]


class OrganisationRoleInitiativeSerializer(serializers.ModelSerializer):
    """One role of an organisation, seen from the organisation."""

    role_label = LabelField("role")
    initiative = InitiativeRefSerializer(read_only=True)

    class Meta:
        model = InitiativeOrganisation
        fields = ["role", "role_label", "note", "initiative"]


class OrganisationDetailSerializer(OrganisationSerializer):
    roles = OrganisationRoleInitiativeSerializer(
        source="published_roles",
        many=True,
        read_only=True,
        help_text="Its roles in published initiatives.",
    )

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "roles"]


# --- Initiatives ---------------------------------------------------------------


class RoleSerializer(serializers.ModelSerializer):
    """One role of an organisation, seen from the initiative."""

    role_label = LabelField("role")
    organisation = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = InitiativeOrganisation
        fields = ["role", "role_label", "note", "organisation"]


class InitiativeListSerializer(serializers.ModelSerializer):
    """An initiative as a row of the catalogue: what a card shows, and its tags."""

    kind_label = LabelField("kind")
    status_label = LabelField("status")
    # The lists InitiativeViewSet prefetches (see InitiativeQuerySet.for_listing).
    countries = SlugListField(
        source="country_list", slug_field="code", help_text="ISO 3166-1 codes."
    )
    regions = SlugListField(source="region_list")
    education_levels = SlugListField(source="education_level_list")
    target_groups = SlugListField(source="target_group_list")
    themes = SlugListField(source="theme_list")
    priorities = SlugListField(source="priority_list")
    organisations = RoleSerializer(
        source="leading_roles",
        many=True,
        read_only=True,
        help_text="Lead, author and responsible organisations.",
    )
    url = PageURLField(help_text="The initiative's page.")
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:initiative-detail", lookup_field="slug"
    )

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "title",
            "original_title",
            "kind",
            "kind_label",
            "publication_type",
            "status",
            "status_label",
            "scope",
            "summary",
            "year_start",
            "year_end",
            "countries",
            "regions",
            "education_levels",
            "target_groups",
            "themes",
            "priorities",
            "organisations",
            "created",
            "updated",
            "url",
            "api_url",
        ]


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["group", "text", "order"]


class KPISerializer(serializers.ModelSerializer):
    kind_label = LabelField("kind")
    display_value = serializers.CharField(
        read_only=True, help_text="The value as a reader reads it: “about 2,200 users”."
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = KPI
        fields = [
            "kind",
            "kind_label",
            "indicator",
            "method",
            "value_type",
            "qualifier",
            "value",
            "unit",
            "display_value",
            "year_start",
            "year_end",
            "note",
            "order",
        ]


class FundingSerializer(serializers.ModelSerializer):
    model_label = LabelField("model")
    funder = OrganisationRefSerializer(read_only=True, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    class Meta:
        model = Funding
        fields = [
            "funder",
            "model",
            "model_label",
            "programme",
            "reference",
            "amount",
            "currency",
            "year_start",
            "year_end",
            "note",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    stage_label = LabelField("stage")

    class Meta:
        model = Milestone
        fields = ["year", "date", "stage", "stage_label", "note"]


class RelationSerializer(serializers.Serializer):
    """A typed link, read as "this initiative <label> <initiative>"."""

    direction = serializers.ChoiceField(
        choices=["outgoing", "incoming"],
        help_text="outgoing: stored on this initiative; incoming: on the other one.",
    )
    kind = serializers.CharField(help_text="The stored relation, e.g. emerged-from.")
    label = serializers.CharField(help_text="The relation read from this initiative.")
    initiative = InitiativeRefSerializer()
    note = serializers.CharField(allow_blank=True)


class SourceSerializer(serializers.Serializer):
    name = serializers.CharField(source="source", allow_blank=True)
    label = serializers.CharField(source="get_source_display", allow_blank=True)
    url = serializers.URLField(source="source_url", allow_blank=True)
    reference = serializers.CharField(source="source_reference", allow_blank=True)
    retrieved_on = serializers.DateField(source="source_retrieved_on", allow_null=True)
    note = serializers.CharField(source="source_note", allow_blank=True)


class InitiativeDetailSerializer(InitiativeListSerializer):
    """Every field of an initiative with its related rows nested."""

    publication_type_label = LabelField("publication_type")
    scope_label = LabelField("scope")
    # The lists InitiativeQuerySet.detail() reads.
    countries = CountryRefSerializer(source="country_list", many=True, read_only=True)
    regions = RegionRefSerializer(source="region_list", many=True, read_only=True)
    languages = LanguageSerializer(source="language_list", many=True, read_only=True)
    education_levels = TermRefSerializer(
        source="education_level_list", many=True, read_only=True
    )
    target_groups = TermRefSerializer(
        source="target_group_list", many=True, read_only=True
    )
    themes = TermRefSerializer(source="theme_list", many=True, read_only=True)
    priorities = TermRefSerializer(source="priority_list", many=True, read_only=True)
    organisations = RoleSerializer(source="role_list", many=True, read_only=True)
    image = serializers.SerializerMethodField()
    objectives = ObjectiveSerializer(source="objective_list", many=True, read_only=True)
    kpis = KPISerializer(source="kpi_list", many=True, read_only=True)
    funding = FundingSerializer(source="funding_list", many=True, read_only=True)
    milestones = MilestoneSerializer(source="milestone_list", many=True, read_only=True)
    relations = serializers.SerializerMethodField()
    source = SourceSerializer(source="*", read_only=True)

    class Meta(InitiativeListSerializer.Meta):
        fields = [
            "slug",
            "title",
            "original_title",
            "kind",
            "kind_label",
            "publication_type",
            "publication_type_label",
            "status",
            "status_label",
            "summary",
            "description",
            "background",
            "scope",
            "scope_label",
            "countries",
            "regions",
            "year_start",
            "year_end",
            "languages",
            "website",
            "image",
            "education_levels",
            "target_groups",
            "themes",
            "priorities",
            "organisations",
            "objectives",
            "kpis",
            "funding",
            "milestones",
            "relations",
            "source",
            "created",
            "updated",
            "url",
            "api_url",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_image(self, initiative):
        if not initiative.image:
            return None
        return absolute(self.context.get("request"), initiative.image.url)

    @extend_schema_field(RelationSerializer(many=True))
    def get_relations(self, initiative):
        """Links both ways, to published initiatives only."""
        rows = [
            {
                "direction": "outgoing",
                "kind": relation.kind,
                "label": str(relation.get_kind_display()),
                "initiative": relation.to_initiative,
                "note": relation.note,
            }
            for relation in initiative.relations_out
            if relation.to_initiative.is_published
        ] + [
            {
                "direction": "incoming",
                "kind": relation.kind,
                "label": str(relation.inverse_label),
                "initiative": relation.from_initiative,
                "note": relation.note,
            }
            for relation in initiative.relations_in
            if relation.from_initiative.is_published
        ]
        return RelationSerializer(rows, many=True, context=self.context).data
