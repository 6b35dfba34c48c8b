"""Real sentences from public intelligence products, quoted verbatim with their source.

Each entry: the sentence, the product it comes from (and where the quotation was read).
None is invented. Where a product was read through a news report quoting it, that is said.
"""

from typing import NamedTuple


class Quote(NamedTuple):
    sentence: str
    source: str


KENT_AIRFIELD = Quote(
    "It is almost certainly a military airfield.",
    "Sherman Kent, 'Words of Estimative Probability', Studies in Intelligence, Fall 1964 (CIA)",
)
KENT_PROBABLY_WILL = Quote(
    "It would be logical for them to do this and sooner or later they probably will.",
    "Sherman Kent, 'Words of Estimative Probability', Studies in Intelligence, Fall 1964 (CIA)",
)
KENT_POSSIBLE = Quote(
    "It is possible that they will.",
    "Sherman Kent, 'Words of Estimative Probability', Studies in Intelligence, Fall 1964 (CIA)",
)
NIE_29_51 = Quote(
    "we believe that the extent of [Eastern European] military and propaganda preparations "
    "indicates that an attack on Yugoslavia in 1951 should be considered a serious possibility.",
    "NIE 29-51, 'Probability of an Invasion of Yugoslavia in 1951' (March 1951), "
    "as quoted by Kent (1964) and Tetlock, Superforecasting (2015)",
)
MOD_HEAVY_FIGHTING = Quote(
    "Heavy fighting will likely take place in the suburbs of the city in coming days.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 30 March 2022 "
    "(as tweeted, quoted by the Edinburgh Evening News)",
)
MOD_LONG_TERM = Quote(
    "The Russian leadership is likely pursuing a long-term operation in the belief that "
    "Russia's advantages in population and resources will eventually wear down Ukraine.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, February 2023",
)
MOD_MIXED = Quote(
    "Russia's strategy is currently unlikely to achieve its objectives: it is highly unlikely "
    "that the Russian military is currently able to generate an effective striking force "
    "capable of retaking these areas.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 12 December 2022 "
    "(quoted by Breitbart)",
)
MOD_SEVERAL_MONTHS = Quote(
    "Russian ground forces are unlikely to make operationally significant advances within the "
    "next several months.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 12 December 2022",
)
MOD_KUPIANSK = Quote(
    "There is a realistic possibility Russia will increase the intensity of its offensive "
    "efforts on the Kupiansk-Lyman axis in the next two months, probably with the objective of "
    "advancing west to the Oskil River and creating a buffer zone around Luhansk Oblast.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 26 August 2023 "
    "(quoted by DPA / A News)",
)
MOD_GAMES = Quote(
    "Russia has likely cancelled the games mainly because it is concerned the event would be "
    "seen as frivolous in wartime.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 28 April 2023",
)
MOD_TANKS = Quote(
    "There is also a realistic possibility that due to losses in Ukraine, the Russian MOD is "
    "concerned a shortage of tanks, tanks crews and other skilled personnel will risk the "
    "Russian team's usual domination of the medal table.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, 28 April 2023",
)
MOD_MARGINAL = Quote(
    "Russia has likely only achieved marginal gains, but its renewed activity in the north "
    "highlights its importance to the Kremlin when it is concurrently facing significant "
    "pressure in the southern Zaporizhzhia sector.",
    "UK Ministry of Defence, Defence Intelligence update on Ukraine, July 2023 "
    "(quoted by RBC-Ukraine)",
)
JIC_SYRIA = Quote(
    "These factors make it highly likely that the Syrian regime was responsible.",
    "UK Joint Intelligence Committee, 'Syria: reported chemical weapons use', 29 August 2013",
)
JIC_DELEGATED = Quote(
    "Permission to authorise chemical weapons has probably been delegated by President Assad to "
    "senior regime commanders, such as, but any deliberate change in the scale and nature of use "
    "would require his authorisation.",
    "UK Joint Intelligence Committee, 'Syria: reported chemical weapons use', 29 August 2013 "
    "(redacted as published)",
)
ATA_NUCLEAR_TEST = Quote(
    "North Korea probably is preparing to test a nuclear device to further its stated military "
    "modernization goals.",
    "ODNI, Annual Threat Assessment of the U.S. Intelligence Community, 2023",
)
ATA_KIM = Quote(
    "Kim almost certainly views nuclear weapons and ICBMs as the ultimate guarantor of his "
    "autocratic rule and has no intention of abandoning those programs, believing that over time "
    "he will gain international acceptance as a nuclear power.",
    "ODNI, Annual Threat Assessment of the U.S. Intelligence Community, 2023",
)
ATA_NEXT_YEAR = Quote(
    "This assessment focuses on the most direct, serious threats to the United States during "
    "the next year.",
    "ODNI, Annual Threat Assessment of the U.S. Intelligence Community, 6 February 2023",
)
DNI_COMING_YEAR = Quote(
    "This year's assessment notes that during the coming year, the United States and its allies "
    "will face an international security environment dominated by two sets of strategic "
    "challenges that intersect with each other and existing trends to intensify their national "
    "security implications.",
    "DNI Avril Haines, opening statement on the 2023 Annual Threat Assessment, 8 March 2023",
)
NIE_IRAN_EARLIEST = Quote(
    "We judge with moderate confidence that the earliest possible date Iran would be technically "
    "capable of producing enough highly enriched uranium for a weapon is late 2009, but that "
    "this is very unlikely.",
    "NIC, National Intelligence Estimate 'Iran: Nuclear Intentions and Capabilities', "
    "Key Judgments, November 2007",
)
NIE_IRAN_HALTED = Quote(
    "We judge with high confidence that in fall 2003, Tehran halted its nuclear weapons program; "
    "we also assess with moderate-to-high confidence that Tehran at a minimum is keeping open "
    "the option to develop nuclear weapons.",
    "NIC, NIE 'Iran: Nuclear Intentions and Capabilities', Key Judgments, November 2007",
)
NIE_IRAN_PROBABLY_HALTED = Quote(
    "Our assessment that the program probably was halted primarily in response to international "
    "pressure suggests Iran may be more vulnerable to influence on the issue than we judged "
    "previously.",
    "NIC, NIE 'Iran: Nuclear Intentions and Capabilities', Key Judgments, November 2007",
)
NIE_IRAN_SCOPE = Quote(
    "This National Intelligence Estimate (NIE) assesses the status of Iran's nuclear program, "
    "and the program's outlook over the next 10 years.",
    "NIC, NIE 'Iran: Nuclear Intentions and Capabilities', Scope Note, November 2007",
)
WTA_PANDEMIC = Quote(
    "We assess that the United States and the world will remain vulnerable to the next flu "
    "pandemic or largescale outbreak of a contagious disease that could lead to massive rates of "
    "death and disability.",
    "ODNI, Worldwide Threat Assessment of the US Intelligence Community, January 2019 "
    "(quoted by NBC4 Washington)",
)
ATA_2024_NEXT_YEAR = Quote(
    "During the next year, the United States faces an increasingly fragile global order strained "
    "by accelerating strategic competition among major powers, more intense and unpredictable "
    "transnational challenges, and multiple regional conflicts with far-reaching implications.",
    "ODNI, Annual Threat Assessment of the U.S. Intelligence Community, 5 February 2024, Foreword",
)

ATA_2023_NO_DIRECT_CONFLICT = Quote(
    "Russia probably does not want a direct military conflict with U.S. and NATO forces, but "
    "there is potential for that to occur.",
    "ODNI, Annual Threat Assessment of the U.S. Intelligence Community, 8 March 2023 "
    "(as quoted in press reports of its release)",
)

ALL = [value for name, value in dict(globals()).items() if isinstance(value, Quote)]
