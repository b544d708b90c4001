"""Sign up (no account), confirm by the emailed link, unsubscribe in one click."""

from __future__ import annotations

from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal.client import client_ip

from .forms import SignupForm
from .matching import profile_from, profile_of
from .services import (
    TooManySignups,
    subscription_cancel,
    subscription_confirm,
    subscription_request,
)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignupForm(request.POST)
        kind, query = request.POST.get("kind", ""), request.POST.get("query", "")
    else:
        params = request.GET.copy()
        kind = params.pop("kind", ["finder"])[-1]
        query = params.urlencode()
        form = SignupForm(initial={"kind": kind, "query": query})
    profile, problems = profile_from(kind, QueryDict(query[:1000]))
    status = 200
    if request.method == "POST" and profile is not None and form.is_valid():
        try:
            subscription_request(
                profile=profile, email=form.cleaned_data["email"], client=client_ip(request)
            )
        except TooManySignups:
            problems, status = ["申请过于频繁，请一小时后再试。"], 429
        except ValidationError:
            form.add_error("email", "请填写有效的电子邮箱地址。")
        except (SMTPException, OSError):
            problems, status = ["确认邮件暂时无法发送，请稍后再试。"], 503
        else:
            return redirect("alerts:sent", permanent=False)
    if request.method == "POST" and status == 200:
        status = 400
    context = {"form": form, "profile": profile, "problems": problems}
    return render(request, "alerts/signup.html", context, status=status)


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "alerts/sent.html", {"days": settings.ALERTS_CONFIRM_DAYS})


@require_safe
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_confirm(token=token)
    if subscription is None:
        return render(request, "alerts/confirmed.html", {}, status=400)
    profile = profile_of(subscription)
    context = {"subscription": subscription, "page_url": profile.url if profile else "/"}
    return render(request, "alerts/confirmed.html", context)


# One click: the link in every email unsubscribes on GET, and mail clients POST to the same URL
# without a CSRF token (List-Unsubscribe-Post, RFC 8058). The unguessable key in the URL is the
# credential, and cancelling is all it can do; the page offers to subscribe again.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, key) -> HttpResponse:
    subscription = subscription_cancel(key=key)
    resubscribe = None
    if subscription is not None:
        query = QueryDict(subscription.query).copy()
        query["kind"] = subscription.kind
        resubscribe = f"{reverse('alerts:signup')}?{query.urlencode()}"
    context = {"subscription": subscription, "resubscribe_url": resubscribe}
    return render(request, "alerts/unsubscribed.html", context)
