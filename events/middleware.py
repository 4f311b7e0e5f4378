"""Request checks that apply to every URL of the site."""

from django.core.exceptions import BadRequest


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
            raise BadRequest("The address contains a null character.")
        return self.get_response(request)
