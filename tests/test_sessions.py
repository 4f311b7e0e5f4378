"""Staff sessions end after a spell without activity, and some hours after login whatever the activity."""

import datetime
import textwrap
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse

from events.middleware import SessionTimeouts

from .test_security import production_env, run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeouts(settings):
    settings.SESSION_IDLE_TIMEOUT = datetime.timedelta(minutes=30)
    settings.SESSION_MAX_AGE = datetime.timedelta(hours=10)


def shift_clocks(client, **seconds_ago) -> None:
    """Pretend the session began, or was last used, ``seconds_ago`` (keys: started, seen)."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"started": SessionTimeouts.STARTED, "seen": SessionTimeouts.SEEN}[key]] = time.time() - ago
    session.save()


def signed_out_with(response, client, text: str) -> bool:
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    return (
        response.status_code == 302
        and response["Location"].startswith(reverse("admin:login"))
        and SESSION_KEY not in client.session
        and any(text in message for message in messages)
    )


def test_a_session_in_use_carries_on(as_editor, timeouts):
    shift_clocks(as_editor, started=9 * 3600, seen=29 * 60)
    assert as_editor.get(reverse("admin:index")).status_code == 200
    shift_clocks(as_editor, started=9 * 3600 + 60)  # the request just made counts as activity
    assert as_editor.get(reverse("admin:index")).status_code == 200


def test_thirty_idle_minutes_end_it(as_editor, timeouts):
    shift_clocks(as_editor, seen=31 * 60)
    response = as_editor.get(reverse("admin:events_meeting_changelist"))
    assert signed_out_with(response, as_editor, "Your session ended after 30 minutes without activity.")


def test_ten_hours_end_it_however_busy(as_editor, timeouts):
    shift_clocks(as_editor, started=10 * 3600 + 1, seen=10)
    response = as_editor.get(reverse("admin:index"))
    assert signed_out_with(response, as_editor, "Your session ended 10 hours after you logged in.")


def test_a_save_after_the_timeout_is_not_made_and_the_editor_is_told(as_editor, timeouts):
    shift_clocks(as_editor, seen=45 * 60)
    response = as_editor.post(reverse("admin:events_topic_add"), {"name": "Victim assistance"})
    assert signed_out_with(response, as_editor, "so what you sent was not saved")


def test_logging_in_again_starts_both_clocks(client, editor, timeouts):
    client.force_login(editor)
    shift_clocks(client, started=11 * 3600, seen=31 * 60)
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_limits_come_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_SESSION_IDLE_MINUTES="15",
        DJANGO_SESSION_MAX_HOURS="8",
        DJANGO_LOGIN_FAILURE_LIMIT="7",
        DJANGO_LOGIN_PAUSE_MINUTES="60",
    )
    code = """
        from django.conf import settings as s
        print(s.SESSION_IDLE_TIMEOUT.seconds, s.SESSION_MAX_AGE.seconds, s.SESSION_COOKIE_AGE,
              s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.seconds)
    """
    result = run_python(f"import django; django.setup(); {textwrap.dedent(code)}", env)
    assert result.stdout.split() == ["900", "28800", "28800", "7", "3600"], result.stderr


def test_public_pages_leave_the_session_alone(as_editor, timeouts):
    # Readers' pages never read it, so they can be kept for everyone, and they do not count as activity.
    shift_clocks(as_editor, seen=31 * 60)
    response = as_editor.get(reverse("events:timeline"))
    assert response.status_code == 200
    assert not response.wsgi_request.session.accessed
