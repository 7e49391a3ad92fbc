from django.urls import path

from core.markdown_preview import markdown_preview
from troubleshooter import offline, views

app_name = "troubleshooter"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("offline/", offline.offline, name="offline"),
    path("preview/diagnosis/<int:pk>/", views.preview_draft, name="preview_draft"),
    path("preview/stop/", views.stop_preview, name="stop_preview"),
    path("preview/markdown/", markdown_preview, name="markdown_preview"),
    path("problems/<slug:slug>/", views.problem_detail, name="problem_detail"),
    path("problems/<slug:slug>/diagnose/", views.diagnosis, name="diagnosis"),
    path("problems/<slug:slug>/diagnose/words/", views.diagnosis_words, name="diagnosis_words"),
    path(
        "problems/<slug:slug>/diagnose/from/<slug:sign_slug>/",
        views.diagnosis_from_sign,
        name="diagnosis_from_sign",
    ),
    path("problems/<slug:problem_slug>/outcomes/<slug:slug>/", views.outcome_detail, name="outcome_detail"),
    path(
        "problems/<slug:problem_slug>/outcomes/<slug:slug>/feedback/",
        views.outcome_feedback,
        name="outcome_feedback",
    ),
]
