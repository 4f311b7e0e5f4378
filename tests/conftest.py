import pytest

from .dataout import records  # noqa: F401  (a fixture for the API, export and feed tests)


@pytest.fixture
def editor_client(client, django_user_model):
    """A client logged in as a staff superuser."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client
