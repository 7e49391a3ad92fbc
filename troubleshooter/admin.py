"""The admin for the diagnosis versions, and for problems (whose pages show their diagnosis:
"at a glance", the set-up steps, so their admin lives here, above the diagnosis).

Editors change a draft version (“Make a draft copy” on the live one), check it, and publish
it as one; the live version is read-only here, so owners never see a change half-done.
The editors' own screens (one grid of causes x answers, previews) build on this.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.history import HistoryAdmin
from core.illustrations import IllustrationChoiceMixin
from core.ordering import MoveUpDownMixin, renumber_typed
from core.pictures import PictureFormMixin
from core.revisions import keep_baseline
from guides.models import RepairGuide
from problems.models import Problem
from troubleshooter import services
from troubleshooter.glance import glance, setup_steps
from troubleshooter.grid import GridForm
from troubleshooter.models import (
    Answer,
    Cause,
    CauseGuide,
    DiagnosisVersion,
    Feedback,
    LegacyAnswer,
    Mark,
    Question,
    Situation,
    UnknownWords,
)
from troubleshooter.selectors import draft_version
from troubleshooter.situations import compare_with_live


def report_check(model_admin, request, version, label=None) -> None:
    """The check of a version as admin messages: each fault a warning, or that there is none.
    A draft being edited is "the draft"; a version picked from the list is named."""
    faults = services.check_version(version)
    for fault in faults:
        words = _("Check of %(v)s: %(fault)s") if label else _("Check of the draft: %(fault)s")
        model_admin.message_user(request, words % {"v": label, "fault": fault}, messages.WARNING)
    if not faults:
        words = _("Check of %(v)s: no faults.") if label else _("Check of the draft: no faults.")
        model_admin.message_user(request, words % {"v": label})
    if version.status == DiagnosisVersion.Status.DRAFT:
        # Sound is not the same as safe: say now what publishing it would take away from owners.
        for risk in services.publish_risks(version):
            model_admin.message_user(request, _("Compared with the live version: %(risk)s") % {"risk": risk}, messages.WARNING)


class ObjectPageMixin:
    """An extra admin page about one object (the grid, "at a glance"): found, allowed, and
    rendered in the admin's frame with its breadcrumbs."""

    def viewable_object(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def object_page(self, request, obj, template, title, **extra):
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "original": obj, "title": title}
        return TemplateResponse(request, template, context | extra)


class ProblemForm(forms.ModelForm):
    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Problem.Status.PUBLISHED and self.instance.status != status:
            if not self.instance.pk:
                raise ValidationError(_("A new problem starts as a draft: give it a diagnosis, then publish it."))
            # A new fault's draft diagnosis goes live with it (ProblemAdmin.save_model).
            if faults := services.problem_publish_faults(self.instance, with_draft=True):
                raise ValidationError(faults)
        return status


@admin.register(Problem)
class ProblemAdmin(ObjectPageMixin, HistoryAdmin):
    form = ProblemForm
    actions = HistoryAdmin.PUBLISH_ACTIONS
    list_display = ["title", "status", "glance_link"]
    list_filter = ["status"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["vehicles"]
    readonly_fields = ["setup"]

    def response_add(self, request, obj, post_url_continue=None):
        # A new problem's page lists its set-up steps: stay there.
        if "_addanother" not in request.POST and "_popup" not in request.POST:
            self.message_user(request, _("“%(item)s” added as a draft: its set-up steps are below.") % {"item": obj})
            return redirect(reverse("admin:problems_problem_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def save_model(self, request, obj, form, change):
        going_live = change and "status" in form.changed_data and obj.is_published
        super().save_model(request, obj, form, change)
        if not change:
            version = services.start_diagnosis(obj)
            self.message_user(
                request, _("Its diagnosis is started: %(v)s, with a “something else” cause.") % {"v": version}, messages.INFO
            )
        elif going_live and (version := services.publish_problem(obj, user=request.user)) is not None:
            self.message_user(request, _("%(v)s is now live with it.") % {"v": version}, messages.SUCCESS)

    @admin.display(description=_("at a glance"))
    def glance_link(self, obj):
        url = reverse("admin:problems_problem_glance", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("What owners did"))

    @admin.display(description=_("set-up, step by step"))
    def setup(self, obj):
        """A new fault's steps in a working order: what is done, and a link to the next thing."""
        if obj.pk is None:
            return _("Save the problem first (as a draft): its set-up steps then show here.")
        rows = format_html_join(
            "",
            '<li class="{}"><strong>{} {}</strong>: {} · <a href="{}">{}</a></li>',
            (
                (
                    "setup-done" if step.done else "setup-todo",
                    "✓" if step.done else "○",
                    step.title,
                    step.detail,
                    step.url,
                    step.link_text,
                )
                for step in setup_steps(obj)
            ),
        )
        return format_html('<ol class="setup-steps">{}</ol>', rows)

    def get_urls(self):
        glance_url = path(
            "<path:object_id>/glance/", self.admin_site.admin_view(self.glance_view), name="problems_problem_glance"
        )
        return [glance_url, *super().get_urls()]

    def glance_view(self, request, object_id):
        """What owners did with the live diagnosis, and the owner situations on live and draft."""
        problem = self.viewable_object(request, object_id)
        title = _("At a glance: %(p)s") % {"p": problem.title}
        return self.object_page(request, problem, "admin/troubleshooter/problem/glance.html", title, glance=glance(problem))


# How each diagnosis model reaches its problem, for choice lists that stay within one problem.
PROBLEM_PATH = {
    DiagnosisVersion: "problem",
    Cause: "version__problem",
    Question: "version__problem",
    Answer: "question__version__problem",
    CauseGuide: "cause__version__problem",
    Mark: "cause__version__problem",
    RepairGuide: "problem",
}


class SameProblemChoicesMixin:
    """When an item (or the item an inline belongs to) is edited, every choice list offers only
    its own problem's guides, versions, questions, answers and causes."""

    def problem_id_being_edited(self, request):
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        edited = getattr(self, "parent_model", self.model)
        path = PROBLEM_PATH.get(edited)
        if path is None:
            return None
        if object_id:
            return edited.objects.filter(pk=object_id).values_list(f"{path}__pk", flat=True).first()
        # An add form opened from the set-up steps names its version, question or problem in
        # the address (the admin keeps it on the form's post too).
        scope = path.split("__")[0]
        value = request.GET.get(scope, "")
        if not value.isdigit():
            return None
        if scope == "problem":
            return int(value)
        parent = edited._meta.get_field(scope).related_model
        return parent.objects.filter(pk=value).values_list(f"{PROBLEM_PATH[parent]}__pk", flat=True).first()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        path = PROBLEM_PATH.get(db_field.related_model)
        problem_id = self.problem_id_being_edited(request)
        if field is not None and path is not None and problem_id is not None:
            field.queryset = field.queryset.filter(**{f"{path}__pk": problem_id})
        return field


class DraftOnlyMixin(SameProblemChoicesMixin):
    """Items of a published or retired version can be looked at, not changed."""

    def version_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.version_of(obj).status != DiagnosisVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.version_of(obj).status != DiagnosisVersion.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def not_a_draft(self, request, object_id):
        """The item, when it belongs to a version that isn't a draft (else None)."""
        obj = self.get_object(request, unquote(object_id))
        return obj if obj is not None and self.version_of(obj).status != DiagnosisVersion.Status.DRAFT else None

    def refusal(self, obj) -> str:
        version = self.version_of(obj)
        if version.status == DiagnosisVersion.Status.PUBLISHED:
            words = _("“%(item)s” is part of the live diagnosis: to change it, “Make a draft copy to edit” of its version.")
        else:
            words = _("“%(item)s” belongs to a retired version, kept for the history: change the draft instead.")
        return words % {"item": obj}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Shown read-only: say why, and what to do, instead of a form that silently can't be saved.
        if request.method == "GET" and (obj := self.not_a_draft(request, object_id)) is not None:
            self.message_user(request, self.refusal(obj), messages.INFO)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_deleted_objects(self, objs, request):
        # The list's "Delete selected": a live item is refused with the reason, not "your account
        # doesn't have permission".
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        refusals = [self.refusal(obj) for obj in objs if self.version_of(obj).status != DiagnosisVersion.Status.DRAFT]
        if refusals:
            return deleted, counts, set(), list(protected) + refusals
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        # Not a bare "403 Forbidden": why it can't be deleted, and what to do, on the item's page.
        obj = self.not_a_draft(request, object_id)
        if obj is not None and self.has_delete_permission(request):
            self.message_user(request, self.refusal(obj), messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    # Whatever an editor picks in a form belongs to a draft: nothing can be moved into the live version.
    DRAFT_ONLY = {
        DiagnosisVersion: Q(status=DiagnosisVersion.Status.DRAFT),
        Cause: Q(version__status=DiagnosisVersion.Status.DRAFT),
        Question: Q(version__status=DiagnosisVersion.Status.DRAFT),
        Answer: Q(question__version__status=DiagnosisVersion.Status.DRAFT),
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        condition = self.DRAFT_ONLY.get(db_field.related_model)
        if condition is not None and field is not None:
            field.queryset = field.queryset.filter(condition)
        return field

    def view_on_site(self, obj):
        # A draft's items are previewed through their version ("View on site" there sets the preview).
        live = self.version_of(obj).status == DiagnosisVersion.Status.PUBLISHED
        return obj.get_absolute_url() if live and hasattr(obj, "get_absolute_url") else None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report_check(self, request, self.version_of(form.instance))

    def delete_model(self, request, obj):
        version = self.version_of(obj)
        super().delete_model(request, obj)
        report_check(self, request, version)  # e.g. the cause that was the only one an answer pointed to

    def delete_queryset(self, request, queryset):
        versions = {self.version_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for version in versions:
            report_check(self, request, version)


class CauseRowForm(forms.ModelForm):
    """A cause on its version's page; its first guide chosen here too (the rest on its own page)."""

    add_guide = forms.ModelChoiceField(
        RepairGuide.objects.none(),
        required=False,
        label=_("add a guide to follow"),
        help_text=_("More guides, their order, and the other fields: on the cause's own page."),
    )


class CauseInline(SameProblemChoicesMixin, admin.StackedInline):
    """A new fault's causes, added on one page; a long list folds away (each cause keeps its
    own page, with its marks and history, and its delete checks: no delete here)."""

    model = Cause
    form = CauseRowForm
    fields = ["name", "slug", "kind", "base_rate", "title", "explanation", "next_step", "add_guide"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}}
    can_delete = False
    show_change_link = True

    def get_extra(self, request, obj=None, **kwargs):
        # A version with only its "something else": room for the first two causes.
        return 2 if obj is None or obj.causes.count() <= 1 else 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        guides = RepairGuide.objects.filter(problem=obj.problem) if obj is not None else RepairGuide.objects.none()
        formset.form.base_fields["add_guide"].queryset = guides
        return formset

    def get_classes(self, request, obj=None):
        return ["collapse"] if obj is not None and obj.causes.count() > 3 else []


@admin.register(DiagnosisVersion)
class DiagnosisVersionAdmin(ObjectPageMixin, SameProblemChoicesMixin, HistoryAdmin):
    inlines = [CauseInline]
    list_display = ["__str__", "grid_link", "status", "note", "published_at"]
    list_filter = ["problem", "status"]
    readonly_fields = ["grid_link", "status", "created_at", "published_at"]
    actions = ["make_draft_copy", "check_versions", "run_situations", "publish"]

    @admin.display(description=_("causes x answers"))
    def grid_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:troubleshooter_diagnosisversion_grid", args=[obj.pk])
        words = _("Edit how common each cause is and every mark") if obj.status == obj.Status.DRAFT else _("See the grid")
        return format_html('<a href="{}">{}</a>', url, words)

    def get_urls(self):
        grid = path(
            "<path:object_id>/grid/", self.admin_site.admin_view(self.grid_view), name="troubleshooter_diagnosisversion_grid"
        )
        return [grid, *super().get_urls()]

    def grid_view(self, request, object_id):
        """Causes (how common) x answers (marks) on one screen; a draft's grid saves as one change."""
        version = self.viewable_object(request, object_id)
        editable = version.status == DiagnosisVersion.Status.DRAFT and all(
            request.user.has_perm(f"troubleshooter.{perm}") for perm in ("change_cause", "add_mark", "change_mark", "delete_mark")
        )
        if request.method == "POST" and not editable:
            raise PermissionDenied
        form = GridForm(version, request.POST if request.method == "POST" else None)
        if not editable:
            for field in form.fields.values():
                field.disabled = True
        if request.method == "POST" and form.is_valid():
            rates, marks = form.wanted()
            try:
                changed = services.save_grid(version, rates, marks, user=request.user)
            except services.VersionError as error:
                for fault in error.faults:
                    self.message_user(request, fault, messages.ERROR)
            else:
                words = ngettext("Saved: %(n)d change.", "Saved: %(n)d changes.", changed)
                self.message_user(request, words % {"n": changed}, messages.SUCCESS)
                report_check(self, request, version)
                if back := self.way_back(request):
                    return redirect(back)  # opened from the set-up steps
            return redirect(request.get_full_path())
        title = _("Causes x answers: %(v)s") % {"v": version}
        template = "admin/troubleshooter/diagnosisversion/grid.html"
        return self.object_page(request, version, template, title, form=form, editable=editable)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status != DiagnosisVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        new = [f.instance for f in formset.forms if f.has_changed() and f.instance.pk is None]
        super().save_formset(request, form, formset, change)
        services.causes_added(
            form.instance, new, {f.instance: f.cleaned_data.get("add_guide") for f in formset.forms if f.instance.pk}
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            report_check(self, request, form.instance)

    def view_on_site(self, obj):
        # A draft opens on the public pages for this staff member only, under a "Draft" banner.
        if obj.status == DiagnosisVersion.Status.DRAFT:
            return reverse("troubleshooter:preview_draft", kwargs={"pk": obj.pk})
        if obj.status == DiagnosisVersion.Status.PUBLISHED:
            return reverse("troubleshooter:diagnosis", kwargs={"slug": obj.problem.slug})
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The first question is one of this version's own questions.
        if db_field.name == "first_question":
            version_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Question.objects.filter(version_id=version_id) if version_id else Question.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Make a draft copy to edit"), permissions=["add"])
    def make_draft_copy(self, request, queryset):
        for version in queryset:
            try:
                draft = services.copy_version(version, note=_("Copy of version %(n)d") % {"n": version.number})
            except services.VersionError as error:
                self.message_user(request, "; ".join(error.faults), messages.ERROR)
            else:
                self.message_user(request, _("Draft version %(n)d made: edit it, then publish it.") % {"n": draft.number})

    @admin.action(description=_("Check"), permissions=["view"])
    def check_versions(self, request, queryset):
        for version in queryset:
            report_check(self, request, version, label=str(version))

    @admin.action(description=_("Run the owner situations (and compare with the live version)"), permissions=["view"])
    def run_situations(self, request, queryset):
        for version in queryset:
            report, changes = compare_with_live(version)
            titles = dict(Cause.objects.filter(version__problem=version.problem).values_list("slug", "title"))
            for label, held_out in ((_("used for tuning"), False), (_("kept for testing (never used for tuning)"), True)):
                right, total = report.accuracy(report.part(held_out))
                self.message_user(
                    request,
                    _("%(v)s, %(part)s: %(right)d of %(total)d owner situations end on what fixed the car")
                    % {"v": version, "part": label, "right": right, "total": total},
                )
            if report.confirmed:
                right, total = report.accuracy(report.confirmed)
                self.message_user(
                    request,
                    _("%(v)s, owners' confirmations on this site (apart: they confirm what they were told): %(r)d of %(t)d")
                    % {"v": version, "r": right, "t": total},
                )
            for change in changes:
                self.message_user(
                    request,
                    _("%(v)s: “%(s)s” would now end on “%(draft)s” instead of “%(live)s” (what fixed it: “%(expected)s”)")
                    % {
                        "v": version,
                        "s": change.situation.words,
                        "draft": titles.get(change.draft, change.draft),
                        "live": titles.get(change.live, change.live),
                        "expected": titles.get(change.situation.expected_cause, change.situation.expected_cause),
                    },
                    messages.SUCCESS if change.better else messages.WARNING,
                )

    @admin.action(description=_("Publish (replaces the live version)"), permissions=["change"])
    def publish(self, request, queryset):
        confirming = request.POST.get("confirm_publish") == "yes"
        reason = request.POST.get("reason", "").strip() if confirming else ""
        for version in queryset:
            try:
                live = services.publish_version(version, reason=reason, user=request.user)
            except services.PublishNeedsConfirmation as pending:
                # What it takes away from owners, in plain words, and the editor's reason to go ahead.
                return TemplateResponse(
                    request,
                    "admin/troubleshooter/diagnosisversion/publish_confirm.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": _("Publish %(v)s? It takes something away from owners") % {"v": version},
                        "opts": self.model._meta,
                        "version": version,
                        "risks": pending.faults,
                        "reason_missing": confirming and not reason,
                        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    },
                )
            except services.VersionError as error:
                for fault in error.faults:
                    self.message_user(request, _("Not published: %(fault)s") % {"fault": fault}, messages.ERROR)
            else:
                self.message_user(request, _("%(v)s is now live.") % {"v": live})


class CauseGuideInline(SameProblemChoicesMixin, admin.TabularInline):
    model = CauseGuide
    extra = 1


class MarkInline(SameProblemChoicesMixin, admin.TabularInline):
    model = Mark
    extra = 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the causes of the version being edited.
        if db_field.name == "cause" and (answer_id := request.resolver_match.kwargs.get("object_id")):
            kwargs["queryset"] = Cause.objects.filter(version__questions__answers__pk=answer_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Cause)
class CauseAdmin(MoveUpDownMixin, DraftOnlyMixin, HistoryAdmin):
    order_scope = "version"
    list_display = ["name", "version", "kind", "base_rate", "order", "solved_count", "unsolved_count"]
    list_filter = ["version__problem", "version__status", "kind"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CauseGuideInline]

    def version_of(self, obj):
        return obj.version

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("version__problem")
            .annotate(
                solved_total=Count("feedback", filter=Q(feedback__solved=True)),
                unsolved_total=Count("feedback", filter=Q(feedback__solved=False)),
            )
        )

    @admin.display(description=_("solved it"), ordering="solved_total")
    def solved_count(self, obj):
        return obj.solved_total

    @admin.display(description=_("did not solve it"), ordering="unsolved_total")
    def unsolved_count(self, obj):
        return obj.unsolved_total


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 1
    fields = ["order", "label", "slug", "no_evidence", "group", "shelf", "keywords", "skips", "same_as", "explained_by", "advice"]
    prepopulated_fields = {"slug": ["label"]}
    show_change_link = True


class QuestionForm(PictureFormMixin, forms.ModelForm):
    pass


@admin.register(Question)
class QuestionAdmin(IllustrationChoiceMixin, MoveUpDownMixin, DraftOnlyMixin, HistoryAdmin):
    order_scope = "version"
    form = QuestionForm
    list_display = ["prompt", "version", "kind", "effort", "order"]
    list_filter = ["version__problem", "version__status"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [AnswerInline]

    def illustrations_for(self, request):
        problem_id = self.problem_id_being_edited(request)
        return Problem.objects.filter(pk=problem_id).values_list("slug", flat=True).first() if problem_id else None

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Answer:
            renumber_typed(formset)  # a typed number moves the answer there; the others shift
            if (answer := services.add_not_sure(form.instance)) is not None:
                self.message_user(request, _("“%(a)s” was added: owners can always say they don't know.") % {"a": answer.label})

    def version_of(self, obj):
        return obj.version


@admin.register(Answer)
class AnswerAdmin(MoveUpDownMixin, DraftOnlyMixin, HistoryAdmin):
    order_scope = "question"
    list_display = ["label", "question", "group", "no_evidence"]
    list_filter = ["question__version__problem", "question__version__status"]
    search_fields = ["label", "question__prompt"]
    inlines = [MarkInline]

    def version_of(self, obj):
        return obj.question.version


@admin.register(Situation)
class SituationAdmin(HistoryAdmin):
    list_display = ["slug", "problem", "expected_cause", "kind", "held_out", "approved"]
    list_filter = ["problem", "approved", "kind", "held_out", "expected_cause"]
    actions = ["approve"]

    @admin.action(description=_("Add the selected owners' confirmations to the table"), permissions=["change"])
    def approve(self, request, queryset):
        items = list(queryset.filter(approved=False))
        keep_baseline(items, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(_("Approved for the table"))
            for situation in items:
                situation.approved = True
                situation.save(update_fields=["approved"])
        self.message_user(request, _("%(n)d situation(s) added to the table.") % {"n": len(items)})


@admin.register(LegacyAnswer)
class LegacyAnswerAdmin(HistoryAdmin):
    list_display = ["question", "answer", "sets", "next_question", "guide"]
    list_filter = ["problem"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["cause", "solved", "answers", "created_at"]
    list_filter = ["cause__version__problem", "solved"]
    readonly_fields = ["cause", "solved", "answers", "created_at"]

    def has_add_permission(self, request):
        return False


class UseWordsForm(forms.Form):
    answer = forms.ModelChoiceField(queryset=Answer.objects.none(), label=_("Add them to the owners' words of"))

    def __init__(self, draft, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = Answer.objects.filter(question__version=draft).select_related("question")
        self.fields["answer"].queryset = answers.order_by("question__order", "order")
        self.fields["answer"].label_from_instance = lambda a: f"{a.question.prompt} → {a.label}"


@admin.register(UnknownWords)
class UnknownWordsAdmin(ObjectPageMixin, admin.ModelAdmin):
    """What owners typed that the diagnosis did not know, most often typed first: never public.
    An editor adds the words to an answer of the draft (its owners' words), or deletes the row."""

    list_display = ["words", "times", "example", "last_seen", "use_link"]
    list_filter = ["problem"]
    readonly_fields = ["problem", "words", "example", "times", "first_seen", "last_seen"]
    exclude = ["key"]

    def has_add_permission(self, request):
        return False  # they come from owners

    def has_change_permission(self, request, obj=None):
        return False  # read-only; "Use them" changes the draft, not these

    @admin.display(description=_("use them"))
    def use_link(self, obj):
        url = reverse("admin:troubleshooter_unknownwords_use", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Add to an answer of the draft"))

    def get_urls(self):
        use = path("<path:object_id>/use/", self.admin_site.admin_view(self.use_view), name="troubleshooter_unknownwords_use")
        return [use, *super().get_urls()]

    def use_view(self, request, object_id):
        unknown = self.viewable_object(request, object_id)
        if not request.user.has_perm("troubleshooter.change_answer"):
            raise PermissionDenied
        draft = draft_version(unknown.problem)
        if draft is None:
            self.message_user(
                request, _("There is no draft: make a draft copy of the live diagnosis version first."), messages.WARNING
            )
            return redirect("admin:troubleshooter_diagnosisversion_changelist")
        form = UseWordsForm(draft, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                added = services.add_owners_words(unknown, form.cleaned_data["answer"], user=request.user)
            except services.VersionError as error:
                for fault in error.faults:
                    self.message_user(request, fault, messages.ERROR)
            else:
                words = {"w": unknown.words, "a": form.cleaned_data["answer"].label, "v": draft}
                if added:
                    message = _("“%(w)s” added to the owners' words of “%(a)s” in %(v)s. Check the draft, then publish it.")
                else:
                    message = _("“%(w)s” were already among the owners' words of “%(a)s” in %(v)s: nothing changed.")
                self.message_user(request, message % words, messages.SUCCESS)
                return redirect("admin:troubleshooter_unknownwords_changelist")
        title = _("Use “%(w)s”") % {"w": unknown.words}
        template = "admin/troubleshooter/unknownwords/use.html"
        return self.object_page(request, unknown, template, title, form=form, draft=draft)


@admin.register(CauseGuide)
class CauseGuideAdmin(DraftOnlyMixin, HistoryAdmin):
    list_display = ["cause", "guide", "order"]
    list_filter = ["cause__version__problem", "cause__version__status"]

    def version_of(self, obj):
        return obj.cause.version


@admin.register(Mark)
class MarkAdmin(DraftOnlyMixin, HistoryAdmin):
    list_display = ["answer", "cause", "effect"]
    list_filter = ["cause__version__problem", "cause__version__status", "effect"]

    def version_of(self, obj):
        return obj.cause.version
