"""A dealer's own pages: their link, QR code and counter card, and the requests owners shared
with them, to answer. Never cached anywhere: personal data, behind a sign-in."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dealers.access import dealer_required
from dealers.forms import AnswerForm, DealerSignInForm
from goodwill import selectors, services
from goodwill.models import GoodwillRequest
from goodwill.views import private_page as private


class SiteName:
    """The dealers' sign-in and password pages: private (never cached or indexed), and without
    the `site` Django's auth views put in the context (the request's host), which would hide the
    site's own name in the header."""

    def dispatch(self, request, *args, **kwargs):
        return private(super().dispatch(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop("site", None)
        context.pop("site_name", None)
        return context


class SignIn(SiteName, auth_views.LoginView):
    template_name = "dealers/sign_in.html"
    authentication_form = DealerSignInForm
    redirect_authenticated_user = False
    next_page = reverse_lazy("dealers:home")


@dealer_required
def home(request):
    dealer = request.dealer_member.dealer
    context = {
        "dealer": dealer,
        "link": selectors.dealer_link(dealer),
        "counts": selectors.dealer_counts(dealer),
        "groups": selectors.dealer_requests(dealer),
        "figures": selectors.acceptance(dealer),
    }
    return private(render(request, "dealers/home.html", context))


@dealer_required
def card(request):
    """The A5 counter card: the QR code, the link and one line on what the page does (print it)."""
    dealer = request.dealer_member.dealer
    return private(render(request, "dealers/card.html", {"dealer": dealer, "link": selectors.dealer_link(dealer)}))


@dealer_required
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    dealer = request.dealer_member.dealer
    goodwill_request = selectors.dealer_request(dealer, pk)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.add_step(
                    goodwill_request,
                    form.cleaned_data["kind"],
                    form.cleaned_data["text"],
                    by=request.user,
                    seen_steps=form.cleaned_data["seen_steps"],
                )
            except services.StepRefused as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, _("Sent: the owner is e-mailed and sees it on their letter's page."))
            return redirect("dealers:request_detail", pk=goodwill_request.pk)
    else:
        services.mark_seen(goodwill_request)
        form = AnswerForm(initial={"seen_steps": goodwill_request.steps.count()})
    context = {
        "dealer": dealer,
        "r": goodwill_request,
        "steps": selectors.thread(goodwill_request),
        "form": form,
        "withdrawn": goodwill_request.status == GoodwillRequest.Status.WITHDRAWN,
    }
    return private(render(request, "dealers/request_detail.html", context, status=400 if form.errors else 200))


class SignOut(auth_views.LogoutView):
    next_page = reverse_lazy("dealers:login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You are signed out."))
        return response


class PasswordReset(SiteName, auth_views.PasswordResetView):
    pass


class PasswordResetDone(SiteName, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirm(SiteName, auth_views.PasswordResetConfirmView):
    pass


class PasswordResetComplete(SiteName, auth_views.PasswordResetCompleteView):
    pass
