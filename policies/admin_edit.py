"""Admin edits of a measure go through `measure_update` like every other editor, so they get a
version, one history entry with the user, and the same lost-update protection."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from .guide import GUIDE_FIELDS
from .history import TARGET_KEYS
from .models import Measure, Responsibility, Target
from .services import EDITABLE_FIELDS, measure_update

# Set by ingest from the documents; the service does not edit them, so the admin shows them only.
STRUCTURE_FIELDS = ("document", "chapter", "number", "responsibility_text")


class MeasureAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Measure
        fields = [*STRUCTURE_FIELDS, "title", "body", "tiers", "themes", *GUIDE_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        expected = cleaned.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Measure.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current and current[0] != expected:
                raise forms.ValidationError(
                    f"此措施在您打开本页后已被修改为版本 {current[0]}，为避免覆盖他人的修改，本次没有保存。"
                    "请重新打开本页后再修改。"
                )
        return cleaned


class ServiceEditAdminMixin(admin.ModelAdmin):
    """For existing measures: collect the form and inlines into `data` and call the service
    instead of saving them directly (new measures are created as usual)."""

    form = MeasureAdminForm

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly + list(STRUCTURE_FIELDS) if obj is not None else readonly

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
            return
        data: dict[str, Any] = {
            name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.cleaned_data
        }
        for name in ("tiers", "themes"):
            if name in form.cleaned_data:
                data[name] = list(form.cleaned_data[name])
        for formset in formsets:
            kept = [
                f
                for f in formset.forms
                if f not in formset.deleted_forms and (f.instance.pk or f.has_changed())
            ]
            if formset.model is Target:
                data["targets"] = [_target_row(f) for f in kept]
            elif formset.model is Responsibility:
                kept.sort(key=lambda f: f.cleaned_data.get("order") or 0)
                data["bureaus"] = [
                    {"bureau": f.cleaned_data["bureau"], "role": f.cleaned_data["role"]}
                    for f in kept
                ]
            # The admin's change message reads these; the service did the saving.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        expected = form.cleaned_data.get("expected_version")
        measure_update(
            measure=form.instance,
            user=request.user,
            data=data,
            expected_version=expected if expected is not None else form.instance.version,
            reason="管理后台编辑",
        )


def _target_row(form: forms.ModelForm) -> dict[str, Any]:
    row = {key: form.cleaned_data.get(key) for key in TARGET_KEYS}
    if form.instance.pk:
        row["id"] = form.instance.pk
    return row


class ReadOnlyAdminMixin:
    """Targets change only through their measure (so the measure's version moves with them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
