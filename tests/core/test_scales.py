"""Every boundary of every scale (docs/design.md §3)."""

from decimal import Decimal

import pytest

from judgements.core.scales import (
    ICD203,
    KENT,
    NATO,
    PHIA,
    SCALES,
    find_hedges,
    get_scale,
    is_hedge,
)


def label(scale, percent) -> str:
    return scale.place(Decimal(str(percent)) / 100).label


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, "remote chance"),
        (5, "remote chance"),
        (5.01, "between remote chance and highly unlikely"),
        (9.99, "between remote chance and highly unlikely"),
        (10, "highly unlikely"),
        (20, "highly unlikely"),
        (20.5, "between highly unlikely and unlikely"),
        (25, "unlikely"),
        (35, "unlikely"),
        (37, "between unlikely and realistic possibility"),
        (40, "realistic possibility"),
        (49.99, "realistic possibility"),
        (50, "between realistic possibility and likely"),
        (52, "between realistic possibility and likely"),
        (55, "likely"),
        (75, "likely"),
        (77, "between likely and highly likely"),
        (80, "highly likely"),
        (90, "highly likely"),
        (92, "between highly likely and almost certain"),
        (95, "almost certain"),
        (100, "almost certain"),
    ],
)
def test_phia_boundaries(percent, expected):
    assert label(PHIA, percent) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, "below almost no chance"),
        (0.99, "below almost no chance"),
        (1, "almost no chance"),
        (4.99, "almost no chance"),
        (5, "very unlikely"),
        (19.99, "very unlikely"),
        (20, "unlikely"),
        (44.99, "unlikely"),
        (45, "roughly even chance"),
        (54.99, "roughly even chance"),
        (55, "likely"),
        (79.99, "likely"),
        (80, "very likely"),
        (94.99, "very likely"),
        (95, "almost certain"),
        (99, "almost certain"),
        (99.01, "above almost certain"),
        (100, "above almost certain"),
    ],
)
def test_icd203_boundaries(percent, expected):
    assert label(ICD203, percent) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, "highly unlikely"),
        (9.99, "highly unlikely"),
        (10, "unlikely"),
        (39.99, "unlikely"),
        (40, "even chance"),
        (59.99, "even chance"),
        (60, "likely"),
        (90, "likely"),
        (90.01, "highly likely"),
        (100, "highly likely"),
    ],
)
def test_nato_boundaries(percent, expected):
    assert label(NATO, percent) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, "below almost certainly not"),
        (1.99, "below almost certainly not"),
        (2, "almost certainly not"),
        (12, "almost certainly not"),
        (15, "between almost certainly not and probably not"),
        (20, "probably not"),
        (39.99, "probably not"),
        (40, "chances about even"),
        (60, "chances about even"),
        (61, "between chances about even and probable"),
        (63, "probable"),
        (86.99, "probable"),
        (87, "almost certain"),
        (99, "almost certain"),
        (99.5, "above almost certain"),
        (100, "above almost certain"),
    ],
)
def test_kent_boundaries(percent, expected):
    assert label(KENT, percent) == expected


def test_floating_point_noise_does_not_move_a_boundary():
    # 0.55 * 100 is 55.00000000000001 in binary floating point.
    assert PHIA.place(0.55).label == "likely"
    assert ICD203.place(0.2).label == "unlikely"


@pytest.mark.parametrize(
    ("scale", "term", "band", "midpoint"),
    [
        (PHIA, "remote chance", "0–5%", "2.5"),
        (PHIA, "realistic possibility", "40–<50%", "45"),
        (PHIA, "likely", "55–75%", "65"),
        (PHIA, "highly likely", "80–90%", "85"),
        (PHIA, "almost certain", "95–100%", "97.5"),
        (ICD203, "roughly even chance", "45–<55%", "50"),
        (ICD203, "almost certain", "95–99%", "97"),
        (NATO, "highly likely", ">90–100%", "95"),
        (KENT, "probable", "63–<87%", "75"),
        (KENT, "almost certainly not", "2–12%", "7"),
    ],
)
def test_term_band_and_midpoint(scale, term, band, midpoint):
    found = scale.term(term)
    assert found.band_text == band
    assert found.midpoint == Decimal(midpoint)


def test_every_midpoint_maps_back_to_its_own_term():
    for scale in SCALES.values():
        for term in scale.terms:
            assert scale.place(term.midpoint_probability).term == term


@pytest.mark.parametrize(
    ("scale", "phrase", "expected"),
    [
        (PHIA, "probable", "likely"),
        (PHIA, "Probably", "likely"),
        (PHIA, "almost certainly", "almost certain"),
        (ICD203, "remote", "almost no chance"),
        (ICD203, "highly probable", "very likely"),
        (ICD203, "nearly certainly", "almost certain"),
        (ICD203, "roughly even odds", "roughly even chance"),
        (ICD203, "improbably", "unlikely"),
        (KENT, "probably not", "probably not"),
        (KENT, "almost certainly not", "almost certainly not"),
    ],
)
def test_aliases_and_adverb_forms_name_their_term(scale, phrase, expected):
    assert scale.term(phrase).label == expected


def test_unknown_term_is_a_clear_error():
    with pytest.raises(KeyError, match="not a term on the UK Probability Yardstick"):
        PHIA.term("somewhat likely")
    with pytest.raises(KeyError, match="known scales: phia, icd203, nato, kent"):
        get_scale("mystery")


def test_probability_outside_zero_to_one_is_rejected():
    with pytest.raises(ValueError, match="must lie in"):
        PHIA.place(1.2)


@pytest.mark.parametrize("phrase", ["may", "could", "Might", "possible", "cannot rule out"])
def test_hedges_are_not_estimates(phrase):
    assert is_hedge(phrase)
    for scale in SCALES.values():
        assert scale.find_term(phrase) is None


def test_hedges_are_found_in_text_but_not_inside_terms():
    text = "It may happen; we cannot rule out a strike, a realistic possibility at most."
    assert find_hedges(text) == ["may", "cannot rule out"]
    assert not is_hedge("realistic possibility")
