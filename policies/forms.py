"""The staff workspace's edit form: a measure's fields plus formsets for targets and bureaus.

Plain forms rather than a ModelForm: saving goes through `measure_update`, never `form.save()`.
Django's own messages are in Chinese because LANGUAGE_CODE is zh-hans.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from enterprises.models import EnterpriseTier

from .contacts import CONTACT_FIELDS
from .guide import GUIDE_FIELDS
from .history import TARGET_KEYS, live_state
from .meta import form_field
from .models import Bureau, Measure, Responsibility, Target, Theme
from .validators import validate_phone


class ChineseForm(forms.Form):
    """Labels end in a full-width colon (标题：), as Chinese text writes them; Django's zh-hans
    translation keeps the ASCII one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)


def _model_field(name: str, **kwargs) -> forms.Field:
    return form_field(Measure, name, **kwargs)


class MeasureForm(ChineseForm):
    # The version the form was loaded from: saving over a newer one is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = _model_field("title")
    body = _model_field("body", widget=forms.Textarea(attrs={"rows": 8}))
    tiers = forms.ModelMultipleChoiceField(
        EnterpriseTier.objects.ladder_order(),
        to_field_name="slug",
        required=False,
        label="适用企业",
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.all(),
        to_field_name="slug",
        required=False,
        label="主题",
        widget=forms.CheckboxSelectMultiple,
    )
    guide_eligibility = _model_field("guide_eligibility", widget=forms.Textarea(attrs={"rows": 3}))
    guide_conditions = _model_field("guide_conditions", widget=forms.Textarea(attrs={"rows": 3}))
    guide_support = _model_field("guide_support", widget=forms.Textarea(attrs={"rows": 3}))
    guide_procedure = _model_field("guide_procedure", widget=forms.Textarea(attrs={"rows": 3}))
    guide_period = _model_field("guide_period")
    guide_office = _model_field("guide_office")
    # Model validators only run in full_clean; repeat this one so the form reports it with the rest.
    guide_phone = _model_field("guide_phone", validators=[validate_phone])
    guide_address = _model_field("guide_address")

    def guide_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in GUIDE_FIELDS]


class TargetForm(ChineseForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label="原文", max_length=300)
    subject = forms.CharField(label="对象", max_length=200)
    quantity = forms.DecimalField(label="数量", min_value=0, max_digits=20, decimal_places=4)
    unit = forms.CharField(label="单位", max_length=20)
    comparator = forms.CharField(label="限定", max_length=10, required=False)
    per = forms.CharField(label="范围", max_length=30, required=False, help_text="如：每条产业链")
    year = forms.IntegerField(label="年份", min_value=1949, max_value=2100, required=False)
    # A blank first choice, so the empty row for a new target stays unchanged until filled in.
    kind = forms.ChoiceField(label="类型", choices=[("", "——"), *Target.Kind.choices])
    tier = forms.ModelChoiceField(
        EnterpriseTier.objects.ladder_order(),
        to_field_name="slug",
        required=False,
        label="企业梯度",
        empty_label="（不限）",
    )


def _target_initial(target: dict[str, Any]) -> dict[str, Any]:
    return {key: target[key] for key in ("id", *TARGET_KEYS)}


class ResponsibilityForm(ChineseForm):
    bureau = forms.ModelChoiceField(Bureau.objects.all(), label="单位")
    role = forms.ChoiceField(label="角色", choices=[("", "——"), *Responsibility.Role.choices])


class _Formset(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The rows kept: neither deleted nor left blank."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k != DELETION_FIELD_NAME}
            for form in self.forms
            if form.has_changed() or form.initial
            if not form.cleaned_data.get(DELETION_FIELD_NAME, False)
        ]


# formset_factory returns a subclass of `formset`; the stubs type it as BaseFormSet.
TargetFormSet = cast(
    type[_Formset],
    forms.formset_factory(TargetForm, formset=_Formset, extra=1, can_delete=True),
)


class _ResponsibilityFormSet(_Formset):
    def clean(self) -> None:
        if any(self.errors):
            return
        rows = self.rows()
        bureaus = [row["bureau"] for row in rows]
        if not rows:
            raise forms.ValidationError("至少需要一个责任单位。")
        if len(set(bureaus)) != len(bureaus):
            raise forms.ValidationError("同一单位不能重复列出。")


ResponsibilityFormSet = cast(
    type[_ResponsibilityFormSet],
    forms.formset_factory(
        ResponsibilityForm, formset=_ResponsibilityFormSet, extra=1, can_delete=True
    ),
)


class EditForms:
    """The three forms of the edit page, bound or not, and the `data` they give the service.

    Unbound forms start from `state` (policies.history's shape; default: the measure as it is),
    so the conflict page can offer a merge of two editors' changes."""

    def __init__(self, measure: Measure, *, with_bureaus: bool, data=None, state=None):
        self.with_bureaus = with_bureaus
        state = live_state(measure) if state is None else state
        initial = {name: state[name] for name in ("title", "body", *GUIDE_FIELDS)}
        initial.update(version=measure.version, tiers=state["tiers"], themes=state["themes"])
        self.measure = MeasureForm(data, initial=initial)
        self.targets = TargetFormSet(
            data, prefix="targets", initial=[_target_initial(t) for t in state["targets"]]
        )
        self.bureaus = (
            ResponsibilityFormSet(data, prefix="bureaus", initial=state["bureaus"])
            if with_bureaus
            else None
        )

    def is_valid(self) -> bool:
        valid = [self.measure.is_valid(), self.targets.is_valid()]
        if self.bureaus is not None:
            valid.append(self.bureaus.is_valid())
        return all(valid)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.measure.cleaned_data.items() if k != "version"}
        data["targets"] = self.targets.rows()
        if self.bureaus is not None:
            data["bureaus"] = [
                {"bureau": row["bureau"], "role": row["role"]} for row in self.bureaus.rows()
            ]
        return data

    @property
    def expected_version(self) -> int:
        return self.measure.cleaned_data["version"]

    def add_service_errors(self, exc) -> None:
        """Put the service's ValidationError where the person will see it."""
        if not hasattr(exc, "error_dict"):
            self.measure.add_error(None, exc.messages)
            return
        for name, errors in exc.message_dict.items():
            if name in self.measure.fields:
                self.measure.add_error(name, errors)
            else:
                self.measure.add_error(None, errors)


class ContactForm(ChineseForm):
    """A bureau's contact card; saving goes through `bureau_contact_update`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    contact_office = Bureau._meta.get_field("contact_office").formfield()
    contact_phone = Bureau._meta.get_field("contact_phone").formfield(
        validators=[validate_phone], help_text="如 027-85551234；多个号码用“、”分隔"
    )
    contact_address = Bureau._meta.get_field("contact_address").formfield()
    contact_website = Bureau._meta.get_field("contact_website").formfield(
        assume_scheme="https", help_text="如 https://jxj.wuhan.gov.cn/"
    )
    contact_hours = Bureau._meta.get_field("contact_hours").formfield()

    def __init__(self, bureau: Bureau, data=None):
        initial = {name: getattr(bureau, name) for name in CONTACT_FIELDS}
        super().__init__(data, initial={**initial, "version": bureau.version})

    def service_data(self) -> dict[str, Any]:
        return {key: self.cleaned_data[name] for name, key in CONTACT_FIELDS.items()}

    def add_service_errors(self, exc) -> None:
        fields = {key: name for name, key in CONTACT_FIELDS.items()}
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, errors in exc.message_dict.items():
            self.add_error(fields.get(key), errors)
