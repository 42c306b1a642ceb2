"""Speaker rules of session 10 (issue #15): a bare surname that is also a title word ("King")
shows no gender; a name in apposition to an apposition of a subject is that subject; a role given
by an "as" phrase ("spoke as the party's nominee") names the person later, unless the verb ends the role
("stepped down as", "was replaced as"); "it" is never a plural nationality. Each rule with cases
that it changes and near-misses that must stay as they were."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_quotes_coref import check_speaker

# text, the quote's first words, the expected speaker_method, a word of the expected speaker
CASES = [
    # a surname that is also a title word is no "Mr."
    pytest.param(
        "Haddad beat Okafor in the final on Sunday. Tennis great Jean King watched from the stands.\n\n"
        "“I loved every minute of it,” she said.\n\nKing won twelve titles in her career.",
        "I loved",
        "pronoun",
        "Jean King",
        id="surname_king_is_no_title",
    ),
    pytest.param(
        "King Harald opened the new bridge on Monday. Ilse Dorn cut the ribbon.\n\n"
        "“We are grateful to the builders,” he said.",
        "We are",
        "pronoun",
        "Harald",
        id="near_miss_title_before_a_name_keeps_its_gender",
    ),
    # an apposition of an apposition of the subject
    pytest.param(
        "Colm Hardy, 58, repairs boats near the harbour. He has voted in every election.\n\n"
        "The younger man, his nephew Rafe Dunmore, 31, called the plan a mistake. "
        "“Nobody asked us,” he said.",
        "Nobody asked",
        "pronoun",
        "Dunmore",
        id="apposition_of_an_apposition_is_the_subject",
    ),
    pytest.param(
        "Colm Hardy, 58, repairs boats near the harbour. He has voted in every election.\n\n"
        "He thanked the younger man, his nephew Rafe Dunmore, for the help. "
        "“Nobody asked us,” he said.",
        "Nobody asked",
        "pronoun",
        "Hardy",
        id="near_miss_apposition_of_an_object_stays_an_object",
    ),
    # a role given by an "as" phrase of the subject's verb
    pytest.param(
        "On Thursday Nora Blake gave her speech as the Labour nominee, painting her rival, "
        "Victor Crane, as a danger.\n\n“We will win this,” said the Labour nominee.",
        "We will",
        "description",
        "Blake",
        id="as_phrase_gives_the_role",
    ),
    pytest.param(
        "On Thursday Nora Blake gave her speech as a guest, praising her friend, "
        "Victor Crane, the Labour nominee.\n\n“We will win this,” said the Labour nominee.",
        "We will",
        "description",
        "Crane",
        id="near_miss_as_phrase_without_the_role",
    ),
    pytest.param(
        "On Thursday Nora Blake described Victor Crane as the Labour nominee in her speech.\n\n"
        "“We will win this,” said the Labour nominee.",
        "We will",
        "unnamed",
        "nominee",
        id="near_miss_as_phrase_of_a_named_object_is_not_the_subject_role",
    ),
    # a role the subject leaves or loses gives no role ("stepped down as", "was replaced as"): the
    # phrase stays unnamed rather than naming the one who left
    pytest.param(
        "Omar Pell stepped down as chairman of the water board on Monday. Greta Sand will take over "
        "next month.\n\n“The finances are sound,” the new chairman said.",
        "The finances",
        "unnamed",
        "chairman",
        id="stepped_down_as_is_no_role_held",
    ),
    pytest.param(
        "Omar Pell was replaced as chairman of the water board by Greta Sand on Monday.\n\n"
        "“The finances are sound,” the chairman said.",
        "The finances",
        "unnamed",
        "chairman",
        id="was_replaced_as_is_no_role_held",
    ),
    pytest.param(
        "Omar Pell was sworn in as chairman of the water board on Monday.\n\n"
        "“The finances are sound,” the chairman said.",
        "The finances",
        "description",
        "Pell",
        id="near_miss_sworn_in_as_is_a_role_held",
    ),
    # "it" is never a plural nationality ("Americans")
    pytest.param(
        "Acme Corp answered the claims on Monday. The Americans on its board stayed silent.\n\n"
        "“We reject them,” it said.",
        "We reject",
        "pronoun",
        "Acme",
        id="it_skips_a_plural_nationality",
    ),
    pytest.param(
        "The bank's staff association wrote to the board about the choice. Many Americans have led "
        "the bank before.\n\n“This must change,” it said.",
        "This must",
        "unnamed",
        "it",
        id="it_with_only_a_plural_nationality_before_keeps_the_pronoun",
    ),
    pytest.param(
        "Norway rejected the plan on Monday, and Swedes were surprised.\n\n“We will not sign this,” it said.",
        "We will",
        "pronoun",
        "Norway",
        id="it_skips_the_plural_nationality_for_the_country",
    ),
    pytest.param(
        "Norway rejected the plan on Monday.\n\n“We will not sign this,” it said.",
        "We will",
        "pronoun",
        "Norway",
        id="near_miss_a_country_still_speaks_as_it",
    ),
]


@pytest.mark.parametrize(("text", "quote", "method", "name"), CASES)
def test_speakers10(nlp: Language, text: str, quote: str, method: str, name: str) -> None:
    check_speaker(nlp, text, quote, method, name)
