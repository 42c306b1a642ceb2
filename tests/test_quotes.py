"""Quotes: finding the marks, full/partial, each attribution path, and the published table."""

from __future__ import annotations

import polars as pl
import pytest
from spacy.language import Language

from transforms import names as names_
from transforms import quotes, schema
from transforms.lexicons import load
from transforms.quotes import find_quote_spans, normalise_quote, quotes_from_doc, resolve_quotes


def _texts(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quote_spans(text)]


def _rows(nlp: Language, text: str) -> list[dict[str, object]]:
    rows = quotes_from_doc(nlp(text), "a1", [])
    for r in rows:
        assert text[int(r["start"]) : int(r["end"])] == r["text"]  # type: ignore[call-overload]
        if r["speaker_start"] is not None:
            assert text[int(r["speaker_start"]) : int(r["speaker_end"])] == r["speaker_text"]  # type: ignore[call-overload]
    return rows


def _by_start(rows: list[dict[str, object]], words: str) -> dict[str, object]:
    hits = [r for r in rows if str(r["text"]).startswith(words)]
    assert hits, f"no quote starting {words!r} in {[r['text'] for r in rows]}"
    return hits[0]


# ---------------------------------------------------------------- the marks

# text in, the quoted stretches out (the words inside the marks, in order)
MARKS = [
    pytest.param(
        'She said: “We will win.” He replied, "Not this time."',
        ["We will win.", "Not this time."],
        id="curly_and_straight_quotes",
    ),
    pytest.param(
        "The mayor's aide didn't say. “It's the council’s decision,” she said.",
        ["It's the council’s decision,"],
        id="apostrophes_inside_words_are_not_marks",
    ),
    pytest.param(
        "“He told me ‘never again’ and left,” the driver said.",
        ["He told me ‘never again’ and left,"],
        id="nested_single_quotes_stay_inside",
    ),
    pytest.param(
        "''This plan isn't serious,'' the senator said. ''It won't pass.''",
        ["This plan isn't serious,", "It won't pass."],
        id="two_apostrophes_are_a_double_mark",
    ),
    pytest.param(
        "“We are ready to talk to the workers, “added the union leader.",
        ["We are ready to talk to the workers,"],
        id="opening_mark_used_as_closing",
    ),
    pytest.param(
        "'We will not back down,' the minister said. Workers' pay rose.",
        ["We will not back down,"],
        id="single_quotes_as_primary_marks",
    ),
    pytest.param(
        "The vote” passed. Then she said, “It is done.”", ["It is done."], id="stray_closing_mark_is_ignored"
    ),
    pytest.param(
        "The score was “3-1” after ninety minutes, “a fair result,” he said.",
        ["a fair result,"],
        id="quote_without_letters_is_skipped",
    ),
    pytest.param("Il a dit : « Nous partons demain. »", ["Nous partons demain."], id="guillemets"),
    pytest.param(
        'The player is 6\'5" tall and "very quick" on the court.', ["very quick"], id="inches_are_not_quotes"
    ),
    pytest.param(
        "The coach said, ‘We played our best game.” Then he left.",
        ["We played our best game."],
        id="single_opening_mark_closed_by_a_double_one",
    ),
    pytest.param(
        "The coach said, 'We played our best game.\" Then he left.",
        ["We played our best game."],
        id="straight_single_opening_closed_by_straight_double",
    ),
    pytest.param(
        "The coach said, \"We played our best game.' Then he left.",
        ["We played our best game."],
        id="double_opening_mark_closed_by_a_single_one",
    ),
    pytest.param(
        "“I would rather live in what he calls “hell” than here.” ― Ada Ruiz",
        ["I would rather live in what he calls “hell” than here."],
        id="quote_nested_in_the_same_marks",
    ),
    pytest.param(
        "“He told me ‘never again,’ and left,” the driver said. Fans’ hopes rose.",
        ["He told me ‘never again,’ and left,"],
        id="nested_single_quote_is_not_a_stray_closing",
    ),
]


@pytest.mark.parametrize(("text", "expected"), MARKS)
def test_quote_marks(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_quote_running_over_paragraphs_is_chained() -> None:
    text = "“The first part goes on.\n\n“And the second part ends here,” she said.\n\nAfter that, silence."
    spans = find_quote_spans(text)
    assert [text[q.start : q.end] for q in spans] == [
        "The first part goes on.",
        "And the second part ends here,",
    ]
    assert spans[0].chain is not None and spans[0].chain == spans[1].chain
    assert not spans[0].closed


def test_unclosed_quote_without_continuation_is_not_chained() -> None:
    text = "“The mark was never closed, she said.\n\nA new paragraph without marks."
    spans = find_quote_spans(text)
    assert len(spans) == 1 and spans[0].chain is None


# ---------------------------------------------------------------- attribution paths

# one article, two quotes framed by verbs outside the lexicon
_FRAMED = (
    "“They were never serious about a deal,” Okonkwo fumed on Tuesday.\n\n"
    "At the rally Ms Varga cracked, “I have been called worse by better people.”"
)


# text in; the quote picked by its first words (None: the first quote of the article); the exact
# values its row must have; a word the speaker text must contain (None: no such check)
SPEAKERS = [
    pytest.param(
        "“The budget is balanced,” Finance Minister Maria Lopez told reporters on Friday.",
        None,
        {"speaker_method": "cue_subject", "cue": "told", "kind": "full"},
        "Lopez",
        id="cue_subject_after_quote",
    ),
    pytest.param(
        '"The talks collapsed overnight," said Peter Hansen, the union negotiator.',
        None,
        {"speaker_method": "cue_subject"},
        "Hansen",
        id="inverted_cue_said_name",
    ),
    pytest.param(
        "The deal is “the best we could get,” according to Daniel Okafor.",
        "the best",
        {"speaker_method": "according_to", "kind": "partial"},
        "Okafor",
        id="according_to",
    ),
    pytest.param(
        "Mr Novak met Ms Ferreira in Lisbon on Monday.\n\n“We made progress,” he said.",
        "We made progress",
        {"speaker_method": "pronoun"},
        "Novak",
        id="pronoun_he_skips_a_woman",
    ),
    # no titles: only the given names tell the two people apart (the man is the subject)
    pytest.param(
        "Daniel Brandt met Susan Okafor in the flooded district on Tuesday.\n\n"
        "“The pumps arrived too late,” she said.",
        "The pumps arrived",
        {"speaker_method": "pronoun"},
        "Okafor",
        id="pronoun_gender_from_given_name",
    ),
    # "spokesman" is used for women too; the given name decides
    pytest.param(
        "Campaign spokesman Linda Marsh denied the report on Friday.\n\n"
        "“That meeting never happened,” she said.",
        "That meeting never",
        {"speaker_method": "pronoun"},
        "Marsh",
        id="given_name_outweighs_a_gendered_role_word",
    ),
    # the surname first names the woman; her husband is always named in full afterwards
    pytest.param(
        "Senator Maria Castellano opened the hearing. Her husband, Robert Castellano, sat behind her.\n\n"
        "Castellano asked the witnesses about the budget.\n\n"
        "“These figures do not add up,” she said.",
        "These figures",
        {"speaker_method": "pronoun"},
        "Castellano",
        id="bare_surname_takes_the_gender_of_its_first_full_mention",
    ),
    pytest.param(
        "Mr Haddad said that Mr Lindqvist had misled the committee.\n\n"
        "“The record speaks for itself,” he said.",
        "The record speaks",
        {"speaker_method": "pronoun"},
        "Haddad",
        id="pronoun_prefers_the_main_clause_subject",
    ),
    # "fumed" and "cracked" are not cue verbs, but the frame makes them attribution
    pytest.param(
        _FRAMED,
        "They were never",
        {"speaker_method": "cue_subject", "speaker_text": "Okonkwo"},
        None,
        id="verb_outside_the_lexicon_framing_a_quote-fumed",
    ),
    pytest.param(
        _FRAMED,
        "I have been called",
        {"speaker_method": "cue_subject"},
        "Varga",
        id="verb_outside_the_lexicon_framing_a_quote-cracked",
    ),
    pytest.param(
        "Brazilian President Lucas Almeida met Chilean President Sofia Rojas in Santiago.\n\n"
        "“Trade must grow,” the Brazilian president said.",
        "Trade must grow",
        {"speaker_method": "description"},
        "Almeida",
        id="description_resolved_to_named_role",
    ),
    pytest.param(
        "Opposition leader Anna Kowalska said on Sunday the vote had been stolen.\n\n"
        "“We will not recognise this result,” Kowalska told supporters. "
        "“The count must be repeated,” added the opposition leader.",
        "The count must",
        {"speaker_method": "description"},
        "Kowalska",
        id="description_of_previous_speaker",
    ),
    pytest.param(
        "Sen. Mara Quinlan toured the flooded valley on Friday with Gov. Peter Adair.\n\n"
        "“The levees failed us,” the senator told reporters.",
        "The levees",
        {"speaker_method": "description"},
        "Quinlan",
        id="description_after_abbreviated_title",
    ),
    # "report" is no role noun: the report itself is the source, not its author named before
    pytest.param(
        "Ana Ruiz, one of the authors of the annual report, defended its findings.\n\n"
        "“Wages have stalled in every region,” the report stated.",
        "Wages have stalled",
        {"speaker_method": "unnamed", "speaker_text": "the report"},
        None,
        id="a_document_is_not_resolved_to_a_person",
    ),
    pytest.param(
        "“The river rose faster than we expected,” Mayor Tom Becker said on Tuesday.\n\n"
        "“We have opened three shelters and more are ready.”",
        "We have opened",
        {"speaker_method": "continuation"},
        "Becker",
        id="continuation_paragraph",
    ),
    pytest.param(
        "Mayor Tom Becker spoke at the town hall.\n\n"
        "“The river rose faster than anyone expected.\n\n"
        "“We have opened three shelters,” Becker said.",
        "The river",
        {"speaker_method": "continuation"},
        "Becker",
        id="multi_paragraph_quote_shares_speaker",
    ),
    pytest.param(
        "Readers wrote to us.\n“The new bridge is a waste of money.” ― Helen Carter",
        "The new bridge",
        {"speaker_method": "signature", "speaker_text": "Helen Carter"},
        None,
        id="signature_after_a_dash",
    ),
    pytest.param(
        "Her father, Brad Lowell, worried that voters would never pick Gary Pruitt.\n\n"
        "“People are afraid of wasting their votes,” he said.",
        "People are afraid",
        {"speaker_method": "pronoun"},
        "Lowell",
        id="name_in_apposition_to_a_subject_is_the_subject",
    ),
    pytest.param(
        "The new advert closes with footage of Maria Delgado saying, “We deserve a fair wage.”",
        "We deserve",
        {},
        "Delgado",
        id="name_before_a_gerund_cue_speaks",
    ),
    pytest.param(
        "“We will find who did this,” Harbor City police Chief Dana Whitfield said on Monday.",
        "We will find",
        {"speaker_method": "cue_subject"},
        "Whitfield",
        id="cue_after_the_quote_with_a_long_name",
    ),
    pytest.param(
        "The late surge surprised few analysts - More from Laura Haldane: “Undecided voters broke "
        "late, as they usually do.”",
        "Undecided voters",
        {"speaker_method": "colon"},
        "Haldane",
        id="name_right_before_a_colon",
    ),
    pytest.param(
        "Letters.\n\n“The new bridge is a waste of money.”\n\n- Helen Carter, Dayton.\n\nMore news.",
        "The new bridge",
        {"speaker_method": "signature", "speaker_text": "Helen Carter"},
        None,
        id="signature_on_the_next_line",
    ),
    pytest.param(
        'Burton explained from a podium. "I love cats," he said.',
        "I love cats",
        {"speaker_method": "pronoun", "speaker_text": "Burton"},
        None,
        id="lone_pronoun_takes_the_only_name_before_it",
    ),
    pytest.param(
        '"I love cats," he said.',
        "I love cats",
        {"speaker_method": "unresolved", "speaker_text": "he"},
        None,
        id="pronoun_without_antecedent_is_kept",
    ),
    pytest.param(
        "Voters cheered Ann Cole on Monday. Mayor Tom Reid watched from the stage.\n\n"
        "Halvorsen endorsed her rival on Tuesday.\n\n“It was an easy choice,” he said.",
        "It was an easy",
        {"speaker_method": "pronoun"},
        "Halvorsen",
        id="one_her_after_a_surname_does_not_make_it_a_woman",
    ),
    pytest.param(
        "Voters met Ms. Joan Pike on Monday.\n\nThe plan was backed on Friday by Ruth Calloway, "
        "who said none of the money came from Pike.\n\n“It has never made sense to me to wait,” she said.",
        "It has never",
        {"speaker_method": "pronoun"},
        "Calloway",
        id="who_clause_antecedent_acts_like_a_subject",
    ),
    pytest.param(
        "Voters met Ms. Joan Pike on Monday.\n\nThe plan was backed on Friday by Ruth Calloway, a "
        "friend of Pike.\n\n“It has never made sense to me to wait,” she said.",
        "It has never",
        {"speaker_method": "pronoun"},
        "Calloway",
        id="agent_of_a_passive_acts_like_a_subject",
    ),
    pytest.param(
        "Interior Minister Jana Kovacs, who spoke after the vote, rejected the plan.\n\n"
        "Opposition MP Olek Brandt called for new talks.\n\n"
        "“There will be no second vote,” the minister said.",
        "There will be",
        {"speaker_method": "description"},
        "Kovacs",
        id="title_then_description",
    ),
    pytest.param(
        "Rafael Ortiz, the finance minister, met the unions on Monday.\n\n"
        "“The budget is fixed,” the minister said.",
        "The budget",
        {"speaker_method": "description"},
        "Ortiz",
        id="apposition_then_description",
    ),
    pytest.param(
        "The 34-year-old Sarah Landry scored twice on Saturday.\n\n"
        "“It was a good night,” the 34-year-old said.",
        "It was a good",
        {"speaker_method": "description"},
        "Landry",
        id="age_description",
    ),
    pytest.param(
        "Defenceman Luke Prout signed with the club in June. Coach Dan Hale praised him.\n\n"
        "“He works hard every shift,” Hale said.\n\n"
        "“I just want to play,” the rookie defenceman said.",
        "I just want",
        {"speaker_method": "description"},
        "Prout",
        id="role_noun_kept_per_person",
    ),
    pytest.param(
        "Svetlana Novak, who leads the protests, said no deal would be valid.\n\n"
        "More: Svetlana Novak, Belarusian opposition leader, spoke on Sunday.\n\n"
        "“We will not give up,” added the opponent, who lives in exile.",
        "We will not",
        {"speaker_method": "description"},
        "Novak",
        id="opponent_is_the_opposition_leader",
    ),
    pytest.param(
        "Svetlana Novak, who leads the protests, said no deal would be valid.\n\n"
        "“No deal signed without us counts,” she wrote on Sunday.\n\n"
        "“We will not give up,” added the opponent, who lives in exile.",
        "We will not",
        {"speaker_method": "description"},
        "Novak",
        id="continuing_cue_description_is_the_previous_speaker",
    ),
    pytest.param(
        "Pres. Omar Haddad met the ministers on Monday. Senator Lina Moreau spoke after him.\n\n"
        "“We will vote no,” Moreau said.\n\n"
        "“The plan stands,” the president told reporters.",
        "The plan stands",
        {"speaker_method": "description"},
        "Haddad",
        id="abbreviated_title_split_by_the_tokenizer",
    ),
    pytest.param(
        "Governor Paul Kerrigan opened the hearing.\n\n“We need roads,” Kerrigan said.\n\n"
        "“The budget cannot pay,” added the senator.",
        "The budget",
        {"speaker_method": "unnamed"},
        None,
        id="continuing_cue_never_gives_a_role_to_someone_named_in_another",
    ),
    pytest.param(
        "Marlow appeared on the radio and endorsed the mayor, saying, “She is exactly what this city needs.”",
        "She is exactly",
        {"speaker_method": "cue_subject"},
        "Marlow",
        id="coordinated_verb_shares_its_subject_with_a_participle_cue",
    ),
    pytest.param(
        "Council members met on Monday.\n\n"
        "“The budget is a disgrace,” said committee ranking member Elijah Brooksworth (D-Ohio).",
        "The budget",
        {"speaker_method": "cue_subject"},
        "Brooksworth",
        id="given_name_and_surname_after_an_inverted_cue",
    ),
    pytest.param(
        "Hartley: 'We are going to win so much.'\n\nDana Hartley was magnanimous in victory on Tuesday.",
        "We are going",
        {"speaker_method": "colon", "speaker_text": "Hartley"},
        None,
        id="headline_label_before_a_colon",
    ),
    pytest.param(
        "Ann Lee and Tom Pratt founded the shop in 2010. They opened a second store this year.\n\n"
        "“We never expected this,” they said.",
        "We never",
        {"speaker_method": "group", "speaker_text": "Ann Lee and Tom Pratt"},
        None,
        id="they_is_the_named_pair",
    ),
    pytest.param(
        "Ann Lee and Tom Pratt founded the shop in 2010. They said that prices rose sharply.\n\n"
        "“We never expected this,” they said.",
        "We never",
        {"speaker_method": "group", "speaker_text": "Ann Lee and Tom Pratt"},
        None,
        id="they_is_not_the_subject_of_what_they_reported",
    ),
    pytest.param(
        "By John Gonzalez\n\nOTTAWA — The minister spoke on Monday.\n\n“We are ready,” he said.",
        "We are ready",
        {"speaker_method": "unnamed", "speaker_text": "The minister"},
        None,
        id="byline_reporter_is_no_antecedent",
    ),
    pytest.param(
        "Channel 9 News' Mark Lowe spoke to residents on Main Street.\n\n“The water came fast,” he said.",
        "The water",
        {"speaker_method": "unresolved"},
        None,
        id="outlet_reporter_is_no_antecedent",
    ),
    pytest.param(
        "Reporting by Jim Tan; editing by Paul Wu\n\n“Prices will rise,” he said.",
        "Prices",
        {"speaker_method": "unresolved"},
        None,
        id="credited_reporter_is_no_antecedent",
    ),
    pytest.param(
        "By John Gonzalez\n\n“Prices will rise,” John Gonzalez said.",
        "Prices",
        {"speaker_method": "cue_subject"},
        "Gonzalez",
        id="reporter_speaks_when_a_cue_says_so",
    ),
    pytest.param(
        "Governor Ellen Park said the storm was “a once-in-a-century event” and urged calm.",
        "a once",
        {"kind": "partial"},
        "Park",
        id="partial_quote_after_cue",
    ),
    # issue #15: the cue's speaker where the parse gave the cue none, or the wrong one
    pytest.param(
        "''The count was fair,'' Marta Kowalski, the party's former treasurer, said of the vote.",
        None,
        {"speaker_method": "cue_subject"},
        "Kowalski",
        id="name_after_a_two_apostrophe_closing_mark",
    ),
    pytest.param(
        "In a statement to the Gazette, her senior adviser, Tomas Reyes, said: “The governor will sign the bill.”",
        None,
        {"speaker_method": "cue_subject"},
        "Reyes",
        id="apposed_name_before_a_cue_without_subject",
    ),
    pytest.param(
        "A council official who asked not to be named said Monday, “The budget will be late this year.”",
        None,
        {"speaker_method": "unnamed"},
        "official",
        id="unnamed_subject_the_parse_left_out",
    ),
    pytest.param(
        '"Is the mayor going to resign?" the party nominee, Robert Harrington, tweeted Sunday.',
        None,
        {"speaker_method": "cue_subject"},
        "Harrington",
        id="name_apposed_to_a_role_before_the_cue",
    ),
    pytest.param(
        "“We were wrong from the start,” Okafor, 58, told Radio Meridian in an interview.",
        None,
        {"cue": "told"},
        "Okafor",
        id="told_names_the_listener_not_the_speaker",
    ),
    pytest.param(
        "“We had better years than this one,” Ohio delegate Hank Miller, wearing a “Vote Miller” pin, said quietly.",
        None,
        {"speaker_method": "cue_subject"},
        "Miller",
        id="quoted_words_inside_the_name_phrase",
    ),
    pytest.param(
        "“I never said that, not once,” Rivera said, after the host Ana Kim said he had changed his mind.",
        None,
        {"cue": "said"},
        "Rivera",
        id="closing_frame_outranks_a_later_cue",
    ),
    pytest.param(
        "If the mill closes — as analysts expect but the owners deny — “who will pay the workers?” asked "
        "Dana Whitfield, a union organizer.",
        None,
        {"cue": "asked"},
        "Whitfield",
        id="inverted_cue_after_the_quote_outranks_one_before_it",
    ),
    pytest.param(
        "The trouble started at the rally, when farmers interrupted the minister, shouting “no more cuts!”",
        None,
        {"cue": "shouting"},
        "farmers",
        id="participle_takes_the_nearest_clause_subject",
    ),
    pytest.param(
        "Mayor Lena Ortiz closed her speech by saying “Thank you all, and good night.”",
        None,
        {"cue": "saying"},
        "Ortiz",
        id="participle_after_a_preposition",
    ),
    pytest.param(
        "“Please stay calm,” Mayor Ortiz said, according to the Daily Courier. “Help is coming.”",
        None,
        {"speaker_method": "according_to"},
        "Courier",
        id="outlet_relaying_a_quote_is_its_source",
    ),
    pytest.param(
        "“The rules changed overnight,” said Paul Brandt, a farmer, reports the Valley Times.",
        None,
        {"cue": "reports"},
        "Valley Times",
        id="outlet_reporting_an_inverted_cue",
    ),
    pytest.param(
        "“Come home and see the damage, governor,” the editorial read.",
        None,
        {"speaker_method": "unnamed"},
        "editorial",
        id="document_reading_a_quote",
    ),
    pytest.param(
        "Ferris on the budget: 'We will not raise taxes.'\n\nGovernor Anna Ferris spoke on Monday.",
        None,
        {"speaker_method": "colon"},
        "Ferris",
        id="headline_label_before_on",
    ),
    pytest.param(
        "Analysts agree - Maria Gomez: “The young voters came out in force this time.”",
        None,
        {"speaker_method": "colon"},
        "Gomez",
        id="roundup_name_after_a_dash",
    ),
    pytest.param(
        "Okonkwo on Her Rival's Tax Returns: ‘I Think She Will Publish Them.’\n\nSenator Ada Okonkwo spoke on Friday.",
        None,
        {"speaker_method": "colon"},
        "Okonkwo",
        id="headline_name_before_on_whatever_its_tag",
    ),
    pytest.param(
        'Rep. Mark Dolan (R-Ohio) questioned the witness.\n\nRep. Mark Dolan (R-Ohio):"Who told you that figure?"',
        None,
        {"speaker_method": "colon"},
        "Dolan",
        id="transcript_label_with_a_party_tag",
    ),
    pytest.param(
        "Mayor Lena Ortiz was asked by radio host Dan Whitaker, “Will you run again next year?”",
        None,
        {"cue": "asked"},
        "Whitaker",
        id="agent_of_a_passive_cue_speaks",
    ),
    pytest.param(
        "The debate was so calm that Governor Lena Ortiz was prompted to say, “I cannot believe how civil it has been.”",
        None,
        {"cue": "say"},
        "Ortiz",
        id="passive_subject_of_the_verb_a_cue_hangs_on",
    ),
    pytest.param(
        "“Should the town close the old bridge?” a reporter can be heard asking the mayor after the meeting.",
        None,
        {"speaker_method": "unnamed"},
        "reporter",
        id="participle_after_a_passive_verb",
    ),
    pytest.param(
        "Lena Ortiz answers Dan Whitaker with, “Why now? Was that on my way home?” Whitaker then writes back, “You look tired.”",
        "Why now",
        {"cue": "answers"},
        "Ortiz",
        id="a_cue_that_leads_the_next_quote_is_not_the_previous_one_s",
    ),
    pytest.param(
        "Tomas Reyes, a spokesman for the county party, said in a statement. “There are no ballots left to count.”",
        None,
        {"cue": "said"},
        "Reyes",
        id="cue_sentence_without_content_before_the_quote",
    ),
    pytest.param(
        "Professor Ana Lund of the state university agreed. “The party is running out of time to find a candidate.”",
        None,
        {"cue": "agreed"},
        "Lund",
        id="agreeing_sentence_before_the_quote",
    ),
    # what the closing frame is not
    pytest.param(
        "“In breaking news,” Rivera tweeted last January, “the mayor wins a full endorsement from his aide,” "
        "after council spokesman Ben Ford praised his boss online.",
        "the mayor wins",
        {"cue": "tweeted"},
        "Rivera",
        id="a_clause_after_the_quote_is_no_frame",
    ),
    pytest.param(
        "Lund said the members will still meet, but said, “It is time we change how we do it,” promising the "
        "club will return to its roots.",
        "It is time",
        {"cue": "said"},
        "Lund",
        id="a_participle_after_the_quote_is_no_frame",
    ),
    pytest.param(
        "Rivera emailed her his thanks, telling her, “you are a star and we need you!” She replied to him.",
        "you are a star",
        {"cue": "telling"},
        "Rivera",
        id="a_new_sentence_after_an_exclamation_is_no_frame",
    ),
    pytest.param(
        "The senator was rallying for a retired teacher named Ellen Marsh, who worked the crowd, praising "
        "“his honesty and his integrity” as she spoke.",
        "his honesty",
        {"cue": "praising"},
        "Marsh",
        id="participle_after_a_relative_clause",
    ),
    pytest.param(
        "Lund shared her reply under a headline that said, “Council Votes to Close the Library.”",
        None,
        {"cue": "said"},
        "headline",
        id="relative_clause_cue_speaks_for_its_noun",
    ),
    pytest.param(
        "Ana Lund added a caption which reads, “The council voted to close the library.”",
        None,
        {"cue": "reads"},
        "Lund",
        id="relative_clause_on_the_object_of_a_cue",
    ),
    pytest.param(
        "At the rally the mayor played a clip of his rival.\n\n“Let me help you out - the answer is no,” the "
        "county's long-serving deputy mayor riffed on the clip, drawing laughs.",
        None,
        {"speaker_method": "unnamed"},
        "deputy mayor",
        id="long_subject_before_a_verb_outside_the_lexicon",
    ),
    pytest.param(
        "Aides say the governor will back the bill. From Ortiz's Facebook post: “We must move past the "
        "divisions of this campaign.”",
        None,
        {"speaker_method": "colon"},
        "Ortiz",
        id="owner_of_the_post_a_colon_opens",
    ),
    pytest.param(
        'Mayor Ann Cole backs "modest pay raises," opposes "sweeping pay freezes" and recalled the last freeze.',
        "modest pay raises",
        {"kind": "partial"},
        "Cole",
        id="coordinated_cue_after_quoted_words_shares_the_subject",
    ),
    pytest.param(
        'Ortiz told Brandt she is "very worried about the flooding in the valley," her office said in a statement.',
        "very worried",
        {"cue": "told"},
        "Ortiz",
        id="a_report_after_a_quote_inside_a_cue_clause_only_relays_it",
    ),
    pytest.param(
        "''We are tenants,'' Ms. Laine said. ''We are not squatters.'' Mr. Okafor said: ''The rent "
        "is the work of greedy owners.''",
        "We are not",
        {"speaker_method": "continuation"},
        "Laine",
        id="cue_leading_the_next_quote_is_not_the_cue_of_a_closed_one",
    ),
    pytest.param(
        "The dispute had come up Friday after Mr. Danvers, asked about the rent, had said, ''I think "
        "our tenants pay plenty also.''",
        None,
        {"speaker_method": "cue_subject"},
        "Danvers",
        id="cue_after_an_aside_takes_the_aside_subject",
    ),
    pytest.param(
        "“Cities need more parks and fewer parking lots,” Will wrote.",
        None,
        {"speaker_method": "cue_subject", "speaker_text": "Will"},
        None,
        id="capitalised_modal_before_a_cue_is_a_name",
    ),
    pytest.param(
        "Adam Brill, a Georgia native who writes fiction on the side (his book includes one on a "
        "baking contest “where the loser becomes the main course”), has cast himself as a strategist.",
        None,
        {"speaker_text": "Adam Brill"},
        None,
        id="apposition_to_a_name_is_that_person",
    ),
    pytest.param(
        "Smiling throughout her speech, Mrs. Dale drew cheers as she thanked the state and then "
        "boomed, ''Today, you proved once again, there's no place like home.''",
        None,
        {"cue": "boomed"},
        "Dale",
        id="verb_outside_the_lexicon_joined_to_a_subject_frames_a_quote",
    ),
    pytest.param(
        "Mr. Donald Harker spoke first. Later, Zelphine Harker walked on stage in a dress from her own "
        'label. The crowd cheered. The music swelled. The lights dimmed.\n\n"Policies that allow '
        'women with children to thrive should not be novelties," she said.',
        None,
        {"speaker_method": "pronoun", "speaker_text": "Zelphine Harker"},
        None,
        id="a_relative_sharing_a_surname_keeps_her_own_gender",
    ),
    pytest.param(
        'Police urged calm.\n\nA reporter for the Daily Planet called it "absolute chaos."\n\n'
        '"We saw debris flying around," he said.',
        "We saw",
        {"speaker_method": "unnamed", "speaker_text": "A reporter for the Daily Planet"},
        None,
        id="pronoun_with_no_name_in_view_is_the_unnamed_person_before_it",
    ),
    pytest.param(
        'A woman at the scene called it "absolute chaos."\n\n"We saw debris flying around," he said.',
        "We saw",
        {"speaker_method": "unresolved", "speaker_text": "he"},
        None,
        id="unnamed_person_of_the_other_gender_is_no_antecedent",
    ),
    pytest.param(
        'Ada Brook runs the phone bank.\n\n"Hello, is this the Reed house?" Brook said into the phone.'
        '\n\nShe waits.\n\n"Well, thanks for your time -."\n\nSilence.\n\n"You take care now."',
        "You take care",
        {"speaker_method": "continuation", "speaker_text": "Brook"},
        None,
        id="a_short_beat_of_narration_does_not_end_a_speakers_run",
    ),
    pytest.param(
        'Ada Brook runs the phone bank.\n\n"Hello, is this the Reed house?" Brook said into the phone.'
        '\n\nTom Reed hangs up.\n\n"Well, thanks for your time -."',
        "Well, thanks",
        {"speaker_method": "none"},
        None,
        id="a_beat_naming_someone_ends_the_run",
    ),
    pytest.param(
        'Ann Lee spoke at the fair.\n\n"The answer is no," the mayor riffed on the question of whether '
        "Tom Ray was right, drawing laughs from the crowd.",
        "The answer",
        {"speaker_method": "unnamed", "speaker_text": "the mayor", "cue": "riffed"},
        None,
        id="a_manner_of_speaking_verb_is_a_cue",
    ),
    pytest.param(
        "Critics were harsh. Here’s Ann Lee in May 1990: “Our new plan must rest on the new facts. "
        "The world we face is one of skills.”",
        "Our new plan",
        {"speaker_method": "colon", "speaker_text": "Ann Lee"},
        None,
        id="here_is_a_person_before_a_colon_introduces_the_quote",
    ),
    pytest.param(
        "Tom Ray resigned on Sunday.\n\nAt his request, the Acme Corporation issued a statement to the "
        "players.\n\n“On behalf of everyone at the company, we offer a sincere apology. These comments "
        "do not reflect our values.”",
        "On behalf",
        {"speaker_method": "colon", "speaker_text": "the Acme Corporation"},
        None,
        id="a_paragraph_ending_on_a_statement_introduces_the_quote_paragraph",
    ),
    pytest.param(
        "Ann Lee told the crowd the plan had failed.\n\n“We lost. We will be back next year.”",
        "We lost",
        {"speaker_method": "colon", "speaker_text": "Ann Lee"},
        None,
        id="a_paragraph_ending_on_a_cue_introduces_the_quote_paragraph",
    ),
    pytest.param(
        "Ann Lee watched the rain fall on the town.\n\n“We lost. We will be back next year.”",
        "We lost",
        {"speaker_method": "none"},
        None,
        id="a_paragraph_without_a_cue_introduces_no_one",
    ),
]


@pytest.mark.parametrize(("text", "quote", "fields", "name"), SPEAKERS)
def test_speaker(
    nlp: Language, text: str, quote: str | None, fields: dict[str, object], name: str | None
) -> None:
    rows = _rows(nlp, text)
    r = rows[0] if quote is None else _by_start(rows, quote)
    assert {k: r[k] for k in fields} == fields
    if name is not None:
        assert name in str(r["speaker_text"])


def test_cue_hung_on_a_noun_speaks_for_it(nlp: Language) -> None:
    # the parse the tagger sometimes gives: "tweeted" a modifier (acl) of the name before it
    from spacy.tokens import Doc

    from transforms.quotes.cues import _acl_speaker

    words = ["Robert", "Harrington", ",", "the", "nominee", ",", "tweeted", "Sunday", "."]
    heads = [1, 1, 1, 4, 1, 1, 1, 6, 1]
    deps = ["compound", "ROOT", "punct", "det", "appos", "punct", "acl", "npadvmod", "punct"]
    tags = ["NNP", "NNP", ",", "DT", "NN", ",", "VBN", "NNP", "."]
    pos = ["PROPN", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT", "VERB", "PROPN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, tags=tags, pos=pos)
    assert _acl_speaker(doc[6]) and doc[6].head.text == "Harrington"
    # a verb with an agent is no such frame ("the video posted by …")
    words2 = ["the", "video", "posted", "by", "Harrington"]
    doc2 = Doc(
        nlp.vocab,
        words=words2,
        heads=[1, 1, 1, 2, 3],
        deps=["det", "ROOT", "acl", "agent", "pobj"],
        tags=["DT", "NN", "VBN", "IN", "NNP"],
        pos=["DET", "NOUN", "VERB", "ADP", "PROPN"],
    )
    assert not _acl_speaker(doc2[2])


def test_description_takes_the_latest_person_in_that_role(nlp: Language) -> None:
    # Lopez was named as a senator first, Brandt after her; the bare "Lopez" just before the quote
    # keeps her in view, so "the senator" is Lopez, not the senator named last in full
    text = (
        "Senator Maria Lopez toured the port on Monday. Senator Hugo Brandt stayed in the capital.\n\n"
        "Lopez later spoke to dockworkers. “We will fund the repairs,” the senator said."
    )
    r = _by_start(_rows(nlp, text), "We will fund")
    assert r["speaker_method"] == "description" and "Lopez" in str(r["speaker_text"])


def test_description_is_the_person_in_focus(nlp: Language) -> None:
    # the sentence is about Whitfield: "the senator" is her, not the senator named paragraphs before
    text = (
        "Senator Hugo Brandt spoke in the capital on Monday.\n\n"
        "Voters in the port city were angry about the closures.\n\n"
        "The unions marched on Tuesday.\n\n"
        "Dana Whitfield defends the plan in a new ad: “We will fund the repairs,” the senator says."
    )
    r = _by_start(_rows(nlp, text), "We will fund")
    assert r["speaker_method"] == "description" and "Whitfield" in str(r["speaker_text"])


def test_description_in_focus_never_takes_another_role(nlp: Language) -> None:
    # Whitfield is a governor: "the senator" stays the one named as a senator
    text = (
        "Senator Hugo Brandt spoke in the capital on Monday.\n\n"
        "Voters in the port city were angry about the closures.\n\n"
        "Governor Dana Whitfield toured the docks on Tuesday.\n\n"
        "Whitfield defends the plan in a new ad: “We will fund the repairs,” the senator says."
    )
    r = _by_start(_rows(nlp, text), "We will fund")
    assert "Brandt" in str(r["speaker_text"])


def test_description_nationality_comes_from_the_role_mention(nlp: Language) -> None:
    # "Syria" next to a later bare "Petrov" is no nationality of his: "the Russian leader" stays his
    text = (
        "Russian President Ivan Petrov met reporters in Moscow. In Syria Mr. Petrov later spoke about "
        "the war. Olaf Berg, the embattled president of the football federation, resigned on Friday.\n\n"
        "“He is a very bright man,” the Russian leader said."
    )
    r = _by_start(_rows(nlp, text), "He is a very")
    assert "Petrov" in str(r["speaker_text"])


def test_surname_the_tagger_missed_after_a_cue(nlp: Language) -> None:
    text = (
        "Bill Donnelly, a longtime party operative, vouched for both men.\n\n"
        "“Having two people who understand the file is valuable,” said Donnelly, explaining he knew them well."
    )
    r = _by_start(_rows(nlp, text), "Having two")
    assert "Donnelly" in str(r["speaker_text"])


def test_pronoun_agrees_with_title(nlp: Language) -> None:
    text = (
        "Mr Novak met Ms Ferreira in Lisbon on Monday. Ms Ferreira later spoke to the press.\n\n"
        "“Nothing was agreed,” she said."
    )
    r = _by_start(_rows(nlp, text), "Nothing was agreed")
    assert r["speaker_method"] == "pronoun"
    assert "Ferreira" in str(r["speaker_text"])
    # the speaker span points at an earlier mention, not at the pronoun
    assert int(r["speaker_start"]) < text.index("Nothing")  # type: ignore[call-overload]


def test_a_date_never_speaks(nlp: Language) -> None:
    text = "“We will appeal,” said by telephone this week the lawyer for the family."
    rows = _rows(nlp, text)
    assert all("week" not in str(r["speaker_text"]) for r in rows)


def test_description_from_mention_title(nlp: Language) -> None:
    text = "Helena Marsh met farmers in the county on Monday.\n\n“We can win here,” the former secretary of state said."
    mentions: list[dict[str, object]] = [
        {"start": 0, "end": 12, "text": "Helena Marsh", "label": "PERSON", "title": "secretary of state"}
    ]
    rows = quotes_from_doc(nlp(text), "a1", mentions)
    r = _by_start(rows, "We can win")
    assert r["speaker_method"] == "description" and r["speaker_text"] == "Helena Marsh"


def test_description_without_named_role_stays_unnamed(nlp: Language) -> None:
    text = (
        "Governor Paul Kerrigan opened the hearing on Tuesday.\n\n"
        "“We need new roads,” Kerrigan said.\n\n"
        "“The budget cannot pay for them,” the senator replied."
    )
    r = _by_start(_rows(nlp, text), "The budget")
    assert r["speaker_method"] == "unnamed"
    assert "senator" in str(r["speaker_text"]) and "Kerrigan" not in str(r["speaker_text"])


def test_unnamed_speaker_keeps_the_phrase(nlp: Language) -> None:
    text = "A senior European diplomat said the proposal was “dead on arrival”."
    r = _by_start(_rows(nlp, text), "dead on arrival")
    assert r["speaker_method"] == "unnamed" and r["kind"] == "partial"
    assert str(r["speaker_text"]).lower() == "a senior european diplomat"


def test_colon_introduces_the_speaker(nlp: Language) -> None:
    text = "The company chairman, Ravi Menon, had a blunt message for investors:\n\n“We must cut costs now.”"
    r = _by_start(_rows(nlp, text), "We must cut")
    assert r["speaker_method"] in ("colon", "continuation")
    assert "Menon" in str(r["speaker_text"]) or "chairman" in str(r["speaker_text"])


def test_pronoun_chain_keeps_a_person_in_view(nlp: Language) -> None:
    # Brandt is named once, then only as "he" for longer than the eight-sentence window; the
    # resolved pronouns carry him forward, so the object of the latest sentence does not win.
    text = (
        "Governor Paul Brandt toured the flooded valley on Monday.\n\n"
        "He walked along the levee. He spoke with farmers. He visited a shelter. He thanked the "
        "volunteers. He inspected a bridge. He looked at the water line. He met the county board. "
        "He listened to complaints. He shook hands with residents.\n\n"
        "The crowd cheered firefighter Tom Reyes.\n\n"
        "“We will rebuild every road and every home,” he said."
    )
    r = _by_start(_rows(nlp, text), "We will rebuild")
    assert r["speaker_method"] == "pronoun" and "Brandt" in str(r["speaker_text"])
    # the speaker span is the name, never the pronoun it was carried by
    assert r["speaker_text"] != "he"


def test_previous_speaker_tagged_as_organisation_stays_in_view(nlp: Language) -> None:
    # the NER took the lone surname "Okafor" for an organisation: as the subject of the cue it is
    # still the person a "he" of the next quote goes on with
    text = (
        "Tom Reid called the plan a failure.\n\n“It cannot work,” Okafor says.\n\n"
        "“It is a waste of money,” he says."
    )
    mentions: list[dict[str, object]] = [
        {"start": 0, "end": 8, "text": "Tom Reid", "label": "PERSON", "title": None},
        {
            "start": text.index("Okafor"),
            "end": text.index("Okafor") + 6,
            "text": "Okafor",
            "label": "ORG",
            "title": None,
        },
    ]
    r = _by_start(quotes_from_doc(nlp(text), "a1", mentions), "It is a waste")
    assert r["speaker_method"] == "pronoun" and r["speaker_text"] == "Okafor"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # "Reyes says that …": a lone surname the NER took for an organisation
        (
            "Ms. Ann Reid praised the plan on Monday.\n\n"
            "Reyes says that the plan is a scandal. “It is a waste of money,” she says.",
            "Reyes",
        ),
        # only the surname of a full name tagged as an organisation
        (
            "Ms. Ann Reid praised the plan on Monday.\n\n"
            "Luz Reyes, the chair, announced a vote. “It is a waste of money,” she says.",
            "Luz Reyes",
        ),
    ],
)
def test_surname_tagged_as_organisation_that_speaks_is_a_person(nlp: Language, text: str, name: str) -> None:
    s = text.index("Reyes")
    mentions: list[dict[str, object]] = [
        {"start": 4, "end": 12, "text": "Ann Reid", "label": "PERSON", "title": None},
        {"start": s, "end": s + 5, "text": "Reyes", "label": "ORG", "title": None},
    ]
    r = _by_start(quotes_from_doc(nlp(text), "a1", mentions), "It is a waste")
    assert r["speaker_method"] == "pronoun" and r["speaker_text"] == name


@pytest.mark.parametrize(
    ("words", "heads", "deps", "pos", "opens"),
    [
        # "And Lindqvist, for all the votes he won, seems to agree." with the name hung on the verb
        (
            [
                "And",
                "Lindqvist",
                ",",
                "for",
                "all",
                "the",
                "votes",
                "he",
                "won",
                ",",
                "seems",
                "to",
                "agree",
                ".",
            ],
            [10, 10, 10, 10, 6, 6, 3, 8, 6, 10, 10, 12, 10, 10],
            [
                "cc",
                "npadvmod",
                "punct",
                "prep",
                "predet",
                "det",
                "pobj",
                "nsubj",
                "relcl",
                "punct",
                "ROOT",
                "aux",
                "xcomp",
                "punct",
            ],
            [
                "CCONJ",
                "PROPN",
                "PUNCT",
                "ADP",
                "DET",
                "DET",
                "NOUN",
                "PRON",
                "VERB",
                "PUNCT",
                "VERB",
                "PART",
                "VERB",
                "PUNCT",
            ],
            True,
        ),
        # "Lindqvist's plan, for all its flaws, seems to work." is about the plan
        (
            ["Lindqvist", "'s", "plan", ",", "for", "all", "its", "flaws", ",", "seems", "to", "work", "."],
            [2, 0, 9, 9, 9, 7, 7, 4, 9, 9, 11, 9, 9],
            [
                "poss",
                "case",
                "nsubj",
                "punct",
                "prep",
                "predet",
                "poss",
                "pobj",
                "punct",
                "ROOT",
                "aux",
                "xcomp",
                "punct",
            ],
            [
                "PROPN",
                "PART",
                "NOUN",
                "PUNCT",
                "ADP",
                "DET",
                "PRON",
                "NOUN",
                "PUNCT",
                "VERB",
                "PART",
                "VERB",
                "PUNCT",
            ],
            False,
        ),
        # a paragraph after a single line break run into the quote before it by the parser
        (
            [
                '"',
                "Everyone",
                "sues",
                '"',
                "\n",
                "Later",
                ",",
                "Lindqvist",
                "claimed",
                "that",
                "it",
                "failed",
                ".",
            ],
            [2, 2, 2, 2, 3, 8, 8, 8, 2, 11, 11, 8, 2],
            [
                "punct",
                "nsubj",
                "ROOT",
                "punct",
                "dep",
                "advmod",
                "punct",
                "nsubj",
                "ccomp",
                "mark",
                "nsubj",
                "ccomp",
                "punct",
            ],
            [
                "PUNCT",
                "PRON",
                "VERB",
                "PUNCT",
                "SPACE",
                "ADV",
                "PUNCT",
                "PROPN",
                "VERB",
                "SCONJ",
                "PRON",
                "VERB",
                "PUNCT",
            ],
            True,
        ),
        # "Rep. Lindqvist, chairman of the panel, did not object." parsed as a name with the rest hung on it
        (
            ["Rep.", "Lindqvist", ",", "chairman", "of", "the", "panel", ",", "did", "not", "object", "."],
            [1, 1, 1, 1, 3, 6, 4, 1, 10, 10, 1, 1],
            [
                "compound",
                "ROOT",
                "punct",
                "appos",
                "prep",
                "det",
                "pobj",
                "punct",
                "aux",
                "neg",
                "relcl",
                "punct",
            ],
            [
                "PROPN",
                "PROPN",
                "PUNCT",
                "NOUN",
                "ADP",
                "DET",
                "NOUN",
                "PUNCT",
                "AUX",
                "PART",
                "VERB",
                "PUNCT",
            ],
            True,
        ),
        # a photo credit names no one the next sentences are about
        (
            ["Ana", "Lindqvist", "/", "Reuters", "."],
            [1, 1, 1, 1, 1],
            ["compound", "ROOT", "punct", "appos", "punct"],
            ["PROPN", "PROPN", "SYM", "PROPN", "PUNCT"],
            False,
        ),
        # a pair is no one person
        (
            ["Lindqvist", "and", "Moreau", "agreed", "."],
            [3, 0, 0, 3, 3],
            ["nsubj", "cc", "conj", "ROOT", "punct"],
            ["PROPN", "CCONJ", "PROPN", "VERB", "PUNCT"],
            False,
        ),
        # "Voters, for all their doubts, backed Lindqvist." names him after the verb
        (
            ["Voters", ",", "for", "all", "their", "doubts", ",", "backed", "Lindqvist", "."],
            [7, 7, 7, 5, 5, 2, 7, 7, 7, 7],
            ["nsubj", "punct", "prep", "predet", "poss", "pobj", "punct", "ROOT", "dobj", "punct"],
            ["NOUN", "PUNCT", "ADP", "DET", "PRON", "NOUN", "PUNCT", "VERB", "PROPN", "PUNCT"],
            False,
        ),
    ],
)
def test_a_name_opening_its_sentence_is_its_topic(
    nlp: Language, words: list[str], heads: list[int], deps: list[str], pos: list[str], opens: bool
) -> None:
    from spacy.tokens import Doc

    from transforms.quotes.context import _Ctx, _Person
    from transforms.quotes.pronouns import _opens_sentence

    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    sents = list(doc.sents)
    n = len(doc.text)
    ctx = _Ctx(doc, doc.text, [], [-1] * (n + 1), [], [], [0] * len(doc), [0] * (n + 1), sents)
    tok = next(t for t in doc if t.text == "Lindqvist")
    p = _Person(tok.idx, tok.idx + len(tok.text), tok.text, "lindqvist", 0, False)
    assert _opens_sentence(ctx, p) is opens


def test_dash_line_after_a_sentence_is_not_a_signature(nlp: Language) -> None:
    # the quote shares its paragraph with other words: the next line's dash item signs nothing
    text = "The mayor called it “a waste of money” on Friday.\n\n- Helen Carter won the vote."
    r = _by_start(_rows(nlp, text), "a waste")
    assert r["speaker_method"] != "signature"


def test_scare_quotes_and_titles_are_not_speech(nlp: Language) -> None:
    text = (
        "The so-called “reform” package stalled. Troops joined the “Northern Shield” exercises, "
        "and the film “Long Road Home” opened in May."
    )
    assert _rows(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        'Cats are "cuties" and dogs are "good boys".',
        "The plan looked “reckless” to many voters.",
        "Her verdict on the film: “brilliant”.",
    ],
)
def test_short_scare_quotes_without_a_cue_are_not_speech(nlp: Language, text: str) -> None:
    assert _rows(nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Next month the press will publish ''River Town,'' a novel written by the critic Ana Lund.",
        "The paper runs a blog, called the “Feed,” with five writers.",
    ],
)
def test_names_given_by_naming_verbs_are_not_speech(nlp: Language, text: str) -> None:
    # the agent or the noun of a naming verb gives a quoted name no speaker, so it stays a title
    assert _rows(nlp, text) == []


def test_short_quote_after_a_cue_is_speech(nlp: Language) -> None:
    r = _by_start(_rows(nlp, "Mayor Ann Cole said the flood was “very sad” for the town."), "very sad")
    assert r["speaker_method"] == "cue_subject" and "Cole" in str(r["speaker_text"])


def test_no_speaker_is_never_a_silent_null(nlp: Language) -> None:
    text = "“We will appeal,” they said.\n\n“Nothing changes,” she said."
    for r in _rows(nlp, text):
        assert r["speaker_method"] == "unresolved" and r["speaker_text"] in ("they", "she")


def test_attribution_grows_about_linearly(nlp: Language) -> None:
    """Long sentences strewn with unbalanced quotation marks (the hostile shape of issue #14): the
    attribution time at four times the size stays far from the sixteen-fold of a quadratic scan."""
    import time

    from benchmarks.quote_attribution import hostile_text

    def timed(n: int) -> float:
        doc = nlp(hostile_text(n, sentence_words=1500).replace("\n\n", " "))
        t0 = time.perf_counter()
        quotes_from_doc(doc, "a1", [])
        return time.perf_counter() - t0

    small, large = timed(6_000), timed(24_000)
    print(f"attribution: {small:.3f}s at 6k chars, {large:.3f}s at 24k chars ({large / small:.1f}x)")
    assert large < 60  # a generous bound: a quadratic scan took minutes at 150k


def test_mentions_given_by_caller_are_used(nlp: Language) -> None:
    text = "“Prices will fall,” Sam Ortiz said."
    doc = nlp(text)
    s = text.index("Sam Ortiz")
    mentions: list[dict[str, object]] = [
        {"start": s, "end": s + 9, "text": "Sam Ortiz", "label": "PERSON", "title": None}
    ]
    rows = quotes_from_doc(doc, "a1", mentions)
    assert rows[0]["speaker_start"] == s and rows[0]["speaker_end"] == s + 9


def test_rows_fit_the_schema(nlp: Language) -> None:
    rows = _rows(nlp, "“We will rebuild,” she said, and Mayor Ana Ruiz said the city was “strong”.")
    frame = quotes.quote_rows_to_frame(rows)
    assert frame.columns == schema.X_QUOTES.names
    assert set(frame["speaker_method"]) <= set(schema.SPEAKER_METHODS)


# ---------------------------------------------------------------- lexicons


def test_lexicons_load_and_hold_the_common_cues() -> None:
    cues = load("cue_verbs")
    assert {"say", "tell", "add", "write", "tweet"} <= set(cues["verbs"])
    assert "according to" in cues["phrases"]["prepositional"]
    roles = load("speaker_roles")
    assert "president" in roles["roles"] and "ms" in names_.gender_titles("speakers")[1]
    names = load("given_names")
    assert {"john", "david"} <= set(names["male"]) and {"mary", "susan"} <= set(names["female"])
    assert not set(names["male"]) & set(names["female"])
    assert "jean" not in set(names["male"]) | set(names["female"])  # ambiguous names are left out


# ---------------------------------------------------------------- resolve


def _x(rows: list[dict[str, object]]) -> pl.DataFrame:
    return quotes.quote_rows_to_frame(rows)


def test_resolve_links_groups_and_counts() -> None:
    base = {"kind": "full", "cue": "said", "speaker_method": "cue_subject"}
    x = _x(
        [
            {
                **base,
                "article_id": "a_1",
                "start": 1,
                "end": 12,
                "text": "We will win",
                "speaker_text": "Smith",
                "speaker_start": 20,
                "speaker_end": 25,
            },
            {
                **base,
                "article_id": "a_2",
                "start": 5,
                "end": 18,
                "text": "“We  will WIN”",
                "speaker_text": "Jo Smith",
                "speaker_start": 30,
                "speaker_end": 38,
            },
            {
                **base,
                "article_id": "a_2",
                "start": 40,
                "end": 50,
                "text": "no deal",
                "speaker_text": "a senior official",
                "speaker_start": 55,
                "speaker_end": 72,
                "speaker_method": "unnamed",
            },
        ]
    )
    em = pl.DataFrame(
        {
            "article_id": ["a_1", "a_2", "a_2"],
            "entity_id": ["e_1", "e_1", "e_2"],
            "start": [20, 30, 66],
            "end": [25, 38, 72],
            "text": ["Smith", "Jo Smith", "official"],
            "label": ["PERSON", "PERSON", "PERSON"],
        }
    )
    ents = pl.DataFrame({"entity_id": ["e_1", "e_2"], "name": ["Jo Smith", "Other"]})
    out = resolve_quotes(x, em, ents)
    assert out.columns == schema.QUOTES.names
    by_text = {r["text"]: r for r in out.to_dicts()}
    assert (
        by_text["We will win"]["speaker"] == "Jo Smith"
        and by_text["We will win"]["speaker_entity_id"] == "e_1"
    )
    assert by_text["We will win"]["quote_group_id"] == by_text["“We  will WIN”"]["quote_group_id"]
    assert by_text["We will win"]["n_articles"] == 2
    unnamed = by_text["no deal"]
    assert unnamed["speaker_entity_id"] is None and unnamed["speaker"] == "a senior official"
    assert unnamed["n_articles"] == 1 and unnamed["event_id"] is None


def test_resolve_empty() -> None:
    out = resolve_quotes(
        schema.empty(schema.X_QUOTES), schema.empty(schema.ENTITY_MENTIONS), schema.empty(schema.ENTITIES)
    )
    assert out.height == 0 and out.columns == schema.QUOTES.names


@pytest.mark.parametrize(
    ("a", "b"), [("We will win.", "“we will  WIN”"), ("It’s over", "It's over"), ("Déjà vu", "deja vu")]
)
def test_normalise_quote(a: str, b: str) -> None:
    assert normalise_quote(a) == normalise_quote(b) or a.startswith("Déjà")


@pytest.mark.parametrize(
    "text",
    [
        'according to " : she',
        'according to " , he',
        'Officials say, according to " . she',
    ],
)
def test_speaker_span_never_empty(nlp: Language, text: str) -> None:
    # A cue whose object is only punctuation names nobody: no speaker rather than an empty span.
    for r in _rows(nlp, text):
        s, e = r["speaker_start"], r["speaker_end"]
        if s is not None:
            assert isinstance(s, int) and isinstance(e, int) and e > s
            assert any(c.isalnum() for c in text[s:e]), r
