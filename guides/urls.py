from django.urls import path

from guides import views

app_name = "guides"

urlpatterns = [
    path("guides/<slug:slug>/", views.guide_detail, name="guide_detail"),
    path("problems/<slug:problem_slug>/faq/", views.faq_list, name="faq_list"),
    path("problems/<slug:problem_slug>/prevention/", views.prevention_tips, name="prevention_tips"),
    path("problems/<slug:problem_slug>/prevention/reminder.ics", views.prevention_reminder, name="prevention_reminder"),
    path("problems/<slug:problem_slug>/source/", views.source_note, name="source_note"),
    path("drawings/<slug:name>.svg", views.illustration, name="illustration"),
]
