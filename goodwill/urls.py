from django.urls import path

from goodwill import views

app_name = "goodwill"

urlpatterns = [
    path("goodwill/", views.goodwill, name="goodwill"),
    path("goodwill/r/<str:token>/", views.goodwill_request, name="goodwill_request"),
    path("goodwill/r/<str:token>/confirm/<str:key>/", views.confirm_email, name="confirm_email"),
    path("goodwill/r/<str:token>/reply/", views.owner_step, {"kind": "reply"}, name="reply"),
    path("goodwill/r/<str:token>/withdraw/", views.owner_step, {"kind": "withdrawn"}, name="withdraw"),
    path("goodwill/<slug:code>/", views.goodwill_dealer, name="goodwill_dealer"),
    path("goodwill/<slug:code>/qr.svg", views.dealer_qr, {"image": "svg"}, name="dealer_qr_svg"),
    path("goodwill/<slug:code>/qr.png", views.dealer_qr, {"image": "png"}, name="dealer_qr_png"),
]
