"""Extraction on the sample report and on real sentences from public intelligence products."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judgements.demo.loader import SAMPLE
from judgements.reports import extraction
from judgements.reports.extraction import extract, find_number, find_terms, find_time_frame
from tests.data import real_sentences as real

PUBLISHED = dt.date(2026, 1, 5)


def judge(sentence: str, *, published=PUBLISHED, scale: str = "phia"):
    """The candidate one sentence gives when a report marks it as a key judgement."""
    found = extract(f"Key Judgement 1\n\n{sentence}", published=published, scale=scale)
    assert len(found.candidates) == 1
    return found.candidates[0]


# --- The sample report ---------------------------------------------------------------------


def test_the_sample_yields_exactly_its_three_key_judgements_on_phia():
    found = extract(SAMPLE.read_text(encoding="utf-8"), published=PUBLISHED)
    assert found.marked and found.scale == "phia"
    assert [c.term for c in found.candidates] == ["highly likely", "likely", "likely"]
    assert [c.label for c in found.candidates] == [
        "Key Judgement 1",
        "Key Judgment 2",
        "Key Judgement 3",
    ]
    assert [c.probability for c in found.candidates] == [Decimal("0.85"), Decimal("0.65")] * 1 + [
        Decimal("0.65")
    ]
    assert not any(c.needs_review for c in found.candidates)


def test_the_samples_windows_are_twelve_months_from_publication():
    found = extract(SAMPLE.read_text(encoding="utf-8"), published=PUBLISHED)
    assert {(c.window_start, c.window_end) for c in found.candidates} == {
        (PUBLISHED, dt.date(2027, 1, 5))
    }
    assert {c.time_frame for c in found.candidates} == {"the next 12 months"}


def test_the_samples_bullets_become_indicators_with_their_citations():
    found = extract(SAMPLE.read_text(encoding="utf-8"), published=PUBLISHED)
    assert [len(c.indicators) for c in found.candidates] == [3, 3, 2]
    first = found.candidates[0].indicators[0]
    assert first.summary.startswith("Since the end of the Cold War, North Korea amassed a debt")
    assert "[source]" not in first.summary
    assert first.source == "[source]"
    assert all(i.source == "[source]" for c in found.candidates for i in c.indicators)


def test_the_summarys_will_likely_continue_is_not_a_candidate_when_judgements_are_marked():
    found = extract(SAMPLE.read_text(encoding="utf-8"), published=PUBLISHED)
    assert not any("will likely continue" in c.sentence for c in found.candidates)
    assert "will likely continue" in found.summary


def test_the_samples_title_and_statements_are_read():
    found = extract(SAMPLE.read_text(encoding="utf-8"), published=PUBLISHED)
    assert found.title == "North Korean clandestine activities against Japan"
    assert found.candidates[2].statement == (
        "North Korean-backed hackers will target Japan in the next 12 months."
    )


def test_without_markers_every_estimative_sentence_is_a_candidate():
    text = SAMPLE.read_text(encoding="utf-8").replace("Key Judg", "Finding ")
    found = extract(text, published=PUBLISHED)
    assert not found.marked
    assert len(found.candidates) == 4
    assert found.candidates[0].sentence.startswith("Despite the setbacks")
    assert "no time frame in the text: 12 months assumed" in found.candidates[0].review_reasons


# --- Real sentences: terms, scales, adverbs --------------------------------------------------


def test_every_real_quote_is_recorded_with_its_source():
    assert len(real.ALL) >= 20
    assert all(quote.source and quote.sentence for quote in real.ALL)


def test_phia_highly_likely_in_a_jic_assessment():
    candidate = judge(real.JIC_SYRIA.sentence)
    assert (candidate.term, candidate.probability) == ("highly likely", Decimal("0.85"))
    assert candidate.statement == "The Syrian regime was responsible."


def test_phia_realistic_possibility_in_a_defence_intelligence_update():
    candidate = judge(real.MOD_TANKS.sentence)
    assert candidate.term == "realistic possibility"
    assert candidate.probability == Decimal("0.45")
    assert candidate.statement.startswith("Due to losses in Ukraine, the Russian MOD is concerned")


def test_icd203_is_detected_from_very_unlikely_in_an_nie():
    found = extract(f"Key Judgments\n\n{real.NIE_IRAN_EARLIEST.sentence}", published=PUBLISHED)
    assert found.scale == "icd203"
    candidate = found.candidates[0]
    assert candidate.term == "very unlikely"
    # "the earliest possible date" holds a hedge word: the analyst decides.
    assert candidate.needs_review
    assert any("possible" in reason for reason in candidate.review_reasons)


def test_kent_scale_reads_kents_own_almost_certainly():
    candidate = judge(real.KENT_AIRFIELD.sentence, scale="kent")
    assert (candidate.term, candidate.probability) == ("almost certain", Decimal("0.93"))
    assert candidate.statement == "It is a military airfield."


def test_kent_scale_reads_probably_as_probable():
    candidate = judge(real.KENT_PROBABLY_WILL.sentence, scale="kent")
    assert (candidate.term, candidate.probability) == ("probable", Decimal("0.75"))


def test_nato_scale_places_unlikely_in_its_own_band():
    candidate = judge(real.MOD_SEVERAL_MONTHS.sentence, scale="nato")
    assert (candidate.term, candidate.probability) == ("unlikely", Decimal("0.25"))
    assert candidate.statement.startswith("Russian ground forces will make operationally")


def test_terms_a_scale_lacks_are_flagged_not_guessed():
    candidate = judge(
        real.KENT_AIRFIELD.sentence.replace("almost certainly", "likely"), scale="kent"
    )
    assert candidate.term is None and candidate.probability is None
    assert "'likely' is not a term on the Sherman Kent (1964)" in candidate.review_reasons


def test_adverb_likely_after_will():
    candidate = judge(real.MOD_HEAVY_FIGHTING.sentence)
    assert candidate.term == "likely"
    assert candidate.statement.startswith("Heavy fighting will take place in the suburbs")


def test_adverb_probably_before_the_verb_in_an_ata():
    candidate = judge(real.ATA_NUCLEAR_TEST.sentence)
    assert candidate.term == "likely" and candidate.phrase == "probably"
    assert candidate.statement.startswith("North Korea is preparing to test a nuclear device")


def test_adverb_almost_certainly_in_an_ata():
    candidate = judge(real.ATA_KIM.sentence, scale="icd203")
    assert (candidate.term, candidate.probability) == ("almost certain", Decimal("0.97"))
    assert candidate.statement.startswith("Kim views nuclear weapons and ICBMs")


def test_adverb_probably_with_a_perfect_tense():
    candidate = judge(real.JIC_DELEGATED.sentence)
    assert candidate.term == "likely"
    assert candidate.statement.startswith("Permission to authorise chemical weapons has been")


@pytest.mark.parametrize("quote", [real.MOD_LONG_TERM, real.MOD_GAMES, real.MOD_MARGINAL])
def test_likely_in_present_and_perfect_tenses(quote):
    candidate = judge(quote.sentence)
    assert candidate.term == "likely" and candidate.probability == Decimal("0.65")
    assert "likely" not in candidate.statement


# --- Hedges, mixed terms, nothing to track ---------------------------------------------------


def test_kents_it_is_possible_is_a_hedge_with_no_number():
    candidate = judge(real.KENT_POSSIBLE.sentence)
    assert candidate.needs_review
    assert candidate.term is None and candidate.probability is None
    assert "hedge 'possible': not an estimate, decide the number" in candidate.review_reasons


def test_serious_possibility_of_nie_29_51_is_a_hedge_with_its_year_as_window():
    candidate = judge(real.NIE_29_51.sentence, published=dt.date(1951, 3, 20))
    assert candidate.term is None and candidate.needs_review
    assert any("serious possibility" in reason for reason in candidate.review_reasons)
    assert (candidate.window_start, candidate.window_end) == (
        dt.date(1951, 3, 20),
        dt.date(1951, 12, 31),
    )


def test_a_hedge_beside_a_term_keeps_the_term_but_asks():
    candidate = judge(real.NIE_IRAN_PROBABLY_HALTED.sentence)
    assert candidate.term == "likely"
    assert "hedge 'may': not an estimate, decide the number" in candidate.review_reasons


def test_mixed_terms_are_not_guessed():
    candidate = judge(real.MOD_MIXED.sentence)
    assert candidate.term is None and candidate.probability is None
    assert candidate.review_reasons[-1].startswith("mixed or nested terms 'unlikely' and")


def test_nested_terms_realistic_possibility_and_probably_are_flagged():
    candidate = judge(real.MOD_KUPIANSK.sentence)
    assert candidate.term is None
    assert any("mixed or nested" in reason for reason in candidate.review_reasons)


def test_unmarked_sentences_without_estimative_words_are_not_candidates():
    text = " ".join(q.sentence for q in (real.NIE_IRAN_HALTED, real.ATA_NEXT_YEAR))
    assert extract(text, published=PUBLISHED).candidates == []


def test_unmarked_hedge_only_sentences_are_candidates_when_phrased_as_assessments():
    for sentence, published in [
        (real.KENT_POSSIBLE.sentence, PUBLISHED),
        (real.NIE_29_51.sentence, dt.date(1951, 3, 20)),
        (real.WTA_PANDEMIC.sentence, dt.date(2019, 1, 29)),
    ]:
        found = extract(sentence, published=published)
        assert len(found.candidates) == 1 and found.candidates[0].needs_review
    plain = "Pyongyang may send more diplomats to Tokyo."
    assert extract(plain, published=PUBLISHED).candidates == []


# --- Negation ---------------------------------------------------------------------------------


def test_a_real_negated_adverb_keeps_the_negation_with_the_terms_number():
    candidate = judge(real.ATA_2023_NO_DIRECT_CONFLICT.sentence, scale="icd203")
    assert candidate.negated
    assert (candidate.term, candidate.probability) == ("likely", Decimal("0.675"))
    assert candidate.statement.startswith(
        "Russia does not want a direct military conflict with U.S. and NATO forces"
    )


# The variants below are labelled adaptations of the real sentences above, to pin down each
# branch of the documented rule.


def test_negated_adverb_keeps_the_negation_in_the_statement_with_the_terms_number():
    candidate = judge("North Korea almost certainly will not abandon its nuclear weapons.")
    assert candidate.negated
    assert (candidate.term, candidate.probability) == ("almost certain", Decimal("0.975"))
    assert candidate.statement == "North Korea will not abandon its nuclear weapons."


def test_on_kent_the_negation_belongs_to_the_term_and_the_statement_is_positive():
    candidate = judge(
        "North Korea almost certainly will not abandon its nuclear weapons.", scale="kent"
    )
    assert (candidate.term, candidate.probability) == ("almost certainly not", Decimal("0.07"))
    assert candidate.statement == "North Korea will abandon its nuclear weapons."


def test_kent_probably_not_is_its_own_term():
    candidate = judge("It is probably not a military airfield.", scale="kent")
    assert (candidate.term, candidate.probability) == ("probably not", Decimal("0.30"))
    assert candidate.statement == "It is a military airfield."


def test_likely_not_to_is_a_negative_proposition():
    candidate = judge("Russia is likely not to mobilise before the election.")
    assert candidate.negated and candidate.term == "likely"
    assert candidate.statement == "Russia will not mobilise before the election."


def test_not_likely_is_flagged_because_it_does_not_say_how_likely():
    candidate = judge("Russia is not likely to mobilise before the election.")
    assert candidate.term is None
    assert "'not' in front of 'likely': the text does not say how likely" in (
        candidate.review_reasons
    )


def test_find_terms_reads_adverb_and_negated_forms():
    hits = find_terms("It almost certainly does not and probably won't.")
    assert [(h.base, h.negated) for h in hits] == [("almost certain", True), ("probable", True)]


# --- Numbers ------------------------------------------------------------------------------------
# The bracketed forms are the issue's own examples; no public product with one was verified.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("very unlikely [1/10]", Decimal("0.1")),
        ("likely (75%)", Decimal("0.75")),
        ("likely (55-75%)", Decimal("0.65")),
        ("highly likely [85 percent]", Decimal("0.85")),
        ("a 30% chance", Decimal("0.3")),
    ],
)
def test_numbers_the_text_gives_are_read(text, value):
    assert find_number(text)[0] == value


def test_a_number_in_brackets_overrides_the_midpoint_and_is_checked_against_the_band():
    candidate = judge(
        "Russia is very unlikely [1/10] to attack in the next 12 months.", scale="icd203"
    )
    assert (candidate.term, candidate.probability) == ("very unlikely", Decimal("0.1"))
    assert candidate.number_in_text and not candidate.needs_review
    assert candidate.statement == "Russia will attack in the next 12 months."
    outside = judge("Russia is likely (45%) to attack in the next 12 months.")
    assert any("outside 'likely'" in reason for reason in outside.review_reasons)


def test_square_brackets_that_are_not_numbers_are_not_numbers():
    assert find_number(real.NIE_29_51.sentence) is None


# --- Time frames -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "published", "window"),
    [
        (
            real.MOD_KUPIANSK.sentence,
            dt.date(2023, 8, 26),
            (dt.date(2023, 8, 26), dt.date(2023, 10, 26)),
        ),
        (
            real.ATA_NEXT_YEAR.sentence,
            dt.date(2023, 2, 6),
            (dt.date(2023, 2, 6), dt.date(2024, 2, 6)),
        ),
        (
            real.DNI_COMING_YEAR.sentence,
            dt.date(2023, 3, 8),
            (dt.date(2023, 3, 8), dt.date(2024, 3, 8)),
        ),
        (
            real.NIE_IRAN_SCOPE.sentence,
            dt.date(2007, 11, 1),
            (dt.date(2007, 11, 1), dt.date(2017, 11, 1)),
        ),
        (
            real.NIE_29_51.sentence,
            dt.date(1951, 3, 20),
            (dt.date(1951, 3, 20), dt.date(1951, 12, 31)),
        ),
        (
            real.ATA_2024_NEXT_YEAR.sentence,
            dt.date(2024, 2, 5),
            (dt.date(2024, 2, 5), dt.date(2025, 2, 5)),
        ),
        ("in the next 12 months", PUBLISHED, (PUBLISHED, dt.date(2027, 1, 5))),
        ("in the coming six months", PUBLISHED, (PUBLISHED, dt.date(2026, 7, 5))),
        ("by the end of 2027", PUBLISHED, (PUBLISHED, dt.date(2027, 12, 31))),
        ("next two months", PUBLISHED, (PUBLISHED, dt.date(2026, 3, 5))),
        ("in 2028", PUBLISHED, (dt.date(2028, 1, 1), dt.date(2028, 12, 31))),
    ],
)
def test_time_frames_give_windows_from_the_publication_date(sentence, published, window):
    frame = find_time_frame(sentence, published)
    assert (frame.start, frame.end) == window


def test_vague_time_frames_are_flagged():
    candidate = judge(real.MOD_HEAVY_FIGHTING.sentence, published=dt.date(2022, 3, 30))
    assert candidate.window_end == dt.date(2022, 4, 13)
    assert "vague time frame 'coming days': check the window" in candidate.review_reasons
    several = judge(real.MOD_SEVERAL_MONTHS.sentence, published=dt.date(2022, 12, 12))
    assert several.window_end == dt.date(2023, 6, 12) and several.needs_review


def test_past_years_are_history_not_a_time_frame():
    assert find_time_frame(real.NIE_IRAN_HALTED.sentence, dt.date(2007, 11, 1)) is None


def test_no_time_frame_means_twelve_months_flagged():
    candidate = judge(real.JIC_SYRIA.sentence, published=dt.date(2013, 8, 29))
    assert candidate.window_end == dt.date(2014, 8, 29)
    assert candidate.review_reasons == ["no time frame in the text: 12 months assumed"]


# --- Structure, citations, highlighting ------------------------------------------------------


def test_sentences_after_the_judgement_and_bullets_under_it_are_its_indicators():
    text = (
        "Key Judgments\n\n"
        "A. We assess that Iran is likely to test a missile in the next six months. "
        "Launch pads were cleared in May (Reuters, 2024).\n"
        "- Imagery shows new fuel trucks https://example.org/imagery [12]\n"
        "- A NOTAM was issued [MoD]\n\n"
        "Discussion\n\nIran may also test something else."
    )
    found = extract(text, published=PUBLISHED)
    assert len(found.candidates) == 1
    candidate = found.candidates[0]
    assert candidate.statement == "Iran will test a missile in the next six months."
    assert [i.source for i in candidate.indicators] == [
        "(Reuters, 2024)",
        "https://example.org/imagery; [12]",
        "[MoD]",
    ]
    assert candidate.indicators[1].summary == "Imagery shows new fuel trucks"


def test_sentences_split_at_full_stops_but_not_at_abbreviations():
    parts = extraction.sentences("The U.S. Army is likely to move. Mr. Kim will not.")
    assert parts == ["The U.S. Army is likely to move.", "Mr. Kim will not."]


@given(st.text(max_size=400))
@settings(max_examples=200, deadline=None)
def test_any_text_extracts_without_error(text):
    found = extract(text, published=PUBLISHED)
    for candidate in found.candidates:
        assert candidate.window_end > candidate.window_start
        assert "".join(piece for piece, _ in candidate.segments) == candidate.sentence


@given(
    st.lists(
        st.sampled_from(
            [
                "Key Judgement 2",
                "• ",
                "likely",
                "may",
                "[1/0]",
                "(0%)",
                "in 2028",
                "\n\n",
                "It is",
                " not ",
                "the next few weeks",
                "by the end of 1999",
                ".",
            ]
        ),
        max_size=30,
    )
)
@settings(max_examples=200, deadline=None)
def test_report_shaped_text_extracts_without_error(parts):
    found = extract(" ".join(parts), published=PUBLISHED)
    for candidate in found.candidates:
        assert candidate.window_end > candidate.window_start
        assert candidate.probability is None or 0 <= candidate.probability <= 1


def test_the_sentence_is_cut_with_its_estimative_words_and_time_frame_marked():
    candidate = judge("Hackers are likely to target Japan in the next 12 months.")
    assert [text for text, marked in candidate.segments if marked] == [
        "likely",
        "the next 12 months",
    ]
    assert "".join(text for text, _ in candidate.segments) == candidate.sentence


def test_json_has_the_documented_keys():
    candidate = judge("Hackers are likely to target Japan in the next 12 months.")
    assert set(candidate.as_json()) == {
        "statement", "sentence", "term", "scale", "probability", "window_start",
        "window_end", "needs_review", "review_reasons", "indicators",
    }  # fmt: skip


def test_scale_detection_prefers_the_default_when_ambiguous():
    assert extraction.detect_scale(["likely", "highly likely"], default="phia")[0] == "phia"
    assert extraction.detect_scale(["likely", "highly likely"], default="nato")[0] == "nato"
    assert extraction.detect_scale(["very likely", "probable"], default="phia")[0] == "icd203"
    assert extraction.detect_scale(["remote chance"], default="icd203")[0] == "phia"


def test_markdown_headings_and_judgements_on_the_marker_line_are_read():
    text = (
        "# Missiles\n\n"
        "## Key Judgement 1: Iran is highly likely to test a missile by the end of 2027.\n\n"
        "- Pads cleared [1]\n\n"
        "## Key Judgement 2\n\nIran is likely (45%) to test another in 2028.\n"
    )
    found = extract(text, published=PUBLISHED)
    assert found.title == "Missiles"
    first, second = found.candidates
    assert (first.label, first.window_end, first.indicators[0].source) == (
        "Key Judgement 1",
        dt.date(2027, 12, 31),
        "[1]",
    )
    assert second.review_reasons == ["the number 45% lies outside 'likely' (55–75%)"]


# --- Kent's clause, past end dates, the calendar's end -----------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Chances are about even that the regime will fall within the year.",
        "The chances are about even that the regime will fall within the year.",
        "The chance is about even that the regime will fall within the year.",
        "Chances are even that the regime will fall within the year.",
        "Chances about even that the regime will fall within the year.",
    ],
)
def test_kents_even_odds_clause_is_found_with_are_or_is(sentence):
    found = extract(sentence, published=PUBLISHED)
    assert found.scale == "kent" and len(found.candidates) == 1
    candidate = found.candidates[0]
    assert (candidate.term, candidate.probability) == ("chances about even", Decimal("0.5"))
    assert candidate.statement == "The regime will fall within the year."
    marked = [text for text, is_marked in candidate.segments if is_marked]
    assert marked[0].lower().startswith("chance") and marked[0].endswith("even")


def test_even_as_an_adverb_is_not_kents_term():
    assert find_terms("The chance is even higher that the talks will fail.") == []


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("The regime is likely to fall by the end of 1999.", "by the end of 1999"),
        ("The regime is likely to fall by 2019.", "by 2019"),
        ("The regime is likely to fall between 1990 and 1995.", "between 1990 and 1995"),
    ],
)
def test_an_explicit_end_before_publication_is_its_own_review_reason(sentence, frame):
    candidate = judge(sentence)
    assert candidate.review_reasons == [
        f"the time frame '{frame}' ends before the publication date: "
        "12 months assumed, check the window"
    ]
    assert (candidate.window_start, candidate.window_end) == (PUBLISHED, dt.date(2027, 1, 5))
    assert candidate.time_frame == frame


def test_a_past_end_gives_way_to_a_real_time_frame_in_the_same_sentence():
    candidate = judge("Unlike by the end of 1999, it is likely to fall in the next six months.")
    assert candidate.window_end == dt.date(2026, 7, 5) and not candidate.needs_review


@pytest.mark.parametrize("published", [dt.date(9999, 12, 31), dt.date(9999, 6, 1)])
def test_a_publication_date_at_the_calendars_end_is_flagged_not_an_overflow(published):
    candidate = judge("The regime is likely to fall in the next 12 months.", published=published)
    assert candidate.needs_review
    assert candidate.review_reasons == [
        f"no window fits after a publication date of {published.isoformat()}: "
        "check the publication date and set the window"
    ]
    assert candidate.window_start == candidate.window_end == published


TIME_FRAME_FORMS = [
    "in the next 12 months", "within 3 years", "the next decade", "the coming weeks",
    "by the end of 2027", "by the end of this decade", "between 2026 and 2030", "by mid-2028",
    "in 2028", "this year", "in the coming six months", "",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(published=st.dates(), frame=st.sampled_from(TIME_FRAME_FORMS))
def test_no_publication_date_makes_extraction_raise(published, frame):
    found = extract(f"The regime is likely to fall {frame}.", published=published)
    candidate = found.candidates[0]
    assert candidate.window_start <= candidate.window_end
    assert candidate.window_end > candidate.window_start or candidate.needs_review
