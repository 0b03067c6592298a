"""Survey statistics a policy team can defend: Wilson intervals, net satisfaction, NPS and small-group suppression."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: The 97.5th percentile of the standard normal distribution: a two-sided 95% interval.
Z95 = 1.959963984540054


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (Wilson 1927); stays inside 0-1 and behaves at small n and p near 0 or 1.

    centre = (p + z²/2n) / (1 + z²/n);  half-width = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
    """
    if n <= 0:
        raise ValueError("a proportion needs at least one observation")
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Proportion:
    """x out of n, with its 95% Wilson interval."""

    successes: int
    n: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.successes / self.n

    def __str__(self) -> str:
        return f"{self.value:.0%} ({self.low:.0%} to {self.high:.0%})"


def proportion(successes: int, n: int) -> Proportion:
    low, high = wilson_interval(successes, n)
    return Proportion(successes, n, low, high)


def net_satisfaction(net_sum: int, n: int) -> Decimal:
    """GovMetric net satisfaction: the mean of +1 (good), 0 (average) and −1 (poor), to 2 decimal places."""
    if n <= 0:
        raise ValueError("net satisfaction needs at least one answer")
    # Half away from zero, so +0.125 and −0.125 round symmetrically to +0.13 and −0.13.
    return (Decimal(net_sum) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def net_promoter_score(promoters: int, detractors: int, n: int) -> int:
    """Percentage of promoters (9-10) minus percentage of detractors (0-6), a whole number from −100 to 100."""
    if n <= 0:
        raise ValueError("NPS needs at least one answer")
    if promoters + detractors > n:
        raise ValueError("promoters and detractors cannot outnumber the answers")
    exact = Decimal(100 * (promoters - detractors)) / Decimal(n)
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_net(value: Decimal) -> str:
    return f"{value:+.2f}" if value else "0.00"


@dataclass(frozen=True)
class Tally:
    """Raw counts for one group (a commitment, a channel, a month, a question), summed in SQL."""

    #: Answers on a satisfaction scale (rating 1-5 or good/average/poor) and how many were satisfied.
    scored: int = 0
    satisfied: int = 0
    #: Sum of +1/0/−1 over the scored answers.
    net_sum: int = 0
    #: Answers to yes/no questions, and how many said yes.
    yes_no: int = 0
    said_yes: int = 0
    #: Answers on the 0-10 scale, and the promoters (9-10) and detractors (0-6) among them.
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0
    #: Invitations sent and how many of them were answered.
    invited: int = 0
    responded: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        return (self.scored, self.satisfied, self.net_sum, self.yes_no, self.said_yes, self.nps_answers,
                self.promoters, self.detractors, self.invited, self.responded)


@dataclass(frozen=True)
class Figures:
    """What a results table shows for one group; None where the base is below the minimum or nothing was asked."""

    label: str
    tally: Tally
    minimum: int
    satisfaction: Proportion | None
    net: Decimal | None
    said_yes: Proportion | None
    nps: int | None
    response_rate: Proportion | None

    @property
    def satisfaction_suppressed(self) -> bool:
        return 0 < self.tally.scored < self.minimum

    @property
    def said_yes_suppressed(self) -> bool:
        return 0 < self.tally.yes_no < self.minimum

    @property
    def nps_suppressed(self) -> bool:
        return 0 < self.tally.nps_answers < self.minimum

    @property
    def response_rate_suppressed(self) -> bool:
        return 0 < self.tally.invited < self.minimum


def figures(label: str, tally: Tally, minimum: int) -> Figures:
    """Turn counts into published figures, suppressing every figure whose base is below `minimum`."""

    def enough(base: int) -> bool:
        return base >= max(minimum, 1)

    return Figures(
        label=label,
        tally=tally,
        minimum=minimum,
        satisfaction=proportion(tally.satisfied, tally.scored) if enough(tally.scored) else None,
        net=net_satisfaction(tally.net_sum, tally.scored) if enough(tally.scored) else None,
        said_yes=proportion(tally.said_yes, tally.yes_no) if enough(tally.yes_no) else None,
        nps=(net_promoter_score(tally.promoters, tally.detractors, tally.nps_answers)
             if enough(tally.nps_answers) else None),
        response_rate=proportion(tally.responded, tally.invited) if enough(tally.invited) else None,
    )


def suppression_note(minimum: int) -> str:
    return f"fewer than {minimum} responses"
