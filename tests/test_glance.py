"""The editors' "at a glance" page and a new fault's set-up steps."""

from urllib.parse import quote

from django.contrib.auth.models import User
from django.urls import reverse

from tests.adminforms import form_values
from tests.factories import make_problem, make_version
from tests.pagetext import read_page
from troubleshooter.models import Cause, DiagnosisVersion, Feedback, WalkEvent


def glance_text(admin_client, problem):
    response = admin_client.get(reverse("admin:problems_problem_glance", args=[problem.pk]))
    assert response.status_code == 200
    return read_page(response.content.decode())[0]


def test_what_owners_did_is_counted_and_shown(admin_client, client, db):
    version = make_version()
    problem = version.problem
    start = reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug})
    client.get(start)
    client.get(start)
    response = client.get(f"{start}?signs=answered&signs=rain&test=not-sure", follow=True)
    assert "The switch" in response.content.decode()  # the outcome page
    admin_client.get(start)  # staff are not owners
    client.get(start, headers={"X-Offline-Copy": "1"})  # nor the phone's offline copy of a page it showed
    Feedback.objects.create(cause=Cause.objects.get(version=version, slug="switch"), solved=True)

    assert WalkEvent.objects.filter(kind="started").count() == 2
    text = glance_text(admin_client, problem)
    assert "2 walks started" in text
    assert "Switch 1 1 1" in text  # ended here, tried it, solved it
    assert "Test? 1" in text  # the question answered "not sure"


def test_a_new_fault_lists_its_set_up_steps_in_order(admin_client, db):
    problem = make_problem(status="draft")
    change = reverse("admin:problems_problem_change", args=[problem.pk])
    text = read_page(admin_client.get(change).content.decode())[0]
    assert "○ A diagnosis (draft) : none yet · Start one" in text
    add = reverse("admin:troubleshooter_diagnosisversion_add") + f"?problem={problem.pk}&number=1&next=" + quote(change, safe="")
    assert f'href="{add.replace("&", "&amp;")}"' in admin_client.get(change).content.decode()
    page = admin_client.get(add)
    assert page.status_code == 200
    # A plain save returns to the set-up steps, not to the list of versions.
    saved = admin_client.post(add, form_values(page.content.decode()))
    assert saved.status_code == 302 and saved["Location"] == change
    DiagnosisVersion.objects.filter(problem=problem).delete()

    make_version(problem, status="draft")
    text = read_page(admin_client.get(change).content.decode())[0]
    assert "✓ The check passes : no faults" in text
    assert "○ The diagnosis is live" in text and "○ The problem is on the site" in text


def test_the_situations_show_live_and_draft_side_by_side(admin_client, content):
    from problems.models import Problem
    from troubleshooter.models import DiagnosisVersion, Situation
    from troubleshooter.services import copy_version

    problem = Problem.objects.get()
    copy_version(DiagnosisVersion.objects.get(status="published"))
    from troubleshooter.situations import version_report

    report = version_report(DiagnosisVersion.objects.get(status="published"))
    right, total = report.accuracy(report.part(held_out=False) + report.part(held_out=True))
    text = glance_text(admin_client, problem)
    assert f"Live: {right} of {total} end on what fixed the car · Draft: {right} of {total}" in text
    assert total == Situation.objects.filter(problem=problem, approved=True).count() >= 30
    assert text.count("✗ miss") == 2 * (total - right)  # each miss, on live and on draft, marked; causes by name
    assert "The lock mechanism has seized" in text and "mechanism-seized" not in text


def test_walks_are_written_in_batches_and_none_is_lost(client, settings, db):
    """On the busiest pages one INSERT per page would make the database the limit: batches."""
    settings.WALK_BATCH_SIZE, settings.WALK_BATCH_SECONDS = 3, 3600
    version = make_version()
    start = reverse("troubleshooter:diagnosis", kwargs={"slug": version.problem.slug})
    client.get(start)
    client.get(start)  # from the page cache: counted all the same
    assert WalkEvent.objects.count() == 0  # gathered, not yet written
    client.get(start)
    assert WalkEvent.objects.filter(kind="started").count() == 3  # the batch, at once
    client.get(start)
    settings.WALK_BATCH_SIZE = 1000
    client.get(start)
    # The editors' page writes what this process gathered before it counts.
    admin = User.objects.create_superuser("boss", password="x")
    client.force_login(admin)
    assert "5 walks started" in glance_text(client, version.problem)
