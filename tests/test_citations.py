"""Cite this record: a reference, BibTeX, RIS and CSL-JSON from one dict, read back by their own parsers."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.utils import timezone

from events import citations

from .factories import make_meeting, make_organisation, make_person
from .pages import soup

pytestmark = pytest.mark.django_db

PAGES = [
    "/meetings/talks/",
    "/organisations/anama/",
    "/organisations/anama/with/tmac/",
    "/people/vugar/",
    "/countries/TH/",
    "/countries/AZ/with/TH/",
]


@pytest.fixture
def records():
    anama = make_organisation(
        name="Mine Action Agency of Azerbaijan", acronym="ANAMA", slug="anama", country="AZ"
    )
    tmac = make_organisation(
        name="Thailand Mine Action Centre & Co {test}", acronym="TMAC", slug="tmac", country="TH"
    )
    make_person(name="Vugar Suleymanov", slug="vugar")
    return make_meeting(
        title="ANAMA meets TMAC: 50% more training", slug="talks", organisations=[anama, tmac]
    )


def cite_block(response):
    return soup(response).select_one("section.cite")


@pytest.mark.parametrize("path", PAGES)
def test_each_page_offers_a_citation_with_its_permanent_address_and_the_date(client, records, path):
    block = cite_block(client.get(path))
    assert block is not None, path
    address = f"http://testserver{path}"
    assert block.select_one(".cite-facts a")["href"] == address
    today = timezone.localdate()
    assert block.select_one("time")["datetime"] == today.isoformat()
    reference = block.select_one(".cite-reference").get_text()
    assert address in reference and f"accessed {today:%-d %B %Y}" in reference
    downloads = {a.get_text(): a["href"] for a in block.select(".cite-downloads a")}
    assert downloads == {
        "BibTeX": f"{path}cite.bib",
        "RIS": f"{path}cite.ris",
        "CSL-JSON": f"{path}cite.json",
    }


@pytest.mark.parametrize("path", PAGES)
def test_the_bibtex_file_parses_with_the_title_and_address(client, records, path):
    response = client.get(f"{path}cite.bib")
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert "attachment" in response["Content-Disposition"]
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry["url"] == f"http://testserver{path}"
    assert entry["urldate"] == timezone.localdate().isoformat()


def test_bibtex_escapes_what_latex_would_read_as_commands(client, records):
    text = client.get("/meetings/talks/cite.bib").content.decode()
    assert r"50\% more training" in text
    (entry,) = bibtexparser.parse_string(text).entries
    assert entry["title"] == r"{ANAMA meets TMAC: 50\% more training}"
    pair = client.get("/organisations/anama/with/tmac/cite.bib").content.decode()
    assert bibtexparser.parse_string(pair).entries[0]["title"] == r"{ANAMA and TMAC: meetings together}"


@pytest.mark.parametrize("path", PAGES)
def test_the_ris_file_parses_as_a_web_page(client, records, path):
    response = client.get(f"{path}cite.ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "ELEC"
    assert entry["urls"] == [f"http://testserver{path}"]
    assert entry["access_date"] == timezone.localdate().strftime("%Y/%m/%d")
    assert entry["publisher"] == citations.SITE_NAME


def test_the_meeting_ris_title_and_year(client, records):
    (entry,) = rispy.loads(client.get("/meetings/talks/cite.ris").content.decode())
    assert entry["title"] == "ANAMA meets TMAC: 50% more training"
    assert entry["year"] == str(timezone.localdate(records.updated_at).year)


@pytest.mark.parametrize("path", PAGES)
def test_csl_json_formats_with_citeproc(client, records, path):
    response = client.get(f"{path}cite.json")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    (text,) = [str(entry) for entry in bibliography.bibliography()]
    assert f"http://testserver{path}" in text
    assert items[0]["title"] in text


def test_the_four_formats_come_from_one_dict():
    organisation = make_organisation(name="Cambodian Mine Action Centre", slug="cmac")
    item = citations.for_organisation(organisation, "https://example.org/organisations/cmac/")
    accessed = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    assert json.loads(citations.csl_json(item)) == [item]
    assert citations.download(item, "bib")[2] == "mact-organisation-cmac.bib"
    assert "Cambodian Mine Action Centre" in citations.reference(item)
    assert "Cambodian Mine Action Centre" in citations.bibtex(item)
    assert "TI  - Cambodian Mine Action Centre" in citations.ris(item)


def test_a_page_without_a_change_date_says_no_date():
    item = citations.for_country_pair(*_countries("AZ", "TH"), "https://example.org/countries/AZ/with/TH/")
    assert "Cooperation between two countries, n.d. https://example.org/" in citations.reference(item)
    assert "issued" not in item


def _countries(*codes):
    from django_countries.fields import Country

    return [Country(code) for code in codes]


def test_an_unknown_format_or_a_draft_is_not_found(client, records):
    assert client.get("/meetings/talks/cite.docx").status_code == 404
    make_meeting(slug="draft-talks", status="draft")
    assert client.get("/meetings/draft-talks/cite.bib").status_code == 404


def test_the_accessed_date_is_today_even_for_a_kept_page(client, records, monkeypatch):
    client.get("/countries/TH/")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args: tomorrow)
    block = cite_block(client.get("/countries/TH/"))
    assert block.select_one("time")["datetime"] == tomorrow.isoformat()
