"""Features of resident feedback for the sentiment scorer: tokens, council lexicon, negation and phrase rules."""

from __future__ import annotations

import itertools
import re
from functools import cache

from textblob.en import sentiment as _pattern_lexicon

# Bump when feature extraction changes: a model trained on other features is refused at load time.
FEATURES_REVISION = 2

# --- Tokens ----------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9£]+(?:'[a-z]+)*|[.,;:!?]")
# Curly and stray apostrophes read as straight ones ("didn’t"); str.replace is faster than translate here.
_APOSTROPHES = ("’", "‘", "`", "´")
_BREAKS = frozenset(".;:!?,")
_SENTENCE_ENDS = frozenset(".;:!?")

# Common slips in resident writing, mapped to the dictionary word(s).
SPELLING = {
    "recieved": "received", "recieve": "receive", "dissapointed": "disappointed", "disapointed": "disappointed",
    "definately": "definitely", "untill": "until", "wich": "which", "absolutley": "absolutely",
    "absolutly": "absolutely", "rediculous": "ridiculous", "apreciate": "appreciate", "appriciate": "appreciate",
    "apreciated": "appreciated", "helpfull": "helpful", "gratefull": "grateful", "greatful": "grateful",
    "libary": "library", "recyling": "recycling", "fortnite": "fortnight", "bailifs": "bailiffs",
    "efficent": "efficient", "acknowledgment": "acknowledgement", "thier": "their", "alot": "a lot",
    "brill": "brilliant", "fab": "fabulous", "noone": "nobody", "thankyou": "thank you", "ty": "thank you",
    "thanx": "thanks", "thx": "thanks", "pls": "please", "plz": "please", "u": "you", "ur": "your",
    "wud": "would", "cud": "could", "n": "and", "dont": "don't", "didnt": "didn't", "cant": "can't",
    "wont": "won't", "isnt": "isn't", "wasnt": "wasn't", "doesnt": "doesn't", "havent": "haven't",
    "hasnt": "hasn't", "couldnt": "couldn't", "wouldnt": "wouldn't", "shouldnt": "shouldn't", "arent": "aren't",
    "werent": "weren't", "aint": "ain't", "ive": "i've", "im": "i'm", "theyre": "they're", "callback": "call back",
    "callbacks": "call backs", "webchat": "web chat",
}


def tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens, with spelling slips fixed and "no one" read as "nobody"."""
    text = text.lower()
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "'")
    found = _TOKEN.findall(text)
    if SPELLING.keys().isdisjoint(found) and "one" not in found:
        return found  # the common case, checked in C, skips the loop below
    out: list[str] = []
    for token in found:
        fixed = SPELLING.get(token)
        if fixed is not None:
            out.extend(fixed.split())
        elif token == "one" and out and out[-1] == "no":
            out[-1] = "nobody"
        else:
            out.append(token)
    return out


# --- Lexicon: Pattern's adjectives and adverbs, adapted to council feedback ----------------------------------

# (polarity, subjectivity) for words Pattern lacks or reads wrongly in council feedback: "waiting", "chased" and
# "ignored" are neutral in general English but are complaints here; "helpful" and "polite" are missing.
COUNCIL_LEXICON: dict[str, tuple[float, float]] = {
    # Complaint vocabulary
    "waiting": (-0.3, 0.4), "waited": (-0.3, 0.4), "chased": (-0.5, 0.5), "chasing": (-0.5, 0.5),
    "chase": (-0.4, 0.5), "ignored": (-0.6, 0.6), "ignoring": (-0.6, 0.6), "unanswered": (-0.6, 0.5),
    "fobbed": (-0.6, 0.7), "palmed": (-0.5, 0.6), "missed": (-0.4, 0.3), "broken": (-0.4, 0.3),
    "broke": (-0.4, 0.3), "leaking": (-0.4, 0.3), "leak": (-0.3, 0.3), "mould": (-0.4, 0.4),
    "mouldy": (-0.5, 0.5), "damp": (-0.3, 0.4), "delay": (-0.4, 0.4), "delayed": (-0.4, 0.4),
    "cancelled": (-0.3, 0.3), "shambles": (-0.9, 1.0), "farce": (-0.8, 1.0), "disgrace": (-0.9, 1.0),
    "disgraceful": (-0.9, 1.0), "useless": (-0.8, 0.9), "joke": (-0.5, 0.8), "pathetic": (-0.9, 1.0),
    "shoddy": (-0.7, 0.8), "appalling": (-0.8, 1.0), "shocking": (-0.7, 0.9), "dreadful": (-0.8, 1.0),
    "unacceptable": (-0.8, 0.9), "fuming": (-0.8, 1.0), "furious": (-0.8, 1.0), "gutted": (-0.6, 0.9),
    "lied": (-0.7, 0.7), "lost": (-0.3, 0.3), "rude": (-0.7, 0.8), "abrupt": (-0.5, 0.7),
    "dismissive": (-0.6, 0.8), "unhelpful": (-0.6, 0.7), "incompetent": (-0.8, 0.9), "incompetence": (-0.8, 0.9),
    "filthy": (-0.8, 0.9), "unsafe": (-0.5, 0.6), "dangerous": (-0.6, 0.6), "nightmare": (-0.7, 0.9),
    "frustrating": (-0.6, 0.9), "frustrated": (-0.6, 0.9), "worse": (-0.5, 0.6), "still": (-0.15, 0.3),
    "again": (-0.2, 0.3), "nobody": (-0.3, 0.3), "excuse": (-0.3, 0.4), "excuses": (-0.4, 0.5),
    "chaos": (-0.6, 0.8), "mess": (-0.5, 0.6), "blame": (-0.4, 0.6), "threatened": (-0.5, 0.6),
    "disgusting": (-1.0, 1.0), "disgusted": (-0.9, 1.0), "ridiculous": (-0.6, 0.9), "hassle": (-0.3, 0.5),
    "fuss": (-0.2, 0.4),
    # Satisfaction vocabulary
    "helpful": (0.6, 0.6), "polite": (0.5, 0.6), "courteous": (0.6, 0.6), "prompt": (0.5, 0.5),
    "promptly": (0.5, 0.5), "efficient": (0.6, 0.6), "efficiently": (0.6, 0.6), "thorough": (0.4, 0.5),
    "patient": (0.5, 0.6), "reassuring": (0.5, 0.7), "knowledgeable": (0.5, 0.6), "professional": (0.5, 0.5),
    "thanks": (0.5, 0.4), "thank": (0.5, 0.4), "cheers": (0.4, 0.4), "grateful": (0.7, 0.8),
    "appreciate": (0.6, 0.6), "appreciated": (0.6, 0.6), "spotless": (0.6, 0.6), "tidy": (0.4, 0.4),
    "lifeline": (0.7, 0.7), "sorted": (0.4, 0.3), "fixed": (0.2, 0.2), "resolved": (0.3, 0.3),
    "cracking": (0.5, 0.7), "chuffed": (0.8, 0.9), "smashing": (0.7, 0.8), "superb": (0.9, 1.0),
    "kudos": (0.7, 0.7), "star": (0.5, 0.6), "gem": (0.6, 0.7), "legend": (0.6, 0.8), "kindness": (0.6, 0.7),
    "kind": (0.6, 0.8), "caring": (0.6, 0.7), "compassionate": (0.7, 0.8), "welcoming": (0.6, 0.7),
    "improvement": (0.4, 0.4), "praise": (0.6, 0.7), "pleased": (0.6, 0.8), "relief": (0.4, 0.6),
    "quick": (0.35, 0.4), "quickly": (0.35, 0.4), "painless": (0.5, 0.6), "thoughtful": (0.5, 0.7),
    "fabulous": (0.8, 0.9),
    # Words Pattern scores that are routine in council correspondence
    "due": (0.0, 0.0), "free": (0.0, 0.0), "new": (0.0, 0.0), "other": (0.0, 0.0), "last": (0.0, 0.0),
    "first": (0.0, 0.0), "full": (0.0, 0.0), "public": (0.0, 0.0), "local": (0.0, 0.0), "late": (-0.3, 0.4),
    "old": (0.0, 0.0), "open": (0.0, 0.0), "extra": (0.0, 0.0), "same": (0.0, 0.0), "special": (0.1, 0.3),
    "right": (0.0, 0.0), "sure": (0.0, 0.2), "only": (0.0, 0.0), "long": (-0.05, 0.3), "big": (0.0, 0.0),
    "little": (0.0, 0.0), "small": (0.0, 0.0), "large": (0.0, 0.0), "high": (0.0, 0.0), "low": (0.0, 0.0),
    "general": (0.0, 0.0), "common": (0.0, 0.0), "single": (0.0, 0.0), "empty": (0.0, 0.0),
    "current": (0.0, 0.0), "certain": (0.0, 0.2), "best": (0.3, 0.3), "next": (0.0, 0.0),
}

# Multipliers for the word that follows ("really rude", "dead impressed", "absolutely useless").
INTENSIFIERS: dict[str, float] = {
    "very": 1.3, "really": 1.3, "so": 1.3, "absolutely": 1.5, "totally": 1.5, "completely": 1.5,
    "extremely": 1.6, "incredibly": 1.5, "super": 1.3, "dead": 1.3, "proper": 1.2, "truly": 1.3,
    "genuinely": 1.2, "utterly": 1.6, "thoroughly": 1.3, "most": 1.2, "too": 1.2, "quite": 1.1,
    "massively": 1.4, "hugely": 1.4, "such": 1.2,
}

NEGATORS = frozenset(("not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "hardly", "barely",
                      "without", "cannot", "nowhere"))
# A clause boundary ends a negation's scope as punctuation does ("not fixed but the officer was kind").
_SCOPE_ENDERS = frozenset(("but", "however", "although", "though", "yet", "whereas", "and"))
_NEGATION_SCOPE = 3


@cache
def _lexicon() -> dict[str, tuple[float, float]]:
    """Pattern's word polarity and subjectivity (all parts of speech averaged), with the council lexicon on top."""
    merged = {word: (float(scores[None][0]), float(scores[None][1]))
              for word, scores in _pattern_lexicon.items() if None in scores and " " not in word}
    merged.update(COUNCIL_LEXICON)
    return {word: scores for word, scores in merged.items() if scores[0] != 0.0}


# --- Phrase rules ----------------------------------------------------------------------------------------------
# A phrase is a space-separated sequence of slots. A slot lists alternatives with "/"; a trailing "?" makes it
# optional; "<num>", "<span>", "<month>", "<ord>" and "<day>" are word classes; "..." skips any words within the
# same sentence; a leading "^" anchors the phrase to the start of a sentence.

WORD_CLASSES: dict[str, frozenset[str]] = {
    "<num>": frozenset("a an one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
                       "forty several many few couple umpteen countless <digits>".split()),
    "<span>": frozenset("days weeks months years fortnight fortnights".split()),
    "<month>": frozenset("january february march april may june july august september october november december "
                         "christmas easter spring summer autumn winter".split()),
    "<ord>": frozenset("second third fourth fifth sixth seventh eighth ninth tenth umpteenth".split()),
    "<day>": frozenset("monday tuesday wednesday thursday friday saturday sunday morning afternoon evening "
                       "lunchtime tomorrow".split()),
}

_CONTACT = "rang/rung/called/phoned/emailed/written/wrote/reported/asked/told/contacted/complained/sent/chased"
_RESPOND = ("called/call/rang/ring/rung/phoned/phone/replied/reply/responded/respond/answered/answer/came/come"
            "/turned/turn/showed/show/arrived/arrive/bothered/bother/returned/contacted/acknowledged")

PHRASE_RULES: dict[str, tuple[str, ...]] = {
    # "Still waiting after three weeks": time passing without the thing happening.
    "waiting": (
        "still/been/kept/keep/left/am/is/are/was waiting", "waiting since/for/over/nearly/almost",
        "waited in? all/for/over/nearly", "yet to", "still no/not/nothing/waiting/chasing/outstanding/broken/leaking",
        "still hasn't/haven't/isn't/wasn't/doesn't/don't/can't/won't/didn't/hanging/unresolved/there/dripping",
        "still ... <span>", "and counting", "awaiting a/an/any? response/reply/decision/update/date",
    ),
    "elapsed": (
        "<num> <span> later/on/ago/now", "<span> later/on", "since <month>", "since last <span>/year/month/week",
        "since before", "since the <month>", "for over/nearly/almost? <num> <span>", "it's/its been over/nearly? <num>",
        "day <num>", "the best part of <num>? <span>", "over <num> <span>", "<span> and <span>",
    ),
    # "Chased four times", "third email", "again and again".
    "chased": (
        "chase/chased/chasing/chases", f"{_CONTACT} ... <num> times", "<num> times", "<ord> time/email/letter/call"
        "/visit/week/missed/attempt/appointment/year", "again and again", "over and over", "time and/after time",
        "for the <ord> time", "so many times",
    ),
    "again": ("again", "yet again", "once again", "re reported", "keeps/keep happening/breaking", "keeps coming back"),
    # "Nobody called me back", "no reply", "never heard anything".
    "no_response": (
        f"nobody has/have/had/ever/even? {_RESPOND}/got/knows/seems/cares/listens/takes/picked/told/will/can",
        "no reply/replies/response/answer/acknowledgement/update/explanation/apology/contact/word/sign/show",
        "no call back", f"never heard/got/received/{_RESPOND}", "never once",
        f"didn't/hasn't/haven't/never/not {_RESPOND}/heard/got", "not had a? reply/response/call",
        "heard nothing", "not a word/sausage/peep/thing", "ignore/ignored/ignoring/ignores", "unanswered",
        "silence", "black hole", "voicemail", "rings out", "rang out", "bounced", "didn't get back",
        "nobody got back", "never got back", "not got back", "no show",
    ),
    "broken_promise": (
        "was/were/been/i'm/am promised/told/assured", "promised", "said they/he/she/someone/you would/will/'d",
        "supposed to", "supposedly", "apparently",
    ),
    "runaround": (
        "fobbed off", "palmed off", "passed between/from/around/round", "pillar to post",
        "different/another/new person/department/answer/officer/story/contractor/date/people",
        "explain/explained ... again/twice", "brick wall", "blames another", "not my/our/their problem/department",
        "takes responsibility", "take responsibility", "from one department to another",
    ),
    "strong_complaint": (
        "disgrace/disgraceful/disgusting/disgusted", "shambles", "farce", "joke", "not fit for purpose",
        "unacceptable", "ridiculous", "pathetic", "useless", "appalling", "shocking", "dreadful", "fuming",
        "fed up", "sick of", "sick and tired", "end of my tether", "furious", "nightmare", "incompetent",
        "incompetence", "waste of time/money/space", "not good enough", "let down", "not acceptable",
        "patience has", "had enough", "zero stars", "ombudsman", "my mp", "councillor involved", "lied",
        "complain in the strongest", "formally complain", "treated like", "no excuse",
    ),
    "not_done": (
        "not/never/hasn't/haven't/wasn't/weren't/isn't been? collected/emptied/fixed/repaired/done/sorted/resolved"
        "/replaced/cleared/completed/paid/processed/actioned/dealt",
        "nothing has/had/was/is? been? done/happened/changed", "still not/isn't/hasn't/no",
        "half finished", "unfinished", "left it/rubble/us/me/a", "made it/things worse",
        "no heating/water/power/toilet/shower/lift/light", "without heating/a/any",
    ),
    "rhetorical": (
        "how many times", "how hard can", "how long does it take", "what's the point", "what is the point",
        "what do we/i pay", "why does/do/is/are/can't/won't/should/has/have it/every/nobody/the/you/your/i/we/a",
        "can't believe", "who plans", "since when", "why bother", "do i have to", "are we meant/supposed",
        "am i meant/supposed", "is anyone", "does anyone actually",
    ),
    # Sarcasm: a bright opener followed, in the same sentence, by what went wrong.
    "sarcasm": (
        "^ oh/wow? great/brilliant/wonderful/fantastic/marvellous/lovely/nice/cheers/superb ... again/another/yet"
        "/still/nothing/never/missed/not/no/only/record/weeks/months/left/blocking/more",
        "^ well done ... another/again/nothing", "^ love how/that", "^ good to know", "^ so glad ... nothing",
        "thanks for nothing", "so called", "must be a record", "only took", "my foot", "who could have",
        "what a surprise", "comedy", "lol",
    ),
    # "Went above and beyond", "can't fault", "made a real difference".
    "praise": (
        "above and beyond", "extra mile", "out of their/her/his/your/my/the way", "went above",
        "can't/cannot thank/praise/fault", "couldn't fault", "couldn't have asked/been", "couldn't be happier",
        "couldn't ask for", "no complaints", "nothing but praise/good/kindness/thanks", "speak too/so? highly",
        "credit to", "credit where", "made a/all/such/my/our a/real/the/huge/massive/big? difference/day/week",
        "lifeline", "life changing", "pleasantly surprised", "put my mind at rest/ease", "hats off",
        "fair play/dos", "well done", "top marks/notch/stuff/lads/job", "shout out", "thumbs up", "kudos",
        "a credit", "over the moon", "chuffed", "made up", "spot on", "five stars", "<num> out of <num>",
        "first class", "well organised", "keep it up", "more of this", "restored my faith",
        "saved us/me/our/my", "godsend", "a pleasure", "a gem", "a star", "a legend", "a rock",
    ),
    "thanks": (
        "thank you", "thanks", "cheers", "ta", "much appreciated", "appreciate/appreciated/appreciative",
        "grateful", "gratitude", "indebted", "commend", "compliment", "praise",
    ),
    "not_bad": (
        "not too/at/half? all? bad/shabby/disappointed", "no problem/problems/fuss/hassle/bother/issues/waiting",
        "can't/cannot complain", "nothing to complain", "never had/have a/any problem", "without any? fuss/hassle"
        "/problem", "didn't have to wait", "no need to chase", "wouldn't hesitate", "not a single missed",
    ),
    # Speed and keeping promises are the commonest compliments in council feedback.
    "speed": (
        "same/next day/morning/afternoon/evening/week", "within <num>/the/half <span>/hour/hours/day/week/minutes",
        "within an hour", "straight away", "first time/go", "in <num> minutes", "on time", "ahead of schedule/time",
        "there and then", "by the? <day>", "when they/he/she said", "as promised", "exactly when",
        "quick/quickly/fast/prompt/promptly/speedy/swift/swiftly",
    ),
    "kept_informed": (
        "kept me/us? informed/updated", "kept me/us in the loop/touch", "kept her/his/their promise",
        "explained everything/exactly/clearly/what/the", "listened", "felt heard/listened", "took my/our/me concerns"
        "/complaint seriously", "checked/checking on/in", "checked i/we was/were",
    ),
    # Questions, requests and suggestions are the bulk of neutral contact.
    "question": (
        "?", "^ how/what/what's/when/where/who/which/is/are/can/could/do/does/will/would/should/may/has/have/am/if",
    ),
    "request": (
        "^ please", "^ i'd like", "^ i would like", "^ i need", "^ i want to",
        "^ i'm writing/looking/enquiring/trying/moving",
        "^ i am writing/enquiring/looking", "^ just letting/confirming/wondering", "^ hi/hello/dear",
        "^ good morning/afternoon/evening", "^ following our", "^ further to our", "^ for information",
        "^ suggestion", "^ idea", "^ maybe/perhaps", "^ here are", "attached", "enclosed",
        "please can/could/send/let/add/update/confirm/note/cancel/forward/change/advise/tell/pass/contact/call"
        "/ring/email", "could you", "can you", "would it be", "would you", "would the council", "would someone",
        "would help/be", "consider", "i'd suggest", "how do i", "what is the", "not urgent", "no rush",
        "just letting you know", "for your information", "is there", "is it possible",
    ),
    "report_fault": ("reporting", "report", "to report", "letting you know"),
}


def _expand(phrase: str) -> list[tuple[bool, tuple[frozenset[str] | None, ...]]]:
    """All fixed-length sequences a phrase stands for: (anchored, slots), where a None slot is the "..." gap."""
    anchored = phrase.startswith("^ ")
    choices: list[list[frozenset[str] | None]] = []
    for slot in phrase.removeprefix("^ ").split():
        if slot == "...":
            choices.append([None])
            continue
        optional = slot.endswith("?") and slot != "?"
        alternatives: set[str] = set()
        for word in slot.removesuffix("?").split("/") if optional else slot.split("/"):
            alternatives |= WORD_CLASSES.get(word, {word})
        choices.append([frozenset(alternatives), frozenset()] if optional else [frozenset(alternatives)])
    return [(anchored, tuple(slot for slot in combo if slot != frozenset()))
            for combo in itertools.product(*choices)]


_Slots = tuple[frozenset[str] | None, ...]
_Candidate = tuple[str, bool, _Slots]  # rule feature name, anchored to a sentence start, slots still to match


@cache
def _rule_index() -> tuple[dict[str, list[_Candidate]], dict[tuple[str, str], list[_Candidate]]]:
    """Phrases indexed by their first word, or by their first two words when the second is not a gap.

    Scoring then costs two dict lookups per token, and only real candidates are checked in full.
    """
    by_word: dict[str, list[_Candidate]] = {}
    by_pair: dict[tuple[str, str], list[_Candidate]] = {}
    for name, phrases in PHRASE_RULES.items():
        feature = "r:" + name
        for phrase in phrases:
            for anchored, slots in _expand(phrase):
                if len(slots) > 1 and slots[1] is not None:
                    for first, second in itertools.product(slots[0], slots[1]):
                        by_pair.setdefault((first, second), []).append((feature, anchored, slots[2:]))
                else:
                    for first in slots[0]:
                        by_word.setdefault(first, []).append((feature, anchored, slots[1:]))
    return by_word, by_pair


def _matches(toks: list[str], start: int, slots: _Slots) -> bool:
    """Whether the slots match the tokens from `start`; a gap slot skips words up to the end of the sentence."""
    if not slots:
        return True
    slot = slots[0]
    if slot is None:
        for position in range(start, len(toks)):
            if toks[position] in _SENTENCE_ENDS:
                return False
            if _matches(toks, position, slots[1:]):
                return True
        return False
    return start < len(toks) and toks[start] in slot and _matches(toks, start + 1, slots[1:])


def _match_rules(candidates: list[_Candidate], toks: list[str], start: int, sentence_start: bool,
                 names: dict[str, None]) -> None:
    """Add the rule feature of each candidate phrase whose remaining slots match from `start`."""
    for feature, anchored, rest in candidates:
        if feature not in names and (sentence_start or not anchored) and (not rest or _matches(toks, start, rest)):
            names[feature] = None


_DIGIT = re.compile(r"\d")


# --- Features --------------------------------------------------------------------------------------------------


def features(text: str) -> dict[str, float]:
    """The classifier's features: words (marked when negated), word pairs, phrase rules and lexicon sums."""
    names, positive, negative, subjectivity = extract(text)
    feats = dict.fromkeys(names, 1.0)
    feats["x:positive"] = positive
    feats["x:negative"] = negative
    feats["x:subjectivity"] = subjectivity
    return feats


# What the scoring loop needs to know about a word, in one lookup: (polarity, subjectivity, intensifier, kind).
_PLAIN, _NEGATOR, _SCOPE_END, _COMMA, _SENTENCE_END = range(5)


@cache
def _word_table() -> dict[str, tuple[float, float, float, int]]:
    table: dict[str, tuple[float, float, float, int]] = {}
    words = set(_lexicon()) | set(INTENSIFIERS) | NEGATORS | _SCOPE_ENDERS | _BREAKS
    for word in words:
        polarity, subjectivity = _lexicon().get(word, (0.0, 0.0))
        kind = (_SENTENCE_END if word in _SENTENCE_ENDS else _COMMA if word in _BREAKS
                else _NEGATOR if word in NEGATORS or word.endswith("n't")
                else _SCOPE_END if word in _SCOPE_ENDERS else _PLAIN)
        table[word] = (polarity, subjectivity, INTENSIFIERS.get(word, 1.0), kind)
    return table


_UNKNOWN = (0.0, 0.0, 1.0, _PLAIN)


def extract(text: str) -> tuple[dict[str, None], float, float, float]:
    """Binary feature names (in a dict, for order and uniqueness), positive and negative lexicon sums (capped at
    3) and mean lexicon subjectivity. `features` packs these for training; the scorer uses them directly."""
    toks = tokens(text)
    if _DIGIT.search(text):
        toks = ["<digits>" if token.isdigit() else token for token in toks]
    names: dict[str, None] = {}
    positive, negative, subjectivity, hits = _scan(toks, names)
    for mark in ("?", "!"):
        if mark in toks:
            names[mark] = None
    return names, min(positive, 3.0), min(negative, 3.0), subjectivity / hits if hits else 0.0


def _scan(toks: list[str], names: dict[str, None]) -> tuple[float, float, float, int]:
    """One pass over the tokens (one pass, because scoring speed matters): adds phrase-rule features and word and
    word-pair features (words in a negation's scope are marked "n:"), and sums the lexicon.

    Returns the positive and negative polarity sums, the subjectivity sum and the number of lexicon words.
    """
    if not toks:
        return 0.0, 0.0, 0.0, 0  # no words: punctuation-free symbols, emoji, other scripts, control characters
    by_word, by_pair = _rule_index()
    table = _word_table()
    sums = [0.0, 0.0]  # positive, negative
    subjectivity = 0.0
    hits = negated_for = position = 0
    boost = 1.0
    previous = "<s>"
    for token, after in zip(toks, toks[1:] + ["</s>"], strict=True):
        position += 1
        candidates = by_word.get(token)
        if candidates is not None:
            _match_rules(candidates, toks, position, previous == "<s>", names)
        candidates = by_pair.get((token, after))
        if candidates is not None:
            _match_rules(candidates, toks, position + 1, previous == "<s>", names)
        polarity, word_subjectivity, intensifier, kind = table.get(token, _UNKNOWN)
        if kind >= _COMMA:
            negated_for, boost = 0, 1.0
            previous = "<s>" if kind == _SENTENCE_END else ","
            continue
        negated_for *= kind != _SCOPE_END  # "but", "and", "although" end a negation's scope
        names[("n:" if negated_for else "w:") + token] = None
        names["b:" + previous + "_" + token] = None
        previous = token
        if polarity:
            # Pattern's rule: "not good" is slightly bad and "not bad" slightly good.
            polarity *= boost * (-0.5 if negated_for else 1.0)
            sums[polarity < 0] += abs(polarity)
            subjectivity += word_subjectivity
            hits += 1
        boost = intensifier
        if kind == _NEGATOR or token.endswith("n't"):
            negated_for = _NEGATION_SCOPE
        elif negated_for:
            negated_for -= 1
    return sums[0], sums[1], subjectivity, hits
