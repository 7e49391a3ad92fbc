from django.urls import path

from troubleshooter import views

app_name = "troubleshooter"

urlpatterns = [
    path("", views.home, name="home"),
    path("problems/<slug:slug>/", views.problem_detail, name="problem_detail"),
]
