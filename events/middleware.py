"""Request checks: a NUL character in any address, and the time limits of staff sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.urls import reverse


class RefuseNullCharacters:
    """Answer 400 Bad Request when the address holds a NUL character, in its path or query string.

    No page takes one, and PostgreSQL refuses text that contains it: without
    this check, an admin filter such as ``?country=%00`` fails with a server
    error instead. (Form fields already refuse it with a form error.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values
        ):
            message = "The address contains a null character."
            if request.path.startswith("/api/"):
                # The API answers errors in JSON, as its schema documents.
                return JsonResponse({"query": [message]}, status=400)
            raise BadRequest(message)
        return self.get_response(request)


class SessionTimeouts:
    """End a session after SESSION_IDLE_TIMEOUT without an admin request, or SESSION_MAX_AGE after login.

    Only admin requests are checked, and only they count as activity: no
    other page uses the session, and reading the session elsewhere would
    stop readers' pages from being kept. The time of the last request is
    written at most once a minute, so browsing does not write every time.
    The user is logged out and sent to the login page with the reason.
    """

    STARTED, SEEN = "session_started", "session_seen"
    WRITE_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request) -> None:
        session, now = request.session, time.time()
        started = session.setdefault(self.STARTED, now)
        seen = session.get(self.SEEN, now)
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        longest = settings.SESSION_MAX_AGE.total_seconds()
        if now - started > longest:
            reason = f"Your session ended {naturaltime(longest)} after you logged in"
        elif now - seen > idle:
            reason = f"Your session ended after {naturaltime(idle)} without activity"
        else:
            if now - seen >= self.WRITE_EVERY or self.SEEN not in session:
                session[self.SEEN] = now
            return
        logout(request)
        if request.method == "POST":
            reason += ", so what you sent was not saved: log in, then go back to copy it"
        messages.warning(request, f"{reason}. Please log in again.")


def start_session_clocks(sender, request, user, **kwargs) -> None:
    """At login, both clocks start again (a receiver of ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionTimeouts.STARTED] = request.session[SessionTimeouts.SEEN] = time.time()


def naturaltime(seconds: float) -> str:
    """A timeout in words: "30 minutes", "10 hours"."""
    minutes = round(seconds / 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
