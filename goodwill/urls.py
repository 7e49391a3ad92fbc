from django.urls import path

from goodwill import views

app_name = "goodwill"

urlpatterns = [
    path("goodwill/", views.goodwill, name="goodwill"),
    path("goodwill/r/<str:token>/", views.goodwill_request, name="goodwill_request"),
    path("goodwill/<slug:code>/", views.goodwill_dealer, name="goodwill_dealer"),
]
