"""Mentions whose setting says they are no event of their own, and parties read through the
setting (transforms.events.scope, parties): invented sentences."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract, only


def _types(nlp: Language, text: str) -> set[object]:
    return {r["event_type"] for r in extract(nlp, text)}


def test_a_refused_cooperation_is_the_refusal_only(nlp: Language) -> None:
    rows = extract(nlp, "The rebels refused to meet the envoy.")
    assert [r["event_type"] for r in rows] == ["REJECT"]
    assert rows[0]["modality"] == "asserted"
    assert "SUPPORT" not in _types(nlp, "The governor refused to sign the trade agreement with Canada.")
    # a refused conflict stays a denied event
    r = only(extract(nlp, "The prime minister declined to criticize Hungary."), "ACCUSE")
    assert r["modality"] == "negated"
    r = only(extract(nlp, "The president has refused to make concessions to his rivals."), "CONCEDE")
    assert r["modality"] == "negated"


def test_a_pledge_of_conflict_is_no_agreement(nlp: Language) -> None:
    rows = extract(nlp, "Senator Jane Doe promised to reject the budget proposals from Congress.")
    assert "AGREE" not in {r["event_type"] for r in rows}
    assert only(rows, "REJECT")["modality"] == "planned"
    rows = extract(nlp, "Tom Rivers vowed to bomb the Islamic State in Syria.")
    assert only(rows, "THREATEN")["actor_text"] == "Tom Rivers"
    rows = extract(nlp, "Tom Rivers promised to impose sanctions on Iran.")
    assert "AGREE" not in {r["event_type"] for r in rows}
    assert only(rows, "THREATEN")["target_text"] == "Iran"


def test_describing_relative_clauses_are_no_events(nlp: Language) -> None:
    assert "SUPPORT" not in _types(
        nlp, "The party changed its rules to block delegates who backed Tom Rivers."
    )
    assert "AGREE" not in _types(nlp, "They focused on issues that most Democrats can agree on.")
    # a dated act in the clause stays
    assert "SUPPORT" in _types(nlp, "The senators who backed Tom Rivers on Monday met in Boston.")


def test_open_other_side_title_and_things(nlp: Language) -> None:
    text = '"Mary Stone toured the state, meeting with any and every group that would have her," Smith said.'
    assert "CONSULT" not in _types(nlp, text)
    assert "COERCE" not in _types(
        nlp, "John Smith should be arrested, a provocative headline in the Daily Herald reads."
    )
    assert "AID" not in _types(nlp, "Tom Rivers had to lend his campaign $2 million last month.")
    assert "RETREAT" not in _types(nlp, "Senator Tom Rivers's press release did not mention the vote.")


def test_who_clause_on_an_institution_speaks_of_the_person(nlp: Language) -> None:
    text = "The plan was praised by Jane Roe, a secretary of labor during the Obama administration who has endorsed Tom Rivers."
    r = only(extract(nlp, text), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Jane Roe", "Tom Rivers")


def test_a_name_after_the_clause_of_a_description(nlp: Language) -> None:
    text = "Another Republican governor who has not backed Mr. Rivers, Mary Stone of Utah, spoke on Monday."
    r = only(extract(nlp, text), "SUPPORT")
    assert (r["actor_text"], r["modality"]) == ("Mary Stone", "negated")


def test_the_maker_of_an_ad_attacks(nlp: Language) -> None:
    r = only(
        extract(nlp, "A pro-Rivers PAC launched an ad campaign that attacked Mary Stone's record."), "ACCUSE"
    )
    assert r["actor_text"] == "pro-Rivers PAC"


def test_one_of_the_firms_and_owner_of_an_embedded_object(nlp: Language) -> None:
    r = only(
        extract(nlp, "Acme was one of several firms sued by the Consumer Federation last year."), "ACCUSE"
    )
    assert r["target_text"] == "Acme"
    text = "Tom Rivers threatened to impose a 35 percent tax on imported Acme vehicles."
    assert only(extract(nlp, text), "THREATEN")["target_text"] == "Acme"


def test_a_described_name_in_apposition_acts(nlp: Language) -> None:
    text = "The report was filed by Better Futures, a super PAC that backed Tom Rivers until he dropped out."
    assert only(extract(nlp, text), "SUPPORT")["actor_text"] == "Better Futures"


def test_what_a_request_asks_for_is_wished(nlp: Language) -> None:
    r = only(extract(nlp, "The ministry requested that Tom Rivers be released from prison."), "RETREAT")
    assert (r["target_text"], r["modality"]) == ("Tom Rivers", "hypothetical")


def test_the_one_hired_in_a_reduced_relative_acts(nlp: Language) -> None:
    text = (
        "Mary Stone cited Acme Labs, the firm the party has hired to investigate the breach at the ministry."
    )
    r = only(extract(nlp, text), "ACCUSE")
    assert r["actor_text"] == "Acme Labs"


def test_targets_on_the_object_and_in_a_whether_question(nlp: Language) -> None:
    r = only(extract(nlp, "Tom Rivers settled a dispute with Turkey last week."), "AGREE")
    assert r["target_text"] == "Turkey"
    text = "The FBI is continuing its investigation of whether Tom Rivers's email server put secrets at risk."
    assert only(extract(nlp, text), "ACCUSE")["target_text"] == "Tom Rivers"


def test_an_accord_worked_out_is_a_finalised_agreement(nlp: Language) -> None:
    r = only(extract(nlp, "Tom Rivers worked out an accord with Mary Stone on the bill."), "SUPPORT")
    assert (r["cameo_code"], r["target_text"]) == ("057", "Mary Stone")


def test_boundaries_of_refusal_and_loyalty(nlp: Language) -> None:
    # refusing to disavow an endorsement: the endorsement was given
    text = "Senator Tom Rivers refuses to disavow the endorsement of Senator Mary Stone."
    assert only(extract(nlp, text), "SUPPORT")["actor_text"] == "Mary Stone"
    # named people in apposition, and an act rather than a stance, stay events
    text = "Some of its biggest backers include Tom Rivers and Ken Moss, two fund managers who have endorsed Jane Roe."
    assert "SUPPORT" in _types(nlp, text)
    assert "SUPPORT" in _types(nlp, "The plan was echoed by aides who applauded Jane Roe on Tuesday.")
