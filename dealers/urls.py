from django.conf import settings
from django.urls import path, reverse_lazy

from dealers import views

app_name = "dealers"

# Password reset for dealers' users: the same one-time links as staff (an invitation is one),
# on the dealers' own pages, with links built from SITE_URL.
reset = {
    "password_reset": views.PasswordReset.as_view(
        template_name="dealers/password_reset_form.html",
        email_template_name="dealers/password_reset_email.txt",
        subject_template_name="dealers/password_reset_subject.txt",
        success_url=reverse_lazy("dealers:password_reset_done"),
        extra_email_context={"site_url": settings.SITE_URL},
    ),
    "password_reset_done": views.PasswordResetDone.as_view(template_name="dealers/password_reset_done.html"),
    "password_reset_confirm": views.PasswordResetConfirm.as_view(
        template_name="dealers/password_reset_confirm.html", success_url=reverse_lazy("dealers:password_reset_complete")
    ),
    "password_reset_complete": views.PasswordResetComplete.as_view(template_name="dealers/password_reset_complete.html"),
}

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.SignIn.as_view(), name="login"),
    path("sign-out/", views.SignOut.as_view(), name="logout"),
    path("card/", views.card, name="card"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("password/", reset["password_reset"], name="password_reset"),
    path("password/sent/", reset["password_reset_done"], name="password_reset_done"),
    path("password/<uidb64>/<token>/", reset["password_reset_confirm"], name="password_reset_confirm"),
    path("password/done/", reset["password_reset_complete"], name="password_reset_complete"),
]
