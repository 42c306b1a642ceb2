"""Speaker coreference within an article (issue #15): descriptions and roles resolved to the person
introduced with them, he/she and "they", reporters kept out, an organisation speaking aloud."""

from __future__ import annotations

import pytest
from spacy.language import Language

from transforms.quotes import quotes_from_doc

# text, the quote's first words, the expected speaker_method, a word of the expected speaker
CASES = [
    # descriptions, roles and titles
    pytest.param(
        "Carla Bentley, the health minister, announced the plan on Tuesday. Sam Doyle attacked it.\n\n"
        "“We have listened,” the minister said.",
        "We have",
        "description",
        "Bentley",
        id="apposition_gives_the_role",
    ),
    pytest.param(
        "Tyler Brooks, 34, scored twice on Saturday night. Coach Dan Hale was pleased.\n\n"
        "“It felt good,” the 34-year-old said.",
        "It felt",
        "description",
        "Brooks",
        id="age_after_the_name_gives_the_n_year_old",
    ),
    pytest.param(
        "Former governor Bill Tarrant campaigned on Sunday. The crowd was small.\n\n"
        "“We will win this state,” the former governor said.",
        "We will win",
        "description",
        "Tarrant",
        id="former_governor",
    ),
    pytest.param(
        "Finance Minister Ann Cole spoke first. Health Minister Tom Bell followed her.\n\n"
        "“We need beds,” the minister said.",
        "We need",
        "description",
        "Bell",
        id="the_latest_person_in_the_role",
    ),
    pytest.param(
        "Liberal MP Anita Rao tabled the bill. Conservative critic Tom Bell called it weak.\n\n"
        "“It is a start,” the Liberal MP said.",
        "It is a start",
        "description",
        "Rao",
        id="a_capitalised_role_after_the_is_a_description",
    ),
    pytest.param(
        "The meeting ran late on Monday.\n\n“We need more time,” the minister said.",
        "We need",
        "unnamed",
        "minister",
        id="no_one_in_the_role_keeps_the_phrase",
    ),
    # he/she and they
    pytest.param(
        "Kovalenko explained the plan from a podium on Monday.\n\n“I love this city,” he said.",
        "I love",
        "pronoun",
        "Kovalenko",
        id="lone_he_takes_the_only_person_of_unknown_gender",
    ),
    pytest.param(
        "Mayor Jane Ortiz met Kovalenko on Monday.\n\n“It went well,” he said.",
        "It went",
        "pronoun",
        "Kovalenko",
        id="lone_he_skips_a_woman",
    ),
    pytest.param(
        "Maya Lin and Omar Said opened the bakery in 2019. Customers lined up early.\n\n"
        "“We never expected it,” they said.",
        "We never",
        "group",
        "Maya Lin and Omar Said",
        id="they_skips_a_plural_noun_for_the_named_pair",
    ),
    # reporters
    pytest.param(
        "Karen Holt reports from Halifax.\n\nThe premier spoke on Monday.\n\n“We are ready,” she said.",
        "We are ready",
        "unnamed",
        "premier",
        id="reporter_who_files_from_a_place",
    ),
    pytest.param(
        "Karen Holt · Channel 7 News · Posted: May 3\n\nThe premier spoke on Monday.\n\n“We are ready,” she said.",
        "We are ready",
        "unnamed",
        "premier",
        id="reporter_on_a_line_with_the_outlet",
    ),
    pytest.param(
        "“We are ready,” she said.\n\nKaren Holt contributed to this report.",
        "We are ready",
        "unresolved",
        "she",
        id="reporter_who_contributed",
    ),
    # organisations
    pytest.param(
        "Dana Cole, a spokesperson for Acme Corp, said the drop was expected. “We planned for this,” Acme told reporters.",
        "We planned",
        "cue_subject",
        "Cole",
        id="organisation_told_is_its_person_who_spoke",
    ),
    pytest.param(
        "Acme Corp said profits fell. Spokesperson Dana Cole told reporters the drop was expected.\n\n"
        "“We planned for this,” Acme said.",
        "We planned",
        "cue_subject",
        "Cole",
        id="organisation_said_is_its_person_who_spoke_before",
    ),
    pytest.param(
        "Acme Corp spokesperson Dana Cole spoke on Monday.\n\n“We planned for this,” Acme said in a statement.",
        "We planned",
        "cue_subject",
        "Acme",
        id="organisation_said_in_a_statement_stays",
    ),
]


@pytest.mark.parametrize(("text", "quote", "method", "name"), CASES)
def test_speaker_coreference(nlp: Language, text: str, quote: str, method: str, name: str) -> None:
    check_speaker(nlp, text, quote, method, name)


def check_speaker(nlp: Language, text: str, quote: str, method: str, name: str) -> None:
    """Asserts that the quote starting with ``quote`` is attributed by ``method`` to a speaker whose
    text holds ``name``, and that the speaker's offsets point at that text."""
    rows = quotes_from_doc(nlp(text), "a1", [])
    hits = [r for r in rows if str(r["text"]).startswith(quote)]
    assert hits, [r["text"] for r in rows]
    r = hits[0]
    assert r["speaker_method"] == method
    assert name in str(r["speaker_text"])
    if r["speaker_start"] is not None:
        assert text[int(r["speaker_start"]) : int(r["speaker_end"])] == r["speaker_text"]  # type: ignore[call-overload]
