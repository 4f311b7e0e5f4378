import pytest
from django.contrib.auth.models import Group


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs a second a user on a busy machine; tests need none of it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor_client(client, django_user_model):
    """A client logged in as a staff superuser."""
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def staff_in_group(django_user_model, username: str, group: str):
    """A staff user whose only rights come from a group made by the roles migration."""
    user = django_user_model.objects.create_user(username, f"{username}@example.org", "a-long-test-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_in_group(django_user_model, "eve-editor", "Editor")


@pytest.fixture
def publisher(django_user_model):
    return staff_in_group(django_user_model, "pat-publisher", "Publisher")


@pytest.fixture
def as_editor(client, editor):
    """A client logged in as a member of the Editor group."""
    client.force_login(editor)
    return client


@pytest.fixture
def as_publisher(client, publisher):
    """A client logged in as a member of the Publisher group."""
    client.force_login(publisher)
    return client
