import pytest
from django.core.cache import cache

# One headless Chromium for the whole session, shared by every browser test
# module: Playwright's sync API allows one running instance per thread.
from .browser import browser  # noqa: F401
from .dataout import records  # noqa: F401  (a fixture for the API, export and feed tests)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached results never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor_client(client, django_user_model):
    """A client logged in as a staff superuser."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client
