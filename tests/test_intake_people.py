"""People in a report: titles beside names, surname mentions, and names matched in any script."""

import pytest
from rapidfuzz import fuzz

from events.intake.people import find_names, gather_people, same_name, word_key
from events.intake.text import fold_variants

from .factories import make_person


@pytest.mark.parametrize(
    ("written", "known", "same"),
    [
        ("Prum Sophakmokol", "Prum Sofeakmonkul", True),
        ("Vuqar Suleymanov", "Vugar Suleymanov", True),
        ("Vüqar Süleymanov", "Vugar Suleymanov", True),
        ("Elchin Amirbeyov", "Elchin Amirbayov", True),
        ("Əliyev Elnur", "Elnur Aliyev", True),
        ("Rufət Məmmədov", "Rufat Mammadov", True),
        ("Kairat Sarıbay", "Kairat Sarybay", True),
        ("Aydın Səfixanlı", "Aydin Safikhanli", True),
        ("Tran Trung Hoa", "Trần Trung Hòa", True),
        ("Søren Hansen", "Soren Hansen", True),
        ("Buth Rothna", "Rothna Buth", True),
        ("V. Suleymanov", "Vugar Suleymanov", True),
        ("V. Suleymanov", "Samir Suleymanov", False),
        ("Heng Ratana", "Heng Sovann", False),
        ("Nattavut Sabyeroop", "Vugar Suleymanov", False),
    ],
)
def test_person_names_match_across_scripts_and_transliterations(written, known, same):
    assert same_name(written, known) is same


@pytest.mark.parametrize(
    ("azerbaijani", "english", "same"),
    [
        ("Camal Həsənov", "Jamal Hasanov", True),  # C is J
        ("Ceyhun Xəlilov", "Jeyhun Khalilov", True),  # X is KH
        ("Cəlil Qasımov", "Jalil Gasimov", True),  # Q is G
        ("Şəhla Çələbi", "Shahla Chalabi", True),  # Ş is SH, Ç is CH
        ("İlqar Hacızadə", "Ilgar Hajizade", True),
        ("Cəlil Qasımov", "Kamil Gasimov", False),
        ("Ceyhun Xəlilov", "Jeyhun Aliyev", False),
        ("Hacıyev Ramil", "Ramil Hajiyev", True),  # either order
    ],
)
def test_azerbaijani_letters_match_the_english_spelling_of_a_name_both_ways(azerbaijani, english, same):
    assert same_name(azerbaijani, english) is same
    assert same_name(english, azerbaijani) is same
    # Where they match, some folding of the Azerbaijani spelling gives the English one's key exactly.
    if same:
        keys = {word_key(w) for w in english.split()}
        best = max(
            min(max(fuzz.ratio(word_key(w), k) for k in keys) for w in variant.split())
            for variant in fold_variants(azerbaijani)
        )
        assert best == 100


def test_a_c_is_read_as_j_only_in_a_name_written_in_azerbaijani_letters():
    assert same_name("Carlos Cortes", "Jarlos Jortes") is False
    assert same_name("Camal Cəfərli", "Jamal Jafarli") is True


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        (
            "Vugar Suleymanov, Chairman of the Board of ANAMA, opened it.",
            "Vugar Suleymanov",
            "Chairman of the Board of ANAMA",
        ),
        ("IEPF President Umud Mirzayev opened it.", "Umud Mirzayev", "IEPF President"),
        (
            "It was led by the Secretary General of CICA Kairat Sarıbay.",
            "Kairat Sarıbay",
            "Secretary General of CICA",
        ),
        (
            "Chief of the Royal Malaysian Air Force (RMAF), General Muhamad Norazlan Aris, spoke.",
            "Muhamad Norazlan Aris",
            "Chief of the Royal Malaysian Air Force (RMAF)",
        ),
        (
            "It held talks with Eirini Lemos Maniati, Head of the Arms Control, Disarmament and "
            "Non-Proliferation Section of NATO, and with others.",
            "Eirini Lemos Maniati",
            "Head of the Arms Control, Disarmament and Non-Proliferation Section of NATO",
        ),
        (
            "The Ombudsman of the Republic of Azerbaijan is Səbinə Əliyeva.",
            "Səbinə Əliyeva",
            "Ombudsman of the Republic of Azerbaijan",
        ),
        (
            "He was received by the Chairman of the Board, Vugar Suleymanov.",
            "Vugar Suleymanov",
            "Chairman of the Board",
        ),
        (
            "He met the newly appointed Executive Director of ARMAC, Rothna Buth.",
            "Rothna Buth",
            "newly appointed Executive Director of ARMAC",
        ),
        (
            "He received H.E. Rothna Buth, the newly appointed Executive Director of ARMAC, today.",
            "Rothna Buth",
            "newly appointed Executive Director of ARMAC",
        ),
        (
            "It was co-chaired by Liu Zhijie, a counsellor at the Ministry of Foreign Affairs of China.",
            "Liu Zhijie",
            "counsellor at the Ministry of Foreign Affairs of China",
        ),
        (
            "Deputy Minister of Emergency Situations Etibar Mirzayev also spoke.",
            "Etibar Mirzayev",
            "Deputy Minister of Emergency Situations",
        ),
        (
            "The chairman of the Board of the Mine Action Agency Vugar Suleymanov met the director of the "
            "Mine Action Centre of the Republic of Serbia Sladjana Kosutic on Thursday.",
            "Sladjana Kosutic",
            "director of the Mine Action Centre of the Republic of Serbia",
        ),
        (
            "The chairman of the Board of the Mine Action Agency Vugar Suleymanov met her.",
            "Vugar Suleymanov",
            "chairman of the Board of the Mine Action Agency",
        ),
        (
            "Saša Obradović – Director of the Bosnia and Herzegovina Mine Action Centre – spoke.",
            "Saša Obradović",
            "Director of the Bosnia and Herzegovina Mine Action Centre",
        ),
        ("The results were presented by Sok Pisey, project officer.", "Sok Pisey", "project officer"),
        (
            "They met Head of the Arms Control, Disarmament and Non-Proliferation Section "
            "Eirini Lemos-Maniati.",
            "Eirini Lemos-Maniati",
            "Head of the Arms Control, Disarmament and Non-Proliferation Section",
        ),
        (
            "Talks were held with Eirini Lemos Maniati (Head, Arms Control Section) and others.",
            "Eirini Lemos Maniati",
            "Head, Arms Control Section",
        ),
        # A title after a possessive, set off by a comma, with a rank between it and the name.
        (
            "TMAC was represented by its Director General, Lt. Gen. Nattavut Sabyeroop.",
            "Nattavut Sabyeroop",
            "Director General",
        ),
        (
            "It was organised by ANAMA, whose Deputy Chairman of the Board, Samir Poladov, came along.",
            "Samir Poladov",
            "Deputy Chairman of the Board",
        ),
        ("Our Country Director, Matthew Hale, showed the team round.", "Matthew Hale", "Country Director"),
        # Titles in lower case just before the name, after a body's name.
        (
            "The deal was signed by APOPO chief executive Christophe Cox on Tuesday.",
            "Christophe Cox",
            "APOPO chief executive",
        ),
        (
            "The GICHD worked with comrade Hoàng Văn Nam, then Vice Chairman of the Provincial Committee.",
            "Hoàng Văn Nam",
            "Vice Chairman of the Provincial Committee",
        ),
        # Where someone stands in a photo is no title.
        (
            "Vugar Suleymanov (left), Chairman of the Board of ANAMA, shakes hands with a guest.",
            "Vugar Suleymanov",
            "Chairman of the Board of ANAMA",
        ),
        # A second apposition describing the body is the body's, not the title's.
        (
            "Nariman Qasimov, Deputy Director of the International Relations Department of ANAMA, "
            "Azerbaijan's mine action agency, spoke about incidents.",
            "Nariman Qasimov",
            "Deputy Director of the International Relations Department of ANAMA",
        ),
        # A unit and its body after commas, in lower case ("Name, title, unit, body").
        (
            "The team was led by Orhan Muratli, head, Operations Support Unit, NSPA, and included others.",
            "Orhan Muratli",
            "head, Operations Support Unit, NSPA",
        ),
        # The body's own title after "its"; a place after the title's comma is not part of it.
        (
            "The Centre was represented by Marc Favre, its Head of Land Release.",
            "Marc Favre",
            "Head of Land Release",
        ),
        (
            "A delegation led by Lieutenant General Nattavut Sabyeroop, Director General of TMAC, At The "
            "CMAC Headquarters.",
            "Nattavut Sabyeroop",
            "Director General of TMAC",
        ),
        # A name in capitals after a courtesy word, and a transcript's speaker label.
        (
            "His Excellency HENG RATANA, Director General of CMAC, received the guests.",
            "HENG RATANA",
            "Director General of CMAC",
        ),
        (
            "VUGAR SULEYMANOV, CHAIRMAN OF THE BOARD OF ANAMA: We asked our guests to help.",
            "VUGAR SULEYMANOV",
            "CHAIRMAN OF THE BOARD OF ANAMA",
        ),
        # A title between spaced hyphens, as a dash typed on a keyboard.
        (
            "Vugar Suleymanov - Chairman of the Board of ANAMA - received them.",
            "Vugar Suleymanov",
            "Chairman of the Board of ANAMA",
        ),
        # A post in lower case after a name with a middle initial, then the body it is held at.
        (
            "Lukas B. Meier, information management adviser at the GICHD, leads the sessions.",
            "Lukas B. Meier",
            "information management adviser at the GICHD",
        ),
    ],
)
def test_titles_are_read_before_and_after_names(sentence, name, title):
    found = {n.name: n for n in find_names(sentence)}
    assert found[name].title == title


def test_words_after_of_the_name_a_body_and_a_rank_may_be_marked_retired():
    names = {
        n.name: n for n in find_names("Vice Chairman of the Provincial People's Committee Hoang Nam spoke.")
    }
    assert list(names) == ["Hoang Nam"]
    assert names["Hoang Nam"].title == "Vice Chairman of the Provincial People's Committee"
    headed = find_names(
        "A delegation headed by Colonel (ret.) Oleksandr Kravets, adviser to the Head of SESU, came."
    )
    assert [(n.name, n.rank, n.title, n.leads_delegation) for n in headed] == [
        ("Oleksandr Kravets", "Colonel", "adviser to the Head of SESU", True)
    ]


@pytest.mark.django_db
def test_a_mention_by_honorific_and_surname_is_the_full_name_found_in_the_text():
    known = make_person(name="Nattavut Sabyeroop", slug="nattavut-sabyeroop")
    sentences = [
        "He met General-Lieutenant Nattavut Sabyeroop, Director General of TMAC.",
        "General Sabyeroop said TMAC was ready. Mr Suleymanov agreed.",
    ]
    mentions = [(i, n) for i, s in enumerate(sentences) for n in find_names(s)]
    people = gather_people(mentions, [known])
    assert [(p.name, p.person, p.rank, p.sentences) for p in people] == [
        ("Nattavut Sabyeroop", known, "General-Lieutenant", [0, 1])
    ]  # "Mr Suleymanov" names nobody found in full: no second person


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("The guests were received by Ms. Leyla ASGAROVA, Head of Protocol.", "Leyla ASGAROVA"),
        ("Deputy Director Ramil ORUJOV thanked the visitors.", "Ramil ORUJOV"),
        ("CHEA Sokha, adviser, and Leyla ASGAROVA spoke.", "Leyla ASGAROVA"),
    ],
)
def test_a_given_name_then_a_surname_in_capitals_is_one_name(sentence, name):
    assert name in [n.name for n in find_names(sentence)]


def test_malay_honorifics_and_a_surname_in_capitals_are_read_around_the_name():
    names = {
        n.name: n
        for n in find_names(
            "He called on the Chief of the Air Force, General Tan Sri Dato' Sri Muhamad Norazlan Aris. "
            "It was signed by Mr. TAKAHASHI Kenji, Ambassador of Japan, and by Tan Wei Ming, Director."
        )
    }
    assert set(names) == {"Muhamad Norazlan Aris", "TAKAHASHI Kenji", "Tan Wei Ming"}
    assert names["Muhamad Norazlan Aris"].title == "Chief of the Air Force"
    assert names["TAKAHASHI Kenji"].title == "Ambassador of Japan"


def test_a_rank_and_a_courtesy_title_before_a_long_name_are_not_part_of_it():
    names = find_names(
        '"We are ready," said General Tan Sri Muhamad Norazlan Aris, Chief of the Royal Malaysian Air Force.'
    )
    assert [(n.name, n.title) for n in names] == [
        ("Muhamad Norazlan Aris", "Chief of the Royal Malaysian Air Force")
    ]


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        ("He met CMAC's Director General, Heng Ratana, on Monday.", "Heng Ratana", "CMAC's Director General"),
        (
            "TMAC Director General Lt. Gen. Nattavut Sabyeroop welcomed them.",
            "Nattavut Sabyeroop",
            "TMAC Director General",
        ),
    ],
)
def test_a_title_in_apposition_after_a_body_s_possessive_or_before_a_rank(sentence, name, title):
    assert [(n.name, n.title) for n in find_names(sentence)] == [(name, title)]


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        (
            "Special Envoy of the Prime Minister for the Tavush, Gazakh and Aghstafa regions Rauf Example "
            "welcomed the guests.",
            "Rauf Example",
            "Special Envoy of the Prime Minister for the Tavush, Gazakh and Aghstafa regions",
        ),
        (
            "Adviser to the Minister of Defence, Head of the Engineering Department Nigar Example spoke.",
            "Nigar Example",
            "Adviser to the Minister of Defence, Head of the Engineering Department",
        ),
        (
            "The talks move to Ganja on Friday, where Envoy of the President on humanitarian questions "
            "Samir Example will close them.",
            "Samir Example",
            "Envoy of the President on humanitarian questions",
        ),
        (
            "The Head of the Survey Unit of CMAC Sok Example spoke.",
            "Sok Example",
            "Head of the Survey Unit of CMAC",
        ),
    ],
)
def test_a_long_title_opening_its_clause_runs_to_the_name_across_lower_case_words_and_commas(
    sentence, name, title
):
    assert {n.name: n.title for n in find_names(sentence)}[name] == title


def test_a_clause_with_a_verb_before_the_name_is_not_a_title():
    names = {n.name: n.title for n in find_names("Director Ann Example met the visitors with Bo Example.")}
    assert names.get("Bo Example", "") == ""


def test_a_khmer_honorific_of_several_words_is_no_part_of_the_name():
    names = find_names("The forum was opened by Samdech Moha Borvor Thipadei Sok Example, Prime Minister.")
    assert [(n.name, n.title) for n in names] == [("Sok Example", "Prime Minister")]
