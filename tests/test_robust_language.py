"""The language decision: English is never quarantined, other languages only when confident.

The texts are handmade for these tests, in the style of news copy. ``ENGLISH``: short, quote-heavy
or name-heavy English texts (results, lists, headlines, an English article with a long German
quote) that must be kept. ``FOREIGN``: a few sentences in another language each, with the ISO 639-1
code they must be quarantined as.
"""

from __future__ import annotations

import polars as pl
import pytest

from transforms import schema
from transforms.clean import clean_articles, language_verdict, own_prose

ENGLISH: tuple[str, ...] = (
    'X said, "I love cats!"',
    'Mara Quell said, "Never again."',
    "Storm cuts power to thousands along coast",
    "Harbour Board Approves Dredging Plan",
    "Lindqvist, Moreau and Okafor named in squad",
    "Results\n\nBorussia Kessel 3 Rotweiler Stadt 1\nAtletico Varra 0 Deportivo Lune 0\n"
    "Inter Solmi 2 Juventa Perla 2\nAjax Bremhaven 4 Feyen Port 1",
    "Final standings: Van der Berg 71, Schmidt 70, Rossi 69, Nakamura 68, Fernandes 68, Kowalski 67",
    "Squad: Jan Kowalczyk, Piotr Zielinski, Marco Bellini, Luca Ferraro, Hans Gruber, "
    "Dirk van Houten, Sven Lindqvist, Joao Almeida",
    "Bayern Kessel 3 Borussia Varra 1",
    "Lewandorf scored twice as Kessel beat Varra",
    "Giovanni Ferraro, Alessandro Bellini and Matteo Conti",
    "Tennis: Moreau beat Schultz 6-4 6-3; Dijkstra beat Rossi 7-5 6-2; Nakamura beat Silva 6-1 6-0",
    "Weather: Berlin 12C, Amsterdam 11C, Jakarta 31C, Roma 19C, Madrid 22C, Lisboa 20C",
    "Markets: DAX 15,230 (+0.4%), CAC 40 7,110 (-0.2%), FTSE MIB 28,400 (+0.1%), AEX 780 (0.0%)",
    'The coach said: "Wir haben heute sehr gut gespielt und wir sind stolz auf die Mannschaft. '
    "Die Spieler haben alles gegeben, und das Publikum war fantastisch. Wir freuen uns auf das "
    'nächste Spiel in München, wo wir wieder gewinnen wollen."\n\nHe added that the team would rest on Monday.',
    "The mayor of Eastvale met the chancellor on Friday. \u201cDie Zusammenarbeit zwischen unseren "
    "Städten ist wichtiger denn je, und wir werden die neuen Projekte gemeinsam finanzieren, "
    "sobald der Haushalt im Herbst beschlossen ist\u201d, the chancellor said in German.",
    'Officials in Jakarta said the flood had passed. "Kami sudah siap untuk membantu semua warga '
    'yang terdampak banjir di kota ini dan di desa sekitarnya," the governor told reporters.',
    "Obituary: Hendrik Janssen, 1931-2024",
    "Pieter de Vries, Anke Bakker, Joost Visser",
    "Prime Minister Rutte Meets Chancellor Scholz in Berlin",
    "Sanchez, Garcia, Lopez, Martinez Lead Polls",
    "Ferrari wins at Monza",
    "Volkswagen recalls 40,000 cars",
    '"Absolutely not," she said.',
    '"Merci beaucoup," said the ambassador.',
    "Inter 2 Milan 1 (Lautaro 12, Barella 55; Giroud 78)",
    "Kessel: Neumann; Becker, Hofmann, Schulz, Krause; Wagner, Richter, Klein; Wolf, Schroeder, Neumann",
    "CYCLING: Tour stage 5 results - 1. Van Aert 4:12:33 2. Pogacar +0:02 3. Vingegaard +0:05",
    "Scores on Sunday: Dortmund 2 Leipzig 2, Bremen 1 Mainz 0, Freiburg 3 Koeln 1, Bochum 0 Union 1",
    "Indonesia's Widodo visits Papua",
    "BRIEF-Deutsche Lufthansa Q3 revenue rises",
    "Kessel, Varra and Solmi said nothing.",
    "Ja, nein, vielleicht: the referendum explained",
    "Rossi and Bellini back for Varra derby",
    "Dutch PM Rutte says coalition talks with VVD, D66, CDA and ChristenUnie to resume",
    "Rennes 1 Nantes 1\nLens 2 Lille 0\nNice 0 Monaco 3\nBrest 1 Reims 1",
)

FOREIGN: tuple[tuple[str, str], ...] = (
    (
        "de",
        "Die Stadtverwaltung hat am Montag beschlossen, zwei Schulen auf dem Land wieder zu öffnen. "
        "Viele Eltern hatten sich beschwert, dass ihre Kinder jeden Tag mehr als eine Stunde im Auto "
        "sitzen müssen. Die neuen Lehrer sollen im Sommer eingestellt werden.",
    ),
    (
        "fr",
        "Le conseil municipal a voté mardi la réouverture de la piscine du quartier nord, fermée "
        "depuis trois ans. Les travaux coûteront environ deux millions d'euros et dureront huit mois, "
        "selon la mairie qui promet une ouverture avant l'été.",
    ),
    (
        "es",
        "El ayuntamiento aprobó el lunes un plan para reparar los puentes del centro de la ciudad. "
        "Las obras comenzarán en marzo y durarán casi un año, según explicó la alcaldesa, que pidió "
        "paciencia a los vecinos por los cortes de tráfico.",
    ),
    (
        "it",
        "Il consiglio comunale ha approvato ieri il nuovo piano per il trasporto pubblico della città. "
        "Le linee degli autobus saranno ridisegnate entro la fine dell'anno e il prezzo del biglietto "
        "resterà invariato, ha detto l'assessore ai trasporti.",
    ),
    (
        "nl",
        "De gemeenteraad heeft maandag besloten om twee dorpsscholen weer te openen. Veel ouders "
        "klaagden dat hun kinderen elke dag meer dan een uur in de auto zaten. De nieuwe leraren "
        "worden deze zomer aangenomen.",
    ),
    (
        "id",
        "Pemerintah kota pada hari Senin memutuskan untuk membuka kembali dua sekolah desa. Banyak "
        "orang tua mengeluh bahwa anak-anak mereka harus menempuh perjalanan lebih dari satu jam "
        "setiap hari. Guru baru akan direkrut pada bulan Juli.",
    ),
    (
        "pt",
        "A prefeitura anunciou nesta terça-feira um novo plano para reduzir o trânsito no centro da "
        "cidade. As obras devem começar em abril e custar cerca de dez milhões de reais, segundo o "
        "secretário de obras, que não deu mais detalhes.",
    ),
    (
        "sv",
        "Kommunen beslutade på måndagen att öppna två skolor på landsbygden igen. Många föräldrar har "
        "klagat på att deras barn måste åka bil i mer än en timme varje dag. De nya lärarna ska "
        "anställas under sommaren.",
    ),
    (
        "pl",
        "Rada miasta zdecydowała w poniedziałek o ponownym otwarciu dwóch wiejskich szkół. Wielu "
        "rodziców skarżyło się, że ich dzieci muszą codziennie spędzać ponad godzinę w samochodzie. "
        "Nowi nauczyciele zostaną zatrudnieni latem.",
    ),
    (
        "tr",
        "Belediye meclisi pazartesi günü iki köy okulunu yeniden açma kararı aldı. Birçok veli, "
        "çocuklarının her gün bir saatten fazla arabada kaldığından şikayet etmişti. Yeni öğretmenler "
        "yaz aylarında işe alınacak.",
    ),
    (
        "ro",
        "Consiliul local a decis luni redeschiderea a două școli din sate. Mulți părinți s-au plâns "
        "că copiii lor trebuie să petreacă în fiecare zi mai mult de o oră în mașină. Noii profesori "
        "vor fi angajați în timpul verii.",
    ),
    (
        "ru",
        "Городской совет в понедельник решил снова открыть две сельские школы. Многие родители "
        "жаловались, что их дети каждый день проводят в машине больше часа.",
    ),
    (
        "de",
        "Bayern München hat am Samstag gegen Borussia Dortmund mit 3:1 gewonnen. Der Trainer sagte "
        "nach dem Spiel, dass die Mannschaft in der zweiten Halbzeit viel besser gespielt habe und "
        "dass er mit der Leistung sehr zufrieden sei.",
    ),
    (
        "fr",
        "« Nous ne céderons pas », a déclaré la ministre. Le gouvernement a présenté mercredi un "
        "projet de loi sur les retraites qui sera débattu au Parlement le mois prochain, malgré "
        "l'opposition des syndicats.",
    ),
)


def _raw(texts: list[str]) -> pl.DataFrame:
    rows = [
        {
            "source_path": f"t{i:03d}.txt",
            "record": None,
            "format": "txt",
            "text": t,
            "raw_sha256": "0" * 64,
            "size_bytes": len(t),
        }
        for i, t in enumerate(texts)
    ]
    return schema.conform(pl.DataFrame(rows), schema.RAW_ARTICLES)


def test_the_sets_are_big_enough() -> None:
    assert len(ENGLISH) >= 30 and len(FOREIGN) >= 10
    assert len({lang for lang, _ in FOREIGN}) >= 8


def test_every_english_text_is_kept() -> None:
    articles, bad = clean_articles(_raw(list(ENGLISH)))
    assert [b["detail"] for b in bad if b["reason"] == "not_english"] == []
    # exact duplicates aside (none here), every text is an article, labelled English or undecided
    assert articles.height == len(ENGLISH)
    assert set(articles["language"]) <= {"en", "und"}


def test_every_foreign_text_is_quarantined_with_language_and_confidence() -> None:
    articles, bad = clean_articles(_raw([t for _, t in FOREIGN]))
    assert articles.height == 0
    details = {b["source_path"]: b["detail"] for b in bad}
    for i, (lang, _) in enumerate(FOREIGN):
        detail = str(details[f"t{i:03d}.txt"])
        assert detail.startswith(f"detected language: {lang} (confidence "), detail


def test_foreign_texts_are_labelled_when_kept() -> None:
    articles, bad = clean_articles(_raw([t for _, t in FOREIGN]), english_only=False)
    assert bad == [] and articles.height == len(FOREIGN)
    assert sorted(articles["language"]) == sorted(lang for lang, _ in FOREIGN)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ('X said, "I love cats!"', "und"),
        ("", "und"),
        ("12 34 56", "und"),
        ("Kessel 3 Varra 1\nSolmi 0 Perla 2", "und"),
    ],
)
def test_short_and_undecidable_texts_are_und(text: str, language: str) -> None:
    v = language_verdict(text)
    assert v.language == language and not v.foreign


def test_own_prose_sets_quotes_and_name_lines_apart() -> None:
    text = (
        "Kessel 3 Varra 1\nAnna Rossi, Marco Bellini, Luca Ferraro\n"
        'The mayor said on Friday that \u201cdie Stadt ist bereit\u201d and "wir sind stolz" before leaving.'
    )
    prose = own_prose(text)
    assert prose == "The mayor said on Friday that   and   before leaving."


def test_a_long_english_quote_in_a_german_article_does_not_make_it_english() -> None:
    text = (
        "Die Bürgermeisterin hat am Montag die neuen Pläne für den Hafen vorgestellt, die von der "
        "Stadtverwaltung seit zwei Jahren vorbereitet wurden. \u201cWe are very happy with the "
        "plan and we think that the harbour will be the heart of the city again,\u201d sagte der "
        "britische Investor. Die Arbeiten sollen im Frühjahr beginnen und zwei Jahre dauern."
    )
    v = language_verdict(text)
    assert v.language == "de" and v.foreign
