"""The documentation points at things that exist: links, anchors, quoted paths and every variable read."""

import fnmatch
import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
DOCS = sorted((BASE_DIR / "docs").glob("*.md"))
PAGES = [BASE_DIR / "README.md", BASE_DIR / "ARCHITECTURE.md", *DOCS]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# Folders and files at the top of the repository: a code span starting with one is a path in it.
TOP_LEVEL = {path.name for path in BASE_DIR.iterdir() if not path.name.startswith((".git", ".venv"))}


def page_id(page: Path) -> str:
    return str(page.relative_to(BASE_DIR))


def prose(page: Path) -> str:
    """The page without its fenced code blocks (shell sessions, config files)."""
    return FENCE.sub("", page.read_text())


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    found = set()
    for heading in re.findall(r"^#+ (.+)$", prose(page), re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def ignored_by_git(relative: str) -> bool:
    patterns = [
        line.strip().strip("/")
        for line in (BASE_DIR / ".gitignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return any(
        fnmatch.fnmatch(relative, pattern) or relative.startswith(pattern + "/") for pattern in patterns
    )


def test_the_pages_are_found():
    names = {page.name for page in PAGES}
    assert {"README.md", "ARCHITECTURE.md"} <= names
    assert {"readers.md", "editors.md", "configuration.md", "deploying.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_link_to_a_local_file_resolves(page):
    broken = []
    for target in LINK.findall(prose(page)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, …
            continue
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no file {destination.relative_to(BASE_DIR)}")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target}: no heading #{anchor} in {destination.name}")
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_repository_path_quoted_exists(page):
    # `events/admin` names a module or a package, whichever the code has.
    missing = []
    for span in CODE_SPAN.findall(prose(page)):
        if any(mark in span for mark in "<>*… ") or span.split("/")[0] not in TOP_LEVEL:
            continue
        if "/" not in span and "." not in span:
            continue
        relative = span.rstrip("/")
        path = BASE_DIR / relative
        if path.exists() or path.with_suffix(".py").exists() or ignored_by_git(relative):
            continue
        missing.append(span)
    assert missing == []


def test_the_readme_leads_to_every_page_in_docs_and_to_the_architecture():
    linked = {target.partition("#")[0] for target in LINK.findall((BASE_DIR / "README.md").read_text())}
    assert {"ARCHITECTURE.md", *(f"docs/{page.name}" for page in DOCS)} <= linked


def variables_read_by_the_code() -> set[str]:
    sources = [
        *(BASE_DIR / "mineaction").glob("*.py"),
        *(BASE_DIR / "events" / "management" / "commands").glob("*.py"),
        BASE_DIR / "manage.py",
        BASE_DIR / "gunicorn.conf.py",
    ]
    names = set()
    for source in sources:
        names |= set(re.findall(r"[\"']((?:DJANGO|GUNICORN)_[A-Z_]+|DATABASE_URL)[\"']", source.read_text()))
    # dj_database_url reads DATABASE_URL for the settings.
    return (names | {"DATABASE_URL"}) - {"DJANGO_SETTINGS_MODULE"}


def test_every_variable_the_code_reads_is_documented():
    found = variables_read_by_the_code()
    assert {"DJANGO_SECRET_KEY", "DJANGO_PROXY_COUNT", "DJANGO_KEYLESS_COMMAND", "GUNICORN_BIND"} <= found
    example = (BASE_DIR / ".env.example").read_text()
    configuration = (BASE_DIR / "docs" / "configuration.md").read_text()
    assert sorted(name for name in found if name not in example) == []
    assert sorted(name for name in found if f"`{name}`" not in configuration) == []
