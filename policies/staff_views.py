"""The bureau staff workspace: my measures, the edit form, history with revert, the conflict page
and the report of what people search for. Every write goes through policies.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .contacts import (
    CONTACT_FIELDS,
    BureauVersionConflict,
    bureau_contact_update,
    editable_bureaus,
    user_can_edit_bureau,
)
from .forms import ContactForm, EditForms
from .guide import GUIDE_FIELDS, guide_filled, guide_shares
from .history import (
    LABELS,
    Names,
    diff_states,
    live_state,
    measure_versions,
    state_from_data,
)
from .meta import field_label
from .models import Bureau, Measure
from .reports import SearchReport, user_can_see_search_report
from .services import (
    VersionConflict,
    editable_measures,
    measure_revert,
    measure_update,
    user_can_change_bureaus,
    user_can_edit_measure,
)

NOT_YOURS = "您所在单位不负责此措施，不能修改。"


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "staff/forbidden.html", {"message": message}, status=403)


def _editable(request: HttpRequest, pk: int) -> Measure | HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("chapter", "document"), pk=pk)
    if not user_can_edit_measure(request.user, measure):
        return forbidden(request, NOT_YOURS)
    return measure


@require_safe
@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert user.is_authenticated  # login_required
    measures = list(editable_measures(user).for_list().order_by("document", "number"))
    # The gaps first: the guides with the fewest fields filled in, then in the document's order.
    measures.sort(key=guide_filled)
    bureaus = [m.bureau for m in user.bureau_memberships.select_related("bureau")]
    shares = guide_shares(measures)
    if not request.user.is_superuser:
        shares = [s for s in shares if s.bureau in bureaus]
    return render(
        request,
        "staff/workspace.html",
        {
            "measures": measures,
            "bureaus": bureaus,
            # Superusers see the cards of the bureaus named in some measure, staff their own.
            "cards": bureaus
            if not request.user.is_superuser
            else editable_bureaus(request.user)
            .filter(responsibilities__isnull=False)
            .distinct()
            .order_by("name"),
            "shares": shares,
            "guide_size": len(GUIDE_FIELDS),
            "can_see_searches": user_can_see_search_report(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _editable(request, pk)
    if isinstance(measure, HttpResponse):
        return measure
    forms = EditForms(
        measure,
        with_bureaus=user_can_change_bureaus(request.user),
        data=request.POST if request.method == "POST" else None,
    )
    if request.method == "POST" and forms.is_valid():
        try:
            saved = measure_update(
                measure=measure,
                user=request.user,
                data=forms.service_data(),
                expected_version=forms.expected_version,
            )
        except VersionConflict as conflict:
            return _conflict(request, forms, conflict.current)
        except ValidationError as exc:
            forms.add_service_errors(exc)
        else:
            if saved.version == forms.expected_version:
                messages.info(request, "内容没有变化，未产生新版本。")
            else:
                messages.success(request, f"已保存为版本 {saved.version}，网站和接口即时更新。")
            return redirect("staff:measure_history", pk=measure.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "staff/edit.html", {"measure": measure, "forms": forms}, status=status)


def _conflict(request: HttpRequest, forms: EditForms, current: Measure) -> HttpResponse:
    """Nothing was saved. Show what the other editor changed and what this one tried, and offer
    the form again on the current version with this editor's changes merged in, so that
    saving it as it stands keeps both (a field both changed shows this editor's value)."""
    versions = measure_versions(current)
    loaded = next((v for v in versions if v.number == forms.expected_version), None)
    now = live_state(current)
    base = loaded.state if loaded else now
    submitted = state_from_data(base, forms.service_data())
    mine = {key for key in submitted if submitted[key] != base.get(key)}
    theirs = {key for key in now if now[key] != base.get(key)}
    merged = {**now, **{key: submitted[key] for key in mine}}
    current_ids = {t["id"] for t in now["targets"]}
    # A target the other editor removed comes back as a new one rather than failing.
    merged["targets"] = [
        {**t, "id": t["id"] if t["id"] in current_ids else None} for t in merged["targets"]
    ]
    names = Names()
    context = {
        "measure": current,
        "loaded_version": forms.expected_version,
        "latest": versions[-1] if versions else None,
        "theirs": diff_states(base, now, names),
        "yours": diff_states(base, submitted, names),
        "both": [LABELS[key] for key in LABELS if key in mine & theirs],
        "forms": EditForms(current, with_bureaus=forms.with_bureaus, state=merged),
    }
    return render(request, "staff/conflict.html", context, status=409)


@require_safe
@login_required
def measure_history(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _editable(request, pk)
    if isinstance(measure, HttpResponse):
        return measure
    versions = list(reversed(measure_versions(measure)))
    return render(request, "staff/history.html", {"measure": measure, "versions": versions})


@require_POST
@login_required
def measure_revert_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _editable(request, pk)
    if isinstance(measure, HttpResponse):
        return measure
    try:
        version = int(request.POST["version"])
        expected = int(request.POST["expected_version"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("版本号无效。")
    try:
        saved = measure_revert(
            measure=measure, user=request.user, version=version, expected_version=expected
        )
    except VersionConflict as conflict:
        messages.error(
            request,
            f"措施已被他人修改为版本 {conflict.current.version}，未恢复任何内容；请查看最新历史后再操作。",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已恢复版本 {version} 的内容，保存为版本 {saved.version}。")
    return redirect("staff:measure_history", pk=measure.pk)


@require_safe
@login_required
def search_report(request: HttpRequest) -> HttpResponse:
    if not user_can_see_search_report(request.user):
        return forbidden(request, "只有单位工作人员和分析人员可以查看搜索词报告。")
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 0
    if not 1 <= days <= 366:
        return HttpResponseBadRequest("days 应为 1 到 366 之间的整数。")
    return render(request, "staff/search_report.html", {"report": SearchReport.build(days=days)})


def _card_history(bureau: Bureau) -> list[dict]:
    """The card's versions, newest first, each with the fields it changed (from, to)."""
    records = list(bureau.history.select_related("history_user").order_by("history_date"))
    entries, before = [], None
    for record in records:
        changes = [
            (field_label(Bureau, name), getattr(before, name), value)
            for name in CONTACT_FIELDS
            if (value := getattr(record, name)) != (getattr(before, name) if before else "")
        ]
        if changes or before is None:
            entries.append({"record": record, "changes": changes})
        before = record
    return entries[::-1]


@require_http_methods(["GET", "POST"])
@login_required
def bureau_contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bureau = get_object_or_404(Bureau, pk=pk)
    if not user_can_edit_bureau(request.user, bureau):
        return forbidden(request, "您不是该单位的工作人员，不能修改其联系方式。")
    form = ContactForm(bureau, data=request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = bureau_contact_update(
                bureau=bureau,
                user=request.user,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
            )
        except BureauVersionConflict as conflict:
            # Nothing saved: offer this editor's values again on top of the current version.
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)
            form = ContactForm(conflict.current, data=data)
            form.is_valid()
            form.add_error(
                None, "联系方式已被他人修改，未保存。请核对下方历史中的最新内容后再提交。"
            )
            bureau, status = conflict.current, 409
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, f"联系方式已保存（版本 {saved.version}），网站和接口即时更新。"
            )
            return redirect("staff:bureau_contact", pk=bureau.pk)
    if request.method == "POST" and status == 200:
        status = 400
    context = {"bureau": bureau, "form": form, "history": _card_history(bureau)}
    return render(request, "staff/contact.html", context, status=status)
