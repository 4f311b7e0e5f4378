"""What pages tell search engines, link previews and citation managers: JSON-LD and absolute addresses."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .timeline import slug_url

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """A ``<script type="application/ld+json">`` block: data, not code, so the CSP lets it be."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def address(view_name: str) -> str:
    """``{% url view_name %}`` for an address without arguments (the site's menu), resolved once per
    process rather than on every page."""
    return slug_url(view_name)


@register.simple_tag(takes_context=True)
def absolute(context, path: str = "") -> str:
    """``path`` (by default the page's own, without its query) as a full address."""
    request = context["request"]
    return request.build_absolute_uri(path or request.path)


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context) -> str:
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: the rendered text as a variable (a page's description)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
