"""Staff pages: upload a document (plan, correct, confirm) and the ingest log with originals."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from policies.models import Bureau

from .errors import IngestError
from .forms import CorrectionsForm, UploadForm
from .models import IngestRun
from .service import confirm_run, ingest_sources, plan_digest, replan_run


def user_is_staff(user) -> bool:
    """Bureau staff and superusers see the ingest log and may upload."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_staff or user.bureau_memberships.exists())
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request, "staff/forbidden.html", {"message": "只有单位工作人员可以使用此页面。"}, status=403
    )


@require_http_methods(["GET", "POST"])
@login_required
def document_new(request: HttpRequest) -> HttpResponse:
    if not user_is_staff(request.user):
        return _forbidden(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = ingest_sources(
                [form.source()],
                user=request.user,
                via=IngestRun.Via.UPLOAD,
                dry_run=True,
                allow_removals=form.removals_allowed,
                corrections=form.corrections(),
            )
        except IngestError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("ingest:document_plan", report.files[0].run.pk)
    status = 400 if form.errors else 200
    return render(request, "ingest/upload.html", {"form": form}, status=status)


def _own_upload(request: HttpRequest, pk: int) -> IngestRun:
    run = get_object_or_404(IngestRun.objects.select_related("user", "document"), pk=pk)
    if run.via == IngestRun.Via.COMMAND or not run.original:
        raise Http404
    if not (request.user.is_superuser or run.user_id == request.user.pk):
        raise Http404
    return run


@require_http_methods(["GET", "POST"])
@login_required
def document_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan of an upload; correct what the parser could not read, then confirm."""
    if not user_is_staff(request.user):
        return _forbidden(request)
    run = _own_upload(request, pk)
    initial = {**run.corrections, "allow_removals": run.allow_removals}
    if "bureau" in initial:
        initial["bureau"] = Bureau.objects.filter(name=initial["bureau"]).first()
    form = CorrectionsForm(request.POST or None, initial=initial, user=request.user)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            if "confirm" in request.POST and form.corrections() == run.corrections:
                report = confirm_run(
                    run,
                    user=request.user,
                    digest=request.POST.get("digest", ""),
                    allow_removals=form.removals_allowed,
                )
                return _done(request, report.files[0])
            replan_run(
                run,
                user=request.user,
                allow_removals=form.removals_allowed,
                corrections=form.corrections(),
            )
            return redirect("ingest:document_plan", run.pk)
        except IngestError as exc:
            error = str(exc)
            run.refresh_from_db()
    preview = (run.plan or {}).get("preview", {})
    # Bureau staff answer in a bureau's name: one the text does not give must be chosen first.
    choose_bureau = (
        not request.user.is_superuser
        and preview.get("kind") == "reply"
        and not preview.get("bureau")
    )
    can_confirm = run.outcome == IngestRun.Outcome.PLANNED and not choose_bureau
    return render(
        request,
        "ingest/plan.html",
        {
            "run": run,
            "plan": run.plan,
            "form": form,
            "error": error,
            "digest": plan_digest(run.plan),
            "can_confirm": can_confirm,
            "choose_bureau": choose_bureau,
            "can_correct": run.outcome in (IngestRun.Outcome.PLANNED, IngestRun.Outcome.REFUSED),
        },
        status=400 if error or form.errors else 200,
    )


def _done(request: HttpRequest, result) -> HttpResponse:
    run = result.run
    if result.status == "duplicate":
        messages.info(request, f"{run.file_name}：{result.message}")
    else:
        messages.success(
            request,
            f"已导入 {run.file_name}：新增 {run.created}，修改 {run.changed}，删除 {run.removed}，"
            f"保留人工修改 {run.kept}。",
        )
    document = run.document
    if document is not None:
        reply = getattr(document, "reply", None)
        return redirect(reply if reply is not None else document)
    return redirect("ingest:run_detail", run.pk)


@require_safe
@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    if not user_is_staff(request.user):
        return _forbidden(request)
    runs = IngestRun.objects.select_related("user", "document")
    outcome = request.GET.get("outcome", "")
    if outcome in IngestRun.Outcome.values:
        runs = runs.filter(outcome=outcome)
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ingest/runs.html",
        {"page": page, "outcome": outcome, "outcomes": IngestRun.Outcome.choices},
    )


@require_safe
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not user_is_staff(request.user):
        return _forbidden(request)
    run = get_object_or_404(IngestRun.objects.select_related("user", "document"), pk=pk)
    return render(request, "ingest/run_detail.html", {"run": run, "plan": run.plan})


@require_safe
@login_required
def run_original(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The original file as it was taken in (staff only; media is never served publicly)."""
    if not user_is_staff(request.user):
        return _forbidden(request)
    run = get_object_or_404(IngestRun, pk=pk)
    if not run.original:
        raise Http404
    return FileResponse(run.original.open("rb"), as_attachment=True, filename=run.file_name)
