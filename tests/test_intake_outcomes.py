"""Outcomes a sentence states, and what is not one."""

import pytest

from events.intake.outcomes import outcome_kinds


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("Suleymanov invited TMAC to send representatives to a conference.", ["invitation"]),
        ("ANAMA and MAG have signed a Memorandum of Understanding.", ["agreement"]),
        ("General Sabyeroop said TMAC was ready to hold joint training with ANAMA.", ["joint_training"]),
        ("Cambodia was willing to assist Azerbaijan in demining.", ["assistance_offered"]),
        ("A ceremony marked a new contribution of EUR 250,000 from Belgium.", ["assistance_offered"]),
        ("Azerbaijan asked Malaysia for financial or technical help.", []),
        ("It will also appeal to the international community for support.", []),
        ("The sides discussed joint trainings and workshops.", []),
        ("At the invitation of ANAMA, a delegation took part.", []),
        ("The two sides agreed to conduct a joint survey of three border areas.", ["agreement"]),
        ("Both sides agreed to organise joint training courses for deminers.", ["joint_training"]),
        ("The GICHD offered to hold a course for ANAMA's database officers.", ["assistance_offered"]),
        ("HALO expressed its readiness to send an assessment mission.", ["assistance_offered"]),
        ("ARMAC and GICHD agreed to hold a follow-up course in Vientiane.", ["joint_training"]),
        ("The delegates decided to meet again next spring in Hanoi.", ["follow_up_meeting"]),
        ("The ministries will hold their fifth round of talks in Vientiane.", ["follow_up_meeting"]),
        ("The two sides agreed to hold the next meeting at a date to be set.", ["follow_up_meeting"]),
        ("CMAC expressed readiness to train another group of SESU deminers.", ["assistance_offered"]),
        ("Readiness was expressed by the centre to send two mapping experts.", ["assistance_offered"]),
        ("The agency is willing to provide legal advice to the centre.", ["assistance_offered"]),
        ("The previous round of talks took place in Hanoi.", []),
        (
            "It was agreed that two CMAC instructors will come back in May to run a survey course.",
            ["joint_training"],
        ),
    ],
)
def test_outcomes_are_read_from_what_the_sentence_states(sentence, kinds):
    assert outcome_kinds(sentence) == kinds
