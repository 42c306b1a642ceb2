"""Generates a corpus of hostile raw inputs beside a few good articles, into a directory you give.

Nothing here is committed as data: ``build_corpus(raw_dir, outside_dir)`` writes every file (the
50 MB one included) and returns, per file, what the pipeline must do with it: publish it as an
article, or quarantine it with a given reason and a detail that says precisely why.

The text is handmade for these tests, in the style of news copy.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# ---- good articles (handmade) ----

GOOD_HARBOUR = """Harbour authority approves dredging plan after two-year dispute

The Portmere Harbour Authority on Tuesday approved a plan to deepen the main shipping channel, \
ending a two-year dispute with fishing crews who feared the work would drive fish from the bay.

"We listened to every objection and changed the schedule twice," said Alicia Bremner, the \
authority's chief executive. "The dredgers will stay out of the water during the spawning season."

The plan, which will cost an estimated 48 million dollars, allows larger container ships to dock \
at the eastern quay. Local officials said the work should begin in March and last about eighteen months.

Tomas Reyes, who speaks for the regional fishing cooperative, said the crews would watch the \
project closely. "A promise on paper is not a fish in the net," he told reporters outside the meeting.

The authority said it would publish water quality readings every week while the dredging continues."""

GOOD_SCHOOLS = """City council votes to reopen two rural schools

The Lindford city council voted 7 to 2 on Monday night to reopen two village schools that were \
closed four years ago to save money.

Council member Priya Nandakumar, who proposed the measure, said families had been driving their \
children more than an hour each way. "No child should spend two hours a day in a car to learn to \
read," she said during the debate.

Opponents argued that the budget could not carry the extra teachers. Councillor Frank Odell said \
the city would have to raise property taxes within three years to pay for the schools.

The education department will hire eleven teachers over the summer, according to a statement \
released after the vote. Both schools are expected to open in September."""

GOOD_STORM = """Storm cuts power to thousands along northern coast

High winds and heavy rain knocked out electricity to about 40,000 homes along the northern coast \
on Saturday, the regional grid operator said.

Crews worked through the night to repair fallen lines near the towns of Saltbridge and Kerrow. \
"Most customers should have power back by Sunday evening," said Martin Osei, a spokesman for \
Northern Grid.

The national weather service warned that a second storm could reach the coast early next week. \
Emergency shelters opened in three schools, and the coast guard rescued two sailors whose boat \
lost its mast off Kerrow harbour.

No deaths were reported, officials said."""

GOOD_MUSEUM = """Museum returns carved masks to their home island

The National Museum of Ethnography handed back fourteen carved wooden masks to community leaders \
from the island of Vaura on Thursday, more than a century after they were taken by a colonial \
survey ship.

"These masks are not objects to us, they are ancestors," said Elder Jonah Tamaki at a ceremony in \
the museum's main hall. The museum director, Helena Roth, said the return was overdue and that \
staff had worked with island historians for three years to trace each mask.

The masks will be kept in a new cultural centre built by the island's council. The museum said it \
was reviewing another two hundred items in its collection whose origins remain unclear."""

GOOD_RAIL_JSONL = [
    {
        "id": "rail-1",
        "title": "Rail union accepts pay offer",
        "publisher": "Test Wire",
        "published_at": "2024-05-02",
        "text": "Members of the national rail union voted to accept a new pay offer on Wednesday, "
        "ending a strike threat that had hung over the summer timetable.\n\n"
        '"This is a fair deal for drivers and for passengers," said the union\'s general secretary, '
        "Dev Carmody. The agreement raises wages by six percent over two years.\n\n"
        "The rail operator said trains would run normally throughout the holiday period.",
    },
    {
        "id": "rail-2",
        "title": "Bridge repairs close river crossing for a month",
        "publisher": "Test Wire",
        "published_at": "2024-05-03",
        "text": "The Old Mill bridge will close to traffic for four weeks from Monday while engineers "
        "replace corroded steel beams, the county highways office announced.\n\n"
        '"We found the damage during a routine inspection and decided not to wait," said Ruth '
        "Abara, the county's chief engineer. Drivers will be sent on a diversion of about six miles.\n\n"
        "Cyclists and pedestrians can still cross on a temporary footbridge.",
    },
]

FRENCH = """Le conseil municipal a voté mardi soir la réouverture de la piscine du quartier nord, \
fermée depuis trois ans pour des raisons de sécurité.

« Les familles attendaient cette décision depuis longtemps », a déclaré la maire adjointe, \
Claire Dumontel, à l'issue de la séance. Les travaux de rénovation coûteront environ deux \
millions d'euros et devraient durer huit mois.

L'opposition a dénoncé un projet trop coûteux pour le budget de la ville."""

RUSSIAN = """Городской совет во вторник одобрил план строительства нового моста через реку, \
который должен соединить северный и южный районы города.

«Жители ждали этого решения много лет», — заявил глава комиссии по транспорту Андрей Соколов. \
Строительство обойдётся примерно в три миллиарда рублей и займёт около двух лет.

Противники проекта считают, что деньги лучше потратить на ремонт существующих дорог."""


def _png(width: int = 4, height: int = 4) -> bytes:
    """Returns a small valid PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x20\x10" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Expect:
    """What must become of one raw input.

    ``published``: the file (or these JSONL/JSON records) become articles. Otherwise ``reason`` is
    the quarantine reason and ``detail`` a substring the quarantine detail must contain.
    ``check`` is an extra test on the published article text.
    """

    kind: str
    published: bool
    reason: str | None = None
    detail: str | None = None
    record: int | None = None
    check: Callable[[str], bool] | None = None
    duplicate_of: str | None = None  # source_path of the article this one must be marked a near-dup of


@dataclass
class Corpus:
    """The generated corpus: the raw dir, the expectations keyed by source_path, the vanishing file."""

    raw_dir: Path
    expect: dict[str, list[Expect]] = field(default_factory=dict)
    vanishing: str = ""
    good: list[str] = field(default_factory=list)  # source_paths of the good articles beside the bad

    def add(self, source_path: str, e: Expect) -> None:
        """Records an expectation for ``source_path``."""
        self.expect.setdefault(source_path, []).append(e)

    @property
    def kinds(self) -> list[str]:
        """Returns the distinct kinds of bad input (good articles excluded)."""
        return sorted({e.kind for es in self.expect.values() for e in es if e.kind != "good"})


BIG_FILE_BYTES = 50 * 1024 * 1024


def build_corpus(raw_dir: Path, outside_dir: Path, big_file: bool = True) -> Corpus:
    """Writes the corpus into ``raw_dir`` (and a target file into ``outside_dir`` for the escaping
    symlink) and returns what must become of each file. ``big_file=False`` skips the 50 MB file."""
    raw_dir.mkdir(parents=True, exist_ok=True)
    outside_dir.mkdir(parents=True, exist_ok=True)
    c = Corpus(raw_dir)

    def put(name: str, data: bytes | str, *expects: Expect) -> None:
        path = raw_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        for e in expects:
            c.add(name, e)

    # -- good articles, which must all be published whatever sits beside them
    for name, text in (
        ("good/harbour.txt", GOOD_HARBOUR),
        ("good/schools.txt", GOOD_SCHOOLS),
        ("good/storm.txt", GOOD_STORM),
        ("good/museum.txt", GOOD_MUSEUM),
    ):
        put(name, text, Expect("good", True))
        c.good.append(name)

    # -- empty and blank
    put("empty.txt", b"", Expect("empty file", False, "empty", "0 bytes"))
    put("blank.txt", " \n\t\n   \r\n\n", Expect("whitespace only", False, "whitespace_only", "whitespace"))

    # -- binary and mislabelled
    blob = bytes((i * 37 + 11) % 256 for i in range(4096))  # every byte value, NULs included
    put("blob.txt", blob, Expect("binary", False, "binary", "binary content"))
    put("photo.txt", _png(), Expect("PNG renamed .txt", False, "binary", "PNG image"))
    put("archive.json", b"PK\x03\x04" + blob[:200], Expect("ZIP renamed .json", False, "binary", "ZIP"))
    put("report.pdf", b"%PDF-1.4\n", Expect("unsupported type", False, "unsupported_type", ".pdf"))

    # -- encodings: each decodes to the right characters and is published
    invalid_utf8 = GOOD_STORM.replace("Kerrow harbour", "Kerrow harbour \xe9").encode("utf-8")
    invalid_utf8 = invalid_utf8.replace(b"\xc3\xa9", b"\xe9\xff")  # a lone cp1252/latin-1 byte pair
    put(
        "enc/invalid_utf8.txt",
        invalid_utf8.replace(b"Storm cuts", b"Gale cuts", 1),
        Expect("invalid UTF-8", True, check=lambda t: "Gale cuts power" in t and "\ufffd" not in t),
    )
    utf16_text = GOOD_SCHOOLS.replace("Lindford", "Lindförd").replace("Monday", "Sunday")
    put(
        "enc/utf16_bom.txt",
        b"\xff\xfe" + utf16_text.encode("utf-16-le"),
        Expect("UTF-16 with BOM", True, check=lambda t: "Lindförd" in t and "\x00" not in t),
    )
    cp1252 = (
        "Café owners welcome new street market\n\n"
        "Owners of the Rue Verte café said on Friday that the new Saturday market had doubled their "
        "trade. \u201cIt is the best thing to happen to this street in years,\u201d said Josée Marchand, "
        "who has run the café for a decade \u2014 and the council agreed to keep the market open "
        "until October.\n\nStallholders pay a fee of \u20ac20 a day, the council said."
    )
    put(
        "enc/cp1252.txt",
        cp1252.encode("cp1252"),
        Expect(
            "cp1252", True, check=lambda t: "\u201cIt is the best" in t and "\u20ac20" in t and "Josée" in t
        ),
    )
    latin1 = (
        "Ski resort opens early after heavy snow\n\n"
        "The Pré-Alpes ski resort opened its slopes a week earlier than planned on Saturday after "
        "heavy snowfall, the resort's manager, Inés Muñoz, said. About 3,000 skiers arrived on the "
        "first day, and the resort expects a busy season.\n\nThe café at the summit station "
        "reopened as well, with a new terrace overlooking the valley."
    )
    put(
        "enc/latin1.txt",
        latin1.encode("latin-1"),
        Expect("latin-1", True, check=lambda t: "Inés Muñoz" in t and "Pré-Alpes" in t),
    )
    put(
        "enc/utf8_bom.txt",
        b"\xef\xbb\xbf" + GOOD_MUSEUM.replace("fourteen", "twelve").replace("Vaura", "Teluo").encode(),
        Expect("UTF-8 with BOM", True, check=lambda t: not t.startswith("\ufeff") and "Teluo" in t),
    )

    # -- size limits
    if big_file:
        para = "The committee met again and adjourned without a decision on the matter. "
        with open(raw_dir / "huge.txt", "wb") as fh:
            chunk = (para * 1000).encode()
            for _ in range(BIG_FILE_BYTES // len(chunk) + 1):
                fh.write(chunk)
        c.add("huge.txt", Expect("50 MB file", False, "too_large", "bytes > limit"))
    lines = "\n".join(f"line {i} goes on" for i in range(10_000))
    put("long_paragraph.txt", lines, Expect("10,000-line single paragraph", False, "too", "lines > limit"))

    # -- languages (the default run keeps English only)
    put("lang/french.txt", FRENCH, Expect("French article", False, "not_english", "fr"))
    put("lang/russian.txt", RUSSIAN, Expect("Russian article", False, "not_english", "ru"))

    # -- duplicates
    put(
        "later/exact_copy.txt",
        GOOD_HARBOUR,
        Expect("exact duplicate", False, "exact_duplicate", "good/harbour.txt"),
    )
    near = GOOD_SCHOOLS.replace("7 to 2", "8 to 1").replace("eleven teachers", "twelve teachers")
    put(
        "later/near_copy.txt",
        near,
        Expect("near duplicate", True, check=lambda t: "8 to 1" in t, duplicate_of="good/schools.txt"),
    )

    # -- JSON and JSONL
    good_lines = [json.dumps(r) for r in GOOD_RAIL_JSONL]
    truncated = json.dumps(
        {"id": "rail-3", "title": "Cut off", "text": "This record was cut off in the middle of a sen"}
    )[:60]
    put(
        "feed.jsonl",
        "\n".join([good_lines[0], truncated, good_lines[1]]) + "\n",
        Expect("JSONL with one truncated line", True, record=1, check=lambda t: "rail union" in t),
        Expect("JSONL with one truncated line", True, record=3, check=lambda t: "Old Mill bridge" in t),
        Expect("JSONL with one truncated line", False, "malformed_json", "line 2", record=2),
    )
    put(
        "wrong_types.json",
        json.dumps(
            [
                {"id": "x1", "text": 12345},
                {"id": "x2", "text": "Some text.", "title": ["not", "a", "string"]},
                "just a string",
                {"id": "x4", "title": "no text field"},
            ]
        ),
        Expect("JSON with wrong types", False, "wrong_type", "'text' is a JSON int", record=1),
        Expect("JSON with wrong types", False, "wrong_type", "'title' is a JSON list", record=2),
        Expect("JSON with wrong types", False, "wrong_type", "JSON str, not an object", record=3),
        Expect("JSON with wrong types", False, "no_text", "no 'text' field", record=4),
    )
    put("broken.json", '{"text": "unterminated', Expect("malformed JSON", False, "malformed_json", "line 1"))

    # -- HTML
    put(
        "scripts_only.html",
        "<html><head><script>var a = 1; document.write('<p>' + a + '</p>');</script>"
        "<style>p { color: red }</style></head><body><script src='app.js'></script>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        Expect("HTML with scripts and no article", False, "no_text", "no article text"),
    )

    # -- hostile punctuation and characters (processed, with no crash and valid offsets)
    unbalanced = (
        'Mayor says "budget is final\n\nThe mayor of Eastvale said on Monday that the "budget was final '
        "and that no further cuts would be made. Critics said \u201cthe numbers do not add up, while the "
        'union\'s leader said "we will keep fighting" and then "nothing more.\n\n'
        "Officials \u201dsaid the vote would go ahead on Thursday\u201c as planned. \u00abThe council is "
        "ready, said a spokesman for the city. 'We have waited long enough, another added."
    )
    put("quotes/unbalanced.txt", unbalanced, Expect("unbalanced quotation marks", True))
    words = re.findall(
        r"\S+",
        "The regional transport minister announced on Wednesday that bus fares would be frozen for "
        "another year while the network is expanded to three new suburbs near the airport",
    )
    put(
        "quotes/every_word.txt",
        "Fares frozen for another year\n\n" + " ".join(f'"{w}"' for w in words) + ".",
        Expect("a quote mark on every word", True),
    )
    ctrl = GOOD_MUSEUM.replace("Museum returns", "Gallery returns").replace("fourteen", "nine")
    ctrl = ctrl.replace(" the ", " the\x07 ", 3).replace("masks", "ma\x00sks\x1b", 1) + "\x0b\x1f"
    put(
        "control_chars.txt",
        ctrl,
        Expect(
            "control characters",
            True,
            check=lambda t: "Gallery returns" in t and not any(ord(ch) < 32 and ch != "\n" for ch in t),
        ),
    )

    _round_two(put, c)
    _round_three(put, c)

    # -- a symlink out of the raw dir, and a file that vanishes between listing and reading
    secret = outside_dir / "secret.txt"
    secret.write_text(GOOD_STORM.replace("Storm", "Secret storm"), encoding="utf-8")
    (raw_dir / "escape.txt").symlink_to(secret)
    c.add("escape.txt", Expect("symlink outside the raw dir", False, "outside_raw_dir", "outside the raw"))
    put(
        "vanishing.txt",
        GOOD_HARBOUR.replace("Harbour", "Airport"),
        Expect("file that disappears during the run", False, "unreadable", "disappeared"),
    )
    c.vanishing = "vanishing.txt"
    return c


def vanish_on_open(corpus: Corpus) -> Callable[..., object]:
    """Returns an ``open`` replacement for ``storage.raw`` that deletes the vanishing file just
    before it is opened, as if another process removed it between listing and reading."""
    import builtins

    target = (corpus.raw_dir / corpus.vanishing).resolve()
    real_open = builtins.open

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        if isinstance(file, str | Path) and Path(file).resolve() == target and target.exists():
            target.unlink()
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    return fake_open


# ---- round two (issue 14): inputs that raised, were split wrongly, or silently lost text ----

SHARED_QUOTE = (
    "\u201cWe will not raise the fares this year, whatever the price of fuel,\u201d the transport "
    "minister told reporters outside the parliament on Wednesday afternoon."
)

GERMAN_QUOTE = (
    "Visiting coach praises rivals after narrow defeat\n\n"
    "The coach of the visiting side said after the match on Saturday that his players had given "
    "everything and that the home team had deserved the win.\n\n"
    "\u201cWir haben heute alles gegeben, aber die Mannschaft aus Portmere war einfach besser. Die "
    "Spieler sind enttäuscht, doch wir werden aus diesem Spiel lernen und im nächsten Heimspiel "
    "wieder angreifen, das verspreche ich unseren Fans,\u201d he told reporters in German.\n\n"
    "The two teams meet again in the cup final next month."
)

RESULTS = (
    "Football results\n\n"
    "Results from the northern league on Sunday:\n\n"
    "Kessel Rovers 3 Varra Athletic 1\nSolmi United 0 Perla Town 2\nBremhaven 4 Feyen Port 1\n"
    "Lindqvist Stadt 2 Moreau Olympique 2\n\n"
    "Scorers: Van der Berg 2, Schmidt, Rossi; Nakamura; Fernandes 2, Kowalski, Okafor 2"
)


def _round_two(put: Callable[..., None], c: Corpus) -> None:
    """Adds the hostile inputs of the second round: each once crashed a run or lost text."""
    good = json.dumps({"id": "ok-1", "text": GOOD_SCHOOLS.replace("Lindford", "Oakbridge")})
    deep = "[" * 100_000 + "]" * 100_000
    put("r2/deep.json", deep, Expect("deeply nested JSON", False, "malformed_json", "nested too deeply"))
    put(
        "r2/deep_title.jsonl",
        good + "\n" + '{"text": "A story.", "title": ' + deep + "}\n",
        Expect("JSONL line with a deeply nested title", True, record=1, check=lambda t: "Oakbridge" in t),
        Expect("JSONL line with a deeply nested title", False, "malformed_json", "line 2: nested", record=2),
    )
    put(
        "r2/big_integer.json",
        '{"text": "A story.", "views": ' + "9" * 5000 + "}",
        Expect("5,000-digit JSON integer", False, "malformed_json", "number too long"),
    )
    surrogate = GOOD_STORM.replace("Storm cuts", "Gale lashes").replace("40,000", "41,000")
    put(
        "r2/surrogate.jsonl",
        json.dumps({"text": surrogate + " \ud800", "title": "Lone \udc00 surrogate"}) + "\n",
        Expect(
            "lone surrogate escapes", True, record=1, check=lambda t: "Gale lashes" in t and "\ufffd" in t
        ),
    )
    lines = [
        json.dumps(
            {"text": GOOD_MUSEUM.replace("Museum returns", "Library lends") + "\u2028Tail."},
            ensure_ascii=False,
        ),
        json.dumps(
            {"text": GOOD_HARBOUR.replace("Harbour authority", "Port council") + "\u0085End."},
            ensure_ascii=False,
        ),
    ]
    put(
        "r2/line_separators.jsonl",
        "\n".join(lines) + "\n",
        Expect("U+2028/U+0085 inside JSONL strings", True, record=1, check=lambda t: "Library lends" in t),
        Expect("U+2028/U+0085 inside JSONL strings", True, record=2, check=lambda t: "Port council" in t),
    )
    mixed = GOOD_HARBOUR.replace("Harbour authority", "Quay committee").encode(
        "utf-8"
    ) + "\n\nThe caf\u00e9 owner, Jos\u00e9e Marchand, said \u201cwe are pleased\u201d.".encode("cp1252")
    put(
        "r2/mixed_encoding.txt",
        mixed,
        Expect("UTF-8 file with one cp1252 paragraph", True, check=lambda t: "Josée Marchand" in t),
    )
    put(
        "r2/absurd_date.jsonl",
        json.dumps({"text": GOOD_STORM.replace("Storm", "Blizzard"), "published_at": "9999-12-31T99:99"}),
        Expect("invalid date 9999-12-31T99:99", True, record=1, check=lambda t: "Blizzard" in t),
    )
    words = " ".join(f"word{i}" for i in range(40))
    put(
        "r2/deep.html",
        f"<html><body>{'<div>' * 400}<p>The deep page story. {words}.</p>{'</div>' * 400}</body></html>",
        Expect("HTML nested 400 deep", True, check=lambda t: "The deep page story. word0" in t),
    )
    para = "The committee met again on the bridge and adjourned without any decision at all. "
    long_page = "".join(f"<p>Session {j}. {para * 30}</p>" for j in range(100))
    put(
        "r2/long_text.html",
        f"<html><body><article>{long_page}</article></body></html>",
        Expect("HTML text over max_article_chars", False, "too_large", "HTML text"),
    )
    for i in range(5):
        page = (
            f"<html><body><article><h1>Fares story number {i}</h1>"
            f"<p>Story {i} opens with a sentence that only article {i} of this corpus has written.</p>"
            f"<p>{SHARED_QUOTE}</p><p>It closes with a second sentence unique to article {i}.</p>"
            "</article></body></html>"
        )
        put(
            f"r2/shared_quote_{i}.html",
            page,
            Expect("a quote paragraph shared by 5 HTML articles", True, check=lambda t: SHARED_QUOTE in t),
        )
    put("r2/german_quote.txt", GERMAN_QUOTE, Expect("English article with a long German quote", True))
    put("r2/results.txt", RESULTS, Expect("name-heavy results", True))
    bidi = GOOD_MUSEUM.replace("Helena Roth", "He\u200dle\u202ena\u2066 Roth\u2069").replace(
        "fourteen", "six"
    )
    put(
        "r2/bidi.txt",
        bidi,
        Expect(
            "bidi and joiner controls in names",
            True,
            check=lambda t: "Helena Roth" in t and "\u202e" not in t,
        ),
    )


# ---- round three (issue 14): the raw listing and the run as a whole ----

# An article whose extraction the run test makes crash (a stand-in for an extractor bug that one
# text triggers): the marker is a word no other input has.
CRASH_MARKER = "Zorblaxian"
# Good articles with direct quotes beside the hostile inputs of the run test.
GOOD_WITH_QUOTES = (
    "good/harbour.txt",
    "good/schools.txt",
    "good/storm.txt",
)
MANY_BAD_RECORDS = 300


def add_crash_article(c: Corpus) -> None:
    """Adds the article whose extraction a run test makes crash (see ``CRASH_MARKER``): only a
    run with that crash injected may include it."""
    path = c.raw_dir / "r3" / "crash.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(GOOD_STORM.replace("Storm cuts", f"{CRASH_MARKER} storm cuts"), encoding="utf-8")
    c.add("r3/crash.txt", Expect("article whose extraction crashes", False, "crashed_in_extract", "injected"))


def _round_three(put: Callable[..., None], c: Corpus) -> None:
    """Adds links that cannot be followed, a name that is not UTF-8, a feed of many bad records,
    metadata of the wrong shape (and see :func:`add_crash_article`)."""
    raw = c.raw_dir
    (raw / "r3").mkdir(parents=True, exist_ok=True)
    (raw / "r3" / "loop_a.txt").symlink_to("loop_b.txt")
    (raw / "r3" / "loop_b.txt").symlink_to("loop_a.txt")
    c.add("r3/loop_a.txt", Expect("symlink loop", False, "unreadable", "symlink loop"))
    c.add("r3/loop_b.txt", Expect("symlink loop", False, "unreadable", "symlink loop"))
    (raw / "r3" / "self.txt").symlink_to("self.txt")
    c.add("r3/self.txt", Expect("symlink to itself", False, "unreadable", "symlink loop"))
    (raw / "r3" / "broken.txt").symlink_to("gone/nowhere.txt")
    c.add("r3/broken.txt", Expect("broken symlink", False, "unreadable", "does not exist"))
    # a file name that is not UTF-8: kept, its byte escaped
    odd = GOOD_SCHOOLS.replace("Lindford", "Westmarch").replace("7 to 2", "6 to 3")
    (raw / "r3").joinpath(
        b"caf\xe9.txt".decode("unicode_escape").encode("latin-1").decode("utf-8", "surrogateescape")
    ).write_text(odd, encoding="utf-8")
    c.add("r3/caf\\xe9.txt", Expect("file name not UTF-8", True, check=lambda t: "Westmarch" in t))
    # a feed of many broken records: bounded quarantine rows, the good one kept
    lines = ['{"text": "cut off' for _ in range(MANY_BAD_RECORDS)]
    lines.append(json.dumps({"id": "r3-ok", "text": GOOD_STORM.replace("Storm", "Hailstorm")}))
    put(
        "r3/many_bad.jsonl",
        "\n".join(lines) + "\n",
        Expect("300 malformed JSONL records", False, "malformed_json", "line 1", record=1),
        Expect(
            "300 malformed JSONL records", True, record=MANY_BAD_RECORDS + 1, check=lambda t: "Hailstorm" in t
        ),
    )
    put(
        "r3/null_text.json",
        json.dumps({"id": "n1", "text": None}),
        Expect("JSON text null", False, "no_text", "text", record=1),
    )
    put(
        "r3/bool_title.jsonl",
        json.dumps({"text": GOOD_MUSEUM.replace("Museum returns", "Archive returns"), "title": True}) + "\n",
        Expect("JSONL title of the wrong type", True, record=1, check=lambda t: "Archive returns" in t),
    )
    put(
        "r3/nul_name.txt",
        GOOD_HARBOUR.replace("Harbour authority", "Canal board").replace("Alicia", "Al\x00icia"),
        Expect("NUL inside a name", True, check=lambda t: "Canal board" in t and "\x00" not in t),
    )
    put(
        "r3/only_quotes.txt",
        "\n\n".join('"' * (i % 7 + 1) for i in range(200)),
        Expect("nothing but quote marks", False, "no_text", "nothing left"),
    )
