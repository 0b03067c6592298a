"""Text a hostile tester sends: no words at all, or words the scorer cannot read. Shared by the scorer, themer, API
and journey tests, which must score or skip each one and never raise."""

#: (id, text): each is a whole answer with nothing the sentiment scorer reads as a word.
NO_WORDS = [
    ("punctuation", "!!!"),
    ("full-stops", "..."),
    ("comma", ","),
    ("question-marks", "???"),
    ("symbols", "-/\\|~^*#%&"),
    ("quotes", "'\"`´‘’“”"),
    ("emoji", "😡😡😡"),
    ("emoji-sequence", "👩‍👩‍👧‍👦🇬🇧"),
    ("zero-width", "\u200b\u200c\u200d\u2060"),
    ("byte-order-mark", "\ufeff"),
    ("right-to-left-override", "\u202e"),
    ("control-characters", "\x01\x02\x07\x1b"),
    ("line-separators", "\u2028-\u2029\x85"),
    ("arabic", "مرحبا بكم"),
    ("chinese", "垃圾没有收集"),
    ("cyrillic", "Мусор не вывезли"),
    ("devanagari", "कचरा नहीं उठाया"),
    ("maths-letters", "𝐇𝐞𝐥𝐥𝐨 𝟙𝟚𝟛"),
    ("other-digits", "١٢٣ ² ½"),
    ("combining-marks", "\u0301\u0302\u0303"),
    ("formula", "=1+2"),
    ("lots-of-emoji", "🙂" * 2000),
]

#: (id, text): text no database stores as it is. PostgreSQL refuses NUL; a lone surrogate (JSON "\ud800") cannot be
#: encoded for any database.
UNSTORABLE = [
    ("nul", "\x00"),
    ("nul-inside", "The bin\x00 was missed"),
    ("high-surrogate", "\ud800"),
    ("low-surrogate-inside", "The bin \udfff was missed"),
]
