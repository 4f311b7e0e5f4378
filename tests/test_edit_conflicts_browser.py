"""Two people in two browsers: a withdrawal not undone by a stale typo fix; an editor's change reviewed."""

import pytest
from django.contrib.auth.models import Group

from events.models import Meeting, Status

from .browser import screenshot
from .conftest import ensure_roles
from .factories import make_meeting, make_source
from .test_editor_browser import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, django_user_model):
    ensure_roles()  # a transactional test before this one emptied the groups
    for username in ("pat", "bea"):
        user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="Publisher"))
    return live_server.url


def test_a_typo_fix_read_before_a_withdrawal_keeps_it_withdrawn(browser, site):
    meeting = make_meeting(title="ANAMA meets TMCA", slug="anama-meets-tmac", sources=[make_source()])
    published_at = Meeting.objects.get().published_at
    change = f"{site}/admin/events/meeting/{meeting.pk}/change/"
    a, b = log_in(browser, site, "pat"), log_in(browser, site, "bea")
    b.goto(change)  # B opens the published meeting...
    a.goto(change)
    a.get_by_role("button", name="Withdraw").click()  # ...A withdraws it...
    assert "1 meeting now withdrawn." in a.locator(".messagelist").inner_text()

    b.locator("#id_title").fill("ANAMA meets TMAC")  # ...and B saves a typo fix.
    b.get_by_role("button", name="Save and continue editing").first.click()
    conflict = b.locator("#edit-conflict")
    assert "Changed since you opened this form" in conflict.inner_text()
    status = conflict.locator("tr", has_text="Status").inner_text()
    assert "Published" in status and "Withdrawn" in status and "pat" in status
    assert b.locator(".errornote").count() == 1
    assert b.locator("#id_title").input_value() == "ANAMA meets TMAC"  # B's fix is still there
    assert b.locator("#id_status").input_value() == "withdrawn"  # and the withdrawal shows
    screenshot(b, "edit-conflict-withdrawn-meanwhile")
    assert Meeting.objects.get().status == Status.WITHDRAWN

    b.get_by_role("button", name="Save and continue editing").first.click()
    assert "was changed successfully" in b.locator(".messagelist").inner_text()
    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.status, meeting.published_at) == (
        "ANAMA meets TMAC",
        Status.WITHDRAWN,
        published_at,
    )
    a.context.close()
    b.context.close()


def test_an_editors_change_to_a_cited_organisation_waits_for_a_publisher(browser, site, django_user_model):
    from .conftest import staff_in_group
    from .factories import make_organisation

    staff_in_group(django_user_model, "eve", "Editor")  # with the same password as the others
    tmac = make_organisation(name="Thailand Mine Action Centre", acronym="TMAC", slug="tmac")
    make_meeting(
        title="ANAMA meets TMAC", slug="anama-meets-tmac", organisations=[tmac], sources=[make_source()]
    )
    editor = log_in(browser, site, "eve")
    editor.goto(f"{site}/admin/events/organisation/{tmac.pk}/change/")
    assert "will wait for a publisher's approval" in editor.locator("#pending-changes").inner_text()
    editor.locator("#id_name").fill("Thailand Mine Action Center")
    editor.get_by_role("button", name="Save", exact=True).click()
    assert "waits for a publisher's approval" in editor.locator(".messagelist").inner_text()
    editor.goto(f"{site}/organisations/tmac/")
    assert "Thailand Mine Action Centre" in editor.locator("main").inner_text()

    publisher = log_in(browser, site, "pat")
    publisher.goto(f"{site}/admin/events/proposedchange/")
    publisher.get_by_role("link", name="Organisation: Thailand Mine Action Centre (TMAC)").click()
    assert "Thailand Mine Action Center" in publisher.locator("#proposal-fields").inner_text()
    screenshot(publisher, "proposed-change-review")
    publisher.get_by_role("button", name="Approve").click()
    assert "Approved" in publisher.locator(".messagelist").inner_text()
    publisher.goto(f"{site}/organisations/tmac/")
    assert "Thailand Mine Action Center" in publisher.locator("main").inner_text()
    editor.context.close()
    publisher.context.close()
