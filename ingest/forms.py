"""The upload page's forms: a file or pasted text, and what staff may correct before confirming."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from policies.models import Bureau

from . import rules
from .errors import IngestError
from .formats import ACCEPTED
from .service import Source


class CorrectionsForm(forms.Form):
    """What the parser could not read, corrected by staff (empty: keep what it read)."""

    kind = forms.ChoiceField(
        label="文件类型",
        required=False,
        choices=[("", "自动识别"), ("reply", "提案/建议答复"), ("measures", "政策措施文件")],
    )
    bureau = forms.ModelChoiceField(
        label="答复单位",
        required=False,
        queryset=Bureau.objects.none(),
        empty_label="按原文识别",
    )
    date = forms.DateField(
        label="答复日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    number = forms.RegexField(
        label="提案号",
        required=False,
        regex=r"^\d{4,12}$",
        error_messages={"invalid": "提案号是 4 到 12 位数字。"},
    )
    allow_removals = forms.BooleanField(
        label="允许删除（此文件不再包含的条目将被删除；工作人员修改过的条目仍保留）", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        bureau, kind = self.fields["bureau"], self.fields["kind"]
        assert isinstance(bureau, forms.ModelChoiceField) and isinstance(kind, forms.ChoiceField)
        if user.is_superuser:
            bureau.queryset = Bureau.objects.order_by("name")
        else:
            # Bureau staff upload replies in their own bureau's name.
            bureau.queryset = Bureau.objects.filter(memberships__user=user).order_by("name")
            del self.fields["allow_removals"]
            kind.choices = [("", "提案/建议答复")]

    def corrections(self) -> dict:
        data = self.cleaned_data
        values = {
            "kind": data.get("kind") or "",
            "bureau": data["bureau"].name if data.get("bureau") else "",
            "date": data["date"].isoformat() if data.get("date") else "",
            "number": data.get("number") or "",
        }
        return {k: v for k, v in values.items() if v}

    @property
    def removals_allowed(self) -> bool:
        return bool(self.cleaned_data.get("allow_removals"))


class UploadForm(CorrectionsForm):
    file = forms.FileField(label="文件", required=False, help_text=f"接受 {ACCEPTED}")
    text = forms.CharField(
        label="或粘贴全文",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    name = forms.CharField(
        label="文件名（粘贴全文时）",
        required=False,
        max_length=200,
        help_text="例如 20250597号提案答复.txt；同名文件再次导入即为更新",
    )

    field_order = ["file", "text", "name"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload, text = data.get("file"), data.get("text") or ""
        if bool(upload) == bool(text.strip()):
            raise forms.ValidationError("请上传一个文件，或粘贴全文（二选一）。")
        size = upload.size if upload else len(text.encode("utf-8"))
        try:
            rules.check_size(size)
        except IngestError as exc:
            raise forms.ValidationError(str(exc)) from None
        if text and not data.get("name"):
            # Named after the text: pasting the same text again is the same document.
            data["name"] = f"pasted-{rules.text_fingerprint(text)[:12]}.txt"
        return data

    def source(self) -> Source:
        upload = self.cleaned_data.get("file")
        if upload:
            # The size was checked before this reads it.
            return Source(upload.name[:200], upload.read(settings.INGEST_MAX_BYTES + 1))
        return Source(self.cleaned_data["name"], self.cleaned_data["text"].encode("utf-8"))
