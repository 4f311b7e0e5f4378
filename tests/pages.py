"""Read a page's lists and links as data."""

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def meeting_titles(response) -> list[str]:
    return [h.get_text(strip=True) for h in soup(response).select(".meeting-title")]


def facet_links(response, param: str) -> dict[str, tuple[int, str]]:
    """{label: (count, href)} for one facet."""
    section = soup(response).select_one(f'section[aria-labelledby="facet-{param}"]')
    if section is None:
        return {}
    links = {}
    for link in section.select("li a"):
        label = link.select_one(".facet-label")
        for hidden in label.select(".visually-hidden"):
            hidden.extract()
        links[label.get_text(strip=True)] = (int(link.select_one(".facet-count").get_text()), link["href"])
    return links


def chip_links(response) -> dict[str, str]:
    chips = {}
    for link in soup(response).select(".chips a.chip"):
        for hidden in link.select(".visually-hidden, [aria-hidden]"):
            hidden.extract()
        chips[link.get_text(strip=True)] = link["href"]
    return chips


def notices(response) -> list[str]:
    return [li.get_text(" ", strip=True) for li in soup(response).select(".notices li")]


def query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)
