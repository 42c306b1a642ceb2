"""Not events, decided from the parse: generic and habitual statements, standing states,
statistics and polls, fiction and private life.

A news event happened (or is planned, denied, reported…) at a time; what the parse says of the
clause decides whether a trigger reports one:

- **tense and aspect**: a simple present verb ("X attacks Y", "protesters are arrested every
  week") states a habit or a standing property, except in a headline (no closing punctuation),
  where the present is the news tense;
- **standing states**: a participle that modifies a noun ("the super PAC backing X") describes
  it; an event noun that is the subject of a simple present verb or of "be" ("sanctions are in
  place", "sanctions hurt the economy") is a state, not an occurrence;
- **statistics and polls**: a clause whose subject is a percentage ("51 percent back X");
- **fiction**: a trigger inside a title (a WORK_OF_ART entity);
- **private life**: a party that is a relative or a pet ("met his wife"; checked in triggers).
"""

from __future__ import annotations

from functools import cache

from spacy.tokens import Span, Token

from transforms.events.lexicon import lexicon
from transforms.lexicons import load
from transforms.nlp import doc_text


@cache
def _words(key: str) -> frozenset[str]:
    """Returns a word list of the lexicon's ``[generic]`` table (read once)."""
    return frozenset(load("event_verbs")["generic"][key])


_PRESENT = frozenset({"VBZ", "VBP"})
_PRESENT_AUX = frozenset({"is", "are", "am", "'s", "'re", "'m", "do", "does"})
_CLOSING = (".", "!", "?", '"', "”", "'", "’", ":", ";", ")")


def is_headline(sent: Span) -> bool:
    """Whether the sentence reads as a headline: short, first in its paragraph, without closing
    punctuation (a sentence cut by a line break is not one)."""
    if len(sent) > 20:
        return False
    text = doc_text(sent.doc)  # slices of the text built once, not sent.text nor a copy of all before it
    last = text[sent.start_char : sent.end_char].rstrip()
    if not last or last.endswith(_CLOSING):
        return False
    return sent.start_char == 0 or text[sent.start_char - 1] == "\n"


def title_case(sent: Span) -> bool:
    """Whether the sentence is set in title case ("Trump Made This Shocking Final Demand"): the
    small model cannot parse it, so no event is read from it."""
    words = [t for t in sent[1:] if t.is_alpha and len(t) > 3 and not t.ent_type_ and t.pos_ != "PROPN"]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)


# Categories a running tally of things can stand for ("850,000 ballots have been requested"); a
# count of things destroyed, bombed or seized is what violence and coercion do to them.
_TALLY_TYPES = frozenset(
    {"REQUEST", "SUPPORT", "AGREE", "REJECT", "ACCUSE", "CONSULT", "COOPERATE", "CONCEDE"}
)


def aggregate(verb: Token, event_type: str | None = None) -> bool:
    """Whether the verb's patient is a comparison over time ("deported more people than any other
    president"), or, for a category of ``_TALLY_TYPES``, a running tally of things: not an event."""
    for c in verb.children:
        if (
            c.dep_ in ("dobj", "nsubjpass")
            and any(t.lower_ in ("more", "fewer", "less") for t in c.lefts)
            and any(t.lower_ == "than" for t in c.subtree)
        ):
            return True
    return event_type in _TALLY_TYPES and _tally(verb)


def _tally(verb: Token) -> bool:
    """Whether a passive verb with no doer counts thousands of things ("850,000 ballots have been
    requested"): a running tally, not one party's act (people counted are an event's patients)."""
    if not any(c.dep_ == "auxpass" for c in verb.children) or any(c.dep_ == "agent" for c in verb.children):
        return False
    groups = lexicon().all_groups
    for subj in (c for c in verb.children if c.dep_ == "nsubjpass" and c.pos_ == "NOUN"):
        if subj.lemma_.lower() in groups or subj.lower_ in groups or subj.ent_type_ == "MONEY":
            continue
        for num in (c for c in subj.children if c.dep_ == "nummod" and c.ent_type_ != "MONEY"):
            value = num.text.replace(",", "")
            # ASCII digits only: "1,500¹" (a footnote mark) passes isdigit() but not int()
            if (value.isascii() and value.isdigit() and int(value) >= 1000) or num.lower_ in (
                "thousands",
                "millions",
            ):
                return True
    return False


def habitual(verb: Token, depth: int = 0) -> bool:
    """Whether a verbal trigger is in the simple present (active or passive), outside a headline,
    or an infinitive under such a verb that is no verb of wish or plan ("the government doesn't
    use it to prosecute people")."""
    mod = lexicon().modality
    if (
        depth == 0
        and verb.tag_ == "VB"
        and verb.dep_ in ("advcl", "xcomp")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        and not any(
            verb.head.lemma_.lower() in mod[k]
            for k in ("planned_verbs", "hypothetical_verbs", "negation_verbs")
        )
        and verb.head.lemma_.lower() not in lexicon().object_control
        and habitual(verb.head, 1)
    ):
        return True
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    finite_vb = verb.tag_ == "VB" and any(c.dep_ == "nsubj" for c in verb.children)  # a mis-tagged VBP
    if (verb.tag_ in _PRESENT or finite_vb) and not auxes:
        present = True
    elif verb.tag_ == "VB" and auxes and all(a.lower_ in ("do", "does") for a in auxes):
        present = True  # "doesn't use"
    elif verb.tag_ == "VBN" and auxes and all(a.lower_ in _PRESENT_AUX for a in auxes):
        present = any(a.dep_ == "auxpass" for a in auxes)  # "are arrested", not "has arrested"
    else:
        present = False
    # the headline present is the news tense of its main clause; "X, who backs Y, …" still describes X
    return present and not (is_headline(verb.sent) and verb.dep_ not in ("relcl", "acl"))


def standing(noun: Token, anchor: Token | None) -> bool:
    """Whether an event noun names a standing state or a description: the subject of a simple
    present verb or of a present "be" ("the sanctions are in place", "sanctions hurt"), or a
    predicate noun ("called it an attack on our country", "this is a crackdown")."""
    if noun.dep_ in ("attr", "oprd"):
        return True
    if anchor is None or noun.dep_ not in ("nsubj", "attr") or noun.head.i != anchor.i:
        return False
    if anchor.tag_ in _PRESENT and not any(c.dep_ == "aux" for c in anchor.children):
        return not is_headline(noun.sent)
    return False


def modifier_participle(verb: Token) -> bool:
    """Whether a verb is a present participle describing a party ("the super PAC backing X",
    "groups supporting Y"); on a thing said ("a statement condemning X") it is the act itself."""
    if verb.dep_ != "acl" or verb.tag_ != "VBG":
        return False
    head = verb.head
    return bool(head.ent_type_) or head.pos_ == "PROPN" or head.lower_ in lexicon().all_groups


def statistical(anchor: Token | None) -> bool:
    """Whether the event is a finding of a poll: its clause, or one it is governed by, has a
    percentage or a fraction as the subject ("51 percent of voters back X", "two-thirds of voters
    support banning Y")."""
    cur = anchor
    for _ in range(3):
        if cur is None:
            return False
        for c in cur.children:
            if c.dep_ in ("nsubj", "nsubjpass") and any(
                t.ent_type_ == "PERCENT"
                or (t.ent_type_ == "CARDINAL" and "-" in t.text)
                or t.lower_ in lexicon().shares
                for t in c.subtree
            ):
                return True
        if cur.dep_ == "relcl" and _share_of(cur.head):
            return True  # "more than half the people who met with X gave…": a share, no one party
        if cur.dep_ not in ("xcomp", "ccomp", "pcomp", "acl") or cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _share_of(noun: Token) -> bool:
    """Whether a noun phrase (or the one its "outside/of…" phrase hangs on) is a share of people
    ("more than half the people outside the government")."""
    for _ in range(3):
        if any(t.lower_ in lexicon().shares for t in noun.lefts):
            return True
        if noun.dep_ != "pobj" or noun.head.dep_ != "prep":
            return False
        noun = noun.head.head
    return False


def generic_population(words: str, label: str | None, kind: str) -> bool:
    """Whether a party is a population spoken of in general ("black voters", "young Americans"):
    a bare plural of the people groups, with no article, number or name; they hold opinions, they
    do not act as one party."""
    if kind != "group":
        return False
    toks = words.lower().split()
    if not toks or toks[0] in ("the", "these", "those", "some") or any(t[:1].isdigit() for t in toks):
        return False
    if "of" in toks[1:]:
        return False  # counted or partitioned: "dozens of women", "many of his voters" are specific people
    return toks[-1] in lexicon().groups["people"] or toks[-1] in lexicon().populations


def fiction(trigger: Token) -> bool:
    """Whether the trigger is part of a title (a book, film or show)."""
    return trigger.ent_type_ == "WORK_OF_ART"


def frequentative(verb: Token) -> bool:
    """Whether an adverb of frequency makes the verb a habit ("has frequently denounced X",
    "often meets Y", "have long complained"), or an adverb of repetition with the perfect ("has
    repeatedly criticized X"); the simple past with "repeatedly" may tell one scene and is kept,
    and so is a repetition within a stated recent period ("has repeatedly asked X this week")."""
    lex = lexicon()
    advs = {c.lower_ for c in verb.children if c.dep_ == "advmod"}
    if advs & lex.habitual_adverbs:
        return True
    perfect = any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)
    if perfect and advs & _words("perfect_habit_adverbs"):
        return True  # "have long complained", "has long backed"
    if perfect and bool(advs & lex.repeated_adverbs) and not recent_period(verb):
        return True
    if habit_complement(verb):
        return True
    # "has repeatedly pledged to ban X": the habit of the verb above is the complement's too;
    # "has always said he backs X": a standing position, unless the clause tells a past deed
    return (
        verb.dep_ in ("xcomp", "ccomp")
        and verb.head.i != verb.i
        and verb.head.pos_ == "VERB"
        and (verb.dep_ == "xcomp" or not _past(verb))
        and frequentative(verb.head)
    )


def habit_complement(verb: Token) -> bool:
    """Whether the verb is the complement of a verb of habit: "has taken to urging X" (a gerund
    after "take to"), "tends to back Y", "used to keep X out of trouble" (no object of "use")."""
    habit = _words("habit_verbs")
    head = verb.head
    if head.i == verb.i:
        return False
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and head.lower_ == "to" and head.head.i != head.i:
        return head.head.lemma_.lower() == "take" and "take" in habit
    if verb.dep_ != "xcomp" or head.lemma_.lower() not in habit or head.lemma_.lower() == "take":
        return False
    if head.lemma_.lower() == "use":
        # "the gun he used to kill X": the object is the noun the relative clause hangs on
        return (
            head.tag_ == "VBD"
            and head.dep_ not in ("relcl", "acl")
            and not any(c.dep_ in ("dobj", "nsubjpass") for c in head.children)
        )
    return True


def _past(verb: Token) -> bool:
    """Whether a clause's verb is in a past tense ("attacked", "has attacked", "was attacked")."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return (
        verb.tag_ == "VBD"
        or (verb.tag_ == "VBN" and any(a.lemma_.lower() == "have" for a in auxes))
        or any(a.tag_ == "VBD" for a in auxes)
    )


def recent_period(verb: Token) -> bool:
    """Whether the verb's sentence names a recent period ("this week", "in the past few days", "last
    month"; the parser may hang it on a complement): then a repetition is news, not a habit."""
    words = _words("recent_period_words")
    return any(t.ent_type_ in ("DATE", "TIME") and t.lower_ in words for t in verb.sent)


def question(trigger: Token) -> bool:
    """Whether the trigger's clause is a question someone asked, no event: an indirect question
    under a verb of asking ("asked whether X would endorse Y", "wondered if X had met Y"), or a
    request whose asker is a questioner of the press ("the moderator asked X to comment") or
    whose infinitive asks for an answer ("X was asked to name a decision"); a direct yes/no
    question ("Senator, will you resign?") reports nothing either (a wh-question, "whose state
    joined the lawsuit?", takes the event as given)."""
    sent = trigger.sent
    if sent.text.rstrip().rstrip("\"”’'").endswith("?") and not any(
        t.tag_ in ("WDT", "WP", "WP$", "WRB") for t in sent
    ):
        return True
    asking = _words("asking_verbs")
    if trigger.pos_ == "VERB" and trigger.lemma_.lower() in asking:
        subj = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.lemma_.lower() in _words("press_roles"):
            return True
        # "X was asked to explain Y": the infinitive is an answer sought, a question
        if any(
            c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in _words("answer_verbs")
            for c in trigger.children
        ):
            return True
    cur = trigger
    for _ in range(5):
        if cur.dep_ not in ("ccomp", "xcomp", "conj", "advcl", "acl", "pobj", "dobj", "prep", "pcomp"):
            return False
        if cur.head.i == cur.i:
            return False
        head = cur.head
        if (
            cur.dep_ in ("ccomp", "advcl")
            and head.lemma_.lower() in asking
            and any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in cur.children)
        ):
            return True
        cur = head
    return False


def habitual_noun(noun: Token) -> bool:
    """Whether an event noun is said to recur ("frequent clashes", "the repeated denunciation of
    X", "regular meetings"): a habit or a pattern, not one event."""
    adjs = _words("habitual_adjectives")
    return any(c.dep_ == "amod" and c.lower_ in adjs for c in noun.children)


def naming(verb: Token) -> bool:
    """Whether a verb of calling names something ("a film called 'X'", "a group called Y"): a
    participle that describes its noun by its name, no call on anyone."""
    if verb.lemma_.lower() not in _words("naming_verbs") or verb.dep_ != "acl" or verb.tag_ != "VBN":
        return False
    # the name follows: a title in quotes or a proper noun, not a day ("a paper called Monday on X")
    nxt = verb.nbor(1) if verb.i + 1 < len(verb.doc) else None
    return nxt is not None and (
        nxt.is_quote or (nxt.pos_ == "PROPN" and nxt.ent_type_ not in ("DATE", "TIME"))
    )


def idiom(verb: Token) -> bool:
    """Whether the verb and its object form a fixed expression that is no event ("requested
    anonymity", "accepted the nomination", "pressed for specifics"): the [generic] idioms."""
    idioms = lexicon().idioms
    lemma = verb.lemma_.lower()
    for c in verb.children:
        if (
            c.dep_ in ("dobj", "nsubjpass")
            and {f"{lemma} {c.lemma_.lower()}", f"{lemma} {c.lower_}"} & idioms
        ):
            return True
        if c.dep_ == "prep":
            for o in (o for o in c.children if o.dep_ == "pobj"):
                keys = {f"{lemma} {c.lower_} {o.lemma_.lower()}", f"{lemma} {c.lower_} {o.lower_}"}
                if keys & idioms:
                    return True
    return False


def figurative(trigger: Token, event_type: str) -> bool:
    """Whether a verb of violence is a figure of speech: its patient is a plan, a bill or a
    campaign ("killed the bill", "could kill his campaign"), its cause is a word, a deed of
    politics or a document, no weapon ("the scandal could wound him", "the ad destroyed X"), or
    it tells a contest won ("beat X 51% to 36%", "beat Y in the primary")."""
    if event_type != "ASSAULT" or trigger.pos_ != "VERB":
        return False
    things = _words("figurative_patients")
    causes = _words("figurative_causes")
    contest = _words("contest_words")
    for c in trigger.children:
        # "beat X 51% to 36%", "beat Y in the primary": a vote won
        objs = (
            [c, *(o for o in c.children if o.dep_ == "pobj")]
            if c.dep_ in ("prep", "npadvmod", "dobj")
            else []
        )
        if any(o.ent_type_ == "PERCENT" or o.lemma_.lower() in contest for o in objs):
            return True
        if c.dep_ in ("dobj", "nsubjpass") and (c.lemma_.lower() in things or c.lower_ in things):
            return True
        if c.dep_ == "nsubj" and c.pos_ == "NOUN" and (c.lemma_.lower() in causes or c.lower_ in causes):
            return True
    return _thing_against_country(trigger)


def _thing_against_country(verb: Token) -> bool:
    """Whether a thing no one wields is said to do violence to a whole country ("the syrup is
    destroying America", "cheap imports are killing the nation"): a figure of speech. A weapon,
    an armed body or an act of violence as the subject stays literal ("airstrikes hit Aleppo")."""
    lex = lexicon()
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if subj is None or obj is None or subj.pos_ != "NOUN" or subj.ent_type_:
        return False
    if obj.ent_type_ != "GPE" and obj.lower_ not in ("country", "nation"):
        return False
    words = {subj.lemma_.lower(), subj.lower_}
    if words & (lex.all_groups | lex.violence) or any(w in lex.nouns for w in words):
        return False
    return not any(c.lemma_.lower() in lex.violence for c in subj.subtree)


def press_talk(event_type: str, target_text: str | None) -> bool:
    """Whether a meeting is one with the press ("met with reporters", "a meeting with journalists"):
    talking to the press is a statement, no consultation between parties."""
    if event_type != "CONSULT" or not target_text:
        return False
    words = target_text.lower().replace("'s", "").split()
    return bool(words) and words[-1] in _words("press_parties")


def sourcing(verb: Token, event_type: str) -> bool:
    """Whether a talk is how the writer names a source: a relative clause on the subject of a
    speech verb ("officials who spoke with the paper said…"), not a consultation between parties."""
    if event_type != "CONSULT" or verb.pos_ != "VERB" or verb.dep_ not in ("relcl", "acl"):
        return False
    noun = verb.head
    return (
        noun.dep_ in ("nsubj", "nsubjpass")
        and noun.head.lemma_.lower() in lexicon().modality["reported_verbs"]
    )


def background_appraisal(verb: Token, event_type: str) -> bool:
    """Whether an appraisal describes a party in passing: a passive of blame or praise in a relative
    clause with no doer ("a president whose government was widely criticized", "a candidate who
    was lambasted as…") characterizes the noun, it reports no occasion."""
    if event_type not in ("ACCUSE", "SUPPORT") or verb.pos_ != "VERB" or verb.dep_ not in ("relcl", "acl"):
        return False
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or (
        verb.dep_ == "acl" and verb.tag_ == "VBN"
    )
    # a doer or a time makes it an occasion ("who was criticized by X on Tuesday")
    return passive and not any(c.dep_ == "agent" or c.ent_type_ in ("DATE", "TIME") for c in verb.children)


def threat_object(verb: Token, preps: tuple[str, ...]) -> bool:
    """Whether a warning given only by a preposition ("warned of X", "warned against Y") names a
    threat: a conflictual event noun or a word of consequences (``noun_classes.threat_objects``);
    "warned of fakery" is a forecast. A warning with an object, a clause or an infinitive is left
    to the other checks."""
    kids = list(verb.children)
    if any(c.dep_ in ("dobj", "dative", "xcomp", "ccomp") for c in kids):
        return True
    objs = [o for c in kids if c.dep_ == "prep" and c.lower_ in preps for o in c.children if o.dep_ == "pobj"]
    if not objs:
        return True
    lex = lexicon()
    conflictual = (*lex.intent_threaten, "THREATEN")
    for o in objs:
        hit = lex.nouns.get(o.lower_) or lex.nouns.get(o.lemma_.lower())
        if o.lemma_.lower() in lex.noun_classes["threat_objects"] or (
            hit is not None and hit.event_type in conflictual
        ):
            return True
    return False


def denial(trigger: Token, event_type: str) -> bool:
    """Whether a REJECT denies or dismisses what was said, not a proposal or demand ("denied the
    reports", "rejected rumors that X would…", "denied wrongdoing"): a statement, no event."""
    if event_type != "REJECT" or trigger.pos_ != "VERB":
        return False
    objects = [c for c in trigger.children if c.dep_ in ("dobj", "nsubjpass")]
    return any(o.lemma_.lower() in _words("statement_objects") for o in objects)
