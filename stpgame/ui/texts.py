"""Words on the page, in the language of the room (NHS and council staff, students).

Kept apart from the components so wording can be reviewed in one place and the
component tests can look things up by the same names. Facts quoted here come
from the seed articles ([000]..[004]) or calibration.md, as cited.
"""

from __future__ import annotations

from stpgame.core.outputs import REGISTRY as OUTPUTS

APP_TITLE = "The integration game"
APP_SUBTITLE = "NHS trusts, CCGs and councils sharing budgets under regulators' rules"

# How each organisation type is named on the page (singular, plural).
ORG_LABELS: dict[str, tuple[str, str]] = {
    "acute": ("Acute trust", "Acute trusts"),
    "community": ("Community / mental-health trust", "Community and mental-health trusts"),
    "ccg": ("CCG", "CCGs"),
    "council": ("Council", "Councils"),
}
ORG_SHORT = {"acute": "Acute", "community": "Community", "ccg": "CCG", "council": "Council"}
ORG_SHORT_PLURAL = {
    "acute": "Acute trusts",
    "community": "Community trusts",
    "ccg": "CCGs",
    "council": "Councils",
}
# One colour per organisation type, the same in every chart (colour-blind safe, Okabe & Ito 2008).
ORG_COLOURS = {"acute": "#0072B2", "community": "#009E73", "ccg": "#CC79A7", "council": "#E69F00"}

SYSTEM_COLOUR = "#1f3b73"  # the whole system
INDIVIDUAL_COLOUR = "#b35900"  # each organisation on its own
POOLED_COLOUR = "#009E73"
WITHHELD_COLOUR = "#D55E00"
NOT_YET_COLOUR = "#9e9e9e"
A_COLOUR, B_COLOUR = "#1f3b73", "#D55E00"

# Plain-English names of the decision rules (the registry's own labels are the fallback).
STRATEGY_WORDS = {
    "always_cooperate": "Always pool",
    "always_defect": "Never pool: fortress",
    "tit_for_tat": "Tit for tat: do what partners did last year",
    "generous_tit_for_tat": "Generous tit for tat: forgive now and then",
    "grim_trigger": "Grim trigger: pool until let down once",
    "win_stay_lose_shift": "Win-stay, lose-shift: repeat what worked",
    "tit_for_two_tats": "Tit for two tats: forgive one let-down",
    "suspicious_tit_for_tat": "Suspicious tit for tat: wait and see first",
    "alternator": "Alternate: pool one year, keep the next",
    "trusted_partners": "Pool with trusted partners only",
    "reinforcement": "Learn from own results",
    "imitation": "Copy better-performing peers",
}
PRESET_MIX = "As in the scenario (a mix)"

TABS = (
    "Together vs alone",
    "Relationships",
    "Different rules (A/B)",
    "Play an organisation",
    "The game",
    "Explain",
    "Download",
    "England's 44 places",
)

SYSTEM_HEADING = "The whole system"
INDIVIDUAL_HEADING = "Each organisation on its own"
PRICE_HEADING = OUTPUTS["price_of_fortress"].label
PRICE_HELP = (
    "What the whole system gives up this year compared with every organisation pooling "
    "(collective welfare if all pool, minus collective welfare under these rules), £m."
)

# Sources named on the Explain tab. The seed articles are cited as [000]..[004] in the
# model; these are their titles. Further links are the public reports in calibration.md.
SEEDS = {
    "[000]": "iMPOWER, 'A Question of Behaviours' (2014): 56% of GPs rate relations with "
    "adult social services poor or unsatisfactory",
    "[001]": "Policy Innovation Research Unit, early evaluation of the integrated care "
    "pioneers (2016/17): the 'integration paradox', staff 'firefighting', simpler "
    "structures help",
    "[002]": "P. Carey-Kent (CIPFA), 'Health integration: a tall order?', NHE Nov/Dec 2017: "
    "a prisoner's dilemma; CIPFA survey of 56 organisations",
    "[003]": "'What's stopping genuine health and social care integration in England?': "
    "regulators judge single organisations, a 'fortress mentality'; Canterbury (NZ)",
    "[004]": "J. Marshall, on the £3.8bn Better Care Fund: not new money; leadership, "
    "double running, outcome measures",
}
LINKS = (
    (
        "NHS England: the 44 STP footprints (March 2016)",
        "https://www.england.nhs.uk/publication/sustainability-and-transformation-plan-footprints-march-2016/",
    ),
    (
        "Public Accounts Committee: Integrating health and social care (HC 959, 2017)",
        "https://publications.parliament.uk/pa/cm201617/cmselect/cmpubacc/959/95907.htm",
    ),
    (
        "NAO: Sustainability and transformation in the NHS (HC 719, 2018)",
        "https://www.nao.org.uk/press-releases/sustainability-and-transformation-in-the-nhs/",
    ),
    (
        "Commons Library: Delayed transfers of care in the NHS (CBP-7415)",
        "https://commonslibrary.parliament.uk/research-briefings/cbp-7415/",
    ),
    (
        "King's Fund: Reviewing the Better Care Fund: time to be bold? (2018)",
        "https://www.kingsfund.org.uk/blog/2018/10/reviewing-better-care-fund-time-be-bold",
    ),
    (
        "King's Fund: Trusts in deficit",
        "https://www.kingsfund.org.uk/projects/nhs-in-a-nutshell/trusts-deficit",
    ),
    (
        "LGC: Northamptonshire's section 114 notice (2018)",
        "https://www.lgcplus.com/finance/northants-section-114-notice-what-you-need-to-know/7025389.article",
    ),
)

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "STP",
        "Sustainability and Transformation Partnership (at first 'Plan'): one of 44 areas of "
        "England, set up in 2016, in which the NHS and councils were asked to plan health and "
        "care together. They later became Integrated Care Systems (ICSs).",
    ),
    (
        "Footprint",
        "The area an STP covers and the organisations in it. Some are simple (one council, one "
        "CCG, one hospital trust), some hold dozens of bodies whose boundaries do not match [001].",
    ),
    (
        "CCG",
        "Clinical Commissioning Group: a GP-led NHS body that bought (commissioned) hospital and "
        "community care for its area; 207 in 2017. Replaced by Integrated Care Boards in 2022.",
    ),
    (
        "Acute trust",
        "An NHS trust running hospitals with emergency departments. Paid largely by activity, so "
        "fewer admissions can mean less income.",
    ),
    (
        "Community / mental-health trust",
        "An NHS trust providing community nursing, therapy and mental-health services.",
    ),
    (
        "Council (adult social care)",
        "The local authority responsible for adult social care: home care, care homes, "
        "reablement, and prevention such as befriending and lunch clubs [001].",
    ),
    (
        "BCF",
        "Better Care Fund: from 2015 a national minimum of £3.8bn of NHS and council money that "
        "had to be pooled locally for joined-up care; 'not new money but a pooling of existing "
        "resources' [004].",
    ),
    (
        "Delayed transfer of care",
        "A patient ready to leave hospital who cannot, for example while waiting for a care "
        "package. Counted in bed days: 2.3 million in England in 2016/17 (Commons Library).",
    ),
    (
        "Control total",
        "The financial result (surplus or deficit) NHS regulators set each trust and CCG; money "
        "from the Sustainability and Transformation Fund depended on meeting it. A system "
        "control total sets one target for a whole area instead.",
    ),
    (
        "Balanced budget and section 114",
        "Councils must by law balance their budget every year. If spending will exceed "
        "resources the finance officer issues a section 114 notice (Local Government Finance "
        "Act 1988) and spending stops. So a council cannot run a deficit: it cuts services.",
    ),
    (
        "Regulatory rating",
        "How NHS Improvement rated each provider alone (Single Oversight Framework, segments "
        "1 'maximum autonomy' to 4 'special measures'). Here: the score each body is judged on.",
    ),
    (
        "Pooling",
        "Putting part of an organisation's budget into shared, joined-up or preventive services. "
        "In the game this is 'cooperating'; keeping the money in-house is 'withholding'.",
    ),
    (
        "Prisoner's dilemma",
        "A game in which each side does better for itself by not cooperating, whatever the "
        "other does, yet both end up worse off than if both had cooperated [002].",
    ),
    (
        "Fortress mentality",
        "Each organisation protecting its own budget and targets because that is what it is "
        "judged on, rather than the health of the whole system [003].",
    ),
    (
        "Price of fortress behaviour",
        "How much the whole system loses, in £m, compared with everyone pooling. "
        "The gap between the two welfare lines in the charts.",
    ),
    (
        "Integration paradox",
        "Money pressure makes working together more necessary and at the same time harder, as "
        "staff 'firefight' to keep existing services going [001].",
    ),
    (
        "Savings lag",
        "Pooled, preventive spending pays off only after a few years; until then both the old "
        "and the new service must be paid for ('double running') [004].",
    ),
    (
        "Risk share",
        "A local agreement to share any overspend or underspend of the pooled budget between "
        "the partners [004].",
    ),
    (
        "Equilibrium (Nash)",
        "A pair of choices from which neither side gains by changing its own choice alone.",
    ),
    (
        "Cooperation threshold",
        "In a repeated game: how much the organisations must value next year compared with this "
        "year for cooperating to pay (with a tit-for-tat or grim-trigger partner).",
    ),
    (
        "Canterbury",
        "Canterbury, New Zealand, pooled its health and care budgets into one system, often "
        "cited as what 'really good' looks like [003].",
    ),
)

# Short forms of regulation.RATINGS (NHS Improvement's Single Oversight Framework segments).
RATING_SHORT = ("1 autonomy", "2 targeted", "3 mandated", "4 special")

# Where a preset's point shows on the page (its description, in stpgame/core/scenarios/, says
# what to watch; this names the view that shows it).
WHERE_TO_LOOK = {
    "bcf_pooling": (
        "Where to look: Together vs alone, 'Pooling: money and choices': the money pooled by "
        "choice and the bodies choosing to pool move exactly as in the fortress preset. A "
        "minimum pools spending that happened anyway, 'not new money' [004]: the fund looks "
        "bigger (bcf_pool in the downloads) and nothing else moves."
    ),
    "simple_vs_complex": (
        "Where to look: Relationships, a simple and a complex footprint side by side, with "
        "their pooling and trust year by year."
    ),
}

EMPTY_CHART = "Press Step or Play: the charts fill in year by year."


def org_label(org_type: str, plural: bool = False) -> str:
    """What an organisation type is called on the page (singular or plural)."""
    return ORG_LABELS[org_type][1 if plural else 0]


def strategy_label(name: str) -> str:
    """What a strategy is called on the page."""
    from stpgame.strategies import REGISTRY

    return STRATEGY_WORDS.get(name) or REGISTRY[name].label or name
