"""Reading a report's parts: folding names, sentences, the dateline, and what is background."""

import pytest

from events.intake import gazetteer
from events.intake.text import fold, fold_variants, mark_background, normalise, read_report, split_sentences


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Məmmədov", "Mammadov"),
        ("Søren", "Soren"),
        ("Sarıbay", "Saribay"),
        ("Łukasz", "Lukasz"),
        ("Straße", "Strasse"),
        ("Trần Trung Hòa", "Tran Trung Hoa"),
        ("Эльчин Амирбеков", "El'chin Amirbekov"),
    ],
)
def test_any_script_folds_to_latin_without_losing_letters(written, folded):
    assert fold(written) == folded


def test_schwa_is_tried_as_a_and_as_e():
    assert fold_variants("Əliyev") == ["Aliyev", "Eliyev"]


def test_names_compare_without_case_punctuation_or_spelling_variants():
    assert normalise("The Thailand Mine-Action CENTER") == normalise("Thailand Mine Action Centre")
    assert normalise("ANAMA’s Board") == "anama board"


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "Dr. Prum met V. Suleymanov on Nov. 25 in Baku. UNDP Resident Representative a.i. in Baku spoke."
    assert split_sentences(text) == [
        "Dr. Prum met V. Suleymanov on Nov. 25 in Baku.",
        "UNDP Resident Representative a.i. in Baku spoke.",
    ]


@pytest.mark.parametrize(
    ("opening", "place", "date", "agency"),
    [
        ("BAKU, Azerbaijan, Dec. 16 (Trend) -- ANAMA signed", "BAKU", "Dec. 16", "Trend"),
        ("PHNOM PENH, July 7 (IANS) The agency signed", "PHNOM PENH", "July 7", "IANS"),
        ("Siem Reap, 12 December 2022 - ARMAC hosted", "Siem Reap", "12 December 2022", ""),
        ("AGHDAM, Azerbaijan. The conference opened", "AGHDAM", "", ""),
        ("Phnom Penh, August 29, 2024 AKP -- CMAC welcomed", "Phnom Penh", "August 29, 2024", "AKP"),
        ("PHNOM PENH, 14/03/2024 — CMAA met", "PHNOM PENH", "14/03/2024", ""),
    ],
)
def test_the_dateline_is_read_and_left_out_of_the_lead(opening, place, date, agency):
    report = read_report(f"{opening} on Monday.\n\nMore text follows here.", is_place=gazetteer.is_place)
    assert (report.dateline.place, report.dateline.date_text, report.dateline.agency) == (place, date, agency)
    assert not report.lead.text.startswith(place)


def test_an_acronym_with_its_name_in_brackets_opening_the_lead_is_no_dateline():
    report = read_report(
        "ARMAC (ASEAN Regional Mine Action Center) held a meeting on Monday.\n\nMore text follows.",
        is_place=gazetteer.is_place,
    )
    assert report.dateline is None
    assert report.lead.text.startswith("ARMAC (ASEAN Regional Mine Action Center) held")


def test_a_dateline_on_its_own_line_may_end_with_the_agency_and_labels_are_not_the_headline():
    report = read_report(
        "CAMBODIAN MINE ACTION CENTRE\nPRESS RELEASE\n\nVisit of a delegation to CMAC\n\n"
        "Baku, 16 January, AZƏRTAC\n\nThe minister received the guests yesterday.\n\nMore text.",
        is_place=gazetteer.is_place,
    )
    assert report.headline == "Visit of a delegation to CMAC"
    assert (report.dateline.place, report.dateline.date_text, report.dateline.agency) == (
        "Baku",
        "16 January",
        "AZƏRTAC",
    )
    assert report.lead.text == "The minister received the guests yesterday."


def test_after_a_background_paragraph_only_a_paragraph_about_the_event_is_the_event():
    report = read_report(
        "ANAMA met CMAC in Baku today.\n\nANAMA was established in 1998.\n\n"
        "Its chairman then was Hafiz Safikhanov.\n\nThe sides also agreed to meet again.",
    )
    mark_background(report, dated_elsewhere=lambda sentence: False)
    assert [s.background for s in report.sentences] == [False, True, True, False]


def test_someone_who_accompanied_the_event_people_after_a_background_paragraph_is_the_event():
    report = read_report(
        "ANAMA signed an agreement with GICHD on Thursday.\n\nANAMA was established in 1998.\n\n"
        "Ann Example, Deputy Director, accompanied the Chairman."
    )
    mark_background(report, dated_elsewhere=lambda sentence: False)
    assert [s.background for s in report.sentences] == [False, True, False]


def test_a_masthead_above_the_headline_is_neither_headline_nor_lead():
    report = read_report("UNDP Azerbaijan | Press summary\n\nRoundtable on data\n\nUNDP held a roundtable.")
    assert (report.headline, report.lead.text) == ("Roundtable on data", "UNDP held a roundtable.")


def test_a_headline_is_not_the_lead():
    report = read_report("ANAMA meets TMAC\n\nANAMA met TMAC on Tuesday.\n\nThey talked.")
    assert (report.headline, report.lead.text) == ("ANAMA meets TMAC", "ANAMA met TMAC on Tuesday.")


def test_a_paragraph_that_opens_as_background_stays_background_until_the_event_returns():
    report = read_report(
        "ANAMA met TMAC on Tuesday.\n\n"
        "Earlier, ANAMA signed a memorandum with UNDP. Ms Example signed it.\n\n"
        "During the meeting, the sides discussed training. It should be noted that ARMAC was founded later."
    )
    mark_background(report, dated_elsewhere=lambda sentence: False)
    assert [s.background for s in report.sentences] == [False, True, True, False, True]


def test_listed_lines_are_sentences_and_a_caption_that_tells_what_happened_is_read_last():
    report = read_report(
        "Workshop on demining\n\nPHOTO: Ann Example (left) shakes hands with Bo Example on Monday.\n\n"
        "A workshop was held.\n\nDate: 14-15 May 2025\nVenue: NSPA, Capellen, Luxembourg\n\n"
        "Participants:\n- Ann Example, Director\n- Bo Example, Adviser\n\nPhoto: the hall."
    )
    assert [s.text for s in report.sentences] == [
        "A workshop was held.",
        "Date: 14-15 May 2025",
        "Venue: NSPA, Capellen, Luxembourg",
        "Ann Example, Director",
        "Bo Example, Adviser",
        "Ann Example (left) shakes hands with Bo Example on Monday.",
    ]


def test_a_quotation_runs_on_to_its_speaker_across_its_full_stops():
    text = '"Mines do not stop killing. Most victims are civilians," X told a seminar yesterday. It closed.'
    assert split_sentences(text) == [
        '"Mines do not stop killing. Most victims are civilians," X told a seminar yesterday.',
        "It closed.",
    ]


def test_a_dateline_may_end_with_the_agency_and_a_full_stop():
    report = read_report(
        "Delegation concludes visit\n\nBaku, 29 August, AZERTAC. A delegation visited CMAC on 27-28 August.",
        is_place=gazetteer.is_place,
    )
    assert (report.dateline.place, report.dateline.date_text, report.dateline.agency) == (
        "Baku",
        "29 August",
        "AZERTAC",
    )
    assert report.sentences[0].text == "A delegation visited CMAC on 27-28 August."


def test_each_line_after_a_label_is_a_sentence_and_a_by_label_reads_as_words():
    report = read_report(
        "Dialogue concludes\n\nThe dialogue was held.\n\nParticipants:\nAnn Example – Director, ARMAC\n"
        "Bo Example – Adviser, UNDP\n\nWhere: Brussels\nSupported by: Ministry of Foreign Affairs of Belgium"
    )
    assert [s.text for s in report.sentences] == [
        "The dialogue was held.",
        "Ann Example – Director, ARMAC",
        "Bo Example – Adviser, UNDP",
        "Where: Brussels",
        "Supported by Ministry of Foreign Affairs of Belgium",
    ]


def test_a_caption_naming_who_stands_in_the_picture_is_read_as_a_list_after_the_text():
    report = read_report(
        "Talks on standards\n\n[Photo] From left: Greta Zeender, Head of Division, GICHD; Chan Dara, "
        "Director, CMAA.\n\nPhnom Penh, 19 March 2025 – The CMAA received a GICHD delegation on 18 March.",
        is_place=gazetteer.is_place,
    )
    assert report.dateline is not None and report.dateline.date_text == "19 March 2025"
    assert [s.text for s in report.sentences] == [
        "The CMAA received a GICHD delegation on 18 March.",
        "Greta Zeender, Head of Division, GICHD",
        "Chan Dara, Director, CMAA",
    ]


def test_a_dateline_after_an_opening_quotation_is_the_reports_not_the_events():
    report = read_report(
        'Belgium supports rats\n\n"Every hectare counts," said the Minister.\n\nBrussels, 4 July 2024 – The '
        "Ministry signed on Wednesday an agreement with APOPO.",
        is_place=gazetteer.is_place,
    )
    assert report.dateline is not None and report.dateline.place == "Brussels"
    assert report.sentences[1].text == "The Ministry signed on Wednesday an agreement with APOPO."


def test_a_paragraph_in_title_case_is_read_with_its_small_words_in_lower_case():
    report = read_report(
        "Phnom Penh: On The Morning Of 24 June 2025, His Excellency HENG RATANA, Director General Of The "
        "Cambodian Mine Action Centre (CMAC), Received A Delegation Of TMAC Led By Nattavut Sabyeroop.",
        is_place=gazetteer.is_place,
    )
    assert report.sentences[0].text == (
        "On the morning of 24 June 2025, His Excellency HENG RATANA, Director General of the Cambodian Mine "
        "Action Centre (CMAC), received a Delegation of TMAC led by Nattavut Sabyeroop."
    )


def test_a_numbered_threads_posts_are_read_without_their_numbers_signs_and_hashtags():
    report = read_report(
        "1/3 Today our team welcomed colleagues from ANAMA. 🧵\n\n2/3 They saw our drones.\n\n"
        "3/3 We agreed to train together. #demining #Azerbaijan"
    )
    assert report.headline == ""
    assert [s.text for s in report.sentences] == [
        "Today our team welcomed colleagues from ANAMA.",
        "They saw our drones.",
        "We agreed to train together.",
    ]


def test_the_chair_of_minutes_reads_as_presiding_and_the_venue_label_stays():
    report = read_report(
        "Minutes\n\nDate: 8 April 2025\nVenue: CMAC Headquarters, Phnom Penh\n"
        "Chair: Ann Example, Director, CMAC\n\nThe Chair welcomed the guests."
    )
    assert [s.text for s in report.sentences][:3] == [
        "Date: 8 April 2025",
        "Venue: CMAC Headquarters, Phnom Penh",
        "Presided over by Ann Example, Director, CMAC",
    ]


def test_a_cue_inside_a_nouns_participle_clause_dates_that_noun_not_the_sentence():
    report = read_report(
        "CMAC hosted TMAC in Pailin on Monday.\n\n"
        "Ann Example shared the findings of a study conducted across the border provinces last year.\n\n"
        "The two centres agreed to exchange maps.\n\n"
        "TMAC had visited Pailin before. Bo Example conducted a survey last year."
    )
    mark_background(report, dated_elsewhere=lambda sentence: False)
    assert [s.background for s in report.sentences] == [False, False, False, True, True]


def test_the_larger_event_a_side_meeting_was_held_within_is_background_when_it_is_the_subject():
    report = read_report(
        "On the sidelines of the Asian Demining Forum in Bangkok, CMAC and TMAC held talks on Monday.\n\n"
        "The two centres discussed the border.\n\n"
        "The forum, organised by the Thai army, gathered 200 people."
    )
    mark_background(report, dated_elsewhere=lambda sentence: False)
    assert [s.background for s in report.sentences] == [False, False, True]
