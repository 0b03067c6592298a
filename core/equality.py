"""The optional equality monitoring questions residents may answer: when they give feedback (kept apart from the
case), in a charter consultation and in a post-contact survey. One list, so the pack compares like with like.

Asked to help the council show it has due regard to the Public Sector Equality Duty (Equality Act 2010, s.149);
the groups follow the protected characteristics of s.4."""

from __future__ import annotations

PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")

#: Equality monitoring questions, each with "Prefer not to say"; the answers are never linked to the case.
EQUALITY_QUESTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "age_band": ("What is your age?", [
        ("under_18", "Under 18"), ("18_24", "18 to 24"), ("25_34", "25 to 34"), ("35_44", "35 to 44"),
        ("45_54", "45 to 54"), ("55_64", "55 to 64"), ("65_74", "65 to 74"), ("75_plus", "75 or over"),
        PREFER_NOT_TO_SAY]),
    "sex": ("What is your sex?", [("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY]),
    "disability": ("Do you consider yourself to have a disability or long-term health condition?", [
        ("yes", "Yes"), ("no", "No"), PREFER_NOT_TO_SAY]),
    "ethnicity": ("What is your ethnic group?", [
        ("asian", "Asian or Asian British"), ("black", "Black, Black British, Caribbean or African"),
        ("mixed", "Mixed or multiple ethnic groups"), ("white", "White"), ("other", "Another ethnic group"),
        PREFER_NOT_TO_SAY]),
    "religion": ("What is your religion?", [
        ("none", "No religion"), ("christian", "Christian"), ("buddhist", "Buddhist"), ("hindu", "Hindu"),
        ("jewish", "Jewish"), ("muslim", "Muslim"), ("sikh", "Sikh"), ("other", "Any other religion"),
        PREFER_NOT_TO_SAY]),
    "sexual_orientation": ("Which of the following best describes your sexual orientation?", [
        ("straight", "Straight or heterosexual"), ("gay_lesbian", "Gay or lesbian"), ("bisexual", "Bisexual"),
        ("other", "Another sexual orientation"), PREFER_NOT_TO_SAY]),
}
