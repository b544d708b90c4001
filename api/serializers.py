"""Representations of the knowledge base: the API, its CSV and the open-data export share them."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.models import EnterpriseTier
from policies.contacts import bureau_contact
from policies.guide import GUIDE_FIELDS, measure_guide
from policies.models import (
    Benefit,
    Bureau,
    BureauAlias,
    Chapter,
    Citation,
    Measure,
    PolicyDocument,
    Responsibility,
    Target,
    Theme,
)
from replies.models import Reply, ReplySection, ReportedFigure


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The object's HTML page, absolute when there is a request to build it from."""

    def __init__(self, view_name: str = "", lookup: str = "pk", **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("label", "网页地址")
        self.view_name, self.lookup = view_name, lookup
        super().__init__(**kwargs)

    def to_representation(self, value):
        if self.view_name:
            url = reverse(self.view_name, args=[getattr(value, self.lookup)])
        else:
            url = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class QuantityField(serializers.DecimalField):
    """A number in JSON (analysts sum them), without the database's trailing zeros."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 20)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_representation(self, value):
        value = super().to_representation(value)
        return int(value) if value == value.to_integral_value() else float(value)


def _tier_slug(label: str) -> serializers.SlugRelatedField[EnterpriseTier]:
    """A tier as its slug; null where none is named."""
    return serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, label=label
    )


# ----- references: the short forms one object embeds of another


class ChapterRefSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True, label="章序号")
    title = serializers.CharField(read_only=True, label="章标题")


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, label="文件编号")
    title = serializers.CharField(read_only=True, label="文件标题")


class BureauRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, label="单位编号")
    name = serializers.CharField(read_only=True, label="单位全称")


class ContactSerializer(serializers.Serializer):
    """A bureau's contact card (联系方式), filled in by its staff: empty strings where unknown."""

    office = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100, label="联系处室"
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=50, label="联系电话"
    )
    address = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200, label="办公地址"
    )
    website = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200, label="网站"
    )
    hours = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100, label="办公时间"
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            extra = sorted(set(data) - set(self.fields))
            if extra:
                accepted = "、".join(self.fields)
                raise serializers.ValidationError(
                    {key: f"未知的字段；可修改的是 {accepted}。" for key in extra}
                )
        return super().to_internal_value(data)

    def to_representation(self, instance):
        return bureau_contact(instance)


class ResponsibilitySerializer(serializers.ModelSerializer):
    """A responsible bureau as the measure names it, with its role (lead or co) and its card."""

    id = serializers.IntegerField(source="bureau_id", read_only=True, label="单位编号")
    name = serializers.CharField(source="bureau.name", read_only=True, label="单位全称")
    short_name = serializers.CharField(source="bureau.short_name", read_only=True, label="简称")
    contact = ContactSerializer(source="bureau", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["id", "name", "short_name", "role", "contact"]


class TierRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseTier
        fields = ["slug", "name"]


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class TargetScopeMixin(serializers.Serializer):
    """A target's qualifier and scope, the same in every representation of a target."""

    qualifier = serializers.CharField(
        read_only=True,
        label="限定",
        help_text="以上, 不少于, 左右, 余, 约 … (ingest/qualifiers.py); empty for an exact number",
    )
    per = serializers.CharField(
        read_only=True,
        label="范围",
        help_text="每条产业链, 每个园区 …: asked of each; empty for the whole city",
    )
    scope = serializers.CharField(
        read_only=True, label="范围与期限", help_text="per and period in words: 每条产业链每年"
    )


class MeasureTargetSerializer(TargetScopeMixin, serializers.ModelSerializer):
    quantity = QuantityField(label="数量")
    tier = _tier_slug("企业梯度")

    class Meta:
        model = Target
        fields = [
            "id",
            "subject",
            "quantity",
            "unit",
            "year",
            "text",
            "tier",
            "kind",
            "comparator",
            "qualifier",
            "per",
            "scope",
        ]


class MeasureBenefitSerializer(serializers.ModelSerializer):
    """What the measure gives and to whom, as ingest read it from the text."""

    csv_label = "line"  # a list cell names each benefit by its line
    quantity = QuantityField(label="数额", allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label="类型名称")
    line = serializers.CharField(
        read_only=True, label="说明", help_text="the text, and who qualifies when it leaves it out"
    )

    class Meta:
        model = Benefit
        fields = [
            "kind",
            "kind_label",
            "text",
            "recipient",
            "quantity",
            "unit",
            "qualifier",
            "line",
        ]


class GuideSerializer(serializers.Serializer):
    """申报指南: filled in by bureau staff; null where not provided yet."""

    provided = serializers.BooleanField(read_only=True, help_text="staff filled in any field")
    eligibility = serializers.CharField(allow_null=True, label="申报对象")
    conditions = serializers.CharField(allow_null=True, label="申报条件")
    support = serializers.CharField(allow_null=True, label="支持内容")
    procedure = serializers.CharField(allow_null=True, label="申报方式")
    period = serializers.CharField(allow_null=True, label="申报时间")
    office = serializers.CharField(allow_null=True, label="联系处室")
    phone = serializers.CharField(allow_null=True, label="联系电话")
    address = serializers.CharField(allow_null=True, label="联系地址")

    def to_representation(self, instance):
        return measure_guide(instance)


# ----- the resources


class MeasureSerializer(serializers.ModelSerializer):
    chapter = ChapterRefSerializer(read_only=True)
    document = DocumentRefSerializer(read_only=True)
    bureaus = ResponsibilitySerializer(source="responsibilities", many=True, read_only=True)
    tiers = TierRefSerializer(many=True, read_only=True)
    targets = MeasureTargetSerializer(many=True, read_only=True)
    benefits = MeasureBenefitSerializer(many=True, read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    guide = GuideSerializer(source="*", read_only=True)
    url = PageURLField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "number",
            "title",
            "body",
            "chapter",
            "document",
            "bureaus",
            "tiers",
            "targets",
            "benefits",
            "themes",
            "guide",
            "url",
            "responsibility_text",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class BureauSerializer(serializers.ModelSerializer):
    aliases: serializers.SlugRelatedField[BureauAlias] = serializers.SlugRelatedField(
        slug_field="name", many=True, read_only=True, label="别名"
    )
    measure_count = serializers.IntegerField(read_only=True, label="负责的措施数")
    lead_count = serializers.IntegerField(read_only=True, label="牵头的措施数")
    contact = ContactSerializer(source="*", read_only=True)
    url = PageURLField()

    class Meta:
        model = Bureau
        fields = [
            "id",
            "name",
            "short_name",
            "aliases",
            "kind",
            "measure_count",
            "lead_count",
            "contact",
            "version",
            "url",
        ]
        read_only_fields = fields


class TierSerializer(serializers.ModelSerializer):
    # A declared field named `parent` (DRF's metaclass takes it off the class, so it does not
    # shadow Field.parent at run time; the stubs cannot see that).
    parent = _tier_slug("上一层级")  # type: ignore[assignment]
    aliases = serializers.ListField(child=serializers.CharField(), read_only=True, label="别名")
    url = PageURLField(view_name="enterprises:tier_detail", lookup="slug")

    class Meta:
        model = EnterpriseTier
        fields = ["slug", "name", "ladder", "rank", "parent", "aliases", "description", "url"]


class ThemeSerializer(serializers.ModelSerializer):
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True, label="关键词")
    measure_count = serializers.IntegerField(read_only=True, label="措施数")

    class Meta:
        model = Theme
        fields = ["slug", "name", "keywords", "measure_count"]


class TargetSerializer(TargetScopeMixin, serializers.ModelSerializer):
    quantity = QuantityField(label="数量")
    tier = _tier_slug("企业梯度")
    measure_number = serializers.IntegerField(
        source="measure.number", read_only=True, label="措施条目序号"
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "measure",
            "measure_number",
            "subject",
            "tier",
            "quantity",
            "unit",
            "year",
            "text",
            "kind",
            "comparator",
            "qualifier",
            "per",
            "scope",
        ]


class ReplySectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReplySection
        fields = ["id", "heading", "text", "marker", "level", "parent"]


class ReportedFigureSerializer(serializers.ModelSerializer):
    quantity = QuantityField(label="数量")
    quantity_max = QuantityField(label="上限", allow_null=True, read_only=True)
    tier = _tier_slug("企业梯度")

    class Meta:
        model = ReportedFigure
        fields = [
            "subject",
            "quantity",
            "unit",
            "qualifier",
            "year",
            "kind",
            "text",
            "section",
            "tier",
            "quantity_max",
            "scope",
            "year_assumed",
        ]


class ReplySerializer(serializers.ModelSerializer):
    bureau = BureauRefSerializer(read_only=True, allow_null=True)
    co_bureaus = BureauRefSerializer(
        many=True, read_only=True, source="ordered_co_bureaus", help_text="in the reply's order"
    )
    sections = ReplySectionSerializer(many=True, read_only=True)
    figures = ReportedFigureSerializer(many=True, read_only=True)
    url = PageURLField()

    class Meta:
        model = Reply
        fields = [
            "id",
            "title",
            "proposal_number",
            "session",
            "date",
            "bureau",
            "co_bureaus",
            "kind",
            "proposal_title",
            "letterhead",
            "addressee",
            "intro",
            "sections",
            "next_steps",
            "closing",
            "signature",
            "figures",
            "url",
        ]


class ChapterMeasureSerializer(serializers.ModelSerializer):
    url = PageURLField()

    class Meta:
        model = Measure
        fields = ["id", "number", "title", "url"]


class DocumentChapterSerializer(serializers.ModelSerializer):
    measures = ChapterMeasureSerializer(many=True, read_only=True)

    class Meta:
        model = Chapter
        fields = ["id", "number", "title", "measures"]


class CitedDocumentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, label="文件编号")
    title = serializers.CharField(read_only=True, label="文件标题")
    reference_number = serializers.CharField(read_only=True, label="文号")


class CitationSerializer(serializers.ModelSerializer):
    """One passage citing a document by its 文号."""

    measure = serializers.IntegerField(
        source="measure_id", read_only=True, allow_null=True, label="引用的措施编号"
    )
    section = serializers.IntegerField(
        source="section_id", read_only=True, allow_null=True, label="引用的答复段落编号"
    )
    url = PageURLField(help_text="the citing passage's page")

    class Meta:
        model = Citation
        fields = ["id", "part", "relation", "measure", "section", "written_as", "title", "url"]


class CitedBySerializer(CitationSerializer):
    csv_label = "document.title"  # who cites, in a CSV cell
    document = CitedDocumentRefSerializer(source="citing", read_only=True, label="引用文件")

    class Meta(CitationSerializer.Meta):
        fields = ["id", "document", *CitationSerializer.Meta.fields[1:]]


class CitesSerializer(CitationSerializer):
    csv_label = "written_as"  # the 文号 cited, in a CSV cell
    document = CitedDocumentRefSerializer(source="cited", read_only=True, label="被引文件")

    class Meta(CitationSerializer.Meta):
        fields = ["id", "document", *CitationSerializer.Meta.fields[1:]]


class DocumentSerializer(serializers.ModelSerializer):
    """A document served whole: a policy's preamble, chapters with their measures and closing
    clauses; for every document what it cites and who cites it by 文号."""

    url = PageURLField()
    status_note = serializers.CharField(
        read_only=True,
        label="状态说明",
        help_text="a pending repeal proposed by a draft, or that the status is unknown",
    )
    repealed_by = DocumentRefSerializer(read_only=True, allow_null=True, label="废止文件")
    chapters = DocumentChapterSerializer(many=True, read_only=True)
    cites = CitesSerializer(
        source="outgoing_citations", many=True, read_only=True, label="引用的文件"
    )
    cited_by = CitedBySerializer(
        source="citations", many=True, read_only=True, label="被以下内容引用"
    )

    class Meta:
        model = PolicyDocument
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "reference_number",
            "published_on",
            "effective_note",
            "expires_on",
            "source_file",
            "url",
            "status_note",
            "repealed_by",
            "preamble",
            "chapters",
            "closing",
            "cites",
            "cited_by",
        ]


# ----- writes


class TargetWriteSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, help_text="one of the measure's targets to change; none to add one"
    )
    subject = serializers.CharField(max_length=200)
    quantity = serializers.DecimalField(max_digits=20, decimal_places=4, min_value=0)
    unit = serializers.CharField(max_length=20)
    year = serializers.IntegerField(min_value=1949, max_value=2100, required=False, allow_null=True)
    text = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=Target.Kind.choices)
    comparator = serializers.CharField(max_length=10, required=False, allow_blank=True)
    per = serializers.CharField(
        max_length=30, required=False, allow_blank=True, help_text="每条产业链 …; empty: city-wide"
    )
    tier = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=EnterpriseTier.objects.all(),
        required=False,
        allow_null=True,
    )


class ResponsibilityWriteSerializer(serializers.Serializer):
    bureau = serializers.PrimaryKeyRelatedField(queryset=Bureau.objects.all())
    role = serializers.ChoiceField(choices=Responsibility.Role.choices)


class GuideWriteSerializer(serializers.Serializer):
    eligibility = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    conditions = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    support = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    procedure = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    period = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200
    )
    office = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=100
    )
    phone = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=50)
    address = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200
    )


class MeasureWriteSerializer(serializers.Serializer):
    """What a PATCH may change. `targets` is the complete new list (a row with an `id` changes
    that target, one without adds a target, one left out is removed); `bureaus` only by a
    superuser. measure_update checks and writes it all."""

    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False)
    tiers = serializers.SlugRelatedField(
        slug_field="slug", queryset=EnterpriseTier.objects.all(), many=True, required=False
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    targets = TargetWriteSerializer(many=True, required=False)
    bureaus = ResponsibilityWriteSerializer(many=True, required=False)
    guide = GuideWriteSerializer(required=False, help_text="only the fields given change")

    def service_data(self) -> dict:
        """validated_data in measure_update's terms (guide keys become guide_* fields)."""
        data = dict(self.validated_data)
        guide = data.pop("guide", {})
        for name, key in GUIDE_FIELDS.items():
            if key in guide:
                data[name] = guide[key] or ""
        return data


class BureauWriteSerializer(serializers.Serializer):
    """What a PATCH of a bureau may change: its contact card (only the fields given change)."""

    contact = ContactSerializer(required=True)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            extra = sorted(set(data) - {"contact"})
            if extra:
                raise serializers.ValidationError(
                    {key: "只能修改 contact（联系方式）。" for key in extra}
                )
        return super().to_internal_value(data)

    def service_data(self) -> dict:
        return {key: value or "" for key, value in self.validated_data["contact"].items()}


# ----- search and statistics (not models: plain shapes for the schema and the CSV)


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(
        help_text="measure, reply, reply_section, … (more types may be added)"
    )
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: the text escaped, matched terms in <mark>")
    url = serializers.URLField()
    score = serializers.FloatField()
    number = serializers.IntegerField(required=False, help_text="measure results")
    reply_id = serializers.IntegerField(required=False, help_text="reply and reply_section results")
    proposal_number = serializers.CharField(
        required=False, allow_null=True, help_text="reply and reply_section results"
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="what to pass back as the filter (slug, id or type)")
    # A declared field, not Field.label (as TierSerializer.parent).
    label = serializers.CharField(help_text="what to show")  # type: ignore[assignment]
    count = serializers.IntegerField()


class SearchFacetsSerializer(serializers.Serializer):
    type = FacetValueSerializer(many=True)
    bureau = FacetValueSerializer(many=True)
    tier = FacetValueSerializer(many=True)
    theme = FacetValueSerializer(many=True)
    document = FacetValueSerializer(many=True)


class SearchResponseSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = SearchFacetsSerializer(
        help_text="per facet, its values with counts for the whole query (not just this page), "
        "most frequent first"
    )
    count_exact = serializers.BooleanField(
        help_text="false when `count` is the database's estimate (a very common query on a large "
        "corpus); the results are still the best matches"
    )
    facets_partial = serializers.BooleanField(
        help_text="true when the facets count only the best matches of a very common query"
    )
    message = serializers.CharField(allow_blank=True)
    also_searched = serializers.ListField(
        child=serializers.CharField(),
        help_text="related words searched besides the words typed (房租 also searches 租金)",
    )
    suggestions = serializers.ListField(
        child=serializers.CharField(),
        help_text="when nothing was found: words and popular searches that find something",
    )
    shortcut = serializers.URLField(
        allow_null=True,
        help_text="the page the query names exactly (a proposal number, a 文号), or null",
    )


class BureauStatsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = serializers.CharField()
    led = serializers.IntegerField(help_text="measures the bureau leads (牵头)")
    co_led = serializers.IntegerField(help_text="measures the bureau takes part in (配合)")
    total = serializers.IntegerField()
    replies_answered = serializers.IntegerField(help_text="CPPCC replies the bureau answered")


class CoResponsibilitySerializer(serializers.Serializer):
    bureau_a = serializers.IntegerField()
    bureau_a_name = serializers.CharField()
    bureau_b = serializers.IntegerField()
    bureau_b_name = serializers.CharField()
    shared = serializers.IntegerField(help_text="measures both bureaus are responsible for")


class TargetStatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=0, max_value=9999, help_text="only targets for this year"
    )
    tier = serializers.CharField(
        required=False, allow_blank=True, help_text="only targets for this tier (slug)"
    )


class TargetStatsSerializer(serializers.Serializer):
    tier = serializers.CharField(
        source="tier_slug", allow_null=True, help_text="tier slug, null when none is named"
    )
    tier_name = serializers.CharField(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    targets = serializers.IntegerField()
    measures = serializers.IntegerField()


class ThemeStatsSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    measure_count = serializers.IntegerField()
    reply_section_count = serializers.IntegerField()
    bureau_count = serializers.IntegerField(
        help_text="bureaus responsible for the theme's measures"
    )
