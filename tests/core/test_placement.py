"""The term-or-number rule and the live placement, on plain numbers (no database)."""

from decimal import Decimal

import pytest

from judgements.core.placement import Disagreement, entered_probability, in_step, placement_text
from judgements.core.scales import PHIA


def test_placement_text_names_the_gap_between_two_terms():
    assert placement_text(Decimal("0.52"), PHIA) == "52% — between realistic possibility and likely"
    assert placement_text(Decimal("0.85"), PHIA) == "85% — highly likely (band 80–90%)"


def test_a_term_fills_in_its_midpoint_and_a_number_wins():
    likely = PHIA.term("likely")
    assert entered_probability(PHIA, likely, None) == Decimal("0.65")
    assert entered_probability(PHIA, likely, Decimal("70")) == Decimal("0.7")
    assert entered_probability(PHIA, None, None) is None


def test_a_number_outside_the_terms_band_is_refused_saying_which_to_fix():
    with pytest.raises(Disagreement, match="52% is not likely"):
        entered_probability(PHIA, PHIA.term("likely"), Decimal("52"))


def test_picking_a_term_after_a_typo_fills_in_the_midpoint():
    term, percent, text = in_step(PHIA, changed="term", label="likely", number="140")
    assert (term.label, percent) == ("likely", Decimal("65"))
    assert text == "65% — likely (band 55–75%)"


def test_typing_a_number_selects_its_term_or_none_in_a_gap():
    assert in_step(PHIA, changed="percent", label="", number="85")[0].label == "highly likely"
    assert in_step(PHIA, changed="percent", label="likely", number="52")[0] is None
    assert in_step(PHIA, changed="percent", label="", number="140")[2] == (
        "Give a number from 0 to 100."
    )
