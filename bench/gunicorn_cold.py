"""gunicorn settings for measuring pages computed afresh: the production file, plus one hook.

Run with ``DJANGO_CACHE_URL=dummy://`` so nothing is kept between requests.
Before every request each worker also empties the in-process memos
(``functools`` caches) of the project's modules, except those listed in
STATIC_MEMOS, which hold only what ships with the code (the world map's
shapes, country names): so a repeated address cannot be answered from what
an earlier request computed; and so does what the facet index keeps for one
address (``forget_answers()``). ``BENCH_MEMO_REPORT`` names a file where each
worker writes which memos it empties.
"""

import os
import sys
from pathlib import Path

PRODUCTION = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(PRODUCTION.read_text(), str(PRODUCTION), "exec"))

# Memos of data that ships with the code, not of the database: every process keeps these.
STATIC_MEMOS = {
    "events.geo.world",
    "events.geo._bounds",
    "events.wording.country_name",
    "events.geo._plain_land",
    "events.geo._named_land",
    "events.geo.unnamed_land",
    "events.geo.escaped_shapes",
    "events.intake.gazetteer.country_names",
    "events.intake.gazetteer.country_pattern",
    # The digest of the code that draws a row, and what surrounds the slugs in a view's address.
    "events.templatetags.timeline.row_release",
    "events.templatetags.timeline._around_slugs",
}
PROJECT_PACKAGES = ("events", "mineaction")


def project_memos() -> dict[str, object]:
    """Every functools cache at the top level of a project module, by dotted name."""
    memos = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or module_name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for name, value in list(vars(module).items()):
            defined_here = getattr(value, "__module__", "") == module_name
            if defined_here and callable(getattr(value, "cache_clear", None)):
                memos[f"{module_name}.{name}"] = value
    return memos


def pre_request(worker, req):
    # Modules are imported as requests need them (the URLconf on the first): look again when more are.
    if getattr(worker, "modules_seen", None) != len(sys.modules):
        worker.modules_seen = len(sys.modules)
        worker.data_memos = {name: memo for name, memo in project_memos().items() if name not in STATIC_MEMOS}
        report = os.environ.get("BENCH_MEMO_REPORT")
        if report:
            with open(report, "a", encoding="utf-8") as file:
                file.write(f"{worker.pid}: {' '.join(sorted(worker.data_memos)) or '-'}\n")
    for memo in worker.data_memos.values():
        memo.cache_clear()
    # What the facet index keeps for one address goes too; what every page reads (the bitmaps, the
    # names read at this data version) stays, as it does in any worker between two writes.
    from events.meeting_index import forget_answers

    forget_answers()
